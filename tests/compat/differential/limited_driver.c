/* Drives tests/compat/modules/limited.c, a module built with Py_LIMITED_API=0x030B0000 (the
 * driver itself uses the full API): each line is one call and what it gave. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_limited(void);

static void drive(PyObject* module) {
  SHOW_CALL(module, "add", "(2, 40)", Py_BuildValue("(ii)", 2, 40));
  SHOW_CALL(module, "add", "(-7, 3)", Py_BuildValue("(ii)", -7, 3));
  SHOW_CALL(module, "add", "(1,)", Py_BuildValue("(i)", 1));
  SHOW_CALL(module, "add", "(1, 2, 3)", Py_BuildValue("(iii)", 1, 2, 3));
  SHOW_CALL(module, "scale", "(1.5,)", Py_BuildValue("(d)", 1.5));
  SHOW_CALL(module, "scale", "(1.5, 3)", Py_BuildValue("(di)", 1.5, 3));
  /* Not compared here: scale('x',) (Pinion: "argument 1 must be float, not str"; CPython:
   * "must be real number, not str"), raw('str') (Pinion: "argument 1 must be bytes, not str";
   * CPython: "a bytes-like object is required, not 'str'"): PyArg_ParseTuple's messages. */
  {
    PyObject* function = PyObject_GetAttrString(module, "scale");
    PyObject* args = Py_BuildValue("(d)", 2.0);
    PyObject* kwargs = Py_BuildValue("{s:i}", "offset", 5);
    show("scale(2.0, offset=5)", PyObject_Call(function, args, kwargs));
    Py_DECREF(kwargs);
    kwargs = Py_BuildValue("{s:d,s:i}", "factor", 0.5, "offset", 1);
    show("scale(2.0, factor=0.5, offset=1)", PyObject_Call(function, args, kwargs));
    Py_DECREF(kwargs);
    kwargs = Py_BuildValue("{s:i}", "scale", 1);
    show("scale(2.0, scale=1)", PyObject_Call(function, args, kwargs));
    Py_DECREF(kwargs);
    Py_DECREF(args);
    args = Py_BuildValue("(ddi)", 2.0, 1.0, 1);
    show("scale(2.0, 1.0, 1)", PyObject_Call(function, args, NULL));
    Py_DECREF(args);
    Py_DECREF(function);
  }
  SHOW_CALL(module, "classify", "(None)", Py_BuildValue("(O)", Py_None));
  SHOW_CALL(module, "classify", "(True)", Py_BuildValue("(O)", Py_True));
  SHOW_CALL(module, "classify", "(7)", Py_BuildValue("(i)", 7));
  SHOW_CALL(module, "classify", "(0.5)", Py_BuildValue("(d)", 0.5));
  SHOW_CALL(module, "classify", "('s')", Py_BuildValue("(s)", "s"));
  SHOW_CALL(module, "classify", "(b'b')", Py_BuildValue("(y)", "b"));
  SHOW_CALL(module, "classify", "((1,))", Py_BuildValue("((i))", 1));
  SHOW_CALL(module, "classify", "([])", Py_BuildValue("([])"));
  SHOW_CALL(module, "classify", "({})", Py_BuildValue("({})"));
  SHOW_CALL(module, "classify", "(int)", Py_BuildValue("(O)", (PyObject*)&PyLong_Type));
  {
    PyObject* add = PyObject_GetAttrString(module, "add");
    show("classify(add)", call(module, "classify", Py_BuildValue("(O)", add)));
    Py_DECREF(add);
  }
  SHOW_CALL(module, "text", "('abc')", Py_BuildValue("(s)", "abc"));
  SHOW_CALL(module, "text", "('h\\xe9llo w\\u00f6rld')",
            Py_BuildValue("(s)", "h\xc3\xa9llo w\xc3\xb6rld"));
  SHOW_CALL(module, "text", "('')", Py_BuildValue("(s)", ""));
  SHOW_CALL(module, "text", "(b'x')", Py_BuildValue("(y)", "x"));
  SHOW_CALL(module, "join", "([1, 'a', None], '-')", Py_BuildValue("([isO]s)", 1, "a", Py_None, "-"));
  SHOW_CALL(module, "join", "((2.5,), ', ')", Py_BuildValue("((d)s)", 2.5, ", "));
  SHOW_CALL(module, "join", "([], '+')", Py_BuildValue("([]s)", "+"));
  SHOW_CALL(module, "join", "({}, '+')", Py_BuildValue("({}s)", "+"));
  SHOW_CALL(module, "join", "([1], 2)", Py_BuildValue("([i]i)", 1, 2));
  SHOW_CALL(module, "sequences", "()", NULL);
  SHOW_CALL(module, "mapping", "({'name': 'n', 1: 2}, 1)",
            Py_BuildValue("({s:s,i:i}i)", "name", "n", 1, 2, 1));
  SHOW_CALL(module, "mapping", "({'a': 1}, 'b')", Py_BuildValue("({s:i}s)", "a", 1, "b"));
  SHOW_CALL(module, "mapping", "({}, [])", Py_BuildValue("({}[])"));
  SHOW_CALL(module, "mapping", "([], 1)", Py_BuildValue("([]i)", 1));
  SHOW_CALL(module, "numbers", "(12345)", Py_BuildValue("(i)", 12345));
  SHOW_CALL(module, "numbers", "(-3)", Py_BuildValue("(i)", -3));
  SHOW_CALL(module, "numbers", "(True)", Py_BuildValue("(O)", Py_True));
  SHOW_CALL(module, "numbers", "(7.75)", Py_BuildValue("(d)", 7.75));
  SHOW_CALL(module, "numbers", "('7')", Py_BuildValue("(s)", "7"));
  /* The driver does not define PY_SSIZE_T_CLEAN, so it builds no '#' formats itself. */
  show("raw(b'bytes\\x00here')",
       call(module, "raw", Py_BuildValue("(N)", PyBytes_FromStringAndSize("bytes\0here", 10))));
  SHOW_CALL(module, "raw", "(b'')", Py_BuildValue("(y)", ""));
  {
    PyObject* builtin = PyObject_GetAttrString(module, "classify");
    show("invoke(classify, 1.0)", call(module, "invoke", Py_BuildValue("(Od)", builtin, 1.0)));
    Py_DECREF(builtin);
    PyObject* scale = PyObject_GetAttrString(module, "scale");
    PyObject* function = PyObject_GetAttrString(module, "invoke");
    PyObject* args = Py_BuildValue("(Od)", scale, 4.0);
    PyObject* kwargs = Py_BuildValue("{s:d}", "factor", 0.25);
    show("invoke(scale, 4.0, factor=0.25)", PyObject_Call(function, args, kwargs));
    Py_DECREF(kwargs);
    Py_DECREF(args);
    Py_DECREF(function);
    Py_DECREF(scale);
  }
  SHOW_CALL(module, "invoke", "(3)", Py_BuildValue("(i)", 3));
  SHOW_CALL(module, "access", "(module, 'FLAVOUR', 0)", Py_BuildValue("(OsO)", module, "FLAVOUR", Py_False));
  SHOW_CALL(module, "access", "([10, 20], 'missing', 1)", Py_BuildValue("([ii]si)", 10, 20, "missing", 1));
  SHOW_CALL(module, "access", "([10, 20], 'missing', 5)", Py_BuildValue("([ii]si)", 10, 20, "missing", 5));
  SHOW_CALL(module, "access", "({'k': 'v'}, 'x', 'k')", Py_BuildValue("({ss}ss)", "k", "v", "x", "k"));
  SHOW_CALL(module, "access", "({'k': 'v'}, 'x', 'q')", Py_BuildValue("({ss}ss)", "k", "v", "x", "q"));
  SHOW_CALL(module, "access", "(module, 'ABI', 1)", Py_BuildValue("(OsO)", module, "ABI", Py_True));
  SHOW_CALL(module, "compare", "(1, 2)", Py_BuildValue("(ii)", 1, 2));
  SHOW_CALL(module, "compare", "(-1, -1)", Py_BuildValue("(ii)", -1, -1));
  SHOW_CALL(module, "compare", "('b', 'a')", Py_BuildValue("(ss)", "b", "a"));
  SHOW_CALL(module, "compare", "((), [])", Py_BuildValue("(()[])"));
  SHOW_CALL(module, "compare", "(1, 'a')", Py_BuildValue("(is)", 1, "a"));
  SHOW_CALL(module, "raise_error", "('value')", Py_BuildValue("(s)", "value"));
  SHOW_CALL(module, "raise_error", "('format', 3)", Py_BuildValue("(si)", "format", 3));
  SHOW_CALL(module, "raise_error", "('object', 9)", Py_BuildValue("(si)", "object", 9));
  SHOW_CALL(module, "raise_error", "('none')", Py_BuildValue("(s)", "none"));
  SHOW_CALL(module, "raise_error", "('memory')", Py_BuildValue("(s)", "memory"));
  SHOW_CALL(module, "raise_error", "('badarg')", Py_BuildValue("(s)", "badarg"));
  SHOW_CALL(module, "raise_error", "('caught')", Py_BuildValue("(s)", "caught"));
  SHOW_CALL(module, "raise_error", "('other')", Py_BuildValue("(s)", "other"));
  SHOW_CALL(module, "references", "('kept')", Py_BuildValue("(s)", "kept"));
  SHOW_CALL(module, "references", "(None)", Py_BuildValue("(O)", Py_None));
  show("ABI", PyObject_GetAttrString(module, "ABI"));
  show("FLAVOUR", PyObject_GetAttrString(module, "FLAVOUR"));
  show("EMPTY", PyObject_GetAttrString(module, "EMPTY"));
  show("__doc__", PyObject_GetAttrString(module, "__doc__"));
}

DIFFERENTIAL_MAIN("limited", PyInit_limited, drive)
