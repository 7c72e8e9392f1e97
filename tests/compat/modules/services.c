/* A module that stands in for the file objects an embedder puts in sys.stdout and sys.stderr
 * (services.write(text) collects the text in a buffer of the calling thread, services.take()
 * returns and empties it), so that what PySys_WriteStdout, PySys_FormatStderr, PyErr_Display
 * and PyErr_Print write can be compared (tests/compat/differential/services_driver.c). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define SERVICES_BUFFER 4096
static __thread char collected[SERVICES_BUFFER];
static __thread size_t collected_length;

static PyObject* services_write(PyObject* self, PyObject* text) {
  Py_ssize_t length;
  const char* utf8 = PyUnicode_AsUTF8AndSize(text, &length);
  if (utf8 == NULL) return NULL;
  if ((size_t)length > SERVICES_BUFFER - 1 - collected_length) {
    length = (Py_ssize_t)(SERVICES_BUFFER - 1 - collected_length);
  }
  memcpy(collected + collected_length, utf8, (size_t)length);
  collected_length += (size_t)length;
  return PyLong_FromSsize_t(length);
}

static PyObject* services_take(PyObject* self, PyObject* unused) {
  PyObject* text = PyUnicode_FromStringAndSize(collected, (Py_ssize_t)collected_length);
  collected_length = 0;
  return text;
}

static PyMethodDef services_methods[] = {
    {"write", services_write, METH_O, "write(text): collects text (this thread's)"},
    {"take", services_take, METH_NOARGS, "take() -> the text collected, emptied"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef services_module = {
    PyModuleDef_HEAD_INIT, "services", "A stand-in for sys.stdout and sys.stderr.", -1,
    services_methods,
};

PyMODINIT_FUNC PyInit_services(void) { return PyModule_Create(&services_module); }

/* services_mp: a multi-phase module with m_size 0, whose exec slot counts its runs in the
 * module's attribute `executions` (a reload does not run it again, in CPython 3.11). */
static int services_mp_exec(PyObject* module) {
  PyObject* previous = PyObject_GetAttrString(module, "executions");
  long count = 0;
  if (previous == NULL) {
    PyErr_Clear();
  } else {
    count = PyLong_AsLong(previous);
    Py_DECREF(previous);
  }
  return PyModule_AddIntConstant(module, "executions", count + 1);
}

static PyModuleDef_Slot services_mp_slots[] = {{Py_mod_exec, services_mp_exec}, {0, NULL}};

static struct PyModuleDef services_mp_module = {
    PyModuleDef_HEAD_INIT, "services_mp", "Counts its executions.", 0, NULL, services_mp_slots,
};

PyMODINIT_FUNC PyInit_services_mp(void) { return PyModuleDef_Init(&services_mp_module); }
