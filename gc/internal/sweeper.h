// Sweeping one page: turning the mark bits of the last collection into free cells.
//
// The sweep reads and writes the page's type array, not its cells. A marked cell has its
// mark bit cleared (kept, on a generational heap); an unmarked one with a non-zero type holds a dead object, which has its
// finalizer run if its type has one, its type entry cleared and (ASan) its bytes poisoned.
// Free cells are those with type entry 0; allocation zeroes them as it hands them out
// (local_allocator.h), so the sweep touches a dead object's memory only to finalize it. A
// page with no marked cell and no finalizable object is recognised from its type array alone
// and released whole.
//
// Threads: the thread that popped the page from its class's unswept list (an allocating
// mutator, or the collecting thread after the pause); it owns the page exclusively.
#ifndef PINION_GC_INTERNAL_SWEEPER_H_
#define PINION_GC_INTERNAL_SWEEPER_H_

#include "gc/internal/segment.h"

namespace pinion::internal {

enum class SweepResult { kEmpty, kHasFree, kFull };

// `keep_marks` (a generational heap's sticky marks, remembered_set.h): live objects keep
// their mark bits (they are old now), and the page notes whether it kept an unprotected one.
SweepResult SweepPage(Page& page, bool keep_marks = false);

// Runs the finalizer of `object` if `raw_type` has one.
void Finalize(void* object, uint16_t raw_type);

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_SWEEPER_H_
