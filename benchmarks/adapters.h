// One adapter per collector, all with the same interface, so every workload is literally
// the same program on Pinion, Boehm GC (as shipped and tuned) and malloc/free.
//
//   Adapter::kName                    "pinion", "boehm", "boehm-tuned", "malloc"
//   Adapter::Runtime                  RAII: sets the collector up for this process
//   Adapter::New<T>()                 a zeroed T
//   Adapter::NewDoubles(n)            n doubles, not scanned for pointers
//   Adapter::Scope, Adapter::Local<T> rooting for pointers held across allocations: a
//                                     HandleScope/Handle on Pinion (precise), a plain
//                                     pointer elsewhere (Boehm scans stacks conservatively)
//   Adapter::DeleteTree(t)            frees a tree (malloc only; the collectors do nothing)
//   Adapter::DeleteDoubles(a)
//   Adapter::Stats()                  collections and max pause so far
//
// Tree node types have `left` and `right` pointer members.
#ifndef PINION_BENCHMARKS_ADAPTERS_H_
#define PINION_BENCHMARKS_ADAPTERS_H_

#include <gc.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "gc/heap.h"
#include "roots/handles.h"

namespace pinion::bench {

struct CollectorStats {
  uint64_t collections = 0;
  double max_pause_ms = 0;
};

template <class T>
class PlainLocal {
 public:
  explicit PlainLocal(T* object) : object_(object) {}
  T* get() const { return object_; }

 private:
  T* object_;
};

struct NoScope {};

// ---- Pinion ----

struct PinionAdapter {
  static constexpr const char* kName = "pinion";

  class Runtime {
   public:
    Runtime() : attach_(heap_) { current_ = this; }
    ~Runtime() { current_ = nullptr; }
    static Runtime& current() { return *current_; }
    Heap& heap() { return heap_; }

   private:
    Heap heap_;  // default HeapConfig: what a user gets without tuning
    ThreadScope attach_;
    static inline Runtime* current_ = nullptr;
  };

  template <class T>
  static void TraceTree(void* object, Visitor& visitor) {
    visitor.Visit(static_cast<T*>(object)->left);
    visitor.Visit(static_cast<T*>(object)->right);
  }
  template <class T>
  static inline const TypeId kTreeType = RegisterType({"TreeNode", sizeof(T), &TraceTree<T>});
  static inline const TypeId kDoubles = RegisterType({"Doubles", 0});

  template <class T>
  static T* New() {
    return pinion::New<T>(kTreeType<T>);
  }
  static double* NewDoubles(size_t n) {
    return static_cast<double*>(Allocate(kDoubles, n * sizeof(double)));
  }
  using Scope = HandleScope;
  template <class T>
  using Local = Handle<T>;
  template <class T>
  static void DeleteTree(T*) {}
  static void DeleteDoubles(double*) {}
  static CollectorStats Stats() {
    const HeapStats s = Runtime::current().heap().stats();
    return {s.collections, s.max_pause_ms};
  }
};

// ---- Boehm GC ----

// Boehm's pauses: from GC_EVENT_START to GC_EVENT_END of each collection, which for its
// non-incremental collector is the stop-the-world part (sweeping is lazy, done by allocation).
class BoehmPauses {
 public:
  static void Install() { GC_set_on_collection_event(&OnEvent); }
  static double max_ms() { return max_ms_; }

 private:
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

// kTuned: what a performance-minded user does: no interior pointers (every pointer here
// points at an object's start), and the parallel marker threads started explicitly.
template <bool kTuned>
struct BoehmAdapter {
  static constexpr const char* kName = kTuned ? "boehm-tuned" : "boehm";

  class Runtime {
   public:
    Runtime() {
      if (kTuned) GC_set_all_interior_pointers(0);
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
  static void DeleteTree(T*) {}
  static void DeleteDoubles(double*) {}
  static CollectorStats Stats() { return {GC_get_gc_no(), BoehmPauses::max_ms()}; }
};

// ---- malloc/free ----

struct MallocAdapter {
  static constexpr const char* kName = "malloc";
  struct Runtime {};

  template <class T>
  static T* New() {
    return new T();  // value-initialised: zeroed
  }
  static double* NewDoubles(size_t n) { return new double[n]; }
  using Scope = NoScope;
  template <class T>
  using Local = PlainLocal<T>;
  template <class T>
  static void DeleteTree(T* tree) {
    if (tree == nullptr) return;
    DeleteTree(tree->left);
    DeleteTree(tree->right);
    delete tree;
  }
  static void DeleteDoubles(double* array) { delete[] array; }
  static CollectorStats Stats() { return {}; }
};

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_ADAPTERS_H_
