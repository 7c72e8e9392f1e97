// Where an object's pin count and flags live: in its page's PinTable (segment.h), allocated
// on the first pin (or finalization registration) of any cell of the page, or in the
// LargeObject. Objects never pinned nor registered cost nothing.
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

// Bits of PinSlot::flags. Set and cleared with relaxed fetch_or/fetch_and: each bit only
// arbitrates who appends the object to a list that has its own lock.
constexpr uint8_t kPinListed = 1;  // the object is in the pinned list (pinned_list.h)
constexpr uint8_t kFinalizationRegistered = 2;  // registered, not yet queued (finalization_queue.h)

struct PinSlot {
  std::atomic<int32_t>* count = nullptr;  // nullptr: the object was never pinned
  std::atomic<uint8_t>* flags = nullptr;
};

[[gnu::cold]] PinTable* InstallPinTable(Page& page);

// The pin slot of live object `object`. With `create`, makes one if its page has none.
inline PinSlot PinSlotOf(const void* object, bool create) {
  SegmentBase* base = SegmentOf(object);
  if (base->kind == SegmentKind::kLarge) {
    LargeObject* large = static_cast<LargeObject*>(base);
    return {&large->pin_count, &large->pin_flags};
  }
  Page& page = static_cast<Segment*>(base)->PageOf(object);
  PinTable* table = page.pins.load(std::memory_order_acquire);
  if (table == nullptr) {
    if (!create) return {};
    table = InstallPinTable(page);
  }
  const uint32_t index = page.CellIndex(object);
  return {&table->counts[index], &table->flags[index]};
}

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_PIN_SLOT_H_
