// Bound methods and instance methods (classobject.h): PyMethod_Type ("method") and
// PyInstanceMethod_Type ("instancemethod"), as CPython 3.11's Objects/classobject.c.
//
// Owns: both types and their slots. An object's fields are pins it owns: set (INCREF'd)
// before it is tracked, visited by tp_traverse while tracked, released by tp_dealloc after
// it is untracked; they never change in between.
//
// A method's vectorcall prepends im_self: into args[-1] when the caller lent that slot
// (PY_VECTORCALL_ARGUMENTS_OFFSET; the slot is restored after the call), else into a copy
// of the arguments. The objects in the array stay held by the caller and the method.
//
// Threads: any attached thread; tp_traverse on collector threads in a pause.
#include <cstdlib>
#include <cstring>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"

namespace {

PyMethodObject* AsMethod(PyObject* op) { return reinterpret_cast<PyMethodObject*>(op); }
PyInstanceMethodObject* AsInstanceMethod(PyObject* op) {
  return reinterpret_cast<PyInstanceMethodObject*>(op);
}

// CPython's _PyObject_LookupAttr: o.name, or NULL with no exception when there is none.
PyObject* LookupAttr(PyObject* o, const char* name) {
  PyObject* value = PyObject_GetAttrString(o, name);
  if (value == nullptr && PyErr_ExceptionMatches(PyExc_AttributeError)) PyErr_Clear();
  return value;
}

// The name of `name` if it is one of `names`, compared as UTF-8: its index, -1 when it is
// not, -2 with an exception set.
int NameIndex(PyObject* name, const char* const* names, int count) {
  if (!PyUnicode_Check(name)) return -1;
  const char* utf8 = PyUnicode_AsUTF8(name);
  if (utf8 == nullptr) return -2;
  for (int i = 0; i < count; ++i) {
    if (std::strcmp(utf8, names[i]) == 0) return i;
  }
  return -1;
}

// ---- method -----------------------------------------------------------------------------

PyObject* MethodVectorcall(PyObject* op, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  PyObject* self = AsMethod(op)->im_self;
  PyObject* func = AsMethod(op)->im_func;
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET) {
    // The caller lent args[-1]: self goes there for the call, then what was there returns.
    PyObject** shifted = const_cast<PyObject**>(args) - 1;
    PyObject* saved = shifted[0];
    shifted[0] = self;
    PyObject* result = PyObject_Vectorcall(func, shifted, static_cast<size_t>(nargs + 1), kwnames);
    shifted[0] = saved;
    return result;
  }
  const Py_ssize_t total = nargs + (kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames));
  if (total == 0) return PyObject_Vectorcall(func, &self, 1, nullptr);
  constexpr Py_ssize_t kSmall = 8;
  PyObject* small[kSmall];
  PyObject** copy = small;
  if (total + 1 > kSmall) {
    copy = static_cast<PyObject**>(std::malloc(static_cast<size_t>(total + 1) * sizeof(PyObject*)));
    if (copy == nullptr) return PyErr_NoMemory();
  }
  copy[0] = self;
  std::memcpy(copy + 1, args, static_cast<size_t>(total) * sizeof(PyObject*));
  PyObject* result = PyObject_Vectorcall(func, copy, static_cast<size_t>(nargs + 1), kwnames);
  if (copy != small) std::free(copy);
  return result;
}

int MethodTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(AsMethod(op)->im_func);
  Py_VISIT(AsMethod(op)->im_self);
  return 0;
}

void MethodDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  Py_CLEAR(AsMethod(op)->im_func);
  Py_CLEAR(AsMethod(op)->im_self);
  Py_TYPE(op)->tp_free(op);
}

// "<bound method QUALNAME of REPR(self)>": the function's __qualname__, else its __name__,
// else "?".
PyObject* MethodRepr(PyObject* op) {
  PyObject* func = AsMethod(op)->im_func;
  PyObject* name = LookupAttr(func, "__qualname__");
  if (name == nullptr && !PyErr_Occurred()) name = LookupAttr(func, "__name__");
  if (name == nullptr && PyErr_Occurred()) return nullptr;
  if (name != nullptr && !PyUnicode_Check(name)) Py_CLEAR(name);
  PyObject* result =
      PyUnicode_FromFormat("<bound method %V of %R>", name, "?", AsMethod(op)->im_self);
  Py_XDECREF(name);
  return result;
}

// Equal when the functions are equal and the selves identical; only == and != are defined.
PyObject* MethodRichCompare(PyObject* a, PyObject* b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyMethod_Check(a) || !PyMethod_Check(b)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  int equal = PyObject_RichCompareBool(AsMethod(a)->im_func, AsMethod(b)->im_func, Py_EQ);
  if (equal < 0) return nullptr;
  if (equal) equal = AsMethod(a)->im_self == AsMethod(b)->im_self;
  return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

Py_hash_t MethodHash(PyObject* op) {
  const Py_hash_t func_hash = PyObject_Hash(AsMethod(op)->im_func);
  if (func_hash == -1) return -1;
  const Py_hash_t hash = pinion::compat::HashPointer(AsMethod(op)->im_self) ^ func_hash;
  return hash == -1 ? -2 : hash;
}

// __func__ and __self__ (CPython's members), else the function's attribute.
PyObject* MethodGetAttr(PyObject* op, PyObject* name) {
  static const char* const kNames[] = {"__func__", "__self__"};
  switch (NameIndex(name, kNames, 2)) {
    case -2:
      return nullptr;
    case 0:
      return Py_NewRef(AsMethod(op)->im_func);
    case 1:
      return Py_NewRef(AsMethod(op)->im_self);
    default:
      return PyObject_GetAttr(AsMethod(op)->im_func, name);
  }
}

// ---- instancemethod ---------------------------------------------------------------------

int InstanceMethodTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(AsInstanceMethod(op)->func);
  return 0;
}

void InstanceMethodDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  Py_CLEAR(AsInstanceMethod(op)->func);
  Py_TYPE(op)->tp_free(op);
}

PyObject* InstanceMethodCall(PyObject* op, PyObject* args, PyObject* kwargs) {
  return PyObject_Call(AsInstanceMethod(op)->func, args, kwargs);
}

PyObject* InstanceMethodRepr(PyObject* op) {
  PyObject* name = LookupAttr(AsInstanceMethod(op)->func, "__name__");
  if (name == nullptr && PyErr_Occurred()) return nullptr;
  if (name != nullptr && !PyUnicode_Check(name)) Py_CLEAR(name);
  PyObject* result =
      PyUnicode_FromFormat("<instancemethod %V at %p>", name, "?", static_cast<void*>(op));
  Py_XDECREF(name);
  return result;
}

PyObject* InstanceMethodRichCompare(PyObject* a, PyObject* b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyInstanceMethod_Check(a) || !PyInstanceMethod_Check(b)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  const int equal =
      PyObject_RichCompareBool(AsInstanceMethod(a)->func, AsInstanceMethod(b)->func, Py_EQ);
  if (equal < 0) return nullptr;
  return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

// __func__ (CPython's member), else the function's attribute.
PyObject* InstanceMethodGetAttr(PyObject* op, PyObject* name) {
  static const char* const kNames[] = {"__func__"};
  switch (NameIndex(name, kNames, 1)) {
    case -2:
      return nullptr;
    case 0:
      return Py_NewRef(AsInstanceMethod(op)->func);
    default:
      return PyObject_GetAttr(AsInstanceMethod(op)->func, name);
  }
}

// Through an instance: the function bound to it; through the class: the function.
PyObject* InstanceMethodDescrGet(PyObject* op, PyObject* obj, PyObject*) {
  PyObject* func = AsInstanceMethod(op)->func;
  if (obj == nullptr) return Py_NewRef(func);
  return PyMethod_New(func, obj);
}

}  // namespace

PyTypeObject PyMethod_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "method",
    .tp_basicsize = sizeof(PyMethodObject),
    .tp_dealloc = &MethodDealloc,
    .tp_vectorcall_offset = offsetof(PyMethodObject, vectorcall),
    .tp_repr = &MethodRepr,
    .tp_hash = &MethodHash,
    .tp_call = &PyVectorcall_Call,
    .tp_getattro = &MethodGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "Create a bound instance method object.",
    .tp_traverse = &MethodTraverse,
    .tp_richcompare = &MethodRichCompare,
    .tp_weaklistoffset = offsetof(PyMethodObject, im_weakreflist),
};

PyTypeObject PyInstanceMethod_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "instancemethod",
    .tp_basicsize = sizeof(PyInstanceMethodObject),
    .tp_dealloc = &InstanceMethodDealloc,
    .tp_repr = &InstanceMethodRepr,
    .tp_call = &InstanceMethodCall,
    .tp_getattro = &InstanceMethodGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Bind a function to a class.",
    .tp_traverse = &InstanceMethodTraverse,
    .tp_richcompare = &InstanceMethodRichCompare,
    .tp_descr_get = &InstanceMethodDescrGet,
};

extern "C" PyObject* PyMethod_New(PyObject* func, PyObject* self) {
  if (func == nullptr || self == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* op = pinion::compat::AllocObject(&PyMethod_Type, sizeof(PyMethodObject), /*gc=*/true);
  if (op == nullptr) return nullptr;
  PyMethodObject* method = AsMethod(op);
  method->im_func = Py_NewRef(func);
  method->im_self = Py_NewRef(self);
  method->im_weakreflist = nullptr;
  method->vectorcall = &MethodVectorcall;
  PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyMethod_Function(PyObject* method) {
  if (method == nullptr || !PyMethod_Check(method)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return AsMethod(method)->im_func;
}

extern "C" PyObject* PyMethod_Self(PyObject* method) {
  if (method == nullptr || !PyMethod_Check(method)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return AsMethod(method)->im_self;
}

extern "C" PyObject* PyInstanceMethod_New(PyObject* func) {
  if (func == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* op = pinion::compat::AllocObject(&PyInstanceMethod_Type,
                                             sizeof(PyInstanceMethodObject), /*gc=*/true);
  if (op == nullptr) return nullptr;
  AsInstanceMethod(op)->func = Py_NewRef(func);
  PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyInstanceMethod_Function(PyObject* im) {
  if (im == nullptr || !PyInstanceMethod_Check(im)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return AsInstanceMethod(im)->func;
}
