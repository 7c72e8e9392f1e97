// Weak references, the collector's side: the table of WeakRoots, and the clearing of weak
// references to unreachable objects in a cycle's pause (gc/weak_member.h, gc/weak_root.h).
//
// Where clearing happens in a cycle (collector.h, both forms), with the world stopped:
//   1. marking from the roots is done: every weak root and every weak field the marker
//      recorded (Marker::ProcessWeakSlots: fields of objects it traced) whose referent is
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
// Concurrent cycles first filter outside the pause (Prefilter, after concurrent marking,
// mutators running): a reference whose referent is already marked can be dropped from
// step 1, since marks only grow within a cycle and whatever a mutator stores into a weak
// reference later is live (above). Step 1 of the remark pause then tests only the
// references left (to objects still unmarked then: mostly the dead ones) and the fields
// recorded after the filter.
//
// Cost: step 1 is O(weak roots + weak fields of marked objects), one mark-bit test each,
// with prefetching — in a concurrent cycle's pause, O(references to objects unmarked at
// the filter + fields recorded since); step 2 is O(what only the finalization reach
// marked). Objects never weakly referenced cost nothing.
//
// Threads: NewRoot/FreeRoot from any thread (mu_, a leaf lock); Prefilter by the collecting
// thread while mutators run; ClearUnmarked/ClearLate by the collecting thread with the world
// stopped (mu_ taken: a thread outside the heap may be creating a root meanwhile).
#ifndef PINION_GC_INTERNAL_WEAK_PROCESSOR_H_
#define PINION_GC_INTERNAL_WEAK_PROCESSOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "gc/internal/finalization_queue.h"
#include "gc/internal/marker.h"

namespace pinion::internal {

// A WeakRoot's entry: its referent, accessed through std::atomic_ref (WeakLoad/WeakStore by
// mutators, the collector in the pause or Prefilter). Its callback and data sit in parallel
// arrays of its chunk (RootChunk), written under WeakProcessor::mu_ only, so that the pause's
// scan reads 8 bytes an entry.
struct WeakRootEntry {
  void* referent = nullptr;
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

  // Concurrent cycles, after concurrent marking: keeps, of the fields `marker` recorded and
  // of the weak roots, those whose referent is unmarked now, for ClearUnmarked.
  void Prefilter(Marker& marker);
  // Step 1 above, on the fields `marker` recorded (in parallel on its threads) and
  // Prefilter's survivors. Returns the number of references cleared.
  size_t ClearUnmarked(Marker& marker);
  // Step 2 above: the fields `marker` recorded while the finalization reach was marked;
  // `late_marked` is what only that marking marked.
  size_t ClearLate(Marker& marker, std::vector<const void*> late_marked);

 private:
  static constexpr size_t kChunk = 4096;
  // Entries with their callbacks; aligned to its size (rounded up to a power of two), so an
  // entry's chunk is its address masked.
  static constexpr size_t kChunkAlign = size_t{1} << 17;
  struct alignas(kChunkAlign) RootChunk {
    WeakRootEntry entries[kChunk];
    void (*callbacks[kChunk])(void*);
    void* data[kChunk];
  };
  static_assert(sizeof(RootChunk) == kChunkAlign);
  static RootChunk& ChunkOf(WeakRootEntry* entry) {
    return *reinterpret_cast<RootChunk*>(reinterpret_cast<uintptr_t>(entry) & ~(kChunkAlign - 1));
  }
  // Clears `slot` if it still holds `referent`; true if it did.
  static bool Clear(void** slot, void* referent);
  // Clears each field of `fields` whose referent `dead(referent)` says is dead (the recorded
  // referent, or the field's value now if `reread`); queues the callbacks. Thread-safe.
  template <class Dead>
  size_t ClearFields(const WeakFields& fields, bool reread, Dead&& dead);
  template <class Field, class Dead>
  size_t ClearFields(const std::vector<Field>& fields, bool reread, Dead&& dead);
  // f(entry, referent) for every entry with a referent in chunks index, index + count, ...,
  // prefetching ahead. mu_ held (by the caller of the parallel job).
  template <class F>
  void ForEachEntryLocked(int index, int count, F&& f);
  // Clears `entry` if `referent` is unmarked, adding its callback to `calls`.
  static void ClearRoot(WeakRootEntry* entry, void* referent,
                        std::vector<FinalizationQueue::WeakCall>& calls, size_t& cleared);
  // Appends `calls` to calls_ (any thread); QueueCalls hands calls_ to the finalization
  // queue (the collecting thread, after the parallel work).
  void AddCalls(const std::vector<FinalizationQueue::WeakCall>& calls);
  void QueueCalls();

  FinalizationQueue& finalization_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RootChunk>> chunks_;  // guarded by mu_
  size_t used_ = 0;                    // guarded by mu_: entries handed out in the last chunk
  std::vector<WeakRootEntry*> free_;   // guarded by mu_
  size_t live_roots_ = 0;              // guarded by mu_: entries handed out, not freed
  // Prefilter's survivors, for the next ClearUnmarked (collecting thread only; the slots
  // under candidates_mu_ while Prefilter's threads fill them).
  bool filtered_ = false;
  std::mutex candidates_mu_;  // leaf lock
  WeakFields slot_candidates_;
  std::vector<WeakRootEntry*> root_candidates_;
  std::mutex calls_mu_;  // leaf lock
  std::vector<FinalizationQueue::WeakCall> calls_;  // guarded by calls_mu_: to queue
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_WEAK_PROCESSOR_H_
