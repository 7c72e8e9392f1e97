// int: PyLong_Type, the small-int cache and the PyLong_* conversions (the arithmetic, its
// number slots, is long_arith.cc's; PyLong_As* take __index__ where CPython 3.11 does).
//
// Owns: PyLong_Type; the small ints -5..256 (one static array of immortal objects); int
// hashing (CPython's: the value modulo 2^61 - 1, sign kept, -1 mapped to -2).
//
// Invariants: an int's value is an int64_t set at construction and never changed; values
// outside int64_t are never made (OverflowError). Every int also holds CPython's digits of its
// value (longobject.h: ob_size and ob_digit), set with the value by SetValue. Every PyLong_Type
// object with a small
// value is the static one (all constructors go through FromInt64). Ints hold no
// references: they are allocated as leaves, never scanned nor called back.
//
// Threads: any attached thread; ints are immutable, shared freely. The small ints are
// constant-initialised, before any thread runs.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

static_assert(sizeof(long) == sizeof(int64_t) && sizeof(Py_ssize_t) == sizeof(int64_t),
              "Pinion's int assumes LP64: every long fits an int");

constexpr int64_t kSmallMin = -5;
constexpr int64_t kSmallMax = 256;
constexpr size_t kSmallCount = kSmallMax - kSmallMin + 1;

struct SmallInts {
  PyLongObject items[kSmallCount];
};

// Sets an int's value and CPython's representation of it: 30-bit digits of the magnitude,
// least significant first, and ob_size = the digit count, negated for negative values.
constexpr void SetValue(PyLongObject* op, int64_t v) {
  op->ob_ival = v;
  uint64_t magnitude = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  Py_ssize_t ndigits = 0;
  for (digit& d : op->ob_digit) {
    d = static_cast<digit>(magnitude & PyLong_MASK);
    magnitude >>= PyLong_SHIFT;
    if (d != 0 || magnitude != 0) ndigits = &d - op->ob_digit + 1;
  }
  op->ob_base.ob_size = v < 0 ? -ndigits : ndigits;
}

constexpr SmallInts MakeSmallInts() {
  SmallInts small{};
  for (size_t i = 0; i < kSmallCount; ++i) {
    small.items[i].ob_base.ob_base = {_PyPinion_IMMORTAL_REFCNT, &PyLong_Type};
    SetValue(&small.items[i], kSmallMin + static_cast<int64_t>(i));
  }
  return small;
}

constinit SmallInts g_small_ints = MakeSmallInts();

int64_t Value(PyObject* op) { return reinterpret_cast<PyLongObject*>(op)->ob_ival; }

// A new reference to an int of value `v` (a small int is returned, not allocated).
PyObject* FromInt64(int64_t v) {
  if (v >= kSmallMin && v <= kSmallMax) {
    return &g_small_ints.items[v - kSmallMin].ob_base.ob_base;
  }
  PyObject* op = AllocObject(&PyLong_Type, sizeof(PyLongObject), /*gc=*/false);
  if (op != nullptr) SetValue(reinterpret_cast<PyLongObject*>(op), v);
  return op;
}

template <typename T>
PyObject* FromUnsigned(T v) {
  if (!std::in_range<int64_t>(v)) {
    PyErr_SetString(PyExc_OverflowError, "int too large: Pinion's ints are 64-bit");
    return nullptr;
  }
  return FromInt64(static_cast<int64_t>(v));
}

// The value of the int `op` in *value; false with TypeError if it is not an int: `message`
// (nullptr: CPython's "'T' object cannot be interpreted as an integer").
bool GetValue(PyObject* op, int64_t* value, const char* message = nullptr) {
  if (op == nullptr) {
    PyErr_BadInternalCall();
    return false;
  }
  if (!PyLong_Check(op)) {
    if (message != nullptr) {
      PyErr_SetString(PyExc_TypeError, message);
    } else {
      PyErr_Format(PyExc_TypeError, "'%.200s' object cannot be interpreted as an integer",
                   Py_TYPE(op)->tp_name);
    }
    return false;
  }
  *value = Value(op);
  return true;
}

// The value of `op`, an int or an object with nb_index (__index__), as CPython 3.10+'s
// PyLong_AsLong family reads it; false with an exception set.
bool GetIndexValue(PyObject* op, int64_t* value) {
  if (op != nullptr && !PyLong_Check(op)) {
    PyObject* index = PyNumber_Index(op);
    if (index == nullptr) return false;
    *value = Value(index);
    Py_DECREF(index);
    return true;
  }
  return GetValue(op, value);
}

// `op` as a signed T (through __index__): -1 with an exception when it cannot be.
template <typename T>
T AsSigned(PyObject* op, const char* c_type) {
  int64_t v;
  if (!GetIndexValue(op, &v)) return static_cast<T>(-1);
  if (!std::in_range<T>(v)) {
    PyErr_Format(PyExc_OverflowError, "Python int too large to convert to C %s", c_type);
    return static_cast<T>(-1);
  }
  return static_cast<T>(v);
}

// `op` (an int: no __index__, as CPython) as an unsigned T: (T)-1 with TypeError "an integer
// is required" or OverflowError `negative` for a negative value.
template <typename T>
T AsUnsigned(PyObject* op, const char* negative) {
  int64_t v;
  if (!GetValue(op, &v, "an integer is required")) return static_cast<T>(-1);
  if (v < 0) {
    PyErr_SetString(PyExc_OverflowError, negative);
    return static_cast<T>(-1);
  }
  return static_cast<T>(v);
}

PyObject* IntRepr(PyObject* self) {
  char buffer[24];  // "-9223372036854775808" is 20
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), Value(self));
  return PyUnicode_FromStringAndSize(buffer, result.ptr - buffer);
}

}  // namespace

Py_hash_t IntHash(PyObject* self) {
  const int64_t v = Value(self);
  // |v| as unsigned (INT64_MIN's too), reduced; then the sign, as CPython's long_hash.
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  Py_uhash_t hash = magnitude % kHashModulus;
  if (v < 0) hash = 0 - hash;
  return hash == static_cast<Py_uhash_t>(-1) ? -2 : static_cast<Py_hash_t>(hash);
}

}  // namespace pinion::compat

using pinion::compat::AsSigned;
using pinion::compat::AsUnsigned;
using pinion::compat::FromInt64;
using pinion::compat::FromUnsigned;
using pinion::compat::GetValue;

PyTypeObject PyLong_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "int",
    .tp_basicsize = sizeof(PyLongObject),
    .tp_repr = &pinion::compat::IntRepr,
    .tp_as_number = &pinion::compat::g_int_as_number,
    .tp_hash = &pinion::compat::IntHash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_LONG_SUBCLASS,
    .tp_doc = "int: a 64-bit integer",
    .tp_richcompare = &pinion::compat::NumberRichCompare,
};

extern "C" PyObject* PyLong_FromLong(long v) { return FromInt64(v); }
extern "C" PyObject* PyLong_FromLongLong(long long v) { return FromInt64(v); }
extern "C" PyObject* PyLong_FromSsize_t(Py_ssize_t v) { return FromInt64(v); }
extern "C" PyObject* PyLong_FromUnsignedLong(unsigned long v) { return FromUnsigned(v); }
extern "C" PyObject* PyLong_FromUnsignedLongLong(unsigned long long v) { return FromUnsigned(v); }
extern "C" PyObject* PyLong_FromSize_t(size_t v) { return FromUnsigned(v); }

extern "C" PyObject* PyLong_FromDouble(double v) {
  if (std::isnan(v)) {
    PyErr_SetString(PyExc_ValueError, "cannot convert float NaN to integer");
    return nullptr;
  }
  if (std::isinf(v)) {
    PyErr_SetString(PyExc_OverflowError, "cannot convert float infinity to integer");
    return nullptr;
  }
  // [-2^63, 2^63) is exactly the range whose truncation fits.
  if (!(v >= -0x1p63 && v < 0x1p63)) {
    PyErr_SetString(PyExc_OverflowError, "int too large: Pinion's ints are 64-bit");
    return nullptr;
  }
  return FromInt64(static_cast<int64_t>(v));
}

extern "C" long PyLong_AsLong(PyObject* obj) { return AsSigned<long>(obj, "long"); }
extern "C" long long PyLong_AsLongLong(PyObject* obj) {
  return AsSigned<long long>(obj, "long long");
}
extern "C" Py_ssize_t PyLong_AsSsize_t(PyObject* obj) {
  // No __index__ here, as CPython.
  int64_t v;
  if (!GetValue(obj, &v, "an integer is required")) return -1;
  return v;
}
extern "C" unsigned long PyLong_AsUnsignedLong(PyObject* obj) {
  return AsUnsigned<unsigned long>(obj, "can't convert negative value to unsigned int");
}
extern "C" unsigned long long PyLong_AsUnsignedLongLong(PyObject* obj) {
  return AsUnsigned<unsigned long long>(obj, "can't convert negative int to unsigned");
}
extern "C" size_t PyLong_AsSize_t(PyObject* obj) {
  return AsUnsigned<size_t>(obj, "can't convert negative value to size_t");
}

extern "C" double PyLong_AsDouble(PyObject* obj) {
  int64_t v;
  if (!GetValue(obj, &v, "an integer is required")) return -1.0;
  return static_cast<double>(v);
}

extern "C" long PyLong_AsLongAndOverflow(PyObject* obj, int* overflow) {
  *overflow = 0;
  return PyLong_AsLong(obj);
}

extern "C" long long PyLong_AsLongLongAndOverflow(PyObject* obj, int* overflow) {
  *overflow = 0;
  return PyLong_AsLongLong(obj);
}

// Modulo 2^64, through __index__ (CPython 3.10+): every 64-bit int's bits as unsigned.
extern "C" unsigned long PyLong_AsUnsignedLongMask(PyObject* obj) {
  int64_t v;
  if (!pinion::compat::GetIndexValue(obj, &v)) return static_cast<unsigned long>(-1);
  return static_cast<unsigned long>(v);
}

extern "C" unsigned long long PyLong_AsUnsignedLongLongMask(PyObject* obj) {
  int64_t v;
  if (!pinion::compat::GetIndexValue(obj, &v)) return static_cast<unsigned long long>(-1);
  return static_cast<unsigned long long>(v);
}

extern "C" PyObject* PyLong_FromVoidPtr(void* p) {
  return FromUnsigned(reinterpret_cast<uintptr_t>(p));
}

extern "C" void* PyLong_AsVoidPtr(PyObject* obj) {
  int64_t v;
  if (!GetValue(obj, &v, "an integer is required")) return nullptr;
  return reinterpret_cast<void*>(static_cast<uintptr_t>(v));
}

extern "C" PyObject* PyLong_FromString(const char* str, char** pend, int base) {
  if (str == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  const char* stop = nullptr;  // stays null for a bad base: *pend is then not set
  PyObject* result =
      pinion::compat::LongFromText(str, std::strlen(str), base, nullptr, &stop);
  if (pend != nullptr && stop != nullptr) *pend = const_cast<char*>(stop);
  return result;
}

extern "C" PyObject* PyLong_FromUnicodeObject(PyObject* u, int base) {
  Py_ssize_t size;
  const char* text = PyUnicode_AsUTF8AndSize(u, &size);
  if (text == nullptr) return nullptr;
  return pinion::compat::LongFromText(text, size, base, u, nullptr);
}
