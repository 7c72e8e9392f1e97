// Tests of thread-local allocation (gc/internal/local_allocator.h), white-box, on pages taken
// straight from a Space.
#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/local_allocator.h"
#include "gc/internal/size_classes.h"
#include "gc/internal/space.h"

namespace {

using pinion::internal::FreeCell;
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
  CHECK(page->free_list == nullptr);  // the allocator owns the list now
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
  allocator.ReturnAll([&](Page* page) {
    returned.push_back(page);
    size_t n = 0;
    for (FreeCell* f = page->free_list; f != nullptr; f = f->next) ++n;
    CHECK(n == page->free_count);
  });
  REQUIRE(returned.size() == 2);
  CHECK(small->free_count == small->cell_count - 3);
  CHECK(big->free_count == big->cell_count - 1);
  CHECK(small->free_list == reinterpret_cast<FreeCell*>(small->Cell(3)));
  CHECK(allocator.page(SizeClassOf(16)) == nullptr);
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 16) == nullptr);
}

TEST_CASE("RetireForPause drops every page and free list") {
  Space space;
  LocalAllocator allocator;
  Page* page = space.TakeFreePage(SizeClassOf(64), 0);
  allocator.Install(page);
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 64) != nullptr);
  allocator.RetireForPause();
  CHECK(allocator.page(SizeClassOf(64)) == nullptr);
  CHECK(allocator.TryAllocateFast(kPlain.raw(), 64) == nullptr);
  CHECK(page->types[0] == kPlain.raw());  // the page itself is untouched
}
