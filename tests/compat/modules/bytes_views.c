/* An extension module using the rest of bytesobject.h (PyBytes_Concat, ConcatAndDel,
 * FromObject, DecodeEscape, Repr) and calling bytes' and bytearray's methods the way
 * extension code does, through PyObject_CallMethod.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* concat(a, b, del): PyBytes_Concat (or ConcatAndDel) on a new reference to a. */
static PyObject* concat(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  int del;
  if (!PyArg_ParseTuple(args, "OOp", &a, &b, &del)) return NULL;
  PyObject* result = Py_NewRef(a);
  if (del) {
    PyBytes_ConcatAndDel(&result, Py_NewRef(b));
  } else {
    PyBytes_Concat(&result, b);
  }
  return result;
}

/* concat_null(): Concat with a NULL part (clears) and onto NULL (nothing happens). */
static PyObject* concat_null(PyObject* self, PyObject* unused) {
  PyObject* a = PyBytes_FromString("abc");
  if (a == NULL) return NULL;
  PyBytes_Concat(&a, NULL);
  PyObject* b = NULL;
  PyObject* part = PyBytes_FromString("x");
  PyBytes_Concat(&b, part);
  PyBytes_ConcatAndDel(&b, part);
  return Py_BuildValue("(ii)", a == NULL, b == NULL);
}

static PyObject* from_object(PyObject* self, PyObject* arg) { return PyBytes_FromObject(arg); }

/* decode_escape(data, errors or None). */
static PyObject* decode_escape(PyObject* self, PyObject* args) {
  const char* data;
  Py_ssize_t len;
  const char* errors = NULL;
  if (!PyArg_ParseTuple(args, "y#z", &data, &len, &errors)) return NULL;
  return PyBytes_DecodeEscape(data, len, errors, 0, NULL);
}

/* repr(obj, smartquotes). */
static PyObject* repr(PyObject* self, PyObject* args) {
  PyObject* obj;
  int smart;
  if (!PyArg_ParseTuple(args, "Oi", &obj, &smart)) return NULL;
  return PyBytes_Repr(obj, smart);
}

/* method(obj, name, *args): obj.name(*args), as PyObject_CallMethodObjArgs would. */
static PyObject* method(PyObject* self, PyObject* args) {
  if (PyTuple_GET_SIZE(args) < 2) {
    PyErr_SetString(PyExc_TypeError, "method(obj, name, *args)");
    return NULL;
  }
  PyObject* callable = PyObject_GetAttr(PyTuple_GET_ITEM(args, 0), PyTuple_GET_ITEM(args, 1));
  if (callable == NULL) return NULL;
  PyObject* rest = PyTuple_GetSlice(args, 2, PyTuple_GET_SIZE(args));
  PyObject* result = rest != NULL ? PyObject_Call(callable, rest, NULL) : NULL;
  Py_XDECREF(rest);
  Py_DECREF(callable);
  return result;
}

/* Appends `step` (stolen) to `results`; false if it is NULL. */
static int record(PyObject* results, PyObject* step) {
  if (step == NULL) return 0;
  const int ok = PyList_Append(results, step) == 0;
  Py_DECREF(step);
  return ok;
}

/* mutate(): bytearray's mutators through PyObject_CallMethod, each result, then the
 * contents before and after clear(). */
static PyObject* mutate(PyObject* self, PyObject* unused) {
  PyObject* array = PyByteArray_FromStringAndSize("ab", 2);
  PyObject* results = PyList_New(0);
  int ok = array != NULL && results != NULL &&
           record(results, PyObject_CallMethod(array, "append", "i", 'c')) &&
           record(results, PyObject_CallMethod(array, "extend", "(y)", "de")) &&
           record(results, PyObject_CallMethod(array, "extend", "((ii))", 'f', 'g')) &&
           record(results, PyObject_CallMethod(array, "pop", NULL)) &&
           record(results, PyObject_CallMethod(array, "pop", "i", 0)) &&
           record(results, PyObject_CallMethod(array, "copy", NULL)) &&
           record(results, PyObject_CallMethod(array, "hex", NULL)) &&
           record(results, PyByteArray_FromObject(array)) &&
           record(results, PyObject_CallMethod(array, "clear", NULL)) &&
           record(results, Py_NewRef(array));
  Py_XDECREF(array);
  if (!ok) Py_CLEAR(results);
  return results;
}

static PyMethodDef methods[] = {
    {"concat", concat, METH_VARARGS, NULL},
    {"concat_null", concat_null, METH_NOARGS, NULL},
    {"from_object", from_object, METH_O, NULL},
    {"decode_escape", decode_escape, METH_VARARGS, NULL},
    {"repr", repr, METH_VARARGS, NULL},
    {"method", method, METH_VARARGS, NULL},
    {"mutate", mutate, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "bytes_views",
                                        "bytes and bytearray from C.", -1, methods};

PyMODINIT_FUNC PyInit_bytes_views(void) { return PyModule_Create(&module_def); }
