// Collection statistics: counters and the pause distribution (max, p99, log2 histogram).
// Threads: Record* by the collecting thread (under the collector's lock); Snapshot from any
// thread. mu_ is a leaf lock, separate from the collector's, so stats never wait for a cycle.
#ifndef PINION_GC_INTERNAL_STATS_H_
#define PINION_GC_INTERNAL_STATS_H_

#include <cstdint>
#include <mutex>
#include <vector>

#include "gc/heap.h"

namespace pinion::internal {

class StatsRecorder {
 public:
  void RecordPause(double pause_ms);
  void RecordCycle(double mark_ms, double sweep_ms, double weak_clear_ms, uint64_t live_bytes);
  void NoteHeapBytes(uint64_t heap_bytes);
  void RecordMinor() {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.minor_collections;
  }
  HeapStats Snapshot(uint64_t heap_bytes, uint64_t bytes_allocated) const;

 private:
  mutable std::mutex mu_;
  HeapStats stats_;            // guarded by mu_
  std::vector<double> pauses_; // guarded by mu_; every pause, for percentiles
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_STATS_H_
