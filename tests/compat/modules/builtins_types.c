/* An extension module using the builtin types extension code names directly: calling
 * enumerate, reversed and range through their type objects (PyEnum_Type, PyReversed_Type,
 * PyRange_Type), type checks against them (PyRange_Check, PyRangeIter_Type), and the
 * classmethod/staticmethod wrappers (PyClassMethod_New, PyStaticMethod_New).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* make(kind, *args, **kwargs): calls the type named by `kind`. */
static PyObject* make(PyObject* self, PyObject* args, PyObject* kwargs) {
  if (PyTuple_GET_SIZE(args) < 1) {
    PyErr_SetString(PyExc_TypeError, "make(kind, ...)");
    return NULL;
  }
  const char* kind = PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 0));
  if (kind == NULL) return NULL;
  PyTypeObject* type = strcmp(kind, "enumerate") == 0  ? &PyEnum_Type
                       : strcmp(kind, "reversed") == 0 ? &PyReversed_Type
                       : strcmp(kind, "range") == 0    ? &PyRange_Type
                                                       : NULL;
  if (type == NULL) {
    PyErr_SetString(PyExc_ValueError, "unknown kind");
    return NULL;
  }
  PyObject* rest = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
  if (rest == NULL) return NULL;
  PyObject* result = PyObject_Call((PyObject*)type, rest, kwargs);
  Py_DECREF(rest);
  return result;
}

/* drain(iterator): (type name, length hint before, items as a list). */
static PyObject* drain(PyObject* self, PyObject* iterator) {
  if (!PyIter_Check(iterator)) {
    PyErr_SetString(PyExc_TypeError, "not an iterator");
    return NULL;
  }
  Py_ssize_t hint = PyObject_LengthHint(iterator, -7);
  if (hint == -1 && PyErr_Occurred()) return NULL;
  PyObject* items = PySequence_List(iterator);
  if (items == NULL) return NULL;
  return Py_BuildValue("(snN)", Py_TYPE(iterator)->tp_name, hint, items);
}

/* checks(obj): which of the builtin types `obj` is. */
static PyObject* checks(PyObject* self, PyObject* obj) {
  return Py_BuildValue("(iiiiii)", PyRange_Check(obj), Py_IS_TYPE(obj, &PyRangeIter_Type),
                       Py_IS_TYPE(obj, &PyEnum_Type), Py_IS_TYPE(obj, &PyReversed_Type),
                       Py_IS_TYPE(obj, &PyClassMethod_Type), Py_IS_TYPE(obj, &PyStaticMethod_Type));
}

/* type_names(): the types' names, as Python code sees them. */
static PyObject* type_names(PyObject* self, PyObject* unused) {
  return Py_BuildValue("(ssssss)", PyEnum_Type.tp_name, PyReversed_Type.tp_name,
                       PyRange_Type.tp_name, PyRangeIter_Type.tp_name,
                       PyClassMethod_Type.tp_name, PyStaticMethod_Type.tp_name);
}

/* wrap(callable): (classmethod(callable), staticmethod(callable)). */
static PyObject* wrap(PyObject* self, PyObject* callable) {
  return Py_BuildValue("(NN)", PyClassMethod_New(callable), PyStaticMethod_New(callable));
}

/* sequence(obj): the sequence protocol over obj: (len, obj[1], obj[-1], 3 in obj, list). */
static PyObject* sequence(PyObject* self, PyObject* obj) {
  PyObject* three = PyLong_FromLong(3);
  if (three == NULL) return NULL;
  const int has = PySequence_Contains(obj, three);
  Py_DECREF(three);
  if (has < 0) return NULL;
  return Py_BuildValue("(nNNiN)", PySequence_Size(obj), PySequence_GetItem(obj, 1),
                       PySequence_GetItem(obj, -1), has, PySequence_List(obj));
}

/* merge(dict, pairs, override): PyDict_MergeFromSeq2 on a copy of dict; the copy, or the
 * error with what was merged before it. */
static PyObject* merge(PyObject* self, PyObject* args) {
  PyObject *dict, *pairs;
  int override;
  if (!PyArg_ParseTuple(args, "O!Oi", &PyDict_Type, &dict, &pairs, &override)) return NULL;
  PyObject* copy = PyDict_Copy(dict);
  if (copy == NULL) return NULL;
  if (PyDict_MergeFromSeq2(copy, pairs, override) < 0) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject* result = Py_BuildValue("(OON)", type, value != NULL ? value : Py_None, copy);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return result;
  }
  return copy;
}

/* A two-class hierarchy for super(): Base.who() -> 'base', Derived.who() -> 'derived'. */
static PyObject* base_who(PyObject* self, PyObject* unused) { return PyUnicode_FromString("base"); }
static PyObject* derived_who(PyObject* self, PyObject* unused) {
  return PyUnicode_FromString("derived");
}
static PyObject* base_kind(PyObject* cls, PyObject* unused) {
  return PyUnicode_FromFormat("kind of %s", ((PyTypeObject*)cls)->tp_name);
}
static PyMethodDef base_methods[] = {
    {"who", base_who, METH_NOARGS, NULL},
    {"kind", base_kind, METH_NOARGS | METH_CLASS, NULL},
    {NULL, NULL, 0, NULL},
};
static PyMethodDef derived_methods[] = {
    {"who", derived_who, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};
static PyType_Slot base_slots[] = {{Py_tp_methods, base_methods}, {0, NULL}};
static PyType_Slot derived_slots[] = {{Py_tp_methods, derived_methods}, {0, NULL}};
static PyType_Spec base_spec = {"builtins_types.Base", 0, 0,
                                Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, base_slots};
static PyType_Spec derived_spec = {"builtins_types.Derived", 0, 0, Py_TPFLAGS_DEFAULT,
                                   derived_slots};

/* supers(): (Base, Derived) made afresh, for the driver to call super() on. */
static PyObject* supers(PyObject* self, PyObject* unused) {
  PyObject* base = PyType_FromSpec(&base_spec);
  if (base == NULL) return NULL;
  PyObject* derived = PyType_FromSpecWithBases(&derived_spec, base);
  if (derived == NULL) {
    Py_DECREF(base);
    return NULL;
  }
  return Py_BuildValue("(NN)", base, derived);
}

/* is_super(obj): PyObject_TypeCheck against PySuper_Type, as zope.interface does. */
static PyObject* is_super(PyObject* self, PyObject* obj) {
  return PyBool_FromLong(PyObject_TypeCheck(obj, &PySuper_Type));
}

static PyMethodDef methods[] = {
    {"supers", supers, METH_NOARGS, NULL},
    {"is_super", is_super, METH_O, NULL},
    {"merge", merge, METH_VARARGS, NULL},
    {"make", (PyCFunction)(void (*)(void))make, METH_VARARGS | METH_KEYWORDS, NULL},
    {"drain", drain, METH_O, NULL},
    {"checks", checks, METH_O, NULL},
    {"type_names", type_names, METH_NOARGS, NULL},
    {"wrap", wrap, METH_O, NULL},
    {"sequence", sequence, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "builtins_types",
                                        "Builtin types from C.", -1, methods};

PyMODINIT_FUNC PyInit_builtins_types(void) { return PyModule_Create(&module_def); }
