// The built-in decoders (DecodeText): bytes to str for utf-8, latin-1, ascii, utf-16,
// utf-32, unicode_escape and raw_unicode_escape.
//
// Owns nothing. Each decoder walks its input, appending code points; at an error it calls
// HandleDecodeError (codec_errors.cc) with CPython 3.11's range and reason, which appends
// the handler's replacement and gives the position to continue from (and may replace the
// input: decoders read it again through the string_view after each call).
//
// Threads: any attached thread.
#include <string>
#include <string_view>

#include "compat/runtime/unicode_codecs.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {
namespace {

using Bytes = const unsigned char*;

Bytes At(std::string_view input, Py_ssize_t pos) {
  return reinterpret_cast<Bytes>(input.data()) + pos;
}
Py_ssize_t Size(std::string_view input) { return static_cast<Py_ssize_t>(input.size()); }
bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// What the decoders share: the input, the output, the error state.
struct Decoding {
  std::string_view input;
  std::u32string out;
  DecodeErrorState errors;
  Py_ssize_t pos = 0;

  bool Error(Py_ssize_t start, Py_ssize_t end, const char* reason) {
    return HandleDecodeError(&errors, &input, start, end, reason, &out, &pos);
  }
};

// ---- UTF-8 -------------------------------------------------------------------------------

// CPython's stringlib utf8_decode for the sequence at `p` (end - p >= 1, lead >= 0x80):
// 0 when the input ends inside a sequence that is valid so far, 1 for an invalid start byte,
// 2/3/4 when the 2nd/3rd/4th byte is invalid; -1 for a complete code point in `*c`, `*size`.
int Utf8Sequence(Bytes p, Bytes end, char32_t* c, int* size) {
  const unsigned char lead = p[0];
  const Py_ssize_t available = end - p;
  if (lead < 0xC2) return 1;  // a continuation byte, or C0/C1 (overlong ASCII)
  if (lead < 0xE0) {
    if (available < 2) return 0;
    if (!IsContinuation(p[1])) return 2;
    *c = (lead & 0x1F) << 6 | (p[1] & 0x3F), *size = 2;
    return -1;
  }
  if (lead < 0xF0) {
    // E0 needs A0..BF next (no overlong), ED needs 80..9F (no surrogates).
    auto bad2 = [&](unsigned char b) {
      return !IsContinuation(b) || (b < 0xA0 ? lead == 0xE0 : lead == 0xED);
    };
    if (available < 3) {
      if (available >= 2 && bad2(p[1])) return 2;
      return 0;
    }
    if (bad2(p[1])) return 2;
    if (!IsContinuation(p[2])) return 3;
    *c = (lead & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F), *size = 3;
    return -1;
  }
  if (lead < 0xF5) {
    // F0 needs 90..BF next (no overlong), F4 needs 80..8F (nothing above U+10FFFF).
    auto bad2 = [&](unsigned char b) {
      return !IsContinuation(b) || (b < 0x90 ? lead == 0xF0 : lead == 0xF4);
    };
    if (available < 4) {
      if (available >= 2 && bad2(p[1])) return 2;
      if (available >= 3 && !IsContinuation(p[2])) return 3;
      return 0;
    }
    if (bad2(p[1])) return 2;
    if (!IsContinuation(p[2])) return 3;
    if (!IsContinuation(p[3])) return 4;
    *c = (lead & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
    *size = 4;
    return -1;
  }
  return 1;
}

bool DecodeUtf8(Decoding* d, Py_ssize_t* consumed) {
  while (d->pos < Size(d->input)) {
    Bytes p = At(d->input, d->pos);
    if (*p < 0x80) {
      d->out.push_back(*p), ++d->pos;
      continue;
    }
    char32_t c;
    int size;
    const int status = Utf8Sequence(p, At(d->input, Size(d->input)), &c, &size);
    if (status < 0) {
      d->out.push_back(c), d->pos += size;
      continue;
    }
    const Py_ssize_t left = Size(d->input) - d->pos;
    if (consumed != nullptr &&
        (status == 0 ||
         // A truncated surrogate (ED A0..BF) is left for the next call, as CPython does
         // (surrogatepass may take it whole).
         (status == 2 && p[0] == 0xED && left == 2 && p[1] >= 0xA0 && p[1] <= 0xBF))) {
      break;
    }
    bool ok;
    if (status == 0) {
      ok = d->Error(d->pos, Size(d->input), "unexpected end of data");
    } else if (status == 1) {
      ok = d->Error(d->pos, d->pos + 1, "invalid start byte");
    } else {
      ok = d->Error(d->pos, d->pos + status - 1, "invalid continuation byte");
    }
    if (!ok) return false;
  }
  if (consumed != nullptr) *consumed = d->pos;
  return true;
}

// ---- Latin-1 and ASCII -------------------------------------------------------------------

bool DecodeLatin1(Decoding* d) {
  for (; d->pos < Size(d->input); ++d->pos) d->out.push_back(*At(d->input, d->pos));
  return true;
}

bool DecodeAscii(Decoding* d) {
  while (d->pos < Size(d->input)) {
    const unsigned char b = *At(d->input, d->pos);
    if (b < 0x80) {
      d->out.push_back(b), ++d->pos;
    } else if (!d->Error(d->pos, d->pos + 1, "ordinal not in range(128)")) {
      return false;
    }
  }
  return true;
}

// ---- UTF-16 and UTF-32 -------------------------------------------------------------------

// Reads a byte order mark at the start when *byteorder is 0, as CPython: the order found.
int ReadByteOrderMark(Decoding* d, int unit, int byteorder) {
  if (byteorder != 0 || Size(d->input) < unit) return byteorder;
  Bytes p = At(d->input, 0);
  if (unit == 2) {
    if (p[0] == 0xFF && p[1] == 0xFE) d->pos = 2, byteorder = -1;
    if (p[0] == 0xFE && p[1] == 0xFF) d->pos = 2, byteorder = 1;
  } else {
    if (p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) d->pos = 4, byteorder = -1;
    if (p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) d->pos = 4, byteorder = 1;
  }
  return byteorder;
}

char32_t Unit16(Bytes p, bool big) { return big ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]); }

bool DecodeUtf16(Decoding* d, Py_ssize_t* consumed, int* byteorder) {
  const int order = ReadByteOrderMark(d, 2, byteorder != nullptr ? *byteorder : 0);
  const bool big = order > 0;  // no mark: native order (little-endian)
  d->errors.encoding = big ? "utf-16-be" : "utf-16-le";
  while (d->pos < Size(d->input)) {
    const Py_ssize_t left = Size(d->input) - d->pos;
    if (left < 2) {
      if (consumed != nullptr) break;
      if (!d->Error(d->pos, Size(d->input), "truncated data")) return false;
      continue;
    }
    Bytes p = At(d->input, d->pos);
    const char32_t u = Unit16(p, big);
    if (u < 0xD800 || u > 0xDFFF) {
      d->out.push_back(u), d->pos += 2;
      continue;
    }
    bool ok;
    if (u >= 0xDC00) {
      ok = d->Error(d->pos, d->pos + 2, "illegal encoding");
    } else if (left < 4) {
      if (consumed != nullptr) break;
      ok = d->Error(d->pos, Size(d->input), "unexpected end of data");
    } else {
      const char32_t low = Unit16(p + 2, big);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        d->out.push_back(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)), d->pos += 4;
        continue;
      }
      ok = d->Error(d->pos, d->pos + 2, "illegal UTF-16 surrogate");
    }
    if (!ok) return false;
  }
  if (consumed != nullptr) *consumed = d->pos;
  if (byteorder != nullptr) *byteorder = order;
  return true;
}

bool DecodeUtf32(Decoding* d, Py_ssize_t* consumed, int* byteorder) {
  const int order = ReadByteOrderMark(d, 4, byteorder != nullptr ? *byteorder : 0);
  const bool big = order > 0;
  d->errors.encoding = big ? "utf-32-be" : "utf-32-le";
  while (d->pos < Size(d->input)) {
    bool ok;
    if (Size(d->input) - d->pos < 4) {
      if (consumed != nullptr) break;
      ok = d->Error(d->pos, Size(d->input), "truncated data");
    } else {
      Bytes p = At(d->input, d->pos);
      const char32_t c = big ? (char32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3])
                             : (char32_t(p[3]) << 24 | p[2] << 16 | p[1] << 8 | p[0]);
      if (c < 0x110000 && (c < 0xD800 || c > 0xDFFF)) {
        d->out.push_back(c), d->pos += 4;
        continue;
      }
      ok = d->Error(d->pos, d->pos + 4,
                    c < 0x110000 ? "code point in surrogate code point range(0xd800, 0xe000)"
                                 : "code point not in range(0x110000)");
    }
    if (!ok) return false;
  }
  if (consumed != nullptr) *consumed = d->pos;
  if (byteorder != nullptr) *byteorder = order;
  return true;
}

// ---- unicode_escape and raw_unicode_escape -----------------------------------------------

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `count` hex digits at d->pos into *c; false (d->pos at the first bad or missing digit)
// if they are not all there.
bool HexDigits(Decoding* d, int count, char32_t* c) {
  *c = 0;
  for (; count > 0; --count, ++d->pos) {
    if (d->pos >= Size(d->input)) return false;
    const int v = HexValue(*At(d->input, d->pos));
    if (v < 0) return false;
    *c = *c << 4 | static_cast<char32_t>(v);
  }
  return true;
}

bool DecodeUnicodeEscape(Decoding* d) {
  const char* first_invalid = nullptr;  // for the DeprecationWarning, as CPython
  char invalid[4] = {};
  while (d->pos < Size(d->input)) {
    unsigned char c = *At(d->input, d->pos++);
    if (c != '\\') {
      d->out.push_back(c);
      continue;
    }
    const Py_ssize_t start = d->pos - 1;
    const char* message;
    if (d->pos >= Size(d->input)) {
      message = "\\ at end of string";
    } else {
      c = *At(d->input, d->pos++);
      int count = 0;
      switch (c) {
        case '\n':
          continue;
        case '\\': case '\'': case '"':
          d->out.push_back(c);
          continue;
        case 'b': d->out.push_back('\b'); continue;
        case 'f': d->out.push_back('\f'); continue;
        case 't': d->out.push_back('\t'); continue;
        case 'n': d->out.push_back('\n'); continue;
        case 'r': d->out.push_back('\r'); continue;
        case 'v': d->out.push_back('\v'); continue;
        case 'a': d->out.push_back('\a'); continue;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
          char32_t v = c - '0';
          for (int k = 0; k < 2 && d->pos < Size(d->input); ++k) {
            const unsigned char o = *At(d->input, d->pos);
            if (o < '0' || o > '7') break;
            v = v << 3 | (o - '0'), ++d->pos;
          }
          if (v > 0377 && first_invalid == nullptr) {
            first_invalid = "invalid octal escape sequence '\\%.3s'";
            for (int k = 0; k < 3; ++k) invalid[k] = *At(d->input, d->pos - 3 + k);
          }
          d->out.push_back(v);
          continue;
        }
        case 'x': count = 2, message = "truncated \\xXX escape"; break;
        case 'u': count = 4, message = "truncated \\uXXXX escape"; break;
        case 'U': count = 8, message = "truncated \\UXXXXXXXX escape"; break;
        case 'N': {
          message = "malformed \\N character escape";
          if (d->pos < Size(d->input) && *At(d->input, d->pos) == '{') {
            const Py_ssize_t name_start = ++d->pos;
            while (d->pos < Size(d->input) && *At(d->input, d->pos) != '}') ++d->pos;
            if (d->pos < Size(d->input) && d->pos > name_start) {
              const std::string_view name = d->input.substr(name_start, d->pos - name_start);
              ++d->pos;
              char32_t v;
              if (UnicodeCharacterLookup(name, &v)) {
                d->out.push_back(v);
                continue;
              }
              message = "unknown Unicode character name";
            }
          }
          break;
        }
        default:
          if (first_invalid == nullptr) {
            first_invalid = "invalid escape sequence '\\%c'";
            invalid[0] = static_cast<char>(c);
          }
          d->out.push_back('\\');
          d->out.push_back(c);
          continue;
      }
      if (count > 0) {
        char32_t v;
        if (HexDigits(d, count, &v)) {
          if (v <= 0x10FFFF) {
            d->out.push_back(v);
            continue;
          }
          message = "illegal Unicode character";
        }
      }
    }
    if (!d->Error(start, d->pos, message)) return false;
  }
  if (first_invalid != nullptr) {
    const int rc = invalid[1] == '\0'
                       ? PyErr_WarnFormat(PyExc_DeprecationWarning, 1, first_invalid, invalid[0])
                       : PyErr_WarnFormat(PyExc_DeprecationWarning, 1, first_invalid, invalid);
    if (rc < 0) return false;
  }
  return true;
}

bool DecodeRawUnicodeEscape(Decoding* d) {
  while (d->pos < Size(d->input)) {
    // \u and \U are escapes only after an odd number of backslashes.
    const Py_ssize_t run = d->pos;
    while (d->pos < Size(d->input) && *At(d->input, d->pos) == '\\') {
      d->out.push_back('\\'), ++d->pos;
    }
    if (d->pos == run) {
      d->out.push_back(*At(d->input, d->pos++));
      continue;
    }
    if ((d->pos - run) % 2 == 0 || d->pos >= Size(d->input)) continue;
    const unsigned char kind = *At(d->input, d->pos);
    if (kind != 'u' && kind != 'U') continue;
    d->out.pop_back();  // the escaping backslash
    const Py_ssize_t start = d->pos - 1;
    ++d->pos;
    const char* message = kind == 'u' ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape";
    char32_t v;
    if (HexDigits(d, kind == 'u' ? 4 : 8, &v)) {
      if (v <= 0x10FFFF) {
        d->out.push_back(v);
        continue;
      }
      message = "\\Uxxxxxxxx out of range";
    }
    if (!d->Error(start, d->pos, message)) return false;
  }
  return true;
}

}  // namespace

PyObject* DecodeText(Codec codec, const char* data, Py_ssize_t size, const char* errors,
                     Py_ssize_t* consumed, int* byteorder) {
  if (size < 0) {
    PyErr_SetString(PyExc_SystemError, "Negative size passed to PyUnicode_New");
    return nullptr;
  }
  if (data == nullptr && size > 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  Decoding d;
  d.input = std::string_view(data == nullptr ? "" : data, static_cast<size_t>(size));
  d.errors.errors = errors;
  d.errors.encoding = CodecName(codec);
  bool ok;
  switch (codec) {
    case Codec::kUtf8:
      ok = DecodeUtf8(&d, consumed);
      consumed = nullptr;
      break;
    case Codec::kLatin1:
      ok = DecodeLatin1(&d);
      break;
    case Codec::kAscii:
      ok = DecodeAscii(&d);
      break;
    case Codec::kUtf16:
    case Codec::kUtf16Le:
    case Codec::kUtf16Be: {
      int order = codec == Codec::kUtf16 ? (byteorder != nullptr ? *byteorder : 0)
                                         : (codec == Codec::kUtf16Le ? -1 : 1);
      ok = DecodeUtf16(&d, consumed, &order);
      if (byteorder != nullptr) *byteorder = order;
      consumed = nullptr;
      break;
    }
    case Codec::kUtf32:
    case Codec::kUtf32Le:
    case Codec::kUtf32Be: {
      int order = codec == Codec::kUtf32 ? (byteorder != nullptr ? *byteorder : 0)
                                         : (codec == Codec::kUtf32Le ? -1 : 1);
      ok = DecodeUtf32(&d, consumed, &order);
      if (byteorder != nullptr) *byteorder = order;
      consumed = nullptr;
      break;
    }
    case Codec::kUnicodeEscape:
      d.errors.encoding = "unicodeescape";
      ok = DecodeUnicodeEscape(&d);
      break;
    default:  // kRawUnicodeEscape
      d.errors.encoding = "rawunicodeescape";
      ok = DecodeRawUnicodeEscape(&d);
      break;
  }
  if (!ok) return nullptr;
  if (consumed != nullptr) *consumed = size;  // the codecs that consume everything
  return StrFromCodePoints(d.out);
}

}  // namespace pinion::compat
