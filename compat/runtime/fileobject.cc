// File objects (fileobject.h): writing to, reading lines from, and finding the descriptor of
// any object with write/readline/fileno methods, as CPython's fileobject.c does.
//
// Threads: any attached thread.
#include "compat/runtime/runtime.h"

extern "C" int PyFile_WriteObject(PyObject* obj, PyObject* f, int flags) {
  if (f == nullptr) {
    PyErr_SetString(PyExc_TypeError, "writeobject with NULL file");
    return -1;
  }
  PyObject* writer = PyObject_GetAttrString(f, "write");
  if (writer == nullptr) return -1;
  PyObject* value = (flags & Py_PRINT_RAW) ? PyObject_Str(obj) : PyObject_Repr(obj);
  if (value == nullptr) {
    Py_DECREF(writer);
    return -1;
  }
  PyObject* result = PyObject_CallOneArg(writer, value);
  Py_DECREF(value);
  Py_DECREF(writer);
  if (result == nullptr) return -1;
  Py_DECREF(result);
  return 0;
}

extern "C" int PyFile_WriteString(const char* s, PyObject* f) {
  if (f == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_SetString(PyExc_SystemError, "null file for PyFile_WriteString");
    }
    return -1;
  }
  if (PyErr_Occurred()) return -1;
  PyObject* text = PyUnicode_FromString(s);
  if (text == nullptr) return -1;
  const int result = PyFile_WriteObject(text, f, Py_PRINT_RAW);
  Py_DECREF(text);
  return result;
}

extern "C" PyObject* PyFile_GetLine(PyObject* f, int n) {
  if (f == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* result = n <= 0 ? PyObject_CallMethod(f, "readline", nullptr)
                            : PyObject_CallMethod(f, "readline", "i", n);
  if (result == nullptr) return nullptr;
  if (!PyBytes_Check(result) && !PyUnicode_Check(result)) {
    Py_DECREF(result);
    PyErr_SetString(PyExc_TypeError, "object.readline() returned non-string");
    return nullptr;
  }
  if (n < 0) {
    const Py_ssize_t len = PyObject_Length(result);
    if (len < 0) {
      Py_DECREF(result);
      return nullptr;
    }
    if (len == 0) {
      Py_DECREF(result);
      PyErr_SetString(PyExc_EOFError, "EOF when reading a line");
      return nullptr;
    }
    PyObject* last = PySequence_GetItem(result, len - 1);
    if (last == nullptr) {
      Py_DECREF(result);
      return nullptr;
    }
    // bytes give an int, str a one-character str.
    const bool newline = PyLong_Check(last) ? PyLong_AsLong(last) == '\n'
                                            : PyUnicode_CompareWithASCIIString(last, "\n") == 0;
    Py_DECREF(last);
    if (newline) {
      PyObject* stripped = PySequence_GetSlice(result, 0, len - 1);
      Py_SETREF(result, stripped);
    }
  }
  return result;
}

extern "C" int PyObject_AsFileDescriptor(PyObject* o) {
  int fd;
  if (PyLong_Check(o)) {
    fd = _PyLong_AsInt(o);
  } else if (PyObject* method = PyObject_GetAttrString(o, "fileno")) {
    PyObject* number = PyObject_CallNoArgs(method);
    Py_DECREF(method);
    if (number == nullptr) return -1;
    if (!PyLong_Check(number)) {
      Py_DECREF(number);
      PyErr_SetString(PyExc_TypeError, "fileno() returned a non-integer");
      return -1;
    }
    fd = _PyLong_AsInt(number);
    Py_DECREF(number);
  } else {
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) return -1;
    PyErr_Clear();
    PyErr_SetString(PyExc_TypeError, "argument must be an int, or have a fileno() method.");
    return -1;
  }
  if (fd == -1 && PyErr_Occurred()) return -1;
  if (fd < 0) {
    PyErr_Format(PyExc_ValueError, "file descriptor cannot be a negative integer (%i)", fd);
    return -1;
  }
  return fd;
}
