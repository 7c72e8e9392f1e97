// The object model: how PyObjects live on the Pinion heap, types, and the PEP 442
// finalization protocol.
//
// Every object is one of two Pinion types:
//   ObjectType() — objects the collector calls back (registered with FinalizeWhenUnreachable):
//     GC types (their trace is tp_traverse, for tracked objects; edges_hold_pins, so the
//     references tp_traverse reports are subtracted from pin counts and only outside pins
//     are roots) and types whose tp_dealloc or tp_finalize is their own.
//   LeafType() — objects of types that hold no references and have neither (int, float, str,
//     bytes): pointer-free, never scanned, never called back. (AllocUnwatchedObject puts
//     such an object on a type of its own instead: a non-ASCII str, traced for its UTF-8
//     copy, unicode.cc.)
//
// Finalization (OnUnreachable, on a mutator, from pinion::RunFinalizers): the first time the
// collector finds an object unreachable its tp_finalize runs (at most once: _PyPinion_F_
// FINALIZED) and the object is registered again; tp_clear (tracked GC objects) and
// tp_dealloc run only when a later collection still finds it unreachable — so whatever a
// finalizer resurrected, and all it references, is never cleared nor deallocated (PEP 442).
// While no readied type has a tp_finalize, no object can be resurrected, and they run at the
// first finding. tp_clear and tp_dealloc release the object's references (Py_DECREF: unpins)
// and tp_dealloc calls tp_free, which marks the object dead; the memory is reclaimed by a
// later collection, once nothing reaches it.
//
// Invariants: an object's memory is never reused while anything reaches it (the collector's
// invariant; tp_free only marks). A dead (_PyPinion_F_FREED) object is not traced and not
// called back again; a second tp_free is kDoubleFree.
//
// Threads: allocation, tp_free, Track/UnTrack, PyType_Ready from mutators; TraceObject on
// collector threads in a pause; OnUnreachable on the mutator running finalizers.
#include <cstdlib>
#include <algorithm>
#include <atomic>
#include <mutex>

#include "compat/runtime/runtime.h"
#include "compat/runtime/weakref.h"
#include "gc/errors.h"
#include "gc/finalization.h"
#include "gc/heap.h"
#include "pinning/pin.h"

namespace pinion::compat {
namespace {

int VisitEdge(PyObject* object, void* visitor) {
  if (!_PyPinion_IsImmortal(object)) static_cast<Visitor*>(visitor)->Visit(object);
  return 0;
}

void TraceObject(void* memory, Visitor& visitor) {
  PyObject* op = static_cast<PyObject*>(memory);
  const Py_ssize_t flags = __atomic_load_n(&op->ob_refcnt, __ATOMIC_RELAXED);
  if ((flags & _PyPinion_F_GC) == 0 || (flags & _PyPinion_F_TRACKED) == 0 ||
      (flags & _PyPinion_F_FREED) != 0) {
    return;  // untracked: its references stay pins, i.e. roots
  }
  if (traverseproc traverse = Py_TYPE(op)->tp_traverse) traverse(op, &VisitEdge, &visitor);
}

// Set once any readied type has a tp_finalize: from then on deallocation waits for a second
// finding (a finalizer may have resurrected what it reaches). Relaxed: read by mutators
// running finalizers, after the PyType_Ready of the types whose objects they finalize.
std::atomic<bool> g_finalizers_exist{false};

void Deallocate(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  PyObject *error_type, *error_value, *error_tb;
  PyErr_Fetch(&error_type, &error_value, &error_tb);
  // Clear, then free (PEP 442's order for cyclic garbage): tp_clear drops the references a
  // tracked object holds, so its tp_dealloc releases only what tp_clear left.
  if (HasFlag(op, _PyPinion_F_TRACKED) && type->tp_clear != nullptr) type->tp_clear(op);
  if (type->tp_dealloc != nullptr) {
    type->tp_dealloc(op);
  } else {
    type->tp_free(op);
  }
  if (PyErr_Occurred()) PyErr_WriteUnraisable(op);
  PyErr_Restore(error_type, error_value, error_tb);
}

void OnUnreachable(void* memory) {
  PyObject* op = static_cast<PyObject*>(memory);
  if (HasFlag(op, _PyPinion_F_FREED)) return;  // freed by hand (e.g. in a tp_new error path)
  // The collection cleared op's weak references (and queued their callbacks ahead of this
  // one), before tp_finalize may resurrect op, as CPython's collector does (weakref.h).
  if (Py_TYPE(op)->tp_weaklistoffset > 0) DetachWeakRefs(op);
  if (!HasFlag(op, _PyPinion_F_FINALIZED) && g_finalizers_exist.load(std::memory_order_relaxed)) {
    SetFlag(op, _PyPinion_F_FINALIZED);
    if (destructor finalize = Py_TYPE(op)->tp_finalize) {
      PyObject *error_type, *error_value, *error_tb;
      PyErr_Fetch(&error_type, &error_value, &error_tb);
      finalize(op);
      if (PyErr_Occurred()) PyErr_WriteUnraisable(op);
      PyErr_Restore(error_type, error_value, error_tb);
    }
    FinalizeWhenUnreachable(op);  // deallocated if the next collection still finds it
    return;
  }
  Deallocate(op);
}

TypeId ObjectType() {
  static const TypeId type = RegisterType({.name = "PyObject",
                                           .size = sizeof(PyObject),
                                           .trace = &TraceObject,
                                           .on_unreachable = &OnUnreachable,
                                           .edges_hold_pins = true});
  return type;
}

TypeId LeafType() {
  static const TypeId type = RegisterType({.name = "PyObject (leaf)", .size = sizeof(PyObject)});
  return type;
}


}  // namespace

void BaseDealloc(PyObject* op) { Py_TYPE(op)->tp_free(op); }

void NoteFinalizer() { g_finalizers_exist.store(true, std::memory_order_relaxed); }

namespace {

// True if objects of `type` need the collector to call them back. Objects that accept weak
// references do: their list must be detached before their memory can go (weakref.cc, L2).
bool NeedsCallback(PyTypeObject* type, bool gc) {
  return gc || type->tp_finalize != nullptr || type->tp_weaklistoffset > 0 ||
         (type->tp_dealloc != nullptr && type->tp_dealloc != &BaseDealloc);
}

// Marks `op` dead; reports kDoubleFree if it already was.
void MarkFreed(PyObject* op, const char* function) {
  const Py_ssize_t before = __atomic_fetch_or(&op->ob_refcnt, _PyPinion_F_FREED, __ATOMIC_RELAXED);
  if (before & _PyPinion_F_FREED) {
    ReportMisuse(Misuse::kDoubleFree, "%s(%p): the %s object was already freed", function,
                 static_cast<void*>(op), Py_TYPE(op)->tp_name);
  }
}

// CPython's inheritance of the slot tables: a type without a table shares its base's; a
// type with its own table gets the base's slot wherever its own is NULL.
template <typename Table>
void InheritTable(Table*& own, Table* base) {
  if (base == nullptr) return;
  if (own == nullptr) {
    own = base;
    return;
  }
  if (own == base) return;
  // Every field of a slot table is a pointer (functions, or the void* placeholders).
  constexpr size_t kSlots = sizeof(Table) / sizeof(void*);
  static_assert(kSlots * sizeof(void*) == sizeof(Table));
  void** mine = reinterpret_cast<void**>(own);
  void* const* theirs = reinterpret_cast<void* const*>(base);
  for (size_t i = 0; i < kSlots; ++i) {
    if (mine[i] == nullptr) mine[i] = theirs[i];
  }
}

}  // namespace

void InheritSlotTables(PyTypeObject* type, PyTypeObject* base) {
  InheritTable(type->tp_as_async, base->tp_as_async);
  InheritTable(type->tp_as_number, base->tp_as_number);
  InheritTable(type->tp_as_sequence, base->tp_as_sequence);
  InheritTable(type->tp_as_mapping, base->tp_as_mapping);
  InheritTable(type->tp_as_buffer, base->tp_as_buffer);
}

namespace {

bool IsHeapObject(const void* p) { return p != nullptr && FindObject(p) == p; }

}  // namespace

size_t VarSize(PyTypeObject* type, Py_ssize_t nitems) {
  if (nitems < 0 || (type->tp_itemsize != 0 &&
                     nitems > (PY_SSIZE_T_MAX - type->tp_basicsize) / type->tp_itemsize)) {
    PyErr_SetString(PyExc_OverflowError, "object size out of range");
    return 0;
  }
  const size_t bytes = type->tp_basicsize + static_cast<size_t>(nitems) * type->tp_itemsize;
  return (bytes + 7) & ~size_t{7};
}

namespace {

// AllocObject, of the Pinion type `heap_type` (ObjectType() if `watched`).
PyObject* AllocObjectAs(PyTypeObject* type, size_t size, bool gc, bool watched,
                        TypeId heap_type) {
  // Acquire: pairs with PyType_Ready's release of the flag, so the slots it filled are seen.
  if ((__atomic_load_n(&type->tp_flags, __ATOMIC_ACQUIRE) & Py_TPFLAGS_READY) == 0 &&
      PyType_Ready(type) < 0) {
    return nullptr;
  }
  size = std::max(size, sizeof(PyObject));
  void* memory = TryAllocate(heap_type, size);
  if (memory == nullptr) {
    // TryAllocate has reported a thread that may not allocate (kThreadNotAttached).
    if (!PyGILState_Check()) {
      PyErr_SetString(PyExc_SystemError, "allocation from a thread that is not attached");
      return nullptr;
    }
    return PyErr_NoMemory();
  }
  PyObject* op = static_cast<PyObject*>(memory);
  op->ob_refcnt = _PyPinion_HEAP_REFCNT | (gc ? _PyPinion_F_GC : 0);
  op->ob_type = type;
  // No safepoint from here to the pin: neither call allocates from the heap.
  if (watched) FinalizeWhenUnreachable(op);
  Pin(op);  // the new reference
  // An instance of a heap type owns a reference to its type, as in CPython (heap_type.cc).
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) Pin(type);
  return op;
}

}  // namespace

PyObject* AllocObject(PyTypeObject* type, size_t size, bool gc) {
  const bool watched = NeedsCallback(type, gc);
  return AllocObjectAs(type, size, gc, watched, watched ? ObjectType() : LeafType());
}

PyObject* AllocUnwatchedObject(PyTypeObject* type, size_t size, TypeId heap_type) {
  return AllocObjectAs(type, size, /*gc=*/false, /*watched=*/false, heap_type);
}

PyObject* AllocWatchedObject(PyTypeObject* type, size_t size, TypeId heap_type) {
  return AllocObjectAs(type, size, /*gc=*/false, /*watched=*/true, heap_type);
}

namespace {

// An object freed with weak references still linked (its deallocator, called by hand, did
// not call PyObject_ClearWeakRefs): cleared now, as PyObject_ClearWeakRefs would have.
void ClearWeakRefsAtFree(PyObject* op) {
  if (Py_TYPE(op)->tp_weaklistoffset > 0 && HasWeakRefs(op)) ClearWeakRefsNow(op);
}

}  // namespace

}  // namespace pinion::compat

using pinion::compat::AllocObject;
using pinion::compat::HasFlag;
using pinion::compat::VarSize;

extern "C" PyObject* PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t nitems) {
  const size_t size = VarSize(type, nitems);
  if (size == 0) return nullptr;
  const bool gc = (type->tp_flags & Py_TPFLAGS_HAVE_GC) != 0;
  PyObject* op = AllocObject(type, size, gc);
  if (op == nullptr) return nullptr;
  if (type->tp_itemsize != 0) Py_SET_SIZE(op, nitems);
  if (gc) PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyType_GenericNew(PyTypeObject* type, PyObject*, PyObject*) {
  return type->tp_alloc(type, 0);
}

// ---- Allocation -----------------------------------------------------------------------------

extern "C" PyObject* _PyObject_New(PyTypeObject* type) {
  return AllocObject(type, type->tp_basicsize, /*gc=*/false);
}

extern "C" PyVarObject* _PyObject_NewVar(PyTypeObject* type, Py_ssize_t nitems) {
  const size_t size = VarSize(type, nitems);
  if (size == 0) return nullptr;
  PyObject* op = AllocObject(type, size, /*gc=*/false);
  if (op != nullptr) Py_SET_SIZE(op, nitems);
  return reinterpret_cast<PyVarObject*>(op);
}

extern "C" PyObject* _PyObject_GC_New(PyTypeObject* type) {
  return AllocObject(type, type->tp_basicsize, /*gc=*/true);
}

extern "C" PyVarObject* _PyObject_GC_NewVar(PyTypeObject* type, Py_ssize_t nitems) {
  const size_t size = VarSize(type, nitems);
  if (size == 0) return nullptr;
  PyObject* op = AllocObject(type, size, /*gc=*/true);
  if (op != nullptr) Py_SET_SIZE(op, nitems);
  return reinterpret_cast<PyVarObject*>(op);
}

extern "C" PyObject* PyObject_Init(PyObject* op, PyTypeObject* type) {
  if (op != nullptr) op->ob_type = type;  // memory from PyObject_New: the header is set
  return op;
}

extern "C" PyVarObject* PyObject_InitVar(PyVarObject* op, PyTypeObject* type, Py_ssize_t size) {
  if (op != nullptr) {
    op->ob_base.ob_type = type;
    op->ob_size = size;
  }
  return op;
}

extern "C" void PyObject_Free(void* p) {
  if (p == nullptr) return;
  if (pinion::compat::IsHeapObject(p)) {
    pinion::compat::ClearWeakRefsAtFree(static_cast<PyObject*>(p));
    pinion::compat::MarkFreed(static_cast<PyObject*>(p), "PyObject_Free");
  } else {
    std::free(p);  // PyObject_Malloc memory
  }
}

extern "C" void PyObject_GC_Del(void* op) {
  if (op == nullptr) return;
  if (!pinion::compat::IsHeapObject(op)) {
    pinion::ReportMisuse(pinion::Misuse::kNotAHeapObject, "PyObject_GC_Del(%p): not an object",
                         op);
    return;
  }
  pinion::compat::ClearWeakRefsAtFree(static_cast<PyObject*>(op));
  pinion::compat::MarkFreed(static_cast<PyObject*>(op), "PyObject_GC_Del");
}

extern "C" void* PyObject_Malloc(size_t size) { return std::malloc(size ? size : 1); }
extern "C" void* PyObject_Calloc(size_t n, size_t size) {
  return std::calloc(n ? n : 1, size ? size : 1);
}
extern "C" void* PyObject_Realloc(void* p, size_t size) {
  if (pinion::compat::IsHeapObject(p)) {
    pinion::ReportMisuse(pinion::Misuse::kBadArgument,
                         "PyObject_Realloc(%p): objects cannot be resized in place", p);
    return nullptr;
  }
  return std::realloc(p, size ? size : 1);
}
extern "C" void* PyMem_Malloc(size_t size) { return std::malloc(size ? size : 1); }
extern "C" void* PyMem_Calloc(size_t n, size_t size) {
  return std::calloc(n ? n : 1, size ? size : 1);
}
extern "C" void* PyMem_Realloc(void* p, size_t size) { return std::realloc(p, size ? size : 1); }
extern "C" void PyMem_Free(void* p) { std::free(p); }

// ---- GC ---------------------------------------------------------------------------------------

extern "C" void PyObject_GC_Track(void* op) {
  PyObject* object = static_cast<PyObject*>(op);
  if (!HasFlag(object, _PyPinion_F_GC)) {
    pinion::ReportMisuse(pinion::Misuse::kBadArgument,
                         "PyObject_GC_Track(%p): a %s not allocated by PyObject_GC_New/NewVar",
                         op, Py_TYPE(object)->tp_name);
    return;
  }
  pinion::compat::SetFlag(object, _PyPinion_F_TRACKED);
}

extern "C" void PyObject_GC_UnTrack(void* op) {
  pinion::compat::ClearFlag(static_cast<PyObject*>(op), _PyPinion_F_TRACKED);
}

extern "C" int PyObject_GC_IsTracked(PyObject* op) {
  return !_PyPinion_IsImmortal(op) && HasFlag(op, _PyPinion_F_TRACKED);
}

extern "C" int PyObject_GC_IsFinalized(PyObject* op) {
  return !_PyPinion_IsImmortal(op) && Py_TYPE(op)->tp_finalize != nullptr &&
         HasFlag(op, _PyPinion_F_FINALIZED);
}

extern "C" int PyObject_IS_GC(PyObject* op) {
  return !_PyPinion_IsImmortal(op) && HasFlag(op, _PyPinion_F_GC);
}

extern "C" Py_ssize_t _PyPinion_RefCnt(PyObject* op) {
  if (_PyPinion_IsImmortal(op)) return _PyPinion_IMMORTAL_REFCNT;
  return _PyPinion_REFCNT_BIAS + pinion::PinCount(op);
}
