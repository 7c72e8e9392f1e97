/* A module using CPython 3.11's private helpers the way widely vendored compatibility headers
 * do on 3.11 (python/pythoncapi-compat's pythoncapi_compat.h builds PyLong_AsInt,
 * PyLong_GetSign, PyUnicodeWriter, PyUnicode_Equal, PyBytes_Join, PyDict_Pop,
 * PyObject_VisitManagedDict, Py_HashPointer, PyTime_* and Py_IsFinalizing on them), and
 * reading an int through CPython's representation (Py_SIZE and ob_digit), as fast paths of
 * some extensions do. Written for this test, in the style of such headers: nothing is copied.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <wchar.h>

/* (Py_SIZE, digits, sign, _PyLong_AsInt or the exception's type name) of an int. */
static PyObject* int_repr(PyObject* Py_UNUSED(module), PyObject* obj) {
  if (!PyLong_Check(obj)) {
    PyErr_SetString(PyExc_TypeError, "int_repr() needs an int");
    return NULL;
  }
  PyLongObject* v = (PyLongObject*)obj;
  const Py_ssize_t size = Py_SIZE(v);
  const Py_ssize_t ndigits = size < 0 ? -size : size;
  PyObject* digits = PyList_New(0);
  if (digits == NULL) return NULL;
  for (Py_ssize_t i = 0; i < ndigits; ++i) {
    PyObject* d = PyLong_FromUnsignedLong(v->ob_digit[i]);
    if (d == NULL || PyList_Append(digits, d) < 0) {
      Py_XDECREF(d);
      Py_DECREF(digits);
      return NULL;
    }
    Py_DECREF(d);
  }
  PyObject* as_int;
  const int value = _PyLong_AsInt(obj);
  if (value == -1 && PyErr_Occurred()) {
    PyObject *type, *exc, *traceback;
    PyErr_Fetch(&type, &exc, &traceback);
    as_int = PyUnicode_FromString(((PyTypeObject*)type)->tp_name);
    Py_XDECREF(type);
    Py_XDECREF(exc);
    Py_XDECREF(traceback);
  } else {
    as_int = PyLong_FromLong(value);
  }
  return Py_BuildValue("(nNiNi)", size, digits, _PyLong_Sign(obj), as_int,
                       PyLong_SHIFT);
}

/* _PyLong_AsInt's errors, as raised. */
static PyObject* as_int(PyObject* Py_UNUSED(module), PyObject* obj) {
  const int value = _PyLong_AsInt(obj);
  if (value == -1 && PyErr_Occurred()) return NULL;
  return PyLong_FromLong(value);
}

/* The unsigned conversions' errors for a negative int (pythoncapi_compat.h's PyLong_AsUInt32
 * and AsUInt64 pass them on): each function words it its own way in CPython. */
static PyObject* error_text(void) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject* text = value != NULL ? PyObject_Str(value) : PyUnicode_FromString("");
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return text;
}

static PyObject* unsigned_errors(PyObject* Py_UNUSED(module), PyObject* obj) {
  PyObject* texts[3];
  PyLong_AsUnsignedLong(obj);
  texts[0] = PyErr_Occurred() ? error_text() : Py_NewRef(Py_None);
  PyLong_AsUnsignedLongLong(obj);
  texts[1] = PyErr_Occurred() ? error_text() : Py_NewRef(Py_None);
  PyLong_AsSize_t(obj);
  texts[2] = PyErr_Occurred() ? error_text() : Py_NewRef(Py_None);
  return Py_BuildValue("(NNN)", texts[0], texts[1], texts[2]);
}

/* A str built piece by piece with _PyUnicodeWriter from `text` (a str). */
static PyObject* build_text(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject* text;
  if (!PyArg_ParseTuple(args, "U:write", &text)) return NULL;
  _PyUnicodeWriter writer;
  _PyUnicodeWriter_Init(&writer);
  writer.overallocate = 1;
  if (_PyUnicodeWriter_Prepare(&writer, 8, 127) < 0 ||
      _PyUnicodeWriter_WriteASCIIString(&writer, "<", -1) < 0 ||
      _PyUnicodeWriter_WriteStr(&writer, text) < 0 ||
      _PyUnicodeWriter_WriteASCIIString(&writer, "|ab", 3) < 0 ||
      _PyUnicodeWriter_WriteChar(&writer, 0xe9) < 0 ||
      _PyUnicodeWriter_WriteChar(&writer, 0x20ac) < 0 ||
      _PyUnicodeWriter_WriteChar(&writer, 0x1f600) < 0 ||
      _PyUnicodeWriter_WriteLatin1String(&writer, "L1!", 3) < 0 ||
      (PyUnicode_GetLength(text) >= 3 &&
       _PyUnicodeWriter_WriteSubstring(&writer, text, 1, 3) < 0) ||
      _PyUnicodeWriter_WriteChar(&writer, '>') < 0) {
    _PyUnicodeWriter_Dealloc(&writer);
    return NULL;
  }
  PyObject* result = _PyUnicodeWriter_Finish(&writer);
  /* A writer dropped half-way. */
  _PyUnicodeWriter_Init(&writer);
  _PyUnicodeWriter_WriteASCIIString(&writer, "dropped", 7);
  _PyUnicodeWriter_Dealloc(&writer);
  /* An empty one. */
  _PyUnicodeWriter_Init(&writer);
  PyObject* empty = _PyUnicodeWriter_Finish(&writer);
  return result == NULL || empty == NULL ? (Py_XDECREF(result), Py_XDECREF(empty), NULL)
                                         : Py_BuildValue("(NNn)", result, empty,
                                                         PyUnicode_GetLength(result));
}

/* str from wide characters: all of them, the first `n`, none; and one out of range. */
static PyObject* wide(PyObject* Py_UNUSED(module), PyObject* args) {
  Py_ssize_t n;
  int bad = 0;
  if (!PyArg_ParseTuple(args, "n|p:wide", &n, &bad)) return NULL;
  static const wchar_t text[] = L"h\u00e9llo \u20ac \U0001F600";
  if (bad) {
    const wchar_t out_of_range[] = {L'a', (wchar_t)0x110000, 0};
    return PyUnicode_FromWideChar(out_of_range, -1);
  }
  return Py_BuildValue("(NNN)", PyUnicode_FromWideChar(text, -1),
                       PyUnicode_FromWideChar(text, n), PyUnicode_FromWideChar(NULL, 0));
}

/* (_PyUnicode_EQ, PyUnicode_IS_ASCII of each, the ASCII bytes of `a` via PyUnicode_DATA). */
static PyObject* strings(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "UU:strings", &a, &b)) return NULL;
  const int ascii = PyUnicode_IS_ASCII(a) ? 1 : 0;
  PyObject* data = ascii ? PyBytes_FromStringAndSize((const char*)PyUnicode_DATA(a),
                                                     PyUnicode_GET_LENGTH(a))
                         : Py_NewRef(Py_None);
  return Py_BuildValue("(iiiN)", _PyUnicode_EQ(a, b), ascii, PyUnicode_IS_ASCII(b) ? 1 : 0,
                       data);
}

static PyObject* join(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *sep, *items;
  if (!PyArg_ParseTuple(args, "SO:join", &sep, &items)) return NULL;
  return _PyBytes_Join(sep, items);
}

/* _PyDict_Pop of `key` from a copy of `dict`: (value or a marker, what is left). */
static PyObject* pop(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *dict, *key, *deflt = NULL;
  if (!PyArg_ParseTuple(args, "O!O|O:pop", &PyDict_Type, &dict, &key, &deflt)) return NULL;
  PyObject* copy = PyDict_Copy(dict);
  if (copy == NULL) return NULL;
  PyObject* value = _PyDict_Pop(copy, key, deflt);
  if (value == NULL) {
    if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
      Py_DECREF(copy);
      return NULL;
    }
    PyErr_Clear();
    value = PyUnicode_FromString("(KeyError)");
  }
  return Py_BuildValue("(NN)", value, copy);
}

/* The instance-dict slot of a module is its dict; an int has none. */
static PyObject* dict_ptr(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  PyObject** slot = _PyObject_GetDictPtr(module);
  PyObject* number = PyLong_FromLong(12345);
  if (number == NULL) return NULL;
  PyObject** none = _PyObject_GetDictPtr(number);
  Py_DECREF(number);
  return Py_BuildValue("(ii)", slot != NULL && *slot == PyModule_GetDict(module), none == NULL);
}

/* Hashes: pointers (CPython's function, so CPython's numbers) and bytes (as bytes hash). */
static PyObject* hashes(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  PyObject* bytes = PyBytes_FromString("hash me");
  if (bytes == NULL) return NULL;
  const Py_hash_t of_bytes = PyObject_Hash(bytes);
  Py_DECREF(bytes);
  return Py_BuildValue("(nnnni)", _Py_HashPointer((void*)0x12345670), _Py_HashPointer(NULL),
                       _Py_HashPointerRaw((void*)~(uintptr_t)0),
                       _Py_HashPointer((void*)~(uintptr_t)0),
                       _Py_HashBytes("hash me", 7) == of_bytes);
}

static PyObject* clock_info(_Py_clock_info_t* info, _PyTime_t first, _PyTime_t second) {
  return Py_BuildValue("(siidi)", info->implementation, info->monotonic, info->adjustable,
                       info->resolution, second >= first);
}

/* The clocks: what they are, and that a monotonic one does not go back. */
static PyObject* clocks(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  _PyTime_t t1, t2;
  _Py_clock_info_t info;
  if (_PyTime_GetMonotonicClockWithInfo(&t1, &info) < 0 ||
      _PyTime_GetMonotonicClockWithInfo(&t2, NULL) < 0) {
    return NULL;
  }
  PyObject* monotonic = clock_info(&info, t1, t2);
  if (_PyTime_GetPerfCounterWithInfo(&t1, &info) < 0 ||
      _PyTime_GetPerfCounterWithInfo(&t2, NULL) < 0) {
    Py_XDECREF(monotonic);
    return NULL;
  }
  PyObject* perf = clock_info(&info, t1, t2);
  if (_PyTime_GetSystemClockWithInfo(&t1, &info) < 0) {
    Py_XDECREF(monotonic);
    Py_XDECREF(perf);
    return NULL;
  }
  PyObject* system = Py_BuildValue("(siidi)", info.implementation, info.monotonic,
                                   info.adjustable, info.resolution,
                                   t1 > (_PyTime_t)1600000000 * 1000000000);
  return Py_BuildValue("(NNN(ddd))", monotonic, perf, system, _PyTime_AsSecondsDouble(1500000000),
                       _PyTime_AsSecondsDouble((_PyTime_t)3 * 1000000000),
                       _PyTime_AsSecondsDouble(-1));
}

/* The interpreter's state as compatibility code probes it. */
static PyObject* state(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  const int same = _PyThreadState_UncheckedGet() == PyThreadState_Get();
  PyThreadState* saved = PyEval_SaveThread();
  const int released = _PyThreadState_UncheckedGet() == NULL;
  PyEval_RestoreThread(saved);
  return Py_BuildValue("(iii)", _Py_IsFinalizing(), same, released);
}

/* PyImport_AddModule(Object): made once, then found by itself and by an import. */
static PyObject* add_module(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* name;
  if (!PyArg_ParseTuple(args, "s:add_module", &name)) return NULL;
  PyObject* added = PyImport_AddModule(name);
  if (added == NULL) return NULL;
  PyObject* name_object = PyUnicode_FromString(name);
  PyObject* again = name_object != NULL ? PyImport_AddModuleObject(name_object) : NULL;
  Py_XDECREF(name_object);
  if (again == NULL) return NULL;
  PyObject* imported = PyImport_ImportModule(name);
  if (imported == NULL) return NULL;
  PyObject* result = Py_BuildValue("(Oii)", added, again == added, imported == added);
  Py_DECREF(imported);
  return result;
}

static PyMethodDef privates_methods[] = {
    {"int_repr", int_repr, METH_O, NULL},
    {"as_int", as_int, METH_O, NULL},
    {"unsigned_errors", unsigned_errors, METH_O, NULL},
    {"write", build_text, METH_VARARGS, NULL},
    {"wide", wide, METH_VARARGS, NULL},
    {"strings", strings, METH_VARARGS, NULL},
    {"join", join, METH_VARARGS, NULL},
    {"pop", pop, METH_VARARGS, NULL},
    {"dict_ptr", dict_ptr, METH_NOARGS, NULL},
    {"hashes", hashes, METH_NOARGS, NULL},
    {"clocks", clocks, METH_NOARGS, NULL},
    {"state", state, METH_NOARGS, NULL},
    {"add_module", add_module, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef privates_module = {
    PyModuleDef_HEAD_INIT, "privates", "CPython 3.11's private helpers.", -1, privates_methods,
};

PyMODINIT_FUNC PyInit_privates(void) { return PyModule_Create(&privates_module); }
