// Weak references, the collector's side: the table of WeakRoots, and the clearing of weak
// references to unreachable objects (gc/weak_member.h, gc/weak_root.h).
//
// Where clearing happens in a cycle (collector.h, both forms):
//   In the cycle's last pause, once marking from the roots is done, the finalization queue
//   keeps its unreachable objects and marks all they reach, with the marker logging what it
//   newly marks (Marker::LogMarks): those objects were unreachable too. A referent is *dead*
//   if it was there at the pause (not BornSince the new sweep epoch) and is unmarked or in
//   that log. BeginClearing then starts a clearing phase — O(1) in the pause, and only if
//   the marker recorded weak fields or weak roots exist: the log is kept, sorted, and the
//   weak read barrier turned on (g_weak_read_barrier, weak_member.h).
//   After the pause, before the sweep (which would free the dead referents and clear the
//   mark bits), FinishClearing — the collecting thread, with the marker threads — sets every
//   weak root and every weak field the marker recorded (Marker::ProcessWeakSlots: the slots
//   of non-null fields of objects it traced, the finalization reach's included) to null if
//   its referent is dead; refuses referents that are not objects of this heap (reported as
//   the marker's refused visits); queues the callbacks of the references it cleared; and
//   ends the phase.
//   During the phase a weak read of a dead referent returns null (Read, the barrier's slow
//   path). So every weak reference to an object unreachable at the pause reads null from
//   the end of that pause — the same moment for all of them — and a resurrected object's old
//   weak references stay null. The cycle's queued finalizers are held until the phase ends
//   (FinalizationQueue::Hold), so every callback of the cycle runs after its clearing, the
//   cleared references' callbacks first (finalization_queue.h: CPython's order).
//
// Why a cleared reference never hides a live object: a field's value at FinishClearing is
// tested, and cleared by compare-and-swap, so a mutator's store in between wins. A dead
// value has been in the field since it was traced: no mutator can obtain a dead object (the
// read barrier hides it) so none stores one, and in concurrent mode what a mutator stored
// during marking it held, so it was reachable at the snapshot (marked by the end) or
// allocated black; a weak read during marking shades its result, so the remark pause marks
// it. A field recorded twice (two markers raced on its object) is cleared once: its
// callback is queued only by the compare-and-swap that nulled it. A field a mutator
// overwrote during the phase while it held a dead referent was cleared as far as every
// reader could tell: Store notes it (settled_), and its callback is owed all the same.
//
// Why the barrier's verdict holds: during the phase the mark bits and the sweep epoch are
// those of the pause (no marking, no sweep), and objects allocated since are BornSince.
// The phase ends with the Dekker handshake on ThreadState::weak_reading (seq_cst store of
// the flag, then load of clearing_, against seq_cst store of clearing_, then load of every
// flag): a reader either saw the phase over — and then re-reads the field, which holds its
// final value — or the collector waits for it to leave Read before it sweeps. Then
// g_weak_read_barrier is decremented with release, after every null was written: a reader
// whose fast path loads it (acquire) at zero sees those nulls in the field it loads next.
//
// Cost: in a pause, a branchless append of each weak field's slot while marking (Visitor's
// inline path), O(1) to start the phase, and sorting the finalization reach's log (O(what
// only it marked)). After it, off the pause: O(weak roots + weak fields of marked objects),
// a field read and a mark-bit test each, in parallel, with prefetching. Objects never weakly
// referenced cost nothing; a heap with no weak reference has no phase. While the phase runs
// (between the pause and the sweep), weak reads and stores take the slow path.
//
// Threads: NewRoot/FreeRoot from any thread (mu_, a leaf lock); BeginClearing by the
// collecting thread with the world stopped; FinishClearing by the collecting thread with the
// world running (mu_ taken chunk by chunk); Read by attached mutators, from WeakReadSlow.
#ifndef PINION_GC_INTERNAL_WEAK_PROCESSOR_H_
#define PINION_GC_INTERNAL_WEAK_PROCESSOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "gc/internal/finalization_queue.h"
#include "gc/internal/marker.h"

namespace pinion::internal {

class Space;
class ThreadState;

// A WeakRoot's entry: its referent, accessed through std::atomic_ref (WeakLoad/WeakStore by
// mutators, FinishClearing). Its callback and data sit in parallel arrays of its chunk
// (RootChunk), written under WeakProcessor::mu_ only, so that the scan reads 8 bytes an entry.
struct WeakRootEntry {
  void* referent = nullptr;
};

class WeakProcessor {
 public:
  WeakProcessor(const Space& space, FinalizationQueue& finalization)
      : space_(space), finalization_(finalization) {}
  WeakProcessor(const WeakProcessor&) = delete;
  WeakProcessor& operator=(const WeakProcessor&) = delete;

  // A new entry (never freed before the heap: entries are reused, so a stale pointer to one
  // reads some root's referent, never freed memory).
  WeakRootEntry* NewRoot(void* referent, void (*callback)(void*), void* data);
  // A root set or freed while a clearing phase holds its dead referent is cleared first, its
  // callback queued (any thread; under mu_).
  void SetRoot(WeakRootEntry* entry, void* referent);
  void FreeRoot(WeakRootEntry* entry);

  // The cycle's last pause, after the finalization reach was marked and the sweep epoch
  // `epoch` began: starts a clearing phase if there is anything to clear. `late_marked` is
  // what only the finalization reach marked. Returns true if a phase started.
  bool BeginClearing(Marker& marker, std::vector<const void*> late_marked, uint64_t epoch);
  // After that pause, before the sweep: clears, queues the callbacks, ends the phase.
  // Returns the number of references cleared.
  size_t FinishClearing(Marker& marker, ThreadRegistry& threads);
  // The collecting thread: between BeginClearing and FinishClearing.
  bool clearing() const { return clearing_.load(std::memory_order_relaxed); }

  // The read barrier's slow path (WeakReadSlow), on `thread`: `value` was just read (acquire)
  // from `slot`, non-null. Returns null if a clearing phase is on and `value` is dead, the
  // field's value now if a phase just ended, else `value`.
  void* Read(ThreadState& thread, void* const* slot, void* value);
  // The weak store's slow path (WeakStoreSlow), on `thread`: stores `value`, noting first
  // whether the field held a referent the clearing phase found dead (its callback is owed).
  void Store(ThreadState& thread, void** slot, void* value);

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
  // Whether `referent` (an object of this heap) was unreachable at the phase's pause.
  bool Dead(const void* referent) const;
  // Whether `referent`, a weak field's value, is an object of this heap; refuses it in
  // `marker` (reported after the cycle) if not.
  bool Ours(Marker& marker, const void* referent) const;
  // Clears each field of `fields` whose referent is dead; gathers the callbacks owed.
  // Thread-safe.
  size_t ClearFields(Marker& marker, const WeakFields& fields,
                     std::vector<FinalizationQueue::WeakCall>& calls);
  // Clears the dead referents of the entries of chunks index, index + count, ..., each
  // chunk under mu_; gathers the callbacks. Thread-safe.
  size_t ClearRoots(int index, int count, std::vector<FinalizationQueue::WeakCall>& calls);
  // Clears `entry` if a clearing phase is on and its referent is dead, adding its callback
  // to `calls`; true if it did. mu_ held.
  bool ClearRootLocked(WeakRootEntry* entry, std::vector<FinalizationQueue::WeakCall>& calls);
  // Whether a mutator overwrote `slot` while it held a dead referent; forgets it.
  bool Settled(void** slot);
  // Appends `calls` to calls_ (any thread); QueueCalls hands calls_ to the finalization
  // queue (the collecting thread, after the parallel work).
  void AddCalls(const std::vector<FinalizationQueue::WeakCall>& calls);
  void QueueCalls();

  const Space& space_;
  FinalizationQueue& finalization_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RootChunk>> chunks_;  // guarded by mu_
  size_t used_ = 0;                    // guarded by mu_: entries handed out in the last chunk
  std::vector<WeakRootEntry*> free_;   // guarded by mu_
  size_t live_roots_ = 0;              // guarded by mu_: entries handed out, not freed
  // The clearing phase. Set in the pause; cleared (seq_cst, see above) by FinishClearing,
  // which then empties late_. epoch_ and late_ are written only with clearing_ off and no
  // reader inside Read, so readers of clearing_ == true read them without a lock.
  std::atomic<bool> clearing_{false};
  uint64_t epoch_ = 0;
  std::vector<const void*> late_;  // sorted
  // Fields a mutator overwrote during the phase while they held a dead referent (Store): a
  // recorded field found there, its compare-and-swap failed, is owed its callback, once.
  std::mutex settled_mu_;  // leaf lock
  std::unordered_set<void**> settled_;  // guarded by settled_mu_
  std::atomic<size_t> settled_count_{0};  // settled_.size(), read without the lock
  std::mutex calls_mu_;  // leaf lock
  std::vector<FinalizationQueue::WeakCall> calls_;  // guarded by calls_mu_: to queue
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_WEAK_PROCESSOR_H_
