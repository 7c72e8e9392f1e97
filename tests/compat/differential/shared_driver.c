/* Imports of extension modules compiled as shared objects, found on the module search path
 * (differential.bzl's extension_module: Pinion's build is name.pinion-311.so on
 * PINION_PYTHONPATH, CPython's is name.so on PYTHONPATH): capi_user, whose init imports
 * capi_provider's C API across the two shared objects with PyCapsule_Import, and spkg.leaf, a
 * module in a package directory with no __init__ (a namespace package). The driver's own
 * module (importer, in the inittab) imports them by name. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_importer(void);

static void show_module(const char* label, PyObject* module) {
  if (module == NULL) {
    show(label, NULL);
    return;
  }
  PyObject* name = PyObject_GetAttrString(module, "__name__");
  show(label, name);
  Py_DECREF(module);
}

/* Both builds failing to find their shared objects would print the same errors: a failed
 * import ends the run with a status of the build's own, so that the comparison fails. */
static void require(PyObject* module, const char* name) {
  if (module != NULL) return;
  show(name, NULL);
  fprintf(stderr, "FAIL: could not import %s (PINION_PYTHONPATH=%s, PYTHONPATH=%s)\n", name,
          getenv("PINION_PYTHONPATH"), getenv("PYTHONPATH"));
  exit(strstr(PY_VERSION, "pinion") != NULL ? 2 : 3);
}

static void drive(PyObject* importer) {
  PyObject* user = call(importer, "load", Py_BuildValue("(s)", "capi_user"));
  require(user, "capi_user");
  show_module("load('capi_user').__name__", Py_XNewRef(user));
  if (user != NULL) {
    SHOW_CALL(user, "add", "(40, 2)", Py_BuildValue("(ll)", 40L, 2L));
    SHOW_CALL(user, "pair", "('a', 1)", Py_BuildValue("(si)", "a", 1));
    SHOW_CALL(user, "import_capsule", "('capi_provider._C_API')",
              Py_BuildValue("(s)", "capi_provider._C_API"));
    PyObject* file = PyObject_GetAttrString(user, "__file__");
    out("capi_user.__file__ is a str ending in .so: %s\n",
        file != NULL && PyUnicode_Check(file) &&
                strcmp(PyUnicode_AsUTF8(file) + strlen(PyUnicode_AsUTF8(file)) - 3, ".so") == 0
            ? "yes"
            : "no");
    if (file == NULL) PyErr_Clear();
    Py_XDECREF(file);
    PyObject* again = PyImport_ImportModule("capi_user");
    out("imported once: %s\n", again == user ? "yes" : "no");
    Py_XDECREF(again);
  }
  /* capi_user's init imported the provider: sys.modules has it. */
  PyObject* name = PyUnicode_FromString("capi_provider");
  PyObject* provider = PyImport_GetModule(name);
  Py_DECREF(name);
  show_module("sys.modules['capi_provider'].__name__", Py_XNewRef(provider));
  if (provider != NULL) SHOW_CALL(provider, "api_version", "()", NULL);
  Py_XDECREF(provider);
  Py_XDECREF(user);

  PyObject* leaf = PyImport_ImportModule("spkg.leaf");
  require(leaf, "spkg.leaf");
  show_module("import spkg.leaf: __name__", Py_XNewRef(leaf));
  if (leaf != NULL) {
    SHOW_CALL(leaf, "hello", "('pinion')", Py_BuildValue("(s)", "pinion"));
    PyObject* package = PyImport_ImportModule("spkg");
    show_module("import spkg: __name__", Py_XNewRef(package));
    PyObject* attribute = package != NULL ? PyObject_GetAttrString(package, "leaf") : NULL;
    out("spkg.leaf is the package's attribute: %s\n", attribute == leaf ? "yes" : "no");
    if (attribute == NULL) PyErr_Clear();
    Py_XDECREF(attribute);
    out("spkg has __path__: %s\n",
        package != NULL && PyObject_HasAttrString(package, "__path__") ? "yes" : "no");
    Py_XDECREF(package);
    Py_DECREF(leaf);
  }
  /* Through __import__: no fromlist gives the top-level package, a fromlist the module. */
  PyObject* top = PyImport_ImportModuleLevel("spkg.leaf", NULL, NULL, NULL, 0);
  show_module("ImportModuleLevel('spkg.leaf'): __name__", top);
  PyObject* fromlist = Py_BuildValue("(s)", "hello");
  show_module("ImportModuleLevel('spkg.leaf', fromlist=('hello',)): __name__",
              PyImport_ImportModuleLevel("spkg.leaf", NULL, NULL, fromlist, 0));
  Py_DECREF(fromlist);
  /* A relative import from the package, and `from spkg import leaf`. */
  PyObject* globals = Py_BuildValue("{s:s}", "__package__", "spkg");
  show_module("ImportModuleLevel('leaf', {'__package__': 'spkg'}, level=1): __name__",
              PyImport_ImportModuleLevel("leaf", globals, NULL, NULL, 1));
  fromlist = Py_BuildValue("(s)", "leaf");
  show_module("ImportModuleLevel('', {'__package__': 'spkg'}, ('leaf',), level=1): __name__",
              PyImport_ImportModuleLevel("", globals, NULL, fromlist, 1));
  show_module("ImportModuleLevel('spkg', fromlist=('leaf',)): __name__",
              PyImport_ImportModuleLevel("spkg", NULL, NULL, fromlist, 0));
  Py_DECREF(fromlist);
  fromlist = Py_BuildValue("(s)", "pinion_missing");
  show_module("ImportModuleLevel('spkg', fromlist=('pinion_missing',)): __name__",
              PyImport_ImportModuleLevel("spkg", NULL, NULL, fromlist, 0));
  Py_DECREF(fromlist);
  Py_DECREF(globals);
  SHOW_CALL(importer, "missing_name", "('spkg.pinion_missing')",
            Py_BuildValue("(s)", "spkg.pinion_missing"));
  SHOW_CALL(importer, "missing_name", "('capi_user.x')", Py_BuildValue("(s)", "capi_user.x"));
  show_module("import spkg.leaf.x", PyImport_ImportModule("spkg.leaf.x"));
}

DIFFERENTIAL_MAIN("importer", PyInit_importer, drive)
