// datetime.timedelta (PyDateTime_Delta): a signed duration as days, seconds and
// microseconds.
//
// Invariant (every timedelta, as CPython's): |days| <= 999999999, 0 <= seconds < 86400,
// 0 <= microseconds < 1000000; the value is days*86400 + seconds + microseconds/1e6. All
// arithmetic goes through the total in microseconds (an __int128: the range needs 67 bits)
// and NewDelta, which normalises and range-checks.
//
// Provided: timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks) with
// int arguments (floats are not accepted yet: TypeError), days/seconds/microseconds,
// total_seconds(), repr and str as CPython 3.11's, + - (unary and binary), abs, bool,
// comparisons with timedeltas, hash.
//
// Threads: any attached thread; timedeltas are immutable.
#include <climits>
#include <cstdio>
#include <string>

#include "compat/runtime/datetime_types.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {

PyObject* NewDateTimeObject(PyTypeObject* type) {
  const bool gc = (type->tp_flags & Py_TPFLAGS_HAVE_GC) != 0;
  return AllocObject(type, static_cast<size_t>(type->tp_basicsize), gc);
}

PyObject* Publish(PyObject* op) {
  if ((Py_TYPE(op)->tp_flags & Py_TPFLAGS_HAVE_GC) != 0) PyObject_GC_Track(op);
  return op;
}

namespace {

PyDateTime_Delta* AsDelta(PyObject* op) { return reinterpret_cast<PyDateTime_Delta*>(op); }

// Floor division and its remainder (the remainder has the divisor's sign, as Python's).
__int128 FloorDiv(__int128 a, __int128 b, __int128* rem) {
  __int128 q = a / b;
  __int128 r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) {
    q -= 1;
    r += b;
  }
  *rem = r;
  return q;
}

PyObject* DeltaRepr(PyObject* self) {
  const PyDateTime_Delta* d = AsDelta(self);
  std::string args;
  auto add = [&args](const char* name, int value) {
    if (value == 0) return;
    if (!args.empty()) args += ", ";
    args += name;
    args += "=" + std::to_string(value);
  };
  add("days", d->days);
  add("seconds", d->seconds);
  add("microseconds", d->microseconds);
  if (args.empty()) args = "0";
  return PyUnicode_FromFormat("%s(%s)", Py_TYPE(self)->tp_name, args.c_str());
}

// "[-]D day[s], H:MM:SS[.ffffff]".
PyObject* DeltaStr(PyObject* self) {
  const PyDateTime_Delta* d = AsDelta(self);
  std::string out;
  if (d->days != 0) {
    out = std::to_string(d->days) + (d->days == 1 || d->days == -1 ? " day, " : " days, ");
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%d:%02d:%02d", d->seconds / 3600, d->seconds / 60 % 60,
                d->seconds % 60);
  out += buffer;
  if (d->microseconds != 0) {
    std::snprintf(buffer, sizeof(buffer), ".%06d", d->microseconds);
    out += buffer;
  }
  return PyUnicode_FromString(out.c_str());
}

Py_hash_t DeltaHash(PyObject* self) {
  PyDateTime_Delta* d = AsDelta(self);
  if (CachedHash(&d->hashcode) == -1) {
    PyObject* key = Py_BuildValue("(iii)", d->days, d->seconds, d->microseconds);
    if (key == nullptr) return -1;
    const Py_hash_t hash = PyObject_Hash(key);
    Py_DECREF(key);
    CacheHash(&d->hashcode, hash);
  }
  return CachedHash(&d->hashcode);
}

PyObject* DeltaRichCompare(PyObject* a, PyObject* b, int op) {
  if (!IsDelta(a) || !IsDelta(b)) Py_RETURN_NOTIMPLEMENTED;
  const __int128 x = DeltaToUs(a);
  const __int128 y = DeltaToUs(b);
  Py_RETURN_RICHCOMPARE(x, y, op);
}

PyObject* DeltaAdd(PyObject* a, PyObject* b) {
  if (!IsDelta(a) || !IsDelta(b)) Py_RETURN_NOTIMPLEMENTED;
  return DeltaFromUs(DeltaToUs(a) + DeltaToUs(b));
}

PyObject* DeltaSubtract(PyObject* a, PyObject* b) {
  if (!IsDelta(a) || !IsDelta(b)) Py_RETURN_NOTIMPLEMENTED;
  return DeltaFromUs(DeltaToUs(a) - DeltaToUs(b));
}

PyObject* DeltaNegative(PyObject* self) { return DeltaFromUs(-DeltaToUs(self)); }
PyObject* DeltaPositive(PyObject* self) { return DeltaFromUs(DeltaToUs(self)); }
PyObject* DeltaAbsolute(PyObject* self) {
  const __int128 us = DeltaToUs(self);
  return DeltaFromUs(us < 0 ? -us : us);
}
int DeltaBool(PyObject* self) { return DeltaToUs(self) != 0; }

PyObject* DeltaTotalSeconds(PyObject* self, PyObject*) {
  // As CPython: the microseconds divided by 10**6 (exact for |days| < 2**53 / 86400e6).
  return PyFloat_FromDouble(static_cast<double>(DeltaToUs(self)) / 1e6);
}

// timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0,
// weeks=0), ints only.
PyObject* DeltaNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"days",    "seconds", "microseconds", "milliseconds",
                                   "minutes", "hours",   "weeks",        nullptr};
  long long days = 0, seconds = 0, us = 0, ms = 0, minutes = 0, hours = 0, weeks = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|LLLLLLL:timedelta", const_cast<char**>(keywords),
                                   &days, &seconds, &us, &ms, &minutes, &hours, &weeks)) {
    return nullptr;
  }
  const __int128 total_seconds =
      static_cast<__int128>(seconds) + minutes * 60LL + static_cast<__int128>(hours) * 3600;
  return NewDelta(static_cast<__int128>(days) + static_cast<__int128>(weeks) * 7, total_seconds,
                  static_cast<__int128>(us) + static_cast<__int128>(ms) * 1000, type);
}

PyObject* GetDays(PyObject* self, void*) { return PyLong_FromLong(AsDelta(self)->days); }
PyObject* GetSeconds(PyObject* self, void*) { return PyLong_FromLong(AsDelta(self)->seconds); }
PyObject* GetMicroseconds(PyObject* self, void*) {
  return PyLong_FromLong(AsDelta(self)->microseconds);
}

PyGetSetDef kDeltaGetSet[] = {
    {"days", &GetDays, nullptr, "Number of days.", nullptr},
    {"seconds", &GetSeconds, nullptr, "Number of seconds (>= 0 and less than 1 day).", nullptr},
    {"microseconds", &GetMicroseconds, nullptr,
     "Number of microseconds (>= 0 and less than 1 second).", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMethodDef kDeltaMethods[] = {
    {"total_seconds", &DeltaTotalSeconds, METH_NOARGS, "Total seconds in the duration."},
    {nullptr, nullptr, 0, nullptr},
};

PyNumberMethods kDeltaNumber = {
    .nb_add = &DeltaAdd,
    .nb_subtract = &DeltaSubtract,
    .nb_negative = &DeltaNegative,
    .nb_positive = &DeltaPositive,
    .nb_absolute = &DeltaAbsolute,
    .nb_bool = &DeltaBool,
};

}  // namespace

PyObject* NewDelta(__int128 days, __int128 seconds, __int128 us, PyTypeObject* type) {
  __int128 rem;
  seconds += FloorDiv(us, kUsPerSecond, &rem);
  us = rem;
  days += FloorDiv(seconds, kSecondsPerDay, &rem);
  seconds = rem;
  if (days > kMaxDeltaDays || days < -kMaxDeltaDays) {
    // "days=N": N may exceed 64 bits only with absurd arguments; clamp its text to long long.
    const long long shown = days > 0
                                ? (days > LLONG_MAX ? LLONG_MAX : static_cast<long long>(days))
                                : (days < LLONG_MIN ? LLONG_MIN : static_cast<long long>(days));
    PyErr_Format(PyExc_OverflowError, "days=%lld; must have magnitude <= %d", shown, kMaxDeltaDays);
    return nullptr;
  }
  PyObject* op = NewDateTimeObject(type);
  if (op == nullptr) return nullptr;
  PyDateTime_Delta* d = AsDelta(op);
  d->hashcode = -1;
  d->days = static_cast<int>(days);
  d->seconds = static_cast<int>(seconds);
  d->microseconds = static_cast<int>(us);
  return Publish(op);
}

__int128 DeltaToUs(PyObject* delta) {
  const PyDateTime_Delta* d = AsDelta(delta);
  return (static_cast<__int128>(d->days) * kSecondsPerDay + d->seconds) * kUsPerSecond +
         d->microseconds;
}

PyObject* DeltaFromDelta(int days, int seconds, int us, int, PyTypeObject* type) {
  if (type == nullptr || !PyType_IsSubtype(type, &g_delta_type)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return NewDelta(days, seconds, us, type);
}

PyTypeObject g_delta_type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "datetime.timedelta",
    .tp_basicsize = sizeof(PyDateTime_Delta),
    .tp_repr = &DeltaRepr,
    .tp_as_number = &kDeltaNumber,
    .tp_hash = &DeltaHash,
    .tp_str = &DeltaStr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Difference between two datetime values.",
    .tp_richcompare = &DeltaRichCompare,
    .tp_methods = kDeltaMethods,
    .tp_getset = kDeltaGetSet,
    .tp_new = &DeltaNew,
};

}  // namespace pinion::compat
