#include "gc/internal/pinned_list.h"

#include "gc/fault_injection.h"
#include "gc/heap.h"
#include "gc/internal/space.h"

namespace pinion::internal {

constinit PinLog g_frozen_pin_log{PinLog::Frozen{}};
[[gnu::tls_model("initial-exec")]] constinit thread_local PinLog* t_pin_log = &g_frozen_pin_log;

bool PinnedList::Valid(const void* object) const { return space_.HoldsObject(object); }

bool PinnedList::Decrement(const void* object) {
  const PinSlot slot = PinSlotOf(object, /*create=*/false);
  if (slot.count == nullptr) return false;
  // Relaxed: counts are read only with the world stopped, after the handshake that orders
  // every mutator's earlier operations before the pause; the CAS keeps them >= 0.
  int32_t count = slot.count->load(std::memory_order_relaxed);
  while (count > 0) {
    if (slot.count->compare_exchange_weak(count, count - 1, std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

void PinnedList::ApplyPins(const PinLog& log, std::vector<PinMisuse>& misuse) {
  log.ForEachPin([&](const void* object) {
    if (!Valid(object)) {
      misuse.push_back({Misuse::kNotAHeapObject, object});
      return;
    }
    const PinSlot slot = PinSlotOf(object, /*create=*/true);
    // Relaxed: as in Decrement.
    if (slot.count->fetch_add(1, std::memory_order_relaxed) != 0) return;
    // Relaxed: the flag only arbitrates which pinner appends; the list is guarded by mu_.
    if (slot.flags->fetch_or(kPinListed, std::memory_order_relaxed) & kPinListed) return;
    std::lock_guard<std::mutex> lock(mu_);
    objects_.push_back(const_cast<void*>(object));
  });
}

void PinnedList::ApplyUnpins(PinLog& log, bool exact, std::vector<PinMisuse>& misuse) {
  log.ForEachUnpin([&](const void* object) {
    if (!Valid(object)) {
      misuse.push_back({Misuse::kNotAHeapObject, object});
      return;
    }
    if (Decrement(object)) return;
    if (exact) {
      misuse.push_back({Misuse::kUnpinBelowZero, object});
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(object);
  });
  log.Clear();
}

void PinnedList::ResolvePending(std::vector<PinMisuse>& misuse) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const void* object : pending_) {
    // Checked again: a misused (dangling) unpin may name an object swept since.
    if (!Valid(object) || !Decrement(object)) misuse.push_back({Misuse::kUnpinBelowZero, object});
  }
  pending_.clear();
}

void PinnedList::Flush(PinLog& log) {
  std::vector<PinMisuse> misuse;
  ApplyPins(log, misuse);
  PINION_FAULT_POINT(kHoldingPinLog);
  ApplyUnpins(log, /*exact=*/false, misuse);
  ReportPinMisuse(misuse);
}

void PinnedList::Discount(const void* object) {
  // A plain load and store, no read-modify-write: the world is stopped and only the
  // collecting thread discounts (relaxed, as in Decrement).
  const PinSlot slot = PinSlotOf(object, /*create=*/false);
  const int32_t count = slot.count != nullptr ? slot.count->load(std::memory_order_relaxed) : 0;
  if (count > 0) {
    slot.count->store(count - 1, std::memory_order_relaxed);
    discounted_.push_back(object);
  } else {
    overdrawn_.push_back(object);
  }
}

void PinnedList::EndDiscount(std::vector<PinMisuse>& misuse) {
  for (const void* object : discounted_) {  // as in Discount: world stopped, one thread
    std::atomic<int32_t>* count = PinSlotOf(object, /*create=*/false).count;
    count->store(count->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  for (const void* object : overdrawn_) misuse.push_back({Misuse::kUnownedReference, object});
  const bool pruned = discounted_.empty();  // VisitRoots pruned unless discounts were taken
  discounted_.clear();
  overdrawn_.clear();
  if (pruned) return;
  std::lock_guard<std::mutex> lock(mu_);
  PruneLocked([](void*) {});
}

template <class F>
void PinnedList::PruneLocked(F&& keep) {
  size_t kept = 0;
  for (void* object : objects_) {
    const PinSlot slot = PinSlotOf(object, /*create=*/false);  // listed, so it exists
    if (slot.count->load(std::memory_order_relaxed) > 0) {
      objects_[kept++] = object;
      keep(object);
    } else {
      slot.flags->fetch_and(~kPinListed, std::memory_order_relaxed);
    }
  }
  objects_.resize(kept);
}

void PinnedList::VisitRoots(RootVisitor& visitor) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const void* object : overdrawn_) visitor.VisitRoot(const_cast<void*>(object));
  const auto visit = [&](void* object) { visitor.VisitRoot(object); };
  if (discounted_.empty()) {
    PruneLocked(visit);
    return;
  }
  // Discounts taken: an entry they brought to zero has pins again after EndDiscount, so
  // nothing is pruned here (EndDiscount does it).
  for (void* object : objects_) {
    if (PinSlotOf(object, /*create=*/false).count->load(std::memory_order_relaxed) > 0) {
      visit(object);
    }
  }
}

void ReportPinMisuse(const std::vector<PinMisuse>& misuse) {
  for (const PinMisuse& m : misuse) {
    if (m.kind == Misuse::kUnownedReference) {
      ReportMisuse(m.kind,
                   "a trace of an object whose edges hold pins visited %p more often than "
                   "it is pinned: either a tp_traverse visits a reference it does not own, "
                   "or an Unpin/Py_DECREF too many released a reference a container still "
                   "holds; kept as a root (reported at each collection while it lasts)",
                   m.object);
    } else if (m.kind == Misuse::kNotAHeapObject) {
      ReportMisuse(m.kind, "Pin/Unpin(%p): not the start of a live object of this heap",
                   m.object);
    } else {
      ReportMisuse(m.kind,
                   "Unpin/Py_DECREF(%p): the object is not pinned (an unpin with no matching "
                   "pin, found when the pin counts were last made exact)",
                   m.object);
    }
  }
}

}  // namespace pinion::internal
