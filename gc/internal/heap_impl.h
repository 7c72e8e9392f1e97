// Everything one Heap owns, wired together. Members are declared in construction order:
// roots before the pinned list (which registers with them), space before the collector
// (which allocates from it). Destruction runs in reverse: marker threads stop first, then
// the pinned list unregisters, then the space finalizes and unmaps.
#ifndef PINION_GC_INTERNAL_HEAP_IMPL_H_
#define PINION_GC_INTERNAL_HEAP_IMPL_H_

#include "gc/heap.h"
#include "gc/internal/collector.h"
#include "gc/internal/finalization_queue.h"
#include "gc/internal/pinned_list.h"
#include "gc/internal/remembered_set.h"
#include "gc/internal/space.h"
#include "gc/internal/weak_processor.h"
#include "roots/root_set.h"

namespace pinion::internal {

class HeapImpl {
 public:
  explicit HeapImpl(const HeapConfig& config)
      : config(config),
        space(/*sticky_marks=*/config.generational),
        remembered(space, config.generational),
        pinned(roots, space),
        finalization(roots),
        weak(space, finalization),
        collector(this->config, roots, space, pinned, finalization, weak, remembered) {}

  const HeapConfig config;
  RootSet roots;
  Space space;
  RememberedSet remembered;
  PinnedList pinned;
  FinalizationQueue finalization;
  WeakProcessor weak;
  Collector collector;
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_HEAP_IMPL_H_
