#include "gc/internal/weak_processor.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <type_traits>

#include "gc/heap.h"
#include "gc/internal/finalization_queue.h"
#include "gc/internal/segment.h"
#include "gc/internal/space.h"
#include "gc/internal/thread_state.h"
#include "gc/weak_member.h"
#include "roots/thread_registry.h"

namespace pinion::internal {

namespace {

// How far ahead the loops prefetch the referents' mark words.
constexpr size_t kAhead = 8;

// Slots are read and cleared through atomic_ref: mutators use WeakLoad/WeakStore on them.
// Acquire pairs with WeakStore's release: FinishClearing runs beside the mutators, and the
// referent a mutator just stored may sit in a page it formatted meanwhile, whose stamp
// BornSince reads.
void* Load(void* const* slot) {
  return std::atomic_ref<void*>(*const_cast<void**>(slot)).load(std::memory_order_acquire);
}

bool Clear(void** slot, void* referent) {
  std::atomic_ref<void*> ref(*slot);
  // A field recorded twice is cleared once: the second visit finds null; a mutator's store
  // since the pause wins. Relaxed: a null publishes nothing, and the phase's end (a release
  // decrement of g_weak_read_barrier, after every clearing) is what readers synchronise with.
  // On failure, acquire: a mutator's store that replaced the referent during the phase
  // (release) follows its note in settled_, which the caller then reads.
  return ref.compare_exchange_strong(referent, nullptr, std::memory_order_relaxed,
                                     std::memory_order_acquire);
}

}  // namespace

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

bool WeakProcessor::ClearRootLocked(WeakRootEntry* entry,
                                    std::vector<FinalizationQueue::WeakCall>& calls) {
  // Acquire, seq_cst: FinishClearing's store of false, then its lock of mu_.
  if (!clearing_.load(std::memory_order_seq_cst)) return false;
  void* referent = Load(&entry->referent);
  if (referent == nullptr || !Dead(referent) || !Clear(&entry->referent, referent)) return false;
  RootChunk& chunk = ChunkOf(entry);
  const size_t index = entry - chunk.entries;
  if (chunk.callbacks[index] != nullptr) {
    calls.push_back({chunk.callbacks[index], chunk.data[index], /*arg_is_object=*/false});
  }
  return true;
}

void WeakProcessor::SetRoot(WeakRootEntry* entry, void* referent) {
  std::vector<FinalizationQueue::WeakCall> calls;
  std::lock_guard<std::mutex> lock(mu_);
  ClearRootLocked(entry, calls);  // its callback is owed, as if cleared before
  AddCalls(calls);  // under mu_: before FinishClearing's QueueCalls
  // Release, as WeakStore.
  std::atomic_ref<void*>(entry->referent).store(referent, std::memory_order_release);
}

void WeakProcessor::FreeRoot(WeakRootEntry* entry) {
  std::vector<FinalizationQueue::WeakCall> calls;
  std::lock_guard<std::mutex> lock(mu_);
  ClearRootLocked(entry, calls);  // its callback is owed, as if cleared before
  AddCalls(calls);  // under mu_: before FinishClearing's QueueCalls
  // Relaxed: a null publishes nothing; the entry's owner is gone, and mu_ orders the reuse.
  std::atomic_ref<void*>(entry->referent).store(nullptr, std::memory_order_relaxed);
  RootChunk& chunk = ChunkOf(entry);
  chunk.callbacks[entry - chunk.entries] = nullptr;
  chunk.data[entry - chunk.entries] = nullptr;
  --live_roots_;
  free_.push_back(entry);
}

bool WeakProcessor::Dead(const void* referent) const {
  if (BornSince(referent, epoch_)) return false;
  return !IsMarked(referent) || std::binary_search(late_.begin(), late_.end(), referent);
}

void WeakProcessor::AddCalls(const std::vector<FinalizationQueue::WeakCall>& calls) {
  if (calls.empty()) return;
  std::lock_guard<std::mutex> lock(calls_mu_);
  calls_.insert(calls_.end(), calls.begin(), calls.end());
}

void WeakProcessor::QueueCalls() {
  std::vector<FinalizationQueue::WeakCall> calls;
  {
    std::lock_guard<std::mutex> lock(calls_mu_);
    calls.swap(calls_);
  }
  finalization_.QueueWeakCalls(calls);
}

bool WeakProcessor::Ours(Marker& marker, const void* referent) const {
  // The marker's checks for a visit (marker.h): a referent that is not an object of this
  // heap is refused, never cleared (its mark bit would say nothing).
#ifndef NDEBUG
  if (FindObject(referent) != referent) {
    marker.Refuse(referent, /*foreign=*/false);
    return false;
  }
#endif
  if (SegmentOf(referent)->space != &space_) [[unlikely]] {
    marker.Refuse(referent, /*foreign=*/true);
    return false;
  }
  return true;
}

size_t WeakProcessor::ClearFields(Marker& marker, const WeakFields& fields,
                                  std::vector<FinalizationQueue::WeakCall>& calls) {
  // A field's value now is its value at the pause if that is dead: no mutator stores a dead
  // object (none can obtain one), so a dead value has been there since the field was traced.
  size_t cleared = 0;
  const SlotArray& plain = fields.plain;
  void** const* slots = plain.begin();
  for (size_t i = 0, n = plain.size(); i < n; ++i) {
    if (i + 2 * kAhead < n) __builtin_prefetch(slots[i + 2 * kAhead]);
#ifdef NDEBUG  // optimised builds read a referent's segment unchecked, as the marker does
    if (i + kAhead < n) {
      if (void* ahead = Load(slots[i + kAhead])) PrefetchMark(ahead);
    }
#endif
    void* referent = Load(slots[i]);
    if (referent == nullptr || !Ours(marker, referent)) continue;
    if (Dead(referent) && Clear(slots[i], referent)) ++cleared;
  }
  for (const WeakFieldWithCallback& f : fields.with_callback) {
    void* referent = Load(f.slot);
    if (referent != nullptr && !Ours(marker, referent)) continue;
    // A field overwritten since the pause while it held a dead referent is owed its
    // callback too (Store), once (Settled forgets it).
    const bool owed = referent != nullptr && Dead(referent)
                          ? Clear(f.slot, referent) || Settled(f.slot)
                          : Settled(f.slot);
    if (!owed) continue;
    ++cleared;
    calls.push_back({f.on_cleared, f.holder, /*arg_is_object=*/true});
  }
  return cleared;
}

size_t WeakProcessor::ClearRoots(int index, int count,
                                 std::vector<FinalizationQueue::WeakCall>& calls) {
  size_t cleared = 0;
  for (size_t c = index;; c += count) {
    // A chunk at a time under mu_ (NewRoot/FreeRoot wait at most one chunk): chunks_ may
    // grow meanwhile, and entries are read with their callbacks.
    std::lock_guard<std::mutex> lock(mu_);
    if (c >= chunks_.size()) break;
    RootChunk& chunk = *chunks_[c];
    const size_t n = c + 1 == chunks_.size() ? used_ : kChunk;
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        if (void* ahead = Load(&chunk.entries[i + kAhead].referent)) PrefetchMark(ahead);
      }
      // A root's referent is whatever its owner last stored: an object of this heap (the
      // WeakRoot's contract), dead only if it was there at the pause.
      if (ClearRootLocked(&chunk.entries[i], calls)) ++cleared;
    }
  }
  return cleared;
}

bool WeakProcessor::BeginClearing(Marker& marker, std::vector<const void*> late_marked,
                                  uint64_t epoch) {
  bool roots;
  {
    std::lock_guard<std::mutex> lock(mu_);
    roots = live_roots_ != 0;
  }
  if (!roots && !marker.HasWeakFields()) return false;  // nothing weak: no phase
  std::sort(late_marked.begin(), late_marked.end());
  late_ = std::move(late_marked);
  epoch_ = epoch;
  // Relaxed: the world is stopped; resuming it publishes the phase to every mutator.
  clearing_.store(true, std::memory_order_relaxed);
  g_weak_read_barrier.fetch_add(1, std::memory_order_relaxed);
  g_heaps_clearing_weak.fetch_add(1, std::memory_order_relaxed);
  return true;
}

size_t WeakProcessor::FinishClearing(Marker& marker, ThreadRegistry& threads) {
  // A count (relaxed): read after the marker threads' work has been joined.
  std::atomic<size_t> cleared{0};
  bool roots;
  {
    std::lock_guard<std::mutex> lock(mu_);
    roots = live_roots_ != 0;
  }
  if (roots) {
    marker.OnEachThread([&](int index, int count) {
      std::vector<FinalizationQueue::WeakCall> calls;
      cleared.fetch_add(ClearRoots(index, count, calls), std::memory_order_relaxed);
      AddCalls(calls);
    });
  }
  marker.ProcessWeakSlots([&](WeakFields& fields) {
    std::vector<FinalizationQueue::WeakCall> calls;
    cleared.fetch_add(ClearFields(marker, fields, calls), std::memory_order_relaxed);
    AddCalls(calls);
  });
  // The end of the phase: the Dekker handshake with Read and Store (the file comment), and
  // mu_ with the root operations. After it no thread tests a mark bit, so the sweep may
  // clear them, and every owed callback is in calls_.
  clearing_.store(false, std::memory_order_seq_cst);
  threads.ForEachThreadRunning([](ThreadRecord* record) {
    const std::atomic<bool>& reading = static_cast<ThreadState*>(record)->weak_reading;
    while (reading.load(std::memory_order_seq_cst)) std::this_thread::yield();
  });
  { std::lock_guard<std::mutex> lock(mu_); }
  QueueCalls();
  // Release, both: every null above is visible to a read that loads its count at zero, and
  // precedes in the field's order a store that does.
  g_heaps_clearing_weak.fetch_sub(1, std::memory_order_release);
  g_weak_read_barrier.fetch_sub(1, std::memory_order_release);
  late_.clear();
  late_.shrink_to_fit();
  {
    std::lock_guard<std::mutex> lock(settled_mu_);
    settled_.clear();
    settled_count_.store(0, std::memory_order_relaxed);
  }
  return cleared.load(std::memory_order_relaxed);
}

bool WeakProcessor::Settled(void** slot) {
  // Acquire: a store that noted a slot (Store) counted it first; the caller's load of the
  // field (or failed compare-and-swap) that saw the store orders the count before this.
  if (settled_count_.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard<std::mutex> lock(settled_mu_);
  return settled_.erase(slot) != 0;  // once: a field recorded twice gets one callback
}

void WeakProcessor::Store(ThreadState& thread, void** slot, void* value) {
  thread.weak_reading.store(true, std::memory_order_seq_cst);
  if (clearing_.load(std::memory_order_seq_cst)) {
    void* old = Load(slot);
    if (old != nullptr && space_.HoldsObject(old) && Dead(old)) {
      std::lock_guard<std::mutex> lock(settled_mu_);
      settled_.insert(slot);
      settled_count_.fetch_add(1, std::memory_order_relaxed);  // published by the store below
    }
  }
  // Release, as WeakStore; after the note above (see Clear).
  std::atomic_ref<void*>(*slot).store(value, std::memory_order_release);
  thread.weak_reading.store(false, std::memory_order_release);
}

void* WeakProcessor::Read(ThreadState& thread, void* const* slot, void* value) {
  thread.weak_reading.store(true, std::memory_order_seq_cst);
  if (clearing_.load(std::memory_order_seq_cst)) {
    // The sweep has not begun: `value`, if an object of this heap, keeps its mark bit and
    // stamp until this thread clears weak_reading.
    if (space_.HoldsObject(value) && Dead(value)) value = nullptr;
  } else {
    value = Load(slot);  // the phase is over (or another heap's): the field's final value
  }
  // Release: the tests above happen before the collector, seeing false, sweeps.
  thread.weak_reading.store(false, std::memory_order_release);
  return value;
}

}  // namespace pinion::internal
