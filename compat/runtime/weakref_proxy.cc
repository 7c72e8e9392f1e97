// weakref.ProxyType and weakref.CallableProxyType (PyWeakref_NewProxy's objects): every slot
// forwards to the referent — attributes, str, comparison, the number operators (both
// operands unwrapped when they are proxies, as CPython), len/[]/in, iteration, and calls for
// the callable proxy — and raises ReferenceError ("weakly-referenced object no longer
// exists") once it is gone. Proxies are unhashable. The objects' life and lists: weakref.cc.
//
// Threads: any attached thread.
#include "compat/runtime/weakref.h"

namespace pinion::compat {
namespace {

// The live referent of `proxy` (a new reference), or nullptr with ReferenceError.
PyObject* Referent(PyObject* proxy) {
  PyObject* referent = LoadReferent(proxy);
  if (referent == nullptr) {
    PyErr_SetString(PyExc_ReferenceError, "weakly-referenced object no longer exists");
    return nullptr;
  }
  return Py_NewRef(referent);
}

// `o` itself, or its referent if it is a proxy: a new reference, or nullptr.
PyObject* Unwrap(PyObject* o) {
  return PyWeakref_CheckProxy(o) ? Referent(o) : Py_NewRef(o);
}

PyObject* ProxyRepr(PyObject* self) {
  PyObject* referent = LoadReferent(self);
  if (referent == nullptr) referent = Py_None;
  return PyUnicode_FromFormat("<weakproxy at %p to %s at %p>", self, Py_TYPE(referent)->tp_name,
                              referent);
}

// Forwards a unary slot: `call` on the referent.
template <typename Result, Result (*call)(PyObject*), Result kError>
Result Unary(PyObject* self) {
  PyObject* referent = Referent(self);
  if (referent == nullptr) return kError;
  Result result = call(referent);
  Py_DECREF(referent);
  return result;
}

template <PyObject* (*call)(PyObject*, PyObject*)>
PyObject* Binary(PyObject* a, PyObject* b) {
  PyObject* x = Unwrap(a);
  if (x == nullptr) return nullptr;
  PyObject* y = Unwrap(b);
  if (y == nullptr) {
    Py_DECREF(x);
    return nullptr;
  }
  PyObject* result = call(x, y);
  Py_DECREF(x);
  Py_DECREF(y);
  return result;
}

template <PyObject* (*call)(PyObject*, PyObject*, PyObject*)>
PyObject* Ternary(PyObject* a, PyObject* b, PyObject* c) {
  PyObject* x = Unwrap(a);
  PyObject* y = x != nullptr ? Unwrap(b) : nullptr;
  PyObject* z = y != nullptr ? Unwrap(c) : nullptr;
  PyObject* result = z != nullptr ? call(x, y, z) : nullptr;
  Py_XDECREF(x);
  Py_XDECREF(y);
  Py_XDECREF(z);
  return result;
}

PyObject* ProxyGetAttr(PyObject* self, PyObject* name) {
  PyObject* referent = Referent(self);
  if (referent == nullptr) return nullptr;
  PyObject* result = PyObject_GetAttr(referent, name);
  Py_DECREF(referent);
  return result;
}

int ProxySetAttr(PyObject* self, PyObject* name, PyObject* value) {
  PyObject* referent = Referent(self);
  if (referent == nullptr) return -1;
  const int result = PyObject_SetAttr(referent, name, value);
  Py_DECREF(referent);
  return result;
}

PyObject* ProxyRichCompare(PyObject* a, PyObject* b, int op) {
  PyObject* x = Unwrap(a);
  if (x == nullptr) return nullptr;
  PyObject* y = Unwrap(b);
  if (y == nullptr) {
    Py_DECREF(x);
    return nullptr;
  }
  PyObject* result = PyObject_RichCompare(x, y, op);
  Py_DECREF(x);
  Py_DECREF(y);
  return result;
}

PyObject* ProxyCall(PyObject* self, PyObject* args, PyObject* kwargs) {
  PyObject* referent = Referent(self);
  if (referent == nullptr) return nullptr;
  PyObject* result = PyObject_Call(referent, args, kwargs);
  Py_DECREF(referent);
  return result;
}

PyObject* ProxyIterNext(PyObject* self) {
  PyObject* referent = Referent(self);
  if (referent == nullptr) return nullptr;
  PyObject* result;
  if (!PyIter_Check(referent)) {
    PyErr_Format(PyExc_TypeError, "Weakref proxy referenced a non-iterator '%.200s' object",
                 Py_TYPE(referent)->tp_name);
    result = nullptr;
  } else {
    result = Py_TYPE(referent)->tp_iternext(referent);
  }
  Py_DECREF(referent);
  return result;
}

int ProxyContains(PyObject* self, PyObject* value) {
  PyObject* referent = Referent(self);
  if (referent == nullptr) return -1;
  const int result = PySequence_Contains(referent, value);
  Py_DECREF(referent);
  return result;
}

int ProxyAssSubscript(PyObject* self, PyObject* key, PyObject* value) {
  PyObject* referent = Referent(self);
  if (referent == nullptr) return -1;
  const int result = value == nullptr ? PyObject_DelItem(referent, key)
                                      : PyObject_SetItem(referent, key, value);
  Py_DECREF(referent);
  return result;
}

PyObject* ProxySubscript(PyObject* self, PyObject* key) {
  return Binary<&PyObject_GetItem>(self, key);
}

PyNumberMethods g_proxy_number = {
    .nb_add = &Binary<&PyNumber_Add>,
    .nb_subtract = &Binary<&PyNumber_Subtract>,
    .nb_multiply = &Binary<&PyNumber_Multiply>,
    .nb_remainder = &Binary<&PyNumber_Remainder>,
    .nb_divmod = &Binary<&PyNumber_Divmod>,
    .nb_power = &Ternary<&PyNumber_Power>,
    .nb_negative = &Unary<PyObject*, &PyNumber_Negative, nullptr>,
    .nb_positive = &Unary<PyObject*, &PyNumber_Positive, nullptr>,
    .nb_absolute = &Unary<PyObject*, &PyNumber_Absolute, nullptr>,
    .nb_bool = &Unary<int, &PyObject_IsTrue, -1>,
    .nb_invert = &Unary<PyObject*, &PyNumber_Invert, nullptr>,
    .nb_lshift = &Binary<&PyNumber_Lshift>,
    .nb_rshift = &Binary<&PyNumber_Rshift>,
    .nb_and = &Binary<&PyNumber_And>,
    .nb_xor = &Binary<&PyNumber_Xor>,
    .nb_or = &Binary<&PyNumber_Or>,
    .nb_int = &Unary<PyObject*, &PyNumber_Long, nullptr>,
    .nb_float = &Unary<PyObject*, &PyNumber_Float, nullptr>,
    .nb_inplace_add = &Binary<&PyNumber_InPlaceAdd>,
    .nb_inplace_subtract = &Binary<&PyNumber_InPlaceSubtract>,
    .nb_inplace_multiply = &Binary<&PyNumber_InPlaceMultiply>,
    .nb_inplace_remainder = &Binary<&PyNumber_InPlaceRemainder>,
    .nb_inplace_power = &Ternary<&PyNumber_InPlacePower>,
    .nb_inplace_lshift = &Binary<&PyNumber_InPlaceLshift>,
    .nb_inplace_rshift = &Binary<&PyNumber_InPlaceRshift>,
    .nb_inplace_and = &Binary<&PyNumber_InPlaceAnd>,
    .nb_inplace_xor = &Binary<&PyNumber_InPlaceXor>,
    .nb_inplace_or = &Binary<&PyNumber_InPlaceOr>,
    .nb_floor_divide = &Binary<&PyNumber_FloorDivide>,
    .nb_true_divide = &Binary<&PyNumber_TrueDivide>,
    .nb_inplace_floor_divide = &Binary<&PyNumber_InPlaceFloorDivide>,
    .nb_inplace_true_divide = &Binary<&PyNumber_InPlaceTrueDivide>,
    .nb_index = &Unary<PyObject*, &PyNumber_Index, nullptr>,
    .nb_matrix_multiply = &Binary<&PyNumber_MatrixMultiply>,
    .nb_inplace_matrix_multiply = &Binary<&PyNumber_InPlaceMatrixMultiply>,
};

PySequenceMethods g_proxy_sequence = {
    .sq_contains = &ProxyContains,
};

PyMappingMethods g_proxy_mapping = {
    .mp_length = &Unary<Py_ssize_t, &PyObject_Size, -1>,
    .mp_subscript = &ProxySubscript,
    .mp_ass_subscript = &ProxyAssSubscript,
};

}  // namespace
}  // namespace pinion::compat

#define PINION_PROXY_SLOTS                                                    \
  .tp_basicsize = sizeof(pinion::compat::WeakRef),                           \
  .tp_dealloc = &pinion::compat::WeakRefDealloc,                             \
  .tp_repr = &pinion::compat::ProxyRepr,                                     \
  .tp_as_number = &pinion::compat::g_proxy_number,                           \
  .tp_as_sequence = &pinion::compat::g_proxy_sequence,                       \
  .tp_as_mapping = &pinion::compat::g_proxy_mapping,                         \
  .tp_hash = &PyObject_HashNotImplemented

PyTypeObject _PyWeakref_ProxyType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "weakref.ProxyType",
    PINION_PROXY_SLOTS,
    .tp_str = &pinion::compat::Unary<PyObject*, &PyObject_Str, nullptr>,
    .tp_getattro = &pinion::compat::ProxyGetAttr,
    .tp_setattro = &pinion::compat::ProxySetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A weak proxy: forwards to its referent while it lives.",
    .tp_richcompare = &pinion::compat::ProxyRichCompare,
    .tp_iter = &pinion::compat::Unary<PyObject*, &PyObject_GetIter, nullptr>,
    .tp_iternext = &pinion::compat::ProxyIterNext,
};

PyTypeObject _PyWeakref_CallableProxyType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "weakref.CallableProxyType",
    PINION_PROXY_SLOTS,
    .tp_call = &pinion::compat::ProxyCall,
    .tp_str = &pinion::compat::Unary<PyObject*, &PyObject_Str, nullptr>,
    .tp_getattro = &pinion::compat::ProxyGetAttr,
    .tp_setattro = &pinion::compat::ProxySetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A weak proxy to a callable: forwards to its referent while it lives.",
    .tp_richcompare = &pinion::compat::ProxyRichCompare,
    .tp_iter = &pinion::compat::Unary<PyObject*, &PyObject_GetIter, nullptr>,
    .tp_iternext = &pinion::compat::ProxyIterNext,
};

#undef PINION_PROXY_SLOTS
