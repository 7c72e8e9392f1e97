// Tests of the space (gc/internal/space.h): pages handed out and returned, the hot and cold
// pools, Trim (decommit, segment unmapping, staleness), the committed-bytes accounting the
// heap limit is checked against, large objects, sweep preparation, and ~Space finalizing.
#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/local_allocator.h"
#include "gc/internal/poison.h"
#include "gc/internal/segment.h"
#include "gc/internal/size_classes.h"
#include "gc/internal/space.h"

namespace {

using pinion::internal::CellSizeOfClass;
using pinion::internal::LocalAllocator;
using pinion::internal::kMarkBit;
using pinion::internal::kPageSize;
using pinion::internal::kSegmentSize;
using pinion::internal::LargeObject;
using pinion::internal::Page;
using pinion::internal::PageState;
using pinion::internal::SegmentKind;
using pinion::internal::SegmentMap;
using pinion::internal::SegmentOf;
using pinion::internal::SizeClassOf;
using pinion::internal::Space;

std::atomic<int> g_finalized{0};
void CountFinalize(void*) { g_finalized.fetch_add(1, std::memory_order_relaxed); }
const pinion::TypeId kPlain = pinion::RegisterType({"Plain", 32, nullptr, nullptr});
const pinion::TypeId kFinal = pinion::RegisterType({"Final", 32, nullptr, &CountFinalize});

PageState StateOf(const Page* page) { return page->state.load(std::memory_order_relaxed); }

// Marks cell `i` of an owned page as holding an object of `raw_type` (as allocation would).
void Occupy(Page* page, uint32_t i, uint16_t raw_type) {
  PINION_UNPOISON(page->Cell(i), page->cell_size);
  page->types[i] = raw_type;
}

}  // namespace

TEST_CASE("TakeFreePage: a formatted page, every cell free (type entry 0)") {
  Space space;
  CHECK(space.committed_bytes() == 0);
  const int c = SizeClassOf(32);
  Page* page = space.TakeFreePage(c, 0);
  REQUIRE(page != nullptr);
  CHECK(StateOf(page) == PageState::kOwned);
  CHECK(page->size_class == c);
  CHECK(page->cell_size == 32);
  CHECK(page->free_count == page->cell_count);
  CHECK(page->CountFree() == page->cell_count);
  int typed = 0;
  for (uint32_t k = 0; k < page->cell_count; ++k) typed += page->types[k] != 0;
  CHECK(typed == 0);
  // The segment is registered and owned by this space; the metadata page is committed too.
  CHECK(SegmentMap::Find(page->start) == SegmentOf(page->start));
  CHECK(SegmentOf(page->start)->kind == SegmentKind::kSmall);
  CHECK(SegmentOf(page->start)->space == &space);
  CHECK(reinterpret_cast<uintptr_t>(page->start) % kPageSize == 0);
  CHECK(space.committed_bytes() == 2 * kPageSize);
  space.ReleasePage(page);
  CHECK(StateOf(page) == PageState::kFree);
  CHECK(space.committed_bytes() == 2 * kPageSize);  // hot: still committed
}

TEST_CASE("a released page is reused first (hot, LIFO), reformatted for its new class") {
  Space space;
  Page* first = space.TakeFreePage(SizeClassOf(32), 0);
  Page* second = space.TakeFreePage(SizeClassOf(32), 0);
  REQUIRE(first != second);
  // Dead objects everywhere: types, and bytes where the new class's cells will be.
  for (uint32_t i = 0; i < second->cell_count; ++i) {
    Occupy(second, i, kPlain.raw());
    std::memset(second->Cell(i), 0xEE, 32);
  }
  space.ReleasePage(second);
  const size_t committed = space.committed_bytes();
  Page* again = space.TakeFreePage(SizeClassOf(1000), 0);
  CHECK(again == second);
  CHECK(space.committed_bytes() == committed);
  CHECK(again->cell_size == CellSizeOfClass(SizeClassOf(1000)));
  // The type array is zero again, so every cell is free; the cells keep the old bytes until
  // allocation zeroes each one as it hands it out.
  CHECK(again->CountFree() == again->cell_count);
  CHECK(again->free_count == again->cell_count);
  LocalAllocator allocator;
  allocator.Install(again);
  int dirty = 0;
  for (uint32_t i = 0; i < again->cell_count; ++i) {
    const char* cell = static_cast<char*>(allocator.TryAllocateFast(kPlain.raw(), 1000));
    REQUIRE(cell == again->Cell(i));
    for (size_t b = 0; b < again->cell_size; ++b) dirty += cell[b] != 0;
  }
  CHECK(dirty == 0);
  allocator.RetireForPause();
  space.ReleasePage(first);
  space.ReleasePage(again);
}

TEST_CASE("Trim decommits free pages beyond retain_bytes and unmaps segments left all cold") {
  Space space;
  std::vector<Page*> pages;
  for (int i = 0; i < 10; ++i) pages.push_back(space.TakeFreePage(SizeClassOf(64), 0));
  CHECK(space.committed_bytes() == 11 * kPageSize);
  void* segment = SegmentOf(pages[0]->start);
  for (Page* p : pages) space.ReleasePage(p);
  CHECK(space.committed_bytes() == 11 * kPageSize);
  space.Trim(3 * kPageSize, /*only_stale=*/false);
  CHECK(space.committed_bytes() == 4 * kPageSize);  // metadata + the three kept
  CHECK(SegmentMap::Find(segment) == segment);
  space.Trim(0, /*only_stale=*/false);
  CHECK(space.committed_bytes() == 0);  // every page cold: the segment is unmapped
  CHECK(SegmentMap::Find(segment) == nullptr);
  Page* fresh = space.TakeFreePage(SizeClassOf(64), 0);  // maps a new segment
  REQUIRE(fresh != nullptr);
  CHECK(space.committed_bytes() == 2 * kPageSize);
  space.ReleasePage(fresh);
}

TEST_CASE("Trim keeps a segment with a page in use; a decommitted page reads back zero") {
  Space space;
  Page* kept = space.TakeFreePage(SizeClassOf(64), 0);
  Page* page = space.TakeFreePage(SizeClassOf(64), 0);
  Occupy(page, 0, kPlain.raw());
  std::memset(page->Cell(0), 0x5A, 64);
  char* const written = page->Cell(0);
  space.ReleasePage(page);
  space.Trim(0, /*only_stale=*/false);
  CHECK(space.committed_bytes() == 2 * kPageSize);  // metadata + the page still in use
  CHECK(SegmentMap::Find(kept->start) != nullptr);
  Page* again = space.TakeFreePage(SizeClassOf(64), 0);  // from the cold pool: not memset
  REQUIRE(again == page);
  CHECK(space.committed_bytes() == 3 * kPageSize);
  PINION_UNPOISON(written, 64);
  int nonzero = 0;
  for (size_t b = 0; b < 64; ++b) nonzero += written[b] != 0;
  CHECK(nonzero == 0);
  CHECK(again->types[0] == 0);
  space.ReleasePage(again);
  space.ReleasePage(kept);
}

TEST_CASE("Trim with only_stale decommits only pages free for a whole cycle") {
  Space space;
  space.BeginCycle();
  std::vector<Page*> pages;
  for (int i = 0; i < 4; ++i) pages.push_back(space.TakeFreePage(SizeClassOf(16), 0));
  for (Page* p : pages) space.ReleasePage(p);
  const size_t committed = space.committed_bytes();
  CHECK(committed == 5 * kPageSize);
  space.Trim(0, /*only_stale=*/true);
  CHECK(space.committed_bytes() == committed);  // freed this cycle
  space.BeginCycle();
  space.Trim(0, /*only_stale=*/true);
  CHECK(space.committed_bytes() == committed);  // freed in the previous cycle
  space.BeginCycle();
  space.Trim(0, /*only_stale=*/true);
  CHECK(space.committed_bytes() == 0);  // stale now
}

TEST_CASE("the limit: TakeFreePage and AllocateLarge refuse to commit past it") {
  Space space;
  const size_t limit = 3 * kPageSize;
  Page* a = space.TakeFreePage(SizeClassOf(16), limit);  // metadata + page
  Page* b = space.TakeFreePage(SizeClassOf(16), limit);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(space.committed_bytes() == 3 * kPageSize);
  CHECK(space.TakeFreePage(SizeClassOf(16), limit) == nullptr);
  CHECK(space.committed_bytes() == 3 * kPageSize);
  space.ReleasePage(b);
  Page* reused = space.TakeFreePage(SizeClassOf(16), limit);  // hot: commits nothing
  CHECK(reused == b);
  CHECK(space.AllocateLarge(100000, space.committed_bytes() + 50000) == nullptr);
  CHECK(space.committed_bytes() == 3 * kPageSize);
  space.ReleasePage(a);
  space.ReleasePage(reused);
}

TEST_CASE("AllocateLarge: a zeroed, 4 MiB-aligned, registered mapping, accounted in committed bytes") {
  Space space;
  LargeObject* lo = space.AllocateLarge(100000, 0);
  REQUIRE(lo != nullptr);
  CHECK(lo->kind == SegmentKind::kLarge);
  CHECK(lo->space == &space);
  CHECK(reinterpret_cast<uintptr_t>(lo) % kSegmentSize == 0);
  CHECK(lo->mapped_bytes == (LargeObject::kPayloadOffset + 100000 + 4095) / 4096 * 4096);
  CHECK(lo->payload_bytes == lo->mapped_bytes - LargeObject::kPayloadOffset);
  CHECK(lo->payload_bytes >= 100000);
  CHECK(SegmentOf(lo->payload()) == lo);
  CHECK(SegmentMap::Find(static_cast<char*>(lo->payload()) + 99999) == lo);
  CHECK(space.committed_bytes() == lo->mapped_bytes);
  const char* payload = static_cast<const char*>(lo->payload());
  int nonzero = 0;
  for (size_t i = 0; i < lo->payload_bytes; ++i) nonzero += payload[i] != 0;
  CHECK(nonzero == 0);
  CHECK(lo->mark.load() == 0);
  CHECK(lo->pin_count.load() == 0);
  lo->type = kPlain.raw();
  std::vector<LargeObject*> dead;
  space.BeginSweepLocked();
  space.QueueSweep(dead);  // unmarked: dead
  REQUIRE(dead.size() == 1);
  space.FreeLarge(dead);
  CHECK(dead.empty());
  CHECK(space.committed_bytes() == 0);
  CHECK(SegmentMap::Find(payload) == nullptr);
}

TEST_CASE("BeginSweepLocked, QueueSweep and SweepAll: marked objects survive, the rest is freed and finalized") {
  g_finalized = 0;
  Space space;
  const int c = SizeClassOf(32);
  // A page with ten objects, five marked; a page with objects, none marked.
  Page* mixed = space.TakeFreePage(c, 0);
  Page* dead_page = space.TakeFreePage(c, 0);
  for (uint32_t i = 0; i < 10; ++i) Occupy(mixed, i, (i % 2 ? kFinal : kPlain).raw());
  for (uint32_t i = 0; i < 10; i += 2) mixed->types[i] |= kMarkBit;
  mixed->has_finalizers = true;
  for (uint32_t i = 0; i < 4; ++i) Occupy(dead_page, i, kPlain.raw());
  LargeObject* live_large = space.AllocateLarge(50000, 0);
  LargeObject* dead_large = space.AllocateLarge(50000, 0);
  live_large->type = kPlain.raw();
  dead_large->type = kFinal.raw();
  live_large->mark.store(1);

  std::vector<LargeObject*> dead;
  space.BeginSweepLocked();
  space.QueueSweep(dead);
  CHECK(StateOf(mixed) == PageState::kUnswept);
  CHECK(StateOf(dead_page) == PageState::kUnswept);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0] == dead_large);
  CHECK(live_large->mark.load() == 0);  // unmarked for the next cycle

  space.SweepAll();
  CHECK(g_finalized.load() == 5);  // the five unmarked finalizable cells
  CHECK(StateOf(mixed) == PageState::kAvailable);
  CHECK(StateOf(dead_page) == PageState::kFree);
  for (uint32_t i = 0; i < 10; ++i) {
    CHECK(mixed->types[i] == (i % 2 ? 0 : kPlain.raw()));  // live ones unmarked
  }
  CHECK(mixed->free_count == mixed->cell_count - 5);
  CHECK(space.PopAvailable(c) == mixed);
  CHECK(StateOf(mixed) == PageState::kOwned);
  CHECK(space.PopAvailable(c) == nullptr);
  CHECK(space.PopUnswept(c) == nullptr);

  space.FreeLarge(dead);
  CHECK(g_finalized.load() == 6);
  // Metadata, `mixed`, and `dead_page` (free but still committed, in the hot pool).
  CHECK(space.committed_bytes() == 3 * kPageSize + live_large->mapped_bytes);
  space.ReleasePage(mixed);
}

TEST_CASE("QueueSweep leaves alone what was allocated after the pause") {
  // Between the pause (BeginSweepLocked) and QueueSweep, mutators allocate unmarked objects
  // into fresh pages and large objects; sweeping them would free live objects.
  Space space;
  const int c = SizeClassOf(32);
  Page* old_page = space.TakeFreePage(c, 0);  // in use at the pause: swept
  Occupy(old_page, 0, kPlain.raw());
  Page* available = space.TakeFreePage(c, 0);  // on the available list at the pause
  Occupy(available, 0, kPlain.raw());
  available->types[0] |= kMarkBit;
  space.PushAvailable(available);
  LargeObject* old_large = space.AllocateLarge(50000, 0);
  old_large->type = kPlain.raw();

  space.BeginSweepLocked();
  CHECK(space.PopAvailable(c) == nullptr);  // not served before it is swept
  Page* fresh = space.TakeFreePage(c, 0);  // after the pause
  Occupy(fresh, 0, kPlain.raw());
  fresh->state.store(PageState::kFull);  // as Refill leaves an exhausted page
  LargeObject* fresh_large = space.AllocateLarge(50000, 0);
  fresh_large->type = kPlain.raw();

  std::vector<LargeObject*> dead;
  space.QueueSweep(dead);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0] == old_large);
  CHECK(StateOf(old_page) == PageState::kUnswept);
  CHECK(StateOf(available) == PageState::kUnswept);
  CHECK(StateOf(fresh) == PageState::kFull);
  space.SweepAll();
  CHECK(StateOf(old_page) == PageState::kFree);
  CHECK(StateOf(available) == PageState::kAvailable);
  CHECK(available->types[0] == kPlain.raw());
  CHECK(fresh->types[0] == kPlain.raw());  // untouched
  space.FreeLarge(dead);
  // The next cycle sweeps the fresh page and large object like any other.
  space.BeginSweepLocked();
  space.QueueSweep(dead);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0] == fresh_large);
  CHECK(StateOf(fresh) == PageState::kUnswept);
  space.SweepAll();
  CHECK(StateOf(fresh) == PageState::kFree);
  space.FreeLarge(dead);
}

TEST_CASE("~Space finalizes every finalizable object still allocated, small and large") {
  g_finalized = 0;
  {
    Space space;
    Page* page = space.TakeFreePage(SizeClassOf(32), 0);
    for (uint32_t i = 0; i < 3; ++i) Occupy(page, i, kFinal.raw());
    Occupy(page, 3, kPlain.raw());
    page->has_finalizers = true;
    LargeObject* lo = space.AllocateLarge(30000, 0);
    lo->type = kFinal.raw();
    LargeObject* plain = space.AllocateLarge(30000, 0);
    plain->type = kPlain.raw();
    CHECK(g_finalized.load() == 0);
  }
  CHECK(g_finalized.load() == 4);
}
