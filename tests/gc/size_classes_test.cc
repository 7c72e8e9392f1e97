// Tests of the small-object size classes (gc/internal/size_classes.h).
#include <doctest/doctest.h>

#include "gc/internal/size_classes.h"

namespace {
using pinion::internal::CellSizeOfClass;
using pinion::internal::kMaxSmallCell;
using pinion::internal::kMinCell;
using pinion::internal::kNumSizeClasses;
using pinion::internal::SizeClassOf;
}  // namespace

TEST_CASE("SizeClassOf picks the smallest class that fits, for every size up to 16 KiB") {
  int wrong = 0;
  for (size_t n = 0; n <= kMaxSmallCell; ++n) {
    const int c = SizeClassOf(n);
    const bool ok = c >= 0 && c < kNumSizeClasses && CellSizeOfClass(c) >= n &&
                    (c == 0 || CellSizeOfClass(c - 1) < n);
    if (!ok && ++wrong <= 10) FAIL_CHECK("size " << n << " -> class " << c);
  }
  CHECK(wrong == 0);
}

TEST_CASE("cell sizes: 16 to 16 KiB, strictly increasing multiples of 8, each class reachable") {
  CHECK(kNumSizeClasses == 39);
  CHECK(CellSizeOfClass(0) == kMinCell);
  CHECK(CellSizeOfClass(kNumSizeClasses - 1) == kMaxSmallCell);
  for (int c = 0; c < kNumSizeClasses; ++c) {
    INFO("class " << c);
    CHECK(CellSizeOfClass(c) % 8 == 0);
    if (c > 0) CHECK(CellSizeOfClass(c) > CellSizeOfClass(c - 1));
    CHECK(SizeClassOf(CellSizeOfClass(c)) == c);
    if (c > 0) CHECK(SizeClassOf(CellSizeOfClass(c - 1) + 1) == c);
  }
  // 16..64 by 8, then four classes per doubling.
  const uint32_t expected[] = {16,  24,  32,  40,  48,  56,  64,  80,  96,  112,
                               128, 160, 192, 224, 256, 320, 384, 448, 512};
  for (int c = 0; c < 19; ++c) CHECK(CellSizeOfClass(c) == expected[c]);
}

TEST_CASE("internal fragmentation: under 8 bytes up to 64, under 25% above") {
  int wrong = 0;
  for (size_t n = 1; n <= kMaxSmallCell; ++n) {
    const size_t waste = CellSizeOfClass(SizeClassOf(n)) - n;
    const bool ok = n <= 16 ? waste < 16 : n <= 64 ? waste < 8 : waste * 4 < n;
    if (!ok && ++wrong <= 10) FAIL_CHECK("size " << n << " wastes " << waste);
  }
  CHECK(wrong == 0);
}
