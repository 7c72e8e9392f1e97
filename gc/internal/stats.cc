#include "gc/internal/stats.h"

#include <algorithm>
#include <cmath>

namespace pinion::internal {

void StatsRecorder::RecordPause(double pause_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  HeapStats& s = stats_;
  ++s.pauses;
  s.last_pause_ms = pause_ms;
  s.max_pause_ms = std::max(s.max_pause_ms, pause_ms);
  s.total_pause_ms += pause_ms;
  const double us = pause_ms * 1000.0;
  size_t bucket = us < 1.0 ? 0 : static_cast<size_t>(std::floor(std::log2(us))) + 1;
  s.pause_histogram[std::min(bucket, s.pause_histogram.size() - 1)]++;
  pauses_.push_back(pause_ms);
}

void StatsRecorder::RecordCycle(double mark_ms, double sweep_ms, double weak_clear_ms,
                                uint64_t live_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.collections;
  stats_.live_bytes = live_bytes;
  stats_.mark_ms += mark_ms;
  stats_.sweep_ms += sweep_ms;
  stats_.weak_clear_ms += weak_clear_ms;
}

void StatsRecorder::NoteHeapBytes(uint64_t heap_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.peak_heap_bytes = std::max<uint64_t>(stats_.peak_heap_bytes, heap_bytes);
}

HeapStats StatsRecorder::Snapshot(uint64_t heap_bytes, uint64_t bytes_allocated) const {
  std::lock_guard<std::mutex> lock(mu_);
  HeapStats s = stats_;
  s.heap_bytes = heap_bytes;
  s.bytes_allocated = bytes_allocated;
  s.peak_heap_bytes = std::max<uint64_t>(s.peak_heap_bytes, heap_bytes);
  if (!pauses_.empty()) {
    std::vector<double> sorted = pauses_;
    const size_t k = static_cast<size_t>(std::ceil(0.99 * sorted.size())) - 1;
    std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
    s.p99_pause_ms = sorted[k];
    const size_t mid = sorted.size() / 2;
    std::nth_element(sorted.begin(), sorted.begin() + mid, sorted.end());
    s.median_pause_ms = sorted[mid];
  }
  return s;
}

}  // namespace pinion::internal
