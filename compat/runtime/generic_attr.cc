// Generic attribute access (abstract.h, object.h): PyObject_GenericGetAttr/SetAttr with
// CPython 3.11's descriptor protocol, and PyObject_GenericGetDict/SetDict (the __dict__
// getset extension types with a tp_dictoffset declare).
//
// Lookup of o.name: the name along the MRO of o's type (TypeLookup); a data descriptor
// found there (its type has tp_descr_set) decides; else the instance dict (tp_dictoffset);
// else a non-data descriptor is bound (tp_descr_get(descr, o, type(o))) or a plain class
// attribute returned; else AttributeError "'T' object has no attribute 'name'".
// Assignment: a data descriptor's tp_descr_set, else the instance dict (created on first
// use), else AttributeError ("... is read-only" when the type has the name).
//
// Invariant: a descriptor found in a type's dict is INCREF'd while its slots run (they may
// run any code, the type's dict may change under them in mutable heap types).
//
// Threads: any attached thread; an object's instance dict is its caller's race to avoid.
#include "compat/runtime/runtime.h"

namespace pinion::compat {

PyObject** InstanceDictPtr(PyObject* o) {
  PyTypeObject* type = Py_TYPE(o);
  Py_ssize_t offset = type->tp_dictoffset;
  if (offset == 0) return nullptr;
  if (offset < 0) {  // from the end of a variable-size object, as CPython's _PyObject_GetDictPtr
    Py_ssize_t size = Py_SIZE(o);
    if (size < 0) size = -size;
    offset += static_cast<Py_ssize_t>(VarSize(type, size));
  }
  return reinterpret_cast<PyObject**>(reinterpret_cast<char*>(o) + offset);
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" PyObject* PyObject_GenericGetAttr(PyObject* o, PyObject* name) {
  PyTypeObject* type = Py_TYPE(o);
  if (!PyUnicode_Check(name)) {
    return PyErr_Format(PyExc_TypeError, "attribute name must be string, not '%.200s'",
                        Py_TYPE(name)->tp_name);
  }
  PyObject* descr = Py_XNewRef(TypeLookup(type, name));
  if (descr == nullptr && PyErr_Occurred()) return nullptr;
  descrgetfunc get = nullptr;
  if (descr != nullptr) {
    get = Py_TYPE(descr)->tp_descr_get;
    if (get != nullptr && PyDescr_IsData(descr)) {
      PyObject* result = get(descr, o, reinterpret_cast<PyObject*>(type));
      Py_DECREF(descr);
      return result;
    }
  }
  if (PyObject** dictptr = InstanceDictPtr(o); dictptr != nullptr && *dictptr != nullptr) {
    PyObject* dict = Py_NewRef(*dictptr);
    PyObject* value = Py_XNewRef(PyDict_GetItemWithError(dict, name));
    Py_DECREF(dict);
    if (value != nullptr || PyErr_Occurred()) {
      Py_XDECREF(descr);
      return value;
    }
  }
  if (get != nullptr) {
    PyObject* result = get(descr, o, reinterpret_cast<PyObject*>(type));
    Py_DECREF(descr);
    return result;
  }
  if (descr != nullptr) return descr;
  return PyErr_Format(PyExc_AttributeError, "'%.50s' object has no attribute '%U'",
                      type->tp_name, name);
}

extern "C" int PyObject_GenericSetAttr(PyObject* o, PyObject* name, PyObject* value) {
  PyTypeObject* type = Py_TYPE(o);
  if (!PyUnicode_Check(name)) {
    PyErr_Format(PyExc_TypeError, "attribute name must be string, not '%.200s'",
                 Py_TYPE(name)->tp_name);
    return -1;
  }
  PyObject* descr = Py_XNewRef(TypeLookup(type, name));
  if (descr == nullptr && PyErr_Occurred()) return -1;
  if (descr != nullptr) {
    if (descrsetfunc set = Py_TYPE(descr)->tp_descr_set) {
      const int result = set(descr, o, value);
      Py_DECREF(descr);
      return result;
    }
  }
  PyObject** dictptr = InstanceDictPtr(o);
  if (dictptr == nullptr) {
    if (descr == nullptr) {
      PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute '%U'", type->tp_name,
                   name);
    } else {
      PyErr_Format(PyExc_AttributeError, "'%.50s' object attribute '%U' is read-only",
                   type->tp_name, name);
      Py_DECREF(descr);
    }
    return -1;
  }
  Py_XDECREF(descr);
  if (*dictptr == nullptr) {
    PyObject* dict = PyDict_New();
    if (dict == nullptr) return -1;
    *dictptr = dict;  // the object's reference from now on
  }
  PyObject* dict = Py_NewRef(*dictptr);
  int result;
  if (value == nullptr) {
    result = PyDict_DelItem(dict, name);
    if (result < 0 && PyErr_ExceptionMatches(PyExc_KeyError)) {
      PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute '%U'", type->tp_name,
                   name);
    }
  } else {
    result = PyDict_SetItem(dict, name, value);
  }
  Py_DECREF(dict);
  return result;
}

extern "C" PyObject* PyObject_GenericGetDict(PyObject* o, void*) {
  PyObject** dictptr = InstanceDictPtr(o);
  if (dictptr == nullptr) {
    PyErr_SetString(PyExc_AttributeError, "This object has no __dict__");
    return nullptr;
  }
  if (*dictptr == nullptr) {
    PyObject* dict = PyDict_New();
    if (dict == nullptr) return nullptr;
    *dictptr = dict;
  }
  return Py_NewRef(*dictptr);
}

extern "C" int PyObject_GenericSetDict(PyObject* o, PyObject* value, void*) {
  PyObject** dictptr = InstanceDictPtr(o);
  if (dictptr == nullptr) {
    PyErr_SetString(PyExc_AttributeError, "This object has no __dict__");
    return -1;
  }
  if (value == nullptr) {
    PyErr_SetString(PyExc_TypeError, "cannot delete __dict__");
    return -1;
  }
  if (!PyDict_Check(value)) {
    PyErr_Format(PyExc_TypeError, "__dict__ must be set to a dictionary, not a '%.200s'",
                 Py_TYPE(value)->tp_name);
    return -1;
  }
  PyObject* old = *dictptr;
  *dictptr = Py_NewRef(value);
  Py_XDECREF(old);
  return 0;
}
