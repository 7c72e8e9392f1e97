// super (object.h's PySuper_Type): super(type, obj) and super(type, type2), the proxy that
// looks attributes up along the MRO after `type`, binding what it finds to obj.
//
// Owns: each super object's three references (type, obj, obj_type), owned pins set once by
// tp_new. The zero-argument form needs the calling frame, which Pinion (no interpreter)
// has not: RuntimeError "super(): no current frame", as CPython says when called from C.
//
// Threads: any attached thread (super objects never change).
#include <cstring>

#include "compat/runtime/runtime.h"
#include "structmember.h"

namespace pinion::compat {
namespace {

struct SuperObject {
  PyObject_HEAD
  PyTypeObject* type;     // the class super() was given
  PyObject* obj;          // the instance or class bound to, or NULL
  PyTypeObject* obj_type; // type(obj), or obj itself when it is a subclass of `type`
};

SuperObject* AsSuper(PyObject* op) { return reinterpret_cast<SuperObject*>(op); }

int SuperTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(reinterpret_cast<PyObject*>(AsSuper(self)->type));
  Py_VISIT(AsSuper(self)->obj);
  Py_VISIT(reinterpret_cast<PyObject*>(AsSuper(self)->obj_type));
  return 0;
}

void SuperDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(AsSuper(self)->type);
  Py_CLEAR(AsSuper(self)->obj);
  Py_CLEAR(AsSuper(self)->obj_type);
  Py_TYPE(self)->tp_free(self);
}

// CPython's supercheck: the type whose MRO is searched, or NULL with TypeError.
PyTypeObject* SuperCheck(PyTypeObject* type, PyObject* obj) {
  if (PyType_Check(obj) && PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(obj), type)) {
    return reinterpret_cast<PyTypeObject*>(obj);
  }
  if (PyType_IsSubtype(Py_TYPE(obj), type)) return Py_TYPE(obj);
  PyErr_SetString(PyExc_TypeError, "super(type, obj): obj must be an instance or subtype of type");
  return nullptr;
}

PyObject* SuperNew(PyTypeObject* subtype, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "super() takes no keyword arguments");
    return nullptr;
  }
  PyObject* type_arg = nullptr;
  PyObject* obj = nullptr;
  if (!PyArg_UnpackTuple(args, "super", 0, 2, &type_arg, &obj)) return nullptr;
  if (type_arg == nullptr) {
    PyErr_SetString(PyExc_RuntimeError, "super(): no current frame");
    return nullptr;
  }
  if (!PyType_Check(type_arg)) {
    PyErr_Format(PyExc_TypeError, "super() argument 1 must be a type, not %.200s",
                 Py_TYPE(type_arg)->tp_name);
    return nullptr;
  }
  auto* type = reinterpret_cast<PyTypeObject*>(type_arg);
  if (obj == Py_None) obj = nullptr;
  PyTypeObject* obj_type = nullptr;
  if (obj != nullptr && (obj_type = SuperCheck(type, obj)) == nullptr) return nullptr;
  PyObject* self = subtype->tp_alloc(subtype, 0);
  if (self == nullptr) return nullptr;
  SuperObject* su = AsSuper(self);
  su->type = reinterpret_cast<PyTypeObject*>(Py_NewRef(type_arg));
  su->obj = Py_XNewRef(obj);
  su->obj_type = reinterpret_cast<PyTypeObject*>(Py_XNewRef(reinterpret_cast<PyObject*>(obj_type)));
  return self;
}

// o.name: found in the dict of a class after `type` in obj_type's MRO, bound (tp_descr_get)
// to obj; __class__ and what is not found there, on the super object itself.
PyObject* SuperGetAttro(PyObject* self, PyObject* name) {
  SuperObject* su = AsSuper(self);
  const bool is_class = PyUnicode_Check(name) && PyUnicode_CompareWithASCIIString(name, "__class__") == 0;
  if (su->obj_type != nullptr && !is_class) {
    PyObject* mro = su->obj_type->tp_mro;
    const Py_ssize_t n = mro != nullptr ? PyTuple_GET_SIZE(mro) : 0;
    Py_ssize_t i = 0;
    while (i + 1 < n && PyTuple_GET_ITEM(mro, i) != reinterpret_cast<PyObject*>(su->type)) ++i;
    for (++i; i < n; ++i) {
      PyObject* dict = reinterpret_cast<PyTypeObject*>(PyTuple_GET_ITEM(mro, i))->tp_dict;
      PyObject* found = dict != nullptr ? PyDict_GetItemWithError(dict, name) : nullptr;
      if (found == nullptr) {
        if (PyErr_Occurred()) return nullptr;
        continue;
      }
      if (descrgetfunc get = Py_TYPE(found)->tp_descr_get) {
        PyObject* obj = su->obj == reinterpret_cast<PyObject*>(su->obj_type) ? nullptr : su->obj;
        return get(found, obj, reinterpret_cast<PyObject*>(su->obj_type));
      }
      return Py_NewRef(found);
    }
  }
  return PyObject_GenericGetAttr(self, name);
}

PyObject* SuperRepr(PyObject* self) {
  SuperObject* su = AsSuper(self);
  const char* name = su->type != nullptr ? su->type->tp_name : "NULL";
  if (su->obj_type != nullptr) {
    return PyUnicode_FromFormat("<super: <class '%s'>, <%s object>>", name, su->obj_type->tp_name);
  }
  return PyUnicode_FromFormat("<super: <class '%s'>, NULL>", name);
}

PyMemberDef kSuperMembers[] = {
    {"__thisclass__", T_OBJECT, offsetof(SuperObject, type), READONLY,
     "the class invoking super()"},
    {"__self__", T_OBJECT, offsetof(SuperObject, obj), READONLY,
     "the instance invoking super(); may be None"},
    {"__self_class__", T_OBJECT, offsetof(SuperObject, obj_type), READONLY,
     "the type of the instance invoking super(); may be None"},
    {nullptr, 0, 0, 0, nullptr},
};

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PySuper_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "super",
    .tp_basicsize = sizeof(SuperObject),
    .tp_dealloc = &SuperDealloc,
    .tp_repr = &SuperRepr,
    .tp_getattro = &SuperGetAttro,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .tp_doc = "super(type, obj) -> bound super object; requires isinstance(obj, type)\n"
              "super(type, type2) -> bound super object; requires issubclass(type2, type)",
    .tp_traverse = &SuperTraverse,
    .tp_members = kSuperMembers,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &SuperNew,
    .tp_free = &PyObject_GC_Del,
};
