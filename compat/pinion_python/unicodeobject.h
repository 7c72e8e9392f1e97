/* str: immutable text in CPython 3.11's PEP 393 representation.
 *
 * Owns: PyUnicode_Type and the PyUnicode_* API (runtime/unicode.cc: the representation;
 * unicode_utf8.cc: UTF-8 in and out; unicode_type.cc: the type's slots, comparison,
 * concatenation and interning; unicode_build.cc: _PyUnicodeWriter and wchar_t;
 * unicode_format.cc: PyUnicode_FromFormat).
 *
 * The layout is CPython 3.11's (PyASCIIObject, PyCompactUnicodeObject, PyUnicodeObject), and
 * every str Pinion makes is compact (its characters follow the struct) and canonical: stored
 * in the narrowest kind for its largest code point (PyUnicode_1BYTE_KIND up to U+00FF, ascii
 * set up to U+007F; 2BYTE up to U+FFFF; 4BYTE above), NUL-terminated. So equal strings have
 * equal kinds and bytes, and the PEP 393 accessors (PyUnicode_KIND, _DATA, _READ, _WRITE,
 * _READ_CHAR...) read it exactly as CPython's do. Nothing in the representation differs from
 * CPython: a str may hold any code point up to U+10FFFF, lone surrogates included (encoding
 * one to UTF-8 raises UnicodeEncodeError "surrogates not allowed", as CPython). There are no
 * legacy (wstr, non-compact) strings: PyUnicode_READY is always 0 and `wstr` is NULL.
 *
 * PyUnicode_New(size, maxchar) gives a str for the caller to fill (PyUnicode_WRITE,
 * PyUnicode_*BYTE_DATA) before anything else sees it, as in CPython: filled with code points
 * above maxchar's kind, or with none up to the next narrower kind's limit, it is not canonical
 * and compares unequal to the canonical one (also as in CPython).
 *
 * PyUnicode_AsUTF8 of an ASCII str points at its data; of any other str, at a UTF-8 copy the
 * str owns, made on first use (CPython's `utf8` field) and valid as long as the str lives
 * (hold a reference).
 *
 * Decoding errors raise UnicodeDecodeError (a ValueError), encoding ones UnicodeEncodeError.
 * repr is Python's: non-ASCII text is kept except the Latin-1 controls, the common invisible
 * separators and format characters, surrogates and private-use code points, which are escaped
 * (\x85, \u200b...) — CPython also escapes unassigned code points, which Pinion, having no
 * Unicode database, does not recognise. Comparison is by code point; hashing is of the
 * canonical data bytes (so an ASCII str and the bytes of its text hash alike).
 *
 * Threads: any attached thread. Strings are immutable once shared: shared freely.
 */
#ifndef PINION_PYTHON_UNICODEOBJECT_H_
#define PINION_PYTHON_UNICODEOBJECT_H_

#include <stdarg.h>
#include <wchar.h>

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* Code point types (CPython's). */
typedef uint32_t Py_UCS4;
typedef uint16_t Py_UCS2;
typedef uint8_t Py_UCS1;

PyAPI_DATA(PyTypeObject) PyUnicode_Type;

#define PyUnicode_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_UNICODE_SUBCLASS)
#define PyUnicode_CheckExact(op) Py_IS_TYPE((op), &PyUnicode_Type)

#ifndef Py_LIMITED_API
#define PY_UNICODE_TYPE wchar_t
typedef wchar_t Py_UNICODE;

/* Surrogates (CPython's macros). */
#define Py_UNICODE_IS_SURROGATE(ch) (0xD800 <= (ch) && (ch) <= 0xDFFF)
#define Py_UNICODE_IS_HIGH_SURROGATE(ch) (0xD800 <= (ch) && (ch) <= 0xDBFF)
#define Py_UNICODE_IS_LOW_SURROGATE(ch) (0xDC00 <= (ch) && (ch) <= 0xDFFF)
#define Py_UNICODE_JOIN_SURROGATES(high, low) \
  (((((Py_UCS4)(high)&0x03FF) << 10) | ((Py_UCS4)(low)&0x03FF)) + 0x10000)
#define Py_UNICODE_HIGH_SURROGATE(ch) (0xD800 - (0x10000 >> 10) + ((ch) >> 10))
#define Py_UNICODE_LOW_SURROGATE(ch) (0xDC00 + ((ch)&0x3FF))

/* CPython 3.11's layout. Pinion makes compact strings only: an ASCII str is a PyASCIIObject
 * followed by its length + 1 bytes (utf8 is the data); any other a PyCompactUnicodeObject
 * followed by length + 1 characters of its kind. `hash` is -1 until computed; `utf8` of a
 * non-ASCII str is NULL until PyUnicode_AsUTF8 makes the copy (set once, atomically);
 * `wstr` is always NULL. */
typedef struct {
  PyObject_HEAD
  Py_ssize_t length; /* in code points */
  Py_hash_t hash;    /* -1 until computed */
  struct {
    unsigned int interned : 2; /* SSTATE_* */
    unsigned int kind : 3;     /* PyUnicode_1BYTE_KIND, _2BYTE_ or _4BYTE_ */
    unsigned int compact : 1;  /* always 1 in Pinion */
    unsigned int ascii : 1;    /* every code point < 0x80 (and kind 1) */
    unsigned int ready : 1;    /* always 1 in Pinion */
    unsigned int : 24;
  } state;
  wchar_t* wstr; /* always NULL in Pinion */
} PyASCIIObject;

typedef struct {
  PyASCIIObject _base;
  Py_ssize_t utf8_length; /* bytes at utf8, without the NUL; 0 while utf8 is NULL */
  char* utf8;             /* the UTF-8 copy (NUL-terminated), or NULL until made */
  Py_ssize_t wstr_length; /* always 0 in Pinion */
} PyCompactUnicodeObject;

typedef struct {
  PyCompactUnicodeObject _base;
  union {
    void* any;
    Py_UCS1* latin1;
    Py_UCS2* ucs2;
    Py_UCS4* ucs4;
  } data; /* unused in Pinion: every str is compact */
} PyUnicodeObject;

#define SSTATE_NOT_INTERNED 0
#define SSTATE_INTERNED_MORTAL 1
#define SSTATE_INTERNED_IMMORTAL 2

enum PyUnicode_Kind {
  PyUnicode_WCHAR_KIND = 0, /* never a Pinion str's kind */
  PyUnicode_1BYTE_KIND = 1,
  PyUnicode_2BYTE_KIND = 2,
  PyUnicode_4BYTE_KIND = 4
};

/* The accessors: CPython 3.11's, unchecked (the argument must be a str). */
static inline unsigned int PyUnicode_CHECK_INTERNED(PyObject* op) {
  return ((PyASCIIObject*)op)->state.interned;
}
#define PyUnicode_CHECK_INTERNED(op) PyUnicode_CHECK_INTERNED(_PyObject_CAST(op))
static inline unsigned int PyUnicode_IS_READY(PyObject* op) {
  return ((PyASCIIObject*)op)->state.ready;
}
#define PyUnicode_IS_READY(op) PyUnicode_IS_READY(_PyObject_CAST(op))
static inline unsigned int PyUnicode_IS_ASCII(PyObject* op) {
  return ((PyASCIIObject*)op)->state.ascii;
}
#define PyUnicode_IS_ASCII(op) PyUnicode_IS_ASCII(_PyObject_CAST(op))
static inline unsigned int PyUnicode_IS_COMPACT(PyObject* op) {
  return ((PyASCIIObject*)op)->state.compact;
}
#define PyUnicode_IS_COMPACT(op) PyUnicode_IS_COMPACT(_PyObject_CAST(op))
static inline int PyUnicode_IS_COMPACT_ASCII(PyObject* op) {
  return ((PyASCIIObject*)op)->state.ascii && PyUnicode_IS_COMPACT(op);
}
#define PyUnicode_IS_COMPACT_ASCII(op) PyUnicode_IS_COMPACT_ASCII(_PyObject_CAST(op))
#define PyUnicode_KIND(op) (((PyASCIIObject*)_PyObject_CAST(op))->state.kind)
static inline void* _PyUnicode_COMPACT_DATA(PyObject* op) {
  if (PyUnicode_IS_ASCII(op)) return (void*)((PyASCIIObject*)op + 1);
  return (void*)((PyCompactUnicodeObject*)op + 1);
}
static inline void* _PyUnicode_NONCOMPACT_DATA(PyObject* op) {
  return ((PyUnicodeObject*)op)->data.any;
}
static inline void* PyUnicode_DATA(PyObject* op) {
  if (PyUnicode_IS_COMPACT(op)) return _PyUnicode_COMPACT_DATA(op);
  return _PyUnicode_NONCOMPACT_DATA(op);
}
#define PyUnicode_DATA(op) PyUnicode_DATA(_PyObject_CAST(op))
#define PyUnicode_1BYTE_DATA(op) ((Py_UCS1*)PyUnicode_DATA(op))
#define PyUnicode_2BYTE_DATA(op) ((Py_UCS2*)PyUnicode_DATA(op))
#define PyUnicode_4BYTE_DATA(op) ((Py_UCS4*)PyUnicode_DATA(op))
static inline Py_ssize_t PyUnicode_GET_LENGTH(PyObject* op) {
  return ((PyASCIIObject*)op)->length;
}
#define PyUnicode_GET_LENGTH(op) PyUnicode_GET_LENGTH(_PyObject_CAST(op))
/* Writes code point `value` at `index` of `data` (of `kind`): for filling a str from
 * PyUnicode_New before it is shared. No checks. */
static inline void PyUnicode_WRITE(int kind, void* data, Py_ssize_t index, Py_UCS4 value) {
  if (kind == PyUnicode_1BYTE_KIND) {
    ((Py_UCS1*)data)[index] = (Py_UCS1)value;
  } else if (kind == PyUnicode_2BYTE_KIND) {
    ((Py_UCS2*)data)[index] = (Py_UCS2)value;
  } else {
    ((Py_UCS4*)data)[index] = value;
  }
}
#define PyUnicode_WRITE(kind, data, index, value) \
  PyUnicode_WRITE((int)(kind), (void*)(data), (index), (Py_UCS4)(value))
static inline Py_UCS4 PyUnicode_READ(int kind, const void* data, Py_ssize_t index) {
  if (kind == PyUnicode_1BYTE_KIND) return ((const Py_UCS1*)data)[index];
  if (kind == PyUnicode_2BYTE_KIND) return ((const Py_UCS2*)data)[index];
  return ((const Py_UCS4*)data)[index];
}
#define PyUnicode_READ(kind, data, index) \
  PyUnicode_READ((int)(kind), (const void*)(data), (index))
static inline Py_UCS4 PyUnicode_READ_CHAR(PyObject* unicode, Py_ssize_t index) {
  return PyUnicode_READ(PyUnicode_KIND(unicode), PyUnicode_DATA(unicode), index);
}
#define PyUnicode_READ_CHAR(unicode, index) PyUnicode_READ_CHAR(_PyObject_CAST(unicode), (index))
/* The largest code point the str's kind can hold (0x7F for ASCII). */
static inline Py_UCS4 PyUnicode_MAX_CHAR_VALUE(PyObject* op) {
  if (PyUnicode_IS_ASCII(op)) return 0x7FU;
  switch (PyUnicode_KIND(op)) {
    case PyUnicode_1BYTE_KIND: return 0xFFU;
    case PyUnicode_2BYTE_KIND: return 0xFFFFU;
    default: return 0x10FFFFU;
  }
}
#define PyUnicode_MAX_CHAR_VALUE(op) PyUnicode_MAX_CHAR_VALUE(_PyObject_CAST(op))
/* Strings are always ready (no legacy representation): 0. */
static inline int PyUnicode_READY(PyObject* op) {
  (void)op;
  return 0;
}
#define PyUnicode_READY(op) PyUnicode_READY(_PyObject_CAST(op))

/* A new str of `size` code points (uninitialised but for the NUL after them) whose largest is
 * at most `maxchar`, for the caller to fill before sharing it; its kind is the narrowest
 * holding maxchar. SystemError for a negative size or a maxchar above U+10FFFF, MemoryError.
 * Pinion differs: PyUnicode_New(0, c) is a new empty str (CPython: a shared one). */
PyAPI_FUNC(PyObject*) PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar);
/* A new canonical str of `size` characters of `kind` at `buffer` (the narrowest kind is
 * chosen by scanning). As CPython: SystemError for an invalid kind, for NULL with a positive
 * size and for a code point above U+10FFFF; ValueError for a negative size. */
PyAPI_FUNC(PyObject*) PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size);
/* Copies up to how_many characters of from[from_start:] to to[to_start:]: the number copied,
 * or -1 with an exception, as CPython: IndexError for a start out of range, SystemError for a
 * negative how_many, no room in `to`, a character `to`'s kind cannot hold, or a `to` already
 * hashed or interned. Pinion differs: CPython also refuses a `to` with more than one
 * reference, which Pinion does not count. CopyCharacters, Fill and WriteChar are for strings
 * not yet shared (fresh from PyUnicode_New). */
PyAPI_FUNC(Py_ssize_t) PyUnicode_CopyCharacters(PyObject* to, Py_ssize_t to_start,
                                                PyObject* from, Py_ssize_t from_start,
                                                Py_ssize_t how_many);
/* Fills unicode[start:start+length] (clipped to the str) with fill_char: the number written
 * (0 from a start past the end), or -1: IndexError for a negative start, ValueError if
 * fill_char is above the str's maximum, SystemError for a non-str or (as CopyCharacters) a
 * str already hashed or interned. */
PyAPI_FUNC(Py_ssize_t) PyUnicode_Fill(PyObject* unicode, Py_ssize_t start, Py_ssize_t length,
                                      Py_UCS4 fill_char);
#endif /* !Py_LIMITED_API */

/* Construction. FromString(AndSize) and DecodeUTF8 read UTF-8 (surrogates encoded in it are
 * invalid, as CPython): UnicodeDecodeError otherwise. FromStringAndSize: SystemError for a
 * negative size, and for NULL data with a positive size (Pinion differs: CPython 3.11 makes a
 * legacy str to fill; fill a PyUnicode_New str instead). DecodeUTF8's `errors` is NULL or
 * "strict", "replace" (one U+FFFD for each invalid sequence, as CPython delimits them) or
 * "ignore" (dropped); another name is LookupError once an invalid sequence needs it (as
 * CPython; Pinion has no "surrogateescape" here yet). */
PyAPI_FUNC(PyObject*) PyUnicode_FromString(const char* u);
PyAPI_FUNC(PyObject*) PyUnicode_FromStringAndSize(const char* u, Py_ssize_t size);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors);
/* From `size` wide characters (code points on Linux; surrogates kept, as CPython), or up to
 * the NUL if size is -1. ValueError for a code point above U+10FFFF; SystemError for NULL
 * with a non-zero size. */
PyAPI_FUNC(PyObject*) PyUnicode_FromWideChar(const wchar_t* w, Py_ssize_t size);
/* Copies the str's code points into w (at most size wide characters, NUL-terminated when
 * room is left): the number copied without the NUL, or with w NULL the size needed with it.
 * -1 with SystemError for a NULL unicode, TypeError (BadArgument) for a non-str. */
PyAPI_FUNC(Py_ssize_t) PyUnicode_AsWideChar(PyObject* unicode, wchar_t* w, Py_ssize_t size);
/* A PyMem_Malloc'd NUL-terminated copy (free with PyMem_Free); its length in *size if size is
 * not NULL, else ValueError if the str holds a NUL. NULL with an exception on failure. */
PyAPI_FUNC(wchar_t*) PyUnicode_AsWideCharString(PyObject* unicode, Py_ssize_t* size);
/* The one-character str of `ordinal`; ValueError unless 0 <= ordinal <= 0x10FFFF. */
PyAPI_FUNC(PyObject*) PyUnicode_FromOrdinal(int ordinal);

/* Interning: a str equal to an interned one is replaced by it (InternInPlace steals the old
 * reference and gives one to the interned str); InternFromString returns the interned str.
 * Interned strings live until Py_Finalize (Pinion differs: CPython 3.11 frees mortal ones
 * when unused). Exact str only; anything else is left alone. */
PyAPI_FUNC(void) PyUnicode_InternInPlace(PyObject** p);
PyAPI_FUNC(PyObject*) PyUnicode_InternFromString(const char* u);

/* printf-style: every conversion of CPython 3.11 — %% %c (an int code point, surrogates
 * too) %d %i %u %ld %li %lu %lld %lli %llu %zd %zi %zu %x %p ("0x...") %s (UTF-8, invalid
 * bytes replaced by U+FFFD) %A (ascii() of an object) %U (a str) %V (a str, or if it is NULL
 * the char* that follows) %S (str()) %R (repr()), with a width and a precision (digits) and
 * the flag '0' for integers — and CPython 3.12's additions: %ls and %lV (wchar_t*), %X %o,
 * the length modifiers on every integer (l ll z t j), '*' counts and the flag '-'. For %s the
 * precision counts bytes, for the others code points; widths count code points.
 * Pinion differs: an unknown conversion raises SystemError (as 3.12); CPython 3.11 copies the
 * rest of the format as it is (so 3.11 prints "%ls" literally). */
PyAPI_FUNC(PyObject*) PyUnicode_FromFormat(const char* format, ...);
PyAPI_FUNC(PyObject*) PyUnicode_FromFormatV(const char* format, va_list vargs);

/* UTF-8, NUL-terminated, owned by the object (it may hold NULs): an ASCII str's data, or the
 * copy the str keeps (made on first use). NULL with TypeError if `unicode` is not a str,
 * UnicodeEncodeError ("surrogates not allowed") if it holds a surrogate. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(const char*) PyUnicode_AsUTF8(PyObject* unicode);
#endif /* !Py_LIMITED_API */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
PyAPI_FUNC(const char*) PyUnicode_AsUTF8AndSize(PyObject* unicode, Py_ssize_t* size);
#endif
/* A new bytes object holding the UTF-8 (errors as AsUTF8). */
PyAPI_FUNC(PyObject*) PyUnicode_AsUTF8String(PyObject* unicode);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
/* The length in code points; -1 with TypeError if not a str. */
PyAPI_FUNC(Py_ssize_t) PyUnicode_GetLength(PyObject* unicode);
/* The code point at `index`; (Py_UCS4)-1 with IndexError out of range, TypeError (via
 * BadArgument) for a non-str. */
PyAPI_FUNC(Py_UCS4) PyUnicode_ReadChar(PyObject* unicode, Py_ssize_t index);
/* Writes `character` at `index` of a str not yet shared (from PyUnicode_New): 0, or -1 with
 * TypeError for a non-str, IndexError out of range, ValueError if the str's kind cannot hold
 * it, SystemError (as CopyCharacters) for a str already hashed or interned. */
PyAPI_FUNC(int) PyUnicode_WriteChar(PyObject* unicode, Py_ssize_t index, Py_UCS4 character);
/* The code points into `buffer` of `buflen` (plus a NUL if copy_null and there is room):
 * buffer, or NULL with SystemError if it is too small (as CPython) or for a NULL argument. */
PyAPI_FUNC(Py_UCS4*) PyUnicode_AsUCS4(PyObject* unicode, Py_UCS4* buffer, Py_ssize_t buflen,
                                      int copy_null);
/* A PyMem_Malloc'd copy of the code points and a NUL (free with PyMem_Free). */
PyAPI_FUNC(Py_UCS4*) PyUnicode_AsUCS4Copy(PyObject* unicode);
#endif
/* left + right, a new str; TypeError unless both are str. */
PyAPI_FUNC(PyObject*) PyUnicode_Concat(PyObject* left, PyObject* right);
/* -1, 0, 1 by code point order. Compare: -1 with TypeError unless both are str.
 * CompareWithASCIIString never raises. */
PyAPI_FUNC(int) PyUnicode_Compare(PyObject* left, PyObject* right);
PyAPI_FUNC(int) PyUnicode_CompareWithASCIIString(PyObject* left, const char* right);

#ifndef Py_LIMITED_API
/* CPython 3.11's private helpers that widely vendored headers call (pythoncapi_compat.h's
 * PyUnicode_Equal, and PyUnicodeWriter on _PyUnicodeWriter). EQ: 1 if two str are equal. */
PyAPI_FUNC(int) _PyUnicode_EQ(PyObject* a, PyObject* b);

/* A builder of one str (runtime/unicode_build.cc), in CPython 3.11's layout: `buffer` is a
 * str of `size` characters of `kind` being filled (owned by the writer; NULL while empty),
 * `data` its characters, `pos` the number written, `maxchar` the largest code point `kind`
 * may hold (raised by Prepare). After Prepare(writer, n, maxchar) succeeds, callers may
 * PyUnicode_WRITE(writer->kind, writer->data, writer->pos++, ch) n times, as in CPython.
 * Init before use; then Finish (the str, canonical, or NULL with an exception set) or Dealloc
 * (drop it) exactly once. The Write functions return 0, or -1 with an exception set:
 * ValueError for a code point above U+10FFFF, or non-ASCII text given to WriteASCIIString
 * (Pinion checks; CPython asserts), MemoryError. `overallocate`, `min_length` and `min_char`
 * are hints, as in CPython; `readonly` is always 0 (Pinion never shares the buffer). Threads:
 * one writer belongs to one thread at a time. */
typedef struct {
  PyObject* buffer;
  void* data;
  enum PyUnicode_Kind kind;
  Py_UCS4 maxchar;
  Py_ssize_t size;
  Py_ssize_t pos;
  Py_ssize_t min_length; /* minimum number of characters to allocate (default 0) */
  Py_UCS4 min_char;      /* minimum maxchar to allocate for (default 127) */
  unsigned char overallocate;
  unsigned char readonly;
} _PyUnicodeWriter;
PyAPI_FUNC(void) _PyUnicodeWriter_Init(_PyUnicodeWriter* writer);
/* Room for `length` more code points of at most `maxchar`. */
PyAPI_FUNC(int) _PyUnicodeWriter_PrepareInternal(_PyUnicodeWriter* writer, Py_ssize_t length,
                                                 Py_UCS4 maxchar);
#define _PyUnicodeWriter_Prepare(WRITER, LENGTH, MAXCHAR)                              \
  (((MAXCHAR) <= (WRITER)->maxchar && (LENGTH) <= (WRITER)->size - (WRITER)->pos)      \
       ? 0                                                                             \
       : (((LENGTH) == 0) ? 0 : _PyUnicodeWriter_PrepareInternal((WRITER), (LENGTH), (MAXCHAR))))
/* A buffer of at least `kind`. */
PyAPI_FUNC(int) _PyUnicodeWriter_PrepareKindInternal(_PyUnicodeWriter* writer,
                                                     enum PyUnicode_Kind kind);
#define _PyUnicodeWriter_PrepareKind(WRITER, KIND) \
  ((KIND) <= (WRITER)->kind ? 0 : _PyUnicodeWriter_PrepareKindInternal((WRITER), (KIND)))
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
