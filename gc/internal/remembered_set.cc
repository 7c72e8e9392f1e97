#include "gc/internal/remembered_set.h"

#include <algorithm>
#include <atomic>

namespace pinion::internal {

namespace {

// The mark bit of the object of `base` that contains `address` (the object's start or a
// field of it); false for an address in no cell (a page's type array or tail). Relaxed: a
// lazy sweeper may be rewriting the page's other entries; it never changes a live entry's
// mark bit on a generational heap.
bool MarkedAt(SegmentBase* base, const void* address) {
  if (base->kind == SegmentKind::kLarge) {
    return static_cast<LargeObject*>(base)->mark.load(std::memory_order_relaxed) != 0;
  }
  const Page& page = static_cast<Segment*>(base)->PageOf(address);
  if (address < static_cast<const void*>(page.cells)) return false;
  const uint32_t index = page.CellIndex(address);
  if (index >= page.cell_count) return false;
  return page.TypeEntry(index).load(std::memory_order_relaxed) & kMarkBit;
}

}  // namespace

void RememberedSet::Record(ThreadState& thread, const void* slot, const void* value) {
  if (!generational_) return;  // another heap is generational
  SegmentBase* host = SegmentMap::Find(slot);
  // A slot outside the heap (a global, a native struct) is not the heap's to trace: roots
  // are visited in every collection.
  if (host == nullptr || host->space != &space_ || !MarkedAt(host, slot)) return;
  SegmentBase* target = SegmentMap::Find(value);
  // A value of no heap, or of another one, is the marker's to report when it visits it.
  if (target == nullptr || target->space != &space_ || MarkedAt(target, value)) return;
  std::vector<const void*>& slots = thread.remembered;
  slots.push_back(slot);
  if (slots.size() >= thread.remembered_dedup_at) [[unlikely]] {
    std::sort(slots.begin(), slots.end());
    slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
    thread.remembered_dedup_at = std::max(ThreadState::kRememberedDedupAt, 2 * slots.size());
  }
}

void RememberedSet::Flush(ThreadState& thread) {
  if (thread.remembered.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  detached_.insert(detached_.end(), thread.remembered.begin(), thread.remembered.end());
  thread.remembered.clear();
}

void RememberedSet::AddTo(Marker& marker, ThreadRegistry& threads) {
  auto grey = [&marker](const std::vector<const void*>& slots) {
    for (const void* slot : slots) {
      // The host is old, so still allocated; the world is stopped, so the field is still.
      const void* value = std::atomic_ref<const void*>(*static_cast<const void**>(
                                                           const_cast<void*>(slot)))
                              .load(std::memory_order_relaxed);
      if (value != nullptr) marker.AddGrey(value);
    }
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    grey(detached_);
  }
  threads.ForEachThread([&](ThreadRecord* record) {
    grey(static_cast<ThreadState*>(record)->remembered);
  });
  space_.ForEachOldUnprotected(
      [&marker](const void* object, uint16_t raw_type) { marker.AddScan(object, raw_type); });
  Clear(threads);
}

void RememberedSet::Clear(ThreadRegistry& threads) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    detached_.clear();
  }
  threads.ForEachThread([](ThreadRecord* record) {
    ThreadState* thread = static_cast<ThreadState*>(record);
    thread->remembered.clear();
    thread->remembered_dedup_at = ThreadState::kRememberedDedupAt;
  });
}

size_t RememberedSet::size(ThreadRegistry& threads) {
  size_t n = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = detached_.size();
  }
  threads.ForEachThreadRunning(
      [&n](ThreadRecord* record) { n += static_cast<ThreadState*>(record)->remembered.size(); });
  return n;
}

}  // namespace pinion::internal
