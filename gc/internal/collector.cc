#include "gc/internal/collector.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace pinion::internal {

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

int MarkerThreads(const HeapConfig& config) {
  if (config.marker_threads > 0) return config.marker_threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

bool TraceFromEnvironment() {
  const char* value = std::getenv("PINION_TRACE");
  return value != nullptr && std::strcmp(value, "0") != 0 && value[0] != '\0';
}

const char* ReasonName(Collector::Reason reason) {
  switch (reason) {
    case Collector::Reason::kExplicit: return "explicit";
    case Collector::Reason::kAllocation: return "allocation";
    case Collector::Reason::kHeapLimit: return "heap limit";
  }
  return "?";
}

constexpr double kMiB = 1024.0 * 1024.0;
constexpr int kOutOfMemoryCallbackTries = 3;

}  // namespace

Collector::Collector(const HeapConfig& config, RootSet& roots, Space& space)
    : config_(config),
      roots_(roots),
      space_(space),
      marker_(MarkerThreads(config)),
      trace_(config.trace || TraceFromEnvironment()),
      budget_(config.min_heap_bytes) {}

void Collector::NoteHandedOut(uint64_t bytes) {
  allocated_since_cycle_.fetch_add(bytes, std::memory_order_relaxed);
  allocated_total_.fetch_add(bytes, std::memory_order_relaxed);
}

bool Collector::Refill(ThreadState& thread, int size_class) {
  if (Page* old = thread.allocator.TakeExhausted(size_class)) {
    old->state.store(PageState::kFull, std::memory_order_relaxed);
  }
  for (int attempt = 0;; ++attempt) {
    if (BudgetExhausted()) Collect(&thread, Reason::kAllocation);
    Page* page = space_.PopAvailable(size_class);
    while (page == nullptr) {  // lazy sweeping: sweep pages of this class until one has room
      Page* unswept = space_.PopUnswept(size_class);
      if (unswept == nullptr) break;
      if (space_.SweepAndFile(unswept, /*keep_if_free=*/true)) page = unswept;
    }
    if (page == nullptr) page = space_.TakeFreePage(size_class, config_.heap_limit_bytes);
    if (page != nullptr) {
      NoteHandedOut(uint64_t{page->free_count} * page->cell_size);
      thread.allocator.Install(page);
      return true;
    }
    if (!RecoverFromOutOfMemory(thread, kPageSize, attempt)) return false;
  }
}

LargeObject* Collector::AllocateLarge(ThreadState& thread, size_t payload_bytes) {
  for (int attempt = 0;; ++attempt) {
    if (BudgetExhausted()) Collect(&thread, Reason::kAllocation);
    if (LargeObject* large = space_.AllocateLarge(payload_bytes, config_.heap_limit_bytes)) {
      NoteHandedOut(large->mapped_bytes);
      return large;
    }
    if (!RecoverFromOutOfMemory(thread, payload_bytes, attempt)) return nullptr;
  }
}

bool Collector::RecoverFromOutOfMemory(ThreadState& thread, size_t bytes, int attempt) {
  if (attempt == 0) {
    Collect(&thread, Reason::kHeapLimit);
    return true;
  }
  if (attempt <= kOutOfMemoryCallbackTries && config_.on_out_of_memory &&
      config_.on_out_of_memory(bytes)) {
    Collect(&thread, Reason::kHeapLimit);
    return true;
  }
  return false;
}

void Collector::Collect(ThreadState* self, Reason reason) {
  ThreadRegistry& threads = roots_.threads();
  // A running thread enters a native region first: while it waits for cycle_mu_, or runs
  // the cycle, the handshake must not wait for it.
  const bool was_running =
      self != nullptr && self->mode.load(std::memory_order_relaxed) == ThreadMode::kRunning;
  if (was_running) threads.EnterNative(self);
  {
    std::lock_guard<std::mutex> lock(cycle_mu_);
    // An allocation-triggered request is void if another thread's cycle already reset the
    // budget while we waited.
    if (reason != Reason::kAllocation || BudgetExhausted()) RunCycleLocked(reason);
  }
  if (was_running) threads.LeaveNative(self);
}

void Collector::RunCycleLocked(Reason reason) {
  ThreadRegistry& threads = roots_.threads();
  space_.SweepAll();  // step 1: no page may be kUnswept when marking starts
  space_.BeginCycle();
  stats_.NoteHeapBytes(space_.committed_bytes());

  const Clock::time_point start = Clock::now();
  threads.StopTheWorld();  // step 2
  threads.ForEachThread([](ThreadRecord* record) {
    static_cast<ThreadState*>(record)->allocator.RetireForPause();  // step 3
  });
  const Clock::time_point mark_start = Clock::now();
  const uint64_t live = marker_.Mark(roots_);  // step 4
  const Clock::time_point mark_end = Clock::now();
  std::vector<LargeObject*> dead_large;
  space_.PrepareSweepLocked(dead_large);  // step 5
  const uint64_t budget = std::max<uint64_t>(
      config_.min_heap_bytes, static_cast<uint64_t>(live * (config_.growth_factor - 1.0)));
  budget_.store(budget, std::memory_order_relaxed);
  allocated_since_cycle_.store(0, std::memory_order_relaxed);
  threads.ResumeTheWorld();  // step 6
  const Clock::time_point end = Clock::now();

  space_.SweepAll();  // step 7
  space_.FreeLarge(dead_large);
  // An explicit collection returns every surplus page now; automatic ones only stale pages.
  space_.Trim(budget, /*only_stale=*/reason != Reason::kExplicit);
  const Clock::time_point swept = Clock::now();

  const double pause_ms = Ms(start, end);
  stats_.RecordCycle(pause_ms, Ms(mark_start, mark_end), Ms(end, swept), live);
  if (trace_) {
    const HeapStats s = stats();
    std::fprintf(stderr,
                 "pinion: gc %llu (%s): pause %.3f ms (mark %.3f ms, %d markers), "
                 "live %.1f MiB, heap %.1f MiB, sweep %.3f ms\n",
                 static_cast<unsigned long long>(s.collections), ReasonName(reason), pause_ms,
                 Ms(mark_start, mark_end), marker_.workers(), live / kMiB,
                 s.heap_bytes / kMiB, Ms(end, swept));
  }
}

HeapStats Collector::stats() const {
  return stats_.Snapshot(space_.committed_bytes(),
                         allocated_total_.load(std::memory_order_relaxed));
}

}  // namespace pinion::internal
