// Building a str: _PyUnicodeWriter (CPython 3.11's private string builder, in its layout,
// which pythoncapi_compat.h's PyUnicodeWriter stands on) and str <-> wchar_t.
//
// Owns: the writer's buffer, a str of `size` characters of `kind` (a new reference the writer
// holds, so the buffer is pinned while the writer builds into it), from the first Prepare to
// Finish or Dealloc. Invariants: data == PyUnicode_DATA(buffer), kind == its kind, maxchar ==
// PyUnicode_MAX_CHAR_VALUE(buffer), 0 <= pos <= size == its length; characters [0, pos) are
// written. Growing allocates a wider or longer str and copies; Finish hands the buffer over
// as the result when it is full and canonical, else makes the canonical str of [0, pos).
//
// Threads: any attached thread; a writer is used by one thread at a time.
#include <algorithm>
#include <cstring>
#include <cwchar>

#include "compat/runtime/runtime.h"
#include "compat/runtime/unicode_storage.h"

namespace pinion::compat {
namespace {

void Update(_PyUnicodeWriter* writer) {
  writer->data = PyUnicode_DATA(writer->buffer);
  writer->kind = static_cast<PyUnicode_Kind>(PyUnicode_KIND(writer->buffer));
  writer->maxchar = PyUnicode_MAX_CHAR_VALUE(writer->buffer);
  writer->size = PyUnicode_GET_LENGTH(writer->buffer);
}

int CheckCodePoint(Py_UCS4 ch) {
  if (ch <= 0x10FFFF) return 0;
  PyErr_Format(PyExc_ValueError, "character U+%x is not in range [U+0000; U+10ffff]",
               static_cast<unsigned>(ch));
  return -1;
}

// Copies n characters of (kind, data) into the writer at pos, after a Prepare for them.
void Put(_PyUnicodeWriter* writer, int kind, const void* data, Py_ssize_t n) {
  CopyChars(writer->kind, writer->data, writer->pos, kind, data, 0, n);
  writer->pos += n;
}

}  // namespace
}  // namespace pinion::compat

using pinion::compat::CopyChars;
using pinion::compat::MaxCharOf;

extern "C" void _PyUnicodeWriter_Init(_PyUnicodeWriter* writer) {
  std::memset(writer, 0, sizeof(*writer));
  writer->min_char = 127;
}

extern "C" int _PyUnicodeWriter_PrepareInternal(_PyUnicodeWriter* writer, Py_ssize_t length,
                                                Py_UCS4 maxchar) {
  if (pinion::compat::CheckCodePoint(maxchar) < 0) return -1;
  if (length > PY_SSIZE_T_MAX - writer->pos) {
    PyErr_NoMemory();
    return -1;
  }
  Py_ssize_t new_length = writer->pos + length;
  maxchar = std::max(maxchar, writer->min_char);
  if (writer->buffer != nullptr && new_length <= writer->size && maxchar <= writer->maxchar) {
    return 0;
  }
  if (writer->buffer == nullptr || new_length > writer->size) {
    if (writer->overallocate && new_length <= PY_SSIZE_T_MAX - new_length / 4) {
      new_length += new_length / 4;  // CPython's factor on Linux
    }
    new_length = std::max(new_length, writer->min_length);
  } else {
    new_length = writer->size;  // only wider
  }
  if (writer->buffer != nullptr) maxchar = std::max(maxchar, writer->maxchar);
  PyObject* buffer = pinion::compat::NewStr(new_length, maxchar);
  if (buffer == nullptr) return -1;
  if (writer->buffer != nullptr) {
    CopyChars(PyUnicode_KIND(buffer), PyUnicode_DATA(buffer), 0, writer->kind, writer->data, 0,
              writer->pos);
    Py_DECREF(writer->buffer);
  }
  writer->buffer = buffer;
  pinion::compat::Update(writer);
  return 0;
}

extern "C" int _PyUnicodeWriter_PrepareKindInternal(_PyUnicodeWriter* writer,
                                                    enum PyUnicode_Kind kind) {
  const Py_UCS4 maxchar = kind == PyUnicode_1BYTE_KIND   ? 0xFF
                          : kind == PyUnicode_2BYTE_KIND ? 0xFFFF
                                                         : 0x10FFFF;
  return _PyUnicodeWriter_PrepareInternal(writer, 0, maxchar);
}

extern "C" int _PyUnicodeWriter_WriteChar(_PyUnicodeWriter* writer, Py_UCS4 ch) {
  if (pinion::compat::CheckCodePoint(ch) < 0 || _PyUnicodeWriter_Prepare(writer, 1, ch) < 0) {
    return -1;
  }
  PyUnicode_WRITE(writer->kind, writer->data, writer->pos, ch);
  ++writer->pos;
  return 0;
}

extern "C" int _PyUnicodeWriter_WriteStr(_PyUnicodeWriter* writer, PyObject* str) {
  if (str == nullptr || !PyUnicode_Check(str)) {
    PyErr_BadArgument();
    return -1;
  }
  const Py_ssize_t n = PyUnicode_GET_LENGTH(str);
  if (n == 0) return 0;
  if (_PyUnicodeWriter_Prepare(writer, n, PyUnicode_MAX_CHAR_VALUE(str)) < 0) return -1;
  pinion::compat::Put(writer, PyUnicode_KIND(str), PyUnicode_DATA(str), n);
  return 0;
}

extern "C" int _PyUnicodeWriter_WriteSubstring(_PyUnicodeWriter* writer, PyObject* str,
                                               Py_ssize_t start, Py_ssize_t end) {
  if (str == nullptr || !PyUnicode_Check(str)) {
    PyErr_BadArgument();
    return -1;
  }
  if (start < 0 || start > end || end > PyUnicode_GET_LENGTH(str)) {
    PyErr_BadInternalCall();
    return -1;
  }
  const int kind = PyUnicode_KIND(str);
  const char* from = static_cast<const char*>(PyUnicode_DATA(str)) + start * kind;
  const Py_ssize_t n = end - start;
  if (n == 0) return 0;
  if (_PyUnicodeWriter_Prepare(writer, n, MaxCharOf(kind, from, n)) < 0) return -1;
  pinion::compat::Put(writer, kind, from, n);
  return 0;
}

extern "C" int _PyUnicodeWriter_WriteASCIIString(_PyUnicodeWriter* writer, const char* str,
                                                 Py_ssize_t len) {
  if (len == -1) len = static_cast<Py_ssize_t>(std::strlen(str));
  if (len == 0) return 0;
  if (MaxCharOf(PyUnicode_1BYTE_KIND, str, len) >= 0x80) {
    PyErr_SetString(PyExc_ValueError, "_PyUnicodeWriter_WriteASCIIString: not ASCII");
    return -1;
  }
  if (_PyUnicodeWriter_Prepare(writer, len, 127) < 0) return -1;
  pinion::compat::Put(writer, PyUnicode_1BYTE_KIND, str, len);
  return 0;
}

extern "C" int _PyUnicodeWriter_WriteLatin1String(_PyUnicodeWriter* writer, const char* str,
                                                  Py_ssize_t len) {
  if (len == 0) return 0;
  if (_PyUnicodeWriter_Prepare(writer, len, MaxCharOf(PyUnicode_1BYTE_KIND, str, len)) < 0) {
    return -1;
  }
  pinion::compat::Put(writer, PyUnicode_1BYTE_KIND, str, len);
  return 0;
}

extern "C" PyObject* _PyUnicodeWriter_Finish(_PyUnicodeWriter* writer) {
  PyObject* result;
  if (writer->buffer == nullptr) {
    result = PyUnicode_New(0, 0);
  } else {
    const Py_UCS4 max = MaxCharOf(writer->kind, writer->data, writer->pos);
    const bool canonical = pinion::compat::KindFor(max) == writer->kind &&
                           (max < 0x80) == (PyUnicode_IS_ASCII(writer->buffer) != 0);
    if (writer->pos == writer->size && canonical) {
      result = writer->buffer;  // the writer's reference becomes the caller's
      writer->buffer = nullptr;
    } else {
      result = pinion::compat::StrFromKind(writer->kind, writer->data, writer->pos);
    }
  }
  _PyUnicodeWriter_Dealloc(writer);
  return result;
}

extern "C" void _PyUnicodeWriter_Dealloc(_PyUnicodeWriter* writer) {
  Py_CLEAR(writer->buffer);
  writer->data = nullptr;
  writer->size = writer->pos = 0;
  writer->maxchar = 0;
  writer->kind = static_cast<PyUnicode_Kind>(0);
}

extern "C" PyObject* PyUnicode_FromWideChar(const wchar_t* w, Py_ssize_t size) {
  if (w == nullptr && size != 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (size == -1) size = static_cast<Py_ssize_t>(std::wcslen(w));
  static_assert(sizeof(wchar_t) == sizeof(Py_UCS4), "wchar_t holds code points (Linux)");
  if (size == 0) return PyUnicode_New(0, 0);
  const Py_UCS4 max = MaxCharOf(PyUnicode_4BYTE_KIND, w, size);
  if (pinion::compat::CheckCodePoint(max) < 0) return nullptr;
  return pinion::compat::StrFromKind(PyUnicode_4BYTE_KIND, w, size);
}

extern "C" Py_ssize_t PyUnicode_AsWideChar(PyObject* unicode, wchar_t* w, Py_ssize_t size) {
  if (unicode == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  if (!PyUnicode_Check(unicode)) {
    PyErr_BadArgument();
    return -1;
  }
  const Py_ssize_t length = PyUnicode_GET_LENGTH(unicode);
  if (w == nullptr) return length + 1;
  Py_ssize_t copied = std::min(size, length);
  if (copied < 0) copied = 0;
  CopyChars(PyUnicode_4BYTE_KIND, w, 0, PyUnicode_KIND(unicode), PyUnicode_DATA(unicode), 0,
            copied);
  if (size > length) {
    w[length] = L'\0';
    return length;
  }
  return size;
}

extern "C" wchar_t* PyUnicode_AsWideCharString(PyObject* unicode, Py_ssize_t* size) {
  if (unicode == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (!PyUnicode_Check(unicode)) {
    PyErr_BadArgument();
    return nullptr;
  }
  const Py_ssize_t length = PyUnicode_GET_LENGTH(unicode);
  auto* buffer =
      static_cast<wchar_t*>(PyMem_Malloc((static_cast<size_t>(length) + 1) * sizeof(wchar_t)));
  if (buffer == nullptr) {
    PyErr_NoMemory();
    return nullptr;
  }
  PyUnicode_AsWideChar(unicode, buffer, length + 1);
  if (size != nullptr) {
    *size = length;
  } else if (static_cast<Py_ssize_t>(std::wcslen(buffer)) != length) {
    PyMem_Free(buffer);
    PyErr_SetString(PyExc_ValueError, "embedded null character");
    return nullptr;
  }
  return buffer;
}
