// Weak references from outside the heap: a WeakRoot reads as null once a collection found
// its referent unreachable, and may call back on a mutator after that collection.
//
//   pinion::WeakRoot<Node> cached(heap, node);                      // keeps nothing alive
//   pinion::WeakRoot<Node> watched(heap, node, &OnNodeGone, &state); // OnNodeGone(&state)
//   if (Node* n = cached.get()) { ... }                             // nullptr once node died
//
// Clearing follows gc/weak_member.h: every weak reference to an unreachable object (weak
// fields and roots alike) reads null from the end of the same pause, before any finalizer or
// weak callback of that collection runs; an object kept only for its finalizer counts as
// unreachable. Callbacks run with the queued finalizers (gc/finalization.h: RunFinalizers,
// or the allocation slow path), before them, once per clearing; one whose WeakRoot is
// destroyed or set to another object after that pause still runs.
//
// Cost: a table entry per WeakRoot (three words, no allocation in the heap), and one
// mark-bit test per entry after each collection's last pause, off the pause.
//
// A WeakRoot must be destroyed before its heap (as a GlobalRoot before its RootSet).
//
// Threads: construct, destroy and set from any thread (the table has a leaf lock); get()
// from a thread attached to the heap (while a cycle marks concurrently or clears weak
// references it takes the read barrier's slow path: kThreadNotAttached elsewhere). A
// WeakRoot is not shared between threads without a lock.
#ifndef PINION_GC_WEAK_ROOT_H_
#define PINION_GC_WEAK_ROOT_H_

#include "gc/heap.h"
#include "gc/weak_member.h"

namespace pinion {

namespace internal {
struct WeakRootEntry;
}  // namespace internal

class WeakRootBase {
 public:
  // `object`: nullptr or a live object of `heap` (kNotAHeapObject otherwise: the root is
  // left empty). `on_cleared(data)` runs after the collection that clears the root.
  WeakRootBase(Heap& heap, const void* object, void (*on_cleared)(void* data), void* data);
  ~WeakRootBase();
  WeakRootBase(const WeakRootBase&) = delete;
  WeakRootBase& operator=(const WeakRootBase&) = delete;

  void* get() const { return WeakLoad(slot_); }
  // Points the root at `object` (same rules as the constructor); the callback stays.
  void set(const void* object);

 private:
  internal::HeapImpl& heap_;
  internal::WeakRootEntry* const entry_;
  void** const slot_;  // the entry's referent field
};

template <class T>
class WeakRoot : public WeakRootBase {
 public:
  explicit WeakRoot(Heap& heap, T* object = nullptr, void (*on_cleared)(void* data) = nullptr,
                    void* data = nullptr)
      : WeakRootBase(heap, object, on_cleared, data) {}
  T* get() const { return static_cast<T*>(WeakRootBase::get()); }
  void set(T* object) { WeakRootBase::set(object); }
};

}  // namespace pinion

#endif  // PINION_GC_WEAK_ROOT_H_
