/* An extension module converting doubles to and from text with pystrtod.h (as parsers and
 * serialisers such as ujson and pyyaml's do), and comparing names with pystrcmp.h.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* to_double(s, with_endptr, overflow): PyOS_string_to_double; overflow 0 passes NULL, 1
 * OverflowError, 2 ValueError. (value, the unparsed rest or None). */
static PyObject* to_double(PyObject* self, PyObject* args) {
  const char* s;
  int with_endptr, overflow;
  if (!PyArg_ParseTuple(args, "sii", &s, &with_endptr, &overflow)) return NULL;
  PyObject* exception = overflow == 1 ? PyExc_OverflowError : overflow == 2 ? PyExc_ValueError : NULL;
  char* end = NULL;
  double value = PyOS_string_to_double(s, with_endptr ? &end : NULL, exception);
  if (value == -1.0 && PyErr_Occurred()) {
    if (with_endptr) {
      PyObject *type, *error, *tb;
      PyErr_Fetch(&type, &error, &tb);
      PyObject* result = Py_BuildValue("(OOn)", type, error != NULL ? error : Py_None, (Py_ssize_t)(end - s));
      Py_XDECREF(type);
      Py_XDECREF(error);
      Py_XDECREF(tb);
      return result;
    }
    return NULL;
  }
  if (with_endptr) return Py_BuildValue("(ds)", value, end);
  return Py_BuildValue("(dO)", value, Py_None);
}

/* to_string(val, code, precision, flags): (PyOS_double_to_string's text, its type). */
static PyObject* to_string(PyObject* self, PyObject* args) {
  double val;
  int code, precision, flags;
  if (!PyArg_ParseTuple(args, "dCii", &val, &code, &precision, &flags)) return NULL;
  int type = -1;
  char* text = PyOS_double_to_string(val, (char)code, precision, flags, &type);
  if (text == NULL) {
    if (PyErr_ExceptionMatches(PyExc_SystemError)) {  /* CPython's names its file and line */
      PyErr_Clear();
      PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
    }
    return NULL;
  }
  PyObject* result = Py_BuildValue("(si)", text, type);
  PyMem_Free(text);
  /* A NULL type pointer is allowed. */
  text = PyOS_double_to_string(val, (char)code, precision, flags, NULL);
  PyMem_Free(text);
  return result;
}

static int sign(int v) { return v < 0 ? -1 : v > 0; }

/* compare(a, b, n): signs of PyOS_stricmp/PyOS_mystricmp and of PyOS_strnicmp(a, b, n). */
static PyObject* compare(PyObject* self, PyObject* args) {
  const char *a, *b;
  Py_ssize_t n;
  if (!PyArg_ParseTuple(args, "ssn", &a, &b, &n)) return NULL;
  return Py_BuildValue("(iiii)", sign(PyOS_stricmp(a, b)), sign(PyOS_mystricmp(a, b)),
                       sign(PyOS_strnicmp(a, b, n)), sign(PyOS_mystrnicmp(a, b, n)));
}

static PyMethodDef methods[] = {
    {"to_double", to_double, METH_VARARGS, NULL},
    {"to_string", to_string, METH_VARARGS, NULL},
    {"compare", compare, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "strtod",
                                        "Doubles and text from C.", -1, methods};

PyMODINIT_FUNC PyInit_strtod(void) { return PyModule_Create(&module_def); }
