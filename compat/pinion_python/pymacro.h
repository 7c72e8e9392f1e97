/* CPython's utility macros (pymacro.h): docstrings, array lengths, min/max, stringification,
 * unused parameters, unreachable code. Pure preprocessor; nothing here touches the heap.
 */
#ifndef PINION_PYTHON_PYMACRO_H_
#define PINION_PYTHON_PYMACRO_H_

#include <stdio.h>
#include <stdlib.h>

#define Py_UNUSED(name) _unused_##name __attribute__((unused))
#define Py_ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))
#define Py_MIN(x, y) (((x) > (y)) ? (y) : (x))
#define Py_MAX(x, y) (((x) > (y)) ? (x) : (y))
#define Py_ABS(x) ((x) < 0 ? -(x) : (x))
#define Py_STRINGIFY(x) _Py_XSTRINGIFY(x)
#define _Py_XSTRINGIFY(x) #x
#define Py_MEMBER_SIZE(type, member) sizeof(((type*)0)->member)
#define Py_CHARMASK(c) ((unsigned char)((c)&0xff))
#define Py_BUILD_ASSERT_EXPR(cond) (sizeof(char[1 - 2 * !(cond)]) - 1)
#define Py_BUILD_ASSERT(cond) \
  do {                          \
    (void)Py_BUILD_ASSERT_EXPR(cond); \
  } while (0)

/* Docstrings: PyDoc_STRVAR(name, "text") defines `static const char name[]`. */
#define PyDoc_VAR(name) static const char name[]
#define PyDoc_STR(str) str
#define PyDoc_STRVAR(name, str) PyDoc_VAR(name) = PyDoc_STR(str)

/* Rounding sizes and pointers to a power-of-two alignment `a`. */
#define _Py_SIZE_ROUND_DOWN(n, a) ((size_t)(n) & ~(size_t)((a)-1))
#define _Py_SIZE_ROUND_UP(n, a) (((size_t)(n) + (size_t)((a)-1)) & ~(size_t)((a)-1))
#define _Py_ALIGN_DOWN(p, a) ((void*)((uintptr_t)(p) & ~(uintptr_t)((a)-1)))
#define _Py_ALIGN_UP(p, a) ((void*)(((uintptr_t)(p) + (uintptr_t)((a)-1)) & ~(uintptr_t)((a)-1)))
#define _Py_IS_ALIGNED(p, a) (!((uintptr_t)(p) & (uintptr_t)((a)-1)))

/* Unreachable code: a fatal error naming the place in debug builds, as CPython's. */
#ifdef NDEBUG
#define Py_UNREACHABLE() __builtin_unreachable()
#else
#define Py_UNREACHABLE() \
  (fprintf(stderr, "Fatal Python error: Py_UNREACHABLE() reached at %s:%d\n", __FILE__, __LINE__), \
   abort())
#endif

#endif /* PINION_PYTHON_PYMACRO_H_ */
