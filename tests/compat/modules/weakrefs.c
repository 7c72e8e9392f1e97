/* An extension module using weak references the way extension authors do: types that accept
 * them (tp_weaklistoffset, and PyObject_ClearWeakRefs in tp_dealloc) — a GC type whose
 * instances can form cycles and a plain one —, PyWeakref_NewRef/NewProxy with and without
 * callbacks, PyWeakref_GetObject and PyWeakref_GET_OBJECT, the PyWeakref_Check* macros, and
 * a callback written in C that records the weak references it is called with.
 *
 * The module keeps no mutable state: each recorder() call makes its own record.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/* CPython's SystemError for a bad argument names its source file and line: only the type
 * and the standard text are kept, so that both builds print the same. */
static PyObject* plain_bad_call(void) {
  if (PyErr_ExceptionMatches(PyExc_SystemError)) {
    PyErr_Clear();
    PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
  }
  return NULL;
}

/* ---- Gc: a GC type with a weak reference list and a `payload` that may close a cycle. */

typedef struct {
  PyObject_HEAD
  PyObject* payload;
  long value;
  PyObject* weakreflist;
} GcObject;

static int gc_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(((GcObject*)self)->payload);
  return 0;
}

static int gc_clear(PyObject* self) {
  Py_CLEAR(((GcObject*)self)->payload);
  return 0;
}

static void gc_dealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  if (((GcObject*)self)->weakreflist != NULL) PyObject_ClearWeakRefs(self);
  gc_clear(self);
  Py_TYPE(self)->tp_free(self);
}

/* Both types: repr "Name(value)", hash the value, equal when the values are. */
static long value_of(PyObject* self);

static PyObject* valued_repr(PyObject* self) {
  return PyUnicode_FromFormat("%s(%ld)", Py_TYPE(self)->tp_name + sizeof("weakrefs.") - 1,
                              value_of(self));
}

static Py_hash_t valued_hash(PyObject* self) {
  long v = value_of(self);
  return v == -1 ? -2 : v;
}

static PyObject* valued_compare(PyObject* a, PyObject* b, int op);

static PyMemberDef gc_members[] = {
    {"value", T_LONG, offsetof(GcObject, value), 0, "the value"},
    {"payload", T_OBJECT, offsetof(GcObject, payload), 0, "anything"},
    {NULL},
};

static PyTypeObject GcType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "weakrefs.Gc",
    .tp_basicsize = sizeof(GcObject),
    .tp_dealloc = gc_dealloc,
    .tp_repr = valued_repr,
    .tp_hash = valued_hash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = gc_traverse,
    .tp_clear = gc_clear,
    .tp_richcompare = valued_compare,
    .tp_weaklistoffset = offsetof(GcObject, weakreflist),
    .tp_members = gc_members,
};

/* ---- Plain: a non-GC type with a weak reference list. */

typedef struct {
  PyObject_HEAD
  PyObject* weakreflist;
  long value;
} PlainObject;

static void plain_dealloc(PyObject* self) {
  if (((PlainObject*)self)->weakreflist != NULL) PyObject_ClearWeakRefs(self);
  Py_TYPE(self)->tp_free(self);
}

static PyMemberDef plain_members[] = {
    {"value", T_LONG, offsetof(PlainObject, value), 0, "the value"},
    {NULL},
};

static PyTypeObject PlainType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "weakrefs.Plain",
    .tp_basicsize = sizeof(PlainObject),
    .tp_dealloc = plain_dealloc,
    .tp_repr = valued_repr,
    .tp_hash = valued_hash,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_richcompare = valued_compare,
    .tp_weaklistoffset = offsetof(PlainObject, weakreflist),
    .tp_members = plain_members,
};

static long value_of(PyObject* self) {
  return Py_IS_TYPE(self, &GcType) ? ((GcObject*)self)->value : ((PlainObject*)self)->value;
}

static PyObject* valued_compare(PyObject* a, PyObject* b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !(Py_IS_TYPE(b, &GcType) || Py_IS_TYPE(b, &PlainType))) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  int equal = value_of(a) == value_of(b);
  return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

/* new_gc(value, cyclic=False): a Gc; cyclic: its payload is itself. */
static PyObject* new_gc(PyObject* module, PyObject* args) {
  long value;
  int cyclic = 0;
  if (!PyArg_ParseTuple(args, "l|p", &value, &cyclic)) return NULL;
  GcObject* self = PyObject_GC_New(GcObject, &GcType);
  if (self == NULL) return NULL;
  self->value = value;
  self->weakreflist = NULL;
  self->payload = cyclic ? Py_NewRef((PyObject*)self) : NULL;
  PyObject_GC_Track((PyObject*)self);
  return (PyObject*)self;
}

static PyObject* new_plain(PyObject* module, PyObject* args) {
  long value;
  if (!PyArg_ParseTuple(args, "l", &value)) return NULL;
  PlainObject* self = PyObject_New(PlainObject, &PlainType);
  if (self == NULL) return NULL;
  self->value = value;
  self->weakreflist = NULL;
  return (PyObject*)self;
}

/* ref(ob, callback=NULL): PyWeakref_NewRef; proxy(...): PyWeakref_NewProxy. */
static PyObject* ref(PyObject* module, PyObject* args) {
  PyObject *ob, *callback = NULL;
  if (!PyArg_ParseTuple(args, "O|O", &ob, &callback)) return NULL;
  return PyWeakref_NewRef(ob, callback);
}

static PyObject* proxy(PyObject* module, PyObject* args) {
  PyObject *ob, *callback = NULL;
  if (!PyArg_ParseTuple(args, "O|O", &ob, &callback)) return NULL;
  return PyWeakref_NewProxy(ob, callback);
}

/* get(ref): PyWeakref_GetObject, as a new reference. */
static PyObject* get(PyObject* module, PyObject* ref) {
  PyObject* ob = PyWeakref_GetObject(ref);
  if (ob == NULL) return plain_bad_call();
  return Py_NewRef(ob);
}

/* get_macro(ref): PyWeakref_GET_OBJECT (after a PyWeakref_Check), a new reference. */
static PyObject* get_macro(PyObject* module, PyObject* ref) {
  if (!PyWeakref_Check(ref)) {
    PyErr_SetString(PyExc_TypeError, "not a weak reference");
    return NULL;
  }
  return Py_NewRef(PyWeakref_GET_OBJECT(ref));
}

/* checks(o): (PyWeakref_Check, CheckRef, CheckRefExact, CheckProxy). */
static PyObject* checks(PyObject* module, PyObject* o) {
  return Py_BuildValue("(iiii)", PyWeakref_Check(o) ? 1 : 0, PyWeakref_CheckRef(o) ? 1 : 0,
                       PyWeakref_CheckRefExact(o) ? 1 : 0, PyWeakref_CheckProxy(o) ? 1 : 0);
}

/* clear_weakrefs(o): PyObject_ClearWeakRefs's argument check (SystemError). */
static PyObject* clear_weakrefs(PyObject* module, PyObject* o) {
  PyObject_ClearWeakRefs(o);
  if (PyErr_Occurred()) return plain_bad_call();
  Py_RETURN_NONE;
}

/* What recorder()'s callback saw: how many calls, and with which objects (identities only).
 * Atomic: the callback may run on another thread (Pinion runs callbacks on the thread that
 * runs finalizers after a collection, which may be another thread's). */
#define RECORDED_MAX 8
typedef struct {
  int reserved; /* slots of `seen` taken */
  int calls;    /* calls done: counted after their slot is written */
  void* seen[RECORDED_MAX];
} Recorded;

static void recorded_free(PyObject* capsule) {
  PyMem_Free(PyCapsule_GetPointer(capsule, "weakrefs.recorded"));
}

static PyObject* record(PyObject* capsule, PyObject* ref) {
  Recorded* r = PyCapsule_GetPointer(capsule, "weakrefs.recorded");
  if (r == NULL) return NULL;
  int at = __atomic_fetch_add(&r->reserved, 1, __ATOMIC_RELAXED);
  if (at < RECORDED_MAX) __atomic_store_n(&r->seen[at], (void*)ref, __ATOMIC_RELAXED);
  __atomic_fetch_add(&r->calls, 1, __ATOMIC_RELEASE);
  Py_RETURN_NONE;
}

static PyMethodDef record_def = {"record", record, METH_O, "Records its argument."};

/* recorder(): (callback, record): callback(ref) notes ref in record (see recorded()). */
static PyObject* recorder(PyObject* module, PyObject* unused) {
  Recorded* r = PyMem_Calloc(1, sizeof(Recorded));
  if (r == NULL) return PyErr_NoMemory();
  PyObject* capsule = PyCapsule_New(r, "weakrefs.recorded", recorded_free);
  if (capsule == NULL) {
    PyMem_Free(r);
    return NULL;
  }
  PyObject* callback = PyCFunction_New(&record_def, capsule);
  if (callback == NULL) {
    Py_DECREF(capsule);
    return NULL;
  }
  return Py_BuildValue("(NN)", callback, capsule);
}

/* recorded(record, ob): (calls so far, how many of them were with `ob`). */
static PyObject* recorded(PyObject* module, PyObject* args) {
  PyObject *capsule, *ob;
  if (!PyArg_ParseTuple(args, "OO", &capsule, &ob)) return NULL;
  Recorded* r = PyCapsule_GetPointer(capsule, "weakrefs.recorded");
  if (r == NULL) return NULL;
  int calls = __atomic_load_n(&r->calls, __ATOMIC_ACQUIRE);
  int with = 0;
  for (int i = 0; i < calls && i < RECORDED_MAX; i++) {
    if (__atomic_load_n(&r->seen[i], __ATOMIC_ACQUIRE) == (void*)ob) with++;
  }
  return Py_BuildValue("(ii)", calls, with);
}

static PyMethodDef methods[] = {
    {"new_gc", new_gc, METH_VARARGS, "new_gc(value, cyclic=False)"},
    {"new_plain", new_plain, METH_VARARGS, "new_plain(value)"},
    {"ref", ref, METH_VARARGS, "PyWeakref_NewRef(ob, callback)"},
    {"proxy", proxy, METH_VARARGS, "PyWeakref_NewProxy(ob, callback)"},
    {"get", get, METH_O, "PyWeakref_GetObject(ref)"},
    {"get_macro", get_macro, METH_O, "PyWeakref_GET_OBJECT(ref)"},
    {"checks", checks, METH_O, "the PyWeakref_Check* macros"},
    {"clear_weakrefs", clear_weakrefs, METH_O, "PyObject_ClearWeakRefs(o)"},
    {"recorder", recorder, METH_NOARGS, "(callback, record)"},
    {"recorded", recorded, METH_VARARGS, "recorded(record, ob): (calls, calls with ob)"},
    {NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "weakrefs",
                                        "Weak references from C.", -1, methods};

PyMODINIT_FUNC PyInit_weakrefs(void) {
  if (PyType_Ready(&GcType) < 0 || PyType_Ready(&PlainType) < 0) return NULL;
  PyObject* module = PyModule_Create(&module_def);
  if (module == NULL) return NULL;
  if (PyModule_AddObjectRef(module, "Gc", (PyObject*)&GcType) < 0 ||
      PyModule_AddObjectRef(module, "Plain", (PyObject*)&PlainType) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
