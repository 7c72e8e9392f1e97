// The built-in encoders (EncodeText): str to bytes for utf-8, latin-1, ascii, utf-16,
// utf-32, unicode_escape and raw_unicode_escape.
//
// Owns nothing. As CPython 3.11: latin-1 and ascii give the error handler each run of
// unencodable characters at once ("ordinal not in range(256)"/"(128)"), utf-8 each run of
// surrogates, utf-16 and utf-32 one surrogate at a time ("surrogates not allowed"); a
// handler's str replacement must itself be encodable (ASCII for the UTFs), else the error
// is raised for the original range; a bytes replacement is copied (for utf-16/32, a whole
// number of units). The escape codecs never fail.
//
// Threads: any attached thread.
#include <cstdio>
#include <string>

#include "compat/runtime/unicode_codecs.h"
#include "compat/runtime/unicode_text.h"

namespace pinion::compat {
namespace {

bool IsSurrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

void PutUtf8(std::string* out, char32_t c) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

void PutUnit(std::string* out, char32_t unit, int size, bool big) {
  for (int k = 0; k < size; ++k) {
    const int shift = 8 * (big ? size - 1 - k : k);
    out->push_back(static_cast<char>((unit >> shift) & 0xFF));
  }
}

void PutUtf16(std::string* out, char32_t c, bool big) {
  if (c < 0x10000) {
    PutUnit(out, c, 2, big);
  } else {
    PutUnit(out, 0xD800 + ((c - 0x10000) >> 10), 2, big);
    PutUnit(out, 0xDC00 + ((c - 0x10000) & 0x3FF), 2, big);
  }
}

// An encoder: how it writes one code point it can encode, and which it can.
struct Encoding {
  Codec codec;
  bool big;  // utf-16/32 byte order

  // Whether `c` can be encoded (others go to the error handler).
  bool Encodable(char32_t c) const {
    switch (codec) {
      case Codec::kLatin1: return c < 0x100;
      case Codec::kAscii: return c < 0x80;
      default: return !IsSurrogate(c);
    }
  }
  // The largest code point a handler's str replacement may hold, plus one.
  char32_t ReplacementLimit() const { return codec == Codec::kLatin1 ? 0x100 : 0x80; }
  int Unit() const {
    switch (codec) {
      case Codec::kUtf16: case Codec::kUtf16Le: case Codec::kUtf16Be: return 2;
      case Codec::kUtf32: case Codec::kUtf32Le: case Codec::kUtf32Be: return 4;
      default: return 1;
    }
  }
  void Put(std::string* out, char32_t c) const {
    switch (Unit()) {
      case 2: PutUtf16(out, c, big); break;
      case 4: PutUnit(out, c, 4, big); break;
      default:
        if (codec == Codec::kUtf8) {
          PutUtf8(out, c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  const char* Reason() const {
    switch (codec) {
      case Codec::kLatin1: return "ordinal not in range(256)";
      case Codec::kAscii: return "ordinal not in range(128)";
      default: return "surrogates not allowed";
    }
  }
};

PyObject* EncodeWithHandler(const Encoding& encoding, PyObject* unicode,
                            const std::u32string& text, const char* name,
                            const char* errors, std::string* out) {
  EncodeErrorState state{name, errors};
  const Py_ssize_t size = static_cast<Py_ssize_t>(text.size());
  Py_ssize_t pos = 0;
  while (pos < size) {
    if (encoding.Encodable(text[pos])) {
      encoding.Put(out, text[pos++]);
      continue;
    }
    // The range given to the handler: a run of unencodable characters, except utf-16/32.
    const Py_ssize_t start = pos;
    Py_ssize_t end = pos + 1;
    if (encoding.Unit() == 1) {
      while (end < size && !encoding.Encodable(text[end])) ++end;
    }
    PyObject* replacement =
        HandleEncodeError(&state, unicode, size, start, end, encoding.Reason(), &pos);
    if (replacement == nullptr) return nullptr;
    if (PyBytes_Check(replacement)) {
      if (PyBytes_GET_SIZE(replacement) % encoding.Unit() != 0) {
        Py_DECREF(replacement);
        return RaiseEncodeError(&state, unicode, start, end, encoding.Reason());
      }
      out->append(PyBytes_AS_STRING(replacement), PyBytes_GET_SIZE(replacement));
    } else {
      std::u32string chars;
      const bool ok = StrCodePoints(replacement, &chars);
      Py_DECREF(replacement);
      if (!ok) return nullptr;
      for (char32_t c : chars) {
        if (c >= encoding.ReplacementLimit()) {
          return RaiseEncodeError(&state, unicode, start, end, encoding.Reason());
        }
        encoding.Put(out, c);
      }
      continue;
    }
    Py_DECREF(replacement);
  }
  return PyBytes_FromStringAndSize(out->data(), static_cast<Py_ssize_t>(out->size()));
}

void PutEscape(std::string* out, const char* format, char32_t c) {
  char escape[12];
  std::snprintf(escape, sizeof(escape), format, static_cast<unsigned>(c));
  out->append(escape);
}

PyObject* EncodeUnicodeEscape(const std::u32string& text, bool raw) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (c >= 0x10000) {
      PutEscape(&out, "\\U%08x", c);
    } else if (c >= 0x100) {
      PutEscape(&out, "\\u%04x", c);
    } else if (raw) {
      out.push_back(static_cast<char>(c));  // Latin-1 as is
    } else if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c < 0x20 || c >= 0x7F) {
      PutEscape(&out, "\\x%02x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return PyBytes_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
}

}  // namespace

PyObject* EncodeText(Codec codec, PyObject* unicode, const char* errors, int byteorder) {
  std::u32string text;
  if (unicode == nullptr || !PyUnicode_Check(unicode)) {
    PyErr_BadArgument();
    return nullptr;
  }
  if (!StrCodePoints(unicode, &text)) return nullptr;
  if (codec == Codec::kUnicodeEscape || codec == Codec::kRawUnicodeEscape) {
    return EncodeUnicodeEscape(text, codec == Codec::kRawUnicodeEscape);
  }
  std::string out;
  Encoding encoding{codec, false};
  const char* name = codec == Codec::kLatin1 ? "latin-1" : CodecName(codec);  // as CPython
  if (codec == Codec::kUtf16Le || codec == Codec::kUtf32Le) byteorder = -1;
  if (codec == Codec::kUtf16Be || codec == Codec::kUtf32Be) byteorder = 1;
  if (encoding.Unit() > 1) {
    encoding.big = byteorder > 0;
    const bool u16 = encoding.Unit() == 2;
    // CPython names the encoding by the byte order asked for.
    name = byteorder < 0 ? (u16 ? "utf-16-le" : "utf-32-le")
                         : (byteorder > 0 ? (u16 ? "utf-16-be" : "utf-32-be")
                                          : (u16 ? "utf-16" : "utf-32"));
    if (byteorder == 0) PutUnit(&out, 0xFEFF, encoding.Unit(), false);  // the mark, native
  }
  out.reserve(out.size() + text.size() * encoding.Unit());
  return EncodeWithHandler(encoding, unicode, text, name, errors, &out);
}

}  // namespace pinion::compat
