/* Drives tests/compat/modules/strings.c: strings of every kind (ASCII, Latin-1, UCS-2,
 * UCS-4, lone surrogates, embedded NULs) built and read back through the PEP 393 API, the
 * UTF-8, UCS-4 and wchar_t conversions, PyUnicode_FromFormat, _PyUnicodeWriter, comparison,
 * interning, and a markupsafe-style escape. */
#define PY_SSIZE_T_CLEAN
#include "diff_support.h"

#include <wchar.h>

PyMODINIT_FUNC PyInit_strings(void);

/* The samples: one or more of each kind. */
static const struct {
  const char* label;
  const wchar_t* text;
  Py_ssize_t size; /* -1: up to the NUL */
} kSamples[] = {
    {"empty", L"", -1},
    {"ascii", L"plain <ascii> & 'quotes'", -1},
    {"ascii-nul", L"a\0b", 3},
    {"latin1", L"caf\xe9 <cr\xe8me> & \"br\xfbl\xe9" L"e\"", -1},
    {"latin1-max", L"\xff\x80", -1},
    {"ucs2", L"\x20ac uro <\x65e5\x672c> & '\x8a9e'", -1},
    {"ucs2-max", L"\xffff\x100", -1},
    {"ucs4", L"smile \x1f600 <\x10ffff> & caf\xe9", -1},
    {"surrogate", L"a\xd800z", -1},
    {"surrogates", L"\xdc80\xdcff<\xdbff\xdfff>", -1},
};
#define SAMPLES (sizeof(kSamples) / sizeof(kSamples[0]))

static PyObject* sample(size_t i) { return PyUnicode_FromWideChar(kSamples[i].text, kSamples[i].size); }

/* Calls module.name(sample) for every sample. */
static void each(PyObject* module, const char* name) {
  for (size_t i = 0; i < SAMPLES; ++i) {
    char label[96];
    snprintf(label, sizeof(label), "%s(%s)", name, kSamples[i].label);
    PyObject* s = sample(i);
    if (s == NULL) {
      show(label, NULL);
      continue;
    }
    show(label, call(module, name, Py_BuildValue("(N)", s)));
  }
}

static void drive(PyObject* module) {
  each(module, "describe");
  each(module, "with_new");
  each(module, "wide");
  each(module, "ucs4");
  each(module, "utf8");
  each(module, "writer");
  each(module, "copy_fill");
  each(module, "sequence");
  each(module, "escape");
  SHOW_CALL(module, "wide_bad", "()", NULL);
  SHOW_CALL(module, "surrogates", "()", NULL);
  /* CPython 3.11's Finish keeps the kind the writer was prepared for (4 here), so its result
   * is not canonical and == tells it from the same text of kind 1; Pinion's Finish gives the
   * canonical str (kind 1). */
  out("[differs] ");
  SHOW_CALL(module, "writer_wide", "()", NULL);
  SHOW_CALL(module, "shared_utf8", "()", NULL);

  /* FromKindAndData: every kind, narrowed to the canonical one; bad kinds and sizes. */
  SHOW_CALL(module, "from_kind", "(1, b'abc')", Py_BuildValue("(iy)", 1, "abc"));
  SHOW_CALL(module, "from_kind", "(1, b'caf\\xe9')", Py_BuildValue("(iy)", 1, "caf\xe9"));
  SHOW_CALL(module, "from_kind", "(2, 'ab' in UCS-2)", Py_BuildValue("(iy#)", 2, "a\0b\0", 4));
  SHOW_CALL(module, "from_kind", "(2, U+00E9 U+20AC)", Py_BuildValue("(iy#)", 2, "\xe9\0\xac\x20", 4));
  SHOW_CALL(module, "from_kind", "(2, U+D800)", Py_BuildValue("(iy#)", 2, "\0\xd8", 2));
  SHOW_CALL(module, "from_kind", "(4, 'a' U+00FF)", Py_BuildValue("(iy#)", 4, "a\0\0\0\xff\0\0\0", 8));
  SHOW_CALL(module, "from_kind", "(4, U+FFFF)", Py_BuildValue("(iy#)", 4, "\xff\xff\0\0", 4));
  SHOW_CALL(module, "from_kind", "(4, U+1F600)", Py_BuildValue("(iy#)", 4, "\0\xf6\x01\0", 4));
  SHOW_CALL(module, "from_kind", "(4, U+110000)", Py_BuildValue("(iy#)", 4, "\0\0\x11\0", 4));
  SHOW_CALL(module, "from_kind", "(1, b'', 0)", Py_BuildValue("(iyn)", 1, "", (Py_ssize_t)0));
  SHOW_CALL(module, "from_kind", "(3, b'abc')", Py_BuildValue("(iy)", 3, "abc"));
  SHOW_CALL(module, "from_kind", "(1, b'abc', -1)", Py_BuildValue("(iyn)", 1, "abc", (Py_ssize_t)-1));

  /* FromOrdinal across the kinds' limits. */
  SHOW_CALL(module, "ordinals", "(0, 0x7f, 0x80, 0xff, 0x100, 0xd800, 0xffff, 0x10000, "
                                "0x10ffff, 0x110000, -1)",
            Py_BuildValue("((iiiiiiiiiii))", 0, 0x7f, 0x80, 0xff, 0x100, 0xd800, 0xffff, 0x10000,
                          0x10ffff, 0x110000, -1));

  /* UTF-8 decoding: valid text of every kind, and CPython's errors (start, end, reason). */
  static const struct {
    const char* label;
    const char* data;
    Py_ssize_t size;
  } kUtf8[] = {
      {"ascii", "abc", 3},
      {"latin1", "caf\xc3\xa9", 5},
      {"ucs2", "\xe2\x82\xac", 3},
      {"ucs4", "\xf0\x9f\x98\x80!", 5},
      {"max", "\xf4\x8f\xbf\xbf", 4},
      {"stray continuation", "a\x80z", 3},
      {"truncated at end", "ab\xe2\x82", 4},
      {"truncated 4-byte", "\xf0\x9f\x98", 3},
      {"bad continuation", "\xe2\x28\xa1z", 4},
      {"bad third byte", "\xe2\x82\x28z", 4},
      {"bad fourth byte", "\xf0\x9f\x98\x28", 4},
      {"overlong", "\xc0\xaf", 2},
      {"overlong 3-byte", "\xe0\x80\xaf", 3},
      {"surrogate", "\xed\xa0\x80", 3},
      {"above max", "\xf4\x90\x80\x80", 4},
      {"never a start", "x\xff", 2},
  };
  for (size_t i = 0; i < sizeof(kUtf8) / sizeof(kUtf8[0]); ++i) {
    static const char* const kErrors[] = {NULL, "replace", "ignore"};
    for (int e = 0; e < 3; ++e) {
      char label[96];
      snprintf(label, sizeof(label), "decode(%s, %s)", kUtf8[i].label,
               kErrors[e] != NULL ? kErrors[e] : "strict");
      show(label, call(module, "decode",
                       Py_BuildValue("(y#z)", kUtf8[i].data, kUtf8[i].size, kErrors[e])));
    }
  }
  SHOW_CALL(module, "decode", "(b'a', 'bogus')", Py_BuildValue("(ys)", "a", "bogus"));

  /* FromFormat, with str arguments of every kind and objects whose repr is not ASCII. */
  for (size_t i = 0; i < SAMPLES; ++i) {
    PyObject* s = sample(i);
    PyObject* obj = Py_BuildValue("[Oi]", s, 7);
    char label[96];
    snprintf(label, sizeof(label), "format_all(%s)", kSamples[i].label);
    show(label, call(module, "format_all", Py_BuildValue("(NN)", s, obj)));
  }
  {
    PyObject* s = sample(5);
    PyObject* result = call(module, "format_wide", Py_BuildValue("(N)", s));
    /* CPython 3.11 has no %ls / %lV (3.12 added them): it copies the format from them on. */
    out("[differs] ");
    show("format_wide(ucs2)", result);
  }

  /* Comparison and concatenation across kinds. */
  for (size_t i = 0; i < SAMPLES; ++i) {
    for (size_t j = 0; j < SAMPLES; j += 3) {
      char label[96];
      snprintf(label, sizeof(label), "compare(%s, %s)", kSamples[i].label, kSamples[j].label);
      show(label, call(module, "compare", Py_BuildValue("(NN)", sample(i), sample(j))));
    }
  }
  SHOW_CALL(module, "compare", "('caf', 'caf')",
            Py_BuildValue("(NN)", PyUnicode_FromString("caf"), PyUnicode_FromString("caf")));
  SHOW_CALL(module, "compare", "('caf\\xe9', 'caf')",
            Py_BuildValue("(NN)", PyUnicode_FromString("caf\xc3\xa9"), PyUnicode_FromString("caf")));
  SHOW_CALL(module, "compare", "('ca', 'a\\0b')",
            Py_BuildValue("(NN)", PyUnicode_FromString("ca"), PyUnicode_FromStringAndSize("a\0b", 3)));
  SHOW_CALL(module, "ascii_hash", "('hash me')", Py_BuildValue("(s)", "hash me"));
  SHOW_CALL(module, "ascii_hash", "('')", Py_BuildValue("(s)", ""));

  /* Interning (CPython's interned strings are mortal; none of these is interned before). */
  SHOW_CALL(module, "intern", "('pinion interned ascii')", Py_BuildValue("(s)", "pinion interned ascii"));
  SHOW_CALL(module, "intern", "('pinion intern\\u00e9 \\u20ac')",
            Py_BuildValue("(s)", "pinion intern\xc3\xa9 \xe2\x82\xac"));
}

DIFFERENTIAL_MAIN("strings", PyInit_strings, drive)
