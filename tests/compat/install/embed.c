/* A program embedding Pinion's runtime, built outside Bazel (install_test.sh). It imports
 * shared-object extension modules from the search path (PINION_PYTHONPATH, or the directory
 * given as argv[1] through _PyPinion_SetModuleSearchPath), calls them, and prints what it
 * got; the test compares the output with CPython's behaviour written out in the script. */
#include <Python.h>
#include <pthread.h>

/* Three threads import the same modules for the first time at once: each must get the
 * module the table kept. */
enum { kThreads = 3 };
static PyObject* g_got[kThreads][2];

static void* import_in_thread(void* arg) {
  PyObject** got = (PyObject**)arg;
  PyGILState_STATE state = PyGILState_Ensure();
  got[0] = PyImport_ImportModule("pkg.ham");
  got[1] = PyImport_ImportModule("spam");
  if (got[0] == NULL || got[1] == NULL) PyErr_Clear();
  PyGILState_Release(state);
  return NULL;
}

static void import_from_threads(void) {
  pthread_t threads[kThreads];
  Py_BEGIN_ALLOW_THREADS
  for (int i = 0; i < kThreads; ++i) pthread_create(&threads[i], NULL, import_in_thread, g_got[i]);
  for (int i = 0; i < kThreads; ++i) pthread_join(threads[i], NULL);
  Py_END_ALLOW_THREADS
  int same = 1;
  for (int i = 0; i < kThreads; ++i) {
    for (int j = 0; j < 2; ++j) {
      same = same && g_got[i][j] != NULL && g_got[i][j] == g_got[0][j];
    }
  }
  printf("threads imported one pkg.ham and one spam: %s\n", same ? "yes" : "no");
  PyObject* ham = PyImport_ImportModule("pkg.ham");
  printf("and the table's: %s\n", ham == g_got[0][0] ? "yes" : "no");
  Py_XDECREF(ham);
  for (int i = 0; i < kThreads; ++i) {
    Py_XDECREF(g_got[i][0]);
    Py_XDECREF(g_got[i][1]);
  }
}

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
  import_from_threads();

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
