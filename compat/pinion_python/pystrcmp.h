/* Case-insensitive comparison of C strings in the C locale's ASCII case (CPython 3.11's
 * pystrcmp.h; runtime in runtime/pystrcmp.cc).
 *
 * PyOS_mystricmp(a, b) compares up to the first difference or NUL; PyOS_mystrnicmp(a, b, n)
 * at most n characters (0 when n is 0). Each returns tolower(a[i]) - tolower(b[i]) at the
 * place it stopped: < 0, 0 or > 0, as strcasecmp. PyOS_stricmp/PyOS_strnicmp name them.
 *
 * Threads: any thread (attached or not).
 */
#ifndef PINION_PYTHON_PYSTRCMP_H_
#define PINION_PYTHON_PYSTRCMP_H_

#include "pinion_python/port.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_FUNC(int) PyOS_mystrnicmp(const char* a, const char* b, Py_ssize_t n);
PyAPI_FUNC(int) PyOS_mystricmp(const char* a, const char* b);

#define PyOS_strnicmp PyOS_mystrnicmp
#define PyOS_stricmp PyOS_mystricmp

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYSTRCMP_H_ */
