/* A module exercising the object life cycle the way extension types manage it by hand:
 * allocation through tp_alloc/tp_new (PyType_GenericAlloc, PyType_GenericNew), re-initialising
 * objects (PyObject_Init, PyObject_InitVar), changing an object's type and size (Py_SET_TYPE,
 * Py_SET_SIZE), the GC queries (PyObject_IS_GC, PyObject_GC_IsTracked,
 * PyObject_GC_IsFinalized) and tp_free = PyObject_GC_Del, an instance dict through
 * PyObject_GenericSetAttr; functions and modules made at run time (PyCFunction_NewEx,
 * PyCMethod_New, PyModule_Create2, PyImport_Import); releasing the interpreter around pure C
 * work (PyEval_SaveThread, PyEval_RestoreThread, PyThreadState_Get); printing an exception
 * (PyErr_PrintEx). No mutable module-level state: the types are static and readied once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>

/* ---- Box: a plain object with a C field, made by the generic tp_alloc/tp_new ---------- */

typedef struct {
  PyObject_HEAD
  long value;
} BoxObject;

static PyObject* box_repr(PyObject* self) {
  return PyUnicode_FromFormat("Box(%ld)", ((BoxObject*)self)->value);
}

static PyObject* tag_repr(PyObject* self) {
  return PyUnicode_FromFormat("Tag(%ld)", ((BoxObject*)self)->value);
}

static PyTypeObject Box_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lifecycle.Box",
    .tp_basicsize = sizeof(BoxObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_repr = box_repr,
    .tp_alloc = PyType_GenericAlloc,
    .tp_new = PyType_GenericNew,
};

/* Same layout as Box: an object may move between the two (Py_SET_TYPE, PyObject_Init). */
static PyTypeObject Tag_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lifecycle.Tag",
    .tp_basicsize = sizeof(BoxObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_repr = tag_repr,
    .tp_new = PyType_GenericNew,
};

/* ---- Row: a variable-size object of longs ---------------------------------------------- */

typedef struct {
  PyObject_VAR_HEAD
  long cells[1];
} RowObject;

static PyObject* row_repr(PyObject* self) {
  RowObject* row = (RowObject*)self;
  PyObject* items = PyList_New(0);
  if (items == NULL) return NULL;
  for (Py_ssize_t i = 0; i < Py_SIZE(row); ++i) {
    PyObject* cell = PyLong_FromLong(row->cells[i]);
    if (cell == NULL || PyList_Append(items, cell) < 0) {
      Py_XDECREF(cell);
      Py_DECREF(items);
      return NULL;
    }
    Py_DECREF(cell);
  }
  PyObject* repr = PyUnicode_FromFormat("Row(%zd, %R)", Py_SIZE(row), items);
  Py_DECREF(items);
  return repr;
}

static PyTypeObject Row_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lifecycle.Row",
    .tp_basicsize = offsetof(RowObject, cells),
    .tp_itemsize = sizeof(long),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_repr = row_repr,
};

/* ---- Node: a GC object with an instance dict ------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* dict;
  PyObject* link;
} NodeObject;

static int node_traverse(PyObject* self, visitproc visit, void* arg) {
  NodeObject* node = (NodeObject*)self;
  Py_VISIT(node->dict);
  Py_VISIT(node->link);
  return 0;
}

static int node_clear(PyObject* self) {
  NodeObject* node = (NodeObject*)self;
  Py_CLEAR(node->dict);
  Py_CLEAR(node->link);
  return 0;
}

static void node_dealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  node_clear(self);
  Py_TYPE(self)->tp_free(self);
}

static PyTypeObject Node_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lifecycle.Node",
    .tp_basicsize = sizeof(NodeObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_dealloc = node_dealloc,
    .tp_traverse = node_traverse,
    .tp_clear = node_clear,
    .tp_getattro = PyObject_GenericGetAttr,
    .tp_setattro = PyObject_GenericSetAttr,
    .tp_dictoffset = offsetof(NodeObject, dict),
    .tp_alloc = PyType_GenericAlloc,
    .tp_new = PyType_GenericNew,
    .tp_free = PyObject_GC_Del,
};

/* ---- Module functions ------------------------------------------------------------------ */

/* Box made through its type's slots, given a value, then turned into a Tag and back. */
static PyObject* make_box(PyObject* Py_UNUSED(module), PyObject* args) {
  long value;
  if (!PyArg_ParseTuple(args, "l:make_box", &value)) return NULL;
  PyObject* empty = PyTuple_New(0);
  if (empty == NULL) return NULL;
  PyObject* box = Box_Type.tp_new(&Box_Type, empty, NULL);
  Py_DECREF(empty);
  if (box == NULL) return NULL;
  ((BoxObject*)box)->value = value;
  PyObject* as_box = PyObject_Repr(box);
  Py_SET_TYPE(box, &Tag_Type);
  PyObject* as_tag = PyObject_Repr(box);
  const int is_tag = Py_IS_TYPE(box, &Tag_Type);
  Py_SET_TYPE(box, &Box_Type);
  return Py_BuildValue("(NNiN)", as_box, as_tag, is_tag, box);
}

/* The generic allocator directly: a zeroed Row of n cells, then filled. */
static PyObject* make_row(PyObject* Py_UNUSED(module), PyObject* args) {
  Py_ssize_t n;
  if (!PyArg_ParseTuple(args, "n:make_row", &n)) return NULL;
  if (n < 0) {
    PyErr_SetString(PyExc_ValueError, "negative size");
    return NULL;
  }
  PyObject* row = PyType_GenericAlloc(&Row_Type, n);
  if (row == NULL) return NULL;
  long zeroed = 1;
  for (Py_ssize_t i = 0; i < n; ++i) {
    zeroed &= ((RowObject*)row)->cells[i] == 0;
    ((RowObject*)row)->cells[i] = (long)(i * 10);
  }
  return Py_BuildValue("(Nl)", row, zeroed);
}

/* Py_SET_SIZE: a Row made shorter (its last cells are then not part of it). */
static PyObject* shrink(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject* row;
  Py_ssize_t n;
  if (!PyArg_ParseTuple(args, "O!n:shrink", &Row_Type, &row, &n)) return NULL;
  if (n < 0 || n > Py_SIZE(row)) {
    PyErr_Format(PyExc_ValueError, "size %zd out of range", n);
    return NULL;
  }
  Py_SET_SIZE(row, n);
  return Py_NewRef(row);
}

/* PyObject_Init/PyObject_InitVar on objects fresh from PyObject_New/NewVar (their memory
 * comes from the object allocator): the header is set again, to another type or size. */
static PyObject* reinit(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  BoxObject* box = PyObject_New(BoxObject, &Box_Type);
  if (box == NULL) return NULL;
  box->value = 5;
  PyObject* tag = PyObject_Init((PyObject*)box, &Tag_Type);
  RowObject* row = PyObject_NewVar(RowObject, &Row_Type, 4);
  if (row == NULL) {
    Py_DECREF(tag);
    return NULL;
  }
  for (Py_ssize_t i = 0; i < 4; ++i) row->cells[i] = (long)i + 1;
  PyVarObject* shorter = PyObject_InitVar((PyVarObject*)row, &Row_Type, 2);
  return Py_BuildValue("(NNi)", tag, (PyObject*)shorter, shorter == (PyVarObject*)row);
}

/* What the GC queries say of a fresh Node (tracked by tp_alloc), of it untracked and
 * tracked again, of a Box (no GC), and of builtin objects. */
static PyObject* gc_state(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  PyObject* node = PyObject_CallNoArgs((PyObject*)&Node_Type);
  if (node == NULL) return NULL;
  const int tracked = PyObject_GC_IsTracked(node);
  PyObject_GC_UnTrack(node);
  const int untracked = PyObject_GC_IsTracked(node);
  PyObject_GC_Track(node);
  const int retracked = PyObject_GC_IsTracked(node);
  PyObject* box = PyObject_CallNoArgs((PyObject*)&Box_Type);
  PyObject* list = PyList_New(0);
  PyObject* number = PyLong_FromLong(1000);
  PyObject* result = NULL;
  if (box != NULL && list != NULL && number != NULL) {
    result = Py_BuildValue(
        "{s:(iiii),s:(ii),s:(ii),s:(ii)}",
        "node", PyObject_IS_GC(node), tracked, untracked, retracked,
        "box", PyObject_IS_GC(box), PyObject_GC_IsTracked(box),
        "list", PyObject_IS_GC(list), PyObject_GC_IsTracked(list),
        "int", PyObject_IS_GC(number), PyObject_GC_IsTracked(number));
    if (result != NULL) {
      PyObject* finalized = Py_BuildValue("(ii)", PyObject_GC_IsFinalized(node),
                                          PyObject_GC_IsFinalized(list));
      if (finalized == NULL || PyDict_SetItemString(result, "finalized", finalized) < 0) {
        Py_CLEAR(result);
      }
      Py_XDECREF(finalized);
    }
  }
  Py_XDECREF(number);
  Py_XDECREF(list);
  Py_XDECREF(box);
  Py_DECREF(node);
  return result;
}

/* Attributes of a Node through PyObject_GenericSetAttr (its instance dict): set, read,
 * replace, delete, delete again; and a Node linked to another, dropped, freed by
 * tp_free = PyObject_GC_Del when the collector (or CPython's refcount) gets to it. */
static PyObject* attributes(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* name;
  PyObject* value;
  if (!PyArg_ParseTuple(args, "sO:attributes", &name, &value)) return NULL;
  PyObject* node = PyObject_CallNoArgs((PyObject*)&Node_Type);
  if (node == NULL) return NULL;
  PyObject* key = PyUnicode_FromString(name);
  PyObject* steps = PyList_New(0);
  if (key == NULL || steps == NULL) goto done;
  {
    const int set = PyObject_GenericSetAttr(node, key, value);
    PyObject* got = PyObject_GetAttr(node, key);
    PyObject* entry = Py_BuildValue("(sO)", "set", got != NULL ? got : Py_None);
    if (set < 0 || got == NULL) PyErr_Clear();
    Py_XDECREF(got);
    PyList_Append(steps, entry);
    Py_XDECREF(entry);
  }
  {
    PyObject* other = PyLong_FromLong(2);
    PyObject_SetAttr(node, key, other);
    Py_DECREF(other);
    PyObject* got = PyObject_GetAttr(node, key);
    PyObject* entry = Py_BuildValue("(sO)", "replaced", got != NULL ? got : Py_None);
    if (got == NULL) PyErr_Clear();
    Py_XDECREF(got);
    PyList_Append(steps, entry);
    Py_XDECREF(entry);
  }
  for (int round = 0; round < 2; ++round) {
    const int deleted = PyObject_GenericSetAttr(node, key, NULL);
    PyObject* entry;
    if (deleted < 0) {
      PyObject *type, *exc, *traceback;
      PyErr_Fetch(&type, &exc, &traceback);
      PyObject* text = exc != NULL ? PyObject_Str(exc) : NULL;
      entry = Py_BuildValue("(sO)", ((PyTypeObject*)type)->tp_name, text != NULL ? text : Py_None);
      if (text == NULL) PyErr_Clear();
      Py_XDECREF(text);
      Py_XDECREF(type);
      Py_XDECREF(exc);
      Py_XDECREF(traceback);
    } else {
      entry = Py_BuildValue("(si)", "deleted", PyObject_HasAttr(node, key));
    }
    PyList_Append(steps, entry);
    Py_XDECREF(entry);
  }
  {
    PyObject* peer = PyObject_CallNoArgs((PyObject*)&Node_Type);
    if (peer != NULL) {
      ((NodeObject*)node)->link = peer; /* a cycle: node -> peer -> node */
      ((NodeObject*)peer)->link = Py_NewRef(node);
    }
  }
done:
  Py_XDECREF(key);
  Py_DECREF(node);
  return steps;
}

/* A PyMethodDef bound at run time to a chosen self and module name. */
static PyObject* bound_echo(PyObject* self, PyObject* args) {
  return Py_BuildValue("(OO)", self != NULL ? self : Py_None, args);
}

static PyMethodDef echo_def = {"echo", bound_echo, METH_VARARGS, "Returns (self, args)."};

static PyObject* make_function(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *self, *module_name;
  if (!PyArg_ParseTuple(args, "OO:make_function", &self, &module_name)) return NULL;
  PyObject* function = PyCFunction_NewEx(&echo_def, self, module_name);
  if (function == NULL) return NULL;
  PyObject* method = PyCMethod_New(&echo_def, self, NULL, NULL);
  if (method == NULL) {
    Py_DECREF(function);
    return NULL;
  }
  PyObject* called = PyObject_CallFunction(function, "(ii)", 1, 2);
  PyObject* called_method = called == NULL ? NULL : PyObject_CallFunction(method, "(s)", "m");
  PyObject* result = called_method == NULL
                         ? NULL
                         : Py_BuildValue("(NNi)", called, called_method,
                                         PyCFunction_GetSelf(function) == self);
  if (result == NULL) {
    Py_XDECREF(called);
  }
  Py_DECREF(method);
  Py_DECREF(function);
  return result;
}

static PyMethodDef sub_methods[] = {
    {"echo", bound_echo, METH_VARARGS, "Returns (self, args)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef sub_module = {
    PyModuleDef_HEAD_INIT, "lifecycle_sub", "Made by PyModule_Create2.", -1, sub_methods,
};

/* A module made at run time, and the module itself imported again by name. */
static PyObject* modules(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  PyObject* sub = PyModule_Create2(&sub_module, PYTHON_API_VERSION);
  if (sub == NULL) return NULL;
  PyObject* echoed = PyObject_CallMethod(sub, "echo", "(i)", 3);
  PyObject* doc = PyObject_GetAttrString(sub, "__doc__");
  PyObject* name = PyUnicode_FromString("lifecycle");
  PyObject* again = name != NULL ? PyImport_Import(name) : NULL;
  PyObject* result = NULL;
  if (echoed != NULL && doc != NULL && again != NULL) {
    result = Py_BuildValue("(sOOi)", PyModule_GetName(sub), echoed, doc, again == module);
  }
  Py_XDECREF(again);
  Py_XDECREF(name);
  Py_XDECREF(doc);
  Py_XDECREF(echoed);
  Py_DECREF(sub);
  return result;
}

/* Sums 1..n with the interpreter released (pure C, touching no object), as extensions
 * release the GIL around long computations. */
static PyObject* released_sum(PyObject* Py_UNUSED(module), PyObject* args) {
  long n;
  if (!PyArg_ParseTuple(args, "l:released_sum", &n)) return NULL;
  PyThreadState* before = PyThreadState_Get();
  PyThreadState* saved = PyEval_SaveThread();
  long long sum = 0;
  for (long i = 1; i <= n; ++i) sum += i;
  PyEval_RestoreThread(saved);
  PyThreadState* after = PyThreadState_Get();
  return Py_BuildValue("(Lii)", sum, saved == before, after == before);
}

/* Raises, then prints the exception to stderr (PyErr_PrintEx) and reports that it is gone. */
static PyObject* print_error(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* message;
  if (!PyArg_ParseTuple(args, "s:print_error", &message)) return NULL;
  PyErr_SetString(PyExc_ValueError, message);
  PyErr_PrintEx(0);
  return PyBool_FromLong(PyErr_Occurred() == NULL);
}

static PyMethodDef lifecycle_methods[] = {
    {"make_box", make_box, METH_VARARGS, NULL},
    {"make_row", make_row, METH_VARARGS, NULL},
    {"shrink", shrink, METH_VARARGS, NULL},
    {"reinit", reinit, METH_NOARGS, NULL},
    {"gc_state", gc_state, METH_NOARGS, NULL},
    {"attributes", attributes, METH_VARARGS, NULL},
    {"make_function", make_function, METH_VARARGS, NULL},
    {"modules", modules, METH_NOARGS, NULL},
    {"released_sum", released_sum, METH_VARARGS, NULL},
    {"print_error", print_error, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef lifecycle_module = {
    PyModuleDef_HEAD_INIT, "lifecycle", "Object life cycle by hand.", -1, lifecycle_methods,
};

PyMODINIT_FUNC PyInit_lifecycle(void) {
  if (PyType_Ready(&Box_Type) < 0 || PyType_Ready(&Tag_Type) < 0 ||
      PyType_Ready(&Row_Type) < 0 || PyType_Ready(&Node_Type) < 0) {
    return NULL;
  }
  PyObject* module = PyModule_Create(&lifecycle_module);
  if (module == NULL) return NULL;
  if (PyModule_AddType(module, &Box_Type) < 0 || PyModule_AddType(module, &Tag_Type) < 0 ||
      PyModule_AddType(module, &Row_Type) < 0 || PyModule_AddType(module, &Node_Type) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
