// datetime.datetime (PyDateTime_DateTime), a subclass of date: a date and a time of day
// with an optional tzinfo and PEP 495's fold.
//
// Invariants: data[0..3] a valid date (as date's), data[4..9] hour, minute, second and the
// microsecond big-endian; hastzinfo is 1 exactly when tzinfo is a tzinfo (a reference
// the object holds), else tzinfo is NULL. Every datetime is allocated at full size (CPython
// makes naive ones shorter; the macros read tzinfo only when hastzinfo is set).
//
// Arithmetic and comparisons count in microseconds since 0001-01-01 (__int128); aware
// operands are brought to UTC through tzinfo.utcoffset(), checked by CallOffset.
//
// Provided: datetime(year, month, day, hour, minute, second, microsecond, tzinfo, *, fold),
// hour/minute/second/microsecond/tzinfo/fold (and date's), utcoffset(), dst(), tzname(),
// isoformat(sep='T') (no timespec), date(), time(), repr/str, datetime +- timedelta,
// datetime - datetime, comparisons (with dates: CPython's TypeError) and hash.
//
// Threads: any attached thread; datetimes are immutable.
#include <cstdio>
#include <string>

#include "compat/runtime/datetime_types.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

PyDateTime_DateTime* AsDateTime(PyObject* op) { return reinterpret_cast<PyDateTime_DateTime*>(op); }

PyObject* TzInfoOf(PyObject* dt) { return PyDateTime_DATE_GET_TZINFO(dt); }

// Microseconds since 0001-01-01T00:00 of the local (wall) time.
__int128 LocalUs(PyObject* dt) {
  const int ordinal =
      YmdToOrdinal(PyDateTime_GET_YEAR(dt), PyDateTime_GET_MONTH(dt), PyDateTime_GET_DAY(dt));
  const long long seconds = PyDateTime_DATE_GET_HOUR(dt) * 3600LL +
                            PyDateTime_DATE_GET_MINUTE(dt) * 60LL + PyDateTime_DATE_GET_SECOND(dt);
  return (static_cast<__int128>(ordinal) * kSecondsPerDay + seconds) * kUsPerSecond +
         PyDateTime_DATE_GET_MICROSECOND(dt);
}

// The datetime of `us` local microseconds (LocalUs's inverse) with `tzinfo`, of `type`;
// OverflowError "date value out of range" outside years 1..9999.
PyObject* FromLocalUs(__int128 us, PyObject* tzinfo, PyTypeObject* type) {
  if (us < kUsPerDay || us >= static_cast<__int128>(3652060) * kUsPerDay) {
    PyErr_SetString(PyExc_OverflowError, "date value out of range");
    return nullptr;
  }
  const int ordinal = static_cast<int>(us / kUsPerDay);
  const long long in_day = static_cast<long long>(us % kUsPerDay);
  int year, month, day;
  OrdinalToYmd(ordinal, &year, &month, &day);
  const long long seconds = in_day / kUsPerSecond;
  return DateTimeFromDateAndTimeAndFold(
      year, month, day, static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
      static_cast<int>(seconds % 60), static_cast<int>(in_day % kUsPerSecond), tzinfo, 0, type);
}

// utcoffset() of `dt`: a new reference to None or a timedelta; nullptr with an exception.
PyObject* Offset(PyObject* dt) { return CallOffset(TzInfoOf(dt), "utcoffset", dt); }

PyObject* DateTimeNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"year",   "month",       "day",    "hour", "minute",
                                   "second", "microsecond", "tzinfo", "fold", nullptr};
  int year, month, day, hour = 0, minute = 0, second = 0, us = 0, fold = 0;
  PyObject* tzinfo = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "iii|iiiiO$i:datetime",
                                   const_cast<char**>(keywords), &year, &month, &day, &hour,
                                   &minute, &second, &us, &tzinfo, &fold)) {
    return nullptr;
  }
  return DateTimeFromDateAndTimeAndFold(year, month, day, hour, minute, second, us, tzinfo, fold,
                                        type);
}

PyObject* DateTimeRepr(PyObject* self) {
  const int us = PyDateTime_DATE_GET_MICROSECOND(self);
  const int second = PyDateTime_DATE_GET_SECOND(self);
  std::string out =
      std::string(Py_TYPE(self)->tp_name) + "(" + std::to_string(PyDateTime_GET_YEAR(self)) + ", " +
      std::to_string(PyDateTime_GET_MONTH(self)) + ", " + std::to_string(PyDateTime_GET_DAY(self)) +
      ", " + std::to_string(PyDateTime_DATE_GET_HOUR(self)) + ", " +
      std::to_string(PyDateTime_DATE_GET_MINUTE(self));
  if (second != 0 || us != 0) out += ", " + std::to_string(second);
  if (us != 0) out += ", " + std::to_string(us);
  if (PyDateTime_DATE_GET_FOLD(self) != 0) out += ", fold=1";
  if (TzInfoOf(self) == Py_None) return PyUnicode_FromFormat("%s)", out.c_str());
  return PyUnicode_FromFormat("%s, tzinfo=%R)", out.c_str(), TzInfoOf(self));
}

// "YYYY-MM-DD<sep>HH:MM:SS[.ffffff][+HH:MM[:SS[.ffffff]]]".
PyObject* IsoFormat(PyObject* self, char sep) {
  std::string out =
      DateIso(self) + sep +
      TimeIso(PyDateTime_DATE_GET_HOUR(self), PyDateTime_DATE_GET_MINUTE(self),
              PyDateTime_DATE_GET_SECOND(self), PyDateTime_DATE_GET_MICROSECOND(self));
  PyObject* offset = Offset(self);
  if (offset == nullptr) return nullptr;
  if (offset != Py_None) out += FormatOffset(offset, ":");
  Py_DECREF(offset);
  return PyUnicode_FromString(out.c_str());
}

PyObject* DateTimeStr(PyObject* self) { return IsoFormat(self, ' '); }

PyObject* DateTimeIsoFormat(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"sep", nullptr};
  int sep = 'T';
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|C:isoformat", const_cast<char**>(keywords),
                                   &sep)) {
    return nullptr;
  }
  if (sep > 0x7f) {
    PyErr_SetString(PyExc_ValueError, "isoformat: only an ASCII sep is supported by Pinion");
    return nullptr;
  }
  return IsoFormat(self, static_cast<char>(sep));
}

PyObject* DateTimeUtcOffset(PyObject* self, PyObject*) { return Offset(self); }
PyObject* DateTimeDst(PyObject* self, PyObject*) { return CallOffset(TzInfoOf(self), "dst", self); }
PyObject* DateTimeTzName(PyObject* self, PyObject*) {
  if (TzInfoOf(self) == Py_None) Py_RETURN_NONE;
  PyObject* name = PyObject_CallMethod(TzInfoOf(self), "tzname", "O", self);
  if (name != nullptr && name != Py_None && !PyUnicode_Check(name)) {
    PyErr_Format(PyExc_TypeError, "tzinfo.tzname() must return None or a string, not '%s'",
                 Py_TYPE(name)->tp_name);
    Py_CLEAR(name);
  }
  return name;
}

PyObject* DateTimeGetDate(PyObject* self, PyObject*) {
  return DateFromDate(PyDateTime_GET_YEAR(self), PyDateTime_GET_MONTH(self),
                      PyDateTime_GET_DAY(self), &g_date_type);
}
PyObject* DateTimeGetTime(PyObject* self, PyObject*) {
  return TimeFromTimeAndFold(PyDateTime_DATE_GET_HOUR(self), PyDateTime_DATE_GET_MINUTE(self),
                             PyDateTime_DATE_GET_SECOND(self),
                             PyDateTime_DATE_GET_MICROSECOND(self), Py_None,
                             PyDateTime_DATE_GET_FOLD(self), &g_time_type);
}

// The offsets of two datetimes, as CPython compares and subtracts them: both None when they
// share their tzinfo object (no call is made). False with an exception.
bool Offsets(PyObject* a, PyObject* b, PyObject** offset_a, PyObject** offset_b) {
  if (TzInfoOf(a) == TzInfoOf(b)) {
    *offset_a = Py_NewRef(Py_None);
    *offset_b = Py_NewRef(Py_None);
    return true;
  }
  *offset_a = Offset(a);
  if (*offset_a == nullptr) return false;
  *offset_b = Offset(b);
  if (*offset_b == nullptr) {
    Py_CLEAR(*offset_a);
    return false;
  }
  return true;
}

// The instants two datetimes compare and subtract by: their local times, less their UTC
// offsets when aware (the same tzinfo: both taken as naive, as CPython). False with an
// exception.
struct Instants {
  __int128 a, b;
  bool naive_a, naive_b;
};
bool InstantsOf(PyObject* a, PyObject* b, Instants* out) {
  PyObject* offset_a;
  PyObject* offset_b;
  if (!Offsets(a, b, &offset_a, &offset_b)) return false;
  out->naive_a = offset_a == Py_None;
  out->naive_b = offset_b == Py_None;
  out->a = LocalUs(a) - (out->naive_a ? 0 : DeltaToUs(offset_a));
  out->b = LocalUs(b) - (out->naive_b ? 0 : DeltaToUs(offset_b));
  Py_DECREF(offset_a);
  Py_DECREF(offset_b);
  return true;
}

PyObject* DateTimeRichCompare(PyObject* a, PyObject* b, int op) {
  if (!IsDateTime(b)) {
    if (!IsDate(b)) Py_RETURN_NOTIMPLEMENTED;
    if (op == Py_EQ || op == Py_NE) return PyBool_FromLong(op == Py_NE);
    PyErr_Format(PyExc_TypeError, "can't compare %s to %s", Py_TYPE(a)->tp_name,
                 Py_TYPE(b)->tp_name);
    return nullptr;
  }
  Instants t;
  if (!InstantsOf(a, b, &t)) return nullptr;
  if (t.naive_a != t.naive_b) {
    if (op == Py_EQ || op == Py_NE) return PyBool_FromLong(op == Py_NE);
    PyErr_SetString(PyExc_TypeError, "can't compare offset-naive and offset-aware datetimes");
    return nullptr;
  }
  Py_RETURN_RICHCOMPARE(t.a, t.b, op);
}

Py_hash_t DateTimeHash(PyObject* self) {
  PyDateTime_DateTime* dt = AsDateTime(self);
  if (CachedHash(&dt->hashcode) != -1) return CachedHash(&dt->hashcode);
  PyObject* offset = Offset(self);
  if (offset == nullptr) return -1;
  __int128 us = LocalUs(self);
  if (offset != Py_None) us -= DeltaToUs(offset);
  Py_DECREF(offset);
  PyObject* key = Py_BuildValue("(LL)", static_cast<long long>(us / kUsPerDay),
                                static_cast<long long>(us % kUsPerDay));
  if (key == nullptr) return -1;
  const Py_hash_t hash = PyObject_Hash(key);
  Py_DECREF(key);
  CacheHash(&dt->hashcode, hash);
  return hash;
}

// datetime + timedelta, either order: the same tzinfo, fold 0.
PyObject* DateTimeAdd(PyObject* a, PyObject* b) {
  if (IsDateTime(a) && IsDelta(b))
    return FromLocalUs(LocalUs(a) + DeltaToUs(b), TzInfoOf(a), Py_TYPE(a));
  if (IsDelta(a) && IsDateTime(b))
    return FromLocalUs(LocalUs(b) + DeltaToUs(a), TzInfoOf(b), Py_TYPE(b));
  Py_RETURN_NOTIMPLEMENTED;
}

PyObject* DateTimeSubtract(PyObject* a, PyObject* b) {
  if (!IsDateTime(a)) Py_RETURN_NOTIMPLEMENTED;
  if (IsDelta(b)) return FromLocalUs(LocalUs(a) - DeltaToUs(b), TzInfoOf(a), Py_TYPE(a));
  if (!IsDateTime(b)) Py_RETURN_NOTIMPLEMENTED;
  Instants t;
  if (!InstantsOf(a, b, &t)) return nullptr;
  if (t.naive_a != t.naive_b) {
    PyErr_SetString(PyExc_TypeError, "can't subtract offset-naive and offset-aware datetimes");
    return nullptr;
  }
  return DeltaFromUs(t.a - t.b);
}

int DateTimeTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsDateTime(self)->tzinfo);
  return 0;
}

void DateTimeDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_XDECREF(AsDateTime(self)->tzinfo);
  Py_TYPE(self)->tp_free(self);
}

PyMethodDef kDateTimeMethods[] = {
    {"isoformat", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&DateTimeIsoFormat)),
     METH_VARARGS | METH_KEYWORDS,
     "[sep] -> string in ISO 8601 format, YYYY-MM-DDT[HH[:MM[:SS[.mmm[uuu]]]]][+HH:MM]."},
    {"utcoffset", &DateTimeUtcOffset, METH_NOARGS, "Return self.tzinfo.utcoffset(self)."},
    {"tzname", &DateTimeTzName, METH_NOARGS, "Return self.tzinfo.tzname(self)."},
    {"dst", &DateTimeDst, METH_NOARGS, "Return self.tzinfo.dst(self)."},
    {"date", &DateTimeGetDate, METH_NOARGS, "Return date object with same year, month and day."},
    {"time", &DateTimeGetTime, METH_NOARGS,
     "Return time object with same time but with tzinfo=None."},
    {nullptr, nullptr, 0, nullptr},
};

PyNumberMethods kDateTimeNumber = {
    .nb_add = &DateTimeAdd,
    .nb_subtract = &DateTimeSubtract,
};

}  // namespace

bool CheckTimeFields(int hour, int minute, int second, int us, int fold) {
  const char* message = nullptr;
  if (hour < 0 || hour > 23) {
    message = "hour must be in 0..23";
  } else if (minute < 0 || minute > 59) {
    message = "minute must be in 0..59";
  } else if (second < 0 || second > 59) {
    message = "second must be in 0..59";
  } else if (us < 0 || us > 999999) {
    message = "microsecond must be in 0..999999";
  } else if (fold != 0 && fold != 1) {
    message = "fold must be either 0 or 1";
  }
  if (message == nullptr) return true;
  PyErr_SetString(PyExc_ValueError, message);
  return false;
}

bool CheckTzInfoArg(PyObject* tzinfo) {
  if (tzinfo == Py_None || IsTzInfo(tzinfo)) return true;
  PyErr_Format(PyExc_TypeError,
               "tzinfo argument must be None or of a tzinfo subclass, not type '%s'",
               Py_TYPE(tzinfo)->tp_name);
  return false;
}

PyObject* DateTimeFromDateAndTimeAndFold(int year, int month, int day, int hour, int minute,
                                         int second, int us, PyObject* tzinfo, int fold,
                                         PyTypeObject* type) {
  if (type == nullptr || !PyType_IsSubtype(type, &g_datetime_type) || tzinfo == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (!CheckDateFields(year, month, day) || !CheckTimeFields(hour, minute, second, us, fold) ||
      !CheckTzInfoArg(tzinfo)) {
    return nullptr;
  }
  PyObject* op = NewDateTimeObject(type);
  if (op == nullptr) return nullptr;
  PyDateTime_DateTime* dt = AsDateTime(op);
  dt->hashcode = -1;
  SetDateData(dt->data, year, month, day);
  dt->data[4] = static_cast<unsigned char>(hour);
  dt->data[5] = static_cast<unsigned char>(minute);
  dt->data[6] = static_cast<unsigned char>(second);
  dt->data[7] = static_cast<unsigned char>(us >> 16);
  dt->data[8] = static_cast<unsigned char>((us >> 8) & 0xff);
  dt->data[9] = static_cast<unsigned char>(us & 0xff);
  dt->fold = static_cast<unsigned char>(fold);
  if (tzinfo != Py_None) {
    dt->hastzinfo = 1;
    dt->tzinfo = Py_NewRef(tzinfo);
  }
  return Publish(op);
}

PyObject* DateTimeFromDateAndTime(int year, int month, int day, int hour, int minute, int second,
                                  int us, PyObject* tzinfo, PyTypeObject* type) {
  return DateTimeFromDateAndTimeAndFold(year, month, day, hour, minute, second, us, tzinfo, 0,
                                        type);
}

PyTypeObject g_datetime_type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "datetime.datetime",
    .tp_basicsize = sizeof(PyDateTime_DateTime),
    .tp_dealloc = &DateTimeDealloc,
    .tp_repr = &DateTimeRepr,
    .tp_as_number = &kDateTimeNumber,
    .tp_hash = &DateTimeHash,
    .tp_str = &DateTimeStr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "datetime(year, month, day[, hour[, minute[, second[, microsecond[,tzinfo]]]]])",
    .tp_traverse = &DateTimeTraverse,
    .tp_richcompare = &DateTimeRichCompare,
    .tp_methods = kDateTimeMethods,
    .tp_getset = ClockFields<PyDateTime_DateTime, 4>::kGetSet,
    .tp_base = &g_date_type,
    .tp_new = &DateTimeNew,
    .tp_free = &PyObject_GC_Del,
};

}  // namespace pinion::compat
