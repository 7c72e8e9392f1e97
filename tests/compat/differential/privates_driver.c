/* Drives tests/compat/modules/privates.c: each line is one call and what it gave. Not
 * compared: lone surrogates, which CPython's writer accepts and Pinion's str cannot hold
 * (ValueError), and Latin-1 above 0x7f, which CPython 3.11's writer sign-extends. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_privates(void);

static void drive(PyObject* module) {
  SHOW_CALL(module, "int_repr", "(0)", Py_BuildValue("(i)", 0));
  SHOW_CALL(module, "int_repr", "(1)", Py_BuildValue("(i)", 1));
  SHOW_CALL(module, "int_repr", "(-7)", Py_BuildValue("(i)", -7));
  SHOW_CALL(module, "int_repr", "(True)", Py_BuildValue("(O)", Py_True));
  SHOW_CALL(module, "int_repr", "(2**30)", Py_BuildValue("(L)", 1LL << 30));
  SHOW_CALL(module, "int_repr", "(2**31)", Py_BuildValue("(L)", 1LL << 31));
  SHOW_CALL(module, "int_repr", "(-(2**40) + 5)", Py_BuildValue("(L)", -(1LL << 40) + 5));
  SHOW_CALL(module, "int_repr", "(2**62 + 3)", Py_BuildValue("(L)", (1LL << 62) + 3));
  SHOW_CALL(module, "int_repr", "(-2**63)", Py_BuildValue("(L)", -9223372036854775807LL - 1));
  SHOW_CALL(module, "int_repr", "(2**63 - 1)", Py_BuildValue("(L)", 9223372036854775807LL));
  SHOW_CALL(module, "int_repr", "('x')", Py_BuildValue("(s)", "x"));
  SHOW_CALL(module, "as_int", "(-2**31)", Py_BuildValue("(L)", -(1LL << 31)));
  SHOW_CALL(module, "as_int", "(2**31)", Py_BuildValue("(L)", 1LL << 31));
  SHOW_CALL(module, "as_int", "('x')", Py_BuildValue("(s)", "x"));
  SHOW_CALL(module, "unsigned_errors", "(-1)", Py_BuildValue("(i)", -1));
  SHOW_CALL(module, "unsigned_errors", "(2**40)", Py_BuildValue("(L)", 1LL << 40));
  SHOW_CALL(module, "write", "('text')", Py_BuildValue("(s)", "text"));
  SHOW_CALL(module, "write", "('')", Py_BuildValue("(s)", ""));
  SHOW_CALL(module, "write", "('\\u00e9t\\u00e9 \\U0001f600')",
            Py_BuildValue("(s)", "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80"));
  SHOW_CALL(module, "wide", "(4)", Py_BuildValue("(i)", 4));
  SHOW_CALL(module, "wide", "(0)", Py_BuildValue("(i)", 0));
  SHOW_CALL(module, "wide", "(0, True)", Py_BuildValue("(iO)", 0, Py_True));
  SHOW_CALL(module, "strings", "('abc', 'abc')", Py_BuildValue("(ss)", "abc", "abc"));
  SHOW_CALL(module, "strings", "('abc', 'abd')", Py_BuildValue("(ss)", "abc", "abd"));
  SHOW_CALL(module, "strings", "('\\u00e9', '\\u00e9')", Py_BuildValue("(ss)", "\xc3\xa9", "\xc3\xa9"));
  SHOW_CALL(module, "strings", "('', 'x')", Py_BuildValue("(ss)", "", "x"));
  SHOW_CALL(module, "join", "(b', ', [b'a', b'bc', b''])",
            Py_BuildValue("(y[yyy])", ", ", "a", "bc", ""));
  SHOW_CALL(module, "join", "(b'-', (b'x',))", Py_BuildValue("(y(y))", "-", "x"));
  SHOW_CALL(module, "join", "(b'-', [])", Py_BuildValue("(y[])", "-"));
  SHOW_CALL(module, "join", "(b'-', [b'a', 'b'])", Py_BuildValue("(y[ys])", "-", "a", "b"));
  SHOW_CALL(module, "join", "(b'-', 5)", Py_BuildValue("(yi)", "-", 5));
  SHOW_CALL(module, "pop", "({'a': 1, 'b': 2}, 'a')", Py_BuildValue("({s:i,s:i}s)", "a", 1, "b", 2, "a"));
  SHOW_CALL(module, "pop", "({'a': 1}, 'z')", Py_BuildValue("({s:i}s)", "a", 1, "z"));
  SHOW_CALL(module, "pop", "({'a': 1}, 'z', 0)", Py_BuildValue("({s:i}si)", "a", 1, "z", 0));
  SHOW_CALL(module, "pop", "({}, 'z')", Py_BuildValue("({}s)", "z"));
  SHOW_CALL(module, "pop", "({'a': 1}, [])", Py_BuildValue("({s:i}[])", "a", 1));
  SHOW_CALL(module, "dict_ptr", "()", NULL);
  SHOW_CALL(module, "hashes", "()", NULL);
  SHOW_CALL(module, "clocks", "()", NULL);
  SHOW_CALL(module, "state", "()", NULL);
  SHOW_CALL(module, "add_module", "('privates_added')", Py_BuildValue("(s)", "privates_added"));
  SHOW_CALL(module, "add_module", "('privates_added')", Py_BuildValue("(s)", "privates_added"));
}

DIFFERENTIAL_MAIN("privates", PyInit_privates, drive)
