/* A module using the int C API the way extensions that handle big integers do (hashing
 * libraries reading ints as byte arrays, bindings converting to C types, Cython's fast paths
 * reading CPython's digits): every PyLong_* conversion, the private byte-array, bit-count and
 * frexp helpers, PyLong_FromString with its end pointer, and an int built digit by digit with
 * _PyLong_New. Errors come back as "Type: message" strings where a function reports several
 * conversions at once. Written for this test: nothing is copied.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

/* "Type: message" of the pending exception (cleared). */
static PyObject* error_text(void) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject* text = value != NULL ? PyObject_Str(value) : PyUnicode_FromString("");
  PyObject* result =
      text != NULL ? PyUnicode_FromFormat("%s: %U", ((PyTypeObject*)type)->tp_name, text) : NULL;
  Py_XDECREF(text);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return result;
}

/* `made` (a new reference), or the error's text when it is NULL with an exception set. */
static PyObject* or_error(PyObject* made) { return PyErr_Occurred() ? (Py_XDECREF(made), error_text()) : made; }

/* Every C conversion of `n`: a tuple of values, each an error text where it raised. */
static PyObject* as_c(PyObject* Py_UNUSED(module), PyObject* n) {
  PyObject* items[18];
  int k = 0;
  long l = PyLong_AsLong(n);
  items[k++] = or_error(PyLong_FromLong(l));
  long long ll = PyLong_AsLongLong(n);
  items[k++] = or_error(PyLong_FromLongLong(ll));
  int overflow = 7;
  l = PyLong_AsLongAndOverflow(n, &overflow);
  items[k++] = or_error(Py_BuildValue("(li)", l, overflow));
  overflow = 7;
  ll = PyLong_AsLongLongAndOverflow(n, &overflow);
  items[k++] = or_error(Py_BuildValue("(Li)", ll, overflow));
  unsigned long ul = PyLong_AsUnsignedLong(n);
  items[k++] = or_error(PyLong_FromUnsignedLong(ul));
  unsigned long long ull = PyLong_AsUnsignedLongLong(n);
  items[k++] = or_error(PyLong_FromUnsignedLongLong(ull));
  Py_ssize_t ss = PyLong_AsSsize_t(n);
  items[k++] = or_error(PyLong_FromSsize_t(ss));
  size_t sz = PyLong_AsSize_t(n);
  items[k++] = or_error(PyLong_FromSize_t(sz));
  ul = PyLong_AsUnsignedLongMask(n);
  items[k++] = or_error(PyLong_FromUnsignedLong(ul));
  ull = PyLong_AsUnsignedLongLongMask(n);
  items[k++] = or_error(PyLong_FromUnsignedLongLong(ull));
  double d = PyLong_AsDouble(n);
  items[k++] = or_error(PyFloat_FromDouble(d));
  void* p = PyLong_AsVoidPtr(n);
  items[k++] = or_error(PyLong_FromVoidPtr(p));
  int i = _PyLong_AsInt(n);
  items[k++] = or_error(PyLong_FromLong(i));
  ss = PyNumber_AsSsize_t(n, NULL);
  items[k++] = or_error(PyLong_FromSsize_t(ss));
  ss = PyNumber_AsSsize_t(n, PyExc_IndexError);
  items[k++] = or_error(PyLong_FromSsize_t(ss));
  items[k++] = PyLong_FromLong(_PyLong_Sign(n));
  sz = _PyLong_NumBits(n);
  items[k++] = or_error(PyLong_FromSize_t(sz));
  Py_ssize_t e = 0;
  d = _PyLong_Frexp((PyLongObject*)n, &e);
  items[k++] = or_error(Py_BuildValue("(dn)", d, e));
  PyObject* tuple = PyTuple_New(k);
  for (int j = 0; j < k; ++j) {
    if (items[j] == NULL) items[j] = error_text();
    PyTuple_SET_ITEM(tuple, j, items[j]);
  }
  return tuple;
}

/* `n` through each integer code of PyArg_ParseTuple: a tuple of values or error texts. */
static PyObject* parse(PyObject* Py_UNUSED(module), PyObject* args) {
  static const char* const kFormats[] = {"b", "B", "h", "H", "i", "I", "l", "k", "L", "K", "n"};
  PyObject* tuple = PyTuple_New(11);
  if (tuple == NULL) return NULL;
  for (int k = 0; k < 11; ++k) {
    /* One union for every code's C type (PyArg_ParseTuple writes the one its code names). */
    union {
      unsigned char b;
      short h;
      unsigned short H;
      int i;
      unsigned int I;
      long l;
      unsigned long k;
      long long L;
      unsigned long long K;
      Py_ssize_t n;
    } storage;
    memset(&storage, 0, sizeof storage);
    PyObject* item;
    if (!PyArg_ParseTuple(args, kFormats[k], &storage)) {
      item = error_text();
    } else {
      switch (kFormats[k][0]) {
        case 'b': case 'B': item = PyLong_FromLong(storage.b); break;
        case 'h': item = PyLong_FromLong(storage.h); break;
        case 'H': item = PyLong_FromLong(storage.H); break;
        case 'i': item = PyLong_FromLong(storage.i); break;
        case 'I': item = PyLong_FromUnsignedLong(storage.I); break;
        case 'l': item = PyLong_FromLong(storage.l); break;
        case 'k': item = PyLong_FromUnsignedLong(storage.k); break;
        case 'L': item = PyLong_FromLongLong(storage.L); break;
        case 'K': item = PyLong_FromUnsignedLongLong(storage.K); break;
        default: item = PyLong_FromSsize_t(storage.n); break;
      }
    }
    if (item == NULL) {
      Py_DECREF(tuple);
      return NULL;
    }
    PyTuple_SET_ITEM(tuple, k, item);
  }
  return tuple;
}

/* CPython's representation of `n`: (Py_SIZE, a checksum of the digits, the top digit). */
static PyObject* digits(PyObject* Py_UNUSED(module), PyObject* n) {
  PyLongObject* v = (PyLongObject*)n;
  const Py_ssize_t size = Py_SIZE(v);
  const Py_ssize_t count = size < 0 ? -size : size;
  unsigned long long sum = 1469598103934665603ULL;
  for (Py_ssize_t i = 0; i < count; ++i) sum = (sum ^ v->ob_digit[i]) * 1099511628211ULL;
  return Py_BuildValue("(nKk)", size, sum, count > 0 ? (unsigned long)v->ob_digit[count - 1] : 0UL);
}

/* An int rebuilt from `n`'s digits through _PyLong_New, as Cython's code does. */
static PyObject* rebuild(PyObject* Py_UNUSED(module), PyObject* n) {
  PyLongObject* v = (PyLongObject*)n;
  const Py_ssize_t size = Py_SIZE(v);
  const Py_ssize_t count = size < 0 ? -size : size;
  PyLongObject* copy = _PyLong_New(count);
  if (copy == NULL) return NULL;
  for (Py_ssize_t i = 0; i < count; ++i) copy->ob_digit[i] = v->ob_digit[i];
  Py_SET_SIZE(copy, size);
  return (PyObject*)copy;
}

/* _PyLong_AsByteArray(n, size, little_endian, signed): the bytes, or the error raised. */
static PyObject* to_bytes(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject* n;
  Py_ssize_t size;
  int little, is_signed;
  if (!PyArg_ParseTuple(args, "O!nii", &PyLong_Type, &n, &size, &little, &is_signed)) return NULL;
  PyObject* bytes = PyBytes_FromStringAndSize(NULL, size);
  if (bytes == NULL) return NULL;
  if (_PyLong_AsByteArray((PyLongObject*)n, (unsigned char*)PyBytes_AS_STRING(bytes),
                          (size_t)size, little, is_signed) < 0) {
    Py_DECREF(bytes);
    return NULL;
  }
  return bytes;
}

/* _PyLong_FromByteArray(bytes, little_endian, signed). */
static PyObject* from_bytes(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* data;
  Py_ssize_t size;
  int little, is_signed;
  if (!PyArg_ParseTuple(args, "y#ii", &data, &size, &little, &is_signed)) return NULL;
  return _PyLong_FromByteArray((const unsigned char*)data, (size_t)size, little, is_signed);
}

/* PyLong_FromString(text, base): (int, offset where parsing stopped). */
static PyObject* from_string(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* text;
  int base;
  if (!PyArg_ParseTuple(args, "si", &text, &base)) return NULL;
  char* end = (char*)text;
  PyObject* n = PyLong_FromString(text, &end, base);
  if (n == NULL) return NULL;
  return Py_BuildValue("(Nn)", n, (Py_ssize_t)(end - text));
}

static PyObject* from_unicode(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject* text;
  int base;
  if (!PyArg_ParseTuple(args, "Ui", &text, &base)) return NULL;
  return PyLong_FromUnicodeObject(text, base);
}

static PyObject* from_double(PyObject* Py_UNUSED(module), PyObject* arg) {
  const double d = PyFloat_AsDouble(arg);
  if (d == -1.0 && PyErr_Occurred()) return NULL;
  return PyLong_FromDouble(d);
}

/* _PyLong_Format(n, base). */
static PyObject* format(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject* n;
  int base;
  if (!PyArg_ParseTuple(args, "O!i", &PyLong_Type, &n, &base)) return NULL;
  return _PyLong_Format(n, base);
}

static PyObject* gcd(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "O!O!", &PyLong_Type, &a, &PyLong_Type, &b)) return NULL;
  return _PyLong_GCD(a, b);
}

/* sys.int_info's values, as a plain tuple (CPython's is a struct sequence). */
static PyObject* info(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(args)) {
  PyObject* info = PyLong_GetInfo();
  if (info == NULL) return NULL;
  PyObject* tuple = PySequence_Tuple(info);
  Py_DECREF(info);
  return tuple;
}

static PyMethodDef bigints_methods[] = {
    {"as_c", as_c, METH_O, "Every C conversion of an int."},
    {"parse", parse, METH_VARARGS, "An int through PyArg_ParseTuple's integer codes."},
    {"digits", digits, METH_O, "CPython's representation of an int, summarised."},
    {"rebuild", rebuild, METH_O, "An int rebuilt digit by digit with _PyLong_New."},
    {"to_bytes", to_bytes, METH_VARARGS, "_PyLong_AsByteArray."},
    {"from_bytes", from_bytes, METH_VARARGS, "_PyLong_FromByteArray."},
    {"from_string", from_string, METH_VARARGS, "PyLong_FromString, with the end offset."},
    {"from_unicode", from_unicode, METH_VARARGS, "PyLong_FromUnicodeObject."},
    {"from_double", from_double, METH_O, "PyLong_FromDouble."},
    {"format", format, METH_VARARGS, "_PyLong_Format."},
    {"gcd", gcd, METH_VARARGS, "_PyLong_GCD."},
    {"info", info, METH_NOARGS, "PyLong_GetInfo."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef bigints_module = {
    PyModuleDef_HEAD_INIT, "bigints", "Big integers through the C API.", -1, bigints_methods,
};

PyMODINIT_FUNC PyInit_bigints(void) { return PyModule_Create(&bigints_module); }
