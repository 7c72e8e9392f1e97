// str: PyUnicode_Type and the PyUnicode_* API, except PyUnicode_FromFormat
// (unicode_format.cc).
//
// Owns: PyUnicode_Type; the UTF-8 decoder (strict, replace, ignore); str's repr, hash and
// comparison.
//
// Invariants: a str holds `utf8_length` bytes of valid UTF-8 (no surrogates, nothing above
// U+10FFFF) encoding `length` code points, then a NUL; all three are set at construction
// and never changed. `hash` is -1 until first computed, then the hash of the bytes. A str
// holds no references: a leaf, never scanned nor called back.
//
// Threads: any attached thread; strings are immutable (the hash cache is filled with
// relaxed atomics, values.h), shared freely.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <vector>

#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"
#include "compat/runtime/str_text.h"
#include "compat/runtime/unicode_text.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

PyUnicodeObject* AsStr(PyObject* op) { return reinterpret_cast<PyUnicodeObject*>(op); }
std::string_view View(PyObject* op) { return {AsStr(op)->utf8, size_t(AsStr(op)->utf8_length)}; }

// One code point decoded from UTF-8; `size` is its length in bytes, 0 if the bytes are not
// a valid (shortest-form, non-surrogate, <= U+10FFFF) sequence.
struct CodePoint {
  char32_t value;
  size_t size;
};

CodePoint DecodeOne(const unsigned char* p, size_t available) {
  const unsigned char lead = p[0];
  if (lead < 0x80) return {lead, 1};
  size_t size;
  char32_t value, smallest;
  if ((lead & 0xE0) == 0xC0) {
    size = 2, value = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    size = 3, value = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    size = 4, value = lead & 0x07, smallest = 0x10000;
  } else {
    return {0, 0};
  }
  if (available < size) return {0, 0};
  for (size_t k = 1; k < size; ++k) {
    if ((p[k] & 0xC0) != 0x80) return {0, 0};
    value = (value << 6) | (p[k] & 0x3F);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return {0, 0};
  }
  return {value, size};
}

// A new str of `bytes` bytes encoding `length` code points, NUL-terminated, for the caller
// to fill before it escapes.
PyUnicodeObject* NewStr(size_t bytes, size_t length) {
  const size_t size = VarSize(&PyUnicode_Type, static_cast<Py_ssize_t>(bytes));
  if (size == 0) return nullptr;
  PyUnicodeObject* op = AsStr(AllocObject(&PyUnicode_Type, size, /*gc=*/false));
  if (op == nullptr) return nullptr;
  op->length = static_cast<Py_ssize_t>(length);
  op->utf8_length = static_cast<Py_ssize_t>(bytes);
  op->hash = -1;
  return op;
}

// A new str of `utf8`, which is valid UTF-8.
PyObject* FromValidUtf8(std::string_view utf8) {
  size_t length = 0;
  for (unsigned char c : utf8) length += (c & 0xC0) != 0x80;  // count all but continuations
  PyUnicodeObject* op = NewStr(utf8.size(), length);
  if (op == nullptr) return nullptr;
  std::memcpy(op->utf8, utf8.data(), utf8.size());
  return &op->ob_base;
}

enum class OnError { kStrict, kReplace, kIgnore };
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

PyObject* Decode(const char* data, size_t size, OnError on_error) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  // First pass: validate and measure.
  size_t out_bytes = 0, length = 0;
  bool clean = true;
  for (size_t i = 0; i < size;) {
    const CodePoint c = DecodeOne(bytes + i, size - i);
    if (c.size == 0) {
      if (on_error == OnError::kStrict) {
        PyErr_Format(PyExc_ValueError,
                     "'utf-8' codec can't decode byte 0x%02x in position %zu: invalid UTF-8",
                     static_cast<unsigned>(bytes[i]), i);
        return nullptr;
      }
      clean = false;
      if (on_error == OnError::kReplace) out_bytes += kReplacement.size(), ++length;
      ++i;
      continue;
    }
    out_bytes += c.size, ++length, i += c.size;
  }
  PyUnicodeObject* op = NewStr(out_bytes, length);
  if (op == nullptr) return nullptr;
  if (clean) {
    std::memcpy(op->utf8, data, size);
    return &op->ob_base;
  }
  // Second pass: copy, replacing or dropping each invalid byte.
  char* out = op->utf8;
  for (size_t i = 0; i < size;) {
    const CodePoint c = DecodeOne(bytes + i, size - i);
    if (c.size == 0) {
      if (on_error == OnError::kReplace) {
        out = std::copy(kReplacement.begin(), kReplacement.end(), out);
      }
      ++i;
    } else {
      out = std::copy(data + i, data + i + c.size, out);
      i += c.size;
    }
  }
  return &op->ob_base;
}

// Python's str.isprintable for a non-ASCII code point, approximated without a Unicode
// database: Latin-1's controls and no-break space, the soft hyphen, the common invisible
// separators and format characters, private use, tags and noncharacters are not printable;
// everything else (including unassigned code points) is.
bool IsPrintableNonAscii(char32_t c) {
  return !(c <= 0xA0 || c == 0xAD || c == 0x61C || c == 0x1680 || c == 0x180E ||
           (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
           (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0xFEFF ||
           (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xFFF9 && c <= 0xFFFB) || (c & 0xFFFE) == 0xFFFE ||
           c >= 0xE0000);
}

PyObject* StrRepr(PyObject* self) {
  const std::string_view text = View(self);
  const char quote = ReprQuote(text.find('\'') != text.npos, text.find('"') != text.npos);
  std::string out(1, quote);
  for (size_t i = 0; i < text.size();) {
    const CodePoint c =
        DecodeOne(reinterpret_cast<const unsigned char*>(text.data()) + i, text.size() - i);
    const std::string_view encoded = text.substr(i, c.size);
    i += c.size;
    if (c.value == char32_t(quote) || c.value == '\\') {
      out += '\\';
      out += encoded;
    } else if (c.value == '\t') {
      out += "\\t";
    } else if (c.value == '\n') {
      out += "\\n";
    } else if (c.value == '\r') {
      out += "\\r";
    } else if (c.value < 0x20 || c.value == 0x7F ||
               (c.value >= 0x80 && !IsPrintableNonAscii(c.value))) {
      char escape[12];
      const char* format =
          c.value < 0x100 ? "\\x%02x" : (c.value < 0x10000 ? "\\u%04x" : "\\U%08x");
      std::snprintf(escape, sizeof(escape), format, static_cast<unsigned>(c.value));
      out += escape;
    } else {
      out += encoded;
    }
  }
  out += quote;
  return FromValidUtf8(out);
}

PyObject* StrStr(PyObject* self) { return Py_NewRef(self); }

Py_hash_t StrHash(PyObject* self) {
  PyUnicodeObject* op = AsStr(self);
  return CachedHashBytes(&op->hash, op->utf8, static_cast<size_t>(op->utf8_length));
}

PyObject* StrRichCompare(PyObject* self, PyObject* other, int op) {
  if (!PyUnicode_Check(self) || !PyUnicode_Check(other)) Py_RETURN_NOTIMPLEMENTED;
  const int c = View(self).compare(View(other));  // byte order: code point order
  return PyBool_FromLong(OrderingSatisfies(c, op));
}

// `op` if it is a str; otherwise nullptr with TypeError set.
PyUnicodeObject* CheckStr(PyObject* op) {
  if (op == nullptr || !PyUnicode_Check(op)) {
    PyErr_BadArgument();
    return nullptr;
  }
  return AsStr(op);
}

// ---- Sequence and mapping slots ----------------------------------------------------------

bool IsAscii(PyUnicodeObject* op) { return op->length == op->utf8_length; }

// The byte offset of code point `i` (0 <= i <= length).
Py_ssize_t OffsetOf(PyUnicodeObject* op, Py_ssize_t i) {
  if (IsAscii(op)) return i;
  Py_ssize_t offset = 0;
  for (Py_ssize_t seen = 0; offset < op->utf8_length; ++offset) {
    if ((op->utf8[offset] & 0xC0) != 0x80 && seen++ == i) return offset;
  }
  return offset;
}

Py_ssize_t StrLength(PyObject* self) { return AsStr(self)->length; }

PyObject* StrItem(PyObject* self, Py_ssize_t i) {
  PyUnicodeObject* op = AsStr(self);
  if (i < 0 || i >= op->length) {
    PyErr_SetString(PyExc_IndexError, "string index out of range");
    return nullptr;
  }
  const Py_ssize_t begin = OffsetOf(op, i);
  Py_ssize_t end = begin + 1;
  while (end < op->utf8_length && (op->utf8[end] & 0xC0) == 0x80) ++end;
  return FromValidUtf8({op->utf8 + begin, static_cast<size_t>(end - begin)});
}

PyObject* StrRepeat(PyObject* self, Py_ssize_t n) {
  PyUnicodeObject* op = AsStr(self);
  if (n < 0) n = 0;
  if (op->utf8_length != 0 && n > PY_SSIZE_T_MAX / op->utf8_length) {
    PyErr_SetString(PyExc_OverflowError, "repeated string is too long");
    return nullptr;
  }
  if (n == 1 && PyUnicode_CheckExact(self)) return Py_NewRef(self);
  PyUnicodeObject* result = NewStr(op->utf8_length * n, op->length * n);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t k = 0; k < n; ++k) {
    std::memcpy(result->utf8 + k * op->utf8_length, op->utf8, op->utf8_length);
  }
  return &result->ob_base;
}

int StrContains(PyObject* self, PyObject* sub) {
  if (!PyUnicode_Check(sub)) {
    PyErr_Format(PyExc_TypeError, "'in <string>' requires string as left operand, not %.100s",
                 Py_TYPE(sub)->tp_name);
    return -1;
  }
  // UTF-8 is self-synchronising: a byte match is a code point match.
  return View(self).find(View(sub)) != std::string_view::npos;
}

PyObject* StrSubscript(PyObject* self, PyObject* key) {
  PyUnicodeObject* op = AsStr(self);
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    if (i < 0) i += op->length;
    return StrItem(self, i);
  }
  if (!PySlice_Check(key)) {
    PyErr_Format(PyExc_TypeError, "string indices must be integers, not '%.200s'",
                 Py_TYPE(key)->tp_name);
    return nullptr;
  }
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
  const Py_ssize_t n = PySlice_AdjustIndices(op->length, &start, &stop, step);
  if (n == op->length && step == 1 && PyUnicode_CheckExact(self)) return Py_NewRef(self);
  if (step == 1) {
    const Py_ssize_t begin = OffsetOf(op, start);
    const Py_ssize_t end = OffsetOf(op, start + n);
    return FromValidUtf8({op->utf8 + begin, static_cast<size_t>(end - begin)});
  }
  // The byte offset of every code point, then the selected ones copied.
  std::vector<Py_ssize_t> offsets;
  offsets.reserve(static_cast<size_t>(op->length) + 1);
  for (Py_ssize_t b = 0; b < op->utf8_length; ++b) {
    if ((op->utf8[b] & 0xC0) != 0x80) offsets.push_back(b);
  }
  offsets.push_back(op->utf8_length);
  std::string out;
  for (Py_ssize_t k = 0, cur = start; k < n; ++k, cur += step) {
    out.append(op->utf8 + offsets[cur], static_cast<size_t>(offsets[cur + 1] - offsets[cur]));
  }
  return FromValidUtf8(out);
}

PySequenceMethods kStrAsSequence = {
    .sq_length = &StrLength,
    .sq_concat = &PyUnicode_Concat,
    .sq_repeat = &StrRepeat,
    .sq_item = &StrItem,
    .sq_contains = &StrContains,
};

PyMappingMethods kStrAsMapping = {
    .mp_length = &StrLength,
    .mp_subscript = &StrSubscript,
};

}  // namespace

bool StrCodePoints(PyObject* str, std::u32string* out) {
  if (str == nullptr || !PyUnicode_Check(str)) {
    PyErr_Format(PyExc_TypeError, "expected str, got %s",
                 str == nullptr ? "NULL" : Py_TYPE(str)->tp_name);
    return false;
  }
  const std::string_view utf8 = View(str);
  const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
  out->clear();
  out->reserve(static_cast<size_t>(AsStr(str)->length));
  for (size_t i = 0; i < utf8.size();) {
    const CodePoint c = DecodeOne(bytes + i, utf8.size() - i);  // valid by the invariant
    out->push_back(c.value);
    i += c.size;
  }
  return true;
}

PyObject* StrFromCodePoints(const char32_t* text, size_t size) {
  std::string utf8;
  utf8.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    const char32_t c = text[i];
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      PyErr_Format(PyExc_ValueError, "code point U+%04X cannot be held by a Pinion str",
                   static_cast<unsigned>(c));
      return nullptr;
    }
    if (c < 0x80) {
      utf8 += static_cast<char>(c);
    } else if (c < 0x800) {
      utf8 += static_cast<char>(0xC0 | (c >> 6));
      utf8 += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      utf8 += static_cast<char>(0xE0 | (c >> 12));
      utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      utf8 += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      utf8 += static_cast<char>(0xF0 | (c >> 18));
      utf8 += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      utf8 += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return FromValidUtf8(utf8);
}

}  // namespace pinion::compat

using pinion::compat::AsStr;
using pinion::compat::CheckStr;
using pinion::compat::Decode;
using pinion::compat::OnError;
using pinion::compat::View;

PyTypeObject PyUnicode_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "str",
    .tp_basicsize = offsetof(PyUnicodeObject, utf8) + 1,  // the NUL
    .tp_itemsize = 1,
    .tp_repr = &pinion::compat::StrRepr,
    .tp_as_number = &pinion::compat::kStrAsNumber,
    .tp_as_sequence = &pinion::compat::kStrAsSequence,
    .tp_as_mapping = &pinion::compat::kStrAsMapping,
    .tp_hash = &pinion::compat::StrHash,
    .tp_str = &pinion::compat::StrStr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_UNICODE_SUBCLASS,
    .tp_doc = "str: immutable text, stored as UTF-8",
    .tp_richcompare = &pinion::compat::StrRichCompare,
    .tp_iter = &pinion::compat::StrIter,
    .tp_methods = pinion::compat::kStrMethods,
};

extern "C" PyObject* PyUnicode_FromString(const char* u) {
  return Decode(u, std::strlen(u), OnError::kStrict);
}

extern "C" PyObject* PyUnicode_FromStringAndSize(const char* u, Py_ssize_t size) {
  if (size < 0) {
    PyErr_SetString(PyExc_SystemError, "Negative size passed to PyUnicode_FromStringAndSize");
    return nullptr;
  }
  if (u == nullptr && size > 0) {
    PyErr_SetString(PyExc_SystemError,
                    "NULL string with positive size passed to PyUnicode_FromStringAndSize");
    return nullptr;
  }
  return Decode(u == nullptr ? "" : u, static_cast<size_t>(size), OnError::kStrict);
}

extern "C" PyObject* PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors) {
  if (size < 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  OnError on_error;
  if (errors == nullptr || std::strcmp(errors, "strict") == 0) {
    on_error = OnError::kStrict;
  } else if (std::strcmp(errors, "replace") == 0) {
    on_error = OnError::kReplace;
  } else if (std::strcmp(errors, "ignore") == 0) {
    on_error = OnError::kIgnore;
  } else {
    PyErr_Format(PyExc_LookupError, "unknown error handler name '%.400s'", errors);
    return nullptr;
  }
  return Decode(s, static_cast<size_t>(size), on_error);
}

extern "C" PyObject* PyUnicode_InternFromString(const char* u) { return PyUnicode_FromString(u); }

extern "C" const char* PyUnicode_AsUTF8AndSize(PyObject* unicode, Py_ssize_t* size) {
  PyUnicodeObject* op = CheckStr(unicode);
  if (op == nullptr) return nullptr;
  if (size != nullptr) *size = op->utf8_length;
  return op->utf8;
}

extern "C" const char* PyUnicode_AsUTF8(PyObject* unicode) {
  return PyUnicode_AsUTF8AndSize(unicode, nullptr);
}

extern "C" PyObject* PyUnicode_AsUTF8String(PyObject* unicode) {
  PyUnicodeObject* op = CheckStr(unicode);
  if (op == nullptr) return nullptr;
  return PyBytes_FromStringAndSize(op->utf8, op->utf8_length);
}

extern "C" Py_ssize_t PyUnicode_GetLength(PyObject* unicode) {
  PyUnicodeObject* op = CheckStr(unicode);
  return op == nullptr ? -1 : op->length;
}

extern "C" PyObject* PyUnicode_Concat(PyObject* left, PyObject* right) {
  if (left == nullptr || right == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (!PyUnicode_Check(left) || !PyUnicode_Check(right)) {
    PyErr_Format(PyExc_TypeError, "can only concatenate str (not \"%.200s\") to str",
                 Py_TYPE(PyUnicode_Check(left) ? right : left)->tp_name);
    return nullptr;
  }
  const std::string_view a = View(left), b = View(right);
  PyUnicodeObject* op =
      pinion::compat::NewStr(a.size() + b.size(), AsStr(left)->length + AsStr(right)->length);
  if (op == nullptr) return nullptr;
  std::memcpy(op->utf8, a.data(), a.size());
  std::memcpy(op->utf8 + a.size(), b.data(), b.size());
  return &op->ob_base;
}

extern "C" int PyUnicode_Compare(PyObject* left, PyObject* right) {
  if (left == nullptr || right == nullptr || !PyUnicode_Check(left) || !PyUnicode_Check(right)) {
    PyErr_Format(PyExc_TypeError, "Can't compare %.100s and %.100s",
                 left ? Py_TYPE(left)->tp_name : "NULL", right ? Py_TYPE(right)->tp_name : "NULL");
    return -1;
  }
  const int c = View(left).compare(View(right));
  return (c > 0) - (c < 0);
}

extern "C" int PyUnicode_CompareWithASCIIString(PyObject* left, const char* right) {
  const int c = View(left).compare(right);
  return (c > 0) - (c < 0);
}
