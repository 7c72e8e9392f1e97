/* Drives tests/compat/differential/apicalls.c: each line is one call and what it gave. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_apicalls(void);

static void drive(PyObject* module) {
  show("varargs(21, 'x')", call(module, "varargs", Py_BuildValue("(ls)", 21L, "x")));
  show("varargs(-1, 'y')", call(module, "varargs", Py_BuildValue("(ls)", -1L, "y")));
  show("varargs('no')", call(module, "varargs", Py_BuildValue("(s)", "no")));
  show("keywords(6)", call(module, "keywords", Py_BuildValue("(i)", 6)));
  {
    PyObject* function = PyObject_GetAttrString(module, "keywords");
    PyObject* args = Py_BuildValue("(i)", 6);
    PyObject* kwargs = Py_BuildValue("{s:i}", "y", 7);
    show("keywords(6, y=7)", PyObject_Call(function, args, kwargs));
    Py_DECREF(kwargs);
    kwargs = Py_BuildValue("{s:i}", "z", 7);
    show("keywords(6, z=7)", PyObject_Call(function, args, kwargs));
    Py_DECREF(kwargs);
    Py_DECREF(args);
    Py_DECREF(function);
  }
  {
    PyObject* name = PyUnicode_FromString("scratch");
    PyObject* target = PyModule_NewObject(name);
    show("attributes(module)", call(module, "attributes", Py_BuildValue("(O)", target)));
    show("attributes(1)", call(module, "attributes", Py_BuildValue("(i)", 1)));
    Py_DECREF(target);
    Py_DECREF(name);
  }
  show("memory()", call(module, "memory", NULL));
  show("overflow(5)", call(module, "overflow", Py_BuildValue("(i)", 5)));
  show("overflow(-2**63)", call(module, "overflow", Py_BuildValue("(L)", -9223372036854775807LL - 1)));
  show("overflow('s')", call(module, "overflow", Py_BuildValue("(s)", "s")));
  show("types(5)", call(module, "types", Py_BuildValue("(i)", 5)));
  show("types(True)", call(module, "types", Py_BuildValue("(O)", Py_True)));
  show("types((1, 2, 3))", call(module, "types", Py_BuildValue("((iii))", 1, 2, 3)));
  show("types('s')", call(module, "types", Py_BuildValue("(s)", "s")));
  show("new_module('made')", call(module, "new_module", Py_BuildValue("(s)", "made")));
  show("repr_guard([])", call(module, "repr_guard", Py_BuildValue("([])")));
  show("unhashable(1)", call(module, "unhashable", Py_BuildValue("(i)", 1)));
  show("lifecycle(None)", call(module, "lifecycle", Py_BuildValue("(O)", Py_None)));
}

DIFFERENTIAL_MAIN("apicalls", PyInit_apicalls, drive)
