// str.format and str.format_map (PEP 3101), with CPython 3.11's semantics and messages
// (Objects/stringlib/unicode_format.h).
//
// A format string is literal text ("{{" and "}}" stand for braces) and replacement fields
// {name[.attr][[key]]...[!conversion][:spec]}. An empty name takes the next positional
// argument (automatic numbering), a decimal one the argument at that index (manual), any
// other the keyword argument (or, for format_map, the mapping's item); mixing automatic and
// manual numbering is a ValueError. The spec may hold nested fields, expanded first (two
// levels at most, as in CPython); each field is rendered by PyObject_Format. Differences:
// field indices are ASCII digits only (CPython also reads other Unicode decimal digits).
//
// Written against the code-point view (unicode_text.h). Threads: any attached thread.
#include <algorithm>
#include <string>
#include <string_view>

#include "compat/runtime/str_text.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {
namespace {

// One replacement field, as spans of the format string.
struct Field {
  std::u32string_view name, spec;
  char32_t conversion = 0;
  bool spec_has_fields = false;
};

bool Fail(PyObject* type, const char* message) {
  PyErr_SetString(type, message);
  return false;
}

// The value of a field-name part made only of ASCII digits; -1 if it is empty or is not
// one, -2 with ValueError if it is too large.
Py_ssize_t Integer(std::u32string_view text) {
  if (text.empty()) return -1;
  Py_ssize_t value = 0;
  for (char32_t c : text) {
    if (c < '0' || c > '9') return -1;
    const int digit = static_cast<int>(c - '0');
    if (value > (PY_SSIZE_T_MAX - digit) / 10) {
      PyErr_SetString(PyExc_ValueError, "Too many decimal digits in format string");
      return -2;
    }
    value = value * 10 + digit;
  }
  return value;
}

PyObject* NewStr(std::u32string_view text) { return StrFromCodePoints(text.data(), text.size()); }

class Formatter {
 public:
  // args: the positional arguments (a tuple; NULL for format_map); kwargs: the keyword
  // arguments or the mapping (may be NULL).
  Formatter(PyObject* args, PyObject* kwargs) : args_(args), kwargs_(kwargs) {}

  bool Build(std::u32string_view input, int depth, std::u32string& out) {
    if (depth <= 0) return Fail(PyExc_ValueError, "Max string recursion exceeded");
    size_t i = 0;
    while (i < input.size()) {
      const size_t brace = input.find_first_of(U"{}", i);
      if (brace == input.npos) {
        out.append(input.substr(i));
        break;
      }
      const char32_t c = input[brace];
      const bool at_end = brace + 1 >= input.size();
      if (c == '}' && (at_end || input[brace + 1] != '}')) {
        return Fail(PyExc_ValueError, "Single '}' encountered in format string");
      }
      if (c == '{' && at_end) return Fail(PyExc_ValueError, "Single '{' encountered in format string");
      out.append(input.substr(i, brace - i));
      if (input[brace + 1] == c) {  // {{ or }}
        out += c;
        i = brace + 2;
        continue;
      }
      i = brace + 1;
      Field field;
      if (!ParseField(input, &i, &field) || !Render(field, depth, out)) return false;
    }
    return true;
  }

 private:
  // Parses the field starting at input[*pos] (after its '{') up to its '}'.
  static bool ParseField(std::u32string_view input, size_t* pos, Field* field) {
    size_t& p = *pos;
    const size_t n = input.size();
    const size_t name_start = p;
    char32_t c = 0;
    while (p < n) {
      c = input[p++];
      if (c == '{') return Fail(PyExc_ValueError, "unexpected '{' in field name");
      if (c == '[') {
        while (p < n && input[p] != ']') ++p;
        continue;
      }
      if (c == '}' || c == ':' || c == '!') break;
    }
    field->name = input.substr(name_start, p - 1 - name_start);
    if (c != '!' && c != ':') {
      return c == '}' || Fail(PyExc_ValueError, "expected '}' before end of string");
    }
    if (c == '!') {
      if (p >= n) {
        return Fail(PyExc_ValueError, "end of string while looking for conversion specifier");
      }
      field->conversion = input[p++];
      if (p < n) {
        const char32_t next = input[p++];
        if (next == '}') return true;
        if (next != ':') return Fail(PyExc_ValueError, "expected ':' after conversion specifier");
      }
    }
    const size_t spec_start = p;
    for (int depth = 1; p < n;) {
      c = input[p++];
      if (c == '{') {
        field->spec_has_fields = true;
        ++depth;
      } else if (c == '}' && --depth == 0) {
        field->spec = input.substr(spec_start, p - 1 - spec_start);
        return true;
      }
    }
    return Fail(PyExc_ValueError, "unmatched '{' in format spec");
  }

  // The object a field names: a new reference, or NULL with an exception set.
  PyObject* Lookup(std::u32string_view name) {
    const size_t first_end = std::min(name.find_first_of(U".["), name.size());
    const std::u32string_view first = name.substr(0, first_end);
    Py_ssize_t index = Integer(first);
    if (index == -2) return nullptr;
    const bool automatic = first.empty();
    if (automatic || index != -1) {
      if (numbering_ == kInit) numbering_ = automatic ? kAuto : kManual;
      if (numbering_ == kManual && automatic) {
        PyErr_SetString(PyExc_ValueError,
                        "cannot switch from manual field specification to automatic field "
                        "numbering");
        return nullptr;
      }
      if (numbering_ == kAuto && !automatic) {
        PyErr_SetString(PyExc_ValueError,
                        "cannot switch from automatic field numbering to manual field "
                        "specification");
        return nullptr;
      }
      if (automatic) index = next_index_++;
    }
    PyObject* obj;
    if (index == -1) {
      PyObject* key = NewStr(first);
      if (key == nullptr) return nullptr;
      if (kwargs_ == nullptr) {
        PyErr_SetObject(PyExc_KeyError, key);
        obj = nullptr;
      } else {
        obj = PyObject_GetItem(kwargs_, key);
      }
      Py_DECREF(key);
    } else if (args_ == nullptr) {
      PyErr_SetString(PyExc_ValueError, "Format string contains positional fields");
      return nullptr;
    } else {
      obj = PySequence_GetItem(args_, index);
      if (obj == nullptr) {
        PyErr_Format(PyExc_IndexError,
                     "Replacement index %zd out of range for positional args tuple", index);
      }
    }
    // The rest: .attribute and [key] parts.
    for (size_t p = first_end; obj != nullptr && p < name.size();) {
      const char32_t kind = name[p++];
      size_t end;
      if (kind == '.') {
        end = std::min(name.find_first_of(U".[", p), name.size());
      } else if (kind == '[') {
        end = name.find(U']', p);
        if (end == name.npos) {
          Py_DECREF(obj);
          PyErr_SetString(PyExc_ValueError, "Missing ']' in format string");
          return nullptr;
        }
      } else {
        Py_DECREF(obj);
        PyErr_SetString(PyExc_ValueError,
                        "Only '.' or '[' may follow ']' in format field specifier");
        return nullptr;
      }
      const std::u32string_view part = name.substr(p, end - p);
      p = kind == '[' ? end + 1 : end;
      if (part.empty()) {
        Py_DECREF(obj);
        PyErr_SetString(PyExc_ValueError, "Empty attribute in format string");
        return nullptr;
      }
      const Py_ssize_t item = kind == '[' ? Integer(part) : -1;
      PyObject* next = nullptr;
      if (item == -2) {
        // ValueError set
      } else if (kind == '[' && item >= 0 && PySequence_Check(obj)) {
        next = PySequence_GetItem(obj, item);
      } else {
        PyObject* key = item >= 0 ? PyLong_FromSsize_t(item) : NewStr(part);
        if (key != nullptr) {
          next = kind == '.' ? PyObject_GetAttr(obj, key) : PyObject_GetItem(obj, key);
          Py_DECREF(key);
        }
      }
      Py_DECREF(obj);
      obj = next;
    }
    return obj;
  }

  bool Render(const Field& field, int depth, std::u32string& out) {
    PyObject* obj = Lookup(field.name);
    if (obj == nullptr) return false;
    if (field.conversion != 0) {
      const char32_t c = field.conversion;
      PyObject* converted = c == 'r' ? PyObject_Repr(obj)
                            : c == 's' ? PyObject_Str(obj)
                            : c == 'a' ? PyObject_ASCII(obj)
                                       : nullptr;
      if (converted == nullptr && c != 'r' && c != 's' && c != 'a') {
        if (c > 32 && c < 127) {
          PyErr_Format(PyExc_ValueError, "Unknown conversion specifier %c", static_cast<int>(c));
        } else {
          PyErr_Format(PyExc_ValueError, "Unknown conversion specifier \\x%x",
                       static_cast<unsigned>(c));
        }
      }
      Py_DECREF(obj);
      if (converted == nullptr) return false;
      obj = converted;
    }
    std::u32string spec(field.spec);
    if (field.spec_has_fields) {
      spec.clear();
      if (!Build(field.spec, depth - 1, spec)) {
        Py_DECREF(obj);
        return false;
      }
    }
    PyObject* spec_str = StrFromCodePoints(spec);
    PyObject* rendered = spec_str != nullptr ? PyObject_Format(obj, spec_str) : nullptr;
    Py_XDECREF(spec_str);
    Py_DECREF(obj);
    std::u32string text;
    const bool ok = rendered != nullptr && StrCodePoints(rendered, &text);
    Py_XDECREF(rendered);
    if (ok) out += text;
    return ok;
  }

  enum Numbering { kInit, kAuto, kManual };
  PyObject* args_;
  PyObject* kwargs_;
  Numbering numbering_ = kInit;
  Py_ssize_t next_index_ = 0;
};

PyObject* Format(PyObject* self, PyObject* args, PyObject* kwargs) {
  std::u32string input, out;
  if (!StrCodePoints(self, &input)) return nullptr;
  Formatter formatter(args, kwargs);
  if (!formatter.Build(input, /*depth=*/2, out)) return nullptr;
  return StrFromCodePoints(out);
}

}  // namespace

PyObject* StrFormat(PyObject* self, PyObject* args, PyObject* kwargs) {
  return Format(self, args, kwargs);
}

PyObject* StrFormatMap(PyObject* self, PyObject* mapping) {
  return Format(self, nullptr, mapping);
}

}  // namespace pinion::compat
