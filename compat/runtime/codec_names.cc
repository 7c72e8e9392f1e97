// The names of the built-in codecs (FindBuiltinCodec, CodecName), as CPython's `encodings`
// package resolves them: its normalize_encoding (punctuation runs become one '_', case is
// ignored) and its alias table, restricted to the codecs Pinion has.
//
// Owns: the constant tables below. Threads: any.
#include <cctype>
#include <cstring>
#include <string>

#include "compat/runtime/unicode_codecs.h"

namespace pinion::compat {
namespace {

struct Name {
  const char* name;
  Codec codec;
};

// encodings.aliases entries (and the module names) for Pinion's codecs.
constexpr Name kNames[] = {
    {"utf_8", Codec::kUtf8}, {"u8", Codec::kUtf8}, {"utf", Codec::kUtf8},
    {"utf8", Codec::kUtf8}, {"utf8_ucs2", Codec::kUtf8}, {"utf8_ucs4", Codec::kUtf8},
    {"cp65001", Codec::kUtf8},
    {"latin_1", Codec::kLatin1}, {"8859", Codec::kLatin1}, {"cp819", Codec::kLatin1},
    {"csisolatin1", Codec::kLatin1}, {"ibm819", Codec::kLatin1}, {"iso8859", Codec::kLatin1},
    {"iso8859_1", Codec::kLatin1}, {"iso_8859_1", Codec::kLatin1},
    {"iso_8859_1_1987", Codec::kLatin1}, {"iso_ir_100", Codec::kLatin1},
    {"l1", Codec::kLatin1}, {"latin", Codec::kLatin1}, {"latin1", Codec::kLatin1},
    {"ascii", Codec::kAscii}, {"646", Codec::kAscii}, {"ansi_x3.4_1968", Codec::kAscii},
    {"ansi_x3_4_1968", Codec::kAscii}, {"ansi_x3.4_1986", Codec::kAscii},
    {"cp367", Codec::kAscii}, {"csascii", Codec::kAscii}, {"ibm367", Codec::kAscii},
    {"iso646_us", Codec::kAscii}, {"iso_646.irv_1991", Codec::kAscii},
    {"iso_ir_6", Codec::kAscii}, {"us", Codec::kAscii}, {"us_ascii", Codec::kAscii},
    {"utf_16", Codec::kUtf16}, {"u16", Codec::kUtf16}, {"utf16", Codec::kUtf16},
    {"utf_16_le", Codec::kUtf16Le}, {"utf_16le", Codec::kUtf16Le},
    {"unicodelittleunmarked", Codec::kUtf16Le},
    {"utf_16_be", Codec::kUtf16Be}, {"utf_16be", Codec::kUtf16Be},
    {"unicodebigunmarked", Codec::kUtf16Be},
    {"utf_32", Codec::kUtf32}, {"u32", Codec::kUtf32}, {"utf32", Codec::kUtf32},
    {"utf_32_le", Codec::kUtf32Le}, {"utf_32le", Codec::kUtf32Le},
    {"utf_32_be", Codec::kUtf32Be}, {"utf_32be", Codec::kUtf32Be},
    {"unicode_escape", Codec::kUnicodeEscape},
    {"raw_unicode_escape", Codec::kRawUnicodeEscape},
};

constexpr const char* kCodecNames[kCodecCount] = {
    "utf-8",     "iso8859-1", "ascii",     "utf-16",         "utf-16-le",         "utf-16-be",
    "utf-32",    "utf-32-le", "utf-32-be", "unicode-escape", "raw-unicode-escape"};

// encodings.normalize_encoding, lower-cased: runs of characters other than ASCII letters,
// digits and '.' become one '_' between words (none at either end).
std::string Normalize(std::string_view name) {
  std::string out;
  bool punct = false;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.') {
      if (punct && !out.empty()) out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(c)));
      punct = false;
    } else if (c < 0x80) {
      punct = true;
    }  // non-ASCII bytes are dropped, as non-ASCII letters are by normalize_encoding
  }
  return out;
}

bool Find(const std::string& name, Codec* codec) {
  for (const Name& n : kNames) {
    if (name == n.name) {
      *codec = n.codec;
      return true;
    }
  }
  return false;
}

}  // namespace

bool FindBuiltinCodec(std::string_view name, Codec* codec) {
  const std::string normalized = Normalize(name);
  if (Find(normalized, codec)) return true;
  // The aliases are tried with '.' as '_' too; a module name never has a '.'.
  std::string dotless = normalized;
  for (char& c : dotless) c = c == '.' ? '_' : c;
  return dotless != normalized && Find(dotless, codec);
}

const char* CodecName(Codec codec) { return kCodecNames[static_cast<int>(codec)]; }

}  // namespace pinion::compat
