// Tests of SegmentMap (gc/internal/segment.h), the radix map from any address to the segment
// or large object containing it. Registrations use addresses far from any real mapping; the
// map never dereferences what it stores.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "gc/internal/segment.h"

namespace {

using pinion::internal::kSegmentSize;
using pinion::internal::SegmentBase;
using pinion::internal::SegmentMap;

// 16 TiB: 4 MiB-aligned, and nowhere near the heap's or the sanitizers' mappings.
constexpr uintptr_t kFakeBase = uintptr_t{16} << 40;

SegmentBase* Fake(uintptr_t address) { return reinterpret_cast<SegmentBase*>(address); }
const void* At(uintptr_t address) { return reinterpret_cast<const void*>(address); }

}  // namespace

TEST_CASE("a registered segment is found from every address in it, and nowhere else") {
  SegmentBase* segment = Fake(kFakeBase);
  CHECK(SegmentMap::Find(At(kFakeBase)) == nullptr);
  SegmentMap::Register(segment, kSegmentSize);
  CHECK(SegmentMap::Find(At(kFakeBase)) == segment);
  CHECK(SegmentMap::Find(At(kFakeBase + 1)) == segment);
  CHECK(SegmentMap::Find(At(kFakeBase + kSegmentSize / 2)) == segment);
  CHECK(SegmentMap::Find(At(kFakeBase + kSegmentSize - 1)) == segment);
  CHECK(SegmentMap::Find(At(kFakeBase + kSegmentSize)) == nullptr);
  CHECK(SegmentMap::Find(At(kFakeBase - 1)) == nullptr);
  SegmentMap::Unregister(segment, kSegmentSize);
  CHECK(SegmentMap::Find(At(kFakeBase)) == nullptr);
  CHECK(SegmentMap::Find(At(kFakeBase + kSegmentSize - 1)) == nullptr);
}

TEST_CASE("a mapping spanning several chunks is found from each; neighbours stay separate") {
  const uintptr_t large = kFakeBase + 8 * kSegmentSize;
  const size_t bytes = 3 * kSegmentSize + 4096;  // four chunks
  const uintptr_t neighbour = large + 4 * kSegmentSize;
  SegmentMap::Register(Fake(large), bytes);
  SegmentMap::Register(Fake(neighbour), kSegmentSize);
  for (uintptr_t a = large; a < large + bytes; a += kSegmentSize / 4) {
    CHECK(SegmentMap::Find(At(a)) == Fake(large));
  }
  CHECK(SegmentMap::Find(At(large + bytes - 1)) == Fake(large));
  CHECK(SegmentMap::Find(At(neighbour)) == Fake(neighbour));
  CHECK(SegmentMap::Find(At(large - 1)) == nullptr);
  SegmentMap::Unregister(Fake(large), bytes);
  for (uintptr_t a = large; a < large + bytes; a += kSegmentSize / 4) {
    CHECK(SegmentMap::Find(At(a)) == nullptr);
  }
  CHECK(SegmentMap::Find(At(neighbour)) == Fake(neighbour));  // untouched
  SegmentMap::Unregister(Fake(neighbour), kSegmentSize);
  CHECK(SegmentMap::Find(At(neighbour)) == nullptr);
}

TEST_CASE("registrations in different leaves of the radix tree") {
  const uintptr_t far = kFakeBase + (uintptr_t{64} << 30);  // 64 GiB away: another leaf
  SegmentMap::Register(Fake(kFakeBase), kSegmentSize);
  SegmentMap::Register(Fake(far), kSegmentSize);
  CHECK(SegmentMap::Find(At(kFakeBase + 10)) == Fake(kFakeBase));
  CHECK(SegmentMap::Find(At(far + 10)) == Fake(far));
  SegmentMap::Unregister(Fake(kFakeBase), kSegmentSize);
  SegmentMap::Unregister(Fake(far), kSegmentSize);
  CHECK(SegmentMap::Find(At(far + 10)) == nullptr);
}

TEST_CASE("addresses outside the 48-bit space, null and low addresses are not found") {
  CHECK(SegmentMap::Find(nullptr) == nullptr);
  CHECK(SegmentMap::Find(At(4096)) == nullptr);
  CHECK(SegmentMap::Find(At(uintptr_t{1} << 48)) == nullptr);
  CHECK(SegmentMap::Find(At(~uintptr_t{0})) == nullptr);
  CHECK(SegmentMap::Find(At(~uintptr_t{0} - kSegmentSize)) == nullptr);
}

TEST_CASE("Find is lock-free and safe while another thread registers and unregisters") {
  const uintptr_t base = kFakeBase + 32 * kSegmentSize;
  std::atomic<bool> stop{false};
  std::atomic<long> wrong{0}, seen{0};
  std::thread reader([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      SegmentBase* found = SegmentMap::Find(At(base + 100));
      if (found != nullptr && found != Fake(base)) wrong.fetch_add(1);
      if (found != nullptr) seen.fetch_add(1);
      if (SegmentMap::Find(At(base + kSegmentSize + 100)) != nullptr) wrong.fetch_add(1);
    }
  });
  for (int i = 0; i < 2000; ++i) {
    SegmentMap::Register(Fake(base), kSegmentSize);
    SegmentMap::Unregister(Fake(base), kSegmentSize);
  }
  SegmentMap::Register(Fake(base), kSegmentSize);
  while (seen.load() == 0) std::this_thread::yield();
  stop.store(true);
  reader.join();
  SegmentMap::Unregister(Fake(base), kSegmentSize);
  CHECK(wrong.load() == 0);
}
