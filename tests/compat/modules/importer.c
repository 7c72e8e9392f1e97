/* A module that imports others by name, as extension modules that use another module's
 * functions do (PyImport_ImportModule, PyImport_Import): importer.load(name) returns the
 * module, importer.load_object(name) goes through PyImport_Import with a str. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject* importer_load(PyObject* self, PyObject* args) {
  const char* name;
  if (!PyArg_ParseTuple(args, "s:load", &name)) return NULL;
  return PyImport_ImportModule(name);
}

static PyObject* importer_load_object(PyObject* self, PyObject* name) {
  return PyImport_Import(name);
}

/* The error's name attribute (ImportError.name), or the error itself. */
static PyObject* importer_missing_name(PyObject* self, PyObject* args) {
  const char* name;
  if (!PyArg_ParseTuple(args, "s:missing_name", &name)) return NULL;
  PyObject* module = PyImport_ImportModule(name);
  if (module != NULL) {
    Py_DECREF(module);
    Py_RETURN_NONE;
  }
  if (!PyErr_ExceptionMatches(PyExc_ImportError)) return NULL;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  PyObject* result = PyObject_GetAttrString(value, "name");
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return result;
}

static PyMethodDef importer_methods[] = {
    {"load", importer_load, METH_VARARGS, "load(name) -> the module"},
    {"load_object", importer_load_object, METH_O, "load_object(name) -> the module"},
    {"missing_name", importer_missing_name, METH_VARARGS,
     "missing_name(name) -> the ImportError's name, or None if it imports"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef importer_module = {
    PyModuleDef_HEAD_INIT, "importer", NULL, -1, importer_methods,
};

PyMODINIT_FUNC PyInit_importer(void) { return PyModule_Create(&importer_module); }
