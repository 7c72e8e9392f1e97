// Where an object's pin count lives: in its page's PinTable (segment.h), allocated on the
// first pin of any cell of the page, or in the LargeObject. Objects never pinned cost nothing.
//
// Threads: any attached thread, for a live object (the caller has checked it). The table
// pointer is installed with a release CAS and loaded with acquire, so a pinner that finds
// it sees zeroed counters; losing the race frees the spare table.
#ifndef PINION_GC_INTERNAL_PIN_SLOT_H_
#define PINION_GC_INTERNAL_PIN_SLOT_H_

#include <atomic>
#include <cstdint>

#include "gc/internal/segment.h"

namespace pinion::internal {

struct PinSlot {
  std::atomic<int32_t>* count = nullptr;  // nullptr: the object was never pinned
  std::atomic<uint8_t>* listed = nullptr; // set while the object is in the pinned list
};

[[gnu::cold]] PinTable* InstallPinTable(Page& page);

// The pin slot of live object `object`. With `create`, makes one if its page has none.
inline PinSlot PinSlotOf(const void* object, bool create) {
  SegmentBase* base = SegmentOf(object);
  if (base->kind == SegmentKind::kLarge) {
    LargeObject* large = static_cast<LargeObject*>(base);
    return {&large->pin_count, &large->pin_listed};
  }
  Page& page = static_cast<Segment*>(base)->PageOf(object);
  PinTable* table = page.pins.load(std::memory_order_acquire);
  if (table == nullptr) {
    if (!create) return {};
    table = InstallPinTable(page);
  }
  const uint32_t index = page.CellIndex(object);
  return {&table->counts[index], &table->listed[index]};
}

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_PIN_SLOT_H_
