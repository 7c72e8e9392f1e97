/* An extension module of a package (pkg/ham<suffix>, imported as "pkg.ham"), with multi-phase
 * initialisation, built outside Bazel (install_test.sh): ham.greet(name), ham.KIND. */
#include <Python.h>

static PyObject* ham_greet(PyObject* self, PyObject* name) {
  return PyUnicode_FromFormat("hello, %U", name);
}

static int ham_exec(PyObject* module) {
  return PyModule_AddStringConstant(module, "KIND", "multi-phase");
}

static PyMethodDef ham_methods[] = {
    {"greet", ham_greet, METH_O, "greet(name) -> str"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot ham_slots[] = {
    {Py_mod_exec, (void*)ham_exec},
    {0, NULL},
};

static struct PyModuleDef ham_module = {
    PyModuleDef_HEAD_INIT, "pkg.ham", NULL, 0, ham_methods, ham_slots,
};

PyMODINIT_FUNC PyInit_ham(void) { return PyModuleDef_Init(&ham_module); }
