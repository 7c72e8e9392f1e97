/* Drives tests/compat/differential/pymacros.c: each line is one call and what it gave. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_pymacros(void);

static void drive(PyObject* module) {
  show("__doc__", PyObject_GetAttrString(module, "__doc__"));
  show("__name__", PyObject_GetAttrString(module, "__name__"));
  SHOW_CALL(module, "sizes", "()", NULL);
  SHOW_CALL(module, "limits", "()", NULL);
  SHOW_CALL(module, "byte_order", "()", NULL);
  SHOW_CALL(module, "utility", "()", NULL);
  SHOW_CALL(module, "special_floats", "()", NULL);
  SHOW_CALL(module, "widths", "()", NULL);
  const double samples[] = {0.0, -2.5, 1e308 * 10, -1e308 * 10};
  for (size_t i = 0; i < Py_ARRAY_LENGTH(samples); ++i) {
    char label[64];
    snprintf(label, sizeof label, "floats(%g)", samples[i]);
    show(label, call(module, "floats", Py_BuildValue("(d)", samples[i])));
  }
  show("floats(nan)", call(module, "floats", Py_BuildValue("(d)", Py_NAN)));
  show("floats('x')", call(module, "floats", Py_BuildValue("(s)", "x")));
  static const char* const ops[] = {"<", "<=", "==", "!=", ">", ">="};
  for (int op = Py_LT; op <= Py_GE; ++op) {
    for (long b = 1; b <= 3; ++b) {
      char label[64];
      snprintf(label, sizeof label, "compare(2 %s %ld)", ops[op], b);
      show(label, call(module, "compare", Py_BuildValue("(lli)", 2L, b, op)));
    }
  }
  show("compare(1, 2, 9)", call(module, "compare", Py_BuildValue("(lli)", 1L, 2L, 9)));
  show("compare('a')", call(module, "compare", Py_BuildValue("(s)", "a")));
  for (long n = -2; n <= 4; ++n) {
    char label[64];
    snprintf(label, sizeof label, "classify(%ld)", n);
    show(label, call(module, "classify", Py_BuildValue("(l)", n)));
  }
}

DIFFERENTIAL_MAIN("pymacros", PyInit_pymacros, drive)
