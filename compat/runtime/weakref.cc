// Weak references (weakrefobject.h): the weakref objects' life on the Pinion heap, the lists
// of weak references to an object, weakref.ReferenceType, and the API that makes and reads
// them. Proxies' forwarding slots are in weakref_proxy.cc.
//
// A weakref object (WeakRef: CPython's PyWeakReference, then runtime-owned fields) is not
// one of compat's ObjectType objects (object.cc): its Pinion type's trace reports wr_object
// with VisitWeakField(OnCleared) — ObjectType's edges_hold_pins would keep concurrent cycles
// from ever calling it. Weak references to immortal objects (static types) use a second
// Pinion type whose trace reports nothing (the collector must never test a static object's
// mark bit, and such a referent never dies). Both types' on_unreachable is the weakref's
// tp_dealloc: unlink, release the callback. It does not tp_free: a weakref a finalizer (or a
// callback of the same batch) resurrects stays a valid, cleared weak reference, and its
// memory goes when a later collection finds it unreachable (it is no longer registered).
//
// The list of weak references to an object `ob` is CPython's: a doubly-linked list through
// wr_prev/wr_next whose head is the PyObject* field at Py_TYPE(ob)->tp_weaklistoffset — plain
// memory the collector never sees. Invariants, all under g_lists_mu (a leaf lock: nothing
// allocates, collects or runs Python code under it):
//   (L1) a WeakRef is in the list of `owner` iff owner != nullptr; then wr_object == owner
//        or wr_object is null (cleared by the collector, OnCleared pending);
//   (L2) owner's memory is valid while anything is linked in its list: every heap object of
//        a type with tp_weaklistoffset > 0 is registered for finalization (object.cc,
//        NeedsCallback), so once a collection finds it unreachable it is kept until its
//        on_unreachable ran, and the collector queues the OnCleared calls of its weak
//        references ahead of it; OnCleared unlinks, and object.cc's OnUnreachable calls
//        DetachWeakRefs first thing, so the list is empty before the owner can be freed;
//        PyObject_Free/GC_Del detach any list left by a deallocator called by hand;
//   (L3) the basic reference and basic proxy (no callback, shared by every NewRef/NewProxy
//        without one: CPython's canonical references) come first, in that order, and each
//        holds a pin on itself while linked ("self_pinned"): a canonical reference found in
//        the list is live, never one a collection found unreachable and whose deallocation
//        is queued. It lives as long as its referent (for a static object, for good).
// Field protocol: wr_object through WeakLoad/WeakStore (the collector clears it in a pause);
// wr_callback exchanged atomically by whoever calls or releases it (once); hash relaxed
// atomics; wr_prev, wr_next, owner, basic, self_pinned under g_lists_mu; the rest immutable.
//
// Threads: any attached thread; traces on collector threads (they read no field: only
// wr_object's address); OnCleared and deallocation on the mutator running finalizers.
#include "compat/runtime/weakref.h"

#include <atomic>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "compat/runtime/runtime.h"
#include "gc/type.h"
#include "gc/weak_member.h"
#include "pinning/pin.h"

namespace pinion::compat {
namespace {

std::mutex g_lists_mu;
// The immortal (static) objects whose lists have held weak references since Py_Initialize:
// their lists outlive the heap (ReleaseStaticWeakRefs). Guarded by g_lists_mu.
std::unordered_set<PyObject*>* g_static_owners = nullptr;

WeakRef** ListHead(PyObject* ob) {
  return reinterpret_cast<WeakRef**>(reinterpret_cast<char*>(ob) +
                                     Py_TYPE(ob)->tp_weaklistoffset);
}

// Removes `ref` from its owner's list (nothing if unlinked). Returns whether it held a pin
// on itself, which the caller releases once the lock is dropped.
bool UnlinkLocked(WeakRef* ref) {
  if (ref->owner == nullptr) return false;
  PyWeakReference* prev = ref->base.wr_prev;
  PyWeakReference* next = ref->base.wr_next;
  if (prev != nullptr) {
    prev->wr_next = next;
  } else {
    *ListHead(ref->owner) = AsWeakRef(next);
  }
  if (next != nullptr) next->wr_prev = prev;
  ref->base.wr_prev = ref->base.wr_next = nullptr;
  ref->owner = nullptr;
  const bool pinned = ref->self_pinned;
  ref->self_pinned = false;
  return pinned;
}

void InsertAfterLocked(WeakRef* ref, WeakRef* prev, PyObject* owner) {
  WeakRef** head = ListHead(owner);
  if (*head == nullptr && _PyPinion_IsImmortal(owner)) {
    if (g_static_owners == nullptr) g_static_owners = new std::unordered_set<PyObject*>();
    g_static_owners->insert(owner);
  }
  ref->owner = owner;
  ref->base.wr_prev = reinterpret_cast<PyWeakReference*>(prev);
  ref->base.wr_next =
      prev != nullptr ? prev->base.wr_next : reinterpret_cast<PyWeakReference*>(*head);
  if (ref->base.wr_next != nullptr) ref->base.wr_next->wr_prev = &ref->base;
  if (prev != nullptr) {
    prev->base.wr_next = &ref->base;
  } else {
    *head = ref;
  }
}

// The basic reference and proxy of `owner`'s list (L3), or nullptr.
void BasicRefsLocked(PyObject* owner, WeakRef** ref, WeakRef** proxy) {
  WeakRef* head = *ListHead(owner);
  *ref = *proxy = nullptr;
  if (head != nullptr && head->basic && Py_IS_TYPE(AsObject(head), &_PyWeakref_RefType)) {
    *ref = head;
    head = AsWeakRef(head->base.wr_next);
  }
  if (head != nullptr && head->basic && PyWeakref_CheckProxy(AsObject(head))) *proxy = head;
}

PyObject* TakeCallback(WeakRef* ref) {
  return __atomic_exchange_n(&ref->base.wr_callback, nullptr, __ATOMIC_ACQ_REL);
}

// CPython's handle_callback: callback(ref); an exception goes to PyErr_WriteUnraisable. The
// exception being handled, if any, is kept. Releases `callback`.
void CallCallback(WeakRef* ref, PyObject* callback) {
  PyObject *error_type, *error_value, *error_tb;
  PyErr_Fetch(&error_type, &error_value, &error_tb);
  PyObject* result = PyObject_CallOneArg(callback, AsObject(ref));
  if (result == nullptr) {
    PyErr_WriteUnraisable(callback);
  } else {
    Py_DECREF(result);
  }
  PyErr_Restore(error_type, error_value, error_tb);
  Py_DECREF(callback);
}

// The collector cleared wr_object (its referent was found unreachable): leave the list while
// the referent's memory is still there (L2), then call the callback.
void OnCleared(void* holder) {
  WeakRef* ref = static_cast<WeakRef*>(holder);
  bool pinned;
  {
    std::unique_lock<std::mutex> lock = LockAttached(g_lists_mu);
    pinned = UnlinkLocked(ref);
  }
  if (PyObject* callback = TakeCallback(ref)) CallCallback(ref, callback);
  if (pinned) Unpin(ref);
}

void TraceWeakRef(void* object, Visitor& visitor) {
  WeakRef* ref = static_cast<WeakRef*>(object);
  visitor.VisitWeakField(&ref->base.wr_object, &OnCleared, ref);
}

void TraceNothing(void*, Visitor&) {}

void OnWeakRefUnreachable(void* object) {
  PyObject* op = static_cast<PyObject*>(object);
  Py_TYPE(op)->tp_dealloc(op);
}

TypeId WeakRefHeapType() {
  static const TypeId type = RegisterType({.name = "PyWeakReference",
                                           .size = sizeof(WeakRef),
                                           .trace = &TraceWeakRef,
                                           .on_unreachable = &OnWeakRefUnreachable});
  return type;
}

// For referents that are immortal (not heap objects): nothing to record.
TypeId WeakRefStaticType() {
  static const TypeId type = RegisterType({.name = "PyWeakReference (to a static object)",
                                           .size = sizeof(WeakRef),
                                           .trace = &TraceNothing,
                                           .on_unreachable = &OnWeakRefUnreachable});
  return type;
}

}  // namespace

PyObject* LoadReferent(PyObject* ref) {
  PyObject** slot = &reinterpret_cast<PyWeakReference*>(ref)->wr_object;
  PyObject* referent = std::atomic_ref<PyObject*>(*slot).load(std::memory_order_acquire);
  if (referent == nullptr || _PyPinion_IsImmortal(referent)) return referent;
  return WeakLoad(slot);  // the same value (no safepoint between), shaded during marking
}

PyObject* NewWeakRef(PyTypeObject* type, PyObject* ob, PyObject* callback) {
  if (ob == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (Py_TYPE(ob)->tp_weaklistoffset <= 0) {
    PyErr_Format(PyExc_TypeError, "cannot create weak reference to '%s' object",
                 Py_TYPE(ob)->tp_name);
    return nullptr;
  }
  if (callback == Py_None) callback = nullptr;
  const bool basic = callback == nullptr;
  const bool is_ref = type == &_PyWeakref_RefType;
  const bool immortal = _PyPinion_IsImmortal(ob);
  WeakRef* found = nullptr;
  if (basic) {
    std::unique_lock<std::mutex> lock = LockAttached(g_lists_mu);
    WeakRef *ref, *proxy;
    BasicRefsLocked(ob, &ref, &proxy);
    found = is_ref ? ref : proxy;
  }
  // No safepoint between the lookup and this pin: a basic reference holds a pin on itself
  // while its referent (which the caller holds) lives (L3).
  if (found != nullptr) return Py_NewRef(AsObject(found));

  PyObject* op = AllocWatchedObject(type, sizeof(WeakRef),
                                    immortal ? WeakRefStaticType() : WeakRefHeapType());
  if (op == nullptr) return nullptr;
  WeakRef* fresh = reinterpret_cast<WeakRef*>(op);
  fresh->base.hash = -1;
  fresh->base.wr_callback = Py_XNewRef(callback);
  fresh->base.vectorcall = is_ref ? &WeakRefVectorcall : nullptr;
  fresh->basic = basic;
  WeakStore(&fresh->base.wr_object, ob);
  {
    std::unique_lock<std::mutex> lock = LockAttached(g_lists_mu);
    WeakRef *ref, *proxy;
    BasicRefsLocked(ob, &ref, &proxy);
    if (basic && (is_ref ? ref : proxy) != nullptr) {
      // Another thread made the basic one meanwhile: return it, drop ours (never linked).
      found = is_ref ? ref : proxy;
    } else if (basic && is_ref) {
      InsertAfterLocked(fresh, nullptr, ob);
    } else if (basic) {
      InsertAfterLocked(fresh, ref, ob);
    } else {
      InsertAfterLocked(fresh, proxy != nullptr ? proxy : ref, ob);
    }
    if (found == nullptr && basic) fresh->self_pinned = true;
  }
  if (found != nullptr) {
    WeakStore(&fresh->base.wr_object, static_cast<PyObject*>(nullptr));
    Py_DECREF(op);
    return Py_NewRef(AsObject(found));
  }
  if (fresh->self_pinned) Pin(op);
  return op;
}

void WeakRefDealloc(PyObject* op) {
  WeakRef* ref = reinterpret_cast<WeakRef*>(op);
  bool pinned;
  {
    std::unique_lock<std::mutex> lock = LockAttached(g_lists_mu);
    pinned = UnlinkLocked(ref);  // false: a self-pinned reference is never unreachable
  }
  WeakStore(&ref->base.wr_object, static_cast<PyObject*>(nullptr));
  Py_XDECREF(TakeCallback(ref));
  if (pinned) Unpin(op);
}

void DetachWeakRefs(PyObject* ob) {
  std::vector<WeakRef*> pinned;
  {
    std::unique_lock<std::mutex> lock = LockAttached(g_lists_mu);
    WeakRef** head = ListHead(ob);
    while (*head != nullptr) {
      WeakRef* ref = *head;
      WeakStore(&ref->base.wr_object, static_cast<PyObject*>(nullptr));
      if (UnlinkLocked(ref)) pinned.push_back(ref);
    }
  }
  for (WeakRef* ref : pinned) Unpin(ref);
}

// CPython's PyObject_ClearWeakRefs: every reference still set is cleared, then the callbacks
// are called, in list order. Each reference is pinned across the calls (a callback may
// collect).
void ClearWeakRefsNow(PyObject* ob) {
  struct Cleared {
    WeakRef* ref;
    PyObject* callback;
    bool self_pinned;
  };
  std::vector<Cleared> cleared;
  {
    std::unique_lock<std::mutex> lock = LockAttached(g_lists_mu);
    WeakRef** head = ListHead(ob);
    while (*head != nullptr) {
      WeakRef* ref = *head;
      WeakStore(&ref->base.wr_object, static_cast<PyObject*>(nullptr));
      const bool self_pinned = UnlinkLocked(ref);
      Pin(ref);
      cleared.push_back({ref, TakeCallback(ref), self_pinned});
    }
  }
  for (const Cleared& c : cleared) {
    if (c.callback != nullptr) CallCallback(c.ref, c.callback);
    if (c.self_pinned) Unpin(c.ref);
    Unpin(c.ref);
  }
}

void ReleaseStaticWeakRefs() {
  std::vector<PyObject*> owners;
  {
    std::unique_lock<std::mutex> lock = LockAttached(g_lists_mu);
    if (g_static_owners != nullptr) owners.assign(g_static_owners->begin(), g_static_owners->end());
  }
  for (PyObject* owner : owners) DetachWeakRefs(owner);
}

void ForgetStaticWeakRefs() {
  std::lock_guard<std::mutex> lock(g_lists_mu);  // no heap any more: no safepoint to reach
  if (g_static_owners == nullptr) return;
  for (PyObject* owner : *g_static_owners) *ListHead(owner) = nullptr;
  delete g_static_owners;
  g_static_owners = nullptr;
}

bool HasWeakRefs(PyObject* ob) {
  std::unique_lock<std::mutex> lock = LockAttached(g_lists_mu);
  return *ListHead(ob) != nullptr;
}

}  // namespace pinion::compat

using pinion::compat::LoadReferent;
using pinion::compat::NewWeakRef;

extern "C" PyObject* PyWeakref_NewRef(PyObject* ob, PyObject* callback) {
  return NewWeakRef(&_PyWeakref_RefType, ob, callback);
}

extern "C" PyObject* PyWeakref_NewProxy(PyObject* ob, PyObject* callback) {
  if (ob == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return NewWeakRef(PyCallable_Check(ob) ? &_PyWeakref_CallableProxyType : &_PyWeakref_ProxyType,
                    ob, callback);
}

extern "C" PyObject* PyWeakref_GetObject(PyObject* ref) {
  if (ref == nullptr || !PyWeakref_Check(ref)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* referent = LoadReferent(ref);
  return referent != nullptr ? referent : Py_None;
}

extern "C" int _PyPinion_Weakref_GetRef(PyObject* ref, PyObject** result) {
  *result = nullptr;
  if (ref == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  if (!PyWeakref_Check(ref)) {
    PyErr_SetString(PyExc_TypeError, "expected a weakref");
    return -1;
  }
  PyObject* referent = LoadReferent(ref);
  if (referent == nullptr) return 0;
  *result = Py_NewRef(referent);
  return 1;
}

extern "C" void PyObject_ClearWeakRefs(PyObject* object) {
  if (object == nullptr || Py_TYPE(object)->tp_weaklistoffset <= 0) {
    PyErr_BadInternalCall();
    return;
  }
  pinion::compat::ClearWeakRefsNow(object);
}
