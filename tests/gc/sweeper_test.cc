// Tests of sweeping one page (gc/internal/sweeper.h): which cells are freed, that the sweep
// leaves cells' bytes alone, mark clearing, finalizers, and the three results.
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <set>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/poison.h"
#include "gc/internal/size_classes.h"
#include "gc/internal/space.h"
#include "gc/internal/sweeper.h"

namespace {

using pinion::internal::kMarkBit;
using pinion::internal::Page;
using pinion::internal::SizeClassOf;
using pinion::internal::Space;
using pinion::internal::SweepPage;
using pinion::internal::SweepResult;

std::vector<void*> g_finalized;  // the sweeper runs on the calling thread here
void RecordFinalize(void* object) { g_finalized.push_back(object); }
const pinion::TypeId kPlain = pinion::RegisterType({"Plain", 32, nullptr, nullptr});
const pinion::TypeId kFinal = pinion::RegisterType({"Final", 32, nullptr, &RecordFinalize});

// A page of 32-byte cells taken from `space`, with objects placed as allocation would.
struct TestPage {
  explicit TestPage(Space& space) : page(space.TakeFreePage(SizeClassOf(32), 0)) {
    REQUIRE(page != nullptr);
  }
  char* Place(uint32_t i, pinion::TypeId type, char fill) {
    char* cell = page->Cell(i);
    PINION_UNPOISON(cell, page->cell_size);
    page->types[i] = type.raw();
    std::memset(cell, fill, page->cell_size);
    if (type.finalizable()) page->has_finalizers = true;
    return cell;
  }
  void Mark(uint32_t i) { page->types[i] |= kMarkBit; }
  // The cells with type entry 0: what allocation will hand out.
  std::set<char*> FreeCells() const {
    std::set<char*> cells;
    for (uint32_t i = 0; i < page->cell_count; ++i) {
      if (page->types[i] == 0) cells.insert(page->Cell(i));
    }
    return cells;
  }
  Page* page;
};

bool BytesAre(const char* p, size_t from, size_t to, char value) {
  for (size_t i = from; i < to; ++i) {
    if (p[i] != value) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("SweepPage frees unmarked objects and keeps marked ones, from the type array alone") {
  Space space;
  TestPage t(space);
  for (uint32_t i = 0; i < 10; ++i) t.Place(i, kPlain, static_cast<char>(0x40 + i));
  for (uint32_t i = 0; i < 10; i += 2) t.Mark(i);
  CHECK(SweepPage(*t.page) == SweepResult::kHasFree);
  for (uint32_t i = 0; i < 10; ++i) {
    INFO("cell " << i);
    if (i % 2 == 0) {
      CHECK(t.page->types[i] == kPlain.raw());  // live, mark cleared
      CHECK(BytesAre(t.page->Cell(i), 0, 32, static_cast<char>(0x40 + i)));  // untouched
    } else {
      CHECK(t.page->types[i] == 0);
      // Freed, and not written: allocation zeroes the cell when it hands it out.
      PINION_UNPOISON(t.page->Cell(i), 32);
      CHECK(BytesAre(t.page->Cell(i), 0, 32, static_cast<char>(0x40 + i)));
    }
  }
  const std::set<char*> free_set = t.FreeCells();
  CHECK(free_set.size() == t.page->cell_count - 5);
  CHECK(t.page->free_count == t.page->cell_count - 5);
  for (uint32_t i = 0; i < 10; ++i) CHECK(free_set.count(t.page->Cell(i)) == (i % 2 == 1));
  CHECK(free_set.count(t.page->Cell(t.page->cell_count - 1)) == 1);  // never used
  CHECK_FALSE(t.page->has_finalizers);
  CHECK_FALSE(t.page->SummarizeMarks().any);
  space.ReleasePage(t.page);
}

TEST_CASE("SweepPage finalizes each dead finalizable object once; has_finalizers tracks survivors") {
  g_finalized.clear();
  Space space;
  TestPage t(space);
  for (uint32_t i = 0; i < 6; ++i) t.Place(i, kFinal, 1);
  t.Place(6, kPlain, 2);
  t.Mark(0);
  t.Mark(1);
  CHECK(SweepPage(*t.page) == SweepResult::kHasFree);
  CHECK(std::set<void*>(g_finalized.begin(), g_finalized.end()) ==
        std::set<void*>{t.page->Cell(2), t.page->Cell(3), t.page->Cell(4), t.page->Cell(5)});
  CHECK(g_finalized.size() == 4);  // once each
  CHECK(t.page->has_finalizers);  // cells 0 and 1 are finalizable and alive
  g_finalized.clear();
  t.Mark(0);  // the next cycle: only cell 0 survives
  CHECK(SweepPage(*t.page) == SweepResult::kHasFree);
  CHECK(g_finalized == std::vector<void*>{t.page->Cell(1)});
  CHECK(t.page->has_finalizers);
  g_finalized.clear();
  // Nothing marked: still swept cell by cell, because a finalizer is pending.
  CHECK(SweepPage(*t.page) == SweepResult::kEmpty);
  CHECK(g_finalized == std::vector<void*>{t.page->Cell(0)});
  CHECK_FALSE(t.page->has_finalizers);
  CHECK(t.page->types[0] == 0);
  space.ReleasePage(t.page);
}

TEST_CASE("SweepPage: no marks and no finalizers is empty, decided from the type array alone") {
  g_finalized.clear();
  Space space;
  TestPage t(space);
  for (uint32_t i = 0; i < 5; ++i) t.Place(i, kPlain, 3);
  CHECK(SweepPage(*t.page) == SweepResult::kEmpty);
  CHECK(t.page->free_count == 0);
  CHECK(g_finalized.empty());
  space.ReleasePage(t.page);  // what the caller does with an empty page
}

TEST_CASE("SweepPage: a page whose every cell is marked is full; its marks are cleared") {
  g_finalized.clear();
  Space space;
  TestPage t(space);
  const uint32_t n = t.page->cell_count;
  for (uint32_t i = 0; i < n; ++i) {
    t.Place(i, i % 3 ? kPlain : kFinal, 4);
    t.Mark(i);
  }
  CHECK(SweepPage(*t.page) == SweepResult::kFull);
  CHECK(t.page->free_count == 0);
  CHECK(g_finalized.empty());
  int wrong = 0;
  for (uint32_t i = 0; i < n; ++i) wrong += t.page->types[i] != (i % 3 ? kPlain : kFinal).raw();
  CHECK(wrong == 0);
  CHECK(t.page->has_finalizers);  // untouched: the finalizable objects are alive
  // The next sweep, with nothing marked, finalizes them all.
  CHECK(SweepPage(*t.page) == SweepResult::kEmpty);
  CHECK(g_finalized.size() == (n + 2) / 3);
}

TEST_CASE("SweepPage: every object live but some cells never used is has-free, not full") {
  Space space;
  TestPage t(space);
  for (uint32_t i = 0; i < 3; ++i) {
    t.Place(i, kPlain, 5);
    t.Mark(i);
  }
  CHECK(SweepPage(*t.page) == SweepResult::kHasFree);
  CHECK(t.page->free_count == t.page->cell_count - 3);
  CHECK(*t.FreeCells().begin() == t.page->Cell(3));
  space.ReleasePage(t.page);
}

TEST_CASE("SweepPage agrees with an entry-by-entry model on random pages") {
  // Every combination of free / dead / live, plain / finalizable, in every lane of the
  // sweeper's four-entry words, and the page's partial last word.
  std::mt19937 random(11);
  for (int round = 0; round < 20; ++round) {
    Space space;
    TestPage t(space);
    const uint32_t n = t.page->cell_count;
    std::vector<uint16_t> before(n);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t r = random() % 5;
      if (r == 0) continue;  // free
      t.Place(i, r % 2 ? kPlain : kFinal, 6);
      if (r >= 3) t.Mark(i);
      before[i] = t.page->types[i];
    }
    if (round == 0) t.Mark(n - 1);  // a live last cell, whatever the draw
    if (round == 0) before[n - 1] = t.page->types[n - 1];
    g_finalized.clear();
    std::set<void*> want_finalized;
    uint32_t want_live = 0;
    bool want_finalizers = false;
    int wrong = 0;
    const SweepResult result = SweepPage(*t.page);
    for (uint32_t i = 0; i < n; ++i) {
      const bool marked = before[i] & kMarkBit;
      const uint16_t want = marked ? before[i] & ~kMarkBit : 0;
      wrong += t.page->types[i] != want;
      want_live += marked;
      want_finalizers |= marked && (before[i] & pinion::internal::kFinalizableBit);
      if (!marked && before[i] == kFinal.raw()) want_finalized.insert(t.page->Cell(i));
    }
    INFO("round " << round);
    CHECK(wrong == 0);
    CHECK(std::set<void*>(g_finalized.begin(), g_finalized.end()) == want_finalized);
    CHECK(g_finalized.size() == want_finalized.size());
    CHECK(t.page->free_count == n - want_live);
    CHECK(t.page->has_finalizers == want_finalizers);
    CHECK(result == (want_live == 0 ? SweepResult::kEmpty
                     : want_live == n ? SweepResult::kFull : SweepResult::kHasFree));
    space.ReleasePage(t.page);
  }
}

TEST_CASE("Finalize calls the finalizer only for finalizable types") {
  g_finalized.clear();
  int object = 0;
  pinion::internal::Finalize(&object, kPlain.raw());
  CHECK(g_finalized.empty());
  pinion::internal::Finalize(&object, kFinal.raw());
  pinion::internal::Finalize(&object, kFinal.raw() | kMarkBit);  // a marked entry too
  CHECK(g_finalized == std::vector<void*>{&object, &object});
}

TEST_CASE("SweepPage with sticky marks (generational) keeps live objects marked and notes old "
          "unprotected objects and all-old pages") {
  static const pinion::TypeId kUnprotected = [] {
    pinion::TypeInfo info{"Unprotected", 32, nullptr, nullptr};
    info.unprotected = true;
    return pinion::RegisterType(info);
  }();
  Space space;
  SUBCASE("a partly live page: live entries keep every bit, the dead are freed") {
    TestPage t(space);
    for (uint32_t i = 0; i < 12; ++i) t.Place(i, i == 7 ? kUnprotected : kPlain, 'x');
    for (uint32_t i = 0; i < 12; i += 3) t.Mark(i);  // 0, 3, 6, 9: plain, live
    CHECK(SweepPage(*t.page, /*keep_marks=*/true) == SweepResult::kHasFree);
    for (uint32_t i = 0; i < 12; ++i) {
      INFO("cell " << i);
      CHECK(t.page->types[i] == (i % 3 == 0 ? (kPlain.raw() | kMarkBit) : 0));
    }
    CHECK_FALSE(t.page->old_unprotected);  // the unprotected one died
    CHECK_FALSE(t.page->all_old);
    // Sweeping again (a minor collection that marked nothing new here) changes nothing.
    CHECK(SweepPage(*t.page, true) == SweepResult::kHasFree);
    CHECK(t.page->types[3] == (kPlain.raw() | kMarkBit));
    t.Place(7, kUnprotected, 'y');
    t.Mark(7);
    CHECK(SweepPage(*t.page, true) == SweepResult::kHasFree);
    CHECK(t.page->old_unprotected);
    // Without sticky marks (or after a full collection's clearing) marks go.
    CHECK(SweepPage(*t.page, false) == SweepResult::kHasFree);
    CHECK(t.page->types[7] == kUnprotected.raw());
    CHECK_FALSE(t.page->old_unprotected);
    space.ReleasePage(t.page);
  }
  SUBCASE("a page of old objects only is all old, and stays so") {
    TestPage t(space);
    for (uint32_t i = 0; i < t.page->cell_count; ++i) {
      t.Place(i, i == 1 ? kUnprotected : kPlain, 'z');
      t.Mark(i);
    }
    CHECK(SweepPage(*t.page, true) == SweepResult::kFull);
    CHECK(t.page->all_old);
    CHECK(t.page->old_unprotected);
    CHECK(t.page->SummarizeMarks().all);
    CHECK(SweepPage(*t.page, false) == SweepResult::kFull);
    CHECK_FALSE(t.page->all_old);
    CHECK_FALSE(t.page->SummarizeMarks().any);
  }
}
