#include "gc/internal/weak_processor.h"

#include <algorithm>
#include <atomic>

#include "gc/internal/finalization_queue.h"
#include "gc/internal/segment.h"

namespace pinion::internal {

namespace {

// How far ahead the loops prefetch: slots two strides ahead, the referents' mark words one.
constexpr size_t kAhead = 8;

// Slots are read and cleared through atomic_ref: mutators use WeakLoad/WeakStore on them.
// Relaxed suffices: in a pause the handshake orders both ways; Prefilter, which runs beside
// the mutators, only compares what it reads with mark bits, and a value stored after it read
// names a live object (weak_processor.h).
void* Load(void** slot) { return std::atomic_ref<void*>(*slot).load(std::memory_order_relaxed); }

}  // namespace

bool WeakProcessor::Clear(void** slot, void* referent) {
  std::atomic_ref<void*> ref(*slot);
  // A field recorded twice is cleared once: the second visit finds null.
  return ref.compare_exchange_strong(referent, nullptr, std::memory_order_relaxed);
}

WeakRootEntry* WeakProcessor::NewRoot(void* referent, void (*callback)(void*), void* data) {
  std::lock_guard<std::mutex> lock(mu_);
  WeakRootEntry* entry;
  if (!free_.empty()) {
    entry = free_.back();
    free_.pop_back();
  } else {
    if (chunks_.empty() || used_ == kChunk) {
      chunks_.push_back(std::make_unique<WeakRootEntry[]>(kChunk));
      used_ = 0;
    }
    entry = &chunks_.back()[used_++];
  }
  std::atomic_ref<void*>(entry->referent).store(referent, std::memory_order_release);
  entry->callback = callback;
  entry->data = data;
  ++live_roots_;
  return entry;
}

void WeakProcessor::FreeRoot(WeakRootEntry* entry) {
  std::lock_guard<std::mutex> lock(mu_);
  std::atomic_ref<void*>(entry->referent).store(nullptr, std::memory_order_relaxed);
  entry->callback = nullptr;
  entry->data = nullptr;
  --live_roots_;
  free_.push_back(entry);
}

template <class F>
void WeakProcessor::ForEachEntryLocked(int index, int count, F&& f) {
  for (size_t c = index; c < chunks_.size(); c += count) {
    WeakRootEntry* entries = chunks_[c].get();
    const size_t n = c + 1 == chunks_.size() ? used_ : kChunk;
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        if (void* ahead = Load(&entries[i + kAhead].referent)) PrefetchMark(ahead);
      }
      if (void* referent = Load(&entries[i].referent)) f(entries[i], referent);
    }
  }
}

void WeakProcessor::AddCalls(const std::vector<FinalizationQueue::WeakCall>& calls) {
  if (calls.empty()) return;
  std::lock_guard<std::mutex> lock(calls_mu_);
  calls_.insert(calls_.end(), calls.begin(), calls.end());
}

void WeakProcessor::Prefilter(Marker& marker) {
  slot_candidates_.clear();
  root_candidates_.clear();
  marker.ProcessWeakSlots([this](std::vector<WeakSlot>& slots) {
    std::vector<WeakSlot> kept;
    for (size_t i = 0; i < slots.size(); ++i) {
      if (i + 2 * kAhead < slots.size()) __builtin_prefetch(slots[i + 2 * kAhead].slot);
      if (i + kAhead < slots.size()) {
        if (void* ahead = Load(slots[i + kAhead].slot)) PrefetchMark(ahead);
      }
      void* referent = Load(slots[i].slot);  // mutators may have stored since
      if (referent != nullptr && !IsMarked(referent)) kept.push_back(slots[i]);
    }
    std::lock_guard<std::mutex> lock(candidates_mu_);
    slot_candidates_.insert(slot_candidates_.end(), kept.begin(), kept.end());
  });
  std::lock_guard<std::mutex> lock(mu_);
  ForEachEntryLocked(0, 1, [&](WeakRootEntry& entry, void* referent) {
    if (!IsMarked(referent)) root_candidates_.push_back(&entry);
  });
  filtered_ = true;
}

void WeakProcessor::ClearRoot(WeakRootEntry& entry, void* referent,
                              std::vector<FinalizationQueue::WeakCall>& calls,
                              size_t& cleared) {
  if (IsMarked(referent) || !Clear(&entry.referent, referent)) return;
  ++cleared;
  if (entry.callback != nullptr) calls.push_back({entry.callback, entry.data, false});
}

template <class Dead>
size_t WeakProcessor::ClearSlots(const std::vector<WeakSlot>& slots, bool reread, Dead&& dead) {
  std::vector<FinalizationQueue::WeakCall> calls;
  size_t cleared = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (reread && i + 2 * kAhead < slots.size()) __builtin_prefetch(slots[i + 2 * kAhead].slot);
    if (i + kAhead < slots.size()) {
      void* ahead = reread ? Load(slots[i + kAhead].slot) : slots[i + kAhead].referent;
      if (ahead != nullptr) PrefetchMark(ahead);
    }
    const WeakSlot& w = slots[i];
    void* referent = reread ? Load(w.slot) : w.referent;
    if (referent == nullptr || !dead(referent) || !Clear(w.slot, referent)) continue;
    ++cleared;
    if (w.on_cleared != nullptr) calls.push_back({w.on_cleared, w.holder, true});
  }
  AddCalls(calls);
  return cleared;
}

size_t WeakProcessor::ClearUnmarked(Marker& marker) {
  const auto unmarked = [](void* referent) { return !IsMarked(referent); };
  std::atomic<size_t> cleared{0};
  {
    // Roots: the filter's survivors here, or every entry, chunks shared among the threads.
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<FinalizationQueue::WeakCall> calls;
    size_t n = 0;
    if (filtered_) {
      for (WeakRootEntry* entry : root_candidates_) {
        if (void* referent = Load(&entry->referent)) ClearRoot(*entry, referent, calls, n);
      }
      AddCalls(calls);
      cleared += n;
    } else if (live_roots_ != 0) {
      marker.OnEachThread([&](int index, int count) {
        std::vector<FinalizationQueue::WeakCall> mine;
        size_t mine_cleared = 0;
        ForEachEntryLocked(index, count, [&](WeakRootEntry& entry, void* referent) {
          ClearRoot(entry, referent, mine, mine_cleared);
        });
        AddCalls(mine);
        cleared.fetch_add(mine_cleared, std::memory_order_relaxed);
      });
    }
  }
  if (filtered_) {
    // Mutators may have stored into these fields since they were recorded: read them again.
    cleared += ClearSlots(slot_candidates_, /*reread=*/true, unmarked);
    slot_candidates_.clear();
    root_candidates_.clear();
    filtered_ = false;
  }
  // Recorded in this pause (or, stop-the-world, in this cycle): the recorded referent is the
  // field's value.
  marker.ProcessWeakSlots([&](std::vector<WeakSlot>& slots) {
    cleared.fetch_add(ClearSlots(slots, /*reread=*/false, unmarked), std::memory_order_relaxed);
  });
  QueueCalls();
  return cleared.load(std::memory_order_relaxed);
}

void WeakProcessor::QueueCalls() {
  std::vector<FinalizationQueue::WeakCall> calls;
  {
    std::lock_guard<std::mutex> lock(calls_mu_);
    calls.swap(calls_);
  }
  finalization_.QueueWeakCalls(calls);
}

size_t WeakProcessor::ClearLate(Marker& marker, std::vector<const void*> late_marked) {
  std::sort(late_marked.begin(), late_marked.end());
  const auto dead = [&late_marked](void* referent) {
    return !IsMarked(referent) ||
           std::binary_search(late_marked.begin(), late_marked.end(), referent);
  };
  std::atomic<size_t> cleared{0};
  marker.ProcessWeakSlots([&](std::vector<WeakSlot>& slots) {
    cleared.fetch_add(ClearSlots(slots, /*reread=*/false, dead), std::memory_order_relaxed);
  });
  QueueCalls();
  return cleared.load(std::memory_order_relaxed);
}

}  // namespace pinion::internal
