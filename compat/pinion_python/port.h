/* The basics every other compat header uses: sizes, export macros, and the marker for CPython
 * API that Pinion does not provide.
 *
 * Unsupported API is declared with _PyPinion_UNSUPPORTED("why"), so that extension source
 * that uses it fails to compile with that message (GCC's error attribute, Clang's
 * unavailable attribute) instead of failing at run time.
 */
#ifndef PINION_PYTHON_PORT_H_
#define PINION_PYTHON_PORT_H_

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef ssize_t Py_ssize_t;
typedef Py_ssize_t Py_hash_t;
typedef size_t Py_uhash_t;
#define PY_SSIZE_T_MAX ((Py_ssize_t)(((size_t)-1) >> 1))
#define PY_SSIZE_T_MIN (-PY_SSIZE_T_MAX - 1)
#define PY_SSIZE_T_CLEAN 1

#ifdef __cplusplus
#define PyAPI_FUNC(type) extern "C" type
#define PyAPI_DATA(type) extern "C" type
#define PyMODINIT_FUNC extern "C" PyObject*
#define _PyPinion_EXTERN_C_BEGIN extern "C" {
#define _PyPinion_EXTERN_C_END }
#else
#define PyAPI_FUNC(type) extern type
#define PyAPI_DATA(type) extern type
#define PyMODINIT_FUNC PyObject*
#define _PyPinion_EXTERN_C_BEGIN
#define _PyPinion_EXTERN_C_END
#endif

#if defined(__clang__)
#define _PyPinion_UNSUPPORTED(why) __attribute__((unavailable("not supported by Pinion: " why)))
#else
#define _PyPinion_UNSUPPORTED(why) __attribute__((error("not supported by Pinion: " why)))
#endif

#define Py_UNUSED(name) _unused_##name __attribute__((unused))
#define Py_LOCAL_INLINE(type) static inline type
#define Py_ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))
#define Py_MIN(x, y) (((x) > (y)) ? (y) : (x))
#define Py_MAX(x, y) (((x) > (y)) ? (x) : (y))
#define Py_ABS(x) ((x) < 0 ? -(x) : (x))
#define Py_STRINGIFY(x) _Py_XSTRINGIFY(x)
#define _Py_XSTRINGIFY(x) #x
#define Py_RETURN_NONE return Py_NewRef(Py_None)
#define Py_RETURN_TRUE return Py_NewRef(Py_True)
#define Py_RETURN_FALSE return Py_NewRef(Py_False)

#endif /* PINION_PYTHON_PORT_H_ */
