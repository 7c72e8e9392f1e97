// None, NotImplemented, True, False and their types.
//
// Owns: _PyNone_Type, _PyNotImplemented_Type, PyBool_Type and the four static objects.
//
// Invariants: the objects are static and immortal (ob_refcnt = _PyPinion_IMMORTAL_REFCNT): pins
// skip them and the collector never sees them as heap objects. True and False are
// PyLongObjects (1 and 0) of PyBool_Type, a subclass of int; every slot bool needs is set
// here rather than inherited, since nothing allocates a bool (PyType_Ready may never run on
// it).
//
// Threads: any attached thread; nothing here ever changes.
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

PyObject* NoneRepr(PyObject*) { return PyUnicode_FromString("None"); }

// CPython 3.12's constant hash for None.
Py_hash_t NoneHash(PyObject*) { return 0xFCA86420; }

PyObject* NotImplementedRepr(PyObject*) { return PyUnicode_FromString("NotImplemented"); }

PyObject* BoolRepr(PyObject* self) {
  return PyUnicode_FromString(self == Py_True ? "True" : "False");
}

}  // namespace
}  // namespace pinion::compat

PyTypeObject _PyNone_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "NoneType",
    .tp_basicsize = sizeof(PyObject),
    .tp_repr = &pinion::compat::NoneRepr,
    .tp_hash = &pinion::compat::NoneHash,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The type of None",
};

PyTypeObject _PyNotImplemented_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "NotImplementedType",
    .tp_basicsize = sizeof(PyObject),
    .tp_repr = &pinion::compat::NotImplementedRepr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The type of NotImplemented",
};

PyTypeObject PyBool_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "bool",
    .tp_basicsize = sizeof(PyLongObject),
    .tp_repr = &pinion::compat::BoolRepr,
    .tp_as_number = &pinion::compat::g_bool_as_number,
    .tp_hash = &pinion::compat::IntHash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_LONG_SUBCLASS,
    .tp_doc = "bool: True or False, a subclass of int",
    .tp_richcompare = &pinion::compat::NumberRichCompare,
    .tp_base = &PyLong_Type,
};

PyObject _Py_NoneStruct = {_PyPinion_IMMORTAL_REFCNT, &_PyNone_Type};
PyObject _Py_NotImplementedStruct = {_PyPinion_IMMORTAL_REFCNT, &_PyNotImplemented_Type};
// CPython's representation (longobject.h): no digit for False, one for True.
PyLongObject _Py_FalseStruct = {{{_PyPinion_IMMORTAL_REFCNT, &PyBool_Type}, 0}, {0}};
PyLongObject _Py_TrueStruct = {{{_PyPinion_IMMORTAL_REFCNT, &PyBool_Type}, 1}, {1}};

extern "C" PyObject* PyBool_FromLong(long v) { return Py_NewRef(v ? Py_True : Py_False); }
