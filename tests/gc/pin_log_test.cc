// Tests of a thread's pin log (gc/internal/pin_log.h) on its own: appends, cancelling on top
// and within the window, the sentinel below an empty log, capacity, and what ForEach reports.
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
  log.ForEach([&](const void* o, int32_t delta) { out.emplace_back(o, delta); });
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
  CHECK(Entries(log) == std::vector<std::pair<const void*, int32_t>>{{Obj(3), -1}, {Obj(3), 1}});
}
