// Character classes and case mappings of code points, for the str methods, without a Unicode
// database.
//
// Exact (as CPython 3.11 / Unicode 14) for every code point below U+0100 (ASCII and
// Latin-1), including the mappings that leave Latin-1 (µ upper is U+039C, ÿ upper is U+0178,
// ß upper is "SS", title "Ss", casefold "ss"). Whitespace and line breaks are exact for every
// code point (their sets are small and fixed). Above U+00FF every other code point counts as
// uncased, not a letter, not a digit and not an identifier character, and printability is
// approximated: that is where Pinion differs from CPython (docs/user_guide.md, "str
// algorithms and methods").
//
// Owns nothing: pure functions. Threads: any.
#ifndef PINION_COMPAT_RUNTIME_STR_CHARS_H_
#define PINION_COMPAT_RUNTIME_STR_CHARS_H_

#include <string>

namespace pinion::compat::str_chars {

// str.isspace: Python's whitespace (Unicode White_Space plus the ASCII separators 0x1C-0x1F).
inline bool IsSpace(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// The line boundaries of str.splitlines.
inline bool IsLineBreak(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E) ||
         c == 0x85 || c == 0x2028 || c == 0x2029;
}

// Latin-1 letters: ª µ º and À..ÿ but × and ÷.
inline bool IsLatin1Letter(char32_t c) {
  return c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7);
}

inline bool IsUpper(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}
inline bool IsLower(char32_t c) {
  return (c >= 'a' && c <= 'z') || c == 0xAA || c == 0xB5 || c == 0xBA ||
         (c >= 0xDF && c <= 0xFF && c != 0xF7);
}
inline bool IsCased(char32_t c) { return IsUpper(c) || IsLower(c); }
inline bool IsAlpha(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsLatin1Letter(c);
}
inline bool IsDecimal(char32_t c) { return c >= '0' && c <= '9'; }
// Superscripts ² ³ ¹ are digits (not decimals); vulgar fractions ¼ ½ ¾ numeric only.
inline bool IsDigit(char32_t c) { return IsDecimal(c) || c == 0xB2 || c == 0xB3 || c == 0xB9; }
inline bool IsNumeric(char32_t c) { return IsDigit(c) || (c >= 0xBC && c <= 0xBE); }
inline bool IsAlnum(char32_t c) { return IsAlpha(c) || IsNumeric(c); }
// XID_Start (plus '_') and XID_Continue.
inline bool IsIdentifierStart(char32_t c) { return c == '_' || IsAlpha(c); }
inline bool IsIdentifierContinue(char32_t c) {
  return IsIdentifierStart(c) || IsDecimal(c) || c == 0xB7;
}

// str.isprintable, and what str's repr leaves unescaped (unicode_type.cc). Exact below
// U+0100; above it, the common invisible separators and format characters, surrogates,
// private use, tags and noncharacters are not printable, everything else (unassigned code
// points included, which CPython counts as not printable) is.
inline bool IsPrintable(char32_t c) {
  if (c < 0x80) return c >= 0x20 && c < 0x7F;
  return !(c <= 0xA0 || c == 0xAD || c == 0x61C || c == 0x1680 || c == 0x180E ||
           (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
           (c >= 0x205F && c <= 0x206F) || c == 0x3000 || (c >= 0xD800 && c <= 0xDFFF) ||
           c == 0xFEFF ||
           (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xFFF9 && c <= 0xFFFB) ||
           (c & 0xFFFE) == 0xFFFE || c >= 0xE0000);
}

// Simple (one code point) mappings.
inline char32_t ToLower(char32_t c) { return IsUpper(c) ? c + 32 : c; }
inline char32_t ToUpperSimple(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
  if (c == 0xB5) return 0x39C;  // MICRO SIGN -> GREEK CAPITAL LETTER MU
  if (c == 0xFF) return 0x178;  // LATIN SMALL LETTER Y WITH DIAERESIS -> capital
  return c;
}

// Full mappings (str.upper, str.title, str.casefold), appended to `out`.
inline void AppendUpper(std::u32string& out, char32_t c) {
  if (c == 0xDF) {
    out += U"SS";
  } else {
    out += ToUpperSimple(c);
  }
}
inline void AppendTitle(std::u32string& out, char32_t c) {
  if (c == 0xDF) {
    out += U"Ss";
  } else {
    out += ToUpperSimple(c);
  }
}
inline void AppendCasefold(std::u32string& out, char32_t c) {
  if (c == 0xDF) {
    out += U"ss";
  } else if (c == 0xB5) {
    out += char32_t{0x3BC};  // GREEK SMALL LETTER MU
  } else {
    out += ToLower(c);
  }
}

}  // namespace pinion::compat::str_chars

#endif  // PINION_COMPAT_RUNTIME_STR_CHARS_H_
