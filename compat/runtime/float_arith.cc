// float's number slots (PyFloat_Type's PyNumberMethods) and float's text conversion for the
// number protocol (number.h).
//
// Owns: g_float_as_number, with CPython's results: an int operand is converted to a double
// (either side: int's slots leave int-float pairs to these), % and // take the divisor's
// sign (CPython's _float_div_mod, zero results signed), pow follows C99's pow with CPython's
// special cases and errors ("0.0 cannot be raised to a negative power", OverflowError
// (34, 'Numerical result out of range')), and the ZeroDivisionError messages are CPython
// 3.11's ("float division by zero", "float modulo", "float divmod()", "float floor
// division by zero").
//
// A negative float raised to a non-integral power is a complex, as in CPython (complex's
// nb_power computes it: complex.cc).
//
// Threads: any attached thread; nothing here has state.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "compat/runtime/long_repr.h"
#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

// CPython's CONVERT_TO_DOUBLE: 1 with a float's value or an int's (correctly rounded), 0 for
// any other operand (NotImplemented), -1 with OverflowError "int too large to convert to
// float".
int ToDouble(PyObject* o, double* out) {
  if (PyFloat_Check(o)) {
    *out = PyFloat_AS_DOUBLE(o);
    return 1;
  }
  if (PyLong_Check(o)) return LongToDouble(o, out) ? 1 : -1;
  return 0;
}

#define PINION_FLOAT_OPERANDS(v, w, a, b) \
  double a, b;                            \
  int converted_ = ToDouble(v, &a);       \
  if (converted_ > 0) converted_ = ToDouble(w, &b); \
  if (converted_ < 0) return nullptr;     \
  if (converted_ == 0) Py_RETURN_NOTIMPLEMENTED

PyObject* ZeroDivision(const char* message) {
  PyErr_SetString(PyExc_ZeroDivisionError, message);
  return nullptr;
}

PyObject* FloatAdd(PyObject* v, PyObject* w) {
  PINION_FLOAT_OPERANDS(v, w, a, b);
  return PyFloat_FromDouble(a + b);
}

PyObject* FloatSubtract(PyObject* v, PyObject* w) {
  PINION_FLOAT_OPERANDS(v, w, a, b);
  return PyFloat_FromDouble(a - b);
}

PyObject* FloatMultiply(PyObject* v, PyObject* w) {
  PINION_FLOAT_OPERANDS(v, w, a, b);
  return PyFloat_FromDouble(a * b);
}

PyObject* FloatTrueDivide(PyObject* v, PyObject* w) {
  PINION_FLOAT_OPERANDS(v, w, a, b);
  if (b == 0.0) return ZeroDivision("float division by zero");
  return PyFloat_FromDouble(a / b);
}

// The remainder with the divisor's sign (b != 0); a zero remainder takes b's sign.
double FloatMod(double a, double b) {
  double mod = std::fmod(a, b);
  if (mod != 0.0) {
    if ((b < 0) != (mod < 0)) mod += b;
  } else {
    mod = std::copysign(0.0, b);
  }
  return mod;
}

// CPython's _float_div_mod: floor(a / b) and the remainder, consistently (b != 0).
void FloatDivMod(double a, double b, double* floordiv, double* mod) {
  double m = std::fmod(a, b);
  double div = (a - m) / b;
  if (m != 0.0) {
    if ((b < 0) != (m < 0)) {
      m += b;
      div -= 1.0;
    }
  } else {
    m = std::copysign(0.0, b);
  }
  double floored;
  if (div != 0.0) {
    floored = std::floor(div);
    if (div - floored > 0.5) floored += 1.0;
  } else {
    floored = std::copysign(0.0, a / b);
  }
  *floordiv = floored;
  *mod = m;
}

PyObject* FloatRemainder(PyObject* v, PyObject* w) {
  PINION_FLOAT_OPERANDS(v, w, a, b);
  if (b == 0.0) return ZeroDivision("float modulo");
  return PyFloat_FromDouble(FloatMod(a, b));
}

PyObject* FloatFloorDivide(PyObject* v, PyObject* w) {
  PINION_FLOAT_OPERANDS(v, w, a, b);
  if (b == 0.0) return ZeroDivision("float floor division by zero");
  double floordiv, mod;
  FloatDivMod(a, b, &floordiv, &mod);
  return PyFloat_FromDouble(floordiv);
}

PyObject* FloatDivmod(PyObject* v, PyObject* w) {
  PINION_FLOAT_OPERANDS(v, w, a, b);
  if (b == 0.0) return ZeroDivision("float divmod()");
  double floordiv, mod;
  FloatDivMod(a, b, &floordiv, &mod);
  return Py_BuildValue("(dd)", floordiv, mod);
}

bool IsOddInteger(double x) { return std::fmod(std::fabs(x), 2.0) == 1.0; }

// The OverflowError CPython raises from errno ERANGE: args (34, strerror(34)).
PyObject* RangeError() {
  PyObject* args = Py_BuildValue("(is)", ERANGE, std::strerror(ERANGE));
  if (args == nullptr) return nullptr;
  PyErr_SetObject(PyExc_OverflowError, args);
  Py_DECREF(args);
  return nullptr;
}

PyObject* FloatPower(PyObject* v, PyObject* w, PyObject* z) {
  if (z != Py_None) {
    PyErr_SetString(PyExc_TypeError,
                    "pow() 3rd argument not allowed unless all arguments are integers");
    return nullptr;
  }
  PINION_FLOAT_OPERANDS(v, w, iv, iw);
  // CPython's special cases first, C's pow for the rest.
  if (iw == 0.0) return PyFloat_FromDouble(1.0);  // x**0 is 1, even for a NaN x
  if (std::isnan(iv)) return PyFloat_FromDouble(iv);
  if (std::isnan(iw)) return PyFloat_FromDouble(iv == 1.0 ? 1.0 : iw);
  if (std::isinf(iw)) {
    const double base = std::fabs(iv);
    if (base == 1.0) return PyFloat_FromDouble(1.0);
    return PyFloat_FromDouble((iw > 0) == (base > 1.0) ? std::fabs(iw) : 0.0);
  }
  if (std::isinf(iv)) {
    const bool odd = IsOddInteger(iw);
    if (iw > 0) return PyFloat_FromDouble(odd ? iv : std::fabs(iv));
    return PyFloat_FromDouble(odd ? std::copysign(0.0, iv) : 0.0);
  }
  if (iv == 0.0) {
    if (iw < 0.0) return ZeroDivision("0.0 cannot be raised to a negative power");
    return PyFloat_FromDouble(IsOddInteger(iw) ? iv : 0.0);
  }
  bool negate = false;
  if (iv < 0.0) {
    if (iw != std::floor(iw)) return PyComplex_Type.tp_as_number->nb_power(v, w, z);
    iv = -iv;
    negate = IsOddInteger(iw);
  }
  if (iv == 1.0) return PyFloat_FromDouble(negate ? -1.0 : 1.0);
  double result = std::pow(iv, iw);
  if (std::isinf(result)) return RangeError();  // finite operands: an overflow
  return PyFloat_FromDouble(negate ? -result : result);
}

double Value(PyObject* v) { return PyFloat_AS_DOUBLE(v); }

// CPython's float_float: the float itself, or for a subclass an exact float of its value.
PyObject* FloatExact(PyObject* v) {
  if (PyFloat_CheckExact(v)) return Py_NewRef(v);
  return PyFloat_FromDouble(Value(v));
}

PyObject* FloatNegative(PyObject* v) { return PyFloat_FromDouble(-Value(v)); }
PyObject* FloatAbsolute(PyObject* v) { return PyFloat_FromDouble(std::fabs(Value(v))); }
int FloatBool(PyObject* v) { return Value(v) != 0.0; }
PyObject* FloatInt(PyObject* v) { return PyLong_FromDouble(Value(v)); }  // truncates

#undef PINION_FLOAT_OPERANDS

bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool EqualsIgnoringCase(const std::string& text, const char* word) {
  if (text.size() != std::strlen(word)) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

// The float literal in `text` (already stripped of whitespace), or false.
bool ParseFloat(const char* p, const char* end, double* out) {
  double sign = 1.0;
  const char* body = p;
  if (body < end && (*body == '+' || *body == '-')) {
    if (*body == '-') sign = -1.0;
    ++body;
  }
  const std::string word(body, end);
  if (EqualsIgnoringCase(word, "inf") || EqualsIgnoringCase(word, "infinity")) {
    *out = sign * HUGE_VAL;
    return true;
  }
  if (EqualsIgnoringCase(word, "nan")) {
    *out = std::copysign(NAN, sign);
    return true;
  }
  // Decimal digits, '.', an exponent; an underscore only between two digits. The literal
  // is checked here, so strtod (which takes more: hex, "nan(...)") only converts it.
  std::string literal;
  bool digits = false, exponent = false;
  for (const char* q = p; q < end; ++q) {
    const char c = *q;
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '_') {
      const bool between = q > p && q + 1 < end && q[-1] >= '0' && q[-1] <= '9' &&
                           q[1] >= '0' && q[1] <= '9';
      if (!between) return false;
      continue;
    } else if (c == '.' && !exponent) {
    } else if ((c == 'e' || c == 'E') && digits && !exponent) {
      exponent = true;
      literal += c;
      if (q + 1 < end && (q[1] == '+' || q[1] == '-')) literal += *++q;
      continue;
    } else if ((c == '+' || c == '-') && q == p) {
    } else {
      return false;
    }
    literal += c;
  }
  if (!digits) return false;
  char* stop = nullptr;
  errno = 0;
  const double value = std::strtod(literal.c_str(), &stop);
  if (stop != literal.c_str() + literal.size()) return false;
  *out = value;  // out-of-range literals are +-inf or +-0.0 (ERANGE is not an error)
  return true;
}

}  // namespace

PyNumberMethods g_float_as_number = {
    .nb_add = &FloatAdd,
    .nb_subtract = &FloatSubtract,
    .nb_multiply = &FloatMultiply,
    .nb_remainder = &FloatRemainder,
    .nb_divmod = &FloatDivmod,
    .nb_power = &FloatPower,
    .nb_negative = &FloatNegative,
    .nb_positive = &FloatExact,
    .nb_absolute = &FloatAbsolute,
    .nb_bool = &FloatBool,
    .nb_int = &FloatInt,
    .nb_float = &FloatExact,
    .nb_floor_divide = &FloatFloorDivide,
    .nb_true_divide = &FloatTrueDivide,
};

PyObject* FloatFromText(const char* text, size_t size, PyObject* original) {
  const char* p = text;
  const char* end = text + size;
  while (p < end && IsSpace(*p)) ++p;
  while (end > p && IsSpace(end[-1])) --end;
  double value;
  if (p < end && std::memchr(p, '\0', end - p) == nullptr && ParseFloat(p, end, &value)) {
    return PyFloat_FromDouble(value);
  }
  PyObject* repr = PyObject_Repr(original);
  if (repr == nullptr) return nullptr;
  PyErr_Format(PyExc_ValueError, "could not convert string to float: %s", PyUnicode_AsUTF8(repr));
  Py_DECREF(repr);
  return nullptr;
}

}  // namespace pinion::compat
