// The remembered set of a generational heap (HeapConfig::generational): the slots of old
// objects that a store since the last collection pointed at a young object.
//
// Ages, with no copying (sticky mark bits, as cppgc's young generation). On a generational
// heap the sweep keeps the mark bits (sweeper.h): an object whose bit is set survived a
// collection and is OLD; one without was allocated since the last collection and is YOUNG.
//   - A minor collection marks from the roots, from what every remembered slot holds, and
//     from the fields of every old object of an unprotected type (TypeInfo::unprotected:
//     its stores have no barrier, so it is remembered always). Old objects are marked
//     already, so the trace never enters them: it marks and traces only young objects. The
//     sweep frees the young objects left unmarked and keeps the marks of the others: the
//     survivors are promoted in place.
//   - A full collection clears every mark first (Space::ClearAllMarks) and traces the heap.
// Either way every survivor is old afterwards, so each collection forgets all the slots.
//
// Recording. The barrier (gc/member.h) filters null values and stores into the thread's
// latest allocation inline (that object is young: the allocator forgets it in each pause);
// Record keeps a slot when its host is an old object of this heap and the value a young one,
// in the thread's own buffer (no lock, no atomics).
//
// Weak fields: WeakStore runs the same barrier, so an old object's weak field that a store
// pointed at a young object is remembered like a strong one; the minor collection keeps the
// referent (the field never dangles), and the full collection that finds it unreachable
// clears the field. Weak fields of young objects, traced, are processed as in any cycle.
//
// Why a minor collection frees nothing live (docs/architecture.md, invariant 1): take a young
// object Y reachable at the pause. If a root reaches it, it is marked. Otherwise some old
// object O holds the last link of a path to it from an old object or a root, and O's field
// was written after Y was allocated, so after the last collection, when O was old already
// (it survived that collection) and Y young: the barrier recorded the slot, or O's type is
// unprotected and O is rescanned, or O's type is edges_hold_pins and Y, pinned by O, is a
// root. Pins and queued finalization: as in a full cycle, except that no pins are subtracted
// (gc/finalization.h), so edges_hold_pins objects need no tracing at all (Marker::PinEdges).
//
// Threads: Record from the owning mutator (the barrier's slow path); Flush at its detach;
// AddTo and Clear by the collector with the world stopped. mu_ (a leaf lock) guards
// detached_.
#ifndef PINION_GC_INTERNAL_REMEMBERED_SET_H_
#define PINION_GC_INTERNAL_REMEMBERED_SET_H_

#include <cstddef>
#include <mutex>
#include <vector>

#include "gc/internal/marker.h"
#include "gc/internal/space.h"
#include "gc/internal/thread_state.h"

namespace pinion::internal {

class RememberedSet {
 public:
  RememberedSet(Space& space, bool generational)
      : space_(space), generational_(generational) {}

  bool generational() const { return generational_; }

  // The barrier's slow path: remembers `slot` if it lies in an old object of this heap and
  // `value` is a young object of it.
  void Record(ThreadState& thread, const void* slot, const void* value);
  // A detaching thread hands over its slots.
  void Flush(ThreadState& thread);
  // World stopped, a minor collection: greys what every remembered slot holds, queues every
  // old unprotected object for scanning, and forgets the slots.
  void AddTo(Marker& marker, ThreadRegistry& threads);
  // World stopped, a full collection: forgets every slot.
  void Clear(ThreadRegistry& threads);
  // The slots remembered now, duplicates included (tests: other attached threads must not
  // be storing meanwhile).
  size_t size(ThreadRegistry& threads);

 private:
  Space& space_;
  const bool generational_;
  std::mutex mu_;
  std::vector<const void*> detached_;  // guarded by mu_
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_REMEMBERED_SET_H_
