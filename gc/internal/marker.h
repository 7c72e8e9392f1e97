// Parallel marking with work stealing, during a stop-the-world pause.
//
// Each worker (the collecting thread is worker 0; the others are persistent helper threads)
// keeps a private mark stack, so the common path touches no shared state: Visit sets the
// mark bit in the target's type entry (a relaxed load and store, cell.h) and, unless its
// type is pointer-free, pushes it tagged with its type. Objects are scanned through a small FIFO of
// prefetched entries, hiding the cache miss on each object.
//
// Load balancing is receiver-initiated stealing: a worker that runs dry goes idle and
// advertises it (`idle_hint_`); a busy worker that sees the hint hands the older half of its
// stack — the part nearest the roots, i.e. the largest subgraphs — to the shared pool, from
// which idle workers take it. Termination: under pool_mu_, a worker that finds the pool
// empty counts itself idle; when all the workers that joined the trace are idle no private
// stack holds work and the pool is empty, so marking is complete. Helpers join as they wake
// up; one that wakes after the end does not start, and the trace does not wait for it.
//
// Why not oneTBB's task scheduler: its handoffs happen inside the uninstrumented libtbb, so
// ThreadSanitizer reports every task as racing with its spawner, hiding real races in
// marking. This pool is ~150 lines on std::thread and std::mutex that TSan sees completely.
//
// Invariant (tri-colour, stop-the-world form): when Mark returns, every object reachable from
// the roots has its mark bit set. An object is pushed by every worker that saw it unmarked:
// usually one, rarely more when two race, which only repeats idempotent work.
//
// Refused visits: a marker follows only pointers into its own heap's space. A visit of an
// object of another heap is refused (marking it would leave a mark bit in that heap's page,
// and its next cycle would skip tracing the object: a live object freed there), and so, in
// debug builds, is a pointer that is not the start of an object at all. Refusals are kept
// and reported by ReportRefused, after the pause, on the collecting thread (a handler that
// throws must not throw on a marker thread).
//
// Weak fields (Visitor::VisitWeak) are not followed: each worker records the slots of those
// that are not null — inline, with no call, for fields without a callback — for
// weak_processor.h, which processes every worker's records on that worker's thread
// (ProcessWeakSlots) after the pause, and refuses their referents there by the same checks
// as visits (Refuse).
//
// Threads: Mark is called by the collecting thread with the world stopped; in concurrent
// cycles Begin/AddRoots/AddGrey/Trace by the collecting thread, Assist by running mutators.
#ifndef PINION_GC_INTERNAL_MARKER_H_
#define PINION_GC_INTERNAL_MARKER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "gc/weak_member.h"
#include "roots/root_set.h"

namespace pinion::internal {

class Space;

// The weak fields a trace reported (Visitor::VisitWeak) with a non-null referent, for
// weak_processor.h: plain ones as their slot alone (8 bytes), appended by Visitor's inline
// path through its cursor; those with a callback with it and their holder.
struct WeakFieldWithCallback {
  void** slot;
  WeakCallback on_cleared;
  void* holder;
};
// A growable array of slots that is never value-initialised (the visitor's cursor writes
// past size() into the reserved tail; set_size then takes those writes in).
class SlotArray {
 public:
  void** const* begin() const { return data_.get(); }
  void** const* end() const { return data_.get() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }  // keeps the capacity, for the next cycle
  void push_back(void** slot) {
    if (size_ == capacity_) Grow(size_ + 1);
    data_[size_++] = slot;
  }
  void Append(const SlotArray& other);
  // The reserved tail [tail(), limit()), and taking in what was written to its front.
  void*** tail() { return data_.get() + size_; }
  void*** limit() { return data_.get() + capacity_; }
  void set_size(size_t size) { size_ = size; }

 private:
  void Grow(size_t at_least);
  std::unique_ptr<void**[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};
struct WeakFields {
  SlotArray plain;
  std::vector<WeakFieldWithCallback> with_callback;

  bool empty() const { return plain.empty() && with_callback.empty(); }
  void clear() {  // keeps the capacity, for the next cycle
    plain.clear();
    with_callback.clear();
  }
  void Append(const WeakFields& other) {
    plain.Append(other.plain);
    with_callback.insert(with_callback.end(), other.with_callback.begin(),
                         other.with_callback.end());
  }
};

class Marker {
 public:
  // Marks objects of `space` (refusing others); `workers` threads, the caller's included.
  Marker(int workers, const Space& space);
  ~Marker();
  Marker(const Marker&) = delete;
  Marker& operator=(const Marker&) = delete;

  // Marks everything reachable from `roots`; returns the marked bytes (cell sizes).
  uint64_t Mark(RootSet& roots) {
    Begin();
    AddRoots(roots);
    Trace();
    return live_bytes();
  }

  // The same in steps, for concurrent cycles (collector.h). Between Begin and the last Trace,
  // AddRoots/AddGrey only on the collecting thread while no Trace runs. kSkip: objects of
  // edges_hold_pins types are marked but not traced (a concurrent cycle: each of their edges
  // is a pin, so a root, and their fields are plain stores the trace would race with).
  enum class PinEdges { kTrace, kSkip };
  void Begin(PinEdges pin_edges = PinEdges::kTrace);
  void AddRoots(RootSet& roots);
  // Greys each root it is given (the collecting thread's worker).
  RootVisitor& root_visitor();
  // Marks `object` (a heap object's start) if it is not yet, and queues it for scanning.
  void AddGrey(const void* object);
  // Queues `object`, of type `raw_type`, for scanning whether or not it is marked: a minor
  // collection's old object whose fields may point at young ones (remembered_set.h).
  void AddScan(const void* object, uint16_t raw_type);
  // Scans until every queued object's subgraph is marked, on the first `threads` marker
  // threads (0: all of them; the calling thread is always one).
  void Trace(int threads = 0);
  // Bytes marked since Begin (an object two markers raced on may count twice). Any thread,
  // also while a Trace runs (the pacer's progress: a little stale then).
  uint64_t live_bytes() const;
  // Of those, what mutators' assists marked.
  uint64_t assisted_bytes() const { return assist_live_bytes_.load(std::memory_order_relaxed); }

  // A mutator's share of marking (the pacer's assist), while a concurrent Trace runs: takes
  // a chunk of work the markers shared, marks about `budget_bytes`, and shares back what it
  // did not finish. False if no work was shared (it then asks the markers for some).
  // Leftovers never get lost: an unfinished Trace takes them from the pool, and every
  // cycle ends with a Trace in its remark pause, which cannot start while an assisting
  // (running) mutator is still inside this call.
  // It checks should_stop() every 32 KiB and stops early when it says so (a pause waiting).
  bool Assist(uint64_t budget_bytes, const std::function<bool()>& should_stop);
  // True if work is waiting in the shared pool (e.g. what an assist left), for the next
  // Trace, or an assist holds some (and will share back what it leaves): the concurrent
  // phase goes on while so, or the remark pause would trace what the assist left.
  bool HasSharedWork();
  // Calls job(index, workers()) once on each marker thread (index 0: the calling thread), in
  // parallel, and returns when all returned. No Trace running.
  void OnEachThread(const std::function<void(int index, int count)>& job);
  // Calls job(slots) on each marker thread, in parallel, with the weak fields its worker
  // recorded since they were last processed (the collecting thread's call also gets those
  // of assists), then forgets them. A field of an object two markers raced on may appear
  // twice. No Trace running; `job` must be safe to run on several threads at once.
  void ProcessWeakSlots(const std::function<void(WeakFields&)>& job);
  // Whether any weak field was recorded since they were last processed. No Trace running.
  bool HasWeakFields();
  // While on, every object newly marked is also logged (no Trace running when switched);
  // TakeMarkLog returns and clears the log. For the finalization reach (weak_processor.h).
  void LogMarks(bool on);
  std::vector<const void*> TakeMarkLog();
  int workers() const { return static_cast<int>(workers_.size()); }
  // Reports the visits refused since the last call (kNotAHeapObject), each object once.
  void ReportRefused();
  // Records a refused visit for ReportRefused (any thread; also weak_processor.h's).
  [[gnu::cold, gnu::noinline]] void Refuse(const void* object, bool foreign);

 private:
  class Worker;
  void Run(Worker& worker);
  void Join(Worker& worker);  // a helper's Run, unless the trace is already done
  void HelperLoop(int index);
  void Share(std::vector<uintptr_t>&& chunk);
  // Runs job(worker) on the calling thread's worker and the first `helpers` helper threads'
  // (nullptr: marking); the other helpers sleep on.
  void RunOnAll(std::function<void(Worker&)> job, int helpers);


  const Space& space_;
  // Set by Begin, before any Trace or Assist of the cycle starts (their thread handoffs order
  // it), and read by every worker's Drain.
  bool skip_pin_edges_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> helpers_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::vector<uintptr_t>> pool_;  // guarded by pool_mu_
  int idle_ = 0;                                // guarded by pool_mu_
  int assisting_ = 0;  // guarded by pool_mu_: assists holding work taken from the pool
  // The workers that joined this Trace (guarded by pool_mu_): the caller's, then each helper
  // as it starts. Termination counts only these: a helper still waking up holds no work, so
  // the trace need not wait for it (in a VM, waking an idle vCPU can take milliseconds).
  int active_ = 0;
  bool done_ = false;                           // guarded by pool_mu_
  // Relaxed copy of idle_ > 0 read by busy workers: a stale value only delays or wastes a
  // handover; correctness rests on the locked counters.
  std::atomic<bool> idle_hint_{false};
  std::atomic<uint64_t> assist_live_bytes_{0};  // relaxed: progress, and summed after a pause
  std::mutex assist_weak_mu_;                   // leaf lock
  WeakFields assist_weak_;                      // guarded by assist_weak_mu_: assists' finds
  std::mutex refused_mu_;                       // leaf lock
  std::vector<std::pair<const void*, bool>> refused_;  // guarded by refused_mu_: (object, foreign)

  std::mutex job_mu_;
  std::condition_variable job_cv_;
  // The helpers' job when set (guarded by job_mu_, read by helpers after the epoch bump
  // orders it): a function of their worker; else marking (Run).
  std::function<void(Worker&)> job_;
  uint64_t job_epoch_ = 0;  // guarded by job_mu_: bumped to start helpers
  int helpers_running_ = 0; // guarded by job_mu_: helpers of the current job not yet done
  int job_helpers_ = 0;     // guarded by job_mu_: the current job's helpers (indices 1..n)
  int helpers_started_ = 0; // guarded by job_mu_: those of them that took the job
  bool shutdown_ = false;   // guarded by job_mu_
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_MARKER_H_
