// Tests of the page layout (gc/internal/segment.h): Page::Format's geometry, the exact
// reciprocal behind CellIndex, the mark summary the sweeper reads, and the free-cell mask the
// allocator reads (four entries per word, checked against an entry-by-entry model).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>

#include "gc/internal/segment.h"
#include "gc/internal/size_classes.h"

namespace {

using pinion::internal::CellSizeOfClass;
using pinion::internal::kMarkBit;
using pinion::internal::kNumSizeClasses;
using pinion::internal::kPageSize;
using pinion::internal::Page;

// A zeroed, page-aligned 64 KiB buffer standing in for a page of a segment.
struct PageMemory {
  PageMemory() : bytes(static_cast<char*>(std::aligned_alloc(kPageSize, kPageSize))) {
    std::memset(bytes, 0, kPageSize);
  }
  ~PageMemory() { std::free(bytes); }
  char* bytes;
};

size_t TypeArrayBytes(size_t cells) { return (cells * sizeof(uint16_t) + 15) & ~size_t{15}; }

// Formats `page` over `memory`, zeroed first, for size class `c`.
void FormatZeroed(Page& page, PageMemory& memory, int c) {
  page.start = memory.bytes;
  std::memset(memory.bytes, 0, kPageSize);
  page.Format(c, CellSizeOfClass(c));
}

}  // namespace

TEST_CASE("Page::Format: the type array, then as many 16-byte-aligned cells as fit") {
  PageMemory memory;
  for (int c = 0; c < kNumSizeClasses; ++c) {
    const uint32_t size = CellSizeOfClass(c);
    INFO("class " << c << " cell " << size);
    Page page;
    page.start = memory.bytes;
    page.Format(c, size);
    CHECK(page.size_class == c);
    CHECK(page.cell_size == size);
    CHECK(page.types == reinterpret_cast<uint16_t*>(page.start));
    CHECK(page.cells == page.start + TypeArrayBytes(page.cell_count));
    CHECK(reinterpret_cast<uintptr_t>(page.cells) % 16 == 0);
    CHECK(page.cell_count >= 3);  // even 16 KiB cells share a page
    CHECK(page.cell_count <= 4096);
    const size_t used = TypeArrayBytes(page.cell_count) + size_t{page.cell_count} * size;
    CHECK(used <= kPageSize);
    // One more cell would not fit.
    CHECK(TypeArrayBytes(page.cell_count + 1) + size_t{page.cell_count + 1} * size > kPageSize);
    CHECK(page.Cell(0) == page.cells);
    CHECK(page.Cell(page.cell_count - 1) + size <= page.start + kPageSize);
  }
}

TEST_CASE("Page::CellIndex is exact division for every byte offset of every class") {
  PageMemory memory;
  for (int c = 0; c < kNumSizeClasses; ++c) {
    Page page;
    page.start = memory.bytes;
    page.Format(c, CellSizeOfClass(c));
    const size_t end = static_cast<size_t>(page.start + kPageSize - page.cells);
    int wrong = 0;
    for (size_t offset = 0; offset < end; ++offset) {
      if (page.CellIndex(page.cells + offset) != offset / page.cell_size) ++wrong;
    }
    INFO("class " << c);
    CHECK(wrong == 0);
  }
}

TEST_CASE("SummarizeMarks and ClearMarks, including the partial last word of the type array") {
  PageMemory memory;
  for (int c : {0, 5, 13, kNumSizeClasses - 1}) {
    Page page;
    FormatZeroed(page, memory, c);
    const uint32_t n = page.cell_count;
    INFO("class " << c << " cells " << n << " (mod 4 = " << n % 4 << ")");
    CHECK_FALSE(page.SummarizeMarks().any);
    CHECK_FALSE(page.SummarizeMarks().all);
    for (uint32_t i = 0; i < n; ++i) page.types[i] = static_cast<uint16_t>(1 + i % 7);
    CHECK_FALSE(page.SummarizeMarks().any);
    page.types[n - 1] |= kMarkBit;  // only the last cell: lives in the partial word, if any
    CHECK(page.SummarizeMarks().any);
    CHECK_FALSE(page.SummarizeMarks().all);
    for (uint32_t i = 0; i < n; ++i) page.types[i] |= kMarkBit;
    CHECK(page.SummarizeMarks().all);
    page.types[0] &= ~kMarkBit;
    CHECK_FALSE(page.SummarizeMarks().all);
    CHECK(page.SummarizeMarks().any);
    page.types[0] |= kMarkBit;
    page.types[n - 1] &= ~kMarkBit;
    CHECK_FALSE(page.SummarizeMarks().all);
    page.ClearMarks();
    CHECK_FALSE(page.SummarizeMarks().any);
    int wrong = 0;
    for (uint32_t i = 0; i < n; ++i) wrong += page.types[i] != 1 + i % 7;  // types untouched
    CHECK(wrong == 0);
    // The padding after the last entry stays zero.
    for (size_t i = n; i < TypeArrayBytes(n) / 2; ++i) CHECK(page.types[i] == 0);
  }
}

TEST_CASE("the lane helpers: non-zero lanes and their bits gathered, over every 4-lane pattern") {
  using pinion::internal::GatherLanes;
  using pinion::internal::kLaneHigh;
  using pinion::internal::NonZeroLanes;
  const uint16_t samples[] = {0, 1, 0x7fff, 0x8000, 0x2000, 0xffff, 0x4001};
  int wrong = 0;
  for (uint16_t a : samples) {
    for (uint16_t b : samples) {
      for (uint16_t c : samples) {
        for (uint16_t d : samples) {
          const uint64_t x = a | uint64_t{b} << 16 | uint64_t{c} << 32 | uint64_t{d} << 48;
          const uint64_t zero = (a == 0) | (b == 0) << 1 | (c == 0) << 2 | (d == 0) << 3;
          wrong += GatherLanes(~NonZeroLanes(x) & kLaneHigh) != zero;
          wrong += GatherLanes(NonZeroLanes(x)) != (~zero & 0xf);
        }
      }
    }
  }
  CHECK(wrong == 0);
}

TEST_CASE("Page::FreeMask: the free cells of a window, aligned or not, to the last cell") {
  PageMemory memory;
  std::mt19937 random(7);
  for (int c : {0, 3, 13, kNumSizeClasses - 1}) {
    Page page;
    FormatZeroed(page, memory, c);
    const uint32_t n = page.cell_count;
    INFO("class " << c << " cells " << n);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t r = random() % 4;  // free, plain, marked, finalizable
      page.types[i] = r == 0 ? 0 : r == 1 ? 5 : r == 2 ? (5 | kMarkBit) : 0x8005;
    }
    int wrong = 0;
    for (uint32_t start = 0; start < n; start += 1 + random() % 70) {
      const uint32_t len = std::min<uint32_t>(1 + random() % 64, n - start);
      uint64_t want = 0;
      for (uint32_t j = 0; j < len; ++j) want |= uint64_t{page.types[start + j] == 0} << j;
      wrong += page.FreeMask(start, len) != want;
      if (start % 4 == 0 && start + 64 <= n) {  // the allocator's case: whole aligned windows
        uint64_t whole = 0;
        for (uint32_t j = 0; j < 64; ++j) whole |= uint64_t{page.types[start + j] == 0} << j;
        wrong += page.FreeMask(start, 64) != whole;
      }
    }
    const uint32_t last = n - n % 64 == n ? n - 64 : n - n % 64;  // the last window, partial
    uint64_t want = 0;
    for (uint32_t j = 0; last + j < n; ++j) want |= uint64_t{page.types[last + j] == 0} << j;
    wrong += page.FreeMask(last, n - last) != want;
    CHECK(wrong == 0);
    uint32_t free = 0;
    for (uint32_t i = 0; i < n; ++i) free += page.types[i] == 0;
    CHECK(page.CountFree() == free);
  }
}

TEST_CASE("SegmentOf rounds any address down to its 4 MiB segment") {
  using pinion::internal::kSegmentSize;
  using pinion::internal::SegmentOf;
  const uintptr_t base = uintptr_t{0x7f1234} * kSegmentSize;
  CHECK(reinterpret_cast<uintptr_t>(SegmentOf(reinterpret_cast<void*>(base))) == base);
  CHECK(reinterpret_cast<uintptr_t>(SegmentOf(reinterpret_cast<void*>(base + 12345))) == base);
  CHECK(reinterpret_cast<uintptr_t>(SegmentOf(reinterpret_cast<void*>(base + kSegmentSize - 1))) ==
        base);
  CHECK(pinion::internal::kPagesPerSegment == 64);
  CHECK(sizeof(pinion::internal::Segment) <= kPageSize);
}
