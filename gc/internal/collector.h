// The collector: when a cycle runs, and what a cycle does.
//
// A cycle, stop-the-world form (issue 3 makes marking and sweeping concurrent):
//
//  0. Trigger. Allocation hands out whole pages; the bytes handed out since the last cycle
//     are counted, and when they reach the budget  max(min_heap, live * (growth - 1))  the
//     allocating thread collects. Hitting the heap limit also collects, once, before the
//     out-of-memory path (callback, then nullptr / std::bad_alloc).
//  1. Enter. The collecting thread enters a native region (so others never wait for it) and
//     takes cycle_mu_ (so one cycle runs at a time; a second trigger waits in its native
//     region and then finds the budget satisfied). It finishes any sweeping the previous
//     cycle left, so every mark bit is clear.
//  2. STOP THE WORLD (pause begins). The thread registry handshake: every attached thread is
//     parked at a safepoint or in a native region. No barrier is needed: nothing mutates.
//  3. Retire every thread's allocation pages (their free lists are dropped; sweeping
//     rebuilds them), so no thread allocates from a page while it is being swept.
//  4. Mark, in parallel (marker.h), from the root set: global roots, every thread's handles,
//     pinned objects (DESIGN invariant 2). Marked bytes become the new live size.
//  5. Prepare the sweep: every in-use page becomes kUnswept; unmarked large objects are
//     unlinked. The new budget is set.
//  6. RESUME THE WORLD (pause ends). Its length is recorded.
//  7. Sweep, concurrently with the resumed mutators: the collecting thread sweeps pages
//     while allocating threads pop and sweep pages of the classes they need (a page is
//     popped under its class lock, so exactly one thread sweeps it). Finalizers run there.
//     Dead large objects are finalized and unmapped; surplus free pages are decommitted
//     (after an automatic cycle, only those that stayed free a whole cycle: space.h).
//
// Invariant 1 (never free a live object): with the world stopped from step 2 to 6, every
// object reachable at step 4 is marked; objects allocated after step 6 live in pages that
// were swept before being handed out, and sweeping frees only unmarked cells of the page it
// owns. Invariant: at step 2 no page is kUnswept (step 1), hence all mark bits are clear.
//
// Threads: Refill/AllocateLarge from the allocating (attached, running) thread; Collect from
// any thread; stats from any thread.
#ifndef PINION_GC_INTERNAL_COLLECTOR_H_
#define PINION_GC_INTERNAL_COLLECTOR_H_

#include <atomic>
#include <cstdint>
#include <mutex>

#include "gc/heap.h"
#include "gc/internal/marker.h"
#include "gc/internal/space.h"
#include "gc/internal/stats.h"
#include "gc/internal/thread_state.h"

namespace pinion::internal {

class Collector {
 public:
  enum class Reason { kExplicit, kAllocation, kHeapLimit };

  Collector(const HeapConfig& config, RootSet& roots, Space& space);

  // Gives `thread` a new page of `size_class` (its old one must be exhausted). False when
  // the heap is out of memory after collecting and consulting on_out_of_memory.
  bool Refill(ThreadState& thread, int size_class);
  // A large object for `payload_bytes`, or nullptr when out of memory.
  LargeObject* AllocateLarge(ThreadState& thread, size_t payload_bytes);

  // Runs a cycle. `self` is the calling thread's state if it is attached, else nullptr.
  void Collect(ThreadState* self, Reason reason);

  HeapStats stats() const;

 private:
  bool BudgetExhausted() const {
    return allocated_since_cycle_.load(std::memory_order_relaxed) >=
           budget_.load(std::memory_order_relaxed);
  }
  // The out-of-memory protocol for the `attempt`-th failure of one allocation: collect,
  // then ask on_out_of_memory. True to retry.
  bool RecoverFromOutOfMemory(ThreadState& thread, size_t bytes, int attempt);
  void NoteHandedOut(uint64_t bytes);
  void RunCycleLocked(Reason reason);

  const HeapConfig& config_;
  RootSet& roots_;
  Space& space_;
  Marker marker_;
  StatsRecorder stats_;
  const bool trace_;

  std::mutex cycle_mu_;  // one cycle at a time; taken only inside a native region
  // Relaxed counters: the trigger tolerates staleness (at worst one extra page before a
  // cycle starts); the cycle re-checks under cycle_mu_.
  std::atomic<uint64_t> allocated_since_cycle_{0};
  std::atomic<uint64_t> allocated_total_{0};
  std::atomic<uint64_t> budget_;
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_COLLECTOR_H_
