/* Drives tests/compat/modules/listsuper.c: super objects, PyList_Sort (stability, a failing
 * comparison, a comparison that changes the list), _PyList_Extend, _PyEval_SliceIndex. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_listsuper(void);

static PyObject* items_of(PyObject* module, PyObject* pairs, int with_victim) {
  PyObject* list = call(module, "items", Py_BuildValue("(Ni)", pairs, with_victim));
  if (list == NULL) PyErr_Clear();
  return list;
}

static void drive(PyObject* module) {
  /* Sorting. */
  SHOW_CALL(module, "sort", "([])", Py_BuildValue("([])"));
  SHOW_CALL(module, "sort", "([3, 1, 2])", Py_BuildValue("([iii])", 3, 1, 2));
  SHOW_CALL(module, "sort", "(['b', 'a', 'c', 'a'])", Py_BuildValue("([ssss])", "b", "a", "c", "a"));
  SHOW_CALL(module, "sort", "([2.5, -1, True, 0])", Py_BuildValue("([diOi])", 2.5, -1, Py_True, 0));
  SHOW_CALL(module, "sort", "(stable items)",
            Py_BuildValue("(N)", items_of(module, Py_BuildValue("((ii)(ii)(ii)(ii)(ii)(ii)(ii))",
                                                               3, 0, 1, 1, 3, 2, 2, 3, 1, 4, 3,
                                                               5, 0, 6),
                                          0)));
  /* 40 items, keys cycling 0..4: stability across several merge passes. */
  PyObject* many = PyTuple_New(40);
  for (int i = 0; i < 40; ++i) PyTuple_SET_ITEM(many, i, Py_BuildValue("(ii)", (i * 7) % 5, i));
  SHOW_CALL(module, "sort", "(40 items)", Py_BuildValue("(N)", items_of(module, many, 0)));
  SHOW_CALL(module, "sort", "([1, 'a'])", Py_BuildValue("([is])", 1, "a"));
  SHOW_CALL(module, "sort", "(items with key 99)",
            Py_BuildValue("(N)", items_of(module, Py_BuildValue("((ii)(ii)(ii))", 5, 0, 99, 1,
                                                               1, 2),
                                          0)));
  SHOW_CALL(module, "sort", "(items that append to their list)",
            Py_BuildValue("(N)", items_of(module, Py_BuildValue("((ii)(ii)(ii))", 2, 0, 1, 1,
                                                               0, 2),
                                          1)));
  SHOW_CALL(module, "sort", "((2, 1))", Py_BuildValue("((ii))", 2, 1));

  /* _PyList_Extend. */
  SHOW_CALL(module, "extend", "([1], (2, 3))", Py_BuildValue("([i](ii))", 1, 2, 3));
  SHOW_CALL(module, "extend", "([1], [])", Py_BuildValue("([i][])", 1));
  SHOW_CALL(module, "extend", "([], 'ab')", Py_BuildValue("([]s)", "ab"));
  SHOW_CALL(module, "extend", "([0], {7: 1})", Py_BuildValue("([i]{i:i})", 0, 7, 1));
  SHOW_CALL(module, "extend", "([], 5)", Py_BuildValue("([]i)", 5));

  /* _PyEval_SliceIndex and _PyEval_SliceIndexNotNone. */
  SHOW_CALL(module, "window", "('abcdef',)", Py_BuildValue("(s)", "abcdef"));
  SHOW_CALL(module, "window", "('abcdef', 1, 3)", Py_BuildValue("(sii)", "abcdef", 1, 3));
  SHOW_CALL(module, "window", "('abcdef', None, -2)", Py_BuildValue("(sOi)", "abcdef", Py_None, -2));
  SHOW_CALL(module, "window", "('abcdef', True, 2**63 - 1)",
            Py_BuildValue("(sOL)", "abcdef", Py_True, (long long)PY_SSIZE_T_MAX));
  SHOW_CALL(module, "window", "('abcdef', -2**63)",
            Py_BuildValue("(sL)", "abcdef", (long long)PY_SSIZE_T_MIN));
  SHOW_CALL(module, "window", "('abcdef', 1, 10**30)",
            Py_BuildValue("(siN)", "abcdef", 1, PyLong_FromDouble(1e30)));
  SHOW_CALL(module, "window", "('abcdef', -(10**30))",
            Py_BuildValue("(sN)", "abcdef", PyLong_FromDouble(-1e30)));
  SHOW_CALL(module, "window", "('abcdef', 1.5)", Py_BuildValue("(sd)", "abcdef", 1.5));
  SHOW_CALL(module, "window", "('abcdef', 'x')", Py_BuildValue("(ss)", "abcdef", "x"));
  SHOW_CALL(module, "index_not_none", "(4)", Py_BuildValue("(i)", 4));
  SHOW_CALL(module, "index_not_none", "(None)", Py_BuildValue("(O)", Py_None));
  SHOW_CALL(module, "index_not_none", "('x')", Py_BuildValue("(s)", "x"));

  /* super. */
  PyObject* base = PyObject_GetAttrString(module, "Base");
  PyObject* derived = PyObject_GetAttrString(module, "Derived");
  PyObject* d = call(module, "new", Py_BuildValue("(O)", derived));
  PyObject* b = call(module, "new", Py_BuildValue("(O)", base));
  if (base == NULL || derived == NULL || d == NULL || b == NULL) {
    show("setup", NULL);
    return;
  }
  SHOW_CALL(module, "super_of", "(Derived, d)", Py_BuildValue("(OO)", derived, d));
  SHOW_CALL(module, "super_of", "(Derived, Derived)", Py_BuildValue("(OO)", derived, derived));
  SHOW_CALL(module, "super_of", "(Base,)", Py_BuildValue("(O)", base));
  SHOW_CALL(module, "super_of", "(Base, None)", Py_BuildValue("(OO)", base, Py_None));
  SHOW_CALL(module, "super_of", "()", PyTuple_New(0));
  SHOW_CALL(module, "super_of", "(1, d)", Py_BuildValue("(iO)", 1, d));
  SHOW_CALL(module, "super_of", "(Derived, b)", Py_BuildValue("(OO)", derived, b));
  SHOW_CALL(module, "super_of", "(Derived, 5)", Py_BuildValue("(Oi)", derived, 5));
  SHOW_CALL(module, "super_of", "(Derived, d, 3)", Py_BuildValue("(OOi)", derived, d, 3));
  SHOW_CALL(module, "super_get", "(Derived, d, 'who')", Py_BuildValue("(OOs)", derived, d, "who"));
  SHOW_CALL(module, "super_get", "(Base, d, 'who')", Py_BuildValue("(OOs)", base, d, "who"));
  SHOW_CALL(module, "super_get", "(Derived, d, 'kind')", Py_BuildValue("(OOs)", derived, d, "kind"));
  SHOW_CALL(module, "super_get", "(Derived, Derived, 'kind')",
            Py_BuildValue("(OOs)", derived, derived, "kind"));
  SHOW_CALL(module, "super_get", "(Derived, d, 'level')", Py_BuildValue("(OOs)", derived, d, "level"));
  SHOW_CALL(module, "super_get", "(Derived, d, '__class__')",
            Py_BuildValue("(OOs)", derived, d, "__class__"));
  SHOW_CALL(module, "super_get", "(Derived, d, 'missing')",
            Py_BuildValue("(OOs)", derived, d, "missing"));
  SHOW_CALL(module, "super_get", "(Base, b, 'who')", Py_BuildValue("(OOs)", base, b, "who"));
  Py_DECREF(base);
  Py_DECREF(derived);
  Py_DECREF(d);
  Py_DECREF(b);
}

DIFFERENTIAL_MAIN("listsuper", PyInit_listsuper, drive)
