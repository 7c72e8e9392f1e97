/* An extension module with struct sequences, the way os and time make theirs: a static type
 * set up by PyStructSequence_InitType2 (with unnamed and hidden fields, like os.stat_result)
 * and a heap type from PyStructSequence_NewType, instances built with PyStructSequence_New
 * and filled with PyStructSequence_SetItem / PyStructSequence_SET_ITEM.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyStructSequence_Field stat_fields[] = {
    {"mode", "protection bits"},
    {"size", "total size, in bytes"},
    {NULL, NULL}, /* PyStructSequence_UnnamedField, set in PyInit (not a constant in C) */
    {"atime", "time of last access"},
    {"mtime", "time of last modification"},
    {NULL, NULL},
};

static PyStructSequence_Desc stat_desc = {
    "structseqs.Stat",
    "A stat-like result: 3 visible fields (one unnamed), 2 hidden.",
    stat_fields,
    3,
};

static PyStructSequence_Field pair_fields[] = {
    {"first", NULL},
    {"second", NULL},
    {"extra", "hidden"},
    {NULL, NULL},
};

static PyStructSequence_Desc pair_desc = {"structseqs.Pair", NULL, pair_fields, 2};

/* Filled in once by PyInit (the module is single-phase: imported once per process). */
static PyTypeObject StatType;

/* CPython's SystemError for a bad argument names its source file and line: only the type and
 * the standard text are kept, so that both builds print the same. */
static PyObject* plain_bad_call(void) {
  if (PyErr_ExceptionMatches(PyExc_SystemError)) {
    PyErr_Clear();
    PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
  }
  return NULL;
}

/* make_stat(mode, size, third, atime, mtime): PyStructSequence_New and SetItem/SET_ITEM. */
static PyObject* make_stat(PyObject* self, PyObject* args) {
  PyObject* values[5];
  if (!PyArg_ParseTuple(args, "OOOOO", &values[0], &values[1], &values[2], &values[3],
                        &values[4])) {
    return NULL;
  }
  PyObject* result = PyStructSequence_New(&StatType);
  if (result == NULL) return NULL;
  for (int i = 0; i < 5; i++) {
    if (i % 2 == 0) {
      PyStructSequence_SetItem(result, i, Py_NewRef(values[i]));
    } else {
      PyStructSequence_SET_ITEM(result, i, Py_NewRef(values[i]));
    }
  }
  return result;
}

/* make_pair(first, second, extra): the heap type from PyStructSequence_NewType. */
static PyObject* make_pair(PyObject* module, PyObject* args) {
  PyObject *a, *b, *c;
  if (!PyArg_ParseTuple(args, "OOO", &a, &b, &c)) return NULL;
  PyObject* type = PyObject_GetAttrString(module, "Pair");
  if (type == NULL) return NULL;
  PyObject* result = PyStructSequence_New((PyTypeObject*)type);
  Py_DECREF(type);
  if (result == NULL) return NULL;
  PyStructSequence_SetItem(result, 0, Py_NewRef(a));
  PyStructSequence_SetItem(result, 1, Py_NewRef(b));
  PyStructSequence_SetItem(result, 2, Py_NewRef(c));
  return result;
}

/* fields(obj, n): a tuple of PyStructSequence_GetItem(obj, 0..n-1) and the GET_ITEM of 0. */
static PyObject* fields(PyObject* self, PyObject* args) {
  PyObject* obj;
  Py_ssize_t n;
  if (!PyArg_ParseTuple(args, "On", &obj, &n)) return NULL;
  PyObject* result = PyTuple_New(n + 1);
  if (result == NULL) return NULL;
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject* item = PyStructSequence_GetItem(obj, i);
    PyTuple_SET_ITEM(result, i, Py_NewRef(item != NULL ? item : Py_None));
  }
  PyTuple_SET_ITEM(result, n, Py_NewRef(PyStructSequence_GET_ITEM(obj, 0)));
  return result;
}

/* init_again(): InitType2 on the initialised static type (SystemError), and InitType. */
static PyObject* init_again(PyObject* self, PyObject* unused) {
  PyStructSequence_InitType(&StatType, &stat_desc);
  if (!PyErr_ExceptionMatches(PyExc_SystemError)) return PyLong_FromLong(-1);
  PyErr_Clear();
  if (PyStructSequence_InitType2(&StatType, &stat_desc) == 0) return PyLong_FromLong(0);
  return plain_bad_call();
}

/* checks(obj): (PyTuple_Check, PyTuple_CheckExact, PyTuple_Size, PySequence_Size). */
static PyObject* checks(PyObject* self, PyObject* obj) {
  return Py_BuildValue("(iinn)", PyTuple_Check(obj), PyTuple_CheckExact(obj), PyTuple_Size(obj),
                       PySequence_Size(obj));
}

/* subclass(base): a heap type deriving from `base` (struct sequences refuse). */
static PyObject* subclass(PyObject* self, PyObject* base) {
  PyType_Slot slots[] = {{0, NULL}};
  PyType_Spec spec = {"structseqs.Sub", 0, 0, Py_TPFLAGS_DEFAULT, slots};
  PyObject* bases = PyTuple_Pack(1, base);
  if (bases == NULL) return NULL;
  PyObject* type = PyType_FromSpecWithBases(&spec, bases);
  Py_DECREF(bases);
  return type;
}

/* float_info(): PyFloat_GetInfo. thread_info(): PyThread_GetInfo. */
static PyObject* float_info(PyObject* self, PyObject* unused) { return PyFloat_GetInfo(); }
static PyObject* thread_info(PyObject* self, PyObject* unused) { return PyThread_GetInfo(); }

static PyMethodDef methods[] = {
    {"float_info", float_info, METH_NOARGS, NULL},
    {"thread_info", thread_info, METH_NOARGS, NULL},
    {"make_stat", make_stat, METH_VARARGS, NULL},
    {"make_pair", make_pair, METH_VARARGS, NULL},
    {"fields", fields, METH_VARARGS, NULL},
    {"init_again", init_again, METH_NOARGS, NULL},
    {"checks", checks, METH_O, NULL},
    {"subclass", subclass, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "structseqs",
                                        "Struct sequences from C.", -1, methods};

PyMODINIT_FUNC PyInit_structseqs(void) {
  stat_fields[2].name = PyStructSequence_UnnamedField;
  if (StatType.tp_name == NULL && PyStructSequence_InitType2(&StatType, &stat_desc) < 0) {
    return NULL;
  }
  PyObject* module = PyModule_Create(&module_def);
  if (module == NULL) return NULL;
  PyTypeObject* pair = PyStructSequence_NewType(&pair_desc);
  if (pair == NULL || PyModule_AddObject(module, "Pair", (PyObject*)pair) < 0 ||
      PyModule_AddObject(module, "Stat", Py_NewRef((PyObject*)&StatType)) < 0) {
    Py_XDECREF(pair);
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
