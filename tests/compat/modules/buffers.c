/* buffers: an extension module written as CPython extension authors write them, exercising
 * the buffer protocol: a type exporting its bytes (bf_getbuffer/bf_releasebuffer, counting
 * exports), a subclass inheriting the table, a heap type given the table by Py_bf_* slots,
 * and functions consuming buffers through PyObject_GetBuffer, the PyBuffer_* helpers and
 * the argument formats s* z* y* w* s# y#. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
  PyObject_HEAD
  char* data;
  Py_ssize_t size;
  int readonly;
  Py_ssize_t exports;
} BlockObject;

static int Block_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  BlockObject* b = (BlockObject*)self;
  if (PyBuffer_FillInfo(view, self, b->data, b->size, b->readonly, flags) < 0) return -1;
  b->exports++;
  return 0;
}

static void Block_releasebuffer(PyObject* self, Py_buffer* view) {
  (void)view;
  ((BlockObject*)self)->exports--;
}

static PyBufferProcs Block_as_buffer = {
    Block_getbuffer,
    Block_releasebuffer,
};

static PyObject* Block_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"size", "readonly", NULL};
  Py_ssize_t size;
  int readonly = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "n|p:Block", kwlist, &size, &readonly)) {
    return NULL;
  }
  if (size < 0) {
    PyErr_SetString(PyExc_ValueError, "negative size");
    return NULL;
  }
  BlockObject* self = (BlockObject*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->data = PyMem_Malloc(size > 0 ? size : 1);
  if (self->data == NULL) {
    Py_DECREF(self);
    return PyErr_NoMemory();
  }
  for (Py_ssize_t i = 0; i < size; i++) self->data[i] = (char)('a' + i % 26);
  self->size = size;
  self->readonly = readonly;
  self->exports = 0;
  return (PyObject*)self;
}

static void Block_dealloc(PyObject* self) {
  PyMem_Free(((BlockObject*)self)->data);
  Py_TYPE(self)->tp_free(self);
}

static PyObject* Block_exports(PyObject* self, PyObject* unused) {
  (void)unused;
  return PyLong_FromSsize_t(((BlockObject*)self)->exports);
}

static PyMethodDef Block_methods[] = {
    {"exports", Block_exports, METH_NOARGS, "the number of views held"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject Block_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "buffers.Block",
    .tp_basicsize = sizeof(BlockObject),
    .tp_dealloc = Block_dealloc,
    .tp_as_buffer = &Block_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A block of bytes exporting a buffer.",
    .tp_methods = Block_methods,
    .tp_new = Block_new,
};

/* Inherits tp_as_buffer from Block. */
static PyTypeObject SubBlock_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "buffers.SubBlock",
    .tp_basicsize = sizeof(BlockObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A Block subclass.",
};

/* A heap type given the buffer table by slots; its instances own a reference to it. */
static void HeapBlock_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  Block_dealloc(self);
  Py_DECREF(type);
}

static PyType_Slot HeapBlock_slots[] = {
    {Py_bf_getbuffer, Block_getbuffer},
    {Py_bf_releasebuffer, Block_releasebuffer},
    {Py_tp_new, Block_new},
    {Py_tp_dealloc, HeapBlock_dealloc},
    {Py_tp_methods, Block_methods},
    {0, NULL},
};
static PyType_Spec HeapBlock_spec = {
    "buffers.HeapBlock", sizeof(BlockObject), 0, Py_TPFLAGS_DEFAULT, HeapBlock_slots,
};

/* A summary of a view: (len, readonly, itemsize, ndim, format, has shape, has strides,
 * contents). */
static PyObject* describe(Py_buffer* view) {
  PyObject* contents = PyBytes_FromStringAndSize(view->buf, view->len);
  if (contents == NULL) return NULL;
  return Py_BuildValue("(niiizOON)", view->len, view->readonly, (int)view->itemsize,
                       view->ndim, view->format, view->shape != NULL ? Py_True : Py_False,
                       view->strides != NULL ? Py_True : Py_False, contents);
}

static PyObject* checkbuffer(PyObject* self, PyObject* o) {
  (void)self;
  return PyBool_FromLong(PyObject_CheckBuffer(o));
}

static PyObject* getbuf(PyObject* self, PyObject* args) {
  (void)self;
  PyObject* o;
  int flags;
  if (!PyArg_ParseTuple(args, "Oi:getbuf", &o, &flags)) return NULL;
  Py_buffer view;
  if (PyObject_GetBuffer(o, &view, flags) < 0) return NULL;
  PyObject* result = describe(&view);
  PyBuffer_Release(&view);
  if (view.obj != NULL) {
    Py_XDECREF(result);
    PyErr_SetString(PyExc_AssertionError, "PyBuffer_Release left view.obj set");
    return NULL;
  }
  return result;
}

/* Views of `o` held while its exports are read: (exports with two views, after releases). */
static PyObject* hold_two(PyObject* self, PyObject* o) {
  (void)self;
  Py_buffer a, b;
  if (PyObject_GetBuffer(o, &a, PyBUF_SIMPLE) < 0) return NULL;
  if (PyObject_GetBuffer(o, &b, PyBUF_FULL_RO) < 0) {
    PyBuffer_Release(&a);
    return NULL;
  }
  PyObject* during = PyObject_CallMethod(o, "exports", NULL);
  PyBuffer_Release(&b);
  PyBuffer_Release(&a);
  if (during == NULL) return NULL;
  PyObject* after = PyObject_CallMethod(o, "exports", NULL);
  if (after == NULL) {
    Py_DECREF(during);
    return NULL;
  }
  return Py_BuildValue("(NN)", during, after);
}

static PyObject* ystar(PyObject* self, PyObject* args) {
  (void)self;
  Py_buffer view;
  if (!PyArg_ParseTuple(args, "y*:ystar", &view)) return NULL;
  PyObject* result = describe(&view);
  PyBuffer_Release(&view);
  return result;
}

static PyObject* sstar(PyObject* self, PyObject* args) {
  (void)self;
  Py_buffer view;
  if (!PyArg_ParseTuple(args, "s*:sstar", &view)) return NULL;
  PyObject* result = describe(&view);
  PyBuffer_Release(&view);
  return result;
}

static PyObject* zstar(PyObject* self, PyObject* args) {
  (void)self;
  Py_buffer view;
  if (!PyArg_ParseTuple(args, "z*:zstar", &view)) return NULL;
  PyObject* result = view.buf == NULL ? Py_BuildValue("(sn)", "NULL", view.len)
                                      : describe(&view);
  PyBuffer_Release(&view);
  return result;
}

/* w*: writes "XY" at the start of the buffer. */
static PyObject* wstar(PyObject* self, PyObject* args) {
  (void)self;
  Py_buffer view;
  if (!PyArg_ParseTuple(args, "w*:wstar", &view)) return NULL;
  char* p = view.buf;
  for (Py_ssize_t i = 0; i < view.len && i < 2; i++) p[i] = (char)('X' + i);
  PyObject* result = PyLong_FromSsize_t(view.len);
  PyBuffer_Release(&view);
  return result;
}

/* y* then a str: a failure on the str releases the buffer the parse filled. */
static PyObject* ystar_str(PyObject* self, PyObject* args, PyObject* kwargs) {
  (void)self;
  static char* kwlist[] = {"data", "name", NULL};
  Py_buffer view;
  const char* name;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*s:ystar_str", kwlist, &view, &name)) {
    return NULL;
  }
  PyObject* result = Py_BuildValue("(ns)", view.len, name);
  PyBuffer_Release(&view);
  return result;
}

static PyObject* ysharp(PyObject* self, PyObject* args) {
  (void)self;
  const char* data;
  Py_ssize_t size;
  if (!PyArg_ParseTuple(args, "y#:ysharp", &data, &size)) return NULL;
  return PyBytes_FromStringAndSize(data, size);
}

static PyObject* ssharp(PyObject* self, PyObject* args) {
  (void)self;
  const char* data;
  Py_ssize_t size;
  if (!PyArg_ParseTuple(args, "s#:ssharp", &data, &size)) return NULL;
  return PyBytes_FromStringAndSize(data, size);
}

static PyObject* yplain(PyObject* self, PyObject* args) {
  (void)self;
  const char* data;
  if (!PyArg_ParseTuple(args, "y:yplain", &data)) return NULL;
  return PyBytes_FromString(data);
}

/* PyBuffer_FillInfo's refusals. */
static PyObject* fillinfo(PyObject* self, PyObject* args) {
  (void)self;
  int readonly, flags;
  if (!PyArg_ParseTuple(args, "ii:fillinfo", &readonly, &flags)) return NULL;
  static char data[4] = "abc";
  Py_buffer view;
  if (PyBuffer_FillInfo(&view, NULL, data, 3, readonly, flags) < 0) return NULL;
  PyObject* result = describe(&view);
  PyBuffer_Release(&view);
  return result;
}

static PyObject* fillinfo_null(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  if (PyBuffer_FillInfo(NULL, NULL, NULL, 0, 1, 0) < 0) return NULL;
  Py_RETURN_NONE;
}

static PyObject* copydata(PyObject* self, PyObject* args) {
  (void)self;
  PyObject *dest, *src;
  if (!PyArg_ParseTuple(args, "OO:copydata", &dest, &src)) return NULL;
  if (PyObject_CopyData(dest, src) < 0) return NULL;
  Py_buffer view;
  if (PyObject_GetBuffer(dest, &view, PyBUF_SIMPLE) < 0) return NULL;
  PyObject* result = PyBytes_FromStringAndSize(view.buf, view.len);
  PyBuffer_Release(&view);
  return result;
}

static PyObject* sizefromformat(PyObject* self, PyObject* args) {
  (void)self;
  const char* format;
  if (!PyArg_ParseTuple(args, "s:sizefromformat", &format)) return NULL;
  Py_ssize_t n = PyBuffer_SizeFromFormat(format);
  if (n < 0) return NULL;
  return PyLong_FromSsize_t(n);
}

/* A 2x3 array of bytes stored in Fortran order, described by hand: contiguity in each order,
 * copies out and back in C and Fortran order, item addresses. */
static PyObject* strided(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  char data[6] = {'a', 'd', 'b', 'e', 'c', 'f'}; /* [[a b c] [d e f]] column by column */
  Py_ssize_t shape[2] = {2, 3};
  Py_ssize_t strides[2];
  PyBuffer_FillContiguousStrides(2, shape, strides, 1, 'F');
  Py_ssize_t c_strides[2];
  PyBuffer_FillContiguousStrides(2, shape, c_strides, 1, 'C');
  Py_buffer view = {0};
  view.buf = data;
  view.len = 6;
  view.itemsize = 1;
  view.readonly = 0;
  view.ndim = 2;
  view.format = "B";
  view.shape = shape;
  view.strides = strides;
  char c_order[7] = {0}, f_order[7] = {0};
  if (PyBuffer_ToContiguous(c_order, &view, 6, 'C') < 0) return NULL;
  if (PyBuffer_ToContiguous(f_order, &view, 6, 'F') < 0) return NULL;
  Py_ssize_t index[2] = {1, 2};
  char last = *(char*)PyBuffer_GetPointer(&view, index);
  if (PyBuffer_FromContiguous(&view, "uvwxyz", 6, 'C') < 0) return NULL;
  char back[7] = {0};
  memcpy(back, data, 6);
  return Py_BuildValue("(nnnniiissscs)", strides[0], strides[1], c_strides[0], c_strides[1],
                       PyBuffer_IsContiguous(&view, 'C'), PyBuffer_IsContiguous(&view, 'F'),
                       PyBuffer_IsContiguous(&view, 'A'), c_order, f_order, back, last,
                       "done");
}

static PyMethodDef buffers_methods[] = {
    {"checkbuffer", checkbuffer, METH_O, NULL},
    {"getbuf", getbuf, METH_VARARGS, NULL},
    {"hold_two", hold_two, METH_O, NULL},
    {"ystar", ystar, METH_VARARGS, NULL},
    {"sstar", sstar, METH_VARARGS, NULL},
    {"zstar", zstar, METH_VARARGS, NULL},
    {"wstar", wstar, METH_VARARGS, NULL},
    {"ystar_str", (PyCFunction)(void (*)(void))ystar_str, METH_VARARGS | METH_KEYWORDS, NULL},
    {"ysharp", ysharp, METH_VARARGS, NULL},
    {"ssharp", ssharp, METH_VARARGS, NULL},
    {"yplain", yplain, METH_VARARGS, NULL},
    {"fillinfo", fillinfo, METH_VARARGS, NULL},
    {"fillinfo_null", fillinfo_null, METH_NOARGS, NULL},
    {"copydata", copydata, METH_VARARGS, NULL},
    {"sizefromformat", sizefromformat, METH_VARARGS, NULL},
    {"strided", strided, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef buffers_module = {
    PyModuleDef_HEAD_INIT, "buffers", "The buffer protocol.", -1, buffers_methods,
};

PyMODINIT_FUNC PyInit_buffers(void) {
  if (PyType_Ready(&Block_Type) < 0) return NULL;
  SubBlock_Type.tp_base = &Block_Type;
  if (PyType_Ready(&SubBlock_Type) < 0) return NULL;
  PyObject* m = PyModule_Create(&buffers_module);
  if (m == NULL) return NULL;
  PyObject* heap = PyType_FromSpec(&HeapBlock_spec);
  if (heap == NULL ||
      PyModule_AddObject(m, "HeapBlock", heap) < 0 ||
      PyModule_AddObject(m, "Block", Py_NewRef(&Block_Type)) < 0 ||
      PyModule_AddObject(m, "SubBlock", Py_NewRef(&SubBlock_Type)) < 0 ||
      PyModule_AddIntConstant(m, "HEAP_HAS_GETBUFFER",
                              PyType_GetSlot((PyTypeObject*)heap, Py_bf_getbuffer) ==
                                  (void*)Block_getbuffer) < 0) {
    Py_XDECREF(heap);
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
