// Tests of thread-local allocation (gc/internal/local_allocator.h), white-box, on pages taken
// straight from a Space.
#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/local_allocator.h"
#include "gc/internal/poison.h"
#include "gc/internal/size_classes.h"
#include "gc/internal/space.h"

namespace {

using pinion::internal::kNumSizeClasses;
using pinion::internal::LocalAllocator;
using pinion::internal::Page;
using pinion::internal::SizeClassOf;
using pinion::internal::Space;

const pinion::TypeId kPlain = pinion::RegisterType({"Plain", 32, nullptr, nullptr});

bool AllZero(const void* p, size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("TryAllocateFast: nullptr without a page; then every cell once, zeroed and typed") {
  Space space;
  LocalAllocator allocator;
  const int c = SizeClassOf(32);
  for (int k = 0; k < kNumSizeClasses; ++k) CHECK(allocator.page(k) == nullptr);
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 32) == nullptr);
  Page* page = space.TakeFreePage(c, 0);
  allocator.Install(page);
  CHECK(allocator.page(c) == page);
  std::set<void*> seen;
  for (uint32_t i = 0; i < page->cell_count; ++i) {
    // Any size of the class is served from the same page, in address order.
    void* p = allocator.TryAllocateFast(kPlain.raw(), 25 + i % 8);
    REQUIRE(p == page->Cell(i));
    CHECK(page->types[i] == kPlain.raw());
    if (!AllZero(p, 32)) FAIL_CHECK("cell " << i << " not zeroed");
    seen.insert(p);
  }
  CHECK(seen.size() == page->cell_count);
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 32) == nullptr);  // exhausted
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 16) == nullptr);  // other classes: no page
  CHECK(allocator.TakeExhausted(c) == page);
  CHECK(allocator.page(c) == nullptr);
}

// A page as a sweep leaves it: live cells scattered over several 64-cell windows (one window
// entirely live, the last one partial), and free cells still holding their dead objects' bytes.
struct SweptPage {
  explicit SweptPage(Space& space) : page(space.TakeFreePage(SizeClassOf(48), 0)) {
    REQUIRE(page != nullptr);
    REQUIRE(page->cell_count > 3 * 64);
    for (uint32_t i = 0; i < page->cell_count; ++i) {
      PINION_UNPOISON(page->Cell(i), page->cell_size);
      std::memset(page->Cell(i), 0x5a, page->cell_size);  // a dead object's bytes
      const bool live = i % 3 == 0 || (i >= 64 && i < 128) || i == page->cell_count - 1;
      if (live) {
        page->types[i] = kPlain.raw();
      } else {
        free.push_back(i);
        PINION_POISON(page->Cell(i), page->cell_size);
      }
    }
    page->free_count = static_cast<uint32_t>(free.size());  // as the sweep sets it
  }
  Page* page;
  std::vector<uint32_t> free;  // the free cells' indices, in address order
};

TEST_CASE("TryAllocateFast hands out exactly a swept page's free cells, in order, zeroed") {
  Space space;
  LocalAllocator allocator;
  SweptPage t(space);
  allocator.Install(t.page);
  for (uint32_t i : t.free) {
    void* p = allocator.TryAllocateFast(kPlain.raw(), 48);
    REQUIRE(p == t.page->Cell(i));
    if (!AllZero(p, 48)) FAIL_CHECK("cell " << i << " not zeroed");
    CHECK(t.page->types[i] == kPlain.raw());
  }
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 48) == nullptr);
  int live_changed = 0;
  for (uint32_t i = 0; i < t.page->cell_count; ++i) {
    live_changed += t.page->types[i] != kPlain.raw();
  }
  CHECK(live_changed == 0);
}

TEST_CASE("one cell at a time (GC torture): the fast path never allocates, TakeOne does") {
  Space space;
  LocalAllocator allocator;
  SweptPage t(space);
  allocator.Install(t.page, /*one_at_a_time=*/true);
  for (uint32_t i : t.free) {
    REQUIRE(allocator.TryAllocateFast(kPlain.raw(), 48) == nullptr);
    void* p = allocator.TakeOne(kPlain.raw(), SizeClassOf(48));
    REQUIRE(p == t.page->Cell(i));
    if (!AllZero(p, 48)) FAIL_CHECK("cell " << i << " not zeroed");
  }
  CHECK(allocator.TakeOne(kPlain.raw(), SizeClassOf(48)) == nullptr);
}

TEST_CASE("allocate-black: objects allocated while marking carry the mark bit") {
  Space space;
  LocalAllocator allocator;
  Page* page = space.TakeFreePage(SizeClassOf(16), 0);
  allocator.Install(page);
  allocator.set_allocate_black(true);
  allocator.TryAllocateFast(kPlain.raw(), 16);
  allocator.set_allocate_black(false);
  allocator.TryAllocateFast(kPlain.raw(), 16);
  CHECK(page->types[0] == (kPlain.raw() | pinion::internal::kMarkBit));
  CHECK(page->types[1] == kPlain.raw());
}

TEST_CASE("ReturnAll hands each page back with its remaining free cells counted") {
  Space space;
  LocalAllocator allocator;
  Page* small = space.TakeFreePage(SizeClassOf(16), 0);
  Page* big = space.TakeFreePage(SizeClassOf(4096), 0);
  allocator.Install(small);
  allocator.Install(big);
  for (int i = 0; i < 3; ++i) allocator.TryAllocateFast(kPlain.raw(), 16);
  allocator.TryAllocateFast(kPlain.raw(), 4096);
  std::vector<Page*> returned;
  allocator.ReturnAll([&](Page* page) { returned.push_back(page); });
  REQUIRE(returned.size() == 2);
  CHECK(small->free_count == small->cell_count - 3);
  CHECK(big->free_count == big->cell_count - 1);
  CHECK(allocator.page(SizeClassOf(16)) == nullptr);
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 16) == nullptr);
  // Another thread's allocator takes up where this one stopped.
  LocalAllocator other;
  other.Install(small);
  CHECK(other.TryAllocateFast(kPlain.raw(), 16) == small->Cell(3));
}

TEST_CASE("RetireForPause drops every page and cursor") {
  Space space;
  LocalAllocator allocator;
  Page* page = space.TakeFreePage(SizeClassOf(64), 0);
  allocator.Install(page);
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 64) != nullptr);
  allocator.RetireForPause();
  CHECK(allocator.page(SizeClassOf(64)) == nullptr);
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 64) == nullptr);
  CHECK(page->types[0] == kPlain.raw());  // the page itself is untouched
  CHECK(page->types[1] == 0);             // and its unused cells are free for the sweep
}
