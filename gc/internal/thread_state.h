// A thread attached to a heap: its roots (ThreadRecord: handles, safepoint mode) plus its
// allocation caches. Created by ThreadScope, destroyed when the thread detaches.
// Threads: the owning thread; the collector while the owner is stopped.
#ifndef PINION_GC_INTERNAL_THREAD_STATE_H_
#define PINION_GC_INTERNAL_THREAD_STATE_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "gc/internal/local_allocator.h"
#include "gc/internal/pin_log.h"
#include "roots/thread_registry.h"

namespace pinion::internal {

class HeapImpl;

class ThreadState final : public ThreadRecord {
 public:
  ThreadState(HeapImpl& heap, RootSet& roots) : ThreadRecord(roots), heap(heap) {}

  // Every ThreadRecord of a Pinion heap is a ThreadState.
  static ThreadState* Current() { return static_cast<ThreadState*>(ThreadRecord::Current()); }

  // Points the thread's pin fast path at its log while it runs (pin_log.h).
  // And the generational barrier at its latest allocation (gc/member.h).
  void OnRunning(bool running) override {
    t_pin_log = running ? &pins : &g_frozen_pin_log;
    t_fresh = running ? &allocator.fresh() : nullptr;
  }

  HeapImpl& heap;
  LocalAllocator allocator;
  bool attached = false;
  // Objects the write barrier shaded during this cycle's marking, not yet handed to the
  // collector (collector.h). Owned by the thread; taken by the collector in the remark pause
  // or, at a flush handshake, while the thread is stopped (its RootsState claim).
  std::vector<const void*> satb;
  // Generational heaps: slots this thread's stores made old-to-young since the last
  // collection (remembered_set.h); taken by the collector in each pause, or at detach.
  std::vector<const void*> remembered;
  // Past this many slots the buffer is sorted and deduplicated (the same old slot stored
  // young values over and over), and the threshold doubles; reset by each collection.
  static constexpr size_t kRememberedDedupAt = size_t{1} << 14;
  size_t remembered_dedup_at = kRememberedDedupAt;
  uint64_t torture_count = 0;  // allocations, in GC-torture mode
  PinLog pins;  // this thread's pins and unpins not yet counted (pin_log.h)
  // Objects registered for queued finalization, not yet handed to the heap's queue
  // (finalization_queue.h): taken in each pause and at detach.
  std::vector<const void*> watched;
  // Set while the thread is inside WeakProcessor::Read, the weak read barrier's slow path
  // (seq_cst on both sides: weak_processor.h says why).
  std::atomic<bool> weak_reading{false};
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_THREAD_STATE_H_
