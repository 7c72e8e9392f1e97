// Building a str from code points: _PyUnicodeWriter (CPython 3.11's private string builder,
// which pythoncapi_compat.h's PyUnicodeWriter stands on) and PyUnicode_FromWideChar.
//
// Owns: the writer's malloc'd UTF-8 buffer, from _PyUnicodeWriter_Init to Finish or Dealloc.
// Invariants: data[0, pos) is valid UTF-8 of `length` code points (no surrogates, nothing
// above U+10FFFF: what a Pinion str may hold), so Finish makes the str without re-checking
// more than PyUnicode_FromStringAndSize does.
//
// Threads: any attached thread; a writer is used by one thread at a time.
#include <cstdlib>
#include <cstring>
#include <cwchar>

#include "Python.h"

namespace {

// The UTF-8 encoding of `ch` into out (4 bytes of room): its length, or 0 with ValueError
// set if Pinion's str cannot hold it.
int EncodeUtf8(Py_UCS4 ch, char* out) {
  if (ch > 0x10FFFF) {
    PyErr_Format(PyExc_ValueError, "character U+%x is not in range [U+0000; U+10ffff]",
                 static_cast<unsigned>(ch));
    return 0;
  }
  if (ch >= 0xD800 && ch <= 0xDFFF) {
    PyErr_Format(PyExc_ValueError, "character U+%x is a surrogate: Pinion's str cannot hold it",
                 static_cast<unsigned>(ch));
    return 0;
  }
  if (ch < 0x80) {
    out[0] = static_cast<char>(ch);
    return 1;
  }
  if (ch < 0x800) {
    out[0] = static_cast<char>(0xC0 | (ch >> 6));
    out[1] = static_cast<char>(0x80 | (ch & 0x3F));
    return 2;
  }
  if (ch < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (ch >> 12));
    out[1] = static_cast<char>(0x80 | ((ch >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (ch & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (ch >> 18));
  out[1] = static_cast<char>(0x80 | ((ch >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((ch >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (ch & 0x3F));
  return 4;
}

// Room for `bytes` more bytes; -1 with MemoryError set if there is none.
int Reserve(_PyUnicodeWriter* writer, Py_ssize_t bytes) {
  if (bytes < 0 || writer->pos > PY_SSIZE_T_MAX - bytes) {
    PyErr_NoMemory();
    return -1;
  }
  const Py_ssize_t needed = writer->pos + bytes;
  if (needed <= writer->size) return 0;
  Py_ssize_t size = needed;
  if (writer->overallocate && size <= PY_SSIZE_T_MAX / 2) size *= 2;
  if (size < writer->min_length) size = writer->min_length;
  char* data = static_cast<char*>(std::realloc(writer->data, static_cast<size_t>(size) + 1));
  if (data == nullptr) {
    PyErr_NoMemory();
    return -1;
  }
  writer->data = data;
  writer->size = size;
  return 0;
}

int Append(_PyUnicodeWriter* writer, const char* utf8, Py_ssize_t bytes, Py_ssize_t length) {
  if (Reserve(writer, bytes) < 0) return -1;
  if (bytes > 0) std::memcpy(writer->data + writer->pos, utf8, static_cast<size_t>(bytes));
  writer->pos += bytes;
  writer->length += length;
  return 0;
}

// The byte offset of code point `index` in valid UTF-8 (continuation bytes are 10xxxxxx).
Py_ssize_t ByteOffset(const char* utf8, Py_ssize_t bytes, Py_ssize_t index) {
  Py_ssize_t at = 0;
  for (; index > 0 && at < bytes; --index) {
    ++at;
    while (at < bytes && (static_cast<unsigned char>(utf8[at]) & 0xC0) == 0x80) ++at;
  }
  return at;
}

}  // namespace

extern "C" void _PyUnicodeWriter_Init(_PyUnicodeWriter* writer) {
  std::memset(writer, 0, sizeof(*writer));
}

extern "C" int _PyUnicodeWriter_PrepareInternal(_PyUnicodeWriter* writer, Py_ssize_t length,
                                                Py_UCS4 maxchar) {
  const Py_ssize_t width = maxchar < 0x80 ? 1 : maxchar < 0x800 ? 2 : maxchar < 0x10000 ? 3 : 4;
  if (length > PY_SSIZE_T_MAX / 4) {
    PyErr_NoMemory();
    return -1;
  }
  return Reserve(writer, length * width);
}

extern "C" int _PyUnicodeWriter_WriteChar(_PyUnicodeWriter* writer, Py_UCS4 ch) {
  char utf8[4];
  const int bytes = EncodeUtf8(ch, utf8);
  return bytes == 0 ? -1 : Append(writer, utf8, bytes, 1);
}

extern "C" int _PyUnicodeWriter_WriteStr(_PyUnicodeWriter* writer, PyObject* str) {
  Py_ssize_t bytes;
  const char* utf8 = PyUnicode_AsUTF8AndSize(str, &bytes);
  if (utf8 == nullptr) return -1;
  return Append(writer, utf8, bytes, PyUnicode_GetLength(str));
}

extern "C" int _PyUnicodeWriter_WriteSubstring(_PyUnicodeWriter* writer, PyObject* str,
                                               Py_ssize_t start, Py_ssize_t end) {
  Py_ssize_t bytes;
  const char* utf8 = PyUnicode_AsUTF8AndSize(str, &bytes);
  if (utf8 == nullptr) return -1;
  if (start < 0 || start > end || end > PyUnicode_GetLength(str)) {
    PyErr_BadInternalCall();
    return -1;
  }
  const Py_ssize_t from = ByteOffset(utf8, bytes, start);
  const Py_ssize_t to = from + ByteOffset(utf8 + from, bytes - from, end - start);
  return Append(writer, utf8 + from, to - from, end - start);
}

extern "C" int _PyUnicodeWriter_WriteASCIIString(_PyUnicodeWriter* writer, const char* str,
                                                 Py_ssize_t len) {
  if (len == -1) len = static_cast<Py_ssize_t>(std::strlen(str));
  for (Py_ssize_t i = 0; i < len; ++i) {
    if (static_cast<unsigned char>(str[i]) >= 0x80) {
      PyErr_SetString(PyExc_ValueError, "_PyUnicodeWriter_WriteASCIIString: not ASCII");
      return -1;
    }
  }
  return Append(writer, str, len, len);
}

extern "C" int _PyUnicodeWriter_WriteLatin1String(_PyUnicodeWriter* writer, const char* str,
                                                  Py_ssize_t len) {
  if (len > PY_SSIZE_T_MAX / 2 || Reserve(writer, 2 * len) < 0) {
    if (!PyErr_Occurred()) PyErr_NoMemory();
    return -1;
  }
  for (Py_ssize_t i = 0; i < len; ++i) {
    char utf8[4];
    const int bytes = EncodeUtf8(static_cast<unsigned char>(str[i]), utf8);
    if (Append(writer, utf8, bytes, 1) < 0) return -1;
  }
  return 0;
}

extern "C" PyObject* _PyUnicodeWriter_Finish(_PyUnicodeWriter* writer) {
  PyObject* str = PyUnicode_FromStringAndSize(writer->pos > 0 ? writer->data : "", writer->pos);
  _PyUnicodeWriter_Dealloc(writer);
  return str;
}

extern "C" void _PyUnicodeWriter_Dealloc(_PyUnicodeWriter* writer) {
  std::free(writer->data);
  writer->data = nullptr;
  writer->buffer = nullptr;
  writer->size = writer->pos = writer->length = 0;
}

extern "C" PyObject* PyUnicode_FromWideChar(const wchar_t* w, Py_ssize_t size) {
  if (w == nullptr && size != 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (size == -1) size = static_cast<Py_ssize_t>(std::wcslen(w));
  _PyUnicodeWriter writer;
  _PyUnicodeWriter_Init(&writer);
  for (Py_ssize_t i = 0; i < size; ++i) {
    if (_PyUnicodeWriter_WriteChar(&writer, static_cast<Py_UCS4>(w[i])) < 0) {
      _PyUnicodeWriter_Dealloc(&writer);
      return nullptr;
    }
  }
  return _PyUnicodeWriter_Finish(&writer);
}
