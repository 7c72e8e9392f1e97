// str as a type: PyUnicode_Type's slots (repr, hash, comparison, the sequence and mapping
// slots), PyUnicode_Compare(WithASCIIString), _PyUnicode_EQ and interning.
//
// Owns: the interned-string table: a set of exact str (each pinned by the table until
// Py_Finalize, SSTATE_INTERNED_MORTAL set before it is published), keyed by contents,
// guarded by g_interned_mutex. The mutex is never held across a heap allocation or a call
// into Python code: lookups hash and compare only (the hash cache is filled without
// allocating); a string that is not yet interned is copied outside the lock first (its state
// is written while no other thread can see it, never on a shared str), then inserted unless
// another thread won.
//
// Threads: any attached thread (the table's accesses hold its mutex).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"
#include "compat/runtime/str_chars.h"
#include "compat/runtime/str_text.h"
#include "compat/runtime/unicode_storage.h"
#include "compat/runtime/unicode_text.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

PyObject* StrRepr(PyObject* self) {
  const int kind = PyUnicode_KIND(self);
  const void* data = PyUnicode_DATA(self);
  const Py_ssize_t n = PyUnicode_GET_LENGTH(self);
  bool single = false, dquote = false;
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 c = PyUnicode_READ(kind, data, i);
    single |= c == '\'';
    dquote |= c == '"';
  }
  const char32_t quote = static_cast<unsigned char>(ReprQuote(single, dquote));
  std::u32string out(1, quote);
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c == quote || c == '\\') {
      out += U'\\';
      out += c;
    } else if (c == '\t') {
      out += U"\\t";
    } else if (c == '\n') {
      out += U"\\n";
    } else if (c == '\r') {
      out += U"\\r";
    } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !str_chars::IsPrintable(c))) {
      char escape[12];
      const char* format = c < 0x100 ? "\\x%02x" : (c < 0x10000 ? "\\u%04x" : "\\U%08x");
      std::snprintf(escape, sizeof(escape), format, static_cast<unsigned>(c));
      out.append(escape, escape + std::strlen(escape));
    } else {
      out += c;
    }
  }
  out += quote;
  return StrFromCodePoints(out);
}

PyObject* StrStr(PyObject* self) { return Py_NewRef(self); }

Py_hash_t StrHash(PyObject* self) {
  auto* op = reinterpret_cast<PyASCIIObject*>(self);
  return CachedHashBytes(&op->hash, static_cast<const char*>(PyUnicode_DATA(self)),
                         static_cast<size_t>(op->length) * PyUnicode_KIND(self));
}

PyObject* StrRichCompare(PyObject* self, PyObject* other, int op) {
  if (!PyUnicode_Check(self) || !PyUnicode_Check(other)) Py_RETURN_NOTIMPLEMENTED;
  if (op == Py_EQ || op == Py_NE) return PyBool_FromLong(StrEqual(self, other) == (op == Py_EQ));
  return PyBool_FromLong(OrderingSatisfies(StrOrder(self, other), op));
}

// ---- Sequence and mapping slots ----------------------------------------------------------

Py_ssize_t StrLength(PyObject* self) { return PyUnicode_GET_LENGTH(self); }

PyObject* StrItem(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= PyUnicode_GET_LENGTH(self)) {
    PyErr_SetString(PyExc_IndexError, "string index out of range");
    return nullptr;
  }
  return PyUnicode_FromOrdinal(static_cast<int>(PyUnicode_READ_CHAR(self, i)));
}

PyObject* StrRepeat(PyObject* self, Py_ssize_t n) {
  const Py_ssize_t length = PyUnicode_GET_LENGTH(self);
  if (n < 0) n = 0;
  if (length != 0 && n > PY_SSIZE_T_MAX / length) {
    PyErr_SetString(PyExc_OverflowError, "repeated string is too long");
    return nullptr;
  }
  if (n == 1 && PyUnicode_CheckExact(self)) return Py_NewRef(self);
  PyObject* result = NewStr(length * n, length == 0 ? 0 : PyUnicode_MAX_CHAR_VALUE(self));
  if (result == nullptr) return nullptr;
  const size_t bytes = static_cast<size_t>(length) * PyUnicode_KIND(self);
  auto* out = static_cast<char*>(PyUnicode_DATA(result));
  for (Py_ssize_t k = 0; k < n; ++k) std::memcpy(out + k * bytes, PyUnicode_DATA(self), bytes);
  return result;
}

int StrContains(PyObject* self, PyObject* sub) {
  if (!PyUnicode_Check(sub)) {
    PyErr_Format(PyExc_TypeError, "'in <string>' requires string as left operand, not %.100s",
                 Py_TYPE(sub)->tp_name);
    return -1;
  }
  const Py_ssize_t n = PyUnicode_GET_LENGTH(self), m = PyUnicode_GET_LENGTH(sub);
  const int kind = PyUnicode_KIND(self), sub_kind = PyUnicode_KIND(sub);
  if (sub_kind > kind) return 0;  // canonical: sub holds a code point self cannot
  const void* data = PyUnicode_DATA(self);
  const void* sub_data = PyUnicode_DATA(sub);
  for (Py_ssize_t at = 0; at + m <= n; ++at) {
    Py_ssize_t k = 0;
    while (k < m && PyUnicode_READ(kind, data, at + k) == PyUnicode_READ(sub_kind, sub_data, k)) {
      ++k;
    }
    if (k == m) return 1;
  }
  return 0;
}

PyObject* StrSubscript(PyObject* self, PyObject* key) {
  const Py_ssize_t length = PyUnicode_GET_LENGTH(self);
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    if (i < 0) i += length;
    return StrItem(self, i);
  }
  if (!PySlice_Check(key)) {
    PyErr_Format(PyExc_TypeError, "string indices must be integers, not '%.200s'",
                 Py_TYPE(key)->tp_name);
    return nullptr;
  }
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
  const Py_ssize_t n = PySlice_AdjustIndices(length, &start, &stop, step);
  if (n == length && step == 1 && PyUnicode_CheckExact(self)) return Py_NewRef(self);
  const int kind = PyUnicode_KIND(self);
  const void* data = PyUnicode_DATA(self);
  if (step == 1) return StrFromKind(kind, static_cast<const char*>(data) + start * kind, n);
  std::u32string out;
  out.reserve(static_cast<size_t>(n));
  for (Py_ssize_t k = 0, cur = start; k < n; ++k, cur += step) {
    out += PyUnicode_READ(kind, data, cur);
  }
  return StrFromCodePoints(out);
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

// ---- Interning ---------------------------------------------------------------------------

struct ContentHash {
  size_t operator()(PyObject* s) const { return static_cast<size_t>(StrHash(s)); }
};
struct ContentEqual {
  bool operator()(PyObject* a, PyObject* b) const { return StrEqual(a, b); }
};

std::mutex g_interned_mutex;
std::unordered_set<PyObject*, ContentHash, ContentEqual>* g_interned = nullptr;

// The interned str equal to `s` (a new reference), or nullptr if there is none.
PyObject* FindInterned(PyObject* s) {
  StrHash(s);  // fill the cache outside the lock (it does not allocate either way)
  std::lock_guard<std::mutex> lock(g_interned_mutex);
  if (g_interned == nullptr) return nullptr;
  auto found = g_interned->find(s);
  return found == g_interned->end() ? nullptr : Py_NewRef(*found);
}

// The interned str equal to `s` (borrowed), interning a copy of it first if there is none;
// nullptr with an exception set.
PyObject* Intern(PyObject* s) {
  if (PyObject* found = FindInterned(s)) {
    Py_DECREF(found);  // the table keeps it until Py_Finalize
    return found;
  }
  PyObject* copy = StrFromKind(PyUnicode_KIND(s), PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s));
  if (copy == nullptr) return nullptr;
  reinterpret_cast<PyASCIIObject*>(copy)->state.interned = SSTATE_INTERNED_MORTAL;
  StrHash(copy);
  std::lock_guard<std::mutex> lock(g_interned_mutex);
  if (g_interned == nullptr) {
    g_interned = new std::unordered_set<PyObject*, ContentHash, ContentEqual>();
  }
  auto [at, inserted] = g_interned->insert(copy);  // the table takes copy's reference
  if (!inserted) Py_DECREF(copy);                  // another thread interned it meanwhile
  return *at;
}

}  // namespace

void ReleaseInternedStrings() {
  std::vector<PyObject*> strings;
  {
    std::lock_guard<std::mutex> lock(g_interned_mutex);
    if (g_interned == nullptr) return;
    strings.assign(g_interned->begin(), g_interned->end());
    delete g_interned;
    g_interned = nullptr;
  }
  for (PyObject* s : strings) Py_DECREF(s);
}

}  // namespace pinion::compat

using pinion::compat::StrEqual;
using pinion::compat::StrOrder;

PyTypeObject PyUnicode_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "str",
    .tp_basicsize = sizeof(PyUnicodeObject),  // CPython's (every str is compact: NewStr sizes it)
    .tp_itemsize = 0,
    .tp_repr = &pinion::compat::StrRepr,
    .tp_as_number = &pinion::compat::kStrAsNumber,
    .tp_as_sequence = &pinion::compat::kStrAsSequence,
    .tp_as_mapping = &pinion::compat::kStrAsMapping,
    .tp_hash = &pinion::compat::StrHash,
    .tp_str = &pinion::compat::StrStr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_UNICODE_SUBCLASS,
    .tp_doc = "str: immutable text (PEP 393: Latin-1, UCS-2 or UCS-4 by content)",
    .tp_richcompare = &pinion::compat::StrRichCompare,
    .tp_iter = &pinion::compat::StrIter,
    .tp_methods = pinion::compat::kStrMethods,
};

extern "C" int PyUnicode_Compare(PyObject* left, PyObject* right) {
  if (left == nullptr || right == nullptr || !PyUnicode_Check(left) || !PyUnicode_Check(right)) {
    PyErr_Format(PyExc_TypeError, "Can't compare %.100s and %.100s",
                 left ? Py_TYPE(left)->tp_name : "NULL", right ? Py_TYPE(right)->tp_name : "NULL");
    return -1;
  }
  return StrOrder(left, right);
}

extern "C" int PyUnicode_CompareWithASCIIString(PyObject* left, const char* right) {
  // CPython's two paths, embedded NULs and all.
  const Py_ssize_t n = PyUnicode_GET_LENGTH(left);
  if (PyUnicode_IS_ASCII(left)) {
    const size_t right_length = std::strlen(right);
    const size_t common = std::min(right_length, static_cast<size_t>(n));
    const int c = std::memcmp(PyUnicode_DATA(left), right, common);
    if (c != 0) return c < 0 ? -1 : 1;
    if (static_cast<size_t>(n) > common) return 1;
    return right_length > common ? -1 : 0;
  }
  const int kind = PyUnicode_KIND(left);
  const void* data = PyUnicode_DATA(left);
  Py_ssize_t i = 0;
  Py_UCS4 l = 0;
  for (;; ++i) {
    l = i < n ? PyUnicode_READ(kind, data, i) : 0;
    const auto r = static_cast<unsigned char>(right[i]);
    if (l == 0 || r == 0) break;
    if (l != r) return l < r ? -1 : 1;
  }
  if (n != i || l != 0) return 1;  // left is longer
  return right[i] != 0 ? -1 : 0;
}

extern "C" int _PyUnicode_EQ(PyObject* a, PyObject* b) { return StrEqual(a, b); }

extern "C" void PyUnicode_InternInPlace(PyObject** p) {
  if (p == nullptr || *p == nullptr || !PyUnicode_CheckExact(*p)) return;
  if (PyUnicode_CHECK_INTERNED(*p)) return;
  PyObject* interned = pinion::compat::Intern(*p);
  if (interned == nullptr) {
    PyErr_Clear();  // CPython's returns nothing either: the str stays as it is
    return;
  }
  Py_SETREF(*p, Py_NewRef(interned));
}

extern "C" PyObject* PyUnicode_InternFromString(const char* u) {
  PyObject* s = PyUnicode_FromString(u);
  if (s != nullptr) PyUnicode_InternInPlace(&s);
  return s;
}
