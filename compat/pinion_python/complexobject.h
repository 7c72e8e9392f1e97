/* Complex numbers (CPython 3.11's complexobject.h): PyComplex_Type, PyComplex_* and, outside
 * the limited API, Py_complex with the _Py_c_* arithmetic.
 *
 * As CPython's: repr ("(1+2j)", "1j", "(-0-1j)"), hash (real + 1000003 * imag, each hashed
 * as a float), == and != with int, float and complex (no ordering), + - * / ** with
 * CPython's ZeroDivisionError and OverflowError messages, abs, bool.
 * Not provided: calling complex() with a string (TypeError, see runtime/complex.cc),
 * complex.__format__ beyond format(c, "") (str(c)).
 *
 * Threads: any attached thread (complex objects are immutable).
 */
#ifndef PINION_PYTHON_COMPLEXOBJECT_H_
#define PINION_PYTHON_COMPLEXOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PyComplex_Type;

#define PyComplex_Check(op) PyObject_TypeCheck(op, &PyComplex_Type)
#define PyComplex_CheckExact(op) Py_IS_TYPE(op, &PyComplex_Type)

PyAPI_FUNC(PyObject*) PyComplex_FromDoubles(double real, double imag);
/* The real part; for other objects, PyFloat_AsDouble(op) (-1.0 with an exception). */
PyAPI_FUNC(double) PyComplex_RealAsDouble(PyObject* op);
/* The imaginary part; 0.0 for other objects. */
PyAPI_FUNC(double) PyComplex_ImagAsDouble(PyObject* op);

#ifndef Py_LIMITED_API
typedef struct {
  double real;
  double imag;
} Py_complex;

/* C arithmetic; _Py_c_quot and _Py_c_pow set errno to EDOM for a zero divisor (a zero base
 * to a negative or complex power), _Py_c_abs to ERANGE on overflow. */
PyAPI_FUNC(Py_complex) _Py_c_sum(Py_complex a, Py_complex b);
PyAPI_FUNC(Py_complex) _Py_c_diff(Py_complex a, Py_complex b);
PyAPI_FUNC(Py_complex) _Py_c_neg(Py_complex a);
PyAPI_FUNC(Py_complex) _Py_c_prod(Py_complex a, Py_complex b);
PyAPI_FUNC(Py_complex) _Py_c_quot(Py_complex a, Py_complex b);
PyAPI_FUNC(Py_complex) _Py_c_pow(Py_complex a, Py_complex b);
PyAPI_FUNC(double) _Py_c_abs(Py_complex a);

typedef struct {
  PyObject_HEAD
  Py_complex cval;
} PyComplexObject;

PyAPI_FUNC(PyObject*) PyComplex_FromCComplex(Py_complex c);
/* The value of a complex, of an object with __complex__, or of a float-convertible one
 * (imaginary part 0); {-1.0, 0.0} with an exception. */
PyAPI_FUNC(Py_complex) PyComplex_AsCComplex(PyObject* op);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_COMPLEXOBJECT_H_ */
