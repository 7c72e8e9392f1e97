// Pinion's heap: a non-moving mark-sweep garbage-collected heap for language runtimes.
//
// Contract, in the order an embedder meets it:
//
//  1. Describe each object layout once with RegisterType(): its size, a trace callback that
//     visits every pointer field, and optionally a finalizer. Types are process-wide.
//  2. Create a Heap (one or more per process), then attach every thread that touches it with
//     a ThreadScope. Allocation, pinning and handles need an attached thread.
//  3. Allocate with Allocate()/New<T>(): memory comes back zeroed, 8-byte aligned, and is
//     owned by the collector. There is no free().
//  4. Keep objects alive by making them reachable from roots: handles (roots/handles.h),
//     global roots (roots/root_set.h) and pins (pinning/pin.h). A raw pointer that is not
//     rooted stays valid only until the thread's next safepoint; every allocation is one, and
//     so is Safepoint(), which long loops that do not allocate must call.
//  5. Collections run when allocation since the last one exceeds the live size times
//     (growth_factor - 1), or on Collect(). Past heap_limit_bytes allocation fails cleanly:
//     TryAllocate returns nullptr, Allocate throws std::bad_alloc, after the
//     on_out_of_memory callback has had its chance to release memory.
//
// Trace callbacks run on collector threads during a pause: they may only read the object
// and call visitor.Visit(). Finalizers run after the pause on the thread that sweeps the
// dead object's page; they may release outside resources but must not touch other heap
// objects (those may already be reclaimed), allocate, or pin.
//
// Threads: Allocate/New/TryAllocate/Safepoint from attached threads only; Collect and stats
// from any thread; RegisterType from any thread, before objects of the type are allocated.
#ifndef PINION_GC_HEAP_H_
#define PINION_GC_HEAP_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <utility>

#include "gc/errors.h"
#include "gc/internal/thread_state.h"
#include "gc/internal/type_registry.h"
#include "gc/type.h"
#include "roots/root_set.h"

namespace pinion {

// ---- Heap ----------------------------------------------------------------------------------

enum class CollectorMode {
  // Every cycle marks with the world stopped: the simplest, and the highest throughput.
  kStopTheWorld,
  // Marking runs on background threads while mutators run; two short pauses per cycle
  // (start: roots; remark: barrier buffers). Traced fields must be Member<T> (gc/member.h).
  kConcurrent,
};

// Every field can also be set from the environment, which wins over the code (so a runtime's
// users can switch without rebuilding) unless from_environment is false:
// PINION_MODE=stw|concurrent, PINION_MARKERS=N, PINION_BACKGROUND_MARKERS=N, PINION_GROWTH=F,
// PINION_HEAP_LIMIT=BYTES[k|m|g], PINION_TORTURE=N, PINION_TRACE=1, PINION_GENERATIONAL=0|1.
struct HeapConfig {
  CollectorMode mode = CollectorMode::kStopTheWorld;
  // Generational (stop-the-world mode only, so far): minor collections mark only the objects
  // allocated since the last collection, plus what remembered old objects point to; full
  // ones run when the old generation has grown by half the growth (docs/architecture.md,
  // "Generations"). Objects never move: survivors are promoted in place. Every traced field
  // must be a Member<T> (or written with pinion::Store), or its type declared
  // TypeInfo::unprotected. With kConcurrent this is a kBadArgument report, and the heap is
  // not generational.
  bool generational = false;
  // Allocation before the first collection, and the least between any two.
  size_t min_heap_bytes = size_t{8} << 20;
  // The next collection starts once allocation since the last reaches live * (factor - 1),
  // so the heap peaks near live * factor. Measured on binary-trees (depth 18): 2 -> 123
  // cycles, 38 MB peak RSS; 2.5 -> 81 cycles, 47 MB; 3 -> 61 cycles, 57 MB. Concurrent
  // heaps: the pacer starts cycles so that marking ends as the committed heap reaches the
  // traced live size * factor, and mutators assist when marking falls behind
  // (docs/architecture.md, "The pacer").
  double growth_factor = 2.5;
  // Hard cap on the memory the heap commits (pages + large objects); 0 means no cap.
  size_t heap_limit_bytes = 0;
  // Threads that mark in parallel in a pause, the collecting thread included; 0: one per
  // hardware thread.
  int marker_threads = 0;
  // Concurrent mode: threads that mark while the mutators run, the background collector
  // thread included; 0: a quarter of marker_threads, rounded, at least one (Go's 25% of the
  // CPU), so that marking leaves the mutators their cores. At most marker_threads.
  int background_marker_threads = 0;
  // Called when an allocation would pass heap_limit_bytes even after a collection. Return
  // true after releasing memory (e.g. dropping caches) to collect and retry, false to fail.
  std::function<bool(size_t bytes)> on_out_of_memory;
  // Print one line per collection to stderr.
  bool trace = false;
  // GC torture, for testing: a cycle starts every `torture_interval` allocations of each
  // thread (0: off). Allocation then always takes the slow path.
  uint64_t torture_interval = 0;
  // Whether the PINION_* environment variables above override this configuration. Tests
  // that choose their mode themselves set it to false.
  bool from_environment = true;
};

struct HeapStats {
  uint64_t collections = 0;
  // Of those, minor collections of a generational heap (HeapConfig::generational).
  uint64_t minor_collections = 0;
  uint64_t bytes_allocated = 0;  // total handed out to threads since the heap was created
  // Marked by the last collection (cell sizes). After a minor collection of a generational
  // heap: the old generation, the last full collection's live bytes plus all promoted since.
  uint64_t live_bytes = 0;
  uint64_t heap_bytes = 0;       // committed now: in-use and cached pages + large objects
  uint64_t peak_heap_bytes = 0;
  // Every stop-the-world pause: one per stop-the-world cycle, two per concurrent one.
  uint64_t pauses = 0;
  double last_pause_ms = 0, max_pause_ms = 0, p99_pause_ms = 0, median_pause_ms = 0;
  double total_pause_ms = 0;
  double mark_ms = 0, sweep_ms = 0;  // totals over all collections
  // Total time from a collection's last pause to the end of its clearing of weak references
  // (gc/weak_member.h), off the pause: while it runs, weak reads and stores take a slow path
  // and the sweep waits. Part of sweep_ms.
  double weak_clear_ms = 0;
  // Concurrent mode: times a mutator did marking work because marking ran behind the
  // pacer's schedule (assists; docs/architecture.md, "The pacer") and the total time they
  // took, and times one waited for a cycle's marking to end (past the pacer's hard limit).
  uint64_t assists = 0, mutator_waits = 0;
  double assist_ms = 0;
  // pause_histogram[i] counts pauses in [2^(i-1), 2^i) microseconds; [0] is < 1 us.
  std::array<uint64_t, 24> pause_histogram{};
};

class Heap {
 public:
  explicit Heap(const HeapConfig& config = HeapConfig());
  // Every thread must have detached (kHeapInUse otherwise). Runs the finalizers of all
  // objects still allocated, then returns all memory to the OS.
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // A full collection: mark, then sweep everything before returning. kDefault runs a cycle of
  // the heap's mode; kStopTheWorld marks with the world stopped even on a concurrent heap,
  // which is what collects cycles of edges_hold_pins objects (concurrent cycles subtract no
  // pins: gc/finalization.h) and leaves no floating garbage, at the cost of a pause
  // proportional to the live heap. kMinor, on a generational heap, collects only the objects
  // allocated since the last collection (HeapConfig::generational); elsewhere it is kDefault.
  enum class Kind { kDefault, kStopTheWorld, kMinor };
  void Collect(Kind kind = Kind::kDefault);
  HeapStats stats() const;
  RootSet& roots();
  const HeapConfig& config() const;

  internal::HeapImpl& impl() { return *impl_; }

 private:
  std::unique_ptr<internal::HeapImpl> impl_;
};

// Attaches the calling thread to `heap` for the scope's lifetime. A thread attaches to at
// most one heap at a time (kBadNesting). A thread that exits while attached is detached
// and reported (kThreadExitAttached).
class ThreadScope {
 public:
  explicit ThreadScope(Heap& heap);
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  internal::ThreadState* state_;
};

// ---- Allocation ----------------------------------------------------------------------------

namespace internal {
void* AllocateSlow(TypeId type, size_t payload_bytes, bool throw_on_failure);

// The inline fast path: a cell from the calling thread's own page, or nullptr for the slow
// path, which also reports every misuse (no thread, a thread inside a native region, an
// invalid type) and handles finalizable and large objects, and the poll: allocation is a
// safepoint. `mode` is written only by the thread itself, so the relaxed load reads its own
// latest store; `interrupt` as in Safepoint().
[[gnu::always_inline]] inline void* AllocateFast(TypeId type, size_t payload_bytes) {
  ThreadState* thread = ThreadState::Current();
  if (thread == nullptr || payload_bytes > kMaxSmallCell || !type.valid() ||
      type.finalizable() ||
      thread->mode.load(std::memory_order_relaxed) != ThreadMode::kRunning ||
      thread->interrupt.load(std::memory_order_relaxed)) {
    return nullptr;
  }
  return thread->allocator.TryAllocateFast(type.raw(), payload_bytes);
}
}  // namespace internal

// Returns zeroed memory for an object of `type`, `payload_bytes` long (at least the
// type's size for fixed-size objects; more for variable-length ones). Throws std::bad_alloc
// past the heap limit. A safepoint.
[[gnu::always_inline]] inline void* Allocate(TypeId type, size_t payload_bytes) {
  if (void* object = internal::AllocateFast(type, payload_bytes)) [[likely]] return object;
  return internal::AllocateSlow(type, payload_bytes, /*throw_on_failure=*/true);
}
[[gnu::always_inline]] inline void* Allocate(TypeId type) {
  return Allocate(type, internal::TypeInfoAt(type.raw()).size);
}

// As Allocate, but returns nullptr instead of throwing std::bad_alloc when memory is
// exhausted. (A misuse report still reaches the misuse handler, which may throw.)
inline void* TryAllocate(TypeId type, size_t payload_bytes) {
  if (void* object = internal::AllocateFast(type, payload_bytes)) [[likely]] return object;
  return internal::AllocateSlow(type, payload_bytes, /*throw_on_failure=*/false);
}

// Allocates and constructs a T. Pinion never runs ~T(): give the type a finalizer if it owns
// outside resources.
template <class T, class... Args>
[[gnu::always_inline]] inline T* New(TypeId type, Args&&... args) {
  return new (Allocate(type, sizeof(T))) T(std::forward<Args>(args)...);
}

// A safepoint poll: parks the thread if a collection is waiting for it, and reports its
// roots if a concurrent cycle asked for them (its handshake).
inline void Safepoint() {
  internal::ThreadState* thread = internal::ThreadState::Current();
  // Relaxed: a stale `false` only delays the poll (ThreadRecord::interrupt).
  if (thread != nullptr && thread->interrupt.load(std::memory_order_relaxed)) [[unlikely]] {
    thread->roots.threads().Poll(thread);
  }
}

// ---- Object queries ------------------------------------------------------------------------

// If `address` points into a live-or-unswept object of any Pinion heap, the object's start;
// else nullptr. O(1).
void* FindObject(const void* address);
// The usable payload bytes of `object` (at least what was asked for).
size_t ObjectSize(const void* object);

}  // namespace pinion

#endif  // PINION_GC_HEAP_H_
