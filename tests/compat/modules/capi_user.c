/* A module that uses another module's C API (capi_provider.h): its single-phase init imports
 * the table with PyCapsule_Import, as modules that depend on numpy or datetime do, and its
 * functions call through it. It also checks capsules' own behaviour (capsule_checks) and
 * that a capsule's destructor runs once the capsule is gone (destructor_runs).
 *
 * The table pointer is the module's one global: written once by the init function (which the
 * import runs once, before any other thread can call the module) and read after, with
 * acquire/release atomics all the same.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "capi_provider.h"

static const capi_provider_API* provider; /* set by PyInit_capi_user */

static const capi_provider_API* api(void) {
  return __atomic_load_n(&provider, __ATOMIC_ACQUIRE);
}

static PyObject* add(PyObject* self, PyObject* args) {
  (void)self;
  long a, b;
  if (!PyArg_ParseTuple(args, "ll:add", &a, &b)) return NULL;
  return PyLong_FromLong(api()->add(a, b));
}

static PyObject* pair(PyObject* self, PyObject* args) {
  (void)self;
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "OO:pair", &a, &b)) return NULL;
  return api()->make_pair(a, b);
}

/* PyCapsule_Import(name): whether it found the provider's table, or the exception. */
static PyObject* import_capsule(PyObject* self, PyObject* args) {
  (void)self;
  const char* name;
  if (!PyArg_ParseTuple(args, "s:import_capsule", &name)) return NULL;
  void* pointer = PyCapsule_Import(name, 0);
  if (pointer == NULL) return NULL;
  return PyBool_FromLong(pointer == (void*)api());
}

/* ---- capsule_checks: one line per check, in a list ---------------------------------------- */

/* Appends text, or the pending exception as "Type: message" (cleared). */
static void note(PyObject* list, const char* what, PyObject* text) {
  if (text == NULL) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject* message = value != NULL ? PyObject_Str(value) : NULL;
    text = PyUnicode_FromFormat("%s", type != NULL ? ((PyTypeObject*)type)->tp_name : "(none)");
    if (message != NULL) {
      PyObject* both = PyUnicode_FromFormat("%U: %U", text, message);
      Py_DECREF(text);
      text = both;
    }
    Py_XDECREF(message);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
  }
  PyObject* line = PyUnicode_FromFormat("%s -> %U", what, text);
  Py_DECREF(text);
  PyList_Append(list, line);
  Py_DECREF(line);
}

static PyObject* pointer_text(void* pointer, void* expected) {
  if (pointer == NULL) {
    return PyErr_Occurred() ? NULL : PyUnicode_FromString("NULL, no exception");
  }
  return PyUnicode_FromString(pointer == expected ? "the expected pointer" : "another pointer");
}

static PyObject* int_text(int value) {
  return value < 0 && PyErr_Occurred() ? NULL : PyUnicode_FromFormat("%d", value);
}

static void ignore_destructor(PyObject* capsule) { (void)capsule; }

static PyObject* capsule_checks(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  int first = 1, second = 2;
  PyObject* list = PyList_New(0);
  if (list == NULL) return NULL;
  PyObject* not_capsule = PyLong_FromLong(7);

  note(list, "New(NULL)", PyCapsule_New(NULL, "x", NULL));
  PyObject* c = PyCapsule_New(&first, "pkg.first", NULL);
  note(list, "type", PyUnicode_FromString(Py_TYPE(c)->tp_name));
  note(list, "CheckExact(capsule)", int_text(PyCapsule_CheckExact(c)));
  note(list, "CheckExact(int)", int_text(PyCapsule_CheckExact(not_capsule)));
  PyObject* repr = PyObject_Repr(c);
  const char* repr_text = repr != NULL ? PyUnicode_AsUTF8(repr) : "";
  const char* at = strstr(repr_text, " at ");
  note(list, "repr up to ' at'",
       PyUnicode_FromStringAndSize(repr_text, at != NULL ? at - repr_text : 0));
  Py_XDECREF(repr);
  note(list, "IsValid(same name)", int_text(PyCapsule_IsValid(c, "pkg.first")));
  note(list, "IsValid(other name)", int_text(PyCapsule_IsValid(c, "pkg.second")));
  note(list, "IsValid(NULL name)", int_text(PyCapsule_IsValid(c, NULL)));
  note(list, "IsValid(int)", int_text(PyCapsule_IsValid(not_capsule, "pkg.first")));
  note(list, "IsValid(NULL)", int_text(PyCapsule_IsValid(NULL, "pkg.first")));
  note(list, "GetPointer", pointer_text(PyCapsule_GetPointer(c, "pkg.first"), &first));
  note(list, "GetPointer(other name)", pointer_text(PyCapsule_GetPointer(c, "pkg.x"), &first));
  note(list, "GetPointer(NULL name)", pointer_text(PyCapsule_GetPointer(c, NULL), &first));
  note(list, "GetPointer(int)", pointer_text(PyCapsule_GetPointer(not_capsule, "x"), &first));
  note(list, "GetName", PyUnicode_FromString(PyCapsule_GetName(c)));
  note(list, "GetName(int)", pointer_text((void*)PyCapsule_GetName(not_capsule), NULL));
  note(list, "GetContext", pointer_text(PyCapsule_GetContext(c), &second));
  note(list, "SetContext", int_text(PyCapsule_SetContext(c, &second)));
  note(list, "GetContext after", pointer_text(PyCapsule_GetContext(c), &second));
  note(list, "GetContext(int)", pointer_text(PyCapsule_GetContext(not_capsule), NULL));
  note(list, "SetContext(int)", int_text(PyCapsule_SetContext(not_capsule, &second)));
  note(list, "GetDestructor", pointer_text((void*)PyCapsule_GetDestructor(c), NULL));
  note(list, "SetDestructor", int_text(PyCapsule_SetDestructor(c, ignore_destructor)));
  note(list, "GetDestructor after",
       PyUnicode_FromString(PyCapsule_GetDestructor(c) == ignore_destructor ? "it" : "other"));
  note(list, "GetDestructor(int)", pointer_text((void*)PyCapsule_GetDestructor(not_capsule), NULL));
  note(list, "SetDestructor(int)", int_text(PyCapsule_SetDestructor(not_capsule, NULL)));
  note(list, "SetPointer(NULL)", int_text(PyCapsule_SetPointer(c, NULL)));
  note(list, "SetPointer(int)", int_text(PyCapsule_SetPointer(not_capsule, &second)));
  note(list, "SetPointer", int_text(PyCapsule_SetPointer(c, &second)));
  note(list, "GetPointer after", pointer_text(PyCapsule_GetPointer(c, "pkg.first"), &second));
  note(list, "SetName(NULL)", int_text(PyCapsule_SetName(c, NULL)));
  note(list, "GetName after", pointer_text((void*)PyCapsule_GetName(c), NULL));
  note(list, "GetPointer(NULL name) after", pointer_text(PyCapsule_GetPointer(c, NULL), &second));
  note(list, "IsValid(NULL name) after", int_text(PyCapsule_IsValid(c, NULL)));
  note(list, "SetName(int)", int_text(PyCapsule_SetName(not_capsule, "x")));
  repr = PyObject_Repr(c);
  repr_text = repr != NULL ? PyUnicode_AsUTF8(repr) : "";
  at = strstr(repr_text, " at ");
  note(list, "repr without a name",
       PyUnicode_FromStringAndSize(repr_text, at != NULL ? at - repr_text : 0));
  Py_XDECREF(repr);
  Py_DECREF(c);
  Py_DECREF(not_capsule);
  return list;
}

/* ---- destructor_runs -------------------------------------------------------------------------- */

/* Sets the flag the capsule's context points at. Release: the flag publishes the destructor's
 * run to the thread that polls it (possibly another thread ran the collection). */
static void flag_destructor(PyObject* capsule) {
  int* flag = (int*)PyCapsule_GetContext(capsule);
  int* pointer = (int*)PyCapsule_GetPointer(capsule, "capi_user.flagged");
  if (flag != NULL && pointer == flag) __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

/* Makes a capsule with a destructor, drops it, and collects until the destructor has run
 * (CPython: at the Py_DECREF; Pinion: when a collection finds it unreachable). */
static PyObject* destructor_runs(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  int* flag = (int*)PyMem_Malloc(sizeof(int));
  if (flag == NULL) return PyErr_NoMemory();
  *flag = 0;
  PyObject* capsule = PyCapsule_New(flag, "capi_user.flagged", flag_destructor);
  if (capsule == NULL || PyCapsule_SetContext(capsule, flag) < 0) {
    Py_XDECREF(capsule);
    PyMem_Free(flag);
    return NULL;
  }
  Py_DECREF(capsule);
  for (int i = 0; i < 100 && !__atomic_load_n(flag, __ATOMIC_ACQUIRE); ++i) PyGC_Collect();
  const int ran = __atomic_load_n(flag, __ATOMIC_ACQUIRE);
  if (ran) PyMem_Free(flag); /* else the destructor may still run: leave it the flag */
  return PyBool_FromLong(ran);
}

static PyMethodDef user_methods[] = {
    {"add", add, METH_VARARGS, "add(a, b) through capi_provider's C API."},
    {"pair", pair, METH_VARARGS, "pair(a, b) through capi_provider's C API."},
    {"import_capsule", import_capsule, METH_VARARGS, "PyCapsule_Import(name)."},
    {"capsule_checks", capsule_checks, METH_NOARGS, "Capsule behaviour, one line a check."},
    {"destructor_runs", destructor_runs, METH_NOARGS, "Whether a dropped capsule's destructor ran."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef user_def = {
    PyModuleDef_HEAD_INIT, "capi_user", "Uses capi_provider's C API.", -1, user_methods,
};

PyMODINIT_FUNC PyInit_capi_user(void) {
  const capi_provider_API* table = capi_provider_import();
  if (table == NULL) return NULL;
  if (table->version != CAPI_PROVIDER_API_VERSION) {
    PyErr_Format(PyExc_ImportError, "capi_provider C API version %d, expected %d",
                 table->version, CAPI_PROVIDER_API_VERSION);
    return NULL;
  }
  __atomic_store_n(&provider, table, __ATOMIC_RELEASE);
  return PyModule_Create(&user_def);
}
