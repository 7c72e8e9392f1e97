// The UnicodeEncodeError/DecodeError/TranslateError accessors (pyerrors.h): creating one,
// and reading and writing the fields exceptions.cc's constructors fill.
//
// Owns: nothing (functions of the exception objects they are given).
//
// As CPython: Get* of a field that is unset or of the wrong type is a TypeError ("object
// attribute not set", "reason attribute must be unicode"); GetStart/GetEnd clamp to the
// object's length. Where Pinion differs: an argument that is not one of these exceptions is
// a TypeError (CPython does not check, and reads the memory as one).
//
// Threads: any attached thread.
#include <cstring>

#include "compat/runtime/runtime.h"

namespace {

// `exc` as a UnicodeError of the given subclass, or nullptr with TypeError.
PyUnicodeErrorObject* Check(PyObject* exc, PyObject* type) {
  if (exc != nullptr &&
      PyObject_TypeCheck(exc, reinterpret_cast<PyTypeObject*>(type))) {
    return reinterpret_cast<PyUnicodeErrorObject*>(exc);
  }
  PyErr_Format(PyExc_TypeError, "expected a %s", reinterpret_cast<PyTypeObject*>(type)->tp_name);
  return nullptr;
}

PyObject* GetStr(PyObject* field, const char* name) {
  if (field == nullptr) {
    PyErr_Format(PyExc_TypeError, "%.200s attribute not set", name);
    return nullptr;
  }
  if (!PyUnicode_Check(field)) {
    PyErr_Format(PyExc_TypeError, "%.200s attribute must be unicode", name);
    return nullptr;
  }
  return Py_NewRef(field);
}

PyObject* GetBytes(PyObject* field, const char* name) {
  if (field == nullptr) {
    PyErr_Format(PyExc_TypeError, "%.200s attribute not set", name);
    return nullptr;
  }
  if (!PyBytes_Check(field)) {
    PyErr_Format(PyExc_TypeError, "%.200s attribute must be bytes", name);
    return nullptr;
  }
  return Py_NewRef(field);
}

// The length of the object field (str, or bytes for decode errors); -1 with an exception.
Py_ssize_t ObjectLength(PyUnicodeErrorObject* e, bool bytes) {
  PyObject* object = bytes ? GetBytes(e->object, "object") : GetStr(e->object, "object");
  if (object == nullptr) return -1;
  const Py_ssize_t size = bytes ? PyBytes_GET_SIZE(object) : PyUnicode_GetLength(object);
  Py_DECREF(object);
  return size;
}

int GetStart(PyObject* exc, PyObject* type, Py_ssize_t* start) {
  PyUnicodeErrorObject* e = Check(exc, type);
  if (e == nullptr) return -1;
  const Py_ssize_t size = ObjectLength(e, type == PyExc_UnicodeDecodeError);
  if (size < 0) return -1;
  *start = e->start < 0 ? 0 : e->start;
  if (*start >= size) *start = size == 0 ? 0 : size - 1;
  return 0;
}

int GetEnd(PyObject* exc, PyObject* type, Py_ssize_t* end) {
  PyUnicodeErrorObject* e = Check(exc, type);
  if (e == nullptr) return -1;
  const Py_ssize_t size = ObjectLength(e, type == PyExc_UnicodeDecodeError);
  if (size < 0) return -1;
  *end = e->end < 1 ? 1 : e->end;
  if (*end > size) *end = size;
  return 0;
}

int SetStart(PyObject* exc, PyObject* type, Py_ssize_t start) {
  PyUnicodeErrorObject* e = Check(exc, type);
  if (e == nullptr) return -1;
  e->start = start;
  return 0;
}

int SetEnd(PyObject* exc, PyObject* type, Py_ssize_t end) {
  PyUnicodeErrorObject* e = Check(exc, type);
  if (e == nullptr) return -1;
  e->end = end;
  return 0;
}

PyObject* GetReason(PyObject* exc, PyObject* type) {
  PyUnicodeErrorObject* e = Check(exc, type);
  return e != nullptr ? GetStr(e->reason, "reason") : nullptr;
}

int SetReason(PyObject* exc, PyObject* type, const char* reason) {
  PyUnicodeErrorObject* e = Check(exc, type);
  if (e == nullptr) return -1;
  PyObject* text = PyUnicode_FromString(reason);
  if (text == nullptr) return -1;
  Py_XSETREF(e->reason, text);
  return 0;
}

}  // namespace

extern "C" PyObject* PyUnicodeDecodeError_Create(const char* encoding, const char* object,
                                                 Py_ssize_t length, Py_ssize_t start,
                                                 Py_ssize_t end, const char* reason) {
  return PyObject_CallFunction(PyExc_UnicodeDecodeError, "sy#nns", encoding, object, length,
                               start, end, reason);
}

extern "C" PyObject* PyUnicodeEncodeError_GetEncoding(PyObject* exc) {
  PyUnicodeErrorObject* e = Check(exc, PyExc_UnicodeEncodeError);
  return e != nullptr ? GetStr(e->encoding, "encoding") : nullptr;
}
extern "C" PyObject* PyUnicodeDecodeError_GetEncoding(PyObject* exc) {
  PyUnicodeErrorObject* e = Check(exc, PyExc_UnicodeDecodeError);
  return e != nullptr ? GetStr(e->encoding, "encoding") : nullptr;
}

extern "C" PyObject* PyUnicodeEncodeError_GetObject(PyObject* exc) {
  PyUnicodeErrorObject* e = Check(exc, PyExc_UnicodeEncodeError);
  return e != nullptr ? GetStr(e->object, "object") : nullptr;
}
extern "C" PyObject* PyUnicodeDecodeError_GetObject(PyObject* exc) {
  PyUnicodeErrorObject* e = Check(exc, PyExc_UnicodeDecodeError);
  return e != nullptr ? GetBytes(e->object, "object") : nullptr;
}
extern "C" PyObject* PyUnicodeTranslateError_GetObject(PyObject* exc) {
  PyUnicodeErrorObject* e = Check(exc, PyExc_UnicodeTranslateError);
  return e != nullptr ? GetStr(e->object, "object") : nullptr;
}

extern "C" int PyUnicodeEncodeError_GetStart(PyObject* exc, Py_ssize_t* start) {
  return GetStart(exc, PyExc_UnicodeEncodeError, start);
}
extern "C" int PyUnicodeDecodeError_GetStart(PyObject* exc, Py_ssize_t* start) {
  return GetStart(exc, PyExc_UnicodeDecodeError, start);
}
extern "C" int PyUnicodeTranslateError_GetStart(PyObject* exc, Py_ssize_t* start) {
  return GetStart(exc, PyExc_UnicodeTranslateError, start);
}
extern "C" int PyUnicodeEncodeError_SetStart(PyObject* exc, Py_ssize_t start) {
  return SetStart(exc, PyExc_UnicodeEncodeError, start);
}
extern "C" int PyUnicodeDecodeError_SetStart(PyObject* exc, Py_ssize_t start) {
  return SetStart(exc, PyExc_UnicodeDecodeError, start);
}
extern "C" int PyUnicodeTranslateError_SetStart(PyObject* exc, Py_ssize_t start) {
  return SetStart(exc, PyExc_UnicodeTranslateError, start);
}

extern "C" int PyUnicodeEncodeError_GetEnd(PyObject* exc, Py_ssize_t* end) {
  return GetEnd(exc, PyExc_UnicodeEncodeError, end);
}
extern "C" int PyUnicodeDecodeError_GetEnd(PyObject* exc, Py_ssize_t* end) {
  return GetEnd(exc, PyExc_UnicodeDecodeError, end);
}
extern "C" int PyUnicodeTranslateError_GetEnd(PyObject* exc, Py_ssize_t* end) {
  return GetEnd(exc, PyExc_UnicodeTranslateError, end);
}
extern "C" int PyUnicodeEncodeError_SetEnd(PyObject* exc, Py_ssize_t end) {
  return SetEnd(exc, PyExc_UnicodeEncodeError, end);
}
extern "C" int PyUnicodeDecodeError_SetEnd(PyObject* exc, Py_ssize_t end) {
  return SetEnd(exc, PyExc_UnicodeDecodeError, end);
}
extern "C" int PyUnicodeTranslateError_SetEnd(PyObject* exc, Py_ssize_t end) {
  return SetEnd(exc, PyExc_UnicodeTranslateError, end);
}

extern "C" PyObject* PyUnicodeEncodeError_GetReason(PyObject* exc) {
  return GetReason(exc, PyExc_UnicodeEncodeError);
}
extern "C" PyObject* PyUnicodeDecodeError_GetReason(PyObject* exc) {
  return GetReason(exc, PyExc_UnicodeDecodeError);
}
extern "C" PyObject* PyUnicodeTranslateError_GetReason(PyObject* exc) {
  return GetReason(exc, PyExc_UnicodeTranslateError);
}
extern "C" int PyUnicodeEncodeError_SetReason(PyObject* exc, const char* reason) {
  return SetReason(exc, PyExc_UnicodeEncodeError, reason);
}
extern "C" int PyUnicodeDecodeError_SetReason(PyObject* exc, const char* reason) {
  return SetReason(exc, PyExc_UnicodeDecodeError, reason);
}
extern "C" int PyUnicodeTranslateError_SetReason(PyObject* exc, const char* reason) {
  return SetReason(exc, PyExc_UnicodeTranslateError, reason);
}
