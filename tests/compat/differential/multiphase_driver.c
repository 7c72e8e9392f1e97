/* Drives tests/compat/modules/multiphase.c (PEP 489 multi-phase init, module state, heap
 * types, exception classes): each line is one call and what it gave.
 *
 * One line differs by design: how many Counters the module has created, which depends on
 * how many drivers ran before (the threaded test runs several at once on one module). */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_multiphase(void);

static PyObject* str(const char* s) { return Py_BuildValue("(s)", s); }
static PyObject* num(long n) { return Py_BuildValue("(l)", n); }

static void drive(PyObject* module) {
  /* The import ran both exec slots, in order, with __spec__ set. */
  show("exec_info()", call(module, "exec_info", NULL));
  show("__doc__", PyObject_GetAttrString(module, "__doc__"));
  show("get_def(None)", call(module, "get_def", Py_BuildValue("(O)", Py_None)));
  show("get_def(5)", call(module, "get_def", num(5)));
  show("filename(None)", call(module, "filename", Py_BuildValue("(O)", Py_None)));
  show("filename(5)", call(module, "filename", num(5)));
  show("state_api()", call(module, "state_api", NULL));
  show("state_remove()", call(module, "state_remove", NULL));
  show("create_multiphase()", call(module, "create_multiphase", NULL));

  /* Heap types: names, flags, slots, modules. */
  const char* types[] = {"Counter", "SubCounter", "Plain", "Token", "Error", "SubError", "int"};
  for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); ++i) {
    char label[64];
    snprintf(label, sizeof label, "names(%s)", types[i]);
    show(label, call(module, "names", str(types[i])));
    snprintf(label, sizeof label, "type_module(%s)", types[i]);
    show(label, call(module, "type_module", str(types[i])));
    snprintf(label, sizeof label, "module_by_def(%s)", types[i]);
    show(label, call(module, "module_by_def", str(types[i])));
  }
  show("flags(Counter)", call(module, "flags", str("Counter")));
  show("flags(SubCounter)", call(module, "flags", str("SubCounter")));
  show("flags(Token)", call(module, "flags", str("Token")));
  show("module_by_other_def(Counter)", call(module, "module_by_other_def", str("Counter")));
  show("slots()", call(module, "slots", NULL));
  show("bad_slot(0)", call(module, "bad_slot", num(0)));
  show("bad_slot(-3)", call(module, "bad_slot", num(-3)));
  show("bad_slot(82)", call(module, "bad_slot", num(82)));
  show("bad_slot(Py_tp_getset)", call(module, "bad_slot", num(73)));
  show("bad_slot(Py_bf_getbuffer)", call(module, "bad_slot", num(1)));
  show("bad_spec(0)", call(module, "bad_spec", num(0)));
  show("bad_spec(1)", call(module, "bad_spec", num(1)));
  show("bad_spec(2)", call(module, "bad_spec", num(2)));
  show("bad_spec(4)", call(module, "bad_spec", num(4)));
  show("bad_spec(5)", call(module, "bad_spec", num(5)));

  /* Instances: created by calling the heap types; methods; the module's exception. */
  PyObject* counter = call(module, "make", Py_BuildValue("(s(i))", "Counter", 5));
  if (counter != NULL) {
    show("Counter(5).increment(2)", PyObject_CallMethod(counter, "increment", "(i)", 2));
    show("Counter(5).increment()", PyObject_CallMethod(counter, "increment", NULL));
    show("Counter(5).increment(-4)", PyObject_CallMethod(counter, "increment", "(i)", -4));
    show("Counter(5).tag()", PyObject_CallMethod(counter, "tag", NULL));
    show("type(Counter(5)) is Counter",
         PyBool_FromLong((PyObject*)Py_TYPE(counter) == PyObject_GetAttrString(module, "Counter")));
    Py_DECREF((PyObject*)Py_TYPE(counter)); /* the reference GetAttr returned */
  }
  show("Counter(5)", counter);
  PyObject* sub = call(module, "make", Py_BuildValue("(s(is))", "SubCounter", 3, "t"));
  if (sub != NULL) {
    show("SubCounter(3, 't').increment(1)", PyObject_CallMethod(sub, "increment", "(i)", 1));
    show("SubCounter(3, 't').tag()", PyObject_CallMethod(sub, "tag", NULL));
  }
  show("SubCounter(3, 't')", sub);
  show("make(Token)", call(module, "make", Py_BuildValue("(s)", "Token")));
  show("plain_instances()", call(module, "plain_instances", NULL));
  {
    PyObject* count = call(module, "created_count", NULL);
    out("[differs] created_count(): %ld\n", count != NULL ? PyLong_AsLong(count) : -1L);
    Py_XDECREF(count);
    PyErr_Clear();
  }

  /* Exception classes. */
  show("raise_error(Error, 'boom')", call(module, "raise_error", Py_BuildValue("(ss)", "Error", "boom")));
  show("raise_error(SubError, 'sub')", call(module, "raise_error", Py_BuildValue("(ss)", "SubError", "sub")));
  show("matches()", call(module, "matches", NULL));
  show("new_exceptions()", call(module, "new_exceptions", NULL));
  show("bad_exception()", call(module, "bad_exception", NULL));

  /* The Py_mod_create definition, and faulty ones. */
  show("make_created('pkg.created')", call(module, "make_created", str("pkg.created")));
  for (long i = 0; i < 9; ++i) {
    char label[32];
    snprintf(label, sizeof label, "bad_def(%ld)", i);
    show(label, call(module, "bad_def", num(i)));
  }
  show("exec_unknown()", call(module, "exec_unknown", NULL));
}

DIFFERENTIAL_MAIN("multiphase", PyInit_multiphase, drive)
