// Queued finalization: finalizers that may run user code, on a mutator thread.
//
// TypeInfo::finalize runs while a page is swept and may not touch other heap objects. A
// runtime whose finalizers run user code (CPython's tp_finalize and tp_dealloc, Java's
// finalize) needs the object and everything it references intact, and a thread that may
// allocate and pin. That is this queue:
//
//   pinion::FinalizeWhenUnreachable(obj);  // its type has an on_unreachable callback
//   ...                                    // a collection finds obj unreachable: obj and all
//                                          // it reaches are kept, and obj is queued
//   pinion::RunFinalizers();               // on_unreachable(obj) runs here, once
//
// After its callback an object is forgotten: a later collection frees it if it is still
// unreachable, or it lives on if the callback made it reachable again (resurrection) —
// register it again to be called again. Queued and running objects are roots, so whatever
// a callback reads is intact, even the objects of other callbacks of the same batch.
//
// Callbacks run in RunFinalizers(), which a mutator also calls by itself on its allocation
// slow path (a safepoint: no object is in flight there) after a collection queued some. One
// thread runs a batch at a time; a call from inside a callback, or while another thread runs
// a batch, returns 0 at once. A callback that throws: the exception propagates out of
// RunFinalizers (or out of the allocation that ran the batch: Allocate and TryAllocate
// alike); its object counts as called, and the rest of the batch stays queued, as roots,
// for the next RunFinalizers.
//
// Edges that hold pins (TypeInfo::edges_hold_pins): for registered objects of such types,
// each stop-the-world collection first subtracts one pin from every object the registered
// object's trace visits — CPython's cycle-detection trick — so an object is a root only for
// pins held from outside the heap, and cycles whose members pin one another are collected.
// A visit of an object whose pins are already used up (the trace names a reference the
// object does not own) is reported as kUnownedReference, and that object is kept as a root
// for the cycle: a wrong trace never frees a live object. Concurrent cycles subtract
// nothing (plain C stores have no write barrier, and a pin that moves from one field to
// another without a pin event would be lost): there, every pin is a root, such objects are
// not traced at all (their fields need no barrier), and cycles among them wait for a
// stop-the-world collection (Heap::Collect(Heap::Kind::kStopTheWorld), or the heap limit).
//
// Cost: registration appends to a per-thread buffer (no lock); each collection walks the
// registered objects in its pause (in the remark pause, in concurrent mode) — O(registered
// objects), like CPython's own collector, and not bounded the way other pause work is.
//
// Threads: FinalizeWhenUnreachable and RunFinalizers from an attached, running thread.
#ifndef PINION_GC_FINALIZATION_H_
#define PINION_GC_FINALIZATION_H_

#include <cstddef>

namespace pinion {

// Registers `object` (a live object of the calling thread's heap whose type has an
// on_unreachable callback; kBadArgument otherwise). At most once until its callback ran: a
// second registration before then is reported (kBadArgument) and ignored, so the callback
// runs once.
void FinalizeWhenUnreachable(const void* object);

// Runs the callbacks of every object queued so far, and of the weak references cleared so
// far (gc/weak_member.h, gc/weak_root.h: those of a collection before its finalizers);
// returns how many ran.
size_t RunFinalizers();

// Registered objects not yet found unreachable, and queued ones not yet run (diagnostics).
struct FinalizationCounts {
  size_t registered = 0;
  size_t queued = 0;
};
FinalizationCounts PendingFinalization();

}  // namespace pinion

#endif  // PINION_GC_FINALIZATION_H_
