// More of the object protocol (object_extras.h): isinstance/issubclass, ascii(), bytes(),
// dir(), PyObject_Print, _PyObject_LookupAttr and PyArg_ValidateKeywordArguments.
// PyObject_Format is format_spec.cc's.
//
// Owns: nothing (functions of their arguments).
//
// Threads: any attached thread.
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "compat/runtime/exceptions.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

// Nested tuples are walked with the recursion guard, as CPython does.
int IsInstanceOf(PyObject* inst, PyObject* cls) {
  if (PyType_Check(cls)) {
    return PyObject_TypeCheck(inst, reinterpret_cast<PyTypeObject*>(cls));
  }
  if (PyTuple_Check(cls)) {
    if (Py_EnterRecursiveCall(" in __instancecheck__") != 0) return -1;
    int result = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(cls) && result == 0; ++i) {
      PyObject* item = Py_NewRef(PyTuple_GET_ITEM(cls, i));
      result = IsInstanceOf(inst, item);
      Py_DECREF(item);
    }
    Py_LeaveRecursiveCall();
    return result;
  }
  PyErr_SetString(PyExc_TypeError,
                  "isinstance() arg 2 must be a type, a tuple of types, or a union");
  return -1;
}

int IsSubclassOf(PyObject* derived, PyObject* cls) {
  if (PyTuple_Check(cls)) {
    if (Py_EnterRecursiveCall(" in __subclasscheck__") != 0) return -1;
    int result = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(cls) && result == 0; ++i) {
      PyObject* item = Py_NewRef(PyTuple_GET_ITEM(cls, i));
      result = IsSubclassOf(derived, item);
      Py_DECREF(item);
    }
    Py_LeaveRecursiveCall();
    return result;
  }
  if (!PyType_Check(derived)) {
    PyErr_SetString(PyExc_TypeError, "issubclass() arg 1 must be a class");
    return -1;
  }
  if (!PyType_Check(cls)) {
    PyErr_SetString(PyExc_TypeError,
                    "issubclass() arg 2 must be a class, a tuple of classes, or a union");
    return -1;
  }
  return PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(derived),
                          reinterpret_cast<PyTypeObject*>(cls));
}

// bytes from a list or tuple of ints in range(256).
PyObject* BytesFromSequence(PyObject* seq) {
  const Py_ssize_t n = Py_SIZE(seq);  // list or tuple
  std::string data;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PyTuple_Check(seq) ? PyTuple_GET_ITEM(seq, i) : PyList_GET_ITEM(seq, i);
    if (!PyLong_Check(item)) {
      PyErr_Format(PyExc_TypeError, "'%.200s' object cannot be interpreted as an integer",
                   Py_TYPE(item)->tp_name);
      return nullptr;
    }
    int overflow = 0;
    const long value = PyLong_AsLongAndOverflow(item, &overflow);
    if (value == -1 && PyErr_Occurred()) return nullptr;
    if (overflow != 0 || value < 0 || value > 255) {
      PyErr_SetString(PyExc_ValueError, "bytes must be in range(0, 256)");
      return nullptr;
    }
    data += static_cast<char>(value);
  }
  return PyBytes_FromStringAndSize(data.data(), static_cast<Py_ssize_t>(data.size()));
}

// Adds the str keys of `dict` (a dict, or anything else: nothing) to `names`.
bool AddKeys(std::set<std::string>& names, PyObject* dict) {
  if (dict == nullptr || !PyDict_Check(dict)) return true;
  PyObject* keys = PyDict_Keys(dict);
  if (keys == nullptr) return false;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); ++i) {
    PyObject* key = PyList_GET_ITEM(keys, i);
    if (!PyUnicode_Check(key)) continue;
    const char* utf8 = PyUnicode_AsUTF8(key);
    if (utf8 == nullptr) {
      Py_DECREF(keys);
      return false;
    }
    names.insert(utf8);
  }
  Py_DECREF(keys);
  return true;
}

// The names a type and its bases define: tp_dict entries and tp_methods (and the data
// attributes exception types serve themselves).
bool AddTypeNames(std::set<std::string>& names, PyTypeObject* type) {
  AddExceptionAttributeNames(type, names);
  for (PyTypeObject* t = type; t != nullptr; t = t->tp_base) {
    if (!AddKeys(names, t->tp_dict)) return false;
    for (PyMethodDef* def = t->tp_methods; def != nullptr && def->ml_name != nullptr; ++def) {
      names.insert(def->ml_name);
    }
  }
  return true;
}

PyObject* SortedList(const std::set<std::string>& names) {
  PyObject* list = PyList_New(0);
  if (list == nullptr) return nullptr;
  for (const std::string& name : names) {  // std::set's byte order is code-point order
    PyObject* item = PyUnicode_FromStringAndSize(name.data(), static_cast<Py_ssize_t>(name.size()));
    if (item == nullptr || PyList_Append(list, item) < 0) {
      Py_XDECREF(item);
      Py_DECREF(list);
      return nullptr;
    }
    Py_DECREF(item);
  }
  return list;
}

}  // namespace

PyObject* LookupSpecialMethod(PyObject* o, const char* name) {
  for (PyTypeObject* t = Py_TYPE(o); t != nullptr && t != &PyBaseObject_Type; t = t->tp_base) {
    for (PyMethodDef* def = t->tp_methods; def != nullptr && def->ml_name != nullptr; ++def) {
      if (std::strcmp(def->ml_name, name) != 0) continue;
      return PyCMethod_New(def, o, nullptr, (def->ml_flags & METH_METHOD) ? t : nullptr);
    }
  }
  return nullptr;
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" int PyObject_IsInstance(PyObject* inst, PyObject* cls) {
  if (inst == nullptr || cls == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  return IsInstanceOf(inst, cls);
}

extern "C" int PyObject_IsSubclass(PyObject* derived, PyObject* cls) {
  if (derived == nullptr || cls == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  return IsSubclassOf(derived, cls);
}

extern "C" PyObject* PyObject_ASCII(PyObject* o) {
  PyObject* repr = PyObject_Repr(o);
  if (repr == nullptr) return nullptr;
  if (!PyUnicode_Check(repr)) {
    Py_DECREF(repr);
    PyErr_BadArgument();
    return nullptr;
  }
  const int kind = PyUnicode_KIND(repr);
  const void* data = PyUnicode_DATA(repr);
  std::string out;
  for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(repr); ++i) {
    const Py_UCS4 cp = PyUnicode_READ(kind, data, i);
    if (cp < 0x80) {
      out += static_cast<char>(cp);
      continue;
    }
    char escape[16];
    if (cp < 0x100) {
      std::snprintf(escape, sizeof(escape), "\\x%02x", static_cast<unsigned>(cp));
    } else if (cp < 0x10000) {
      std::snprintf(escape, sizeof(escape), "\\u%04x", static_cast<unsigned>(cp));
    } else {
      std::snprintf(escape, sizeof(escape), "\\U%08x", static_cast<unsigned>(cp));
    }
    out += escape;
  }
  Py_DECREF(repr);
  return PyUnicode_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
}

extern "C" PyObject* PyObject_Bytes(PyObject* o) {
  if (o == nullptr) return PyBytes_FromString("<NULL>");
  if (PyBytes_CheckExact(o)) return Py_NewRef(o);
  if (PyObject* method = LookupSpecialMethod(o, "__bytes__")) {
    PyObject* result = PyObject_CallNoArgs(method);
    Py_DECREF(method);
    if (result != nullptr && !PyBytes_Check(result)) {
      PyErr_Format(PyExc_TypeError, "__bytes__ returned non-bytes (type %.200s)",
                   Py_TYPE(result)->tp_name);
      Py_CLEAR(result);
    }
    return result;
  }
  if (PyBytes_Check(o)) {
    return PyBytes_FromStringAndSize(PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o));
  }
  if (PyList_Check(o) || PyTuple_Check(o)) return BytesFromSequence(o);
  return PyErr_Format(PyExc_TypeError, "cannot convert '%.200s' object to bytes",
                      Py_TYPE(o)->tp_name);
}

extern "C" PyObject* PyObject_Dir(PyObject* o) {
  if (o == nullptr) {
    PyErr_SetString(PyExc_SystemError, "frame does not exist");
    return nullptr;
  }
  std::set<std::string> names;
  bool ok;
  if (PyModule_Check(o)) {
    ok = AddKeys(names, PyModule_GetDict(o));  // module.__dir__: its dict only
  } else if (PyType_Check(o)) {
    ok = AddTypeNames(names, reinterpret_cast<PyTypeObject*>(o));  // type.__dir__
  } else {
    // object.__dir__: the instance dict, then the class's names.
    PyObject* dict = nullptr;
    int found = 0;
    const Py_ssize_t offset = Py_TYPE(o)->tp_dictoffset;
    if (offset > 0) {
      dict = Py_XNewRef(*reinterpret_cast<PyObject**>(reinterpret_cast<char*>(o) + offset));
    } else {
      PyObject* key = PyUnicode_FromString("__dict__");
      if (key == nullptr) return nullptr;
      found = _PyObject_LookupAttr(o, key, &dict);
      Py_DECREF(key);
    }
    ok = found >= 0 && AddKeys(names, dict) && AddTypeNames(names, Py_TYPE(o));
    Py_XDECREF(dict);
  }
  if (!ok) return nullptr;
  return SortedList(names);
}

extern "C" int PyObject_Print(PyObject* o, FILE* fp, int flags) {
  if (o == nullptr) {
    std::fputs("<nil>", fp);
    return 0;
  }
  PyObject* text = (flags & Py_PRINT_RAW) ? PyObject_Str(o) : PyObject_Repr(o);
  if (text == nullptr) return -1;
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(text, &size);
  if (utf8 != nullptr) std::fwrite(utf8, 1, static_cast<size_t>(size), fp);
  Py_DECREF(text);
  if (utf8 == nullptr) return -1;
  if (std::ferror(fp)) {
    PyErr_SetFromErrno(PyExc_OSError);
    std::clearerr(fp);
    return -1;
  }
  return 0;
}

extern "C" int _PyObject_LookupAttr(PyObject* v, PyObject* name, PyObject** result) {
  *result = nullptr;
  if (name == nullptr || !PyUnicode_Check(name)) {
    PyErr_Format(PyExc_TypeError, "attribute name must be string, not '%.200s'",
                 name != nullptr ? Py_TYPE(name)->tp_name : "NULL");
    return -1;
  }
  *result = PyObject_GetAttr(v, name);
  if (*result != nullptr) return 1;
  if (!PyErr_ExceptionMatches(PyExc_AttributeError)) return -1;
  PyErr_Clear();
  return 0;
}

extern "C" int PyArg_ValidateKeywordArguments(PyObject* kwargs) {
  if (kwargs == nullptr || !PyDict_Check(kwargs)) {
    PyErr_BadInternalCall();
    return 0;
  }
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  while (PyDict_Next(kwargs, &pos, &key, &value)) {
    if (!PyUnicode_Check(key)) {
      PyErr_SetString(PyExc_TypeError, "keywords must be strings");
      return 0;
    }
  }
  return 1;
}
