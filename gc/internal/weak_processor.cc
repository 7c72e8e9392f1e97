#include "gc/internal/weak_processor.h"

#include <algorithm>
#include <atomic>
#include <type_traits>

#include "gc/internal/finalization_queue.h"
#include "gc/internal/segment.h"

namespace pinion::internal {

namespace {

// How far ahead the loops prefetch: slots two strides ahead, the referents' mark words one.
constexpr size_t kAhead = 8;

// Slots are read and cleared through atomic_ref: mutators use WeakLoad/WeakStore on them.
// Acquire pairs with WeakStore's release: Prefilter runs beside the mutators, and the
// referent a mutator just stored may sit in a page it formatted meanwhile, whose type entries
// IsMarked reads. (In a pause the handshake orders everything anyway.)
void* Load(void** slot) { return std::atomic_ref<void*>(*slot).load(std::memory_order_acquire); }

}  // namespace

bool WeakProcessor::Clear(void** slot, void* referent) {
  std::atomic_ref<void*> ref(*slot);
  // A field recorded twice is cleared once: the second visit finds null. Relaxed: only in a
  // pause (the handshake publishes the null to every mutator), racing only with the other
  // marker threads clearing the same field.
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
      chunks_.push_back(std::make_unique<RootChunk>());
      used_ = 0;
    }
    entry = &chunks_.back()->entries[used_++];
  }
  RootChunk& chunk = ChunkOf(entry);
  const size_t index = entry - chunk.entries;
  chunk.callbacks[index] = callback;
  chunk.data[index] = data;
  // Release, as WeakStore: whoever reads the root (WeakLoad, acquire) sees the referent's
  // initialisation; the collector reads it under mu_, which orders it anyway.
  std::atomic_ref<void*>(entry->referent).store(referent, std::memory_order_release);
  ++live_roots_;
  return entry;
}

void WeakProcessor::FreeRoot(WeakRootEntry* entry) {
  std::lock_guard<std::mutex> lock(mu_);
  // Relaxed: a null publishes nothing; the entry's owner is gone, and mu_ orders the reuse.
  std::atomic_ref<void*>(entry->referent).store(nullptr, std::memory_order_relaxed);
  RootChunk& chunk = ChunkOf(entry);
  chunk.callbacks[entry - chunk.entries] = nullptr;
  chunk.data[entry - chunk.entries] = nullptr;
  --live_roots_;
  free_.push_back(entry);
}

template <class F>
void WeakProcessor::ForEachEntryLocked(int index, int count, F&& f) {
  for (size_t c = index; c < chunks_.size(); c += count) {
    WeakRootEntry* entries = chunks_[c]->entries;
    const size_t n = c + 1 == chunks_.size() ? used_ : kChunk;
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        if (void* ahead = Load(&entries[i + kAhead].referent)) PrefetchMark(ahead);
      }
      if (void* referent = Load(&entries[i].referent)) f(&entries[i], referent);
    }
  }
}

void WeakProcessor::AddCalls(const std::vector<FinalizationQueue::WeakCall>& calls) {
  if (calls.empty()) return;
  std::lock_guard<std::mutex> lock(calls_mu_);
  calls_.insert(calls_.end(), calls.begin(), calls.end());
}

namespace {

// Keeps, of `fields`, those whose value now (mutators may have stored since) names an
// unmarked object.
template <class Field>
void KeepUnmarked(const std::vector<Field>& fields, std::vector<Field>& kept) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i + 2 * kAhead < fields.size()) __builtin_prefetch(fields[i + 2 * kAhead].slot);
    if (i + kAhead < fields.size()) {
      if (void* ahead = Load(fields[i + kAhead].slot)) PrefetchMark(ahead);
    }
    void* referent = Load(fields[i].slot);
    if (referent != nullptr && !IsMarked(referent)) kept.push_back(fields[i]);
  }
}

}  // namespace

void WeakProcessor::Prefilter(Marker& marker) {
  slot_candidates_.clear();
  root_candidates_.clear();
  marker.ProcessWeakSlots([this](WeakFields& fields) {
    WeakFields kept;
    KeepUnmarked(fields.plain, kept.plain);
    KeepUnmarked(fields.with_callback, kept.with_callback);
    std::lock_guard<std::mutex> lock(candidates_mu_);
    slot_candidates_.Append(kept);
  });
  std::lock_guard<std::mutex> lock(mu_);
  ForEachEntryLocked(0, 1, [&](WeakRootEntry* entry, void* referent) {
    if (!IsMarked(referent)) root_candidates_.push_back(entry);
  });
  filtered_ = true;
}

void WeakProcessor::ClearRoot(WeakRootEntry* entry, void* referent,
                              std::vector<FinalizationQueue::WeakCall>& calls,
                              size_t& cleared) {
  if (IsMarked(referent) || !Clear(&entry->referent, referent)) return;
  ++cleared;
  RootChunk& chunk = ChunkOf(entry);
  const size_t index = entry - chunk.entries;
  if (chunk.callbacks[index] != nullptr) {
    calls.push_back({chunk.callbacks[index], chunk.data[index], /*arg_is_object=*/false});
  }
}

template <class Field, class Dead>
size_t WeakProcessor::ClearFields(const std::vector<Field>& fields, bool reread, Dead&& dead) {
  std::vector<FinalizationQueue::WeakCall> calls;
  size_t cleared = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (reread && i + 2 * kAhead < fields.size()) __builtin_prefetch(fields[i + 2 * kAhead].slot);
    if (i + kAhead < fields.size()) {
      void* ahead = reread ? Load(fields[i + kAhead].slot) : fields[i + kAhead].referent;
      if (ahead != nullptr) PrefetchMark(ahead);
    }
    const Field& f = fields[i];
    void* referent = reread ? Load(f.slot) : f.referent;
    if (referent == nullptr || !dead(referent) || !Clear(f.slot, referent)) continue;
    ++cleared;
    if constexpr (std::is_same_v<Field, WeakFieldWithCallback>) {
      calls.push_back({f.on_cleared, f.holder, true});
    }
  }
  AddCalls(calls);
  return cleared;
}

template <class Dead>
size_t WeakProcessor::ClearFields(const WeakFields& fields, bool reread, Dead&& dead) {
  return ClearFields(fields.plain, reread, dead) + ClearFields(fields.with_callback, reread, dead);
}

size_t WeakProcessor::ClearUnmarked(Marker& marker) {
  const auto unmarked = [](void* referent) { return !IsMarked(referent); };
  // A count (relaxed): read after the marker threads' work has been joined.
  std::atomic<size_t> cleared{0};
  {
    // Roots: the filter's survivors here, or every entry, chunks shared among the threads.
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<FinalizationQueue::WeakCall> calls;
    size_t n = 0;
    if (filtered_) {
      for (WeakRootEntry* entry : root_candidates_) {
        if (void* referent = Load(&entry->referent)) ClearRoot(entry, referent, calls, n);
      }
      AddCalls(calls);
      cleared += n;
    } else if (live_roots_ != 0) {
      marker.OnEachThread([&](int index, int count) {
        std::vector<FinalizationQueue::WeakCall> mine;
        size_t mine_cleared = 0;
        ForEachEntryLocked(index, count, [&](WeakRootEntry* entry, void* referent) {
          ClearRoot(entry, referent, mine, mine_cleared);
        });
        AddCalls(mine);
        cleared.fetch_add(mine_cleared, std::memory_order_relaxed);
      });
    }
  }
  if (filtered_) {
    // Mutators may have stored into these fields since they were recorded: read them again.
    cleared += ClearFields(slot_candidates_, /*reread=*/true, unmarked);
    slot_candidates_.clear();
    root_candidates_.clear();
    filtered_ = false;
  }
  // Recorded in this pause (or, stop-the-world, in this cycle): the recorded referent is the
  // field's value.
  marker.ProcessWeakSlots([&](WeakFields& fields) {
    cleared.fetch_add(ClearFields(fields, /*reread=*/false, unmarked), std::memory_order_relaxed);
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
  // Also with nothing marked late: the marker forgets whatever it recorded.
  std::sort(late_marked.begin(), late_marked.end());
  const auto dead = [&late_marked](void* referent) {
    return !IsMarked(referent) ||
           std::binary_search(late_marked.begin(), late_marked.end(), referent);
  };
  std::atomic<size_t> cleared{0};
  marker.ProcessWeakSlots([&](WeakFields& fields) {
    cleared.fetch_add(ClearFields(fields, /*reread=*/false, dead), std::memory_order_relaxed);
  });
  QueueCalls();
  return cleared.load(std::memory_order_relaxed);
}

}  // namespace pinion::internal
