/* A program embedding Pinion's runtime, built outside Bazel (install_test.sh). It imports
 * shared-object extension modules from the search path (PINION_PYTHONPATH, or the directory
 * given as argv[1] through _PyPinion_SetModuleSearchPath), calls them, and prints what it
 * got; the test compares the output with CPython's behaviour written out in the script. */
#include <Python.h>

static void show(const char* label, PyObject* o) {
  if (o == NULL) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyObject* text = value != NULL ? PyObject_Str(value) : NULL;
    printf("%s: %s: %s\n", label, ((PyTypeObject*)type)->tp_name,
           text != NULL ? PyUnicode_AsUTF8(text) : "?");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return;
  }
  PyObject* repr = PyObject_Repr(o);
  printf("%s: %s\n", label, repr != NULL ? PyUnicode_AsUTF8(repr) : "?");
  Py_XDECREF(repr);
  Py_DECREF(o);
}

int main(int argc, char** argv) {
  if (argc > 1) _PyPinion_SetModuleSearchPath(argv[1]);
  Py_Initialize();

  PyObject* spam = PyImport_ImportModule("spam");
  if (spam == NULL) {
    show("import spam", NULL);
    return 1;
  }
  show("spam.add(2, 3)", PyObject_CallMethod(spam, "add", "ii", 2, 3));
  show("spam.__name__", PyObject_GetAttrString(spam, "__name__"));
  PyObject* again = PyImport_ImportModule("spam");
  printf("imported once: %s\n", again == spam ? "yes" : "no");
  Py_XDECREF(again);
  show("spam.add(1)", PyObject_CallMethod(spam, "add", "(i)", 1));
  Py_DECREF(spam);

  PyObject* ham = PyImport_ImportModule("pkg.ham");
  show("pkg.ham.greet('pinion')", ham != NULL ? PyObject_CallMethod(ham, "greet", "s", "pinion")
                                              : NULL);
  if (ham != NULL) {
    show("pkg.ham.KIND", PyObject_GetAttrString(ham, "KIND"));
    show("pkg.ham.__name__", PyObject_GetAttrString(ham, "__name__"));
    PyObject* pkg = PyImport_ImportModule("pkg");
    PyObject* attr = pkg != NULL ? PyObject_GetAttrString(pkg, "ham") : NULL;
    printf("pkg.ham is the package's attribute: %s\n", attr == ham ? "yes" : "no");
    Py_XDECREF(attr);
    Py_XDECREF(pkg);
    Py_DECREF(ham);
  }

  show("import nothere", PyImport_ImportModule("nothere"));
  show("import pkg.nothere", PyImport_ImportModule("pkg.nothere"));
  show("import nothere.ham", PyImport_ImportModule("nothere.ham"));
  show("import spam.x", PyImport_ImportModule("spam.x"));
  show("import broken", PyImport_ImportModule("broken"));
  show("import noinit", PyImport_ImportModule("noinit"));
  return Py_FinalizeEx() == 0 ? 0 : 1;
}
