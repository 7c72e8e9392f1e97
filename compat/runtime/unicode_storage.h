// How a str stores its text (PEP 393, CPython 3.11's compact layout), for the files that
// implement str (unicode*.cc) and the runtime's users of its characters.
//
// Invariants (every str these functions make or accept):
//   - compact: the characters follow the struct (PyASCIIObject for ASCII, else
//     PyCompactUnicodeObject), `length` of them and then a NUL of the same width;
//   - canonical: `kind` is the narrowest for the largest code point (ascii set iff all are
//     below 0x80), so equal strings have equal kinds and equal bytes. PyUnicode_New's caller
//     may break this by filling a str with characters that do not match its maxchar (as in
//     CPython); the comparisons stay memory-safe, only the answers are then wrong;
//   - a non-ASCII str's `utf8` is NULL or a UTF-8 copy on the Pinion heap that the str's
//     trace keeps alive (unicode_utf8.cc), set once; an ASCII str's UTF-8 is its data.
//
// Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_UNICODE_STORAGE_H_
#define PINION_COMPAT_RUNTIME_UNICODE_STORAGE_H_

#include <cstddef>
#include <cstring>

#include "Python.h"

namespace pinion::compat {

// The narrowest kind holding `maxchar`.
inline int KindFor(Py_UCS4 maxchar) {
  return maxchar < 0x100 ? PyUnicode_1BYTE_KIND
                         : maxchar < 0x10000 ? PyUnicode_2BYTE_KIND : PyUnicode_4BYTE_KIND;
}

// The largest code point of `n` characters of `kind` at `data` (0 for none).
Py_UCS4 MaxCharOf(int kind, const void* data, Py_ssize_t n);

// A new str of `length` characters whose largest is at most `maxchar` (<= U+10FFFF),
// uninitialised but for the NUL: for the caller to fill before it escapes. nullptr with an
// exception set (MemoryError, OverflowError for an impossible length). (unicode.cc)
PyObject* NewStr(Py_ssize_t length, Py_UCS4 maxchar);

// A new canonical str of `n` characters of `kind` at `data` (code points <= U+10FFFF).
PyObject* StrFromKind(int kind, const void* data, Py_ssize_t n);

// Copies `n` characters from (from_kind, from) at from_start to (to_kind, to) at to_start,
// widening or narrowing each (the caller knows they fit).
void CopyChars(int to_kind, void* to, Py_ssize_t to_start, int from_kind, const void* from,
               Py_ssize_t from_start, Py_ssize_t n);

// -1, 0, 1 by code point order; both must be str.
int StrOrder(PyObject* a, PyObject* b);
// True if two str are equal (canonical: same length, kind and bytes).
bool StrEqual(PyObject* a, PyObject* b);

// True if `str` was made by NewStr as a non-ASCII str, whose trace keeps its UTF-8 copy.
bool TracesUtf8Copy(PyObject* str);

// The UTF-8 of a str (unicode_utf8.cc): its data if ASCII, else its cached copy, made now if
// needed; nullptr with UnicodeEncodeError if it holds a surrogate, MemoryError.
const char* StrUtf8(PyObject* str, Py_ssize_t* size);

// Decodes `size` bytes of UTF-8 with CPython's "strict" or "replace" handling (the fast
// paths of PyUnicode_FromString and PyUnicode_FromFormat; every other handler is the codec's,
// unicode_decoders.cc).
enum class Utf8Errors { kStrict, kReplace };
PyObject* DecodeUtf8(const char* data, Py_ssize_t size, Utf8Errors errors);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_UNICODE_STORAGE_H_
