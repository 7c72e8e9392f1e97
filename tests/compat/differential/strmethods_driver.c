/* Drives tests/compat/modules/strmethods.c: the str algorithms of the C API and str's
 * methods on ASCII, Latin-1, BMP and astral (UCS-4) text: bounds (negative, oversized),
 * empty separators, maxsplit, whitespace splitting, every % conversion and its errors.
 *
 * Lines marked [differs]: Pinion has no Unicode database, so case mappings and character
 * classes above U+00FF (Greek here) differ from CPython's (docs/user_guide.md); every other
 * line must match. Lone surrogates are avoided (the str representation of the day cannot
 * hold them). Calls whose argument CPython does not check (FindChar, Substring and
 * IsIdentifier of a non-str) are left to the doctest strmethods_test.cc.
 */
#include "diff_support.h"

#include <math.h>

PyMODINIT_FUNC PyInit_strmethods(void);

#define ASCII "hello world"
#define LATIN1 "caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9\x65"       /* café crème brûlée */
#define BMP "\xce\xa9\xce\xbc\xce\xad\xce\xb3\xce\xb1 \xe2\x82\xac uro \xe2\x98\x83" /* Ωμέγα € uro ☃ */
#define ASTRAL "a\xf0\x9f\x98\x80" "b\xf0\x9f\x98\x80" "c \xf0\x9d\x84\x9e" /* a😀b😀c 𝄞 */
#define EMOJI "\xf0\x9f\x98\x80"                                         /* 😀 */

/* Prints "<prefix>name<repr(args)>: <result>" for module.name(*args). Steals args. */
static void run_(PyObject* module, const char* prefix, const char* name, PyObject* args) {
  PyObject* text = args != NULL ? PyObject_Repr(args) : NULL;
  char label[2048];
  snprintf(label, sizeof(label), "%s%s%s", prefix, name,
           text != NULL ? PyUnicode_AsUTF8(text) : "(?)");
  if (text == NULL) PyErr_Clear();
  Py_XDECREF(text);
  show(label, call(module, name, args));
}

#define RUN(name, ...) run_(module, "", name, Py_BuildValue(__VA_ARGS__))
/* s.name(*args[, **kwargs]): fmt is the arguments' tuple format, then optionally a dict's. */
#define METH(s, name, fmt, ...) \
  run_(module, "", "call_method", Py_BuildValue("(ss" fmt ")", s, name, ##__VA_ARGS__))
#define METH_DIFFERS(s, name) \
  run_(module, "[differs] ", "call_method", Py_BuildValue("(ss())", s, name))
#define FMT(fmt, args_fmt, ...) RUN("format", "(s" args_fmt ")", fmt, ##__VA_ARGS__)

static const char* const kTexts[] = {ASCII, LATIN1, BMP, ASTRAL, ""};

static void drive_c_api(PyObject* module) {
  /* Substring: bounds are clipped above, refused below. */
  for (int t = 0; t < 4; ++t) {
    RUN("substring", "(snn)", kTexts[t], (Py_ssize_t)1, (Py_ssize_t)4);
    RUN("substring", "(snn)", kTexts[t], (Py_ssize_t)3, (Py_ssize_t)100);
  }
  RUN("substring", "(snn)", ASTRAL, (Py_ssize_t)0, (Py_ssize_t)100);
  RUN("substring", "(snn)", ASTRAL, (Py_ssize_t)5, (Py_ssize_t)2);
  RUN("substring", "(snn)", ASTRAL, (Py_ssize_t)50, (Py_ssize_t)60);
  RUN("substring", "(snn)", ASTRAL, (Py_ssize_t)-1, (Py_ssize_t)3);
  RUN("substring", "(snn)", ASTRAL, (Py_ssize_t)1, (Py_ssize_t)-3);

  /* Find, FindChar, Count, Tailmatch, Contains. */
  RUN("find", "(ssnni)", ASCII, "o", (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("find", "(ssnni)", ASCII, "o", (Py_ssize_t)0, (Py_ssize_t)100, -1);
  RUN("find", "(ssnni)", ASCII, "o", (Py_ssize_t)5, (Py_ssize_t)-1, 1);
  RUN("find", "(ssnni)", ASCII, "o", (Py_ssize_t)-4, (Py_ssize_t)-1, 1);
  RUN("find", "(ssnni)", ASCII, "o", (Py_ssize_t)-100, (Py_ssize_t)4, 1);
  RUN("find", "(ssnni)", ASCII, "", (Py_ssize_t)3, (Py_ssize_t)100, 1);
  RUN("find", "(ssnni)", ASCII, "", (Py_ssize_t)3, (Py_ssize_t)100, -1);
  RUN("find", "(ssnni)", ASCII, "", (Py_ssize_t)30, (Py_ssize_t)100, 1);
  RUN("find", "(ssnni)", ASCII, "xyz", (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("find", "(ssnni)", LATIN1, "\xc3\xa9", (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("find", "(ssnni)", LATIN1, "\xc3\xa9", (Py_ssize_t)0, (Py_ssize_t)100, -1);
  RUN("find", "(ssnni)", BMP, "\xe2\x82\xac", (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("find", "(ssnni)", ASTRAL, EMOJI, (Py_ssize_t)2, (Py_ssize_t)100, 1);
  RUN("find", "(ssnni)", ASTRAL, EMOJI, (Py_ssize_t)0, (Py_ssize_t)100, -1);
  RUN("find", "(ssnni)", ASTRAL, EMOJI "c", (Py_ssize_t)0, (Py_ssize_t)4, 1);
  RUN("find", "(sinni)", ASCII, 1, (Py_ssize_t)0, (Py_ssize_t)1, 1);
  RUN("find", "(isnni)", 1, "a", (Py_ssize_t)0, (Py_ssize_t)1, 1);
  RUN("find_char", "(sInni)", ASTRAL, 0x1F600u, (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("find_char", "(sInni)", ASTRAL, 0x1F600u, (Py_ssize_t)0, (Py_ssize_t)100, -1);
  RUN("find_char", "(sInni)", ASTRAL, 0x1F600u, (Py_ssize_t)2, (Py_ssize_t)3, 1);
  RUN("find_char", "(sInni)", LATIN1, 0xE9u, (Py_ssize_t)-5, (Py_ssize_t)100, 1);
  RUN("find_char", "(sInni)", BMP, 0x2603u, (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("find_char", "(sInni)", ASCII, (unsigned)'z', (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("find_char", "(sInni)", ASCII, (unsigned)'h', (Py_ssize_t)5, (Py_ssize_t)2, 1);
  RUN("count", "(ssnn)", ASCII, "o", (Py_ssize_t)0, (Py_ssize_t)100);
  RUN("count", "(ssnn)", ASCII, "l", (Py_ssize_t)3, (Py_ssize_t)-1);
  RUN("count", "(ssnn)", ASCII, "", (Py_ssize_t)0, (Py_ssize_t)100);
  RUN("count", "(ssnn)", ASCII, "", (Py_ssize_t)5, (Py_ssize_t)2);
  RUN("count", "(ssnn)", ASCII, "", (Py_ssize_t)50, (Py_ssize_t)100);
  RUN("count", "(ssnn)", "aaaa", "aa", (Py_ssize_t)0, (Py_ssize_t)100);
  RUN("count", "(ssnn)", LATIN1, "\xc3\xa9", (Py_ssize_t)0, (Py_ssize_t)100);
  RUN("count", "(ssnn)", ASTRAL, EMOJI, (Py_ssize_t)-5, (Py_ssize_t)100);
  RUN("count", "(sinn)", ASCII, 3, (Py_ssize_t)0, (Py_ssize_t)100);
  RUN("tailmatch", "(ssnni)", ASCII, "hello", (Py_ssize_t)0, (Py_ssize_t)100, -1);
  RUN("tailmatch", "(ssnni)", ASCII, "hello", (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("tailmatch", "(ssnni)", ASCII, "world", (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("tailmatch", "(ssnni)", ASCII, "wor", (Py_ssize_t)6, (Py_ssize_t)9, 1);
  RUN("tailmatch", "(ssnni)", ASCII, "", (Py_ssize_t)20, (Py_ssize_t)100, 1);
  RUN("tailmatch", "(ssnni)", ASCII, "", (Py_ssize_t)-3, (Py_ssize_t)100, -1);
  RUN("tailmatch", "(ssnni)", ASTRAL, "c \xf0\x9d\x84\x9e", (Py_ssize_t)-3, (Py_ssize_t)100, 1);
  RUN("tailmatch", "(ssnni)", LATIN1, "caf\xc3\xa9", (Py_ssize_t)0, (Py_ssize_t)3, -1);
  RUN("tailmatch", "(sinni)", ASCII, 1, (Py_ssize_t)0, (Py_ssize_t)100, 1);
  RUN("contains", "(ss)", ASCII, "lo w");
  RUN("contains", "(ss)", ASCII, "");
  RUN("contains", "(ss)", BMP, "\xe2\x98\x83");
  RUN("contains", "(ss)", ASTRAL, "b" EMOJI "c");
  RUN("contains", "(ss)", ASTRAL, "c" EMOJI);
  RUN("contains", "(si)", ASCII, 1);
  RUN("contains", "(is)", 1, "a");

  /* Split, RSplit: a separator, whitespace (NULL), maxsplit, an empty separator. */
  for (int t = 0; t < 5; ++t) {
    RUN("split", "(sOn)", kTexts[t], Py_None, (Py_ssize_t)-1);
    RUN("rsplit", "(sOn)", kTexts[t], Py_None, (Py_ssize_t)1);
  }
  RUN("split", "(sOn)", "  a \t b\n\x0b\x0c c  ", Py_None, (Py_ssize_t)-1);
  RUN("split", "(sOn)", "  a \t b\n\x0b\x0c c  ", Py_None, (Py_ssize_t)1);
  RUN("rsplit", "(sOn)", "  a \t b\n\x0b\x0c c  ", Py_None, (Py_ssize_t)1);
  RUN("split", "(sOn)", "  a  b  ", Py_None, (Py_ssize_t)0);
  RUN("rsplit", "(sOn)", "  a  b  ", Py_None, (Py_ssize_t)0);
  RUN("split", "(sOn)", "   ", Py_None, (Py_ssize_t)-1);
  /* U+0085, U+00A0, U+2003, U+3000 and U+001F are whitespace; U+200B is not. */
  RUN("split", "(sOn)", "a\xc2\x85" "b\xc2\xa0" "c\xe2\x80\x83" "d\xe3\x80\x80" "e\x1f" "f\xe2\x80\x8bg",
      Py_None, (Py_ssize_t)-1);
  RUN("split", "(ssn)", "a,b,,c,", ",", (Py_ssize_t)-1);
  RUN("split", "(ssn)", "a,b,,c,", ",", (Py_ssize_t)2);
  RUN("rsplit", "(ssn)", "a,b,,c,", ",", (Py_ssize_t)2);
  RUN("split", "(ssn)", "a,b,,c,", ",", (Py_ssize_t)0);
  RUN("split", "(ssn)", "aXYbXYXYc", "XY", (Py_ssize_t)-1);
  RUN("rsplit", "(ssn)", "aaaaa", "aa", (Py_ssize_t)-1);
  RUN("split", "(ssn)", "aaaaa", "aa", (Py_ssize_t)-1);
  RUN("split", "(ssn)", LATIN1, "\xc3\xa8", (Py_ssize_t)-1);
  RUN("split", "(ssn)", BMP, " ", (Py_ssize_t)-1);
  RUN("rsplit", "(ssn)", ASTRAL, EMOJI, (Py_ssize_t)1);
  RUN("split", "(ssn)", ASTRAL, EMOJI, (Py_ssize_t)-1);
  RUN("split", "(ssn)", "", ",", (Py_ssize_t)-1);
  RUN("split", "(ssn)", ASCII, "", (Py_ssize_t)-1);
  RUN("rsplit", "(ssn)", ASCII, "", (Py_ssize_t)-1);
  RUN("split", "(sin)", ASCII, 1, (Py_ssize_t)-1);
  RUN("split", "(iOn)", 1, Py_None, (Py_ssize_t)-1);

  /* Splitlines: every line boundary, with and without the ends. */
  static const char kLines[] = "a\nb\r\nc\rd\x0b" "e\x0c" "f\x1c" "g\x1d" "h\x1e" "i\xc2\x85"
                               "j\xe2\x80\xa8" "k\xe2\x80\xa9" "l" EMOJI "\n\n";
  RUN("splitlines", "(si)", kLines, 0);
  RUN("splitlines", "(si)", kLines, 1);
  RUN("splitlines", "(si)", "", 0);
  RUN("splitlines", "(si)", "no end", 1);
  RUN("splitlines", "(si)", "\r\r\n\n", 1);
  RUN("splitlines", "(ii)", 1, 0);

  /* Partition, RPartition. */
  RUN("partition", "(ss)", ASCII, "o");
  RUN("rpartition", "(ss)", ASCII, "o");
  RUN("partition", "(ss)", ASCII, "xyz");
  RUN("rpartition", "(ss)", ASCII, "xyz");
  RUN("partition", "(ss)", LATIN1, "cr\xc3\xa8me");
  RUN("rpartition", "(ss)", BMP, " ");
  RUN("partition", "(ss)", ASTRAL, EMOJI);
  RUN("rpartition", "(ss)", ASTRAL, EMOJI);
  RUN("partition", "(ss)", ASCII, "");
  RUN("rpartition", "(ss)", ASCII, "");
  RUN("partition", "(sO)", ASCII, Py_None);

  /* Join: NULL separator (a space), lists, tuples, iterators, errors. */
  RUN("join", "(s[sss])", ", ", "a", LATIN1, EMOJI);
  RUN("join", "(O[ss])", Py_None, "x", "y");
  RUN("join", "(s())", "-");
  RUN("join", "(s[s])", "-", BMP);
  RUN("join", "(s(ss))", EMOJI, "a", "b");
  RUN("join", "(ss)", "-", LATIN1);
  RUN("join", "(s[si])", "-", "a", 1);
  RUN("join", "(si)", "-", 5);
  RUN("join", "(i[ss])", 5, "a", "b");
  RUN("join", "(i[])", 5);

  /* Replace: counts, empty old string, no match, wider replacement. */
  RUN("replace", "(sssn)", ASCII, "o", "0", (Py_ssize_t)-1);
  RUN("replace", "(sssn)", ASCII, "o", "0", (Py_ssize_t)1);
  RUN("replace", "(sssn)", ASCII, "o", "0", (Py_ssize_t)0);
  RUN("replace", "(sssn)", ASCII, "l", "", (Py_ssize_t)-1);
  RUN("replace", "(sssn)", "abc", "", "-", (Py_ssize_t)-1);
  RUN("replace", "(sssn)", "abc", "", "-", (Py_ssize_t)2);
  RUN("replace", "(sssn)", "", "", "-", (Py_ssize_t)-1);
  RUN("replace", "(sssn)", ASCII, "xyz", "-", (Py_ssize_t)-1);
  RUN("replace", "(sssn)", "ab", "abc", "-", (Py_ssize_t)-1);
  RUN("replace", "(sssn)", ASCII, "o", EMOJI, (Py_ssize_t)-1);
  RUN("replace", "(sssn)", LATIN1, "\xc3\xa9", "E", (Py_ssize_t)-1);
  RUN("replace", "(sssn)", ASTRAL, EMOJI, "\xe2\x82\xac", (Py_ssize_t)1);
  RUN("replace", "(sisn)", ASCII, 1, "x", (Py_ssize_t)-1);

  /* RichCompare: every operator, and types it does not handle. */
  for (int op = Py_LT; op <= Py_GE; ++op) {
    RUN("richcompare", "(ssi)", "abc", "abd", op);
    RUN("richcompare", "(ssi)", LATIN1, BMP, op);
    RUN("richcompare", "(ssi)", EMOJI, "\xef\xbf\xbd", op);
    RUN("richcompare", "(ssi)", "abc", "abc", op);
  }
  RUN("richcompare", "(sii)", "a", 1, Py_EQ);
  RUN("richcompare", "(isi)", 1, "a", Py_LT);

  /* Append, AppendAndDel. */
  RUN("append", "(ss)", LATIN1, EMOJI);
  RUN("append", "(ss)", "", "");
  RUN("append", "(si)", "a", 1);
  RUN("append", "(is)", 1, "a");
  RUN("append_and_del", "(ss)", "a", BMP);
  RUN("append_and_del", "(sO)", "a", Py_None);

  /* Translate. */
  RUN("translate", "(s{i:s,i:i,i:O}z)", "abc\xc3\xa9" EMOJI, 'a', "xy", 'b', 0x1F600, 0x1F600,
      Py_None, "ignore");
  RUN("translate", "(s{i:O}z)", "abcab", 'a', Py_None, NULL);
  RUN("translate", "(s{i:O,i:O}z)", "xabcab", 'a', Py_None, 'b', Py_None, NULL);
  RUN("translate", "(s{i:O,i:O}z)", "xabcab", 'a', Py_None, 'b', Py_None, "strict");
  RUN("translate", "(s{i:O}z)", "abcab", 'a', Py_None, "replace");
  RUN("translate", "(s{i:O}z)", "abcab", 'a', Py_None, "bogus");
  RUN("translate", "(s{i:s}z)", "abcab", 'a', "", "bogus");
  RUN("translate", "(s{i:d}z)", "abc", 'a', 1.5, NULL);
  RUN("translate", "(s{i:i}z)", "abc", 'a', 0x110000, NULL);
  RUN("translate", "(s{i:i}z)", "abc", 'a', -1, NULL);
  RUN("translate", "(s[sss]z)", "\x02\x01\x05" "d", "A", "B", "C", NULL);
  RUN("translate", "(siz)", "abc", 1, NULL);
  RUN("translate", "(i{}z)", 1, NULL);

  /* IsIdentifier, FromObject. */
  static const char* const kNames[] = {
      "abc", "_x1", "1x", "", "a b", "a-b", "\xc3\xa9t\xc3\xa9",         /* été */
      "\xc2\xaa\xc2\xb5\xc2\xba\xc3\x9f", "x\xc2\xb7y", "\xc2\xb7x",      /* ªµºß, x·y, ·x */
      "x\xc2\xb2", "\xc3\x97", "a" EMOJI,                                 /* x², × */
  };
  for (size_t i = 0; i < sizeof(kNames) / sizeof(kNames[0]); ++i) {
    RUN("isidentifier", "(s)", kNames[i]);
  }
  run_(module, "[differs] ", "isidentifier", Py_BuildValue("(s)", "\xce\xb1\xce\xb2"));
  RUN("from_object", "(s)", BMP);
  RUN("from_object", "(y)", "bytes");
  RUN("from_object", "(i)", 5);
}

static void drive_format(PyObject* module) {
  /* Every conversion. */
  FMT("%s|%r|%a", "(sss)", LATIN1, LATIN1, LATIN1);
  FMT("%s|%r|%a", "(sss)", ASTRAL, BMP, ASTRAL);
  FMT("%s %s %s", "(O[i]d)", Py_None, 1, 2.5);
  FMT("%d %i %u", "(iii)", -7, 42, 3);
  FMT("%d %i", "(dO)", 3.99, Py_True);
  FMT("%o %x %X", "(iii)", 8, 255, 48879);
  FMT("%#o %#x %#X", "(iii)", 8, 255, 48879);
  FMT("%#o %#x %#X", "(iii)", 0, 0, -255);
  FMT("%x %o", "(ii)", -1, -8);
  FMT("%e|%E|%f|%F|%g|%G", "(dddddd)", 12345.678, 0.0001, 3.14159, 2.5, 1e20, 1e-20);
  FMT("%.0e|%.2f|%.3g|%#g|%#.0f|%.0g", "(dddddd)", 5.5, 1.0, 0.0001234, 1.0, 3.0, 0.5);
  FMT("%f|%F|%e|%g", "(dddd)", Py_HUGE_VAL, -Py_HUGE_VAL, Py_HUGE_VAL, -Py_HUGE_VAL);
  FMT("%f|%F|%+f|% f", "(dddd)", (double)NAN, (double)NAN, (double)NAN, (double)NAN);
  FMT("%c%c%c%c", "(isis)", 65, "\xc3\xa9", 0x1F600, "\xe2\x98\x83");
  FMT("100%% %s", "(s)", "sure");
  FMT("%ld %hd %Lf", "(iid)", 1, 2, 3.0);
  /* Flags, width, precision. */
  FMT("[%5d][%-5d][%05d][%+d][% d][%+ d][% 05x][%+#06o]", "(iiiiiiii)", 42, 42, -42, 5, 5, 5,
      255, 8);
  FMT("[%.3d][%05.3d][%-05d][%0-5d][%.0d][%#.3o][%-+#010.3x]", "(iiiiiii)", -7, 7, 3, 3, 0, 8,
      255);
  FMT("[%10.3e][%-10.2f][%08.2f][% 08.2f][%+.2e][%05f]", "(dddddd)", -1234.5, 2.5, -3.14159,
      3.14159, 3.0, Py_HUGE_VAL);
  FMT("[%10s][%-10s][%.2s][%10.4s][%.0s][%05s][%5r][%-3c][%3c][%.3c]", "(sssssssIss)", LATIN1,
      "\xc3\xa9", EMOJI "xyz", LATIN1, "abc", "a", "a", 0x1F600u, "x", "x");
  FMT("[%*d][%-*d][%*d][%.*f][%.*f][%*.*s]", "(iiiiiiididiis)", 5, 3, 5, 3, -5, 3, 2, 3.14159,
      -2, 3.14159, 6, 2, "abc");
  /* Mappings. */
  FMT("%(a)s %(b)r %(a)d", "{s:i,s:s}", "a", 1, "b", "x");
  FMT("%(\xc3\xa9)s|%((x))s|%(a)5.1f", "{s:s,s:i,s:d}", "\xc3\xa9", EMOJI, "(x)", 2, "a", 2.25);
  FMT("%s %(a)s", "{s:i}", "a", 1);
  FMT("no specs", "{s:i}", "a", 1);
  FMT("no specs", "[]");
  FMT("%s", "[i]", 1);
  FMT("%(0)s", "[i]", 7);
  FMT("no specs", "s", "a str is not a mapping");
  FMT("%(a)s %s", "{s:i}", "a", 1);
  FMT("%(a)*d", "{s:i}", "a", 1);
  FMT("%(a)s", "{}");
  FMT("%(a)s", "(i)", 1);
  FMT("%(a)s", "i", 5);
  FMT("%(a", "{s:i}", "a", 1);
  FMT("%(a)", "{s:i}", "a", 1);
  /* A single value, a tuple inside a tuple. */
  FMT("%s", "s", "single");
  FMT("%s", "(s)", "one");
  FMT("%s", "((ss))", "a", "b");
  FMT("%s %s", "s", "ab");
  /* Errors. */
  FMT("%s %s", "(i)", 1);
  FMT("%s", "(ii)", 1, 2);
  FMT("", "(i)", 1);
  FMT("x", "i", 1);
  FMT("", "()");
  FMT("%s", "()");
  FMT("%d", "(s)", "x");
  FMT("%d", "(O)", Py_None);
  FMT("%d", "(N)", PyComplex_FromDoubles(1.0, 2.0));
  FMT("%x", "(d)", 1.5);
  FMT("%o", "(s)", "x");
  FMT("%f", "(s)", "x");
  FMT("%e", "([])");
  FMT("%c", "(s)", "ab");
  FMT("%c", "(s)", "");
  FMT("%c", "(d)", 1.0);
  FMT("%c", "(i)", 0x110000);
  FMT("%c", "(i)", -1);
  FMT("%y", "(i)", 1);
  FMT("%\x01", "(i)", 1);
  FMT("%\xc3\xa9", "(i)", 1);
  FMT("%5%", "(i)", 1);
  FMT("%5%", "()");
  FMT("%.2%", "()");
  FMT("abc%", "(i)", 1);
  FMT("%", "()");
  FMT("%5", "(i)", 1);
  FMT("%.", "(i)", 1);
  FMT("%*d", "(si)", "a", 3);
  FMT("%.*f", "(sd)", "a", 3.0);
  FMT("%.1000000000000d", "(i)", 1);
  FMT("%100000000000000000000d", "(i)", 1);
  RUN("format", "(is)", 5, "x");
  RUN("format", "(ss)", "%s", "x");
  /* str % args through the number protocol. */
  RUN("remainder", "(s(is))", "%d-%s", 7, EMOJI);
  RUN("remainder", "(si)", "%x", 255);
  RUN("remainder", "(is)", 5, "x");
}

static void drive_methods(PyObject* module) {
  /* Searching. */
  for (int t = 0; t < 4; ++t) {
    const char* s = kTexts[t];
    METH(s, "find", "(s)", " ");
    METH(s, "rfind", "(s)", " ");
    METH(s, "find", "(sO)", " ", Py_None);
    METH(s, "find", "(sii)", " ", -9, -2);
    METH(s, "rfind", "(sOi)", "", Py_None, -1);
    METH(s, "count", "(s)", "");
    METH(s, "index", "(s)", " ");
    METH(s, "rindex", "(s)", " ");
  }
  METH(ASTRAL, "find", "(s)", EMOJI);
  METH(ASTRAL, "rfind", "(s)", EMOJI);
  METH(ASTRAL, "count", "(s)", EMOJI);
  METH(ASTRAL, "count", "(sii)", EMOJI, 2, 100);
  METH(ASCII, "count", "(sOO)", "l", Py_None, Py_None);
  METH(ASCII, "find", "(si)", "o", 1000);
  METH(ASCII, "index", "(s)", "z");
  METH(ASCII, "rindex", "(s)", "z");
  METH(ASCII, "find", "()");
  METH(ASCII, "count", "()");
  METH(ASCII, "find", "(i)", 1);
  METH(ASCII, "find", "(ss)", "a", "x");
  METH(ASCII, "find", "(siii)", "a", 1, 2, 3);
  METH(ASCII, "startswith", "(s)", "hell");
  METH(ASCII, "startswith", "(si)", "world", 6);
  METH(ASCII, "startswith", "((ss))", "x", "he");
  METH(ASCII, "startswith", "(())");
  METH(ASCII, "endswith", "(s)", "world");
  METH(ASCII, "endswith", "(sii)", "lo", 0, 5);
  METH(ASCII, "endswith", "(sii)", "lo", 0, -6);
  METH(LATIN1, "endswith", "(s)", "br\xc3\xbbl\xc3\xa9\x65");
  METH(ASTRAL, "endswith", "((ss))", "x", "\xf0\x9d\x84\x9e");
  METH(ASTRAL, "startswith", "(si)", EMOJI, 1);
  METH(ASCII, "startswith", "(i)", 1);
  METH(ASCII, "startswith", "((i))", 1);
  METH(ASCII, "endswith", "(i)", 1);
  METH(ASCII, "endswith", "((si))", "b", 1);

  /* Splitting and joining. */
  METH(" a  b\tc\n", "split", "()");
  METH(" a  b\tc\n", "split", "(On)", Py_None, (Py_ssize_t)1);
  METH(" a  b\tc\n", "rsplit", "(On)", Py_None, (Py_ssize_t)1);
  METH("a,b,c", "split", "(s)", ",");
  METH("a,b,c", "split", "(){s:s,s:i}", "sep", ",", "maxsplit", 1);
  METH("a,b,c", "rsplit", "(){s:i}", "maxsplit", 1);
  METH(ASTRAL, "split", "(s)", EMOJI);
  METH(BMP, "rsplit", "(si)", " ", 1);
  METH(ASCII, "split", "(s)", "");
  METH(ASCII, "split", "(i)", 1);
  METH(ASCII, "rsplit", "(i)", 1);
  METH(ASCII, "split", "(ss)", "a", "b");
  METH(ASCII, "split", "(sii)", "a", 1, 2);
  METH(ASCII, "split", "(OO)", Py_None, Py_None);
  METH(ASCII, "split", "(){s:i}", "x", 1);
  METH("a\nb\r\nc", "splitlines", "()");
  METH("a\nb\r\nc", "splitlines", "(O)", Py_True);
  METH("a\nb\r\nc", "splitlines", "(){s:i}", "keepends", 1);
  METH("a\nb", "splitlines", "(s)", "x");
  METH("a\nb", "splitlines", "(ii)", 1, 2);
  METH(", ", "join", "([ss])", LATIN1, BMP);
  METH("", "join", "(s)", EMOJI "ab");
  METH("-", "join", "(i)", 5);
  METH("-", "join", "([i])", 1);
  METH("-", "join", "()");
  METH(ASCII, "partition", "(s)", " ");
  METH(ASCII, "rpartition", "(s)", "o");
  METH(ASCII, "partition", "(s)", "");
  METH(ASCII, "partition", "(i)", 1);
  METH(ASCII, "rpartition", "(O)", Py_None);

  /* Replacing, translating, stripping, padding. */
  METH(ASCII, "replace", "(ss)", "l", "L");
  METH(ASCII, "replace", "(ssi)", "l", "L", 2);
  METH(ASTRAL, "replace", "(ss)", EMOJI, "-");
  METH(ASCII, "replace", "(s)", "a");
  METH(ASCII, "replace", "(is)", 1, "b");
  METH(ASCII, "replace", "(si)", "a", 1);
  METH(ASCII, "replace", "(sss)", "a", "b", "c");
  METH("abc", "translate", "({i:s,i:O})", 'a', EMOJI, 'b', Py_None);
  METH("abc", "translate", "(i)", 1);
  METH("", "maketrans", "({i:i,s:s,s:O})", 1, 2, "a", "b", "c", Py_None);
  METH("", "maketrans", "(ss)", "a\xc3\xa9", "b" EMOJI);
  METH("", "maketrans", "(sss)", "a\xc3\xa9", "b" EMOJI, "xy");
  METH("", "maketrans", "(i)", 1);
  METH("", "maketrans", "({s:i})", "ab", 1);
  METH("", "maketrans", "({d:i})", 1.5, 1);
  METH("", "maketrans", "(ss)", "ab", "c");
  METH("", "maketrans", "(is)", 1, "c");
  METH("", "maketrans", "(si)", "a", 1);
  METH("", "maketrans", "(ssi)", "a", "b", 1);
  METH("", "maketrans", "()");
  METH("", "maketrans", "(ssss)", "a", "b", "c", "d");
  METH(ASTRAL, "removeprefix", "(s)", "a" EMOJI);
  METH(ASTRAL, "removeprefix", "(s)", "b");
  METH(LATIN1, "removesuffix", "(s)", "l\xc3\xa9\x65");
  METH(LATIN1, "removesuffix", "(s)", "");
  METH(LATIN1, "removeprefix", "(i)", 1);
  METH(LATIN1, "removesuffix", "(i)", 1);
  METH(" \t\xc2\xa0 x y \xe3\x80\x80\n", "strip", "()");
  METH(" \t x y \n", "lstrip", "()");
  METH(" \t x y \n", "rstrip", "(O)", Py_None);
  METH("xxhixyx", "strip", "(s)", "xy");
  METH(EMOJI "a" EMOJI, "strip", "(s)", EMOJI);
  METH("\xc3\xa9t\xc3\xa9", "lstrip", "(s)", "\xc3\xa9");
  METH("abc", "rstrip", "(s)", "");
  METH("abc", "strip", "(i)", 1);
  METH("abc", "lstrip", "(i)", 1);
  METH("abc", "rstrip", "(i)", 1);
  METH("abc", "strip", "(ss)", "a", "b");
  METH("abc", "center", "(i)", 9);
  METH("abc", "center", "(i)", 8);
  METH("ab", "center", "(i)", 7);
  METH("ab", "center", "(i)", 8);
  METH("abc", "center", "(is)", 10, EMOJI);
  METH("abc", "ljust", "(is)", 6, "\xc3\xa9");
  METH("abc", "rjust", "(i)", 6);
  METH("abc", "ljust", "(i)", -3);
  METH("abc", "rjust", "(i)", 2);
  METH("abc", "center", "()");
  METH("abc", "center", "(s)", "x");
  METH("abc", "center", "(is)", 5, "ab");
  METH("abc", "center", "(ii)", 5, 1);
  METH("abc", "ljust", "(is)", 5, "");
  METH("42", "zfill", "(i)", 5);
  METH("-42", "zfill", "(i)", 5);
  METH("+" EMOJI, "zfill", "(i)", 4);
  METH("abc", "zfill", "(i)", 2);
  METH("", "zfill", "(i)", 3);
  METH("abc", "zfill", "()");
  METH("abc", "zfill", "(s)", "x");
  METH("a\tbc\t\xc3\xa9\n\tx\r\ty", "expandtabs", "()");
  METH("a\tbc\t" EMOJI "\tz", "expandtabs", "(i)", 4);
  METH("a\tb", "expandtabs", "(){s:i}", "tabsize", 0);
  METH("a\tb", "expandtabs", "(i)", -1);
  METH("a\tb", "expandtabs", "(s)", "x");
  METH("a\tb", "expandtabs", "(ii)", 1, 2);

  /* Case mapping: exact for ASCII and Latin-1 (ß, µ, ÿ map outside Latin-1). */
  static const char* const kCased[] = {
      "hello World FOO", "\xc3\x9f\xc3\xa9\xc3\x89 \xc2\xb5\xc3\xbf\xc2\xaa\xc2\xba \xc3\x97\xc3\xb7",
      "\xc3\x80\xc3\x9e\xc3\xa0\xc3\xbe x", "123 abc-def ghi_jkl",
      "\xe2\x82\xac uro \xe2\x98\x83 " EMOJI " snow", "", "\xc3\x9f" "abc", "o'neil mc2go",
  };
  static const char* const kCaseMethods[] = {"lower", "upper", "casefold", "swapcase", "title",
                                             "capitalize"};
  for (size_t i = 0; i < sizeof(kCased) / sizeof(kCased[0]); ++i) {
    for (size_t m = 0; m < sizeof(kCaseMethods) / sizeof(kCaseMethods[0]); ++m) {
      METH(kCased[i], kCaseMethods[m], "()");
    }
  }
  METH("abc", "lower", "(i)", 1);
  METH_DIFFERS(BMP, "upper");
  METH_DIFFERS("\xc5\xb8", "lower"); /* Ÿ */

  /* Character classes. */
  static const char* const kClassed[] = {
      "abc", "ABC", "Abc Def", "aBc", "abc1", "123", "\xc2\xb2\xc2\xb3", "\xc2\xbd", " \t\n",
      "\xc2\x85\xc2\xa0\xe2\x80\x83\xe3\x80\x80", "\xe2\x80\x8b", "", "\xc3\xa9t\xc3\xa9",
      "\xc3\x89T\xc3\x89", "\xc3\x89t\xc3\xa9", "\xc2\xaa\xc2\xba", "\xc3\x9f", "\xc3\x97",
      "_id1", "1id", EMOJI, "\xe2\x82\xac", "abc!", "A1 B2", "ABC\xc3\x9f", "\x7f",
  };
  static const char* const kClassMethods[] = {
      "isalpha", "isalnum", "isdigit", "isdecimal", "isnumeric", "isspace", "isascii",
      "isupper", "islower", "istitle", "isidentifier", "isprintable"};
  for (size_t i = 0; i < sizeof(kClassed) / sizeof(kClassed[0]); ++i) {
    for (size_t m = 0; m < sizeof(kClassMethods) / sizeof(kClassMethods[0]); ++m) {
      METH(kClassed[i], kClassMethods[m], "()");
    }
  }
  METH("abc", "isdigit", "(i)", 1);
  METH_DIFFERS("\xce\xb1\xce\xb2", "isalpha"); /* αβ */

  /* str.format and str.format_map. */
  METH("{} {} {}", "format", "(s" "i" "d)", LATIN1, 42, 2.5);
  METH("{1}{0}{1}|{{}}|}}{{", "format", "(ss)", "a", EMOJI);
  METH("{a.real} {b[0]} {b[x]} {c[1]} {a.imag:+}", "format", "(){s:N,s:{s:i,i:i},s:s}", "a",
       PyComplex_FromDoubles(1.5, -2.0), "b", "x", 2, 0, 3, "c", BMP);
  METH("{0!r:>{1}}|{0!s:^7}|{0!a}|{1:<8}", "format", "(si)", "\xc3\xa9" EMOJI, 9);
  METH("{!r:>{}}|{:x}|{:>{}.{}f}", "format", "(siidii)", "a", 5, 255, 3.14159, 10, 2);
  METH("{:{}}|{}", "format", "(iis)", 1, 5, "z");
  METH("{00}|{\xc3\xa9}|{a[b][c]}|{0[-1]}", "format", "({s:s}){s:i,s:{s:{s:i}}}", "-1", "m",
       "\xc3\xa9", 1, "a", "b", "c", 4);
  METH("{0[1]}|{0[1]}", "format", "(s)", ASTRAL);
  METH("", "format", "()");
  METH("x{}", "format", "(ii)", 1, 2);
  static const char* const kBadFormats[] = {
      "{0} {1}", "{} {0}", "{0} {}", "{", "}", "{}}", "{{}", "{!x}", "{0!}", "{0!r", "{0!rr}",
      "{0!\x01}", "{0[0}", "{0]}", "{0[0]x}", "{0.a.}", "{0..a}", "{0[]}", "{0:{1:{2}}}",
      "{a", "{:{", "{x}", "{5}", "{0x}", "{ 0}", "{0.nope}", "{:d}", "{0:{:{}}}",
      "{999999999999999999999}", "{0{}", "{0!r:}", "{0!",
  };
  for (size_t i = 0; i < sizeof(kBadFormats) / sizeof(kBadFormats[0]); ++i) {
    METH(kBadFormats[i], "format", "(sii)", "s", 1, 2);
  }
  METH("{a}-{b!r}", "format_map", "({s:i,s:s})", "a", 1, "b", EMOJI);
  METH("{a}", "format_map", "({})");
  METH("{0}", "format_map", "({})");
  METH("{}", "format_map", "({})");
  METH("{a}", "format_map", "(i)", 5);
  METH("{a[0]}", "format_map", "({s:[s]})", "a", LATIN1);
  METH("{a}", "format_map", "()");

  /* __format__ and the % operator as a method call. */
  METH(LATIN1, "__format__", "(s)", ">20");
  METH("abc", "__format__", "(s)", "");
  METH("abc", "__format__", "(i)", 1);
}

static void drive(PyObject* module) {
  drive_c_api(module);
  drive_format(module);
  drive_methods(module);
}

DIFFERENTIAL_MAIN("strmethods", PyInit_strmethods, drive)
