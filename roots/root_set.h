// The root set: everything the marker starts from (docs/architecture.md, invariant 2).
//
//   roots = global roots (slots and ranges registered here)
//         + every attached thread's handles (roots/handles.h)
//         + extra sources plugged in by higher layers (the pinned set, see pinning/)
//
// The collector reaches roots only through VisitRoots() and the thread registry; it knows
// nothing of where they come from. A RootSet belongs to one heap.
//
// Threads: AddGlobal*/Remove*/AddSource/RemoveSource from any thread (they take `mu_`, a leaf
// lock); Visit* only from the collecting thread while the world is stopped.
#ifndef PINION_ROOTS_ROOT_SET_H_
#define PINION_ROOTS_ROOT_SET_H_

#include <cstddef>
#include <mutex>
#include <vector>

#include "roots/thread_registry.h"

namespace pinion {

// Receives each root: a non-null pointer to the start of a heap object.
class RootVisitor {
 public:
  virtual void VisitRoot(void* object) = 0;

 protected:
  ~RootVisitor() = default;
};

// A pluggable group of roots, e.g. the pinned objects.
class RootSource {
 public:
  // Called with the world stopped, on the collecting thread.
  virtual void VisitRoots(RootVisitor& visitor) = 0;

 protected:
  ~RootSource() = default;
};

class RootSet {
 public:
  RootSet() = default;
  RootSet(const RootSet&) = delete;
  RootSet& operator=(const RootSet&) = delete;

  ThreadRegistry& threads() { return threads_; }

  // Global roots: `count` pointer slots starting at `slots`, read at every collection until
  // removed. The slots must outlive the registration; null slots are skipped.
  void AddGlobalRange(void* const* slots, size_t count);
  void AddGlobal(void* const* slot) { AddGlobalRange(slot, 1); }
  // Removes the registration that started at `slots`; unknown ranges are a kBadArgument misuse.
  void RemoveGlobal(void* const* slots);

  void AddSource(RootSource* source);
  void RemoveSource(RootSource* source);

  // Visits globals, then every attached thread's handles, then the sources.
  void VisitRoots(RootVisitor& visitor);
  // The parts, for concurrent cycles (threads' handles are scanned per thread there).
  void VisitGlobals(RootVisitor& visitor);
  void VisitSources(RootVisitor& visitor);

 private:
  struct Range {
    void* const* slots;
    size_t count;
  };

  ThreadRegistry threads_;
  std::mutex mu_;               // leaf lock: guards ranges_ and sources_
  std::vector<Range> ranges_;
  std::vector<RootSource*> sources_;
};

// A global root slot registered for its lifetime: `GlobalRoot<Node> root(heap.roots());`.
template <class T>
class GlobalRoot {
 public:
  explicit GlobalRoot(RootSet& roots, T* object = nullptr) : roots_(roots), object_(object) {
    roots_.AddGlobal(reinterpret_cast<void* const*>(&object_));
  }
  ~GlobalRoot() { roots_.RemoveGlobal(reinterpret_cast<void* const*>(&object_)); }
  GlobalRoot(const GlobalRoot&) = delete;
  GlobalRoot& operator=(const GlobalRoot&) = delete;

  T* get() const { return object_; }
  T* operator->() const { return object_; }
  void set(T* object) { object_ = object; }

 private:
  RootSet& roots_;
  T* object_;  // written by the owner thread, read by the collector in a pause
};

}  // namespace pinion

#endif  // PINION_ROOTS_ROOT_SET_H_
