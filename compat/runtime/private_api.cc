// CPython 3.11's private (underscore) helpers that widely vendored headers call on their 3.11
// code paths (python/pythoncapi-compat's pythoncapi_compat.h: PyLong_AsInt, PyLong_GetSign,
// PyBytes_Join, PyDict_Pop, PyObject_VisitManagedDict, Py_HashPointer, Py_HashBuffer), each
// with CPython's semantics, on the public API. (_PyUnicode_EQ is str's: unicode_type.cc.)
//
// Owns: nothing; state lives in the objects. Threads: any attached thread (the hashes: any).
#include <climits>
#include <cstring>

#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

extern "C" int _PyLong_AsInt(PyObject* obj) {
  int overflow;
  const long value = PyLong_AsLongAndOverflow(obj, &overflow);
  if (value == -1 && PyErr_Occurred()) return -1;
  if (overflow != 0 || value < INT_MIN || value > INT_MAX) {
    PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C int");
    return -1;
  }
  return static_cast<int>(value);
}

extern "C" int _PyLong_Sign(PyObject* v) {
  const Py_ssize_t size = Py_SIZE(v);  // CPython's digit count, signed (longobject.h)
  return size < 0 ? -1 : size > 0;
}

extern "C" PyObject* _PyBytes_Join(PyObject* sep, PyObject* items) {
  char* sep_data;
  Py_ssize_t sep_size;
  if (PyBytes_AsStringAndSize(sep, &sep_data, &sep_size) < 0) return nullptr;
  const bool is_list = PyList_Check(items);
  if (!is_list && !PyTuple_Check(items)) {
    PyErr_SetString(PyExc_TypeError, "can only join an iterable");
    return nullptr;
  }
  const Py_ssize_t n = is_list ? PyList_Size(items) : PyTuple_Size(items);
  Py_ssize_t total = 0;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = is_list ? PyList_GetItem(items, i) : PyTuple_GetItem(items, i);
    if (!PyBytes_Check(item)) {
      PyErr_Format(PyExc_TypeError, "sequence item %zd: expected a bytes-like object, %.80s found",
                   i, Py_TYPE(item)->tp_name);
      return nullptr;
    }
    total += PyBytes_Size(item) + (i > 0 ? sep_size : 0);
  }
  PyObject* result = PyBytes_FromStringAndSize(nullptr, total);
  if (result == nullptr) return nullptr;
  char* out = PyBytes_AsString(result);
  // The items are re-read: a list may have changed (no GIL), so never write past `total`.
  Py_ssize_t at = 0;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = is_list ? PyList_GetItem(items, i) : PyTuple_GetItem(items, i);
    if (item == nullptr || !PyBytes_Check(item)) break;
    const Py_ssize_t size = PyBytes_Size(item);
    if (at + size + (i > 0 ? sep_size : 0) > total) break;
    if (i > 0) {
      std::memcpy(out + at, sep_data, static_cast<size_t>(sep_size));
      at += sep_size;
    }
    std::memcpy(out + at, PyBytes_AsString(item), static_cast<size_t>(size));
    at += size;
  }
  PyErr_Clear();
  return result;
}

extern "C" PyObject* _PyDict_Pop(PyObject* dict, PyObject* key, PyObject* deflt) {
  if (!PyDict_Check(dict)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* value = PyDict_GetItemWithError(dict, key);
  if (value == nullptr) {
    if (PyErr_Occurred()) return nullptr;
    if (deflt != nullptr) return Py_NewRef(deflt);
    PyDict_DelItem(dict, key);  // raises the dict's KeyError(key)
    return nullptr;
  }
  Py_INCREF(value);
  if (PyDict_DelItem(dict, key) < 0) {
    Py_DECREF(value);
    return nullptr;
  }
  return value;
}

extern "C" PyObject** _PyObject_GetDictPtr(PyObject* obj) {
  PyTypeObject* type = Py_TYPE(obj);
  Py_ssize_t offset = type->tp_dictoffset;
  if (offset == 0) return nullptr;
  if (offset < 0) {  // from the end of a variable-size object
    Py_ssize_t items = Py_SIZE(obj);
    if (items < 0) items = -items;
    const size_t size = pinion::compat::VarSize(type, items);
    if (size == 0) {
      PyErr_Clear();
      return nullptr;
    }
    offset += static_cast<Py_ssize_t>(size);
  }
  return reinterpret_cast<PyObject**>(reinterpret_cast<char*>(obj) + offset);
}

extern "C" Py_hash_t _Py_HashPointerRaw(const void* p) {
  auto y = reinterpret_cast<size_t>(p);
  // Objects are aligned: the low bits are always 0, so CPython rotates them away.
  y = (y >> 4) | (y << (8 * sizeof(void*) - 4));
  return static_cast<Py_hash_t>(y);
}

extern "C" Py_hash_t _Py_HashPointer(const void* p) {
  const Py_hash_t hash = _Py_HashPointerRaw(p);
  return hash == -1 ? -2 : hash;
}

extern "C" Py_hash_t _Py_HashBytes(const void* src, Py_ssize_t len) {
  return pinion::compat::HashBytes(static_cast<const char*>(src), static_cast<size_t>(len));
}
