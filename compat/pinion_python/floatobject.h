/* float: C doubles.
 *
 * Owns: PyFloat_Type and the PyFloat_* API (runtime in runtime/float.cc).
 *
 * CPython's layout (ob_fval). repr is Python's: the shortest string that reads back as the
 * same double ("0.1", "1e+16", "1.5e-05", "inf", "nan"). A float equal to an int hashes and
 * compares like that int (exactly: 2**53 + 1 != float(2**53)); NaN hashes by identity, as
 * CPython 3.10+.
 *
 * Threads: any attached thread. Floats are immutable after construction: shared freely.
 */
#ifndef PINION_PYTHON_FLOATOBJECT_H_
#define PINION_PYTHON_FLOATOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#ifndef Py_LIMITED_API
typedef struct {
  PyObject_HEAD
  double ob_fval;
} PyFloatObject;
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyFloat_Type;

#define PyFloat_Check(op) PyObject_TypeCheck((op), &PyFloat_Type)
#define PyFloat_CheckExact(op) Py_IS_TYPE((op), &PyFloat_Type)
#ifndef Py_LIMITED_API
/* Unchecked. */
#define PyFloat_AS_DOUBLE(op) (((PyFloatObject*)(op))->ob_fval)
#endif /* !Py_LIMITED_API */

/* A new float (every call allocates). */
PyAPI_FUNC(PyObject*) PyFloat_FromDouble(double v);
/* The value of a float, or of an int (rounded to the nearest double); -1.0 with TypeError
 * for anything else (there is no __float__/__index__). */
PyAPI_FUNC(double) PyFloat_AsDouble(PyObject* op);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_FLOATOBJECT_H_ */
