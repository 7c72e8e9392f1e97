/* An extension module using sets and frozensets the way extension authors do: building them
 * from iterables (PySet_New, PyFrozenSet_New), filling and emptying them (PySet_Add,
 * PySet_Discard, PySet_Pop, PySet_Clear), membership and size (PySet_Contains, PySet_Size,
 * PySet_GET_SIZE), the type checks, iteration, the number operators through the number
 * protocol, comparisons, hashing, and calling the types and their methods.
 *
 * Keys are ints and tuples of ints: their hashes (so set order, repr and frozenset hashes)
 * are CPython's in both builds; str hashes are seeded per process in CPython.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* CPython's SystemError for a bad argument names its source file and line: only the type
 * and the standard text are kept, so that both builds print the same. */
static PyObject* plain_bad_call(void) {
  if (PyErr_ExceptionMatches(PyExc_SystemError)) {
    PyErr_Clear();
    PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
  }
  return NULL;
}

/* new_set(iterable=None): PySet_New. */
static PyObject* new_set(PyObject* self, PyObject* args) {
  PyObject* iterable = NULL;
  if (!PyArg_ParseTuple(args, "|O", &iterable)) return NULL;
  return PySet_New(iterable == Py_None ? NULL : iterable);
}

static PyObject* new_frozenset(PyObject* self, PyObject* args) {
  PyObject* iterable = NULL;
  if (!PyArg_ParseTuple(args, "|O", &iterable)) return NULL;
  return PyFrozenSet_New(iterable == Py_None ? NULL : iterable);
}

/* add(set, key) -> (status, set) */
static PyObject* add(PyObject* self, PyObject* args) {
  PyObject *set, *key;
  if (!PyArg_ParseTuple(args, "OO", &set, &key)) return NULL;
  if (PySet_Add(set, key) < 0) return plain_bad_call();
  return Py_BuildValue("(iO)", 0, set);
}

static PyObject* discard(PyObject* self, PyObject* args) {
  PyObject *set, *key;
  if (!PyArg_ParseTuple(args, "OO", &set, &key)) return NULL;
  int rc = PySet_Discard(set, key);
  if (rc < 0) return plain_bad_call();
  return Py_BuildValue("(iO)", rc, set);
}

static PyObject* contains(PyObject* self, PyObject* args) {
  PyObject *set, *key;
  if (!PyArg_ParseTuple(args, "OO", &set, &key)) return NULL;
  int rc = PySet_Contains(set, key);
  if (rc < 0) return plain_bad_call();
  return PyLong_FromLong(rc);
}

/* in_(container, key): the sequence protocol's `in` (sq_contains). */
static PyObject* in_(PyObject* self, PyObject* args) {
  PyObject *set, *key;
  if (!PyArg_ParseTuple(args, "OO", &set, &key)) return NULL;
  int rc = PySequence_Contains(set, key);
  if (rc < 0) return NULL;
  return PyBool_FromLong(rc);
}

static PyObject* size(PyObject* self, PyObject* arg) {
  Py_ssize_t n = PySet_Size(arg);
  if (n < 0) return plain_bad_call();
  return Py_BuildValue("(nn)", n, PySet_GET_SIZE(arg));
}

static PyObject* clear(PyObject* self, PyObject* arg) {
  if (PySet_Clear(arg) < 0) return plain_bad_call();
  return Py_BuildValue("(iO)", 0, arg);
}

/* pop_all(set): the items PySet_Pop returns, in order, then what the empty set's pop gave. */
static PyObject* pop_all(PyObject* self, PyObject* arg) {
  PyObject* items = PyList_New(0);
  if (items == NULL) return NULL;
  for (;;) {
    PyObject* item = PySet_Pop(arg);
    if (item == NULL) {
      plain_bad_call();
      break;
    }
    int rc = PyList_Append(items, item);
    Py_DECREF(item);
    if (rc < 0) {
      Py_DECREF(items);
      return NULL;
    }
  }
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyObject* result = Py_BuildValue("(OOO)", items, type != NULL ? type : Py_None,
                                   value != NULL ? value : Py_None);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  Py_DECREF(items);
  return result;
}

/* checks(o): the type-check macros, as a string of 0s and 1s. */
static PyObject* checks(PyObject* self, PyObject* o) {
  char text[7] = {
      (char)('0' + !!PySet_Check(o)),       (char)('0' + !!PySet_CheckExact(o)),
      (char)('0' + !!PyFrozenSet_Check(o)), (char)('0' + !!PyFrozenSet_CheckExact(o)),
      (char)('0' + !!PyAnySet_Check(o)),    (char)('0' + !!PyAnySet_CheckExact(o)), 0};
  return PyUnicode_FromString(text);
}

/* binary(a, b): a | b, a & b, a - b, a ^ b through the number protocol; an operation that
 * raises gives its exception's type name. */
static PyObject* one_op(PyObject* r) {
  if (r != NULL) return r;
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyObject* text = PyUnicode_FromFormat("%s: %S", ((PyTypeObject*)type)->tp_name,
                                        value != NULL ? value : Py_None);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return text;
}

static PyObject* binary(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
  return Py_BuildValue("(NNNN)", one_op(PyNumber_Or(a, b)), one_op(PyNumber_And(a, b)),
                       one_op(PyNumber_Subtract(a, b)), one_op(PyNumber_Xor(a, b)));
}

/* inplace(a, b, op): a op= b with op one of "|&-^"; (result, result is a, a). */
static PyObject* inplace(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  const char* op;
  if (!PyArg_ParseTuple(args, "OOs", &a, &b, &op)) return NULL;
  PyObject* r;
  switch (op[0]) {
    case '|': r = PyNumber_InPlaceOr(a, b); break;
    case '&': r = PyNumber_InPlaceAnd(a, b); break;
    case '-': r = PyNumber_InPlaceSubtract(a, b); break;
    default: r = PyNumber_InPlaceXor(a, b); break;
  }
  if (r == NULL) return NULL;
  return Py_BuildValue("(NOO)", r, r == a ? Py_True : Py_False, a);
}

/* compare(a, b): < <= == != > >= as a string of 0s and 1s. */
static PyObject* compare(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
  char text[7] = {0};
  for (int op = 0; op < 6; ++op) {
    int rc = PyObject_RichCompareBool(a, b, op);
    if (rc < 0) return NULL;
    text[op] = (char)('0' + rc);
  }
  return PyUnicode_FromString(text);
}

static PyObject* hash(PyObject* self, PyObject* o) {
  Py_hash_t h = PyObject_Hash(o);
  if (h == -1) return NULL;
  return PyLong_FromSsize_t(h);
}

/* iterate(o): the items its iterator gives, with the iterator's type name. */
static PyObject* iterate(PyObject* self, PyObject* o) {
  PyObject* it = PyObject_GetIter(o);
  if (it == NULL) return NULL;
  PyObject* items = PyList_New(0);
  PyObject* item;
  while (items != NULL && (item = PyIter_Next(it)) != NULL) {
    if (PyList_Append(items, item) < 0) Py_CLEAR(items);
    Py_DECREF(item);
  }
  PyObject* result = NULL;
  if (items != NULL && !PyErr_Occurred()) {
    result = Py_BuildValue("(sO)", Py_TYPE(it)->tp_name, items);
  }
  Py_XDECREF(items);
  Py_DECREF(it);
  return result;
}

/* mutate_while_iterating(set): adds a key after the first item. */
static PyObject* mutate_while_iterating(PyObject* self, PyObject* set) {
  PyObject* it = PyObject_GetIter(set);
  if (it == NULL) return NULL;
  PyObject* first = PyIter_Next(it);
  Py_XDECREF(first);
  PyObject* key = PyLong_FromLong(1000);
  PySet_Add(set, key);
  Py_DECREF(key);
  PyObject* second = PyIter_Next(it);
  Py_DECREF(it);
  return second;
}

/* call(type, args, kwargs=None): the type called (set, frozenset or a subclass) */
static PyObject* call(PyObject* self, PyObject* args) {
  PyObject *callable, *cargs, *kwargs = NULL;
  if (!PyArg_ParseTuple(args, "OO|O", &callable, &cargs, &kwargs)) return NULL;
  return PyObject_Call(callable, cargs, kwargs);
}

/* types(): set, frozenset and the set iterator type's name. */
static PyObject* types(PyObject* self, PyObject* unused) {
  return Py_BuildValue("(OOs)", (PyObject*)&PySet_Type, (PyObject*)&PyFrozenSet_Type,
                       PySetIter_Type.tp_name);
}

/* method(o, name, args): o.name(*args). */
static PyObject* method(PyObject* self, PyObject* args) {
  PyObject *o, *margs;
  const char* name;
  if (!PyArg_ParseTuple(args, "OsO!", &o, &name, &PyTuple_Type, &margs)) return NULL;
  PyObject* callable = PyObject_GetAttrString(o, name);
  if (callable == NULL) return NULL;
  PyObject* r = PyObject_Call(callable, margs, NULL);
  Py_DECREF(callable);
  if (r == NULL) return NULL;
  return Py_BuildValue("(NO)", r, o);
}

/* churn(n): a set of range(n) with every third key discarded and n..2n added; its repr and
 * size, then a frozenset of it with its hash. */
static PyObject* churn(PyObject* self, PyObject* arg) {
  long n = PyLong_AsLong(arg);
  if (n == -1 && PyErr_Occurred()) return NULL;
  PyObject* set = PySet_New(NULL);
  if (set == NULL) return NULL;
  for (long i = 0; i < n; ++i) {
    PyObject* key = PyLong_FromLong(i * 7 % (n + 3));
    int rc = PySet_Add(set, key);
    Py_DECREF(key);
    if (rc < 0) goto fail;
  }
  for (long i = 0; i < n; i += 3) {
    PyObject* key = PyLong_FromLong(i);
    int rc = PySet_Discard(set, key);
    Py_DECREF(key);
    if (rc < 0) goto fail;
  }
  for (long i = n; i < n + n / 2; ++i) {
    PyObject* key = Py_BuildValue("(ll)", i, -i);
    int rc = PySet_Add(set, key);
    Py_DECREF(key);
    if (rc < 0) goto fail;
  }
  PyObject* frozen = PyFrozenSet_New(set);
  if (frozen == NULL) goto fail;
  Py_hash_t h = PyObject_Hash(frozen);
  return Py_BuildValue("(NnNn)", set, PySet_Size(set), frozen, h);
fail:
  Py_DECREF(set);
  return NULL;
}

/* fill_frozenset(items): a new frozenset filled with PySet_Add, as C code builds one; then
 * PySet_Add once it is hashed. */
static PyObject* fill_frozenset(PyObject* self, PyObject* items) {
  PyObject* frozen = PyFrozenSet_New(NULL);
  if (frozen == NULL) return NULL;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(items); ++i) {
    if (PySet_Add(frozen, PyTuple_GET_ITEM(items, i)) < 0) {
      Py_DECREF(frozen);
      return NULL;
    }
  }
  return frozen;
}

/* subclass(name): a heap type deriving from set (or frozenset, for "FrozenSub"). */
static PyObject* subclass(PyObject* self, PyObject* arg) {
  const char* name = PyUnicode_AsUTF8(arg);
  if (name == NULL) return NULL;
  int frozen = strcmp(name, "FrozenSub") == 0;
  PyType_Slot slots[] = {{0, NULL}};
  PyType_Spec spec = {frozen ? "sets.FrozenSub" : "sets.SetSub", 0, 0,
                      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots};
  return PyType_FromSpecWithBases(&spec, frozen ? (PyObject*)&PyFrozenSet_Type
                                                : (PyObject*)&PySet_Type);
}

/* ---- Beside sets: bytes formatting, dict.setdefault, the sys dictionary ----------------- */

static PyObject* vformat(const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  PyObject* result = PyBytes_FromFormatV(format, vargs);
  va_end(vargs);
  return result;
}

/* bytes_format(): one result per format code (an exception's text in place of a result). */
static PyObject* bytes_format(PyObject* self, PyObject* unused) {
  static const char text[] = "hello";
  return Py_BuildValue(
      "[NNNNNNNNNNNNNNNN]", one_op(PyBytes_FromFormat("plain")),
      one_op(PyBytes_FromFormat("%c%c%c", 'a', 0, 255)), one_op(PyBytes_FromFormat("%c", 256)),
      one_op(PyBytes_FromFormat("%c", -1)),
      one_op(PyBytes_FromFormat("%d %i %u %x", -42, 17, 4000000000u, 255)),
      one_op(PyBytes_FromFormat("%ld %lu", -9000000000L, 18000000000UL)),
      one_op(PyBytes_FromFormat("%zd %zu", (Py_ssize_t)-5, (size_t)7)),
      one_op(PyBytes_FromFormat("[%s] [%.3s] [%.10s] [%5s]", text, text, text, text)),
      one_op(PyBytes_FromFormat("%p", (void*)0x1234)), one_op(PyBytes_FromFormat("100%%")),
      one_op(PyBytes_FromFormat("%10d|%-3d|%05d", 1, 2, 3)),
      one_op(vformat("a%qb %d", 5)), one_op(PyBytes_FromFormat("%lx", 5L)),
      one_op(vformat("%s=%d", "v", 3)), one_op(PyBytes_FromFormat("%s", "")),
      one_op(vformat("end%")));
}

/* setdefault(dict, key, default) -> (value, dict) */
static PyObject* setdefault(PyObject* self, PyObject* args) {
  PyObject *dict, *key, *deflt;
  if (!PyArg_ParseTuple(args, "OOO", &dict, &key, &deflt)) return NULL;
  PyObject* value = PyDict_SetDefault(dict, key, deflt);
  if (value == NULL) return plain_bad_call();
  return Py_BuildValue("(OO)", value, dict);
}

/* sys_get(name): sys.<name>, or the string "missing" (and whether an exception was set). */
static PyObject* sys_get(PyObject* self, PyObject* args) {
  const char* name;
  if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
  PyObject* value = PySys_GetObject(name);
  if (value == NULL) {
    return Py_BuildValue("(si)", "missing", PyErr_Occurred() != NULL);
  }
  return Py_NewRef(value);
}

/* sys_roundtrip(value): under a name of its own, set, read back, delete, read, delete again. */
static PyObject* sys_roundtrip(PyObject* self, PyObject* value) {
  PyObject* marker = PyList_New(0); /* a fresh address names this call's key */
  if (marker == NULL) return NULL;
  char name[64];
  snprintf(name, sizeof(name), "sets_test_%p", (void*)marker);
  int set_rc = PySys_SetObject(name, value);
  PyObject* got = PySys_GetObject(name);
  int same = got == value;
  int del_rc = PySys_SetObject(name, NULL);
  PyObject* after = PySys_GetObject(name);
  int del_again = PySys_SetObject(name, NULL);
  Py_DECREF(marker);
  return Py_BuildValue("(iiiii)", set_rc, same, del_rc, after == NULL, del_again);
}

/* ---- Complex numbers ------------------------------------------------------------------ */

/* complex_make(re, im): PyComplex_FromDoubles, with its parts and checks read back. */
static PyObject* complex_make(PyObject* self, PyObject* args) {
  double re, im;
  if (!PyArg_ParseTuple(args, "dd", &re, &im)) return NULL;
  PyObject* c = PyComplex_FromDoubles(re, im);
  if (c == NULL) return NULL;
  Py_complex cc = PyComplex_AsCComplex(c);
  return Py_BuildValue("(NddddiiN)", c, PyComplex_RealAsDouble(c), PyComplex_ImagAsDouble(c),
                       cc.real, cc.imag, PyComplex_Check(c), PyComplex_CheckExact(c),
                       PyComplex_FromCComplex(cc));
}

/* complex_parts(o): RealAsDouble, ImagAsDouble and AsCComplex of any object. */
static PyObject* complex_parts(PyObject* self, PyObject* o) {
  double re = PyComplex_RealAsDouble(o);
  if (re == -1.0 && PyErr_Occurred()) return NULL;
  double im = PyComplex_ImagAsDouble(o);
  Py_complex c = PyComplex_AsCComplex(o);
  if (c.real == -1.0 && PyErr_Occurred()) return NULL;
  return Py_BuildValue("(dddd)", re, im, c.real, c.imag);
}

/* complex_ops(a, b): a+b, a-b, a*b, a/b, a**b, -a, +a, abs(a), bool(a), a==b, a!=b, hash(a),
 * each an exception's text where it raises. */
static PyObject* complex_ops(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
  int truth = PyObject_IsTrue(a);
  Py_hash_t h = PyObject_Hash(a);
  PyObject* hash_value = h == -1 ? one_op(NULL) : PyLong_FromSsize_t(h);
  return Py_BuildValue("(NNNNNNNNiNNN)", one_op(PyNumber_Add(a, b)),
                       one_op(PyNumber_Subtract(a, b)), one_op(PyNumber_Multiply(a, b)),
                       one_op(PyNumber_TrueDivide(a, b)), one_op(PyNumber_Power(a, b, Py_None)),
                       one_op(PyNumber_Negative(a)), one_op(PyNumber_Positive(a)),
                       one_op(PyNumber_Absolute(a)), truth,
                       one_op(PyObject_RichCompare(a, b, Py_EQ)),
                       one_op(PyObject_RichCompare(a, b, Py_NE)), hash_value);
}

/* complex_c(): the _Py_c_* functions, with errno where they set it. */
static PyObject* complex_c(PyObject* self, PyObject* unused) {
  Py_complex a = {1.5, -2.0}, b = {0.5, 4.0}, zero = {0.0, 0.0};
  Py_complex sum = _Py_c_sum(a, b), diff = _Py_c_diff(a, b), neg = _Py_c_neg(a);
  Py_complex prod = _Py_c_prod(a, b), quot = _Py_c_quot(a, b), pw = _Py_c_pow(a, b);
  errno = 0;
  Py_complex bad = _Py_c_quot(a, zero);
  int quot_errno = errno == EDOM;
  errno = 0;
  Py_complex bad_pow = _Py_c_pow(zero, (Py_complex){-1.0, 0.0});
  int pow_errno = errno == EDOM;
  errno = 0;
  double big = _Py_c_abs((Py_complex){1e308, 1e308});
  int abs_errno = errno == ERANGE;
  return Py_BuildValue("(NNNNNNNiNidid)", PyComplex_FromCComplex(sum),
                       PyComplex_FromCComplex(diff), PyComplex_FromCComplex(neg),
                       PyComplex_FromCComplex(prod), PyComplex_FromCComplex(quot),
                       PyComplex_FromCComplex(pw), PyComplex_FromCComplex(bad), quot_errno,
                       PyComplex_FromCComplex(bad_pow), pow_errno, big, abs_errno,
                       _Py_c_abs((Py_complex){3.0, 4.0}));
}

static PyMethodDef methods[] = {
    {"complex_make", complex_make, METH_VARARGS, NULL},
    {"complex_parts", complex_parts, METH_O, NULL},
    {"complex_ops", complex_ops, METH_VARARGS, NULL},
    {"complex_c", complex_c, METH_NOARGS, NULL},
    {"bytes_format", bytes_format, METH_NOARGS, NULL},
    {"setdefault", setdefault, METH_VARARGS, NULL},
    {"sys_get", sys_get, METH_VARARGS, NULL},
    {"sys_roundtrip", sys_roundtrip, METH_O, NULL},
    {"subclass", subclass, METH_O, NULL},
    {"new_set", new_set, METH_VARARGS, NULL},
    {"new_frozenset", new_frozenset, METH_VARARGS, NULL},
    {"add", add, METH_VARARGS, NULL},
    {"discard", discard, METH_VARARGS, NULL},
    {"contains", contains, METH_VARARGS, NULL},
    {"in_", in_, METH_VARARGS, NULL},
    {"size", size, METH_O, NULL},
    {"clear", clear, METH_O, NULL},
    {"pop_all", pop_all, METH_O, NULL},
    {"checks", checks, METH_O, NULL},
    {"binary", binary, METH_VARARGS, NULL},
    {"inplace", inplace, METH_VARARGS, NULL},
    {"compare", compare, METH_VARARGS, NULL},
    {"hash", hash, METH_O, NULL},
    {"iterate", iterate, METH_O, NULL},
    {"mutate_while_iterating", mutate_while_iterating, METH_O, NULL},
    {"call", call, METH_VARARGS, NULL},
    {"types", types, METH_NOARGS, NULL},
    {"method", method, METH_VARARGS, NULL},
    {"churn", churn, METH_O, NULL},
    {"fill_frozenset", fill_frozenset, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "sets", "Sets from C.", -1,
                                        methods};

PyMODINIT_FUNC PyInit_sets(void) { return PyModule_Create(&module_def); }
