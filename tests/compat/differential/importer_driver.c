/* Drives tests/compat/modules/importer.c: imports by name and their errors, as CPython 3.11
 * raises them (the module itself is in the inittab; no name below exists in either build). */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_importer(void);

static void drive(PyObject* module) {
  PyObject* again = call(module, "load", Py_BuildValue("(s)", "importer"));
  out("load('importer') is the module: %s\n", again == module ? "yes" : "no");
  Py_XDECREF(again);
  again = call(module, "load_object", Py_BuildValue("(s)", "importer"));
  out("load_object('importer') is the module: %s\n", again == module ? "yes" : "no");
  Py_XDECREF(again);
  SHOW_CALL(module, "load", "('pinion_no_such_module')",
            Py_BuildValue("(s)", "pinion_no_such_module"));
  SHOW_CALL(module, "load", "('pinion_no_such_package.mod')",
            Py_BuildValue("(s)", "pinion_no_such_package.mod"));
  SHOW_CALL(module, "load", "('importer.sub')", Py_BuildValue("(s)", "importer.sub"));
  SHOW_CALL(module, "load", "('')", Py_BuildValue("(s)", ""));
  SHOW_CALL(module, "load_object", "(1)", Py_BuildValue("(i)", 1));
  SHOW_CALL(module, "missing_name", "('pinion_no_such_module')",
            Py_BuildValue("(s)", "pinion_no_such_module"));
  SHOW_CALL(module, "missing_name", "('pinion_no_such_package.mod')",
            Py_BuildValue("(s)", "pinion_no_such_package.mod"));
  SHOW_CALL(module, "missing_name", "('importer.sub')", Py_BuildValue("(s)", "importer.sub"));
  SHOW_CALL(module, "missing_name", "('importer')", Py_BuildValue("(s)", "importer"));
}

DIFFERENTIAL_MAIN("importer", PyInit_importer, drive)
