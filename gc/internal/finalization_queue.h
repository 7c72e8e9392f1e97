// The finalization queue (gc/finalization.h): objects registered for queued finalization,
// those a collection found unreachable, and the batch a mutator is running.
//
//   registered_ --(pause: unmarked)--> ready_ --(RunFinalizers takes all)--> running_ --> gone
//
// ready_ and running_ also hold the callbacks of cleared weak references (weak_processor.h),
// put ahead of the objects the same pause queued, so a batch calls them first (CPython's
// order: weakref callbacks, then finalizers).
//
// Invariants: an object is in at most one of registered_, ready_ and running_ (the contract
// of FinalizeWhenUnreachable: once until its callback ran). Objects in ready_ and running_
// are roots (VisitRoots), so an object's memory and everything it reaches stay intact until
// its callback has returned (a weak callback's holder too; a WeakRoot's data is not an
// object). registered_ objects are never freed while registered: a pause that finds one
// unmarked moves it to ready_ and marks it in the same pause.
//
// Threads: Register on the registering mutator (its own buffer, no lock). Merge,
// DiscountEdges, QueueUnreachable, Hold and VisitRoots by the collector with the world
// stopped; QueueWeakCalls and Release by the collector after the pause, before the sweep;
// TakeBuffer at detach; Run on any attached running mutator. mu_ (a leaf lock) guards the
// three lists; callbacks run without it.
#ifndef PINION_GC_INTERNAL_FINALIZATION_QUEUE_H_
#define PINION_GC_INTERNAL_FINALIZATION_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <mutex>
#include <vector>

#include "gc/finalization.h"
#include "roots/root_set.h"
#include "roots/thread_registry.h"

namespace pinion::internal {

class Marker;
class PinnedList;
class ThreadState;

class FinalizationQueue final : public RootSource {
 public:
  explicit FinalizationQueue(RootSet& roots) : roots_(roots) { roots_.AddSource(this); }
  ~FinalizationQueue() { roots_.RemoveSource(this); }
  FinalizationQueue(const FinalizationQueue&) = delete;
  FinalizationQueue& operator=(const FinalizationQueue&) = delete;

  // A detaching thread's buffer (ThreadState::watched) moves to registered_.
  void TakeBuffer(ThreadState& thread);

  // World stopped: every thread's buffer moves to registered_.
  void Merge(ThreadRegistry& threads);
  // World stopped, pin counts exact, before the roots are enumerated: subtracts the pins of
  // the edges of registered edges_hold_pins objects (PinnedList::Discount).
  void DiscountEdges(PinnedList& pinned);
  // World stopped, marking done: unmarked registered objects move to ready_ and are greyed
  // in `marker` (the caller traces). Returns how many.
  size_t QueueUnreachable(Marker& marker);
  // The collecting thread, after the pause's QueueUnreachable, before the next pause: queues
  // each callback(arg) for the next batch, ahead of that pause's unreachable objects; `arg`
  // is a root until its call ran if `arg_is_object` (a live object of this heap).
  struct WeakCall {
    void (*callback)(void*);
    void* arg;
    bool arg_is_object;
  };
  void QueueWeakCalls(const std::vector<WeakCall>& calls);
  // World stopped, after QueueUnreachable: until Release (the collecting thread, after the
  // pause), a batch takes only what earlier cycles queued, so that the pause's callbacks
  // wait for its weak references' clearing, and the cleared references' callbacks (queued
  // just before Release, ahead of the pause's objects) run first (weak_processor.h).
  void Hold();
  void Release();

  void VisitRoots(RootVisitor& visitor) override;

  // Mutator: runs the ready batch (gc/finalization.h). Returns how many callbacks ran.
  size_t Run();
  // A relaxed hint for the allocation slow path: something may be ready.
  bool maybe_ready() const { return ready_hint_.load(std::memory_order_relaxed); }

  FinalizationCounts counts();

 private:
  void TakeBufferLocked(ThreadState& thread);
  // Ends the batch after `called` callbacks (all of them, or up to one that threw).
  void EndBatch(size_t called);

  // A queued call: the object's on_unreachable, or a weak reference's callback.
  struct Pending {
    const void* arg;
    void (*weak_callback)(void*) = nullptr;  // nullptr: arg's type's on_unreachable
    bool root = true;                        // arg is an object to keep until the call
  };

  RootSet& roots_;
  std::mutex mu_;
  std::vector<const void*> registered_;  // guarded by mu_
  std::vector<Pending> ready_;           // guarded by mu_
  std::vector<Pending> running_;         // guarded by mu_; non-empty while a batch runs
  // Where this pause's QueueUnreachable began appending to ready_ (npos: not yet): weak
  // calls queued after it go there. Reset by Merge, at the start of every pause's work.
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t unreachable_from_ = kNone;  // guarded by mu_
  bool busy_ = false;                    // guarded by mu_: a thread is running a batch
  bool held_ = false;                    // guarded by mu_: Hold .. Release
  // Set (relaxed) when ready_ gains objects, cleared when a batch is taken: a stale value
  // costs one lock round trip or delays the batch to the next slow path.
  std::atomic<bool> ready_hint_{false};
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_FINALIZATION_QUEUE_H_
