// The code-point view of a str that the str algorithms (methods, codecs) are written against,
// so that they do not depend on how a str stores its text.
//
// Owns nothing: two conversions. StrCodePoints copies a str's code points out (O(n));
// StrFromCodePoints makes a new str of code points (any value up to U+10FFFF, lone
// surrogates included, in the canonical PEP 393 kind). Both are implemented beside the
// representation (unicode.cc).
//
// Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_UNICODE_TEXT_H_
#define PINION_COMPAT_RUNTIME_UNICODE_TEXT_H_

#include <cstddef>
#include <string>

#include "Python.h"

namespace pinion::compat {

// The code points of `str` (a str, or a subclass). False with TypeError if it is not one.
bool StrCodePoints(PyObject* str, std::u32string* out);

// A new str of `size` code points at `text`; NULL with an exception set (ValueError for a
// code point above U+10FFFF, MemoryError).
PyObject* StrFromCodePoints(const char32_t* text, size_t size);
inline PyObject* StrFromCodePoints(const std::u32string& text) {
  return StrFromCodePoints(text.data(), text.size());
}

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_UNICODE_TEXT_H_
