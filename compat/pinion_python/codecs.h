/* The codec registry (CPython 3.11's codecs.h): search functions, lookups, encoding and
 * decoding through a codec, and the error handlers (runtime/codec_registry.cc,
 * runtime/codec_errors.cc).
 *
 * As CPython 3.11, with these built-in codecs found by every name CPython's `encodings`
 * package gives them (case and punctuation aside: "UTF8", "utf_8", "latin1", "L1",
 * "iso-8859-1"...): utf-8, latin-1 (iso8859-1), ascii, utf-16, utf-16-le, utf-16-be,
 * utf-32, utf-32-le, utf-32-be, unicode-escape, raw-unicode-escape. A lookup returns a
 * CodecInfo: a 4-tuple (encode, decode, streamreader, streamwriter) with the attributes
 * name, encode, decode, incrementalencoder, incrementaldecoder, streamreader, streamwriter
 * and _is_text_encoding; encode(str, errors=None) returns (bytes, length consumed),
 * decode(bytes-like, errors=None) (str, length consumed). Other encodings are found only
 * through search functions registered with PyCodec_Register (which get the name in lower
 * case, spaces and hyphens as underscores, and return a 4-tuple or None); LookupError
 * "unknown encoding: x" otherwise.
 *
 * Where Pinion differs: the CodecInfo of a built-in codec has None for its stream and
 * incremental classes, and PyCodec_IncrementalEncoder/Decoder and PyCodec_StreamReader/
 * Writer are not provided (there is no `codecs` Python module); CPython's other codecs
 * (cp1252, utf-7, utf-8-sig, idna...) are unknown encodings.
 *
 * Error handlers: "strict", "ignore", "replace", "xmlcharrefreplace", "backslashreplace",
 * "namereplace" (character names from Unicode 14.0, CPython 3.11's database),
 * "surrogateescape", "surrogatepass", and those registered with PyCodec_RegisterError. A
 * handler is called with the UnicodeEncodeError/DecodeError/TranslateError and returns
 * (replacement, position to resume at), as in CPython.
 *
 * Threads: any attached thread. Registering is process-wide and synchronised.
 */
#ifndef PINION_PYTHON_CODECS_H_
#define PINION_PYTHON_CODECS_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* Registers a search function (callable(name) -> 4-tuple or None), after those already
 * registered; TypeError "argument must be callable". Unregister removes its first
 * registration (nothing if none) and forgets the codecs found so far. 0, or -1. */
PyAPI_FUNC(int) PyCodec_Register(PyObject* search_function);
PyAPI_FUNC(int) PyCodec_Unregister(PyObject* search_function);

/* 1 if a codec is found for `encoding`, else 0 (never raises). */
PyAPI_FUNC(int) PyCodec_KnownEncoding(const char* encoding);

/* encoder/decoder(object[, errors])[0] of the codec `encoding`: LookupError for an unknown
 * encoding; TypeError "encoder must return a tuple (object, integer)" when the codec does
 * not; a plain exception from the codec (TypeError...) is re-raised as CPython does, as
 * "encoding with 'x' codec failed (TypeError: ...)". */
PyAPI_FUNC(PyObject*) PyCodec_Encode(PyObject* object, const char* encoding, const char* errors);
PyAPI_FUNC(PyObject*) PyCodec_Decode(PyObject* object, const char* encoding, const char* errors);

/* The codec's encode / decode function (a new reference). */
PyAPI_FUNC(PyObject*) PyCodec_Encoder(const char* encoding);
PyAPI_FUNC(PyObject*) PyCodec_Decoder(const char* encoding);

/* Registers `error` (a callable) as the error handler `name`, replacing any; TypeError
 * "handler must be callable". LookupError returns the handler (NULL: "strict"), a new
 * reference, or raises LookupError "unknown error handler name 'x'". */
PyAPI_FUNC(int) PyCodec_RegisterError(const char* name, PyObject* error);
PyAPI_FUNC(PyObject*) PyCodec_LookupError(const char* name);

/* The built-in handlers. Strict raises `exc` (TypeError "codec must pass exception
 * instance" if it is not one); the others return (replacement, end) for the exception's
 * [start, end), or TypeError "don't know how to handle X in error callback" for an
 * exception they do not handle (xmlcharrefreplace and namereplace: encoding only). */
PyAPI_FUNC(PyObject*) PyCodec_StrictErrors(PyObject* exc);
PyAPI_FUNC(PyObject*) PyCodec_IgnoreErrors(PyObject* exc);
PyAPI_FUNC(PyObject*) PyCodec_ReplaceErrors(PyObject* exc);
PyAPI_FUNC(PyObject*) PyCodec_XMLCharRefReplaceErrors(PyObject* exc);
PyAPI_FUNC(PyObject*) PyCodec_BackslashReplaceErrors(PyObject* exc);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(PyObject*) PyCodec_NameReplaceErrors(PyObject* exc);
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_CODECS_H_ */
