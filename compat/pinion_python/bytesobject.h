/* bytes: immutable byte strings.
 *
 * Owns: PyBytes_Type and the PyBytes_* API (runtime in runtime/bytes.cc).
 *
 * CPython's layout: ob_size bytes inline, always followed by a NUL (so PyBytes_AS_STRING
 * is a C string when the data holds no NUL). A bytes object is immutable, except that
 * PyBytes_FromStringAndSize(NULL, n) hands out n zeroed bytes for its creator to fill
 * before anyone else sees the object (and before it is hashed: the hash is cached).
 * _PyBytes_Resize replaces such an object by a copy of the new size.
 *
 * repr is Python's (b'abc', b"it's", b'\x00\xff'); comparison is lexicographic by byte;
 * hashing is of the bytes (the same as the str with that UTF-8).
 *
 * Threads: any attached thread. Bytes are shared freely once filled.
 */
#ifndef PINION_PYTHON_BYTESOBJECT_H_
#define PINION_PYTHON_BYTESOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#ifndef Py_LIMITED_API
typedef struct {
  PyObject_VAR_HEAD
  Py_hash_t ob_shash; /* cached hash; -1 until computed */
  char ob_sval[1];    /* ob_size bytes, then a NUL */
} PyBytesObject;
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyBytes_Type;

#define PyBytes_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_BYTES_SUBCLASS)
#define PyBytes_CheckExact(op) Py_IS_TYPE((op), &PyBytes_Type)
#ifndef Py_LIMITED_API
/* Unchecked. */
#define PyBytes_AS_STRING(op) (((PyBytesObject*)(op))->ob_sval)
#define PyBytes_GET_SIZE(op) Py_SIZE(op)
#endif /* !Py_LIMITED_API */

/* A copy of the NUL-terminated `v`. */
PyAPI_FUNC(PyObject*) PyBytes_FromString(const char* v);
/* A copy of `len` bytes of `v` (which may hold NULs), or `len` zeroed bytes to fill if `v`
 * is NULL; SystemError for a negative `len`. */
PyAPI_FUNC(PyObject*) PyBytes_FromStringAndSize(const char* v, Py_ssize_t len);
/* printf-style bytes (runtime/bytes_format.cc), CPython 3.11's codes: %c (an int in
 * [0; 255], else OverflowError), %d %i %u %x with the l (d, u) and z (d, u) modifiers, %s (a
 * precision caps its length), %p (always "0x..."), %%; widths are ignored; an unknown code
 * copies the rest of the format unchanged. */
PyAPI_FUNC(PyObject*) PyBytes_FromFormatV(const char* format, va_list vargs)
    Py_GCC_ATTRIBUTE((format(printf, 1, 0)));
PyAPI_FUNC(PyObject*) PyBytes_FromFormat(const char* format, ...)
    Py_GCC_ATTRIBUTE((format(printf, 1, 2)));
/* The buffer (owned by the object: valid while it lives). NULL with TypeError if `o` is not
 * bytes. */
PyAPI_FUNC(char*) PyBytes_AsString(PyObject* o);
/* *buffer and (if `length` is not NULL) *length; 0 on success. -1 with TypeError if `obj`
 * is not bytes, or with ValueError if `length` is NULL and the data holds a NUL. */
PyAPI_FUNC(int) PyBytes_AsStringAndSize(PyObject* obj, char** buffer, Py_ssize_t* length);
/* -1 with TypeError if `o` is not bytes. */
PyAPI_FUNC(Py_ssize_t) PyBytes_Size(PyObject* o);
/* repr(o) for bytes `o`: b'...' with Python's escapes; with `smartquotes` 0 always in single
 * quotes (escaping '), else in double quotes when the data has ' and no ". TypeError for other
 * objects ("expected bytes, T found"). */
PyAPI_FUNC(PyObject*) PyBytes_Repr(PyObject* o, int smartquotes);
/* *pv = *pv + w for any two buffer exporters (TypeError "can't concat W to V", and *pv set
 * NULL, on failure); *pv's old reference is released. Nothing happens if *pv is NULL; w NULL
 * clears *pv. ConcatAndDel also releases w. */
PyAPI_FUNC(void) PyBytes_Concat(PyObject** pv, PyObject* w);
PyAPI_FUNC(void) PyBytes_ConcatAndDel(PyObject** pv, PyObject* w);
/* bytes(x): x itself if exactly bytes; a copy of a buffer; the integers (0..255) an iterable
 * gives (ValueError "bytes must be in range(0, 256)"). TypeError "cannot convert 'T' object to
 * bytes" for str and non-iterables. */
PyAPI_FUNC(PyObject*) PyBytes_FromObject(PyObject* x);
/* The `len` bytes of `s` with Python's backslash escapes decoded (\\ \' \" \a \b \f \n \r
 * \t \v, \ooo, \xhh, backslash-newline). A bad \x escape: ValueError "invalid \x escape at
 * position N" (`errors` NULL or "strict"), '?' ("replace") or nothing ("ignore"); a trailing
 * backslash: ValueError. An unknown escape is kept and an octal one past \377 wraps, with a
 * DeprecationWarning, as CPython 3.11. The last two arguments are unused. */
PyAPI_FUNC(PyObject*) PyBytes_DecodeEscape(const char* s, Py_ssize_t len, const char* errors,
                                           Py_ssize_t unused, const char* unused_encoding);
/* For a bytes object its creator is still filling: *pv is replaced by a new object of
 * `newsize` bytes (the old contents, truncated or zero-extended) and the old reference is
 * released. On error *pv is released and set to NULL, and -1 is returned. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(int) _PyBytes_Resize(PyObject** pv, Py_ssize_t newsize);
/* sep.join(items) (CPython 3.11's private helper, which pythoncapi_compat.h's PyBytes_Join
 * calls): `items` a list or tuple of bytes; TypeError "sequence item 0: expected a bytes-like
 * object, str found" for another item, "can only join an iterable" for a non-sequence
 * (Pinion takes lists and tuples: other iterables raise that TypeError too). */
PyAPI_FUNC(PyObject*) _PyBytes_Join(PyObject* sep, PyObject* items);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_BYTESOBJECT_H_ */
