/* Drives tests/compat/modules/lifecycle.c: each line is one call and what it gave. What cannot
 * be compared with CPython (Py_InitializeEx/Py_FinalizeEx, which DIFFERENTIAL_MAIN's
 * Py_Initialize/Py_Finalize stand beside; a finalized object) is in tests/compat/
 * lifecycle_test.cc. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_lifecycle(void);

static void drive(PyObject* module) {
  /* Initialising an initialised interpreter does nothing, in both. */
  Py_InitializeEx(0);
  out("initialized: %d\n", Py_IsInitialized());
  SHOW_CALL(module, "make_box", "(7)", Py_BuildValue("(i)", 7));
  SHOW_CALL(module, "make_box", "()", NULL);
  SHOW_CALL(module, "make_row", "(3)", Py_BuildValue("(i)", 3));
  SHOW_CALL(module, "make_row", "(0)", Py_BuildValue("(i)", 0));
  SHOW_CALL(module, "make_row", "(-1)", Py_BuildValue("(i)", -1));
  {
    PyObject* made = call(module, "make_row", Py_BuildValue("(i)", 4));
    PyObject* row = made != NULL ? PyTuple_GetItem(made, 0) : NULL;
    if (row != NULL) {
      SHOW_CALL(module, "shrink", "(Row(4), 2)", Py_BuildValue("(Oi)", row, 2));
      SHOW_CALL(module, "shrink", "(Row(2), 3)", Py_BuildValue("(Oi)", row, 3));
      SHOW_CALL(module, "shrink", "(Row(2), 0)", Py_BuildValue("(Oi)", row, 0));
    } else {
      show("make_row(4)", NULL);
    }
    Py_XDECREF(made);
  }
  SHOW_CALL(module, "shrink", "(1, 0)", Py_BuildValue("(ii)", 1, 0));
  SHOW_CALL(module, "reinit", "()", NULL);
  SHOW_CALL(module, "gc_state", "()", NULL);
  SHOW_CALL(module, "attributes", "('color', 'red')", Py_BuildValue("(ss)", "color", "red"));
  SHOW_CALL(module, "attributes", "('n', None)", Py_BuildValue("(sO)", "n", Py_None));
  SHOW_CALL(module, "make_function", "(None, 'mod')", Py_BuildValue("(Os)", Py_None, "mod"));
  SHOW_CALL(module, "make_function", "((1,), None)", Py_BuildValue("((i)O)", 1, Py_None));
  SHOW_CALL(module, "modules", "()", NULL);
  SHOW_CALL(module, "released_sum", "(1000)", Py_BuildValue("(i)", 1000));
  SHOW_CALL(module, "released_sum", "(0)", Py_BuildValue("(i)", 0));
  /* PyErr_PrintEx writes to stderr, which the comparison reads with stdout (stdout is flushed
   * first so that the order is the same in both builds). */
  fflush(diff_stream());
  SHOW_CALL(module, "print_error", "('printed')", Py_BuildValue("(s)", "printed"));
  fflush(stderr);
  PyObject* box_type = PyObject_GetAttrString(module, "Box");
  show("Box()", box_type != NULL ? PyObject_CallNoArgs(box_type) : NULL);
  Py_XDECREF(box_type);
}

DIFFERENTIAL_MAIN("lifecycle", PyInit_lifecycle, drive)
