/* An extension module using the str algorithms of the C API the way extension authors do:
 * PyUnicode_Substring, Find, FindChar, Count, Tailmatch, Contains, Split, RSplit,
 * Splitlines, Partition, RPartition, Join, Replace, RichCompare, Append, AppendAndDel,
 * Format (and str % args through PyNumber_Remainder), Translate, IsIdentifier, FromObject;
 * and str's methods called by name (call_method: PyObject_GetAttr + PyObject_Call, as
 * PyObject_CallMethod does).
 *
 * Every function returns what the call returned, or raises what it raised; the int-returning
 * calls return their int (and raise when it is the error value with an exception set).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* CPython's SystemError for a bad argument names its source file and line: only the type
 * and the standard text are kept, so that both builds print the same. */
static PyObject* plain_bad_call(void) {
  if (PyErr_ExceptionMatches(PyExc_SystemError)) {
    PyErr_Clear();
    PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
  }
  return NULL;
}

static PyObject* or_null(PyObject* o) { return o == Py_None ? NULL : o; }

/* An index result: the value, or NULL when it is `error` with an exception set. */
static PyObject* index_result(Py_ssize_t r, Py_ssize_t error) {
  if (r == error && PyErr_Occurred()) return NULL;
  return PyLong_FromSsize_t(r);
}

static PyObject* substring(PyObject* self, PyObject* args) {
  PyObject* s;
  Py_ssize_t start, end;
  if (!PyArg_ParseTuple(args, "Onn", &s, &start, &end)) return NULL;
  return PyUnicode_Substring(s, start, end);
}

static PyObject* find(PyObject* self, PyObject* args) {
  PyObject *s, *sub;
  Py_ssize_t start, end;
  int direction;
  if (!PyArg_ParseTuple(args, "OOnni", &s, &sub, &start, &end, &direction)) return NULL;
  return index_result(PyUnicode_Find(s, sub, start, end, direction), -2);
}

static PyObject* find_char(PyObject* self, PyObject* args) {
  PyObject* s;
  unsigned int ch;
  Py_ssize_t start, end;
  int direction;
  if (!PyArg_ParseTuple(args, "OInni", &s, &ch, &start, &end, &direction)) return NULL;
  return index_result(PyUnicode_FindChar(s, (Py_UCS4)ch, start, end, direction), -2);
}

static PyObject* count(PyObject* self, PyObject* args) {
  PyObject *s, *sub;
  Py_ssize_t start, end;
  if (!PyArg_ParseTuple(args, "OOnn", &s, &sub, &start, &end)) return NULL;
  return index_result(PyUnicode_Count(s, sub, start, end), -1);
}

static PyObject* tailmatch(PyObject* self, PyObject* args) {
  PyObject *s, *sub;
  Py_ssize_t start, end;
  int direction;
  if (!PyArg_ParseTuple(args, "OOnni", &s, &sub, &start, &end, &direction)) return NULL;
  return index_result(PyUnicode_Tailmatch(s, sub, start, end, direction), -1);
}

static PyObject* contains(PyObject* self, PyObject* args) {
  PyObject *container, *element;
  if (!PyArg_ParseTuple(args, "OO", &container, &element)) return NULL;
  return index_result(PyUnicode_Contains(container, element), -1);
}

/* split(s, sep_or_None, maxsplit) */
static PyObject* split(PyObject* self, PyObject* args) {
  PyObject *s, *sep;
  Py_ssize_t maxsplit;
  if (!PyArg_ParseTuple(args, "OOn", &s, &sep, &maxsplit)) return NULL;
  return PyUnicode_Split(s, or_null(sep), maxsplit);
}

static PyObject* rsplit(PyObject* self, PyObject* args) {
  PyObject *s, *sep;
  Py_ssize_t maxsplit;
  if (!PyArg_ParseTuple(args, "OOn", &s, &sep, &maxsplit)) return NULL;
  return PyUnicode_RSplit(s, or_null(sep), maxsplit);
}

static PyObject* splitlines(PyObject* self, PyObject* args) {
  PyObject* s;
  int keepends;
  if (!PyArg_ParseTuple(args, "Oi", &s, &keepends)) return NULL;
  return PyUnicode_Splitlines(s, keepends);
}

static PyObject* partition(PyObject* self, PyObject* args) {
  PyObject *s, *sep;
  if (!PyArg_ParseTuple(args, "OO", &s, &sep)) return NULL;
  return PyUnicode_Partition(s, sep);
}

static PyObject* rpartition(PyObject* self, PyObject* args) {
  PyObject *s, *sep;
  if (!PyArg_ParseTuple(args, "OO", &s, &sep)) return NULL;
  return PyUnicode_RPartition(s, sep);
}

/* join(sep_or_None, iterable) */
static PyObject* join(PyObject* self, PyObject* args) {
  PyObject *sep, *seq;
  if (!PyArg_ParseTuple(args, "OO", &sep, &seq)) return NULL;
  return PyUnicode_Join(or_null(sep), seq);
}

static PyObject* replace(PyObject* self, PyObject* args) {
  PyObject *s, *old, *new_;
  Py_ssize_t maxcount;
  if (!PyArg_ParseTuple(args, "OOOn", &s, &old, &new_, &maxcount)) return NULL;
  return PyUnicode_Replace(s, old, new_, maxcount);
}

static PyObject* richcompare(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  int op;
  if (!PyArg_ParseTuple(args, "OOi", &a, &b, &op)) return NULL;
  return PyUnicode_RichCompare(a, b, op);
}

/* append(left, right): PyUnicode_Append on a new reference to left. On error the result
 * must have been cleared: ("cleared", exception) is not returned, the exception is. */
static PyObject* append(PyObject* self, PyObject* args) {
  PyObject *left, *right;
  if (!PyArg_ParseTuple(args, "OO", &left, &right)) return NULL;
  Py_INCREF(left);
  PyUnicode_Append(&left, right);
  if (left == NULL) return plain_bad_call();
  return left;
}

static PyObject* append_and_del(PyObject* self, PyObject* args) {
  PyObject *left, *right;
  if (!PyArg_ParseTuple(args, "OO", &left, &right)) return NULL;
  Py_INCREF(left);
  Py_INCREF(right);
  PyUnicode_AppendAndDel(&left, right);
  if (left == NULL) return plain_bad_call();
  return left;
}

static PyObject* format_(PyObject* self, PyObject* args) {
  PyObject *fmt, *values;
  if (!PyArg_ParseTuple(args, "OO", &fmt, &values)) return NULL;
  PyObject* result = PyUnicode_Format(fmt, values);
  return result != NULL ? result : plain_bad_call();
}

/* remainder(fmt, values): fmt % values through the number protocol. */
static PyObject* remainder_(PyObject* self, PyObject* args) {
  PyObject *fmt, *values;
  if (!PyArg_ParseTuple(args, "OO", &fmt, &values)) return NULL;
  return PyNumber_Remainder(fmt, values);
}

static PyObject* translate(PyObject* self, PyObject* args) {
  PyObject *s, *table;
  const char* errors;
  if (!PyArg_ParseTuple(args, "OOz", &s, &table, &errors)) return NULL;
  return PyUnicode_Translate(s, table, errors);
}

static PyObject* isidentifier(PyObject* self, PyObject* arg) {
  return PyLong_FromLong(PyUnicode_IsIdentifier(arg));
}

static PyObject* from_object(PyObject* self, PyObject* arg) {
  PyObject* result = PyUnicode_FromObject(arg);
  if (result == NULL) return NULL;
  /* A str subclass gives an exact str. */
  PyObject* pair = Py_BuildValue("(Os)", result, Py_TYPE(result)->tp_name);
  Py_DECREF(result);
  return pair;
}

/* call_method(obj, name, args, kwargs=None): obj.name(*args, **kwargs). */
static PyObject* call_method(PyObject* self, PyObject* args) {
  PyObject *obj, *name, *call_args, *kwargs = Py_None;
  if (!PyArg_ParseTuple(args, "OUO!|O", &obj, &name, &PyTuple_Type, &call_args, &kwargs)) {
    return NULL;
  }
  PyObject* method = PyObject_GetAttr(obj, name);
  if (method == NULL) return NULL;
  PyObject* result = PyObject_Call(method, call_args, or_null(kwargs));
  Py_DECREF(method);
  return result;
}

static PyMethodDef methods[] = {
    {"substring", substring, METH_VARARGS, NULL},
    {"find", find, METH_VARARGS, NULL},
    {"find_char", find_char, METH_VARARGS, NULL},
    {"count", count, METH_VARARGS, NULL},
    {"tailmatch", tailmatch, METH_VARARGS, NULL},
    {"contains", contains, METH_VARARGS, NULL},
    {"split", split, METH_VARARGS, NULL},
    {"rsplit", rsplit, METH_VARARGS, NULL},
    {"splitlines", splitlines, METH_VARARGS, NULL},
    {"partition", partition, METH_VARARGS, NULL},
    {"rpartition", rpartition, METH_VARARGS, NULL},
    {"join", join, METH_VARARGS, NULL},
    {"replace", replace, METH_VARARGS, NULL},
    {"richcompare", richcompare, METH_VARARGS, NULL},
    {"append", append, METH_VARARGS, NULL},
    {"append_and_del", append_and_del, METH_VARARGS, NULL},
    {"format", format_, METH_VARARGS, NULL},
    {"remainder", remainder_, METH_VARARGS, NULL},
    {"translate", translate, METH_VARARGS, NULL},
    {"isidentifier", isidentifier, METH_O, NULL},
    {"from_object", from_object, METH_O, NULL},
    {"call_method", call_method, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "strmethods", NULL, -1, methods};

PyMODINIT_FUNC PyInit_strmethods(void) { return PyModule_Create(&module); }
