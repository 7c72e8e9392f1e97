/* Descriptors (CPython 3.11's descrobject.h): the objects PyType_Ready puts in a type's
 * tp_dict for its tp_methods, tp_members and tp_getset, and what attribute lookup
 * (PyObject_GenericGetAttr/SetAttr, type attribute lookup) binds through tp_descr_get and
 * tp_descr_set. Runtime in runtime/descr.cc.
 *
 * Owns: PyGetSetDef, the descriptor layouts (PyDescrObject and its four kinds) and types:
 *   method_descriptor        PyDescr_NewMethod: a tp_methods entry; binding gives a builtin
 *                            method (PyCMethod_New(def, obj, NULL, d_type)); callable as
 *                            T.m(obj, ...)
 *   classmethod_descriptor   PyDescr_NewClassMethod: METH_CLASS; binds the type
 *   member_descriptor        PyDescr_NewMember: a tp_members entry (structmember.h)
 *   getset_descriptor        PyDescr_NewGetSet: a tp_getset entry
 * with CPython's reprs ("<method 'm' of 'T' objects>") and errors ("descriptor 'x' for 'T'
 * objects doesn't apply to a 'U' object", "attribute 'x' of 'T' objects is not writable").
 * A descriptor holds its type (d_type) and name; it is a GC object and never changes.
 *
 * mappingproxy (PyDictProxy_Type, runtime/dictproxy.cc): the read-only view of a mapping
 * that type.__dict__ gives: lookups, len, `in`, get/keys/values/items/copy, repr
 * "mappingproxy({...})" and comparison go to the mapping. Where Pinion differs: keys(),
 * values() and items() of a dict's proxy are lists (PyDict_Keys...), there being no views.
 *
 * Not provided: slot wrappers (PyWrapperDescr_Type, PyDescr_NewWrapper: Pinion's types do
 * not publish their slots as __add__... in tp_dict) and property.
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_DESCROBJECT_H_
#define PINION_PYTHON_DESCROBJECT_H_

#include "pinion_python/object.h"
#include "pinion_python/methodobject.h"

_PyPinion_EXTERN_C_BEGIN

typedef PyObject* (*getter)(PyObject*, void*);
typedef int (*setter)(PyObject*, PyObject*, void*);

struct PyGetSetDef {
  const char* name; /* NULL ends a table */
  getter get;       /* NULL: reading raises AttributeError ("... is not readable") */
  setter set;       /* NULL: writing raises AttributeError ("... is not writable");
                     * called with value NULL to delete */
  const char* doc;
  void* closure; /* passed to get and set */
};
typedef struct PyGetSetDef PyGetSetDef;
typedef struct PyMemberDef PyMemberDef; /* defined by structmember.h, as in CPython */

#ifndef Py_LIMITED_API
typedef struct {
  PyObject_HEAD
  PyTypeObject* d_type;
  PyObject* d_name;
  PyObject* d_qualname;
} PyDescrObject;

#define PyDescr_COMMON PyDescrObject d_common
#define PyDescr_TYPE(x) (((PyDescrObject*)(x))->d_type)
#define PyDescr_NAME(x) (((PyDescrObject*)(x))->d_name)

typedef struct {
  PyDescr_COMMON;
  PyMethodDef* d_method;
  vectorcallfunc vectorcall; /* NULL in Pinion: calls go through tp_call */
} PyMethodDescrObject;

typedef struct {
  PyDescr_COMMON;
  PyMemberDef* d_member;
} PyMemberDescrObject;

typedef struct {
  PyDescr_COMMON;
  PyGetSetDef* d_getset;
} PyGetSetDescrObject;
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyClassMethodDescr_Type;
PyAPI_DATA(PyTypeObject) PyGetSetDescr_Type;
PyAPI_DATA(PyTypeObject) PyMemberDescr_Type;
PyAPI_DATA(PyTypeObject) PyMethodDescr_Type;

/* New references; the definitions are borrowed (static tables) and must outlive them. */
PyAPI_FUNC(PyObject*) PyDescr_NewMethod(PyTypeObject* type, PyMethodDef* method);
PyAPI_FUNC(PyObject*) PyDescr_NewClassMethod(PyTypeObject* type, PyMethodDef* method);
PyAPI_FUNC(PyObject*) PyDescr_NewMember(PyTypeObject* type, PyMemberDef* member);
PyAPI_FUNC(PyObject*) PyDescr_NewGetSet(PyTypeObject* type, PyGetSetDef* getset);
PyAPI_DATA(PyTypeObject) PyDictProxy_Type;
/* A new mappingproxy of `mapping` (a dict, or an object whose type has mp_subscript and is
 * not a list or tuple; else TypeError). */
PyAPI_FUNC(PyObject*) PyDictProxy_New(PyObject* mapping);

/* 1 if `descr`'s type has tp_descr_set (a data descriptor: it takes precedence over the
 * instance dict), else 0. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(int) PyDescr_IsData(PyObject* descr);
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_DESCROBJECT_H_ */
