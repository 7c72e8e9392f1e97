/* A module calling the C API the way extension helpers do, for functions no other test
 * names: varargs forms (PyArg_VaParse*, Py_VaBuildValue, PyErr_FormatV,
 * PyUnicode_FromFormatV) behind the module's own variadic helpers; attribute access
 * (PyObject_HasAttr, PyObject_SetAttr, PyObject_GenericGetAttr); memory (PyMem_*, the
 * PyObject_Malloc family on raw memory); integer conversions with overflow flags; type
 * tests (PyObject_TypeCheck, Py_IS_TYPE, PyType_HasFeature, Py_SIZE); modules made by name
 * (PyModule_NewObject, PyModule_SetDocString); the recursion guard of reprs (Py_ReprEnter).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdarg.h>
#include <string.h>

/* The module's own variadic helpers, as extensions write them around the V forms. */
static int parse_pair(PyObject* args, const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  const int ok = PyArg_VaParse(args, format, vargs);
  va_end(vargs);
  return ok;
}

static int parse_keywords(PyObject* args, PyObject* kwargs, const char* format,
                          char** keywords, ...) {
  va_list vargs;
  va_start(vargs, keywords);
  const int ok = PyArg_VaParseTupleAndKeywords(args, kwargs, format, keywords, vargs);
  va_end(vargs);
  return ok;
}

static PyObject* build(const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  PyObject* result = Py_VaBuildValue(format, vargs);
  va_end(vargs);
  return result;
}

static PyObject* fail(PyObject* type, const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  PyErr_FormatV(type, format, vargs);
  va_end(vargs);
  return NULL;
}

static PyObject* text(const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  PyObject* result = PyUnicode_FromFormatV(format, vargs);
  va_end(vargs);
  return result;
}

static PyObject* varargs(PyObject* Py_UNUSED(module), PyObject* args) {
  long a;
  const char* s;
  if (!parse_pair(args, "ls:varargs", &a, &s)) return NULL;
  if (a < 0) return fail(PyExc_ValueError, "negative: %ld (%s)", a, s);
  return build("(l,s,N)", a * 2, s, text("%s=%ld", s, a));
}

static PyObject* keywords(PyObject* Py_UNUSED(module), PyObject* args, PyObject* kwargs) {
  static char* names[] = {"x", "y", NULL};
  int x, y = 10;
  if (!parse_keywords(args, kwargs, "i|i:keywords", names, &x, &y)) return NULL;
  return PyLong_FromSsize_t((Py_ssize_t)x * y);
}

static PyObject* attributes(PyObject* Py_UNUSED(module), PyObject* target) {
  PyObject* name = PyUnicode_FromString("attached");
  PyObject* value = PyLong_FromLong(7);
  const int before = PyObject_HasAttr(target, name);
  const int set = PyObject_SetAttr(target, name, value);
  if (set < 0) {
    Py_DECREF(name);
    Py_DECREF(value);
    return NULL;
  }
  const int after = PyObject_HasAttr(target, name);
  PyObject* generic = PyObject_GenericGetAttr(target, name);
  Py_DECREF(name);
  Py_DECREF(value);
  if (generic == NULL) return NULL;
  return Py_BuildValue("(iiN)", before, after, generic);
}

static PyObject* memory(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  char* block = PyMem_Malloc(8);
  long* zeros = PyMem_Calloc(4, sizeof(long));
  if (block == NULL || zeros == NULL) return PyErr_NoMemory();
  memcpy(block, "pin", 4);
  block = PyMem_Realloc(block, 64);
  strcat(block, "ion");
  char* raw = PyObject_Malloc(16);
  double* raw_zeros = PyObject_Calloc(2, sizeof(double));
  raw = PyObject_Realloc(raw, 32);
  memcpy(raw, "raw", 4);
  void* empty = PyMem_Malloc(0); /* CPython: a distinct non-NULL pointer, as malloc(1) */
  PyObject* result = Py_BuildValue("(sldss)", block, zeros[0] + zeros[3], raw_zeros[1], raw,
                                   empty != NULL ? "zero ok" : "zero null");
  PyMem_Free(empty);
  PyMem_Free(block);
  PyMem_Free(zeros);
  PyObject_Free(raw);
  PyObject_Free(raw_zeros);
  return result;
}

static PyObject* overflow(PyObject* Py_UNUSED(module), PyObject* arg) {
  int flag = 99;
  const long long value = PyLong_AsLongLongAndOverflow(arg, &flag);
  if (value == -1 && flag == 0 && PyErr_Occurred()) return NULL;
  return Py_BuildValue("(Li)", value, flag);
}

static PyObject* types(PyObject* Py_UNUSED(module), PyObject* arg) {
  return Py_BuildValue("(iiiiin)", PyObject_TypeCheck(arg, &PyLong_Type),
                       Py_IS_TYPE(arg, &PyTuple_Type),
                       PyType_HasFeature(Py_TYPE(arg), Py_TPFLAGS_LONG_SUBCLASS),
                       PyType_HasFeature(Py_TYPE(arg), Py_TPFLAGS_TUPLE_SUBCLASS),
                       PyType_HasFeature(Py_TYPE(arg), Py_TPFLAGS_HAVE_GC),
                       PyTuple_Check(arg) ? Py_SIZE(arg) : (Py_ssize_t)-1);
}

static PyObject* new_module(PyObject* Py_UNUSED(module), PyObject* name) {
  PyObject* created = PyModule_NewObject(name);
  if (created == NULL) return NULL;
  if (PyModule_SetDocString(created, "made by apicalls.new_module") < 0) {
    Py_DECREF(created);
    return NULL;
  }
  PyObject* doc = PyObject_GetAttrString(created, "__doc__");
  PyObject* own = PyObject_GetAttrString(created, "__name__");
  Py_DECREF(created);
  return Py_BuildValue("(NN)", own, doc);
}

static PyObject* repr_guard(PyObject* Py_UNUSED(module), PyObject* arg) {
  const int first = Py_ReprEnter(arg);
  const int again = Py_ReprEnter(arg);
  Py_ReprLeave(arg);
  const int after_leave = Py_ReprEnter(arg);
  Py_ReprLeave(arg);
  return Py_BuildValue("(iii)", first, again, after_leave);
}

static PyObject* unhashable(PyObject* Py_UNUSED(module), PyObject* arg) {
  const Py_hash_t hash = PyObject_HashNotImplemented(arg);
  if (hash == -1 && PyErr_Occurred()) return NULL;
  return PyLong_FromSsize_t(hash);
}

static PyObject* lifecycle(PyObject* Py_UNUSED(module), PyObject* arg) {
  Py_XINCREF(arg);
  Py_XINCREF((PyObject*)NULL);
  Py_XDECREF(arg);
  return Py_BuildValue("(i)", Py_IsInitialized());
}

static PyMethodDef methods[] = {
    {"varargs", varargs, METH_VARARGS, NULL},
    {"keywords", (PyCFunction)(void (*)(void))keywords, METH_VARARGS | METH_KEYWORDS, NULL},
    {"attributes", attributes, METH_O, NULL},
    {"memory", memory, METH_NOARGS, NULL},
    {"overflow", overflow, METH_O, NULL},
    {"types", types, METH_O, NULL},
    {"new_module", new_module, METH_O, NULL},
    {"repr_guard", repr_guard, METH_O, NULL},
    {"unhashable", unhashable, METH_O, NULL},
    {"lifecycle", lifecycle, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "apicalls", NULL, -1, methods};

PyMODINIT_FUNC PyInit_apicalls(void) { return PyModule_Create(&module_def); }
