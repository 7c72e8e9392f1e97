// The codec functions of unicodeobject.h (pinion_python/unicode_codecs.h): PyUnicode_Decode*,
// PyUnicode_As*String, PyUnicode_AsEncodedString, FromEncodedObject, the file system and
// locale encodings; and str.encode / bytes.decode (StrEncode, BytesDecode: the methods in
// str's and bytes' tp_methods).
//
// Owns nothing: each function checks its arguments as CPython 3.11 does and calls the codecs
// of unicode_codecs.h. The file system and locale encodings are UTF-8 (Pinion assumes a
// UTF-8 locale, as CPython does in its UTF-8 mode): "surrogateescape" for the file system,
// and `errors` NULL/"strict"/"surrogateescape" for the locale functions, whose errors name
// the 'locale' codec as CPython's.
//
// Threads: any attached thread.
#include <cstring>
#include <string>

#include "compat/runtime/unicode_codecs.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {
namespace {

// CPython's errors for a bad (size, data) pair.
bool BadSize(Py_ssize_t size, const char* s) {
  if (size < 0) {
    PyErr_SetString(PyExc_SystemError, "Negative size passed to PyUnicode_New");
    return true;
  }
  if (s == nullptr && size > 0) {
    PyErr_BadInternalCall();
    return true;
  }
  return false;
}

// The locale functions' error handler: 0 strict, 1 surrogateescape; -1 with ValueError.
int LocaleErrors(const char* errors) {
  if (errors == nullptr || std::strcmp(errors, "strict") == 0) return 0;
  if (std::strcmp(errors, "surrogateescape") == 0) return 1;
  PyErr_SetString(PyExc_ValueError, "unsupported error handler");
  return -1;
}

}  // namespace

PyObject* StrEncode(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const char* kKeywords[] = {"encoding", "errors", nullptr};
  const char* encoding = nullptr;
  const char* errors = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|ss:encode", const_cast<char**>(kKeywords),
                                   &encoding, &errors)) {
    return nullptr;
  }
  return EncodeWithEncoding(self, encoding, errors);
}

PyObject* BytesDecode(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const char* kKeywords[] = {"encoding", "errors", nullptr};
  const char* encoding = nullptr;
  const char* errors = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|ss:decode", const_cast<char**>(kKeywords),
                                   &encoding, &errors)) {
    return nullptr;
  }
  return DecodeWithEncoding(PyBytes_AS_STRING(self), PyBytes_GET_SIZE(self), encoding, errors);
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" const char* PyUnicode_GetDefaultEncoding(void) { return "utf-8"; }

extern "C" PyObject* PyUnicode_Decode(const char* s, Py_ssize_t size, const char* encoding,
                                      const char* errors) {
  if (BadSize(size, s)) return nullptr;
  return DecodeWithEncoding(s, size, encoding, errors);
}

extern "C" PyObject* PyUnicode_AsEncodedString(PyObject* unicode, const char* encoding,
                                               const char* errors) {
  return EncodeWithEncoding(unicode, encoding, errors);
}

extern "C" PyObject* PyUnicode_FromEncodedObject(PyObject* obj, const char* encoding,
                                                 const char* errors) {
  if (obj == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (PyBytes_Check(obj)) {
    return DecodeWithEncoding(PyBytes_AS_STRING(obj), PyBytes_GET_SIZE(obj), encoding, errors);
  }
  if (PyUnicode_Check(obj)) {
    PyErr_SetString(PyExc_TypeError, "decoding str is not supported");
    return nullptr;
  }
  Py_buffer view;
  if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) {
    PyErr_Format(PyExc_TypeError, "decoding to str: need a bytes-like object, %.80s found",
                 Py_TYPE(obj)->tp_name);
    return nullptr;
  }
  PyObject* str =
      DecodeWithEncoding(static_cast<const char*>(view.buf), view.len, encoding, errors);
  PyBuffer_Release(&view);
  return str;
}

extern "C" PyObject* PyUnicode_AsEncodedObject(PyObject* unicode, const char* encoding,
                                               const char* errors) {
  if (unicode == nullptr || !PyUnicode_Check(unicode)) {
    PyErr_BadArgument();
    return nullptr;
  }
  return PyCodec_Encode(unicode, encoding != nullptr ? encoding : "utf-8", errors);
}

extern "C" PyObject* PyUnicode_AsDecodedObject(PyObject* unicode, const char* encoding,
                                               const char* errors) {
  if (unicode == nullptr || !PyUnicode_Check(unicode)) {
    PyErr_BadArgument();
    return nullptr;
  }
  return PyCodec_Decode(unicode, encoding != nullptr ? encoding : "utf-8", errors);
}

// The Unicode forms: the codec's result must be a str.
extern "C" PyObject* PyUnicode_AsDecodedUnicode(PyObject* unicode, const char* encoding,
                                                const char* errors) {
  if (encoding == nullptr) encoding = "utf-8";
  PyObject* v = PyUnicode_AsDecodedObject(unicode, encoding, errors);
  if (v == nullptr || PyUnicode_Check(v)) return v;
  PyErr_Format(PyExc_TypeError,
               "'%.400s' decoder returned '%.400s' instead of 'str'; use codecs.decode() to "
               "decode to arbitrary types",
               encoding, Py_TYPE(v)->tp_name);
  Py_DECREF(v);
  return nullptr;
}

extern "C" PyObject* PyUnicode_AsEncodedUnicode(PyObject* unicode, const char* encoding,
                                                const char* errors) {
  if (encoding == nullptr) encoding = "utf-8";
  PyObject* v = PyUnicode_AsEncodedObject(unicode, encoding, errors);
  if (v == nullptr || PyUnicode_Check(v)) return v;
  PyErr_Format(PyExc_TypeError,
               "'%.400s' encoder returned '%.400s' instead of 'str'; use codecs.encode() to "
               "encode to arbitrary types",
               encoding, Py_TYPE(v)->tp_name);
  Py_DECREF(v);
  return nullptr;
}

extern "C" PyObject* PyUnicode_DecodeUTF8Stateful(const char* s, Py_ssize_t size,
                                                  const char* errors, Py_ssize_t* consumed) {
  if (BadSize(size, s)) return nullptr;
  return DecodeText(Codec::kUtf8, s, size, errors, consumed);
}

extern "C" PyObject* PyUnicode_DecodeLatin1(const char* s, Py_ssize_t size, const char* errors) {
  if (BadSize(size, s)) return nullptr;
  return DecodeText(Codec::kLatin1, s, size, errors);
}

extern "C" PyObject* PyUnicode_DecodeASCII(const char* s, Py_ssize_t size, const char* errors) {
  if (BadSize(size, s)) return nullptr;
  return DecodeText(Codec::kAscii, s, size, errors);
}

extern "C" PyObject* PyUnicode_DecodeUTF16Stateful(const char* s, Py_ssize_t size,
                                                   const char* errors, int* byteorder,
                                                   Py_ssize_t* consumed) {
  if (BadSize(size, s)) return nullptr;
  return DecodeText(Codec::kUtf16, s, size, errors, consumed, byteorder);
}

extern "C" PyObject* PyUnicode_DecodeUTF16(const char* s, Py_ssize_t size, const char* errors,
                                           int* byteorder) {
  return PyUnicode_DecodeUTF16Stateful(s, size, errors, byteorder, nullptr);
}

extern "C" PyObject* PyUnicode_DecodeUTF32Stateful(const char* s, Py_ssize_t size,
                                                   const char* errors, int* byteorder,
                                                   Py_ssize_t* consumed) {
  if (BadSize(size, s)) return nullptr;
  return DecodeText(Codec::kUtf32, s, size, errors, consumed, byteorder);
}

extern "C" PyObject* PyUnicode_DecodeUTF32(const char* s, Py_ssize_t size, const char* errors,
                                           int* byteorder) {
  return PyUnicode_DecodeUTF32Stateful(s, size, errors, byteorder, nullptr);
}

extern "C" PyObject* PyUnicode_DecodeUnicodeEscape(const char* s, Py_ssize_t size,
                                                   const char* errors) {
  if (BadSize(size, s)) return nullptr;
  return DecodeText(Codec::kUnicodeEscape, s, size, errors);
}

extern "C" PyObject* PyUnicode_DecodeRawUnicodeEscape(const char* s, Py_ssize_t size,
                                                      const char* errors) {
  if (BadSize(size, s)) return nullptr;
  return DecodeText(Codec::kRawUnicodeEscape, s, size, errors);
}

extern "C" PyObject* PyUnicode_AsLatin1String(PyObject* unicode) {
  return EncodeText(Codec::kLatin1, unicode, nullptr);
}
extern "C" PyObject* PyUnicode_AsASCIIString(PyObject* unicode) {
  return EncodeText(Codec::kAscii, unicode, nullptr);
}
extern "C" PyObject* PyUnicode_AsUTF16String(PyObject* unicode) {
  return EncodeText(Codec::kUtf16, unicode, nullptr);
}
extern "C" PyObject* PyUnicode_AsUTF32String(PyObject* unicode) {
  return EncodeText(Codec::kUtf32, unicode, nullptr);
}
extern "C" PyObject* PyUnicode_AsUnicodeEscapeString(PyObject* unicode) {
  return EncodeText(Codec::kUnicodeEscape, unicode, nullptr);
}
extern "C" PyObject* PyUnicode_AsRawUnicodeEscapeString(PyObject* unicode) {
  return EncodeText(Codec::kRawUnicodeEscape, unicode, nullptr);
}

extern "C" PyObject* PyUnicode_DecodeFSDefaultAndSize(const char* s, Py_ssize_t size) {
  if (BadSize(size, s)) return nullptr;
  return DecodeText(Codec::kUtf8, s, size, "surrogateescape");
}

extern "C" PyObject* PyUnicode_DecodeFSDefault(const char* s) {
  return PyUnicode_DecodeFSDefaultAndSize(s, static_cast<Py_ssize_t>(std::strlen(s)));
}

extern "C" PyObject* PyUnicode_EncodeFSDefault(PyObject* unicode) {
  return EncodeText(Codec::kUtf8, unicode, "surrogateescape");
}

extern "C" PyObject* PyUnicode_DecodeLocaleAndSize(const char* str, Py_ssize_t len,
                                                   const char* errors) {
  const int mode = LocaleErrors(errors);
  if (mode < 0) return nullptr;
  if (str[len] != '\0' || static_cast<size_t>(len) != std::strlen(str)) {
    PyErr_SetString(PyExc_ValueError, "embedded null byte");
    return nullptr;
  }
  PyObject* result = DecodeText(Codec::kUtf8, str, len, mode == 1 ? "surrogateescape" : nullptr);
  if (result != nullptr || !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return result;
  // As CPython: the error names the 'locale' codec, one byte, "decoding error".
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  Py_ssize_t start = 0;
  PyUnicodeDecodeError_GetStart(value, &start);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  PyObject* exc = PyUnicodeDecodeError_Create("locale", str, len, start, start + 1,
                                              "decoding error");
  if (exc != nullptr) {
    PyErr_SetObject(PyExc_UnicodeDecodeError, exc);
    Py_DECREF(exc);
  }
  return nullptr;
}

extern "C" PyObject* PyUnicode_DecodeLocale(const char* str, const char* errors) {
  return PyUnicode_DecodeLocaleAndSize(str, static_cast<Py_ssize_t>(std::strlen(str)), errors);
}

extern "C" PyObject* PyUnicode_EncodeLocale(PyObject* unicode, const char* errors) {
  const int mode = LocaleErrors(errors);
  if (mode < 0) return nullptr;
  std::u32string text;
  if (!StrCodePoints(unicode, &text)) return nullptr;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == 0) {
      PyErr_SetString(PyExc_ValueError, "embedded null character");
      return nullptr;
    }
  }
  PyObject* result = EncodeText(Codec::kUtf8, unicode, mode == 1 ? "surrogateescape" : nullptr);
  if (result != nullptr || !PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) return result;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  Py_ssize_t start = 0;
  PyUnicodeEncodeError_GetStart(value, &start);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  PyObject* exc = PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnns", "locale", unicode,
                                        start, start + 1, "encoding error");
  if (exc != nullptr) {
    PyErr_SetObject(PyExc_UnicodeEncodeError, exc);
    Py_DECREF(exc);
  }
  return nullptr;
}

extern "C" int PyUnicode_FSConverter(PyObject* arg, void* addr) {
  auto** result = static_cast<PyObject**>(addr);
  if (arg == nullptr) {  // cleanup call
    Py_CLEAR(*result);
    return 1;
  }
  PyObject* output;
  if (PyBytes_Check(arg)) {
    output = Py_NewRef(arg);
  } else if (PyUnicode_Check(arg)) {
    output = PyUnicode_EncodeFSDefault(arg);
    if (output == nullptr) return 0;
  } else {
    PyErr_Format(PyExc_TypeError, "expected str, bytes or os.PathLike object, not %.200s",
                 Py_TYPE(arg)->tp_name);
    return 0;
  }
  if (std::strlen(PyBytes_AS_STRING(output)) != static_cast<size_t>(PyBytes_GET_SIZE(output))) {
    PyErr_SetString(PyExc_ValueError, "embedded null byte");
    Py_DECREF(output);
    return 0;
  }
  *result = output;
  return Py_CLEANUP_SUPPORTED;
}

extern "C" int PyUnicode_FSDecoder(PyObject* arg, void* addr) {
  auto** result = static_cast<PyObject**>(addr);
  if (arg == nullptr) {
    Py_CLEAR(*result);
    return 1;
  }
  PyObject* output;
  if (PyUnicode_Check(arg)) {
    output = Py_NewRef(arg);
  } else if (PyBytes_Check(arg)) {
    output = PyUnicode_DecodeFSDefaultAndSize(PyBytes_AS_STRING(arg), PyBytes_GET_SIZE(arg));
    if (output == nullptr) return 0;
  } else {
    PyErr_Format(PyExc_TypeError, "expected str, bytes or os.PathLike object, not %.200s",
                 Py_TYPE(arg)->tp_name);
    return 0;
  }
  std::u32string text;
  if (!StrCodePoints(output, &text)) {
    Py_DECREF(output);
    return 0;
  }
  if (text.find(U'\0') != std::u32string::npos) {
    PyErr_SetString(PyExc_ValueError, "embedded null character");
    Py_DECREF(output);
    return 0;
  }
  *result = output;
  return Py_CLEANUP_SUPPORTED;
}
