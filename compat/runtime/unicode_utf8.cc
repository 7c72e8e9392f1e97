// UTF-8 in and out of a str: the decoder (PyUnicode_FromString(AndSize), DecodeUTF8) and the
// encoder (PyUnicode_AsUTF8, AsUTF8AndSize, AsUTF8String) with the copy a non-ASCII str keeps.
//
// Owns: the UTF-8 copies. A non-ASCII str's `utf8` starts NULL; the first AsUTF8 encodes the
// text into a new plain Pinion allocation (pointer-free, NUL-terminated) and publishes it with
// a release CAS from NULL; a thread that loses the race drops its own copy (garbage, reclaimed
// like any unreachable object) and uses the winner's. The str's trace (unicode.cc) keeps the
// copy alive while the str lives, so the pointer AsUTF8 returns is valid as long as the str
// is, and nothing is ever freed by hand. utf8_length is written before the CAS and read after
// an acquire load of utf8, so a reader that sees the copy sees its length.
//
// The decoder follows CPython's: invalid sequences are found by its rules (a truncated
// sequence at the end is one error, "unexpected end of data"; otherwise "invalid start byte"
// or "invalid continuation byte" spanning the bytes before the bad one), so "replace" puts one
// U+FFFD per error as CPython does, and "strict" raises UnicodeDecodeError with CPython's
// start, end and reason.
//
// Threads: any attached thread.
#include <cstring>
#include <string>

#include "compat/runtime/runtime.h"
#include "compat/runtime/unicode_storage.h"
#include "gc/heap.h"
#include "pinning/pin.h"

namespace pinion::compat {
namespace {

TypeId Utf8CopyType() {
  static const TypeId type = RegisterType({.name = "str UTF-8 copy", .size = 1});
  return type;
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// One step of CPython's decoder at p[0] (not ASCII), `available` bytes left: the code point
// and its size; or size 0 and the error: its reason and its length in bytes.
struct Step {
  Py_UCS4 value;
  int size;
  const char* reason;
  Py_ssize_t error_length;
};

Step DecodeStep(const unsigned char* p, Py_ssize_t available) {
  const unsigned char c = p[0];
  const auto invalid = [](Py_ssize_t length) {
    return Step{0, 0, "invalid continuation byte", length};
  };
  const Step truncated{0, 0, "unexpected end of data", available};
  if (c < 0xC2 || c > 0xF4) return {0, 0, "invalid start byte", 1};
  if (c < 0xE0) {
    if (available < 2) return truncated;
    if (!IsContinuation(p[1])) return invalid(1);
    return {Py_UCS4((c & 0x1F) << 6 | (p[1] & 0x3F)), 2, nullptr, 0};
  }
  if (c < 0xF0) {
    if (available < 2) return truncated;
    // E0 needs A0..BF next (no overlong forms), ED 80..9F (no surrogates).
    if (!IsContinuation(p[1]) || (c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)) {
      return invalid(1);
    }
    if (available < 3) return truncated;
    if (!IsContinuation(p[2])) return invalid(2);
    return {Py_UCS4((c & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F)), 3, nullptr, 0};
  }
  if (available < 2) return truncated;
  // F0 needs 90..BF next, F4 80..8F (nothing above U+10FFFF).
  if (!IsContinuation(p[1]) || (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)) {
    return invalid(1);
  }
  if (available < 3) return truncated;
  if (!IsContinuation(p[2])) return invalid(2);
  if (available < 4) return truncated;
  if (!IsContinuation(p[3])) return invalid(3);
  return {Py_UCS4((c & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F)),
          4, nullptr, 0};
}

void RaiseDecodeError(const char* data, Py_ssize_t size, Py_ssize_t start, Py_ssize_t end,
                      const char* reason) {
  PyObject* error = PyUnicodeDecodeError_Create("utf-8", data, size, start, end, reason);
  if (error == nullptr) return;
  PyErr_SetObject(PyExc_UnicodeDecodeError, error);
  Py_DECREF(error);
}

// Appends the UTF-8 of `c` (any code point up to U+10FFFF, surrogates included) to out.
void AppendUtf8(std::string& out, Py_UCS4 c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// The UTF-8 of a non-ASCII str into `out`; false with UnicodeEncodeError at its first
// surrogate.
bool EncodeUtf8(PyObject* str, std::string& out) {
  const int kind = PyUnicode_KIND(str);
  const void* data = PyUnicode_DATA(str);
  const Py_ssize_t n = PyUnicode_GET_LENGTH(str);
  out.reserve(static_cast<size_t>(n) * 2);
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (Py_UNICODE_IS_SURROGATE(c)) {
      Py_ssize_t end = i + 1;
      while (end < n && Py_UNICODE_IS_SURROGATE(PyUnicode_READ(kind, data, end))) ++end;
      PyObject* error = PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnns", "utf-8", str,
                                              i, end, "surrogates not allowed");
      if (error != nullptr) {
        PyErr_SetObject(PyExc_UnicodeEncodeError, error);
        Py_DECREF(error);
      }
      return false;
    }
    AppendUtf8(out, c);
  }
  return true;
}

}  // namespace

PyObject* DecodeUtf8(const char* data, Py_ssize_t size, Utf8Errors errors) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  // Fast path: ASCII.
  Py_ssize_t i = 0;
  while (i < size && bytes[i] < 0x80) ++i;
  if (i == size) {
    PyObject* op = NewStr(size, 0x7F);
    if (op != nullptr && size > 0) std::memcpy(PyUnicode_DATA(op), data, static_cast<size_t>(size));
    return op;
  }
  std::u32string text(bytes, bytes + i);
  text.reserve(static_cast<size_t>(size));
  while (i < size) {
    if (bytes[i] < 0x80) {
      text += bytes[i++];
      continue;
    }
    const Step step = DecodeStep(bytes + i, size - i);
    if (step.size > 0) {
      text += step.value;
      i += step.size;
      continue;
    }
    if (errors == Utf8Errors::kStrict) {
      RaiseDecodeError(data, size, i, i + step.error_length, step.reason);
      return nullptr;
    }
    text += U'\xFFFD';  // kReplace
    i += step.error_length;
  }
  return StrFromKind(PyUnicode_4BYTE_KIND, text.data(), static_cast<Py_ssize_t>(text.size()));
}

const char* StrUtf8(PyObject* str, Py_ssize_t* size) {
  if (PyUnicode_IS_ASCII(str)) {
    if (size != nullptr) *size = PyUnicode_GET_LENGTH(str);
    return static_cast<const char*>(PyUnicode_DATA(str));
  }
  auto* op = reinterpret_cast<PyCompactUnicodeObject*>(str);
  char* copy = __atomic_load_n(&op->utf8, __ATOMIC_ACQUIRE);
  if (copy == nullptr) {
    std::string utf8;
    if (!EncodeUtf8(str, utf8)) return nullptr;
    // No safepoint from this allocation to the CAS: the copy is black if a cycle is marking
    // (unicode.cc), and unreachable garbage if the CAS loses.
    copy = static_cast<char*>(TryAllocate(Utf8CopyType(), utf8.size() + 1));
    if (copy == nullptr) {
      PyErr_NoMemory();
      return nullptr;
    }
    std::memcpy(copy, utf8.data(), utf8.size());  // the NUL: zeroed memory
    char* expected = nullptr;
    // utf8_length first: every thread that races here stores the same value.
    __atomic_store_n(&op->utf8_length, static_cast<Py_ssize_t>(utf8.size()), __ATOMIC_RELAXED);
    if (!__atomic_compare_exchange_n(&op->utf8, &expected, copy, false, __ATOMIC_RELEASE,
                                     __ATOMIC_ACQUIRE)) {
      copy = expected;  // another thread's copy won
    } else if (!TracesUtf8Copy(str)) {
      // A str not made by NewStr (a subclass instance from tp_alloc): nothing traces the
      // copy, so it is kept by a pin for as long as the process runs.
      Pin(copy);
    }
  }
  if (size != nullptr) *size = __atomic_load_n(&op->utf8_length, __ATOMIC_RELAXED);
  return copy;
}

}  // namespace pinion::compat

using pinion::compat::DecodeUtf8;
using pinion::compat::StrUtf8;
using pinion::compat::Utf8Errors;

extern "C" PyObject* PyUnicode_FromString(const char* u) {
  return DecodeUtf8(u, static_cast<Py_ssize_t>(std::strlen(u)), Utf8Errors::kStrict);
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
  return DecodeUtf8(u == nullptr ? "" : u, size, Utf8Errors::kStrict);
}

// Strict decoding here; any error handler through the codec (unicode_decoders.cc).
extern "C" PyObject* PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors) {
  if (errors != nullptr && std::strcmp(errors, "strict") != 0) {
    return PyUnicode_DecodeUTF8Stateful(s, size, errors, nullptr);
  }
  if (size < 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return DecodeUtf8(s, size, Utf8Errors::kStrict);
}

extern "C" const char* PyUnicode_AsUTF8AndSize(PyObject* unicode, Py_ssize_t* size) {
  if (unicode == nullptr || !PyUnicode_Check(unicode)) {
    PyErr_BadArgument();
    return nullptr;
  }
  return StrUtf8(unicode, size);
}

extern "C" const char* PyUnicode_AsUTF8(PyObject* unicode) {
  return PyUnicode_AsUTF8AndSize(unicode, nullptr);
}

extern "C" PyObject* PyUnicode_AsUTF8String(PyObject* unicode) {
  Py_ssize_t size;
  const char* utf8 = PyUnicode_AsUTF8AndSize(unicode, &size);
  return utf8 == nullptr ? nullptr : PyBytes_FromStringAndSize(utf8, size);
}
