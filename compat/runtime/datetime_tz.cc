// datetime.tzinfo (the abstract base of time zones, with CPython's default fromutc(),
// subclassed by extension modules such as pendulum's FixedOffset) and datetime.timezone (a
// fixed offset from UTC with an optional name), with timezone.utc; and the checked calls of the
// tzinfo protocol the other types make (CallOffset).
//
// Invariants: a timezone's offset is a timedelta strictly between -24h and 24h; its name a
// str or NULL. timezone.utc is a static immortal object (as its zero offset), so it outlives
// every Py_Finalize; Py_Initialize readies the six types (ReadyDateTimeTypes) on its one
// thread and enters it in timezone's dict.
//
// Threads: any attached thread; timezones are immutable.
#include <cstdio>
#include <string>

#include "compat/runtime/datetime_types.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

struct TimeZone {
  PyObject_HEAD PyObject* offset;  // a timedelta
  PyObject* name;                  // a str, or NULL
};

TimeZone* AsTimeZone(PyObject* op) { return reinterpret_cast<TimeZone*>(op); }
bool IsTimeZone(PyObject* o) { return PyObject_TypeCheck(o, &g_timezone_type); }

// timezone.utc and its offset, timedelta(0): static and immortal.
PyDateTime_Delta g_zero_delta = {{_PyPinion_IMMORTAL_REFCNT, &g_delta_type}, -1, 0, 0, 0};
TimeZone g_utc = {{_PyPinion_IMMORTAL_REFCNT, &g_timezone_type},
                  reinterpret_cast<PyObject*>(&g_zero_delta),
                  nullptr};

// Whether `offset` (a timedelta) is strictly within a day, as timezone and utcoffset() need.
bool OffsetInRange(PyObject* offset) {
  const __int128 us = DeltaToUs(offset);
  return us > -kUsPerDay && us < kUsPerDay;
}

PyObject* TzInfoNotImplemented(const char* name) {
  PyErr_Format(PyExc_NotImplementedError, "a tzinfo subclass must implement %s()", name);
  return nullptr;
}
PyObject* TzInfoTzName(PyObject*, PyObject*) { return TzInfoNotImplemented("tzname"); }
PyObject* TzInfoUtcOffset(PyObject*, PyObject*) { return TzInfoNotImplemented("utcoffset"); }
PyObject* TzInfoDst(PyObject*, PyObject*) { return TzInfoNotImplemented("dst"); }

// fromutc's argument: a datetime whose tzinfo is `self`; false with CPython's exception.
bool CheckFromUtcArgument(PyObject* self, PyObject* dt) {
  if (!IsDateTime(dt)) {
    PyErr_SetString(PyExc_TypeError, "fromutc: argument must be a datetime");
    return false;
  }
  if (PyDateTime_DATE_GET_TZINFO(dt) != self) {
    PyErr_SetString(PyExc_ValueError, "fromutc: dt.tzinfo is not self");
    return false;
  }
  return true;
}

// tzinfo.fromutc(dt), CPython's default: dt + (utcoffset - dst), then + the dst found there.
PyObject* TzInfoFromUtc(PyObject* self, PyObject* dt) {
  if (!CheckFromUtcArgument(self, dt)) return nullptr;
  PyObject* offset = CallOffset(self, "utcoffset", dt);
  if (offset == nullptr) return nullptr;
  if (offset == Py_None) {
    Py_DECREF(offset);
    PyErr_SetString(PyExc_ValueError, "fromutc: non-None utcoffset() result required");
    return nullptr;
  }
  PyObject* dst = CallOffset(self, "dst", dt);
  if (dst == nullptr || dst == Py_None) {
    Py_DECREF(offset);
    if (dst == Py_None) {
      Py_DECREF(dst);
      PyErr_SetString(PyExc_ValueError, "fromutc: non-None dst() result required");
    }
    return nullptr;
  }
  PyObject* standard = PyNumber_Subtract(offset, dst);
  Py_DECREF(offset);
  Py_DECREF(dst);
  if (standard == nullptr) return nullptr;
  PyObject* local = PyNumber_Add(dt, standard);
  Py_DECREF(standard);
  if (local == nullptr) return nullptr;
  dst = CallOffset(self, "dst", local);
  if (dst == nullptr || dst == Py_None) {
    Py_DECREF(local);
    if (dst == Py_None) {
      Py_DECREF(dst);
      PyErr_SetString(PyExc_ValueError,
                      "fromutc: tz.dst() gave inconsistent results; cannot convert");
    }
    return nullptr;
  }
  PyObject* result = PyNumber_Add(local, dst);
  Py_DECREF(local);
  Py_DECREF(dst);
  return result;
}

PyMethodDef kTzInfoMethods[] = {
    {"fromutc", &TzInfoFromUtc, METH_O, "datetime in UTC -> datetime in local time."},
    {"tzname", &TzInfoTzName, METH_O, "datetime -> string name of time zone."},
    {"utcoffset", &TzInfoUtcOffset, METH_O,
     "datetime -> timedelta showing offset from UTC, negative values indicating West of UTC"},
    {"dst", &TzInfoDst, METH_O, "datetime -> DST offset as timedelta positive east of UTC."},
    {nullptr, nullptr, 0, nullptr},
};

// ---- timezone -----------------------------------------------------------------------------

// TypeError unless `dt` is a datetime or None, as CPython's timezone methods.
bool CheckDtArgument(PyObject* dt, const char* method) {
  if (dt == Py_None || IsDateTime(dt)) return true;
  PyErr_Format(PyExc_TypeError, "%s(dt) argument must be a datetime instance or None, not %.200s",
               method, Py_TYPE(dt)->tp_name);
  return false;
}

// "UTC", or "UTC+HH:MM" (":SS", ".ffffff" when not 0), or the name.
PyObject* TimeZoneStr(PyObject* self) {
  TimeZone* tz = AsTimeZone(self);
  if (tz->name != nullptr) return Py_NewRef(tz->name);
  if (DeltaToUs(tz->offset) == 0) return PyUnicode_FromString("UTC");
  return PyUnicode_FromString(("UTC" + FormatOffset(tz->offset, ":")).c_str());
}

PyObject* TimeZoneRepr(PyObject* self) {
  TimeZone* tz = AsTimeZone(self);
  const char* type_name = Py_TYPE(self)->tp_name;
  if (self == reinterpret_cast<PyObject*>(&g_utc)) return PyUnicode_FromFormat("%s.utc", type_name);
  if (tz->name == nullptr) return PyUnicode_FromFormat("%s(%R)", type_name, tz->offset);
  return PyUnicode_FromFormat("%s(%R, %R)", type_name, tz->offset, tz->name);
}

PyObject* TimeZoneTzName(PyObject* self, PyObject* dt) {
  return CheckDtArgument(dt, "tzname") ? TimeZoneStr(self) : nullptr;
}
PyObject* TimeZoneUtcOffset(PyObject* self, PyObject* dt) {
  return CheckDtArgument(dt, "utcoffset") ? Py_NewRef(AsTimeZone(self)->offset) : nullptr;
}
PyObject* TimeZoneDst(PyObject*, PyObject* dt) {
  if (!CheckDtArgument(dt, "dst")) return nullptr;
  Py_RETURN_NONE;
}

// Timezones are equal when their offsets are (names do not count, as CPython's).
PyObject* TimeZoneRichCompare(PyObject* a, PyObject* b, int op) {
  if (!IsTimeZone(a) || !IsTimeZone(b) || (op != Py_EQ && op != Py_NE)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  return PyObject_RichCompare(AsTimeZone(a)->offset, AsTimeZone(b)->offset, op);
}

Py_hash_t TimeZoneHash(PyObject* self) { return PyObject_Hash(AsTimeZone(self)->offset); }

int TimeZoneTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsTimeZone(self)->offset);
  Py_VISIT(AsTimeZone(self)->name);
  return 0;
}

void TimeZoneDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_XDECREF(AsTimeZone(self)->offset);
  Py_XDECREF(AsTimeZone(self)->name);
  Py_TYPE(self)->tp_free(self);
}

PyObject* TimeZoneNew(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"offset", "name", nullptr};
  PyObject* offset;
  PyObject* name = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!|U:timezone", const_cast<char**>(keywords),
                                   &g_delta_type, &offset, &name)) {
    return nullptr;
  }
  return TimeZoneFromTimeZone(offset, name);
}

// timezone.fromutc(dt): dt + offset.
PyObject* TimeZoneFromUtc(PyObject* self, PyObject* dt) {
  if (!CheckFromUtcArgument(self, dt)) return nullptr;
  return PyNumber_Add(dt, AsTimeZone(self)->offset);
}

PyMethodDef kTimeZoneMethods[] = {
    {"fromutc", &TimeZoneFromUtc, METH_O, "datetime in UTC -> datetime in local time."},
    {"tzname", &TimeZoneTzName, METH_O,
     "If name is specified when timezone is created, returns the name.  Otherwise returns "
     "offset as 'UTC(+|-)HH:MM'."},
    {"utcoffset", &TimeZoneUtcOffset, METH_O, "Return fixed offset."},
    {"dst", &TimeZoneDst, METH_O, "Return None."},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

PyObject* TimeZoneUtc() { return reinterpret_cast<PyObject*>(&g_utc); }

PyObject* TimeZoneFromTimeZone(PyObject* offset, PyObject* name) {
  if (offset == nullptr || !IsDelta(offset)) {
    PyErr_Format(PyExc_TypeError, "timezone() argument 1 must be datetime.timedelta, not %.200s",
                 offset == nullptr ? "NULL" : Py_TYPE(offset)->tp_name);
    return nullptr;
  }
  if (name != nullptr && !PyUnicode_Check(name)) {
    PyErr_Format(PyExc_TypeError, "timezone() argument 2 must be str, not %.200s",
                 Py_TYPE(name)->tp_name);
    return nullptr;
  }
  if (name == nullptr && DeltaToUs(offset) == 0) return Py_NewRef(TimeZoneUtc());
  if (!OffsetInRange(offset)) {
    PyErr_Format(PyExc_ValueError,
                 "offset must be a timedelta strictly between -timedelta(hours=24) and "
                 "timedelta(hours=24), not %R.",
                 offset);
    return nullptr;
  }
  PyObject* op = NewDateTimeObject(&g_timezone_type);
  if (op == nullptr) return nullptr;
  AsTimeZone(op)->offset = Py_NewRef(offset);
  AsTimeZone(op)->name = Py_XNewRef(name);
  return Publish(op);
}

PyObject* CallOffset(PyObject* tzinfo, const char* name, PyObject* arg) {
  if (tzinfo == Py_None) Py_RETURN_NONE;
  PyObject* offset = PyObject_CallMethod(tzinfo, name, "O", arg);
  if (offset == nullptr || offset == Py_None) return offset;
  if (!IsDelta(offset)) {
    PyErr_Format(PyExc_TypeError, "tzinfo.%s() must return None or timedelta, not '%.200s'", name,
                 Py_TYPE(offset)->tp_name);
    Py_DECREF(offset);
    return nullptr;
  }
  if (!OffsetInRange(offset)) {
    PyErr_SetString(PyExc_ValueError,
                    "offset must be a timedelta strictly between -timedelta(hours=24) and "
                    "timedelta(hours=24).");
    Py_DECREF(offset);
    return nullptr;
  }
  return offset;
}

std::string FormatOffset(PyObject* offset, const char* sep) {
  __int128 us = DeltaToUs(offset);
  const char sign = us < 0 ? '-' : '+';
  if (us < 0) us = -us;
  const int micro = static_cast<int>(us % kUsPerSecond);
  const long long seconds = static_cast<long long>(us / kUsPerSecond);
  char buffer[64];
  int n = std::snprintf(buffer, sizeof(buffer), "%c%02lld%s%02lld", sign, seconds / 3600, sep,
                        seconds / 60 % 60);
  if (seconds % 60 != 0 || micro != 0) {
    n += std::snprintf(buffer + n, sizeof(buffer) - n, "%s%02lld", sep, seconds % 60);
  }
  if (micro != 0) std::snprintf(buffer + n, sizeof(buffer) - n, ".%06d", micro);
  return buffer;
}

bool ReadyDateTimeTypes() {
  for (PyTypeObject* type : {&g_delta_type, &g_date_type, &g_datetime_type, &g_time_type,
                             &g_tzinfo_type, &g_timezone_type}) {
    if (PyType_Ready(type) < 0) return false;
  }
  return PyDict_SetItemString(g_timezone_type.tp_dict, "utc", TimeZoneUtc()) == 0;
}

PyTypeObject g_tzinfo_type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "datetime.tzinfo",
    .tp_basicsize = sizeof(PyDateTime_TZInfo),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Abstract base class for time zone info objects.",
    .tp_methods = kTzInfoMethods,
    .tp_new = &PyType_GenericNew,
};

PyTypeObject g_timezone_type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "datetime.timezone",
    .tp_basicsize = sizeof(TimeZone),
    .tp_dealloc = &TimeZoneDealloc,
    .tp_repr = &TimeZoneRepr,
    .tp_hash = &TimeZoneHash,
    .tp_str = &TimeZoneStr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Fixed offset from UTC implementation of tzinfo.",
    .tp_traverse = &TimeZoneTraverse,
    .tp_richcompare = &TimeZoneRichCompare,
    .tp_methods = kTimeZoneMethods,
    .tp_base = &g_tzinfo_type,
    .tp_new = &TimeZoneNew,
    .tp_free = &PyObject_GC_Del,
};

}  // namespace pinion::compat
