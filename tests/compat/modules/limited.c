/* A module written for CPython's limited API (the build defines Py_LIMITED_API=0x030B0000,
 * tests/compat/differential/BUILD), as extensions that ship one abi3 wheel are: the type
 * object is opaque, so types are tested with the Check macros and names come from Python
 * objects; no PyTuple_GET_ITEM-style macros, no PyUnicode_AsUTF8 (limited only from 3.13):
 * PyUnicode_AsUTF8AndSize instead. Reference counting goes through Py_INCREF/Py_DECREF,
 * which limited builds turn into calls (Py_IncRef/Py_DecRef).
 *
 * Functions: arithmetic with PyArg_ParseTuple and Py_BuildValue; keyword parsing; type
 * classification; str, bytes, float, int, tuple, list and dict functions of the limited API;
 * calls, attributes, items, comparison and truth through PyObject_*; raising, matching,
 * fetching and restoring exceptions with PyErr_*. No mutable module-level state.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h> /* not included by Python.h in limited builds (3.11) */

#ifndef Py_LIMITED_API
#error "this module must be built with Py_LIMITED_API"
#endif

static PyObject* add(PyObject* Py_UNUSED(module), PyObject* args) {
  long a, b;
  if (!PyArg_ParseTuple(args, "ll:add", &a, &b)) return NULL;
  return Py_BuildValue("l", a + b);
}

static PyObject* scale(PyObject* Py_UNUSED(module), PyObject* args, PyObject* kwargs) {
  static char* keywords[] = {"value", "factor", "offset", NULL};
  double value, factor = 2.0;
  int offset = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "d|d$i:scale", keywords, &value, &factor,
                                   &offset)) {
    return NULL;
  }
  return PyFloat_FromDouble(value * factor + offset);
}

/* What an object is, by the Check macros (which read the type's flags through a function
 * in limited builds). */
static PyObject* classify(PyObject* Py_UNUSED(module), PyObject* obj) {
  const char* kind = "other";
  if (obj == Py_None) {
    kind = "none";
  } else if (PyBool_Check(obj)) {
    kind = "bool";
  } else if (PyLong_Check(obj)) {
    kind = PyLong_CheckExact(obj) ? "int" : "int subclass";
  } else if (PyFloat_Check(obj)) {
    kind = "float";
  } else if (PyUnicode_Check(obj)) {
    kind = "str";
  } else if (PyBytes_Check(obj)) {
    kind = "bytes";
  } else if (PyTuple_Check(obj)) {
    kind = "tuple";
  } else if (PyList_Check(obj)) {
    kind = "list";
  } else if (PyDict_Check(obj)) {
    kind = "dict";
  } else if (PyType_Check(obj)) {
    kind = "type";
  } else if (PyCallable_Check(obj)) {
    kind = "callable";
  }
  return PyUnicode_FromString(kind);
}

/* (byte length, code points, the text again, upper-cased ASCII) for a str. */
static PyObject* text(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject* s;
  if (!PyArg_ParseTuple(args, "U:text", &s)) return NULL;
  Py_ssize_t size;
  const char* utf8 = PyUnicode_AsUTF8AndSize(s, &size);
  if (utf8 == NULL) return NULL;
  char* upper = PyMem_Malloc((size_t)size + 1);
  if (upper == NULL) return PyErr_NoMemory();
  for (Py_ssize_t i = 0; i <= size; ++i) {
    upper[i] = (utf8[i] >= 'a' && utf8[i] <= 'z') ? (char)(utf8[i] - 'a' + 'A') : utf8[i];
  }
  PyObject* copy = PyUnicode_DecodeUTF8(utf8, size, "strict");
  PyObject* result = copy == NULL ? NULL
                                  : Py_BuildValue("(nnNs#)", size, PyUnicode_GetLength(s),
                                                  copy, upper, size);
  PyMem_Free(upper);
  return result;
}

/* Strings joined: str(item) for each item of a list or tuple, with `sep` between. */
static PyObject* join(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *items, *sep;
  if (!PyArg_ParseTuple(args, "OU:join", &items, &sep)) return NULL;
  const int is_list = PyList_Check(items);
  if (!is_list && !PyTuple_Check(items)) {
    PyErr_Format(PyExc_TypeError, "join() expects a list or tuple, not %R", items);
    return NULL;
  }
  const Py_ssize_t n = is_list ? PyList_Size(items) : PyTuple_Size(items);
  PyObject* result = PyUnicode_FromString("");
  for (Py_ssize_t i = 0; i < n && result != NULL; ++i) {
    PyObject* item = is_list ? PyList_GetItem(items, i) : PyTuple_GetItem(items, i);
    PyObject* piece = PyObject_Str(item);
    if (piece == NULL) {
      Py_CLEAR(result);
      break;
    }
    PyObject* joined = i == 0 ? Py_NewRef(result) : PyUnicode_Concat(result, sep);
    Py_DECREF(result);
    result = joined == NULL ? NULL : PyUnicode_Concat(joined, piece);
    Py_XDECREF(joined);
    Py_DECREF(piece);
  }
  return result;
}

/* Tuples and lists built and reshaped with the functions (no macros). */
static PyObject* sequences(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  PyObject* list = PyList_New(0);
  if (list == NULL) return NULL;
  for (long i = 0; i < 5; ++i) {
    PyObject* item = PyLong_FromLong(i * i);
    if (item == NULL || PyList_Append(list, item) < 0) {
      Py_XDECREF(item);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(item);
  }
  PyList_Insert(list, 0, Py_None);
  PyList_SetItem(list, 1, PyUnicode_FromString("zero"));
  PyList_Reverse(list);
  PyObject* middle = PyList_GetSlice(list, 1, 4);
  PyObject* tuple = PyList_AsTuple(list);
  PyObject* pair = PyTuple_Pack(2, middle, Py_True);
  PyObject* fresh = PyTuple_New(2);
  PyTuple_SetItem(fresh, 0, PyLong_FromLong(7));
  PyTuple_SetItem(fresh, 1, PyTuple_GetSlice(tuple, 0, 2));
  PyList_SetSlice(list, 0, 2, NULL);
  PyObject* result = Py_BuildValue("(OOOOnn)", list, tuple, pair, fresh, PyList_Size(list),
                                   PyTuple_Size(tuple));
  Py_DECREF(fresh);
  Py_DECREF(pair);
  Py_DECREF(tuple);
  Py_DECREF(middle);
  Py_DECREF(list);
  return result;
}

/* A dict's keys in order, its size, a lookup by C string and by object, and a copy with a
 * key added and one removed. */
static PyObject* mapping(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *dict, *key;
  if (!PyArg_ParseTuple(args, "O!O:mapping", &PyDict_Type, &dict, &key)) return NULL;
  PyObject* keys = PyList_New(0);
  Py_ssize_t pos = 0;
  PyObject *k, *v;
  while (PyDict_Next(dict, &pos, &k, &v)) PyList_Append(keys, k);
  PyObject* found = PyDict_GetItemWithError(dict, key);
  if (found == NULL && PyErr_Occurred()) {
    Py_DECREF(keys);
    return NULL;
  }
  PyObject* copy = PyDict_Copy(dict);
  PyDict_SetItemString(copy, "added", Py_True);
  if (PyDict_Contains(copy, key) == 1) PyDict_DelItem(copy, key);
  PyObject* named = PyDict_GetItemString(dict, "name");
  PyObject* result = Py_BuildValue("(NnOOON)", keys, PyDict_Size(dict),
                                   found != NULL ? found : Py_None,
                                   named != NULL ? named : Py_None, copy, PyDict_Items(copy));
  Py_DECREF(copy);
  return result;
}

/* Numbers through the limited conversions. */
static PyObject* numbers(PyObject* Py_UNUSED(module), PyObject* obj) {
  if (PyFloat_Check(obj)) {
    const double d = PyFloat_AsDouble(obj);
    return Py_BuildValue("(dN)", d / 2, PyLong_FromDouble(d));
  }
  int overflow;
  const long value = PyLong_AsLongAndOverflow(obj, &overflow);
  if (value == -1 && PyErr_Occurred()) return NULL;
  const long long wide = PyLong_AsLongLong(obj);
  const Py_ssize_t size = PyLong_AsSsize_t(obj);
  const double d = PyLong_AsDouble(obj);
  PyObject* unsigned_value = value >= 0 ? PyLong_FromUnsignedLong(PyLong_AsUnsignedLong(obj))
                                        : Py_NewRef(Py_None);
  return Py_BuildValue("(liLndN)", value, overflow, wide, size, d, unsigned_value);
}

/* bytes made, measured and read back. */
static PyObject* raw(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* data;
  Py_ssize_t size;
  if (!PyArg_ParseTuple(args, "y#:raw", &data, &size)) return NULL;
  PyObject* bytes = PyBytes_FromStringAndSize(data, size);
  if (bytes == NULL) return NULL;
  char* buffer;
  Py_ssize_t length;
  if (PyBytes_AsStringAndSize(bytes, &buffer, &length) < 0) {
    Py_DECREF(bytes);
    return NULL;
  }
  return Py_BuildValue("(Nnc)", bytes, PyBytes_Size(bytes), length > 0 ? buffer[0] : '-');
}

/* f(*args, **kwargs), f(first), and obj.method() through the PyObject_Call* family. */
static PyObject* invoke(PyObject* Py_UNUSED(module), PyObject* args, PyObject* kwargs) {
  if (PyTuple_Size(args) < 1) {
    PyErr_SetString(PyExc_TypeError, "invoke() needs a callable");
    return NULL;
  }
  PyObject* function = PyTuple_GetItem(args, 0);
  if (!PyCallable_Check(function)) {
    PyErr_SetString(PyExc_TypeError, "invoke() needs a callable");
    return NULL;
  }
  PyObject* rest = PyTuple_GetSlice(args, 1, PyTuple_Size(args));
  PyObject* called = PyObject_Call(function, rest, kwargs);
  Py_DECREF(rest);
  if (called == NULL) return NULL;
  PyObject* again = PyObject_CallFunction(function, "(s)", "one");
  if (again == NULL) PyErr_Clear(), again = PyUnicode_FromString("(failed)");
  PyObject* none = PyObject_CallNoArgs(function);
  if (none == NULL) PyErr_Clear(), none = PyUnicode_FromString("(failed)");
  return Py_BuildValue("(NNN)", called, again, none);
}

/* Attribute and item access on any object. */
static PyObject* attr_access(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *obj, *key;
  const char* attr;
  if (!PyArg_ParseTuple(args, "OsO:access", &obj, &attr, &key)) return NULL;
  const int has = PyObject_HasAttrString(obj, attr);
  PyObject* value = has ? PyObject_GetAttrString(obj, attr) : Py_NewRef(Py_None);
  if (value == NULL) return NULL;
  PyObject* item = PyObject_GetItem(obj, key);
  if (item == NULL) {
    PyObject *type, *exc, *traceback;
    PyErr_Fetch(&type, &exc, &traceback);
    item = PyUnicode_FromString(PyErr_GivenExceptionMatches(type, PyExc_LookupError)
                                    ? "lookup error"
                                    : "other error");
    Py_XDECREF(type);
    Py_XDECREF(exc);
    Py_XDECREF(traceback);
  }
  const Py_ssize_t size = PyObject_Size(obj);
  if (size < 0) PyErr_Clear(); /* no len(): -1 */
  return Py_BuildValue("(iNNn)", has, value, item, size);
}

/* Comparison, truth, hashing of ints, repr and str. */
static PyObject* compare(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "OO:compare", &a, &b)) return NULL;
  const int lt = PyObject_RichCompareBool(a, b, Py_LT);
  if (lt < 0) return NULL;
  PyObject* eq = PyObject_RichCompare(a, b, Py_EQ);
  if (eq == NULL) return NULL;
  const int truth = PyObject_IsTrue(a);
  const int not_b = PyObject_Not(b);
  PyObject* repr = PyObject_Repr(a);
  PyObject* str = PyObject_Str(b);
  PyObject* type = PyObject_Type(a);
  const int same_type = type == (PyObject*)&PyLong_Type;
  Py_XDECREF(type);
  PyObject* hash = PyLong_Check(a) ? PyLong_FromSsize_t(PyObject_Hash(a)) : Py_NewRef(Py_None);
  return Py_BuildValue("(iNiiNNiN)", lt, eq, truth, not_b, repr, str, same_type, hash);
}

/* Raises what `kind` names, or reports whether a raised error matched. */
static PyObject* raise_error(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* kind;
  int detail = 0;
  if (!PyArg_ParseTuple(args, "s|i:raise_error", &kind, &detail)) return NULL;
  if (strcmp(kind, "value") == 0) {
    PyErr_SetString(PyExc_ValueError, "bad value");
  } else if (strcmp(kind, "format") == 0) {
    PyErr_Format(PyExc_KeyError, "missing %d of %s", detail, "keys");
  } else if (strcmp(kind, "object") == 0) {
    PyObject* value = PyLong_FromLong(detail);
    PyErr_SetObject(PyExc_IndexError, value);
    Py_DECREF(value);
  } else if (strcmp(kind, "none") == 0) {
    PyErr_SetNone(PyExc_StopIteration);
  } else if (strcmp(kind, "memory") == 0) {
    return PyErr_NoMemory();
  } else if (strcmp(kind, "badarg") == 0) {
    PyErr_BadArgument();
  } else if (strcmp(kind, "caught") == 0) {
    /* Raise, look at it, put it back, then clear it and report. */
    PyErr_SetString(PyExc_ZeroDivisionError, "division");
    const int arithmetic = PyErr_ExceptionMatches(PyExc_ArithmeticError);
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    const int was_clear = PyErr_Occurred() == NULL;
    PyErr_Restore(type, value, traceback);
    const int restored = PyErr_Occurred() == PyExc_ZeroDivisionError;
    PyErr_Clear();
    return Py_BuildValue("(iii)", arithmetic, was_clear, restored);
  } else {
    PyErr_Format(PyExc_RuntimeError, "unknown kind %R", PyTuple_GetItem(args, 0));
  }
  return NULL;
}

/* Reference counting as the limited API spells it: every form, balanced. */
static PyObject* references(PyObject* Py_UNUSED(module), PyObject* obj) {
  Py_INCREF(obj);
  Py_XINCREF(obj);
  Py_IncRef(obj);
  Py_DecRef(obj);
  Py_IncRef(NULL);
  Py_DecRef(NULL);
  Py_XDECREF(obj);
  PyObject* held = Py_XNewRef(obj);
  Py_CLEAR(held);
  Py_DECREF(obj);
  return Py_BuildValue("(Oi)", obj, held == NULL);
}

static PyMethodDef limited_methods[] = {
    {"add", add, METH_VARARGS, "add(a, b): a + b as C longs."},
    {"scale", (PyCFunction)(void (*)(void))scale, METH_VARARGS | METH_KEYWORDS,
     "scale(value, factor=2.0, *, offset=0)."},
    {"classify", classify, METH_O, "What kind of object."},
    {"text", text, METH_VARARGS, "A str's sizes and its upper-cased ASCII."},
    {"join", join, METH_VARARGS, "str() of each item, joined."},
    {"sequences", sequences, METH_NOARGS, "Tuples and lists made with the functions."},
    {"mapping", mapping, METH_VARARGS, "A dict looked at through the functions."},
    {"numbers", numbers, METH_O, "An int or float converted."},
    {"raw", raw, METH_VARARGS, "bytes made and measured."},
    {"invoke", (PyCFunction)(void (*)(void))invoke, METH_VARARGS | METH_KEYWORDS,
     "Calls a callable three ways."},
    {"access", attr_access, METH_VARARGS, "Attribute and item access."},
    {"compare", compare, METH_VARARGS, "Comparison, truth, repr, str."},
    {"raise_error", raise_error, METH_VARARGS, "Raises what it is told."},
    {"references", references, METH_O, "Balanced reference counting."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef limited_module = {
    PyModuleDef_HEAD_INIT,
    "limited",
    "A module built for the limited API.",
    -1,
    limited_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit_limited(void) {
  PyObject* module = PyModule_Create(&limited_module);
  if (module == NULL) return NULL;
  if (PyModule_AddIntConstant(module, "ABI", 3) < 0 ||
      PyModule_AddStringConstant(module, "FLAVOUR", "abi3") < 0 ||
      PyModule_AddObjectRef(module, "EMPTY", Py_None) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
