// PyObject_Format (object_extras.h): format(obj, spec) and CPython's format-spec
// mini-language, [[fill]align][sign][z][#][0][width][grouping][.precision][type], for str,
// int (bool), float, and object.__format__.
//
// Owns: nothing (pure functions of their arguments).
//
// Strings are handled as UTF-8 (std::string) and measured in code points, as widths and
// precisions count characters. The messages are CPython 3.11's (Python/formatter_unicode.c).
//
// Threads: any attached thread.
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

// The code points of a UTF-8 string (valid: it comes from a str).
std::u32string Decode(const char* s, Py_ssize_t n) {
  std::u32string out;
  for (Py_ssize_t i = 0; i < n;) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < len && i + k < n; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

Py_ssize_t CodePoints(const std::string& s) {
  Py_ssize_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

struct Spec {
  char32_t fill = ' ';
  char32_t align = 0;  // 0: the type's default
  char32_t sign = 0;
  bool no_neg_0 = false;
  bool alternate = false;
  Py_ssize_t width = -1;
  char32_t grouping = 0;  // ',' or '_'
  Py_ssize_t precision = -1;
  char32_t type = 0;
};

bool IsAlign(char32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

// Reads a decimal number at spec[*pos]; -1 if there is none. false with ValueError on
// overflow.
bool ReadNumber(const std::u32string& spec, size_t* pos, Py_ssize_t* out) {
  *out = -1;
  Py_ssize_t value = 0;
  size_t start = *pos;
  while (*pos < spec.size() && spec[*pos] >= '0' && spec[*pos] <= '9') {
    const int digit = static_cast<int>(spec[*pos] - '0');
    if (value > (PY_SSIZE_T_MAX - digit) / 10) {
      PyErr_SetString(PyExc_ValueError, "Too many decimal digits in format string");
      return false;
    }
    value = value * 10 + digit;
    ++*pos;
  }
  if (*pos > start) *out = value;
  return true;
}

void UnknownCode(char32_t type, PyObject* obj) {
  if (type > 32 && type < 128) {
    PyErr_Format(PyExc_ValueError, "Unknown format code '%c' for object of type '%.200s'",
                 static_cast<int>(type), Py_TYPE(obj)->tp_name);
  } else {
    PyErr_Format(PyExc_ValueError, "Unknown format code '\\x%x' for object of type '%.200s'",
                 static_cast<unsigned>(type), Py_TYPE(obj)->tp_name);
  }
}

// CPython's parse_internal_render_format_spec.
bool Parse(PyObject* obj, PyObject* format_spec, const std::u32string& spec, char32_t default_type,
           char32_t default_align, Spec* out) {
  Spec f;
  f.type = default_type;
  f.align = default_align;
  size_t pos = 0;
  bool fill_given = false, align_given = false;
  if (spec.size() >= 2 && IsAlign(spec[1])) {
    f.fill = spec[0];
    f.align = spec[1];
    fill_given = align_given = true;
    pos = 2;
  } else if (!spec.empty() && IsAlign(spec[0])) {
    f.align = spec[0];
    align_given = true;
    pos = 1;
  }
  if (pos < spec.size() && (spec[pos] == '+' || spec[pos] == '-' || spec[pos] == ' ')) {
    f.sign = spec[pos++];
  }
  if (pos < spec.size() && spec[pos] == 'z') {
    f.no_neg_0 = true;
    ++pos;
  }
  if (pos < spec.size() && spec[pos] == '#') {
    f.alternate = true;
    ++pos;
  }
  if (!fill_given && pos < spec.size() && spec[pos] == '0') {
    f.fill = '0';
    if (!align_given && default_align == '>') f.align = '=';
    ++pos;
  }
  if (!ReadNumber(spec, &pos, &f.width)) return false;
  if (pos < spec.size() && spec[pos] == ',') {
    f.grouping = ',';
    ++pos;
  }
  if (pos < spec.size() && spec[pos] == '_') {
    if (f.grouping != 0) {
      PyErr_SetString(PyExc_ValueError, "Cannot specify both ',' and '_'.");
      return false;
    }
    f.grouping = '_';
    ++pos;
  }
  if (pos < spec.size() && spec[pos] == ',' && f.grouping == '_') {
    PyErr_SetString(PyExc_ValueError, "Cannot specify both ',' and '_'.");
    return false;
  }
  if (pos < spec.size() && spec[pos] == '.') {
    ++pos;
    if (!ReadNumber(spec, &pos, &f.precision)) return false;
    if (f.precision < 0) {
      PyErr_SetString(PyExc_ValueError, "Format specifier missing precision");
      return false;
    }
  }
  if (spec.size() - pos > 1) {
    PyErr_Format(PyExc_ValueError, "Invalid format specifier '%U' for object of type '%.200s'",
                 format_spec, Py_TYPE(obj)->tp_name);
    return false;
  }
  if (pos < spec.size()) f.type = spec[pos];
  if (f.grouping != 0) {
    switch (f.type) {
      case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
        break;
      case 'b': case 'o': case 'x': case 'X':
        if (f.grouping == '_') break;
        [[fallthrough]];
      default:
        if (f.type > 32 && f.type < 128) {
          PyErr_Format(PyExc_ValueError, "Cannot specify '%c' with '%c'.",
                       static_cast<int>(f.grouping), static_cast<int>(f.type));
        } else {
          PyErr_Format(PyExc_ValueError, "Cannot specify '%c' with '\\x%x'.",
                       static_cast<int>(f.grouping), static_cast<unsigned>(f.type));
        }
        return false;
    }
  }
  *out = f;
  return true;
}

// Pads `body` (already signed) to the width: `prefix_len` leading code points (sign and
// 0x-style prefix) stay before the padding for '=' alignment.
std::string Pad(const Spec& f, const std::string& body, size_t prefix_bytes) {
  const Py_ssize_t length = CodePoints(body);
  if (f.width <= length) return body;
  const Py_ssize_t pad = f.width - length;
  std::string fill;
  AppendUtf8(fill, f.fill);
  auto repeat = [&](Py_ssize_t n) {
    std::string s;
    for (Py_ssize_t i = 0; i < n; ++i) s += fill;
    return s;
  };
  switch (f.align) {
    case '<': return body + repeat(pad);
    case '^': return repeat(pad / 2) + body + repeat(pad - pad / 2);
    case '=': return body.substr(0, prefix_bytes) + repeat(pad) + body.substr(prefix_bytes);
    default: return repeat(pad) + body;
  }
}

// `digits` with a separator every `every` digits from the right; with zero padding ('0'
// fill, '=' alignment), leading zeros are added (and grouped) until it is min_width long.
std::string Group(std::string digits, char32_t separator, int every, Py_ssize_t min_width) {
  for (;;) {
    std::string out;
    const size_t n = digits.size();
    for (size_t i = 0; i < n; ++i) {
      if (separator != 0 && i > 0 && (n - i) % every == 0) out += static_cast<char>(separator);
      out += digits[i];
    }
    if (static_cast<Py_ssize_t>(out.size()) >= min_width) return out;
    digits.insert(digits.begin(), '0');
  }
}

PyObject* Result(const std::string& s) {
  return PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
}

// ---- str ------------------------------------------------------------------------------------

PyObject* FormatStr(PyObject* obj, PyObject* format_spec, const std::u32string& spec) {
  Spec f;
  if (!Parse(obj, format_spec, spec, 's', '<', &f)) return nullptr;
  if (f.type != 's') {
    UnknownCode(f.type, obj);
    return nullptr;
  }
  if (f.sign != 0) {
    PyErr_SetString(PyExc_ValueError, "Sign not allowed in string format specifier");
    return nullptr;
  }
  if (f.no_neg_0) {
    PyErr_SetString(PyExc_ValueError,
                    "Negative zero coercion (z) not allowed in string format specifier");
    return nullptr;
  }
  if (f.alternate) {
    PyErr_SetString(PyExc_ValueError, "Alternate form (#) not allowed in string format specifier");
    return nullptr;
  }
  if (f.align == '=') {
    PyErr_SetString(PyExc_ValueError, "'=' alignment not allowed in string format specifier");
    return nullptr;
  }
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(obj, &size);
  if (utf8 == nullptr) return nullptr;
  std::string body(utf8, static_cast<size_t>(size));
  if (f.precision >= 0 && CodePoints(body) > f.precision) {
    size_t bytes = 0;
    for (Py_ssize_t kept = 0; bytes < body.size(); ++bytes) {
      if ((static_cast<unsigned char>(body[bytes]) & 0xC0) != 0x80 && kept++ == f.precision) break;
    }
    body.resize(bytes);
  }
  return Result(Pad(f, body, 0));
}

// ---- float ----------------------------------------------------------------------------------

PyObject* FormatDouble(PyObject* obj, double value, Spec f) {
  if (f.precision > INT32_MAX) {
    PyErr_SetString(PyExc_ValueError, "precision too big");
    return nullptr;
  }
  char type = static_cast<char>(f.type);
  bool add_dot_0 = false;
  int default_precision = 6;
  if (type == 0) {
    add_dot_0 = true;
    type = 'r';
    default_precision = 0;
  }
  if (type == 'n') type = 'g';
  bool percent = false;
  if (type == '%') {
    type = 'f';
    value *= 100;
    percent = true;
  }
  int precision = f.precision < 0 ? default_precision : static_cast<int>(f.precision);
  if (f.precision >= 0 && type == 'r') type = 'g';
  const bool upper = type == 'E' || type == 'F' || type == 'G';
  std::string text;  // unsigned
  const bool negative = std::signbit(value) && !std::isnan(value);
  const double magnitude = std::fabs(value);
  if (std::isnan(value) || std::isinf(value)) {
    text = std::isnan(value) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
  } else if (type == 'r') {
    PyObject* magnitude_obj = PyFloat_FromDouble(magnitude);
    PyObject* repr = magnitude_obj != nullptr ? PyObject_Repr(magnitude_obj) : nullptr;
    Py_XDECREF(magnitude_obj);
    if (repr == nullptr) return nullptr;
    text = PyUnicode_AsUTF8(repr);
    Py_DECREF(repr);
    if (f.alternate && text.find_first_of(".e") == std::string::npos) text += ".";
  } else {
    char format[16];
    std::snprintf(format, sizeof(format), "%%%s.%d%c", f.alternate ? "#" : "", precision, type);
    char buffer[512];
    int n = std::snprintf(buffer, sizeof(buffer), format, magnitude);
    if (n < 0 || n >= static_cast<int>(sizeof(buffer))) {
      std::string big(static_cast<size_t>(n > 0 ? n : 0) + 1, '\0');
      std::snprintf(big.data(), big.size(), format, magnitude);
      big.resize(static_cast<size_t>(n > 0 ? n : 0));
      text = big;
    } else {
      text.assign(buffer, static_cast<size_t>(n));
    }
    if (add_dot_0 && text.find_first_of(".eE") == std::string::npos) text += ".0";
  }
  bool show_minus = negative;
  if (f.no_neg_0 && negative && text.find_first_of("123456789") == std::string::npos &&
      text != "inf" && text != "INF") {
    show_minus = false;  // 'z': a negative zero (after rounding) loses its sign
  }
  if (percent) text += "%";
  // Group the integer part (before '.', 'e' or the end).
  const size_t int_end = std::min(text.find_first_of(".eE%"), text.size());
  std::string digits = text.substr(0, int_end);
  std::string remainder = text.substr(int_end);
  std::string sign = show_minus ? "-" : f.sign == '+' ? "+" : f.sign == ' ' ? " " : "";
  const bool numeric = !digits.empty() && digits[0] >= '0' && digits[0] <= '9';
  if (numeric && (f.grouping != 0 || (f.fill == '0' && f.align == '='))) {
    const Py_ssize_t min_width = f.fill == '0' && f.align == '=' && f.width > 0
                                     ? f.width - static_cast<Py_ssize_t>(sign.size()) -
                                           CodePoints(remainder)
                                     : 0;
    digits = Group(digits, f.grouping, 3, min_width);
  }
  (void)obj;
  return Result(Pad(f, sign + digits + remainder, sign.size()));
}

PyObject* FormatFloat(PyObject* obj, PyObject* format_spec, const std::u32string& spec) {
  Spec f;
  if (!Parse(obj, format_spec, spec, 0, '>', &f)) return nullptr;
  switch (f.type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
      break;
    default:
      UnknownCode(f.type, obj);
      return nullptr;
  }
  const double value = PyFloat_AsDouble(obj);
  if (value == -1.0 && PyErr_Occurred()) return nullptr;
  return FormatDouble(obj, value, f);
}

// ---- int ------------------------------------------------------------------------------------

PyObject* FormatInt(PyObject* obj, PyObject* format_spec, const std::u32string& spec) {
  Spec f;
  if (!Parse(obj, format_spec, spec, 'd', '>', &f)) return nullptr;
  switch (f.type) {
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
      break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': {
      const double value = PyLong_AsDouble(obj);
      if (value == -1.0 && PyErr_Occurred()) return nullptr;
      return FormatDouble(obj, value, f);
    }
    default:
      UnknownCode(f.type, obj);
      return nullptr;
  }
  if (f.precision != -1) {
    PyErr_SetString(PyExc_ValueError, "Precision not allowed in integer format specifier");
    return nullptr;
  }
  if (f.no_neg_0) {
    PyErr_SetString(PyExc_ValueError,
                    "Negative zero coercion (z) not allowed in integer format specifier");
    return nullptr;
  }
  if (f.type == 'c') {
    if (f.sign != 0) {
      PyErr_SetString(PyExc_ValueError, "Sign not allowed with integer format specifier 'c'");
      return nullptr;
    }
    if (f.alternate) {
      PyErr_SetString(PyExc_ValueError,
                      "Alternate form (#) not allowed with integer format specifier 'c'");
      return nullptr;
    }
    const long value = PyLong_AsLong(obj);
    if (value == -1 && PyErr_Occurred()) return nullptr;
    if (value < 0 || value > 0x10FFFF) {
      PyErr_SetString(PyExc_OverflowError, "%c arg not in range(0x110000)");
      return nullptr;
    }
    std::string body;
    AppendUtf8(body, static_cast<char32_t>(value));
    return Result(Pad(f, body, 0));
  }
  int base = 10;
  const char* prefix = "";
  switch (f.type) {
    case 'b': base = 2; prefix = "0b"; break;
    case 'o': base = 8; prefix = "0o"; break;
    case 'x': base = 16; prefix = "0x"; break;
    case 'X': base = 16; prefix = "0X"; break;
    default: break;
  }
  std::string digits;  // of the magnitude, any size (base 10 within the 4300-digit limit)
  if (!LongDigitsText(obj, base, &digits)) return nullptr;
  if (f.type == 'X') {
    for (char& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const bool negative = Py_SIZE(obj) < 0;
  std::string lead = negative ? "-" : f.sign == '+' ? "+" : f.sign == ' ' ? " " : "";
  if (f.alternate) lead += prefix;
  if (f.grouping != 0 || (f.fill == '0' && f.align == '=')) {
    const Py_ssize_t min_width = f.fill == '0' && f.align == '=' && f.width > 0
                                     ? f.width - static_cast<Py_ssize_t>(lead.size())
                                     : 0;
    digits = Group(digits, f.grouping, base == 10 ? 3 : 4, min_width);
  }
  return Result(Pad(f, lead + digits, lead.size()));
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" PyObject* PyObject_Format(PyObject* obj, PyObject* format_spec) {
  if (obj == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (format_spec != nullptr && !PyUnicode_Check(format_spec)) {
    return PyErr_Format(PyExc_SystemError, "Format specifier must be a string, not %.200s",
                        Py_TYPE(format_spec)->tp_name);
  }
  Py_ssize_t size = 0;
  const char* utf8 = format_spec != nullptr ? PyUnicode_AsUTF8AndSize(format_spec, &size) : "";
  if (utf8 == nullptr) return nullptr;
  const std::u32string spec = Decode(utf8, size);
  // int and str alike give str(obj) for an empty spec (bool: 'True').
  if (spec.empty() && (PyUnicode_Check(obj) || PyLong_Check(obj) || PyFloat_Check(obj))) {
    return PyObject_Str(obj);
  }
  PyObject* empty = nullptr;
  if (format_spec == nullptr) format_spec = empty = PyUnicode_FromString("");
  if (format_spec == nullptr) return nullptr;
  PyObject* result;
  if (PyUnicode_Check(obj)) {
    result = FormatStr(obj, format_spec, spec);
  } else if (PyLong_Check(obj)) {
    result = FormatInt(obj, format_spec, spec);
  } else if (PyFloat_Check(obj)) {
    result = FormatFloat(obj, format_spec, spec);
  } else if (PyObject* method = LookupSpecialMethod(obj, "__format__")) {
    result = PyObject_CallOneArg(method, format_spec);
    Py_DECREF(method);
    if (result != nullptr && !PyUnicode_Check(result)) {
      PyErr_Format(PyExc_TypeError, "__format__ must return a str, not %.200s",
                   Py_TYPE(result)->tp_name);
      Py_CLEAR(result);
    }
  } else if (!spec.empty()) {  // object.__format__
    result = PyErr_Format(PyExc_TypeError, "unsupported format string passed to %.200s.__format__",
                          Py_TYPE(obj)->tp_name);
  } else {
    result = PyObject_Str(obj);
  }
  Py_XDECREF(empty);
  return result;
}
