// Tests of the page layout (gc/internal/segment.h): Page::Format's geometry, the exact
// reciprocal behind CellIndex, and the mark summary the sweeper reads.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <memory>

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
    page.start = memory.bytes;
    std::memset(memory.bytes, 0, kPageSize);
    page.Format(c, CellSizeOfClass(c));
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
