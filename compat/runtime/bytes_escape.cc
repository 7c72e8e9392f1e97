// PyBytes_DecodeEscape (bytesobject.h): Python's backslash escapes in a bytes literal's body
// decoded to bytes, with CPython 3.11's errors and warnings.
//
// Threads: any attached thread.
#include <cstring>
#include <string>

#include "compat/runtime/runtime.h"

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 16;
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

extern "C" PyObject* PyBytes_DecodeEscape(const char* s, Py_ssize_t len, const char* errors,
                                          Py_ssize_t, const char*) {
  std::string out;
  const char* end = s + len;
  const char* first_invalid = nullptr;  // the escape CPython warns about (the first)
  for (const char* p = s; p < end;) {
    if (*p != '\\') {
      out += *p++;
      continue;
    }
    const char* escape = p++;
    if (p == end) {
      PyErr_SetString(PyExc_ValueError, "Trailing \\ in string");
      return nullptr;
    }
    const char c = *p++;
    switch (c) {
      case '\n': break;  // a line continuation
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'v': out += '\v'; break;
      case 'a': out += '\a'; break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        int value = c - '0';
        for (int i = 0; i < 2 && p < end && IsOctal(*p); ++i) value = value * 8 + (*p++ - '0');
        if (value > 0377 && first_invalid == nullptr) first_invalid = escape + 1;
        out += static_cast<char>(value & 0xFF);
        break;
      }
      case 'x': {
        if (p + 1 < end && HexValue(p[0]) < 16 && HexValue(p[1]) < 16) {
          out += static_cast<char>(HexValue(p[0]) * 16 + HexValue(p[1]));
          p += 2;
          break;
        }
        if (errors == nullptr || std::strcmp(errors, "strict") == 0) {
          PyErr_Format(PyExc_ValueError, "invalid \\x escape at position %zd", escape - s);
          return nullptr;
        }
        if (std::strcmp(errors, "replace") == 0) {
          out += '?';
        } else if (std::strcmp(errors, "ignore") != 0) {
          PyErr_Format(PyExc_ValueError, "decoding error; unknown error handling code: %.400s",
                       errors);
          return nullptr;
        }
        if (p < end && HexValue(*p) < 16) ++p;  // a lone hex digit goes with the escape
        break;
      }
      default:  // not an escape: kept as written, with a DeprecationWarning
        if (first_invalid == nullptr) first_invalid = escape + 1;
        out += '\\';
        --p;
        break;
    }
  }
  PyObject* result = PyBytes_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
  if (result != nullptr && first_invalid != nullptr) {
    const int warned =
        IsOctal(*first_invalid)
            ? PyErr_WarnFormat(PyExc_DeprecationWarning, 1, "invalid octal escape sequence '\\%.3s'",
                               first_invalid)
            : PyErr_WarnFormat(PyExc_DeprecationWarning, 1, "invalid escape sequence '\\%c'",
                               static_cast<unsigned char>(*first_invalid));
    if (warned < 0) Py_CLEAR(result);
  }
  return result;
}
