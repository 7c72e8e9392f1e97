// The codec registry (codecs.h): search functions (PyCodec_Register/Unregister), lookups
// (CodecInfo objects, cached), PyCodec_Encode/Decode/Encoder/Decoder/KnownEncoding, and the
// built-in codecs' CodecInfo objects with their encode and decode functions
// (utf_8_encode...).
//
// Owns: g_search (the registered search functions, pinned, in registration order), g_cache
// (found codecs by normalised name, pinned; cleared by Unregister), g_builtin (one CodecInfo
// per built-in codec, made on first lookup, pinned). Released at Py_Finalize
// (ReleaseCodecRegistry).
//
// Invariant: the three are read and written only under g_registry_mu, taken inside a native
// region; under it nothing allocates on the heap nor calls extension code (search functions
// are called on a copy of the list, outside it).
//
// As CPython 3.11: a name is normalised (lower case, ' ' and '-' as '_') before it is given
// to search functions; the built-in codecs come first (CPython's `encodings` search function
// is registered first), found by the names `encodings` knows. A CodecInfo is a tuple
// subclass (encode, decode, streamreader, streamwriter) with the attributes name, encode,
// decode, incrementalencoder, incrementaldecoder, streamreader, streamwriter and
// _is_text_encoding. Where Pinion differs: the stream and incremental classes are None (no
// `codecs` module); only the codecs of unicode_codecs.h are built in.
//
// Threads: any attached thread.
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "compat/runtime/runtime.h"
#include "compat/runtime/unicode_codecs.h"

namespace pinion::compat {
namespace {

std::mutex g_registry_mu;
std::vector<PyObject*> g_search;                 // under g_registry_mu
std::map<std::string, PyObject*> g_cache;        // under g_registry_mu
PyObject* g_builtin[kCodecCount] = {};           // under g_registry_mu

std::unique_lock<std::mutex> LockRegistry() {
  std::unique_lock<std::mutex> lock(g_registry_mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    PyThreadState* state = PyEval_SaveThread();
    lock.lock();
    PyEval_RestoreThread(state);
  }
  return lock;
}

// ---- CodecInfo: a tuple of 4 visible items, and 4 more slots after them -------------------
// (name, incrementalencoder, incrementaldecoder, _is_text_encoding), traced and released
// with the items.

constexpr Py_ssize_t kVisible = 4;
constexpr Py_ssize_t kSlots = 8;
enum Slot { kEncode, kDecode, kReader, kWriter, kName, kIncEncoder, kIncDecoder, kIsText };

PyObject** Slots(PyObject* info) { return reinterpret_cast<PyTupleObject*>(info)->ob_item; }

int CodecInfoTraverse(PyObject* self, visitproc visit, void* arg) {
  for (Py_ssize_t i = 0; i < kSlots; ++i) Py_VISIT(Slots(self)[i]);
  return 0;
}

void CodecInfoDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  for (Py_ssize_t i = 0; i < kSlots; ++i) Py_CLEAR(Slots(self)[i]);
  Py_TYPE(self)->tp_free(self);
}

template <Slot slot>
PyObject* GetSlot(PyObject* self, void*) {
  return Py_NewRef(Slots(self)[slot]);
}

PyGetSetDef kCodecInfoGetSet[] = {
    {"name", &GetSlot<kName>, nullptr, nullptr, nullptr},
    {"encode", &GetSlot<kEncode>, nullptr, nullptr, nullptr},
    {"decode", &GetSlot<kDecode>, nullptr, nullptr, nullptr},
    {"streamreader", &GetSlot<kReader>, nullptr, nullptr, nullptr},
    {"streamwriter", &GetSlot<kWriter>, nullptr, nullptr, nullptr},
    {"incrementalencoder", &GetSlot<kIncEncoder>, nullptr, nullptr, nullptr},
    {"incrementaldecoder", &GetSlot<kIncDecoder>, nullptr, nullptr, nullptr},
    {"_is_text_encoding", &GetSlot<kIsText>, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyTypeObject g_codec_info_type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "codecs.CodecInfo",
    .tp_basicsize = offsetof(PyTupleObject, ob_item),
    .tp_itemsize = sizeof(PyObject*),
    .tp_dealloc = &CodecInfoDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_TUPLE_SUBCLASS,
    .tp_doc = "A codec's functions: (encode, decode, streamreader, streamwriter).",
    .tp_traverse = &CodecInfoTraverse,
    .tp_getset = kCodecInfoGetSet,
    .tp_base = &PyTuple_Type,
    .tp_free = &PyObject_GC_Del,
};

// ---- The built-in codecs' functions -------------------------------------------------------
// Called with self = the codec's number (an int): encode(str, errors=None) -> (bytes,
// length), decode(bytes-like, errors=None) -> (str, length), as the functions CPython's
// CodecInfo objects hold (decoding final, as encodings.utf_8.decode).

Codec SelfCodec(PyObject* self) { return static_cast<Codec>(PyLong_AsLong(self)); }

// "U|z:utf_8_encode"...: the format naming the function in argument errors, as CPython's.
std::string Format(const char* arguments, PyObject* self, int which);

PyObject* BuiltinEncode(PyObject* self, PyObject* args) {
  PyObject* str;
  const char* errors = nullptr;
  if (!PyArg_ParseTuple(args, Format("U|z", self, 0).c_str(), &str, &errors)) return nullptr;
  PyObject* bytes = EncodeText(SelfCodec(self), str, errors);
  if (bytes == nullptr) return nullptr;
  return Py_BuildValue("(Nn)", bytes, PyUnicode_GetLength(str));
}

PyObject* BuiltinDecode(PyObject* self, PyObject* args) {
  Py_buffer data;
  const char* errors = nullptr;
  if (!PyArg_ParseTuple(args, Format("y*|z", self, 1).c_str(), &data, &errors)) return nullptr;
  PyObject* str = DecodeText(SelfCodec(self), static_cast<const char*>(data.buf), data.len,
                             errors);
  const Py_ssize_t length = data.len;
  PyBuffer_Release(&data);
  if (str == nullptr) return nullptr;
  return Py_BuildValue("(Nn)", str, length);
}

#define PINION_CODEC_FUNCTIONS(name)                                   \
  {name "_encode", &BuiltinEncode, METH_VARARGS, nullptr},             \
  {                                                                    \
    name "_decode", &BuiltinDecode, METH_VARARGS, nullptr              \
  }
// Two per codec, in Codec's order.
PyMethodDef kBuiltinFunctions[2 * kCodecCount] = {
    PINION_CODEC_FUNCTIONS("utf_8"),     PINION_CODEC_FUNCTIONS("latin_1"),
    PINION_CODEC_FUNCTIONS("ascii"),     PINION_CODEC_FUNCTIONS("utf_16"),
    PINION_CODEC_FUNCTIONS("utf_16_le"), PINION_CODEC_FUNCTIONS("utf_16_be"),
    PINION_CODEC_FUNCTIONS("utf_32"),    PINION_CODEC_FUNCTIONS("utf_32_le"),
    PINION_CODEC_FUNCTIONS("utf_32_be"), PINION_CODEC_FUNCTIONS("unicode_escape"),
    PINION_CODEC_FUNCTIONS("raw_unicode_escape"),
};
#undef PINION_CODEC_FUNCTIONS

std::string Format(const char* arguments, PyObject* self, int which) {
  return std::string(arguments) + ":" +
         kBuiltinFunctions[2 * static_cast<int>(SelfCodec(self)) + which].ml_name;
}

// A new CodecInfo of the built-in `codec`.
PyObject* NewBuiltinInfo(Codec codec) {
  const int index = static_cast<int>(codec);
  const size_t bytes = VarSize(&g_codec_info_type, kSlots);
  if (bytes == 0) return nullptr;
  PyObject* info = AllocObject(&g_codec_info_type, bytes, /*gc=*/true);
  if (info == nullptr) return nullptr;
  Py_SET_SIZE(info, kVisible);
  PyObject_GC_Track(info);
  PyObject* self = PyLong_FromLong(index);
  if (self == nullptr) {
    Py_DECREF(info);
    return nullptr;
  }
  PyObject** slots = Slots(info);
  slots[kEncode] = PyCFunction_NewEx(&kBuiltinFunctions[2 * index], self, nullptr);
  slots[kDecode] = PyCFunction_NewEx(&kBuiltinFunctions[2 * index + 1], self, nullptr);
  Py_DECREF(self);
  slots[kReader] = Py_NewRef(Py_None);
  slots[kWriter] = Py_NewRef(Py_None);
  slots[kName] = PyUnicode_FromString(CodecName(codec));
  slots[kIncEncoder] = Py_NewRef(Py_None);
  slots[kIncDecoder] = Py_NewRef(Py_None);
  slots[kIsText] = Py_NewRef(Py_True);
  for (Py_ssize_t i = 0; i < kSlots; ++i) {
    if (slots[i] == nullptr) {
      Py_DECREF(info);
      return nullptr;
    }
  }
  return info;
}

PyObject* BuiltinInfo(Codec codec) {
  const int index = static_cast<int>(codec);
  {
    auto lock = LockRegistry();
    if (g_builtin[index] != nullptr) return Py_NewRef(g_builtin[index]);
  }
  PyObject* info = NewBuiltinInfo(codec);
  if (info == nullptr) return nullptr;
  PyObject* dropped = nullptr;
  {
    auto lock = LockRegistry();
    if (g_builtin[index] == nullptr) {
      g_builtin[index] = Py_NewRef(info);
    } else {  // another thread made one first: use it
      dropped = info;
      info = Py_NewRef(g_builtin[index]);
    }
  }
  Py_XDECREF(dropped);
  return info;
}

// CPython's normalizestring: lower case, spaces and hyphens as underscores.
std::string NormalizeForSearch(const char* encoding) {
  std::string out(encoding);
  for (char& c : out) {
    if (c == ' ' || c == '-') {
      c = '_';
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
    }
  }
  return out;
}

// The codec `encoding` names: a new reference to its CodecInfo (or the 4-tuple a search
// function returned), or nullptr with LookupError (or the search function's exception).
PyObject* Lookup(const char* encoding) {
  if (encoding == nullptr) {
    PyErr_BadArgument();
    return nullptr;
  }
  const std::string key = NormalizeForSearch(encoding);
  Codec codec;
  if (FindBuiltinCodec(key, &codec)) return BuiltinInfo(codec);
  std::vector<PyObject*> search;
  {
    auto lock = LockRegistry();
    auto it = g_cache.find(key);
    if (it != g_cache.end()) return Py_NewRef(it->second);
    search = g_search;
    for (PyObject* f : search) Py_INCREF(f);
  }
  PyObject* found = nullptr;
  PyObject* name = PyUnicode_FromStringAndSize(key.data(), static_cast<Py_ssize_t>(key.size()));
  bool failed = name == nullptr;
  for (size_t i = 0; !failed && found == nullptr && i < search.size(); ++i) {
    PyObject* result = PyObject_CallOneArg(search[i], name);
    if (result == nullptr) {
      failed = true;
    } else if (result == Py_None) {
      Py_DECREF(result);
    } else if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) != 4) {
      PyErr_SetString(PyExc_TypeError, "codec search functions must return 4-tuples");
      Py_DECREF(result);
      failed = true;
    } else {
      found = result;
    }
  }
  Py_XDECREF(name);
  for (PyObject* f : search) Py_DECREF(f);
  if (failed) return nullptr;
  if (found == nullptr) {
    PyErr_Format(PyExc_LookupError, "unknown encoding: %s", encoding);
    return nullptr;
  }
  PyObject* dropped = nullptr;
  {
    auto lock = LockRegistry();
    auto [it, inserted] = g_cache.emplace(key, found);
    if (inserted) {
      Py_INCREF(found);
    } else {
      dropped = found;
      found = Py_NewRef(it->second);
    }
  }
  Py_XDECREF(dropped);
  return found;
}

// Item `i` of the codec `encoding` names, a new reference.
PyObject* LookupItem(const char* encoding, Py_ssize_t i) {
  PyObject* codec = Lookup(encoding);
  if (codec == nullptr) return nullptr;
  PyObject* item = Py_NewRef(PyTuple_GET_ITEM(codec, i));
  Py_DECREF(codec);
  return item;
}

// CPython's wrapping of a plain exception a codec raised ("encoding with 'x' codec failed
// (TypeError: ...)"), the original as its cause; exceptions with more state stay as they are.
void WrapCodecError(const char* operation, const char* encoding) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  auto* t = reinterpret_cast<PyTypeObject*>(type);
  auto* base = reinterpret_cast<PyTypeObject*>(PyExc_Exception);
  if (value == nullptr || t->tp_init != base->tp_init || t->tp_new != base->tp_new ||
      t->tp_basicsize != base->tp_basicsize) {
    PyErr_Restore(type, value, traceback);
    return;
  }
  PyObject* text = PyObject_Str(value);
  if (text == nullptr) {
    PyErr_Clear();
    PyErr_Restore(type, value, traceback);
    return;
  }
  PyErr_Format(type, "%s with '%s' codec failed (%s: %U)", operation, encoding, t->tp_name,
               text);
  Py_DECREF(text);
  PyObject *new_type, *new_value, *new_traceback;
  PyErr_Fetch(&new_type, &new_value, &new_traceback);
  PyErr_NormalizeException(&new_type, &new_value, &new_traceback);
  PyException_SetCause(new_value, value);  // steals value
  PyException_SetContext(new_value, Py_NewRef(value));
  Py_DECREF(type);
  Py_XDECREF(traceback);
  PyErr_Restore(new_type, new_value, new_traceback);
}

// encoder/decoder(object[, errors])[0], with CPython's checks.
PyObject* Apply(PyObject* function, PyObject* object, const char* encoding,
                const char* errors, bool encode) {
  PyObject* result = errors != nullptr ? PyObject_CallFunction(function, "Os", object, errors)
                                       : PyObject_CallOneArg(function, object);
  Py_DECREF(function);
  if (result == nullptr) {
    WrapCodecError(encode ? "encoding" : "decoding", encoding);
    return nullptr;
  }
  if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) != 2) {
    PyErr_SetString(PyExc_TypeError, encode ? "encoder must return a tuple (object, integer)"
                                            : "decoder must return a tuple (object,integer)");
    Py_DECREF(result);
    return nullptr;
  }
  PyObject* v = Py_NewRef(PyTuple_GET_ITEM(result, 0));
  Py_DECREF(result);
  return v;
}

// CPython's _PyCodec_LookupTextEncoding: the codec, refused (LookupError) when it declares
// itself not a text encoding.
PyObject* LookupText(const char* encoding, const char* alternate) {
  PyObject* codec = Lookup(encoding);
  if (codec == nullptr) return nullptr;
  if (!PyTuple_CheckExact(codec)) {
    PyObject* is_text = PyObject_GetAttrString(codec, "_is_text_encoding");
    int truth = 1;
    if (is_text == nullptr) {
      if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
        Py_DECREF(codec);
        return nullptr;
      }
      PyErr_Clear();
    } else {
      truth = PyObject_IsTrue(is_text);
      Py_DECREF(is_text);
    }
    if (truth <= 0) {
      Py_DECREF(codec);
      if (truth == 0) {
        PyErr_Format(PyExc_LookupError,
                     "'%.400s' is not a text encoding; use %s to handle arbitrary codecs",
                     encoding, alternate);
      }
      return nullptr;
    }
  }
  return codec;
}

}  // namespace

void ReleaseCodecRegistry() {
  std::vector<PyObject*> released;
  {
    auto lock = LockRegistry();
    released.swap(g_search);
    for (auto& [name, codec] : g_cache) released.push_back(codec);
    g_cache.clear();
    for (PyObject*& info : g_builtin) {
      if (info != nullptr) released.push_back(info);
      info = nullptr;
    }
  }
  for (PyObject* o : released) Py_DECREF(o);
}

// CPython's fast paths of PyUnicode_Decode and AsEncodedString: the codecs they call
// directly (other names go through the registry, which re-raises plain exceptions wrapped).
bool FastPath(const char* encoding, Codec* codec) {
  std::string lower(encoding);
  for (char& c : lower) c = c == '-' ? '_' : (c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  if (lower.compare(0, 3, "utf") == 0) {
    std::string rest = lower.substr(lower.size() > 3 && lower[3] == '_' ? 4 : 3);
    if (rest == "8") return *codec = Codec::kUtf8, true;
    if (rest == "16") return *codec = Codec::kUtf16, true;
    if (rest == "32") return *codec = Codec::kUtf32, true;
    return false;
  }
  if (lower == "ascii" || lower == "us_ascii") return *codec = Codec::kAscii, true;
  if (lower == "latin1" || lower == "latin_1" || lower == "iso_8859_1" || lower == "iso8859_1") {
    return *codec = Codec::kLatin1, true;
  }
  return false;
}

PyObject* DecodeWithEncoding(const char* data, Py_ssize_t size, const char* encoding,
                             const char* errors) {
  if (encoding == nullptr) encoding = "utf-8";
  Codec codec;
  if (FastPath(encoding, &codec)) return DecodeText(codec, data, size, errors);
  if (FindBuiltinCodec(NormalizeForSearch(encoding), &codec)) {
    PyObject* str = DecodeText(codec, data, size, errors);
    if (str == nullptr) WrapCodecError("decoding", encoding);
    return str;
  }
  Py_buffer info;
  if (PyBuffer_FillInfo(&info, nullptr, const_cast<char*>(data), size, 1, PyBUF_FULL_RO) < 0) {
    return nullptr;
  }
  PyObject* buffer = PyMemoryView_FromBuffer(&info);
  if (buffer == nullptr) return nullptr;
  PyObject* codec_info = LookupText(encoding, "codecs.decode()");
  PyObject* str = nullptr;
  if (codec_info != nullptr) {
    PyObject* decoder = Py_NewRef(PyTuple_GET_ITEM(codec_info, 1));
    Py_DECREF(codec_info);
    str = Apply(decoder, buffer, encoding, errors, /*encode=*/false);
  }
  Py_DECREF(buffer);
  if (str != nullptr && !PyUnicode_Check(str)) {
    PyErr_Format(PyExc_TypeError,
                 "'%.400s' decoder returned '%.400s' instead of 'str'; use codecs.decode() "
                 "to decode to arbitrary types",
                 encoding, Py_TYPE(str)->tp_name);
    Py_CLEAR(str);
  }
  return str;
}

PyObject* EncodeWithEncoding(PyObject* unicode, const char* encoding, const char* errors) {
  if (unicode == nullptr || !PyUnicode_Check(unicode)) {
    PyErr_BadArgument();
    return nullptr;
  }
  if (encoding == nullptr) encoding = "utf-8";
  Codec codec;
  if (FastPath(encoding, &codec)) return EncodeText(codec, unicode, errors);
  if (FindBuiltinCodec(NormalizeForSearch(encoding), &codec)) {
    PyObject* bytes = EncodeText(codec, unicode, errors);
    if (bytes == nullptr) WrapCodecError("encoding", encoding);
    return bytes;
  }
  PyObject* codec_info = LookupText(encoding, "codecs.encode()");
  if (codec_info == nullptr) return nullptr;
  PyObject* encoder = Py_NewRef(PyTuple_GET_ITEM(codec_info, 0));
  Py_DECREF(codec_info);
  PyObject* v = Apply(encoder, unicode, encoding, errors, /*encode=*/true);
  if (v == nullptr || PyBytes_Check(v)) return v;
  if (PyByteArray_Check(v)) {
    if (PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                         "encoder %s returned bytearray instead of bytes; use codecs.encode() "
                         "to encode to arbitrary types",
                         encoding) < 0) {
      Py_DECREF(v);
      return nullptr;
    }
    PyObject* b = PyBytes_FromStringAndSize(PyByteArray_AS_STRING(v), PyByteArray_GET_SIZE(v));
    Py_DECREF(v);
    return b;
  }
  PyErr_Format(PyExc_TypeError,
               "'%.400s' encoder returned '%.400s' instead of 'bytes'; use codecs.encode() to "
               "encode to arbitrary types",
               encoding, Py_TYPE(v)->tp_name);
  Py_DECREF(v);
  return nullptr;
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" int PyCodec_Register(PyObject* search_function) {
  if (search_function == nullptr) {
    PyErr_BadArgument();
    return -1;
  }
  if (!PyCallable_Check(search_function)) {
    PyErr_SetString(PyExc_TypeError, "argument must be callable");
    return -1;
  }
  auto lock = LockRegistry();
  g_search.push_back(Py_NewRef(search_function));
  return 0;
}

extern "C" int PyCodec_Unregister(PyObject* search_function) {
  PyObject* removed = nullptr;
  std::vector<PyObject*> cached;
  {
    auto lock = LockRegistry();
    auto it = std::find(g_search.begin(), g_search.end(), search_function);
    if (it != g_search.end()) {
      removed = *it;
      g_search.erase(it);
      for (auto& [name, codec] : g_cache) cached.push_back(codec);
      g_cache.clear();
    }
  }
  Py_XDECREF(removed);
  for (PyObject* o : cached) Py_DECREF(o);
  return 0;
}

extern "C" int PyCodec_KnownEncoding(const char* encoding) {
  PyObject* codec = Lookup(encoding);
  if (codec == nullptr) {
    PyErr_Clear();
    return 0;
  }
  Py_DECREF(codec);
  return 1;
}

extern "C" PyObject* PyCodec_Encoder(const char* encoding) { return LookupItem(encoding, 0); }
extern "C" PyObject* PyCodec_Decoder(const char* encoding) { return LookupItem(encoding, 1); }

extern "C" PyObject* PyCodec_Encode(PyObject* object, const char* encoding,
                                    const char* errors) {
  PyObject* encoder = PyCodec_Encoder(encoding);
  if (encoder == nullptr) return nullptr;
  return Apply(encoder, object, encoding, errors, /*encode=*/true);
}

extern "C" PyObject* PyCodec_Decode(PyObject* object, const char* encoding,
                                    const char* errors) {
  PyObject* decoder = PyCodec_Decoder(encoding);
  if (decoder == nullptr) return nullptr;
  return Apply(decoder, object, encoding, errors, /*encode=*/false);
}
