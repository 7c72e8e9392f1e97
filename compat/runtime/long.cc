// int: PyLong_Type, the small-int cache and the PyLong_* conversions to and from C values
// (the arithmetic, its number slots, is long_arith.cc's; text is long_text.cc's; the
// representation, long_repr.cc's). PyLong_As* take __index__ where CPython 3.11 does.
//
// Owns: PyLong_Type; the small ints -5..256 (one static array of immortal objects); int
// hashing (CPython's long_hash: the value modulo 2^61 - 1 from the digits, sign kept, -1
// mapped to -2).
//
// Invariants: ints are CPython's representation only (longobject.h), normalized by every
// constructor here (long_repr.h); every PyLong_Type object with a small value that Pinion
// makes is the static one. Ints hold no references: they are allocated as leaves, never
// scanned nor called back.
//
// Threads: any attached thread; ints are immutable once shared. The small ints are
// constant-initialised, before any thread runs.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "compat/runtime/long_repr.h"
#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

static_assert(sizeof(long) == sizeof(int64_t) && sizeof(Py_ssize_t) == sizeof(int64_t),
              "Pinion's int assumes LP64");
static_assert(sizeof(PyLongObject) == 32, "an int of one or two digits is 32 bytes");

constexpr int64_t kSmallMin = -5;
constexpr int64_t kSmallMax = 256;
constexpr size_t kSmallCount = kSmallMax - kSmallMin + 1;

struct SmallInts {
  PyLongObject items[kSmallCount];
};

constexpr SmallInts MakeSmallInts() {
  SmallInts small{};
  for (size_t i = 0; i < kSmallCount; ++i) {
    const int64_t v = kSmallMin + static_cast<int64_t>(i);
    small.items[i].ob_base.ob_base = {_PyPinion_IMMORTAL_REFCNT, &PyLong_Type};
    small.items[i].ob_base.ob_size = v < 0 ? -1 : (v > 0 ? 1 : 0);
    small.items[i].ob_digit[0] = static_cast<digit>(v < 0 ? -v : v);
  }
  return small;
}

constinit SmallInts g_small_ints = MakeSmallInts();

PyObject* IntRepr(PyObject* self) { return LongToText(self, 10, /*prefix=*/false); }

// `op` itself if it is an int, else its __index__ (CPython's _PyNumber_Index): a new
// reference, or nullptr with an exception.
PyObject* IntOrIndex(PyObject* op) {
  if (op == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (PyLong_Check(op)) return Py_NewRef(op);
  return PyNumber_Index(op);
}

// true if `op` is an int; else false with TypeError "an integer is required" (or
// SystemError for NULL), as CPython's unsigned conversions.
bool CheckInt(PyObject* op) {
  if (op == nullptr) {
    PyErr_BadInternalCall();
    return false;
  }
  if (PyLong_Check(op)) return true;
  PyErr_SetString(PyExc_TypeError, "an integer is required");
  return false;
}

// The int `op` (any size) as a T, or `overflow` set to -1/+1 when it does not fit.
template <typename T>
T ToSigned(PyObject* op, int* overflow) {
  *overflow = 0;
  int64_t v;
  if (LongToInt64(op, &v) && std::in_range<T>(v)) return static_cast<T>(v);
  *overflow = LongIsNegative(op) ? -1 : 1;
  return static_cast<T>(-1);
}

// `op` (through __index__) as a signed T: -1 with OverflowError `message` when it does not
// fit.
template <typename T>
T AsSigned(PyObject* op, const char* message) {
  PyObject* value = IntOrIndex(op);
  if (value == nullptr) return -1;
  int overflow;
  const T result = ToSigned<T>(value, &overflow);
  Py_DECREF(value);
  if (overflow != 0) PyErr_SetString(PyExc_OverflowError, message);
  return result;
}

// The int `op` as an unsigned T: (T)-1 with OverflowError `negative` below 0, `too_big`
// beyond T.
template <typename T>
T AsUnsigned(PyObject* op, const char* negative, const char* too_big) {
  if (!CheckInt(op)) return static_cast<T>(-1);
  if (LongIsNegative(op)) {
    PyErr_SetString(PyExc_OverflowError, negative);
    return static_cast<T>(-1);
  }
  bool fits;
  const uint64_t v = LongLow64(op, &fits);
  if (!fits || v > std::numeric_limits<T>::max()) {
    PyErr_SetString(PyExc_OverflowError, too_big);
    return static_cast<T>(-1);
  }
  return static_cast<T>(v);
}

// The int (through __index__) modulo 2^64: its two's complement low 64 bits.
uint64_t AsMask(PyObject* op) {
  PyObject* value = IntOrIndex(op);
  if (value == nullptr) return static_cast<uint64_t>(-1);
  bool fits;
  uint64_t low = LongLow64(value, &fits);
  if (LongIsNegative(value)) low = 0 - low;
  Py_DECREF(value);
  return low;
}

int BitLength(digit d) { return d == 0 ? 0 : 32 - __builtin_clz(d); }

// The digit count without leading zero digits (an int filled through _PyLong_New may have
// some).
Py_ssize_t SignificantDigits(PyObject* op) {
  Py_ssize_t n = LongDigitCount(op);
  while (n > 0 && AsLong(op)->ob_digit[n - 1] == 0) --n;
  return n;
}

}  // namespace

PyObject* SmallInt(int64_t v) {
  if (v < kSmallMin || v > kSmallMax) return nullptr;
  return &g_small_ints.items[v - kSmallMin].ob_base.ob_base;
}

Py_hash_t IntHash(PyObject* self) {
  const digit* d = AsLong(self)->ob_digit;
  Py_uhash_t x = 0;
  for (Py_ssize_t i = LongDigitCount(self); i-- > 0;) {
    x = ((x << PyLong_SHIFT) & kHashModulus) | (x >> (kHashBits - PyLong_SHIFT));
    x += d[i];
    if (x >= kHashModulus) x -= kHashModulus;
  }
  if (LongIsNegative(self)) x = 0 - x;
  return x == static_cast<Py_uhash_t>(-1) ? -2 : static_cast<Py_hash_t>(x);
}

}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyLong_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "int",
    .tp_basicsize = offsetof(PyLongObject, ob_digit),
    .tp_itemsize = sizeof(digit),
    .tp_repr = &pinion::compat::IntRepr,
    .tp_as_number = &pinion::compat::g_int_as_number,
    .tp_hash = &pinion::compat::IntHash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_LONG_SUBCLASS,
    .tp_doc = "int: an integer of any size",
    .tp_richcompare = &pinion::compat::NumberRichCompare,
};

// ---- From C values ------------------------------------------------------------------------

extern "C" PyObject* PyLong_FromLong(long v) { return LongFromInt64(v); }
extern "C" PyObject* PyLong_FromLongLong(long long v) { return LongFromInt64(v); }
extern "C" PyObject* PyLong_FromSsize_t(Py_ssize_t v) { return LongFromInt64(v); }
extern "C" PyObject* PyLong_FromUnsignedLong(unsigned long v) { return LongFromUint64(v); }
extern "C" PyObject* PyLong_FromUnsignedLongLong(unsigned long long v) {
  return LongFromUint64(v);
}
extern "C" PyObject* PyLong_FromSize_t(size_t v) { return LongFromUint64(v); }
extern "C" PyObject* PyLong_FromVoidPtr(void* p) {
  return LongFromUint64(reinterpret_cast<uintptr_t>(p));
}

extern "C" PyObject* PyLong_FromDouble(double v) {
  if (std::isnan(v)) {
    PyErr_SetString(PyExc_ValueError, "cannot convert float NaN to integer");
    return nullptr;
  }
  if (std::isinf(v)) {
    PyErr_SetString(PyExc_OverflowError, "cannot convert float infinity to integer");
    return nullptr;
  }
  if (v > -0x1p63 && v < 0x1p63) return LongFromInt64(static_cast<int64_t>(v));
  Mpz x;
  mpz_set_d(x, v);  // exact: a double this large is an integer
  return LongFromMpz(x);
}

// ---- To C values --------------------------------------------------------------------------

extern "C" long PyLong_AsLong(PyObject* obj) {
  return AsSigned<long>(obj, "Python int too large to convert to C long");
}
extern "C" long long PyLong_AsLongLong(PyObject* obj) {
  return AsSigned<long long>(obj, "int too big to convert");
}
extern "C" Py_ssize_t PyLong_AsSsize_t(PyObject* obj) {
  if (!CheckInt(obj)) return -1;  // no __index__ here, as CPython
  int overflow;
  const Py_ssize_t v = ToSigned<Py_ssize_t>(obj, &overflow);
  if (overflow != 0) {
    PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C ssize_t");
  }
  return v;
}

extern "C" long PyLong_AsLongAndOverflow(PyObject* obj, int* overflow) {
  *overflow = 0;
  PyObject* value = IntOrIndex(obj);
  if (value == nullptr) return -1;
  const long v = ToSigned<long>(value, overflow);
  Py_DECREF(value);
  return v;
}

extern "C" long long PyLong_AsLongLongAndOverflow(PyObject* obj, int* overflow) {
  return PyLong_AsLongAndOverflow(obj, overflow);
}

extern "C" unsigned long PyLong_AsUnsignedLong(PyObject* obj) {
  return AsUnsigned<unsigned long>(obj, "can't convert negative value to unsigned int",
                                   "Python int too large to convert to C unsigned long");
}
extern "C" unsigned long long PyLong_AsUnsignedLongLong(PyObject* obj) {
  return AsUnsigned<unsigned long long>(obj, "can't convert negative int to unsigned",
                                        "int too big to convert");
}
extern "C" size_t PyLong_AsSize_t(PyObject* obj) {
  return AsUnsigned<size_t>(obj, "can't convert negative value to size_t",
                            "Python int too large to convert to C size_t");
}

extern "C" unsigned long PyLong_AsUnsignedLongMask(PyObject* obj) { return AsMask(obj); }
extern "C" unsigned long long PyLong_AsUnsignedLongLongMask(PyObject* obj) {
  return AsMask(obj);
}

// As CPython: a negative int through PyLong_AsLong, else PyLong_AsUnsignedLong.
extern "C" void* PyLong_AsVoidPtr(PyObject* obj) {
  if (!CheckInt(obj)) return nullptr;
  if (LongIsNegative(obj)) {
    const long v = PyLong_AsLong(obj);
    return v == -1 && PyErr_Occurred() ? nullptr : reinterpret_cast<void*>(v);
  }
  const unsigned long v = PyLong_AsUnsignedLong(obj);
  return v == static_cast<unsigned long>(-1) && PyErr_Occurred() ? nullptr
                                                                 : reinterpret_cast<void*>(v);
}

extern "C" double PyLong_AsDouble(PyObject* obj) {
  if (!CheckInt(obj)) return -1.0;
  double v;
  return LongToDouble(obj, &v) ? v : -1.0;
}

extern "C" PyObject* PyLong_GetInfo(void) {
  return Py_BuildValue("(iiii)", PyLong_SHIFT, static_cast<int>(sizeof(digit)),
                       kLongMaxStrDigits, kLongStrDigitsCheckThreshold);
}

// ---- CPython's private helpers ------------------------------------------------------------

extern "C" PyLongObject* _PyLong_New(Py_ssize_t size) {
  if (size < 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return LongAlloc(size);
}

extern "C" size_t _PyLong_NumBits(PyObject* v) {
  const Py_ssize_t n = SignificantDigits(v);
  if (n == 0) return 0;
  return static_cast<size_t>(n - 1) * PyLong_SHIFT + BitLength(AsLong(v)->ob_digit[n - 1]);
}

extern "C" double _PyLong_Frexp(PyLongObject* a, Py_ssize_t* e) {
  auto* op = reinterpret_cast<PyObject*>(a);
  const auto bits = static_cast<int64_t>(_PyLong_NumBits(op));
  if (bits == 0) {
    *e = 0;
    return 0.0;
  }
  // |a| / 2^bits, in [0.5, 1), rounded to 53 bits.
  Mpz x;
  LongToMpz(op, x);
  mpz_abs(x, x);
  Mpz one;
  mpz_set_ui(one, 1);
  mpz_mul_2exp(one, one, static_cast<mp_bitcnt_t>(bits));
  double m;
  RatioToDouble(x, one, &m);  // below 1: never overflows
  Py_ssize_t exponent = bits;
  if (m == 1.0) {  // rounded up to the next power of two
    m = 0.5;
    ++exponent;
  }
  *e = exponent;
  return LongIsNegative(op) ? -m : m;
}

extern "C" PyObject* _PyLong_FromByteArray(const unsigned char* bytes, size_t n,
                                           int little_endian, int is_signed) {
  if (n == 0) return LongFromInt64(0);
  if (!LongBitsAllowed(static_cast<uint64_t>(n) * 8)) return nullptr;
  Mpz x;
  mpz_import(x, n, little_endian ? -1 : 1, 1, 0, 0, bytes);
  const unsigned char top = little_endian ? bytes[n - 1] : bytes[0];
  if (is_signed && (top & 0x80) != 0) {
    Mpz wrap;
    mpz_setbit(wrap, static_cast<mp_bitcnt_t>(n) * 8);
    mpz_sub(x, x, wrap);
  }
  return LongFromMpz(x);
}

extern "C" int _PyLong_AsByteArray(PyLongObject* v, unsigned char* bytes, size_t n,
                                   int little_endian, int is_signed) {
  auto* op = reinterpret_cast<PyObject*>(v);
  if (LongIsNegative(op) && !is_signed) {
    PyErr_SetString(PyExc_OverflowError, "can't convert negative int to unsigned");
    return -1;
  }
  Mpz x(op);
  const uint64_t bits = 8 * static_cast<uint64_t>(n);
  // In range: [0, 2^bits) unsigned, [-2^(bits-1), 2^(bits-1)) signed.
  bool fits;
  if (n == 0) {
    // As CPython's: 0, and -1 when signed (its sign bits need no byte), fit in no bytes.
    fits = mpz_sgn(x) == 0 || (is_signed && mpz_cmp_si(x, -1) == 0);
  } else if (!is_signed) {
    fits = mpz_sizeinbase(x, 2) <= bits;
  } else {
    Mpz magnitude;
    mpz_abs(magnitude, x);
    if (mpz_sgn(x) < 0) mpz_sub_ui(magnitude, magnitude, 1);  // -2^k fits as 2^k - 1 does
    fits = mpz_sgn(magnitude) == 0 || mpz_sizeinbase(magnitude, 2) <= bits - 1;
  }
  // The low n bytes of the two's complement (all of it when it fits).
  Mpz low;
  mpz_fdiv_r_2exp(low, x, bits);
  std::memset(bytes, 0, n);
  if (mpz_sgn(low) != 0) {
    const size_t count = (mpz_sizeinbase(low, 2) + 7) / 8;
    mpz_export(little_endian ? bytes : bytes + (n - count), nullptr, little_endian ? -1 : 1, 1,
               0, 0, low);
  }
  if (!fits) {
    PyErr_SetString(PyExc_OverflowError, "int too big to convert");
    return -1;
  }
  return 0;
}

extern "C" PyObject* _PyLong_Format(PyObject* v, int base) {
  if (v == nullptr || !PyLong_Check(v) ||
      (base != 2 && base != 8 && base != 10 && base != 16)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return LongToText(v, base, /*prefix=*/true);
}

extern "C" PyObject* _PyLong_GCD(PyObject* a, PyObject* b) {
  Mpz x(a), y(b), g;
  mpz_gcd(g, x, y);
  return LongFromMpz(g);
}

// ---- From text (long_text.cc) -------------------------------------------------------------

extern "C" PyObject* PyLong_FromString(const char* str, char** pend, int base) {
  if (str == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  const char* stop = nullptr;  // stays null for a bad base or the limit: *pend is then not set
  PyObject* result = LongFromText(str, std::strlen(str), base, nullptr, &stop);
  if (pend != nullptr && stop != nullptr) *pend = const_cast<char*>(stop);
  return result;
}

extern "C" PyObject* PyLong_FromUnicodeObject(PyObject* u, int base) {
  Py_ssize_t size;
  const char* text = PyUnicode_AsUTF8AndSize(u, &size);
  if (text == nullptr) return nullptr;
  return LongFromText(text, size, base, u, nullptr);
}
