// The space: every byte a heap owns. Segments and their pages, the per-size-class page
// lists, the free-page pools, and large objects; plus the committed-bytes accounting that
// the heap limit is checked against.
//
// Accounting identity (mimalloc style), under mu_:
//   committed_bytes_ = kPageSize * (committed data pages + one metadata page per segment)
//                    + mapped bytes of live large objects
// A data page is committed from the moment it leaves the cold pool until it is decommitted.
//
// Free pools: `hot_` holds committed free pages (reused LIFO while warm, so its front holds
// the pages free longest), `cold_` holds decommitted or never-touched ones. Trim() moves the
// surplus of hot_ to cold_ and unmaps segments whose pages are all cold: this is how memory
// goes back to the OS. After an automatic cycle only *stale* surplus pages go (free for a
// whole cycle without being reused): decommitting pages the next cycle would fault back in
// cost GCBench ~40% in measurements.
//
// Locks (leaf locks, never held together): mu_ guards segments, pools, the large list and
// accounting; each ClassLists::mu guards that class's available/unswept lists. Page state
// transitions follow the table in segment.h.
#ifndef PINION_GC_INTERNAL_SPACE_H_
#define PINION_GC_INTERNAL_SPACE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "gc/internal/segment.h"
#include "gc/internal/size_classes.h"

namespace pinion::internal {

class Space {
 public:
  // `sticky_marks`: a generational heap's space, whose sweeps keep the mark bits of the
  // objects they keep (remembered_set.h).
  explicit Space(bool sticky_marks = false) : sticky_marks_(sticky_marks) {}
  // Finalizes every remaining finalizable object, then unmaps everything.
  ~Space();
  Space(const Space&) = delete;
  Space& operator=(const Space&) = delete;

  // ---- Pages for the allocators ----
  Page* PopAvailable(int size_class);
  Page* PopUnswept(int size_class);
  bool HasUnswept(int size_class);
  void PushAvailable(Page* page);
  // A fresh page formatted for `size_class` with every cell free, or nullptr if taking one
  // would commit memory past `limit` (0: no limit) or the OS refuses.
  Page* TakeFreePage(int size_class, size_t limit);
  // An empty page (after a sweep) goes back to the hot pool.
  void ReleasePage(Page* page);

  // ---- Large objects ----
  // A zeroed mapping for `payload_bytes`, or nullptr past `limit` / on OS failure.
  LargeObject* AllocateLarge(size_t payload_bytes, size_t limit);

  // ---- Collection support ----
  // Sweeping a cycle takes two steps, so that the pause does O(1) work, not O(pages):
  // BeginSweepLocked, in the pause, ends allocation from the pages the cycle marked: it
  // starts a new sweep epoch, empties the available lists (their pages were in use at the
  // pause) and sets the large-object list aside. QueueSweep, after the pause (the
  // collecting thread, mutators allocating), files every page that was in use at the pause
  // as kUnswept and returns the unmarked large objects in `dead`, unmarking the others
  // (keeping their marks, with sticky marks).
  // A page taken from the free pools after the pause carries the new epoch (Page::epoch),
  // which is how QueueSweep tells it from the pages it must queue (and BornSince, a new
  // object from one the cycle did not mark). Returns the new epoch.
  uint64_t BeginSweepLocked();
  void QueueSweep(std::vector<LargeObject*>& dead);
  // Sweeps every kUnswept page (concurrently with allocating threads that pop pages too).
  void SweepAll();
  // Sweeps one popped kUnswept page and files it; returns true if it now has free cells
  // and was left kOwned for the caller (only when `keep_if_free`).
  bool SweepAndFile(Page* page, bool keep_if_free);
  // After the pause: finalizes and unmaps dead large objects.
  void FreeLarge(std::vector<LargeObject*>& dead);
  // Counts cycles, for page ages.
  void BeginCycle() { cycle_.fetch_add(1, std::memory_order_relaxed); }
  // Returns free pages beyond `retain_bytes` to the OS; with `only_stale`, only those that
  // were already free before the last cycle.
  void Trim(size_t retain_bytes, bool only_stale);

  size_t committed_bytes() const { return committed_bytes_.load(std::memory_order_relaxed); }
  // Of those, the free pages kept committed for reuse (the hot pool).
  size_t free_committed_bytes();

  // ---- Generational heaps (sticky marks: remembered_set.h) ----
  bool sticky_marks() const { return sticky_marks_; }
  // World stopped, nothing unswept: clears every mark bit (a full collection makes every
  // object young again before it marks).
  void ClearAllMarks();
  // World stopped, nothing unswept: f(object, raw type) for every old (marked) object of an
  // unprotected type (TypeInfo::unprotected). Visits only pages whose last sweep kept one.
  template <class F>
  void ForEachOldUnprotected(F&& f);

  // True if `object` is the start of a live (or not yet swept) object of this space: the
  // one check behind every "a live object of this heap" in the API's contracts.
  bool HoldsObject(const void* object) const;

 private:
  struct alignas(64) ClassLists {
    std::mutex mu;
    std::vector<Page*> available;
    std::vector<Page*> unswept;
  };

  Segment* NewSegmentLocked();
  void UnmapSegmentLocked(Segment* segment);
  void AddCommittedLocked(int64_t delta);
  // Moves the longest-free hot page to cold_, returning its memory; hot_ must be non-empty.
  void DecommitOldestHotLocked();

  const bool sticky_marks_;
  std::mutex mu_;
  Segment* segments_ = nullptr;
  std::deque<Page*> hot_;    // committed free pages; back = most recently freed
  std::vector<Page*> cold_;  // uncommitted free pages
  LargeObject* large_ = nullptr;
  // Guarded by mu_. The sweep epoch (BeginSweepLocked), and the large objects of the cycle
  // being swept (set aside in the pause, filed by QueueSweep).
  uint64_t epoch_ = 0;
  LargeObject* sweeping_large_ = nullptr;
  // Relaxed: written by the collecting thread (under Collector::cycle_mu_), read under mu_
  // by whoever frees a page; a stale read only makes a page look one cycle younger.
  std::atomic<uint64_t> cycle_{0};
  // Written under mu_; relaxed atomic so stats and limit checks can read it without mu_.
  std::atomic<size_t> committed_bytes_{0};
  ClassLists classes_[kNumSizeClasses];
};

template <class F>
void Space::ForEachOldUnprotected(F&& f) {
  constexpr uint16_t kOldUnprotected = kMarkBit | kUnprotectedBit;
  std::lock_guard<std::mutex> lock(mu_);
  for (Segment* s = segments_; s != nullptr; s = s->next) {
    for (uint32_t p = 1; p < kPagesPerSegment; ++p) {
      Page& page = s->pages[p];
      if (!page.old_unprotected || page.state.load(std::memory_order_relaxed) == PageState::kFree) {
        continue;
      }
      for (uint32_t i = 0; i < page.cell_count; ++i) {
        const uint16_t entry = page.TypeEntry(i).load(std::memory_order_relaxed);
        if ((entry & kOldUnprotected) == kOldUnprotected) f(page.Cell(i), entry);
      }
    }
  }
  for (LargeObject* lo = large_; lo != nullptr; lo = lo->next) {
    if ((lo->type & kUnprotectedBit) && lo->mark.load(std::memory_order_relaxed)) {
      f(lo->payload(), lo->type);
    }
  }
}

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_SPACE_H_
