/* Drives tests/compat/modules/fastcalls.c: the module's functions, callable objects and
 * methods called through every entry of the call API (PyObject_Call, PyObject_Vectorcall
 * with and without PY_VECTORCALL_ARGUMENTS_OFFSET, PyObject_VectorcallDict,
 * PyObject_VectorcallMethod, the CallNoArgs/OneArg/ObjArgs/Function/Method forms), with
 * wrong argument counts and keywords. Each line is one call and what it gave. */
#define PY_SSIZE_T_CLEAN
#include "diff_support.h"

PyMODINIT_FUNC PyInit_fastcalls(void);

/* A small int (new reference). */
static PyObject* I(long v) { return PyLong_FromLong(v); }

/* Builds the tuple of kwnames from a NULL-terminated list of names (new reference). */
static PyObject* names(const char* first, ...) {
  PyObject* list = PyList_New(0);
  va_list va;
  va_start(va, first);
  for (const char* n = first; n != NULL; n = va_arg(va, const char*)) {
    PyObject* s = PyUnicode_FromString(n);
    PyList_Append(list, s);
    Py_DECREF(s);
  }
  va_end(va);
  PyObject* tuple = PyList_AsTuple(list);
  Py_DECREF(list);
  return tuple;
}

/* As show(), but an exception is printed by type only: CPython's SystemError from
 * PyErr_BadInternalCall names its own source file and line. */
static void show_type(const char* label, PyObject* result) {
  if (result != NULL) {
    show(label, result);
    return;
  }
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  out("%s: raised %s\n", label, type != NULL ? ((PyTypeObject*)type)->tp_name : "nothing");
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
}

static void release(PyObject** items, int n) {
  for (int i = 0; i < n; ++i) Py_XDECREF(items[i]);
}

/* PyObject_Vectorcall(f, args, nargs [| OFFSET], kwnames), with a real free slot in front
 * of the arguments when `offset` is set. `items` holds the positionals then the keyword
 * values; they are released. */
static void show_vectorcall(const char* label, PyObject* f, PyObject** items, Py_ssize_t nargs,
                            PyObject* kwnames, int offset) {
  Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
  PyObject* stack[16];
  stack[0] = Py_None; /* the slot a callee may borrow; must be restored */
  for (Py_ssize_t i = 0; i < nargs + nkw; ++i) stack[i + 1] = items[i];
  size_t nargsf = (size_t)nargs | (offset ? PY_VECTORCALL_ARGUMENTS_OFFSET : 0);
  show(label, PyObject_Vectorcall(f, stack + 1, nargsf, kwnames));
  if (stack[0] != Py_None) out("%s: args[-1] was not restored\n", label);
  release(items, (int)(nargs + nkw));
}

static void drive_functions(PyObject* module) {
  PyObject* fast_sum = PyObject_GetAttrString(module, "fast_sum");
  PyObject* fast_kw = PyObject_GetAttrString(module, "fast_kw");
  PyObject* echo = PyObject_GetAttrString(module, "echo");
  PyObject* noargs = PyObject_GetAttrString(module, "noargs");
  PyObject* one = PyObject_GetAttrString(module, "one");
  PyObject* varargs = PyObject_GetAttrString(module, "varargs");
  PyObject* varkw = PyObject_GetAttrString(module, "varkw");
  PyObject* null_result = PyObject_GetAttrString(module, "null_result");

  out("fast_sum is a builtin function: %d\n", PyCFunction_Check(fast_sum));
  out("fast_sum flags: %d\n", PyCFunction_GetFlags(fast_sum));
  out("fast_sum has a vectorcall: %d\n", PyVectorcall_Function(fast_sum) != NULL);
  out("varargs has a vectorcall: %d\n", PyVectorcall_Function(varargs) != NULL);
  out("PyVectorcall_NARGS(3 | OFFSET): %zd\n",
      PyVectorcall_NARGS(3 | PY_VECTORCALL_ARGUMENTS_OFFSET));

  /* Through PyObject_Call (tuple and dict). */
  SHOW_CALL(module, "fast_sum", "(1, 2, 3)", Py_BuildValue("(iii)", 1, 2, 3));
  SHOW_CALL(module, "fast_sum", "()", NULL);
  SHOW_CALL(module, "fast_sum", "('x',)", Py_BuildValue("(s)", "x"));
  {
    PyObject* args = Py_BuildValue("(i)", 1);
    PyObject* kw = Py_BuildValue("{s:i}", "k", 2);
    PyObject* empty = PyDict_New();
    show("Call(fast_sum, (1,), {k: 2})", PyObject_Call(fast_sum, args, kw));
    show("Call(fast_sum, (1,), {})", PyObject_Call(fast_sum, args, empty));
    show("Call(noargs, (1,), {k: 2})", PyObject_Call(noargs, args, kw));
    PyObject* none = PyTuple_New(0);
    show("Call(noargs, (), {k: 2})", PyObject_Call(noargs, none, kw));
    Py_DECREF(none);
    show("Call(one, (1,), {k: 2})", PyObject_Call(one, args, kw));
    show("Call(varargs, (1,), {k: 2})", PyObject_Call(varargs, args, kw));
    show("Call(varkw, (1,), {k: 2})", PyObject_Call(varkw, args, kw));
    show("Call(varkw, (1,), {})", PyObject_Call(varkw, args, empty));
    show("Call(echo, (1,), {k: 2})", PyObject_Call(echo, args, kw));
    show("Call(echo, (1,), {})", PyObject_Call(echo, args, empty));
    show("Call(echo, (1,), NULL)", PyObject_Call(echo, args, NULL));
    show("Call(fast_kw, (1,), {k: 2})", PyObject_Call(fast_kw, args, kw));
    Py_DECREF(kw);
    kw = Py_BuildValue("{s:i,s:i}", "scale", 10, "b", 5);
    show("Call(fast_kw, (1,), {scale: 10, b: 5})", PyObject_Call(fast_kw, args, kw));
    Py_DECREF(kw);
    kw = Py_BuildValue("{s:i}", "a", 5);
    show("Call(fast_kw, (1,), {a: 5})", PyObject_Call(fast_kw, args, kw));
    Py_DECREF(kw);
    kw = Py_BuildValue("{i:i}", 7, 5);
    show("Call(echo, (1,), {7: 5})", PyObject_Call(echo, args, kw));
    show("Call(varkw, (1,), {7: 5})", PyObject_Call(varkw, args, kw));
    Py_DECREF(kw);
    Py_DECREF(empty);
    Py_DECREF(args);
  }
  SHOW_CALL(module, "noargs", "()", NULL);
  SHOW_CALL(module, "noargs", "(1)", Py_BuildValue("(i)", 1));
  SHOW_CALL(module, "one", "(1)", Py_BuildValue("(i)", 1));
  SHOW_CALL(module, "one", "()", NULL);
  SHOW_CALL(module, "one", "(1, 2)", Py_BuildValue("(ii)", 1, 2));
  SHOW_CALL(module, "fast_kw", "(1, 2, 3)", Py_BuildValue("(iii)", 1, 2, 3));
  SHOW_CALL(module, "fast_kw", "()", NULL);
  SHOW_CALL(module, "null_result", "()", NULL);
  {
    /* CPython 3.11 does not check the result when PyObject_Call reaches a vectorcall
     * function without keywords: the caller gets NULL with no exception set. Pinion checks
     * every call (SystemError). */
    PyObject* empty = PyTuple_New(0);
    show("[differs] Call(null_result, ())", PyObject_Call(null_result, empty, NULL));
    Py_DECREF(empty);
  }
  SHOW_CALL(module, "forward", "(fast_sum, 4, 5)", Py_BuildValue("(Oii)", fast_sum, 4, 5));
  SHOW_CALL(module, "forward", "()", NULL);

  /* Through PyObject_Vectorcall, with and without the offset flag. */
  {
    PyObject* a[] = {I(1), I(2), I(3)};
    show_vectorcall("Vectorcall(fast_sum, 1, 2, 3)", fast_sum, a, 3, NULL, 0);
  }
  {
    PyObject* a[] = {I(1), I(2), I(3)};
    show_vectorcall("Vectorcall(fast_sum, 1, 2, 3 | OFFSET)", fast_sum, a, 3, NULL, 1);
  }
  show("Vectorcall(fast_sum) no args", PyObject_Vectorcall(fast_sum, NULL, 0, NULL));
  {
    PyObject* kwnames = names("k", NULL);
    PyObject* a[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(fast_sum, 1, k=2)", fast_sum, a, 1, kwnames, 0);
    PyObject* b[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(noargs, 1, k=2)", noargs, b, 1, kwnames, 0);
    PyObject* c[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(one, 1, k=2)", one, c, 1, kwnames, 1);
    PyObject* d[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(varargs, 1, k=2)", varargs, d, 1, kwnames, 0);
    PyObject* e[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(varkw, 1, k=2)", varkw, e, 1, kwnames, 1);
    PyObject* f[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(echo, 1, k=2)", echo, f, 1, kwnames, 0);
    Py_DECREF(kwnames);
  }
  {
    PyObject* empty = PyTuple_New(0);
    PyObject* a[] = {I(1)};
    show_vectorcall("Vectorcall(echo, 1, kwnames=())", echo, a, 1, empty, 0);
    PyObject* b[] = {I(1)};
    show_vectorcall("Vectorcall(noargs, 1, kwnames=())", noargs, b, 1, empty, 0);
    PyObject* c[] = {I(1)};
    show_vectorcall("Vectorcall(varkw, 1, kwnames=())", varkw, c, 1, empty, 0);
    Py_DECREF(empty);
  }
  {
    PyObject* kwnames = names("b", "scale", NULL);
    PyObject* a[] = {I(4), I(6), I(3)};
    show_vectorcall("Vectorcall(fast_kw, 4, b=6, scale=3)", fast_kw, a, 1, kwnames, 1);
    Py_DECREF(kwnames);
    kwnames = names("zz", NULL);
    PyObject* b[] = {I(4), I(6)};
    show_vectorcall("Vectorcall(fast_kw, 4, zz=6)", fast_kw, b, 1, kwnames, 0);
    Py_DECREF(kwnames);
  }
  {
    PyObject* a[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(noargs, 1, 2)", noargs, a, 2, NULL, 0);
    PyObject* b[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(one, 1, 2)", one, b, 2, NULL, 1);
    show("Vectorcall(one) no args", PyObject_Vectorcall(one, NULL, 0, NULL));
    show("Vectorcall(null_result)", PyObject_Vectorcall(null_result, NULL, 0, NULL));
    PyObject* c[] = {I(9)};
    show_vectorcall("Vectorcall(varargs, 9)", varargs, c, 1, NULL, 1);
  }
  {
    PyObject* forward = PyObject_GetAttrString(module, "forward");
    PyObject* kwnames = names("k", NULL);
    PyObject* a[] = {Py_NewRef(echo), I(1), I(2), I(3)};
    show_vectorcall("Vectorcall(forward, echo, 1, 2, k=3)", forward, a, 3, kwnames, 0);
    Py_DECREF(kwnames);
    Py_DECREF(forward);
  }

  /* Through PyObject_VectorcallDict. */
  {
    PyObject* args[] = {I(1), I(2)};
    PyObject* kw = Py_BuildValue("{s:i}", "k", 3);
    show("VectorcallDict(echo, 1, 2, {k: 3})", PyObject_VectorcallDict(echo, args, 2, kw));
    show("VectorcallDict(echo, 1, 2, NULL)", PyObject_VectorcallDict(echo, args, 2, NULL));
    show("VectorcallDict(fast_sum, 1, 2, {k: 3})",
         PyObject_VectorcallDict(fast_sum, args, 2, kw));
    show("VectorcallDict(varkw, 1, 2, {k: 3})", PyObject_VectorcallDict(varkw, args, 2, kw));
    show("VectorcallDict(varargs, 1, 2, {k: 3})",
         PyObject_VectorcallDict(varargs, args, 2, kw));
    Py_DECREF(kw);
    kw = PyDict_New();
    show("VectorcallDict(echo, 1, {})", PyObject_VectorcallDict(echo, args, 1, kw));
    Py_DECREF(kw);
    kw = Py_BuildValue("{i:i}", 1, 2);
    show("VectorcallDict(echo, 1, {1: 2})", PyObject_VectorcallDict(echo, args, 1, kw));
    Py_DECREF(kw);
    release(args, 2);
  }

  /* The short forms. */
  show("CallNoArgs(noargs)", PyObject_CallNoArgs(noargs));
  show("CallNoArgs(one)", PyObject_CallNoArgs(one));
  show("CallNoArgs(fast_sum)", PyObject_CallNoArgs(fast_sum));
  {
    PyObject* five = I(5);
    show("CallOneArg(one, 5)", PyObject_CallOneArg(one, five));
    show("CallOneArg(noargs, 5)", PyObject_CallOneArg(noargs, five));
    show("CallOneArg(fast_sum, 5)", PyObject_CallOneArg(fast_sum, five));
    show("CallOneArg(varargs, 5)", PyObject_CallOneArg(varargs, five));
    show("CallFunctionObjArgs(fast_sum, 5, 5, 5)",
         PyObject_CallFunctionObjArgs(fast_sum, five, five, five, NULL));
    show("CallFunctionObjArgs(echo)", PyObject_CallFunctionObjArgs(echo, NULL));
    show("CallFunctionObjArgs(NULL)", PyObject_CallFunctionObjArgs(NULL, five, NULL));
    show("CallObject(fast_sum, NULL)", PyObject_CallObject(fast_sum, NULL));
    PyObject* args = PyTuple_Pack(2, five, five);
    show("CallObject(fast_sum, (5, 5))", PyObject_CallObject(fast_sum, args));
    Py_DECREF(args);
    show("CallFunction(fast_sum, \"iii\", 1, 2, 3)",
         PyObject_CallFunction(fast_sum, "iii", 1, 2, 3));
    show("CallFunction(fast_sum, \"(ii)\", 1, 2)", PyObject_CallFunction(fast_sum, "(ii)", 1, 2));
    show("CallFunction(echo, \"N\", (5, 5))",
         PyObject_CallFunction(echo, "N", Py_BuildValue("(ii)", 5, 5)));
    show("CallFunction(echo, \"((ii))\", 5, 5)", PyObject_CallFunction(echo, "((ii))", 5, 5));
    show("CallFunction(echo, NULL)", PyObject_CallFunction(echo, NULL));
    show("CallFunction(echo, \"\")", PyObject_CallFunction(echo, ""));
    show("CallFunction(one, \"s#\", \"abc\", 2)", PyObject_CallFunction(one, "s#", "abc", (Py_ssize_t)2));
    show("_PyObject_CallFunction_SizeT(one, \"y#\", \"abc\", 2)",
         _PyObject_CallFunction_SizeT(one, "y#", "abc", (Py_ssize_t)2));
    show("CallFunction(NULL, \"i\", 1)", PyObject_CallFunction(NULL, "i", 1));
    show("CallFunction(one, \"O\", NULL)", PyObject_CallFunction(one, "O", NULL));
    Py_DECREF(five);
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  {
    PyObject* args = Py_BuildValue("(ii)", 3, 4);
    PyObject* kw = Py_BuildValue("{s:i}", "k", 3);
    show("PyCFunction_Call(fast_sum, (3, 4))", PyCFunction_Call(fast_sum, args, NULL));
    show("PyCFunction_Call(varkw, (3, 4), {k: 3})", PyCFunction_Call(varkw, args, kw));
    show("PyCFunction_Call(one, (3, 4))", PyCFunction_Call(one, args, NULL));
    show("PyEval_CallObject(fast_sum, (3, 4))", PyEval_CallObject(fast_sum, args));
    show("PyEval_CallObject(fast_sum, NULL)", PyEval_CallObject(fast_sum, NULL));
    show("PyEval_CallObjectWithKeywords(echo, NULL, {k: 3})",
         PyEval_CallObjectWithKeywords(echo, NULL, kw));
    show("PyEval_CallObjectWithKeywords(echo, (3, 4), {k: 3})",
         PyEval_CallObjectWithKeywords(echo, args, kw));
    show("PyEval_CallObjectWithKeywords(echo, {k: 3}, NULL)",
         PyEval_CallObjectWithKeywords(echo, kw, NULL));
    show("PyEval_CallObjectWithKeywords(echo, (3, 4), (3, 4))",
         PyEval_CallObjectWithKeywords(echo, args, args));
    show("PyEval_CallFunction(fast_sum, \"ii\", 5, 6)", PyEval_CallFunction(fast_sum, "ii", 5, 6));
    show("PyEval_CallFunction(fast_sum, \"(i)\", 5)", PyEval_CallFunction(fast_sum, "(i)", 5));
    show("PyEval_CallFunction(fast_sum, \"i\", 5)", PyEval_CallFunction(fast_sum, "i", 5));
    show("PyEval_CallFunction(fast_sum, \"\")", PyEval_CallFunction(fast_sum, ""));
    show("PyEval_CallFunction(fast_sum, \"()\")", PyEval_CallFunction(fast_sum, "()"));
    Py_DECREF(kw);
    Py_DECREF(args);
  }
#pragma GCC diagnostic pop

  Py_DECREF(fast_sum);
  Py_DECREF(fast_kw);
  Py_DECREF(echo);
  Py_DECREF(noargs);
  Py_DECREF(one);
  Py_DECREF(varargs);
  Py_DECREF(varkw);
  Py_DECREF(null_result);
}

static void drive_not_callable(PyObject* module) {
  PyObject* answer = PyObject_GetAttrString(module, "ANSWER");
  PyObject* args = PyTuple_New(0);
  out("callable(ANSWER): %d\n", PyCallable_Check(answer));
  out("ANSWER has a vectorcall: %d\n", PyVectorcall_Function(answer) != NULL);
  show("Call(ANSWER)", PyObject_Call(answer, args, NULL));
  show("Vectorcall(ANSWER)", PyObject_Vectorcall(answer, NULL, 0, NULL));
  show("VectorcallDict(ANSWER)", PyObject_VectorcallDict(answer, NULL, 0, NULL));
  show("CallNoArgs(ANSWER)", PyObject_CallNoArgs(answer));
  show("CallOneArg(ANSWER, ANSWER)", PyObject_CallOneArg(answer, answer));
  show("PyVectorcall_Call(ANSWER)", PyVectorcall_Call(answer, args, NULL));
  show("CallMethod(module, \"ANSWER\", NULL)", PyObject_CallMethod(module, "ANSWER", NULL));
  show("CallMethod(module, \"missing\", NULL)", PyObject_CallMethod(module, "missing", NULL));
  show("CallMethod(module, \"one\", \"i\", 4)", PyObject_CallMethod(module, "one", "i", 4));
  show("_PyObject_CallMethod_SizeT(module, \"one\", \"s#\", \"xyz\", 1)",
       _PyObject_CallMethod_SizeT(module, "one", "s#", "xyz", (Py_ssize_t)1));
  show("CallMethod(NULL, \"one\", NULL)", PyObject_CallMethod(NULL, "one", NULL));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  show("PyEval_CallMethod(module, \"one\", \"(i)\", 4)",
       PyEval_CallMethod(module, "one", "(i)", 4));
  show("PyEval_CallMethod(module, \"fast_sum\", \"ii\", 4, 5)",
       PyEval_CallMethod(module, "fast_sum", "ii", 4, 5));
  show("PyEval_CallMethod(module, \"one\", \"i\", 4)", PyEval_CallMethod(module, "one", "i", 4));
  show("PyEval_CallMethod(module, \"missing\", \"()\")",
       PyEval_CallMethod(module, "missing", "()"));
  show("PyEval_CallMethod(module, \"ANSWER\", \"()\")", PyEval_CallMethod(module, "ANSWER", "()"));
#pragma GCC diagnostic pop
  Py_DECREF(args);
  Py_DECREF(answer);
}

static void drive_adder(PyObject* module) {
  PyObject* adder_type = PyObject_GetAttrString(module, "Adder");
  PyObject* adder = PyObject_CallFunction(adder_type, "i", 10);
  PyObject* slow = PyObject_CallFunction(adder_type, "iO", 10, Py_False);
  out("callable(adder): %d\n", PyCallable_Check(adder));
  out("adder has a vectorcall: %d\n", PyVectorcall_Function(adder) != NULL);
  out("slow adder has a vectorcall: %d\n", PyVectorcall_Function(slow) != NULL);
  out("Adder has Py_TPFLAGS_HAVE_VECTORCALL: %d\n",
      PyType_HasFeature((PyTypeObject*)adder_type, Py_TPFLAGS_HAVE_VECTORCALL));

  show("Adder()", PyObject_CallNoArgs(adder_type));
  {
    PyObject* args = Py_BuildValue("(ii)", 1, 2);
    PyObject* kw = Py_BuildValue("{s:i}", "times", 3);
    PyObject* bad = Py_BuildValue("{s:i}", "plus", 3);
    PyObject* nonstr = Py_BuildValue("{i:i}", 1, 3);
    show("Call(adder, (1, 2))", PyObject_Call(adder, args, NULL));
    show("Call(adder, (1, 2), {times: 3})", PyObject_Call(adder, args, kw));
    show("Call(adder, (1, 2), {plus: 3})", PyObject_Call(adder, args, bad));
    show("Call(adder, (1, 2), {1: 3})", PyObject_Call(adder, args, nonstr));
    show("Call(slow, (1, 2))", PyObject_Call(slow, args, NULL));
    show("PyVectorcall_Call(adder, (1, 2), {times: 3})", PyVectorcall_Call(adder, args, kw));
    show("PyVectorcall_Call(slow, (1, 2))", PyVectorcall_Call(slow, args, NULL));
    show("VectorcallDict(adder, 1, 2, {times: 3})",
         PyObject_VectorcallDict(adder, &PyTuple_GET_ITEM(args, 0), 2, kw));
    show("VectorcallDict(slow, 1, 2, {times: 3})",
         PyObject_VectorcallDict(slow, &PyTuple_GET_ITEM(args, 0), 2, kw));
    show("VectorcallDict(adder, 1, 2, {1: 3})",
         PyObject_VectorcallDict(adder, &PyTuple_GET_ITEM(args, 0), 2, nonstr));
    Py_DECREF(nonstr);
    Py_DECREF(bad);
    Py_DECREF(kw);
    Py_DECREF(args);
  }
  {
    PyObject* a[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(adder, 1, 2)", adder, a, 2, NULL, 0);
    PyObject* b[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(adder, 1, 2 | OFFSET)", adder, b, 2, NULL, 1);
    PyObject* kwnames = names("times", NULL);
    PyObject* c[] = {I(1), I(2), I(4)};
    show_vectorcall("Vectorcall(adder, 1, 2, times=4 | OFFSET)", adder, c, 2, kwnames, 1);
    PyObject* d[] = {I(1), I(2), I(4)};
    show_vectorcall("Vectorcall(slow, 1, 2, times=4)", slow, d, 2, kwnames, 0);
    Py_DECREF(kwnames);
    PyObject* e[] = {PyUnicode_FromString("x")};
    show_vectorcall("Vectorcall(adder, 'x')", adder, e, 1, NULL, 0);
  }
  show("CallNoArgs(adder)", PyObject_CallNoArgs(adder));
  {
    PyObject* five = I(5);
    show("CallOneArg(adder, 5)", PyObject_CallOneArg(adder, five));
    show("CallFunctionObjArgs(adder, 5, 5)", PyObject_CallFunctionObjArgs(adder, five, five, NULL));
    show("CallFunction(adder, \"ii\", 5, 6)", PyObject_CallFunction(adder, "ii", 5, 6));
    PyObject* forward = PyObject_GetAttrString(module, "forward");
    PyObject* kwnames = names("times", NULL);
    PyObject* a[] = {Py_NewRef(adder), I(1), I(2)};
    show_vectorcall("Vectorcall(forward, adder, 1, times=2)", forward, a, 2, kwnames, 0);
    Py_DECREF(kwnames);
    Py_DECREF(forward);
    Py_DECREF(five);
  }
  {
    PyObject* sub_type = PyObject_GetAttrString(module, "SubAdder");
    PyObject* sub = PyObject_CallFunction(sub_type, "i", 100);
    out("SubAdder has Py_TPFLAGS_HAVE_VECTORCALL: %d\n",
        PyType_HasFeature((PyTypeObject*)sub_type, Py_TPFLAGS_HAVE_VECTORCALL));
    out("SubAdder's tp_vectorcall_offset is Adder's: %d\n",
        ((PyTypeObject*)sub_type)->tp_vectorcall_offset ==
            ((PyTypeObject*)adder_type)->tp_vectorcall_offset);
    out("sub has a vectorcall: %d\n", PyVectorcall_Function(sub) != NULL);
    PyObject* args = Py_BuildValue("(ii)", 1, 2);
    PyObject* kw = Py_BuildValue("{s:i}", "times", 2);
    show("Call(sub, (1, 2), {times: 2})", PyObject_Call(sub, args, kw));
    show("CallOneArg(sub, 1)", PyObject_CallOneArg(sub, PyTuple_GET_ITEM(args, 0)));
    Py_DECREF(kw);
    Py_DECREF(args);
    Py_DECREF(sub);
    Py_DECREF(sub_type);
  }
  Py_DECREF(slow);
  Py_DECREF(adder);
  Py_DECREF(adder_type);
}

static void drive_widget(PyObject* module) {
  PyObject* widget_type = PyObject_GetAttrString(module, "Widget");
  PyObject* widget = PyObject_CallFunction(widget_type, "s", "w");
  PyObject* defining = PyObject_GetAttrString(widget, "defining");
  PyObject* label = PyObject_GetAttrString(widget, "label");
  PyObject* tag = PyObject_GetAttrString(widget, "tag");
  PyObject* scaled = PyObject_GetAttrString(widget, "scaled");

  out("defining is a builtin function: %d\n", PyCFunction_Check(defining));
  out("defining is a PyCMethod: %d\n", PyCMethod_Check(defining));
  out("label is a PyCMethod: %d\n", PyCMethod_Check(label));
  out("defining's class: %s\n", PyCFunction_GET_CLASS(defining)->tp_name);
  out("label's class is NULL: %d\n", PyCFunction_GET_CLASS(label) == NULL);
  out("defining's self is the widget: %d\n", PyCFunction_GET_SELF(defining) == widget);
  out("defining has a vectorcall: %d\n", PyVectorcall_Function(defining) != NULL);
  out("type(defining): %s\n", Py_TYPE(defining)->tp_name);
  out("type(label): %s\n", Py_TYPE(label)->tp_name);

  {
    PyObject* args = Py_BuildValue("(ii)", 1, 2);
    PyObject* kw = Py_BuildValue("{s:i}", "k", 3);
    show("Call(defining, (1, 2), {k: 3})", PyObject_Call(defining, args, kw));
    show("Call(defining, (1, 2))", PyObject_Call(defining, args, NULL));
    show("Call(label, (1, 2))", PyObject_Call(label, args, NULL));
    PyObject* none = PyTuple_New(0);
    show("Call(label, (), {k: 3})", PyObject_Call(label, none, kw));
    Py_DECREF(none);
    show("Call(tag, (1, 2))", PyObject_Call(tag, args, NULL));
    show("Call(scaled, (1, 2))", PyObject_Call(scaled, args, NULL));
    show("Call(scaled, (1, 2), {k: 3})", PyObject_Call(scaled, args, kw));
    Py_DECREF(kw);
    Py_DECREF(args);
  }
  {
    PyObject* kwnames = names("k", NULL);
    PyObject* a[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(defining, 1, k=2 | OFFSET)", defining, a, 1, kwnames, 1);
    Py_DECREF(kwnames);
  }
  show("CallNoArgs(label)", PyObject_CallNoArgs(label));
  show("CallNoArgs(defining)", PyObject_CallNoArgs(defining));
  {
    PyObject* x = PyUnicode_FromString("x");
    show("CallOneArg(tag, 'x')", PyObject_CallOneArg(tag, x));
    show("CallOneArg(label, 'x')", PyObject_CallOneArg(label, x));
    PyObject* name = PyUnicode_FromString("defining");
    PyObject* kwnames = names("k", NULL);
    PyObject* stack[] = {widget, x, x};
    show("VectorcallMethod('defining', widget, 'x', k='x')",
         PyObject_VectorcallMethod(name, stack, 2, kwnames));
    show("VectorcallMethod('defining', widget | OFFSET)",
         PyObject_VectorcallMethod(name, stack, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL));
    show("CallMethodNoArgs(widget, 'defining')", PyObject_CallMethodNoArgs(widget, name));
    show("CallMethodOneArg(widget, 'defining', 'x')",
         PyObject_CallMethodOneArg(widget, name, x));
    show("CallMethodObjArgs(widget, 'defining', 'x', 'x')",
         PyObject_CallMethodObjArgs(widget, name, x, x, NULL));
    show("CallMethod(widget, \"defining\", \"si\", \"a\", 1)",
         PyObject_CallMethod(widget, "defining", "si", "a", 1));
    show("CallMethodObjArgs(NULL, 'defining')", PyObject_CallMethodObjArgs(NULL, name, NULL));
    Py_DECREF(name);
    name = PyUnicode_FromString("scaled");
    PyObject* three = I(3);
    show("CallMethodOneArg(widget, 'scaled', 3)", PyObject_CallMethodOneArg(widget, name, three));
    show("CallMethodNoArgs(widget, 'scaled')", PyObject_CallMethodNoArgs(widget, name));
    Py_DECREF(name);
    name = PyUnicode_FromString("make");
    PyObject* y = PyUnicode_FromString("y");
    show("CallMethodObjArgs(widget, 'make', 'x', 'y')",
         PyObject_CallMethodObjArgs(widget, name, x, y, NULL));
    PyObject* make = PyObject_GetAttr(widget, name);
    out("make's self is the type: %d\n", PyCFunction_GetSelf(make) == widget_type);
    PyObject* kw = Py_BuildValue("{s:O}", "k", y);
    show("VectorcallDict(make, 'x', {k: 'y'})", PyObject_VectorcallDict(make, &x, 1, kw));
    Py_DECREF(kw);
    show("CallOneArg(make, 3)", PyObject_CallOneArg(make, three));
    Py_DECREF(make);
    Py_DECREF(y);
    Py_DECREF(name);
    {
      PyObject* kw = names("name", NULL);
      PyObject* a[] = {PyUnicode_FromString("v")};
      show_vectorcall("Vectorcall(Widget, name='v')", widget_type, a, 0, kw, 1);
      PyObject* b[] = {PyUnicode_FromString("v"), PyUnicode_FromString("v")};
      show_vectorcall("Vectorcall(Widget, 'v', name='v')", widget_type, b, 1, kw, 0);
      Py_DECREF(kw);
    }
    name = PyUnicode_FromString("nope");
    show("CallMethodNoArgs(widget, 'nope')", PyObject_CallMethodNoArgs(widget, name));
    show("VectorcallMethod('nope', widget)", PyObject_VectorcallMethod(name, stack, 1, NULL));
    Py_DECREF(name);
    Py_DECREF(three);
    Py_DECREF(kwnames);
    Py_DECREF(x);
  }
  Py_DECREF(scaled);
  Py_DECREF(tag);
  Py_DECREF(label);
  Py_DECREF(defining);
  Py_DECREF(widget);
  Py_DECREF(widget_type);
}

/* Builtin functions made directly from method definitions. */
static PyObject* driver_fast(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  return Py_BuildValue("(On)", self == NULL ? Py_None : self, nargs);
}

static PyObject* driver_method(PyObject* self, PyTypeObject* cls, PyObject* const* args,
                               size_t nargs, PyObject* kwnames) {
  return Py_BuildValue("(Osn)", self == NULL ? Py_None : self, cls->tp_name, (Py_ssize_t)nargs);
}

static PyMethodDef driver_defs[] = {
    {"fast", (PyCFunction)(void (*)(void))driver_fast, METH_FASTCALL, NULL},
    {"method", (PyCFunction)(void (*)(void))driver_method,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, NULL},
    {"bad", (PyCFunction)(void (*)(void))driver_fast, METH_O | METH_NOARGS, NULL},
    {"method_o", (PyCFunction)(void (*)(void))driver_fast, METH_METHOD | METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static void drive_constructors(PyObject* module) {
  PyObject* name = PyUnicode_FromString("mod.name");
  PyObject* self = PyUnicode_FromString("self");
  PyObject* fast = PyCFunction_NewEx(&driver_defs[0], self, name);
  show("PyCFunction_NewEx(fast, 'self', 'mod.name')(1, 2)",
       PyObject_CallFunction(fast, "ii", 1, 2));
  out("PyCFunction_GetSelf is 'self': %d\n", PyCFunction_GetSelf(fast) == self);
  out("PyCFunction_GetFunction is driver_fast: %d\n",
      PyCFunction_GetFunction(fast) == (PyCFunction)(void (*)(void))driver_fast);
  Py_DECREF(fast);
  fast = PyCFunction_New(&driver_defs[0], NULL);
  show("PyCFunction_New(fast, NULL)()", PyObject_CallNoArgs(fast));
  Py_DECREF(fast);
  PyObject* type = PyObject_GetAttrString(module, "Widget");
  PyObject* method = PyCMethod_New(&driver_defs[1], self, NULL, (PyTypeObject*)type);
  show("PyCMethod_New(method, 'self', NULL, Widget)(1)", PyObject_CallFunction(method, "i", 1));
  out("PyCMethod_Check: %d, class: %s\n", PyCMethod_Check(method),
      PyCFunction_GET_CLASS(method)->tp_name);
  Py_DECREF(method);
  show("PyCMethod_New(method, 'self', NULL, NULL)",
       PyCMethod_New(&driver_defs[1], self, NULL, NULL));
  show("PyCMethod_New(fast, 'self', NULL, Widget)",
       PyCMethod_New(&driver_defs[0], self, NULL, (PyTypeObject*)type));
  show("PyCMethod_New(bad, 'self', NULL, NULL)",
       PyCMethod_New(&driver_defs[2], self, NULL, NULL));
  show("PyCFunction_NewEx(bad, 'self', NULL)", PyCFunction_NewEx(&driver_defs[2], self, NULL));
  show("PyCMethod_New(method_o, 'self', NULL, Widget)",
       PyCMethod_New(&driver_defs[3], self, NULL, (PyTypeObject*)type));
  Py_DECREF(type);
  Py_DECREF(self);
  Py_DECREF(name);
}

/* The attributes of builtin functions and methods. */
static void drive_attributes(PyObject* module) {
  static const char* const attributes[] = {"__name__", "__qualname__", "__module__", "__doc__",
                                           "__text_signature__", "nope"};
  PyObject* widget_type = PyObject_GetAttrString(module, "Widget");
  PyObject* widget = PyObject_CallFunction(widget_type, "s", "w");
  PyObject* functions[] = {
      PyObject_GetAttrString(module, "fast_sum"), PyObject_GetAttrString(module, "fast_kw"),
      PyObject_GetAttrString(module, "noargs"),   PyObject_GetAttrString(widget, "defining"),
      PyObject_GetAttrString(widget, "label"),
  };
  static const char* const names[] = {"fast_sum", "fast_kw", "noargs", "widget.defining",
                                      "widget.label"};
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 6; ++j) {
      char label[100];
      snprintf(label, sizeof(label), "%s.%s", names[i], attributes[j]);
      show(label, PyObject_GetAttrString(functions[i], attributes[j]));
    }
    PyObject* self = PyObject_GetAttrString(functions[i], "__self__");
    out("%s.__self__ is its self: %d\n", names[i], self == (i < 3 ? module : widget));
    Py_XDECREF(self);
  }
  PyObject* one = I(1);
  out("set fast_sum.__name__: %d\n", PyObject_SetAttrString(functions[0], "__name__", one));
  show("set fast_sum.__name__", NULL);
  out("set fast_sum.other: %d\n", PyObject_SetAttrString(functions[0], "other", one));
  show("set fast_sum.other", NULL);
  PyObject* bare = PyCFunction_New(&((PyCFunctionObject*)functions[0])->m_ml[0], NULL);
  show("PyCFunction_New(fast_sum def, NULL).__self__", PyObject_GetAttrString(bare, "__self__"));
  show("PyCFunction_New(fast_sum def, NULL).__module__",
       PyObject_GetAttrString(bare, "__module__"));
  show("PyCFunction_New(fast_sum def, NULL)(1)",
       PyObject_VectorcallDict(bare, &one, 1, NULL));
  Py_DECREF(bare);
  Py_DECREF(one);
  for (int i = 0; i < 5; ++i) Py_DECREF(functions[i]);
  Py_DECREF(widget);
  Py_DECREF(widget_type);
}

/* Bound methods (PyMethod_New) and instance methods (PyInstanceMethod_New). */
static void drive_bound_methods(PyObject* module) {
  PyObject* echo = PyObject_GetAttrString(module, "echo");
  PyObject* fast_sum = PyObject_GetAttrString(module, "fast_sum");
  PyObject* adder_type = PyObject_GetAttrString(module, "Adder");
  PyObject* adder = PyObject_CallFunction(adder_type, "i", 1000);
  PyObject* me = PyUnicode_FromString("me");
  PyObject* other = PyUnicode_FromString("other");
  PyObject* bound = call(module, "bind", PyTuple_Pack(2, echo, me));
  out("PyMethod_Check(bound): %d, PyMethod_Check(echo): %d\n", PyMethod_Check(bound),
      PyMethod_Check(echo));
  out("bound has a vectorcall: %d\n", PyVectorcall_Function(bound) != NULL);
  out("type(bound): %s\n", Py_TYPE(bound)->tp_name);
  show("repr(bound)", PyObject_Repr(bound));
  {
    PyObject* args = Py_BuildValue("(ii)", 1, 2);
    PyObject* kw = Py_BuildValue("{s:i}", "k", 3);
    show("Call(bound, (1, 2), {k: 3})", PyObject_Call(bound, args, kw));
    show("Call(bound, (1, 2))", PyObject_Call(bound, args, NULL));
    Py_DECREF(kw);
    Py_DECREF(args);
  }
  show("CallNoArgs(bound)", PyObject_CallNoArgs(bound));
  show("CallOneArg(bound, 'other')", PyObject_CallOneArg(bound, other));
  {
    PyObject* kwnames = names("k", NULL);
    PyObject* a[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(bound, 1, k=2 | OFFSET)", bound, a, 1, kwnames, 1);
    PyObject* b[] = {I(1), I(2)};
    show_vectorcall("Vectorcall(bound, 1, k=2)", bound, b, 1, kwnames, 0);
    PyObject* c[] = {I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10)};
    show_vectorcall("Vectorcall(bound, 1..9, k=10)", bound, c, 9, kwnames, 0);
    Py_DECREF(kwnames);
  }
  {
    PyObject* five = I(5);
    PyObject* to_adder = call(module, "bind", PyTuple_Pack(2, adder, five));
    show("bind(adder, 5)(1) | OFFSET", PyObject_CallOneArg(to_adder, five));
    show("bind(adder, 5)()", PyObject_CallNoArgs(to_adder));
    show("repr(bind(adder, 5))", PyObject_Repr(to_adder));
    Py_DECREF(to_adder);
    PyObject* to_sum = call(module, "bind", PyTuple_Pack(2, fast_sum, five));
    show("repr(bind(fast_sum, 5))", PyObject_Repr(to_sum));
    show("bind(fast_sum, 5)(5, 5)", PyObject_CallFunction(to_sum, "ii", 5, 5));
    Py_DECREF(to_sum);
    Py_DECREF(five);
  }
  show("method_parts(bound)", call(module, "method_parts", PyTuple_Pack(1, bound)));
  show_type("method_parts(echo)", call(module, "method_parts", PyTuple_Pack(1, echo)));
  show_type("bind(echo, NULL)", PyMethod_New(echo, NULL));
  {
    PyObject* func = PyObject_GetAttrString(bound, "__func__");
    PyObject* self = PyObject_GetAttrString(bound, "__self__");
    out("bound.__func__ is echo: %d, bound.__self__ is me: %d\n", func == echo, self == me);
    Py_XDECREF(func);
    Py_XDECREF(self);
    show("bound.__name__", PyObject_GetAttrString(bound, "__name__"));
    show("bound.__qualname__", PyObject_GetAttrString(bound, "__qualname__"));
    show("bound.__doc__", PyObject_GetAttrString(bound, "__doc__"));
    show("bound.nope", PyObject_GetAttrString(bound, "nope"));
    out("method has a tp_descr_get: %d\n", Py_TYPE(bound)->tp_descr_get != NULL);
  }
  {
    PyObject* same = call(module, "bind", PyTuple_Pack(2, echo, me));
    PyObject* differs = call(module, "bind", PyTuple_Pack(2, echo, other));
    show("bound == same", PyObject_RichCompare(bound, same, Py_EQ));
    show("bound != same", PyObject_RichCompare(bound, same, Py_NE));
    show("bound == differs", PyObject_RichCompare(bound, differs, Py_EQ));
    show("bound < same", PyObject_RichCompare(bound, same, Py_LT));
    out("hash(bound) == hash(same): %d\n", PyObject_Hash(bound) == PyObject_Hash(same));
    Py_DECREF(differs);
    Py_DECREF(same);
  }
  {
    PyObject* im = call(module, "instancemethod", PyTuple_Pack(1, echo));
    out("PyInstanceMethod_Check(im): %d\n", PyInstanceMethod_Check(im));
    out("PyInstanceMethod_Function(im) is echo: %d\n",
        PyInstanceMethod_Function(im) == echo && PyInstanceMethod_GET_FUNCTION(im) == echo);
    show_type("PyInstanceMethod_Function(echo)", Py_XNewRef(PyInstanceMethod_Function(echo)));
    out("type(im): %s\n", Py_TYPE(im)->tp_name);
    show("im(1, 2)", PyObject_CallFunction(im, "ii", 1, 2));
    show("im.__name__", PyObject_GetAttrString(im, "__name__"));
    PyObject* func = PyObject_GetAttrString(im, "__func__");
    out("im.__func__ is echo: %d\n", func == echo);
    Py_XDECREF(func);
    out("hash(im): %ld\n", (long)PyObject_Hash(im));
    show("hash(im)", NULL);
    PyObject* im2 = PyInstanceMethod_New(echo);
    show("im == PyInstanceMethod_New(echo)", PyObject_RichCompare(im, im2, Py_EQ));
    Py_DECREF(im2);
    PyObject* through_class = Py_TYPE(im)->tp_descr_get(im, NULL, (PyObject*)Py_TYPE(me));
    out("im through the class is echo: %d\n", through_class == echo);
    Py_XDECREF(through_class);
    PyObject* through_instance = Py_TYPE(im)->tp_descr_get(im, me, (PyObject*)Py_TYPE(me));
    show("repr(im through 'me')", PyObject_Repr(through_instance));
    show("(im through 'me')(1)", PyObject_CallOneArg(through_instance, other));
    Py_XDECREF(through_instance);
    Py_DECREF(im);
  }
  Py_DECREF(bound);
  Py_DECREF(other);
  Py_DECREF(me);
  Py_DECREF(adder);
  Py_DECREF(adder_type);
  Py_DECREF(fast_sum);
  Py_DECREF(echo);
}

static void drive(PyObject* module) {
  drive_functions(module);
  drive_bound_methods(module);
  drive_attributes(module);
  drive_not_callable(module);
  drive_adder(module);
  drive_widget(module);
  drive_constructors(module);
}

DIFFERENTIAL_MAIN("fastcalls", PyInit_fastcalls, drive)
