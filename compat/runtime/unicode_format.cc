// PyUnicode_FromFormat and PyUnicode_FromFormatV: CPython 3.11's printf-style formatting,
// with CPython 3.12's additions (the conversions unicodeobject.h lists).
//
// Owns: the format parser. A conversion is "%" [flags "-" "0"] [width: digits or "*"]
// ["." precision: digits or "*"] [length: l ll z t j] type. Integers are formatted by
// snprintf with the same flags, width and precision (read as long long of the right C type
// first); text conversions (%s %ls %A %U %V %lV %S %R %p) are cut to the precision and padded
// to the width in code points (but %s's precision counts bytes, before decoding, as CPython,
// and %ls's wchar_t units). The result is built as code points (so any str, lone surrogates
// included, passes through) and made a canonical str once; literal text in the format may be
// any UTF-8 (CPython insists on ASCII).
//
// Threads: any attached thread (%S, %R and %A call PyObject_Str/Repr/ASCII).
#include <cinttypes>
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <cwchar>

#include "compat/runtime/runtime.h"
#include "compat/runtime/unicode_storage.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {
namespace {

enum class Length { kNone, kLong, kLongLong, kSize, kPtrdiff, kIntmax };

// One conversion: "%-08.3ld" is left, zero, width 8, precision 3, kLong, 'd'.
struct Spec {
  bool left = false;
  bool zero = false;
  int width = -1;  // -1: none
  int precision = -1;
  Length length = Length::kNone;
  char type = 0;
};

// Parses a count at `f` into *count: digits, or '*' (an int argument, possibly negative);
// -1 if there is neither. False if the digits overflow an int.
bool ParseCount(const char*& f, va_list* args, int* count) {
  *count = -1;
  if (*f == '*') {
    ++f;
    *count = va_arg(*args, int);
    return true;
  }
  if (*f < '0' || *f > '9') return true;
  *count = 0;
  for (; *f >= '0' && *f <= '9'; ++f) {
    if (*count > (INT_MAX - 9) / 10) return false;
    *count = *count * 10 + (*f - '0');
  }
  return true;
}

// Parses the conversion after a '%' at `f` (left just past it); false if it is malformed.
bool ParseSpec(const char*& f, va_list* args, Spec* spec) {
  for (;; ++f) {
    if (*f == '-') {
      spec->left = true;
    } else if (*f == '0') {
      spec->zero = true;
    } else {
      break;
    }
  }
  const bool star_width = *f == '*';
  if (!ParseCount(f, args, &spec->width)) return false;
  if (star_width && spec->width < 0) {  // as printf: a negative '*' width left-justifies
    spec->left = true;
    spec->width = -spec->width;
  }
  if (*f == '.') {
    ++f;
    if (!ParseCount(f, args, &spec->precision)) return false;
    if (spec->precision < 0) spec->precision = -1;  // a negative '*' means none
  }
  if (f[0] == 'l' && f[1] == 'l') {
    spec->length = Length::kLongLong, f += 2;
  } else if (*f == 'l') {
    spec->length = Length::kLong, ++f;
  } else if (*f == 'z') {
    spec->length = Length::kSize, ++f;
  } else if (*f == 't') {
    spec->length = Length::kPtrdiff, ++f;
  } else if (*f == 'j') {
    spec->length = Length::kIntmax, ++f;
  }
  spec->type = *f;
  if (spec->type == '\0') return false;
  ++f;
  return true;
}

// Appends `text` cut to `precision` code points if that is >= 0, and padded with spaces to
// the spec's width.
void AppendText(std::u32string& out, std::u32string_view text, int precision, const Spec& spec) {
  if (precision >= 0 && static_cast<size_t>(precision) < text.size()) {
    text = text.substr(0, static_cast<size_t>(precision));
  }
  const size_t pad = spec.width > 0 && static_cast<size_t>(spec.width) > text.size()
                         ? static_cast<size_t>(spec.width) - text.size()
                         : 0;
  if (!spec.left) out.append(pad, U' ');
  out += text;
  if (spec.left) out.append(pad, U' ');
}

// Appends the str `text` (borrowed) as AppendText does; false with an exception set if it is
// not a str.
bool AppendStr(std::u32string& out, PyObject* text, int precision, const Spec& spec) {
  std::u32string code_points;
  if (!StrCodePoints(text, &code_points)) return false;
  AppendText(out, code_points, precision, spec);
  return true;
}

// %s: the C string `s`, at most `spec.precision` bytes of it, decoded with replacement.
bool AppendCString(std::u32string& out, const char* s, const Spec& spec) {
  const size_t size =
      spec.precision >= 0 ? strnlen(s, static_cast<size_t>(spec.precision)) : std::strlen(s);
  PyObject* text = DecodeUtf8(s, static_cast<Py_ssize_t>(size), Utf8Errors::kReplace);
  if (text == nullptr) return false;
  const bool ok = AppendStr(out, text, -1, spec);
  Py_DECREF(text);
  return ok;
}

// %ls: the wide string `s`, at most `spec.precision` wchar_t of it.
bool AppendWideString(std::u32string& out, const wchar_t* s, const Spec& spec) {
  const size_t size =
      spec.precision >= 0 ? wcsnlen(s, static_cast<size_t>(spec.precision)) : std::wcslen(s);
  PyObject* text = PyUnicode_FromWideChar(s, static_cast<Py_ssize_t>(size));
  if (text == nullptr) return false;
  const bool ok = AppendStr(out, text, -1, spec);
  Py_DECREF(text);
  return ok;
}

// %S, %R or %A: str(), repr() or ascii() of `object`.
bool AppendConverted(std::u32string& out, PyObject* object, PyObject* (*convert)(PyObject*),
                     const Spec& spec) {
  PyObject* text = convert(object);
  if (text == nullptr) return false;
  const bool ok = AppendStr(out, text, spec.precision, spec);
  Py_DECREF(text);
  return ok;
}

// %c: the code point `ordinal` (surrogates too, as CPython).
bool AppendCodePoint(std::u32string& out, int ordinal) {
  if (ordinal < 0 || ordinal > 0x10FFFF) {
    PyErr_SetString(PyExc_OverflowError, "character argument not in range(0x110000)");
    return false;
  }
  out += static_cast<char32_t>(ordinal);
  return true;
}

// %d %i %u %x %X %o: the argument of the spec's C type, through snprintf.
void AppendInteger(std::u32string& out, va_list* args, const Spec& spec) {
  std::string format = "%";
  if (spec.left) format += '-';
  if (spec.zero) format += '0';
  if (spec.width >= 0) format += std::to_string(spec.width);
  if (spec.precision >= 0) format += "." + std::to_string(spec.precision);
  format += "ll";
  format += spec.type;
  long long value = 0;  // unsigned values are carried in the same bits
  if (spec.type == 'd' || spec.type == 'i') {
    switch (spec.length) {
      case Length::kNone: value = va_arg(*args, int); break;
      case Length::kLong: value = va_arg(*args, long); break;
      case Length::kLongLong: value = va_arg(*args, long long); break;
      case Length::kSize: value = va_arg(*args, Py_ssize_t); break;
      case Length::kPtrdiff: value = va_arg(*args, ptrdiff_t); break;
      case Length::kIntmax: value = va_arg(*args, intmax_t); break;
    }
  } else {
    switch (spec.length) {
      case Length::kNone: value = va_arg(*args, unsigned); break;
      case Length::kLong: value = static_cast<long long>(va_arg(*args, unsigned long)); break;
      case Length::kLongLong:
        value = static_cast<long long>(va_arg(*args, unsigned long long));
        break;
      case Length::kSize: value = static_cast<long long>(va_arg(*args, size_t)); break;
      case Length::kPtrdiff: value = va_arg(*args, ptrdiff_t); break;
      case Length::kIntmax: value = static_cast<long long>(va_arg(*args, uintmax_t)); break;
    }
  }
  const int size = std::snprintf(nullptr, 0, format.c_str(), value);
  std::string text(static_cast<size_t>(size) + 1, '\0');
  std::snprintf(text.data(), text.size(), format.c_str(), value);
  out.append(text.begin(), text.begin() + size);  // ASCII
}

// Appends the conversion `spec` (its arguments read from `args`); false with an exception
// set on error.
bool AppendConversion(std::u32string& out, va_list* args, const Spec& spec) {
  const bool sized = spec.length != Length::kNone;
  switch (spec.type) {
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': AppendInteger(out, args, spec); return true;
    case 'c': return !sized && AppendCodePoint(out, va_arg(*args, int));
    case 'p': {
      if (sized) break;
      char text[24];
      const int size = std::snprintf(text, sizeof(text), "0x%" PRIxPTR,
                                     reinterpret_cast<uintptr_t>(va_arg(*args, void*)));
      AppendText(out, std::u32string(text, text + size), -1, spec);
      return true;
    }
    case 's':
      if (spec.length == Length::kLong) {
        return AppendWideString(out, va_arg(*args, const wchar_t*), spec);
      }
      if (sized) break;
      return AppendCString(out, va_arg(*args, const char*), spec);
    case 'U':
      if (sized) break;
      return AppendStr(out, va_arg(*args, PyObject*), spec.precision, spec);
    case 'V': {
      if (sized && spec.length != Length::kLong) break;
      PyObject* text = va_arg(*args, PyObject*);
      if (spec.length == Length::kLong) {  // %lV: the fallback is a wchar_t*
        const wchar_t* fallback = va_arg(*args, const wchar_t*);
        return text != nullptr ? AppendStr(out, text, spec.precision, spec)
                               : AppendWideString(out, fallback, spec);
      }
      const char* fallback = va_arg(*args, const char*);
      return text != nullptr ? AppendStr(out, text, spec.precision, spec)
                             : AppendCString(out, fallback, spec);
    }
    case 'A':
      if (sized) break;
      return AppendConverted(out, va_arg(*args, PyObject*), &PyObject_ASCII, spec);
    case 'S':
      if (sized) break;
      return AppendConverted(out, va_arg(*args, PyObject*), &PyObject_Str, spec);
    case 'R':
      if (sized) break;
      return AppendConverted(out, va_arg(*args, PyObject*), &PyObject_Repr, spec);
  }
  return false;  // unknown, or a length modifier on a type that takes none
}

}  // namespace
}  // namespace pinion::compat

extern "C" PyObject* PyUnicode_FromFormatV(const char* format, va_list vargs) {
  using pinion::compat::Spec;
  va_list args;
  va_copy(args, vargs);
  std::u32string out;
  bool ok = true;
  for (const char* f = format; ok && *f != '\0';) {
    if (*f != '%') {
      const char* literal_end = std::strchr(f, '%');
      if (literal_end == nullptr) literal_end = f + std::strlen(f);
      PyObject* literal = pinion::compat::DecodeUtf8(f, literal_end - f,
                                                     pinion::compat::Utf8Errors::kReplace);
      ok = literal != nullptr && pinion::compat::AppendStr(out, literal, -1, Spec());
      Py_XDECREF(literal);
      f = literal_end;
      continue;
    }
    const char* start = f++;
    if (*f == '%') {
      out += U'%';
      ++f;
      continue;
    }
    Spec spec;
    ok = pinion::compat::ParseSpec(f, &args, &spec) &&
         pinion::compat::AppendConversion(out, &args, spec);
    if (!ok && !PyErr_Occurred()) {
      PyErr_Format(PyExc_SystemError, "invalid format string: %s", start);
    }
  }
  va_end(args);
  if (!ok) return nullptr;
  return pinion::compat::StrFromCodePoints(out);
}

extern "C" PyObject* PyUnicode_FromFormat(const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  PyObject* result = PyUnicode_FromFormatV(format, vargs);
  va_end(vargs);
  return result;
}
