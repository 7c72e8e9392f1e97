/* str: immutable text, stored as UTF-8.
 *
 * Owns: PyUnicode_Type and the PyUnicode_* API (runtime in runtime/unicode.cc, and
 * runtime/unicode_format.cc for PyUnicode_FromFormat).
 *
 * Unlike CPython (PEP 393: Latin-1, UCS-2 or UCS-4 by content), a str holds valid UTF-8
 * inline: its byte length, its length in code points and a NUL-terminated buffer. So
 * PyUnicode_AsUTF8 costs nothing and returns a pointer into the object (valid while the
 * object lives: hold a reference), and the PEP 393 accessors (PyUnicode_KIND, _DATA,
 * _READ_CHAR...) are not provided: they fail to compile. Surrogate code points cannot be
 * stored. Indexing and slicing (PyObject_GetItem, PySequence_GetItem) count code points, as
 * in CPython; for non-ASCII text each finds its place by scanning the UTF-8 (O(n), where
 * CPython's is O(1)).
 *
 * Decoding errors: invalid UTF-8 raises ValueError (Pinion has no UnicodeDecodeError type;
 * CPython's UnicodeDecodeError is a subclass of ValueError, so code that catches ValueError
 * behaves the same).
 *
 * repr is Python's ('abc', "it's", '\n', '\x00'); non-ASCII text is kept as is except the
 * Latin-1 controls, the common invisible separators and format characters, and private-use
 * code points, which are escaped (\x85, \u200b...) — CPython also escapes unassigned code
 * points, which Pinion, having no Unicode database, does not recognise. Comparison orders
 * by code point (UTF-8 byte order is code point order); hashing is of the UTF-8 bytes, so a
 * str and the bytes of its UTF-8 hash alike.
 *
 * Threads: any attached thread. Strings are immutable after construction: shared freely.
 */
#ifndef PINION_PYTHON_UNICODEOBJECT_H_
#define PINION_PYTHON_UNICODEOBJECT_H_

#include <stdarg.h>

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* Code point types (CPython's). */
typedef uint32_t Py_UCS4;
typedef uint16_t Py_UCS2;
typedef uint8_t Py_UCS1;

#ifndef Py_LIMITED_API
/* Pinion's layout (not CPython's): read it through the API. */
typedef struct {
  PyObject_HEAD
  Py_ssize_t length;      /* in code points */
  Py_ssize_t utf8_length; /* in bytes, without the NUL */
  Py_hash_t hash;         /* cached hash of the bytes; -1 until computed */
  char utf8[1];           /* utf8_length bytes of valid UTF-8, then a NUL */
} PyUnicodeObject;
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyUnicode_Type;

#define PyUnicode_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_UNICODE_SUBCLASS)
#define PyUnicode_CheckExact(op) Py_IS_TYPE((op), &PyUnicode_Type)
#ifndef Py_LIMITED_API
/* Strings are always ready (there is no deferred representation). */
#define PyUnicode_READY(op) 0
/* Unchecked: the length in code points. */
#define PyUnicode_GET_LENGTH(op) (((PyUnicodeObject*)(op))->length)
/* Unchecked: 1 if every code point is ASCII. */
#define PyUnicode_IS_ASCII(op) \
  (((PyUnicodeObject*)(op))->length == ((PyUnicodeObject*)(op))->utf8_length)
/* Unchecked: the UTF-8 buffer. For an ASCII string (PyUnicode_IS_ASCII) these are the bytes
 * CPython's PyUnicode_DATA points to, one per code point; reading other strings through it
 * needs PyUnicode_KIND, which Pinion does not provide (below). */
#define PyUnicode_DATA(op) ((void*)((PyUnicodeObject*)(op))->utf8)
#endif /* !Py_LIMITED_API */

/* Construction. Input is strict UTF-8 (ValueError otherwise). FromStringAndSize: SystemError
 * for a negative size, and for NULL data with a positive size (strings cannot be filled in
 * after construction). DecodeUTF8's `errors` is NULL or "strict", "replace" (U+FFFD for
 * each invalid byte) or "ignore" (invalid bytes dropped); LookupError for others. */
PyAPI_FUNC(PyObject*) PyUnicode_FromString(const char* u);
PyAPI_FUNC(PyObject*) PyUnicode_FromStringAndSize(const char* u, Py_ssize_t size);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors);
/* From `size` wide characters (code points on Linux), or up to the NUL if size is -1.
 * ValueError for a code point above U+10FFFF, or a surrogate (Pinion's str cannot hold one);
 * SystemError for NULL with a positive size. */
PyAPI_FUNC(PyObject*) PyUnicode_FromWideChar(const wchar_t* w, Py_ssize_t size);
/* Strings are not interned: a new string each time (compare with PyUnicode_Compare or
 * PyObject_RichCompare, not by address). */
PyAPI_FUNC(PyObject*) PyUnicode_InternFromString(const char* u);
static inline void PyUnicode_InternInPlace(PyObject** p) { (void)p; }

/* printf-style, as CPython 3.12: %% %c (int code point) %d %i %u %x %X %o with the length
 * modifiers l, ll, z, t, j; %p ("0x..."); %s (UTF-8, invalid bytes replaced by U+FFFD);
 * %U (a str), %V (a str, or if it is NULL the char* that follows), %S (str() of an object),
 * %R (repr() of an object); the flags '-' and '0', a width and a precision (numbers or '*').
 * For %s the precision counts bytes, for %U %V %S %R code points; widths count code points.
 * Not provided: %A, %ls, %lV (wchar_t); they and any unknown conversion raise SystemError. */
PyAPI_FUNC(PyObject*) PyUnicode_FromFormat(const char* format, ...);
PyAPI_FUNC(PyObject*) PyUnicode_FromFormatV(const char* format, va_list vargs);

/* The UTF-8 buffer, NUL-terminated, owned by the object (it may hold NULs). NULL with
 * TypeError if `unicode` is not a str. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(const char*) PyUnicode_AsUTF8(PyObject* unicode);
#endif /* !Py_LIMITED_API */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
PyAPI_FUNC(const char*) PyUnicode_AsUTF8AndSize(PyObject* unicode, Py_ssize_t* size);
#endif
/* A new bytes object holding the UTF-8. */
PyAPI_FUNC(PyObject*) PyUnicode_AsUTF8String(PyObject* unicode);
/* The length in code points; -1 with TypeError if not a str. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(Py_ssize_t) PyUnicode_GetLength(PyObject* unicode);
#endif
/* left + right, a new str; TypeError unless both are str. */
PyAPI_FUNC(PyObject*) PyUnicode_Concat(PyObject* left, PyObject* right);
/* -1, 0, 1 by code point order. Compare: -1 with TypeError unless both are str.
 * CompareWithASCIIString never raises. */
PyAPI_FUNC(int) PyUnicode_Compare(PyObject* left, PyObject* right);
PyAPI_FUNC(int) PyUnicode_CompareWithASCIIString(PyObject* left, const char* right);

#ifndef Py_LIMITED_API
/* PEP 393's representation does not exist in Pinion: using it fails to compile. */
PyAPI_FUNC(int) _PyPinion_UnicodeRepresentationUnsupported(void) _PyPinion_UNSUPPORTED(
    "PyUnicode_KIND/READ/READ_CHAR: str is stored as UTF-8; use "
    "PyUnicode_AsUTF8AndSize");
#define PyUnicode_KIND(op) _PyPinion_UnicodeRepresentationUnsupported()
#define PyUnicode_READ(kind, data, index) _PyPinion_UnicodeRepresentationUnsupported()
#define PyUnicode_READ_CHAR(op, index) _PyPinion_UnicodeRepresentationUnsupported()

/* CPython 3.11's private helpers that widely vendored headers call (pythoncapi_compat.h's
 * PyUnicode_Equal, and PyUnicodeWriter on _PyUnicodeWriter). EQ: 1 if two str are equal. */
PyAPI_FUNC(int) _PyUnicode_EQ(PyObject* a, PyObject* b);

/* A builder of one str (runtime/unicode_writer.cc), in Pinion's layout: the text grows as
 * UTF-8 in malloc'd memory; `buffer` stays NULL. Init before use; then Finish (the str, or
 * NULL with an exception set) or Dealloc (drop it) exactly once. The Write functions return
 * 0, or -1 with an exception set: ValueError for a surrogate or a code point above U+10FFFF
 * (Pinion's str holds neither), MemoryError. `overallocate` and `min_length` are hints, as in
 * CPython. Threads: one writer belongs to one thread at a time. */
typedef struct {
  PyObject* buffer;  /* NULL (CPython: the str being filled) */
  char* data;        /* the UTF-8 written so far (malloc'd), `pos` bytes of it */
  Py_ssize_t size;   /* bytes allocated at `data` */
  Py_ssize_t pos;    /* bytes written */
  Py_ssize_t length; /* code points written */
  Py_ssize_t min_length;
  unsigned char overallocate;
  unsigned char readonly;
} _PyUnicodeWriter;
PyAPI_FUNC(void) _PyUnicodeWriter_Init(_PyUnicodeWriter* writer);
/* Room for `length` more code points of at most `maxchar`. */
PyAPI_FUNC(int) _PyUnicodeWriter_PrepareInternal(_PyUnicodeWriter* writer, Py_ssize_t length,
                                                 Py_UCS4 maxchar);
#define _PyUnicodeWriter_Prepare(writer, length, maxchar) \
  _PyUnicodeWriter_PrepareInternal((writer), (length), (maxchar))
PyAPI_FUNC(int) _PyUnicodeWriter_WriteChar(_PyUnicodeWriter* writer, Py_UCS4 ch);
/* TypeError unless `str` is a str. */
PyAPI_FUNC(int) _PyUnicodeWriter_WriteStr(_PyUnicodeWriter* writer, PyObject* str);
/* str[start:end], by code points (0 <= start <= end <= len(str); SystemError otherwise). */
PyAPI_FUNC(int) _PyUnicodeWriter_WriteSubstring(_PyUnicodeWriter* writer, PyObject* str,
                                                Py_ssize_t start, Py_ssize_t end);
/* `len` bytes of ASCII (-1: up to the NUL) / of Latin-1. */
PyAPI_FUNC(int) _PyUnicodeWriter_WriteASCIIString(_PyUnicodeWriter* writer, const char* str,
                                                  Py_ssize_t len);
PyAPI_FUNC(int) _PyUnicodeWriter_WriteLatin1String(_PyUnicodeWriter* writer, const char* str,
                                                   Py_ssize_t len);
PyAPI_FUNC(PyObject*) _PyUnicodeWriter_Finish(_PyUnicodeWriter* writer);
PyAPI_FUNC(void) _PyUnicodeWriter_Dealloc(_PyUnicodeWriter* writer);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_UNICODEOBJECT_H_ */
