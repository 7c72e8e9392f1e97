// Sweeping one page: turning the mark bits of the last collection into a free list.
//
// For every cell whose mark bit is clear: a dead object (non-zero type) has its finalizer
// run if its type has one, is zeroed, its type cleared, and poisoned (ASan); then the cell
// is linked into the page's free list in address order. Mark bits are cleared on the way out, so a swept page
// is ready for the next collection. A page with no marked cell and no finalizable object is
// recognised from its bitmap alone, without touching its cells.
//
// Threads: the thread that popped the page from its class's unswept list (an allocating
// mutator, or the collecting thread after the pause); it owns the page exclusively.
#ifndef PINION_GC_INTERNAL_SWEEPER_H_
#define PINION_GC_INTERNAL_SWEEPER_H_

#include "gc/internal/segment.h"

namespace pinion::internal {

enum class SweepResult { kEmpty, kHasFree, kFull };

SweepResult SweepPage(Page& page);

// Runs the finalizer of `object` if `raw_type` has one.
void Finalize(void* object, uint16_t raw_type);

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_SWEEPER_H_
