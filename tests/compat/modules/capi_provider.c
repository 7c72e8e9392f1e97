/* A module that exports a C API to other extension modules through a capsule, as numpy,
 * datetime and pyexpat do: capi_provider._C_API is a capsule named "capi_provider._C_API"
 * holding a pointer to a static table of functions. Multi-phase initialisation; the capsule
 * is made in the exec slot. The table is constant, so the module keeps no mutable globals
 * (the threaded differential test shares it between threads).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "capi_provider.h"

static long provider_add(long a, long b) { return a + b; }

static PyObject* provider_make_pair(PyObject* a, PyObject* b) { return PyTuple_Pack(2, a, b); }

static const capi_provider_API provider_api = {
    CAPI_PROVIDER_API_VERSION,
    provider_add,
    provider_make_pair,
};

static PyObject* api_version(PyObject* module, PyObject* unused) {
  (void)unused;
  PyObject* capsule = PyObject_GetAttrString(module, "_C_API");
  if (capsule == NULL) return NULL;
  const capi_provider_API* api =
      (const capi_provider_API*)PyCapsule_GetPointer(capsule, CAPI_PROVIDER_CAPSULE);
  Py_DECREF(capsule);  /* the module still holds it, and the table is static */
  if (api == NULL) return NULL;
  return PyLong_FromLong(api->version);
}

static PyMethodDef provider_methods[] = {
    {"api_version", api_version, METH_NOARGS, "The version of the exported C API."},
    {NULL, NULL, 0, NULL},
};

static int provider_exec(PyObject* module) {
  /* The table is static: no destructor. The capsule's name must outlive it (a literal). */
  PyObject* capsule = PyCapsule_New((void*)&provider_api, CAPI_PROVIDER_CAPSULE, NULL);
  if (capsule == NULL) return -1;
  if (PyModule_AddObject(module, "_C_API", capsule) < 0) {
    Py_DECREF(capsule);
    return -1;
  }
  return 0;
}

static PyModuleDef_Slot provider_slots[] = {
    {Py_mod_exec, provider_exec},
    {0, NULL},
};

static struct PyModuleDef provider_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "capi_provider",
    .m_doc = "Exports a C API in a capsule.",
    .m_size = 0,
    .m_methods = provider_methods,
    .m_slots = provider_slots,
};

PyMODINIT_FUNC PyInit_capi_provider(void) { return PyModuleDef_Init(&provider_def); }
