// The pinned list: pin counts as roots. Owns applying threads' pin logs (pin_log.h) to the
// counts (pin_slot.h), the unpins that could not be applied yet, and the list of every object
// whose count went from 0 to 1 since it was last found unpinned. Enumerated as roots at every
// collection: entries with a count > 0 are roots, the others are dropped (their kPinListed flag
// cleared), which is how an object whose pins fall to zero is demoted to ordinary tracing —
// it is never freed eagerly (docs/architecture.md, invariant 3).
//
// Counts never go below zero. An unpin applied to a zero count is held in pending_: another
// thread's log may still hold the matching pin. In a pause every thread's log is applied —
// all pins first, then all unpins, then the pending ones — so the counts are exact when the
// roots are enumerated, and an unpin that still finds zero is a misuse (kUnpinBelowZero).
// Entries are checked when applied: one that is not the start of a live object of this heap
// is dropped and reported (kNotAHeapObject). Reports from a pause are returned to the caller,
// which makes them after the world resumes.
//
// Invariant: an object with pins > 0 is in the list (its kPinListed flag set) whenever the
// world is stopped. ApplyPins sets the flag with fetch_or and appends iff it set it.
//
// Threads: ApplyPins/ApplyUnpins from a mutator on its own log, or from the collector on any
// thread's log with the world stopped; ResolvePending and VisitRoots by the collector in a
// pause. mu_ (a leaf lock, under RootSet's lock) guards the list and the pending unpins.
#ifndef PINION_GC_INTERNAL_PINNED_LIST_H_
#define PINION_GC_INTERNAL_PINNED_LIST_H_

#include <mutex>
#include <vector>

#include "gc/errors.h"
#include "gc/internal/pin_log.h"
#include "gc/internal/pin_slot.h"
#include "roots/root_set.h"

namespace pinion::internal {

class Space;

struct PinMisuse {
  Misuse kind;
  const void* object;
};

class PinnedList final : public RootSource {
 public:
  PinnedList(RootSet& roots, const Space& space) : roots_(roots), space_(space) {
    roots_.AddSource(this);
  }
  ~PinnedList() { roots_.RemoveSource(this); }
  PinnedList(const PinnedList&) = delete;
  PinnedList& operator=(const PinnedList&) = delete;

  // Applies the pins of `log`. Bad entries go to `misuse`.
  void ApplyPins(const PinLog& log, std::vector<PinMisuse>& misuse);
  // Applies the unpins of `log` and clears it. An unpin that finds a zero count is pending
  // or, when `exact` (every log's pins applied, world stopped), a misuse.
  void ApplyUnpins(PinLog& log, bool exact, std::vector<PinMisuse>& misuse);
  // World stopped, every log applied: the pending unpins now apply or are misuse.
  void ResolvePending(std::vector<PinMisuse>& misuse);
  // A mutator's own log, when full or when the thread detaches: applied, misuse reported.
  void Flush(PinLog& log);

  // World stopped, counts exact, before VisitRoots: one pin of `object` is held from inside
  // the heap (an edge of an edges_hold_pins object, finalization_queue.h), so it does not
  // make the object a root. Undone by EndDiscount. A discount that finds no pin left is
  // reported (kUnownedReference) and the object becomes a root for this cycle.
  void Discount(const void* object);
  // After marking (world still stopped): gives the discounted pins back and prunes the list.
  // Appends the objects visited with no pin left to `misuse` (the caller reports them after
  // the pause).
  void EndDiscount(std::vector<PinMisuse>& misuse);

  // Roots: objects with pins left after the discounts, and those overdrawn by them.
  void VisitRoots(RootVisitor& visitor) override;

  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return objects_.size();
  }

 private:
  // A live object of this heap (entries are checked before they touch a count).
  bool Valid(const void* object) const;
  // Drops the entries whose count is zero (clearing their kPinListed flag) and calls
  // keep(object) for the others. mu_ held.
  template <class F>
  void PruneLocked(F&& keep);
  // Decrements a positive count; false if it was zero.
  static bool Decrement(const void* object);

  RootSet& roots_;
  const Space& space_;
  std::mutex mu_;
  std::vector<void*> objects_;        // guarded by mu_
  std::vector<const void*> pending_;  // guarded by mu_: unpins that found a zero count
  // This pause's discounts (world stopped, collector only): one entry per pin taken, and the
  // objects a discount found at zero.
  std::vector<const void*> discounted_;
  std::vector<const void*> overdrawn_;
};

// Reports pause-time findings (after the world resumed).
void ReportPinMisuse(const std::vector<PinMisuse>& misuse);

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_PINNED_LIST_H_
