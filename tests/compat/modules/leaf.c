/* A single-phase extension module built as a shared object inside a package directory
 * (spkg/leaf<suffix>, tests/compat/differential shared_test): imported as "spkg.leaf", its
 * def names it "leaf", as a C module in a package is written. leaf.hello(name) greets. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject* leaf_hello(PyObject* self, PyObject* args) {
  const char* name;
  if (!PyArg_ParseTuple(args, "s:hello", &name)) return NULL;
  return PyUnicode_FromFormat("hello from the leaf, %s", name);
}

static PyMethodDef leaf_methods[] = {
    {"hello", leaf_hello, METH_VARARGS, "hello(name) -> a greeting"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef leaf_module = {
    PyModuleDef_HEAD_INIT, "leaf", "A module in a package directory.", -1, leaf_methods,
};

PyMODINIT_FUNC PyInit_leaf(void) { return PyModule_Create(&leaf_module); }
