// Weak fields of heap objects: WeakMember<T> reads as null once a collection found its
// referent unreachable.
//
//   struct Entry { pinion::WeakMember<Node> key; pinion::Member<Node> value; };
//   void TraceEntry(void* o, pinion::Visitor& v) {
//     auto* e = static_cast<Entry*>(o);
//     v.VisitWeak(e->key);   // recorded, not followed: keeps nothing alive
//     v.Visit(e->value);
//   }
//   if (Node* key = entry->key.get()) { ... }  // null once the key died
//
// Semantics (the collector's side is gc/internal/weak_processor.h):
//  - A weak field reads null from the end of the pause of the first collection that finds
//    its referent unreachable — every weak reference to it (fields and WeakRoots) from that
//    same moment, before any queued finalizer or weak callback of that collection runs
//    (gc/finalization.h). The collector writes the nulls just after the pause, before it
//    sweeps; until it has, reads take a slow path that returns null for such a referent (a
//    read barrier). An object kept alive only for a finalizer counts as unreachable: its weak
//    references are cleared, and stay cleared if the finalizer resurrects it.
//  - Only fields a live object's trace reports with VisitWeak are cleared: a field the trace
//    does not report is neither weak nor strong, and may dangle.
//  - Concurrent mode: while a cycle marks, get() shades what it returns (as the write barrier
//    does, gc/member.h), so a reference a mutator read is never cleared by that cycle. A
//    weak field stored during marking needs no barrier: its new referent is something the
//    mutator holds, hence live at the end of the cycle.
//  - Generational heaps: a minor collection keeps the young referent of an old object's weak
//    field alive (it is remembered, as a strong store would be), so only a full collection
//    clears such a field; weak fields of young objects are cleared by minor ones too.
//  - Cost: a field that is never written costs nothing; each weak field of a live object
//    costs the append of its slot while marking (no call, no branch on the field) and a
//    mark-bit test after the pause, off it. A read or a store costs one load of a global and
//    a branch, and the slow path during concurrent marking (reads) or clearing.
//
// Memory orders, as Member: stores release, loads acquire; the collector clears with a
// compare-and-swap from the dead referent (a mutator's store in between wins).
// Threads: attached mutators (get() and stores); the collector (weak_processor.h).
#ifndef PINION_GC_WEAK_MEMBER_H_
#define PINION_GC_WEAK_MEMBER_H_

#include <atomic>

#include "gc/member.h"

namespace pinion {

class Visitor;

// Called on a mutator after the collection that cleared a weak field, with the object that
// holds it (kept alive until then). See Visitor::VisitWeak.
using WeakCallback = void (*)(void* holder);

namespace internal {
// Heaps in a phase where weak reads take the slow path: marking concurrently (a read shades
// its result) or clearing weak references after a pause (a read of an object the cycle found
// unreachable returns null: gc/internal/weak_processor.h). Changed only in pauses, except the
// end of a clearing phase: a release decrement after every cleared field was written.
extern std::atomic<uint32_t> g_weak_read_barrier;
[[gnu::cold, gnu::noinline]] void* WeakReadSlow(void* const* slot);
// Heaps clearing weak references after a pause: a weak store then notes whether it replaces
// a dead referent, whose callback the clearing still owes (weak_processor.h). Incremented in
// the pause, decremented with release when the clearing is done.
extern std::atomic<uint32_t> g_heaps_clearing_weak;
[[gnu::cold, gnu::noinline]] void WeakStoreSlow(void** slot, void* value);
}  // namespace internal

// Reads a weak raw-pointer field (one a trace reports with Visitor::VisitWeakField: for
// fields that cannot be WeakMember, e.g. in C structs): acquire; the slow path while a heap
// marks concurrently or clears weak references.
template <class T>
T* WeakLoad(T* const* slot) {
  // The phase first, then the field (both acquire): a thread that sees a clearing phase over
  // sees the nulls it wrote. No safepoint lies between the two loads, so no pause either.
  if (internal::g_weak_read_barrier.load(std::memory_order_acquire) != 0) [[unlikely]] {
    return static_cast<T*>(internal::WeakReadSlow(reinterpret_cast<void* const*>(slot)));
  }
  return std::atomic_ref<T*>(*const_cast<T**>(slot)).load(std::memory_order_acquire);
}
// Writes a weak raw-pointer field: release; the slow path between a pause and the clearing
// of its weak references (none while a cycle marks: the new referent is live).
template <class T>
void WeakStore(T** slot, T* value) {
  // Generational heaps: a young referent stored into an old object is remembered as a strong
  // one would be (remembered_set.h: the minor collection keeps it, and the full collection
  // that finds it unreachable clears the field).
  internal::GenerationalBarrier(slot, value);
  // Acquire: the phase begins in a pause, which this running thread is ordered after, and
  // ends with a release decrement after the collector's last compare-and-swap, so a store
  // that sees it over follows those in the field's order (a stale "on" only takes the slow
  // path, which tests the heap's own phase).
  if (internal::g_heaps_clearing_weak.load(std::memory_order_acquire) != 0) [[unlikely]] {
    internal::WeakStoreSlow(reinterpret_cast<void**>(slot), const_cast<void*>(
                                                              static_cast<const void*>(value)));
    return;
  }
  std::atomic_ref<T*>(*slot).store(value, std::memory_order_release);
}

template <class T>
class WeakMember {
 public:
  constexpr WeakMember() = default;
  WeakMember(T* value) : ptr_(value) {}  // NOLINT: implicit, like a raw pointer field
  WeakMember(const WeakMember& other) : ptr_(other.get()) {}

  WeakMember& operator=(T* value) {
    WeakStore(&ptr_, value);
    return *this;
  }
  WeakMember& operator=(const WeakMember& other) { return *this = other.get(); }

  // The referent, or nullptr once it was found unreachable. A shading read while a
  // concurrent cycle marks (one relaxed load of a global and a branch otherwise).
  T* get() const { return WeakLoad(&ptr_); }
  explicit operator bool() const { return get() != nullptr; }

 private:
  friend class Visitor;
  T* ptr_ = nullptr;  // accessed through std::atomic_ref only
};

}  // namespace pinion

#endif  // PINION_GC_WEAK_MEMBER_H_
