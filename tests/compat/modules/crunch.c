/* An extension module in classic CPython style: functions that release the GIL around
 * work on their arguments' buffers.
 *
 *   crunch.checksum(data: bytes, rounds: int = 1) -> int: FNV-1a over data, `rounds` times,
 *                                                    computed with the GIL released
 *   crunch.pair(a, b, *, sep=", ") -> str "a<sep>b" of their str()s (keywords)
 */
#include <Python.h>

static PyObject* crunch_checksum(PyObject* module, PyObject* args) {
  const char* data;
  Py_ssize_t size;
  int rounds = 1;
  if (!PyArg_ParseTuple(args, "y#|i:checksum", &data, &size, &rounds)) return NULL;
  unsigned long long hash = 1469598103934665603ULL;
  Py_BEGIN_ALLOW_THREADS
  for (int r = 0; r < rounds; ++r) {
    for (Py_ssize_t i = 0; i < size; ++i) {
      hash ^= (unsigned char)data[i];
      hash *= 1099511628211ULL;
    }
  }
  Py_END_ALLOW_THREADS
  return PyLong_FromUnsignedLongLong(hash >> 1);
}

static PyObject* crunch_pair(PyObject* module, PyObject* args, PyObject* kwargs) {
  static char* keywords[] = {"a", "b", "sep", NULL};
  PyObject *a, *b;
  const char* sep = ", ";
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$s:pair", keywords, &a, &b, &sep)) {
    return NULL;
  }
  return PyUnicode_FromFormat("%S%s%S", a, sep, b);
}

static PyMethodDef crunch_methods[] = {
    {"checksum", crunch_checksum, METH_VARARGS, NULL},
    {"pair", (PyCFunction)(void (*)(void))crunch_pair, METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef crunch_module = {
    PyModuleDef_HEAD_INIT, "crunch", NULL, -1, crunch_methods,
};

PyMODINIT_FUNC PyInit_crunch(void) { return PyModule_Create(&crunch_module); }
