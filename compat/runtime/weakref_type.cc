// weakref.ReferenceType (_PyWeakref_RefType): calling a reference (ref(): the referent or
// None), its hash (the referent's, cached), comparison (the referents' while both live, else
// identity), repr, and ref(ob[, callback]) through the type. CPython 3.11's behaviour and
// messages. The objects' life and lists: weakref.cc.
//
// Threads: any attached thread; `hash` is cached with relaxed atomics (two threads may both
// compute it: the same value).
#include "compat/runtime/weakref.h"

namespace pinion::compat {
namespace {

PyObject* WeakRefCall(PyObject* self, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "weakref() takes no keyword arguments");
    return nullptr;
  }
  if (PyTuple_GET_SIZE(args) != 0) {
    PyErr_Format(PyExc_TypeError, "weakref expected 0 arguments, got %zd",
                 PyTuple_GET_SIZE(args));
    return nullptr;
  }
  PyObject* referent = LoadReferent(self);
  return Py_NewRef(referent != nullptr ? referent : Py_None);
}

Py_hash_t WeakRefHash(PyObject* self) {
  Py_hash_t* cache = &reinterpret_cast<PyWeakReference*>(self)->hash;
  Py_hash_t hash = __atomic_load_n(cache, __ATOMIC_RELAXED);
  if (hash != -1) return hash;
  PyObject* referent = LoadReferent(self);
  if (referent == nullptr) {
    PyErr_SetString(PyExc_TypeError, "weak object has gone away");
    return -1;
  }
  Py_INCREF(referent);
  hash = PyObject_Hash(referent);
  Py_DECREF(referent);
  if (hash != -1) __atomic_store_n(cache, hash, __ATOMIC_RELAXED);
  return hash;
}

PyObject* WeakRefRepr(PyObject* self) {
  PyObject* referent = LoadReferent(self);
  if (referent == nullptr) return PyUnicode_FromFormat("<weakref at %p; dead>", self);
  Py_INCREF(referent);
  PyObject* name = PyObject_GetAttrString(referent, "__name__");
  if (name == nullptr) {
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
      Py_DECREF(referent);
      return nullptr;
    }
    PyErr_Clear();
  }
  PyObject* repr;
  if (name == nullptr || !PyUnicode_Check(name)) {
    repr = PyUnicode_FromFormat("<weakref at %p; to '%s' at %p>", self,
                                Py_TYPE(referent)->tp_name, referent);
  } else {
    repr = PyUnicode_FromFormat("<weakref at %p; to '%s' at %p (%U)>", self,
                                Py_TYPE(referent)->tp_name, referent, name);
  }
  Py_XDECREF(name);
  Py_DECREF(referent);
  return repr;
}

PyObject* WeakRefRichCompare(PyObject* self, PyObject* other, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyWeakref_Check(self) || !PyWeakref_Check(other)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  PyObject* a = LoadReferent(self);
  PyObject* b = LoadReferent(other);
  if (a == nullptr || b == nullptr) {
    const bool equal = self == other;
    return PyBool_FromLong(op == Py_EQ ? equal : !equal);
  }
  Py_INCREF(a);
  Py_INCREF(b);
  PyObject* result = PyObject_RichCompare(a, b, op);
  Py_DECREF(a);
  Py_DECREF(b);
  return result;
}

// weakref.ref(ob[, callback]).
PyObject* WeakRefNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "ref() takes no keyword arguments");
    return nullptr;
  }
  PyObject *ob, *callback = nullptr;
  if (!PyArg_UnpackTuple(args, "__new__", 1, 2, &ob, &callback)) return nullptr;
  return NewWeakRef(type, ob, callback);
}

}  // namespace

PyObject* WeakRefVectorcall(PyObject* ref, PyObject* const*, size_t nargsf, PyObject* kwnames) {
  if (kwnames != nullptr && PyTuple_GET_SIZE(kwnames) != 0) {
    PyErr_SetString(PyExc_TypeError, "weakref() takes no keyword arguments");
    return nullptr;
  }
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (nargs != 0) {
    PyErr_Format(PyExc_TypeError, "weakref expected 0 arguments, got %zd", nargs);
    return nullptr;
  }
  PyObject* referent = LoadReferent(ref);
  return Py_NewRef(referent != nullptr ? referent : Py_None);
}

}  // namespace pinion::compat

PyTypeObject _PyWeakref_RefType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "weakref.ReferenceType",
    .tp_basicsize = sizeof(pinion::compat::WeakRef),
    .tp_dealloc = &pinion::compat::WeakRefDealloc,
    .tp_vectorcall_offset = offsetof(PyWeakReference, vectorcall),
    .tp_repr = &pinion::compat::WeakRefRepr,
    .tp_hash = &pinion::compat::WeakRefHash,
    .tp_call = &pinion::compat::WeakRefCall,
    .tp_getattro = &PyObject_GenericGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "A weak reference: ref() is the referent, or None once it is gone.",
    .tp_richcompare = &pinion::compat::WeakRefRichCompare,
    .tp_new = &pinion::compat::WeakRefNew,
};
