// int's text conversions (number.h): int(str, base) and str/bin/oct/hex of an int, of any
// size, with CPython 3.11.4+'s limit on decimal (non power-of-two base) conversions.
//
// Owns: CPython's literal rules (whitespace, sign, 0x/0o/0b prefixes, single underscores
// between digits, base 0's refusal of old octal literals) and the 4300-digit limit
// (kLongMaxStrDigits; fixed: there is no sys.set_int_max_str_digits).
//
// Small values are converted natively; larger ones by GMP (mpz_set_str, mpz_get_str: its
// subquadratic base conversion).
//
// Threads: any attached thread; nothing here has state.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#include "compat/runtime/long_repr.h"
#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The value of an ASCII digit or letter (a = 10 ... z = 35), or 99.
int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsPowerOfTwo(int base) { return (base & (base - 1)) == 0; }

PyObject* InvalidLiteral(const char* text, size_t size, int base, PyObject* original) {
  PyObject* shown = original != nullptr
                        ? Py_NewRef(original)
                        : PyUnicode_FromStringAndSize(text, std::min<size_t>(size, 200));
  PyObject* repr = shown != nullptr ? PyObject_Repr(shown) : nullptr;
  Py_XDECREF(shown);
  if (repr == nullptr) return nullptr;
  PyErr_Format(PyExc_ValueError, "invalid literal for int() with base %d: %.200s", base,
               PyUnicode_AsUTF8(repr));
  Py_DECREF(repr);
  return nullptr;
}

// The value of `digits` (valid digits of `base`, most significant first).
PyObject* FromDigits(const std::string& digits, int base, bool negative) {
  // Below 2^64 natively (stopping at the first digit beyond).
  if (digits.size() <= 64) {
    unsigned __int128 magnitude = 0;
    bool small = true;
    for (char c : digits) {
      magnitude = magnitude * base + DigitValue(c);
      if (magnitude >> 64 != 0) {
        small = false;
        break;
      }
    }
    if (small) {
      return LongFromInt128(negative ? -static_cast<__int128>(magnitude)
                                     : static_cast<__int128>(magnitude));
    }
  }
  // bits <= digits * log2(base) <= digits * 6.
  if (!LongBitsAllowed(static_cast<uint64_t>(digits.size()) * 6)) return nullptr;
  Mpz x;
  mpz_set_str(x, digits.c_str(), base);
  if (negative) mpz_neg(x, x);
  return LongFromMpz(x);
}

}  // namespace

PyObject* LongFromText(const char* text, size_t size, int base, PyObject* original,
                       const char** stop) {
  if ((base != 0 && base < 2) || base > 36) {  // *stop is left alone, as CPython
    PyErr_SetString(PyExc_ValueError, "int() arg 2 must be >= 2 and <= 36");
    return nullptr;
  }
  const int given_base = base;
  const char* p = text;
  const char* end = text + size;
  auto at = [&](const char* q) { return q < end ? *q : '\0'; };
  while (p < end && IsSpace(*p)) ++p;
  bool negative = false;
  if (at(p) == '+' || at(p) == '-') negative = *p++ == '-';
  // CPython's rules: base 0 reads a 0x/0o/0b prefix, else base 10, where a leading 0 makes
  // every digit 0 (old octal literals are invalid); a matching prefix may also be given
  // with base 16, 8 or 2, and one underscore may follow it.
  bool only_zero = false;
  if (base == 0) {
    const char next = Lower(at(p + 1));
    if (at(p) != '0') {
      base = 10;
    } else if (next == 'x') {
      base = 16;
    } else if (next == 'o') {
      base = 8;
    } else if (next == 'b') {
      base = 2;
    } else {
      only_zero = true;
      base = 10;
    }
  }
  if (at(p) == '0') {
    const char next = Lower(at(p + 1));
    if ((base == 16 && next == 'x') || (base == 8 && next == 'o') || (base == 2 && next == 'b')) {
      p += 2;
      if (at(p) == '_') ++p;
    }
  }
  std::string digits;
  bool valid = at(p) != '_';
  char previous = '\0';
  const char* after_digit = p;  // an underscore error stops after the last digit
  for (; valid && p < end; ++p) {
    if (*p == '_') {
      if (previous == '_') {
        valid = false;
        p = after_digit;
        break;
      }
    } else {
      if (DigitValue(*p) >= base) break;
      digits += *p;
      after_digit = p + 1;
    }
    previous = *p;
  }
  if (valid && previous == '_') {
    valid = false;
    p = after_digit;
  }
  // CPython checks the limit once the digits are scanned, before what follows them.
  if (valid && !IsPowerOfTwo(base) && digits.size() > static_cast<size_t>(kLongMaxStrDigits)) {
    PyErr_Format(PyExc_ValueError,
                 "Exceeds the limit (%d digits) for integer string conversion: value has %zd "
                 "digits; use sys.set_int_max_str_digits() to increase the limit",
                 kLongMaxStrDigits, static_cast<Py_ssize_t>(digits.size()));
    return nullptr;
  }
  if (digits.empty()) valid = false;
  if (valid && only_zero) {
    base = 0;  // CPython reports old-style octal literals as base 0
    if (digits.find_first_not_of('0') != std::string::npos) valid = false;
  }
  if (valid) {
    while (p < end && IsSpace(*p)) ++p;
    if (p != end) valid = false;
  }
  if (stop != nullptr) *stop = p;
  // A C string's error names the base read (16 for "0x..." with base 0; 0 for an old octal
  // literal), a str's or bytes' the base given, as CPython's PyLong_FromUnicodeObject and
  // _PyLong_FromBytes re-raise it.
  if (!valid) return InvalidLiteral(text, size, original != nullptr ? given_base : base, original);
  return FromDigits(digits, only_zero ? 10 : base, negative);
}

bool LongDigitsText(PyObject* v, int base, std::string* digits) {
  const Py_ssize_t ndigits = LongDigitCount(v);
  // CPython's quick refusal of an int with too many digits for the limit (481 digits for
  // 4300), before converting it; then the exact count.
  if (base == 10 && ndigits >= 10 * kLongStrDigitsCheckThreshold / (3 * PyLong_SHIFT) + 2 &&
      kLongMaxStrDigits / (3 * PyLong_SHIFT) <= (ndigits - 11) / 10) {
    PyErr_Format(PyExc_ValueError,
                 "Exceeds the limit (%d digits) for integer string conversion; use "
                 "sys.set_int_max_str_digits() to increase the limit",
                 kLongMaxStrDigits);
    return false;
  }
  bool fits;
  const uint64_t low = LongLow64(v, &fits);
  if (fits) {
    char buffer[72];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), low, base);
    digits->assign(buffer, result.ptr);
  } else {
    Mpz x(v);
    mpz_abs(x, x);
    digits->assign(mpz_sizeinbase(x, base) + 2, '\0');
    mpz_get_str(digits->data(), base, x);
    digits->resize(std::strlen(digits->c_str()));
  }
  if (base == 10 && digits->size() > static_cast<size_t>(kLongMaxStrDigits)) {
    PyErr_Format(PyExc_ValueError,
                 "Exceeds the limit (%d digits) for integer string conversion; use "
                 "sys.set_int_max_str_digits() to increase the limit",
                 kLongMaxStrDigits);
    return false;
  }
  return true;
}

PyObject* LongToText(PyObject* v, int base, bool prefix) {
  std::string digits;
  if (!LongDigitsText(v, base, &digits)) return nullptr;
  std::string text = LongIsNegative(v) ? "-" : "";
  if (prefix && base != 10) text += base == 2 ? "0b" : (base == 8 ? "0o" : "0x");
  text += digits;
  return PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}

}  // namespace pinion::compat
