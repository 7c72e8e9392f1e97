#include "gc/internal/sweeper.h"

#include <atomic>
#include <bit>

#include "gc/heap.h"
#include "gc/internal/poison.h"
#include "gc/internal/type_registry.h"
#include "roots/thread_registry.h"

namespace pinion::internal {

void Finalize(void* object, uint16_t raw_type) {
  if (!(raw_type & kFinalizableBit)) return;
  // The thread is sweeping a page it owns: the finalizer must not start or join a cycle.
  CollectorCallbackScope scope("a finalizer");
  TypeInfoAt(raw_type).finalize(object);
}

SweepResult SweepPage(Page& page, bool keep_marks) {
  const Page::MarkSummary marks = page.SummarizeMarks();
  if (!marks.any && !page.has_finalizers) {
    page.free_count = 0;
    page.old_unprotected = false;
    page.all_old = false;
    return SweepResult::kEmpty;
  }
  if (marks.all) {  // fully live: nothing to free, nothing to finalize
    if (!keep_marks) page.ClearMarks();
    page.free_count = 0;
    page.old_unprotected = keep_marks && marks.unprotected;
    page.all_old = keep_marks;
    return SweepResult::kFull;
  }
  // Four entries at a time (segment.h: lanes). Plain loads: no other thread writes entries
  // while the page is swept (markers do not run, its owner is this thread); relaxed atomic
  // stores, because mutators may be reading live entries (FindObject, TypeOf).
  constexpr uint64_t kMarks = kMarkBit * kLanes, kFinalizable = kFinalizableBit * kLanes;
  constexpr int kMarkShift = std::countr_zero(kMarkBit);
  uint64_t* words = reinterpret_cast<uint64_t*>(page.types);
  // Marks off, or (sticky) kept: the entries of live objects keep all 16 bits.
  const uint64_t clear = keep_marks ? 0 : kMarks;
  bool finalizers_left = false;
  uint64_t kept_or = 0;
  uint32_t live = 0;
  for (uint32_t w = 0; w < (page.cell_count + 3) / 4; ++w) {  // the padding is zero
    const uint64_t x = words[w];
    const uint64_t marked = x & kMarks;
    const uint64_t dead = NonZeroLanes(x) & ~(marked << (15 - kMarkShift));  // bit 15 of each
    live += std::popcount(marked);
    // Dead objects' cells: finalizers (queued or run), ASan poison. Nothing else to do in
    // them; most words have no finalizable dead entry and skip this in non-ASan builds.
    if (dead != 0 && (kPoisoning || (x & kFinalizable & dead) != 0)) {
      for (uint64_t d = dead; d != 0; d &= d - 1) {
        const int lane = std::countr_zero(d) / 16;
        const uint32_t i = 4 * w + lane;
        Finalize(page.Cell(i), static_cast<uint16_t>(x >> (16 * lane)));
        PINION_POISON(page.Cell(i), page.cell_size);
      }
    }
    const uint64_t kept = x & (marked >> kMarkShift) * 0xffff & ~clear;  // the live entries
    finalizers_left |= (kept & kFinalizable) != 0;
    kept_or |= kept;
    if (kept != x) std::atomic_ref<uint64_t>(words[w]).store(kept, std::memory_order_relaxed);
  }
  page.has_finalizers = finalizers_left;
  page.old_unprotected = keep_marks && (kept_or & kUnprotectedBit * kLanes) != 0;
  page.all_old = false;
  page.free_count = page.cell_count - live;
  if (live == 0) return SweepResult::kEmpty;
  return page.free_count != 0 ? SweepResult::kHasFree : SweepResult::kFull;
}

}  // namespace pinion::internal
