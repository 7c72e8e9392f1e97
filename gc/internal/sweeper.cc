#include "gc/internal/sweeper.h"

#include <cstring>

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

SweepResult SweepPage(Page& page) {
  const Page::MarkSummary marks = page.SummarizeMarks();
  if (!marks.any && !page.has_finalizers) {
    page.free_list = nullptr;
    page.free_count = 0;
    return SweepResult::kEmpty;
  }
  if (marks.all) {  // fully live: nothing to free, nothing to finalize
    page.ClearMarks();
    page.free_list = nullptr;
    page.free_count = 0;
    return SweepResult::kFull;
  }
  const uint32_t size = page.cell_size;
  bool finalizers_left = false;
  uint32_t live = 0;
  FreeCell* head = nullptr;
  for (uint32_t i = page.cell_count; i-- > 0;) {
    char* cell = page.Cell(i);
    const std::atomic_ref<uint16_t> entry = page.TypeEntry(i);  // atomic: see Page::types
    const uint16_t type = entry.load(std::memory_order_relaxed);
    if (type & kMarkBit) {
      entry.store(type & ~kMarkBit, std::memory_order_relaxed);
      finalizers_left |= (type & kFinalizableBit) != 0;
      ++live;
      continue;
    }
    if (type != 0) {  // dead object
      PINION_UNPOISON(cell, size);
      Finalize(cell, type);
      std::memset(cell, 0, size);
      entry.store(0, std::memory_order_relaxed);
      PINION_POISON(cell + sizeof(FreeCell), size - sizeof(FreeCell));
    }
    FreeCell* free_cell = reinterpret_cast<FreeCell*>(cell);
    free_cell->next = head;
    head = free_cell;
  }
  page.has_finalizers = finalizers_left;
  page.free_list = head;
  page.free_count = page.cell_count - live;
  if (live == 0) return SweepResult::kEmpty;
  return head != nullptr ? SweepResult::kHasFree : SweepResult::kFull;
}

}  // namespace pinion::internal
