// The object protocol (abstract.h): repr/str, hash, rich comparison, truth and attribute
// access — each a dispatch on the type's slots, with builtin fallbacks for truth, which
// CPython reaches through the number table. (len and item access: sequence_protocol.cc;
// calls: call.cc.) Also the helpers the container types share (containers.h).
//
// Owns: per thread, the objects whose repr is in progress (Py_ReprEnter).
//
// Invariant: these functions run slots, i.e. arbitrary extension code that may allocate (a
// safepoint) and mutate containers; an object read out of a container is pinned (INCREF'd)
// for as long as such code may run, and a container's item array is read again afterwards.
//
// Threads: any attached thread.
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

thread_local std::vector<PyObject*> t_repr_in_progress;

// A slot's str result, checked as CPython checks __repr__/__str__ results.
PyObject* CheckString(PyObject* result, const char* method) {
  if (result != nullptr && !PyUnicode_Check(result)) {
    PyErr_Format(PyExc_TypeError, "%s returned non-string (type %s)", method,
                 Py_TYPE(result)->tp_name);
    Py_DECREF(result);
    return nullptr;
  }
  return result;
}

PyObject* DefaultRepr(PyObject* o) {
  char text[256];
  std::snprintf(text, sizeof(text), "<%s object at %p>", Py_TYPE(o)->tp_name,
                static_cast<void*>(o));
  return PyUnicode_FromString(text);
}

PyObject* CompareSizes(Py_ssize_t a, Py_ssize_t b, int op) {
  switch (op) {
    case Py_LT: return PyBool_FromLong(a < b);
    case Py_LE: return PyBool_FromLong(a <= b);
    case Py_EQ: return PyBool_FromLong(a == b);
    case Py_NE: return PyBool_FromLong(a != b);
    case Py_GT: return PyBool_FromLong(a > b);
    default: return PyBool_FromLong(a >= b);
  }
}

// The length of a builtin sized object; false for other types.
bool BuiltinLength(PyObject* o, Py_ssize_t* length) {
  if (PyTuple_Check(o) || PyList_Check(o)) {
    *length = Py_SIZE(o);
  } else if (PyDict_Check(o)) {
    *length = PyDict_GET_SIZE(o);
  } else if (PyUnicode_Check(o)) {
    *length = PyUnicode_GetLength(o);
  } else if (PyBytes_Check(o)) {
    *length = PyBytes_GET_SIZE(o);
  } else {
    return false;
  }
  return true;
}

bool CheckAttributeName(PyObject* name) {
  if (PyUnicode_Check(name)) return true;
  PyErr_Format(PyExc_TypeError, "attribute name must be string, not '%s'",
               Py_TYPE(name)->tp_name);
  return false;
}

}  // namespace

// ---- Helpers for the container types (containers.h) --------------------------------------

Py_hash_t HashPointer(const void* p) {
  uintptr_t bits = reinterpret_cast<uintptr_t>(p);
  bits = (bits >> 4) | (bits << (8 * sizeof(bits) - 4));
  const Py_hash_t hash = static_cast<Py_hash_t>(bits);
  return hash == -1 ? -2 : hash;
}

bool AppendRepr(std::string& out, PyObject* o) {
  PyObject* repr = PyObject_Repr(o);
  if (repr == nullptr) return false;
  Py_ssize_t size = 0;
  const char* text = PyUnicode_AsUTF8AndSize(repr, &size);
  if (text != nullptr) out.append(text, size);
  Py_DECREF(repr);
  return text != nullptr;
}

PyObject* NewString(const std::string& s) {
  return PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
}

PyObject* SequenceRepr(PyObject* seq, ItemsFn items, bool tuple) {
  if (Py_SIZE(seq) == 0) return PyUnicode_FromString(tuple ? "()" : "[]");
  if (Py_ReprEnter(seq) != 0) return PyUnicode_FromString(tuple ? "(...)" : "[...]");
  std::string out = tuple ? "(" : "[";
  bool ok = true;
  // Py_SIZE and the items are read again each time: an item's repr may mutate a list.
  for (Py_ssize_t i = 0; ok && i < Py_SIZE(seq); ++i) {
    if (i > 0) out += ", ";
    PyObject* item = Py_XNewRef(items(seq)[i]);
    ok = AppendRepr(out, item);
    Py_XDECREF(item);
  }
  Py_ReprLeave(seq);
  if (!ok) return nullptr;
  if (tuple && Py_SIZE(seq) == 1) out += ",";
  out += tuple ? ")" : "]";
  return NewString(out);
}

PyObject* CompareSequences(PyObject* v, PyObject* w, int op, ItemsFn items) {
  if (Py_SIZE(v) != Py_SIZE(w) && (op == Py_EQ || op == Py_NE)) {
    return PyBool_FromLong(op == Py_NE);
  }
  // The first index where the items differ (sizes re-read: comparisons may mutate lists).
  Py_ssize_t i = 0;
  for (; i < Py_SIZE(v) && i < Py_SIZE(w); ++i) {
    PyObject* a = items(v)[i];
    PyObject* b = items(w)[i];
    if (a == b) continue;
    Py_INCREF(a);
    Py_INCREF(b);
    const int equal = PyObject_RichCompareBool(a, b, Py_EQ);
    Py_DECREF(a);
    Py_DECREF(b);
    if (equal < 0) return nullptr;
    if (!equal) break;
  }
  if (i >= Py_SIZE(v) || i >= Py_SIZE(w)) return CompareSizes(Py_SIZE(v), Py_SIZE(w), op);
  if (op == Py_EQ) Py_RETURN_FALSE;
  if (op == Py_NE) Py_RETURN_TRUE;
  PyObject* a = Py_NewRef(items(v)[i]);
  PyObject* b = Py_NewRef(items(w)[i]);
  PyObject* result = PyObject_RichCompare(a, b, op);
  Py_DECREF(a);
  Py_DECREF(b);
  return result;
}

}  // namespace pinion::compat

using namespace pinion::compat;

// ---- repr, str, hash, comparison, truth ---------------------------------------------------

extern "C" PyObject* PyObject_Repr(PyObject* o) {
  if (o == nullptr) return PyUnicode_FromString("<NULL>");
  reprfunc repr = Py_TYPE(o)->tp_repr;
  if (repr == nullptr) return DefaultRepr(o);
  // As CPython: deeply nested containers raise RecursionError, not overflow the C stack.
  if (Py_EnterRecursiveCall(" while getting the repr of an object")) return nullptr;
  PyObject* result = repr(o);
  Py_LeaveRecursiveCall();
  return CheckString(result, "__repr__");
}

extern "C" PyObject* PyObject_Str(PyObject* o) {
  if (o == nullptr) return PyUnicode_FromString("<NULL>");
  if (PyUnicode_CheckExact(o)) return Py_NewRef(o);
  reprfunc str = Py_TYPE(o)->tp_str;
  if (str == nullptr) return PyObject_Repr(o);
  if (Py_EnterRecursiveCall(" while getting the str of an object")) return nullptr;
  PyObject* result = str(o);
  Py_LeaveRecursiveCall();
  return CheckString(result, "__str__");
}

extern "C" int Py_ReprEnter(PyObject* o) {
  for (PyObject* in_progress : t_repr_in_progress) {
    if (in_progress == o) return 1;
  }
  t_repr_in_progress.push_back(o);
  return 0;
}

extern "C" void Py_ReprLeave(PyObject* o) {
  for (size_t i = t_repr_in_progress.size(); i-- > 0;) {
    if (t_repr_in_progress[i] == o) {
      t_repr_in_progress.erase(t_repr_in_progress.begin() + i);
      return;
    }
  }
}

extern "C" Py_hash_t PyObject_Hash(PyObject* o) {
  PyTypeObject* type = Py_TYPE(o);
  if (type->tp_hash != nullptr) return type->tp_hash(o);
  // CPython's types inherit object's identity hash unless they define comparison.
  if (type->tp_richcompare == nullptr) return HashPointer(o);
  return PyObject_HashNotImplemented(o);
}

extern "C" Py_hash_t PyObject_HashNotImplemented(PyObject* o) {
  PyErr_Format(PyExc_TypeError, "unhashable type: '%s'", Py_TYPE(o)->tp_name);
  return -1;
}

extern "C" PyObject* PyObject_RichCompare(PyObject* v, PyObject* w, int op) {
  static const int kSwapped[] = {Py_GT, Py_GE, Py_EQ, Py_NE, Py_LT, Py_LE};
  static const char* const kSymbol[] = {"<", "<=", "==", "!=", ">", ">="};
  if (v == nullptr || w == nullptr || op < Py_LT || op > Py_GE) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyTypeObject* vt = Py_TYPE(v);
  PyTypeObject* wt = Py_TYPE(w);
  // A subtype's reflected comparison goes first, so it can override its base's.
  const bool reflected_first =
      vt != wt && wt->tp_richcompare != nullptr && PyType_IsSubtype(wt, vt);
  PyObject* result;
  if (reflected_first) {
    result = wt->tp_richcompare(w, v, kSwapped[op]);
    if (result != Py_NotImplemented) return result;
    Py_DECREF(result);
  }
  if (vt->tp_richcompare != nullptr) {
    result = vt->tp_richcompare(v, w, op);
    if (result != Py_NotImplemented) return result;
    Py_DECREF(result);
  }
  if (!reflected_first && wt->tp_richcompare != nullptr) {
    result = wt->tp_richcompare(w, v, kSwapped[op]);
    if (result != Py_NotImplemented) return result;
    Py_DECREF(result);
  }
  if (op == Py_EQ) return PyBool_FromLong(v == w);
  if (op == Py_NE) return PyBool_FromLong(v != w);
  PyErr_Format(PyExc_TypeError, "'%s' not supported between instances of '%s' and '%s'",
               kSymbol[op], vt->tp_name, wt->tp_name);
  return nullptr;
}

extern "C" int PyObject_RichCompareBool(PyObject* v, PyObject* w, int op) {
  if (v == w) {
    if (op == Py_EQ) return 1;
    if (op == Py_NE) return 0;
  }
  PyObject* result = PyObject_RichCompare(v, w, op);
  if (result == nullptr) return -1;
  const int truth = result == Py_True ? 1 : result == Py_False ? 0 : PyObject_IsTrue(result);
  Py_DECREF(result);
  return truth;
}

// CPython's order: the singletons, nb_bool, mp_length, sq_length; else true.
extern "C" int PyObject_IsTrue(PyObject* o) {
  if (o == Py_True) return 1;
  if (o == Py_False || o == Py_None) return 0;
  PyTypeObject* type = Py_TYPE(o);
  Py_ssize_t length;
  if (type->tp_as_number != nullptr && type->tp_as_number->nb_bool != nullptr) {
    length = type->tp_as_number->nb_bool(o);
  } else if (type->tp_as_mapping != nullptr && type->tp_as_mapping->mp_length != nullptr) {
    length = type->tp_as_mapping->mp_length(o);
  } else if (type->tp_as_sequence != nullptr && type->tp_as_sequence->sq_length != nullptr) {
    length = type->tp_as_sequence->sq_length(o);
  } else if (!BuiltinLength(o, &length)) {  // builtin containers without length slots yet
    return 1;
  }
  return length > 0 ? 1 : static_cast<int>(length);
}

extern "C" int PyObject_Not(PyObject* o) {
  const int truth = PyObject_IsTrue(o);
  return truth < 0 ? truth : !truth;
}

// ---- Attributes -----------------------------------------------------------------------------

extern "C" PyObject* PyObject_GetAttr(PyObject* o, PyObject* name) {
  if (!CheckAttributeName(name)) return nullptr;
  PyTypeObject* type = Py_TYPE(o);
  if (type->tp_getattro != nullptr) return type->tp_getattro(o, name);
  if (type->tp_getattr != nullptr) {
    const char* utf8 = PyUnicode_AsUTF8(name);
    return utf8 != nullptr ? type->tp_getattr(o, const_cast<char*>(utf8)) : nullptr;
  }
  return PyObject_GenericGetAttr(o, name);
}

extern "C" PyObject* PyObject_GetAttrString(PyObject* o, const char* name) {
  PyObject* key = PyUnicode_FromString(name);
  if (key == nullptr) return nullptr;
  PyObject* result = PyObject_GetAttr(o, key);
  Py_DECREF(key);
  return result;
}

extern "C" int PyObject_SetAttr(PyObject* o, PyObject* name, PyObject* v) {
  if (!CheckAttributeName(name)) return -1;
  PyTypeObject* type = Py_TYPE(o);
  if (type->tp_setattro != nullptr) return type->tp_setattro(o, name, v);
  if (type->tp_setattr != nullptr) {
    const char* utf8 = PyUnicode_AsUTF8(name);
    return utf8 != nullptr ? type->tp_setattr(o, const_cast<char*>(utf8), v) : -1;
  }
  return PyObject_GenericSetAttr(o, name, v);
}

extern "C" int PyObject_SetAttrString(PyObject* o, const char* name, PyObject* v) {
  PyObject* key = PyUnicode_FromString(name);
  if (key == nullptr) return -1;
  const int result = PyObject_SetAttr(o, key, v);
  Py_DECREF(key);
  return result;
}

extern "C" int PyObject_HasAttr(PyObject* o, PyObject* name) {
  PyObject* value = PyObject_GetAttr(o, name);
  if (value == nullptr) {
    PyErr_Clear();
    return 0;
  }
  Py_DECREF(value);
  return 1;
}

extern "C" int PyObject_HasAttrString(PyObject* o, const char* name) {
  PyObject* value = PyObject_GetAttrString(o, name);
  if (value == nullptr) {
    PyErr_Clear();
    return 0;
  }
  Py_DECREF(value);
  return 1;
}

extern "C" PyObject* PyObject_Type(PyObject* o) {
  return Py_NewRef(reinterpret_cast<PyObject*>(Py_TYPE(o)));
}
