// int's and bool's number slots (the PyNumberMethods tables of PyLong_Type and PyBool_Type),
// and int's text conversions for the number protocol (number.h).
//
// Owns: g_int_as_number, g_bool_as_number (int's slots, but & | ^ of two bools give a bool);
// the arithmetic with CPython's results: floor division and modulo take the divisor's sign,
// true division is correctly rounded, a negative exponent gives a float (float's nb_power),
// pow(a, b, m) reduces modulo m (a negative b through the inverse of a), shifts floor.
//
// Invariant: ints are 64-bit (longobject.h): every result outside int64_t raises
// OverflowError "int too large: Pinion's ints are 64-bit" (CPython would make a big int).
// Binary slots take (v, w) in the expression's order and give Py_NotImplemented unless both
// are ints (float's slots handle int-float pairs).
//
// Threads: any attached thread; nothing here has state.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

int64_t Value(PyObject* op) { return reinterpret_cast<PyLongObject*>(op)->ob_ival; }

PyObject* TooLarge() {
  PyErr_SetString(PyExc_OverflowError, "int too large: Pinion's ints are 64-bit");
  return nullptr;
}

PyObject* FromInt128(__int128 v) {
  if (v < INT64_MIN || v > INT64_MAX) return TooLarge();
  return PyLong_FromLongLong(static_cast<int64_t>(v));
}

// CPython's CHECK_BINOP: both operands ints, else NotImplemented.
#define PINION_INT_OPERANDS(v, w, a, b)                 \
  if (!PyLong_Check(v) || !PyLong_Check(w)) Py_RETURN_NOTIMPLEMENTED; \
  const int64_t a = Value(v);                           \
  const int64_t b = Value(w)

PyObject* IntAdd(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  return FromInt128(static_cast<__int128>(a) + b);
}

PyObject* IntSubtract(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  return FromInt128(static_cast<__int128>(a) - b);
}

PyObject* IntMultiply(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  return FromInt128(static_cast<__int128>(a) * b);
}

// Floor division and modulo (the remainder has the divisor's sign); b != 0.
void FloorDivMod(int64_t a, int64_t b, __int128* quotient, int64_t* remainder) {
  __int128 q = static_cast<__int128>(a) / b;  // wide: INT64_MIN / -1 does not trap
  __int128 r = static_cast<__int128>(a) % b;
  if (r != 0 && ((r < 0) != (b < 0))) {
    q -= 1;
    r += b;
  }
  *quotient = q;
  *remainder = static_cast<int64_t>(r);
}

PyObject* IntRemainder(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  if (b == 0) {
    PyErr_SetString(PyExc_ZeroDivisionError, "integer modulo by zero");
    return nullptr;
  }
  __int128 q;
  int64_t r;
  FloorDivMod(a, b, &q, &r);
  return PyLong_FromLongLong(r);
}

PyObject* IntFloorDivide(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  if (b == 0) {
    PyErr_SetString(PyExc_ZeroDivisionError, "integer division or modulo by zero");
    return nullptr;
  }
  __int128 q;
  int64_t r;
  FloorDivMod(a, b, &q, &r);
  return FromInt128(q);
}

PyObject* IntDivmod(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  if (b == 0) {
    PyErr_SetString(PyExc_ZeroDivisionError, "integer division or modulo by zero");
    return nullptr;
  }
  __int128 q;
  int64_t r;
  FloorDivMod(a, b, &q, &r);
  PyObject* quotient = FromInt128(q);
  if (quotient == nullptr) return nullptr;
  PyObject* remainder = PyLong_FromLongLong(r);
  if (remainder == nullptr) {
    Py_DECREF(quotient);
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

// a / b correctly rounded to a double (b != 0), as CPython's long_true_divide.
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
  PINION_INT_OPERANDS(v, w, a, b);
  if (b == 0) {
    PyErr_SetString(PyExc_ZeroDivisionError, "division by zero");
    return nullptr;
  }
  return PyFloat_FromDouble(TrueDivide(a, b));
}

// a^e modulo m (m >= 1), a already in [0, m).
uint64_t PowMod(uint64_t a, uint64_t e, uint64_t m) {
  unsigned __int128 result = 1 % m;
  unsigned __int128 base = a;
  while (e != 0) {
    if (e & 1) result = result * base % m;
    e >>= 1;
    if (e != 0) base = base * base % m;
  }
  return static_cast<uint64_t>(result);
}

// The inverse of a modulo m (a in [0, m), m >= 1); false if there is none.
bool InverseMod(uint64_t a, uint64_t m, uint64_t* inverse) {
  __int128 r0 = m, r1 = a, t0 = 0, t1 = 1;
  while (r1 != 0) {
    const __int128 q = r0 / r1;
    __int128 r = r0 - q * r1;
    r0 = r1;
    r1 = r;
    __int128 t = t0 - q * t1;
    t0 = t1;
    t1 = t;
  }
  if (r0 != 1 && m != 1) return false;
  t0 %= static_cast<__int128>(m);
  if (t0 < 0) t0 += m;
  *inverse = static_cast<uint64_t>(t0);
  return true;
}

PyObject* IntPower(PyObject* v, PyObject* w, PyObject* z) {
  if (!PyLong_Check(v) || !PyLong_Check(w)) Py_RETURN_NOTIMPLEMENTED;
  if (z != Py_None && !PyLong_Check(z)) Py_RETURN_NOTIMPLEMENTED;
  int64_t a = Value(v);
  int64_t b = Value(w);
  if (z == Py_None) {
    // A negative exponent makes a float: float's pow, which converts both ints.
    if (b < 0) return PyFloat_Type.tp_as_number->nb_power(v, w, z);
    __int128 result = 1;
    __int128 base = a;
    for (uint64_t e = static_cast<uint64_t>(b); e != 0;) {
      if (e & 1) {
        result *= base;
        if (result < INT64_MIN || result > INT64_MAX) return TooLarge();
      }
      e >>= 1;
      if (e != 0) {
        base *= base;
        // A square beyond 2^63 can only overflow what is still to be multiplied in.
        if (base > INT64_MAX) return TooLarge();
      }
    }
    return PyLong_FromLongLong(static_cast<int64_t>(result));
  }
  const int64_t c = Value(z);
  if (c == 0) {
    PyErr_SetString(PyExc_ValueError, "pow() 3rd argument cannot be 0");
    return nullptr;
  }
  const uint64_t m = c < 0 ? 0 - static_cast<uint64_t>(c) : static_cast<uint64_t>(c);
  __int128 reduced = static_cast<__int128>(a) % m;
  if (reduced < 0) reduced += m;
  uint64_t base = static_cast<uint64_t>(reduced);
  uint64_t e = b < 0 ? 0 - static_cast<uint64_t>(b) : static_cast<uint64_t>(b);
  if (b < 0 && !InverseMod(base, m, &base)) {
    PyErr_SetString(PyExc_ValueError, "base is not invertible for the given modulus");
    return nullptr;
  }
  __int128 result = PowMod(base, e, m);
  if (c < 0 && result != 0) result -= m;  // the result takes the modulus's sign
  return PyLong_FromLongLong(static_cast<int64_t>(result));
}

PyObject* IntNegative(PyObject* v) { return FromInt128(-static_cast<__int128>(Value(v))); }

// CPython's long_long: the int itself, or for a subclass (bool) an exact int of its value.
PyObject* IntExact(PyObject* v) {
  if (PyLong_CheckExact(v)) return Py_NewRef(v);
  return PyLong_FromLongLong(Value(v));
}

PyObject* IntAbsolute(PyObject* v) {
  const int64_t a = Value(v);
  return a < 0 ? FromInt128(-static_cast<__int128>(a)) : IntExact(v);
}

int IntBool(PyObject* v) { return Value(v) != 0; }

PyObject* IntInvert(PyObject* v) { return PyLong_FromLongLong(~Value(v)); }

PyObject* IntLshift(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  if (b < 0) {
    PyErr_SetString(PyExc_ValueError, "negative shift count");
    return nullptr;
  }
  if (a == 0) return PyLong_FromLong(0);
  if (b >= 64) return TooLarge();
  const auto shifted = static_cast<int64_t>(static_cast<uint64_t>(a) << b);
  if ((shifted >> b) != a) return TooLarge();
  return PyLong_FromLongLong(shifted);
}

PyObject* IntRshift(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  if (b < 0) {
    PyErr_SetString(PyExc_ValueError, "negative shift count");
    return nullptr;
  }
  if (b >= 64) return PyLong_FromLong(a < 0 ? -1 : 0);
  return PyLong_FromLongLong(a >> b);  // arithmetic: floors
}

PyObject* IntAnd(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  return PyLong_FromLongLong(a & b);
}

PyObject* IntXor(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  return PyLong_FromLongLong(a ^ b);
}

PyObject* IntOr(PyObject* v, PyObject* w) {
  PINION_INT_OPERANDS(v, w, a, b);
  return PyLong_FromLongLong(a | b);
}

PyObject* IntFloat(PyObject* v) { return PyFloat_FromDouble(static_cast<double>(Value(v))); }

// bool's & | ^: a bool when both operands are bools, else int's.
PyObject* BoolAnd(PyObject* v, PyObject* w) {
  if (PyBool_Check(v) && PyBool_Check(w)) return PyBool_FromLong(Value(v) & Value(w));
  return IntAnd(v, w);
}

PyObject* BoolXor(PyObject* v, PyObject* w) {
  if (PyBool_Check(v) && PyBool_Check(w)) return PyBool_FromLong(Value(v) ^ Value(w));
  return IntXor(v, w);
}

PyObject* BoolOr(PyObject* v, PyObject* w) {
  if (PyBool_Check(v) && PyBool_Check(w)) return PyBool_FromLong(Value(v) | Value(w));
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

namespace {

bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The value of an ASCII digit or letter (a = 10 ... z = 35), or 99.
int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

PyObject* LongFromText(const char* text, size_t size, int base, PyObject* original,
                       const char** stop) {
  if ((base != 0 && base < 2) || base > 36) {  // *stop is left alone, as CPython
    PyErr_SetString(PyExc_ValueError, "int() arg 2 must be >= 2 and <= 36");
    return nullptr;
  }
  const char* p = text;
  const char* end = text + size;
  auto at = [&](const char* q) { return q < end ? *q : '\0'; };
  while (p < end && IsSpace(*p)) ++p;
  bool negative = false;
  if (at(p) == '+' || at(p) == '-') negative = *p++ == '-';
  // CPython's rules: base 0 reads a 0x/0o/0b prefix, else base 10, where a leading 0 makes
  // every digit 0 (old octal literals are invalid); a matching prefix may also be given
  // with base 16, 8 or 2, and one underscore may follow it.
  bool only_zero = false;
  if (base == 0) {
    const char next = Lower(at(p + 1));
    if (at(p) != '0') {
      base = 10;
    } else if (next == 'x') {
      base = 16;
    } else if (next == 'o') {
      base = 8;
    } else if (next == 'b') {
      base = 2;
    } else {
      only_zero = true;
      base = 10;
    }
  }
  if (at(p) == '0') {
    const char next = Lower(at(p + 1));
    if ((base == 16 && next == 'x') || (base == 8 && next == 'o') || (base == 2 && next == 'b')) {
      p += 2;
      if (at(p) == '_') ++p;
    }
  }
  unsigned __int128 magnitude = 0;
  const unsigned __int128 limit = static_cast<unsigned __int128>(1) << 64;
  bool valid = at(p) != '_', any_digit = false, overflow = false;
  char previous = '\0';
  const char* after_digit = p;  // an underscore error stops after the last digit
  for (; valid && p < end; ++p) {
    if (*p == '_') {
      if (previous == '_') {
        valid = false;
        p = after_digit;
        break;
      }
    } else {
      const int digit = DigitValue(*p);
      if (digit >= base) break;
      any_digit = true;
      after_digit = p + 1;
      magnitude = magnitude * base + digit;
      if (magnitude > limit) {
        overflow = true;
        magnitude = limit;  // stays out of range, without wrapping
      }
    }
    previous = *p;
  }
  if (valid && previous == '_') {
    valid = false;
    p = after_digit;
  }
  if (!any_digit) valid = false;
  if (valid && only_zero) {
    base = 0;  // CPython reports old-style octal literals as base 0
    if (magnitude != 0) valid = false;
  }
  if (valid) {
    while (p < end && IsSpace(*p)) ++p;
    if (p != end) valid = false;
  }
  if (stop != nullptr) *stop = p;
  if (!valid) {
    PyObject* shown = original != nullptr
                          ? Py_NewRef(original)
                          : PyUnicode_FromStringAndSize(text, std::min<size_t>(size, 200));
    PyObject* repr = shown != nullptr ? PyObject_Repr(shown) : nullptr;
    Py_XDECREF(shown);
    if (repr == nullptr) return nullptr;
    PyErr_Format(PyExc_ValueError, "invalid literal for int() with base %d: %.200s", base,
                 PyUnicode_AsUTF8(repr));
    Py_DECREF(repr);
    return nullptr;
  }
  if (overflow) return TooLarge();
  return FromInt128(negative ? -static_cast<__int128>(magnitude)
                             : static_cast<__int128>(magnitude));
}

PyObject* LongToBase(int64_t v, int base) {
  if (base == 10) {
    return PyUnicode_FromString(std::to_string(v).c_str());
  }
  const int bits = base == 2 ? 1 : (base == 8 ? 3 : 4);
  const char* prefix = base == 2 ? "0b" : (base == 8 ? "0o" : "0x");
  uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), "0123456789abcdef"[magnitude & (base - 1)]);
    magnitude >>= bits;
  } while (magnitude != 0);
  const std::string text = (v < 0 ? "-" : "") + std::string(prefix) + digits;
  return PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}

}  // namespace pinion::compat
