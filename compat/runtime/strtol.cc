// PyOS_strtoul and PyOS_strtol: C strings to C longs, by CPython's rules (Python/
// mystrtoul.c's contract, not C's strtol): a 0x/0o/0b prefix read with base 0 (where a
// leading 0 without one reads as 0, old octal being gone) or skipped with the matching base,
// no underscores, and errno = ERANGE on overflow (the result then ULONG_MAX, or LONG_MAX).
//
// Owns nothing; sets no Python exception.
//
// Threads: any thread.
#include <cerrno>
#include <climits>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// A character's digit value (letters from 10), or 99.
unsigned DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// If str is at "0<letter>" with a digit of `base` after it, skips the prefix and returns
// true; at "0<letter>" without one, stops at the letter (*ptr there) and returns false.
bool SkipPrefix(const char*& str, char letter, unsigned base, char** ptr) {
  if ((str[1] | 0x20) != letter) return true;
  if (DigitValue(str[2]) >= base) {
    if (ptr != nullptr) *ptr = const_cast<char*>(str + 1);
    return false;
  }
  str += 2;
  return true;
}

}  // namespace
}  // namespace pinion::compat

extern "C" unsigned long PyOS_strtoul(const char* str, char** ptr, int base) {
  using pinion::compat::DigitValue;
  while (*str != '\0' && pinion::compat::IsSpace(*str)) ++str;
  if (base == 0) {
    if (*str != '0') {
      base = 10;
    } else if ((str[1] | 0x20) == 'x' || (str[1] | 0x20) == 'o' || (str[1] | 0x20) == 'b') {
      base = (str[1] | 0x20) == 'x' ? 16 : ((str[1] | 0x20) == 'o' ? 8 : 2);
      if (!pinion::compat::SkipPrefix(str, static_cast<char>(str[1] | 0x20), base, ptr)) return 0;
    } else {
      // A leading 0 without a prefix: the zeros are the number.
      while (*str == '0') ++str;
      while (pinion::compat::IsSpace(*str)) ++str;
      if (ptr != nullptr) *ptr = const_cast<char*>(str);
      return 0;
    }
  } else if (*str == '0' && (base == 16 || base == 8 || base == 2)) {
    const char letter = base == 16 ? 'x' : (base == 8 ? 'o' : 'b');
    if (!pinion::compat::SkipPrefix(str, letter, base, ptr)) return 0;
  }
  if (base < 2 || base > 36) {
    if (ptr != nullptr) *ptr = const_cast<char*>(str);
    return 0;
  }
  while (*str == '0') ++str;
  unsigned long result = 0;
  bool overflow = false;
  for (unsigned digit; (digit = DigitValue(*str)) < static_cast<unsigned>(base); ++str) {
    if (!overflow && (__builtin_mul_overflow(result, static_cast<unsigned long>(base), &result) ||
                      __builtin_add_overflow(result, digit, &result))) {
      overflow = true;
    }
  }
  if (ptr != nullptr) *ptr = const_cast<char*>(str);
  if (overflow) {
    errno = ERANGE;
    return ULONG_MAX;
  }
  return result;
}

extern "C" long PyOS_strtol(const char* str, char** ptr, int base) {
  while (*str != '\0' && pinion::compat::IsSpace(*str)) ++str;
  const char sign = *str;
  if (sign == '+' || sign == '-') ++str;
  const unsigned long magnitude = PyOS_strtoul(str, ptr, base);
  if (magnitude <= static_cast<unsigned long>(LONG_MAX)) {
    const long result = static_cast<long>(magnitude);
    return sign == '-' ? -result : result;
  }
  if (sign == '-' && magnitude == static_cast<unsigned long>(LONG_MAX) + 1) return LONG_MIN;
  errno = ERANGE;
  return LONG_MAX;
}
