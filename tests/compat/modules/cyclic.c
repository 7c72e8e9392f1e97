/* An extension module in classic CPython style: a GC type whose instances form cycles.
 *
 *   cyclic.ring(n, payload) -> a ring of n Node objects (returns the first), each holding
 *                              `payload` and the next node
 *   cyclic.counts()         -> (created, finalized, cleared, deallocated)
 *
 * Node has tp_traverse, tp_clear, tp_finalize and tp_dealloc; the counters let tests check
 * that every node of a dropped ring is finalized once, cleared once and deallocated once.
 * Compiled unchanged against Pinion's Python.h.
 */
#include <Python.h>

typedef struct {
  PyObject_HEAD
  PyObject* next;
  PyObject* payload;
  long id;
} Node;

static long created, finalized, cleared, deallocated;

static int Node_traverse(Node* self, visitproc visit, void* arg) {
  Py_VISIT(self->next);
  Py_VISIT(self->payload);
  return 0;
}

static int Node_clear(Node* self) {
  __atomic_fetch_add(&cleared, 1, __ATOMIC_RELAXED);
  Py_CLEAR(self->next);
  Py_CLEAR(self->payload);
  return 0;
}

static void Node_finalize(PyObject* self) {
  __atomic_fetch_add(&finalized, 1, __ATOMIC_RELAXED);
  (void)self;
}

static void Node_dealloc(Node* self) {
  PyObject_GC_UnTrack(self);
  Py_XDECREF(self->next); /* NULL if tp_clear ran first */
  Py_XDECREF(self->payload);
  __atomic_fetch_add(&deallocated, 1, __ATOMIC_RELAXED);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* Node_repr(Node* self) { return PyUnicode_FromFormat("<Node %ld>", self->id); }

static PyTypeObject NodeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cyclic.Node",
    .tp_basicsize = sizeof(Node),
    .tp_dealloc = (destructor)Node_dealloc,
    .tp_repr = (reprfunc)Node_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "A ring node",
    .tp_traverse = (traverseproc)Node_traverse,
    .tp_clear = (inquiry)Node_clear,
    .tp_finalize = Node_finalize,
};

static Node* Node_create(PyObject* payload) {
  Node* node = PyObject_GC_New(Node, &NodeType);
  if (node == NULL) return NULL;
  node->next = NULL;
  Py_INCREF(payload);
  node->payload = payload;
  node->id = __atomic_add_fetch(&created, 1, __ATOMIC_RELAXED);
  PyObject_GC_Track(node);
  return node;
}

static PyObject* cyclic_ring(PyObject* module, PyObject* args) {
  Py_ssize_t n;
  PyObject* payload;
  if (!PyArg_ParseTuple(args, "nO:ring", &n, &payload)) return NULL;
  if (n < 1) {
    PyErr_SetString(PyExc_ValueError, "ring() needs at least one node");
    return NULL;
  }
  Node* first = Node_create(payload);
  if (first == NULL) return NULL;
  Node* last = first;
  for (Py_ssize_t i = 1; i < n; ++i) {
    Node* node = Node_create(payload);
    if (node == NULL) {
      Py_DECREF(first);
      return NULL;
    }
    last->next = (PyObject*)node; /* steals the new reference */
    last = node;
  }
  Py_INCREF(first);
  last->next = (PyObject*)first; /* closes the ring */
  return (PyObject*)first;
}

static PyObject* cyclic_counts(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  return Py_BuildValue("(llll)", __atomic_load_n(&created, __ATOMIC_RELAXED),
                       __atomic_load_n(&finalized, __ATOMIC_RELAXED),
                       __atomic_load_n(&cleared, __ATOMIC_RELAXED),
                       __atomic_load_n(&deallocated, __ATOMIC_RELAXED));
}

static PyMethodDef cyclic_methods[] = {
    {"ring", cyclic_ring, METH_VARARGS, "ring(n, payload) -> the first node of a ring"},
    {"counts", cyclic_counts, METH_NOARGS,
     "counts() -> (created, finalized, cleared, deallocated)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef cyclic_module = {
    PyModuleDef_HEAD_INIT, "cyclic", "Rings of GC objects.", -1, cyclic_methods,
};

PyMODINIT_FUNC PyInit_cyclic(void) {
  if (PyType_Ready(&NodeType) < 0) return NULL;
  PyObject* m = PyModule_Create(&cyclic_module);
  if (m == NULL) return NULL;
  Py_INCREF(&NodeType);
  if (PyModule_AddObject(m, "Node", (PyObject*)&NodeType) < 0) {
    Py_DECREF(&NodeType);
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
