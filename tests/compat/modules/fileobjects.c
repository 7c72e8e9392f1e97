/* An extension module writing to and reading from file-like objects through fileobject.h
 * (PyFile_WriteObject, PyFile_WriteString, PyFile_GetLine, PyObject_AsFileDescriptor) and
 * turning path-like objects into paths (PyOS_FSPath). Its Fake type stands for a file: write()
 * records what it is given, readline([n]) hands out prepared lines, fileno() and __fspath__()
 * return what it was made with.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "structmember.h"

typedef struct {
  PyObject_HEAD
  PyObject* written; /* list */
  PyObject* lines;   /* list, consumed from the front */
  PyObject* value;   /* what fileno() and __fspath__() return */
} Fake;

static int fake_traverse(PyObject* self, visitproc visit, void* arg) {
  Fake* f = (Fake*)self;
  Py_VISIT(f->written);
  Py_VISIT(f->lines);
  Py_VISIT(f->value);
  Py_VISIT(Py_TYPE(self));
  return 0;
}

static void fake_dealloc(PyObject* self) {
  Fake* f = (Fake*)self;
  PyTypeObject* type = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  Py_CLEAR(f->written);
  Py_CLEAR(f->lines);
  Py_CLEAR(f->value);
  type->tp_free(self);
  Py_DECREF(type);
}

static PyObject* fake_write(PyObject* self, PyObject* text) {
  if (PyList_Append(((Fake*)self)->written, text) < 0) return NULL;
  return PyLong_FromSsize_t(PyObject_Length(text));
}

/* readline([n]): the next prepared line (an int "line" is returned as is, to test the
 * non-string error), or b'' when none is left; records n. */
static PyObject* fake_readline(PyObject* self, PyObject* args) {
  Fake* f = (Fake*)self;
  int n = -1;
  if (!PyArg_ParseTuple(args, "|i", &n)) return NULL;
  if (PyList_Append(f->written, PyTuple_GET_SIZE(args) ? PyTuple_GET_ITEM(args, 0) : Py_None) < 0) {
    return NULL;
  }
  if (PyList_GET_SIZE(f->lines) == 0) return PyBytes_FromString("");
  PyObject* line = Py_NewRef(PyList_GET_ITEM(f->lines, 0));
  if (PySequence_DelItem(f->lines, 0) < 0) {
    Py_DECREF(line);
    return NULL;
  }
  return line;
}

static PyObject* fake_value(PyObject* self, PyObject* unused) {
  return Py_NewRef(((Fake*)self)->value);
}

static PyMethodDef fake_methods[] = {
    {"write", fake_write, METH_O, NULL},
    {"readline", fake_readline, METH_VARARGS, NULL},
    {"fileno", fake_value, METH_NOARGS, NULL},
    {"__fspath__", fake_value, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef fake_members[] = {
    {"written", T_OBJECT, offsetof(Fake, written), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot fake_slots[] = {
    {Py_tp_traverse, fake_traverse},
    {Py_tp_dealloc, fake_dealloc},
    {Py_tp_methods, fake_methods},
    {Py_tp_members, fake_members},
    {0, NULL},
};

static PyType_Spec fake_spec = {"fileobjects.Fake", sizeof(Fake), 0,
                                Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, fake_slots};

/* fake(lines, value): a new Fake. */
static PyObject* fake(PyObject* module, PyObject* args) {
  PyObject *lines, *value;
  if (!PyArg_ParseTuple(args, "O!O", &PyList_Type, &lines, &value)) return NULL;
  PyObject* type = PyObject_GetAttrString(module, "Fake");
  if (type == NULL) return NULL;
  Fake* f = PyObject_GC_New(Fake, (PyTypeObject*)type);
  Py_DECREF(type);
  if (f == NULL) return NULL;
  f->written = PyList_New(0);
  f->lines = PyList_GetSlice(lines, 0, PyList_GET_SIZE(lines));
  f->value = Py_NewRef(value);
  PyObject_GC_Track((PyObject*)f);
  if (f->written == NULL || f->lines == NULL) {
    Py_DECREF(f);
    return NULL;
  }
  return (PyObject*)f;
}

/* write_object(obj, f, flags) -> status */
static PyObject* write_object(PyObject* self, PyObject* args) {
  PyObject *obj, *f;
  int flags;
  if (!PyArg_ParseTuple(args, "OOi", &obj, &f, &flags)) return NULL;
  if (PyFile_WriteObject(obj, f == Py_None ? NULL : f, flags) < 0) return NULL;
  return PyLong_FromLong(0);
}

/* write_string(s, f, pending): with `pending`, an exception is set first (nothing written). */
static PyObject* write_string(PyObject* self, PyObject* args) {
  const char* s;
  PyObject* f;
  int pending;
  if (!PyArg_ParseTuple(args, "sOi", &s, &f, &pending)) return NULL;
  if (pending) PyErr_SetString(PyExc_KeyError, "pending");
  if (PyFile_WriteString(s, f == Py_None ? NULL : f) < 0) return NULL;
  return PyLong_FromLong(0);
}

static PyObject* get_line(PyObject* self, PyObject* args) {
  PyObject* f;
  int n;
  if (!PyArg_ParseTuple(args, "Oi", &f, &n)) return NULL;
  return PyFile_GetLine(f, n);
}

static PyObject* as_fd(PyObject* self, PyObject* o) {
  int fd = PyObject_AsFileDescriptor(o);
  if (fd == -1 && PyErr_Occurred()) return NULL;
  return PyLong_FromLong(fd);
}

static PyObject* fspath(PyObject* self, PyObject* o) { return PyOS_FSPath(o); }

static PyMethodDef methods[] = {
    {"fake", fake, METH_VARARGS, NULL},
    {"write_object", write_object, METH_VARARGS, NULL},
    {"write_string", write_string, METH_VARARGS, NULL},
    {"get_line", get_line, METH_VARARGS, NULL},
    {"as_fd", as_fd, METH_O, NULL},
    {"fspath", fspath, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "fileobjects",
                                        "File-like objects from C.", -1, methods};

PyMODINIT_FUNC PyInit_fileobjects(void) {
  PyObject* module = PyModule_Create(&module_def);
  if (module == NULL) return NULL;
  PyObject* type = PyType_FromSpec(&fake_spec);
  if (type == NULL || PyModule_AddObject(module, "Fake", type) < 0) {
    Py_XDECREF(type);
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
