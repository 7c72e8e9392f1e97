/* Drives tests/compat/modules/fileobjects.c: fileobject.h over a file-like Fake, PyOS_FSPath
 * over str, bytes, path-likes and others; CPython's errors. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_fileobjects(void);

/* A Fake with the lines of `lines` (a list built by Py_BuildValue) and `value`; steals both. */
static PyObject* make_fake(PyObject* module, PyObject* lines, PyObject* value) {
  PyObject* f = call(module, "fake", Py_BuildValue("(NN)", lines, value));
  if (f == NULL) show("fake", NULL);
  return f;
}

static void drive(PyObject* module) {
  PyObject* f = make_fake(module, PyList_New(0), PyLong_FromLong(7));
  if (f == NULL) return;
  SHOW_CALL(module, "write_object", "([1, 'a'], f, 0)", Py_BuildValue("([is]Oi)", 1, "a", f, 0));
  SHOW_CALL(module, "write_object", "('text', f, 0)", Py_BuildValue("(sOi)", "text", f, 0));
  SHOW_CALL(module, "write_object", "('text', f, Py_PRINT_RAW)", Py_BuildValue("(sOi)", "text", f, Py_PRINT_RAW));
  SHOW_CALL(module, "write_object", "(b'x', f, Py_PRINT_RAW)", Py_BuildValue("(yOi)", "x", f, Py_PRINT_RAW));
  SHOW_CALL(module, "write_object", "(1, None, 0)", Py_BuildValue("(iOi)", 1, Py_None, 0));
  SHOW_CALL(module, "write_object", "(1, 5, 0)", Py_BuildValue("(iii)", 1, 5, 0));
  SHOW_CALL(module, "write_string", "('caf\\xc3\\xa9', f, 0)", Py_BuildValue("(sOi)", "caf\xc3\xa9", f, 0));
  SHOW_CALL(module, "write_string", "('x', f, 1)", Py_BuildValue("(sOi)", "x", f, 1));
  SHOW_CALL(module, "write_string", "('x', None, 0)", Py_BuildValue("(sOi)", "x", Py_None, 0));
  show("f.written", PyObject_GetAttrString(f, "written"));
  Py_DECREF(f);

  f = make_fake(module, Py_BuildValue("[yssyyi]", "one\n", "two\n", "three", "four\n", "", 5),
                PyLong_FromLong(-3));
  if (f == NULL) return;
  SHOW_CALL(module, "get_line", "(f, -1)", Py_BuildValue("(Oi)", f, -1));
  SHOW_CALL(module, "get_line", "(f, -1)", Py_BuildValue("(Oi)", f, -1));
  SHOW_CALL(module, "get_line", "(f, -1)", Py_BuildValue("(Oi)", f, -1));
  SHOW_CALL(module, "get_line", "(f, 0)", Py_BuildValue("(Oi)", f, 0));
  SHOW_CALL(module, "get_line", "(f, -1)", Py_BuildValue("(Oi)", f, -1));
  SHOW_CALL(module, "get_line", "(f, 3)", Py_BuildValue("(Oi)", f, 3));
  SHOW_CALL(module, "get_line", "(f, 0)", Py_BuildValue("(Oi)", f, 0));
  SHOW_CALL(module, "get_line", "(f, -1)", Py_BuildValue("(Oi)", f, -1));
  SHOW_CALL(module, "get_line", "(5, 0)", Py_BuildValue("(ii)", 5, 0));
  show("f.written", PyObject_GetAttrString(f, "written"));
  SHOW_CALL(module, "as_fd", "(f with fileno() -3)", Py_BuildValue("(O)", f));
  Py_DECREF(f);

  SHOW_CALL(module, "as_fd", "(3)", Py_BuildValue("(i)", 3));
  SHOW_CALL(module, "as_fd", "(True)", Py_BuildValue("(O)", Py_True));
  SHOW_CALL(module, "as_fd", "(-1)", Py_BuildValue("(i)", -1));
  SHOW_CALL(module, "as_fd", "(2**40)", Py_BuildValue("(L)", 1LL << 40));
  SHOW_CALL(module, "as_fd", "('0')", Py_BuildValue("(s)", "0"));
  SHOW_CALL(module, "as_fd", "(1.5)", Py_BuildValue("(d)", 1.5));
  PyObject* fakes[] = {make_fake(module, PyList_New(0), PyLong_FromLong(9)),
                       make_fake(module, PyList_New(0), PyUnicode_FromString("9")),
                       make_fake(module, PyList_New(0), PyUnicode_FromString("/tmp/x")),
                       make_fake(module, PyList_New(0), PyBytes_FromString("/tmp/y"))};
  const char* labels[] = {"fake(9)", "fake('9')", "fake('/tmp/x')", "fake(b'/tmp/y')"};
  char label[128];
  for (int i = 0; i < 4; i++) {
    if (fakes[i] == NULL) continue;
    snprintf(label, sizeof(label), "as_fd(%s)", labels[i]);
    show(label, call(module, "as_fd", Py_BuildValue("(O)", fakes[i])));
    snprintf(label, sizeof(label), "fspath(%s)", labels[i]);
    show(label, call(module, "fspath", Py_BuildValue("(O)", fakes[i])));
    Py_DECREF(fakes[i]);
  }
  SHOW_CALL(module, "fspath", "('a/b')", Py_BuildValue("(s)", "a/b"));
  SHOW_CALL(module, "fspath", "(b'a/b')", Py_BuildValue("(y)", "a/b"));
  SHOW_CALL(module, "fspath", "(5)", Py_BuildValue("(i)", 5));
  SHOW_CALL(module, "fspath", "(bytearray(b'x'))",
            Py_BuildValue("(N)", PyByteArray_FromStringAndSize("x", 1)));
}

DIFFERENTIAL_MAIN("fileobjects", PyInit_fileobjects, drive)
