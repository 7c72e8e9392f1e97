// Doubles to and from text (pystrtod.h): PyOS_string_to_double and PyOS_double_to_string,
// independent of the process's locale.
//
// Owns: the syntax CPython accepts for a float literal (scanned here, then converted by
// strtod_l in the C locale, which rounds correctly) and the layout of formatted doubles
// (printf's %e/%f/%g in the C locale for fixed precisions; float.cc's ReprDouble for 'r').
//
// Threads: any attached thread.
#include <cctype>
#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <locale.h>

#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

// The C locale, for strtod_l and snprintf (made once; never freed).
locale_t CLocale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  return locale;
}

bool StartsWithNoCase(const char* p, const char* word) {
  for (; *word != '\0'; ++p, ++word) {
    if (*p == '\0' || std::tolower(static_cast<unsigned char>(*p)) != *word) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The end of the float literal at `s` (s itself when there is none); *special is set to
// +-inf or NaN for those words.
const char* ScanLiteral(const char* s, bool* special, double* value) {
  const char* p = s;
  const bool negative = *p == '-';
  if (*p == '+' || *p == '-') ++p;
  *special = true;
  if (StartsWithNoCase(p, "infinity") || StartsWithNoCase(p, "inf")) {
    *value = negative ? -HUGE_VAL : HUGE_VAL;
    return p + (StartsWithNoCase(p, "infinity") ? 8 : 3);
  }
  if (StartsWithNoCase(p, "nan")) {
    *value = std::copysign(NAN, negative ? -1.0 : 1.0);
    return p + 3;
  }
  *special = false;
  size_t digits = 0;
  while (IsDigit(*p)) ++p, ++digits;
  if (*p == '.') {
    ++p;
    while (IsDigit(*p)) ++p, ++digits;
  }
  if (digits == 0) return s;
  if (*p == 'e' || *p == 'E') {
    const char* q = p + 1;
    if (*q == '+' || *q == '-') ++q;
    if (IsDigit(*q)) {
      while (IsDigit(*q)) ++q;
      p = q;
    }
  }
  return p;
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" double PyOS_string_to_double(const char* s, char** endptr,
                                        PyObject* overflow_exception) {
  bool special;
  double value = 0.0;
  const char* end = ScanLiteral(s, &special, &value);
  bool overflow = false;
  if (end != s && !special) {
    const std::string literal(s, end);
    errno = 0;
    value = strtod_l(literal.c_str(), nullptr, CLocale());
    overflow = errno == ERANGE && std::fabs(value) >= 1.0;
  }
  if (endptr != nullptr) *endptr = const_cast<char*>(end);
  if (end == s || (endptr == nullptr && *end != '\0')) {
    PyErr_Format(PyExc_ValueError, "could not convert string to float: '%.200s'", s);
    return -1.0;
  }
  if (overflow && overflow_exception != nullptr) {
    PyErr_Format(overflow_exception, "value too large to convert to float: '%.200s'", s);
    return -1.0;
  }
  return value;
}

extern "C" char* PyOS_double_to_string(double val, char format_code, int precision, int flags,
                                       int* type) {
  const bool upper = format_code == 'E' || format_code == 'F' || format_code == 'G';
  const char code = static_cast<char>(std::tolower(static_cast<unsigned char>(format_code)));
  if ((code != 'e' && code != 'f' && code != 'g' && format_code != 'r') ||
      (format_code == 'r' && precision != 0)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (type != nullptr) {
    *type = std::isnan(val) ? Py_DTST_NAN : std::isinf(val) ? Py_DTST_INFINITE : Py_DTST_FINITE;
  }
  std::string text;
  if (std::isnan(val) || std::isinf(val)) {
    text = std::isnan(val) ? "nan" : val < 0 ? "-inf" : "inf";
    if (upper) {
      for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  } else if (format_code == 'r') {
    text = ReprDouble(val);
    // ReprDouble always ends an integral value without exponent in ".0" (float's repr).
    if (!(flags & Py_DTSF_ADD_DOT_0) && text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) {
      text.resize(text.size() - 2);
    }
    if ((flags & Py_DTSF_ALT) && text.find('.') == std::string::npos) {
      const size_t exponent = text.find('e');
      text.insert(exponent == std::string::npos ? text.size() : exponent, 1, '.');
    }
  } else {
    if (code == 'g' && precision == 0) precision = 1;
    std::string spec = (flags & Py_DTSF_ALT) ? "%#.*" : "%.*";
    spec += format_code;
    locale_t previous = uselocale(CLocale());
    const int size = std::snprintf(nullptr, 0, spec.c_str(), precision, val);
    text.resize(static_cast<size_t>(size) + 1);
    std::snprintf(text.data(), text.size(), spec.c_str(), precision, val);
    uselocale(previous);
    text.resize(static_cast<size_t>(size));
    if ((flags & Py_DTSF_ADD_DOT_0) && text.find_first_of(".eE") == std::string::npos) {
      // CPython's 'g' with ".0" to add switches to an exponent one digit sooner: when the
      // decimal exponent reaches precision - 1 (where %g would print all digits, no point).
      const size_t digits = text.find_first_of("0123456789");
      const bool integral_digits =
          code == 'g' && text.size() - digits == static_cast<size_t>(precision);
      if (integral_digits) {
        std::string e_spec = (flags & Py_DTSF_ALT) ? "%#.*" : "%.*";
        e_spec += upper ? 'E' : 'e';
        char buffer[64];
        std::snprintf(buffer, sizeof(buffer), e_spec.c_str(), precision - 1, val);
        text = buffer;
        // %g's exponent form: no trailing zeros in the mantissa, no bare point.
        const size_t e = text.find_first_of("eE");
        size_t end = e;
        if (text.find('.') < e) {
          while (text[end - 1] == '0') --end;
          if (text[end - 1] == '.') --end;
        }
        text.erase(end, e - end);
      } else {
        text += ".0";
      }
    }
  }
  if ((flags & Py_DTSF_NO_NEG_0) && text[0] == '-' && !std::isinf(val)) {
    // A result that rounded to zero: every digit before any exponent is 0.
    const size_t exponent = text.find_first_of("eE");
    const std::string mantissa = text.substr(1, exponent == std::string::npos ? std::string::npos : exponent - 1);
    if (mantissa.find_first_not_of("0.") == std::string::npos) text.erase(0, 1);
  }
  if ((flags & Py_DTSF_SIGN) && text[0] != '-') text.insert(0, 1, '+');
  char* result = static_cast<char*>(PyMem_Malloc(text.size() + 1));
  if (result == nullptr) {
    PyErr_NoMemory();
    return nullptr;
  }
  std::memcpy(result, text.c_str(), text.size() + 1);
  return result;
}
