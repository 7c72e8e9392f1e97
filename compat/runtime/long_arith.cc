// int's and bool's number slots (the PyNumberMethods tables of PyLong_Type and PyBool_Type).
//
// Owns: g_int_as_number, g_bool_as_number (int's slots, but & | ^ of two bools give a bool);
// the arithmetic with CPython's results, on ints of any size: floor division and modulo take
// the divisor's sign, true division is correctly rounded, a negative exponent gives a float
// (float's nb_power), pow(a, b, m) reduces modulo m (a negative b through the inverse of a),
// shifts floor, & | ^ ~ act on two's complement.
//
// Each slot has a fast path for compact operands (|v| < 2^60, long_repr.h: sums and
// products fit __int128), and otherwise computes with GMP (Mpz). Results that would exceed
// kMaxLongBits raise MemoryError before GMP computes them.
// Binary slots take (v, w) in the expression's order and give Py_NotImplemented unless both
// are ints (float's slots handle int-float pairs).
//
// Threads: any attached thread; nothing here has state.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "compat/runtime/long_repr.h"
#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

// CPython's CHECK_BINOP: both operands ints, else NotImplemented.
#define PINION_INT_OPERANDS(v, w) \
  if (!PyLong_Check(v) || !PyLong_Check(w)) Py_RETURN_NOTIMPLEMENTED

bool BothCompact(PyObject* v, PyObject* w) { return LongIsCompact(v) && LongIsCompact(w); }

// r = f(a, b) on the values of v and w, through GMP.
template <typename F>
PyObject* Gmp(PyObject* v, PyObject* w, F f) {
  Mpz a(v), b(w), r;
  f(r.get(), a.get(), b.get());
  return LongFromMpz(r);
}

// An exact int of v's value, negated if `negate` (a copy of the digits).
PyObject* CopyInt(PyObject* v, bool negate) {
  if (LongIsCompact(v)) {
    const int64_t value = CompactValue(v);
    return LongFromInt64(negate ? -value : value);
  }
  const Py_ssize_t n = LongDigitCount(v);
  PyLongObject* copy = LongAlloc(n);
  if (copy == nullptr) return nullptr;
  std::memcpy(copy->ob_digit, AsLong(v)->ob_digit, n * sizeof(digit));
  Py_SET_SIZE(copy, (LongIsNegative(v) != negate) ? -n : n);
  return LongNormalize(copy);
}

PyObject* IntAdd(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (BothCompact(v, w)) return LongFromInt64(CompactValue(v) + CompactValue(w));
  return Gmp(v, w, mpz_add);
}

PyObject* IntSubtract(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (BothCompact(v, w)) return LongFromInt64(CompactValue(v) - CompactValue(w));
  return Gmp(v, w, mpz_sub);
}

PyObject* IntMultiply(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (BothCompact(v, w)) {
    return LongFromInt128(static_cast<__int128>(CompactValue(v)) * CompactValue(w));
  }
  const uint64_t digits = LongDigitCount(v) + LongDigitCount(w);
  if (!LongBitsAllowed((digits - 1) * PyLong_SHIFT)) return nullptr;
  return Gmp(v, w, mpz_mul);
}

// Floor division and modulo (the remainder has the divisor's sign) of compact values; b != 0.
void FloorDivMod(int64_t a, int64_t b, int64_t* quotient, int64_t* remainder) {
  int64_t q = a / b;  // |a|, |b| < 2^60: no overflow
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) {
    q -= 1;
    r += b;
  }
  *quotient = q;
  *remainder = r;
}

bool IsZero(PyObject* v) { return Py_SIZE(v) == 0; }

PyObject* ZeroDivision(const char* message) {
  PyErr_SetString(PyExc_ZeroDivisionError, message);
  return nullptr;
}

PyObject* IntRemainder(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (IsZero(w)) return ZeroDivision("integer modulo by zero");
  if (BothCompact(v, w)) {
    int64_t q, r;
    FloorDivMod(CompactValue(v), CompactValue(w), &q, &r);
    return LongFromInt64(r);
  }
  return Gmp(v, w, mpz_fdiv_r);
}

PyObject* IntFloorDivide(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (IsZero(w)) return ZeroDivision("integer division or modulo by zero");
  if (BothCompact(v, w)) {
    int64_t q, r;
    FloorDivMod(CompactValue(v), CompactValue(w), &q, &r);
    return LongFromInt64(q);
  }
  return Gmp(v, w, mpz_fdiv_q);
}

PyObject* IntDivmod(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (IsZero(w)) return ZeroDivision("integer division or modulo by zero");
  PyObject* quotient;
  PyObject* remainder;
  if (BothCompact(v, w)) {
    int64_t q, r;
    FloorDivMod(CompactValue(v), CompactValue(w), &q, &r);
    quotient = LongFromInt64(q);
    remainder = quotient != nullptr ? LongFromInt64(r) : nullptr;
  } else {
    Mpz a(v), b(w), q, r;
    mpz_fdiv_qr(q, r, a, b);
    quotient = LongFromMpz(q);
    remainder = quotient != nullptr ? LongFromMpz(r) : nullptr;
  }
  if (remainder == nullptr) {
    Py_XDECREF(quotient);
    return nullptr;
  }
  PyObject* pair = PyTuple_Pack(2, quotient, remainder);
  Py_DECREF(quotient);
  Py_DECREF(remainder);
  return pair;
}

int BitLength(unsigned __int128 v) {
  int n = 0;
  while (v != 0) {
    ++n;
    v >>= 1;
  }
  return n;
}

// a / b correctly rounded to a double (b != 0), for 64-bit values.
double TrueDivide(int64_t a, int64_t b) {
  const bool negative = (a < 0) != (b < 0);
  const uint64_t n = a < 0 ? 0 - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
  const uint64_t d = b < 0 ? 0 - static_cast<uint64_t>(b) : static_cast<uint64_t>(b);
  double q;
  if (n == 0) {
    q = 0.0;
  } else if (n <= (uint64_t{1} << 53) && d <= (uint64_t{1} << 53)) {
    q = static_cast<double>(n) / static_cast<double>(d);  // both exact: one rounding
  } else {
    // n * 2^s / d with at least 64 quotient bits, the remainder folded into a sticky bit,
    // then one correctly rounded conversion (exact scaling back: no underflow here).
    const int s = 127 - BitLength(n);
    const unsigned __int128 scaled = static_cast<unsigned __int128>(n) << s;
    unsigned __int128 quotient = scaled / d;
    if (scaled % d != 0) quotient |= 1;
    q = std::ldexp(static_cast<double>(quotient), -s);
  }
  return negative ? -q : q;
}

PyObject* IntTrueDivide(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (IsZero(w)) return ZeroDivision("division by zero");
  int64_t a, b;
  if (LongToInt64(v, &a) && LongToInt64(w, &b)) return PyFloat_FromDouble(TrueDivide(a, b));
  Mpz x(v), y(w);
  double q;
  if (!RatioToDouble(x, y, &q)) {
    PyErr_SetString(PyExc_OverflowError, "integer division result too large for a float");
    return nullptr;
  }
  return PyFloat_FromDouble((mpz_sgn(x) < 0) != (mpz_sgn(y) < 0) ? -q : q);
}

// base^e of compact values, if it fits an int64_t.
bool PowerFits(int64_t base, uint64_t e, int64_t* out) {
  __int128 result = 1;
  __int128 square = base;
  while (e != 0) {
    if (e & 1) {
      result *= square;
      if (result < INT64_MIN || result > INT64_MAX) return false;
    }
    e >>= 1;
    if (e != 0) {
      square *= square;
      if (square > INT64_MAX) return false;  // can only overflow what is still to come
    }
  }
  *out = static_cast<int64_t>(result);
  return true;
}

PyObject* PowerModulo(PyObject* v, PyObject* w, PyObject* z) {
  if (IsZero(z)) {
    PyErr_SetString(PyExc_ValueError, "pow() 3rd argument cannot be 0");
    return nullptr;
  }
  Mpz base(v), e(w), m(z), r;
  mpz_abs(m, m);
  mpz_mod(base, base, m);
  if (mpz_sgn(e) < 0) {
    if (mpz_invert(base, base, m) == 0) {
      PyErr_SetString(PyExc_ValueError, "base is not invertible for the given modulus");
      return nullptr;
    }
    mpz_neg(e, e);
  }
  mpz_powm(r, base, e, m);
  if (LongIsNegative(z) && mpz_sgn(r) != 0) mpz_sub(r, r, m);  // the modulus's sign
  return LongFromMpz(r);
}

PyObject* IntPower(PyObject* v, PyObject* w, PyObject* z) {
  if (!PyLong_Check(v) || !PyLong_Check(w)) Py_RETURN_NOTIMPLEMENTED;
  if (z != Py_None && !PyLong_Check(z)) Py_RETURN_NOTIMPLEMENTED;
  if (z != Py_None) return PowerModulo(v, w, z);
  // A negative exponent makes a float: float's pow, which converts both ints.
  if (LongIsNegative(w)) return PyFloat_Type.tp_as_number->nb_power(v, w, z);
  bool fits;
  const uint64_t e = LongLow64(w, &fits);
  int64_t small;
  if (fits && LongIsCompact(v) && PowerFits(CompactValue(v), e, &small)) {
    return LongFromInt64(small);
  }
  Mpz base(v);
  if (mpz_cmpabs_ui(base, 1) <= 0) {  // 0, 1, -1: any exponent
    if (mpz_sgn(base) < 0 && (AsLong(w)->ob_digit[0] & 1) == 0) mpz_neg(base, base);
    if (mpz_sgn(base) == 0 && IsZero(w)) mpz_set_ui(base, 1);
    return LongFromMpz(base);
  }
  // |base|^e has about e * log2|base| bits.
  long exponent;
  const double mantissa = mpz_get_d_2exp(&exponent, base);
  const double bits = static_cast<double>(e) *
                      (static_cast<double>(exponent) + std::log2(std::fabs(mantissa)));
  if (!fits || !LongBitsAllowed(bits > 0x1p62 ? uint64_t{1} << 62 : static_cast<uint64_t>(bits))) {
    if (!fits) PyErr_NoMemory();
    return nullptr;
  }
  Mpz r;
  mpz_pow_ui(r, base, e);
  return LongFromMpz(r);
}

PyObject* IntNegative(PyObject* v) { return CopyInt(v, /*negate=*/true); }

// CPython's long_long: the int itself, or for a subclass (bool) an exact int of its value.
PyObject* IntExact(PyObject* v) {
  if (PyLong_CheckExact(v)) return Py_NewRef(v);
  return CopyInt(v, /*negate=*/false);
}

PyObject* IntAbsolute(PyObject* v) {
  return LongIsNegative(v) ? CopyInt(v, /*negate=*/true) : IntExact(v);
}

int IntBool(PyObject* v) { return !IsZero(v); }

PyObject* IntInvert(PyObject* v) {
  if (LongIsCompact(v)) return LongFromInt64(~CompactValue(v));
  Mpz a(v);
  mpz_com(a, a);
  return LongFromMpz(a);
}

// The shift count w (an int): false with ValueError "negative shift count" below 0; else
// *count, or *huge when it does not fit an int64_t.
bool ShiftCount(PyObject* w, int64_t* count, bool* huge) {
  if (LongIsNegative(w)) {
    PyErr_SetString(PyExc_ValueError, "negative shift count");
    return false;
  }
  *huge = !LongToInt64(w, count);
  return true;
}

PyObject* IntLshift(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  int64_t b;
  bool huge;
  if (!ShiftCount(w, &b, &huge)) return nullptr;
  if (IsZero(v)) return LongFromInt64(0);
  if (!huge && LongIsCompact(v) && b <= 60) {
    return LongFromInt128(static_cast<__int128>(CompactValue(v)) * (int64_t{1} << b));
  }
  if (huge || !LongBitsAllowed(static_cast<uint64_t>(LongDigitCount(v)) * PyLong_SHIFT +
                               static_cast<uint64_t>(b))) {
    if (huge) PyErr_NoMemory();
    return nullptr;
  }
  Mpz a(v);
  mpz_mul_2exp(a, a, static_cast<mp_bitcnt_t>(b));
  return LongFromMpz(a);
}

PyObject* IntRshift(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  int64_t b;
  bool huge;
  if (!ShiftCount(w, &b, &huge)) return nullptr;
  if (huge || static_cast<uint64_t>(b) >= static_cast<uint64_t>(LongDigitCount(v)) * PyLong_SHIFT) {
    return LongFromInt64(LongIsNegative(v) ? -1 : 0);
  }
  if (LongIsCompact(v)) return LongFromInt64(CompactValue(v) >> b);  // arithmetic: floors
  Mpz a(v);
  mpz_fdiv_q_2exp(a, a, static_cast<mp_bitcnt_t>(b));
  return LongFromMpz(a);
}

PyObject* IntAnd(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (BothCompact(v, w)) return LongFromInt64(CompactValue(v) & CompactValue(w));
  return Gmp(v, w, mpz_and);
}

PyObject* IntXor(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (BothCompact(v, w)) return LongFromInt64(CompactValue(v) ^ CompactValue(w));
  return Gmp(v, w, mpz_xor);
}

PyObject* IntOr(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w);
  if (BothCompact(v, w)) return LongFromInt64(CompactValue(v) | CompactValue(w));
  return Gmp(v, w, mpz_ior);
}

PyObject* IntFloat(PyObject* v) {
  double d;
  if (!LongToDouble(v, &d)) return nullptr;
  return PyFloat_FromDouble(d);
}

// bool's & | ^: a bool when both operands are bools, else int's.
PyObject* BoolAnd(PyObject* v, PyObject* w) {
  if (PyBool_Check(v) && PyBool_Check(w)) return PyBool_FromLong(CompactValue(v) & CompactValue(w));
  return IntAnd(v, w);
}

PyObject* BoolXor(PyObject* v, PyObject* w) {
  if (PyBool_Check(v) && PyBool_Check(w)) return PyBool_FromLong(CompactValue(v) ^ CompactValue(w));
  return IntXor(v, w);
}

PyObject* BoolOr(PyObject* v, PyObject* w) {
  if (PyBool_Check(v) && PyBool_Check(w)) return PyBool_FromLong(CompactValue(v) | CompactValue(w));
  return IntOr(v, w);
}

#undef PINION_INT_OPERANDS

}  // namespace

PyNumberMethods g_int_as_number = {
    .nb_add = &IntAdd,
    .nb_subtract = &IntSubtract,
    .nb_multiply = &IntMultiply,
    .nb_remainder = &IntRemainder,
    .nb_divmod = &IntDivmod,
    .nb_power = &IntPower,
    .nb_negative = &IntNegative,
    .nb_positive = &IntExact,
    .nb_absolute = &IntAbsolute,
    .nb_bool = &IntBool,
    .nb_invert = &IntInvert,
    .nb_lshift = &IntLshift,
    .nb_rshift = &IntRshift,
    .nb_and = &IntAnd,
    .nb_xor = &IntXor,
    .nb_or = &IntOr,
    .nb_int = &IntExact,
    .nb_float = &IntFloat,
    .nb_floor_divide = &IntFloorDivide,
    .nb_true_divide = &IntTrueDivide,
    .nb_index = &IntExact,
};

PyNumberMethods g_bool_as_number = {
    .nb_add = &IntAdd,
    .nb_subtract = &IntSubtract,
    .nb_multiply = &IntMultiply,
    .nb_remainder = &IntRemainder,
    .nb_divmod = &IntDivmod,
    .nb_power = &IntPower,
    .nb_negative = &IntNegative,
    .nb_positive = &IntExact,
    .nb_absolute = &IntAbsolute,
    .nb_bool = &IntBool,
    .nb_invert = &IntInvert,
    .nb_lshift = &IntLshift,
    .nb_rshift = &IntRshift,
    .nb_and = &BoolAnd,
    .nb_xor = &BoolXor,
    .nb_or = &BoolOr,
    .nb_int = &IntExact,
    .nb_float = &IntFloat,
    .nb_floor_divide = &IntFloorDivide,
    .nb_true_divide = &IntTrueDivide,
    .nb_index = &IntExact,
};

}  // namespace pinion::compat
