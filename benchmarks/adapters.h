// The collector adapters: one per collector, all with the same interface, so every workload
// (gcbench.h, binary_trees.h, pauses.h) is literally the same program on Pinion (stop-the-world
// and concurrent), Boehm GC (as shipped, tuned, incremental) and malloc/free.
//
//   GC::kName                   "pinion", "pinion-concurrent", "pinion-gen", "boehm",
//                               "boehm-tuned",
//                               "boehm-incremental", "malloc"
//   GC::Runtime                 RAII: sets the collector up; one per process, made before
//                               the workload runs (Boehm can be initialised only once)
//   GC::ThreadAttach            RAII, on each other thread that runs a workload: attaches it
//                               (Pinion: ThreadScope; Boehm: GC_register_my_thread)
//   GC::Idle                    RAII, on the main thread while it waits for those: Pinion's
//                               NativeRegion (collections do not wait for it); nothing
//                               elsewhere
//   GC::Field<T>                the type of a traced pointer field to a T: T*, except on
//                               pinion-concurrent and pinion-gen, whose modes require
//                               Member<T>
//                               (gc/member.h: the write barrier)
//   GC::New<T>()                a T whose fields are zero (and null)
//   GC::NewDoubles(n)           n doubles that are never scanned for pointers
//   GC::NewArray<S>(n)          a PointerArray<S> of n null slots of field type S, all traced
//   GC::Scope, GC::Local<T>     rooting for a pointer held across an allocation: a
//                               HandleScope and Handle on Pinion (a precise collector), a
//                               plain pointer elsewhere (Boehm scans stacks conservatively)
//   GC::Delete(tree)            frees a tree (malloc only; the collectors do nothing)
//   GC::DeleteDoubles(array)    frees an array from NewDoubles (malloc only)
//   GC::DeleteArray(array)      frees a PointerArray, not what it points to (malloc only)
//   GC::stats()                 collections and the longest pause so far
//   GC::PauseLog                Start(), Poll(), Stop(): every pause between Start and Stop
//                               (pauses.h; see each adapter for what a pause is)
//
// Tree node types are templates on the adapter, with `left` and `right` fields of type
// GC::Field<Node> and nothing else to trace. So each collector runs the workload as its users
// would write it: raw pointers where the collector allows them, Member<T> where Pinion's
// concurrent mode requires it, and the existing rows of //benchmarks:compare run exactly the
// code they ran before. (Member everywhere would also be one program, at a cost: instructions
// under cachegrind, depth-16 binary-trees / GCBench, with Member instead of raw fields: malloc
// +11% / +6%, Boehm +15% / +11%, Pinion stop-the-world +3% / +6%, the last within noise in
// CPU time.)
#ifndef PINION_BENCHMARKS_ADAPTERS_H_
#define PINION_BENCHMARKS_ADAPTERS_H_

// Boehm's thread registration (GC_allow_register_threads, GC_register_my_thread) is declared
// only with GC_THREADS; Debian's libgc is built with thread support.
#define GC_THREADS
#include <gc.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#include "gc/heap.h"
#include "gc/member.h"
#include "gc/visitor.h"
#include "roots/handles.h"
#include "roots/native_region.h"

namespace pinion::bench {

struct Stats {
  uint64_t collections = 0;
  double max_pause_ms = 0;
};

// A fixed-length array of traced pointers: the length, then `size()` slots of type Slot
// (a GC::Field<T>: T* or Member<T>). Made by GC::NewArray<Slot>(n), which allocates Bytes(n)
// and calls Init; never resized.
template <class Slot>
class PointerArray {
 public:
  static_assert(sizeof(Slot) == sizeof(void*) && alignof(Slot) <= 8);
  static size_t Bytes(size_t n) { return sizeof(PointerArray) + n * sizeof(Slot); }
  // On zeroed memory of Bytes(n): constructs the slots (null) and sets the length.
  static PointerArray* Init(void* memory, size_t n) {
    auto* array = static_cast<PointerArray*>(memory);
    array->size_ = n;
    for (size_t i = 0; i < n; ++i) new (&array->slots()[i]) Slot();
    return array;
  }
  size_t size() const { return size_; }
  Slot& operator[](size_t i) { return slots()[i]; }
  const Slot& operator[](size_t i) const { return slots()[i]; }

 private:
  Slot* slots() { return reinterpret_cast<Slot*>(this + 1); }
  const Slot* slots() const { return reinterpret_cast<const Slot*>(this + 1); }
  uint64_t size_;  // written before the array is reachable; read-only after
};
static_assert(sizeof(PointerArray<int*>) == 8 && alignof(PointerArray<int*>) == 8);

// What a PauseLog hands back: every pause (ms) between Start and Stop, how many of them are
// estimates rather than measurements (PinionAdapter::PauseLog says when), and how many times
// the mutator had to wait for a concurrent cycle (HeapStats::mutator_waits; Pinion only).
struct PauseSamples {
  std::vector<double> pauses_ms;
  uint64_t approximated = 0;
  uint64_t mutator_waits = 0;
};

// Rooting for the collectors that need none. (The user-provided constructors keep
// -Wunused-variable quiet about scopes that exist only for Pinion's sake.)
class NoScope {
 public:
  NoScope() {}
};

template <class T>
class PlainLocal {
 public:
  explicit PlainLocal(T* object) : object_(object) {}
  T* get() const { return object_; }

 private:
  T* object_;
};

// ---- Pinion --------------------------------------------------------------------------------

struct PinionAdapter {
  static constexpr const char* kName = "pinion";

  // The benchmarks use the default HeapConfig: what a user gets without tuning (the
  // concurrent adapter below changes only the mode).
  class Runtime {
   public:
    explicit Runtime(const HeapConfig& config = HeapConfig()) : heap_(config), attach_(heap_) {
      heap_ptr_ = &heap_;
    }
    ~Runtime() { heap_ptr_ = nullptr; }

   private:
    friend struct PinionAdapter;
    Heap heap_;
    ThreadScope attach_;  // destroyed first: the thread detaches before the heap goes
    static inline Heap* heap_ptr_ = nullptr;
  };

  template <class T>
  using Field = T*;

  template <class T>
  static void TraceTree(void* object, Visitor& visitor) {
    visitor.Visit(static_cast<T*>(object)->left);
    visitor.Visit(static_cast<T*>(object)->right);
  }
  template <class T>
  static inline const TypeId kTreeType = RegisterType({"TreeNode", sizeof(T), &TraceTree<T>});
  // No trace callback: the marker never scans the array.
  static inline const TypeId kDoublesType = RegisterType({"Doubles", 0, nullptr});
  template <class Slot>
  static void TraceArray(void* object, Visitor& visitor) {
    const PointerArray<Slot>& array = *static_cast<const PointerArray<Slot>*>(object);
    for (size_t i = 0; i < array.size(); ++i) visitor.Visit(array[i]);
  }
  template <class Slot>
  static inline const TypeId kArrayType =
      RegisterType({"PointerArray", sizeof(PointerArray<Slot>), &TraceArray<Slot>});

  template <class T>
  static T* New() {
    return pinion::New<T>(kTreeType<T>);
  }
  static double* NewDoubles(size_t n) {
    return static_cast<double*>(Allocate(kDoublesType, n * sizeof(double)));
  }
  template <class Slot>
  static PointerArray<Slot>* NewArray(size_t n) {
    return PointerArray<Slot>::Init(Allocate(kArrayType<Slot>, PointerArray<Slot>::Bytes(n)),
                                    n);
  }
  // Multi-threaded runs: each worker thread attaches for its lifetime; the main thread, which
  // only waits for them, waits in a native region (collections do not wait for it).
  class ThreadAttach {
    ThreadScope scope_{*Runtime::heap_ptr_};
  };
  using Idle = NativeRegion;
  using Scope = HandleScope;
  template <class T>
  using Local = Handle<T>;
  template <class T>
  static void Delete(T*) {}
  static void DeleteDoubles(double*) {}
  template <class Slot>
  static void DeleteArray(PointerArray<Slot>*) {}
  static Stats stats() {
    const HeapStats s = heap_stats();
    return {s.collections, s.max_pause_ms};
  }
  static HeapStats heap_stats() { return Runtime::heap_ptr_->stats(); }

  // Pinion's pauses: every stop-the-world pause HeapStats records (one per stop-the-world
  // cycle; start and remark per concurrent one), from the time the collector asks the world
  // to stop until it has resumed it. HeapStats keeps only aggregates over the heap's life, so
  // the log diffs snapshots: Poll() (call it often, e.g. every millisecond of mutator time)
  // takes a snapshot, and each pause since the previous one is known exactly when it is the
  // newest (last_pause_ms), the new maximum (max_pause_ms), or the only other one (the
  // difference of total_pause_ms). Any further pauses between two polls are estimated as
  // the geometric middle of their pause_histogram bucket and counted in `approximated`.
  class PauseLog {
   public:
    void Start() {
      last_ = heap_stats();
      start_waits_ = last_.mutator_waits;
      samples_ = {};
    }
    void Poll() {
      const HeapStats now = heap_stats();
      const uint64_t count = now.pauses - last_.pauses;
      if (count > 0) Attribute(now, count);
      last_ = now;
    }
    PauseSamples Stop() {
      Poll();
      samples_.mutator_waits = last_.mutator_waits - start_waits_;
      return std::move(samples_);
    }

   private:
    // The bucket of pause_histogram a pause falls in (as gc/internal/stats.cc files it).
    static size_t Bucket(double ms) {
      const double us = ms * 1000.0;
      const size_t bucket = us < 1.0 ? 0 : static_cast<size_t>(std::floor(std::log2(us))) + 1;
      return std::min(bucket, HeapStats().pause_histogram.size() - 1);
    }
    void Attribute(const HeapStats& now, uint64_t count) {
      std::vector<double> known = {now.last_pause_ms};
      if (count >= 2 && now.max_pause_ms > last_.max_pause_ms &&
          now.max_pause_ms != now.last_pause_ms) {
        known.push_back(now.max_pause_ms);
      }
      const uint64_t unknown = count - known.size();
      if (unknown == 1) {
        double rest = now.total_pause_ms - last_.total_pause_ms;
        for (double ms : known) rest -= ms;
        samples_.pauses_ms.push_back(std::max(0.0, rest));
      } else if (unknown > 1) {
        std::array<uint64_t, 24> delta{};
        for (size_t i = 0; i < delta.size(); ++i) {
          delta[i] = now.pause_histogram[i] - last_.pause_histogram[i];
        }
        for (double ms : known) {
          if (delta[Bucket(ms)] > 0) --delta[Bucket(ms)];
        }
        uint64_t added = 0;
        for (size_t i = 0; i < delta.size() && added < unknown; ++i) {
          // Bucket i holds [2^(i-1), 2^i) us; bucket 0 everything below 1 us.
          const double ms = (i == 0 ? 0.5 : std::exp2(i - 0.5)) / 1000.0;
          for (uint64_t k = 0; k < delta[i] && added < unknown; ++k, ++added) {
            samples_.pauses_ms.push_back(ms);
          }
        }
        samples_.approximated += unknown;
      }
      samples_.pauses_ms.insert(samples_.pauses_ms.end(), known.begin(), known.end());
    }

    HeapStats last_;
    uint64_t start_waits_ = 0;
    PauseSamples samples_;
  };
};

// Pinion in concurrent mode (HeapConfig::mode = kConcurrent), otherwise the same defaults;
// its traced fields are Member<T>, as the mode requires.
struct PinionConcurrentAdapter : PinionAdapter {
  static constexpr const char* kName = "pinion-concurrent";
  template <class T>
  using Field = Member<T>;

  class Runtime : public PinionAdapter::Runtime {
   public:
    explicit Runtime(HeapConfig config = HeapConfig())
        : PinionAdapter::Runtime(Concurrent(std::move(config))) {}

   private:
    static HeapConfig Concurrent(HeapConfig config) {
      config.mode = CollectorMode::kConcurrent;
      return config;
    }
  };
};

// Pinion generational (HeapConfig::generational, stop-the-world), otherwise the same
// defaults; its traced fields are Member<T>, whose barrier remembers old-to-young stores.
struct PinionGenerationalAdapter : PinionAdapter {
  static constexpr const char* kName = "pinion-gen";
  template <class T>
  using Field = Member<T>;

  class Runtime : public PinionAdapter::Runtime {
   public:
    explicit Runtime(HeapConfig config = HeapConfig())
        : PinionAdapter::Runtime(Generational(std::move(config))) {}

   private:
    static HeapConfig Generational(HeapConfig config) {
      config.generational = true;
      return config;
    }
  };
};

// ---- Boehm GC ------------------------------------------------------------------------------

// Boehm's pauses, from its collection events (all delivered with the allocation lock held,
// by the thread that collects: here always the one mutator):
//  - a full collection, GC_EVENT_START to GC_EVENT_END: for the non-incremental collector
//    that is every collection, stop-the-world mark plus the start of the (lazy) sweep;
//  - in incremental mode collections do not send START/END: a pause is each world-stopped
//    mark, GC_EVENT_PRE_STOP_WORLD to GC_EVENT_POST_START_WORLD, extended to
//    GC_EVENT_RECLAIM_END when the mark completed (MARK_END) and the collection was finished
//    under the same lock. The increments of marking that allocation does with the world
//    running (GC_collect_a_little) send no event and are not counted as pauses.
// Sweeping is lazy, done by allocation, in both modes and in Pinion's.
class BoehmPauses {
 public:
  static void Install() { GC_set_on_collection_event(&OnEvent); }
  static double max_ms() { return max_ms_; }

  // Every pause from StartLog to StopLog.
  static void StartLog() {
    GC_call_with_alloc_lock(
        [](void*) -> void* {
          log_.clear();
          log_.reserve(1 << 16);  // no reallocation in the callback, normally
          logging_ = true;
          return nullptr;
        },
        nullptr);
  }
  static std::vector<double> StopLog() {
    std::vector<double> taken;
    GC_call_with_alloc_lock(
        [](void* out) -> void* {
          logging_ = false;
          static_cast<std::vector<double>*>(out)->swap(log_);
          return nullptr;
        },
        &taken);
    return taken;
  }

 private:
  using Clock = std::chrono::steady_clock;
  // Called with Boehm's allocation lock held, so the statics need no other protection.
  static void OnEvent(GC_EventType event) {
    const Clock::time_point now = Clock::now();
    switch (event) {
      case GC_EVENT_START:
        in_collection_ = true;
        start_ = now;
        break;
      case GC_EVENT_END:
        if (in_collection_) Record(now - start_);
        in_collection_ = false;
        break;
      case GC_EVENT_PRE_STOP_WORLD:
        if (!in_collection_) {
          in_stop_ = true;
          mark_done_ = false;
          start_ = now;
        }
        break;
      case GC_EVENT_MARK_END:
        mark_done_ = true;
        break;
      case GC_EVENT_POST_START_WORLD:
        if (in_stop_ && !mark_done_) {  // marking abandoned at the time limit
          Record(now - start_);
          in_stop_ = false;
        }
        break;
      case GC_EVENT_RECLAIM_END:
        if (in_stop_) {
          Record(now - start_);
          in_stop_ = false;
        }
        break;
      default:
        break;
    }
  }
  static void Record(Clock::duration pause) {
    const double ms = std::chrono::duration<double, std::milli>(pause).count();
    max_ms_ = std::max(max_ms_, ms);
    if (logging_) log_.push_back(ms);
  }
  static inline Clock::time_point start_;
  static inline bool in_collection_ = false, in_stop_ = false, mark_done_ = false;
  static inline double max_ms_ = 0;
  static inline bool logging_ = false;
  static inline std::vector<double> log_;
};

// kTuned is what a performance-minded user does: no interior pointers from the heap (every
// pointer here is to an object's start), and the parallel marker threads started explicitly
// (libgc starts them on its own only when a second client thread is created, which these
// single-threaded workloads never do). kIncremental: as shipped, plus GC_enable_incremental(),
// Boehm's own answer to pause times: marking in steps between allocations, with virtual dirty
// bits. Debian's libgc 8.2 leaves GC_time_limit at GC_TIME_UNLIMITED, which gc.h says reduces
// it to generational collection; GC_PAUSE_TIME_TARGET=ms in the environment sets a limit.
template <bool kTuned, bool kIncremental = false>
struct BoehmAdapter {
  static_assert(!(kTuned && kIncremental), "not a configuration the benchmarks use");
  static constexpr const char* kName =
      kTuned ? "boehm-tuned" : kIncremental ? "boehm-incremental" : "boehm";

  class Runtime {
   public:
    Runtime() {
      if (kTuned) GC_set_all_interior_pointers(0);  // must precede GC_INIT
      GC_INIT();
      GC_allow_register_threads();  // ThreadAttach
      if (kIncremental) GC_enable_incremental();
      BoehmPauses::Install();
      if (kTuned) GC_start_mark_threads();
    }
  };

  template <class T>
  using Field = T*;

  template <class T>
  static T* New() {
    return static_cast<T*>(GC_MALLOC(sizeof(T)));  // cleared by Boehm
  }
  static double* NewDoubles(size_t n) {
    return static_cast<double*>(GC_MALLOC_ATOMIC(n * sizeof(double)));
  }
  template <class Slot>
  static PointerArray<Slot>* NewArray(size_t n) {
    return PointerArray<Slot>::Init(GC_MALLOC(PointerArray<Slot>::Bytes(n)), n);
  }
  // Boehm's thread support: a worker thread registers itself (its stack is then scanned and
  // it is stopped by signals in collections).
  class ThreadAttach {
   public:
    ThreadAttach() {
      GC_stack_base base;
      GC_get_stack_base(&base);
      GC_register_my_thread(&base);
    }
    ~ThreadAttach() { GC_unregister_my_thread(); }
    ThreadAttach(const ThreadAttach&) = delete;
    ThreadAttach& operator=(const ThreadAttach&) = delete;
  };
  using Idle = NoScope;
  using Scope = NoScope;
  template <class T>
  using Local = PlainLocal<T>;
  template <class T>
  static void Delete(T*) {}
  static void DeleteDoubles(double*) {}
  template <class Slot>
  static void DeleteArray(PointerArray<Slot>*) {}
  static Stats stats() { return {GC_get_gc_no(), BoehmPauses::max_ms()}; }

  class PauseLog {
   public:
    void Start() { BoehmPauses::StartLog(); }
    void Poll() {}
    PauseSamples Stop() { return {BoehmPauses::StopLog(), 0}; }
  };
};

// ---- malloc/free ---------------------------------------------------------------------------

struct MallocAdapter {
  static constexpr const char* kName = "malloc";

  class Runtime {
   public:
    Runtime() {}
  };

  template <class T>
  static T* New() {
    return new T();  // value-initialised: zeroed
  }
  template <class T>
  using Field = T*;

  static double* NewDoubles(size_t n) { return new double[n](); }
  template <class Slot>
  static PointerArray<Slot>* NewArray(size_t n) {
    return PointerArray<Slot>::Init(std::calloc(1, PointerArray<Slot>::Bytes(n)), n);
  }
  using ThreadAttach = NoScope;
  using Idle = NoScope;
  using Scope = NoScope;
  template <class T>
  using Local = PlainLocal<T>;
  template <class T>
  static void Delete(T* tree) {
    if (tree == nullptr) return;
    Delete(static_cast<T*>(tree->left));
    Delete(static_cast<T*>(tree->right));
    delete tree;
  }
  static void DeleteDoubles(double* array) { delete[] array; }
  template <class Slot>
  static void DeleteArray(PointerArray<Slot>* array) {
    std::free(array);
  }
  static Stats stats() { return {}; }

  class PauseLog {
   public:
    void Start() {}
    void Poll() {}
    PauseSamples Stop() { return {}; }
  };
};

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_ADAPTERS_H_
