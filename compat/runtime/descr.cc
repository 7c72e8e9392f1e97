// Descriptors (descrobject.h) and the classmethod/staticmethod wrappers (funcobject.h).
//
// Owns: PyMethodDescr_Type, PyClassMethodDescr_Type, PyMemberDescr_Type, PyGetSetDescr_Type,
// PyClassMethod_Type, PyStaticMethod_Type and their slots: tp_descr_get (binding), tp_descr_set
// (members and getsets: data descriptors), reprs, calls, and the __name__/__qualname__/
// __objclass__/__doc__ attributes of descriptors, with CPython 3.11's messages.
//
// Invariants: a descriptor's d_type and d_name are set (INCREF'd) before it is tracked and
// never change; d_qualname stays NULL (computed when asked). The wrappers' callable likewise.
// The definitions (PyMethodDef, PyMemberDef, PyGetSetDef) are borrowed.
//
// Threads: any attached thread; tp_traverse on collector threads in a pause.
#include <cstring>

#include "compat/runtime/runtime.h"
#include "structmember.h"

namespace pinion::compat {
namespace {

PyDescrObject* AsDescr(PyObject* op) { return reinterpret_cast<PyDescrObject*>(op); }
PyMethodDescrObject* AsMethod(PyObject* op) { return reinterpret_cast<PyMethodDescrObject*>(op); }

int DescrTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(reinterpret_cast<PyObject*>(AsDescr(op)->d_type));
  Py_VISIT(AsDescr(op)->d_name);
  Py_VISIT(AsDescr(op)->d_qualname);
  return 0;
}

void DescrDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  PyDescrObject* d = AsDescr(op);
  Py_CLEAR(d->d_type);
  Py_CLEAR(d->d_name);
  Py_CLEAR(d->d_qualname);
  Py_TYPE(op)->tp_free(op);
}

// A new descriptor of `descrtype` for `type`, named `name`; the caller sets the definition.
PyObject* NewDescr(PyTypeObject* descrtype, PyTypeObject* type, const char* name) {
  PyObject* name_object = PyUnicode_InternFromString(name);
  if (name_object == nullptr) return nullptr;
  PyObject* op = AllocObject(descrtype, descrtype->tp_basicsize, /*gc=*/true);
  if (op == nullptr) {
    Py_DECREF(name_object);
    return nullptr;
  }
  PyDescrObject* d = AsDescr(op);
  d->d_type = reinterpret_cast<PyTypeObject*>(Py_NewRef(reinterpret_cast<PyObject*>(type)));
  d->d_name = name_object;
  return op;
}

PyObject* DescrRepr(PyObject* op, const char* format) {
  return PyUnicode_FromFormat(format, AsDescr(op)->d_name, "?", AsDescr(op)->d_type->tp_name);
}
PyObject* MethodRepr(PyObject* op) { return DescrRepr(op, "<method '%V' of '%s' objects>"); }
PyObject* MemberRepr(PyObject* op) { return DescrRepr(op, "<member '%V' of '%s' objects>"); }
PyObject* GetSetRepr(PyObject* op) { return DescrRepr(op, "<attribute '%V' of '%s' objects>"); }

// CPython's descr_check: `obj` must be an instance of the descriptor's type.
bool DescrCheck(PyObject* op, PyObject* obj) {
  if (PyObject_TypeCheck(obj, AsDescr(op)->d_type)) return true;
  PyErr_Format(PyExc_TypeError, "descriptor '%V' for '%.100s' objects doesn't apply to a '%.100s' object",
               AsDescr(op)->d_name, "?", AsDescr(op)->d_type->tp_name, Py_TYPE(obj)->tp_name);
  return false;
}

// "T.m()", as CPython's _PyObject_FunctionStr names a method descriptor in call errors.
PyObject* FunctionStr(PyObject* op) {
  return PyUnicode_FromFormat("%s.%U()", TypeShortName(AsDescr(op)->d_type), AsDescr(op)->d_name);
}

PyObject* TypeErrorWithFunctionStr(PyObject* op, const char* format, Py_ssize_t n) {
  PyObject* name = FunctionStr(op);
  if (name != nullptr) {
    PyErr_Format(PyExc_TypeError, format, name, n);
    Py_DECREF(name);
  }
  return nullptr;
}

// ---- method_descriptor --------------------------------------------------------------------

PyObject* MethodGet(PyObject* op, PyObject* obj, PyObject*) {
  if (obj == nullptr) return Py_NewRef(op);
  if (!DescrCheck(op, obj)) return nullptr;
  // CPython's method_get: only METH_METHOD functions are given their defining class.
  PyMethodDef* def = AsMethod(op)->d_method;
  PyTypeObject* cls = (def->ml_flags & METH_METHOD) ? AsDescr(op)->d_type : nullptr;
  return PyCMethod_New(def, obj, nullptr, cls);
}

// T.m(obj, *args, **kwargs): CPython's checks (self given and of the type, the argument
// count of METH_NOARGS and METH_O, keywords), then the bound method called.
PyObject* MethodCall(PyObject* op, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  if (nargs < 1) return TypeErrorWithFunctionStr(op, "unbound method %U needs an argument", 0);
  PyObject* self = PyTuple_GET_ITEM(args, 0);
  if (!DescrCheck(op, self)) return nullptr;
  const int flags = AsMethod(op)->d_method->ml_flags &
                    ~(METH_CLASS | METH_STATIC | METH_COEXIST | METH_METHOD);
  const bool has_kwargs = kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0;
  if (has_kwargs && (flags & METH_KEYWORDS) == 0) {
    return TypeErrorWithFunctionStr(op, "%U takes no keyword arguments", 0);
  }
  if (flags == METH_NOARGS && nargs != 1) {
    return TypeErrorWithFunctionStr(op, "%U takes no arguments (%zd given)", nargs - 1);
  }
  if (flags == METH_O && nargs != 2) {
    return TypeErrorWithFunctionStr(op, "%U takes exactly one argument (%zd given)", nargs - 1);
  }
  PyObject* bound = MethodGet(op, self, reinterpret_cast<PyObject*>(Py_TYPE(self)));
  if (bound == nullptr) return nullptr;
  PyObject* rest = PyTuple_GetSlice(args, 1, nargs);
  PyObject* result = rest != nullptr ? PyObject_Call(bound, rest, kwargs) : nullptr;
  Py_XDECREF(rest);
  Py_DECREF(bound);
  return result;
}

// ---- classmethod_descriptor ---------------------------------------------------------------

PyObject* ClassMethodGet(PyObject* op, PyObject* obj, PyObject* type) {
  PyDescrObject* d = AsDescr(op);
  if (type == nullptr) {
    if (obj == nullptr) {
      return PyErr_Format(PyExc_TypeError,
                          "descriptor '%V' for type '%.100s' needs either an object or a type",
                          d->d_name, "?", d->d_type->tp_name);
    }
    type = reinterpret_cast<PyObject*>(Py_TYPE(obj));
  }
  if (!PyType_Check(type)) {
    return PyErr_Format(PyExc_TypeError,
                        "descriptor '%V' for type '%.100s' needs a type, not a '%.100s' as arg 2",
                        d->d_name, "?", d->d_type->tp_name, Py_TYPE(type)->tp_name);
  }
  if (!PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(type), d->d_type)) {
    return PyErr_Format(PyExc_TypeError,
                        "descriptor '%V' requires a subtype of '%.100s' but received '%.100s'",
                        d->d_name, "?", d->d_type->tp_name,
                        reinterpret_cast<PyTypeObject*>(type)->tp_name);
  }
  PyMethodDef* def = AsMethod(op)->d_method;
  return PyCMethod_New(def, type, nullptr, (def->ml_flags & METH_METHOD) ? d->d_type : nullptr);
}

PyObject* ClassMethodCall(PyObject* op, PyObject* args, PyObject* kwargs) {
  PyDescrObject* d = AsDescr(op);
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  if (nargs < 1) {
    return PyErr_Format(PyExc_TypeError, "descriptor '%V' of '%.100s' object needs an argument",
                        d->d_name, "?", d->d_type->tp_name);
  }
  PyObject* self = PyTuple_GET_ITEM(args, 0);
  PyObject* bound = ClassMethodGet(op, nullptr, self);
  if (bound == nullptr) return nullptr;
  PyObject* rest = PyTuple_GetSlice(args, 1, nargs);
  PyObject* result = rest != nullptr ? PyObject_Call(bound, rest, kwargs) : nullptr;
  Py_XDECREF(rest);
  Py_DECREF(bound);
  return result;
}

// ---- member_descriptor and getset_descriptor ----------------------------------------------

PyMemberDef* MemberOf(PyObject* op) {
  return reinterpret_cast<PyMemberDescrObject*>(op)->d_member;
}
PyGetSetDef* GetSetOf(PyObject* op) {
  return reinterpret_cast<PyGetSetDescrObject*>(op)->d_getset;
}

PyObject* MemberGet(PyObject* op, PyObject* obj, PyObject*) {
  if (obj == nullptr) return Py_NewRef(op);
  if (!DescrCheck(op, obj)) return nullptr;
  return PyMember_GetOne(reinterpret_cast<const char*>(obj), MemberOf(op));
}

int MemberSet(PyObject* op, PyObject* obj, PyObject* value) {
  if (!DescrCheck(op, obj)) return -1;
  return PyMember_SetOne(reinterpret_cast<char*>(obj), MemberOf(op), value);
}

PyObject* GetSetGet(PyObject* op, PyObject* obj, PyObject*) {
  if (obj == nullptr) return Py_NewRef(op);
  if (!DescrCheck(op, obj)) return nullptr;
  PyGetSetDef* def = GetSetOf(op);
  if (def->get != nullptr) return def->get(obj, def->closure);
  return PyErr_Format(PyExc_AttributeError, "attribute '%V' of '%.100s' objects is not readable",
                      AsDescr(op)->d_name, "?", AsDescr(op)->d_type->tp_name);
}

int GetSetSet(PyObject* op, PyObject* obj, PyObject* value) {
  if (!DescrCheck(op, obj)) return -1;
  PyGetSetDef* def = GetSetOf(op);
  if (def->set != nullptr) return def->set(obj, value, def->closure);
  PyErr_Format(PyExc_AttributeError, "attribute '%V' of '%.100s' objects is not writable",
               AsDescr(op)->d_name, "?", AsDescr(op)->d_type->tp_name);
  return -1;
}

// ---- Attributes of descriptors -------------------------------------------------------------

PyObject* DescrGetName(PyObject* op, void*) { return Py_NewRef(AsDescr(op)->d_name); }

PyObject* DescrGetQualname(PyObject* op, void*) {
  return PyUnicode_FromFormat("%s.%U", TypeShortName(AsDescr(op)->d_type), AsDescr(op)->d_name);
}

PyObject* DescrGetObjclass(PyObject* op, void*) {
  return Py_NewRef(reinterpret_cast<PyObject*>(AsDescr(op)->d_type));
}

PyObject* DocOrNone(const char* doc) {
  if (doc == nullptr) Py_RETURN_NONE;
  return PyUnicode_FromString(doc);
}

PyObject* MethodGetDoc(PyObject* op, void*) {
  PyMethodDef* def = AsMethod(op)->d_method;
  return DocOrNone(DocWithoutSignature(def->ml_name, def->ml_doc));
}
PyObject* MemberGetDoc(PyObject* op, void*) { return DocOrNone(MemberOf(op)->doc); }
PyObject* GetSetGetDoc(PyObject* op, void*) { return DocOrNone(GetSetOf(op)->doc); }

PyGetSetDef method_getset[] = {
    {"__doc__", &MethodGetDoc, nullptr, nullptr, nullptr},
    {"__qualname__", &DescrGetQualname, nullptr, nullptr, nullptr},
    {"__name__", &DescrGetName, nullptr, nullptr, nullptr},
    {"__objclass__", &DescrGetObjclass, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyGetSetDef member_getset[] = {
    {"__doc__", &MemberGetDoc, nullptr, nullptr, nullptr},
    {"__qualname__", &DescrGetQualname, nullptr, nullptr, nullptr},
    {"__name__", &DescrGetName, nullptr, nullptr, nullptr},
    {"__objclass__", &DescrGetObjclass, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyGetSetDef getset_getset[] = {
    {"__doc__", &GetSetGetDoc, nullptr, nullptr, nullptr},
    {"__qualname__", &DescrGetQualname, nullptr, nullptr, nullptr},
    {"__name__", &DescrGetName, nullptr, nullptr, nullptr},
    {"__objclass__", &DescrGetObjclass, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// ---- classmethod and staticmethod ---------------------------------------------------------

typedef struct {
  PyObject_HEAD
  PyObject* callable;
  PyObject* dict; /* unused; CPython's layout has one */
} WrapperObject;

WrapperObject* AsWrapper(PyObject* op) { return reinterpret_cast<WrapperObject*>(op); }

int WrapperTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(AsWrapper(op)->callable);
  Py_VISIT(AsWrapper(op)->dict);
  return 0;
}

int WrapperClear(PyObject* op) {
  Py_CLEAR(AsWrapper(op)->callable);
  Py_CLEAR(AsWrapper(op)->dict);
  return 0;
}

void WrapperDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  WrapperClear(op);
  Py_TYPE(op)->tp_free(op);
}

PyObject* NewWrapper(PyTypeObject* type, PyObject* callable) {
  PyObject* op = AllocObject(type, sizeof(WrapperObject), /*gc=*/true);
  if (op == nullptr) return nullptr;
  AsWrapper(op)->callable = Py_NewRef(callable);
  PyObject_GC_Track(op);
  return op;
}

PyObject* ClassMethodWrapperGet(PyObject* op, PyObject* obj, PyObject* type) {
  if (type == nullptr) type = reinterpret_cast<PyObject*>(Py_TYPE(obj));
  PyObject* callable = AsWrapper(op)->callable;
  if (descrgetfunc get = Py_TYPE(callable)->tp_descr_get) return get(callable, type, type);
  return PyMethod_New(callable, type);
}

PyObject* ClassMethodRepr(PyObject* op) {
  return PyUnicode_FromFormat("<classmethod(%R)>", AsWrapper(op)->callable);
}

PyObject* StaticMethodRepr(PyObject* op) {
  return PyUnicode_FromFormat("<staticmethod(%R)>", AsWrapper(op)->callable);
}

PyObject* StaticMethodGet(PyObject* op, PyObject*, PyObject*) {
  return Py_NewRef(AsWrapper(op)->callable);
}

PyObject* StaticMethodCall(PyObject* op, PyObject* args, PyObject* kwargs) {
  return PyObject_Call(AsWrapper(op)->callable, args, kwargs);
}

PyObject* WrapperGetFunc(PyObject* op, void*) { return Py_NewRef(AsWrapper(op)->callable); }

PyGetSetDef wrapper_getset[] = {
    {"__func__", &WrapperGetFunc, nullptr, nullptr, nullptr},
    {"__wrapped__", &WrapperGetFunc, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyMethodDescr_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "method_descriptor",
    .tp_basicsize = sizeof(PyMethodDescrObject),
    .tp_dealloc = &DescrDealloc,
    .tp_repr = &MethodRepr,
    .tp_call = &MethodCall,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_traverse = &DescrTraverse,
    .tp_getset = method_getset,
    .tp_descr_get = &MethodGet,
};

PyTypeObject PyClassMethodDescr_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "classmethod_descriptor",
    .tp_basicsize = sizeof(PyMethodDescrObject),
    .tp_dealloc = &DescrDealloc,
    .tp_repr = &MethodRepr,
    .tp_call = &ClassMethodCall,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &DescrTraverse,
    .tp_getset = method_getset,
    .tp_descr_get = &ClassMethodGet,
};

PyTypeObject PyMemberDescr_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "member_descriptor",
    .tp_basicsize = sizeof(PyMemberDescrObject),
    .tp_dealloc = &DescrDealloc,
    .tp_repr = &MemberRepr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &DescrTraverse,
    .tp_getset = member_getset,
    .tp_descr_get = &MemberGet,
    .tp_descr_set = &MemberSet,
};

PyTypeObject PyGetSetDescr_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "getset_descriptor",
    .tp_basicsize = sizeof(PyGetSetDescrObject),
    .tp_dealloc = &DescrDealloc,
    .tp_repr = &GetSetRepr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &DescrTraverse,
    .tp_getset = getset_getset,
    .tp_descr_get = &GetSetGet,
    .tp_descr_set = &GetSetSet,
};

PyTypeObject PyClassMethod_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "classmethod",
    .tp_basicsize = sizeof(WrapperObject),
    .tp_dealloc = &WrapperDealloc,
    .tp_repr = &ClassMethodRepr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &WrapperTraverse,
    .tp_clear = &WrapperClear,
    .tp_getset = wrapper_getset,
    .tp_descr_get = &ClassMethodWrapperGet,
    .tp_dictoffset = offsetof(WrapperObject, dict),
};

PyTypeObject PyStaticMethod_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "staticmethod",
    .tp_basicsize = sizeof(WrapperObject),
    .tp_dealloc = &WrapperDealloc,
    .tp_repr = &StaticMethodRepr,
    .tp_call = &StaticMethodCall,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &WrapperTraverse,
    .tp_clear = &WrapperClear,
    .tp_getset = wrapper_getset,
    .tp_descr_get = &StaticMethodGet,
    .tp_dictoffset = offsetof(WrapperObject, dict),
};

extern "C" PyObject* PyDescr_NewMethod(PyTypeObject* type, PyMethodDef* method) {
  PyObject* op = NewDescr(&PyMethodDescr_Type, type, method->ml_name);
  if (op == nullptr) return nullptr;
  AsMethod(op)->d_method = method;
  PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyDescr_NewClassMethod(PyTypeObject* type, PyMethodDef* method) {
  PyObject* op = NewDescr(&PyClassMethodDescr_Type, type, method->ml_name);
  if (op == nullptr) return nullptr;
  AsMethod(op)->d_method = method;
  PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyDescr_NewMember(PyTypeObject* type, PyMemberDef* member) {
  PyObject* op = NewDescr(&PyMemberDescr_Type, type, member->name);
  if (op == nullptr) return nullptr;
  reinterpret_cast<PyMemberDescrObject*>(op)->d_member = member;
  PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyDescr_NewGetSet(PyTypeObject* type, PyGetSetDef* getset) {
  PyObject* op = NewDescr(&PyGetSetDescr_Type, type, getset->name);
  if (op == nullptr) return nullptr;
  reinterpret_cast<PyGetSetDescrObject*>(op)->d_getset = getset;
  PyObject_GC_Track(op);
  return op;
}

extern "C" int PyDescr_IsData(PyObject* descr) { return Py_TYPE(descr)->tp_descr_set != nullptr; }

extern "C" PyObject* PyClassMethod_New(PyObject* callable) {
  return NewWrapper(&PyClassMethod_Type, callable);
}

extern "C" PyObject* PyStaticMethod_New(PyObject* callable) {
  return NewWrapper(&PyStaticMethod_Type, callable);
}
