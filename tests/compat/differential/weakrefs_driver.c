/* Drives tests/compat/modules/weakrefs.c: weak references and proxies to a GC extension type
 * (alone, and in a reference cycle), a non-GC one, a set, a module, a type and a builtin
 * function — while the referent lives, and after it is gone.
 *
 * "Gone" differs (weakrefobject.h): CPython clears weak references and calls their callbacks
 * at the last Py_DECREF (a cycle: at PyGC_Collect), Pinion at the first collection that
 * finds the referent unreachable, and runs the callbacks on the thread that runs finalizers
 * next (in the threaded runs, possibly another thread's). So the driver drops the referent,
 * then collects until the callbacks it expects were called (at once in CPython), and prints
 * only what must match after that: GetObject is None, each callback was called once with its
 * weak reference, proxies raise ReferenceError. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_weakrefs(void);

/* Prints a truth value, or the exception of a -1. */
static void show_bool(const char* label, int value) {
  if (value < 0) {
    show(label, NULL);
    return;
  }
  out("%s: %s\n", label, value ? "True" : "False");
}

/* Prints a hash, or the exception of a -1. */
static void show_hash(const char* label, Py_hash_t hash) {
  show(label, hash == -1 && PyErr_Occurred() ? NULL : PyLong_FromSsize_t(hash));
}

/* Prints whether module.name(*args) returned `expected` (identity); releases args. */
static void show_is(PyObject* module, const char* label, const char* name, PyObject* args,
                    PyObject* expected) {
  PyObject* result = call(module, name, args);
  if (result == NULL) {
    show(label, NULL);
    return;
  }
  show_bool(label, result == expected);
  Py_DECREF(result);
}

/* (calls, calls with ob) of a recorder's record. */
static void recorded(PyObject* module, PyObject* record, PyObject* ob, int* calls, int* with) {
  *calls = *with = -1;
  PyObject* result = call(module, "recorded", Py_BuildValue("(OO)", record, ob));
  if (result == NULL) {
    PyErr_Clear();
    return;
  }
  *calls = (int)PyLong_AsLong(PyTuple_GET_ITEM(result, 0));
  *with = (int)PyLong_AsLong(PyTuple_GET_ITEM(result, 1));
  Py_DECREF(result);
}

/* Collects until `record` saw `expected` calls (CPython: already). */
static void collect_until(PyObject* module, PyObject* record, int expected) {
  for (int i = 0; i < 200; i++) {
    int calls, with;
    recorded(module, record, Py_None, &calls, &with);
    if (calls >= expected) return;
    PyGC_Collect();
  }
}

/* A repr with its addresses left out: the text up to " at 0x", then what follows the
 * address's last hex digit, for each address. */
static void show_repr_masked(const char* label, PyObject* o) {
  PyObject* repr = PyObject_Repr(o);
  if (repr == NULL) {
    show(label, NULL);
    return;
  }
  const char* text = PyUnicode_AsUTF8(repr);
  char masked[256];
  size_t n = 0;
  for (const char* c = text; *c != '\0' && n + 8 < sizeof masked;) {
    if (strncmp(c, "0x", 2) == 0) {
      memcpy(masked + n, "0x...", 5);
      n += 5;
      c += 2;
      while ((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')) c++;
    } else {
      masked[n++] = *c++;
    }
  }
  masked[n] = '\0';
  out("%s: %s\n", label, masked);
  Py_DECREF(repr);
}

/* References and proxies to `ob` (a new reference, consumed: the driver drops it). */
static void referent_scenario(PyObject* m, const char* kind, PyObject* ob) {
  char label[128];
#define L(text) (snprintf(label, sizeof label, "%s: %s", kind, text), label)
  PyObject* rec = call(m, "recorder", NULL);
  if (rec == NULL) {
    show(L("recorder"), NULL);
    Py_DECREF(ob);
    return;
  }
  PyObject* callback = PyTuple_GET_ITEM(rec, 0);
  PyObject* record = PyTuple_GET_ITEM(rec, 1);
  PyObject* r = call(m, "ref", Py_BuildValue("(O)", ob));
  PyObject* r_again = call(m, "ref", Py_BuildValue("(OO)", ob, Py_None));
  PyObject* r_cb = call(m, "ref", Py_BuildValue("(OO)", ob, callback));
  PyObject* p = call(m, "proxy", Py_BuildValue("(O)", ob));
  PyObject* p_again = call(m, "proxy", Py_BuildValue("(O)", ob));
  PyObject* p_cb = call(m, "proxy", Py_BuildValue("(OO)", ob, callback));
  if (r == NULL || r_again == NULL || r_cb == NULL || p == NULL || p_again == NULL ||
      p_cb == NULL) {
    show(L("making them"), NULL);
    Py_XDECREF(r);
    Py_XDECREF(r_again);
    Py_XDECREF(r_cb);
    Py_XDECREF(p);
    Py_XDECREF(p_again);
    Py_XDECREF(p_cb);
    Py_DECREF(rec);
    Py_DECREF(ob);
    return;
  }

  /* While the referent lives. */
  show_bool(L("ref(ob) is ref(ob, None)"), r == r_again);
  show_bool(L("ref(ob, cb) is ref(ob)"), r_cb == r);
  show_bool(L("proxy(ob) is proxy(ob)"), p == p_again);
  show_bool(L("proxy(ob, cb) is proxy(ob)"), p_cb == p);
  show_is(m, L("get(ref) is ob"), "get", Py_BuildValue("(O)", r), ob);
  show_is(m, L("get_macro(ref_cb) is ob"), "get_macro", Py_BuildValue("(O)", r_cb), ob);
  show_is(m, L("get(proxy) is ob"), "get", Py_BuildValue("(O)", p), ob);
  PyObject* called = PyObject_CallNoArgs(r);
  show_bool(L("ref() is ob"), called == ob);
  Py_XDECREF(called);
  show(L("ref(1)"), PyObject_CallFunction(r, "i", 1));
  const Py_hash_t hash = PyObject_Hash(r);
  show_bool(L("hash(ref) == hash(ob)"), hash == PyObject_Hash(ob));
  show_bool(L("ref == ref_cb"), PyObject_RichCompareBool(r, r_cb, Py_EQ));
  show(L("ref < ref_cb"), PyObject_RichCompare(r, r_cb, Py_LT));
  SHOW_CALL(m, "checks", "(ref)", Py_BuildValue("(O)", r));
  SHOW_CALL(m, "checks", "(proxy)", Py_BuildValue("(O)", p));
  SHOW_CALL(m, "checks", "(ob)", Py_BuildValue("(O)", ob));
  show(L("type(ref)"), Py_NewRef((PyObject*)Py_TYPE(r)));
  show(L("type(proxy)"), Py_NewRef((PyObject*)Py_TYPE(p)));
  show_repr_masked(L("repr(ref)"), r);
  show_repr_masked(L("repr(proxy)"), p);
  show(L("proxy.value"), PyObject_GetAttrString(p, "value"));
  PyObject* seven = PyLong_FromLong(7);
  if (PyObject_SetAttrString(p, "value", seven) < 0) show(L("proxy.value = 7"), NULL);
  Py_DECREF(seven);
  show(L("ob.value after proxy.value = 7"), PyObject_GetAttrString(ob, "value"));
  show(L("str(proxy)"), PyObject_Str(p));
  show_bool(L("proxy == ob"), PyObject_RichCompareBool(p, ob, Py_EQ));
  show_bool(L("bool(proxy)"), PyObject_IsTrue(p));
  show_hash(L("hash(proxy)"), PyObject_Hash(p));
  int calls, with;
  recorded(m, record, r_cb, &calls, &with);
  out("%s: callbacks before: %d\n", kind, calls);

  /* Gone. Until a collection, Pinion still hands out an object nothing else references
   * (CPython cleared it at Py_DECREF, unless it is in a cycle). */
  Py_DECREF(ob);
  PyObject* before = call(m, "get", Py_BuildValue("(O)", r));
  out("[differs] %s: get(ref) before a collection: %s\n", kind,
      before == NULL ? "error" : before == Py_None ? "None" : "the object");
  if (before == NULL) PyErr_Clear();
  Py_XDECREF(before);
  collect_until(m, record, 2);
  show(L("get(ref)"), call(m, "get", Py_BuildValue("(O)", r)));
  show(L("get_macro(ref)"), call(m, "get_macro", Py_BuildValue("(O)", r)));
  show(L("get(ref_cb)"), call(m, "get", Py_BuildValue("(O)", r_cb)));
  show(L("ref()"), PyObject_CallNoArgs(r));
  show(L("ref_cb()"), PyObject_CallNoArgs(r_cb));
  recorded(m, record, r_cb, &calls, &with);
  out("%s: callbacks after: %d, with ref_cb: %d\n", kind, calls, with);
  recorded(m, record, p_cb, &calls, &with);
  out("%s: callbacks with proxy_cb: %d\n", kind, with);
  show_bool(L("hash(ref) cached"), PyObject_Hash(r) == hash);
  show_hash(L("hash(ref_cb)"), PyObject_Hash(r_cb));
  show_bool(L("ref == ref_cb"), PyObject_RichCompareBool(r, r_cb, Py_EQ));
  show_bool(L("ref == ref"), PyObject_RichCompareBool(r, r, Py_EQ));
  show_repr_masked(L("repr(ref)"), r);
  show_repr_masked(L("repr(proxy)"), p);
  show(L("proxy.value"), PyObject_GetAttrString(p, "value"));
  show(L("str(proxy_cb)"), PyObject_Str(p_cb));
  show_bool(L("bool(proxy)"), PyObject_IsTrue(p));
  PyObject* one = PyLong_FromLong(1);
  show(L("proxy + 1"), PyNumber_Add(p, one));
  Py_DECREF(one);
  Py_DECREF(r);
  Py_DECREF(r_again);
  Py_DECREF(r_cb);
  Py_DECREF(p);
  Py_DECREF(p_again);
  Py_DECREF(p_cb);
  Py_DECREF(rec);
#undef L
}

static void drive(PyObject* m) {
  /* Objects that do not accept weak references. */
  SHOW_CALL(m, "ref", "(5)", Py_BuildValue("(i)", 5));
  SHOW_CALL(m, "ref", "([])", Py_BuildValue("([])"));
  SHOW_CALL(m, "proxy", "('text')", Py_BuildValue("(s)", "text"));
  SHOW_CALL(m, "get", "(5)", Py_BuildValue("(i)", 5));
  SHOW_CALL(m, "clear_weakrefs", "(5)", Py_BuildValue("(i)", 5));

  referent_scenario(m, "Gc", call(m, "new_gc", Py_BuildValue("(i)", 5)));
  referent_scenario(m, "Gc cycle", call(m, "new_gc", Py_BuildValue("(iO)", 6, Py_True)));
  referent_scenario(m, "Plain", call(m, "new_plain", Py_BuildValue("(i)", 8)));

  /* A set: its callback, after it is gone. */
  PyObject* rec = call(m, "recorder", NULL);
  PyObject* set = PySet_New(NULL);
  PyObject* set_ref = call(m, "ref", Py_BuildValue("(OO)", set, PyTuple_GET_ITEM(rec, 0)));
  show_is(m, "set: get(ref) is set", "get", Py_BuildValue("(O)", set_ref), set);
  Py_DECREF(set);
  collect_until(m, PyTuple_GET_ITEM(rec, 1), 1);
  show("set: get(ref)", call(m, "get", Py_BuildValue("(O)", set_ref)));
  int calls, with;
  recorded(m, PyTuple_GET_ITEM(rec, 1), set_ref, &calls, &with);
  out("set: callbacks: %d, with its ref: %d\n", calls, with);
  Py_DECREF(set_ref);
  Py_DECREF(rec);

  /* Objects that live on: the module, a type, a builtin function, a frozenset. */
  PyObject* module_ref = call(m, "ref", Py_BuildValue("(O)", m));
  show_is(m, "module: get(ref) is module", "get", Py_BuildValue("(O)", module_ref), m);
  show_is(m, "module: ref(module) is ref(module)", "ref", Py_BuildValue("(O)", m), module_ref);
  PyObject* by_type = PyObject_CallFunction((PyObject*)&_PyWeakref_RefType, "O", m);
  show_bool("module: weakref.ref(module) is ref(module)", by_type == module_ref);
  Py_XDECREF(by_type);
  show("weakref.ref(module, None, None)",
       PyObject_CallFunction((PyObject*)&_PyWeakref_RefType, "OOO", m, Py_None, Py_None));
  PyObject* args = Py_BuildValue("(O)", m);
  PyObject* kwargs = Py_BuildValue("{s:O}", "callback", Py_None);
  show("weakref.ref(module, callback=None)",
       PyObject_Call((PyObject*)&_PyWeakref_RefType, args, kwargs));
  Py_DECREF(args);
  Py_DECREF(kwargs);
  Py_XDECREF(module_ref);
  PyObject* gc_type = PyObject_GetAttrString(m, "Gc");
  PyObject* type_ref = call(m, "ref", Py_BuildValue("(O)", gc_type));
  show_is(m, "type: get(ref) is Gc", "get", Py_BuildValue("(O)", type_ref), gc_type);
  show_repr_masked("type: repr(ref)", type_ref);
  Py_XDECREF(type_ref);
  Py_XDECREF(gc_type);
  PyObject* function = PyObject_GetAttrString(m, "get");
  PyObject* function_proxy = call(m, "proxy", Py_BuildValue("(O)", function));
  show("builtin function: type(proxy)", Py_NewRef((PyObject*)Py_TYPE(function_proxy)));
  PyObject* function_ref = call(m, "ref", Py_BuildValue("(O)", function));
  show_is(m, "builtin function: get(ref) is get", "get", Py_BuildValue("(O)", function_ref),
          function);
  PyObject* via_proxy = PyObject_CallFunction(function_proxy, "O", function_ref);
  show_bool("builtin function: proxy(ref) is get", via_proxy == function);
  Py_XDECREF(via_proxy);
  Py_XDECREF(function_ref);
  Py_XDECREF(function_proxy);
  Py_XDECREF(function);
  PyObject* frozen = PyFrozenSet_New(NULL);
  PyObject* frozen_ref = call(m, "ref", Py_BuildValue("(O)", frozen));
  show("frozenset: get(ref)", call(m, "get", Py_BuildValue("(O)", frozen_ref)));
  Py_XDECREF(frozen_ref);
  Py_XDECREF(frozen);
}

DIFFERENTIAL_MAIN("weakrefs", PyInit_weakrefs, drive)
