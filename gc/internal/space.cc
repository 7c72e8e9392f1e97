#include "gc/internal/space.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "gc/heap.h"
#include "gc/internal/os_memory.h"
#include "gc/internal/poison.h"
#include "gc/internal/sweeper.h"

namespace pinion::internal {

bool Space::HoldsObject(const void* object) const {
  return object != nullptr && FindObject(object) == object && SegmentOf(object)->space == this;
}

namespace {
constexpr uint32_t kDataPages = kPagesPerSegment - 1;

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }
}  // namespace

Space::~Space() {
  // Finalize what is still allocated, then give everything back.
  for (Segment* s = segments_; s != nullptr; s = s->next) {
    for (uint32_t p = 1; p < kPagesPerSegment; ++p) {
      Page& page = s->pages[p];
      if (page.state.load(std::memory_order_relaxed) == PageState::kFree) continue;
      delete page.pins.load(std::memory_order_relaxed);
      if (!page.has_finalizers) continue;
      for (uint32_t i = 0; i < page.cell_count; ++i) {
        if (page.types[i] == 0) continue;
        PINION_UNPOISON(page.Cell(i), page.cell_size);
        Finalize(page.Cell(i), page.types[i]);
      }
    }
  }
  for (LargeObject* lo = large_; lo != nullptr;) {  // (sweeping_large_ is empty: QueueSweep)
    LargeObject* next = lo->next;
    Finalize(lo->payload(), lo->type);
    SegmentMap::Unregister(lo, lo->mapped_bytes);
    Unmap(lo, lo->mapped_bytes);
    lo = next;
  }
  while (segments_ != nullptr) UnmapSegmentLocked(segments_);
}

void Space::AddCommittedLocked(int64_t delta) {
  committed_bytes_.store(committed_bytes_.load(std::memory_order_relaxed) + delta,
                         std::memory_order_relaxed);
}

Page* Space::PopAvailable(int size_class) {
  ClassLists& c = classes_[size_class];
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.available.empty()) return nullptr;
  Page* page = c.available.back();
  c.available.pop_back();
  page->state.store(PageState::kOwned, std::memory_order_relaxed);
  return page;
}

Page* Space::PopUnswept(int size_class) {
  ClassLists& c = classes_[size_class];
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.unswept.empty()) return nullptr;
  Page* page = c.unswept.back();
  c.unswept.pop_back();
  return page;
}

bool Space::HasUnswept(int size_class) {
  ClassLists& c = classes_[size_class];
  std::lock_guard<std::mutex> lock(c.mu);
  return !c.unswept.empty();
}

void Space::PushAvailable(Page* page) {
  ClassLists& c = classes_[page->size_class];
  std::lock_guard<std::mutex> lock(c.mu);
  page->state.store(PageState::kAvailable, std::memory_order_relaxed);
  c.available.push_back(page);
}

Segment* Space::NewSegmentLocked() {
  void* memory = MapAligned(kSegmentSize, kSegmentSize);
  if (memory == nullptr) return nullptr;
  Segment* segment = new (memory) Segment;
  segment->kind = SegmentKind::kSmall;
  segment->space = this;
  for (uint32_t p = kPagesPerSegment - 1; p >= 1; --p) {
    segment->pages[p].start = static_cast<char*>(memory) + p * kPageSize;
    cold_.push_back(&segment->pages[p]);  // page 1 ends up on top
  }
  segment->free_pages = kDataPages;
  segment->next = segments_;
  segments_ = segment;
  AddCommittedLocked(kPageSize);  // the metadata page
  SegmentMap::Register(segment, kSegmentSize);
  return segment;
}

void Space::UnmapSegmentLocked(Segment* segment) {
  Segment** link = &segments_;
  while (*link != segment) link = &(*link)->next;
  *link = segment->next;
  SegmentMap::Unregister(segment, kSegmentSize);
  AddCommittedLocked(-static_cast<int64_t>(kPageSize));
  segment->~Segment();
  Unmap(segment, kSegmentSize);
}

Page* Space::TakeFreePage(int size_class, size_t limit) {
  Page* page;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!hot_.empty()) {
      page = hot_.back();
      hot_.pop_back();
    } else {
      const size_t needed = kPageSize + (cold_.empty() ? kPageSize : 0);
      if (limit != 0 && committed_bytes() + needed > limit) return nullptr;
      if (cold_.empty() && NewSegmentLocked() == nullptr) return nullptr;
      page = cold_.back();
      cold_.pop_back();
      page->committed = true;
      AddCommittedLocked(kPageSize);
    }
    static_cast<Segment*>(SegmentOf(page->start))->free_pages--;
    page->state.store(PageState::kOwned, std::memory_order_relaxed);
    page->epoch = epoch_;  // not part of the sweep in progress (QueueSweep)
  }
  // The page is ours now: format it outside the lock. Every cell is free once the type array
  // is zero; the cells themselves are zeroed as they are allocated (local_allocator.h).
  PINION_UNPOISON(page->start, kPageSize);
  page->Format(size_class, CellSizeOfClass(size_class));
  if (page->dirty) std::memset(page->start, 0, page->cells - page->start);
  page->dirty = false;
  page->has_finalizers = false;
  PINION_POISON(page->cells, page->start + kPageSize - page->cells);
  page->free_count = page->cell_count;
  return page;
}

void Space::ReleasePage(Page* page) {
  // No cell is live, so none is pinned: the pin table can go.
  delete page->pins.exchange(nullptr, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  page->state.store(PageState::kFree, std::memory_order_relaxed);
  page->dirty = true;
  page->freed_cycle = cycle_.load(std::memory_order_relaxed);
  static_cast<Segment*>(SegmentOf(page->start))->free_pages++;
  hot_.push_back(page);
}

LargeObject* Space::AllocateLarge(size_t payload_bytes, size_t limit) {
  const size_t mapped = RoundUp(LargeObject::kPayloadOffset + payload_bytes, 4096);
  std::lock_guard<std::mutex> lock(mu_);
  // Free pages kept committed for reuse give way before the limit refuses a large object.
  while (limit != 0 && committed_bytes() + mapped > limit && !hot_.empty()) {
    DecommitOldestHotLocked();
  }
  if (limit != 0 && committed_bytes() + mapped > limit) return nullptr;
  void* memory = MapAligned(mapped, kSegmentSize);
  if (memory == nullptr) return nullptr;
  LargeObject* lo = new (memory) LargeObject;
  lo->kind = SegmentKind::kLarge;
  lo->space = this;
  lo->mapped_bytes = mapped;
  lo->payload_bytes = mapped - LargeObject::kPayloadOffset;
  lo->epoch = epoch_;
  lo->next = large_;
  if (large_ != nullptr) large_->prev = lo;
  large_ = lo;
  AddCommittedLocked(mapped);
  SegmentMap::Register(lo, mapped);
  return lo;
}

uint64_t Space::BeginSweepLocked() {
  for (ClassLists& c : classes_) {
    std::lock_guard<std::mutex> lock(c.mu);
    c.available.clear();
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++epoch_;
  sweeping_large_ = large_;
  large_ = nullptr;
  return epoch_;
}

void Space::QueueSweep(std::vector<LargeObject*>& dead) {
  std::vector<Page*> batch[kNumSizeClasses];
  std::unique_lock<std::mutex> lock(mu_);
  // Segment by segment under mu_, which TakeFreePage holds while it stamps a page with the
  // epoch: a page in use with an older stamp was in use at the pause. Only this thread
  // unmaps segments (Trim), so `s` stays valid while mu_ is released; segments added
  // meanwhile go to the front and hold no page of the old epoch.
  for (Segment* s = segments_; s != nullptr;) {
    for (uint32_t p = 1; p < kPagesPerSegment; ++p) {
      Page& page = s->pages[p];
      if (page.state.load(std::memory_order_relaxed) == PageState::kFree) continue;
      if (page.epoch == epoch_) continue;  // taken after the pause
      // Sticky marks: all old when last swept and not allocated into since (kFull), so still
      // all marked: nothing to sweep (Page::all_old).
      if (page.all_old && page.state.load(std::memory_order_relaxed) == PageState::kFull) {
        continue;
      }
      page.epoch = epoch_;
      page.state.store(PageState::kUnswept, std::memory_order_relaxed);
      batch[page.size_class].push_back(&page);
    }
    s = s->next;
    lock.unlock();  // class locks are never held with mu_
    for (int c = 0; c < kNumSizeClasses; ++c) {
      if (batch[c].empty()) continue;
      std::lock_guard<std::mutex> class_lock(classes_[c].mu);
      classes_[c].unswept.insert(classes_[c].unswept.end(), batch[c].begin(), batch[c].end());
      batch[c].clear();
    }
    lock.lock();
  }
  for (LargeObject* lo = sweeping_large_; lo != nullptr;) {
    LargeObject* next = lo->next;
    if (lo->mark.load(std::memory_order_relaxed)) {
      if (!sticky_marks_) lo->mark.store(0, std::memory_order_relaxed);
      lo->prev = nullptr;
      lo->next = large_;
      if (large_ != nullptr) large_->prev = lo;
      large_ = lo;
    } else {
      dead.push_back(lo);
    }
    lo = next;
  }
  sweeping_large_ = nullptr;
}

void Space::ClearAllMarks() {
  std::lock_guard<std::mutex> lock(mu_);
  for (Segment* s = segments_; s != nullptr; s = s->next) {
    for (uint32_t p = 1; p < kPagesPerSegment; ++p) {
      Page& page = s->pages[p];
      if (page.state.load(std::memory_order_relaxed) == PageState::kFree) continue;
      page.ClearMarks();
      page.old_unprotected = false;
      page.all_old = false;
    }
  }
  for (LargeObject* lo = large_; lo != nullptr; lo = lo->next) {
    lo->mark.store(0, std::memory_order_relaxed);
  }
}

bool Space::SweepAndFile(Page* page, bool keep_if_free) {
  switch (SweepPage(*page, sticky_marks_)) {
    case SweepResult::kEmpty:
      ReleasePage(page);
      return false;
    case SweepResult::kFull:
      page->state.store(PageState::kFull, std::memory_order_relaxed);
      return false;
    case SweepResult::kHasFree:
      if (keep_if_free) {
        page->state.store(PageState::kOwned, std::memory_order_relaxed);
        return true;
      }
      PushAvailable(page);
      return false;
  }
  return false;
}

void Space::SweepAll() {
  for (int c = 0; c < kNumSizeClasses; ++c) {
    while (Page* page = PopUnswept(c)) SweepAndFile(page, /*keep_if_free=*/false);
  }
}

void Space::FreeLarge(std::vector<LargeObject*>& dead) {
  for (LargeObject* lo : dead) {
    Finalize(lo->payload(), lo->type);
    std::lock_guard<std::mutex> lock(mu_);
    SegmentMap::Unregister(lo, lo->mapped_bytes);
    AddCommittedLocked(-static_cast<int64_t>(lo->mapped_bytes));
    Unmap(lo, lo->mapped_bytes);
  }
  dead.clear();
}

void Space::DecommitOldestHotLocked() {
  Page* page = hot_.front();
  hot_.pop_front();
  Decommit(page->start, kPageSize);
  page->dirty = false;
  page->committed = false;
  AddCommittedLocked(-static_cast<int64_t>(kPageSize));
  cold_.push_back(page);
}

size_t Space::free_committed_bytes() {
  std::lock_guard<std::mutex> lock(mu_);
  return hot_.size() * kPageSize;
}

void Space::Trim(size_t retain_bytes, bool only_stale) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t cycle = cycle_.load(std::memory_order_relaxed);
  // Oldest hot pages first: the recently freed ones are still warm in cache.
  while (!hot_.empty() && hot_.size() * kPageSize > retain_bytes) {
    if (only_stale && hot_.front()->freed_cycle + 1 >= cycle) break;  // the rest are younger
    DecommitOldestHotLocked();
  }
  // Unmap segments whose data pages are all free and uncommitted.
  for (Segment* s = segments_; s != nullptr;) {
    Segment* next = s->next;
    bool all_cold = s->free_pages == kDataPages;
    for (uint32_t p = 1; all_cold && p < kPagesPerSegment; ++p) all_cold = !s->pages[p].committed;
    if (all_cold) {
      std::erase_if(cold_, [&](Page* page) { return SegmentOf(page->start) == s; });
      UnmapSegmentLocked(s);
    }
    s = next;
  }
}

}  // namespace pinion::internal
