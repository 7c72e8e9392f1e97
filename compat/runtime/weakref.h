// What the weak reference files share (weakref.cc: lists and lifecycle; weakref_type.cc:
// weakref.ReferenceType; weakref_proxy.cc: the proxy types) and what object.cc calls. Not
// part of the C API. Invariants and threads: weakref.cc's file comment.
#ifndef PINION_COMPAT_RUNTIME_WEAKREF_H_
#define PINION_COMPAT_RUNTIME_WEAKREF_H_

#include "Python.h"

namespace pinion::compat {

// A weakref object: CPython's layout, then the runtime's own fields (weakref.cc's L1-L3).
struct WeakRef {
  PyWeakReference base;
  PyObject* owner;     // the object whose list links this reference, or nullptr (L1)
  bool basic;          // made without a callback: the shared reference or proxy (L3)
  bool self_pinned;    // holds a pin on itself while linked (L3)
};

inline PyObject* AsObject(WeakRef* ref) { return reinterpret_cast<PyObject*>(ref); }
inline WeakRef* AsWeakRef(PyWeakReference* ref) { return reinterpret_cast<WeakRef*>(ref); }

// The referent of a weakref or proxy, or nullptr once cleared; shaded during concurrent
// marking (gc/weak_member.h), so a caller may hold it (pin it) before its next safepoint.
PyObject* LoadReferent(PyObject* ref);

// PyWeakref_NewRef/NewProxy for `type` (_PyWeakref_RefType or a proxy type).
PyObject* NewWeakRef(PyTypeObject* type, PyObject* ob, PyObject* callback);

// The weakref types' tp_dealloc (their on_unreachable): unlinks, releases the callback.
void WeakRefDealloc(PyObject* op);

// ref(): the referent (a new reference) or None. (weakref_type.cc)
PyObject* WeakRefVectorcall(PyObject* ref, PyObject* const* args, size_t nargsf,
                            PyObject* kwnames);

// Object.cc's OnUnreachable, for an object of a type with tp_weaklistoffset > 0: the
// collection that found `ob` unreachable cleared its weak references, and their OnCleared
// calls ran; any still set (weak references that are garbage themselves, not traced, or made
// after that finding) are cleared now, without callbacks, and the list is emptied.
void DetachWeakRefs(PyObject* ob);

// PyObject_ClearWeakRefs's work (callbacks called), and whether `ob`'s list is non-empty:
// PyObject_Free and PyObject_GC_Del call the first for an object freed with weak references
// still linked (a deallocator that did not call PyObject_ClearWeakRefs).
void ClearWeakRefsNow(PyObject* ob);
bool HasWeakRefs(PyObject* ob);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_WEAKREF_H_
