/* An extension module using what real modules (zope.interface, pyrsistent, ujson, brotli)
 * reach for beyond the common API: super objects (PySuper_Type), PyList_Sort, _PyList_Extend,
 * _PyEval_SliceIndex as an "O&" converter, the deprecated trashcan macros in a deallocator,
 * and CPython's header names included one by one.
 *
 * Item(key, tag) compares by key only (tp_richcompare), so sorting shows stability; key 99
 * raises from the comparison, and an item holding a `victim` list appends to it when
 * compared (the list being sorted: "list modified during sort").
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <bytesobject.h>
#include <frameobject.h>
#include <listobject.h>
#include <longobject.h>
#include <pystrtod.h>
#include "structmember.h"

/* ---- Item ---------------------------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  long key;
  long tag;
  PyObject* victim; /* a list to append to when compared, or NULL */
} Item;

static PyTypeObject Item_Type;

static void item_dealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_TRASHCAN_SAFE_BEGIN(self)
  Py_CLEAR(((Item*)self)->victim);
  Py_TYPE(self)->tp_free(self);
  Py_TRASHCAN_SAFE_END(self)
}

static int item_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(((Item*)self)->victim);
  return 0;
}

static PyObject* item_repr(PyObject* self) {
  return PyUnicode_FromFormat("Item(%ld, %ld)", ((Item*)self)->key, ((Item*)self)->tag);
}

static PyObject* item_richcompare(PyObject* a, PyObject* b, int op) {
  if (!PyObject_TypeCheck(a, &Item_Type) || !PyObject_TypeCheck(b, &Item_Type)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  Item* x = (Item*)a;
  Item* y = (Item*)b;
  if (x->key == 99 || y->key == 99) {
    PyErr_SetString(PyExc_ValueError, "key 99 cannot be compared");
    return NULL;
  }
  Item* with_victim = x->victim != NULL ? x : y->victim != NULL ? y : NULL;
  if (with_victim != NULL && PyList_Append(with_victim->victim, Py_None) < 0) return NULL;
  Py_RETURN_RICHCOMPARE(x->key, y->key, op);
}

static PyObject* make_item(long key, long tag, PyObject* victim) {
  Item* item = PyObject_GC_New(Item, &Item_Type);
  if (item == NULL) return NULL;
  item->key = key;
  item->tag = tag;
  item->victim = victim;
  Py_XINCREF(victim);
  PyObject_GC_Track(item);
  return (PyObject*)item;
}

static PyTypeObject Item_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "listsuper.Item",
    .tp_basicsize = sizeof(Item),
    .tp_dealloc = item_dealloc,
    .tp_repr = item_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = item_traverse,
    .tp_richcompare = item_richcompare,
};

/* ---- Base and Derived, for super --------------------------------------------------------- */

static PyObject* base_who(PyObject* self, PyObject* unused) {
  return PyUnicode_FromFormat("Base.who of %s", Py_TYPE(self)->tp_name);
}
static PyObject* base_kind(PyObject* cls, PyObject* unused) {
  return PyUnicode_FromFormat("Base.kind of %s", ((PyTypeObject*)cls)->tp_name);
}
static PyObject* derived_who(PyObject* self, PyObject* unused) {
  return PyUnicode_FromString("Derived.who");
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
static PyMemberDef base_members[] = {
    {"level", T_INT, sizeof(PyObject), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

typedef struct {
  PyObject_HEAD
  int level;
} Base;

static PyObject* base_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  Base* self = (Base*)type->tp_alloc(type, 0);
  if (self != NULL) self->level = type->tp_base == &PyBaseObject_Type ? 1 : 2;
  return (PyObject*)self;
}

static PyTypeObject Base_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "listsuper.Base",
    .tp_basicsize = sizeof(Base),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_methods = base_methods,
    .tp_members = base_members,
    .tp_new = base_new,
};
static PyTypeObject Derived_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "listsuper.Derived",
    .tp_basicsize = sizeof(Base),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_methods = derived_methods,
    .tp_base = &Base_Type,
};

/* ---- Module functions ------------------------------------------------------------------ */

/* items(((key, tag), ...), with_victim=0) -> a list of Items; with_victim: the first item
 * appends to the list itself whenever it is compared. */
static PyObject* items(PyObject* self, PyObject* args) {
  PyObject* pairs;
  int with_victim = 0;
  if (!PyArg_ParseTuple(args, "O!|p", &PyTuple_Type, &pairs, &with_victim)) return NULL;
  PyObject* list = PyList_New(0);
  if (list == NULL) return NULL;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(pairs); ++i) {
    long key, tag;
    if (!PyArg_ParseTuple(PyTuple_GET_ITEM(pairs, i), "ll", &key, &tag)) goto fail;
    PyObject* item = make_item(key, tag, with_victim && i == 0 ? list : NULL);
    if (item == NULL || PyList_Append(list, item) < 0) {
      Py_XDECREF(item);
      goto fail;
    }
    Py_DECREF(item);
  }
  return list;
fail:
  Py_DECREF(list);
  return NULL;
}

/* sort(obj) -> (status, obj): PyList_Sort; a comparison's exception propagates. */
static PyObject* sort(PyObject* self, PyObject* arg) {
  if (PyList_Sort(arg) < 0) {
    if (PyErr_ExceptionMatches(PyExc_SystemError)) {
      PyErr_Clear();
      PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject* result = Py_BuildValue("(sNn)", Py_TYPE(value)->tp_name, PyObject_Str(value),
                                     PyList_Check(arg) ? PyList_GET_SIZE(arg) : -1);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return result;
  }
  return Py_BuildValue("(iO)", 0, arg);
}

/* extend(list, iterable) -> list after _PyList_Extend (whose result must be None). */
static PyObject* extend(PyObject* self, PyObject* args) {
  PyObject *list, *iterable;
  if (!PyArg_ParseTuple(args, "O!O", &PyList_Type, &list, &iterable)) return NULL;
  PyObject* none = _PyList_Extend((PyListObject*)list, iterable);
  if (none == NULL) return NULL;
  if (none != Py_None) {
    Py_DECREF(none);
    PyErr_SetString(PyExc_AssertionError, "_PyList_Extend did not return None");
    return NULL;
  }
  Py_DECREF(none);
  return Py_NewRef(list);
}

/* window(seq, start=None, stop=None) -> seq[start:stop] through _PyEval_SliceIndex as "O&". */
static PyObject* window(PyObject* self, PyObject* args) {
  PyObject* seq;
  Py_ssize_t start = 0, stop = PY_SSIZE_T_MAX;
  if (!PyArg_ParseTuple(args, "O|O&O&:window", &seq, _PyEval_SliceIndex, &start,
                        _PyEval_SliceIndex, &stop)) {
    return NULL;
  }
  return Py_BuildValue("(nnN)", start, stop, PySequence_GetSlice(seq, start, stop));
}

/* index_not_none(v) -> _PyEval_SliceIndexNotNone's value. */
static PyObject* index_not_none(PyObject* self, PyObject* arg) {
  Py_ssize_t i = -7;
  if (!_PyEval_SliceIndexNotNone(arg, &i)) return NULL;
  return PyLong_FromSsize_t(i);
}

/* super_of(args) -> super(*args): its repr, __thisclass__, whether __self__ is args[1] (or
 * None when there is none), __self_class__, and the type check. */
static PyObject* super_of(PyObject* self, PyObject* args) {
  PyObject* su = PyObject_CallObject((PyObject*)&PySuper_Type, args);
  if (su == NULL) return NULL;
  PyObject* bound = PyObject_GetAttrString(su, "__self__");
  PyObject* obj = PyTuple_GET_SIZE(args) > 1 ? PyTuple_GET_ITEM(args, 1) : Py_None;
  PyObject* result =
      bound == NULL ? NULL
                    : Py_BuildValue("(NNsNi)", PyObject_Repr(su),
                                    PyObject_GetAttrString(su, "__thisclass__"),
                                    bound == Py_None ? "None" : bound == obj ? "obj" : "other",
                                    PyObject_GetAttrString(su, "__self_class__"),
                                    PyObject_TypeCheck(su, &PySuper_Type));
  Py_XDECREF(bound);
  Py_DECREF(su);
  return result;
}

/* super_get(type, obj, name) -> getattr(super(type, obj), name), called if callable. */
static PyObject* super_get(PyObject* self, PyObject* args) {
  PyObject *type, *obj, *name;
  if (!PyArg_ParseTuple(args, "OOU", &type, &obj, &name)) return NULL;
  PyObject* su = PyObject_CallFunctionObjArgs((PyObject*)&PySuper_Type, type, obj, NULL);
  if (su == NULL) return NULL;
  PyObject* attr = PyObject_GetAttr(su, name);
  Py_DECREF(su);
  if (attr == NULL || !PyCallable_Check(attr)) return attr;
  PyObject* result = PyObject_CallNoArgs(attr);
  Py_DECREF(attr);
  return result;
}

/* new(type) -> an instance of Base or Derived. */
static PyObject* new_(PyObject* self, PyObject* type) { return PyObject_CallNoArgs(type); }

static PyMethodDef methods[] = {
    {"items", items, METH_VARARGS, NULL},
    {"sort", sort, METH_O, NULL},
    {"extend", extend, METH_VARARGS, NULL},
    {"window", window, METH_VARARGS, NULL},
    {"index_not_none", index_not_none, METH_O, NULL},
    {"super_of", super_of, METH_VARARGS, NULL},
    {"super_get", super_get, METH_VARARGS, NULL},
    {"new", new_, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "listsuper", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit_listsuper(void) {
  if (PyType_Ready(&Item_Type) < 0 || PyType_Ready(&Base_Type) < 0 ||
      PyType_Ready(&Derived_Type) < 0) {
    return NULL;
  }
  PyObject* module = PyModule_Create(&module_def);
  if (module == NULL) return NULL;
  if (PyModule_AddObjectRef(module, "Base", (PyObject*)&Base_Type) < 0 ||
      PyModule_AddObjectRef(module, "Derived", (PyObject*)&Derived_Type) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
