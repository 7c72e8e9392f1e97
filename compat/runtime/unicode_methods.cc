// The str algorithms of CPython 3.11's C API (pinion_python/unicode_methods.h): Substring,
// Find, FindChar, Count, Tailmatch, Contains, Split, RSplit, Splitlines, Partition,
// RPartition, Join, Replace, RichCompare, Append(AndDel), Translate, IsIdentifier,
// FromObject. PyUnicode_Format is unicode_percent.cc's; str's methods (str_methods.cc) call
// these.
//
// Written against the code-point view (unicode_text.h), never the str's fields: each function
// copies its arguments' code points out, works on std::u32string, and builds new str objects
// with StrFromCodePoints. The algorithms and messages are CPython's (Objects/unicodeobject.c,
// Objects/stringlib/split.h).
//
// Threads: any attached thread; no state.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "compat/runtime/str_chars.h"
#include "compat/runtime/str_text.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {

bool StrArg(PyObject* obj, std::u32string* out) {
  if (obj == nullptr || !PyUnicode_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "must be str, not %.100s",
                 obj == nullptr ? "NULL" : Py_TYPE(obj)->tp_name);
    return false;
  }
  return StrCodePoints(obj, out);
}

namespace {

using str_chars::IsSpace;

PyObject* NewStr(std::u32string_view text) { return StrFromCodePoints(text.data(), text.size()); }

// Appends a new str of `part` to `list`; false with an exception set.
bool AppendPart(PyObject* list, std::u32string_view part) {
  PyObject* item = NewStr(part);
  if (item == nullptr) return false;
  const int rc = PyList_Append(list, item);
  Py_DECREF(item);
  return rc == 0;
}

PyObject* Fail(PyObject* list) {
  Py_DECREF(list);
  return nullptr;
}

PyObject* Reversed(PyObject* list) {
  if (list != nullptr && PyList_Reverse(list) < 0) Py_CLEAR(list);
  return list;
}

// stringlib's split_whitespace / rsplit_whitespace.
PyObject* SplitWhitespace(std::u32string_view s, Py_ssize_t maxcount, bool from_end) {
  PyObject* list = PyList_New(0);
  if (list == nullptr) return nullptr;
  const Py_ssize_t n = static_cast<Py_ssize_t>(s.size());
  auto add = [&](Py_ssize_t a, Py_ssize_t b) { return AppendPart(list, s.substr(a, b - a)); };
  if (!from_end) {
    Py_ssize_t i = 0;
    while (maxcount-- > 0) {
      while (i < n && IsSpace(s[i])) ++i;
      if (i == n) break;
      const Py_ssize_t j = i++;
      while (i < n && !IsSpace(s[i])) ++i;
      if (!add(j, i)) return Fail(list);
    }
    while (i < n && IsSpace(s[i])) ++i;
    if (i < n && !add(i, n)) Py_CLEAR(list);
    return list;
  }
  Py_ssize_t i = n - 1;
  while (maxcount-- > 0) {
    while (i >= 0 && IsSpace(s[i])) --i;
    if (i < 0) break;
    const Py_ssize_t j = i--;
    while (i >= 0 && !IsSpace(s[i])) --i;
    if (!add(i + 1, j + 1)) return Fail(list);
  }
  while (i >= 0 && IsSpace(s[i])) --i;
  if (i >= 0 && !add(0, i + 1)) Py_CLEAR(list);
  return Reversed(list);
}

PyObject* SplitOn(std::u32string_view s, std::u32string_view sep, Py_ssize_t maxcount,
                  bool from_end) {
  PyObject* list = PyList_New(0);
  if (list == nullptr) return nullptr;
  if (!from_end) {
    size_t i = 0;
    while (maxcount-- > 0) {
      const size_t at = s.find(sep, i);
      if (at == s.npos) break;
      if (!AppendPart(list, s.substr(i, at - i))) return Fail(list);
      i = at + sep.size();
    }
    if (!AppendPart(list, s.substr(i))) Py_CLEAR(list);
    return list;
  }
  size_t j = s.size();
  while (maxcount-- > 0) {
    if (j < sep.size()) break;
    const size_t at = s.substr(0, j).rfind(sep);
    if (at == s.npos) break;
    if (!AppendPart(list, s.substr(at + sep.size(), j - at - sep.size()))) {
      return Fail(list);
    }
    j = at;
  }
  if (!AppendPart(list, s.substr(0, j))) Py_CLEAR(list);
  return Reversed(list);
}

PyObject* Split(PyObject* s, PyObject* sep, Py_ssize_t maxsplit, bool from_end) {
  std::u32string text, separator;
  if (!StrArg(s, &text) || (sep != nullptr && !StrArg(sep, &separator))) return nullptr;
  if (maxsplit < 0) maxsplit = PY_SSIZE_T_MAX;
  if (sep == nullptr) return SplitWhitespace(text, maxsplit, from_end);
  if (separator.empty()) {
    PyErr_SetString(PyExc_ValueError, "empty separator");
    return nullptr;
  }
  return SplitOn(text, separator, maxsplit, from_end);
}

PyObject* Partition(PyObject* s, PyObject* sep, bool from_end) {
  std::u32string text, separator;
  if (!StrArg(s, &text) || !StrArg(sep, &separator)) return nullptr;
  if (separator.empty()) {
    PyErr_SetString(PyExc_ValueError, "empty separator");
    return nullptr;
  }
  const size_t at = from_end ? text.rfind(separator) : text.find(separator);
  const std::u32string_view view = text;
  PyObject* parts[3];
  if (at == text.npos) {
    PyObject* empty = NewStr(U"");
    if (empty == nullptr) return nullptr;
    PyObject* whole = PyUnicode_CheckExact(s) ? Py_NewRef(s) : NewStr(view);
    if (whole == nullptr) return Fail(empty);
    PyObject* result = from_end ? PyTuple_Pack(3, empty, empty, whole)
                                : PyTuple_Pack(3, whole, empty, empty);
    Py_DECREF(empty);
    Py_DECREF(whole);
    return result;
  }
  parts[0] = NewStr(view.substr(0, at));
  parts[1] = parts[0] != nullptr ? NewStr(separator) : nullptr;
  parts[2] = parts[1] != nullptr ? NewStr(view.substr(at + separator.size())) : nullptr;
  PyObject* result = parts[2] != nullptr ? PyTuple_Pack(3, parts[0], parts[1], parts[2]) : nullptr;
  for (PyObject* part : parts) Py_XDECREF(part);
  return result;
}

// One run of code points the translation table leaves undefined, handled by `errors`.
// False with an exception set.
bool TranslateUndefined(PyObject* str, const std::u32string& text, size_t start, size_t end,
                        const char* errors, std::u32string* out) {
  if (errors == nullptr || std::strcmp(errors, "strict") == 0) {
    PyObject* exc = PyObject_CallFunction(PyExc_UnicodeTranslateError, "Onns", str,
                                          static_cast<Py_ssize_t>(start),
                                          static_cast<Py_ssize_t>(end),
                                          "character maps to <undefined>");
    if (exc != nullptr) {
      PyErr_SetObject(PyExc_UnicodeTranslateError, exc);
      Py_DECREF(exc);
    }
    return false;
  }
  if (std::strcmp(errors, "ignore") == 0) return true;
  if (std::strcmp(errors, "replace") == 0) {
    out->append(end - start, char32_t{0xFFFD});
    return true;
  }
  PyErr_Format(PyExc_LookupError, "unknown error handler name '%.400s'", errors);
  return false;
}

// table[c]: 1 with *value a new reference (NULL: None, "undefined"), 0 when the table has no
// entry (LookupError: c maps to itself), -1 with an exception set.
int TranslateLookup(PyObject* table, char32_t c, PyObject** value) {
  PyObject* key = PyLong_FromUnsignedLong(c);
  if (key == nullptr) return -1;
  PyObject* found = PyObject_GetItem(table, key);
  Py_DECREF(key);
  if (found == nullptr) {
    if (!PyErr_ExceptionMatches(PyExc_LookupError)) return -1;
    PyErr_Clear();
    return 0;
  }
  if (found == Py_None) {
    Py_DECREF(found);
    *value = nullptr;
    return 1;
  }
  if (!PyLong_Check(found) && !PyUnicode_Check(found)) {
    Py_DECREF(found);
    PyErr_SetString(PyExc_TypeError, "character mapping must return integer, None or str");
    return -1;
  }
  *value = found;
  return 1;
}

}  // namespace
}  // namespace pinion::compat

using pinion::compat::AdjustIndices;
using pinion::compat::FindIn;
using pinion::compat::StrArg;
using pinion::compat::StrFromCodePoints;

extern "C" PyObject* PyUnicode_Substring(PyObject* str, Py_ssize_t start, Py_ssize_t end) {
  std::u32string text;
  if (!StrArg(str, &text)) return nullptr;
  const Py_ssize_t length = static_cast<Py_ssize_t>(text.size());
  end = std::min(end, length);
  if (start == 0 && end == length && PyUnicode_CheckExact(str)) return Py_NewRef(str);
  if (start < 0 || end < 0) {
    PyErr_SetString(PyExc_IndexError, "string index out of range");
    return nullptr;
  }
  if (start >= length || end < start) return StrFromCodePoints(U"", 0);
  return StrFromCodePoints(text.data() + start, size_t(end - start));
}

extern "C" Py_ssize_t PyUnicode_Find(PyObject* str, PyObject* substr, Py_ssize_t start,
                                     Py_ssize_t end, int direction) {
  std::u32string text, sub;
  if (!StrArg(str, &text) || !StrArg(substr, &sub)) return -2;
  AdjustIndices(start, end, static_cast<Py_ssize_t>(text.size()));
  return FindIn(text, sub, start, end, direction > 0);
}

extern "C" Py_ssize_t PyUnicode_FindChar(PyObject* str, Py_UCS4 ch, Py_ssize_t start,
                                         Py_ssize_t end, int direction) {
  std::u32string text;
  if (!StrArg(str, &text)) return -2;
  const char32_t c = ch;
  AdjustIndices(start, end, static_cast<Py_ssize_t>(text.size()));
  return FindIn(text, {&c, 1}, start, end, direction > 0);
}

extern "C" Py_ssize_t PyUnicode_Count(PyObject* str, PyObject* substr, Py_ssize_t start,
                                      Py_ssize_t end) {
  std::u32string text, sub;
  if (!StrArg(str, &text) || !StrArg(substr, &sub)) return -1;
  AdjustIndices(start, end, static_cast<Py_ssize_t>(text.size()));
  if (end - start < static_cast<Py_ssize_t>(sub.size())) return 0;
  if (sub.empty()) return end - start + 1;
  const std::u32string_view range = std::u32string_view(text).substr(start, end - start);
  Py_ssize_t count = 0;
  for (size_t at = range.find(sub); at != range.npos; at = range.find(sub, at + sub.size())) {
    ++count;
  }
  return count;
}

extern "C" Py_ssize_t PyUnicode_Tailmatch(PyObject* str, PyObject* substr, Py_ssize_t start,
                                          Py_ssize_t end, int direction) {
  std::u32string text, sub;
  if (!StrArg(str, &text) || !StrArg(substr, &sub)) return -1;
  AdjustIndices(start, end, static_cast<Py_ssize_t>(text.size()));
  end -= static_cast<Py_ssize_t>(sub.size());
  if (end < start) return 0;
  if (sub.empty()) return 1;
  const Py_ssize_t offset = direction > 0 ? end : start;
  return std::u32string_view(text).substr(offset, sub.size()) == sub;
}

extern "C" int PyUnicode_Contains(PyObject* container, PyObject* element) {
  if (element == nullptr || !PyUnicode_Check(element)) {
    PyErr_Format(PyExc_TypeError, "'in <string>' requires string as left operand, not %.100s",
                 element == nullptr ? "NULL" : Py_TYPE(element)->tp_name);
    return -1;
  }
  std::u32string text, sub;
  if (!StrArg(element, &sub) || !StrArg(container, &text)) return -1;
  return text.find(sub) != text.npos;
}

extern "C" PyObject* PyUnicode_Split(PyObject* s, PyObject* sep, Py_ssize_t maxsplit) {
  return pinion::compat::Split(s, sep, maxsplit, /*from_end=*/false);
}

extern "C" PyObject* PyUnicode_RSplit(PyObject* s, PyObject* sep, Py_ssize_t maxsplit) {
  return pinion::compat::Split(s, sep, maxsplit, /*from_end=*/true);
}

extern "C" PyObject* PyUnicode_Splitlines(PyObject* s, int keepends) {
  std::u32string text;
  if (!StrArg(s, &text)) return nullptr;
  PyObject* list = PyList_New(0);
  if (list == nullptr) return nullptr;
  const std::u32string_view view = text;
  for (size_t i = 0, j = 0; i < text.size(); j = i) {
    while (i < text.size() && !pinion::compat::str_chars::IsLineBreak(text[i])) ++i;
    size_t eol = i;
    if (i < text.size()) {
      i += text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
      if (keepends) eol = i;
    }
    if (!pinion::compat::AppendPart(list, view.substr(j, eol - j))) {
      Py_DECREF(list);
      return nullptr;
    }
  }
  return list;
}

extern "C" PyObject* PyUnicode_Partition(PyObject* s, PyObject* sep) {
  return pinion::compat::Partition(s, sep, /*from_end=*/false);
}

extern "C" PyObject* PyUnicode_RPartition(PyObject* s, PyObject* sep) {
  return pinion::compat::Partition(s, sep, /*from_end=*/true);
}

extern "C" PyObject* PyUnicode_Join(PyObject* separator, PyObject* seq) {
  PyObject* items = PySequence_Fast(seq, "can only join an iterable");
  if (items == nullptr) return nullptr;
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
  PyObject* result = nullptr;
  std::u32string sep = U" ", out, part;
  if (n == 1 && PyUnicode_CheckExact(PySequence_Fast_GET_ITEM(items, 0))) {
    result = Py_NewRef(PySequence_Fast_GET_ITEM(items, 0));
  } else if (n > 0 && separator != nullptr && !PyUnicode_Check(separator)) {
    PyErr_Format(PyExc_TypeError, "separator: expected str instance, %.80s found",
                 Py_TYPE(separator)->tp_name);
  } else if (n == 0 || separator == nullptr || StrArg(separator, &sep)) {
    bool ok = true;
    for (Py_ssize_t i = 0; ok && i < n; ++i) {
      PyObject* item = PySequence_Fast_GET_ITEM(items, i);
      if (!PyUnicode_Check(item)) {
        PyErr_Format(PyExc_TypeError, "sequence item %zd: expected str instance, %.80s found", i,
                     Py_TYPE(item)->tp_name);
        ok = false;
      } else if ((ok = StrArg(item, &part))) {
        if (i > 0) out += sep;
        out += part;
      }
    }
    if (ok) result = StrFromCodePoints(out);
  }
  Py_DECREF(items);
  return result;
}

extern "C" PyObject* PyUnicode_Replace(PyObject* str, PyObject* substr, PyObject* replstr,
                                       Py_ssize_t maxcount) {
  std::u32string text, old_text, new_text;
  if (!StrArg(str, &text) || !StrArg(substr, &old_text) || !StrArg(replstr, &new_text)) {
    return nullptr;
  }
  if (maxcount < 0) maxcount = PY_SSIZE_T_MAX;
  if (maxcount == 0 || text.size() < old_text.size()) {
    return PyUnicode_CheckExact(str) ? Py_NewRef(str) : StrFromCodePoints(text);
  }
  std::u32string out;
  if (old_text.empty()) {  // new_text before every code point and at the end, maxcount times
    for (size_t i = 0; i <= text.size(); ++i) {
      if (maxcount > 0) out += new_text, --maxcount;
      if (i < text.size()) out += text[i];
    }
    return StrFromCodePoints(out);
  }
  size_t i = 0;
  for (size_t at; maxcount > 0 && (at = text.find(old_text, i)) != text.npos; --maxcount) {
    out.append(text, i, at - i);
    out += new_text;
    i = at + old_text.size();
  }
  out.append(text, i);
  return StrFromCodePoints(out);
}

extern "C" PyObject* PyUnicode_RichCompare(PyObject* left, PyObject* right, int op) {
  if (left == nullptr || right == nullptr || !PyUnicode_Check(left) || !PyUnicode_Check(right)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  const int c = PyUnicode_Compare(left, right);
  if (c == -1 && PyErr_Occurred()) return nullptr;
  Py_RETURN_RICHCOMPARE(c, 0, op);
}

extern "C" void PyUnicode_Append(PyObject** pleft, PyObject* right) {
  if (pleft == nullptr) {
    if (!PyErr_Occurred()) PyErr_BadInternalCall();
    return;
  }
  PyObject* left = *pleft;
  if (left == nullptr || right == nullptr || !PyUnicode_Check(left) || !PyUnicode_Check(right)) {
    if (!PyErr_Occurred()) PyErr_BadInternalCall();
    Py_CLEAR(*pleft);
    return;
  }
  *pleft = PyUnicode_Concat(left, right);
  Py_DECREF(left);
}

extern "C" void PyUnicode_AppendAndDel(PyObject** pleft, PyObject* right) {
  PyUnicode_Append(pleft, right);
  Py_XDECREF(right);
}

extern "C" PyObject* PyUnicode_Translate(PyObject* str, PyObject* table, const char* errors) {
  std::u32string text, out, inserted;
  if (!StrArg(str, &text)) return nullptr;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    PyObject* value = nullptr;
    const int found = pinion::compat::TranslateLookup(table, text[i], &value);
    if (found < 0) return nullptr;
    if (found == 0) {
      out += text[i++];
    } else if (value == nullptr) {  // None: a run of undefined code points
      size_t end = i + 1;
      for (; end < text.size(); ++end) {
        const int next = pinion::compat::TranslateLookup(table, text[end], &value);
        if (next < 0) return nullptr;
        if (next == 0 || value != nullptr) {
          Py_XDECREF(value);
          break;
        }
      }
      if (!pinion::compat::TranslateUndefined(str, text, i, end, errors, &out)) return nullptr;
      i = end;
    } else if (PyLong_Check(value)) {
      const long c = PyLong_AsLong(value);
      Py_DECREF(value);
      if (c == -1 && PyErr_Occurred()) return nullptr;
      if (c < 0 || c > 0x10FFFF) {
        PyErr_SetString(PyExc_ValueError, "character mapping must be in range(0x110000)");
        return nullptr;
      }
      out += static_cast<char32_t>(c);
      ++i;
    } else {
      const bool ok = StrArg(value, &inserted);
      Py_DECREF(value);
      if (!ok) return nullptr;
      out += inserted;
      ++i;
    }
  }
  return StrFromCodePoints(out);
}

extern "C" int PyUnicode_IsIdentifier(PyObject* s) {
  std::u32string text;
  if (!StrArg(s, &text)) {
    PyErr_Clear();  // CPython's never fails (it reads any str)
    return 0;
  }
  if (text.empty() || !pinion::compat::str_chars::IsIdentifierStart(text[0])) return 0;
  return std::all_of(text.begin() + 1, text.end(),
                     pinion::compat::str_chars::IsIdentifierContinue);
}

extern "C" PyObject* PyUnicode_FromObject(PyObject* obj) {
  if (obj != nullptr && PyUnicode_CheckExact(obj)) return Py_NewRef(obj);
  if (obj != nullptr && PyUnicode_Check(obj)) {
    std::u32string text;
    if (!StrArg(obj, &text)) return nullptr;
    return StrFromCodePoints(text);
  }
  PyErr_Format(PyExc_TypeError, "Can't convert '%.100s' object to str implicitly",
               obj == nullptr ? "NULL" : Py_TYPE(obj)->tp_name);
  return nullptr;
}
