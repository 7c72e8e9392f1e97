// mappingproxy (descrobject.h): PyDictProxy_Type and PyDictProxy_New, the read-only view of a
// mapping that type.__dict__ gives.
//
// Owns: PyDictProxy_Type. A proxy holds its mapping (a pin it owns, visited by tp_traverse)
// and never changes it: lookups, len, `in`, get/keys/values/items/copy, repr and comparison go
// to the mapping; there is no way to assign through it.
//
// Threads: any attached thread.
#include "compat/runtime/runtime.h"

namespace {

typedef struct {
  PyObject_HEAD
  PyObject* mapping;
} ProxyObject;

PyObject* MappingOf(PyObject* op) { return reinterpret_cast<ProxyObject*>(op)->mapping; }

int ProxyTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(MappingOf(op));
  return 0;
}

void ProxyDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  Py_CLEAR(reinterpret_cast<ProxyObject*>(op)->mapping);
  Py_TYPE(op)->tp_free(op);
}

Py_ssize_t ProxyLength(PyObject* op) { return PyObject_Size(MappingOf(op)); }

PyObject* ProxySubscript(PyObject* op, PyObject* key) {
  return PyObject_GetItem(MappingOf(op), key);
}

int ProxyContains(PyObject* op, PyObject* key) {
  if (PyDict_Check(MappingOf(op))) return PyDict_Contains(MappingOf(op), key);
  PyObject* value = PyObject_GetItem(MappingOf(op), key);
  if (value != nullptr) {
    Py_DECREF(value);
    return 1;
  }
  if (!PyErr_ExceptionMatches(PyExc_KeyError)) return -1;
  PyErr_Clear();
  return 0;
}

PyObject* ProxyRepr(PyObject* op) { return PyUnicode_FromFormat("mappingproxy(%R)", MappingOf(op)); }

PyObject* ProxyStr(PyObject* op) { return PyObject_Str(MappingOf(op)); }

PyObject* ProxyRichCompare(PyObject* op, PyObject* other, int compare) {
  return PyObject_RichCompare(MappingOf(op), other, compare);
}

PyObject* ProxyCallMethod(PyObject* op, const char* name, PyObject* args) {
  PyObject* method = PyObject_GetAttrString(MappingOf(op), name);
  if (method == nullptr) return nullptr;
  PyObject* result = PyObject_Call(method, args, nullptr);
  Py_DECREF(method);
  return result;
}

// get(key, default=None), on a dict directly; other mappings' own get.
PyObject* ProxyGet(PyObject* op, PyObject* args) {
  PyObject* key;
  PyObject* fallback = Py_None;
  if (!PyArg_UnpackTuple(args, "get", 1, 2, &key, &fallback)) return nullptr;
  if (!PyDict_Check(MappingOf(op))) return ProxyCallMethod(op, "get", args);
  PyObject* value = PyDict_GetItemWithError(MappingOf(op), key);
  if (value == nullptr && PyErr_Occurred()) return nullptr;
  return Py_NewRef(value != nullptr ? value : fallback);
}

PyObject* ProxyKeys(PyObject* op, PyObject*) {
  if (PyDict_Check(MappingOf(op))) return PyDict_Keys(MappingOf(op));
  PyObject* args = PyTuple_New(0);
  PyObject* result = args != nullptr ? ProxyCallMethod(op, "keys", args) : nullptr;
  Py_XDECREF(args);
  return result;
}

PyObject* ProxyValues(PyObject* op, PyObject*) {
  if (PyDict_Check(MappingOf(op))) return PyDict_Values(MappingOf(op));
  PyObject* args = PyTuple_New(0);
  PyObject* result = args != nullptr ? ProxyCallMethod(op, "values", args) : nullptr;
  Py_XDECREF(args);
  return result;
}

PyObject* ProxyItems(PyObject* op, PyObject*) {
  if (PyDict_Check(MappingOf(op))) return PyDict_Items(MappingOf(op));
  PyObject* args = PyTuple_New(0);
  PyObject* result = args != nullptr ? ProxyCallMethod(op, "items", args) : nullptr;
  Py_XDECREF(args);
  return result;
}

PyObject* ProxyCopy(PyObject* op, PyObject*) {
  if (PyDict_Check(MappingOf(op))) return PyDict_Copy(MappingOf(op));
  PyObject* args = PyTuple_New(0);
  PyObject* result = args != nullptr ? ProxyCallMethod(op, "copy", args) : nullptr;
  Py_XDECREF(args);
  return result;
}

PyMethodDef proxy_methods[] = {
    {"get", ProxyGet, METH_VARARGS,
     "D.get(k[,d]) -> D[k] if k in D, else d.  d defaults to None."},
    {"keys", ProxyKeys, METH_NOARGS, "D.keys() -> a set-like object providing a view on D's keys"},
    {"values", ProxyValues, METH_NOARGS, "D.values() -> an object providing a view on D's values"},
    {"items", ProxyItems, METH_NOARGS, "D.items() -> a set-like object providing a view on D's items"},
    {"copy", ProxyCopy, METH_NOARGS, "D.copy() -> a shallow copy of D"},
    {nullptr, nullptr, 0, nullptr},
};

PyMappingMethods proxy_as_mapping = {
    .mp_length = &ProxyLength,
    .mp_subscript = &ProxySubscript,
};

PySequenceMethods proxy_as_sequence = {
    .sq_contains = &ProxyContains,
};

}  // namespace

PyTypeObject PyDictProxy_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "mappingproxy",
    .tp_basicsize = sizeof(ProxyObject),
    .tp_dealloc = &ProxyDealloc,
    .tp_repr = &ProxyRepr,
    .tp_as_sequence = &proxy_as_sequence,
    .tp_as_mapping = &proxy_as_mapping,
    .tp_str = &ProxyStr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &ProxyTraverse,
    .tp_richcompare = &ProxyRichCompare,
    .tp_methods = proxy_methods,
};

extern "C" PyObject* PyDictProxy_New(PyObject* mapping) {
  // CPython's mappingproxy_check_mapping: a mapping, and not a list or tuple.
  PyMappingMethods* methods = Py_TYPE(mapping)->tp_as_mapping;
  if (!PyDict_Check(mapping) &&
      (methods == nullptr || methods->mp_subscript == nullptr || PyList_Check(mapping) ||
       PyTuple_Check(mapping))) {
    return PyErr_Format(PyExc_TypeError, "mappingproxy() argument must be a mapping, not %s",
                        Py_TYPE(mapping)->tp_name);
  }
  PyObject* op = pinion::compat::AllocObject(&PyDictProxy_Type, sizeof(ProxyObject), true);
  if (op == nullptr) return nullptr;
  reinterpret_cast<ProxyObject*>(op)->mapping = Py_NewRef(mapping);
  PyObject_GC_Track(op);
  return op;
}
