/* int: 64-bit integers.
 *
 * Owns: PyLong_Type and the PyLong_* conversions (runtime in runtime/long.cc).
 *
 * Unlike CPython, an int holds an int64_t: there is no arbitrary precision. A constructor
 * whose value does not fit (PyLong_FromUnsignedLongLong above INT64_MAX, PyLong_FromDouble
 * of 1e30) raises OverflowError instead. The small ints -5..256 are static, immortal
 * objects: the constructors return them without allocating, and Py_INCREF/Py_DECREF on
 * them do nothing. bool is a subclass of int (PyBool_Type, boolobject.h), so PyLong_Check
 * and the PyLong_As* functions accept True and False.
 *
 * Errors, as CPython 3.11: PyLong_AsLong, AsLongLong and their AndOverflow forms take an int
 * or an object with nb_index (__index__), and raise TypeError for others ("'float' object
 * cannot be interpreted as an integer"); the other As* functions take ints only ("an integer
 * is required"). OverflowError for a value the C type cannot hold; then they return -1
 * (cast to the return type), and PyErr_Occurred tells an error from a real -1.
 *
 * Arithmetic (the number protocol, abstract_number.h) is CPython's: floor division and
 * modulo take the divisor's sign, true division is correctly rounded, a negative exponent
 * gives a float, pow(a, b, m) reduces modulo m; a result outside int64_t raises
 * OverflowError ("int too large: Pinion's ints are 64-bit") where CPython would make a big
 * int.
 *
 * Hashing is CPython's (the value modulo 2^61 - 1, -1 mapped to -2), so an int and the
 * float equal to it hash alike. Comparison is numeric against int, bool and float.
 *
 * Threads: any attached thread. Ints are immutable after construction: shared freely.
 */
#ifndef PINION_PYTHON_LONGOBJECT_H_
#define PINION_PYTHON_LONGOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

typedef struct _longobject PyLongObject;
#ifndef Py_LIMITED_API
/* CPython's representation of an int (cpython/longintrepr.h), kept beside Pinion's value so
 * that code reading it works: the magnitude in 30-bit digits, least significant first;
 * ob_size is the number of digits, negative for a negative int, 0 for zero (so Py_SIZE(i) is
 * what CPython's is). Read-only: ints are made from C values (_PyLong_New is not
 * provided), and a 64-bit int needs at most 3 digits. */
typedef uint32_t digit;
typedef int32_t sdigit;
typedef uint64_t twodigits;
typedef int64_t stwodigits;
#define PyLong_SHIFT 30
#define _PyLong_DECIMAL_SHIFT 9
#define _PyLong_DECIMAL_BASE ((digit)1000000000)
#define PyLong_BASE ((digit)1 << PyLong_SHIFT)
#define PyLong_MASK ((digit)(PyLong_BASE - 1))

struct _longobject {
  PyObject_VAR_HEAD
  int64_t ob_ival;   /* Pinion's: the value, set at construction */
  digit ob_digit[3]; /* CPython's digits of the same value */
};
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyLong_Type;

#define PyLong_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_LONG_SUBCLASS)
#define PyLong_CheckExact(op) Py_IS_TYPE((op), &PyLong_Type)

/* New references; NULL with OverflowError when the value does not fit in 64 bits. */
PyAPI_FUNC(PyObject*) PyLong_FromLong(long v);
PyAPI_FUNC(PyObject*) PyLong_FromUnsignedLong(unsigned long v);
PyAPI_FUNC(PyObject*) PyLong_FromLongLong(long long v);
PyAPI_FUNC(PyObject*) PyLong_FromUnsignedLongLong(unsigned long long v);
PyAPI_FUNC(PyObject*) PyLong_FromSsize_t(Py_ssize_t v);
PyAPI_FUNC(PyObject*) PyLong_FromSize_t(size_t v);
/* Truncates toward zero; ValueError for NaN, OverflowError for infinities. */
PyAPI_FUNC(PyObject*) PyLong_FromDouble(double v);

PyAPI_FUNC(long) PyLong_AsLong(PyObject* obj);
PyAPI_FUNC(long long) PyLong_AsLongLong(PyObject* obj);
PyAPI_FUNC(Py_ssize_t) PyLong_AsSsize_t(PyObject* obj);
/* OverflowError for negative values, as CPython. */
PyAPI_FUNC(unsigned long) PyLong_AsUnsignedLong(PyObject* obj);
PyAPI_FUNC(unsigned long long) PyLong_AsUnsignedLongLong(PyObject* obj);
PyAPI_FUNC(size_t) PyLong_AsSize_t(PyObject* obj);
/* Rounded to the nearest double (every 64-bit int is in range). */
PyAPI_FUNC(double) PyLong_AsDouble(PyObject* obj);
/* *overflow is always set to 0: every int fits a (64-bit) long. -1 with TypeError for an
 * object that is not an int. */
PyAPI_FUNC(long) PyLong_AsLongAndOverflow(PyObject* obj, int* overflow);
PyAPI_FUNC(long long) PyLong_AsLongLongAndOverflow(PyObject* obj, int* overflow);
#define PyLong_AS_LONG(op) PyLong_AsLong(op)
/* pid_t is an int: as CPython on Linux, these are the long conversions. */
#define _Py_PARSE_PID "i"
#define PyLong_FromPid PyLong_FromLong
#define PyLong_AsPid PyLong_AsLong
/* The value modulo 2^64 (through __index__), never an OverflowError. */
PyAPI_FUNC(unsigned long) PyLong_AsUnsignedLongMask(PyObject* obj);
PyAPI_FUNC(unsigned long long) PyLong_AsUnsignedLongLongMask(PyObject* obj);
/* A pointer as an int and back (the address as an unsigned value). */
PyAPI_FUNC(PyObject*) PyLong_FromVoidPtr(void* p);
PyAPI_FUNC(void*) PyLong_AsVoidPtr(PyObject* obj);

/* int(str, base) of a NUL-terminated C string, by CPython's rules: whitespace around the
 * literal, a sign, a 0x/0o/0b prefix (read with base 0, or allowed with the matching base),
 * single underscores between digits; base 0 or 2..36 (ValueError "int() arg 2 must be >= 2
 * and <= 36"). ValueError "invalid literal for int() with base 10: 'x'" for anything else;
 * OverflowError beyond 64 bits. *pend (if pend is not NULL) is set to where parsing
 * stopped. ASCII digits only (CPython also reads other Unicode decimal digits). */
PyAPI_FUNC(PyObject*) PyLong_FromString(const char* str, char** pend, int base);
/* The same for a str object. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(PyObject*) PyLong_FromUnicodeObject(PyObject* u, int base);
#endif

/* C strings to C longs by CPython's rules (runtime/strtol.cc), not C's: leading whitespace,
 * (PyOS_strtol only) a sign, a 0x/0o/0b prefix read with base 0 or skipped with the matching
 * base, no underscores; *ptr (if ptr is not NULL) is set past the digits read. On overflow,
 * errno = ERANGE and ULONG_MAX (LONG_MAX). No Python exception is ever set. */
PyAPI_FUNC(unsigned long) PyOS_strtoul(const char* str, char** ptr, int base);
PyAPI_FUNC(long) PyOS_strtol(const char* str, char** ptr, int base);

#ifndef Py_LIMITED_API
/* CPython 3.11's private helpers that widely vendored headers call (pythoncapi_compat.h's
 * PyLong_AsInt, PyLong_GetSign). AsInt: OverflowError "Python int too large to convert to C
 * int" out of range. Sign: -1, 0 or 1 of an int (unchecked, as CPython's). */
PyAPI_FUNC(int) _PyLong_AsInt(PyObject* obj);
PyAPI_FUNC(int) _PyLong_Sign(PyObject* v);
PyAPI_FUNC(PyLongObject*) _PyLong_New(Py_ssize_t size) _PyPinion_UNSUPPORTED(
    "_PyLong_New: an int cannot be filled in digit by digit; make it from a C value "
    "(PyLong_FromLongLong...)");
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_LONGOBJECT_H_ */
