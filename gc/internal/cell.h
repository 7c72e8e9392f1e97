// Cells, the unit of small-object memory, and the bits of a raw type.
//
// Objects have no header: a cell holds only the payload (the object starts at the cell), and
// the object's type is recorded beside it, in its page's type array (segment.h). So a
// two-pointer object costs 16 bytes + 2 bytes of type, as in a headerless collector, and the
// marker never touches an object it will not scan.
//
// A free cell is one whose type entry is 0. Its bytes are whatever its last object left
// (the sweeper does not touch them): allocation zeroes the cell as it hands it out
// (local_allocator.h). Under ASan a free cell is poisoned (poison.h).
//
// Type entry (per cell, in the page's type array; 0 for a free cell). A TypeId's raw value
// is an entry without the mark bit:
//
//   bits 0-11 | registry index (1..4095)
//   bit  12   | unprotected: its fields are written without the write barrier
//               (TypeInfo::unprotected); generational heaps rescan its old objects
//   bit  13   | marked: set by the marker during a cycle, cleared by the sweeper (on a
//               generational heap kept by it: a marked object is old, remembered_set.h)
//   bit  14   | pointer-free: no trace callback, never scanned
//   bit  15   | finalizable: has a finalizer
//
// Keeping the mark bit in the type entry lets the marker test and set it with a plain
// (relaxed atomic) 16-bit load and store on the line it reads for the type anyway: no
// lock-prefixed read-modify-write, no separate bitmap. Two markers racing on one object
// both store the same value and at worst scan it twice, which is harmless.
#ifndef PINION_GC_INTERNAL_CELL_H_
#define PINION_GC_INTERNAL_CELL_H_

#include <cstdint>

namespace pinion::internal {

constexpr uint16_t kTypeIndexMask = 0x0fff;
constexpr uint16_t kUnprotectedBit = 0x1000;
constexpr uint16_t kMarkBit = 0x2000;
constexpr uint16_t kPointerFreeBit = 0x4000;
constexpr uint16_t kFinalizableBit = 0x8000;

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_CELL_H_
