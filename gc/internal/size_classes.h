// Size classes for small objects. A cell holds exactly the payload (objects have no header).
//
// Cells are multiples of 8 bytes from 16 to 64 (a two-pointer object takes 16 bytes), then
// four classes per power of two up to kMaxSmallCell (16 KiB); larger objects get their own
// mapping. Worst-case internal fragmentation above 64 bytes is 25%. Cells are 8-byte aligned.
#ifndef PINION_GC_INTERNAL_SIZE_CLASSES_H_
#define PINION_GC_INTERNAL_SIZE_CLASSES_H_

#include <bit>
#include <cstddef>
#include <cstdint>

namespace pinion::internal {

constexpr size_t kMinCell = 16;  // two pointers, and <= 4096 cells a page
constexpr size_t kMaxSmallCell = 16 * 1024;
constexpr int kNumSizeClasses = 7 + 4 * 8;  // 16..64 by 8, then 4 per doubling to 16 KiB

// The class of an object of `bytes` (<= kMaxSmallCell); 0-byte objects take 16.
constexpr int SizeClassOf(size_t bytes) {
  if (bytes <= 16) return 0;
  if (bytes <= 64) return static_cast<int>((bytes + 7) / 8) - 2;
  const int bits = std::bit_width(bytes - 1);  // 2^(bits-1) < bytes <= 2^bits
  return 7 + (bits - 7) * 4 + static_cast<int>((bytes - 1) >> (bits - 3)) - 4;
}

constexpr uint32_t CellSizeOfClass(int size_class) {
  if (size_class < 7) return 16 + 8 * size_class;
  const int step = (size_class - 7) / 4, sub = (size_class - 7) % 4;
  return (64u << step) + (16u << step) * (sub + 1);
}

static_assert(CellSizeOfClass(0) == 16 && CellSizeOfClass(1) == 24 && CellSizeOfClass(6) == 64);
static_assert(CellSizeOfClass(7) == 80 && CellSizeOfClass(10) == 128 && CellSizeOfClass(11) == 160);
static_assert(CellSizeOfClass(kNumSizeClasses - 1) == kMaxSmallCell);
static_assert(SizeClassOf(0) == 0 && SizeClassOf(17) == 1 && SizeClassOf(64) == 6);
static_assert(SizeClassOf(65) == 7 && SizeClassOf(128) == 10 && SizeClassOf(129) == 11);
static_assert(SizeClassOf(kMaxSmallCell) == kNumSizeClasses - 1);

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_SIZE_CLASSES_H_
