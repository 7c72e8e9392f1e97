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
//  - A weak field is cleared in the pause of the first collection that finds its referent
//    unreachable — every weak reference to it (fields and WeakRoots) in that same pause, and
//    before any queued finalizer or weak callback of that collection runs
//    (gc/finalization.h). An object kept alive only for a finalizer counts as unreachable:
//    its weak references are cleared, and stay cleared if the finalizer resurrects it.
//  - Only fields a live object's trace reports with VisitWeak are cleared: a field the trace
//    does not report is neither weak nor strong, and may dangle.
//  - Concurrent mode: while a cycle marks, get() shades what it returns (as the write barrier
//    does, gc/member.h), so a reference a mutator read is never cleared by that cycle. A
//    weak field stored during marking needs no barrier: its new referent is something the
//    mutator holds, hence live at the end of the cycle.
//  - Cost: a field that is never written costs nothing; each weak field of a live object
//    costs its recording while marking and one mark-bit test in the pause.
//
// Memory orders, as Member: stores release, loads acquire; the collector clears in a pause.
// Threads: attached mutators (get() and stores); the collector with the world stopped.
#ifndef PINION_GC_WEAK_MEMBER_H_
#define PINION_GC_WEAK_MEMBER_H_

#include <atomic>

#include "gc/member.h"

namespace pinion {

class Visitor;

// Called on a mutator after the collection that cleared a weak field, with the object that
// holds it (kept alive until then). See Visitor::VisitWeak.
using WeakCallback = void (*)(void* holder);

// Reads a weak raw-pointer field (one a trace reports with Visitor::VisitWeakField: for
// fields that cannot be WeakMember, e.g. in C structs): acquire, shading while a concurrent
// cycle marks.
template <class T>
T* WeakLoad(T* const* slot) {
  T* value = std::atomic_ref<T*>(*const_cast<T**>(slot)).load(std::memory_order_acquire);
  if (internal::g_heaps_marking.load(std::memory_order_relaxed) != 0 && value != nullptr)
      [[unlikely]] {
    internal::WriteBarrierSlow(value);  // shades `value`
  }
  return value;
}
// Writes a weak raw-pointer field: release, no barrier.
template <class T>
void WeakStore(T** slot, T* value) {
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
