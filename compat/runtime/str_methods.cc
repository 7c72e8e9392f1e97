// str's Python-level methods (PyUnicode_Type's tp_methods, reached by extension code through
// PyObject_CallMethod and PyObject_GetAttr) and its % operator (nb_remainder).
//
// Owns: kStrMethods and kStrAsNumber. The methods parse their arguments with CPython 3.11's
// messages and call the C API (unicode_methods.cc, unicode_percent.cc) where one exists;
// case mappings and character classes (lower, upper, casefold, title, capitalize, swapcase,
// is*) are str_chars.h's: exact for ASCII and Latin-1, and above U+00FF every code point is
// uncased, neither letter nor digit, and isprintable is approximated (Pinion has no Unicode
// database). str.format and format_map are str_format.cc's; encode is the codecs'.
//
// Written against the code-point view (unicode_text.h). Threads: any attached thread.
#include <algorithm>
#include <string>
#include <string_view>

#include "compat/runtime/str_chars.h"
#include "compat/runtime/str_text.h"
#include "compat/runtime/unicode_codecs.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {
namespace {

namespace chars = str_chars;

// A Py_ssize_t argument (an int, or an object with __index__).
bool SizeArg(PyObject* v, Py_ssize_t* out) {
  *out = PyNumber_AsSsize_t(v, PyExc_OverflowError);
  return !(*out == -1 && PyErr_Occurred());
}

// A slice-bound argument (CPython's _PyEval_SliceIndex): None keeps *out.
bool SliceArg(PyObject* v, Py_ssize_t* out) {
  if (v == nullptr || v == Py_None) return true;
  if (!PyIndex_Check(v)) {
    PyErr_SetString(PyExc_TypeError,
                    "slice indices must be integers or None or have an __index__ method");
    return false;
  }
  *out = PyNumber_AsSsize_t(v, nullptr);  // clamped
  return !(*out == -1 && PyErr_Occurred());
}

PyObject* Result(const std::u32string& text) { return StrFromCodePoints(text); }

// ---- Searching ---------------------------------------------------------------------------

// The (sub, start, end) arguments of find, count, index...: false with an exception set.
bool FindArgs(PyObject* args, const char* format, PyObject** sub, Py_ssize_t* start,
              Py_ssize_t* end) {
  PyObject *start_obj = nullptr, *end_obj = nullptr;
  *start = 0;
  *end = PY_SSIZE_T_MAX;
  return PyArg_ParseTuple(args, format, sub, &start_obj, &end_obj) &&
         SliceArg(start_obj, start) && SliceArg(end_obj, end);
}

PyObject* Find(PyObject* self, PyObject* args, const char* format, int direction, bool raise) {
  PyObject* sub;
  Py_ssize_t start, end;
  if (!FindArgs(args, format, &sub, &start, &end)) return nullptr;
  const Py_ssize_t at = PyUnicode_Find(self, sub, start, end, direction);
  if (at == -2) return nullptr;
  if (at == -1 && raise) {
    PyErr_SetString(PyExc_ValueError, "substring not found");
    return nullptr;
  }
  return PyLong_FromSsize_t(at);
}

PyObject* StrFind(PyObject* self, PyObject* args) { return Find(self, args, "O|OO:find", 1, false); }
PyObject* StrRfind(PyObject* self, PyObject* args) {
  return Find(self, args, "O|OO:rfind", -1, false);
}
PyObject* StrIndex(PyObject* self, PyObject* args) { return Find(self, args, "O|OO:index", 1, true); }
PyObject* StrRindex(PyObject* self, PyObject* args) {
  return Find(self, args, "O|OO:rindex", -1, true);
}

PyObject* StrCount(PyObject* self, PyObject* args) {
  PyObject* sub;
  Py_ssize_t start, end;
  if (!FindArgs(args, "O|OO:count", &sub, &start, &end)) return nullptr;
  const Py_ssize_t n = PyUnicode_Count(self, sub, start, end);
  return n == -1 ? nullptr : PyLong_FromSsize_t(n);
}

// startswith / endswith: the prefix may be a tuple of str, any of which matches.
PyObject* Tailmatch(PyObject* self, PyObject* args, const char* format, const char* name,
                    int direction) {
  PyObject* sub;
  Py_ssize_t start, end;
  if (!FindArgs(args, format, &sub, &start, &end)) return nullptr;
  if (PyTuple_Check(sub)) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(sub); ++i) {
      PyObject* item = PyTuple_GET_ITEM(sub, i);
      if (!PyUnicode_Check(item)) {
        return PyErr_Format(PyExc_TypeError, "tuple for %s must only contain str, not %.100s",
                            name, Py_TYPE(item)->tp_name);
      }
      const Py_ssize_t match = PyUnicode_Tailmatch(self, item, start, end, direction);
      if (match == -1) return nullptr;
      if (match) Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
  }
  if (!PyUnicode_Check(sub)) {
    return PyErr_Format(PyExc_TypeError, "%s first arg must be str or a tuple of str, not %.100s",
                        name, Py_TYPE(sub)->tp_name);
  }
  const Py_ssize_t match = PyUnicode_Tailmatch(self, sub, start, end, direction);
  return match == -1 ? nullptr : PyBool_FromLong(match);
}

PyObject* StrStartswith(PyObject* self, PyObject* args) {
  return Tailmatch(self, args, "O|OO:startswith", "startswith", -1);
}
PyObject* StrEndswith(PyObject* self, PyObject* args) {
  return Tailmatch(self, args, "O|OO:endswith", "endswith", +1);
}

// ---- Splitting, joining, replacing -------------------------------------------------------

PyObject* Split(PyObject* self, PyObject* args, PyObject* kwargs, const char* format,
                bool from_end) {
  static const char* const kKeywords[] = {"sep", "maxsplit", nullptr};
  PyObject *sep = Py_None, *maxsplit_obj = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, format, const_cast<char**>(kKeywords), &sep,
                                   &maxsplit_obj)) {
    return nullptr;
  }
  Py_ssize_t maxsplit = -1;
  if (maxsplit_obj != nullptr && !SizeArg(maxsplit_obj, &maxsplit)) return nullptr;
  if (sep != Py_None && !PyUnicode_Check(sep)) {
    return PyErr_Format(PyExc_TypeError, "must be str or None, not %.100s", Py_TYPE(sep)->tp_name);
  }
  sep = sep == Py_None ? nullptr : sep;
  return from_end ? PyUnicode_RSplit(self, sep, maxsplit) : PyUnicode_Split(self, sep, maxsplit);
}

PyObject* StrSplit(PyObject* self, PyObject* args, PyObject* kwargs) {
  return Split(self, args, kwargs, "|OO:split", false);
}
PyObject* StrRsplit(PyObject* self, PyObject* args, PyObject* kwargs) {
  return Split(self, args, kwargs, "|OO:rsplit", true);
}

PyObject* StrSplitlines(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const char* const kKeywords[] = {"keepends", nullptr};
  PyObject* keepends_obj = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:splitlines", const_cast<char**>(kKeywords),
                                   &keepends_obj)) {
    return nullptr;
  }
  Py_ssize_t keepends = 0;
  if (keepends_obj != nullptr && !SizeArg(keepends_obj, &keepends)) return nullptr;
  return PyUnicode_Splitlines(self, keepends != 0);
}

PyObject* StrJoin(PyObject* self, PyObject* iterable) { return PyUnicode_Join(self, iterable); }

PyObject* StrPartition(PyObject* self, PyObject* sep) { return PyUnicode_Partition(self, sep); }
PyObject* StrRpartition(PyObject* self, PyObject* sep) { return PyUnicode_RPartition(self, sep); }

PyObject* StrReplace(PyObject* self, PyObject* args) {
  PyObject *old_obj, *new_obj, *count_obj = nullptr;
  if (!PyArg_UnpackTuple(args, "replace", 2, 3, &old_obj, &new_obj, &count_obj)) return nullptr;
  PyObject* const parts[] = {old_obj, new_obj};
  for (int i = 0; i < 2; ++i) {
    if (!PyUnicode_Check(parts[i])) {
      return PyErr_Format(PyExc_TypeError, "replace() argument %d must be str, not %.100s", i + 1,
                          Py_TYPE(parts[i])->tp_name);
    }
  }
  Py_ssize_t count = -1;
  if (count_obj != nullptr && !SizeArg(count_obj, &count)) return nullptr;
  return PyUnicode_Replace(self, old_obj, new_obj, count);
}

// removeprefix / removesuffix.
PyObject* RemoveAffix(PyObject* self, PyObject* affix, const char* name, int direction) {
  if (!PyUnicode_Check(affix)) {
    return PyErr_Format(PyExc_TypeError, "%s() argument must be str, not %.100s", name,
                        Py_TYPE(affix)->tp_name);
  }
  std::u32string text;
  const Py_ssize_t match = PyUnicode_Tailmatch(self, affix, 0, PY_SSIZE_T_MAX, direction);
  if (match == -1 || !StrCodePoints(self, &text)) return nullptr;
  const Py_ssize_t length = PyUnicode_GetLength(affix);
  if (!match || length == 0) return PyUnicode_CheckExact(self) ? Py_NewRef(self) : Result(text);
  return direction < 0 ? StrFromCodePoints(text.data() + length, text.size() - size_t(length))
                       : StrFromCodePoints(text.data(), text.size() - size_t(length));
}

PyObject* StrRemoveprefix(PyObject* self, PyObject* prefix) {
  return RemoveAffix(self, prefix, "removeprefix", -1);
}
PyObject* StrRemovesuffix(PyObject* self, PyObject* suffix) {
  return RemoveAffix(self, suffix, "removesuffix", +1);
}

// str.maketrans(x[, y[, z]]), a static method: the dict str.translate takes.
bool SetCodePoint(PyObject* dict, char32_t key, PyObject* value) {
  PyObject* k = PyLong_FromUnsignedLong(key);
  const int rc = k != nullptr ? PyDict_SetItem(dict, k, value) : -1;
  Py_XDECREF(k);
  return rc == 0;
}

PyObject* StrMaketrans(PyObject*, PyObject* args) {
  PyObject *x, *y = nullptr, *z = nullptr;
  if (!PyArg_UnpackTuple(args, "maketrans", 1, 3, &x, &y, &z)) return nullptr;
  PyObject* const typed[] = {y, z};
  for (int i = 0; i < 2; ++i) {
    if (typed[i] != nullptr && !PyUnicode_Check(typed[i])) {
      return PyErr_Format(PyExc_TypeError, "maketrans() argument %d must be str, not %.100s",
                          i + 2, Py_TYPE(typed[i])->tp_name);
    }
  }
  PyObject* table = PyDict_New();
  if (table == nullptr) return nullptr;
  auto fail = [table] {
    Py_DECREF(table);
    return nullptr;
  };
  if (y == nullptr) {
    if (!PyDict_CheckExact(x)) {
      PyErr_SetString(PyExc_TypeError,
                      "if you give only one argument to maketrans it must be a dict");
      return fail();
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    std::u32string text;
    while (PyDict_Next(x, &pos, &key, &value)) {
      if (PyUnicode_Check(key)) {
        if (!StrCodePoints(key, &text)) return fail();
        if (text.size() != 1) {
          PyErr_SetString(PyExc_ValueError, "string keys in translate table must be of length 1");
          return fail();
        }
        if (!SetCodePoint(table, text[0], value)) return fail();
      } else if (PyLong_Check(key)) {
        if (PyDict_SetItem(table, key, value) < 0) return fail();
      } else {
        PyErr_SetString(PyExc_TypeError, "keys in translate table must be strings or integers");
        return fail();
      }
    }
    return table;
  }
  if (!PyUnicode_Check(x)) {
    PyErr_SetString(PyExc_TypeError,
                    "first maketrans argument must be a string if there is a second argument");
    return fail();
  }
  std::u32string from, to, deleted;
  if (!StrCodePoints(x, &from) || !StrCodePoints(y, &to)) return fail();
  if (from.size() != to.size()) {
    PyErr_SetString(PyExc_ValueError, "the first two maketrans arguments must have equal length");
    return fail();
  }
  for (size_t i = 0; i < from.size(); ++i) {
    PyObject* value = PyLong_FromUnsignedLong(to[i]);
    const bool ok = value != nullptr && SetCodePoint(table, from[i], value);
    Py_XDECREF(value);
    if (!ok) return fail();
  }
  if (z != nullptr) {
    if (!StrCodePoints(z, &deleted)) return fail();
    for (char32_t c : deleted) {
      if (!SetCodePoint(table, c, Py_None)) return fail();
    }
  }
  return table;
}

PyObject* StrTranslate(PyObject* self, PyObject* table) {
  return PyUnicode_Translate(self, table, "ignore");
}

PyObject* StrRemainder(PyObject* format, PyObject* args) {
  if (!PyUnicode_Check(format)) Py_RETURN_NOTIMPLEMENTED;
  return PyUnicode_Format(format, args);
}

PyObject* StrFormatMethod(PyObject* self, PyObject* spec) {
  if (!PyUnicode_Check(spec)) {
    return PyErr_Format(PyExc_TypeError, "__format__() argument must be str, not %.100s",
                        Py_TYPE(spec)->tp_name);
  }
  return PyObject_Format(self, spec);
}

// ---- Stripping and padding ---------------------------------------------------------------

enum Sides { kLeft = 1, kRight = 2, kBoth = 3 };

PyObject* Strip(PyObject* self, PyObject* args, const char* name, int sides) {
  PyObject* chars_obj = Py_None;
  if (!PyArg_UnpackTuple(args, name, 0, 1, &chars_obj)) return nullptr;
  std::u32string text, strip_set;
  if (chars_obj != Py_None) {
    if (!PyUnicode_Check(chars_obj)) {
      return PyErr_Format(PyExc_TypeError, "%s arg must be None or str", name);
    }
    if (!StrCodePoints(chars_obj, &strip_set)) return nullptr;
  }
  if (!StrCodePoints(self, &text)) return nullptr;
  auto strips = [&](char32_t c) {
    return chars_obj == Py_None ? chars::IsSpace(c) : strip_set.find(c) != strip_set.npos;
  };
  size_t begin = 0, end = text.size();
  if (sides & kLeft) {
    while (begin < end && strips(text[begin])) ++begin;
  }
  if (sides & kRight) {
    while (end > begin && strips(text[end - 1])) --end;
  }
  if (begin == 0 && end == text.size() && PyUnicode_CheckExact(self)) return Py_NewRef(self);
  return StrFromCodePoints(text.data() + begin, end - begin);
}

PyObject* StrStrip(PyObject* self, PyObject* args) { return Strip(self, args, "strip", kBoth); }
PyObject* StrLstrip(PyObject* self, PyObject* args) { return Strip(self, args, "lstrip", kLeft); }
PyObject* StrRstrip(PyObject* self, PyObject* args) { return Strip(self, args, "rstrip", kRight); }

// center / ljust / rjust (width[, fillchar]).
PyObject* Pad(PyObject* self, PyObject* args, const char* name, int sides) {
  PyObject *width_obj, *fill_obj = nullptr;
  if (!PyArg_UnpackTuple(args, name, 1, 2, &width_obj, &fill_obj)) return nullptr;
  Py_ssize_t width;
  if (!SizeArg(width_obj, &width)) return nullptr;
  char32_t fill = U' ';
  if (fill_obj != nullptr) {
    std::u32string fill_text;
    if (!PyUnicode_Check(fill_obj)) {
      return PyErr_Format(PyExc_TypeError,
                          "The fill character must be a unicode character, not %.100s",
                          Py_TYPE(fill_obj)->tp_name);
    }
    if (!StrCodePoints(fill_obj, &fill_text)) return nullptr;
    if (fill_text.size() != 1) {
      PyErr_SetString(PyExc_TypeError, "The fill character must be exactly one character long");
      return nullptr;
    }
    fill = fill_text[0];
  }
  std::u32string text;
  if (!StrCodePoints(self, &text)) return nullptr;
  const Py_ssize_t length = static_cast<Py_ssize_t>(text.size());
  if (width <= length) {
    return PyUnicode_CheckExact(self) ? Py_NewRef(self) : Result(text);
  }
  const Py_ssize_t margin = width - length;
  // CPython's split of an odd margin: the extra fill goes left when width is odd.
  const Py_ssize_t left = sides == kBoth ? margin / 2 + (margin & width & 1)
                          : sides == kRight ? margin
                                            : 0;
  std::u32string out(size_t(left), fill);
  out += text;
  out.append(size_t(margin - left), fill);
  return Result(out);
}

PyObject* StrCenter(PyObject* self, PyObject* args) { return Pad(self, args, "center", kBoth); }
PyObject* StrLjust(PyObject* self, PyObject* args) { return Pad(self, args, "ljust", kLeft); }
PyObject* StrRjust(PyObject* self, PyObject* args) { return Pad(self, args, "rjust", kRight); }

PyObject* StrZfill(PyObject* self, PyObject* width_obj) {
  Py_ssize_t width;
  if (!SizeArg(width_obj, &width)) return nullptr;
  std::u32string text;
  if (!StrCodePoints(self, &text)) return nullptr;
  if (width <= static_cast<Py_ssize_t>(text.size())) {
    return PyUnicode_CheckExact(self) ? Py_NewRef(self) : Result(text);
  }
  const size_t fill = size_t(width) - text.size();
  const bool signed_text = !text.empty() && (text[0] == '+' || text[0] == '-');
  text.insert(signed_text ? 1 : 0, fill, U'0');
  return Result(text);
}

PyObject* StrExpandtabs(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const char* const kKeywords[] = {"tabsize", nullptr};
  PyObject* tabsize_obj = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:expandtabs", const_cast<char**>(kKeywords),
                                   &tabsize_obj)) {
    return nullptr;
  }
  Py_ssize_t tabsize = 8;
  if (tabsize_obj != nullptr && !SizeArg(tabsize_obj, &tabsize)) return nullptr;
  std::u32string text, out;
  if (!StrCodePoints(self, &text)) return nullptr;
  Py_ssize_t column = 0;
  for (char32_t c : text) {
    if (c == '\t') {
      if (tabsize > 0) {
        const Py_ssize_t spaces = tabsize - column % tabsize;
        out.append(size_t(spaces), U' ');
        column += spaces;
      }
    } else {
      out += c;
      column = (c == '\n' || c == '\r') ? 0 : column + 1;
    }
  }
  return Result(out);
}

// ---- Case mapping ------------------------------------------------------------------------

template <typename Map>
PyObject* MapText(PyObject* self, Map map) {
  std::u32string text, out;
  if (!StrCodePoints(self, &text)) return nullptr;
  out.reserve(text.size());
  map(text, out);
  return Result(out);
}

PyObject* StrLower(PyObject* self, PyObject*) {
  return MapText(self, [](const std::u32string& in, std::u32string& out) {
    for (char32_t c : in) out += chars::ToLower(c);
  });
}
PyObject* StrUpper(PyObject* self, PyObject*) {
  return MapText(self, [](const std::u32string& in, std::u32string& out) {
    for (char32_t c : in) chars::AppendUpper(out, c);
  });
}
PyObject* StrCasefold(PyObject* self, PyObject*) {
  return MapText(self, [](const std::u32string& in, std::u32string& out) {
    for (char32_t c : in) chars::AppendCasefold(out, c);
  });
}
PyObject* StrSwapcase(PyObject* self, PyObject*) {
  return MapText(self, [](const std::u32string& in, std::u32string& out) {
    for (char32_t c : in) {
      if (chars::IsUpper(c)) {
        out += chars::ToLower(c);
      } else if (chars::IsLower(c)) {
        chars::AppendUpper(out, c);
      } else {
        out += c;
      }
    }
  });
}
// Each cased character after an uncased one in title case, the others lower case.
PyObject* StrTitle(PyObject* self, PyObject*) {
  return MapText(self, [](const std::u32string& in, std::u32string& out) {
    bool previous_cased = false;
    for (char32_t c : in) {
      if (previous_cased) {
        out += chars::ToLower(c);
      } else {
        chars::AppendTitle(out, c);
      }
      previous_cased = chars::IsCased(c);
    }
  });
}
PyObject* StrCapitalize(PyObject* self, PyObject*) {
  return MapText(self, [](const std::u32string& in, std::u32string& out) {
    for (size_t i = 0; i < in.size(); ++i) {
      if (i == 0) {
        chars::AppendTitle(out, in[0]);
      } else {
        out += chars::ToLower(in[i]);
      }
    }
  });
}

// ---- Character classes -------------------------------------------------------------------

// True if the str is non-empty and every code point satisfies `test`.
template <typename Test>
PyObject* All(PyObject* self, Test test) {
  std::u32string text;
  if (!StrCodePoints(self, &text)) return nullptr;
  return PyBool_FromLong(!text.empty() && std::all_of(text.begin(), text.end(), test));
}

PyObject* StrIsspace(PyObject* self, PyObject*) { return All(self, chars::IsSpace); }
PyObject* StrIsalpha(PyObject* self, PyObject*) { return All(self, chars::IsAlpha); }
PyObject* StrIsalnum(PyObject* self, PyObject*) { return All(self, chars::IsAlnum); }
PyObject* StrIsdigit(PyObject* self, PyObject*) { return All(self, chars::IsDigit); }
PyObject* StrIsdecimal(PyObject* self, PyObject*) { return All(self, chars::IsDecimal); }
PyObject* StrIsnumeric(PyObject* self, PyObject*) { return All(self, chars::IsNumeric); }

PyObject* StrIsprintable(PyObject* self, PyObject*) {
  std::u32string text;
  if (!StrCodePoints(self, &text)) return nullptr;
  return PyBool_FromLong(std::all_of(text.begin(), text.end(), chars::IsPrintable));
}

PyObject* StrIsascii(PyObject* self, PyObject*) {
  std::u32string text;
  if (!StrCodePoints(self, &text)) return nullptr;
  return PyBool_FromLong(std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; }));
}

// isupper / islower: some cased character, and none of the other case.
PyObject* Cased(PyObject* self, bool (*is)(char32_t), bool (*is_other)(char32_t)) {
  std::u32string text;
  if (!StrCodePoints(self, &text)) return nullptr;
  bool cased = false;
  for (char32_t c : text) {
    if (is_other(c)) Py_RETURN_FALSE;
    cased = cased || is(c);
  }
  return PyBool_FromLong(cased);
}
PyObject* StrIsupper(PyObject* self, PyObject*) {
  return Cased(self, chars::IsUpper, chars::IsLower);
}
PyObject* StrIslower(PyObject* self, PyObject*) {
  return Cased(self, chars::IsLower, chars::IsUpper);
}

PyObject* StrIstitle(PyObject* self, PyObject*) {
  std::u32string text;
  if (!StrCodePoints(self, &text)) return nullptr;
  bool cased = false, previous_cased = false;
  for (char32_t c : text) {
    if (chars::IsUpper(c) || chars::IsLower(c)) {
      if (chars::IsUpper(c) == previous_cased) Py_RETURN_FALSE;
      previous_cased = cased = true;
    } else {
      previous_cased = false;
    }
  }
  return PyBool_FromLong(cased);
}

PyObject* StrIsidentifier(PyObject* self, PyObject*) {
  return PyBool_FromLong(PyUnicode_IsIdentifier(self));
}

// PyCFunction casts of the keyword-taking methods.
template <PyObject* (*F)(PyObject*, PyObject*, PyObject*)>
PyCFunction Kw() {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)(void)>(F));
}

}  // namespace

PyMethodDef kStrMethods[] = {
    {"encode", Kw<StrEncode>(), METH_VARARGS | METH_KEYWORDS, nullptr},  // unicode_codec_api.cc
    {"join", StrJoin, METH_O, nullptr},
    {"split", Kw<StrSplit>(), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"rsplit", Kw<StrRsplit>(), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"splitlines", Kw<StrSplitlines>(), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"partition", StrPartition, METH_O, nullptr},
    {"rpartition", StrRpartition, METH_O, nullptr},
    {"replace", StrReplace, METH_VARARGS, nullptr},
    {"translate", StrTranslate, METH_O, nullptr},
    {"maketrans", StrMaketrans, METH_VARARGS | METH_STATIC, nullptr},
    {"removeprefix", StrRemoveprefix, METH_O, nullptr},
    {"removesuffix", StrRemovesuffix, METH_O, nullptr},
    {"find", StrFind, METH_VARARGS, nullptr},
    {"rfind", StrRfind, METH_VARARGS, nullptr},
    {"index", StrIndex, METH_VARARGS, nullptr},
    {"rindex", StrRindex, METH_VARARGS, nullptr},
    {"count", StrCount, METH_VARARGS, nullptr},
    {"startswith", StrStartswith, METH_VARARGS, nullptr},
    {"endswith", StrEndswith, METH_VARARGS, nullptr},
    {"strip", StrStrip, METH_VARARGS, nullptr},
    {"lstrip", StrLstrip, METH_VARARGS, nullptr},
    {"rstrip", StrRstrip, METH_VARARGS, nullptr},
    {"center", StrCenter, METH_VARARGS, nullptr},
    {"ljust", StrLjust, METH_VARARGS, nullptr},
    {"rjust", StrRjust, METH_VARARGS, nullptr},
    {"zfill", StrZfill, METH_O, nullptr},
    {"expandtabs", Kw<StrExpandtabs>(), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"lower", StrLower, METH_NOARGS, nullptr},
    {"upper", StrUpper, METH_NOARGS, nullptr},
    {"casefold", StrCasefold, METH_NOARGS, nullptr},
    {"swapcase", StrSwapcase, METH_NOARGS, nullptr},
    {"title", StrTitle, METH_NOARGS, nullptr},
    {"capitalize", StrCapitalize, METH_NOARGS, nullptr},
    {"isspace", StrIsspace, METH_NOARGS, nullptr},
    {"isalpha", StrIsalpha, METH_NOARGS, nullptr},
    {"isalnum", StrIsalnum, METH_NOARGS, nullptr},
    {"isdigit", StrIsdigit, METH_NOARGS, nullptr},
    {"isdecimal", StrIsdecimal, METH_NOARGS, nullptr},
    {"isnumeric", StrIsnumeric, METH_NOARGS, nullptr},
    {"isascii", StrIsascii, METH_NOARGS, nullptr},
    {"isprintable", StrIsprintable, METH_NOARGS, nullptr},
    {"isupper", StrIsupper, METH_NOARGS, nullptr},
    {"islower", StrIslower, METH_NOARGS, nullptr},
    {"istitle", StrIstitle, METH_NOARGS, nullptr},
    {"isidentifier", StrIsidentifier, METH_NOARGS, nullptr},
    {"format", Kw<StrFormat>(), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"format_map", StrFormatMap, METH_O, nullptr},
    {"__format__", StrFormatMethod, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyNumberMethods kStrAsNumber = {
    .nb_remainder = &StrRemainder,
};

}  // namespace pinion::compat
