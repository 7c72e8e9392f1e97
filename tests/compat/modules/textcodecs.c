/* A module for the codec tests (tests/compat/differential/codecs_driver.c): codec error
 * handlers and a codec search function written in C, as extension modules write them, and
 * thin wrappers of the decoding and encoding API that report a UnicodeError's fields. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The [start, end) of any UnicodeError, through the accessors of its kind. */
static int error_range(PyObject* exc, Py_ssize_t* start, Py_ssize_t* end) {
  if (PyObject_TypeCheck(exc, (PyTypeObject*)PyExc_UnicodeEncodeError)) {
    return PyUnicodeEncodeError_GetStart(exc, start) < 0 ||
                   PyUnicodeEncodeError_GetEnd(exc, end) < 0
               ? -1
               : 0;
  }
  if (PyObject_TypeCheck(exc, (PyTypeObject*)PyExc_UnicodeDecodeError)) {
    return PyUnicodeDecodeError_GetStart(exc, start) < 0 ||
                   PyUnicodeDecodeError_GetEnd(exc, end) < 0
               ? -1
               : 0;
  }
  PyErr_SetString(PyExc_TypeError, "not a UnicodeEncodeError or UnicodeDecodeError");
  return -1;
}

/* Error handler "test.mark": replaces [start, end) with "<start:end>" and goes on at end. */
static PyObject* mark(PyObject* self, PyObject* exc) {
  Py_ssize_t start, end;
  if (error_range(exc, &start, &end) < 0) return NULL;
  return Py_BuildValue("(Nn)", PyUnicode_FromFormat("<%zd:%zd>", start, end), end);
}

/* "test.bytes": bytes for an encode error (a TypeError for a decode error). */
static PyObject* as_bytes(PyObject* self, PyObject* exc) {
  Py_ssize_t start, end;
  if (error_range(exc, &start, &end) < 0) return NULL;
  return Py_BuildValue("(y#n)", "\xfe\xff", (Py_ssize_t)2, end);
}

/* "test.far": a position out of range; "test.back": -1 (one before the end);
 * "test.nontuple": not a tuple; "test.badpos": a str position; "test.nonascii": a
 * replacement with a non-ASCII character; "test.raise": its own exception. */
static PyObject* far(PyObject* self, PyObject* exc) { return Py_BuildValue("(sn)", "X", (Py_ssize_t)100); }
static PyObject* back(PyObject* self, PyObject* exc) {
  Py_ssize_t start, end;
  if (error_range(exc, &start, &end) < 0) return NULL;
  /* Resume at the end, given as a negative index unless it is the length. */
  PyObject* object = PyObject_GetAttrString(exc, "object");
  if (object == NULL) return NULL;
  Py_ssize_t length = PyObject_Length(object);
  Py_DECREF(object);
  return Py_BuildValue("(sn)", "B", end < length ? end - length : end);
}
static PyObject* nontuple(PyObject* self, PyObject* exc) { return PyLong_FromLong(1); }
static PyObject* badpos(PyObject* self, PyObject* exc) { return Py_BuildValue("(ss)", "X", "a"); }
static PyObject* nonascii(PyObject* self, PyObject* exc) {
  Py_ssize_t start, end;
  if (error_range(exc, &start, &end) < 0) return NULL;
  return Py_BuildValue("(sn)", "\xc3\xa9", end);
}
static PyObject* raise(PyObject* self, PyObject* exc) {
  PyErr_SetString(PyExc_ValueError, "the handler refused");
  return NULL;
}

/* A codec "test-rev": encode(str) gives its UTF-8 reversed, decode(bytes-like) the text
 * reversed; "test-str" encodes to str; "test-bad" is found as a 3-tuple. */
static PyObject* reverse_encode(PyObject* self, PyObject* args) {
  PyObject* str;
  const char* errors = NULL;
  if (!PyArg_ParseTuple(args, "U|z", &str, &errors)) return NULL;
  Py_ssize_t size;
  const char* utf8 = PyUnicode_AsUTF8AndSize(str, &size);
  if (utf8 == NULL) return NULL;
  PyObject* bytes = PyBytes_FromStringAndSize(NULL, size);
  if (bytes == NULL) return NULL;
  for (Py_ssize_t i = 0; i < size; ++i) PyBytes_AS_STRING(bytes)[i] = utf8[size - 1 - i];
  return Py_BuildValue("(Nn)", bytes, PyUnicode_GetLength(str));
}

static PyObject* reverse_decode(PyObject* self, PyObject* args) {
  Py_buffer view;
  const char* errors = NULL;
  if (!PyArg_ParseTuple(args, "y*|z", &view, &errors)) return NULL;
  char* text = PyMem_Malloc(view.len + 1);
  for (Py_ssize_t i = 0; i < view.len; ++i) text[i] = ((const char*)view.buf)[view.len - 1 - i];
  PyObject* str = PyUnicode_DecodeASCII(text, view.len, errors);
  PyMem_Free(text);
  Py_ssize_t length = view.len;
  PyBuffer_Release(&view);
  if (str == NULL) return NULL;
  return Py_BuildValue("(Nn)", str, length);
}

static PyObject* str_encode(PyObject* self, PyObject* args) {
  PyObject* str;
  const char* errors = NULL;
  if (!PyArg_ParseTuple(args, "U|z", &str, &errors)) return NULL;
  return Py_BuildValue("(On)", str, PyUnicode_GetLength(str));
}

static PyObject* search(PyObject* self, PyObject* name) {
  const char* text = PyUnicode_AsUTF8(name);
  if (text == NULL) return NULL;
  PyObject* encode = PyObject_GetAttrString(self, "reverse_encode");
  PyObject* decode = PyObject_GetAttrString(self, "reverse_decode");
  PyObject* to_str = PyObject_GetAttrString(self, "str_encode");
  PyObject* result;
  if (encode == NULL || decode == NULL || to_str == NULL) {
    result = NULL;
  } else if (strcmp(text, "test_rev") == 0) {
    result = Py_BuildValue("(OOOO)", encode, decode, Py_None, Py_None);
  } else if (strcmp(text, "test_str") == 0) {
    result = Py_BuildValue("(OOOO)", to_str, decode, Py_None, Py_None);
  } else if (strcmp(text, "test_bad") == 0) {
    result = Py_BuildValue("(OOO)", encode, decode, Py_None);
  } else if (strcmp(text, "test_raise") == 0) {
    PyErr_SetString(PyExc_RuntimeError, "the search function failed");
    result = NULL;
  } else {
    result = Py_NewRef(Py_None);
  }
  Py_XDECREF(encode);
  Py_XDECREF(decode);
  Py_XDECREF(to_str);
  return result;
}

/* A second search function, for PyCodec_Unregister: finds "test_other". */
static PyObject* search_other(PyObject* self, PyObject* name) {
  if (PyUnicode_CompareWithASCIIString(name, "test_other") != 0) Py_RETURN_NONE;
  PyObject* encode = PyObject_GetAttrString(self, "reverse_encode");
  PyObject* decode = PyObject_GetAttrString(self, "reverse_decode");
  PyObject* result = encode && decode ? Py_BuildValue("(OOOO)", encode, decode, Py_None, Py_None)
                                      : NULL;
  Py_XDECREF(encode);
  Py_XDECREF(decode);
  return result;
}

/* decode(bytes, encoding, errors) with PyUnicode_Decode; encode(str, encoding, errors) with
 * PyUnicode_AsEncodedString (None for NULL). */
static PyObject* decode(PyObject* self, PyObject* args) {
  const char *data, *encoding, *errors;
  Py_ssize_t size;
  if (!PyArg_ParseTuple(args, "y#zz", &data, &size, &encoding, &errors)) return NULL;
  return PyUnicode_Decode(data, size, encoding, errors);
}

static PyObject* encode(PyObject* self, PyObject* args) {
  PyObject* str;
  const char *encoding, *errors;
  if (!PyArg_ParseTuple(args, "Ozz", &str, &encoding, &errors)) return NULL;
  return PyUnicode_AsEncodedString(str, encoding, errors);
}

static PyObject* register_handlers(PyObject* self, PyObject* unused) {
  static const char* names[] = {"test.mark", "test.bytes", "test.far", "test.back",
                                "test.nontuple", "test.badpos", "test.nonascii", "test.raise"};
  static const char* functions[] = {"mark", "as_bytes", "far", "back",
                                    "nontuple", "badpos", "nonascii", "raise"};
  for (int i = 0; i < 8; ++i) {
    PyObject* f = PyObject_GetAttrString(self, functions[i]);
    if (f == NULL) return NULL;
    int rc = PyCodec_RegisterError(names[i], f);
    Py_DECREF(f);
    if (rc < 0) return NULL;
  }
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"mark", mark, METH_O, NULL},
    {"as_bytes", as_bytes, METH_O, NULL},
    {"far", far, METH_O, NULL},
    {"back", back, METH_O, NULL},
    {"nontuple", nontuple, METH_O, NULL},
    {"badpos", badpos, METH_O, NULL},
    {"nonascii", nonascii, METH_O, NULL},
    {"raise", raise, METH_O, NULL},
    {"reverse_encode", reverse_encode, METH_VARARGS, NULL},
    {"reverse_decode", reverse_decode, METH_VARARGS, NULL},
    {"str_encode", str_encode, METH_VARARGS, NULL},
    {"search", search, METH_O, NULL},
    {"search_other", search_other, METH_O, NULL},
    {"decode", decode, METH_VARARGS, NULL},
    {"encode", encode, METH_VARARGS, NULL},
    {"register_handlers", register_handlers, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "textcodecs", NULL, -1, methods};

PyMODINIT_FUNC PyInit_textcodecs(void) { return PyModule_Create(&module); }
