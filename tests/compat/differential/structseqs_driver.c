/* Drives tests/compat/modules/structseqs.c: struct sequences made by the C API and by calling
 * their types; reprs, tuple behaviour, named and hidden fields, the types' attributes, and
 * CPython's errors. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_structseqs(void);

/* Prints obj.name under `label`. */
static void show_attr(const char* label, PyObject* obj, const char* name) {
  show(label, obj != NULL ? PyObject_GetAttrString(obj, name) : NULL);
}

/* Prints obj.name(*args); steals args. */
static void show_method(const char* label, PyObject* obj, const char* name, PyObject* args) {
  PyObject* method = obj != NULL ? PyObject_GetAttrString(obj, name) : NULL;
  PyObject* result = method != NULL && args != NULL ? PyObject_CallObject(method, args) : NULL;
  Py_XDECREF(method);
  Py_XDECREF(args);
  show(label, result);
}

/* Prints type(*args, **kwargs); steals args and kwargs. */
static void show_new(const char* label, PyObject* type, PyObject* args, PyObject* kwargs) {
  show(label, args != NULL ? PyObject_Call(type, args, kwargs) : NULL);
  Py_XDECREF(args);
  Py_XDECREF(kwargs);
}

static void drive_instance(const char* name, PyObject* module, PyObject* obj, Py_ssize_t n) {
  char label[128];
  out("-- %s\n", name);
  if (obj == NULL) {
    show("made", NULL);
    return;
  }
  show("repr", Py_XNewRef(obj));
  show("str", obj != NULL ? PyObject_Str(obj) : NULL);
  SHOW_CALL(module, "checks", "(obj)", Py_BuildValue("(O)", obj));
  SHOW_CALL(module, "fields", "(obj, n)", Py_BuildValue("(On)", obj, n));
  show("obj[0]", PySequence_GetItem(obj, 0));
  show("obj[-1]", PySequence_GetItem(obj, -1));
  show("obj[5]", PySequence_GetItem(obj, 5));
  show("obj[0:2]", PySequence_GetSlice(obj, 0, 2));
  show("tuple(obj)", PySequence_Tuple(obj));
  show("list(obj)", PySequence_List(obj));
  PyObject* tuple = PySequence_Tuple(obj);
  if (tuple != NULL) {
    show("obj == tuple(obj)", PyObject_RichCompare(obj, tuple, Py_EQ));
    show("obj < tuple(obj)", PyObject_RichCompare(obj, tuple, Py_LT));
    const Py_hash_t hash = PyObject_Hash(obj);
    if (hash == -1) {
      show("hash(obj)", NULL);
    } else {
      out("hash(obj) == hash(tuple(obj)): %d\n", hash == PyObject_Hash(tuple));
    }
    Py_DECREF(tuple);
  }
  PyObject* nine = Py_BuildValue("(i)", 9);
  show("obj + (9,)", PyNumber_Add(obj, nine));
  Py_XDECREF(nine);
  show_method("obj.__reduce__()", obj, "__reduce__", PyTuple_New(0));
  const char* attrs[] = {"mode", "size", "atime", "mtime", "first", "second", "extra", "nope"};
  for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
    snprintf(label, sizeof(label), "obj.%s", attrs[i]);
    show_attr(label, obj, attrs[i]);
  }
  PyObject* value = PyLong_FromLong(1);
  if (PyObject_SetAttrString(obj, n == 5 ? "mode" : "first", value) < 0) show("setattr", NULL);
  if (PyObject_SetAttrString(obj, "extra", value) < 0) show("setattr hidden", NULL);
  if (PyObject_DelAttrString(obj, n == 5 ? "atime" : "extra") < 0) show("delattr", NULL);
  Py_DECREF(value);
}

static void drive_type(const char* name, PyObject* module, PyObject* type) {
  out("-- type %s\n", name);
  show("repr", Py_XNewRef(type));
  const char* attrs[] = {"__name__", "__qualname__", "__module__", "__doc__", "n_sequence_fields",
                         "n_fields", "n_unnamed_fields", "__match_args__", "__base__"};
  char label[128];
  for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
    snprintf(label, sizeof(label), "type.%s", attrs[i]);
    show_attr(label, type, attrs[i]);
  }
  show_attr("type.first", type, "first");
  show_attr("type.mode", type, "mode");
  out("heap type: %d, gc: %d, base type: %d\n",
      (PyType_GetFlags((PyTypeObject*)type) & Py_TPFLAGS_HEAPTYPE) != 0,
      PyType_IS_GC((PyTypeObject*)type), (PyType_GetFlags((PyTypeObject*)type) & Py_TPFLAGS_BASETYPE) != 0);
  SHOW_CALL(module, "subclass", "(type)", Py_BuildValue("(O)", type));

  /* Calling the type. */
  show_new("T((1, 2, 3))", type, Py_BuildValue("((iii))", 1, 2, 3), NULL);
  show_new("T((1, 2))", type, Py_BuildValue("((ii))", 1, 2), NULL);
  show_new("T([1, 2, 3, 4])", type, Py_BuildValue("([iiii])", 1, 2, 3, 4), NULL);
  show_new("T([1, 2, 3, 4, 5])", type, Py_BuildValue("([iiiii])", 1, 2, 3, 4, 5), NULL);
  show_new("T(range-ish 'abcdef')", type, Py_BuildValue("(s)", "abcdef"), NULL);
  show_new("T('ab')", type, Py_BuildValue("(s)", "ab"), NULL);
  show_new("T(5)", type, Py_BuildValue("(i)", 5), NULL);
  show_new("T()", type, PyTuple_New(0), NULL);
  show_new("T((1, 2, 3), None)", type, Py_BuildValue("((iii)O)", 1, 2, 3, Py_None), NULL);
  show_new("T((1, 2, 3), 7)", type, Py_BuildValue("((iii)i)", 1, 2, 3, 7), NULL);
  show_new("T((1, 2, 3), {}, 1)", type, Py_BuildValue("((iii){}i)", 1, 2, 3, 1), NULL);
  show_new("T((1, 2, 3), {'extra': 8, 'mtime': 9, 'atime': 10})", type,
           Py_BuildValue("((iii){sisisi})", 1, 2, 3, "extra", 8, "mtime", 9, "atime", 10), NULL);
  show_new("T(sequence=(1, 2, 3), dict={'mtime': 4})", type, PyTuple_New(0),
           Py_BuildValue("{s(iii)s{si}}", "sequence", 1, 2, 3, "dict", "mtime", 4));
  show_new("T((1, 2, 3), foo=1)", type, Py_BuildValue("((iii))", 1, 2, 3),
           Py_BuildValue("{si}", "foo", 1));
  PyObject* made = PyObject_CallFunction(type, "((iii){si})", 1, 2, 3, "extra", 5);
  show_attr("T((1, 2, 3), {'extra': 5}).extra", made, "extra");
  show_attr("T((1, 2, 3), {'extra': 5}).mtime", made, "mtime");
  if (made == NULL) PyErr_Clear();
  Py_XDECREF(made);
}

static void drive(PyObject* module) {
  PyObject* stat_type = PyObject_GetAttrString(module, "Stat");
  PyObject* pair_type = PyObject_GetAttrString(module, "Pair");
  if (stat_type == NULL || pair_type == NULL) {
    show("types", NULL);
    Py_XDECREF(stat_type);
    Py_XDECREF(pair_type);
    return;
  }
  drive_type("Stat", module, stat_type);
  drive_type("Pair", module, pair_type);
  SHOW_CALL(module, "init_again", "()", NULL);

  PyObject* stat = call(module, "make_stat",
                        Py_BuildValue("(iisdd)", 0644, 4096, "third", 1.5, 2.25));
  drive_instance("stat", module, stat, 5);
  PyObject* pair = call(module, "make_pair", Py_BuildValue("(s[i]O)", "one", 2, Py_None));
  drive_instance("pair", module, pair, 3);
  SHOW_CALL(module, "make_stat", "(1, 2)", Py_BuildValue("(ii)", 1, 2));

  /* A round trip through __reduce__: type(*args). */
  PyObject* reduced = pair != NULL ? PyObject_CallMethod(pair, "__reduce__", NULL) : NULL;
  if (reduced != NULL && PyTuple_Check(reduced) && PyTuple_GET_SIZE(reduced) == 2) {
    show("rebuilt from __reduce__",
         PyObject_CallObject(PyTuple_GET_ITEM(reduced, 0), PyTuple_GET_ITEM(reduced, 1)));
  } else {
    show("__reduce__", NULL);
  }
  Py_XDECREF(reduced);

  /* Long reprs are not cut short (CPython 3.11). */
  char digits[301];
  memset(digits, '7', 300);
  digits[300] = '\0';
  PyObject* long_text = PyUnicode_FromString(digits);
  show("long repr", PyObject_CallFunction(pair_type, "((OO))", long_text, long_text));
  Py_XDECREF(long_text);

  /* The interpreter's own struct sequences. */
  SHOW_CALL(module, "float_info", "()", NULL);
  PyObject* info = call(module, "float_info", NULL);
  show_attr("float_info().epsilon", info, "epsilon");
  show_attr("type(float_info()).n_fields", info != NULL ? (PyObject*)Py_TYPE(info) : NULL, "n_fields");
  Py_XDECREF(info);
  info = call(module, "thread_info", NULL);
  show_attr("thread_info().name", info, "name");
  show("len(thread_info())", info != NULL ? PyLong_FromSsize_t(PyTuple_Size(info)) : NULL);
  /* Pinion's locks are a mutex and a condition variable; CPython's Linux build's semaphores. */
  out("[differs] ");
  show_attr("thread_info().lock", info, "lock");
  show("type(thread_info().version)",
       info != NULL ? Py_NewRef((PyObject*)Py_TYPE(PyStructSequence_GetItem(info, 2))) : NULL);
  Py_XDECREF(info);

  Py_XDECREF(stat);
  Py_XDECREF(pair);
  Py_DECREF(stat_type);
  Py_DECREF(pair_type);
}

DIFFERENTIAL_MAIN("structseqs", PyInit_structseqs, drive)
