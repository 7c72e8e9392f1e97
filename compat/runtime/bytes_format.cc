// PyBytes_FromFormat and PyBytes_FromFormatV: CPython 3.11's printf-style bytes, code by
// code (bytesobject.h lists them): the text is built in a std::string, then copied into a
// new bytes object.
//
// Threads: any attached thread (no shared state).
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include "compat/runtime/runtime.h"

extern "C" PyObject* PyBytes_FromFormatV(const char* format, va_list vargs) {
  va_list args;
  va_copy(args, vargs);
  std::string out;
  char buffer[64];
  for (const char* f = format; *f != '\0'; ++f) {
    if (*f != '%') {
      out += *f;
      continue;
    }
    const char* start = f++;
    while (std::isdigit(static_cast<unsigned char>(*f))) ++f;  // the width: ignored
    long precision = 0;
    if (*f == '.') {
      ++f;
      for (; std::isdigit(static_cast<unsigned char>(*f)); ++f) precision = precision * 10 + (*f - '0');
    }
    while (*f != '\0' && *f != '%' && !std::isalpha(static_cast<unsigned char>(*f))) ++f;
    bool long_flag = false;
    bool size_flag = false;
    if (*f == 'l' && (f[1] == 'd' || f[1] == 'u')) {
      long_flag = true;
      ++f;
    } else if (*f == 'z' && (f[1] == 'd' || f[1] == 'u')) {
      size_flag = true;
      ++f;
    }
    switch (*f) {
      case 'c': {
        const int c = va_arg(args, int);
        if (c < 0 || c > 255) {
          va_end(args);
          PyErr_SetString(PyExc_OverflowError,
                          "PyBytes_FromFormatV(): %c format expects an integer in range [0; 255]");
          return nullptr;
        }
        out += static_cast<char>(c);
        break;
      }
      case 'd':
        if (long_flag) {
          std::snprintf(buffer, sizeof(buffer), "%ld", va_arg(args, long));
        } else if (size_flag) {
          std::snprintf(buffer, sizeof(buffer), "%zd", va_arg(args, Py_ssize_t));
        } else {
          std::snprintf(buffer, sizeof(buffer), "%d", va_arg(args, int));
        }
        out += buffer;
        break;
      case 'u':
        if (long_flag) {
          std::snprintf(buffer, sizeof(buffer), "%lu", va_arg(args, unsigned long));
        } else if (size_flag) {
          std::snprintf(buffer, sizeof(buffer), "%zu", va_arg(args, size_t));
        } else {
          std::snprintf(buffer, sizeof(buffer), "%u", va_arg(args, unsigned int));
        }
        out += buffer;
        break;
      case 'i':
        std::snprintf(buffer, sizeof(buffer), "%i", va_arg(args, int));
        out += buffer;
        break;
      case 'x':
        std::snprintf(buffer, sizeof(buffer), "%x", va_arg(args, int));
        out += buffer;
        break;
      case 's': {
        const char* s = va_arg(args, const char*);
        size_t n = 0;
        if (precision <= 0) {
          n = std::strlen(s);
        } else {
          while (n < static_cast<size_t>(precision) && s[n] != '\0') ++n;
        }
        out.append(s, n);
        break;
      }
      case 'p': {
        std::snprintf(buffer, sizeof(buffer), "%p", va_arg(args, void*));
        // As CPython: %p's text is platform-defined; it always starts "0x" here.
        std::string text = buffer;
        if (text.size() > 1 && text[1] == 'X') {
          text[1] = 'x';
        } else if (text.size() < 2 || text[1] != 'x') {
          text = "0x" + text;
        }
        out += text;
        break;
      }
      case '%':
        out += '%';
        break;
      default:
        // An invalid format: the rest of it, from this '%', copied as it is.
        out += start;
        va_end(args);
        return PyBytes_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
    }
  }
  va_end(args);
  return PyBytes_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
}

extern "C" PyObject* PyBytes_FromFormat(const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  PyObject* result = PyBytes_FromFormatV(format, vargs);
  va_end(vargs);
  return result;
}
