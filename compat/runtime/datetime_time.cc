// datetime.time (PyDateTime_Time): a time of day with an optional tzinfo and PEP 495's fold.
//
// Invariants: data[] hour, minute, second and the microsecond big-endian, in range;
// hastzinfo is 1 exactly when tzinfo is a tzinfo (a reference the object holds), else
// tzinfo is NULL; allocated at full size, as datetime.
//
// Provided: time(hour, minute, second, microsecond, tzinfo, *, fold), its fields,
// utcoffset() (tzinfo.utcoffset(None), as CPython), isoformat(), repr/str, comparisons
// (aware times through their offsets) and hash.
//
// Threads: any attached thread; times are immutable.
#include <cstdio>
#include <string>

#include "compat/runtime/datetime_types.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

PyDateTime_Time* AsTime(PyObject* op) { return reinterpret_cast<PyDateTime_Time*>(op); }

PyObject* TzInfoOf(PyObject* t) { return PyDateTime_TIME_GET_TZINFO(t); }

long long TimeUs(PyObject* t) {
  return (PyDateTime_TIME_GET_HOUR(t) * 3600LL + PyDateTime_TIME_GET_MINUTE(t) * 60LL +
          PyDateTime_TIME_GET_SECOND(t)) *
             kUsPerSecond +
         PyDateTime_TIME_GET_MICROSECOND(t);
}

PyObject* Offset(PyObject* t) { return CallOffset(TzInfoOf(t), "utcoffset", Py_None); }

PyObject* TimeNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"hour",   "minute", "second", "microsecond",
                                   "tzinfo", "fold",   nullptr};
  int hour = 0, minute = 0, second = 0, us = 0, fold = 0;
  PyObject* tzinfo = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|iiiiO$i:time", const_cast<char**>(keywords),
                                   &hour, &minute, &second, &us, &tzinfo, &fold)) {
    return nullptr;
  }
  return TimeFromTimeAndFold(hour, minute, second, us, tzinfo, fold, type);
}

PyObject* TimeRepr(PyObject* self) {
  const int us = PyDateTime_TIME_GET_MICROSECOND(self);
  const int second = PyDateTime_TIME_GET_SECOND(self);
  std::string out = std::string(Py_TYPE(self)->tp_name) + "(" +
                    std::to_string(PyDateTime_TIME_GET_HOUR(self)) + ", " +
                    std::to_string(PyDateTime_TIME_GET_MINUTE(self));
  if (second != 0 || us != 0) out += ", " + std::to_string(second);
  if (us != 0) out += ", " + std::to_string(us);
  // As CPython: tzinfo before fold here (a datetime's repr puts fold first).
  if (TzInfoOf(self) != Py_None) {
    PyObject* tzinfo = PyObject_Repr(TzInfoOf(self));
    if (tzinfo == nullptr) return nullptr;
    out += std::string(", tzinfo=") + PyUnicode_AsUTF8(tzinfo);
    Py_DECREF(tzinfo);
  }
  if (PyDateTime_TIME_GET_FOLD(self) != 0) out += ", fold=1";
  return PyUnicode_FromFormat("%s)", out.c_str());
}

PyObject* TimeStr(PyObject* self) {
  std::string out =
      TimeIso(PyDateTime_TIME_GET_HOUR(self), PyDateTime_TIME_GET_MINUTE(self),
              PyDateTime_TIME_GET_SECOND(self), PyDateTime_TIME_GET_MICROSECOND(self));
  PyObject* offset = Offset(self);
  if (offset == nullptr) return nullptr;
  if (offset != Py_None) out += FormatOffset(offset, ":");
  Py_DECREF(offset);
  return PyUnicode_FromString(out.c_str());
}

PyObject* TimeIsoFormat(PyObject* self, PyObject*) { return TimeStr(self); }
PyObject* TimeUtcOffset(PyObject* self, PyObject*) { return Offset(self); }

// As CPython: the same tzinfo object (or two naive times) compare their fields; aware times
// their fields less their offsets; naive with aware only for (in)equality.
PyObject* TimeRichCompare(PyObject* a, PyObject* b, int op) {
  if (!IsTime(a) || !IsTime(b)) Py_RETURN_NOTIMPLEMENTED;
  long long x = TimeUs(a);
  long long y = TimeUs(b);
  if (TzInfoOf(a) != TzInfoOf(b)) {
    PyObject* offset_a = Offset(a);
    if (offset_a == nullptr) return nullptr;
    PyObject* offset_b = Offset(b);
    if (offset_b == nullptr) {
      Py_DECREF(offset_a);
      return nullptr;
    }
    const bool naive_a = offset_a == Py_None;
    const bool naive_b = offset_b == Py_None;
    if (!naive_a) x -= static_cast<long long>(DeltaToUs(offset_a));
    if (!naive_b) y -= static_cast<long long>(DeltaToUs(offset_b));
    Py_DECREF(offset_a);
    Py_DECREF(offset_b);
    if (naive_a != naive_b) {
      if (op == Py_EQ || op == Py_NE) return PyBool_FromLong(op == Py_NE);
      PyErr_SetString(PyExc_TypeError, "can't compare offset-naive and offset-aware times");
      return nullptr;
    }
  }
  Py_RETURN_RICHCOMPARE(x, y, op);
}

Py_hash_t TimeHash(PyObject* self) {
  PyDateTime_Time* t = AsTime(self);
  if (CachedHash(&t->hashcode) != -1) return CachedHash(&t->hashcode);
  PyObject* offset = Offset(self);
  if (offset == nullptr) return -1;
  long long us = TimeUs(self);
  if (offset != Py_None) us -= static_cast<long long>(DeltaToUs(offset));
  Py_DECREF(offset);
  PyObject* key = PyLong_FromLongLong(us);
  if (key == nullptr) return -1;
  const Py_hash_t hash = PyObject_Hash(key);
  Py_DECREF(key);
  CacheHash(&t->hashcode, hash);
  return hash;
}

int TimeTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsTime(self)->tzinfo);
  return 0;
}

void TimeDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_XDECREF(AsTime(self)->tzinfo);
  Py_TYPE(self)->tp_free(self);
}

PyMethodDef kTimeMethods[] = {
    {"isoformat", &TimeIsoFormat, METH_NOARGS,
     "Return string in ISO 8601 format, [HH[:MM[:SS[.mmm[uuu]]]]][+HH:MM]."},
    {"utcoffset", &TimeUtcOffset, METH_NOARGS, "Return self.tzinfo.utcoffset(self)."},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

std::string TimeIso(int hour, int minute, int second, int us) {
  char buffer[32];
  int n = std::snprintf(buffer, sizeof(buffer), "%02d:%02d:%02d", hour, minute, second);
  if (us != 0) std::snprintf(buffer + n, sizeof(buffer) - n, ".%06d", us);
  return buffer;
}

PyObject* TimeFromTimeAndFold(int hour, int minute, int second, int us, PyObject* tzinfo, int fold,
                              PyTypeObject* type) {
  if (type == nullptr || !PyType_IsSubtype(type, &g_time_type) || tzinfo == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (!CheckTimeFields(hour, minute, second, us, fold) || !CheckTzInfoArg(tzinfo)) {
    return nullptr;
  }
  PyObject* op = NewDateTimeObject(type);
  if (op == nullptr) return nullptr;
  PyDateTime_Time* t = AsTime(op);
  t->hashcode = -1;
  t->data[0] = static_cast<unsigned char>(hour);
  t->data[1] = static_cast<unsigned char>(minute);
  t->data[2] = static_cast<unsigned char>(second);
  t->data[3] = static_cast<unsigned char>(us >> 16);
  t->data[4] = static_cast<unsigned char>((us >> 8) & 0xff);
  t->data[5] = static_cast<unsigned char>(us & 0xff);
  t->fold = static_cast<unsigned char>(fold);
  if (tzinfo != Py_None) {
    t->hastzinfo = 1;
    t->tzinfo = Py_NewRef(tzinfo);
  }
  return Publish(op);
}

PyObject* TimeFromTime(int hour, int minute, int second, int us, PyObject* tzinfo,
                       PyTypeObject* type) {
  return TimeFromTimeAndFold(hour, minute, second, us, tzinfo, 0, type);
}

PyTypeObject g_time_type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "datetime.time",
    .tp_basicsize = sizeof(PyDateTime_Time),
    .tp_dealloc = &TimeDealloc,
    .tp_repr = &TimeRepr,
    .tp_hash = &TimeHash,
    .tp_str = &TimeStr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "time([hour[, minute[, second[, microsecond[, tzinfo]]]]]) --> a time object",
    .tp_traverse = &TimeTraverse,
    .tp_richcompare = &TimeRichCompare,
    .tp_methods = kTimeMethods,
    .tp_getset = ClockFields<PyDateTime_Time, 0>::kGetSet,
    .tp_new = &TimeNew,
    .tp_free = &PyObject_GC_Del,
};

}  // namespace pinion::compat
