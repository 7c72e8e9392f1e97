// The pinned list: every object whose pin count went from 0 to 1 since it was last found
// unpinned. Enumerated as roots at every collection: entries with a count > 0 are roots,
// the others are dropped (their kPinListed flag cleared), which is how an object whose pins
// fall to zero is demoted to ordinary tracing — it is never freed eagerly (DESIGN inv. 3).
//
// Invariant: an object with pins > 0 is in the list (its `listed` flag set) whenever the
// world is stopped. Pin sets the flag with fetch_or and appends iff it set it; Pin contains
// no safepoint, so a pause cannot fall between the count's 0 -> 1 and the append.
//
// Threads: Add from any attached thread (mu_, a leaf lock); VisitRoots by the collector in
// a pause (under RootSet's lock, then mu_).
#ifndef PINION_GC_INTERNAL_PINNED_LIST_H_
#define PINION_GC_INTERNAL_PINNED_LIST_H_

#include <mutex>
#include <vector>

#include "gc/internal/pin_slot.h"
#include "roots/root_set.h"

namespace pinion::internal {

class PinnedList final : public RootSource {
 public:
  explicit PinnedList(RootSet& roots) : roots_(roots) { roots_.AddSource(this); }
  ~PinnedList() { roots_.RemoveSource(this); }
  PinnedList(const PinnedList&) = delete;
  PinnedList& operator=(const PinnedList&) = delete;

  // Called after `object`'s count (in `slot`) went 0 -> 1.
  void NotePinned(void* object, PinSlot slot) {
    // Relaxed: the flag only arbitrates which pinner appends; the list itself is guarded by
    // mu_, and the collector reads flags and counts after the stop handshake.
    if (slot.listed->exchange(1, std::memory_order_relaxed) != 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    objects_.push_back(object);
  }

  void VisitRoots(RootVisitor& visitor) override {
    std::lock_guard<std::mutex> lock(mu_);
    size_t kept = 0;
    for (void* object : objects_) {
      const PinSlot slot = PinSlotOf(object, /*create=*/false);  // listed, so it exists
      if (slot.count->load(std::memory_order_relaxed) > 0) {
        objects_[kept++] = object;
        visitor.VisitRoot(object);
      } else {
        slot.listed->store(0, std::memory_order_relaxed);
      }
    }
    objects_.resize(kept);
  }

  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return objects_.size();
  }

 private:
  RootSet& roots_;
  std::mutex mu_;
  std::vector<void*> objects_;  // guarded by mu_
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_PINNED_LIST_H_
