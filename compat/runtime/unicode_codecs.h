// The built-in text codecs (utf-8, latin-1, ascii, utf-16, utf-32, unicode_escape,
// raw_unicode_escape) as the rest of the runtime calls them: by codec, on code points.
//
// Owns nothing: the codecs themselves are in unicode_decoders.cc and unicode_encoders.cc,
// their names in codec_names.cc, the error handlers they call in codec_errors.cc.
//
// Each codec follows CPython 3.11: the same error ranges (start, end), reasons and encoding
// names in the UnicodeDecodeError/UnicodeEncodeError it makes, and error handlers called as
// CPython calls them (codecs.h: the handler gets the exception, returns (replacement, new
// position)). They are written against unicode_text.h, not the str's representation.
//
// Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_UNICODE_CODECS_H_
#define PINION_COMPAT_RUNTIME_UNICODE_CODECS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "Python.h"

namespace pinion::compat {

enum class Codec {
  kUtf8,
  kLatin1,
  kAscii,
  kUtf16,  // with a byte order mark (decoding: read one if present)
  kUtf16Le,
  kUtf16Be,
  kUtf32,
  kUtf32Le,
  kUtf32Be,
  kUnicodeEscape,
  kRawUnicodeEscape,
};
inline constexpr int kCodecCount = 11;

// The built-in codec an encoding name denotes, normalised as CPython's `encodings` package
// does (case, punctuation, aliases: "UTF8", "utf_8", "latin1", "L1", "iso-8859-1"...).
// False if none does.
bool FindBuiltinCodec(std::string_view name, Codec* codec);

// The codec's name as its CodecInfo gives it ("utf-8", "iso8859-1", "utf-16-le"...).
const char* CodecName(Codec codec);

// Decodes `size` bytes at `data` into a new str; nullptr with an exception set.
// `errors`: an error handler's name (NULL: "strict"). `consumed`: NULL to decode everything
// (a truncated sequence at the end is an error), or where to store how many bytes were
// decoded, an incomplete sequence at the end being left for the next call (stateful).
// `byteorder` (utf-16 and utf-32 only, may be NULL): in, -1 little-endian, 1 big-endian,
// 0 read a byte order mark if present; out, the order found (CPython's convention).
PyObject* DecodeText(Codec codec, const char* data, Py_ssize_t size, const char* errors,
                     Py_ssize_t* consumed = nullptr, int* byteorder = nullptr);

// Encodes the str `unicode` into a new bytes object; nullptr with an exception set
// (TypeError if `unicode` is not a str). For kUtf16/kUtf32, `byteorder` 0 writes a byte
// order mark and native order, -1 little-endian, 1 big-endian (no mark).
PyObject* EncodeText(Codec codec, PyObject* unicode, const char* errors, int byteorder = 0);

// Decodes with the codec an encoding name denotes: the built-in one if any, else through the
// codec registry (PyCodec_Decode's path, for a text encoding). Used by PyUnicode_Decode and
// bytes.decode. `encoding` NULL is "utf-8".
PyObject* DecodeWithEncoding(const char* data, Py_ssize_t size, const char* encoding,
                             const char* errors);
PyObject* EncodeWithEncoding(PyObject* unicode, const char* encoding, const char* errors);

// str.encode(encoding='utf-8', errors='strict') and bytes.decode(...), the methods in
// PyUnicode_Type's and PyBytes_Type's tp_methods (METH_VARARGS | METH_KEYWORDS).
PyObject* StrEncode(PyObject* self, PyObject* args, PyObject* kwargs);
PyObject* BytesDecode(PyObject* self, PyObject* args, PyObject* kwargs);

// ---- What the codecs share (codec_errors.cc) ---------------------------------------------

// Calls the error handler `errors` names (looked up on first use, cached in `*handler`) with a
// UnicodeDecodeError for input[start:end] (made on first use and kept in `*exc`, else updated
// in place, as CPython does), and appends the replacement's code points to `out`. The
// handler may replace the exception's object: `*input` is then updated to it. `*pos`: the
// position to continue from. False with an exception set.
struct DecodeErrorState {
  const char* encoding;
  const char* errors;
  PyObject* handler = nullptr;
  PyObject* exc = nullptr;
  PyObject* input_object = nullptr;  // the exception's object, if the input came from it
  ~DecodeErrorState();
};
bool HandleDecodeError(DecodeErrorState* state, std::string_view* input, Py_ssize_t start,
                       Py_ssize_t end, const char* reason, std::u32string* out,
                       Py_ssize_t* pos);

// The same for encoding `unicode` (whose code points are `text`): the handler's replacement,
// a new reference to a str or bytes, and `*pos` the position to continue from; nullptr with
// an exception set.
struct EncodeErrorState {
  const char* encoding;
  const char* errors;
  PyObject* handler = nullptr;
  PyObject* exc = nullptr;
  ~EncodeErrorState();
};
PyObject* HandleEncodeError(EncodeErrorState* state, PyObject* unicode, Py_ssize_t size,
                            Py_ssize_t start, Py_ssize_t end, const char* reason,
                            Py_ssize_t* pos);
// Raises a UnicodeEncodeError for unicode[start:end] (CPython's raise_encode_exception: the
// state's exception updated, or a new one). Returns nullptr.
PyObject* RaiseEncodeError(EncodeErrorState* state, PyObject* unicode, Py_ssize_t start,
                           Py_ssize_t end, const char* reason);

// The name of code point `c` in the Unicode database of CPython 3.11 (unicodedata.name),
// and the code point of a name (as \N{...} accepts it: names, Hangul syllables, CJK
// ideographs; not aliases). False if there is none. (unicode_names.cc)
bool UnicodeCharacterName(char32_t c, std::string* name);
bool UnicodeCharacterLookup(std::string_view name, char32_t* c);

// Releases the codec and error handler registries at Py_Finalize (codec_registry.cc,
// codec_errors.cc).
void ReleaseCodecRegistry();
void ReleaseErrorHandlers();

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_UNICODE_CODECS_H_
