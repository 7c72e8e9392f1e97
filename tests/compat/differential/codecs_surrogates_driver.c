/* Drives tests/compat/modules/textcodecs.c for the codec cases that need a str holding lone
 * surrogates: decoding with surrogateescape and surrogatepass, and encoding such a str with
 * every codec and error handler (the file system and locale encodings too), which Pinion's
 * str can hold since the PEP 393 representation; codecs_driver.c has the rest. */
#define PY_SSIZE_T_CLEAN
#include "diff_support.h"

PyMODINIT_FUNC PyInit_textcodecs(void);

/* Pinion's file system and locale encodings are UTF-8: compare with CPython under a UTF-8
 * locale (set before main, so before Py_Initialize reads it). */
__attribute__((constructor)) static void utf8_locale(void) { setenv("LC_ALL", "C.UTF-8", 1); }

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct input {
  const char* bytes;
  Py_ssize_t size;
};
#define IN(s) {s, sizeof(s) - 1}

static void decode_with(const char* encoding, const struct input* inputs, size_t count) {
  static const char* const errors[] = {"surrogateescape", "surrogatepass"};
  for (size_t i = 0; i < count; ++i) {
    for (size_t e = 0; e < COUNT(errors); ++e) {
      char label[200];
      snprintf(label, sizeof(label), "decode[%s](#%zu, %s)", encoding, i, errors[e]);
      show(label, PyUnicode_Decode(inputs[i].bytes, inputs[i].size, encoding, errors[e]));
    }
  }
}

static void decoding(void) {
  static const struct input utf8[] = {IN("a\xff" "b"), IN("\xed\xa0\x80"), IN("\xed\xb2\x80x"),
                                      IN("\xed\xa0"), IN("\x80\x7f\x81"), IN("\xf0\x9f\x98")};
  decode_with("utf-8", utf8, COUNT(utf8));
  static const struct input ascii[] = {IN("a\x80\xff")};
  decode_with("ascii", ascii, COUNT(ascii));
  static const struct input utf16[] = {IN("\x00\xd8" "a\x00"), IN("\x00\xdc"),
                                       IN("\x00\xd8\x00"), IN("a\x00\x00\xd8")};
  decode_with("utf-16", utf16, COUNT(utf16));
  decode_with("utf-16-le", utf16, COUNT(utf16));
  decode_with("utf-16-be", utf16, COUNT(utf16));
  static const struct input utf32[] = {IN("\x00\xd8\x00\x00"), IN("\x00\x00\xd8\x00"),
                                       IN("\x00\x00\x11\x00")};
  decode_with("utf-32", utf32, COUNT(utf32));
  decode_with("utf-32-le", utf32, COUNT(utf32));
  decode_with("utf-32-be", utf32, COUNT(utf32));
  Py_ssize_t consumed = -1;
  show("DecodeUTF8Stateful(a\\xed\\xa0, surrogatepass)",
       PyUnicode_DecodeUTF8Stateful("a\xed\xa0", 3, "surrogatepass", &consumed));
  out("consumed: %zd\n", consumed);
  show("DecodeUTF8Stateful(a\\xed\\xa0\\x80, surrogatepass)",
       PyUnicode_DecodeUTF8Stateful("a\xed\xa0\x80", 4, "surrogatepass", &consumed));
  out("consumed: %zd\n", consumed);
  PyObject* exc = PyUnicodeDecodeError_Create("utf-8", "a\xff\xfe", 3, 1, 3, "bad");
  PyObject* escape = PyCodec_LookupError("surrogateescape");
  show("surrogateescape(decode)", PyObject_CallFunctionObjArgs(escape, exc, NULL));
  Py_DECREF(escape);
  Py_DECREF(exc);
}

static void encoding(void) {
  /* 'a\udcffb', '\ud800\udc00' (two lone surrogates, not a pair), '\udc80x\ud83d'. */
  PyObject* texts[] = {
      PyUnicode_DecodeUTF8Stateful("a\xff" "b", 3, "surrogateescape", NULL),
      PyUnicode_DecodeUTF8Stateful("\xed\xa0\x80\xed\xb0\x80", 6, "surrogatepass", NULL),
      PyUnicode_DecodeUTF8Stateful("\xed\xb2\x80x\xed\xa0\xbd", 7, "surrogatepass", NULL)};
  static const char* const encodings[] = {
      "utf-8", "latin-1", "ascii", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
      "utf-32-be", "unicode_escape", "raw_unicode_escape"};
  static const char* const errors[] = {
      NULL, "ignore", "replace", "backslashreplace", "xmlcharrefreplace", "namereplace",
      "surrogateescape", "surrogatepass", "test.mark", "test.bytes", "test.nonascii"};
  for (size_t t = 0; t < COUNT(texts); ++t) {
    show("text", Py_XNewRef(texts[t]));
    for (size_t c = 0; c < COUNT(encodings); ++c) {
      for (size_t e = 0; e < COUNT(errors); ++e) {
        char label[200];
        snprintf(label, sizeof(label), "encode[%s](#%zu, %s)", encodings[c], t,
                 errors[e] ? errors[e] : "NULL");
        show(label, texts[t] ? PyUnicode_AsEncodedString(texts[t], encodings[c], errors[e])
                             : NULL);
      }
    }
  }
  PyObject* file = texts[0];
  show("EncodeFSDefault", file ? PyUnicode_EncodeFSDefault(file) : NULL);
  show("EncodeLocale", file ? PyUnicode_EncodeLocale(file, NULL) : NULL);
  show("EncodeLocale(surrogateescape)", file ? PyUnicode_EncodeLocale(file, "surrogateescape") : NULL);
  show("AsUTF16String", file ? PyUnicode_AsUTF16String(file) : NULL);
  show("AsLatin1String", file ? PyUnicode_AsLatin1String(file) : NULL);
  show("AsUnicodeEscapeString", file ? PyUnicode_AsUnicodeEscapeString(file) : NULL);
  PyObject* converted = NULL;
  int rc = file ? PyUnicode_FSConverter(file, &converted) : 0;
  show("FSConverter", rc ? converted : NULL);
  for (size_t t = 0; t < COUNT(texts); ++t) Py_XDECREF(texts[t]);
}

static void file_system(void) {
  show("DecodeFSDefault", PyUnicode_DecodeFSDefault("a\xff"));
  show("DecodeFSDefaultAndSize", PyUnicode_DecodeFSDefaultAndSize("\xed\xa0\x80", 3));
  show("DecodeLocale(surrogateescape)", PyUnicode_DecodeLocale("a\xff", "surrogateescape"));
  PyObject* bytes = PyBytes_FromString("a\xff");
  PyObject* decoded = NULL;
  int rc = PyUnicode_FSDecoder(bytes, &decoded);
  show("FSDecoder", rc ? decoded : NULL);
  Py_DECREF(bytes);
}

static void drive(PyObject* module) {
  show("register_handlers", call(module, "register_handlers", NULL));
  decoding();
  encoding();
  file_system();
}

DIFFERENTIAL_MAIN("textcodecs", PyInit_textcodecs, drive)
