/* An extension module with single-phase initialisation, built outside Bazel as a shared
 * object (install_test.sh): spam.add(a, b). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject* spam_add(PyObject* self, PyObject* args) {
  long a, b;
  if (!PyArg_ParseTuple(args, "ll:add", &a, &b)) return NULL;
  return PyLong_FromLong(a + b);
}

static PyMethodDef spam_methods[] = {
    {"add", spam_add, METH_VARARGS, "add(a, b) -> a + b"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef spam_module = {
    PyModuleDef_HEAD_INIT, "spam", "A test module.", -1, spam_methods,
};

PyMODINIT_FUNC PyInit_spam(void) { return PyModule_Create(&spam_module); }
