/* Drives tests/compat/modules/builtins_types.c: enumerate, reversed and range called through
 * their type objects, their iterators, range's sequence behaviour and methods, the
 * classmethod/staticmethod wrappers; CPython's messages for bad arguments. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_builtins_types(void);

/* make(kind, *args, **kwargs), shown; steals args (a tuple) and kwargs. */
static PyObject* make(PyObject* module, const char* kind, PyObject* args, PyObject* kwargs) {
  PyObject* function = PyObject_GetAttrString(module, "make");
  PyObject* full = NULL;
  if (function != NULL && args != NULL) {
    PyObject* head = Py_BuildValue("(s)", kind);
    full = head != NULL ? PySequence_Concat(head, args) : NULL;
    Py_XDECREF(head);
  }
  PyObject* result = full != NULL ? PyObject_Call(function, full, kwargs) : NULL;
  Py_XDECREF(full);
  Py_XDECREF(function);
  Py_XDECREF(args);
  Py_XDECREF(kwargs);
  return result;
}

/* Prints drain(made) under `label` (the object made, when it is not an iterator). */
static void show_drained(PyObject* module, const char* label, PyObject* made) {
  if (made == NULL) {
    show(label, NULL);
    return;
  }
  if (PyIter_Check(made)) {
    show(label, call(module, "drain", Py_BuildValue("(N)", made)));
  } else {
    show(label, made);
  }
}

/* Prints obj.name(*args); steals args. */
static void show_method(const char* label, PyObject* obj, const char* name, PyObject* args) {
  PyObject* method = obj != NULL ? PyObject_GetAttrString(obj, name) : NULL;
  show(label, method != NULL && args != NULL ? PyObject_CallObject(method, args) : NULL);
  Py_XDECREF(method);
  Py_XDECREF(args);
}

static void drive_enumerate(PyObject* module) {
  show_drained(module, "enumerate('abc')", make(module, "enumerate", Py_BuildValue("(s)", "abc"), NULL));
  show_drained(module, "enumerate('ab', 5)", make(module, "enumerate", Py_BuildValue("(si)", "ab", 5), NULL));
  show_drained(module, "enumerate([], -3)", make(module, "enumerate", Py_BuildValue("([]i)", -3), NULL));
  show_drained(module, "enumerate('ab', start=True)",
               make(module, "enumerate", Py_BuildValue("(s)", "ab"), Py_BuildValue("{sO}", "start", Py_True)));
  show_drained(module, "enumerate(iterable=(7, 8))",
               make(module, "enumerate", PyTuple_New(0), Py_BuildValue("{s(ii)}", "iterable", 7, 8)));
  show_drained(module, "enumerate(start=2, iterable=(7,))",
               make(module, "enumerate", PyTuple_New(0),
                    Py_BuildValue("{sis(i)}", "start", 2, "iterable", 7)));
  show_drained(module, "enumerate(enumerate('xy'))",
               make(module, "enumerate",
                    Py_BuildValue("(N)", make(module, "enumerate", Py_BuildValue("(s)", "xy"), NULL)), NULL));
  show_drained(module, "enumerate()", make(module, "enumerate", PyTuple_New(0), NULL));
  show_drained(module, "enumerate(5)", make(module, "enumerate", Py_BuildValue("(i)", 5), NULL));
  show_drained(module, "enumerate('a', 'b')", make(module, "enumerate", Py_BuildValue("(ss)", "a", "b"), NULL));
  show_drained(module, "enumerate('a', 1.5)", make(module, "enumerate", Py_BuildValue("(sd)", "a", 1.5), NULL));
  show_drained(module, "enumerate('a', 1, 2)", make(module, "enumerate", Py_BuildValue("(sii)", "a", 1, 2), NULL));
  show_drained(module, "enumerate('a', foo=1)",
               make(module, "enumerate", Py_BuildValue("(s)", "a"), Py_BuildValue("{si}", "foo", 1)));
  show_drained(module, "enumerate(start=1)",
               make(module, "enumerate", PyTuple_New(0), Py_BuildValue("{si}", "start", 1)));
  show_drained(module, "enumerate(iterable='a', foo=1)",
               make(module, "enumerate", PyTuple_New(0), Py_BuildValue("{sssi}", "iterable", "a", "foo", 1)));
}

static void drive_reversed(PyObject* module) {
  show_drained(module, "reversed('abc')", make(module, "reversed", Py_BuildValue("(s)", "abc"), NULL));
  show_drained(module, "reversed((1, 2, 3))", make(module, "reversed", Py_BuildValue("((iii))", 1, 2, 3), NULL));
  show_drained(module, "reversed(())", make(module, "reversed", Py_BuildValue("(())"), NULL));
  show_drained(module, "reversed(b'xyz')", make(module, "reversed", Py_BuildValue("(y)", "xyz"), NULL));
  show_drained(module, "reversed(range(4))",
               make(module, "reversed", Py_BuildValue("(N)", make(module, "range", Py_BuildValue("(i)", 4), NULL)), NULL));
  show_drained(module, "reversed(range(1, 10, 4))",
               make(module, "reversed",
                    Py_BuildValue("(N)", make(module, "range", Py_BuildValue("(iii)", 1, 10, 4), NULL)), NULL));
  show_drained(module, "reversed(5)", make(module, "reversed", Py_BuildValue("(i)", 5), NULL));
  show_drained(module, "reversed({1})", make(module, "reversed", Py_BuildValue("(N)", PySet_New(NULL)), NULL));
  show_drained(module, "reversed()", make(module, "reversed", PyTuple_New(0), NULL));
  show_drained(module, "reversed('a', 'b')", make(module, "reversed", Py_BuildValue("(ss)", "a", "b"), NULL));
  show_drained(module, "reversed(seq='a')",
               make(module, "reversed", PyTuple_New(0), Py_BuildValue("{ss}", "seq", "a")));
  /* A list's items, not its iterator's type (CPython's list has its own __reversed__). */
  PyObject* list_it = make(module, "reversed", Py_BuildValue("([iii])", 1, 2, 3), NULL);
  show("list(reversed([1, 2, 3]))", list_it != NULL ? PySequence_List(list_it) : NULL);
  Py_XDECREF(list_it);
  /* A partly consumed reversed: its length hint. */
  PyObject* it = make(module, "reversed", Py_BuildValue("(s)", "abcd"), NULL);
  if (it != NULL) {
    show("next(reversed('abcd'))", PyIter_Next(it));
    show_method("__length_hint__()", it, "__length_hint__", PyTuple_New(0));
    Py_DECREF(it);
  } else {
    show("reversed('abcd')", NULL);
  }
}

static void drive_range(PyObject* module) {
  struct { const char* label; PyObject* args; } cases[] = {
      {"range(5)", Py_BuildValue("(i)", 5)},
      {"range(2, 5)", Py_BuildValue("(ii)", 2, 5)},
      {"range(0, 10, 3)", Py_BuildValue("(iii)", 0, 10, 3)},
      {"range(10, 0, -3)", Py_BuildValue("(iii)", 10, 0, -3)},
      {"range(5, 1)", Py_BuildValue("(ii)", 5, 1)},
      {"range(-4)", Py_BuildValue("(i)", -4)},
      {"range(True, 4)", Py_BuildValue("(Oi)", Py_True, 4)},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    PyObject* r = make(module, "range", cases[i].args, NULL);
    char label[128];
    show(cases[i].label, Py_XNewRef(r));
    if (r == NULL) continue;
    snprintf(label, sizeof(label), "sequence(%s)", cases[i].label);
    SHOW_CALL(module, "sequence", "", Py_BuildValue("(O)", r));
    snprintf(label, sizeof(label), "iter(%s)", cases[i].label);
    show_drained(module, label, PyObject_GetIter(r));
    snprintf(label, sizeof(label), "%s: start, stop, step, bool, hash == hash(tuple)", cases[i].label);
    PyObject* start = PyObject_GetAttrString(r, "start");
    PyObject* stop = PyObject_GetAttrString(r, "stop");
    PyObject* step = PyObject_GetAttrString(r, "step");
    show(label, Py_BuildValue("(NNNi)", start, stop, step, PyObject_IsTrue(r)));
    SHOW_CALL(module, "checks", "(r)", Py_BuildValue("(O)", r));
    Py_DECREF(r);
  }

  PyObject* r = make(module, "range", Py_BuildValue("(iii)", 0, 10, 3), NULL);
  PyObject* other = make(module, "range", Py_BuildValue("(iii)", 0, 11, 3), NULL);
  PyObject* empty1 = make(module, "range", Py_BuildValue("(i)", 0), NULL);
  PyObject* empty2 = make(module, "range", Py_BuildValue("(ii)", 5, 1), NULL);
  if (r == NULL || other == NULL || empty1 == NULL || empty2 == NULL) {
    show("ranges", NULL);
  } else {
    show("r[2]", PySequence_GetItem(r, 2));
    show("r[-1]", PyObject_GetItem(r, PyLong_FromLong(-1)));
    show("r[4]", PySequence_GetItem(r, 4));
    PyObject* slices[] = {PySlice_New(NULL, NULL, NULL), PySlice_New(NULL, NULL, PyLong_FromLong(-1)),
                          PySlice_New(PyLong_FromLong(1), PyLong_FromLong(3), NULL),
                          PySlice_New(PyLong_FromLong(-2), NULL, PyLong_FromLong(2))};
    const char* slice_labels[] = {"r[:]", "r[::-1]", "r[1:3]", "r[-2::2]"};
    for (int i = 0; i < 4; i++) {
      show(slice_labels[i], PyObject_GetItem(r, slices[i]));
      Py_XDECREF(slices[i]);
    }
    PyObject* text = PyUnicode_FromString("a");
    show("r['a']", PyObject_GetItem(r, text));
    show_method("r.index(9)", r, "index", Py_BuildValue("(i)", 9));
    show_method("r.index(4)", r, "index", Py_BuildValue("(i)", 4));
    show_method("r.index(6.0)", r, "index", Py_BuildValue("(d)", 6.0));
    show_method("r.index('a')", r, "index", Py_BuildValue("(s)", "a"));
    show_method("r.count(3)", r, "count", Py_BuildValue("(i)", 3));
    show_method("r.count(4)", r, "count", Py_BuildValue("(i)", 4));
    show_method("r.count(3.0)", r, "count", Py_BuildValue("(d)", 3.0));
    show("3.0 in r", PyBool_FromLong(PySequence_Contains(r, PyFloat_FromDouble(3.0))));
    show("2**62 in r", PyBool_FromLong(PySequence_Contains(r, PyLong_FromLongLong(1LL << 62))));
    show("-3 in r", PyBool_FromLong(PySequence_Contains(r, PyLong_FromLong(-3))));
    show("r == range(0, 11, 3)", PyObject_RichCompare(r, other, Py_EQ));
    show("r != range(0, 11, 3)", PyObject_RichCompare(r, other, Py_NE));
    show("range(0) == range(5, 1)", PyObject_RichCompare(empty1, empty2, Py_EQ));
    PyObject* items = Py_BuildValue("(iiii)", 0, 3, 6, 9);
    show("r == (0, 3, 6, 9)", PyObject_RichCompare(r, items, Py_EQ));
    Py_XDECREF(items);
    show("r < r", PyObject_RichCompare(r, r, Py_LT));
    out("hash(r) == hash(range(0, 11, 3)): %d\n", PyObject_Hash(r) == PyObject_Hash(other));
    out("hash(range(0)) == hash(range(5, 1)): %d\n", PyObject_Hash(empty1) == PyObject_Hash(empty2));
    show_drained(module, "r.__reversed__()", PyObject_CallMethod(r, "__reversed__", NULL));
    Py_DECREF(text);
  }
  Py_XDECREF(r);
  Py_XDECREF(other);
  Py_XDECREF(empty1);
  Py_XDECREF(empty2);

  show("range()", make(module, "range", PyTuple_New(0), NULL));
  show("range(1, 2, 3, 4)", make(module, "range", Py_BuildValue("(iiii)", 1, 2, 3, 4), NULL));
  show("range(1.5)", make(module, "range", Py_BuildValue("(d)", 1.5), NULL));
  show("range(1, 2, 0)", make(module, "range", Py_BuildValue("(iii)", 1, 2, 0), NULL));
  show("range('a', 2)", make(module, "range", Py_BuildValue("(si)", "a", 2), NULL));
  show("range(stop=2)", make(module, "range", PyTuple_New(0), Py_BuildValue("{si}", "stop", 2)));
}

static void drive(PyObject* module) {
  SHOW_CALL(module, "type_names", "()", NULL);
  drive_enumerate(module);
  drive_reversed(module);
  drive_range(module);

  /* PyDict_MergeFromSeq2. */
  PyObject* base = Py_BuildValue("{sisi}", "a", 1, "b", 2);
  SHOW_CALL(module, "merge", "({a:1, b:2}, [('b', 3), ['c', 4]], 1)",
            Py_BuildValue("(O[(si)[si]]i)", base, "b", 3, "c", 4, 1));
  SHOW_CALL(module, "merge", "({a:1, b:2}, [('b', 3), ['c', 4]], 0)",
            Py_BuildValue("(O[(si)[si]]i)", base, "b", 3, "c", 4, 0));
  SHOW_CALL(module, "merge", "({a:1, b:2}, ('xy', 'zw'), 1)", Py_BuildValue("(O(ss)i)", base, "xy", "zw", 1));
  PyObject* pairs = Py_BuildValue("[(ii)]", 5, 6);
  SHOW_CALL(module, "merge", "({a:1, b:2}, iter([(5, 6)]), 1)",
            Py_BuildValue("(ONi)", base, PyObject_GetIter(pairs), 1));
  Py_XDECREF(pairs);
  SHOW_CALL(module, "merge", "({a:1, b:2}, [('d', 1), 'xyz'], 1)", Py_BuildValue("(O[(si)s]i)", base, "d", 1, "xyz", 1));
  SHOW_CALL(module, "merge", "({a:1, b:2}, [('d', 1), 7], 1)", Py_BuildValue("(O[(si)i]i)", base, "d", 1, 7, 1));
  SHOW_CALL(module, "merge", "({a:1, b:2}, 7, 1)", Py_BuildValue("(Oii)", base, 7, 1));
  SHOW_CALL(module, "merge", "({a:1, b:2}, [([], 1)], 1)", Py_BuildValue("(O[([]i)]i)", base, 1, 1));
  Py_XDECREF(base);

  /* super(). */
  PyObject* classes = call(module, "supers", NULL);
  if (classes != NULL) {
    PyObject* base_type = PyTuple_GET_ITEM(classes, 0);
    PyObject* derived_type = PyTuple_GET_ITEM(classes, 1);
    PyObject* d = PyObject_CallNoArgs(derived_type);
    PyObject* sup = d != NULL ? PyObject_CallFunctionObjArgs((PyObject*)&PySuper_Type, derived_type, d, NULL) : NULL;
    show("d.who()", d != NULL ? PyObject_CallMethod(d, "who", NULL) : NULL);
    show("super(Derived, d).who()", sup != NULL ? PyObject_CallMethod(sup, "who", NULL) : NULL);
    show("super(Derived, d).kind()", sup != NULL ? PyObject_CallMethod(sup, "kind", NULL) : NULL);
    show("super(Derived, d).__thisclass__", sup != NULL ? PyObject_GetAttrString(sup, "__thisclass__") : NULL);
    show("super(Derived, d).__self_class__", sup != NULL ? PyObject_GetAttrString(sup, "__self_class__") : NULL);
    show("super(Derived, d).__class__", sup != NULL ? PyObject_GetAttrString(sup, "__class__") : NULL);
    show("super(Derived, d).nope", sup != NULL ? PyObject_GetAttrString(sup, "nope") : NULL);
    SHOW_CALL(module, "is_super", "(super(Derived, d))", Py_BuildValue("(O)", sup != NULL ? sup : Py_None));
    SHOW_CALL(module, "is_super", "(d)", Py_BuildValue("(O)", d != NULL ? d : Py_None));
    PyObject* sup_class = PyObject_CallFunctionObjArgs((PyObject*)&PySuper_Type, derived_type, derived_type, NULL);
    show("super(Derived, Derived).kind()", sup_class != NULL ? PyObject_CallMethod(sup_class, "kind", NULL) : NULL);
    PyObject* sup_base = PyObject_CallFunctionObjArgs((PyObject*)&PySuper_Type, base_type, d, NULL);
    show("super(Base, d).who()", sup_base != NULL ? PyObject_CallMethod(sup_base, "who", NULL) : NULL);
    Py_XDECREF(sup_base);
    show("super(Derived, 5)", PyObject_CallFunction((PyObject*)&PySuper_Type, "Oi", derived_type, 5));
    show("super(5, d)", PyObject_CallFunction((PyObject*)&PySuper_Type, "iO", 5, d));
    show("super()", PyObject_CallNoArgs((PyObject*)&PySuper_Type));
    Py_XDECREF(sup_class);
    Py_XDECREF(sup);
    Py_XDECREF(d);
    Py_DECREF(classes);
  } else {
    show("supers", NULL);
  }

  /* classmethod and staticmethod wrappers. */
  PyObject* len = PyObject_GetAttrString(module, "checks");
  PyObject* wrapped = len != NULL ? call(module, "wrap", Py_BuildValue("(O)", len)) : NULL;
  if (wrapped != NULL) {
    SHOW_CALL(module, "checks", "(classmethod(f))", Py_BuildValue("(O)", PyTuple_GET_ITEM(wrapped, 0)));
    SHOW_CALL(module, "checks", "(staticmethod(f))", Py_BuildValue("(O)", PyTuple_GET_ITEM(wrapped, 1)));
    show("staticmethod(f).__func__ is f",
         PyBool_FromLong(PyObject_GetAttrString(PyTuple_GET_ITEM(wrapped, 1), "__func__") == len));
    Py_DECREF(len);  /* the reference __func__ returned */
  } else {
    show("wrap", NULL);
  }
  Py_XDECREF(wrapped);
  Py_XDECREF(len);
}

DIFFERENTIAL_MAIN("builtins_types", PyInit_builtins_types, drive)
