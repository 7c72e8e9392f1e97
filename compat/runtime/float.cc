// float: PyFloat_Type, its repr and hash, and the numeric comparison of int, bool and float
// (the arithmetic, float's number slots, is float_arith.cc's; packing is float_pack.cc's).
//
// Owns: PyFloat_Type; Python's float repr (the shortest round-trip digits, from
// std::to_chars, laid out by Python's rules: exponent form when the decimal exponent is < -4
// or >= 16); CPython's _Py_HashDouble; NumberRichCompare, the tp_richcompare of all three
// numeric types (it lives here because comparing an int with a float exactly is a float
// question).
//
// Invariants: a float's value is set at construction and never changed. Floats hold no
// references: leaves, never scanned nor called back.
//
// Threads: any attached thread; floats are immutable, shared freely.
#include <charconv>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "compat/runtime/long_repr.h"
#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

double Value(PyObject* op) { return reinterpret_cast<PyFloatObject*>(op)->ob_fval; }

}  // namespace

// Python's repr of a double.
std::string ReprDouble(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // The shortest digits that round-trip, as "[-]d[.ddd]e(+|-)dd".
  char buffer[32];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), v, std::chars_format::scientific);
  std::string_view text(buffer, result.ptr - buffer);
  std::string out;
  if (text.front() == '-') {
    out = "-";
    text.remove_prefix(1);
  }
  const size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exponent_text = text.substr(e + 2);  // after "e+" or "e-"
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
  if (text[e + 1] == '-') exponent = -exponent;

  // The value is 0.<digits> * 10^point.
  const int point = exponent + 1;
  const int n = static_cast<int>(digits.size());
  if (point < -3 || point > 16) {
    out += digits[0];
    if (n > 1) out += "." + digits.substr(1);
    char suffix[8];
    std::snprintf(suffix, sizeof(suffix), "e%+03d", exponent);
    out += suffix;
  } else if (point <= 0) {
    out += "0." + std::string(-point, '0') + digits;
  } else if (point < n) {
    out += digits.substr(0, point) + "." + digits.substr(point);
  } else {
    out += digits + std::string(point - n, '0') + ".0";
  }
  return out;
}

namespace {

PyObject* FloatRepr(PyObject* self) {
  const std::string repr = ReprDouble(Value(self));
  return PyUnicode_FromStringAndSize(repr.data(), static_cast<Py_ssize_t>(repr.size()));
}

// CPython's _Py_HashDouble: the value modulo 2^61 - 1, computed exactly from the mantissa
// 28 bits at a time, so a float that equals an int hashes as the int. NaN hashes by
// identity (CPython's _Py_HashPointer).
}  // namespace

Py_hash_t HashDouble(PyObject* self, double v) {
  if (std::isinf(v)) return v > 0 ? kHashInf : -kHashInf;
  if (std::isnan(v)) {
    const auto address = reinterpret_cast<uintptr_t>(self);
    const auto hash =
        static_cast<Py_hash_t>((address >> 4) | (address << (8 * sizeof(address) - 4)));
    return hash == -1 ? -2 : hash;
  }
  int e;
  double m = std::frexp(v, &e);
  int sign = 1;
  if (m < 0) {
    sign = -1;
    m = -m;
  }
  Py_uhash_t x = 0;
  while (m != 0) {
    x = ((x << 28) & kHashModulus) | x >> (kHashBits - 28);
    m *= 268435456.0;  // 2^28
    e -= 28;
    const auto y = static_cast<Py_uhash_t>(m);  // the integer part
    m -= static_cast<double>(y);
    x += y;
    if (x >= kHashModulus) x -= kHashModulus;
  }
  // Multiply by 2^e modulo 2^61 - 1: a rotation by e mod 61.
  e = e >= 0 ? e % kHashBits : kHashBits - 1 - ((-1 - e) % kHashBits);
  x = ((x << e) & kHashModulus) | x >> (kHashBits - e);
  x = x * static_cast<Py_uhash_t>(sign);
  return x == static_cast<Py_uhash_t>(-1) ? -2 : static_cast<Py_hash_t>(x);
}

namespace {

Py_hash_t FloatHash(PyObject* self) { return HashDouble(self, Value(self)); }

// The ordering of the exact values of an int and a (non-NaN) double: <0, 0, >0.
int CompareIntDouble(PyObject* op, double d) {
  int64_t i;
  if (LongToInt64(op, &i) && d >= -0x1p63 && d < 0x1p63) {
    const auto t = static_cast<int64_t>(d);  // truncation: exact in this range
    if (i != t) return i < t ? -1 : 1;
    const auto whole = static_cast<double>(t);  // exact: t came from a double
    return d > whole ? -1 : (d < whole ? 1 : 0);
  }
  Mpz x(op);
  const int c = mpz_cmp_d(x, d);  // exact, infinities included
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// The ordering of two ints.
int CompareInts(PyObject* a, PyObject* b) {
  if (LongIsCompact(a) && LongIsCompact(b)) {
    const int64_t x = CompactValue(a), y = CompactValue(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  Mpz x(a), y(b);
  const int c = mpz_cmp(x, y);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

PyObject* NumberRichCompare(PyObject* self, PyObject* other, int op) {
  const bool self_float = PyFloat_Check(self), other_float = PyFloat_Check(other);
  if ((!self_float && !PyLong_Check(self)) || (!other_float && !PyLong_Check(other))) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  int ordering;
  if (!self_float && !other_float) {
    ordering = CompareInts(self, other);
  } else if ((self_float && std::isnan(Value(self))) || (other_float && std::isnan(Value(other)))) {
    return PyBool_FromLong(op == Py_NE);  // NaN is unordered: only != holds
  } else if (self_float && other_float) {
    ordering = Value(self) < Value(other) ? -1 : (Value(self) > Value(other) ? 1 : 0);
  } else if (self_float) {
    ordering = -CompareIntDouble(other, Value(self));
  } else {
    ordering = CompareIntDouble(self, Value(other));
  }
  return PyBool_FromLong(OrderingSatisfies(ordering, op));
}

}  // namespace pinion::compat

PyTypeObject PyFloat_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "float",
    .tp_basicsize = sizeof(PyFloatObject),
    .tp_repr = &pinion::compat::FloatRepr,
    .tp_as_number = &pinion::compat::g_float_as_number,
    .tp_hash = &pinion::compat::FloatHash,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "float: a C double",
    .tp_richcompare = &pinion::compat::NumberRichCompare,
};

extern "C" PyObject* PyFloat_FromDouble(double v) {
  PyObject* op = pinion::compat::AllocObject(&PyFloat_Type, sizeof(PyFloatObject), /*gc=*/false);
  if (op != nullptr) reinterpret_cast<PyFloatObject*>(op)->ob_fval = v;
  return op;
}

extern "C" double PyFloat_AsDouble(PyObject* op) {
  if (op == nullptr) {
    PyErr_BadArgument();
    return -1.0;
  }
  if (PyFloat_Check(op)) return PyFloat_AS_DOUBLE(op);
  // CPython 3.11: nb_float (__float__), else nb_index (__index__).
  PyNumberMethods* nb = Py_TYPE(op)->tp_as_number;
  if (nb == nullptr || nb->nb_float == nullptr) {
    if (nb != nullptr && nb->nb_index != nullptr) {
      PyObject* index = PyNumber_Index(op);
      if (index == nullptr) return -1.0;
      const double value = PyLong_AsDouble(index);
      Py_DECREF(index);
      return value;
    }
    PyErr_Format(PyExc_TypeError, "must be real number, not %.50s", Py_TYPE(op)->tp_name);
    return -1.0;
  }
  PyObject* result = nb->nb_float(op);
  if (result == nullptr) return -1.0;
  if (!PyFloat_Check(result)) {
    PyErr_Format(PyExc_TypeError, "%.50s.__float__ returned non-float (type %.50s)",
                 Py_TYPE(op)->tp_name, Py_TYPE(result)->tp_name);
    Py_DECREF(result);
    return -1.0;
  }
  const double value = PyFloat_AS_DOUBLE(result);
  Py_DECREF(result);
  return value;
}

extern "C" PyObject* PyFloat_FromString(PyObject* text) {
  if (text != nullptr && PyUnicode_Check(text)) {
    Py_ssize_t size;
    const char* utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == nullptr) return nullptr;
    return pinion::compat::FloatFromText(utf8, size, text);
  }
  if (text != nullptr && PyBytes_Check(text)) {
    return pinion::compat::FloatFromText(PyBytes_AS_STRING(text), PyBytes_GET_SIZE(text), text);
  }
  if (text == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return PyErr_Format(PyExc_TypeError,
                      "float() argument must be a string or a real number, not '%.200s'",
                      Py_TYPE(text)->tp_name);
}

extern "C" double PyFloat_GetMax(void) { return DBL_MAX; }
extern "C" double PyFloat_GetMin(void) { return DBL_MIN; }
