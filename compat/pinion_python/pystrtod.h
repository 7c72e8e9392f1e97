/* Converting between doubles and text, locale-independently (CPython 3.11's pystrtod.h;
 * runtime in runtime/pystrtod.cc).
 *
 * PyOS_string_to_double(s, endptr, overflow_exception): parses "[+-]digits[.digits][e[+-]
 * digits]", ".5", "inf", "infinity" or "nan" (any case, optional sign) at the very start of
 * `s` (no leading whitespace, no underscores, no hex). With `endptr` NULL the whole string must
 * be the number; otherwise *endptr is set to the first character not parsed (to `s` when
 * nothing was). Not a number: -1.0 with ValueError "could not convert string to float: 's'".
 * Too large: +-HUGE_VAL with no exception when `overflow_exception` is NULL, else -1.0 with
 * that exception ("value too large to convert to float: 's'"); underflow gives 0 (or a
 * denormal), silently.
 *
 * PyOS_double_to_string(val, code, precision, flags, type): a new string (free it with
 * PyMem_Free) formatting `val` as printf's %e %E %f %F %g %G with `precision` ('g' with 0 means
 * 1), or code 'r' (precision must be 0): repr's shortest round-trip digits. Flags: Py_DTSF_SIGN
 * (a "+" on non-negatives), Py_DTSF_ADD_DOT_0 (".0" after an integral result without exponent),
 * Py_DTSF_ALT (printf's "#"), Py_DTSF_NO_NEG_0 (a result that rounds to zero loses its "-").
 * Infinities and NaN are "inf"/"nan" ("INF"/"NAN" for upper-case codes); NaN has no "-".
 * *type (when not NULL) is Py_DTST_FINITE, _INFINITE or _NAN. Another code or a non-zero
 * precision with 'r': NULL with SystemError (bad internal call).
 *
 * Threads: any attached thread (the error paths set the thread's exception).
 */
#ifndef PINION_PYTHON_PYSTRTOD_H_
#define PINION_PYTHON_PYSTRTOD_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_FUNC(double) PyOS_string_to_double(const char* str, char** endptr,
                                         PyObject* overflow_exception);
PyAPI_FUNC(char*) PyOS_double_to_string(double val, char format_code, int precision, int flags,
                                        int* type);

#define Py_DTSF_SIGN 0x01
#define Py_DTSF_ADD_DOT_0 0x02
#define Py_DTSF_ALT 0x04
#define Py_DTSF_NO_NEG_0 0x08

#define Py_DTST_FINITE 0
#define Py_DTST_INFINITE 1
#define Py_DTST_NAN 2

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYSTRTOD_H_ */
