#include "gc/internal/finalization_queue.h"

#include <algorithm>

#include "gc/heap.h"
#include "gc/internal/marker.h"
#include "gc/internal/pin_slot.h"
#include "gc/internal/pinned_list.h"
#include "gc/internal/segment.h"
#include "gc/internal/thread_state.h"
#include "gc/internal/type_registry.h"
#include "roots/thread_registry.h"

namespace pinion::internal {

namespace {

// Set while the calling thread runs a batch: RunFinalizers from inside a callback is a no-op.
thread_local bool t_running_finalizers = false;

// Subtracts a pin from every object a trace visits.
class DiscountVisitor final : public Visitor {
 public:
  explicit DiscountVisitor(PinnedList& pinned) : pinned_(pinned) {}

 private:
  void VisitObject(const void* object) override { pinned_.Discount(object); }
  PinnedList& pinned_;
};

}  // namespace

void FinalizationQueue::TakeBufferLocked(ThreadState& thread) {
  registered_.insert(registered_.end(), thread.watched.begin(), thread.watched.end());
  thread.watched.clear();
}

void FinalizationQueue::TakeBuffer(ThreadState& thread) {
  if (thread.watched.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  TakeBufferLocked(thread);
}

void FinalizationQueue::Merge(ThreadRegistry& threads) {
  std::lock_guard<std::mutex> lock(mu_);
  unreachable_from_ = kNone;
  threads.ForEachThread(
      [&](ThreadRecord* record) { TakeBufferLocked(*static_cast<ThreadState*>(record)); });
}

void FinalizationQueue::DiscountEdges(PinnedList& pinned) {
  std::lock_guard<std::mutex> lock(mu_);
  DiscountVisitor visitor(pinned);
  for (const void* object : registered_) {
    const TypeInfo& info = TypeInfoAt(TypeOf(object).raw());
    if (info.edges_hold_pins && info.trace != nullptr) {
      info.trace(const_cast<void*>(object), visitor);
    }
  }
}

size_t FinalizationQueue::QueueUnreachable(Marker& marker) {
  std::lock_guard<std::mutex> lock(mu_);
  unreachable_from_ = ready_.size();
  size_t kept = 0, queued = 0;
  for (const void* object : registered_) {
    if (IsMarked(object)) {
      registered_[kept++] = object;
    } else {
      // Forgotten from here on: its callback may register it again (world stopped).
      PinSlotOf(object, /*create=*/false)
          .flags->fetch_and(~kFinalizationRegistered, std::memory_order_relaxed);
      ready_.push_back({object});
      ++queued;
    }
  }
  registered_.resize(kept);
  // Greyed only now: an object reachable from another unreachable one is queued too.
  for (size_t i = ready_.size() - queued; i < ready_.size(); ++i) marker.AddGrey(ready_[i].arg);
  if (queued != 0) ready_hint_.store(true, std::memory_order_relaxed);
  return queued;
}

void FinalizationQueue::QueueWeakCalls(const std::vector<WeakCall>& calls) {
  if (calls.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Pending> pending;
  pending.reserve(calls.size());
  for (const WeakCall& call : calls) pending.push_back({call.arg, call.callback, call.arg_is_object});
  const size_t at = std::min(unreachable_from_, ready_.size());
  ready_.insert(ready_.begin() + static_cast<ptrdiff_t>(at), pending.begin(), pending.end());
  if (unreachable_from_ != kNone) unreachable_from_ += pending.size();
  ready_hint_.store(true, std::memory_order_relaxed);
}

void FinalizationQueue::Hold() {
  std::lock_guard<std::mutex> lock(mu_);
  held_ = true;
}

void FinalizationQueue::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  held_ = false;
  // Relaxed, as everywhere: a hint.
  if (!ready_.empty()) ready_hint_.store(true, std::memory_order_relaxed);
}

void FinalizationQueue::VisitRoots(RootVisitor& visitor) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::vector<Pending>* list : {&ready_, &running_}) {
    for (const Pending& p : *list) {
      if (p.root) visitor.VisitRoot(const_cast<void*>(p.arg));
    }
  }
}

size_t FinalizationQueue::Run() {
  if (t_running_finalizers) return 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // While held, only what earlier cycles queued (ahead of the held pause's objects).
    const size_t n = held_ ? std::min(unreachable_from_, ready_.size()) : ready_.size();
    if (busy_ || n == 0) return 0;
    busy_ = true;
    running_.assign(ready_.begin(), ready_.begin() + static_cast<ptrdiff_t>(n));
    ready_.erase(ready_.begin(), ready_.begin() + static_cast<ptrdiff_t>(n));
    if (unreachable_from_ != kNone) unreachable_from_ -= std::min(unreachable_from_, n);
    ready_hint_.store(!ready_.empty() && !held_, std::memory_order_relaxed);
  }
  t_running_finalizers = true;
  // running_ changes only under mu_ and only here (by this thread) while busy_: reading
  // its elements without the lock is safe; a pause may read it concurrently under mu_.
  size_t called = 0;
  try {
    while (called < running_.size()) {
      const Pending p = running_[called++];
      void* arg = const_cast<void*>(p.arg);
      if (p.weak_callback != nullptr) {
        p.weak_callback(arg);
      } else {
        TypeInfoAt(TypeOf(arg).raw()).on_unreachable(arg);
      }
    }
  } catch (...) {
    EndBatch(called);
    throw;
  }
  EndBatch(called);
  return called;
}

void FinalizationQueue::EndBatch(size_t called) {
  t_running_finalizers = false;
  std::lock_guard<std::mutex> lock(mu_);
  // A callback threw: those not yet called go back to the front of ready_, still roots.
  if (called < running_.size()) {
    ready_.insert(ready_.begin(), running_.begin() + called, running_.end());
    if (unreachable_from_ != kNone) unreachable_from_ += running_.size() - called;
    ready_hint_.store(true, std::memory_order_relaxed);
  }
  running_.clear();
  busy_ = false;
}

FinalizationCounts FinalizationQueue::counts() {
  std::lock_guard<std::mutex> lock(mu_);
  size_t registered = registered_.size();
  ThreadState* self = ThreadState::Current();
  if (self != nullptr) registered += self->watched.size();
  return {registered, ready_.size() + running_.size()};
}

}  // namespace pinion::internal
