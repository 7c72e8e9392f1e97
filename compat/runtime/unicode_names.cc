// Unicode character names (UnicodeCharacterName, UnicodeCharacterLookup) for the
// namereplace error handler and the \N{...} escapes of unicode_escape.
//
// Owns: the generated tables of unicode_names_data.inc (gen_unicode_names.py, run by the
// build with the system's python3.11: Unicode 14.0, CPython 3.11's database), and an index
// of where each name starts, built on first use (a function-local static: thread-safe).
// Hangul syllables and CJK unified ideographs are named by rule, as CPython does (and, as
// in CPython, looked up in upper case only; other names in any case). Name aliases
// (\N{LINE FEED}) are not known: unicode_escape then reports an unknown name.
//
// Threads: any.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "compat/runtime/unicode_codecs.h"

namespace pinion::compat {
namespace {

#include "compat/runtime/unicode_names_data.inc"

constexpr size_t kNamed = sizeof(kNameCodes) / sizeof(kNameCodes[0]);

// The Hangul syllable rule (Unicode chapter 3.12).
constexpr char32_t kHangulFirst = 0xAC00, kHangulLast = 0xD7A3;
constexpr const char* kLeads[] = {"G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S",
                                  "SS", "", "J", "JJ", "C", "K", "T", "P", "H"};
constexpr const char* kVowels[] = {"A",  "AE", "YA", "YAE", "EO", "E",  "YEO",
                                   "YE", "O",  "WA", "WAE", "OE", "YO", "U",
                                   "WEO", "WE", "WI", "YU", "EU", "YI", "I"};
constexpr const char* kTails[] = {"",  "G",  "GG", "GS", "N",  "NJ", "NH", "D", "L", "LG",
                                  "LM", "LB", "LS", "LT", "LP", "LH", "M",  "B", "BS", "S",
                                  "SS", "NG", "J",  "C",  "K",  "T",  "P",  "H"};
constexpr char kHangulPrefix[] = "HANGUL SYLLABLE ";
constexpr char kCjkPrefix[] = "CJK UNIFIED IDEOGRAPH-";

const std::vector<const char*>& NameIndex() {
  static const std::vector<const char*> index = [] {
    std::vector<const char*> starts;
    starts.reserve(kNamed);
    for (const char* p = kNameText; starts.size() < kNamed; p += std::strlen(p) + 1) {
      starts.push_back(p);
    }
    return starts;
  }();
  return index;
}

bool IsCjk(char32_t c) {
  for (const auto& range : kCjkRanges) {
    if (c >= range[0] && c <= range[1]) return true;
  }
  return false;
}

bool EqualsUpper(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != upper[i]) return false;
  }
  return true;
}

}  // namespace

bool UnicodeCharacterName(char32_t c, std::string* name) {
  if (c >= kHangulFirst && c <= kHangulLast) {
    const char32_t s = c - kHangulFirst;
    *name = std::string(kHangulPrefix) + kLeads[s / (21 * 28)] + kVowels[(s / 28) % 21] +
            kTails[s % 28];
    return true;
  }
  if (IsCjk(c)) {
    char hex[16];
    std::snprintf(hex, sizeof(hex), "%X", static_cast<unsigned>(c));
    *name = std::string(kCjkPrefix) + hex;
    return true;
  }
  const char32_t* end = kNameCodes + kNamed;
  const char32_t* it = std::lower_bound(kNameCodes, end, c);
  if (it == end || *it != c) return false;
  *name = NameIndex()[it - kNameCodes];
  return true;
}

bool UnicodeCharacterLookup(std::string_view name, char32_t* c) {
  // Hangul syllables: the longest lead, vowel and tail that spell the rest.
  const size_t hangul = sizeof(kHangulPrefix) - 1;
  if (name.size() > hangul && name.substr(0, hangul) == kHangulPrefix) {
    const std::string_view rest = name.substr(hangul);
    for (int l = 0; l < 19; ++l) {
      for (int v = 0; v < 21; ++v) {
        for (int t = 0; t < 28; ++t) {
          const std::string spelled = std::string(kLeads[l]) + kVowels[v] + kTails[t];
          if (rest == spelled) {
            *c = kHangulFirst + (l * 21 + v) * 28 + t;
            return true;
          }
        }
      }
    }
    return false;
  }
  const size_t cjk = sizeof(kCjkPrefix) - 1;
  if (name.size() > cjk && name.substr(0, cjk) == kCjkPrefix) {
    const std::string_view hex = name.substr(cjk);
    if (hex.size() != 4 && hex.size() != 5) return false;
    char32_t v = 0;
    for (char h : hex) {
      if (!std::isxdigit(static_cast<unsigned char>(h)) ||
          std::islower(static_cast<unsigned char>(h))) {
        return false;
      }
      v = v * 16 + static_cast<char32_t>(std::isdigit(static_cast<unsigned char>(h))
                                             ? h - '0'
                                             : h - 'A' + 10);
    }
    if (!IsCjk(v)) return false;
    *c = v;
    return true;
  }
  const auto& index = NameIndex();
  for (size_t i = 0; i < kNamed; ++i) {
    if (EqualsUpper(name, index[i])) {
      *c = kNameCodes[i];
      return true;
    }
  }
  return false;
}

}  // namespace pinion::compat
