/* The basics every other compat header uses: the platform facts CPython's pyconfig.h and
 * pyport.h give (type sizes, byte order, integer types and limits), export macros, and the
 * marker for CPython API that Pinion does not provide.
 *
 * Sizes come from the compiler, not from a configure run, so `#if SIZEOF_LONG == 8` selects
 * the same code as under CPython built for this platform (an undefined SIZEOF_* reads as 0 in
 * `#if`, silently choosing a 32-bit path).
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
typedef intptr_t Py_intptr_t;
typedef uintptr_t Py_uintptr_t;
#define PY_SSIZE_T_MAX ((Py_ssize_t)(((size_t)-1) >> 1))
#define PY_SSIZE_T_MIN (-PY_SSIZE_T_MAX - 1)
#define PY_SIZE_MAX SIZE_MAX
#define PY_LLONG_MIN LLONG_MIN
#define PY_LLONG_MAX LLONG_MAX
#define PY_ULLONG_MAX ULLONG_MAX
#define PY_DWORD_MAX 4294967295U
#define PY_LONG_LONG long long
#define PY_INT32_T int32_t
#define PY_UINT32_T uint32_t
#define PY_INT64_T int64_t
#define PY_UINT64_T uint64_t
#define PY_FORMAT_SIZE_T "z"
/* PY_SSIZE_T_CLEAN is not defined here: `#` formats always take Py_ssize_t (as in CPython
 * 3.13), and an extension's own `#define PY_SSIZE_T_CLEAN` before the include must not
 * clash with a definition of ours. */

/* pyconfig.h: sizes and byte order, from the compiler's predefined macros. */
#define SIZEOF_SHORT __SIZEOF_SHORT__
#define SIZEOF_INT __SIZEOF_INT__
#define SIZEOF_LONG __SIZEOF_LONG__
#define SIZEOF_LONG_LONG __SIZEOF_LONG_LONG__
#define SIZEOF_FLOAT __SIZEOF_FLOAT__
#define SIZEOF_DOUBLE __SIZEOF_DOUBLE__
#define SIZEOF_LONG_DOUBLE __SIZEOF_LONG_DOUBLE__
#define SIZEOF_VOID_P __SIZEOF_POINTER__
#define SIZEOF_SIZE_T __SIZEOF_SIZE_T__
#define SIZEOF_UINTPTR_T __SIZEOF_POINTER__
#define SIZEOF_WCHAR_T __SIZEOF_WCHAR_T__
#define SIZEOF__BOOL 1
#define SIZEOF_TIME_T __SIZEOF_LONG__ /* glibc: time_t is long on every Linux ABI Pinion runs on */
#define SIZEOF_OFF_T 8                /* Pinion's builds use 64-bit file offsets */
#define SIZEOF_PID_T 4
#define HAVE_LONG_LONG 1
#define HAVE_STDINT_H 1
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define WORDS_BIGENDIAN 1
#define PY_BIG_ENDIAN 1
#define PY_LITTLE_ENDIAN 0
#else
#define PY_BIG_ENDIAN 0
#define PY_LITTLE_ENDIAN 1
#define DOUBLE_IS_LITTLE_ENDIAN_IEEE754 1
#endif

#ifdef __cplusplus
/* Declarations get C linkage from the _PyPinion_EXTERN_C_BEGIN/END block each header wraps
 * them in (CPython's headers have extern "C" blocks too), so that PyAPI_FUNC also works at
 * block scope, where a linkage specification cannot appear (pythoncapi_compat.h declares
 * _Py_HashBytes inside a function). */
#define PyAPI_FUNC(type) type
#define PyAPI_DATA(type) extern type
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

/* pyport.h: attributes and inlining. */
#define Py_GCC_ATTRIBUTE(x) __attribute__(x)
#define Py_ALWAYS_INLINE __attribute__((always_inline))
#define Py_DEPRECATED(version) __attribute__((__deprecated__))
#define Py_LOCAL(type) static type
#define Py_LOCAL_INLINE(type) static inline type
#define Py_LL(x) x##LL
#define Py_ULL(x) Py_LL(x##U)
#define Py_SAFE_DOWNCAST(value, wide, narrow) ((narrow)(value))
#define Py_ARITHMETIC_RIGHT_SHIFT(type, value, bits) ((value) >> (bits)) /* GCC: arithmetic */
#define Py_FORCE_EXPANSION(x) x
#define Py_NO_INLINE __attribute__((noinline))
#define Py_ALIGNED(bytes) __attribute__((aligned(bytes)))
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 < 0x030B0000
#define Py_MEMCPY memcpy
#endif
#define Py_VA_COPY va_copy
#define Py_RETURN_NONE return Py_NewRef(Py_None)
#define Py_RETURN_TRUE return Py_NewRef(Py_True)
#define Py_RETURN_FALSE return Py_NewRef(Py_False)

#endif /* PINION_PYTHON_PORT_H_ */
