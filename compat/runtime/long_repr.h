// Internals of int (not part of the C API): reading and making CPython's representation
// (longobject.h: ob_size the signed digit count, ob_digit the 30-bit digits of the
// magnitude, least significant first), natively for small values and through GMP's mpz_t
// for the rest. long.cc, long_arith.cc, long_text.cc, float.cc and number.cc use these.
//
// Invariants of every int these make (the "normalized" int CPython also requires): no
// leading zero digit, 0 has ob_size 0, and every value in -5..256 is the static small int.
// A compact int (|ob_size| <= 2, |v| < 2^60) can be read as an int64_t in two loads, and the
// sum, difference and product of two compact ints fit __int128: the arithmetic's fast path.
//
// Threads: any attached thread. GMP is reentrant; an Mpz is owned by one thread. An int's
// digits are read only after its construction was published (ints are immutable once
// shared), so reading them needs no synchronisation.
#ifndef PINION_COMPAT_RUNTIME_LONG_REPR_H_
#define PINION_COMPAT_RUNTIME_LONG_REPR_H_

#include <gmp.h>

#include <cstddef>
#include <cstdint>

#include "Python.h"

namespace pinion::compat {

// The largest int Pinion makes: 2^34 bits (2 GiB of digits). Anything larger raises
// MemoryError before GMP computes it (GMP aborts the process when malloc fails).
inline constexpr uint64_t kMaxLongBits = uint64_t{1} << 34;

inline PyLongObject* AsLong(PyObject* op) { return reinterpret_cast<PyLongObject*>(op); }
inline Py_ssize_t LongDigitCount(PyObject* op) {
  const Py_ssize_t size = Py_SIZE(op);
  return size < 0 ? -size : size;
}
inline bool LongIsNegative(PyObject* op) { return Py_SIZE(op) < 0; }
inline bool LongIsCompact(PyObject* op) { return LongDigitCount(op) <= 2; }
// The value of a compact int.
inline int64_t CompactValue(PyObject* op) {
  const Py_ssize_t size = Py_SIZE(op);
  const digit* d = AsLong(op)->ob_digit;
  int64_t magnitude = 0;
  if (size != 0) magnitude = d[0];
  if (size > 1 || size < -1) magnitude |= static_cast<int64_t>(d[1]) << PyLong_SHIFT;
  return size < 0 ? -magnitude : magnitude;
}

// The value of the int `op` in *out if it fits an int64_t (false if not).
bool LongToInt64(PyObject* op, int64_t* out);
// The magnitude of `op` modulo 2^64 (its low 64 bits), and whether it is below 2^64.
uint64_t LongLow64(PyObject* op, bool* fits);

// New references to ints of these values (small ints are the static ones); nullptr with
// MemoryError.
PyObject* LongFromInt64(int64_t v);
PyObject* LongFromUint64(uint64_t v);
PyObject* LongFromInt128(__int128 v);

// A new int of `ndigits` zero digits, ob_size = ndigits (the caller fills it, sets the sign
// and normalizes); nullptr with MemoryError beyond kMaxLongBits.
PyLongObject* LongAlloc(Py_ssize_t ndigits);
// Strips `v`'s leading zero digits and returns it, or the static small int of its value
// (steals `v`; a dropped `v` is garbage the collector reclaims).
PyObject* LongNormalize(PyLongObject* v);

// An mpz_t that clears itself. Mpz(op) holds the value of the int `op`.
class Mpz {
 public:
  Mpz() { mpz_init(value_); }
  explicit Mpz(PyObject* op);
  ~Mpz() { mpz_clear(value_); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  mpz_ptr get() { return value_; }
  operator mpz_ptr() { return value_; }
  operator mpz_srcptr() const { return value_; }
  mpz_ptr operator->() { return value_; }  // for GMP's macros (mpz_sgn)

 private:
  mpz_t value_;
};

// `op`'s value into `out` (initialised).
void LongToMpz(PyObject* op, mpz_ptr out);
// A new int of x's value; nullptr with MemoryError.
PyObject* LongFromMpz(mpz_srcptr x);
// true if an int of `bits` bits may be made; else false with MemoryError set.
bool LongBitsAllowed(uint64_t bits);

// |a| / |b| (b != 0) correctly rounded to a double (half to even, subnormals included) in
// *out; false if it exceeds DBL_MAX.
bool RatioToDouble(mpz_srcptr a, mpz_srcptr b, double* out);
// The int `op` as a correctly rounded double; false with OverflowError "int too large to
// convert to float".
bool LongToDouble(PyObject* op, double* out);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_LONG_REPR_H_
