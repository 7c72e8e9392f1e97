// str's representation (PEP 393, CPython 3.11's compact layout): allocation, the kind-level
// API (PyUnicode_New, FromKindAndData, ReadChar, WriteChar, AsUCS4, CopyCharacters, Fill,
// FromOrdinal, GetLength, Concat) and the code-point view (unicode_text.h).
//
// Owns: the two Pinion heap types a str lives in. An ASCII str is a pointer-free leaf (its
// UTF-8 is its data). Any other str is of a traced type, never called back, whose trace
// visits its `utf8` copy: the copy is a plain Pinion allocation (unicode_utf8.cc) that lives
// exactly as long as the str, with nothing to free and no callback — so a str costs the
// collector nothing at death, where a malloc'd copy would need every non-ASCII str to be
// finalizable (slow-path allocation, a sweep-time callback each) and would leak the copies
// of strings still alive at Py_Finalize. The price: the marker reads each live non-ASCII str
// (one load). The field goes once from NULL to a copy allocated just before, with no
// safepoint between (the CPython layer's heap is stop-the-world; a concurrent marker would
// need no barrier either: nothing is overwritten, and the copy is allocated black).
//
// Invariants: unicode_storage.h's. Threads: any attached thread.
#include <algorithm>
#include <cstring>
#include <string>

#include "compat/runtime/runtime.h"
#include "compat/runtime/unicode_storage.h"
#include "compat/runtime/unicode_text.h"
#include "gc/heap.h"

namespace pinion::compat {
namespace {

void TraceStr(void* object, Visitor& visitor) {
  auto* op = static_cast<PyCompactUnicodeObject*>(object);
  visitor.Visit(__atomic_load_n(&op->utf8, __ATOMIC_ACQUIRE));
}

// Non-ASCII strs: traced for their UTF-8 copy.
TypeId NonAsciiStrType() {
  static const TypeId type = RegisterType(
      {.name = "PyObject (str, non-ASCII)",
       .size = sizeof(PyObject),
       .trace = &TraceStr,
       // The UTF-8 copy is stored without a barrier, lazily: an old str may get a young one.
       .unprotected = true});
  return type;
}

template <typename T>
Py_UCS4 MaxOf(const T* data, Py_ssize_t n) {
  Py_UCS4 max = 0;
  for (Py_ssize_t i = 0; i < n; ++i) max = std::max<Py_UCS4>(max, data[i]);
  return max;
}

template <typename To, typename From>
void Convert(To* to, const From* from, Py_ssize_t n) {
  if constexpr (sizeof(To) == sizeof(From)) {
    if (n > 0) std::memcpy(to, from, static_cast<size_t>(n) * sizeof(To));  // from may be NULL
  } else {
    for (Py_ssize_t i = 0; i < n; ++i) to[i] = static_cast<To>(from[i]);
  }
}

template <typename To>
void ConvertFrom(To* to, int from_kind, const void* from, Py_ssize_t n) {
  switch (from_kind) {
    case PyUnicode_1BYTE_KIND: Convert(to, static_cast<const Py_UCS1*>(from), n); break;
    case PyUnicode_2BYTE_KIND: Convert(to, static_cast<const Py_UCS2*>(from), n); break;
    default: Convert(to, static_cast<const Py_UCS4*>(from), n); break;
  }
}

template <typename A, typename B>
int Order(const A* a, Py_ssize_t na, const B* b, Py_ssize_t nb) {
  const Py_ssize_t n = std::min(na, nb);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return Py_UCS4{a[i]} < Py_UCS4{b[i]} ? -1 : 1;
  }
  return (na > nb) - (na < nb);
}

template <typename A>
int OrderWith(const A* a, Py_ssize_t na, int kind_b, const void* b, Py_ssize_t nb) {
  switch (kind_b) {
    case PyUnicode_1BYTE_KIND: return Order(a, na, static_cast<const Py_UCS1*>(b), nb);
    case PyUnicode_2BYTE_KIND: return Order(a, na, static_cast<const Py_UCS2*>(b), nb);
    default: return Order(a, na, static_cast<const Py_UCS4*>(b), nb);
  }
}

// `op` if it is a str; otherwise nullptr with TypeError (PyErr_BadArgument), as CPython.
PyObject* CheckStr(PyObject* op) {
  if (op == nullptr || !PyUnicode_Check(op)) {
    PyErr_BadArgument();
    return nullptr;
  }
  return op;
}

// CPython's unicode_check_modifiable, less the reference count Pinion does not keep: 0, or -1
// with SystemError if the str has been hashed or interned (so it may be shared already).
int CheckModifiable(PyObject* op) {
  if (__atomic_load_n(&reinterpret_cast<PyASCIIObject*>(op)->hash, __ATOMIC_RELAXED) != -1 ||
      PyUnicode_CHECK_INTERNED(op)) {
    PyErr_SetString(PyExc_SystemError, "Cannot modify a string currently used");
    return -1;
  }
  return 0;
}

// The largest code point `op`'s kind can hold: a maxchar giving the same kind to NewStr.
Py_UCS4 KindMax(PyObject* op) { return PyUnicode_MAX_CHAR_VALUE(op); }

}  // namespace

Py_UCS4 MaxCharOf(int kind, const void* data, Py_ssize_t n) {
  switch (kind) {
    case PyUnicode_1BYTE_KIND: return MaxOf(static_cast<const Py_UCS1*>(data), n);
    case PyUnicode_2BYTE_KIND: return MaxOf(static_cast<const Py_UCS2*>(data), n);
    default: return MaxOf(static_cast<const Py_UCS4*>(data), n);
  }
}

PyObject* NewStr(Py_ssize_t length, Py_UCS4 maxchar) {
  const bool ascii = maxchar < 0x80;
  const int kind = KindFor(maxchar);
  const size_t header = ascii ? sizeof(PyASCIIObject) : sizeof(PyCompactUnicodeObject);
  if (length < 0 || length > static_cast<Py_ssize_t>((PY_SSIZE_T_MAX - header) / kind - 1)) {
    PyErr_NoMemory();
    return nullptr;
  }
  const size_t size = header + (static_cast<size_t>(length) + 1) * kind;
  PyObject* op = ascii ? AllocObject(&PyUnicode_Type, size, /*gc=*/false)
                       : AllocUnwatchedObject(&PyUnicode_Type, size, NonAsciiStrType());
  if (op == nullptr) return nullptr;
  auto* str = reinterpret_cast<PyASCIIObject*>(op);
  str->length = length;
  str->hash = -1;
  str->state.interned = SSTATE_NOT_INTERNED;
  str->state.kind = kind;
  str->state.compact = 1;
  str->state.ascii = ascii;
  str->state.ready = 1;
  // The memory is zeroed: the NUL after the characters, utf8 (NULL), the lengths (0).
  return op;
}

PyObject* StrFromKind(int kind, const void* data, Py_ssize_t n) {
  const Py_UCS4 max = MaxCharOf(kind, data, n);
  PyObject* op = NewStr(n, max);
  if (op == nullptr) return nullptr;
  CopyChars(PyUnicode_KIND(op), PyUnicode_DATA(op), 0, kind, data, 0, n);
  return op;
}

void CopyChars(int to_kind, void* to, Py_ssize_t to_start, int from_kind, const void* from,
               Py_ssize_t from_start, Py_ssize_t n) {
  from = static_cast<const char*>(from) + from_start * from_kind;
  switch (to_kind) {
    case PyUnicode_1BYTE_KIND:
      ConvertFrom(static_cast<Py_UCS1*>(to) + to_start, from_kind, from, n);
      break;
    case PyUnicode_2BYTE_KIND:
      ConvertFrom(static_cast<Py_UCS2*>(to) + to_start, from_kind, from, n);
      break;
    default: ConvertFrom(static_cast<Py_UCS4*>(to) + to_start, from_kind, from, n); break;
  }
}

int StrOrder(PyObject* a, PyObject* b) {
  const Py_ssize_t na = PyUnicode_GET_LENGTH(a), nb = PyUnicode_GET_LENGTH(b);
  const void* da = PyUnicode_DATA(a);
  const void* db = PyUnicode_DATA(b);
  const int kb = PyUnicode_KIND(b);
  if (PyUnicode_KIND(a) == PyUnicode_1BYTE_KIND && kb == PyUnicode_1BYTE_KIND) {
    const int c = std::memcmp(da, db, static_cast<size_t>(std::min(na, nb)));
    return c != 0 ? (c > 0) - (c < 0) : (na > nb) - (na < nb);
  }
  switch (PyUnicode_KIND(a)) {
    case PyUnicode_1BYTE_KIND: return OrderWith(static_cast<const Py_UCS1*>(da), na, kb, db, nb);
    case PyUnicode_2BYTE_KIND: return OrderWith(static_cast<const Py_UCS2*>(da), na, kb, db, nb);
    default: return OrderWith(static_cast<const Py_UCS4*>(da), na, kb, db, nb);
  }
}

bool TracesUtf8Copy(PyObject* str) { return TypeOf(str) == NonAsciiStrType(); }

bool StrEqual(PyObject* a, PyObject* b) {
  if (a == b) return true;
  const Py_ssize_t n = PyUnicode_GET_LENGTH(a);
  if (n != PyUnicode_GET_LENGTH(b) || PyUnicode_KIND(a) != PyUnicode_KIND(b)) return false;
  return std::memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b),
                     static_cast<size_t>(n) * PyUnicode_KIND(a)) == 0;
}

bool StrCodePoints(PyObject* str, std::u32string* out) {
  if (str == nullptr || !PyUnicode_Check(str)) {
    PyErr_Format(PyExc_TypeError, "expected str, got %s",
                 str == nullptr ? "NULL" : Py_TYPE(str)->tp_name);
    return false;
  }
  out->resize(static_cast<size_t>(PyUnicode_GET_LENGTH(str)));
  CopyChars(PyUnicode_4BYTE_KIND, out->data(), 0, PyUnicode_KIND(str), PyUnicode_DATA(str), 0,
            PyUnicode_GET_LENGTH(str));
  return true;
}

PyObject* StrFromCodePoints(const char32_t* text, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    if (text[i] > 0x10FFFF) {
      PyErr_Format(PyExc_ValueError, "character U+%x is not in range [U+0000; U+10ffff]",
                   static_cast<unsigned>(text[i]));
      return nullptr;
    }
  }
  return StrFromKind(PyUnicode_4BYTE_KIND, text, static_cast<Py_ssize_t>(size));
}

}  // namespace pinion::compat

using pinion::compat::CheckStr;
using pinion::compat::CopyChars;
using pinion::compat::KindMax;
using pinion::compat::NewStr;
using pinion::compat::StrFromKind;

extern "C" PyObject* PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar) {
  if (size < 0) {
    PyErr_SetString(PyExc_SystemError, "Negative size passed to PyUnicode_New");
    return nullptr;
  }
  if (maxchar > 0x10FFFF) {
    PyErr_SetString(PyExc_SystemError, "invalid maximum character passed to PyUnicode_New");
    return nullptr;
  }
  return NewStr(size, maxchar);
}

extern "C" PyObject* PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size) {
  if (size < 0) {
    PyErr_SetString(PyExc_ValueError, "size must be positive");
    return nullptr;
  }
  if (kind != PyUnicode_1BYTE_KIND && kind != PyUnicode_2BYTE_KIND &&
      kind != PyUnicode_4BYTE_KIND) {
    PyErr_SetString(PyExc_SystemError, "invalid kind");
    return nullptr;
  }
  if (buffer == nullptr && size > 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (kind == PyUnicode_4BYTE_KIND && pinion::compat::MaxCharOf(kind, buffer, size) > 0x10FFFF) {
    PyErr_SetString(PyExc_SystemError, "invalid maximum character passed to PyUnicode_New");
    return nullptr;
  }
  return StrFromKind(kind, buffer, size);
}

extern "C" Py_ssize_t PyUnicode_GetLength(PyObject* unicode) {
  return CheckStr(unicode) == nullptr ? -1 : PyUnicode_GET_LENGTH(unicode);
}

extern "C" Py_UCS4 PyUnicode_ReadChar(PyObject* unicode, Py_ssize_t index) {
  if (CheckStr(unicode) == nullptr) return static_cast<Py_UCS4>(-1);
  if (index < 0 || index >= PyUnicode_GET_LENGTH(unicode)) {
    PyErr_SetString(PyExc_IndexError, "string index out of range");
    return static_cast<Py_UCS4>(-1);
  }
  return PyUnicode_READ_CHAR(unicode, index);
}

extern "C" int PyUnicode_WriteChar(PyObject* unicode, Py_ssize_t index, Py_UCS4 character) {
  if (unicode == nullptr || !PyUnicode_Check(unicode)) {
    PyErr_BadArgument();
    return -1;
  }
  if (index < 0 || index >= PyUnicode_GET_LENGTH(unicode)) {
    PyErr_SetString(PyExc_IndexError, "string index out of range");
    return -1;
  }
  if (pinion::compat::CheckModifiable(unicode) < 0) return -1;
  if (character > KindMax(unicode)) {
    PyErr_SetString(PyExc_ValueError, "character out of range");
    return -1;
  }
  PyUnicode_WRITE(PyUnicode_KIND(unicode), PyUnicode_DATA(unicode), index, character);
  return 0;
}

extern "C" Py_UCS4* PyUnicode_AsUCS4(PyObject* unicode, Py_UCS4* buffer, Py_ssize_t buflen,
                                     int copy_null) {
  if (unicode == nullptr || buffer == nullptr || buflen < 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (CheckStr(unicode) == nullptr) return nullptr;
  const Py_ssize_t n = PyUnicode_GET_LENGTH(unicode);
  if (buflen < n || (copy_null && buflen == n)) {
    PyErr_Format(PyExc_SystemError, "string is longer than the buffer");
    if (copy_null && buflen > 0) buffer[0] = 0;  // as CPython
    return nullptr;
  }
  CopyChars(PyUnicode_4BYTE_KIND, buffer, 0, PyUnicode_KIND(unicode), PyUnicode_DATA(unicode), 0,
            n);
  if (copy_null) buffer[n] = 0;
  return buffer;
}

extern "C" Py_UCS4* PyUnicode_AsUCS4Copy(PyObject* unicode) {
  if (CheckStr(unicode) == nullptr) return nullptr;
  const Py_ssize_t n = PyUnicode_GET_LENGTH(unicode);
  auto* buffer = static_cast<Py_UCS4*>(PyMem_Malloc((static_cast<size_t>(n) + 1) * 4));
  if (buffer == nullptr) {
    PyErr_NoMemory();
    return nullptr;
  }
  return PyUnicode_AsUCS4(unicode, buffer, n + 1, 1);
}

extern "C" Py_ssize_t PyUnicode_CopyCharacters(PyObject* to, Py_ssize_t to_start, PyObject* from,
                                               Py_ssize_t from_start, Py_ssize_t how_many) {
  if (to == nullptr || from == nullptr || !PyUnicode_Check(to) || !PyUnicode_Check(from)) {
    PyErr_BadInternalCall();
    return -1;
  }
  const Py_ssize_t from_length = PyUnicode_GET_LENGTH(from);
  const Py_ssize_t to_length = PyUnicode_GET_LENGTH(to);
  if (from_start < 0 || from_start > from_length || to_start < 0 || to_start > to_length) {
    PyErr_SetString(PyExc_IndexError, "string index out of range");
    return -1;
  }
  if (how_many < 0) {
    PyErr_SetString(PyExc_SystemError, "how_many cannot be negative");
    return -1;
  }
  how_many = std::min(how_many, from_length - from_start);
  if (to_start + how_many > to_length) {
    PyErr_Format(PyExc_SystemError, "Cannot write %zi characters at %zi in a string of %zi characters",
                 how_many, to_start, to_length);
    return -1;
  }
  if (how_many == 0) return 0;
  if (pinion::compat::CheckModifiable(to) < 0) return -1;
  const int from_kind = PyUnicode_KIND(from);
  if (from_kind > PyUnicode_KIND(to) || (PyUnicode_IS_ASCII(to) && !PyUnicode_IS_ASCII(from))) {
    const Py_UCS4 max =
        pinion::compat::MaxCharOf(from_kind, static_cast<const char*>(PyUnicode_DATA(from)) +
                                                 from_start * from_kind,
                                  how_many);
    if (max > KindMax(to)) {
      PyErr_Format(PyExc_SystemError,
                   "Cannot copy %s characters into a string of %s characters",
                   max < 0x100 ? "latin1" : max < 0x10000 ? "UCS2" : "UCS4",
                   PyUnicode_IS_ASCII(to) ? "ascii" : PyUnicode_KIND(to) == 1 ? "latin1" : "UCS2");
      return -1;
    }
  }
  CopyChars(PyUnicode_KIND(to), PyUnicode_DATA(to), to_start, from_kind, PyUnicode_DATA(from),
            from_start, how_many);
  return how_many;
}

extern "C" Py_ssize_t PyUnicode_Fill(PyObject* unicode, Py_ssize_t start, Py_ssize_t length,
                                     Py_UCS4 fill_char) {
  if (unicode == nullptr || !PyUnicode_Check(unicode)) {
    PyErr_BadInternalCall();
    return -1;
  }
  if (pinion::compat::CheckModifiable(unicode) < 0) return -1;
  if (start < 0) {
    PyErr_SetString(PyExc_IndexError, "string index out of range");
    return -1;
  }
  if (fill_char > KindMax(unicode)) {
    PyErr_SetString(PyExc_ValueError, "fill character is bigger than the string maximum character");
    return -1;
  }
  length = std::min(length, PyUnicode_GET_LENGTH(unicode) - start);
  if (length <= 0) return 0;
  const int kind = PyUnicode_KIND(unicode);
  void* data = PyUnicode_DATA(unicode);
  for (Py_ssize_t i = 0; i < length; ++i) PyUnicode_WRITE(kind, data, start + i, fill_char);
  return length;
}

extern "C" PyObject* PyUnicode_FromOrdinal(int ordinal) {
  if (ordinal < 0 || ordinal > 0x10FFFF) {
    PyErr_SetString(PyExc_ValueError, "chr() arg not in range(0x110000)");
    return nullptr;
  }
  const auto c = static_cast<Py_UCS4>(ordinal);
  PyObject* op = NewStr(1, c);
  if (op != nullptr) PyUnicode_WRITE(PyUnicode_KIND(op), PyUnicode_DATA(op), 0, c);
  return op;
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
  const Py_ssize_t a = PyUnicode_GET_LENGTH(left), b = PyUnicode_GET_LENGTH(right);
  if (a > PY_SSIZE_T_MAX - b) {
    PyErr_SetString(PyExc_OverflowError, "strings are too large to concat");
    return nullptr;
  }
  // Both canonical: the wider kind (and ascii only if both are) is the result's.
  PyObject* op = NewStr(a + b, std::max(KindMax(left), KindMax(right)));
  if (op == nullptr) return nullptr;
  CopyChars(PyUnicode_KIND(op), PyUnicode_DATA(op), 0, PyUnicode_KIND(left), PyUnicode_DATA(left),
            0, a);
  CopyChars(PyUnicode_KIND(op), PyUnicode_DATA(op), a, PyUnicode_KIND(right),
            PyUnicode_DATA(right), 0, b);
  return op;
}
