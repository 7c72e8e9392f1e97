// PyUnicode_Format: Python's str % args (printf-style formatting), with CPython 3.11's
// semantics and messages (Objects/unicodeobject.c, PyUnicode_Format).
//
// A spec is %[(key)][flags][width][.precision][length]type. Its argument comes from, in
// order: the mapping (after a key), the tuple (one item per * and per conversion), or args
// itself when args is neither a tuple nor given as a mapping. As in CPython, a keyed
// argument replaces the positional ones for good (a later unkeyed spec finds none), and a
// mapping (any object with mp_subscript other than a tuple or str) leaves no "not all
// arguments converted" error. Numbers are rendered by PyNumber_ToBase (ints) and
// PyObject_Format (floats: format(x, "[#].{prec}{type}")); signs, prefixes and padding are
// applied here.
//
// Written against the code-point view (unicode_text.h). Threads: any attached thread.
#include <climits>
#include <string>

#include "compat/runtime/str_text.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {
namespace {

enum Flags { kLjust = 1, kSign = 2, kBlank = 4, kAlt = 8, kZero = 16 };

struct Spec {
  int flags = 0;
  Py_ssize_t width = -1;
  int prec = -1;
  char32_t type = 0;
};

// Where a spec's argument comes from (CPython's unicode_formatter_t: arglen -1 and argidx -2
// for a single argument).
struct Args {
  PyObject* current;  // args, or the value of the last key (then a new reference: `owned`)
  PyObject* owned = nullptr;
  Py_ssize_t arglen, argidx;
  PyObject* dict;

  ~Args() { Py_XDECREF(owned); }

  // A borrowed reference, or NULL with TypeError.
  PyObject* Next() {
    if (argidx < arglen) {
      const Py_ssize_t i = argidx++;
      return arglen < 0 ? current : PyTuple_GET_ITEM(current, i);
    }
    PyErr_SetString(PyExc_TypeError, "not enough arguments for format string");
    return nullptr;
  }
};

// `body` (a str's text, or a number's digits after `sign` and `prefix`) padded to the width.
void Emit(std::u32string& out, const Spec& spec, std::u32string_view sign,
          std::u32string_view prefix, std::u32string_view body, bool numeric) {
  const Py_ssize_t length = static_cast<Py_ssize_t>(sign.size() + prefix.size() + body.size());
  const size_t pad = spec.width > length ? size_t(spec.width - length) : 0;
  if (spec.flags & kLjust) {
    out.append(sign).append(prefix).append(body).append(pad, U' ');
  } else if (numeric && (spec.flags & kZero)) {
    out.append(sign).append(prefix).append(pad, U'0').append(body);
  } else {
    out.append(pad, U' ').append(sign).append(prefix).append(body);
  }
}

// The sign of a number whose rendering is `text` (its '-' removed from it).
std::u32string_view TakeSign(std::u32string& text, const Spec& spec) {
  if (!text.empty() && text[0] == '-') {
    text.erase(0, 1);
    return U"-";
  }
  return (spec.flags & kSign) ? U"+" : (spec.flags & kBlank) ? U" " : U"";
}

bool FormatInt(std::u32string& out, const Spec& spec, PyObject* v) {
  const bool index_only = spec.type == 'o' || spec.type == 'x' || spec.type == 'X';
  PyObject* number = nullptr;
  if (PyNumber_Check(v)) {
    number = PyLong_Check(v) ? Py_NewRef(v) : index_only ? PyNumber_Index(v) : PyNumber_Long(v);
    if (number == nullptr) {
      if (!PyErr_ExceptionMatches(PyExc_TypeError)) return false;
      PyErr_Clear();
    }
  }
  if (number == nullptr) {
    PyErr_Format(PyExc_TypeError, "%%%c format: %s is required, not %.200s",
                 static_cast<int>(spec.type),
                 index_only ? "an integer" : "a real number", Py_TYPE(v)->tp_name);
    return false;
  }
  const int base = spec.type == 'o' ? 8 : index_only ? 16 : 10;
  PyObject* rendered = PyNumber_ToBase(number, base);
  Py_DECREF(number);
  std::u32string digits;
  const bool ok = rendered != nullptr && StrCodePoints(rendered, &digits);
  Py_XDECREF(rendered);
  if (!ok) return false;
  const std::u32string_view sign = TakeSign(digits, spec);
  if (base != 10) digits.erase(0, 2);  // "0o" / "0x"
  if (spec.type == 'X') {
    for (char32_t& c : digits) c = (c >= 'a' && c <= 'f') ? c - 32 : c;
  }
  if (spec.prec > static_cast<Py_ssize_t>(digits.size())) {
    digits.insert(0, size_t(spec.prec) - digits.size(), U'0');
  }
  std::u32string_view prefix;
  if (spec.flags & kAlt) prefix = spec.type == 'o' ? U"0o" : spec.type == 'x' ? U"0x" : U"0X";
  if (base == 10) prefix = U"";
  Emit(out, spec, sign, prefix, digits, /*numeric=*/true);
  return true;
}

bool FormatFloat(std::u32string& out, const Spec& spec, PyObject* v) {
  const double x = PyFloat_AsDouble(v);
  if (x == -1.0 && PyErr_Occurred()) return false;
  std::string format_spec = (spec.flags & kAlt) ? "#." : ".";
  format_spec += std::to_string(spec.prec < 0 ? 6 : spec.prec);
  format_spec += static_cast<char>(spec.type);
  PyObject* value = PyFloat_FromDouble(x);
  PyObject* fspec = value != nullptr ? PyUnicode_FromString(format_spec.c_str()) : nullptr;
  PyObject* rendered = fspec != nullptr ? PyObject_Format(value, fspec) : nullptr;
  Py_XDECREF(value);
  Py_XDECREF(fspec);
  std::u32string text;
  const bool ok = rendered != nullptr && StrCodePoints(rendered, &text);
  Py_XDECREF(rendered);
  if (!ok) return false;
  const std::u32string_view sign = TakeSign(text, spec);
  Emit(out, spec, sign, U"", text, /*numeric=*/true);
  return true;
}

bool FormatChar(std::u32string& out, const Spec& spec, PyObject* v) {
  char32_t c;
  if (PyUnicode_Check(v)) {
    std::u32string text;
    if (!StrCodePoints(v, &text)) return false;
    if (text.size() != 1) {
      PyErr_SetString(PyExc_TypeError, "%c requires int or char");
      return false;
    }
    c = text[0];
  } else {
    int overflow = 0;
    const long x = PyLong_AsLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred()) {
      if (PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "%c requires int or char");
      }
      return false;
    }
    if (overflow != 0 || x < 0 || x > 0x10FFFF) {
      PyErr_SetString(PyExc_OverflowError, "%c arg not in range(0x110000)");
      return false;
    }
    c = static_cast<char32_t>(x);
  }
  Emit(out, spec, U"", U"", std::u32string_view(&c, 1), /*numeric=*/false);
  return true;
}

bool FormatText(std::u32string& out, const Spec& spec, PyObject* v) {
  PyObject* text = spec.type == 's' ? PyObject_Str(v)
                   : spec.type == 'r' ? PyObject_Repr(v)
                                      : PyObject_ASCII(v);
  std::u32string body;
  const bool ok = text != nullptr && StrCodePoints(text, &body);
  Py_XDECREF(text);
  if (!ok) return false;
  if (spec.prec >= 0 && body.size() > size_t(spec.prec)) body.resize(size_t(spec.prec));
  Emit(out, spec, U"", U"", body, /*numeric=*/false);
  return true;
}

// An int argument of '*': false with an exception set.
bool StarArg(Args& args, Py_ssize_t* value) {
  PyObject* v = args.Next();
  if (v == nullptr) return false;
  if (!PyLong_Check(v)) {
    PyErr_SetString(PyExc_TypeError, "* wants int");
    return false;
  }
  *value = PyLong_AsSsize_t(v);
  return !(*value == -1 && PyErr_Occurred());
}

bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }

// Parses one spec at fmt[*i] (just after its '%') and appends its conversion.
bool FormatOne(const std::u32string& fmt, size_t* i, Args& args, std::u32string& out) {
  const size_t n = fmt.size();
  size_t& pos = *i;
  auto incomplete = [] {
    PyErr_SetString(PyExc_ValueError, "incomplete format");
    return false;
  };
  Spec spec;
  if (pos < n && fmt[pos] == '(') {
    if (args.dict == nullptr) {
      PyErr_SetString(PyExc_TypeError, "format requires a mapping");
      return false;
    }
    const size_t key_start = ++pos;
    int depth = 1;
    for (; depth > 0 && pos < n; ++pos) depth += fmt[pos] == '(' ? 1 : fmt[pos] == ')' ? -1 : 0;
    if (depth > 0) {
      PyErr_SetString(PyExc_ValueError, "incomplete format key");
      return false;
    }
    PyObject* key = StrFromCodePoints(fmt.data() + key_start, pos - 1 - key_start);
    if (key == nullptr) return false;
    PyObject* value = PyObject_GetItem(args.dict, key);
    Py_DECREF(key);
    if (value == nullptr) return false;
    Py_XSETREF(args.owned, value);
    args.current = value;
    args.arglen = -1;
    args.argidx = -2;
  }
  for (; pos < n; ++pos) {
    const char32_t c = fmt[pos];
    const int flag = c == '-' ? kLjust : c == '+' ? kSign : c == ' ' ? kBlank
                   : c == '#' ? kAlt : c == '0' ? kZero : 0;
    if (flag == 0) break;
    spec.flags |= flag;
  }
  if (pos < n && fmt[pos] == '*') {
    if (!StarArg(args, &spec.width)) return false;
    if (spec.width < 0) spec.flags |= kLjust, spec.width = -spec.width;
    ++pos;
  } else if (pos < n && IsDigit(fmt[pos])) {
    spec.width = 0;
    for (; pos < n && IsDigit(fmt[pos]); ++pos) {
      const int digit = static_cast<int>(fmt[pos] - '0');
      if (spec.width > (PY_SSIZE_T_MAX - digit) / 10) {
        PyErr_SetString(PyExc_ValueError, "width too big");
        return false;
      }
      spec.width = spec.width * 10 + digit;
    }
  }
  if (pos < n && fmt[pos] == '.') {
    spec.prec = 0;
    if (++pos < n && fmt[pos] == '*') {
      Py_ssize_t prec;
      if (!StarArg(args, &prec)) return false;
      if (prec > INT_MAX || prec < INT_MIN) {
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C int");
        return false;
      }
      spec.prec = prec < 0 ? 0 : static_cast<int>(prec);
      ++pos;
    } else {
      for (; pos < n && IsDigit(fmt[pos]); ++pos) {
        const int digit = static_cast<int>(fmt[pos] - '0');
        if (spec.prec > (INT_MAX - digit) / 10) {
          PyErr_SetString(PyExc_ValueError, "precision too big");
          return false;
        }
        spec.prec = spec.prec * 10 + digit;
      }
    }
  }
  if (pos < n && (fmt[pos] == 'h' || fmt[pos] == 'l' || fmt[pos] == 'L')) ++pos;
  if (pos >= n) return incomplete();
  spec.type = fmt[pos++];
  PyObject* v = args.Next();
  if (v == nullptr) return false;
  switch (spec.type) {
    case 's': case 'r': case 'a':
      return FormatText(out, spec, v);
    case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
      return FormatInt(out, spec, v);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
      return FormatFloat(out, spec, v);
    case 'c':
      return FormatChar(out, spec, v);
    default:
      PyErr_Format(PyExc_ValueError, "unsupported format character '%c' (0x%x) at index %zd",
                   spec.type >= 32 && spec.type <= 126 ? static_cast<int>(spec.type) : '?',
                   static_cast<unsigned>(spec.type), static_cast<Py_ssize_t>(pos - 1));
      return false;
  }
}

}  // namespace
}  // namespace pinion::compat

extern "C" PyObject* PyUnicode_Format(PyObject* format, PyObject* args) {
  using pinion::compat::Args;
  if (format == nullptr || args == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  std::u32string fmt, out;
  if (!pinion::compat::StrArg(format, &fmt)) return nullptr;
  const bool tuple = PyTuple_Check(args);
  Args state{args, nullptr, tuple ? PyTuple_GET_SIZE(args) : -1, tuple ? 0 : -2,
             PyMapping_Check(args) && !tuple && !PyUnicode_Check(args) ? args : nullptr};
  for (size_t i = 0; i < fmt.size();) {
    if (fmt[i] != '%') {
      out += fmt[i++];
    } else if (++i < fmt.size() && fmt[i] == '%') {
      out += U'%';
      ++i;
    } else if (!pinion::compat::FormatOne(fmt, &i, state, out)) {
      return nullptr;
    }
  }
  if (state.argidx < state.arglen && state.dict == nullptr) {
    PyErr_SetString(PyExc_TypeError, "not all arguments converted during string formatting");
    return nullptr;
  }
  return pinion::compat::StrFromCodePoints(out);
}
