/* Weak references (CPython 3.11's weakrefobject.h and cpython/weakrefobject.h): the
 * weakref.ReferenceType, ProxyType and CallableProxyType objects, PyWeakref_NewRef/NewProxy/
 * GetObject, and PyObject_ClearWeakRefs for deallocators. Runtime in runtime/weakref.cc
 * (references) and runtime/weakref_proxy.cc (proxies).
 *
 * Which objects: those whose type has tp_weaklistoffset > 0 (the offset of a PyObject* field,
 * NULL at allocation, where the runtime keeps the list of weak references to the object; an
 * extension type sets it, PyType_FromSpec takes it from a "__weaklistoffset__" member; 3.12's
 * Py_TPFLAGS_MANAGED_WEAKREF is not provided), and of the builtin types: type objects,
 * modules, builtin functions and methods, bound methods, sets and frozensets, memoryviews.
 * Others: TypeError "cannot create weak reference to 'int' object", as CPython.
 *
 * Where Pinion differs: CPython clears a weak reference when its referent's reference count
 * reaches zero; Pinion clears it in the pause of the first collection that finds the
 * referent unreachable (PyGC_Collect, or any collection the heap starts) — every weak
 * reference to the object at once, before any tp_finalize or tp_dealloc of that collection
 * runs, and for good (an object that tp_finalize resurrects keeps its old weak references
 * cleared). Callbacks then run on a mutator after that collection (PyGC_Collect's thread,
 * or the next thread that allocates), before the finalizers. Between the last Py_DECREF and
 * that collection, PyWeakref_GetObject still returns the object. A callback is held as a
 * reference (a pin, so a root) until it ran or its weak reference died: a callback that
 * references its own weak reference keeps it alive. A weak reference that is itself garbage
 * in the collection that finds its referent unreachable may still have its callback called
 * (CPython skips it). The reference and proxy shared by calls without a callback live as
 * long as their referent.
 *
 * Threads: any attached thread. The lists of weak references are kept under one leaf lock;
 * a weak reference may be created, read and dropped from several threads at once.
 */
#ifndef PINION_PYTHON_WEAKREFOBJECT_H_
#define PINION_PYTHON_WEAKREFOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

typedef struct _PyWeakReference PyWeakReference;

PyAPI_DATA(PyTypeObject) _PyWeakref_RefType;
PyAPI_DATA(PyTypeObject) _PyWeakref_ProxyType;
PyAPI_DATA(PyTypeObject) _PyWeakref_CallableProxyType;

#define PyWeakref_CheckRef(op) PyObject_TypeCheck(op, &_PyWeakref_RefType)
#define PyWeakref_CheckRefExact(op) Py_IS_TYPE(op, &_PyWeakref_RefType)
#define PyWeakref_CheckProxy(op) \
  (Py_IS_TYPE(op, &_PyWeakref_ProxyType) || Py_IS_TYPE(op, &_PyWeakref_CallableProxyType))
#define PyWeakref_Check(op) (PyWeakref_CheckRef(op) || PyWeakref_CheckProxy(op))

/* A weak reference to `ob` (a new reference). `callback`: NULL or None for none, else a
 * callable called with the weak reference once `ob` is gone (if the weak reference is still
 * alive then; an exception it raises goes to PyErr_WriteUnraisable). Without a callback the
 * same weak reference is returned while one lives (CPython's canonical reference). NULL with
 * TypeError for an object that does not support weak references ("cannot create weak
 * reference to 'int' object") or a callback that is not callable. */
PyAPI_FUNC(PyObject*) PyWeakref_NewRef(PyObject* ob, PyObject* callback);
/* The same for a proxy, which forwards attribute access, calls (a CallableProxyType for a
 * callable `ob`), operators and protocols to `ob`, and raises ReferenceError
 * ("weakly-referenced object no longer exists") once it is gone. */
PyAPI_FUNC(PyObject*) PyWeakref_NewProxy(PyObject* ob, PyObject* callback);
/* The referent, borrowed (the caller INCREFs it before the next call that may collect), or
 * Py_None once it is gone. NULL with SystemError for NULL or a non-weakref. */
PyAPI_FUNC(PyObject*) PyWeakref_GetObject(PyObject* ref);

/* 3.13's PyWeakref_GetRef, under a Pinion name (Python.h declares no 3.12+ name, and
 * pythoncapi_compat.h defines PyWeakref_GetRef itself on top of PyWeakref_GetObject): 1 and
 * a new reference to the referent in *result, 0 and NULL once it is gone, -1 and NULL with
 * TypeError ("expected a weakref") for a non-weakref, SystemError for NULL. */
PyAPI_FUNC(int) _PyPinion_Weakref_GetRef(PyObject* ref, PyObject** result);

/* Clears the weak references to `object`, from its type's tp_dealloc (the pattern is
 * `if (self->weakreflist != NULL) PyObject_ClearWeakRefs(self)`): any still set (a
 * deallocator called before a collection found `object` unreachable) are cleared now and
 * their callbacks called, as CPython does; those the collector cleared are only detached.
 * Pinion also does this itself when such an object is freed (PyObject_Free, PyObject_GC_Del),
 * so a deallocator that forgets the call leaves nothing dangling. SystemError (CPython's
 * PyErr_BadInternalCall) for NULL or an object whose type has no tp_weaklistoffset; unlike
 * CPython it cannot check that the object is being deallocated (Py_REFCNT is not 0). */
PyAPI_FUNC(void) PyObject_ClearWeakRefs(PyObject* object);

#ifndef Py_LIMITED_API
/* CPython 3.11's layout. wr_object is the referent, or NULL once cleared (CPython: Py_None):
 * read it with PyWeakref_GetObject or PyWeakref_GET_OBJECT, never directly (the collector
 * clears it, and a read during a concurrent cycle must go through the runtime). The runtime
 * owns every field; wr_prev/wr_next link the weak references to one object. */
struct _PyWeakReference {
  PyObject_HEAD
  PyObject* wr_object;
  PyObject* wr_callback;
  Py_hash_t hash;
  PyWeakReference* wr_prev;
  PyWeakReference* wr_next;
  vectorcallfunc vectorcall;
};

/* CPython's macro reads the referent's Py_REFCNT; Pinion's calls PyWeakref_GetObject (the
 * referent, borrowed, or Py_None). */
static inline PyObject* PyWeakref_GET_OBJECT(PyObject* ref_obj) {
  return PyWeakref_GetObject(ref_obj);
}
#define PyWeakref_GET_OBJECT(ref) PyWeakref_GET_OBJECT(_PyObject_CAST(ref))
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_WEAKREFOBJECT_H_ */
