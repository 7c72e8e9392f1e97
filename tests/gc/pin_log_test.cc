// Tests of a thread's pin log (gc/internal/pin_log.h) on its own: appends, cancelling on top
// and within the window, the sentinel below an empty log, capacity, what it reports, and
// that no pointer value of one kind reads as the other.
#include <doctest/doctest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "gc/internal/pin_log.h"

namespace {

using pinion::internal::PinLog;

// Distinct 8-byte-aligned addresses; the log never dereferences them.
alignas(8) char g_objects[8 * 1024];
const void* Obj(int i) { return g_objects + 8 * i; }

std::vector<std::pair<const void*, int32_t>> Entries(const PinLog& log) {
  std::vector<std::pair<const void*, int32_t>> out;
  log.ForEachPin([&](const void* o) { out.emplace_back(o, 1); });
  log.ForEachUnpin([&](const void* o) { out.emplace_back(o, -1); });
  return out;
}

}  // namespace

TEST_CASE("pins append; an unpin of the newest pin pops it; an empty log cancels nothing") {
  PinLog log;
  CHECK(log.empty());
  CHECK_FALSE(log.TryCancel(Obj(0)));  // the sentinel below an empty log matches nothing
  CHECK_FALSE(log.TryCancel(nullptr));
  CHECK(log.TryPin(Obj(1)));
  CHECK(log.TryPin(Obj(2)));
  CHECK_FALSE(log.TryCancel(Obj(1)));  // not the newest
  CHECK(log.TryCancel(Obj(2)));
  CHECK(log.TryCancel(Obj(1)));
  CHECK(log.empty());
  CHECK_FALSE(log.TryCancel(Obj(1)));
}

TEST_CASE("CancelNear removes a pin within the window and keeps the others") {
  PinLog log;
  for (int i = 1; i <= 5; ++i) CHECK(log.TryPin(Obj(i)));
  CHECK(log.CancelNear(Obj(2)));
  CHECK(log.NetOf(Obj(2)) == 0);
  for (int i : {1, 3, 4, 5}) CHECK(log.NetOf(Obj(i)) == 1);
  CHECK(Entries(log).size() == 4);
  CHECK(log.CancelNear(Obj(1)));  // the oldest entry, at the bottom
  CHECK(log.NetOf(Obj(1)) == 0);
  CHECK(Entries(log).size() == 3);
  CHECK_FALSE(log.CancelNear(Obj(9)));  // never pinned
  // Beyond the window: not found there, so the unpin is appended instead.
  PinLog deep;
  CHECK(deep.TryPin(Obj(100)));
  for (size_t i = 0; i < PinLog::kCancelWindow; ++i) CHECK(deep.TryPin(Obj(i)));
  CHECK_FALSE(deep.CancelNear(Obj(100)));
  CHECK(deep.TryUnpin(Obj(100)));
  CHECK(deep.NetOf(Obj(100)) == 0);
  CHECK(Entries(deep).back() == std::make_pair(Obj(100), int32_t{-1}));
}

TEST_CASE("a full log refuses pins and unpins until cleared; ForEach reports every entry") {
  PinLog log;
  for (size_t i = 0; i < PinLog::kCapacity; ++i) CHECK(log.TryPin(Obj(static_cast<int>(i))));
  CHECK_FALSE(log.TryPin(Obj(0)));
  CHECK_FALSE(log.TryUnpin(Obj(0)));
  CHECK(Entries(log).size() == PinLog::kCapacity);
  CHECK(log.NetOf(Obj(7)) == 1);
  log.Clear();
  CHECK(log.empty());
  CHECK(Entries(log).empty());
  CHECK_FALSE(log.TryCancel(Obj(0)));
  CHECK(log.TryUnpin(Obj(3)));
  CHECK(log.TryPin(Obj(3)));
  CHECK(log.NetOf(Obj(3)) == 0);
  CHECK(Entries(log) == std::vector<std::pair<const void*, int32_t>>{{Obj(3), 1}, {Obj(3), -1}});
}

// Issue 9, defect 4: the log tagged unpins with bit 0, so in optimised builds Pin(x + 1)
// was read back as an unpin of x, and a legitimately pinned x lost its pin.
TEST_CASE("a pin of a misaligned pointer stays a pin: it never reads as an unpin of another") {
  PinLog log;
  const char* x = static_cast<const char*>(Obj(1));
  CHECK(log.TryPin(x));
  CHECK(log.TryPin(x + 1));
  CHECK(log.NetOf(x) == 1);
  CHECK(log.NetOf(x + 1) == 1);
  CHECK(Entries(log) ==
        std::vector<std::pair<const void*, int32_t>>{{x, 1}, {x + 1, 1}});
  // Any value at all, odd, tagged or null, is recorded as what it was logged as.
  for (uintptr_t v : {uintptr_t{1}, uintptr_t{3}, ~uintptr_t{0}, uintptr_t{0}}) {
    PinLog other;
    CHECK(other.TryUnpin(reinterpret_cast<const void*>(v)));
    CHECK(Entries(other) == std::vector<std::pair<const void*, int32_t>>{
                                {reinterpret_cast<const void*>(v), -1}});
  }
}

TEST_CASE("the sentinel below an empty log matches no value a caller passes") {
  PinLog log;
  // The old sentinel was the value 1 (a tagged small integer in many interpreters): an
  // Unpin of it on an empty log popped below the log's start.
  for (uintptr_t v : {uintptr_t{0}, uintptr_t{1}, ~uintptr_t{0}}) {
    CHECK_FALSE(log.TryCancel(reinterpret_cast<const void*>(v)));
  }
  CHECK(log.empty());
  CHECK(log.TryPin(Obj(5)));
  CHECK(log.TryCancel(Obj(5)));
  CHECK_FALSE(log.TryCancel(Obj(5)));
  CHECK(log.empty());
}
