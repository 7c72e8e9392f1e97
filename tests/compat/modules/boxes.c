/* An extension module in classic CPython style: a non-GC type that owns a reference and
 * releases it in tp_dealloc, and a function that stores into a module global.
 *
 *   boxes.box(obj)       -> a Box holding obj
 *   boxes.unbox(box)     -> the object (a new reference)
 *   boxes.remember(obj)  -> None; keeps obj in a C global (replacing the previous one)
 *   boxes.recall()       -> the remembered object, or None
 *   boxes.freed()        -> how many Boxes were deallocated
 *   boxes.over_release(obj) -> None, after one Py_DECREF too many (a deliberate bug)
 */
#include <Python.h>
#include <pthread.h>

typedef struct {
  PyObject_HEAD
  PyObject* item;
} Box;

static long freed;
/* A strong reference held by C code (a pin), guarded by remembered_lock: there is no GIL,
 * so module state shared by threads needs a lock of its own, as under free-threaded
 * CPython. The lock is taken outside the heap (in a native region), so a thread waiting
 * for it never holds up a collection; the code under it does not allocate. */
static PyObject* remembered;
static pthread_mutex_t remembered_lock = PTHREAD_MUTEX_INITIALIZER;

static void lock_remembered(void) {
  Py_BEGIN_ALLOW_THREADS
  pthread_mutex_lock(&remembered_lock);
  Py_END_ALLOW_THREADS
}

static void Box_dealloc(Box* self) {
  Py_XDECREF(self->item);
  __atomic_fetch_add(&freed, 1, __ATOMIC_RELAXED);
  PyObject_Del(self);
}

static PyTypeObject BoxType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "boxes.Box",                 /* tp_name */
    sizeof(Box),                 /* tp_basicsize */
    0,                           /* tp_itemsize */
    (destructor)Box_dealloc,     /* tp_dealloc */
    0,                           /* tp_vectorcall_offset */
    0,                           /* tp_getattr */
    0,                           /* tp_setattr */
    0,                           /* tp_as_async */
    0,                           /* tp_repr */
    0,                           /* tp_as_number */
    0,                           /* tp_as_sequence */
    0,                           /* tp_as_mapping */
    0,                           /* tp_hash */
    0,                           /* tp_call */
    0,                           /* tp_str */
    0,                           /* tp_getattro */
    0,                           /* tp_setattro */
    0,                           /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT,          /* tp_flags */
    "A box holding one object",  /* tp_doc */
};

static PyObject* boxes_box(PyObject* module, PyObject* item) {
  Box* box = PyObject_New(Box, &BoxType);
  if (box == NULL) return NULL;
  Py_INCREF(item);
  box->item = item;
  return (PyObject*)box;
}

static PyObject* boxes_unbox(PyObject* module, PyObject* args) {
  PyObject* box;
  if (!PyArg_ParseTuple(args, "O!:unbox", &BoxType, &box)) return NULL;
  return Py_NewRef(((Box*)box)->item);
}

static PyObject* boxes_remember(PyObject* module, PyObject* obj) {
  lock_remembered();
  Py_XSETREF(remembered, Py_NewRef(obj));
  pthread_mutex_unlock(&remembered_lock);
  Py_RETURN_NONE;
}

static PyObject* boxes_recall(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  lock_remembered();
  PyObject* result = Py_XNewRef(remembered);
  pthread_mutex_unlock(&remembered_lock);
  if (result == NULL) Py_RETURN_NONE;
  return result;
}

static PyObject* boxes_freed(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  return PyLong_FromLong(__atomic_load_n(&freed, __ATOMIC_RELAXED));
}

static PyObject* boxes_over_release(PyObject* module, PyObject* obj) {
  Py_INCREF(obj);
  Py_DECREF(obj);
  Py_DECREF(obj); /* the bug: one more than this function owns */
  Py_RETURN_NONE;
}

static PyMethodDef boxes_methods[] = {
    {"box", boxes_box, METH_O, NULL},
    {"unbox", boxes_unbox, METH_VARARGS, NULL},
    {"remember", boxes_remember, METH_O, NULL},
    {"recall", boxes_recall, METH_NOARGS, NULL},
    {"freed", boxes_freed, METH_NOARGS, NULL},
    {"over_release", boxes_over_release, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef boxes_module = {
    PyModuleDef_HEAD_INIT, "boxes", NULL, -1, boxes_methods,
};

PyMODINIT_FUNC PyInit_boxes(void) {
  if (PyType_Ready(&BoxType) < 0) return NULL;
  return PyModule_Create(&boxes_module);
}
