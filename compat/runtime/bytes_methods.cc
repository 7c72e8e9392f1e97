// The Python-level methods of bytes and bytearray (their tp_methods) that extension code
// calls through PyObject_CallMethod: hex, fromhex, startswith, endswith, find, rfind, index,
// count, replace, split, strip/lstrip/rstrip, lower, upper, join, and bytearray's append,
// extend, pop, clear and copy. decode() is not here (the codecs' file has it).
//
// Owns: nothing: each method reads its object's bytes (bytes: immutable; bytearray: ob_bytes,
// re-read after any call that may run code) and returns a new object of the receiver's kind
// (bytes for bytes, bytearray for bytearray), with CPython 3.11's argument errors.
//
// Threads: any attached thread; a bytearray changed by one thread while another calls its
// methods is the caller's race to avoid (there is no GIL).
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"
#include "compat/runtime/unicode_codecs.h"

namespace pinion::compat {
namespace {

// The receiver's bytes (valid until the next call that may run Python-level code).
std::string_view Data(PyObject* self) {
  if (PyByteArray_Check(self)) {
    return {PyByteArray_AS_STRING(self), static_cast<size_t>(PyByteArray_GET_SIZE(self))};
  }
  return {PyBytes_AS_STRING(self), static_cast<size_t>(PyBytes_GET_SIZE(self))};
}

// A new object of the receiver's kind holding `data`.
PyObject* Make(PyObject* self, std::string_view data) {
  const auto size = static_cast<Py_ssize_t>(data.size());
  return PyByteArray_Check(self) ? PyByteArray_FromStringAndSize(data.data(), size)
                                 : PyBytes_FromStringAndSize(data.data(), size);
}

// A bytes-like argument, held (and released) for the method's duration.
class BytesArg {
 public:
  BytesArg() = default;
  BytesArg(const BytesArg&) = delete;
  BytesArg& operator=(const BytesArg&) = delete;
  ~BytesArg() {
    if (held_) PyBuffer_Release(&view_);
  }
  // False with TypeError ("a bytes-like object is required, not 'T'") if `o` exports none.
  bool Get(PyObject* o) {
    if (PyObject_GetBuffer(o, &view_, PyBUF_SIMPLE) < 0) {
      PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.100s'",
                   Py_TYPE(o)->tp_name);
      return false;
    }
    held_ = true;
    return true;
  }
  std::string_view view() const {
    return {static_cast<const char*>(view_.buf), static_cast<size_t>(view_.len)};
  }

 private:
  Py_buffer view_{};
  bool held_ = false;
};

// A start or end argument (None: keep *out); TypeError as CPython's _PyEval_SliceIndex.
bool SliceIndex(PyObject* o, Py_ssize_t* out) {
  if (o == nullptr || o == Py_None) return true;
  if (!PyIndex_Check(o)) {
    PyErr_SetString(PyExc_TypeError,
                    "slice indices must be integers or None or have an __index__ method");
    return false;
  }
  *out = PyNumber_AsSsize_t(o, nullptr);
  return !(*out == -1 && PyErr_Occurred());
}

// Clamps start and end to [0, len] as slices do (CPython's ADJUST_INDICES).
void Adjust(Py_ssize_t len, Py_ssize_t* start, Py_ssize_t* end) {
  if (*end > len) {
    *end = len;
  } else if (*end < 0) {
    *end = std::max<Py_ssize_t>(*end + len, 0);
  }
  if (*start < 0) *start = std::max<Py_ssize_t>(*start + len, 0);
}

// A byte value argument (an integer in range(0, 256)); false with an exception set.
bool ByteValue(PyObject* o, int* out) {
  const Py_ssize_t value = PyNumber_AsSsize_t(o, nullptr);
  if (value == -1 && PyErr_Occurred()) return false;
  if (value < 0 || value >= 256) {
    PyErr_SetString(PyExc_ValueError, "byte must be in range(0, 256)");
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

// ---- Searching -----------------------------------------------------------------------------

enum class Search { kFind, kRFind, kIndex, kRIndex, kCount };

// find/rfind/index/rindex/count(sub[, start[, end]]): sub is bytes-like or a byte value.
PyObject* SearchMethod(PyObject* self, PyObject* args, Search kind, const char* format) {
  PyObject *sub, *start_arg = nullptr, *end_arg = nullptr;
  if (!PyArg_ParseTuple(args, format, &sub, &start_arg, &end_arg)) return nullptr;
  Py_ssize_t start = 0, end = PY_SSIZE_T_MAX;
  if (!SliceIndex(start_arg, &start) || !SliceIndex(end_arg, &end)) return nullptr;
  BytesArg arg;
  std::string needle;
  if (PyIndex_Check(sub)) {
    int byte;
    if (!ByteValue(sub, &byte)) return nullptr;
    needle.assign(1, static_cast<char>(byte));
  } else if (PyObject_CheckBuffer(sub)) {
    if (!arg.Get(sub)) return nullptr;
    needle.assign(arg.view());
  } else {
    PyErr_Format(PyExc_TypeError, "argument should be integer or bytes-like object, not '%.200s'",
                 Py_TYPE(sub)->tp_name);
    return nullptr;
  }
  const std::string_view data = Data(self);
  const auto len = static_cast<Py_ssize_t>(data.size());
  Adjust(len, &start, &end);
  const auto n = static_cast<Py_ssize_t>(needle.size());
  if (kind == Search::kCount) {
    if (start > len || end - start < n) return PyLong_FromLong(0);
    if (n == 0) return PyLong_FromSsize_t(end - start + 1);
    Py_ssize_t count = 0;
    const std::string_view window = data.substr(start, end - start);
    for (size_t at = window.find(needle); at != window.npos; at = window.find(needle, at + n)) {
      ++count;
    }
    return PyLong_FromSsize_t(count);
  }
  Py_ssize_t found = -1;
  if (start <= len && end - start >= n) {
    const std::string_view window = data.substr(start, end - start);
    const size_t at = (kind == Search::kFind || kind == Search::kIndex) ? window.find(needle)
                                                                         : window.rfind(needle);
    if (at != window.npos) found = start + static_cast<Py_ssize_t>(at);
  }
  if (found < 0 && (kind == Search::kIndex || kind == Search::kRIndex)) {
    PyErr_SetString(PyExc_ValueError, "subsection not found");
    return nullptr;
  }
  return PyLong_FromSsize_t(found);
}

PyObject* Find(PyObject* self, PyObject* args) {
  return SearchMethod(self, args, Search::kFind, "O|OO:find");
}
PyObject* RFind(PyObject* self, PyObject* args) {
  return SearchMethod(self, args, Search::kRFind, "O|OO:rfind");
}
PyObject* Index(PyObject* self, PyObject* args) {
  return SearchMethod(self, args, Search::kIndex, "O|OO:index");
}
PyObject* RIndex(PyObject* self, PyObject* args) {
  return SearchMethod(self, args, Search::kRIndex, "O|OO:rindex");
}
PyObject* Count(PyObject* self, PyObject* args) {
  return SearchMethod(self, args, Search::kCount, "O|OO:count");
}

// startswith/endswith(prefix or tuple of prefixes[, start[, end]]).
PyObject* TailMatch(PyObject* self, PyObject* args, bool at_end, const char* name) {
  PyObject *sub, *start_arg = nullptr, *end_arg = nullptr;
  const std::string format = std::string("O|OO:") + name;
  if (!PyArg_ParseTuple(args, format.c_str(), &sub, &start_arg, &end_arg)) return nullptr;
  Py_ssize_t start = 0, end = PY_SSIZE_T_MAX;
  if (!SliceIndex(start_arg, &start) || !SliceIndex(end_arg, &end)) return nullptr;
  const bool tuple = PyTuple_Check(sub);
  if (!tuple && !PyObject_CheckBuffer(sub)) {
    PyErr_Format(PyExc_TypeError, "%s first arg must be bytes or a tuple of bytes, not %s", name,
                 Py_TYPE(sub)->tp_name);
    return nullptr;
  }
  const Py_ssize_t count = tuple ? PyTuple_GET_SIZE(sub) : 1;
  for (Py_ssize_t i = 0; i < count; ++i) {
    BytesArg arg;
    if (!arg.Get(tuple ? PyTuple_GET_ITEM(sub, i) : sub)) return nullptr;
    const std::string_view data = Data(self);
    const std::string_view affix = arg.view();
    const auto len = static_cast<Py_ssize_t>(data.size());
    const auto n = static_cast<Py_ssize_t>(affix.size());
    Py_ssize_t s = start, e = end;
    Adjust(len, &s, &e);
    if (s > len || e - s < n) continue;
    const Py_ssize_t at = at_end ? e - n : s;
    if (data.substr(at, n) == affix) Py_RETURN_TRUE;
  }
  Py_RETURN_FALSE;
}

PyObject* StartsWith(PyObject* self, PyObject* args) { return TailMatch(self, args, false, "startswith"); }
PyObject* EndsWith(PyObject* self, PyObject* args) { return TailMatch(self, args, true, "endswith"); }

// ---- Transforming ----------------------------------------------------------------------------

PyObject* Replace(PyObject* self, PyObject* args) {
  PyObject *old_arg, *new_arg;
  Py_ssize_t count = -1;
  if (!PyArg_ParseTuple(args, "OO|n:replace", &old_arg, &new_arg, &count)) return nullptr;
  BytesArg old_bytes, new_bytes;
  if (!old_bytes.Get(old_arg) || !new_bytes.Get(new_arg)) return nullptr;
  const std::string_view data = Data(self);
  const std::string_view from = old_bytes.view(), to = new_bytes.view();
  if (count < 0) count = PY_SSIZE_T_MAX;
  std::string out;
  size_t at = 0;
  if (from.empty()) {  // `to` before every byte and at the end, `count` times at most
    for (; at <= data.size() && count > 0; --count) {
      out += to;
      if (at < data.size()) out += data[at];
      ++at;
    }
    if (at < data.size()) out += data.substr(at);
  } else {
    for (; count > 0; --count) {
      const size_t found = data.find(from, at);
      if (found == data.npos) break;
      out += data.substr(at, found - at);
      out += to;
      at = found + from.size();
    }
    out += data.substr(at);
  }
  return Make(self, out);
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c';
}

PyObject* Split(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const char* kwlist[] = {"sep", "maxsplit", nullptr};
  PyObject* sep_arg = Py_None;
  PyObject* maxsplit_arg = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO:split", const_cast<char**>(kwlist),
                                   &sep_arg, &maxsplit_arg)) {
    return nullptr;
  }
  Py_ssize_t maxsplit = -1;
  if (maxsplit_arg != nullptr) {
    maxsplit = PyNumber_AsSsize_t(maxsplit_arg, PyExc_OverflowError);
    if (maxsplit == -1 && PyErr_Occurred()) return nullptr;
  }
  if (maxsplit < 0) maxsplit = PY_SSIZE_T_MAX;
  BytesArg sep_bytes;
  if (sep_arg != Py_None && !sep_bytes.Get(sep_arg)) return nullptr;
  const std::string_view data = Data(self);
  std::vector<std::string_view> parts;
  if (sep_arg == Py_None) {
    size_t i = 0;
    while (true) {
      while (i < data.size() && IsSpace(data[i])) ++i;
      if (i == data.size()) break;
      if (static_cast<Py_ssize_t>(parts.size()) == maxsplit) {
        parts.push_back(data.substr(i));  // the rest, trailing whitespace and all
        break;
      }
      size_t j = i;
      while (j < data.size() && !IsSpace(data[j])) ++j;
      parts.push_back(data.substr(i, j - i));
      i = j;
    }
  } else {
    const std::string_view sep = sep_bytes.view();
    if (sep.empty()) {
      PyErr_SetString(PyExc_ValueError, "empty separator");
      return nullptr;
    }
    size_t at = 0;
    for (Py_ssize_t n = 0; n < maxsplit; ++n) {
      const size_t found = data.find(sep, at);
      if (found == data.npos) break;
      parts.push_back(data.substr(at, found - at));
      at = found + sep.size();
    }
    parts.push_back(data.substr(at));
  }
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(parts.size()));
  if (list == nullptr) return nullptr;
  for (size_t i = 0; i < parts.size(); ++i) {
    PyObject* part = Make(self, parts[i]);
    if (part == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), part);
  }
  return list;
}

// strip/lstrip/rstrip([bytes]): ASCII whitespace when `bytes` is None or absent.
PyObject* StripMethod(PyObject* self, PyObject* args, bool left, bool right, const char* format) {
  PyObject* chars_arg = Py_None;
  if (!PyArg_ParseTuple(args, format, &chars_arg)) return nullptr;
  BytesArg chars_bytes;
  if (chars_arg != Py_None && !chars_bytes.Get(chars_arg)) return nullptr;
  const std::string_view chars = chars_arg != Py_None ? chars_bytes.view() : " \t\n\r\x0b\x0c";
  std::string_view data = Data(self);
  size_t begin = 0, end = data.size();
  if (left) {
    while (begin < end && chars.find(data[begin]) != chars.npos) ++begin;
  }
  if (right) {
    while (end > begin && chars.find(data[end - 1]) != chars.npos) --end;
  }
  if (PyBytes_CheckExact(self) && begin == 0 && end == data.size()) return Py_NewRef(self);
  return Make(self, data.substr(begin, end - begin));
}

PyObject* Strip(PyObject* self, PyObject* args) { return StripMethod(self, args, true, true, "|O:strip"); }
PyObject* LStrip(PyObject* self, PyObject* args) { return StripMethod(self, args, true, false, "|O:lstrip"); }
PyObject* RStrip(PyObject* self, PyObject* args) { return StripMethod(self, args, false, true, "|O:rstrip"); }

PyObject* ChangeCase(PyObject* self, bool upper) {
  std::string data(Data(self));
  for (char& c : data) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Make(self, data);
}

PyObject* Lower(PyObject* self, PyObject*) { return ChangeCase(self, false); }
PyObject* Upper(PyObject* self, PyObject*) { return ChangeCase(self, true); }

PyObject* Join(PyObject* self, PyObject* iterable) {
  PyObject* items = PySequence_Fast(iterable, "can only join an iterable");
  if (items == nullptr) return nullptr;
  std::string out;
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PySequence_Fast_GET_ITEM(items, i);
    Py_buffer view;
    if (PyObject_GetBuffer(item, &view, PyBUF_SIMPLE) < 0) {
      PyErr_Format(PyExc_TypeError, "sequence item %zd: expected a bytes-like object, %.80s found",
                   i, Py_TYPE(item)->tp_name);
      Py_DECREF(items);
      return nullptr;
    }
    if (i > 0) out += Data(self);
    out.append(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
    PyBuffer_Release(&view);
  }
  Py_DECREF(items);
  return Make(self, out);
}

// hex([sep[, bytes_per_sep]]): sep a str or bytes of length 1, grouped from the right (from
// the left for a negative bytes_per_sep).
PyObject* Hex(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const char* kwlist[] = {"sep", "bytes_per_sep", nullptr};
  PyObject* sep_arg = nullptr;
  int per_sep = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|Oi:hex", const_cast<char**>(kwlist), &sep_arg,
                                   &per_sep)) {
    return nullptr;
  }
  char sep = '\0';
  if (sep_arg != nullptr) {
    const Py_ssize_t len = PyObject_Length(sep_arg);
    if (len < 0) return nullptr;
    if (len != 1) {
      PyErr_SetString(PyExc_ValueError, "sep must be length 1.");
      return nullptr;
    }
    if (PyUnicode_Check(sep_arg)) {
      const char* utf8 = PyUnicode_AsUTF8(sep_arg);
      if (utf8 == nullptr) return nullptr;
      if (static_cast<unsigned char>(utf8[0]) >= 0x80) {
        PyErr_SetString(PyExc_ValueError, "sep must be ASCII.");
        return nullptr;
      }
      sep = utf8[0];
    } else {
      BytesArg sep_bytes;
      if (!sep_bytes.Get(sep_arg)) return nullptr;
      sep = sep_bytes.view()[0];
      if (static_cast<unsigned char>(sep) >= 0x80) {
        PyErr_SetString(PyExc_ValueError, "sep must be ASCII.");
        return nullptr;
      }
    }
  }
  const std::string_view data = Data(self);
  const size_t group = per_sep < 0 ? static_cast<size_t>(-static_cast<long>(per_sep))
                                   : static_cast<size_t>(per_sep);
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < data.size(); ++i) {
    if (sep != '\0' && group != 0 && i != 0) {
      // From the right: a separator where the bytes left form whole groups.
      const bool boundary = per_sep > 0 ? (data.size() - i) % group == 0 : i % group == 0;
      if (boundary) out += sep;
    }
    const auto byte = static_cast<unsigned char>(data[i]);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return PyUnicode_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// cls.fromhex(string): pairs of hex digits, ASCII whitespace between pairs ignored.
PyObject* FromHex(PyObject* cls, PyObject* string) {
  if (!PyUnicode_Check(string)) {
    PyErr_Format(PyExc_TypeError, "fromhex() argument must be str, not %.50s",
                 Py_TYPE(string)->tp_name);
    return nullptr;
  }
  Py_ssize_t size;
  const char* text = PyUnicode_AsUTF8AndSize(string, &size);
  if (text == nullptr) return nullptr;
  std::string out;
  for (Py_ssize_t i = 0; i < size;) {
    if (IsSpace(text[i])) {
      ++i;
      continue;
    }
    const int high = HexDigit(text[i]);
    const int low = i + 1 < size ? HexDigit(text[i + 1]) : -1;
    if (high < 0 || low < 0) {
      // Positions count code points, as CPython's; the text before is ASCII here.
      const Py_ssize_t at = high < 0 ? i : i + 1;
      PyErr_Format(PyExc_ValueError, "non-hexadecimal number found in fromhex() arg at position %zd",
                   at);
      return nullptr;
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  const auto n = static_cast<Py_ssize_t>(out.size());
  if (PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(cls), &PyByteArray_Type)) {
    return PyByteArray_FromStringAndSize(out.data(), n);
  }
  return PyBytes_FromStringAndSize(out.data(), n);
}

// ---- bytearray's mutators ----------------------------------------------------------------------

// Appends `data` (copied first: it may be the bytearray's own buffer) to bytearray `self`.
bool AppendBytes(PyObject* self, std::string data) {
  const Py_ssize_t size = PyByteArray_GET_SIZE(self);
  if (PyByteArray_Resize(self, size + static_cast<Py_ssize_t>(data.size())) < 0) return false;
  std::memcpy(PyByteArray_AS_STRING(self) + size, data.data(), data.size());
  return true;
}

PyObject* Append(PyObject* self, PyObject* item) {
  int byte;
  if (!ByteValue(item, &byte)) return nullptr;
  if (!AppendBytes(self, std::string(1, static_cast<char>(byte)))) return nullptr;
  Py_RETURN_NONE;
}

PyObject* Extend(PyObject* self, PyObject* iterable) {
  std::string data;
  if (PyObject_CheckBuffer(iterable)) {
    BytesArg arg;
    if (!arg.Get(iterable)) return nullptr;
    data.assign(arg.view());
  } else {
    PyObject* iter = PyObject_GetIter(iterable);
    if (iter == nullptr) {
      if (PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Format(PyExc_TypeError, "can't extend bytearray with %.100s",
                     Py_TYPE(iterable)->tp_name);
      }
      return nullptr;
    }
    while (PyObject* item = PyIter_Next(iter)) {
      int byte;
      const bool ok = ByteValue(item, &byte);
      Py_DECREF(item);
      if (!ok) {
        Py_DECREF(iter);
        return nullptr;
      }
      data += static_cast<char>(byte);
    }
    Py_DECREF(iter);
    if (PyErr_Occurred()) return nullptr;
  }
  if (!AppendBytes(self, std::move(data))) return nullptr;
  Py_RETURN_NONE;
}

PyObject* Pop(PyObject* self, PyObject* args) {
  Py_ssize_t index = -1;
  if (!PyArg_ParseTuple(args, "|n:pop", &index)) return nullptr;
  const Py_ssize_t size = PyByteArray_GET_SIZE(self);
  if (size == 0) {
    PyErr_SetString(PyExc_IndexError, "pop from empty bytearray");
    return nullptr;
  }
  if (index < 0) index += size;
  if (index < 0 || index >= size) {
    PyErr_SetString(PyExc_IndexError, "pop index out of range");
    return nullptr;
  }
  char* bytes = PyByteArray_AS_STRING(self);
  const auto value = static_cast<unsigned char>(bytes[index]);
  std::memmove(bytes + index, bytes + index + 1, static_cast<size_t>(size - index - 1));
  if (PyByteArray_Resize(self, size - 1) < 0) return nullptr;
  return PyLong_FromLong(value);
}

PyObject* Clear(PyObject* self, PyObject*) {
  if (PyByteArray_Resize(self, 0) < 0) return nullptr;
  Py_RETURN_NONE;
}

PyObject* Copy(PyObject* self, PyObject*) { return Make(self, Data(self)); }

#define PINION_BYTES_METHODS                                                                  \
  {"hex", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&Hex)),                 \
   METH_VARARGS | METH_KEYWORDS, "Create a string of hexadecimal numbers."},                  \
      {"fromhex", &FromHex, METH_O | METH_CLASS,                                              \
       "Create an object from a string of hexadecimal numbers."},                             \
      {"startswith", &StartsWith, METH_VARARGS, nullptr},                                     \
      {"endswith", &EndsWith, METH_VARARGS, nullptr},                                         \
      {"find", &Find, METH_VARARGS, nullptr}, {"rfind", &RFind, METH_VARARGS, nullptr},       \
      {"index", &Index, METH_VARARGS, nullptr}, {"rindex", &RIndex, METH_VARARGS, nullptr},   \
      {"count", &Count, METH_VARARGS, nullptr}, {"replace", &Replace, METH_VARARGS, nullptr}, \
      {"split", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&Split)),          \
       METH_VARARGS | METH_KEYWORDS, nullptr},                                                \
      {"strip", &Strip, METH_VARARGS, nullptr}, {"lstrip", &LStrip, METH_VARARGS, nullptr},   \
      {"rstrip", &RStrip, METH_VARARGS, nullptr}, {"lower", &Lower, METH_NOARGS, nullptr},    \
      {"upper", &Upper, METH_NOARGS, nullptr}, {"join", &Join, METH_O, nullptr}

}  // namespace

PyMethodDef g_bytes_methods[] = {
    PINION_BYTES_METHODS,
    {"decode",  // unicode_codec_api.cc
     reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&BytesDecode)),
     METH_VARARGS | METH_KEYWORDS, "Decode the bytes using the codec registered for encoding."},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef g_bytearray_methods[] = {
    PINION_BYTES_METHODS,
    {"append", &Append, METH_O, "Append a single item to the end of the bytearray."},
    {"extend", &Extend, METH_O, "Append all the items from the iterator or sequence to the end of the bytearray."},
    {"pop", &Pop, METH_VARARGS, "Remove and return a single item from B."},
    {"clear", &Clear, METH_NOARGS, "Remove all items from the bytearray."},
    {"copy", &Copy, METH_NOARGS, "Return a copy of B."},
    {nullptr, nullptr, 0, nullptr},
};

#undef PINION_BYTES_METHODS

}  // namespace pinion::compat
