// Complex numbers (complexobject.h): PyComplex_Type, the PyComplex_* API and the _Py_c_*
// arithmetic, following CPython 3.11's definitions (Smith's division, exponentiation by
// squaring for small integral exponents, errno for the error cases).
//
// Complex objects hold no references: allocated pointer-free, never traced.
//
// Threads: any attached thread (immutable values; errno is per thread).
#include <cerrno>
#include <cmath>
#include <string>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

extern "C" Py_complex _Py_c_sum(Py_complex a, Py_complex b) {
  return {a.real + b.real, a.imag + b.imag};
}

extern "C" Py_complex _Py_c_diff(Py_complex a, Py_complex b) {
  return {a.real - b.real, a.imag - b.imag};
}

extern "C" Py_complex _Py_c_neg(Py_complex a) { return {-a.real, -a.imag}; }

extern "C" Py_complex _Py_c_prod(Py_complex a, Py_complex b) {
  return {a.real * b.real - a.imag * b.imag, a.real * b.imag + a.imag * b.real};
}

extern "C" Py_complex _Py_c_quot(Py_complex a, Py_complex b) {
  // Smith's method: scale by the larger of |b.real|, |b.imag| to avoid overflow.
  Py_complex r;
  const double abs_breal = std::fabs(b.real);
  const double abs_bimag = std::fabs(b.imag);
  if (abs_breal >= abs_bimag) {
    if (abs_breal == 0.0) {
      errno = EDOM;
      r.real = r.imag = 0.0;
    } else {
      const double ratio = b.imag / b.real;
      const double denom = b.real + b.imag * ratio;
      r.real = (a.real + a.imag * ratio) / denom;
      r.imag = (a.imag - a.real * ratio) / denom;
    }
  } else if (abs_bimag >= abs_breal) {
    const double ratio = b.real / b.imag;
    const double denom = b.real * ratio + b.imag;
    r.real = (a.real * ratio + a.imag) / denom;
    r.imag = (a.imag * ratio - a.real) / denom;
  } else {  // a NaN in b
    r.real = r.imag = NAN;
  }
  return r;
}

extern "C" Py_complex _Py_c_pow(Py_complex a, Py_complex b) {
  if (b.real == 0.0 && b.imag == 0.0) return {1.0, 0.0};
  if (a.real == 0.0 && a.imag == 0.0) {
    if (b.imag != 0.0 || b.real < 0.0) errno = EDOM;
    return {0.0, 0.0};
  }
  const double vabs = std::hypot(a.real, a.imag);
  double len = std::pow(vabs, b.real);
  const double at = std::atan2(a.imag, a.real);
  double phase = at * b.real;
  if (b.imag != 0.0) {
    len /= std::exp(at * b.imag);
    phase += b.imag * std::log(vabs);
  }
  return {len * std::cos(phase), len * std::sin(phase)};
}

extern "C" double _Py_c_abs(Py_complex z) {
  if (!std::isfinite(z.real) || !std::isfinite(z.imag)) {
    // abs of a complex with an infinite part is inf, even if the other part is a NaN.
    if (std::isinf(z.real)) {
      errno = 0;
      return std::fabs(z.real);
    }
    if (std::isinf(z.imag)) {
      errno = 0;
      return std::fabs(z.imag);
    }
    return NAN;
  }
  const double result = std::hypot(z.real, z.imag);
  errno = std::isfinite(result) ? 0 : ERANGE;
  return result;
}

namespace pinion::compat {
namespace {

Py_complex& CVal(PyObject* op) { return reinterpret_cast<PyComplexObject*>(op)->cval; }

// z ** n for n >= 0 by repeated squaring.
Py_complex PowU(Py_complex x, long n) {
  Py_complex r = {1.0, 0.0};
  Py_complex p = x;
  for (long mask = 1; mask > 0 && n >= mask; mask <<= 1) {
    if (n & mask) r = _Py_c_prod(r, p);
    p = _Py_c_prod(p, p);
  }
  return r;
}

Py_complex PowI(Py_complex x, long n) {
  if (n > 0) return PowU(x, n);
  return _Py_c_quot({1.0, 0.0}, PowU(x, -n));
}

// An operand as a complex: 1, 0 (not a number: NotImplemented), -1 with an exception.
int ToComplex(PyObject* obj, Py_complex* out) {
  if (PyComplex_Check(obj)) {
    *out = CVal(obj);
    return 1;
  }
  if (PyLong_Check(obj)) {
    out->real = PyLong_AsDouble(obj);
    out->imag = 0.0;
    return out->real == -1.0 && PyErr_Occurred() ? -1 : 1;
  }
  if (PyFloat_Check(obj)) {
    *out = {PyFloat_AS_DOUBLE(obj), 0.0};
    return 1;
  }
  return 0;
}

#define PINION_COMPLEX_OPERANDS(v, w, a, b)              \
  Py_complex a, b;                                        \
  {                                                       \
    const int ra = ToComplex(v, &a);                      \
    if (ra <= 0) return ra < 0 ? nullptr : Py_NewRef(Py_NotImplemented); \
    const int rb = ToComplex(w, &b);                      \
    if (rb <= 0) return rb < 0 ? nullptr : Py_NewRef(Py_NotImplemented); \
  }

PyObject* ComplexAdd(PyObject* v, PyObject* w) {
  PINION_COMPLEX_OPERANDS(v, w, a, b)
  return PyComplex_FromCComplex(_Py_c_sum(a, b));
}

PyObject* ComplexSub(PyObject* v, PyObject* w) {
  PINION_COMPLEX_OPERANDS(v, w, a, b)
  return PyComplex_FromCComplex(_Py_c_diff(a, b));
}

PyObject* ComplexMul(PyObject* v, PyObject* w) {
  PINION_COMPLEX_OPERANDS(v, w, a, b)
  return PyComplex_FromCComplex(_Py_c_prod(a, b));
}

PyObject* ComplexDiv(PyObject* v, PyObject* w) {
  PINION_COMPLEX_OPERANDS(v, w, a, b)
  errno = 0;
  const Py_complex q = _Py_c_quot(a, b);
  if (errno == EDOM) {
    PyErr_SetString(PyExc_ZeroDivisionError, "complex division by zero");
    return nullptr;
  }
  return PyComplex_FromCComplex(q);
}

PyObject* ComplexPow(PyObject* v, PyObject* w, PyObject* z) {
  PINION_COMPLEX_OPERANDS(v, w, a, b)
  if (z != Py_None) {
    PyErr_SetString(PyExc_ValueError, "complex modulo");
    return nullptr;
  }
  errno = 0;
  Py_complex p;
  // A small integral exponent: repeated multiplication, faster and more accurate.
  if (b.imag == 0.0 && b.real == std::floor(b.real) && std::fabs(b.real) <= 100.0) {
    p = PowI(a, static_cast<long>(b.real));
  } else {
    p = _Py_c_pow(a, b);
  }
  if (std::isinf(p.real) || std::isinf(p.imag)) {
    if (errno == 0) errno = ERANGE;
  } else if (errno == ERANGE) {
    errno = 0;
  }
  if (errno == EDOM) {
    PyErr_SetString(PyExc_ZeroDivisionError, "0.0 to a negative or complex power");
    return nullptr;
  }
  if (errno == ERANGE) {
    PyErr_SetString(PyExc_OverflowError, "complex exponentiation");
    return nullptr;
  }
  return PyComplex_FromCComplex(p);
}
#undef PINION_COMPLEX_OPERANDS

PyObject* ComplexNeg(PyObject* v) { return PyComplex_FromCComplex(_Py_c_neg(CVal(v))); }

PyObject* ComplexPos(PyObject* v) {
  if (PyComplex_CheckExact(v)) return Py_NewRef(v);
  return PyComplex_FromCComplex(CVal(v));
}

PyObject* ComplexAbs(PyObject* v) {
  errno = 0;
  const double result = _Py_c_abs(CVal(v));
  if (errno == ERANGE) {
    PyErr_SetString(PyExc_OverflowError, "absolute value too large");
    return nullptr;
  }
  return PyFloat_FromDouble(result);
}

int ComplexBool(PyObject* v) { return CVal(v).real != 0.0 || CVal(v).imag != 0.0; }

PyNumberMethods kComplexAsNumber = {
    .nb_add = &ComplexAdd,
    .nb_subtract = &ComplexSub,
    .nb_multiply = &ComplexMul,
    .nb_power = &ComplexPow,
    .nb_negative = &ComplexNeg,
    .nb_positive = &ComplexPos,
    .nb_absolute = &ComplexAbs,
    .nb_bool = &ComplexBool,
    .nb_true_divide = &ComplexDiv,
};

// repr(x) of a double as complex's repr writes it: shortest round-trip digits, no ".0".
std::string PartRepr(double x) {
  std::string text = ReprDouble(x);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

PyObject* ComplexRepr(PyObject* v) {
  const Py_complex c = CVal(v);
  std::string text;
  if (c.real == 0.0 && !std::signbit(c.real)) {
    text = PartRepr(c.imag) + "j";
  } else {
    std::string imag = PartRepr(c.imag);
    if (imag[0] != '-') imag = "+" + imag;
    text = "(" + PartRepr(c.real) + imag + "j)";
  }
  return NewString(text);
}

Py_hash_t ComplexHash(PyObject* v) {
  const auto hashreal = static_cast<Py_uhash_t>(HashDouble(v, CVal(v).real));
  const auto hashimag = static_cast<Py_uhash_t>(HashDouble(v, CVal(v).imag));
  // CPython's _PyHASH_IMAG: the imaginary part's multiplier.
  Py_uhash_t combined = hashreal + 1000003UL * hashimag;
  if (combined == static_cast<Py_uhash_t>(-1)) combined = static_cast<Py_uhash_t>(-2);
  return static_cast<Py_hash_t>(combined);
}

PyObject* ComplexRichCompare(PyObject* v, PyObject* w, int op) {
  if (op != Py_EQ && op != Py_NE) return Py_NewRef(Py_NotImplemented);
  const Py_complex a = CVal(v);
  bool equal;
  if (PyLong_Check(w)) {
    if (a.imag != 0.0) {
      equal = false;
    } else {
      // The exact comparison of float and int.
      PyObject* real = PyFloat_FromDouble(a.real);
      if (real == nullptr) return nullptr;
      PyObject* result = PyObject_RichCompare(real, w, op);
      Py_DECREF(real);
      return result;
    }
  } else if (PyFloat_Check(w)) {
    equal = a.real == PyFloat_AS_DOUBLE(w) && a.imag == 0.0;
  } else if (PyComplex_Check(w)) {
    equal = a.real == CVal(w).real && a.imag == CVal(w).imag;
  } else {
    return Py_NewRef(Py_NotImplemented);
  }
  return PyBool_FromLong(equal == (op == Py_EQ));
}

PyObject* GetReal(PyObject* v, void*) { return PyFloat_FromDouble(CVal(v).real); }
PyObject* GetImag(PyObject* v, void*) { return PyFloat_FromDouble(CVal(v).imag); }

PyGetSetDef kComplexGetSet[] = {
    {"real", &GetReal, nullptr, "the real part of a complex number", nullptr},
    {"imag", &GetImag, nullptr, "the imaginary part of a complex number", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyObject* Conjugate(PyObject* v, PyObject*) {
  return PyComplex_FromDoubles(CVal(v).real, -CVal(v).imag);
}

PyMethodDef kComplexMethods[] = {
    {"conjugate", &Conjugate, METH_NOARGS, "Return the complex conjugate of its argument."},
    {nullptr, nullptr, 0, nullptr},
};

// Whether complex() takes `o` as a number: a complex, something with __float__ or
// __index__ (their slots), or with __complex__. false, perhaps with an exception.
bool IsNumberLike(PyObject* o) {
  if (PyComplex_Check(o)) return true;
  PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;
  if (nb != nullptr && (nb->nb_float != nullptr || nb->nb_index != nullptr)) return true;
  PyObject* method = LookupSpecialMethod(o, "__complex__");
  if (method == nullptr) return false;
  Py_DECREF(method);
  return true;
}

// complex(real=0, imag=0) for numbers and objects with __complex__ (strings: TypeError, not
// parsed by Pinion).
PyObject* ComplexNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static const char* const kKeywords[] = {"real", "imag", nullptr};
  PyObject* r = nullptr;
  PyObject* i = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO:complex", const_cast<char**>(kKeywords),
                                   &r, &i)) {
    return nullptr;
  }
  if (r != nullptr && PyComplex_CheckExact(r) && i == nullptr && type == &PyComplex_Type) {
    return Py_NewRef(r);
  }
  if (r != nullptr && PyUnicode_Check(r)) {
    PyErr_SetString(PyExc_TypeError, "complex() from a string is not supported by Pinion");
    return nullptr;
  }
  Py_complex cr = {0.0, 0.0};
  Py_complex ci = {0.0, 0.0};
  if (r != nullptr && !IsNumberLike(r)) {
    if (PyErr_Occurred()) return nullptr;
    PyErr_Format(PyExc_TypeError,
                 "complex() first argument must be a string or a number, not '%.200s'",
                 Py_TYPE(r)->tp_name);
    return nullptr;
  }
  if (i != nullptr && !PyUnicode_Check(i) && !IsNumberLike(i)) {
    if (PyErr_Occurred()) return nullptr;
    PyErr_Format(PyExc_TypeError, "complex() second argument must be a number, not '%.200s'",
                 Py_TYPE(i)->tp_name);
    return nullptr;
  }
  if (r != nullptr) {
    cr = PyComplex_AsCComplex(r);
    if (cr.real == -1.0 && PyErr_Occurred()) return nullptr;
  }
  if (i != nullptr) {
    if (PyUnicode_Check(i)) {
      PyErr_SetString(PyExc_TypeError, "complex() second arg can't be a string");
      return nullptr;
    }
    ci = PyComplex_AsCComplex(i);
    if (ci.real == -1.0 && PyErr_Occurred()) return nullptr;
  }
  PyObject* self = type->tp_alloc(type, 0);
  if (self == nullptr) return nullptr;
  CVal(self) = {cr.real - ci.imag, cr.imag + ci.real};
  return self;
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyComplex_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "complex",
    .tp_basicsize = sizeof(PyComplexObject),
    .tp_repr = &ComplexRepr,
    .tp_as_number = &kComplexAsNumber,
    .tp_hash = &ComplexHash,
    .tp_getattro = &PyObject_GenericGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Create a complex number from a real part and an optional imaginary part.",
    .tp_richcompare = &ComplexRichCompare,
    .tp_methods = kComplexMethods,
    .tp_getset = kComplexGetSet,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &ComplexNew,
    .tp_free = &PyObject_Free,
};

extern "C" PyObject* PyComplex_FromCComplex(Py_complex c) {
  PyObject* op = AllocObject(&PyComplex_Type, sizeof(PyComplexObject), /*gc=*/false);
  if (op == nullptr) return nullptr;
  CVal(op) = c;
  return op;
}

extern "C" PyObject* PyComplex_FromDoubles(double real, double imag) {
  return PyComplex_FromCComplex({real, imag});
}

extern "C" double PyComplex_RealAsDouble(PyObject* op) {
  if (op != nullptr && PyComplex_Check(op)) return CVal(op).real;
  return PyFloat_AsDouble(op);
}

extern "C" double PyComplex_ImagAsDouble(PyObject* op) {
  if (op != nullptr && PyComplex_Check(op)) return CVal(op).imag;
  return 0.0;
}

extern "C" Py_complex PyComplex_AsCComplex(PyObject* op) {
  if (op == nullptr) {
    PyErr_BadInternalCall();
    return {-1.0, 0.0};
  }
  if (PyComplex_Check(op)) return CVal(op);
  PyObject* method = LookupSpecialMethod(op, "__complex__");
  if (method != nullptr) {
    PyObject* result = PyObject_CallNoArgs(method);
    Py_DECREF(method);
    if (result == nullptr) return {-1.0, 0.0};
    if (!PyComplex_Check(result)) {
      PyErr_Format(PyExc_TypeError, "__complex__ returned non-complex (type %.200s)",
                   Py_TYPE(result)->tp_name);
      Py_DECREF(result);
      return {-1.0, 0.0};
    }
    const Py_complex c = CVal(result);
    Py_DECREF(result);
    return c;
  }
  if (PyErr_Occurred()) return {-1.0, 0.0};
  const double real = PyFloat_AsDouble(op);
  if (real == -1.0 && PyErr_Occurred()) return {-1.0, 0.0};
  return {real, 0.0};
}
