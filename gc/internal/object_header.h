// The object header: 8 bytes immediately before every object's payload.
//
//   offset | size | field | meaning
//   -------+------+-------+-------------------------------------------------------------
//        0 |    2 | type  | TypeId::raw: registry index (bits 0-14) | finalizable (bit 15);
//          |      |       | 0 marks a free cell
//        2 |    1 | flags | kPinListed: the object is in its heap's pinned list
//        3 |    1 | -     | reserved, zero
//        4 |    4 | pins  | pin count (>= 0); > 0 makes the object a root
//
// A free cell is all zero except the free-list link in its second word, so allocation only
// writes the header and clears that link. Freed cells are poisoned under ASan except for the
// header and link (gc/internal/poison.h).
//
// Threads: `type` is written once, by the allocating thread, before the object is published.
// `flags` and `pins` are updated with std::atomic_ref by any attached thread (pinning/) and
// read by the collector during a pause (the handshake orders those reads).
#ifndef PINION_GC_INTERNAL_OBJECT_HEADER_H_
#define PINION_GC_INTERNAL_OBJECT_HEADER_H_

#include <atomic>
#include <cstdint>

namespace pinion::internal {

struct ObjectHeader {
  uint16_t type;
  uint8_t flags;
  uint8_t reserved;
  int32_t pins;

  static constexpr uint8_t kPinListed = 1;

  std::atomic_ref<int32_t> pin_count() { return std::atomic_ref<int32_t>(pins); }
  std::atomic_ref<uint8_t> atomic_flags() { return std::atomic_ref<uint8_t>(flags); }
};
static_assert(sizeof(ObjectHeader) == 8);

constexpr size_t kHeaderSize = sizeof(ObjectHeader);
constexpr uint16_t kFinalizableBit = 0x8000;
constexpr uint16_t kTypeIndexMask = 0x7fff;

inline ObjectHeader* HeaderOf(const void* payload) {
  return static_cast<ObjectHeader*>(const_cast<void*>(payload)) - 1;
}
inline void* PayloadOf(void* cell) { return static_cast<char*>(cell) + kHeaderSize; }

// A free cell: header word zero, then the link.
struct FreeCell {
  uint64_t zero_header;
  FreeCell* next;
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_OBJECT_HEADER_H_
