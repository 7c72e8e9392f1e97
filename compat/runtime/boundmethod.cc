// Bound methods (classobject.h): PyMethod_Type and PyInstanceMethod_Type.
//
// Owns: both types. A bound method holds im_func and im_self, an instance method its func:
// pins set before the object is tracked and never changed, visited by tp_traverse.
//
// Threads: any attached thread; tp_traverse on collector threads in a pause.
#include "compat/runtime/runtime.h"

namespace {

PyMethodObject* AsMethod(PyObject* op) { return reinterpret_cast<PyMethodObject*>(op); }
PyInstanceMethodObject* AsInstanceMethod(PyObject* op) {
  return reinterpret_cast<PyInstanceMethodObject*>(op);
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

// func(self, *args, **kwargs).
PyObject* MethodCall(PyObject* op, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  PyObject* full = PyTuple_New(nargs + 1);
  if (full == nullptr) return nullptr;
  PyTuple_SET_ITEM(full, 0, Py_NewRef(AsMethod(op)->im_self));
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    PyTuple_SET_ITEM(full, i + 1, Py_NewRef(PyTuple_GET_ITEM(args, i)));
  }
  PyObject* result = PyObject_Call(AsMethod(op)->im_func, full, kwargs);
  Py_DECREF(full);
  return result;
}

// The function's __qualname__, else its __name__, else NULL with no error (CPython's).
PyObject* FunctionName(PyObject* func) {
  if (PyCFunction_Check(func)) {
    return PyUnicode_FromString(reinterpret_cast<PyCFunctionObject*>(func)->m_ml->ml_name);
  }
  for (const char* attribute : {"__qualname__", "__name__"}) {
    PyObject* name = PyObject_GetAttrString(func, attribute);
    if (name != nullptr && PyUnicode_Check(name)) return name;
    Py_XDECREF(name);
    PyErr_Clear();
  }
  return nullptr;
}

PyObject* MethodRepr(PyObject* op) {
  PyObject* name = FunctionName(AsMethod(op)->im_func);
  PyObject* repr = name != nullptr
                       ? PyUnicode_FromFormat("<bound method %U of %R>", name, AsMethod(op)->im_self)
                       : PyUnicode_FromFormat("<bound method ? of %R>", AsMethod(op)->im_self);
  Py_XDECREF(name);
  return repr;
}

PyObject* MethodRichCompare(PyObject* a, PyObject* b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyMethod_Check(a) || !PyMethod_Check(b)) {
    return Py_NewRef(Py_NotImplemented);
  }
  int equal = AsMethod(a)->im_self == AsMethod(b)->im_self;
  if (equal) {
    equal = PyObject_RichCompareBool(AsMethod(a)->im_func, AsMethod(b)->im_func, Py_EQ);
    if (equal < 0) return nullptr;
  }
  return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

Py_hash_t MethodHash(PyObject* op) {
  const Py_hash_t a = PyObject_Hash(AsMethod(op)->im_self);
  if (a == -1) return -1;
  const Py_hash_t b = PyObject_Hash(AsMethod(op)->im_func);
  if (b == -1) return -1;
  const Py_hash_t hash = a ^ b;
  return hash == -1 ? -2 : hash;
}

PyObject* MethodGetFunc(PyObject* op, void*) { return Py_NewRef(AsMethod(op)->im_func); }
PyObject* MethodGetSelf(PyObject* op, void*) { return Py_NewRef(AsMethod(op)->im_self); }

PyGetSetDef method_getset[] = {
    {"__func__", &MethodGetFunc, nullptr, "the function (or other callable) implementing a method",
     nullptr},
    {"__self__", &MethodGetSelf, nullptr, "the instance to which a method is bound", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

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

PyObject* InstanceMethodGet(PyObject* op, PyObject* obj, PyObject*) {
  if (obj == nullptr) return Py_NewRef(AsInstanceMethod(op)->func);
  return PyMethod_New(AsInstanceMethod(op)->func, obj);
}

PyObject* InstanceMethodGetFunc(PyObject* op, void*) {
  return Py_NewRef(AsInstanceMethod(op)->func);
}

PyGetSetDef instance_method_getset[] = {
    {"__func__", &InstanceMethodGetFunc, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

}  // namespace

PyTypeObject PyMethod_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "method",
    .tp_basicsize = sizeof(PyMethodObject),
    .tp_dealloc = &MethodDealloc,
    .tp_repr = &MethodRepr,
    .tp_hash = &MethodHash,
    .tp_call = &MethodCall,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &MethodTraverse,
    .tp_richcompare = &MethodRichCompare,
    .tp_getset = method_getset,
};

PyTypeObject PyInstanceMethod_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "instancemethod",
    .tp_basicsize = sizeof(PyInstanceMethodObject),
    .tp_dealloc = &InstanceMethodDealloc,
    .tp_call = &InstanceMethodCall,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &InstanceMethodTraverse,
    .tp_getset = instance_method_getset,
    .tp_descr_get = &InstanceMethodGet,
};

extern "C" PyObject* PyMethod_New(PyObject* func, PyObject* self) {
  if (func == nullptr || self == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* op = pinion::compat::AllocObject(&PyMethod_Type, sizeof(PyMethodObject), true);
  if (op == nullptr) return nullptr;
  AsMethod(op)->im_func = Py_NewRef(func);
  AsMethod(op)->im_self = Py_NewRef(self);
  PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyMethod_Function(PyObject* meth) {
  if (meth == nullptr || !PyMethod_Check(meth)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return AsMethod(meth)->im_func;
}

extern "C" PyObject* PyMethod_Self(PyObject* meth) {
  if (meth == nullptr || !PyMethod_Check(meth)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return AsMethod(meth)->im_self;
}

extern "C" PyObject* PyInstanceMethod_New(PyObject* func) {
  if (func == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* op = pinion::compat::AllocObject(&PyInstanceMethod_Type,
                                             sizeof(PyInstanceMethodObject), true);
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
