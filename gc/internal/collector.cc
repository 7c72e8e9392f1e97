#include "gc/internal/collector.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "gc/fault_injection.h"

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

// Concurrent marking's share of the marker threads (HeapConfig::background_marker_threads).
int BackgroundMarkerThreads(const HeapConfig& config) {
  const int all = MarkerThreads(config);
  if (config.background_marker_threads > 0) return std::min(config.background_marker_threads, all);
  return std::max(1, (all + 2) / 4);
}

const char* ReasonName(Collector::Reason reason) {
  switch (reason) {
    case Collector::Reason::kExplicit: return "explicit";
    case Collector::Reason::kExplicitFull: return "explicit, stop-the-world";
    case Collector::Reason::kExplicitMinor: return "explicit, minor";
    case Collector::Reason::kAllocation: return "allocation";
    case Collector::Reason::kHeapLimit: return "heap limit";
    case Collector::Reason::kBackground: return "background";
    case Collector::Reason::kTorture: return "torture";
  }
  return "?";
}

constexpr double kMiB = 1024.0 * 1024.0;
constexpr int kOutOfMemoryCallbackTries = 3;
// Collections one allocation runs at the heap limit, at most, while each leaves room.
constexpr int kOutOfMemoryCollections = 4;
// A thread hands its barrier buffer to the collector when it holds this many objects.
constexpr size_t kSatbBufferEntries = 256;
// The concurrent phase traces from the shaded objects again while more than this many
// arrived during the last round (at most kMaxRounds rounds), so the remark pause has little
// left to trace.
constexpr size_t kRemarkThreshold = 1024;
// The flush handshakes before the remark pause repeat while one brings back this many.
constexpr size_t kRemarkFlushThreshold = 64;
constexpr int kMaxRounds = 64;
// Refill: unswept pages an allocation sweeps looking for room before it takes a fresh page.
constexpr int kLazySweepPages = 8;

}  // namespace

Collector::Collector(const HeapConfig& config, RootSet& roots, Space& space,
                     PinnedList& pinned, FinalizationQueue& finalization,
                     WeakProcessor& weak, RememberedSet& remembered)
    : config_(config),
      roots_(roots),
      space_(space),
      pinned_(pinned),
      finalization_(finalization),
      weak_(weak),
      remembered_(remembered),
      generational_(remembered.generational()),
      marker_(MarkerThreads(config), space),
      background_markers_(BackgroundMarkerThreads(config)),
      trace_(config.trace),
      pacer_(config),
      concurrent_(config.mode == CollectorMode::kConcurrent),
      torture_interval_(config.torture_interval) {
  if (concurrent_) background_ = std::thread([this] { BackgroundLoop(); });
  // Relaxed: no thread is attached to this heap yet (member.h).
  if (generational_) g_heaps_generational.fetch_add(1, std::memory_order_relaxed);
}

Collector::~Collector() {
  if (generational_) g_heaps_generational.fetch_sub(1, std::memory_order_relaxed);
  if (!background_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(background_mu_);
    background_shutdown_ = true;
  }
  background_cv_.notify_one();
  background_.join();
}

void Collector::BackgroundLoop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(background_mu_);
      background_cv_.wait(lock, [&] { return background_shutdown_ || background_requested_; });
      if (background_shutdown_) return;
      background_requested_ = false;
    }
    Collect(nullptr, Reason::kBackground);
    background_pending_.store(false, std::memory_order_relaxed);
  }
}

void Collector::RequestBackgroundCycle() {
  if (background_pending_.exchange(true, std::memory_order_relaxed)) return;  // already asked
  {
    std::lock_guard<std::mutex> lock(background_mu_);
    background_requested_ = true;
  }
  background_cv_.notify_one();
}

void Collector::MaybeCollect(ThreadState& thread) {
  if (!concurrent_) {
    if (pacer_.BudgetSpent()) Collect(&thread, Reason::kAllocation);
    return;
  }
  if (!torture() && pacer_.ShouldStart()) RequestBackgroundCycle();
  // Marking behind the pacer's schedule: this thread marks what it owes before its page.
  if (marking()) {
    if (const uint64_t owed = pacer_.AssistBytes(marker_.live_bytes()); owed != 0) {
      const Clock::time_point start = Clock::now();
      const ThreadRegistry& threads = roots_.threads();
      if (marker_.Assist(owed, [&threads] { return threads.stop_requested(); })) {
        assists_.fetch_add(1, std::memory_order_relaxed);
        assist_ns_.fetch_add(static_cast<uint64_t>((Clock::now() - start).count()),
                             std::memory_order_relaxed);
      }
    }
  }
  if (!pacer_.PastHardLimit()) return;
  // Past the hard limit: wait until a cycle's marking ends (its remark recounts the heap),
  // starting one if none runs. Only marking: the sweep after it, on the background thread,
  // is not waited for (allocation sweeps the pages it needs).
  waits_.fetch_add(1, std::memory_order_relaxed);
  ThreadRegistry& threads = roots_.threads();
  threads.EnterNative(&thread);  // the remark pause must not wait for this thread
  {
    std::unique_lock<std::mutex> lock(phase_mu_);
    // Done when a cycle's marking ends, or when the heap is below the hard limit (a cycle
    // ended between this thread's check and here, and the background thread declines).
    const uint64_t seen = marks_completed_;
    auto done = [&] { return marks_completed_ != seen || !pacer_.PastHardLimit(); };
    while (!done()) {
      lock.unlock();
      RequestBackgroundCycle();  // again each time: a request may land on a cycle's tail
      lock.lock();
      phase_cv_.wait_for(lock, std::chrono::milliseconds(1), done);
    }
  }
  threads.LeaveNative(&thread);
}

void Collector::TortureTick(ThreadState& thread) {
  if (++thread.torture_count % torture_interval_ != 0) return;
  // Concurrent: in the background, so that this thread goes on mutating while it marks.
  if (concurrent_) {
    if (!marking()) RequestBackgroundCycle();
  } else {
    Collect(&thread, Reason::kTorture);
  }
}

void Collector::Shade(ThreadState& thread, const void* object) {
  if (!marking() || IsMarked(object)) return;
  thread.satb.push_back(object);
  if (thread.satb.size() >= kSatbBufferEntries) [[unlikely]] FlushShaded(thread);
}

void Collector::ScanThreadRoots(void* self, ThreadRecord* thread) {
  std::vector<const void*> found;
  thread->handles.ForEach([&](void* object) { found.push_back(object); });
  Collector& collector = *static_cast<Collector*>(self);
  std::lock_guard<std::mutex> lock(collector.satb_mu_);
  collector.satb_.insert(collector.satb_.end(), found.begin(), found.end());
}

void Collector::FlushThreadBuffer(void* self, ThreadRecord* thread) {
  static_cast<Collector*>(self)->FlushShaded(*static_cast<ThreadState*>(thread));
}

void Collector::FlushShaded(ThreadState& thread) {
  if (thread.satb.empty()) return;
  PINION_FAULT_POINT(kBeforeFlush);
  std::lock_guard<std::mutex> lock(satb_mu_);
  satb_.insert(satb_.end(), thread.satb.begin(), thread.satb.end());
  thread.satb.clear();
}

std::vector<const void*> Collector::TakeShaded(bool include_threads) {
  std::lock_guard<std::mutex> lock(satb_mu_);
  if (include_threads) {
    roots_.threads().ForEachThread([&](ThreadRecord* record) {
      std::vector<const void*>& buffer = static_cast<ThreadState*>(record)->satb;
      satb_.insert(satb_.end(), buffer.begin(), buffer.end());
      buffer.clear();
    });
  }
  std::vector<const void*> taken;
  taken.swap(satb_);
  return taken;
}

bool Collector::Refill(ThreadState& thread, int size_class) {
  if (Page* old = thread.allocator.TakeExhausted(size_class)) {
    old->state.store(PageState::kFull, std::memory_order_relaxed);
  }
  for (OutOfMemoryTries tries;;) {
    MaybeCollect(thread);
    Page* page = space_.PopAvailable(size_class);
    // Lazy sweeping: sweep pages of this class until one has room — at most kLazySweepPages
    // of them (a heap of full pages would make this allocation sweep O(heap) pages; the
    // collector sweeps the rest), then a fresh page, or, at the heap limit, sweep on.
    for (int swept = 0; page == nullptr && swept < kLazySweepPages; ++swept) {
      page = SweepForRoom(size_class);
    }
    if (page == nullptr) page = space_.TakeFreePage(size_class, config_.heap_limit_bytes);
    while (page == nullptr && space_.HasUnswept(size_class)) page = SweepForRoom(size_class);
    if (page != nullptr) {
      pacer_.NoteAllocated(uint64_t{page->free_count} * page->cell_size);
      thread.allocator.Install(page, /*one_at_a_time=*/torture());
      return true;
    }
    if (!RecoverFromOutOfMemory(thread, kPageSize, tries)) return false;
  }
}

Page* Collector::SweepForRoom(int size_class) {
  Page* page = space_.PopUnswept(size_class);
  if (page != nullptr && space_.SweepAndFile(page, /*keep_if_free=*/true)) return page;
  return nullptr;
}

LargeObject* Collector::AllocateLarge(ThreadState& thread, size_t payload_bytes) {
  for (OutOfMemoryTries tries;;) {
    MaybeCollect(thread);
    if (LargeObject* large = space_.AllocateLarge(payload_bytes, config_.heap_limit_bytes)) {
      pacer_.NoteAllocated(large->mapped_bytes);
      // Black during marking. The thread is running, so no pause can change the phase
      // between this read and the store.
      if (marking()) large->mark.store(1, std::memory_order_relaxed);
      return large;
    }
    if (!RecoverFromOutOfMemory(thread, payload_bytes, tries)) return nullptr;
  }
}

bool Collector::RecoverFromOutOfMemory(ThreadState& thread, size_t bytes,
                                       OutOfMemoryTries& tries) {
  // Collect and retry. Another thread may take what a collection freed before this one
  // retries, so collect again while the last collection left room for the request (its
  // live size plus the request within the limit), a few times; then the callback.
  const bool room = config_.heap_limit_bytes == 0 ||
                    stats_.Snapshot(0, 0).live_bytes + bytes + kPageSize <=
                        config_.heap_limit_bytes;
  if (tries.collections == 0 || (room && tries.collections < kOutOfMemoryCollections)) {
    ++tries.collections;
    Collect(&thread, Reason::kHeapLimit);
    return true;
  }
  if (tries.callbacks < kOutOfMemoryCallbackTries && config_.on_out_of_memory &&
      config_.on_out_of_memory(bytes)) {
    ++tries.callbacks;
    Collect(&thread, Reason::kHeapLimit);
    return true;
  }
  return false;
}

void Collector::Collect(ThreadState* self, Reason reason) {
  if (const char* what = CollectorCallbackScope::what()) [[unlikely]] {
    // On the collecting thread this would wait for cycle_mu_ forever; on a mutator sweeping
    // a page it would start a cycle that marks the half-swept page.
    ReportMisuse(Misuse::kBadNesting, "Collect() called from %s: ignored", what);
    return;
  }
  ThreadRegistry& threads = roots_.threads();
  // A running thread enters a native region first: while it waits for cycle_mu_, or runs
  // the cycle, the handshake must not wait for it.
  const bool was_running =
      self != nullptr && self->mode.load(std::memory_order_relaxed) == ThreadMode::kRunning;
  if (was_running) threads.EnterNative(self);
  std::vector<PinMisuse> misuse;
  {
    std::lock_guard<std::mutex> lock(cycle_mu_);
    // Whatever user code runs on this thread in the cycle (trace callbacks, the sweep's
    // finalizers, which name themselves) may not re-enter it.
    CollectorCallbackScope scope("a trace callback");
    // A triggered request is void if another thread's cycle already reset the count while
    // this one waited.
    bool run = true;
    if (reason == Reason::kAllocation) run = pacer_.BudgetSpent();
    if (reason == Reason::kBackground && !torture()) {
      run = pacer_.ShouldStart() || pacer_.PastHardLimit();
    }
    if (run) {
      // At the heap limit even a concurrent heap collects with the world stopped (what
      // concurrent collectors call a concurrent-mode failure): a concurrent cycle would
      // keep whatever the other threads allocate while it marks, as floating garbage. And
      // so it does when asked to (Heap::Collect(kStopTheWorld)).
      if (MarksConcurrently(reason)) {
        RunConcurrentCycleLocked(reason);
      } else {
        RunCycleLocked(reason);
      }
    }
    misuse.swap(pin_misuse_);
  }
  if (was_running) threads.LeaveNative(self);
  // Last: the handler may throw.
  marker_.ReportRefused();
  ReportPinMisuse(misuse);
}

void Collector::ApplyPinLogsLocked() {
  // Every pin before any unpin, so that an unpin whose pin sits in another thread's log is
  // not taken for a misuse (pinned_list.h).
  roots_.threads().ForEachThread([&](ThreadRecord* record) {
    pinned_.ApplyPins(static_cast<ThreadState*>(record)->pins, pin_misuse_);
  });
  roots_.threads().ForEachThread([&](ThreadRecord* record) {
    pinned_.ApplyUnpins(static_cast<ThreadState*>(record)->pins, /*exact=*/true, pin_misuse_);
  });
  pinned_.ResolvePending(pin_misuse_);
}

bool Collector::MinorCycle(Reason reason) {
  if (!generational_) return false;
  switch (reason) {
    case Reason::kExplicitMinor:
      return true;
    case Reason::kAllocation:
      return !pacer_.NextIsFull();
    case Reason::kTorture:
      // Mostly minor, so that torture exercises the remembered set; a full one now and then.
      return ++torture_cycles_ % 4 != 0 && !pacer_.NextIsFull();
    default:  // explicit, heap limit: reclaim everything
      return false;
  }
}

void Collector::RunCycleLocked(Reason reason) {
  ThreadRegistry& threads = roots_.threads();
  const bool minor = MinorCycle(reason);
  space_.SweepAll();  // step 1: no page may be kUnswept when marking starts
  space_.BeginCycle();
  stats_.NoteHeapBytes(space_.committed_bytes());

  const Clock::time_point start = Clock::now();
  threads.StopTheWorld();  // step 2
  ApplyPinLogsLocked();    // the counts are exact from here to the resume
  finalization_.Merge(threads);
  // Pins held from inside the heap are not roots; a minor cycle keeps them (remembered_set.h).
  if (!minor) finalization_.DiscountEdges(pinned_);
  threads.ForEachThread([](ThreadRecord* record) {
    static_cast<ThreadState*>(record)->allocator.RetireForPause();  // step 3
  });
  const Clock::time_point mark_start = Clock::now();
  // Step 4. Generational: a full cycle makes every object young first; a minor one marks
  // from the remembered slots and old unprotected objects too, and never enters old ones.
  if (generational_ && !minor) space_.ClearAllMarks();
  marker_.Begin(minor ? Marker::PinEdges::kSkip : Marker::PinEdges::kTrace);
  if (minor) {
    remembered_.AddTo(marker_, threads);
  } else if (generational_) {
    remembered_.Clear(threads);
  }
  marker_.AddRoots(roots_);
  marker_.Trace();
  std::vector<const void*> late_marked = QueueUnreachableLocked();
  const uint64_t marked = marker_.live_bytes();
  pinned_.EndDiscount(pin_misuse_);
  const double mark_ms = Ms(mark_start, Clock::now());
  uint64_t live = marked;
  if (generational_) {
    pacer_.EndedGenerational(marked, /*full=*/!minor);
    live = pacer_.old_bytes();  // a minor cycle marked only the young survivors
  } else {
    pacer_.EndedMarking(marked, 0, space_.committed_bytes(), /*concurrent=*/false);
  }
  EndMarkLocked(std::move(late_marked));  // step 5
  // The pause ends as the world is released: read the clock first, since waking the parked
  // threads may hand this thread's core to one of them (a scheduler tick, 4 ms, before it
  // reads the clock again), which the mutators do not wait for.
  const double pause_ms = Ms(start, Clock::now());
  threads.ResumeTheWorld();  // step 6
  stats_.RecordPause(pause_ms);
  if (minor) stats_.RecordMinor();
  SweepAndRecord(reason, live, pause_ms, mark_ms, minor);  // steps 7 and 8
}

void Collector::RunConcurrentCycleLocked(Reason reason) {
  ThreadRegistry& threads = roots_.threads();
  space_.SweepAll();  // step 1
  space_.BeginCycle();
  stats_.NoteHeapBytes(space_.committed_bytes());

  // Step 2: the start pause.
  Clock::time_point start = Clock::now();
  threads.StopTheWorld();
  const double start_stop_ms = Ms(start, Clock::now());
  ApplyPinLogsLocked();  // exact counts for the snapshot
  marker_.Begin(Marker::PinEdges::kSkip);  // their edges are pins: roots, greyed below
  marking_.store(true, std::memory_order_relaxed);
  g_heaps_marking.fetch_add(1, std::memory_order_relaxed);
  g_weak_read_barrier.fetch_add(1, std::memory_order_relaxed);  // weak reads shade
  threads.ForEachThread([](ThreadRecord* record) {
    static_cast<ThreadState*>(record)->allocator.set_allocate_black(true);
  });
  roots_.VisitGlobals(marker_.root_visitor());
  roots_.VisitSources(marker_.root_visitor());  // the pinned objects
  threads.RequestRootScans(&Collector::ScanThreadRoots, this);
  pacer_.StartedMarking();
  const double start_pause_ms = Ms(start, Clock::now());  // before the release (step 6)
  threads.ResumeTheWorld();
  stats_.RecordPause(start_pause_ms);

  // Step 3: concurrent marking. Rounds: scan the handles of threads in native regions (the
  // running ones report theirs at their next poll), trace from what that and the barrier
  // shaded, until every thread is scanned and little is left for the remark pause.
  // The rounds end only once every thread's handles were scanned, however long a thread
  // takes to claim its scan (descheduled, say): the flush handshakes below replace the
  // scanner, and a thread still pending would then flush instead of reporting its handles.
  const Clock::time_point mark_start = Clock::now();
  marker_.Trace(background_markers_);
  for (int round = 0;; ++round) {
    PINION_FAULT_POINT(kMarkRound);
    const bool all_scanned = threads.ScanStoppedThreads();
    const std::vector<const void*> shaded = TakeShaded(/*include_threads=*/false);
    for (const void* object : shaded) marker_.AddGrey(object);
    marker_.Trace(background_markers_);
    const bool little_left = shaded.size() < kRemarkThreshold && !marker_.HasSharedWork();
    if (all_scanned && (little_left || round >= kMaxRounds)) break;
    if (shaded.empty()) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  // Then flush handshakes: every thread hands over its partial barrier buffer (at its next
  // poll, or the collector takes it while the thread is stopped), and what they held is
  // traced, until a handshake brings back almost nothing and no assist holds work. Without
  // this the remark pause would trace, from objects shaded early and left in partial
  // buffers, whole subgraphs that were unlinked during marking — or what an assist gives
  // back when the pause stops it (a thread's handshake waits for its assist to end).
  for (int round = 0; round < kMaxRounds; ++round) {
    threads.RequestRootScans(&Collector::FlushThreadBuffer, this);
    size_t flushed = 0;
    for (bool all_flushed = false; !all_flushed;) {
      PINION_FAULT_POINT(kMarkRound);
      all_flushed = threads.ScanStoppedThreads();
      const std::vector<const void*> shaded = TakeShaded(/*include_threads=*/false);
      for (const void* object : shaded) marker_.AddGrey(object);
      marker_.Trace(background_markers_);
      flushed += shaded.size();
      if (!all_flushed && shaded.empty()) {
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    }
    if (flushed < kRemarkFlushThreshold && !marker_.HasSharedWork()) break;
  }
  double mark_ms = Ms(mark_start, Clock::now());

  // Step 4: the remark pause. Threads that never polled are scanned here; globals are
  // rescanned, as stores into them have no barrier.
  start = Clock::now();
  threads.StopTheWorld();
  const Clock::time_point remark_start = Clock::now();
  threads.FinishRootScans();
  roots_.VisitGlobals(marker_.root_visitor());
  for (const void* object : TakeShaded(/*include_threads=*/true)) marker_.AddGrey(object);
  marker_.Trace();
  finalization_.Merge(threads);
  std::vector<const void*> late_marked = QueueUnreachableLocked();
  const Clock::time_point remark_traced = Clock::now();
  mark_ms += Ms(remark_start, remark_traced);
  marking_.store(false, std::memory_order_relaxed);
  g_heaps_marking.fetch_sub(1, std::memory_order_relaxed);
  g_weak_read_barrier.fetch_sub(1, std::memory_order_relaxed);
  threads.ForEachThread([](ThreadRecord* record) {
    LocalAllocator& allocator = static_cast<ThreadState*>(record)->allocator;
    allocator.set_allocate_black(false);
    allocator.RetireForPause();
  });
  // Objects allocated during marking are black but were never counted by the marker.
  const uint64_t live = marker_.live_bytes() + pacer_.allocated_since_cycle();
  const uint64_t heap_at_remark = pacer_.heap();
  const uint64_t committed_at_remark = space_.committed_bytes();
  const uint64_t free_at_remark = space_.free_committed_bytes();
  stats_.NoteHeapBytes(committed_at_remark);  // the heap peaks before the sweep
  pacer_.EndedMarking(marker_.live_bytes(), marker_.assisted_bytes(),
                      committed_at_remark - free_at_remark, /*concurrent=*/true);
  EndMarkLocked(std::move(late_marked));
  const double remark_pause_ms = Ms(start, Clock::now());  // before the release (step 6)
  threads.ResumeTheWorld();
  stats_.RecordPause(remark_pause_ms);
  if (trace_) {
    std::fprintf(stderr,
                 "pinion: pauses: start %.3f ms (%.3f to stop), remark %.3f ms (%.3f to stop, "
                 "%.3f tracing); traced %.1f MiB (%.1f by assists), black %.1f MiB; pacer: "
                 "goal %.1f MiB, trigger %.1f MiB; heap at remark %.1f MiB, committed %.1f MiB "
                 "(%.1f free)\n",
                 start_pause_ms, start_stop_ms, remark_pause_ms, Ms(start, remark_start),
                 Ms(remark_start, remark_traced), marker_.live_bytes() / kMiB,
                 marker_.assisted_bytes() / kMiB, (live - marker_.live_bytes()) / kMiB,
                 pacer_.goal() / kMiB, pacer_.trigger() / kMiB, heap_at_remark / kMiB,
                 committed_at_remark / kMiB, free_at_remark / kMiB);
  }
  {
    std::lock_guard<std::mutex> lock(phase_mu_);
    ++marks_completed_;
  }
  phase_cv_.notify_all();

  SweepAndRecord(reason, live, std::max(start_pause_ms, remark_pause_ms),
                 mark_ms);  // step 5
}

std::vector<const void*> Collector::QueueUnreachableLocked() {
  marker_.LogMarks(true);
  if (finalization_.QueueUnreachable(marker_) != 0) marker_.Trace();
  marker_.LogMarks(false);
  return marker_.TakeMarkLog();
}

void Collector::EndMarkLocked(std::vector<const void*> late_marked) {
  const uint64_t epoch = space_.BeginSweepLocked();
  // Weak references to what the pause found unreachable read null from its end; they are
  // cleared after it (SweepAndRecord), and the pause's callbacks wait for that.
  if (weak_.BeginClearing(marker_, std::move(late_marked), epoch)) finalization_.Hold();
}

void Collector::SweepAndRecord(Reason reason, uint64_t live, double pause_ms, double mark_ms,
                               bool minor) {
  const Clock::time_point sweep_start = Clock::now();
  double weak_clear_ms = 0;
  if (weak_.clearing()) {  // before the sweep frees the dead referents and clears the marks
    PINION_FAULT_POINT(kWeakClearing);
    weak_.FinishClearing(marker_, roots_.threads());
    finalization_.Release();
    weak_clear_ms = Ms(sweep_start, Clock::now());
  }
  std::vector<LargeObject*> dead_large;
  space_.QueueSweep(dead_large);
  PINION_FAULT_POINT(kBeforeSweep);
  space_.SweepAll();
  space_.FreeLarge(dead_large);
  // An explicit collection returns every surplus page now; automatic ones only stale pages.
  space_.Trim(pacer_.budget(),
              /*only_stale=*/reason != Reason::kExplicit &&
                  reason != Reason::kExplicitFull);
  const double sweep_ms = Ms(sweep_start, Clock::now());
  stats_.RecordCycle(mark_ms, sweep_ms, weak_clear_ms, live);
  if (trace_) {
    const HeapStats s = stats();
    std::fprintf(stderr,
                 "pinion: gc %llu (%s): pause %.3f ms (%s), mark %.3f ms (%d markers), "
                 "live %.1f MiB, heap %.1f MiB, sweep %.3f ms\n",
                 static_cast<unsigned long long>(s.collections), ReasonName(reason), pause_ms,
                 MarksConcurrently(reason) ? "longest of 2, concurrent"
                 : minor                  ? "minor, stop-the-world"
                                          : "stop-the-world",
                 mark_ms,
                 marker_.workers(), live / kMiB, s.heap_bytes / kMiB, sweep_ms);
  }
}

HeapStats Collector::stats() const {
  HeapStats s = stats_.Snapshot(space_.committed_bytes(), pacer_.allocated_total());
  s.assists = assists_.load(std::memory_order_relaxed);
  s.mutator_waits = waits_.load(std::memory_order_relaxed);
  s.assist_ms = assist_ns_.load(std::memory_order_relaxed) / 1e6;
  return s;
}

}  // namespace pinion::internal
