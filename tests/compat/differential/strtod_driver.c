/* Drives tests/compat/modules/strtod.c: PyOS_string_to_double over literals, junk, overflow
 * and underflow; PyOS_double_to_string over every code, precisions and flags; PyOS_stricmp. */
#include "diff_support.h"

#include <math.h>

PyMODINIT_FUNC PyInit_strtod(void);

static void drive(PyObject* module) {
  const char* texts[] = {"1.5", "-0.25", "+3", ".5", "5.", "1e10", "1E-3", "2.5e+2x", "1e", "1e+",
                         "-1e-400", "1e400", "-1e400", "inf", "-Infinity", "+INF", "nan", "-NaN",
                         "infinit", "nanx", " 1.5", "1.5 ", "", "-", ".", "abc", "0x10", "1_000",
                         "12345678901234567890", "4.9e-324", "2.2250738585072014e-308", "0.1",
                         "1.7976931348623157e308", "1.8e308", "-.e5", "007"};
  char label[160];
  for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    for (int endptr = 0; endptr < 2; endptr++) {
      for (int overflow = 0; overflow < 3; overflow++) {
        snprintf(label, sizeof(label), "to_double(%s, %d, %d)", texts[i], endptr, overflow);
        show(label, call(module, "to_double", Py_BuildValue("(sii)", texts[i], endptr, overflow)));
      }
    }
  }

  const double values[] = {0.0, -0.0, 1.0, -1.5, 0.1, 123456.789, 1e16, 1e15, 1e-5, 1e-4,
                           -0.00001234, 2.5, 3.5, 1e300, 5e-324, 1.0 / 3, -0.004, 100.0,
                           INFINITY, -INFINITY, NAN, -NAN};
  const char codes[] = {'e', 'E', 'f', 'F', 'g', 'G', 'r'};
  const int precisions[] = {0, 1, 3, 17};
  const int flag_sets[] = {0, Py_DTSF_SIGN, Py_DTSF_ADD_DOT_0, Py_DTSF_ALT, Py_DTSF_NO_NEG_0,
                           Py_DTSF_SIGN | Py_DTSF_ADD_DOT_0 | Py_DTSF_NO_NEG_0};
  for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
    for (size_t c = 0; c < sizeof(codes); c++) {
      for (size_t p = 0; p < sizeof(precisions) / sizeof(precisions[0]); p++) {
        if (codes[c] == 'r' && precisions[p] != 0) continue;
        for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++) {
          snprintf(label, sizeof(label), "to_string(%.17g, '%c', %d, %d)", values[v], codes[c],
                   precisions[p], flag_sets[f]);
          show(label, call(module, "to_string",
                           Py_BuildValue("(dCii)", values[v], codes[c], precisions[p], flag_sets[f])));
        }
      }
    }
  }
  SHOW_CALL(module, "to_string", "(1.0, 'r', 2, 0)", Py_BuildValue("(dCii)", 1.0, 'r', 2, 0));
  SHOW_CALL(module, "to_string", "(1.0, 'x', 2, 0)", Py_BuildValue("(dCii)", 1.0, 'x', 2, 0));
  SHOW_CALL(module, "to_string", "(1.0, '%', 2, 0)", Py_BuildValue("(dCii)", 1.0, '%', 2, 0));

  const char* pairs[][2] = {{"abc", "ABC"}, {"abc", "abd"}, {"ABD", "abc"}, {"ab", "abc"},
                            {"", ""}, {"Hello", "hELLo world"}, {"a[", "A{"}};
  for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
    for (int n = 0; n < 4; n++) {
      snprintf(label, sizeof(label), "compare('%s', '%s', %d)", pairs[i][0], pairs[i][1], n);
      show(label, call(module, "compare", Py_BuildValue("(ssi)", pairs[i][0], pairs[i][1], n)));
    }
  }
}

DIFFERENTIAL_MAIN("strtod", PyInit_strtod, drive)
