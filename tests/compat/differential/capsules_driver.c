/* Capsules across two modules: capi_user's init imports capi_provider's C API with
 * PyCapsule_Import (both modules are in the inittab), then its functions call through it. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_capi_provider(void);
PyMODINIT_FUNC PyInit_capi_user(void);

static void drive(PyObject* module) {
  SHOW_CALL(module, "add", "(40, 2)", Py_BuildValue("(ll)", 40L, 2L));
  SHOW_CALL(module, "pair", "('a', 1)", Py_BuildValue("(si)", "a", 1));
  SHOW_CALL(module, "import_capsule", "('capi_provider._C_API')",
            Py_BuildValue("(s)", "capi_provider._C_API"));
  SHOW_CALL(module, "import_capsule", "('capi_provider.missing')",
            Py_BuildValue("(s)", "capi_provider.missing"));
  SHOW_CALL(module, "import_capsule", "('capi_provider.api_version')",
            Py_BuildValue("(s)", "capi_provider.api_version"));
  SHOW_CALL(module, "import_capsule", "('capi_provider')", Py_BuildValue("(s)", "capi_provider"));
  SHOW_CALL(module, "import_capsule", "('capi_provider._C_API.x')",
            Py_BuildValue("(s)", "capi_provider._C_API.x"));
  SHOW_CALL(module, "import_capsule", "('no_such_module._C_API')",
            Py_BuildValue("(s)", "no_such_module._C_API"));
  PyObject* list = call(module, "capsule_checks", NULL);
  if (list == NULL) {
    show("capsule_checks()", NULL);
  } else {
    for (Py_ssize_t i = 0; i < PyList_Size(list); ++i) {
      out("capsule_checks: %s\n", PyUnicode_AsUTF8(PyList_GetItem(list, i)));
    }
    Py_DECREF(list);
  }
  SHOW_CALL(module, "destructor_runs", "()", NULL);
  /* The provider, imported by capi_user's init, is the module the importer cached. */
  PyObject* provider = PyImport_ImportModule("capi_provider");
  if (provider == NULL) {
    show("import capi_provider", NULL);
  } else {
    SHOW_CALL(provider, "api_version", "()", NULL);
    Py_DECREF(provider);
  }
}

DIFFERENTIAL_MAIN2("capi_user", PyInit_capi_user, "capi_provider", PyInit_capi_provider, drive)
