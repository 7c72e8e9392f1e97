// Weak references, the collector's side: the table of WeakRoots, and the clearing of weak
// references to unreachable objects in a cycle's pause (gc/weak_member.h, gc/weak_root.h).
//
// Where clearing happens in a cycle (collector.h, both forms), with the world stopped:
//   1. marking from the roots is done: every weak root and every weak field the marker
//      recorded (Marker::TakeWeakSlots: fields of objects it traced) whose referent is
//      unmarked is set to null — ClearUnmarked;
//   2. the finalization queue keeps its unreachable objects and marks all they reach, with
//      the marker logging what it newly marks (Marker::LogMarks): those objects were
//      unreachable too, so the weak fields recorded during that marking are set to null if
//      their referent is unmarked or in the log — ClearLate. Weak roots need no second look:
//      a referent unmarked in step 1 was cleared there.
// So every weak reference to an object unreachable at step 1 reads null from the end of
// that pause, before any callback of the cycle runs (the cleared references' callbacks are
// queued in step 1 and 2, ahead of the finalizers queued between them: finalization_queue.h).
// A resurrected object's old weak references stay null.
//
// Why a cleared reference never hides a live object: a weak field recorded by the marker
// holds, at the pause, either what it held when traced or a later store; in concurrent
// mode a later store's value is something a mutator held, so reachable at the snapshot
// (marked by the end, SATB) or allocated black; and a weak read during marking shades its
// result (WeakLoad), so the remark pause marks it before step 1. A field recorded twice
// (two markers raced on its object) is cleared once: its callback is queued only when the
// clearing found a non-null referent.
//
// Cost: step 1 is O(weak roots + weak fields of marked objects), one mark-bit test each,
// with prefetching; step 2 is O(what only the finalization reach marked). Objects never
// weakly referenced cost nothing.
//
// Threads: NewRoot/FreeRoot from any thread (mu_, a leaf lock); ClearUnmarked/ClearLate by
// the collecting thread with the world stopped (mu_ taken: a thread outside the heap may be
// creating a root meanwhile).
#ifndef PINION_GC_INTERNAL_WEAK_PROCESSOR_H_
#define PINION_GC_INTERNAL_WEAK_PROCESSOR_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "gc/internal/marker.h"

namespace pinion::internal {

class FinalizationQueue;

// A WeakRoot's entry. referent: accessed through std::atomic_ref (WeakLoad/WeakStore by
// mutators, plain in the pause); callback/data written under mu_ only.
struct WeakRootEntry {
  void* referent = nullptr;
  void (*callback)(void* data) = nullptr;
  void* data = nullptr;
  bool in_use = false;  // guarded by WeakProcessor::mu_
};

class WeakProcessor {
 public:
  explicit WeakProcessor(FinalizationQueue& finalization) : finalization_(finalization) {}
  WeakProcessor(const WeakProcessor&) = delete;
  WeakProcessor& operator=(const WeakProcessor&) = delete;

  // A new entry (never freed before the heap: entries are reused, so a stale pointer to one
  // reads some root's referent, never freed memory).
  WeakRootEntry* NewRoot(void* referent, void (*callback)(void*), void* data);
  void FreeRoot(WeakRootEntry* entry);

  // Step 1 above. Returns the number of references cleared.
  size_t ClearUnmarked(std::vector<WeakSlot> slots);
  // Step 2 above: `late` were recorded while the finalization reach was marked, `late_marked`
  // is what only that marking marked.
  size_t ClearLate(std::vector<WeakSlot> late, std::vector<const void*> late_marked);

  size_t roots();  // entries in use (diagnostics)

 private:
  static constexpr size_t kChunk = 4096;
  // Clears `slot` if it still holds `referent`; true if it did.
  static bool Clear(void** slot, void* referent);

  FinalizationQueue& finalization_;
  std::mutex mu_;
  std::vector<std::unique_ptr<WeakRootEntry[]>> chunks_;  // guarded by mu_
  size_t used_ = 0;                    // guarded by mu_: entries handed out in the last chunk
  std::vector<WeakRootEntry*> free_;   // guarded by mu_
  size_t in_use_ = 0;                  // guarded by mu_
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_WEAK_PROCESSOR_H_
