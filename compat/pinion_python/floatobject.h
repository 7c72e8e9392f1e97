/* float: C doubles.
 *
 * Owns: PyFloat_Type and the PyFloat_* API (runtime in runtime/float.cc).
 *
 * CPython's layout (ob_fval). repr is Python's: the shortest string that reads back as the
 * same double ("0.1", "1e+16", "1.5e-05", "inf", "nan"). A float equal to an int hashes and
 * compares like that int (exactly: 2**53 + 1 != float(2**53)); NaN hashes by identity, as
 * CPython 3.10+. Arithmetic (the number protocol, abstract_number.h) mixes with ints as
 * CPython's does, with its results and ZeroDivisionError messages; Pinion has no complex
 * type, so a negative float to a fractional power raises ValueError.
 *
 * Threads: any attached thread. Floats are immutable after construction: shared freely.
 */
#ifndef PINION_PYTHON_FLOATOBJECT_H_
#define PINION_PYTHON_FLOATOBJECT_H_

#include "pinion_python/object.h"
#include "pinion_python/pymath.h"

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
/* The value of a float; of another object through its nb_float (__float__), else its
 * nb_index (__index__: ints, rounded to the nearest double), as CPython 3.11. -1.0 with
 * TypeError ("must be real number, not str") for anything else. */
PyAPI_FUNC(double) PyFloat_AsDouble(PyObject* op);
/* float(s) for a str or bytes holding a float literal (whitespace around it, underscores
 * between digits, "inf", "nan"); ValueError "could not convert string to float: 'x'".
 * ASCII literals only (CPython also takes other Unicode digits and spaces). */
PyAPI_FUNC(PyObject*) PyFloat_FromString(PyObject* text);
/* DBL_MAX and DBL_MIN (the smallest normal double). */
PyAPI_FUNC(double) PyFloat_GetMax(void);
PyAPI_FUNC(double) PyFloat_GetMin(void);
/* sys.float_info: a struct sequence of float.h's values (max, max_exp, max_10_exp, min,
 * min_exp, min_10_exp, dig, mant_dig, epsilon, radix, rounds), as CPython's; each call a new
 * instance of a new type (runtime/sys_info.cc). */
PyAPI_FUNC(PyObject*) PyFloat_GetInfo(void);

#ifndef Py_LIMITED_API
/* A double in IEEE 754 binary16 ('e'), binary32 ('f') or binary64 ('d') layout at p (2, 4
 * or 8 bytes), little-endian if `le`, else big-endian: 0, or -1 with OverflowError ("float
 * too large to pack with e format") for a finite value the format cannot hold. Half
 * precision rounds to nearest, ties to even; NaNs keep their sign only. */
PyAPI_FUNC(int) PyFloat_Pack2(double x, char* p, int le);
PyAPI_FUNC(int) PyFloat_Pack4(double x, char* p, int le);
PyAPI_FUNC(int) PyFloat_Pack8(double x, char* p, int le);
/* The double those bytes hold (exact: every binary16 and binary32 value is a double). */
PyAPI_FUNC(double) PyFloat_Unpack2(const char* p, int le);
PyAPI_FUNC(double) PyFloat_Unpack4(const char* p, int le);
PyAPI_FUNC(double) PyFloat_Unpack8(const char* p, int le);
#endif

#define Py_RETURN_NAN return PyFloat_FromDouble(Py_NAN)
#define Py_RETURN_INF(sign)                                       \
  do {                                                            \
    if (copysign(1., sign) == 1.) {                               \
      return PyFloat_FromDouble(Py_HUGE_VAL);                     \
    } else {                                                      \
      return PyFloat_FromDouble(-Py_HUGE_VAL);                    \
    }                                                             \
  } while (0)

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_FLOATOBJECT_H_ */
