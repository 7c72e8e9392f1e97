// The collector adapters: one per collector, all with the same interface, so every workload
// (gcbench.h, binary_trees.h) is literally the same program on Pinion, Boehm GC (as shipped
// and tuned) and malloc/free.
//
//   GC::kName                   "pinion", "boehm", "boehm-tuned", "malloc"
//   GC::Runtime                 RAII: sets the collector up; one per process, made before
//                               the workload runs (Boehm can be initialised only once)
//   GC::New<T>()                a zeroed T
//   GC::NewDoubles(n)           n doubles that are never scanned for pointers
//   GC::Scope, GC::Local<T>     rooting for a pointer held across an allocation: a
//                               HandleScope and Handle on Pinion (a precise collector), a
//                               plain pointer elsewhere (Boehm scans stacks conservatively)
//   GC::Delete(tree)            frees a tree (malloc only; the collectors do nothing)
//   GC::DeleteDoubles(array)    frees an array from NewDoubles (malloc only)
//   GC::stats()                 collections and the longest pause so far
//
// Tree node types have `left` and `right` pointer members and nothing else to trace.
#ifndef PINION_BENCHMARKS_ADAPTERS_H_
#define PINION_BENCHMARKS_ADAPTERS_H_

#include <gc.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "gc/heap.h"
#include "gc/visitor.h"
#include "roots/handles.h"

namespace pinion::bench {

struct Stats {
  uint64_t collections = 0;
  double max_pause_ms = 0;
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

  // The benchmarks use the default HeapConfig: what a user gets without tuning.
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
  static void TraceTree(void* object, Visitor& visitor) {
    visitor.Visit(static_cast<T*>(object)->left);
    visitor.Visit(static_cast<T*>(object)->right);
  }
  template <class T>
  static inline const TypeId kTreeType = RegisterType({"TreeNode", sizeof(T), &TraceTree<T>});
  // No trace callback: the marker never scans the array.
  static inline const TypeId kDoublesType = RegisterType({"Doubles", 0, nullptr});

  template <class T>
  static T* New() {
    return pinion::New<T>(kTreeType<T>);
  }
  static double* NewDoubles(size_t n) {
    return static_cast<double*>(Allocate(kDoublesType, n * sizeof(double)));
  }
  using Scope = HandleScope;
  template <class T>
  using Local = Handle<T>;
  template <class T>
  static void Delete(T*) {}
  static void DeleteDoubles(double*) {}
  static Stats stats() {
    const HeapStats s = Runtime::heap_ptr_->stats();
    return {s.collections, s.max_pause_ms};
  }
};

// ---- Boehm GC ------------------------------------------------------------------------------

// Boehm's pauses: GC_EVENT_START to GC_EVENT_END of each collection, which for its
// non-incremental collector is the stop-the-world part (sweeping is lazy, done by allocation).
class BoehmPauses {
 public:
  static void Install() { GC_set_on_collection_event(&OnEvent); }
  static double max_ms() { return max_ms_; }

 private:
  // Called with Boehm's allocation lock held, so the statics need no other protection.
  static void OnEvent(GC_EventType event) {
    if (event == GC_EVENT_START) start_ = std::chrono::steady_clock::now();
    if (event == GC_EVENT_END) {
      const std::chrono::duration<double, std::milli> pause =
          std::chrono::steady_clock::now() - start_;
      max_ms_ = std::max(max_ms_, pause.count());
    }
  }
  static inline std::chrono::steady_clock::time_point start_;
  static inline double max_ms_ = 0;
};

// kTuned is what a performance-minded user does: no interior pointers from the heap (every
// pointer here is to an object's start), and the parallel marker threads started explicitly
// (libgc starts them on its own only when a second client thread is created, which these
// single-threaded workloads never do).
template <bool kTuned>
struct BoehmAdapter {
  static constexpr const char* kName = kTuned ? "boehm-tuned" : "boehm";

  class Runtime {
   public:
    Runtime() {
      if (kTuned) GC_set_all_interior_pointers(0);  // must precede GC_INIT
      GC_INIT();
      BoehmPauses::Install();
      if (kTuned) GC_start_mark_threads();
    }
  };

  template <class T>
  static T* New() {
    return static_cast<T*>(GC_MALLOC(sizeof(T)));  // cleared by Boehm
  }
  static double* NewDoubles(size_t n) {
    return static_cast<double*>(GC_MALLOC_ATOMIC(n * sizeof(double)));
  }
  using Scope = NoScope;
  template <class T>
  using Local = PlainLocal<T>;
  template <class T>
  static void Delete(T*) {}
  static void DeleteDoubles(double*) {}
  static Stats stats() { return {GC_get_gc_no(), BoehmPauses::max_ms()}; }
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
  static double* NewDoubles(size_t n) { return new double[n](); }
  using Scope = NoScope;
  template <class T>
  using Local = PlainLocal<T>;
  template <class T>
  static void Delete(T* tree) {
    if (tree == nullptr) return;
    Delete(tree->left);
    Delete(tree->right);
    delete tree;
  }
  static void DeleteDoubles(double* array) { delete[] array; }
  static Stats stats() { return {}; }
};

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_ADAPTERS_H_
