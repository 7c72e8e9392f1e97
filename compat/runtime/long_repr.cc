// int's representation (long_repr.h): making normalized ints from C values and from GMP's
// mpz_t, reading them back, and the correctly rounded conversions to double.
//
// Owns nothing beyond the functions: the small ints are long.cc's (SmallInt).
//
// GMP reads and writes CPython's digits directly: mpz_import/mpz_export with 4-byte words,
// least significant first, native endianness and 2 nail bits (30 value bits a word).
//
// Threads: any attached thread.
#include "compat/runtime/long_repr.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "compat/runtime/runtime.h"

namespace pinion::compat {

// The static small int of `v` (-5..256), or nullptr. (long.cc)
PyObject* SmallInt(int64_t v);

namespace {

constexpr int kNails = 8 * sizeof(digit) - PyLong_SHIFT;

// The digit count of a magnitude below 2^128.
int DigitsOf(unsigned __int128 magnitude) {
  int n = 0;
  for (; magnitude != 0; magnitude >>= PyLong_SHIFT) ++n;
  return n;
}

PyObject* FromMagnitude(unsigned __int128 magnitude, bool negative) {
  const int n = DigitsOf(magnitude);
  PyLongObject* v = LongAlloc(n);
  if (v == nullptr) return nullptr;
  for (int i = 0; i < n; ++i) {
    v->ob_digit[i] = static_cast<digit>(magnitude & PyLong_MASK);
    magnitude >>= PyLong_SHIFT;
  }
  if (negative) Py_SET_SIZE(v, -n);
  return reinterpret_cast<PyObject*>(v);
}

}  // namespace

bool LongToInt64(PyObject* op, int64_t* out) {
  if (LongIsCompact(op)) {
    *out = CompactValue(op);
    return true;
  }
  bool fits;
  const uint64_t magnitude = LongLow64(op, &fits);
  if (!fits) return false;
  if (LongIsNegative(op)) {
    if (magnitude > uint64_t{1} << 63) return false;
    *out = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(magnitude);
  }
  return true;
}

uint64_t LongLow64(PyObject* op, bool* fits) {
  const Py_ssize_t n = LongDigitCount(op);
  const digit* d = AsLong(op)->ob_digit;
  uint64_t low = 0;
  if (n > 0) low = d[0];
  if (n > 1) low |= static_cast<uint64_t>(d[1]) << PyLong_SHIFT;
  if (n > 2) low |= static_cast<uint64_t>(d[2]) << (2 * PyLong_SHIFT);
  bool ok = n <= 2 || d[2] < 16;  // 60 + 4 bits
  // Leading zero digits (an int filled through _PyLong_New) do not count.
  for (Py_ssize_t i = n - 1; ok && i >= 3; --i) ok = d[i] == 0;
  *fits = ok;
  return low;
}

PyObject* LongFromInt64(int64_t v) {
  if (PyObject* small = SmallInt(v)) return small;
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return FromMagnitude(magnitude, v < 0);
}

PyObject* LongFromUint64(uint64_t v) {
  if (v <= 256) return SmallInt(static_cast<int64_t>(v));
  return FromMagnitude(v, false);
}

PyObject* LongFromInt128(__int128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return LongFromInt64(static_cast<int64_t>(v));
  const auto magnitude =
      v < 0 ? 0 - static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  return FromMagnitude(magnitude, v < 0);
}

bool LongBitsAllowed(uint64_t bits) {
  if (bits <= kMaxLongBits) return true;
  PyErr_NoMemory();
  return false;
}

PyLongObject* LongAlloc(Py_ssize_t ndigits) {
  if (ndigits < 0 || !LongBitsAllowed(static_cast<uint64_t>(ndigits) * PyLong_SHIFT)) {
    if (ndigits < 0) PyErr_BadInternalCall();
    return nullptr;
  }
  // Room for one digit at least, as CPython (sizeof(PyLongObject)).
  const size_t size = VarSize(&PyLong_Type, std::max<Py_ssize_t>(ndigits, 1));
  if (size == 0) return nullptr;
  PyObject* op = AllocObject(&PyLong_Type, size, /*gc=*/false);
  if (op == nullptr) return nullptr;
  Py_SET_SIZE(op, ndigits);
  return AsLong(op);
}

PyObject* LongNormalize(PyLongObject* v) {
  auto* op = reinterpret_cast<PyObject*>(v);
  Py_ssize_t n = LongDigitCount(op);
  while (n > 0 && v->ob_digit[n - 1] == 0) --n;
  Py_SET_SIZE(op, LongIsNegative(op) ? -n : n);
  if (n <= 1) {
    if (PyObject* small = SmallInt(CompactValue(op))) {
      Py_DECREF(op);
      return small;
    }
  }
  return op;
}

Mpz::Mpz(PyObject* op) {
  mpz_init(value_);
  LongToMpz(op, value_);
}

void LongToMpz(PyObject* op, mpz_ptr out) {
  if (LongIsCompact(op)) {
    mpz_set_si(out, CompactValue(op));
    return;
  }
  mpz_import(out, static_cast<size_t>(LongDigitCount(op)), -1, sizeof(digit), 0, kNails,
             AsLong(op)->ob_digit);
  if (LongIsNegative(op)) mpz_neg(out, out);
}

PyObject* LongFromMpz(mpz_srcptr x) {
  if (mpz_fits_slong_p(x)) return LongFromInt64(mpz_get_si(x));
  const size_t bits = mpz_sizeinbase(x, 2);
  const auto n = static_cast<Py_ssize_t>((bits + PyLong_SHIFT - 1) / PyLong_SHIFT);
  PyLongObject* v = LongAlloc(n);
  if (v == nullptr) return nullptr;
  size_t count = 0;
  mpz_export(v->ob_digit, &count, -1, sizeof(digit), 0, kNails, x);
  if (mpz_sgn(x) < 0) Py_SET_SIZE(v, -n);
  return reinterpret_cast<PyObject*>(v);
}

namespace {

// m * 2^lsb, where m carries two more bits than the result's (a round bit, then a bit that is
// also set when anything below was dropped: sticky), rounded half to even.
double RoundScaled(uint64_t m, int64_t lsb) {
  const uint64_t low = m & 3;
  m >>= 2;
  if (low == 3 || (low == 2 && (m & 1) != 0)) ++m;
  return std::ldexp(static_cast<double>(m), static_cast<int>(lsb));
}

// The exponent e of 2^e <= |a| / |b| < 2^(e+1) (a, b > 0).
int64_t RatioExponent(mpz_srcptr a, mpz_srcptr b) {
  int64_t e = static_cast<int64_t>(mpz_sizeinbase(a, 2)) - static_cast<int64_t>(mpz_sizeinbase(b, 2));
  Mpz scaled;
  int c;
  if (e >= 0) {
    mpz_mul_2exp(scaled, b, static_cast<mp_bitcnt_t>(e));
    c = mpz_cmp(a, scaled);
  } else {
    mpz_mul_2exp(scaled, a, static_cast<mp_bitcnt_t>(-e));
    c = mpz_cmp(scaled, b);
  }
  return c < 0 ? e - 1 : e;
}

}  // namespace

bool RatioToDouble(mpz_srcptr a_in, mpz_srcptr b_in, double* out) {
  Mpz a, b;
  mpz_abs(a, a_in);
  mpz_abs(b, b_in);
  if (mpz_sgn(a) == 0) {
    *out = 0.0;
    return true;
  }
  const int64_t e = RatioExponent(a, b);
  if (e >= 1024) return false;  // >= 2^1024 > DBL_MAX before rounding
  // The result's last bit (53 bits, fewer for a subnormal), and a quotient with 2 more.
  const int64_t lsb = std::max<int64_t>(e - 52, -1074);
  const int64_t shift = 2 - lsb;
  Mpz q, r;
  if (shift >= 0) {
    mpz_mul_2exp(q, a, static_cast<mp_bitcnt_t>(shift));
    mpz_tdiv_qr(q, r, q, b);
  } else {
    mpz_mul_2exp(r, b, static_cast<mp_bitcnt_t>(-shift));
    mpz_tdiv_qr(q, r, a, r);
  }
  uint64_t m = mpz_get_ui(q);  // below 2^55
  if (mpz_sgn(r) != 0) m |= 1;
  *out = RoundScaled(m, lsb);
  return !std::isinf(*out);
}

bool LongToDouble(PyObject* op, double* out) {
  int64_t small;
  if (LongToInt64(op, &small)) {
    *out = static_cast<double>(small);  // one correctly rounded conversion
    return true;
  }
  Mpz a;
  LongToMpz(op, a);
  const bool negative = mpz_sgn(a) < 0;
  mpz_abs(a, a);
  const auto bits = static_cast<int64_t>(mpz_sizeinbase(a, 2));
  bool ok = bits <= 1024;
  if (ok) {
    // The top 55 bits (a round bit and a sticky one beyond the 53), then rounding.
    const int64_t shift = bits - 55;  // > 0: |a| >= 2^63 here
    const bool sticky = mpz_scan1(a, 0) < static_cast<mp_bitcnt_t>(shift);
    mpz_tdiv_q_2exp(a, a, static_cast<mp_bitcnt_t>(shift));
    uint64_t m = mpz_get_ui(a);
    if (sticky) m |= 1;
    *out = RoundScaled(m, shift + 2);
    ok = !std::isinf(*out);
  }
  if (!ok) {
    PyErr_SetString(PyExc_OverflowError, "int too large to convert to float");
    return false;
  }
  if (negative) *out = -*out;
  return true;
}

}  // namespace pinion::compat
