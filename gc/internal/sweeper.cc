#include "gc/internal/sweeper.h"

#include <cstring>

#include "gc/heap.h"
#include "gc/internal/poison.h"
#include "gc/internal/type_registry.h"

namespace pinion::internal {

void FinalizeCell(void* cell) {
  const ObjectHeader* header = static_cast<ObjectHeader*>(cell);
  if (header->type & kFinalizableBit) TypeInfoAt(header->type).finalize(PayloadOf(cell));
}

SweepResult SweepPage(Page& page) {
  const uint32_t live = page.CountMarked();
  if (live == 0 && !page.has_finalizers) {
    page.free_list = nullptr;
    page.free_count = 0;
    return SweepResult::kEmpty;
  }
  if (live == page.cell_count) {  // fully live: nothing to free, nothing to finalize
    page.ClearMarks();
    page.free_list = nullptr;
    page.free_count = 0;
    return SweepResult::kFull;
  }
  const uint32_t size = page.cell_size;
  bool finalizers_left = false;
  FreeCell* head = nullptr;
  for (uint32_t i = page.cell_count; i-- > 0;) {
    char* cell = page.Cell(i);
    ObjectHeader* header = reinterpret_cast<ObjectHeader*>(cell);
    if (page.IsMarked(i)) {
      finalizers_left |= (header->type & kFinalizableBit) != 0;
      continue;
    }
    if (header->type != 0) {  // dead object
      PINION_UNPOISON(cell, size);
      if (page.has_finalizers) FinalizeCell(cell);
      std::memset(cell, 0, size);
      PINION_POISON(cell + sizeof(FreeCell), size - sizeof(FreeCell));
    }
    FreeCell* free_cell = reinterpret_cast<FreeCell*>(cell);
    free_cell->next = head;
    head = free_cell;
  }
  page.ClearMarks();
  page.has_finalizers = finalizers_left;
  page.free_list = head;
  page.free_count = page.cell_count - live;
  if (live == 0) return SweepResult::kEmpty;
  return head != nullptr ? SweepResult::kHasFree : SweepResult::kFull;
}

}  // namespace pinion::internal
