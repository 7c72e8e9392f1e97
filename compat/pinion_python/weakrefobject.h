/* Weak references: not provided by Pinion yet (a type's tp_weaklistoffset is ignored). The
 * names are declared so that headers which only mention them compile (python/pythoncapi-
 * compat's pythoncapi_compat.h); using any of them fails to compile with a message, except
 * PyObject_ClearWeakRefs, which deallocators call and which has nothing to do yet.
 */
#ifndef PINION_PYTHON_WEAKREFOBJECT_H_
#define PINION_PYTHON_WEAKREFOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#define _PyPinion_NO_WEAKREFS(name) \
  _PyPinion_UNSUPPORTED(name ": weak references are not provided")
PyAPI_FUNC(int) _PyPinion_WeakrefCheckUnsupported(void)
    _PyPinion_NO_WEAKREFS("PyWeakref_Check/CheckRef/CheckProxy");
#define PyWeakref_Check(op) _PyPinion_WeakrefCheckUnsupported()
#define PyWeakref_CheckRef(op) _PyPinion_WeakrefCheckUnsupported()
#define PyWeakref_CheckProxy(op) _PyPinion_WeakrefCheckUnsupported()
PyAPI_FUNC(PyObject*) PyWeakref_NewRef(PyObject* ob, PyObject* callback)
    _PyPinion_NO_WEAKREFS("PyWeakref_NewRef");
PyAPI_FUNC(PyObject*) PyWeakref_NewProxy(PyObject* ob, PyObject* callback)
    _PyPinion_NO_WEAKREFS("PyWeakref_NewProxy");
PyAPI_FUNC(PyObject*) PyWeakref_GetObject(PyObject* ref)
    _PyPinion_NO_WEAKREFS("PyWeakref_GetObject");

/* Clears the weak references to `object`, from its type's tp_dealloc (the pattern is
 * `if (self->weakreflist != NULL) PyObject_ClearWeakRefs(self)`). Pinion makes no weak
 * references yet, so there are none to clear: it only checks its argument (SystemError,
 * as CPython's PyErr_BadInternalCall, for NULL or an object whose type has no
 * tp_weaklistoffset). Runtime in runtime/weakref.cc. */
PyAPI_FUNC(void) PyObject_ClearWeakRefs(PyObject* object);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_WEAKREFOBJECT_H_ */
