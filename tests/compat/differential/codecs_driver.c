/* Drives tests/compat/modules/textcodecs.c: every built-in codec with every error handler on
 * valid input, invalid bytes, unencodable characters, byte order marks and truncated
 * sequences; the UnicodeError fields; codecs.h (search functions, error handlers, the
 * built-in handlers called directly); the unicodeobject.h codec functions; str.encode and
 * bytes.decode. Cases whose result is a str holding lone surrogates, or that encode one, are
 * in codecs_surrogates_driver.c. */
#define PY_SSIZE_T_CLEAN
#include "diff_support.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

PyMODINIT_FUNC PyInit_textcodecs(void);

/* Pinion's file system and locale encodings are UTF-8: compare with CPython under a UTF-8
 * locale (set before main, so before Py_Initialize reads it). */
__attribute__((constructor)) static void utf8_locale(void) { setenv("LC_ALL", "C.UTF-8", 1); }

/* Shows a result; for a UnicodeError, its fields through the accessors first. */
static void show_codec(const char* label, PyObject* result) {
  if (result == NULL && (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError) ||
                         PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    int decode = PyObject_TypeCheck(value, (PyTypeObject*)PyExc_UnicodeDecodeError);
    PyObject* encoding = decode ? PyUnicodeDecodeError_GetEncoding(value)
                                : PyUnicodeEncodeError_GetEncoding(value);
    PyObject* object = decode ? PyUnicodeDecodeError_GetObject(value)
                              : PyUnicodeEncodeError_GetObject(value);
    PyObject* reason = decode ? PyUnicodeDecodeError_GetReason(value)
                              : PyUnicodeEncodeError_GetReason(value);
    Py_ssize_t start = -9, end = -9;
    if (decode) {
      PyUnicodeDecodeError_GetStart(value, &start);
      PyUnicodeDecodeError_GetEnd(value, &end);
    } else {
      PyUnicodeEncodeError_GetStart(value, &start);
      PyUnicodeEncodeError_GetEnd(value, &end);
    }
    PyObject* fields = Py_BuildValue("(OOnnO)", encoding, object, start, end, reason);
    Py_XDECREF(encoding);
    Py_XDECREF(object);
    Py_XDECREF(reason);
    char fields_label[300];
    snprintf(fields_label, sizeof(fields_label), "%s fields", label);
    show(fields_label, fields);
    PyErr_Restore(type, value, traceback);
  }
  show(label, result);
}

struct input {
  const char* bytes;
  Py_ssize_t size;
};
#define IN(s) {s, sizeof(s) - 1}

static const char* const kDecodeErrors[] = {
    NULL, "strict", "ignore", "replace", "backslashreplace", "xmlcharrefreplace",
    "namereplace", "test.mark", "test.bytes", "test.far", "test.back",
    "test.nontuple", "test.badpos", "test.raise", "no.such.handler"};

static void decode_all(PyObject* module, const char* encoding, const struct input* inputs,
                       size_t count) {
  for (size_t i = 0; i < count; ++i) {
    for (size_t e = 0; e < sizeof(kDecodeErrors) / sizeof(kDecodeErrors[0]); ++e) {
      char label[200];
      snprintf(label, sizeof(label), "decode[%s](#%zu, %s)", encoding, i,
               kDecodeErrors[e] ? kDecodeErrors[e] : "NULL");
      show_codec(label, PyUnicode_Decode(inputs[i].bytes, inputs[i].size, encoding,
                                         kDecodeErrors[e]));
    }
  }
}

static const char* const kEncodeErrors[] = {
    NULL, "strict", "ignore", "replace", "backslashreplace", "xmlcharrefreplace",
    "namereplace", "surrogateescape", "surrogatepass", "test.mark", "test.bytes", "test.far",
    "test.back", "test.nontuple", "test.badpos", "test.nonascii", "test.raise",
    "no.such.handler"};

static void encode_all(const char* encoding, const char* const* texts, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    PyObject* str = PyUnicode_FromString(texts[i]);
    for (size_t e = 0; e < sizeof(kEncodeErrors) / sizeof(kEncodeErrors[0]); ++e) {
      char label[200];
      snprintf(label, sizeof(label), "encode[%s](#%zu, %s)", encoding, i,
               kEncodeErrors[e] ? kEncodeErrors[e] : "NULL");
      show_codec(label, PyUnicode_AsEncodedString(str, encoding, kEncodeErrors[e]));
    }
    Py_DECREF(str);
  }
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void codecs_by_handler(PyObject* module) {
  static const struct input utf8[] = {
      IN("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), IN("a\xff" "b"), IN("\xe0\x80z"),
      IN("x\xf0\x90\x80"), IN("\xc3"), IN("\x80\x80"), IN("\xf4\x90\x80\x80"),
      IN("\xe2\x28\xa1"), IN("\xf0\x9f\x98")};
  decode_all(module, "utf-8", utf8, COUNT(utf8));
  static const struct input latin1[] = {IN("a\xe9\xff")};
  decode_all(module, "latin-1", latin1, COUNT(latin1));
  static const struct input ascii[] = {IN("abc"), IN("a\x80" "b\xff\xfe")};
  decode_all(module, "ascii", ascii, COUNT(ascii));
  static const struct input utf16[] = {
      IN("\xff\xfe" "a\x00\xe9\x00"), IN("\xfe\xff\x00" "a\x20\xac"), IN("a\x00" "b"),
      IN("\x00\xd8" "a\x00"), IN("\x00\xdc" "a\x00"), IN("\x3d\xd8\x00\xde"), IN("\x00\xd8"),
      IN("\x00\xd8\x00")};
  decode_all(module, "utf-16", utf16, COUNT(utf16));
  decode_all(module, "utf-16-le", utf16, COUNT(utf16));
  decode_all(module, "utf-16-be", utf16, COUNT(utf16));
  static const struct input utf32[] = {
      IN("\xff\xfe\x00\x00" "a\x00\x00\x00"), IN("\x00\x00\xfe\xff\x00\x01\xf6\x00"),
      IN("a\x00\x00\x00\x00\x00\x11\x00"), IN("\x00\xd8\x00\x00"), IN("a\x00")};
  decode_all(module, "utf-32", utf32, COUNT(utf32));
  decode_all(module, "utf-32-le", utf32, COUNT(utf32));
  decode_all(module, "utf-32-be", utf32, COUNT(utf32));
  static const struct input escapes[] = {
      IN("a\\tb\\x41\\u20ac\\U0001F600\\N{EURO SIGN}\\101\\\n\\\\\\'\\\"\\a\\0"),
      IN("\\N{latin small letter e with acute}\\N{HANGUL SYLLABLE GAG}"
         "\\N{CJK UNIFIED IDEOGRAPH-4E00}"),
      IN("\\N{hangul syllable gag}\\N{CJK UNIFIED IDEOGRAPH-4e00}"),
      IN("\\x4"), IN("\\N{NO SUCH NAME}"), IN("\\N{"), IN("\\Nx"), IN("\\U00110000"),
      IN("a\\"), IN("\\q\\777"), IN("\xe9")};
  decode_all(module, "unicode_escape", escapes, COUNT(escapes));
  static const struct input raw[] = {
      IN("a\\u20ac\\U0001F600\\\\u0041\\\\\\u0041\xe9\\x41"), IN("\\u12"), IN("\\U00110000"),
      IN("\\")};
  decode_all(module, "raw_unicode_escape", raw, COUNT(raw));

  static const char* const texts[] = {
      "abc", "a\xc3\xa9\xc3\xa9" "b\xe2\x82\xac\xf0\x9f\x98\x80" "c",
      "\xea\xb0\x81\xe4\xb8\x80\xee\x80\x80"};
  static const char* const encodings[] = {
      "utf-8", "latin-1", "ascii", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
      "utf-32-be", "unicode_escape", "raw_unicode_escape"};
  for (size_t i = 0; i < COUNT(encodings); ++i) encode_all(encodings[i], texts, COUNT(texts));
}

static void names(void) {
  static const char* const names[] = {
      "utf-8", "UTF8", "utf_8", "U8", "utf", "Utf 8", "_utf8", "latin1", "L1", "iso-8859-1",
      "ISO8859-1", "Latin 1", "iso_8859_1:1987", "cp819", "ascii", "US-ASCII", "646",
      "ansi_x3.4_1968", "utf-16", "UTF16", "utf-16le", "UTF_16_BE", "unicodelittleunmarked",
      "u32", "utf-32-LE", "utf_32be", "unicode-escape", "Raw_Unicode_Escape", "utf..8",
      "utf8.", "no-such-codec", ""};
  PyObject* str = PyUnicode_FromString("a\xc3\xa9");
  for (size_t i = 0; i < COUNT(names); ++i) {
    char label[200];
    snprintf(label, sizeof(label), "KnownEncoding(%s)", names[i]);
    out("%s: %d\n", label, PyCodec_KnownEncoding(names[i]));
    snprintf(label, sizeof(label), "AsEncodedString(%s)", names[i]);
    show(label, PyUnicode_AsEncodedString(str, names[i], NULL));
  }
  Py_DECREF(str);
}

static void registry(PyObject* module) {
  show("register_handlers", call(module, "register_handlers", NULL));
  PyObject* search = PyObject_GetAttrString(module, "search");
  out("Register: %d\n", PyCodec_Register(search));
  Py_DECREF(search);
  out("Register(1): %d\n", PyCodec_Register(Py_False));
  show("error", NULL);
  out("KnownEncoding(test-rev): %d\n", PyCodec_KnownEncoding("test-rev"));
  out("KnownEncoding(Test Rev): %d\n", PyCodec_KnownEncoding("Test Rev"));
  out("KnownEncoding(test-none): %d\n", PyCodec_KnownEncoding("test-none"));
  PyObject* str = PyUnicode_FromString("abc\xc3\xa9");
  PyObject* bytes = PyBytes_FromString("olleh");
  show("AsEncodedString(test-rev)", PyUnicode_AsEncodedString(str, "test-rev", NULL));
  show("AsEncodedString(TEST REV)", PyUnicode_AsEncodedString(str, "TEST REV", "strict"));
  show("Decode(test-rev)", PyUnicode_Decode("olleh", 5, "test-rev", NULL));
  show("Decode(test-rev, invalid)", PyUnicode_Decode("a\xff", 2, "test-rev", "replace"));
  show("AsEncodedString(test-str)", PyUnicode_AsEncodedString(str, "test-str", NULL));
  show("Decode(test-str)", PyUnicode_Decode("olleh", 5, "test-str", NULL));
  show("AsEncodedString(test-bad)", PyUnicode_AsEncodedString(str, "test-bad", NULL));
  show("AsEncodedString(test-raise)", PyUnicode_AsEncodedString(str, "test-raise", NULL));
  show("AsEncodedString(test-none)", PyUnicode_AsEncodedString(str, "test-none", NULL));
  show("Encode(str, test-rev)", PyCodec_Encode(str, "test-rev", NULL));
  show("Decode(bytes, test-rev)", PyCodec_Decode(bytes, "test-rev", NULL));
  show("Encode(str, test-str)", PyCodec_Encode(str, "test-str", NULL));
  show("Encode(str, utf-16-be)", PyCodec_Encode(str, "utf-16-be", NULL));
  show("Encode(str, ascii, replace)", PyCodec_Encode(str, "ascii", "replace"));
  show("Encode(str, ascii)", PyCodec_Encode(str, "ascii", NULL));
  show("Encode(1, utf-8)", PyCodec_Encode(Py_True, "utf-8", NULL));
  show("Decode(str, utf-8)", PyCodec_Decode(str, "utf-8", NULL));
  show("Decode(bytes, latin-1)", PyCodec_Decode(bytes, "latin-1", "strict"));
  show("Encode(str, nope)", PyCodec_Encode(str, "nope", NULL));
  show("Decode(bytes, nope)", PyCodec_Decode(bytes, "nope", NULL));
  PyObject* encoder = PyCodec_Encoder("utf-8");
  show("Encoder(utf-8)(str)", PyObject_CallFunction(encoder, "O", str));
  show("Encoder(utf-8)(1)", PyObject_CallFunction(encoder, "i", 1));
  Py_XDECREF(encoder);
  PyObject* decoder = PyCodec_Decoder("utf-16");
  show("Decoder(utf-16)(bom)", PyObject_CallFunction(decoder, "y#", "\xfe\xff\x00" "a", (Py_ssize_t)4));
  show("Decoder(utf-16)(bad, replace)", PyObject_CallFunction(decoder, "y#s", "a", (Py_ssize_t)1, "replace"));
  Py_XDECREF(decoder);
  show("Encoder(test-rev)", PyCodec_Encoder("test-rev"));  /* a module function: same repr */
  show("Encoder(nope)", PyCodec_Encoder("nope"));
  show("Decoder(nope)", PyCodec_Decoder("nope"));

#ifndef PINION_DIFF_THREADS
  /* Unregistering (not in the threaded run, where other threads register the same). */
  PyObject* other = PyObject_GetAttrString(module, "search_other");
  out("Unregister(unknown): %d\n", PyCodec_Unregister(other));
  out("Register(other): %d\n", PyCodec_Register(other));
  out("KnownEncoding(test-other): %d\n", PyCodec_KnownEncoding("test-other"));
  out("Unregister(other): %d\n", PyCodec_Unregister(other));
  out("KnownEncoding(test-other): %d\n", PyCodec_KnownEncoding("test-other"));
  Py_DECREF(other);
#endif

  /* Error handler registry. */
  out("RegisterError(non-callable): %d\n", PyCodec_RegisterError("test.x", Py_None));
  show("error", NULL);
  show("LookupError(nope)", PyCodec_LookupError("nope"));
  static const char* const builtin[] = {"strict", "ignore", "replace", "xmlcharrefreplace",
                                        "backslashreplace", "namereplace", "surrogateescape",
                                        "surrogatepass"};
  PyObject* strict = PyCodec_LookupError(NULL);
  PyObject* strict2 = PyCodec_LookupError("strict");
  out("LookupError(NULL) is strict: %d\n", strict == strict2);
  Py_XDECREF(strict);
  Py_XDECREF(strict2);
  for (size_t i = 0; i < COUNT(builtin); ++i) {
    PyObject* h = PyCodec_LookupError(builtin[i]);
    out("LookupError(%s) callable: %d\n", builtin[i], h != NULL && PyCallable_Check(h));
    Py_XDECREF(h);
  }
  Py_DECREF(str);
  Py_DECREF(bytes);
}

/* The built-in handlers called directly with each kind of exception. */
static void handlers(void) {
  PyObject* exc[4];
  exc[0] = PyObject_CallFunction(PyExc_UnicodeEncodeError, "ssnns", "ascii",
                                 "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xea\xb0\x81\xee\x80\x80z",
                                 (Py_ssize_t)1, (Py_ssize_t)6, "bad");
  exc[1] = PyUnicodeDecodeError_Create("utf-8", "a\x01\xff\xfe", 4, 1, 4, "bad");
  exc[2] = PyObject_CallFunction(PyExc_UnicodeTranslateError, "snns", "a\xc3\xa9\xe2\x82\xac",
                                 (Py_ssize_t)0, (Py_ssize_t)3, "bad");
  exc[3] = PyLong_FromLong(1);
  static const char* const kinds[] = {"encode", "decode", "translate", "int"};
  PyObject* (*const functions[])(PyObject*) = {
      PyCodec_StrictErrors, PyCodec_IgnoreErrors, PyCodec_ReplaceErrors,
      PyCodec_XMLCharRefReplaceErrors, PyCodec_BackslashReplaceErrors,
      PyCodec_NameReplaceErrors};
  static const char* const names[] = {"Strict", "Ignore", "Replace", "XMLCharRefReplace",
                                      "BackslashReplace", "NameReplace"};
  for (int k = 0; k < 4; ++k) {
    for (size_t f = 0; f < COUNT(functions); ++f) {
      char label[100];
      snprintf(label, sizeof(label), "%sErrors(%s)", names[f], kinds[k]);
      show(label, functions[f](exc[k]));
    }
    static const char* const registered[] = {"surrogateescape", "surrogatepass"};
    for (int r = 0; r < 2; ++r) {
      if (k == 1 && r == 0) continue; /* a str of surrogates: codecs_surrogates */
      PyObject* h = PyCodec_LookupError(registered[r]);
      char label[100];
      snprintf(label, sizeof(label), "%s(%s)", registered[r], kinds[k]);
      show(label, PyObject_CallFunctionObjArgs(h, exc[k], NULL));
      Py_DECREF(h);
    }
  }
  for (int k = 0; k < 4; ++k) Py_DECREF(exc[k]);
}

static void functions(PyObject* module) {
  out("GetDefaultEncoding: %s\n", PyUnicode_GetDefaultEncoding());
  Py_ssize_t consumed = -1;
  int order = 0;
  show_codec("DecodeUTF8Stateful(a\\xe2\\x82)",
             PyUnicode_DecodeUTF8Stateful("a\xe2\x82", 3, NULL, &consumed));
  out("consumed: %zd\n", consumed);
  show_codec("DecodeUTF8Stateful(a\\xe2\\x28)",
             PyUnicode_DecodeUTF8Stateful("a\xe2\x28", 3, "replace", &consumed));
  out("consumed: %zd\n", consumed);
  show_codec("DecodeUTF16(bom be)", PyUnicode_DecodeUTF16("\xfe\xff\x00" "a", 4, NULL, &order));
  out("byteorder: %d\n", order);
  order = 0;
  show_codec("DecodeUTF16Stateful(le bom, odd)",
             PyUnicode_DecodeUTF16Stateful("\xff\xfe" "a\x00" "b", 5, NULL, &order, &consumed));
  out("byteorder: %d consumed: %zd\n", order, consumed);
  order = 1;
  show_codec("DecodeUTF16Stateful(be, high surrogate at end)",
             PyUnicode_DecodeUTF16Stateful("\x00" "a\xd8\x3d", 4, NULL, &order, &consumed));
  out("byteorder: %d consumed: %zd\n", order, consumed);
  show_codec("DecodeUTF16(NULL order)", PyUnicode_DecodeUTF16("a\x00", 2, NULL, NULL));
  order = -1;
  show_codec("DecodeUTF16(le, bom kept)",
             PyUnicode_DecodeUTF16("\xff\xfe" "a\x00", 4, NULL, &order));
  order = 0;
  show_codec("DecodeUTF32Stateful(bom be, partial)",
             PyUnicode_DecodeUTF32Stateful("\x00\x00\xfe\xff\x00\x00\x00" "a\x00\x00", 10, NULL,
                                           &order, &consumed));
  out("byteorder: %d consumed: %zd\n", order, consumed);
  show_codec("DecodeUTF32(le bom)",
             PyUnicode_DecodeUTF32("\xff\xfe\x00\x00" "a\x00\x00\x00", 8, "strict", NULL));
  show_codec("DecodeLatin1", PyUnicode_DecodeLatin1("a\xe9\xff", 3, NULL));
  show_codec("DecodeASCII", PyUnicode_DecodeASCII("a\xe9", 2, "replace"));
  show_codec("DecodeASCII strict", PyUnicode_DecodeASCII("a\xe9", 2, NULL));
  show_codec("DecodeUnicodeEscape", PyUnicode_DecodeUnicodeEscape("\\u00e9\\n", 8, NULL));
  show_codec("DecodeRawUnicodeEscape", PyUnicode_DecodeRawUnicodeEscape("\\u00e9\\n", 8, NULL));
  show_codec("Decode(-1)", PyUnicode_Decode("a", -1, "utf-8", NULL));
  show_codec("DecodeLatin1(-1)", PyUnicode_DecodeLatin1("a", -1, NULL));
  show_codec("DecodeUnicodeEscape(-1)", PyUnicode_DecodeUnicodeEscape("a", -1, NULL));
  show_codec("Decode(NULL encoding)", PyUnicode_Decode("\xc3\xa9", 2, NULL, NULL));

  PyObject* str = PyUnicode_FromString("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\t\\");
  PyObject* ascii = PyUnicode_FromString("az\t\\");
  PyObject* (*const as[])(PyObject*) = {
      PyUnicode_AsLatin1String, PyUnicode_AsASCIIString, PyUnicode_AsUTF16String,
      PyUnicode_AsUTF32String, PyUnicode_AsUnicodeEscapeString,
      PyUnicode_AsRawUnicodeEscapeString, PyUnicode_AsUTF8String};
  static const char* const as_names[] = {"AsLatin1String", "AsASCIIString", "AsUTF16String",
                                         "AsUTF32String", "AsUnicodeEscapeString",
                                         "AsRawUnicodeEscapeString", "AsUTF8String"};
  for (size_t i = 0; i < COUNT(as); ++i) {
    char label[100];
    snprintf(label, sizeof(label), "%s(text)", as_names[i]);
    show_codec(label, as[i](str));
    snprintf(label, sizeof(label), "%s(ascii)", as_names[i]);
    show_codec(label, as[i](ascii));
    snprintf(label, sizeof(label), "%s(1)", as_names[i]);
    show_codec(label, as[i](Py_True));
  }
  show("AsEncodedString(1)", PyUnicode_AsEncodedString(Py_True, "utf-8", NULL));
  show("AsEncodedString(NULL encoding)", PyUnicode_AsEncodedString(str, NULL, NULL));
  show("AsEncodedObject", PyUnicode_AsEncodedObject(str, "utf-16-le", NULL));
  show("AsEncodedObject(1)", PyUnicode_AsEncodedObject(Py_True, "utf-8", NULL));
  show("AsDecodedObject", PyUnicode_AsDecodedObject(str, "utf-8", NULL));
  show("AsDecodedUnicode", PyUnicode_AsDecodedUnicode(str, "utf-8", NULL));
  show("AsDecodedUnicode(test-rev)", PyUnicode_AsDecodedUnicode(str, "test-rev", NULL));
  show("AsEncodedUnicode", PyUnicode_AsEncodedUnicode(str, "utf-8", NULL));
  show("AsEncodedUnicode(test-str)", PyUnicode_AsEncodedUnicode(str, "test-str", NULL));
  show("AsEncodedObject(test-str)", PyUnicode_AsEncodedObject(str, "test-str", NULL));

  PyObject* bytes = PyBytes_FromString("h\xc3\xa9");
  PyObject* bytearray = PyByteArray_FromStringAndSize("h\xc3\xa9", 3);
  PyObject* view = PyMemoryView_FromObject(bytes);
  show("FromEncodedObject(bytes)", PyUnicode_FromEncodedObject(bytes, "utf-8", NULL));
  show("FromEncodedObject(bytearray)", PyUnicode_FromEncodedObject(bytearray, "latin-1", NULL));
  show("FromEncodedObject(memoryview)", PyUnicode_FromEncodedObject(view, NULL, NULL));
  show("FromEncodedObject(str)", PyUnicode_FromEncodedObject(str, "utf-8", NULL));
  show("FromEncodedObject(int)", PyUnicode_FromEncodedObject(Py_True, "utf-8", NULL));
  show("FromEncodedObject(bytes, ascii)", PyUnicode_FromEncodedObject(bytes, "ascii", "test.mark"));

  show("DecodeFSDefault", PyUnicode_DecodeFSDefault("h\xc3\xa9"));
  show("DecodeFSDefaultAndSize", PyUnicode_DecodeFSDefaultAndSize("h\xc3\xa9xyz", 3));
  show("EncodeFSDefault", PyUnicode_EncodeFSDefault(str));
  show("DecodeLocale", PyUnicode_DecodeLocale("h\xc3\xa9", NULL));
  show_codec("DecodeLocale(invalid)", PyUnicode_DecodeLocale("h\xff" "a", NULL));
  show_codec("DecodeLocale(invalid, strict)", PyUnicode_DecodeLocale("h\xc3", "strict"));
  show("DecodeLocale(replace)", PyUnicode_DecodeLocale("h", "replace"));
  show("DecodeLocaleAndSize", PyUnicode_DecodeLocaleAndSize("h\xc3\xa9", 3, "surrogateescape"));
  show("EncodeLocale", PyUnicode_EncodeLocale(str, NULL));
  show("EncodeLocale(replace)", PyUnicode_EncodeLocale(str, "replace"));

  PyObject* nul_str = PyUnicode_FromStringAndSize("a\0b", 3);
  PyObject* nul_bytes = PyBytes_FromStringAndSize("a\0b", 3);
  PyObject* objects[] = {str, bytes, nul_str, nul_bytes, Py_True};
  static const char* const object_names[] = {"str", "bytes", "str with NUL", "bytes with NUL",
                                             "True"};
  for (size_t i = 0; i < COUNT(objects); ++i) {
    PyObject* result = NULL;
    char label[100];
    snprintf(label, sizeof(label), "FSConverter(%s)", object_names[i]);
    int rc = PyUnicode_FSConverter(objects[i], &result);
    out("%s: %s\n", label, rc == 0 ? "0" : (rc == Py_CLEANUP_SUPPORTED ? "Py_CLEANUP_SUPPORTED" : "?"));
    show(label, rc ? result : NULL);
    result = NULL;
    snprintf(label, sizeof(label), "FSDecoder(%s)", object_names[i]);
    rc = PyUnicode_FSDecoder(objects[i], &result);
    out("%s: %s\n", label, rc == 0 ? "0" : (rc == Py_CLEANUP_SUPPORTED ? "Py_CLEANUP_SUPPORTED" : "?"));
    show(label, rc ? result : NULL);
  }
  Py_DECREF(nul_str);
  Py_DECREF(nul_bytes);

  /* str.encode and bytes.decode. */
  show("str.encode()", PyObject_CallMethod(str, "encode", NULL));
  show("str.encode(latin-1)", PyObject_CallMethod(str, "encode", "s", "latin-1"));
  show("str.encode(ascii, xmlcharrefreplace)",
       PyObject_CallMethod(str, "encode", "ss", "ascii", "xmlcharrefreplace"));
  PyObject* kwargs = Py_BuildValue("{ss}", "errors", "backslashreplace");
  PyObject* args = Py_BuildValue("(s)", "ascii");
  PyObject* method = PyObject_GetAttrString(str, "encode");
  show("str.encode(ascii, errors=backslashreplace)", PyObject_Call(method, args, kwargs));
  Py_DECREF(method);
  method = PyObject_GetAttrString(bytes, "decode");
  show("bytes.decode(ascii, errors=backslashreplace)", PyObject_Call(method, args, kwargs));
  Py_DECREF(method);
  Py_DECREF(args);
  Py_DECREF(kwargs);
  show("bytes.decode()", PyObject_CallMethod(bytes, "decode", NULL));
  show("bytes.decode(utf-16-le, replace)",
       PyObject_CallMethod(bytes, "decode", "ss", "utf-16-le", "replace"));
  show("bytes.decode(nope)", PyObject_CallMethod(bytes, "decode", "s", "nope"));
  show_codec("bytes.decode(ascii)", PyObject_CallMethod(bytes, "decode", "s", "ascii"));
  Py_DECREF(view);
  Py_DECREF(bytearray);
  Py_DECREF(bytes);
  Py_DECREF(ascii);
  Py_DECREF(str);
}

static void drive(PyObject* module) {
  registry(module);
  codecs_by_handler(module);
  names();
  handlers();
  functions(module);
}

DIFFERENTIAL_MAIN("textcodecs", PyInit_textcodecs, drive)
