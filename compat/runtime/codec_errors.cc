// Codec error handlers (codecs.h): the registry of handlers by name (PyCodec_RegisterError,
// PyCodec_LookupError), the eight built-in ones (PyCodec_StrictErrors...), and how the
// built-in codecs call a handler (HandleDecodeError, HandleEncodeError).
//
// Owns: g_handlers, the registered handlers by name, each pinned, released at Py_Finalize
// (ReleaseErrorHandlers). The built-in handlers are registered on first lookup as builtin
// function objects (strict_errors...), as CPython's lookup_error returns.
//
// Invariant: g_handlers is read and written only under g_handlers_mu, taken inside a native
// region (a thread waiting never holds up a collection); under it nothing allocates on the
// heap or calls extension code: handler objects are made before, and pinned/unpinned only.
//
// As CPython 3.11: a handler gets the UnicodeError and returns (replacement, new position);
// the codec's exception object is made once per call of a codec and updated (start, end,
// reason) for each further error, and the handler may change its object; a new position
// out of range is an IndexError; namereplace names characters as CPython 3.11's Unicode
// 14.0 database does (unicode_names.cc), and escapes the others as backslashreplace does.
//
// Threads: any attached thread.
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "compat/runtime/runtime.h"
#include "compat/runtime/unicode_codecs.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {
namespace {

std::mutex g_handlers_mu;
std::map<std::string, PyObject*>* g_handlers = nullptr;  // under g_handlers_mu

// g_handlers_mu, waited for in a native region.
std::unique_lock<std::mutex> LockHandlers() {
  std::unique_lock<std::mutex> lock(g_handlers_mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    PyThreadState* state = PyEval_SaveThread();
    lock.lock();
    PyEval_RestoreThread(state);
  }
  return lock;
}

PyObject* WrongExceptionType(PyObject* exc) {
  PyErr_Format(PyExc_TypeError, "don't know how to handle %.200s in error callback",
               Py_TYPE(exc)->tp_name);
  return nullptr;
}

bool IsA(PyObject* exc, PyObject* type) {
  return PyObject_TypeCheck(exc, reinterpret_cast<PyTypeObject*>(type));
}

PyObject* RaiseOriginal(PyObject* exc) {
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc)), exc);
  return nullptr;
}

// The exception's object's code points and its [start, end) for an encode or translate
// error; false with an exception set.
bool EncodeRange(PyObject* exc, bool translate, std::u32string* text, Py_ssize_t* start,
                 Py_ssize_t* end) {
  PyObject* object = translate ? PyUnicodeTranslateError_GetObject(exc)
                               : PyUnicodeEncodeError_GetObject(exc);
  if (object == nullptr) return false;
  const bool ok = StrCodePoints(object, text);
  Py_DECREF(object);
  if (!ok) return false;
  if (translate) {
    return PyUnicodeTranslateError_GetStart(exc, start) == 0 &&
           PyUnicodeTranslateError_GetEnd(exc, end) == 0;
  }
  return PyUnicodeEncodeError_GetStart(exc, start) == 0 &&
         PyUnicodeEncodeError_GetEnd(exc, end) == 0;
}

PyObject* Result(PyObject* replacement, Py_ssize_t end) {
  if (replacement == nullptr) return nullptr;
  return Py_BuildValue("(Nn)", replacement, end);
}

PyObject* Str(const std::u32string& text) { return StrFromCodePoints(text); }

void AppendAscii(std::u32string* out, const char* text) {
  for (; *text != '\0'; ++text) out->push_back(static_cast<unsigned char>(*text));
}

void AppendBackslashEscape(std::u32string* out, char32_t c) {
  char escape[12];
  std::snprintf(escape, sizeof(escape),
                c < 0x100 ? "\\x%02x" : (c < 0x10000 ? "\\u%04x" : "\\U%08x"),
                static_cast<unsigned>(c));
  AppendAscii(out, escape);
}

// CPython's get_standard_encoding: the UTF the exception's encoding names, for
// surrogatepass, as its unit size in bytes and byte order; 0 if it is not one.
enum class Utf { kUnknown, kUtf8, kUtf16Le, kUtf16Be, kUtf32Le, kUtf32Be };
Utf StandardEncoding(const char* encoding, int* bytes) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  if (std::strcmp(encoding, "CP_UTF8") == 0) {
    *bytes = 3;
    return Utf::kUtf8;
  }
  if (lower(encoding[0]) != 'u' || lower(encoding[1]) != 't' || lower(encoding[2]) != 'f') {
    return Utf::kUnknown;
  }
  encoding += 3;
  if (*encoding == '-' || *encoding == '_') ++encoding;
  if (std::strcmp(encoding, "8") == 0) {
    *bytes = 3;
    return Utf::kUtf8;
  }
  const bool u16 = std::strncmp(encoding, "16", 2) == 0;
  const bool u32 = std::strncmp(encoding, "32", 2) == 0;
  if (!u16 && !u32) return Utf::kUnknown;
  *bytes = u16 ? 2 : 4;
  encoding += 2;
  const Utf le = u16 ? Utf::kUtf16Le : Utf::kUtf32Le;
  const Utf be = u16 ? Utf::kUtf16Be : Utf::kUtf32Be;
  if (*encoding == '\0') return le;  // native order: Pinion runs on little-endian machines
  if (*encoding != '-' && *encoding != '_') return Utf::kUnknown;
  ++encoding;
  if (lower(encoding[1]) != 'e' || encoding[2] != '\0') return Utf::kUnknown;
  if (lower(encoding[0]) == 'b') return be;
  if (lower(encoding[0]) == 'l') return le;
  return Utf::kUnknown;
}

// The built-in handlers as registered objects.
PyObject* StrictMethod(PyObject*, PyObject* exc) { return PyCodec_StrictErrors(exc); }
PyObject* IgnoreMethod(PyObject*, PyObject* exc) { return PyCodec_IgnoreErrors(exc); }
PyObject* ReplaceMethod(PyObject*, PyObject* exc) { return PyCodec_ReplaceErrors(exc); }
PyObject* XmlMethod(PyObject*, PyObject* exc) { return PyCodec_XMLCharRefReplaceErrors(exc); }
PyObject* BackslashMethod(PyObject*, PyObject* exc) {
  return PyCodec_BackslashReplaceErrors(exc);
}
PyObject* NameMethod(PyObject*, PyObject* exc) { return PyCodec_NameReplaceErrors(exc); }
PyObject* SurrogateEscapeMethod(PyObject*, PyObject* exc);
PyObject* SurrogatePassMethod(PyObject*, PyObject* exc);

PyMethodDef kBuiltinHandlers[] = {
    {"strict_errors", &StrictMethod, METH_O, nullptr},
    {"ignore_errors", &IgnoreMethod, METH_O, nullptr},
    {"replace_errors", &ReplaceMethod, METH_O, nullptr},
    {"xmlcharrefreplace_errors", &XmlMethod, METH_O, nullptr},
    {"backslashreplace_errors", &BackslashMethod, METH_O, nullptr},
    {"namereplace_errors", &NameMethod, METH_O, nullptr},
    {"surrogateescape", &SurrogateEscapeMethod, METH_O, nullptr},
    {"surrogatepass", &SurrogatePassMethod, METH_O, nullptr},
};
// The names they are registered under, in kBuiltinHandlers' order.
const char* const kBuiltinNames[] = {"strict",           "ignore",          "replace",
                                     "xmlcharrefreplace", "backslashreplace", "namereplace",
                                     "surrogateescape",  "surrogatepass"};

// The handler registered as `name`, a new reference, or nullptr (no exception set).
PyObject* Registered(const std::string& name) {
  auto lock = LockHandlers();
  if (g_handlers == nullptr) return nullptr;
  auto it = g_handlers->find(name);
  return it == g_handlers->end() ? nullptr : Py_NewRef(it->second);
}

// Registers `handler` as `name` (pinned); with `keep_existing`, only if no handler has that
// name. The handler registered afterwards, a new reference.
PyObject* Register(const std::string& name, PyObject* handler, bool keep_existing) {
  PyObject* dropped = nullptr;
  PyObject* result;
  {
    auto lock = LockHandlers();
    if (g_handlers == nullptr) g_handlers = new std::map<std::string, PyObject*>();
    auto [it, inserted] = g_handlers->emplace(name, handler);
    if (inserted) {
      Py_INCREF(handler);
    } else if (!keep_existing) {
      dropped = it->second;
      it->second = Py_NewRef(handler);
    }
    result = Py_NewRef(it->second);
  }
  Py_XDECREF(dropped);
  return result;
}

// A handler's result as CPython reads it (PyArg_ParseTuple's "Un" or "On" with `message` for
// a result of the wrong shape): (str, or bytes if `bytes_ok`; an index). Borrowed.
bool ParseResult(PyObject* result, const char* message, bool bytes_ok, PyObject** replacement,
                 Py_ssize_t* pos) {
  if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) != 2) {
    PyErr_SetString(PyExc_TypeError, message);
    return false;
  }
  *replacement = PyTuple_GET_ITEM(result, 0);
  if (!PyUnicode_Check(*replacement) && !(bytes_ok && PyBytes_Check(*replacement))) {
    PyErr_SetString(PyExc_TypeError, message);
    return false;
  }
  PyObject* index = PyNumber_Index(PyTuple_GET_ITEM(result, 1));
  if (index == nullptr) return false;
  *pos = PyLong_AsSsize_t(index);
  Py_DECREF(index);
  return !(*pos == -1 && PyErr_Occurred());
}

}  // namespace

void ReleaseErrorHandlers() {
  std::map<std::string, PyObject*>* handlers;
  {
    auto lock = LockHandlers();
    handlers = g_handlers;
    g_handlers = nullptr;
  }
  if (handlers == nullptr) return;
  for (auto& [name, handler] : *handlers) Py_DECREF(handler);
  delete handlers;
}

DecodeErrorState::~DecodeErrorState() {
  Py_XDECREF(handler);
  Py_XDECREF(exc);
  Py_XDECREF(input_object);
}

EncodeErrorState::~EncodeErrorState() {
  Py_XDECREF(handler);
  Py_XDECREF(exc);
}

bool HandleDecodeError(DecodeErrorState* state, std::string_view* input, Py_ssize_t start,
                       Py_ssize_t end, const char* reason, std::u32string* out,
                       Py_ssize_t* pos) {
  if (state->handler == nullptr) {
    state->handler = PyCodec_LookupError(state->errors);
    if (state->handler == nullptr) return false;
  }
  if (state->exc == nullptr) {
    state->exc = PyUnicodeDecodeError_Create(state->encoding, input->data(),
                                             static_cast<Py_ssize_t>(input->size()), start,
                                             end, reason);
    if (state->exc == nullptr) return false;
  } else if (PyUnicodeDecodeError_SetStart(state->exc, start) < 0 ||
             PyUnicodeDecodeError_SetEnd(state->exc, end) < 0 ||
             PyUnicodeDecodeError_SetReason(state->exc, reason) < 0) {
    return false;
  }
  PyObject* result = PyObject_CallOneArg(state->handler, state->exc);
  if (result == nullptr) return false;
  PyObject* replacement;
  Py_ssize_t new_pos;
  if (!ParseResult(result, "decoding error handler must return (str, int) tuple",
                   /*bytes_ok=*/false, &replacement, &new_pos)) {
    Py_DECREF(result);
    return false;
  }
  // The handler may have replaced the exception's object: continue on that one.
  PyObject* object = PyUnicodeDecodeError_GetObject(state->exc);
  if (object == nullptr) {
    Py_DECREF(result);
    return false;
  }
  Py_XSETREF(state->input_object, object);
  *input = std::string_view(PyBytes_AS_STRING(object), PyBytes_GET_SIZE(object));
  const Py_ssize_t size = static_cast<Py_ssize_t>(input->size());
  if (new_pos < 0) new_pos += size;
  if (new_pos < 0 || new_pos > size) {
    PyErr_Format(PyExc_IndexError, "position %zd from error handler out of bounds", new_pos);
    Py_DECREF(result);
    return false;
  }
  std::u32string text;
  const bool ok = StrCodePoints(replacement, &text);
  Py_DECREF(result);
  if (!ok) return false;
  out->append(text);
  *pos = new_pos;
  return true;
}

namespace {

bool SetEncodeError(EncodeErrorState* state, PyObject* unicode, Py_ssize_t start,
                    Py_ssize_t end, const char* reason) {
  if (state->exc == nullptr) {
    state->exc = PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnns", state->encoding,
                                       unicode, start, end, reason);
    return state->exc != nullptr;
  }
  return PyUnicodeEncodeError_SetStart(state->exc, start) == 0 &&
         PyUnicodeEncodeError_SetEnd(state->exc, end) == 0 &&
         PyUnicodeEncodeError_SetReason(state->exc, reason) == 0;
}

}  // namespace

PyObject* HandleEncodeError(EncodeErrorState* state, PyObject* unicode, Py_ssize_t size,
                            Py_ssize_t start, Py_ssize_t end, const char* reason,
                            Py_ssize_t* pos) {
  if (state->handler == nullptr) {
    state->handler = PyCodec_LookupError(state->errors);
    if (state->handler == nullptr) return nullptr;
  }
  if (!SetEncodeError(state, unicode, start, end, reason)) return nullptr;
  PyObject* result = PyObject_CallOneArg(state->handler, state->exc);
  if (result == nullptr) return nullptr;
  PyObject* replacement;
  Py_ssize_t new_pos;
  if (!ParseResult(result, "encoding error handler must return (str/bytes, int) tuple",
                   /*bytes_ok=*/true, &replacement, &new_pos)) {
    Py_DECREF(result);
    return nullptr;
  }
  if (new_pos < 0) new_pos += size;
  if (new_pos < 0 || new_pos > size) {
    PyErr_Format(PyExc_IndexError, "position %zd from error handler out of bounds", new_pos);
    Py_DECREF(result);
    return nullptr;
  }
  *pos = new_pos;
  Py_INCREF(replacement);
  Py_DECREF(result);
  return replacement;
}

PyObject* RaiseEncodeError(EncodeErrorState* state, PyObject* unicode, Py_ssize_t start,
                           Py_ssize_t end, const char* reason) {
  if (SetEncodeError(state, unicode, start, end, reason)) {
    PyErr_SetObject(PyExc_UnicodeEncodeError, state->exc);
  }
  return nullptr;
}

namespace {

PyObject* SurrogateEscapeMethod(PyObject*, PyObject* exc) {
  Py_ssize_t start, end;
  if (IsA(exc, PyExc_UnicodeDecodeError)) {
    PyObject* object = PyUnicodeDecodeError_GetObject(exc);
    if (object == nullptr) return nullptr;
    if (PyUnicodeDecodeError_GetStart(exc, &start) < 0 ||
        PyUnicodeDecodeError_GetEnd(exc, &end) < 0) {
      Py_DECREF(object);
      return nullptr;
    }
    std::u32string text;
    const auto* bytes = reinterpret_cast<const unsigned char*>(PyBytes_AS_STRING(object));
    for (Py_ssize_t i = start; i < end && i < PyBytes_GET_SIZE(object); ++i) {
      if (bytes[i] < 128) {  // not a byte that UTF-8b escapes
        Py_DECREF(object);
        return RaiseOriginal(exc);
      }
      text.push_back(0xDC00 + bytes[i]);
    }
    Py_DECREF(object);
    return Result(Str(text), end);
  }
  if (IsA(exc, PyExc_UnicodeEncodeError)) {
    std::u32string text;
    if (!EncodeRange(exc, false, &text, &start, &end)) return nullptr;
    std::string bytes;
    for (Py_ssize_t i = start; i < end; ++i) {
      if (text[i] < 0xDC80 || text[i] > 0xDCFF) return RaiseOriginal(exc);
      bytes.push_back(static_cast<char>(text[i] - 0xDC00));
    }
    return Result(PyBytes_FromStringAndSize(bytes.data(), bytes.size()), end);
  }
  return WrongExceptionType(exc);
}

PyObject* SurrogatePassMethod(PyObject*, PyObject* exc) {
  const bool encode = IsA(exc, PyExc_UnicodeEncodeError);
  if (!encode && !IsA(exc, PyExc_UnicodeDecodeError)) return WrongExceptionType(exc);
  PyObject* encoding_object = encode ? PyUnicodeEncodeError_GetEncoding(exc)
                                     : PyUnicodeDecodeError_GetEncoding(exc);
  if (encoding_object == nullptr) return nullptr;
  const char* encoding = PyUnicode_AsUTF8(encoding_object);
  int unit = 0;
  const Utf utf = encoding == nullptr ? Utf::kUnknown : StandardEncoding(encoding, &unit);
  Py_DECREF(encoding_object);
  if (encoding == nullptr) return nullptr;
  if (utf == Utf::kUnknown) return RaiseOriginal(exc);
  Py_ssize_t start, end;
  if (encode) {
    std::u32string text;
    if (!EncodeRange(exc, false, &text, &start, &end)) return nullptr;
    std::string bytes;
    for (Py_ssize_t i = start; i < end; ++i) {
      const char32_t c = text[i];
      if (c < 0xD800 || c > 0xDFFF) return RaiseOriginal(exc);
      unsigned char b[4];
      switch (utf) {
        case Utf::kUtf8:
          b[0] = 0xE0 | (c >> 12), b[1] = 0x80 | ((c >> 6) & 0x3F), b[2] = 0x80 | (c & 0x3F);
          break;
        case Utf::kUtf16Le:
          b[0] = c & 0xFF, b[1] = c >> 8;
          break;
        case Utf::kUtf16Be:
          b[0] = c >> 8, b[1] = c & 0xFF;
          break;
        case Utf::kUtf32Le:
          b[0] = c & 0xFF, b[1] = c >> 8, b[2] = 0, b[3] = 0;
          break;
        default:  // kUtf32Be
          b[0] = 0, b[1] = 0, b[2] = c >> 8, b[3] = c & 0xFF;
          break;
      }
      bytes.append(reinterpret_cast<const char*>(b), unit);
    }
    return Result(PyBytes_FromStringAndSize(bytes.data(), bytes.size()), end);
  }
  PyObject* object = PyUnicodeDecodeError_GetObject(exc);
  if (object == nullptr) return nullptr;
  if (PyUnicodeDecodeError_GetStart(exc, &start) < 0) {
    Py_DECREF(object);
    return nullptr;
  }
  // One surrogate at start; the codec calls again for the next.
  const auto* p = reinterpret_cast<const unsigned char*>(PyBytes_AS_STRING(object)) + start;
  char32_t c = 0;
  if (PyBytes_GET_SIZE(object) - start >= unit) {
    switch (utf) {
      case Utf::kUtf8:
        if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
          c = ((p[0] & 0x0F) << 12) + ((p[1] & 0x3F) << 6) + (p[2] & 0x3F);
        }
        break;
      case Utf::kUtf16Le:
        c = p[1] << 8 | p[0];
        break;
      case Utf::kUtf16Be:
        c = p[0] << 8 | p[1];
        break;
      case Utf::kUtf32Le:
        c = (char32_t(p[3]) << 24) | (p[2] << 16) | (p[1] << 8) | p[0];
        break;
      default:
        c = (char32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
        break;
    }
  }
  Py_DECREF(object);
  if (c < 0xD800 || c > 0xDFFF) return RaiseOriginal(exc);
  return Result(Str(std::u32string(1, c)), start + unit);
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" int PyCodec_RegisterError(const char* name, PyObject* error) {
  if (name == nullptr || error == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  if (!PyCallable_Check(error)) {
    PyErr_SetString(PyExc_TypeError, "handler must be callable");
    return -1;
  }
  Py_DECREF(Register(name, error, /*keep_existing=*/false));
  return 0;
}

extern "C" PyObject* PyCodec_LookupError(const char* name) {
  if (name == nullptr) name = "strict";
  if (PyObject* handler = Registered(name)) return handler;
  for (size_t i = 0; i < std::size(kBuiltinNames); ++i) {
    if (std::strcmp(name, kBuiltinNames[i]) != 0) continue;
    PyObject* function = PyCFunction_NewEx(&kBuiltinHandlers[i], nullptr, nullptr);
    if (function == nullptr) return nullptr;
    PyObject* handler = Register(name, function, /*keep_existing=*/true);
    Py_DECREF(function);
    return handler;
  }
  PyErr_Format(PyExc_LookupError, "unknown error handler name '%.400s'", name);
  return nullptr;
}

extern "C" PyObject* PyCodec_StrictErrors(PyObject* exc) {
  if (PyExceptionInstance_Check(exc)) return RaiseOriginal(exc);
  PyErr_SetString(PyExc_TypeError, "codec must pass exception instance");
  return nullptr;
}

extern "C" PyObject* PyCodec_IgnoreErrors(PyObject* exc) {
  Py_ssize_t end;
  int rc;
  if (IsA(exc, PyExc_UnicodeEncodeError)) {
    rc = PyUnicodeEncodeError_GetEnd(exc, &end);
  } else if (IsA(exc, PyExc_UnicodeDecodeError)) {
    rc = PyUnicodeDecodeError_GetEnd(exc, &end);
  } else if (IsA(exc, PyExc_UnicodeTranslateError)) {
    rc = PyUnicodeTranslateError_GetEnd(exc, &end);
  } else {
    return WrongExceptionType(exc);
  }
  if (rc < 0) return nullptr;
  return Result(Str(U""), end);
}

extern "C" PyObject* PyCodec_ReplaceErrors(PyObject* exc) {
  Py_ssize_t start, end;
  if (IsA(exc, PyExc_UnicodeDecodeError)) {
    if (PyUnicodeDecodeError_GetEnd(exc, &end) < 0) return nullptr;
    return Result(Str(U"\uFFFD"), end);
  }
  const bool encode = IsA(exc, PyExc_UnicodeEncodeError);
  if (!encode && !IsA(exc, PyExc_UnicodeTranslateError)) return WrongExceptionType(exc);
  std::u32string text;
  if (!EncodeRange(exc, !encode, &text, &start, &end)) return nullptr;
  const size_t count = end > start ? static_cast<size_t>(end - start) : 0;
  return Result(Str(std::u32string(count, encode ? U'?' : U'\uFFFD')), end);
}

extern "C" PyObject* PyCodec_XMLCharRefReplaceErrors(PyObject* exc) {
  if (!IsA(exc, PyExc_UnicodeEncodeError)) return WrongExceptionType(exc);
  std::u32string text, out;
  Py_ssize_t start, end;
  if (!EncodeRange(exc, false, &text, &start, &end)) return nullptr;
  for (Py_ssize_t i = start; i < end; ++i) {
    char ref[16];
    std::snprintf(ref, sizeof(ref), "&#%u;", static_cast<unsigned>(text[i]));
    AppendAscii(&out, ref);
  }
  return Result(Str(out), end);
}

extern "C" PyObject* PyCodec_BackslashReplaceErrors(PyObject* exc) {
  std::u32string out;
  Py_ssize_t start, end;
  if (IsA(exc, PyExc_UnicodeDecodeError)) {
    PyObject* object = PyUnicodeDecodeError_GetObject(exc);
    if (object == nullptr) return nullptr;
    if (PyUnicodeDecodeError_GetStart(exc, &start) < 0 ||
        PyUnicodeDecodeError_GetEnd(exc, &end) < 0) {
      Py_DECREF(object);
      return nullptr;
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(PyBytes_AS_STRING(object));
    for (Py_ssize_t i = start; i < end; ++i) AppendBackslashEscape(&out, bytes[i]);
    Py_DECREF(object);
    return Result(Str(out), end);
  }
  const bool encode = IsA(exc, PyExc_UnicodeEncodeError);
  if (!encode && !IsA(exc, PyExc_UnicodeTranslateError)) return WrongExceptionType(exc);
  std::u32string text;
  if (!EncodeRange(exc, !encode, &text, &start, &end)) return nullptr;
  for (Py_ssize_t i = start; i < end; ++i) AppendBackslashEscape(&out, text[i]);
  return Result(Str(out), end);
}

extern "C" PyObject* PyCodec_NameReplaceErrors(PyObject* exc) {
  if (!IsA(exc, PyExc_UnicodeEncodeError)) return WrongExceptionType(exc);
  std::u32string text, out;
  Py_ssize_t start, end;
  if (!EncodeRange(exc, false, &text, &start, &end)) return nullptr;
  for (Py_ssize_t i = start; i < end; ++i) {
    std::string name;
    if (UnicodeCharacterName(text[i], &name)) {
      AppendAscii(&out, "\\N{");
      AppendAscii(&out, name.c_str());
      AppendAscii(&out, "}");
    } else {
      AppendBackslashEscape(&out, text[i]);
    }
  }
  return Result(Str(out), end);
}
