// The collector: when a cycle runs, and what a cycle does.
//
// A cycle, stop-the-world form (issue 3 makes marking and sweeping concurrent):
//
//  0. Trigger. Allocation hands out whole pages; the bytes handed out since the last cycle
//     are counted, and when they reach the budget  max(min_heap, live * (growth - 1))  the
//     allocating thread collects. Hitting the heap limit also collects before the
//     out-of-memory path (callback, then nullptr / std::bad_alloc): again, up to four
//     times, while each collection leaves room for the request, since another thread may
//     take what one freed before the allocating thread retries.
//  1. Enter. The collecting thread enters a native region (so others never wait for it) and
//     takes cycle_mu_ (so one cycle runs at a time; a second trigger waits in its native
//     region and then finds the budget satisfied). It finishes any sweeping the previous
//     cycle left, so every mark bit is clear.
//  2. STOP THE WORLD (pause begins). The thread registry handshake: every attached thread is
//     parked at a safepoint or in a native region. No barrier is needed: nothing mutates.
//     Then count every thread's pin log (pinned_list.h): pin counts are exact from here on.
//  3. Retire every thread's allocation pages (the cells they never handed out still have
//     type entry 0, free for the sweep), so no thread allocates from a page being swept.
//  4. Mark, in parallel (marker.h), from the root set: global roots, every thread's handles,
//     pinned objects (docs/architecture.md, invariant 2), queued finalization objects. Before that, the
//     pins held by the edges of registered edges_hold_pins objects are subtracted (CPython's
//     trick, gc/finalization.h), and given back after. Then registered objects left unmarked
//     are queued for their on_unreachable callbacks and marked, with all they reach
//     (finalization_queue.h). Marked bytes become the new live size.
//  5. Begin the sweep, in O(1): a new sweep epoch, the available lists emptied, the large
//     objects set aside (space.h). If the marker recorded weak fields or weak roots exist,
//     a weak clearing phase begins: from here weak reads of what this pause found dead
//     return null (weak_processor.h), and the pause's queued callbacks are held. The pacer
//     sets the next budget (pacer.h).
//  6. RESUME THE WORLD (pause ends). Its length is recorded.
//  7. Clear the weak references to dead objects (the collecting thread and the marker
//     threads, mutators running), queue their callbacks, release the held ones, and end the
//     phase: the sweep must not clear the mark bits the read barrier tests.
//  8. Sweep, concurrently with the resumed mutators: the collecting thread files every page
//     that was in use at the pause as kUnswept (pages taken since carry the new epoch and
//     are left alone) and separates the dead large objects, then sweeps pages
//     while allocating threads pop and sweep pages of the classes they need (a page is
//     popped under its class lock, so exactly one thread sweeps it). Finalizers run there.
//     Dead large objects are finalized and unmapped; surplus free pages are decommitted
//     (after an automatic cycle, only those that stayed free a whole cycle: space.h).
//
// A cycle, concurrent form (HeapConfig::mode = kConcurrent), snapshot-at-the-beginning:
//
//  0. Trigger. The pacer (pacer.h) starts a cycle on the background collector thread once
//     the heap reaches its trigger, early enough that background marking alone ends near the
//     heap goal (live * growth_factor). A mutator that takes memory while marking runs
//     behind the pacer's schedule assists: it marks what it owes, from work the markers
//     share (Marker::Assist), before it takes its page. Past the hard limit (half the growth
//     beyond the goal) it waits for the cycle's marking to end (never for a sweep). At the
//     heap limit, the out-of-memory path as above, whose cycles run stop-the-world (a
//     concurrent one would keep what other threads allocate meanwhile as floating garbage:
//     Java's "concurrent mode failure" fallback), as do those asked for by
//     Heap::Collect(kStopTheWorld).
//  1. As above: finish sweeping, so every mark bit is clear.
//  2. START PAUSE. Count every thread's pin log (pinned_list.h), turn the write barrier on
//     (member.h) and allocation black (new objects are born marked), grey the globals and
//     the pinned objects, and ask every thread for its handles. Length: proportional to
//     threads, globals and pins, not to the heap.
//  3. Concurrent mark (mutators running) on a quarter of the marker threads, at least one
//     (HeapConfig::background_marker_threads: marking leaves the mutators their cores, as
//     Go's 25%; pauses mark on all of them): trace from the grey roots, except
//     objects of edges_hold_pins types, marked but never traced in this form
//     (Marker::PinEdges::kSkip): each of their edges is a pin, so its target is a root (see
//     "Pins" below), and their fields are plain stores that a trace would race with. Each
//     thread reports its own handles before it runs on (the handshake): a parked thread as
//     it resumes, a thread in a native region as it leaves it — unless the collector scans
//     that one first (thread_registry.h, RootsState). Every pointer a mutator overwrites is
//     shaded by the barrier into a per-thread buffer, full buffers into satb_; the
//     collector traces from satb_ in rounds until all threads are scanned and little is
//     left. Then flush handshakes: each thread hands over its partial buffer (the same
//     per-thread handshake), repeated until one brings back almost nothing.
//  4. REMARK PAUSE. Scan any thread that never polled, rescan the globals (their stores have
//     no barrier), trace from every thread's partial buffer and what remains in satb_: a
//     bounded amount of work, as the concurrent phase already traced the heap. Queue the
//     unmarked objects registered for finalization, as in step 4 above (O(registered); no
//     pins are subtracted in concurrent cycles: gc/finalization.h says why). Then turn the
//     barrier and black allocation off, retire the allocators' pages and start a sweep epoch
//     (step 5 above: O(1)).
//  5. Weak clearing and concurrent sweep, as in steps 7 and 8 above, on the collecting thread.
//
// Why nothing live is freed (invariant 1): an object reachable at the start pause is
// reachable from a global or pin (greyed in the pause), from a thread's handles, or from the
// heap. A thread runs no heap code between the start pause and the scan of its handles, so
// those are scanned exactly as they were at the snapshot — by the thread itself, off the
// global pause. Heap paths: if one is cut during marking, the barrier shaded the pointer it
// deleted. Whatever a thread puts in a handle or a global afterwards is new (black) or came
// from the heap (covered by the barrier); globals are rescanned at remark anyway, as their
// stores have no barrier. Pins: counts > 0 at the start pause are roots; an object pinned
// during marking was reachable at the snapshot (so covered as above) or is new (black), so
// pins need no shading.
//
// Invariant 1 (never free a live object): with the world stopped from step 2 to 6, every
// object reachable at step 4 is marked; objects allocated after step 6 live in pages that
// were swept before being handed out, and sweeping frees only unmarked cells of the page it
// owns. Invariant: at step 2 no page is kUnswept (step 1), hence all mark bits are clear.
//
// Threads: Refill/AllocateLarge/Shade/TortureTick from the allocating (attached, running)
// thread; Collect from any thread; stats from any thread. Concurrent cycles run on the
// background thread, or on a thread that calls Collect (explicitly or at the heap limit).
#ifndef PINION_GC_INTERNAL_COLLECTOR_H_
#define PINION_GC_INTERNAL_COLLECTOR_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/finalization_queue.h"
#include "gc/internal/marker.h"
#include "gc/internal/pacer.h"
#include "gc/internal/pinned_list.h"
#include "gc/internal/remembered_set.h"
#include "gc/internal/space.h"
#include "gc/internal/stats.h"
#include "gc/internal/thread_state.h"
#include "gc/internal/weak_processor.h"

namespace pinion::internal {

class Collector {
 public:
  // kExplicitFull: Heap::Collect(kStopTheWorld), stop-the-world whatever the mode.
  // kExplicitMinor: Heap::Collect(kMinor), minor on a generational heap, else as kExplicit.
  enum class Reason {
    kExplicit,
    kExplicitFull,
    kExplicitMinor,
    kAllocation,
    kHeapLimit,
    kBackground,
    kTorture
  };

  Collector(const HeapConfig& config, RootSet& roots, Space& space, PinnedList& pinned,
            FinalizationQueue& finalization, WeakProcessor& weak, RememberedSet& remembered);
  ~Collector();

  // Gives `thread` a new page of `size_class` (its old one must be exhausted). False when
  // the heap is out of memory after collecting and consulting on_out_of_memory.
  bool Refill(ThreadState& thread, int size_class);
  // A large object for `payload_bytes`, or nullptr when out of memory.
  LargeObject* AllocateLarge(ThreadState& thread, size_t payload_bytes);

  // Runs a cycle. `self` is the calling thread's state if it is attached, else nullptr.
  void Collect(ThreadState* self, Reason reason);

  // Concurrent mode. True from the start pause to the remark pause.
  bool marking() const { return marking_.load(std::memory_order_relaxed); }
  // The write barrier's slow path for `thread`: records `object` if it is not yet marked.
  void Shade(ThreadState& thread, const void* object);
  // A detaching thread hands over its barrier buffer.
  void FlushShaded(ThreadState& thread);

  // GC torture (HeapConfig::torture_interval).
  bool torture() const { return torture_interval_ != 0; }
  void TortureTick(ThreadState& thread);

  HeapStats stats() const;
  // White-box tests drive assists directly (concurrent_test).
  Marker& marker() { return marker_; }

 private:
  // What one allocation has tried at the heap limit so far.
  struct OutOfMemoryTries {
    int collections = 0;
    int callbacks = 0;
  };
  // The out-of-memory protocol after a failed allocation: collect (again, while the last
  // collection left room), then ask on_out_of_memory. True to retry.
  bool RecoverFromOutOfMemory(ThreadState& thread, size_t bytes, OutOfMemoryTries& tries);
  // Pops and sweeps one unswept page of `size_class`: the page if it has room (kOwned).
  Page* SweepForRoom(int size_class);
  // Before taking memory: start or join a cycle if the pacer says so.
  void MaybeCollect(ThreadState& thread);
  void RequestBackgroundCycle();
  void BackgroundLoop();
  // Whether a cycle for `reason` runs in the concurrent form (else stop-the-world).
  bool MarksConcurrently(Reason reason) const {
    return concurrent_ && reason != Reason::kHeapLimit && reason != Reason::kExplicitFull;
  }
  void RunCycleLocked(Reason reason);
  // Generational heaps: whether a stop-the-world cycle for `reason` is minor (cycle_mu_).
  bool MinorCycle(Reason reason);
  void RunConcurrentCycleLocked(Reason reason);
  // World stopped, marking from the roots done: queues the unreachable finalizable objects
  // and marks their reach; returns what only that marking marked (weak_processor.h).
  std::vector<const void*> QueueUnreachableLocked();
  // Finishes a cycle after marking (world stopped): begins the sweep and the clearing of
  // weak references (`late_marked`: QueueUnreachableLocked's).
  void EndMarkLocked(std::vector<const void*> late_marked);
  // After the world resumed: clear the weak references, queue the pages for sweeping,
  // sweep, free, trim, record (`minor`: a generational heap's minor cycle, for the trace).
  void SweepAndRecord(Reason reason, uint64_t live, double pause_ms, double mark_ms,
                      bool minor = false);
  // The RootScanner of a cycle's per-thread handshakes: a thread's handles go to satb_.
  static void ScanThreadRoots(void* self, ThreadRecord* thread);
  // The RootScanner of the flush handshakes before remark: a thread's barrier buffer to satb_.
  static void FlushThreadBuffer(void* self, ThreadRecord* thread);
  // World stopped: applies every thread's pin log, so that the counts are exact; misuse
  // found goes to pin_misuse_.
  void ApplyPinLogsLocked();
  // Moves every thread's barrier buffer into satb_ (world stopped) and takes satb_.
  std::vector<const void*> TakeShaded(bool include_threads);

  const HeapConfig& config_;
  RootSet& roots_;
  Space& space_;
  PinnedList& pinned_;
  FinalizationQueue& finalization_;
  WeakProcessor& weak_;
  RememberedSet& remembered_;
  const bool generational_;
  uint64_t torture_cycles_ = 0;  // cycle_mu_: generational torture makes every 4th one full
  Marker marker_;
  // Marker threads of the concurrent phase (HeapConfig::background_marker_threads); pauses
  // use them all.
  const int background_markers_;
  StatsRecorder stats_;
  const bool trace_;

  std::mutex cycle_mu_;  // one cycle at a time; taken only inside a native region
  // Pin misuse found in a pause, reported by Collect once the cycle is over.
  std::vector<PinMisuse> pin_misuse_;  // guarded by cycle_mu_
  // When cycles start and what assists owe; its counters are relaxed (a stale one shifts a
  // trigger by a page), so a cycle re-checks under cycle_mu_.
  Pacer pacer_;

  // Concurrent mode.
  const bool concurrent_;
  const uint64_t torture_interval_;
  std::atomic<bool> marking_{false};  // changed only in pauses; see member.h for the order
  std::mutex satb_mu_;                // leaf lock
  std::vector<const void*> satb_;     // guarded by satb_mu_: full barrier buffers
  std::atomic<uint64_t> assists_{0}, waits_{0}, assist_ns_{0};  // statistics only: relaxed
  // Mutators that outran a cycle wait here for its marking to end (not for its sweep).
  std::mutex phase_mu_;  // leaf lock
  std::condition_variable phase_cv_;
  uint64_t marks_completed_ = 0;  // guarded by phase_mu_
  // The background collector thread (concurrent mode only).
  std::mutex background_mu_;
  std::condition_variable background_cv_;
  bool background_requested_ = false;  // guarded by background_mu_
  bool background_shutdown_ = false;   // guarded by background_mu_
  // Relaxed fast check so that allocation does not take background_mu_ for every page.
  std::atomic<bool> background_pending_{false};
  std::thread background_;
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_COLLECTOR_H_
