/* Drives tests/compat/modules/sets.c: sets and frozensets through the C API, the number and
 * sequence protocols, comparisons, hashing, iteration and their methods. */
#include "diff_support.h"

#include <math.h>

PyMODINIT_FUNC PyInit_sets(void);

/* A fresh set of `items` (a tuple built by Py_BuildValue), for the calls that mutate one. */
static PyObject* set_of(PyObject* module, PyObject* items) {
  PyObject* set = call(module, "new_set", Py_BuildValue("(N)", items));
  if (set == NULL) PyErr_Clear();
  return set;
}

static PyObject* frozen_of(PyObject* module, PyObject* items) {
  PyObject* set = call(module, "new_frozenset", Py_BuildValue("(N)", items));
  if (set == NULL) PyErr_Clear();
  return set;
}

static void drive(PyObject* module) {
  SHOW_CALL(module, "types", "()", NULL);
  SHOW_CALL(module, "new_set", "()", NULL);
  SHOW_CALL(module, "new_set", "(None)", Py_BuildValue("(O)", Py_None));
  SHOW_CALL(module, "new_set", "([3, 1, 2, 3])", Py_BuildValue("([iiii])", 3, 1, 2, 3));
  SHOW_CALL(module, "new_set", "((40, 9, 17, -1, 8, 0))",
            Py_BuildValue("((iiiiii))", 40, 9, 17, -1, 8, 0));
  SHOW_CALL(module, "new_set", "({5: 1, 2: 2})", Py_BuildValue("({i:i,i:i})", 5, 1, 2, 2));
  SHOW_CALL(module, "new_set", "('a')", Py_BuildValue("(s)", "a"));
  SHOW_CALL(module, "new_set", "([[1]])", Py_BuildValue("([[i]])", 1));
  SHOW_CALL(module, "new_set", "(5)", Py_BuildValue("(i)", 5));
  SHOW_CALL(module, "new_set", "([(1, 2), (2, 1), 1.5, True])",
            Py_BuildValue("([(ii)(ii)dO])", 1, 2, 2, 1, 1.5, Py_True));
  SHOW_CALL(module, "new_frozenset", "()", NULL);
  SHOW_CALL(module, "new_frozenset", "([2, 1])", Py_BuildValue("([ii])", 2, 1));
  SHOW_CALL(module, "new_frozenset", "([{}])", Py_BuildValue("([{}])"));

  /* Adding, discarding, membership, size. */
  SHOW_CALL(module, "add", "(set(), 1)", Py_BuildValue("(Ni)", set_of(module, PyTuple_New(0)), 1));
  SHOW_CALL(module, "add", "({1}, 1)", Py_BuildValue("(Ni)", set_of(module, Py_BuildValue("(i)", 1)), 1));
  SHOW_CALL(module, "add", "({1}, [])", Py_BuildValue("(N[])", set_of(module, Py_BuildValue("(i)", 1))));
  SHOW_CALL(module, "add", "([], 2)", Py_BuildValue("([]i)", 2));
  SHOW_CALL(module, "fill_frozenset", "((3, 2, 1, 2))", Py_BuildValue("((iiii))", 3, 2, 1, 2));
  SHOW_CALL(module, "discard", "({1, 2}, 2)",
            Py_BuildValue("(Ni)", set_of(module, Py_BuildValue("(ii)", 1, 2)), 2));
  SHOW_CALL(module, "discard", "({1, 2}, 3)",
            Py_BuildValue("(Ni)", set_of(module, Py_BuildValue("(ii)", 1, 2)), 3));
  SHOW_CALL(module, "discard", "({1, 2}, [])",
            Py_BuildValue("(N[])", set_of(module, Py_BuildValue("(ii)", 1, 2))));
  SHOW_CALL(module, "discard", "(frozenset(), 1)",
            Py_BuildValue("(Ni)", frozen_of(module, PyTuple_New(0)), 1));
  SHOW_CALL(module, "contains", "({1, 2}, 2)",
            Py_BuildValue("(Ni)", set_of(module, Py_BuildValue("(ii)", 1, 2)), 2));
  SHOW_CALL(module, "contains", "({1, 2}, 2.0)",
            Py_BuildValue("(Nd)", set_of(module, Py_BuildValue("(ii)", 1, 2)), 2.0));
  SHOW_CALL(module, "contains", "(frozenset({1, 2}), 5)",
            Py_BuildValue("(Ni)", frozen_of(module, Py_BuildValue("(ii)", 1, 2)), 5));
  SHOW_CALL(module, "contains", "({1}, [])",
            Py_BuildValue("(N[])", set_of(module, Py_BuildValue("(i)", 1))));
  SHOW_CALL(module, "contains", "({1}, {1})",
            Py_BuildValue("(NN)", set_of(module, Py_BuildValue("(i)", 1)),
                          set_of(module, Py_BuildValue("(i)", 1))));
  SHOW_CALL(module, "contains", "((1,), 1)", Py_BuildValue("((i)i)", 1, 1));
  SHOW_CALL(module, "in_", "({frozenset({1})}, {1})",
            Py_BuildValue("(NN)", set_of(module, Py_BuildValue("(N)", frozen_of(module, Py_BuildValue("(i)", 1)))),
                          set_of(module, Py_BuildValue("(i)", 1))));
  SHOW_CALL(module, "in_", "({1}, [])",
            Py_BuildValue("(N[])", set_of(module, Py_BuildValue("(i)", 1))));
  SHOW_CALL(module, "size", "({1, 2, 3})", Py_BuildValue("(N)", set_of(module, Py_BuildValue("(iii)", 1, 2, 3))));
  SHOW_CALL(module, "size", "(frozenset())", Py_BuildValue("(N)", frozen_of(module, PyTuple_New(0))));
  SHOW_CALL(module, "size", "([])", Py_BuildValue("([])"));
  SHOW_CALL(module, "clear", "({1, 2})", Py_BuildValue("(N)", set_of(module, Py_BuildValue("(ii)", 1, 2))));
  SHOW_CALL(module, "clear", "(frozenset({1}))", Py_BuildValue("(N)", frozen_of(module, Py_BuildValue("(i)", 1))));
  SHOW_CALL(module, "pop_all", "({9, 1, 17, 4})",
            Py_BuildValue("(N)", set_of(module, Py_BuildValue("(iiii)", 9, 1, 17, 4))));
  SHOW_CALL(module, "pop_all", "(set())", Py_BuildValue("(N)", set_of(module, PyTuple_New(0))));
  SHOW_CALL(module, "pop_all", "(frozenset({1}))", Py_BuildValue("(N)", frozen_of(module, Py_BuildValue("(i)", 1))));

  /* Type checks. */
  SHOW_CALL(module, "checks", "(set())", Py_BuildValue("(N)", set_of(module, PyTuple_New(0))));
  SHOW_CALL(module, "checks", "(frozenset())", Py_BuildValue("(N)", frozen_of(module, PyTuple_New(0))));
  SHOW_CALL(module, "checks", "({})", Py_BuildValue("({})"));
  PyObject* setsub = call(module, "subclass", Py_BuildValue("(s)", "SetSub"));
  PyObject* frozensub = call(module, "subclass", Py_BuildValue("(s)", "FrozenSub"));
  if (setsub == NULL || frozensub == NULL) {
    show("subclass", NULL);
  } else {
    PyObject* s = call(module, "call", Py_BuildValue("(O(N))", setsub, Py_BuildValue("[ii]", 2, 1)));
    PyObject* f = call(module, "call", Py_BuildValue("(O(N))", frozensub, Py_BuildValue("[ii]", 2, 1)));
    if (s == NULL || f == NULL) {
      show("subclass()", NULL);
    } else {
      SHOW_CALL(module, "checks", "(SetSub([2, 1]))", Py_BuildValue("(O)", s));
      SHOW_CALL(module, "checks", "(FrozenSub([2, 1]))", Py_BuildValue("(O)", f));
      show("SetSub([2, 1])", Py_NewRef(s));
      show("FrozenSub([2, 1])", Py_NewRef(f));
      SHOW_CALL(module, "binary", "(SetSub([2, 1]), {3})",
                Py_BuildValue("(ON)", s, set_of(module, Py_BuildValue("(i)", 3))));
      SHOW_CALL(module, "binary", "(FrozenSub([2, 1]), {3})",
                Py_BuildValue("(ON)", f, set_of(module, Py_BuildValue("(i)", 3))));
      SHOW_CALL(module, "size", "(SetSub([2, 1]))", Py_BuildValue("(O)", s));
      SHOW_CALL(module, "add", "(SetSub([2, 1]), 0)", Py_BuildValue("(Oi)", s, 0));
      SHOW_CALL(module, "pop_all", "(SetSub)", Py_BuildValue("(O)", s));
      SHOW_CALL(module, "compare", "(FrozenSub([2, 1]), frozenset({1, 2}))",
                Py_BuildValue("(ON)", f, frozen_of(module, Py_BuildValue("(ii)", 1, 2))));
    }
    Py_XDECREF(s);
    Py_XDECREF(f);
  }
  Py_XDECREF(setsub);
  Py_XDECREF(frozensub);

  /* Operators. */
  SHOW_CALL(module, "binary", "({1, 2, 3}, {2, 3, 4})",
            Py_BuildValue("(NN)", set_of(module, Py_BuildValue("(iii)", 1, 2, 3)),
                          set_of(module, Py_BuildValue("(iii)", 2, 3, 4))));
  SHOW_CALL(module, "binary", "(frozenset({1, 2, 3}), {2, 30})",
            Py_BuildValue("(NN)", frozen_of(module, Py_BuildValue("(iii)", 1, 2, 3)),
                          set_of(module, Py_BuildValue("(ii)", 2, 30))));
  SHOW_CALL(module, "binary", "({1, 2}, frozenset({2, 3}))",
            Py_BuildValue("(NN)", set_of(module, Py_BuildValue("(ii)", 1, 2)),
                          frozen_of(module, Py_BuildValue("(ii)", 2, 3))));
  SHOW_CALL(module, "binary", "({1, 2}, [2])",
            Py_BuildValue("(N[i])", set_of(module, Py_BuildValue("(ii)", 1, 2)), 2));
  SHOW_CALL(module, "binary", "(range-ish big, {1})",
            Py_BuildValue("(NN)", set_of(module, Py_BuildValue("(iiiiiiiiiiii)", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)),
                          set_of(module, Py_BuildValue("(i)", 1))));
  SHOW_CALL(module, "inplace", "({1, 2}, {2, 3}, '|')",
            Py_BuildValue("(NNs)", set_of(module, Py_BuildValue("(ii)", 1, 2)),
                          set_of(module, Py_BuildValue("(ii)", 2, 3)), "|"));
  SHOW_CALL(module, "inplace", "({1, 2}, {2, 3}, '&')",
            Py_BuildValue("(NNs)", set_of(module, Py_BuildValue("(ii)", 1, 2)),
                          set_of(module, Py_BuildValue("(ii)", 2, 3)), "&"));
  SHOW_CALL(module, "inplace", "({1, 2}, {2, 3}, '-')",
            Py_BuildValue("(NNs)", set_of(module, Py_BuildValue("(ii)", 1, 2)),
                          set_of(module, Py_BuildValue("(ii)", 2, 3)), "-"));
  SHOW_CALL(module, "inplace", "({1, 2}, frozenset({2, 3}), '^')",
            Py_BuildValue("(NNs)", set_of(module, Py_BuildValue("(ii)", 1, 2)),
                          frozen_of(module, Py_BuildValue("(ii)", 2, 3)), "^"));
  SHOW_CALL(module, "inplace", "(frozenset({1, 2}), {2, 3}, '|')",
            Py_BuildValue("(NNs)", frozen_of(module, Py_BuildValue("(ii)", 1, 2)),
                          set_of(module, Py_BuildValue("(ii)", 2, 3)), "|"));
  SHOW_CALL(module, "inplace", "({1, 2}, [3], '|')",
            Py_BuildValue("(N[i]s)", set_of(module, Py_BuildValue("(ii)", 1, 2)), 3, "|"));

  /* Comparisons and hashing. */
  SHOW_CALL(module, "compare", "({1}, {1, 2})",
            Py_BuildValue("(NN)", set_of(module, Py_BuildValue("(i)", 1)),
                          set_of(module, Py_BuildValue("(ii)", 1, 2))));
  SHOW_CALL(module, "compare", "({1, 2}, frozenset({2, 1}))",
            Py_BuildValue("(NN)", set_of(module, Py_BuildValue("(ii)", 1, 2)),
                          frozen_of(module, Py_BuildValue("(ii)", 2, 1))));
  SHOW_CALL(module, "compare", "({1, 3}, {1, 2})",
            Py_BuildValue("(NN)", set_of(module, Py_BuildValue("(ii)", 1, 3)),
                          set_of(module, Py_BuildValue("(ii)", 1, 2))));
  SHOW_CALL(module, "compare", "({1}, [1])",
            Py_BuildValue("(N[i])", set_of(module, Py_BuildValue("(i)", 1)), 1));
  SHOW_CALL(module, "hash", "(frozenset())", Py_BuildValue("(N)", frozen_of(module, PyTuple_New(0))));
  SHOW_CALL(module, "hash", "(frozenset({1, 2, 3}))",
            Py_BuildValue("(N)", frozen_of(module, Py_BuildValue("(iii)", 1, 2, 3))));
  SHOW_CALL(module, "hash", "(frozenset({(1, 2), -5, 2**40}))",
            Py_BuildValue("(N)", frozen_of(module, Py_BuildValue("((ii)iL)", 1, 2, -5, 1LL << 40))));
  SHOW_CALL(module, "hash", "(frozenset({frozenset({1})}))",
            Py_BuildValue("(N)", frozen_of(module, Py_BuildValue("(N)", frozen_of(module, Py_BuildValue("(i)", 1))))));
  SHOW_CALL(module, "hash", "({1})", Py_BuildValue("(N)", set_of(module, Py_BuildValue("(i)", 1))));

  /* Iteration. */
  SHOW_CALL(module, "iterate", "({33, 1, 17, 2})",
            Py_BuildValue("(N)", set_of(module, Py_BuildValue("(iiii)", 33, 1, 17, 2))));
  SHOW_CALL(module, "iterate", "(frozenset())", Py_BuildValue("(N)", frozen_of(module, PyTuple_New(0))));
  SHOW_CALL(module, "mutate_while_iterating", "({1, 2})",
            Py_BuildValue("(N)", set_of(module, Py_BuildValue("(ii)", 1, 2))));

  /* Calling the types. */
  PyObject* types = call(module, "types", NULL);
  if (types != NULL) {
    PyObject* set_type = PyTuple_GET_ITEM(types, 0);
    PyObject* frozen_type = PyTuple_GET_ITEM(types, 1);
    SHOW_CALL(module, "call", "(set, ())", Py_BuildValue("(O())", set_type));
    SHOW_CALL(module, "call", "(set, ([1, 1, 2],))", Py_BuildValue("(O([iii]))", set_type, 1, 1, 2));
    SHOW_CALL(module, "call", "(set, (1, 2))", Py_BuildValue("(O(ii))", set_type, 1, 2));
    SHOW_CALL(module, "call", "(set, (), {'x': 1})", Py_BuildValue("(O(){s:i})", set_type, "x", 1));
    SHOW_CALL(module, "call", "(frozenset, ((3, 4),))", Py_BuildValue("(O((ii)))", frozen_type, 3, 4));
    SHOW_CALL(module, "call", "(frozenset, (), {'x': 1})", Py_BuildValue("(O(){s:i})", frozen_type, "x", 1));
    SHOW_CALL(module, "call", "(frozenset, (5,))", Py_BuildValue("(O(i))", frozen_type, 5));
    Py_DECREF(types);
  }

  /* Methods. */
  SHOW_CALL(module, "method", "({1, 2}, 'union', ([3], (4,)))",
            Py_BuildValue("(Ns([i](i)))", set_of(module, Py_BuildValue("(ii)", 1, 2)), "union", 3, 4));
  SHOW_CALL(module, "method", "({1, 2, 3}, 'intersection', ([3, 2], (2,)))",
            Py_BuildValue("(Ns([ii](i)))", set_of(module, Py_BuildValue("(iii)", 1, 2, 3)), "intersection", 3, 2, 2));
  SHOW_CALL(module, "method", "({1, 2, 3}, 'difference', ([3],))",
            Py_BuildValue("(Ns([i]))", set_of(module, Py_BuildValue("(iii)", 1, 2, 3)), "difference", 3));
  SHOW_CALL(module, "method", "({1, 2}, 'symmetric_difference', ([2, 5],))",
            Py_BuildValue("(Ns([ii]))", set_of(module, Py_BuildValue("(ii)", 1, 2)), "symmetric_difference", 2, 5));
  SHOW_CALL(module, "method", "({1, 2}, 'issubset', ([2, 1, 0],))",
            Py_BuildValue("(Ns([iii]))", set_of(module, Py_BuildValue("(ii)", 1, 2)), "issubset", 2, 1, 0));
  SHOW_CALL(module, "method", "({1, 2}, 'issuperset', ([2],))",
            Py_BuildValue("(Ns([i]))", set_of(module, Py_BuildValue("(ii)", 1, 2)), "issuperset", 2));
  SHOW_CALL(module, "method", "({1, 2}, 'isdisjoint', ([3],))",
            Py_BuildValue("(Ns([i]))", set_of(module, Py_BuildValue("(ii)", 1, 2)), "isdisjoint", 3));
  SHOW_CALL(module, "method", "({1, 2}, 'remove', (5,))",
            Py_BuildValue("(Ns(i))", set_of(module, Py_BuildValue("(ii)", 1, 2)), "remove", 5));
  SHOW_CALL(module, "method", "({1, 2}, 'remove', (1,))",
            Py_BuildValue("(Ns(i))", set_of(module, Py_BuildValue("(ii)", 1, 2)), "remove", 1));
  SHOW_CALL(module, "method", "({1, 2}, 'update', ([7, 8], {9: 0}))",
            Py_BuildValue("(Ns([ii]{i:i}))", set_of(module, Py_BuildValue("(ii)", 1, 2)), "update", 7, 8, 9, 0));
  SHOW_CALL(module, "method", "({1, 2}, 'copy', ())",
            Py_BuildValue("(Ns())", set_of(module, Py_BuildValue("(ii)", 1, 2)), "copy"));
  SHOW_CALL(module, "method", "(frozenset({1}), 'add', (2,))",
            Py_BuildValue("(Ns(i))", frozen_of(module, Py_BuildValue("(i)", 1)), "add", 2));

  /* Growing and shrinking past the small table, with dummies. */
  SHOW_CALL(module, "churn", "(10)", Py_BuildValue("(i)", 10));
  SHOW_CALL(module, "churn", "(100)", Py_BuildValue("(i)", 100));

  /* PyBytes_FromFormat(V), PyDict_SetDefault, PySys_GetObject/SetObject. */
  SHOW_CALL(module, "bytes_format", "()", NULL);
  SHOW_CALL(module, "setdefault", "({1: 2}, 1, 5)", Py_BuildValue("({i:i}ii)", 1, 2, 1, 5));
  SHOW_CALL(module, "setdefault", "({1: 2}, 3, 5)", Py_BuildValue("({i:i}ii)", 1, 2, 3, 5));
  SHOW_CALL(module, "setdefault", "({}, [], 5)", Py_BuildValue("({}[]i)", 5));
  SHOW_CALL(module, "setdefault", "([], 1, 5)", Py_BuildValue("([]ii)", 1, 5));
  SHOW_CALL(module, "sys_get", "('maxsize')", Py_BuildValue("(s)", "maxsize"));
  SHOW_CALL(module, "sys_get", "('maxunicode')", Py_BuildValue("(s)", "maxunicode"));
  SHOW_CALL(module, "sys_get", "('byteorder')", Py_BuildValue("(s)", "byteorder"));
  SHOW_CALL(module, "sys_get", "('api_version')", Py_BuildValue("(s)", "api_version"));
  SHOW_CALL(module, "sys_get", "('no_such_name')", Py_BuildValue("(s)", "no_such_name"));
  SHOW_CALL(module, "sys_roundtrip", "((1, 2))", Py_BuildValue("((ii))", 1, 2));
  /* Complex numbers. */
  static const double parts[][2] = {{1, 2}, {0, 1}, {-0.0, -1}, {0, 0}, {-0.0, 0}, {1.5, -0.0},
                                    {1e16, 1e-5}, {0, 2.5e-300}, {123456789012345678.0, 1}};
  for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); ++i) {
    char label[96];
    snprintf(label, sizeof(label), "complex_make(%g, %g)", parts[i][0], parts[i][1]);
    show(label, call(module, "complex_make", Py_BuildValue("(dd)", parts[i][0], parts[i][1])));
  }
  SHOW_CALL(module, "complex_make", "(inf, nan)", Py_BuildValue("(dd)", INFINITY, NAN));
  SHOW_CALL(module, "complex_make", "(-inf, -nan)", Py_BuildValue("(dd)", -INFINITY, -NAN));
  SHOW_CALL(module, "complex_parts", "(2.5)", Py_BuildValue("(d)", 2.5));
  SHOW_CALL(module, "complex_parts", "(7)", Py_BuildValue("(i)", 7));
  SHOW_CALL(module, "complex_parts", "('x')", Py_BuildValue("(s)", "x"));
  SHOW_CALL(module, "complex_c", "()", NULL);
  {
    PyObject* c12 = PyComplex_FromDoubles(1, 2);
    PyObject* c0 = PyComplex_FromDoubles(0, 0);
    PyObject* c30 = PyComplex_FromDoubles(3, 0);
    PyObject* cbig = PyComplex_FromDoubles(1e300, 1e300);
    PyObject* chalf = PyComplex_FromDoubles(0.5, 0.25);
    SHOW_CALL(module, "complex_ops", "(1+2j, 2-1j)", Py_BuildValue("(ON)", c12, PyComplex_FromDoubles(2, -1)));
    SHOW_CALL(module, "complex_ops", "(1+2j, 0j)", Py_BuildValue("(OO)", c12, c0));
    SHOW_CALL(module, "complex_ops", "(0j, -1)", Py_BuildValue("(Oi)", c0, -1));
    SHOW_CALL(module, "complex_ops", "(0j, 1j)", Py_BuildValue("(ON)", c0, PyComplex_FromDoubles(0, 1)));
    SHOW_CALL(module, "complex_ops", "(0j, 0)", Py_BuildValue("(Oi)", c0, 0));
    SHOW_CALL(module, "complex_ops", "(3+0j, 3)", Py_BuildValue("(Oi)", c30, 3));
    SHOW_CALL(module, "complex_ops", "(3+0j, 3.0)", Py_BuildValue("(Od)", c30, 3.0));
    SHOW_CALL(module, "complex_ops", "(2**53+0j, 2**53+1)",
              Py_BuildValue("(NL)", PyComplex_FromDoubles(9007199254740992.0, 0), 9007199254740993LL));
    SHOW_CALL(module, "complex_ops", "(1+2j, 10)", Py_BuildValue("(Oi)", c12, 10));
    SHOW_CALL(module, "complex_ops", "(1+2j, -3)", Py_BuildValue("(Oi)", c12, -3));
    SHOW_CALL(module, "complex_ops", "(1+2j, 0.5)", Py_BuildValue("(Od)", c12, 0.5));
    SHOW_CALL(module, "complex_ops", "(1+2j, 0.5+0.25j)", Py_BuildValue("(OO)", c12, chalf));
    SHOW_CALL(module, "complex_ops", "(1e300+1e300j, 1e300+1e300j)", Py_BuildValue("(OO)", cbig, cbig));
    SHOW_CALL(module, "complex_ops", "(1e300+1e300j, 200)", Py_BuildValue("(Oi)", cbig, 200));
    SHOW_CALL(module, "complex_ops", "(1+2j, 'x')", Py_BuildValue("(Os)", c12, "x"));
    SHOW_CALL(module, "complex_ops", "(2, 1+2j)", Py_BuildValue("(iO)", 2, c12));
    SHOW_CALL(module, "complex_ops", "(2.5, 1+2j)", Py_BuildValue("(dO)", 2.5, c12));
    SHOW_CALL(module, "hash", "({1+2j, 3+0j, 0j})",
              Py_BuildValue("(N)", frozen_of(module, Py_BuildValue("(OOO)", c12, c30, c0))));
    Py_DECREF(c12);
    Py_DECREF(c0);
    Py_DECREF(c30);
    Py_DECREF(cbig);
    Py_DECREF(chalf);
  }
  SHOW_CALL(module, "call", "(complex, (1, 2))",
            Py_BuildValue("(O(ii))", (PyObject*)&PyComplex_Type, 1, 2));
  SHOW_CALL(module, "call", "(complex, ())", Py_BuildValue("(O())", (PyObject*)&PyComplex_Type));
  SHOW_CALL(module, "call", "(complex, (1j, 1j))",
            Py_BuildValue("(O(NN))", (PyObject*)&PyComplex_Type, PyComplex_FromDoubles(0, 1),
                          PyComplex_FromDoubles(0, 1)));
  SHOW_CALL(module, "call", "(complex, (2.5,), {'imag': -1})",
            Py_BuildValue("(O(d){s:i})", (PyObject*)&PyComplex_Type, 2.5, "imag", -1));
  SHOW_CALL(module, "call", "(complex, ([],))", Py_BuildValue("(O([]))", (PyObject*)&PyComplex_Type));
  SHOW_CALL(module, "method", "(1+2j, 'conjugate', ())",
            Py_BuildValue("(Ns())", PyComplex_FromDoubles(1, 2), "conjugate"));

  /* CPython's hexversion is its build's (3.11.x); Pinion's says 3.11.0. */
  PyObject* hex = call(module, "sys_get", Py_BuildValue("(s)", "hexversion"));
  if (hex != NULL) {
    out("[differs] sys.hexversion: 0x%lx\n", PyLong_AsLong(hex));
    out("sys.hexversion is 3.11: %d\n", (PyLong_AsLong(hex) >> 16) == 0x030B);
    Py_DECREF(hex);
  } else {
    show("sys_get('hexversion')", NULL);
  }
}

DIFFERENTIAL_MAIN("sets", PyInit_sets, drive)
