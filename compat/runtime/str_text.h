// What the str algorithm files (unicode_methods.cc, unicode_percent.cc, str_methods.cc,
// str_format.cc) share: reading a str argument as code points with CPython's messages,
// slice-index adjustment, searching in a code-point range, and str's method table.
//
// Owns nothing. Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_STR_TEXT_H_
#define PINION_COMPAT_RUNTIME_STR_TEXT_H_

#include <string>
#include <string_view>

#include "Python.h"

namespace pinion::compat {

// CPython's ensure_unicode: the code points of `obj`, or false with TypeError
// "must be str, not T".
bool StrArg(PyObject* obj, std::u32string* out);

// CPython's ADJUST_INDICES: start and end as slice bounds of a sequence of `length`
// (negative ones count from the end; end is clipped to length, both to >= 0). start may
// stay above length.
inline void AdjustIndices(Py_ssize_t& start, Py_ssize_t& end, Py_ssize_t length) {
  if (end > length) {
    end = length;
  } else if (end < 0) {
    end += length;
    if (end < 0) end = 0;
  }
  if (start < 0) {
    start += length;
    if (start < 0) start = 0;
  }
}

// The index of the first (forward) or last occurrence of `sub` in text[start:end] (already
// adjusted), or -1.
inline Py_ssize_t FindIn(std::u32string_view text, std::u32string_view sub, Py_ssize_t start,
                         Py_ssize_t end, bool forward) {
  if (end - start < static_cast<Py_ssize_t>(sub.size())) return -1;
  const std::u32string_view range = text.substr(size_t(start), size_t(end - start));
  const size_t at = forward ? range.find(sub) : range.rfind(sub);
  return at == range.npos ? -1 : start + static_cast<Py_ssize_t>(at);
}

// str's Python-level methods and its % operator (str_methods.cc): PyUnicode_Type's
// tp_methods and tp_as_number.
extern PyMethodDef kStrMethods[];
extern PyNumberMethods kStrAsNumber;

// str.format(*args, **kwargs) and str.format_map(mapping) (str_format.cc).
PyObject* StrFormat(PyObject* self, PyObject* args, PyObject* kwargs);
PyObject* StrFormatMap(PyObject* self, PyObject* mapping);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_STR_TEXT_H_
