// super (PySuper_Type, object.h): the proxy that looks attributes up past a class in an
// object's MRO, as CPython 3.11's Objects/typeobject.c super_*.
//
// Owns: the type and its slots. A super object's three fields are set by tp_init before the
// object escapes the call that made it (re-running __init__ on a live super object is
// refused, so they never change while other threads may read them); the object owns what
// they point to: visited by tp_traverse, released by tp_dealloc.
//
// Threads: any attached thread; tp_traverse on collector threads in a pause.
#include <cstddef>

#include "Python.h"
#include "structmember.h"
#include "compat/runtime/runtime.h"

namespace {

struct SuperObject {
  PyObject_HEAD
  PyTypeObject* type;      // the class lookups start after
  PyObject* obj;           // the object bound to, or NULL (unbound super)
  PyTypeObject* obj_type;  // obj's type, or obj itself when it is a subtype of `type`
};

SuperObject* AsSuper(PyObject* op) { return reinterpret_cast<SuperObject*>(op); }

// CPython's supercheck: the type whose MRO super walks for (type, obj); NULL with TypeError
// when obj is neither an instance nor a subtype of type.
PyTypeObject* SuperCheck(PyTypeObject* type, PyObject* obj) {
  if (PyType_Check(obj) && PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(obj), type)) {
    return reinterpret_cast<PyTypeObject*>(obj);
  }
  if (PyType_IsSubtype(Py_TYPE(obj), type)) return Py_TYPE(obj);
  PyErr_SetString(PyExc_TypeError,
                  "super(type, obj): obj must be an instance or subtype of type");
  return nullptr;
}

int SuperInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "super() takes no keyword arguments");
    return -1;
  }
  PyObject* type = nullptr;
  PyObject* obj = nullptr;
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  if (nargs > 2) {
    PyErr_Format(PyExc_TypeError, "super() expected at most 2 arguments, got %zd", nargs);
    return -1;
  }
  if (nargs > 0) type = PyTuple_GET_ITEM(args, 0);
  if (nargs > 1) obj = PyTuple_GET_ITEM(args, 1);
  if (type != nullptr && !PyType_Check(type)) {
    PyErr_Format(PyExc_TypeError, "super() argument 1 must be a type, not %.200s",
                 Py_TYPE(type)->tp_name);
    return -1;
  }
  if (type == nullptr) {
    // CPython takes the class and the instance from the calling Python frame; C code has none.
    PyErr_SetString(PyExc_RuntimeError, "super(): no current frame");
    return -1;
  }
  if (obj == Py_None) obj = nullptr;
  PyTypeObject* obj_type = nullptr;
  if (obj != nullptr) {
    obj_type = SuperCheck(reinterpret_cast<PyTypeObject*>(type), obj);
    if (obj_type == nullptr) return -1;
  }
  SuperObject* su = AsSuper(self);
  if (su->type != nullptr) {
    PyErr_SetString(PyExc_RuntimeError, "super(): __init__ called twice");
    return -1;
  }
  su->type = reinterpret_cast<PyTypeObject*>(Py_NewRef(type));
  su->obj = Py_XNewRef(obj);
  su->obj_type = reinterpret_cast<PyTypeObject*>(Py_XNewRef(reinterpret_cast<PyObject*>(obj_type)));
  return 0;
}

// `name` in the dicts of the MRO of obj_type after `type`, bound to obj (to nothing when obj
// is the type the lookup started from); else the super object's own attributes.
PyObject* SuperGetAttr(PyObject* self, PyObject* name) {
  SuperObject* su = AsSuper(self);
  const bool own = su->obj_type == nullptr ||
                   (PyUnicode_Check(name) &&
                    PyUnicode_CompareWithASCIIString(name, "__class__") == 0);
  PyObject* mro = own ? nullptr : su->obj_type->tp_mro;
  if (mro != nullptr && PyTuple_Check(mro)) {
    const Py_ssize_t n = PyTuple_GET_SIZE(mro);
    Py_ssize_t i = 0;
    while (i + 1 < n && PyTuple_GET_ITEM(mro, i) != reinterpret_cast<PyObject*>(su->type)) ++i;
    for (++i; i < n; ++i) {
      PyObject* dict = reinterpret_cast<PyTypeObject*>(PyTuple_GET_ITEM(mro, i))->tp_dict;
      if (dict == nullptr) continue;
      PyObject* found = PyDict_GetItemWithError(dict, name);
      if (found == nullptr) {
        if (PyErr_Occurred()) return nullptr;
        continue;
      }
      descrgetfunc get = Py_TYPE(found)->tp_descr_get;
      if (get == nullptr) return Py_NewRef(found);
      Py_INCREF(found);  // the dict may lose it while get runs
      PyObject* bound =
          get(found, su->obj == reinterpret_cast<PyObject*>(su->obj_type) ? nullptr : su->obj,
              reinterpret_cast<PyObject*>(su->obj_type));
      Py_DECREF(found);
      return bound;
    }
  }
  return PyObject_GenericGetAttr(self, name);
}

PyObject* SuperRepr(PyObject* self) {
  SuperObject* su = AsSuper(self);
  const char* type_name = su->type != nullptr ? su->type->tp_name : "NULL";
  if (su->obj_type != nullptr) {
    return PyUnicode_FromFormat("<super: <class '%s'>, <%s object>>", type_name,
                                su->obj_type->tp_name);
  }
  return PyUnicode_FromFormat("<super: <class '%s'>, NULL>", type_name);
}

int SuperTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsSuper(self)->type);
  Py_VISIT(AsSuper(self)->obj);
  Py_VISIT(AsSuper(self)->obj_type);
  return 0;
}

void SuperDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(AsSuper(self)->type);
  Py_CLEAR(AsSuper(self)->obj);
  Py_CLEAR(AsSuper(self)->obj_type);
  Py_TYPE(self)->tp_free(self);
}

PyMemberDef g_super_members[] = {
    {"__thisclass__", T_OBJECT, offsetof(SuperObject, type), READONLY,
     "the class invoking super()"},
    {"__self__", T_OBJECT, offsetof(SuperObject, obj), READONLY,
     "the instance invoking super(); may be None"},
    {"__self_class__", T_OBJECT, offsetof(SuperObject, obj_type), READONLY,
     "the type of the instance invoking super(); may be None"},
    {nullptr, 0, 0, 0, nullptr},
};

}  // namespace

PyTypeObject PySuper_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "super",
    .tp_basicsize = sizeof(SuperObject),
    .tp_dealloc = &SuperDealloc,
    .tp_repr = &SuperRepr,
    .tp_getattro = &SuperGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .tp_doc = "super(type, obj) -> bound super object; requires isinstance(obj, type)\n"
              "super(type, type2) -> bound super object; requires issubclass(type2, type)\n"
              "super(type) -> unbound super object",
    .tp_traverse = &SuperTraverse,
    .tp_members = g_super_members,
    .tp_init = &SuperInit,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &PyType_GenericNew,
    .tp_free = &PyObject_GC_Del,
};
