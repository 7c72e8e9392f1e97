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

/* old_buffers(obj): the deprecated buffer API: (CheckReadBuffer, the bytes AsCharBuffer and
 * AsReadBuffer see, whether AsWriteBuffer succeeds); the first failure is raised. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static PyObject* old_buffers(PyObject* self, PyObject* obj) {
  const int readable = PyObject_CheckReadBuffer(obj);
  const char* chars;
  const void* data;
  void* writable;
  Py_ssize_t n1, n2, n3;
  if (PyObject_AsCharBuffer(obj, &chars, &n1) < 0) return NULL;
  if (PyObject_AsReadBuffer(obj, &data, &n2) < 0) return NULL;
  const int can_write = PyObject_AsWriteBuffer(obj, &writable, &n3) == 0;
  PyObject* error = NULL;
  if (!can_write) {
    PyObject *type, *tb;
    PyErr_Fetch(&type, &error, &tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
  }
  return Py_BuildValue("(iy#y#N)", readable, chars, n1, (const char*)data, n2,
                       error != NULL ? error : PyBool_FromLong(n3 == n1));
}

/* old_buffers_null(): a NULL argument to AsCharBuffer. */
static PyObject* old_buffers_null(PyObject* self, PyObject* obj) {
  const char* chars;
  if (PyObject_AsCharBuffer(obj, &chars, NULL) < 0) {
    if (PyErr_ExceptionMatches(PyExc_SystemError)) {  /* CPython's names its file and line */
      PyErr_Clear();
      PyErr_SetString(PyExc_SystemError, "null argument to internal routine");
    }
    return NULL;
  }
  return PyLong_FromLong(0);
}
#pragma GCC diagnostic pop

static PyMethodDef methods[] = {
    {"old_buffers", old_buffers, METH_O, NULL},
    {"old_buffers_null", old_buffers_null, METH_O, NULL},
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
