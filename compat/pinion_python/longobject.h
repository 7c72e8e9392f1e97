/* int: integers of any size.
 *
 * Owns: PyLong_Type and the PyLong_* conversions (runtime in runtime/long.cc, arithmetic in
 * runtime/long_arith.cc, text in runtime/long_text.cc).
 *
 * Representation: CPython 3.11's (cpython/longintrepr.h), and only that: ob_size is the
 * signed digit count (0 for zero, negative for a negative int) and ob_digit[] the magnitude
 * in 30-bit digits, least significant first, allocated to the exact count (never a leading
 * zero digit). So code that reads longintrepr.h (Py_SIZE, ob_digit; Cython's fast paths)
 * works unchanged, and an int below 2^60 takes 32 bytes. (Pinion kept an int64_t beside the
 * digits before: 48 bytes, and no value beyond 64 bits.) The small ints -5..256 are static,
 * immortal objects: the constructors return them without allocating, and Py_INCREF/Py_DECREF
 * on them do nothing. bool is a subclass of int (PyBool_Type, boolobject.h) with 0 or 1
 * digit, so PyLong_Check and the PyLong_As* functions accept True and False.
 *
 * Arithmetic: values of at most 2 digits (|v| < 2^60) are computed natively on the fast
 * path; larger ones through GMP (libgmp, dynamically linked: LGPL), whose mpz_import and
 * mpz_export read and write these 30-bit digits directly. GMP rather than
 * Boost.Multiprecision or a hand-written one: a C library (no header-only template weight in
 * every translation unit), subquadratic multiplication, division and base conversion, and a
 * digit interface that fits CPython's. Results are CPython 3.11's: floor division and modulo
 * take the divisor's sign, true division and int-to-float conversions are correctly rounded,
 * a negative exponent gives a float, pow(a, b, m) reduces modulo m (b < 0 through the
 * inverse of a), shifts floor, & | ^ ~ act on two's complement.
 *
 * Where Pinion differs: an int whose magnitude would exceed 2^34 bits (about 5 billion
 * decimal digits) raises MemoryError before it is computed (GMP aborts the process when
 * malloc fails, so Pinion never lets it try); the int/str conversion limit of 4300 decimal
 * digits (CPython 3.11.4+'s default, int max str digits) is fixed: there is no
 * sys.set_int_max_str_digits.
 *
 * Errors, as CPython 3.11: PyLong_AsLong, AsLongLong, AsSsize_t... raise OverflowError
 * ("Python int too large to convert to C long") for a value the C type cannot hold and
 * return -1 (cast to the return type): PyErr_Occurred tells an error from a real -1. The
 * AsLong family and the Mask functions take an object with nb_index (__index__); the
 * unsigned ones and AsSsize_t take ints only (TypeError "an integer is required").
 *
 * Hashing is CPython's (the value modulo 2^61 - 1, sign kept, -1 mapped to -2), so an int
 * and the float equal to it hash alike. Comparison is numeric and exact against int, bool
 * and float.
 *
 * Threads: any attached thread. Ints are immutable once shared: shared freely.
 */
#ifndef PINION_PYTHON_LONGOBJECT_H_
#define PINION_PYTHON_LONGOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

typedef struct _longobject PyLongObject;
#ifndef Py_LIMITED_API
/* CPython 3.11's representation of an int (cpython/longintrepr.h): the magnitude in 30-bit
 * digits, least significant first; ob_size is the number of digits, negative for a negative
 * int, 0 for zero (so Py_SIZE(i) is what CPython's is). An int is allocated with exactly
 * |ob_size| digits (at least room for one: sizeof(PyLongObject) is 32 bytes, as CPython's). */
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
  digit ob_digit[1];
};
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyLong_Type;

#define PyLong_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_LONG_SUBCLASS)
#define PyLong_CheckExact(op) Py_IS_TYPE((op), &PyLong_Type)

/* New references (never an OverflowError: any value is an int); NULL with MemoryError. */
PyAPI_FUNC(PyObject*) PyLong_FromLong(long v);
PyAPI_FUNC(PyObject*) PyLong_FromUnsignedLong(unsigned long v);
PyAPI_FUNC(PyObject*) PyLong_FromLongLong(long long v);
PyAPI_FUNC(PyObject*) PyLong_FromUnsignedLongLong(unsigned long long v);
PyAPI_FUNC(PyObject*) PyLong_FromSsize_t(Py_ssize_t v);
PyAPI_FUNC(PyObject*) PyLong_FromSize_t(size_t v);
/* Truncates toward zero, exactly (1e300 gives all of its 997 bits); ValueError "cannot
 * convert float NaN to integer", OverflowError "cannot convert float infinity to integer". */
PyAPI_FUNC(PyObject*) PyLong_FromDouble(double v);

/* OverflowError "Python int too large to convert to C long" (long long, ssize_t) outside the
 * C type's range. */
PyAPI_FUNC(long) PyLong_AsLong(PyObject* obj);
PyAPI_FUNC(long long) PyLong_AsLongLong(PyObject* obj);
PyAPI_FUNC(Py_ssize_t) PyLong_AsSsize_t(PyObject* obj);
/* OverflowError for negative values ("can't convert negative value to unsigned int"...) and
 * beyond the type's range ("Python int too large to convert to C unsigned long"...). */
PyAPI_FUNC(unsigned long) PyLong_AsUnsignedLong(PyObject* obj);
PyAPI_FUNC(unsigned long long) PyLong_AsUnsignedLongLong(PyObject* obj);
PyAPI_FUNC(size_t) PyLong_AsSize_t(PyObject* obj);
/* Correctly rounded (half to even); OverflowError "int too large to convert to float" when
 * the rounded value exceeds DBL_MAX. */
PyAPI_FUNC(double) PyLong_AsDouble(PyObject* obj);
/* As PyLong_AsLong, but a value out of range sets *overflow to -1 or +1 (and returns -1)
 * instead of raising; *overflow is 0 otherwise. -1 with TypeError for an object that is not
 * an int and has no __index__. */
PyAPI_FUNC(long) PyLong_AsLongAndOverflow(PyObject* obj, int* overflow);
PyAPI_FUNC(long long) PyLong_AsLongLongAndOverflow(PyObject* obj, int* overflow);
#define PyLong_AS_LONG(op) PyLong_AsLong(op)
/* pid_t is an int: as CPython on Linux, these are the long conversions. */
#define _Py_PARSE_PID "i"
#define PyLong_FromPid PyLong_FromLong
#define PyLong_AsPid PyLong_AsLong
/* The value modulo 2^64 (two's complement bits of any int, through __index__), never an
 * OverflowError. */
PyAPI_FUNC(unsigned long) PyLong_AsUnsignedLongMask(PyObject* obj);
PyAPI_FUNC(unsigned long long) PyLong_AsUnsignedLongLongMask(PyObject* obj);
/* A pointer as an int and back (the address as an unsigned value; AsVoidPtr also takes a
 * negative int down to LONG_MIN, as CPython). */
PyAPI_FUNC(PyObject*) PyLong_FromVoidPtr(void* p);
PyAPI_FUNC(void*) PyLong_AsVoidPtr(PyObject* obj);
/* sys.int_info's values: (bits_per_digit 30, sizeof_digit 4, default_max_str_digits 4300,
 * str_digits_check_threshold 640). Pinion's is a plain tuple (CPython's a struct sequence
 * with those attribute names: index it, as PyTuple_GetItem does on both). */
PyAPI_FUNC(PyObject*) PyLong_GetInfo(void);

/* int(str, base) of a NUL-terminated C string, by CPython's rules: whitespace around the
 * literal, a sign, a 0x/0o/0b prefix (read with base 0, or allowed with the matching base),
 * single underscores between digits; base 0 or 2..36 (ValueError "int() arg 2 must be >= 2
 * and <= 36"). ValueError "invalid literal for int() with base 10: 'x'" for anything else.
 * Any length; but in a base that is not a power of two, more than 4300 digits raise
 * ValueError "Exceeds the limit (4300 digits) for integer string conversion: value has N
 * digits; use sys.set_int_max_str_digits() to increase the limit" (CPython 3.11.4+).
 * *pend (if pend is not NULL) is set to where parsing stopped. ASCII digits only (CPython
 * also reads other Unicode decimal digits). */
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
/* CPython 3.11's private helpers that widely vendored code calls (pythoncapi_compat.h builds
 * PyLong_AsInt, PyLong_GetSign, PyLong_FromNativeBytes and PyLong_AsNativeBytes on them).
 * AsInt: OverflowError "Python int too large to convert to C int" out of range. Sign: -1, 0
 * or 1 of an int (unchecked, as CPython's). */
PyAPI_FUNC(int) _PyLong_AsInt(PyObject* obj);
PyAPI_FUNC(int) _PyLong_Sign(PyObject* v);
/* The number of bits of |v| (0 for 0); v an int (unchecked). */
PyAPI_FUNC(size_t) _PyLong_NumBits(PyObject* v);
/* x and *e with |v| ~= |x| * 2^*e, 0.5 <= |x| < 1 (x correctly rounded to 53 bits, and
 * carrying v's sign), or 0.0 and 0 for 0. */
PyAPI_FUNC(double) _PyLong_Frexp(PyLongObject* a, Py_ssize_t* e);
/* The n bytes as a base-256 integer: bytes[0] is the least significant if little_endian,
 * else the most; two's complement if is_signed. n == 0 gives 0. */
PyAPI_FUNC(PyObject*) _PyLong_FromByteArray(const unsigned char* bytes, size_t n,
                                            int little_endian, int is_signed);
/* The low 8*n bits of v into bytes (order as above; two's complement if is_signed): 0, or -1
 * with OverflowError "can't convert negative int to unsigned" (v < 0 and !is_signed; bytes
 * untouched) or "int too big to convert" (v needs more bytes; bytes then hold its low n
 * bytes). */
PyAPI_FUNC(int) _PyLong_AsByteArray(PyLongObject* v, unsigned char* bytes, size_t n,
                                    int little_endian, int is_signed);
/* str(v) in base 2, 8, 10 or 16, with the 0b/0o/0x prefix ("-0x1f"), as bin/oct/hex; base
 * 10 raises the 4300-digit ValueError beyond the limit. */
PyAPI_FUNC(PyObject*) _PyLong_Format(PyObject* v, int base);
/* gcd(|a|, |b|), a new int. */
PyAPI_FUNC(PyObject*) _PyLong_GCD(PyObject* a, PyObject* b);
/* A new int with room for `size` digits (ob_size = size), all zero, for the caller to fill
 * (and to set Py_SET_SIZE negative for a negative value) before it shares the int, as in
 * CPython: the top digit must be non-zero (or the size smaller). NULL with MemoryError. */
PyAPI_FUNC(PyLongObject*) _PyLong_New(Py_ssize_t size);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_LONGOBJECT_H_ */
