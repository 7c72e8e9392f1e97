/* An extension module in classic CPython style with sequence and mapping types:
 *
 *   vector.make(iterable)   -> a Vector: an immutable sequence (sq_length, sq_item,
 *                              sq_contains, sq_concat, sq_repeat, mp_length, mp_subscript
 *                              taking ints and slices) with its own iterator type
 *                              (vector.VectorIterator: tp_iternext, __length_hint__, and
 *                              callable: each call returns the next item, None at the end)
 *                              A Vector is also an async iterable (am_aiter gives its
 *                              iterator, whose am_anext returns the next item or None).
 *   vector.sub(iterable)    -> a SubVector: a subtype of Vector that defines nothing itself
 *   vector.cycle(n)         -> a Cycle: 0..n-1 twice, a sequence with only sq_length and
 *                              sq_item (iterated through the generic sequence iterator); its
 *                              am_aiter wrongly returns a plain iterator
 *   vector.table()          -> a Table: a mutable mapping over a dict (mp_length,
 *                              mp_subscript, mp_ass_subscript; keys() gives a list, items()
 *                              a tuple, values() an int, which is not iterable)
 *   vector.indices(slice, length)     -> (start, stop, step, slicelength), PySlice_GetIndicesEx
 *   vector.old_indices(slice, length) -> (result, start, stop, step), PySlice_GetIndices
 */
#include <Python.h>
#include <stddef.h>

/* ---- Vector ------------------------------------------------------------------------------ */

typedef struct {
  PyObject_VAR_HEAD
  PyObject* items[1];
} Vector;

typedef struct {
  PyObject_HEAD
  Vector* seq; /* NULL once exhausted */
  Py_ssize_t index;
} VectorIterator;

static PyTypeObject VectorType;
static PyTypeObject VectorIteratorType;

#define VECTOR(op) ((Vector*)(op))

/* A new Vector (of `type`: Vector or SubVector) of n items, all None until set. */
static Vector* vector_new_of(PyTypeObject* type, Py_ssize_t n) {
  Vector* v = PyObject_GC_NewVar(Vector, type, n);
  if (v == NULL) return NULL;
  for (Py_ssize_t i = 0; i < n; ++i) v->items[i] = Py_NewRef(Py_None);
  PyObject_GC_Track(v);
  return v;
}

static Vector* vector_new(Py_ssize_t n) { return vector_new_of(&VectorType, n); }

static void vector_set(Vector* v, Py_ssize_t i, PyObject* item) {
  Py_SETREF(v->items[i], Py_NewRef(item));
}

static int vector_traverse(Vector* self, visitproc visit, void* arg) {
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) Py_VISIT(self->items[i]);
  return 0;
}

static int vector_clear(Vector* self) {
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) Py_CLEAR(self->items[i]);
  return 0;
}

static void vector_dealloc(Vector* self) {
  PyObject_GC_UnTrack(self);
  vector_clear(self);
  PyObject_GC_Del(self);
}

static PyObject* vector_repr(Vector* self) {
  PyObject* list = PyList_New(Py_SIZE(self));
  if (list == NULL) return NULL;
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) {
    PyList_SET_ITEM(list, i, Py_NewRef(self->items[i]));
  }
  PyObject* repr = PyUnicode_FromFormat("Vector(%R)", list);
  Py_DECREF(list);
  return repr;
}

static Py_ssize_t vector_length(PyObject* self) { return Py_SIZE(self); }

static PyObject* vector_item(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= Py_SIZE(self)) {
    PyErr_SetString(PyExc_IndexError, "vector index out of range");
    return NULL;
  }
  return Py_NewRef(VECTOR(self)->items[i]);
}

static int vector_contains(PyObject* self, PyObject* value) {
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) {
    int equal = PyObject_RichCompareBool(VECTOR(self)->items[i], value, Py_EQ);
    if (equal != 0) return equal;
  }
  return 0;
}

static PyObject* vector_concat(PyObject* a, PyObject* b) {
  if (!PyObject_TypeCheck(b, &VectorType)) {
    PyErr_Format(PyExc_TypeError, "can only concatenate Vector (not \"%.200s\") to Vector",
                 Py_TYPE(b)->tp_name);
    return NULL;
  }
  Vector* v = vector_new(Py_SIZE(a) + Py_SIZE(b));
  if (v == NULL) return NULL;
  for (Py_ssize_t i = 0; i < Py_SIZE(a); ++i) vector_set(v, i, VECTOR(a)->items[i]);
  for (Py_ssize_t i = 0; i < Py_SIZE(b); ++i) vector_set(v, Py_SIZE(a) + i, VECTOR(b)->items[i]);
  return (PyObject*)v;
}

static PyObject* vector_repeat(PyObject* self, Py_ssize_t n) {
  if (n < 0) n = 0;
  if (Py_SIZE(self) != 0 && n > PY_SSIZE_T_MAX / Py_SIZE(self)) return PyErr_NoMemory();
  Vector* v = vector_new(Py_SIZE(self) * n);
  if (v == NULL) return NULL;
  for (Py_ssize_t i = 0; i < Py_SIZE(v); ++i) {
    vector_set(v, i, VECTOR(self)->items[i % Py_SIZE(self)]);
  }
  return (PyObject*)v;
}

static PyObject* vector_subscript(PyObject* self, PyObject* key) {
  if (PyLong_Check(key)) {
    Py_ssize_t i = PyLong_AsSsize_t(key);
    if (i == -1 && PyErr_Occurred()) return NULL;
    if (i < 0) i += Py_SIZE(self);
    return vector_item(self, i);
  }
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return NULL;
    Py_ssize_t n = PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
    Vector* v = vector_new(n);
    if (v == NULL) return NULL;
    for (Py_ssize_t i = 0, cur = start; i < n; ++i, cur += step) {
      vector_set(v, i, VECTOR(self)->items[cur]);
    }
    return (PyObject*)v;
  }
  PyErr_Format(PyExc_TypeError, "Vector indices must be integers or slices, not %.200s",
               Py_TYPE(key)->tp_name);
  return NULL;
}

static PyObject* vector_iter(PyObject* self) {
  VectorIterator* it = PyObject_GC_New(VectorIterator, &VectorIteratorType);
  if (it == NULL) return NULL;
  it->seq = (Vector*)Py_NewRef(self);
  it->index = 0;
  PyObject_GC_Track(it);
  return (PyObject*)it;
}

static PyAsyncMethods vector_as_async = {
    .am_aiter = vector_iter,
};

static PySequenceMethods vector_as_sequence = {
    vector_length,   /* sq_length */
    vector_concat,   /* sq_concat */
    vector_repeat,   /* sq_repeat */
    vector_item,     /* sq_item */
    0,               /* was_sq_slice */
    0,               /* sq_ass_item */
    0,               /* was_sq_ass_slice */
    vector_contains, /* sq_contains */
};

static PyMappingMethods vector_as_mapping = {
    vector_length,    /* mp_length */
    vector_subscript, /* mp_subscript */
    0,                /* mp_ass_subscript */
};

static PyTypeObject VectorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vector.Vector",
    .tp_basicsize = offsetof(Vector, items),
    .tp_itemsize = sizeof(PyObject*),
    .tp_dealloc = (destructor)vector_dealloc,
    .tp_as_async = &vector_as_async,
    .tp_repr = (reprfunc)vector_repr,
    .tp_as_sequence = &vector_as_sequence,
    .tp_as_mapping = &vector_as_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_SEQUENCE,
    .tp_doc = "An immutable sequence.",
    .tp_traverse = (traverseproc)vector_traverse,
    .tp_clear = (inquiry)vector_clear,
    .tp_iter = vector_iter,
};

/* A subtype that adds nothing: it inherits the slot tables, GC and Py_TPFLAGS_SEQUENCE. */
static PyTypeObject SubVectorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vector.SubVector",
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A Vector, by inheritance.",
    .tp_base = &VectorType,
};

/* ---- VectorIterator ----------------------------------------------------------------------- */

static int vector_iterator_traverse(VectorIterator* self, visitproc visit, void* arg) {
  Py_VISIT(self->seq);
  return 0;
}

static int vector_iterator_clear(VectorIterator* self) {
  Py_CLEAR(self->seq);
  return 0;
}

static void vector_iterator_dealloc(VectorIterator* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(self->seq);
  PyObject_GC_Del(self);
}

static PyObject* vector_iterator_next(VectorIterator* self) {
  if (self->seq == NULL) return NULL;
  if (self->index >= Py_SIZE(self->seq)) {
    Py_CLEAR(self->seq);
    return NULL;
  }
  return Py_NewRef(self->seq->items[self->index++]);
}

/* Calling the iterator: the next item, or None at the end (for PyCallIter_New). */
static PyObject* vector_iterator_call(VectorIterator* self, PyObject* args, PyObject* kwargs) {
  if (!PyArg_ParseTuple(args, ":VectorIterator")) return NULL;
  (void)kwargs;
  PyObject* item = vector_iterator_next(self);
  if (item == NULL && !PyErr_Occurred()) Py_RETURN_NONE;
  return item;
}

static PyObject* vector_iterator_length_hint(VectorIterator* self, PyObject* Py_UNUSED(ignored)) {
  if (self->seq == NULL) return PyLong_FromLong(0);
  return PyLong_FromSsize_t(Py_SIZE(self->seq) - self->index);
}

static PyObject* vector_iterator_anext(PyObject* self) {
  PyObject* item = vector_iterator_next((VectorIterator*)self);
  if (item == NULL && !PyErr_Occurred()) Py_RETURN_NONE;
  return item;
}

static PyAsyncMethods vector_iterator_as_async = {
    .am_anext = vector_iterator_anext,
};

static PyMethodDef vector_iterator_methods[] = {
    {"__length_hint__", (PyCFunction)vector_iterator_length_hint, METH_NOARGS,
     "How many items are left."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject VectorIteratorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vector.VectorIterator",
    .tp_basicsize = sizeof(VectorIterator),
    .tp_dealloc = (destructor)vector_iterator_dealloc,
    .tp_as_async = &vector_iterator_as_async,
    .tp_call = (ternaryfunc)vector_iterator_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)vector_iterator_traverse,
    .tp_clear = (inquiry)vector_iterator_clear,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)vector_iterator_next,
    .tp_methods = vector_iterator_methods,
};

/* ---- Cycle --------------------------------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  Py_ssize_t n;
} Cycle;

static Py_ssize_t cycle_length(PyObject* self) { return 2 * ((Cycle*)self)->n; }

static PyObject* cycle_item(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= cycle_length(self)) {
    PyErr_SetString(PyExc_IndexError, "cycle index out of range");
    return NULL;
  }
  return PyLong_FromSsize_t(i % ((Cycle*)self)->n);
}

static PyAsyncMethods cycle_as_async = {
    .am_aiter = PyObject_GetIter,
};

static PySequenceMethods cycle_as_sequence = {
    .sq_length = cycle_length,
    .sq_item = cycle_item,
};

static PyTypeObject CycleType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vector.Cycle",
    .tp_basicsize = sizeof(Cycle),
    .tp_as_async = &cycle_as_async,
    .tp_as_sequence = &cycle_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "0..n-1, twice.",
};

/* ---- Table --------------------------------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* dict;
} Table;

static int table_traverse(Table* self, visitproc visit, void* arg) {
  Py_VISIT(self->dict);
  return 0;
}

static int table_clear(Table* self) {
  Py_CLEAR(self->dict);
  return 0;
}

static void table_dealloc(Table* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(self->dict);
  PyObject_GC_Del(self);
}

static Py_ssize_t table_length(PyObject* self) { return PyDict_Size(((Table*)self)->dict); }

static PyObject* table_subscript(PyObject* self, PyObject* key) {
  PyObject* value = PyDict_GetItemWithError(((Table*)self)->dict, key);
  if (value != NULL) return Py_NewRef(value);
  if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, key);
  return NULL;
}

static int table_ass_subscript(PyObject* self, PyObject* key, PyObject* value) {
  if (value != NULL) return PyDict_SetItem(((Table*)self)->dict, key, value);
  if (PyDict_GetItemWithError(((Table*)self)->dict, key) == NULL) {
    if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, key);
    return -1;
  }
  return PyDict_DelItem(((Table*)self)->dict, key);
}

static PyObject* table_keys(Table* self, PyObject* Py_UNUSED(ignored)) {
  return PyDict_Keys(self->dict);
}

static PyObject* table_items(Table* self, PyObject* Py_UNUSED(ignored)) {
  PyObject* items = PyDict_Items(self->dict);
  if (items == NULL) return NULL;
  PyObject* tuple = PyList_AsTuple(items);
  Py_DECREF(items);
  return tuple;
}

static PyObject* table_values(Table* self, PyObject* Py_UNUSED(ignored)) {
  return PyLong_FromSsize_t(PyDict_Size(self->dict));
}

static PyMethodDef table_methods[] = {
    {"keys", (PyCFunction)table_keys, METH_NOARGS, "The keys, as a list."},
    {"items", (PyCFunction)table_items, METH_NOARGS, "The items, as a tuple."},
    {"values", (PyCFunction)table_values, METH_NOARGS, "Not the values: their number."},
    {NULL, NULL, 0, NULL},
};

static PyMappingMethods table_as_mapping = {
    table_length,        /* mp_length */
    table_subscript,     /* mp_subscript */
    table_ass_subscript, /* mp_ass_subscript */
};

static PyTypeObject TableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vector.Table",
    .tp_basicsize = sizeof(Table),
    .tp_dealloc = (destructor)table_dealloc,
    .tp_as_mapping = &table_as_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_MAPPING,
    .tp_doc = "A mutable mapping.",
    .tp_traverse = (traverseproc)table_traverse,
    .tp_clear = (inquiry)table_clear,
    .tp_methods = table_methods,
};

/* ---- Module functions ---------------------------------------------------------------------- */

static PyObject* make_of(PyTypeObject* type, PyObject* iterable) {
  PyObject* seq = PySequence_Fast(iterable, "make() needs an iterable");
  if (seq == NULL) return NULL;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  Vector* v = vector_new_of(type, n);
  if (v != NULL) {
    for (Py_ssize_t i = 0; i < n; ++i) vector_set(v, i, PySequence_Fast_GET_ITEM(seq, i));
  }
  Py_DECREF(seq);
  return (PyObject*)v;
}

static PyObject* make(PyObject* module, PyObject* iterable) {
  (void)module;
  return make_of(&VectorType, iterable);
}

static PyObject* sub(PyObject* module, PyObject* iterable) {
  (void)module;
  return make_of(&SubVectorType, iterable);
}

static PyObject* cycle(PyObject* module, PyObject* args) {
  (void)module;
  Py_ssize_t n;
  if (!PyArg_ParseTuple(args, "n:cycle", &n)) return NULL;
  if (n <= 0) {
    PyErr_SetString(PyExc_ValueError, "cycle() needs n > 0");
    return NULL;
  }
  Cycle* c = PyObject_New(Cycle, &CycleType);
  if (c != NULL) c->n = n;
  return (PyObject*)c;
}

static PyObject* table(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  (void)module;
  Table* t = PyObject_GC_New(Table, &TableType);
  if (t == NULL) return NULL;
  t->dict = PyDict_New();
  PyObject_GC_Track(t);
  if (t->dict == NULL) {
    Py_DECREF(t);
    return NULL;
  }
  return (PyObject*)t;
}

static PyObject* indices(PyObject* module, PyObject* args) {
  (void)module;
  PyObject* slice;
  Py_ssize_t length, start, stop, step, slicelength;
  if (!PyArg_ParseTuple(args, "O!n:indices", &PySlice_Type, &slice, &length)) return NULL;
  if (PySlice_GetIndicesEx(slice, length, &start, &stop, &step, &slicelength) < 0) return NULL;
  return Py_BuildValue("(nnnn)", start, stop, step, slicelength);
}

static PyObject* old_indices(PyObject* module, PyObject* args) {
  (void)module;
  PyObject* slice;
  Py_ssize_t length, start = 0, stop = 0, step = 0;
  if (!PyArg_ParseTuple(args, "On:old_indices", &slice, &length)) return NULL;
  int result = PySlice_GetIndices(slice, length, &start, &stop, &step);
  if (result < 0 && PyErr_Occurred()) return NULL;
  return Py_BuildValue("(innn)", result, start, stop, step);
}

static PyMethodDef vector_functions[] = {
    {"make", make, METH_O, "A Vector of the iterable's items."},
    {"sub", sub, METH_O, "A SubVector of the iterable's items."},
    {"cycle", cycle, METH_VARARGS, "A Cycle of 0..n-1, twice."},
    {"table", table, METH_NOARGS, "A new, empty Table."},
    {"indices", indices, METH_VARARGS, "PySlice_GetIndicesEx(slice, length)."},
    {"old_indices", old_indices, METH_VARARGS, "PySlice_GetIndices(slice, length)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef vector_module = {
    PyModuleDef_HEAD_INIT,
    "vector",
    "Sequence and mapping types.",
    -1,
    vector_functions,
};

PyMODINIT_FUNC PyInit_vector(void) {
  if (PyType_Ready(&VectorType) < 0 || PyType_Ready(&SubVectorType) < 0 ||
      PyType_Ready(&VectorIteratorType) < 0 ||
      PyType_Ready(&CycleType) < 0 || PyType_Ready(&TableType) < 0) {
    return NULL;
  }
  PyObject* module = PyModule_Create(&vector_module);
  if (module == NULL) return NULL;
  Py_INCREF(&VectorType);
  if (PyModule_AddObject(module, "Vector", (PyObject*)&VectorType) < 0) {
    Py_DECREF(&VectorType);
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
