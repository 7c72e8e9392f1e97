// The object protocol (abstract.h): repr/str, hash, rich comparison, truth, len, item and
// attribute access, calls — each a dispatch on the type's slots, with builtin fallbacks for
// what CPython reaches through the number/sequence/mapping tables Pinion does not have. Also
// the helpers the container types share (containers.h).
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

// key as an index into the tuple or list `o` (negative counts from the end; range checks
// are left to the caller). false with TypeError or OverflowError.
bool SequenceIndex(PyObject* o, PyObject* key, Py_ssize_t* index) {
  if (!PyLong_Check(key)) {
    PyErr_Format(PyExc_TypeError, "%s indices must be integers, not %s", Py_TYPE(o)->tp_name,
                 Py_TYPE(key)->tp_name);
    return false;
  }
  *index = PyLong_AsSsize_t(key);
  if (*index == -1 && PyErr_Occurred()) return false;
  if (*index < 0) *index += Py_SIZE(o);
  return true;
}

bool CheckAttributeName(PyObject* name) {
  if (PyUnicode_Check(name)) return true;
  PyErr_Format(PyExc_TypeError, "attribute name must be string, not '%s'",
               Py_TYPE(name)->tp_name);
  return false;
}

// A tuple of the NULL-terminated PyObject* arguments in `args`.
PyObject* PackArgs(va_list args) {
  va_list count;
  va_copy(count, args);
  Py_ssize_t n = 0;
  while (va_arg(count, PyObject*) != nullptr) ++n;
  va_end(count);
  PyObject* tuple = PyTuple_New(n);
  if (tuple == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) PyTuple_SET_ITEM(tuple, i, Py_NewRef(va_arg(args, PyObject*)));
  return tuple;
}

// The arguments tuple for a Py_BuildValue format: a tuple result is the arguments, anything
// else the one argument; NULL or "" none.
PyObject* BuildArgs(const char* format, va_list va) {
  if (format == nullptr || *format == '\0') return PyTuple_New(0);
  PyObject* built = Py_VaBuildValue(format, va);
  if (built == nullptr || PyTuple_Check(built)) return built;
  PyObject* args = PyTuple_Pack(1, built);
  Py_DECREF(built);
  return args;
}

// o.name(*args), consuming the reference to `args` (which may be NULL: an error already set).
PyObject* CallMethod(PyObject* o, PyObject* name, PyObject* args) {
  if (args == nullptr) return nullptr;
  PyObject* method = PyObject_GetAttr(o, name);
  PyObject* result = method != nullptr ? PyObject_Call(method, args, nullptr) : nullptr;
  Py_XDECREF(method);
  Py_DECREF(args);
  return result;
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
  return CheckString(repr(o), "__repr__");
}

extern "C" PyObject* PyObject_Str(PyObject* o) {
  if (o == nullptr) return PyUnicode_FromString("<NULL>");
  if (PyUnicode_CheckExact(o)) return Py_NewRef(o);
  reprfunc str = Py_TYPE(o)->tp_str;
  if (str == nullptr) return PyObject_Repr(o);
  return CheckString(str(o), "__str__");
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

extern "C" int PyObject_IsTrue(PyObject* o) {
  if (o == Py_True) return 1;
  if (o == Py_False || o == Py_None) return 0;
  if (PyLong_Check(o)) {
    int overflow = 0;
    const long value = PyLong_AsLongAndOverflow(o, &overflow);
    if (value == -1 && PyErr_Occurred()) return -1;
    return overflow != 0 || value != 0;
  }
  if (PyFloat_Check(o)) return PyFloat_AS_DOUBLE(o) != 0.0;
  Py_ssize_t length;
  if (BuiltinLength(o, &length)) return length != 0;
  return 1;
}

extern "C" int PyObject_Not(PyObject* o) {
  const int truth = PyObject_IsTrue(o);
  return truth < 0 ? truth : !truth;
}

// ---- Containers -----------------------------------------------------------------------------

extern "C" Py_ssize_t PyObject_Size(PyObject* o) {
  if (o == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  Py_ssize_t length;
  if (BuiltinLength(o, &length)) return length;
  PyErr_Format(PyExc_TypeError, "object of type '%s' has no len()", Py_TYPE(o)->tp_name);
  return -1;
}

extern "C" PyObject* PyObject_GetItem(PyObject* o, PyObject* key) {
  if (o == nullptr || key == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (PyDict_Check(o)) {
    PyObject* value = PyDict_GetItemWithError(o, key);
    if (value != nullptr) return Py_NewRef(value);
    if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, key);
    return nullptr;
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    Py_ssize_t index;
    if (!SequenceIndex(o, key, &index)) return nullptr;
    if (PyList_Check(o)) return _PyPinion_List_GetItemRef(o, index);
    return Py_XNewRef(PyTuple_GetItem(o, index));
  }
  PyErr_Format(PyExc_TypeError, "'%s' object is not subscriptable", Py_TYPE(o)->tp_name);
  return nullptr;
}

extern "C" int PyObject_SetItem(PyObject* o, PyObject* key, PyObject* v) {
  if (o == nullptr || key == nullptr || v == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  if (PyDict_Check(o)) return PyDict_SetItem(o, key, v);
  if (PyList_Check(o)) {
    Py_ssize_t index;
    if (!SequenceIndex(o, key, &index)) return -1;
    return PyList_SetItem(o, index, Py_NewRef(v));
  }
  PyErr_Format(PyExc_TypeError, "'%s' object does not support item assignment",
               Py_TYPE(o)->tp_name);
  return -1;
}

extern "C" int PyObject_DelItem(PyObject* o, PyObject* key) {
  if (o == nullptr || key == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  if (PyDict_Check(o)) return PyDict_DelItem(o, key);
  if (PyList_Check(o)) {
    Py_ssize_t index;
    if (!SequenceIndex(o, key, &index)) return -1;
    if (index < 0 || index >= Py_SIZE(o)) {
      PyErr_SetString(PyExc_IndexError, "list assignment index out of range");
      return -1;
    }
    return PyList_SetSlice(o, index, index + 1, nullptr);
  }
  PyErr_Format(PyExc_TypeError, "'%s' object doesn't support item deletion",
               Py_TYPE(o)->tp_name);
  return -1;
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

// ---- Calls ----------------------------------------------------------------------------------

extern "C" int PyCallable_Check(PyObject* o) {
  return o != nullptr && Py_TYPE(o)->tp_call != nullptr;
}

extern "C" PyObject* PyObject_Call(PyObject* callable, PyObject* args, PyObject* kwargs) {
  ternaryfunc call = Py_TYPE(callable)->tp_call;
  if (call == nullptr) {
    PyErr_Format(PyExc_TypeError, "'%s' object is not callable", Py_TYPE(callable)->tp_name);
    return nullptr;
  }
  if (args == nullptr || !PyTuple_Check(args)) {
    PyErr_SetString(PyExc_TypeError, "argument list must be a tuple");
    return nullptr;
  }
  if (kwargs != nullptr && !PyDict_Check(kwargs)) {
    PyErr_SetString(PyExc_TypeError, "keyword list must be a dictionary");
    return nullptr;
  }
  PyObject* result = call(callable, args, kwargs);
  if (result == nullptr && !PyErr_Occurred()) {
    PyErr_Format(PyExc_SystemError, "'%s' object returned NULL without setting an exception",
                 Py_TYPE(callable)->tp_name);
  }
  return result;
}

extern "C" PyObject* PyObject_CallObject(PyObject* callable, PyObject* args) {
  if (args != nullptr) return PyObject_Call(callable, args, nullptr);
  return PyObject_CallNoArgs(callable);
}

extern "C" PyObject* PyObject_CallNoArgs(PyObject* callable) {
  PyObject* args = PyTuple_New(0);
  if (args == nullptr) return nullptr;
  PyObject* result = PyObject_Call(callable, args, nullptr);
  Py_DECREF(args);
  return result;
}

extern "C" PyObject* PyObject_CallOneArg(PyObject* callable, PyObject* arg) {
  PyObject* args = PyTuple_Pack(1, arg);
  if (args == nullptr) return nullptr;
  PyObject* result = PyObject_Call(callable, args, nullptr);
  Py_DECREF(args);
  return result;
}

extern "C" PyObject* PyObject_CallFunction(PyObject* callable, const char* format, ...) {
  va_list va;
  va_start(va, format);
  PyObject* args = BuildArgs(format, va);
  va_end(va);
  if (args == nullptr) return nullptr;
  PyObject* result = PyObject_Call(callable, args, nullptr);
  Py_DECREF(args);
  return result;
}

extern "C" PyObject* PyObject_CallMethod(PyObject* o, const char* name, const char* format,
                                         ...) {
  PyObject* key = PyUnicode_FromString(name);
  if (key == nullptr) return nullptr;
  va_list va;
  va_start(va, format);
  PyObject* result = CallMethod(o, key, BuildArgs(format, va));
  va_end(va);
  Py_DECREF(key);
  return result;
}

extern "C" PyObject* PyObject_CallFunctionObjArgs(PyObject* callable, ...) {
  va_list va;
  va_start(va, callable);
  PyObject* args = PackArgs(va);
  va_end(va);
  if (args == nullptr) return nullptr;
  PyObject* result = PyObject_Call(callable, args, nullptr);
  Py_DECREF(args);
  return result;
}

extern "C" PyObject* PyObject_CallMethodObjArgs(PyObject* o, PyObject* name, ...) {
  va_list va;
  va_start(va, name);
  PyObject* args = PackArgs(va);
  va_end(va);
  return CallMethod(o, name, args);
}

extern "C" PyObject* PyObject_CallMethodNoArgs(PyObject* o, PyObject* name) {
  return CallMethod(o, name, PyTuple_New(0));
}

extern "C" PyObject* PyObject_CallMethodOneArg(PyObject* o, PyObject* name, PyObject* arg) {
  return CallMethod(o, name, PyTuple_Pack(1, arg));
}

extern "C" PyObject* PyObject_Type(PyObject* o) {
  return Py_NewRef(reinterpret_cast<PyObject*>(Py_TYPE(o)));
}
