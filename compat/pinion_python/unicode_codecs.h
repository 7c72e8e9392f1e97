/* The codec half of CPython 3.11's unicodeobject.h: decoding bytes into str and encoding str
 * into bytes, by encoding name or with a named codec (runtime/unicode_codec_api.cc; the
 * codecs themselves: runtime/unicode_decoders.cc, unicode_encoders.cc; the registry and error
 * handlers: codecs.h).
 *
 * As CPython 3.11: `errors` is an error handler's name (NULL: "strict"), looked up only when
 * an error occurs (LookupError "unknown error handler name 'x'"); errors raise
 * UnicodeDecodeError/UnicodeEncodeError with CPython's encoding, object, start, end and
 * reason; `encoding` NULL is "utf-8"; a negative size is SystemError.
 *
 * Where Pinion differs: the file system and locale encodings are UTF-8 (as in CPython's
 * UTF-8 mode, and under a UTF-8 locale); the locale functions accept only the errors NULL,
 * "strict" and "surrogateescape" (ValueError "unsupported error handler" otherwise, as
 * CPython for a non-UTF-8 locale). Not provided: UTF-7, the charmap codecs
 * (PyUnicode_DecodeCharmap...).
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_UNICODE_CODECS_H_
#define PINION_PYTHON_UNICODE_CODECS_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* A converter's result asking PyArg_Parse* to call it again to clean up (CPython's
 * modsupport.h value; PyUnicode_FSConverter/FSDecoder return it). */
#define Py_CLEANUP_SUPPORTED 0x20000

/* "utf-8". */
PyAPI_FUNC(const char*) PyUnicode_GetDefaultEncoding(void);

/* `size` bytes decoded with the codec `encoding` names: a built-in one, or one a registered
 * search function finds (given a memoryview; LookupError "'x' is not a text encoding..."
 * if its CodecInfo says so; TypeError if it returns no str). */
PyAPI_FUNC(PyObject*) PyUnicode_Decode(const char* s, Py_ssize_t size, const char* encoding,
                                       const char* errors);
/* bytes or another bytes-like object, decoded as PyUnicode_Decode; TypeError "decoding str is
 * not supported" for a str, "decoding to str: need a bytes-like object, X found" else. */
PyAPI_FUNC(PyObject*) PyUnicode_FromEncodedObject(PyObject* obj, const char* encoding,
                                                  const char* errors);
/* A str encoded with the codec `encoding` names (TypeError "bad argument type..." if
 * `unicode` is not a str; the codec must return bytes). */
PyAPI_FUNC(PyObject*) PyUnicode_AsEncodedString(PyObject* unicode, const char* encoding,
                                                const char* errors);
/* Deprecated in 3.6: PyCodec_Encode/PyCodec_Decode of a str, whatever they return. */
Py_DEPRECATED(3.6) PyAPI_FUNC(PyObject*) PyUnicode_AsEncodedObject(PyObject* unicode,
                                                                   const char* encoding,
                                                                   const char* errors);
Py_DEPRECATED(3.6) PyAPI_FUNC(PyObject*) PyUnicode_AsDecodedObject(PyObject* unicode,
                                                                   const char* encoding,
                                                                   const char* errors);
/* Deprecated in 3.6: the same, the codec's result required to be a str (TypeError). */
Py_DEPRECATED(3.6) PyAPI_FUNC(PyObject*) PyUnicode_AsDecodedUnicode(PyObject* unicode,
                                                                    const char* encoding,
                                                                    const char* errors);
Py_DEPRECATED(3.6) PyAPI_FUNC(PyObject*) PyUnicode_AsEncodedUnicode(PyObject* unicode,
                                                                    const char* encoding,
                                                                    const char* errors);

/* UTF-8 with any error handler; `consumed` non-NULL: an incomplete sequence at the end is
 * not an error but left undecoded, *consumed the bytes decoded (stateful decoding). */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF8Stateful(const char* s, Py_ssize_t size,
                                                   const char* errors, Py_ssize_t* consumed);

/* UTF-16 and UTF-32. `byteorder` NULL or *byteorder 0: a byte order mark at the start
 * chooses the order (and is skipped), else native (little-endian); -1 little-endian, 1
 * big-endian. A non-NULL `byteorder` receives the order at the end. As-String writes a
 * mark and native order. */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF32(const char* s, Py_ssize_t size, const char* errors,
                                            int* byteorder);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF32Stateful(const char* s, Py_ssize_t size,
                                                    const char* errors, int* byteorder,
                                                    Py_ssize_t* consumed);
PyAPI_FUNC(PyObject*) PyUnicode_AsUTF32String(PyObject* unicode);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF16(const char* s, Py_ssize_t size, const char* errors,
                                            int* byteorder);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUTF16Stateful(const char* s, Py_ssize_t size,
                                                    const char* errors, int* byteorder,
                                                    Py_ssize_t* consumed);
PyAPI_FUNC(PyObject*) PyUnicode_AsUTF16String(PyObject* unicode);

/* Python's string-literal escapes (\n, \xhh, \uhhhh, \N{name}...) and the raw form (only
 * \uhhhh and \Uhhhhhhhh, other bytes as Latin-1). */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeUnicodeEscape(const char* s, Py_ssize_t size,
                                                    const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_AsUnicodeEscapeString(PyObject* unicode);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeRawUnicodeEscape(const char* s, Py_ssize_t size,
                                                       const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_AsRawUnicodeEscapeString(PyObject* unicode);

/* Latin-1 and ASCII (the As-String forms are strict). */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeLatin1(const char* s, Py_ssize_t size,
                                             const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_AsLatin1String(PyObject* unicode);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeASCII(const char* s, Py_ssize_t size, const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_AsASCIIString(PyObject* unicode);

#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
/* The locale encoding (UTF-8 on Pinion). `str` ends with a NUL and holds none before
 * (ValueError "embedded null byte"); errors raise UnicodeDecodeError/EncodeError for the
 * 'locale' codec, one position, "decoding error"/"encoding error". */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeLocaleAndSize(const char* str, Py_ssize_t len,
                                                    const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeLocale(const char* str, const char* errors);
PyAPI_FUNC(PyObject*) PyUnicode_EncodeLocale(PyObject* unicode, const char* errors);
#endif

/* PyArg_Parse* converters ("O&"): str to bytes in the file system encoding (bytes as they
 * are), and bytes to str (str as it is); ValueError for an embedded NUL, TypeError for other
 * types. They return Py_CLEANUP_SUPPORTED, and with `arg` NULL release the result. */
PyAPI_FUNC(int) PyUnicode_FSConverter(PyObject* arg, void* addr);
PyAPI_FUNC(int) PyUnicode_FSDecoder(PyObject* arg, void* addr);
/* The file system encoding: UTF-8 with "surrogateescape". */
PyAPI_FUNC(PyObject*) PyUnicode_DecodeFSDefault(const char* s);
PyAPI_FUNC(PyObject*) PyUnicode_DecodeFSDefaultAndSize(const char* s, Py_ssize_t size);
PyAPI_FUNC(PyObject*) PyUnicode_EncodeFSDefault(PyObject* unicode);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_UNICODE_CODECS_H_ */
