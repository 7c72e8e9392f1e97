#include "gc/internal/weak_processor.h"

#include <algorithm>
#include <atomic>

#include "gc/internal/finalization_queue.h"
#include "gc/internal/segment.h"

namespace pinion::internal {

namespace {

// How far ahead the loops prefetch: slots two strides ahead, the referents' mark words one.
constexpr size_t kAhead = 8;

// Slots are read and cleared through atomic_ref: mutators use WeakLoad/WeakStore on them
// (the world is stopped here, so relaxed suffices: the pause's handshake orders both ways).
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
  entry->in_use = true;
  ++in_use_;
  return entry;
}

void WeakProcessor::FreeRoot(WeakRootEntry* entry) {
  std::lock_guard<std::mutex> lock(mu_);
  std::atomic_ref<void*>(entry->referent).store(nullptr, std::memory_order_relaxed);
  entry->callback = nullptr;
  entry->data = nullptr;
  entry->in_use = false;
  --in_use_;
  free_.push_back(entry);
}

size_t WeakProcessor::roots() {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}

size_t WeakProcessor::ClearUnmarked(std::vector<WeakSlot> slots) {
  std::vector<FinalizationQueue::WeakCall> calls;
  size_t cleared = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t c = 0; c < chunks_.size(); ++c) {
      WeakRootEntry* entries = chunks_[c].get();
      const size_t n = c + 1 == chunks_.size() ? used_ : kChunk;
      for (size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) {
          if (void* ahead = Load(&entries[i + kAhead].referent)) PrefetchMark(ahead);
        }
        void* referent = Load(&entries[i].referent);
        if (referent == nullptr || IsMarked(referent)) continue;
        if (!Clear(&entries[i].referent, referent)) continue;
        ++cleared;
        if (entries[i].callback != nullptr) {
          calls.push_back({entries[i].callback, entries[i].data, /*arg_is_object=*/false});
        }
      }
    }
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    if (i + 2 * kAhead < slots.size()) __builtin_prefetch(slots[i + 2 * kAhead].slot);
    if (i + kAhead < slots.size()) {
      if (void* ahead = Load(slots[i + kAhead].slot)) PrefetchMark(ahead);
    }
    const WeakSlot& w = slots[i];
    void* referent = Load(w.slot);
    if (referent == nullptr || IsMarked(referent) || !Clear(w.slot, referent)) continue;
    ++cleared;
    if (w.on_cleared != nullptr) calls.push_back({w.on_cleared, w.holder, true});
  }
  finalization_.QueueWeakCalls(calls);
  return cleared;
}

size_t WeakProcessor::ClearLate(std::vector<WeakSlot> late,
                                std::vector<const void*> late_marked) {
  if (late.empty()) return 0;
  std::sort(late_marked.begin(), late_marked.end());
  std::vector<FinalizationQueue::WeakCall> calls;
  size_t cleared = 0;
  for (const WeakSlot& w : late) {
    void* referent = Load(w.slot);
    if (referent == nullptr) continue;
    const bool dead = !IsMarked(referent) ||
                      std::binary_search(late_marked.begin(), late_marked.end(), referent);
    if (!dead || !Clear(w.slot, referent)) continue;
    ++cleared;
    if (w.on_cleared != nullptr) calls.push_back({w.on_cleared, w.holder, true});
  }
  finalization_.QueueWeakCalls(calls);
  return cleared;
}

}  // namespace pinion::internal
