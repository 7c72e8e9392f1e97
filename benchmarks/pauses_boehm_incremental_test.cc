// The pause workload (pauses.h) at a tiny size on Boehm GC in incremental mode, which has to
// be enabled before the process allocates (so it is a binary of its own; pauses_test has the
// other adapters): the self-check passes and the world-stopped marks are logged as pauses.
#include <doctest/doctest.h>

#include "benchmarks/adapters.h"
#include "benchmarks/pauses.h"

namespace pinion::bench {
namespace {

TEST_CASE("the pause workload passes its self-check on Boehm GC, incremental") {
  using GC = BoehmAdapter<false, true>;
  GC::Runtime runtime;
  CHECK(GC_is_incremental_mode());
  PauseParams p;
  p.live_bytes = 1 << 20;
  p.ops = 8 * p.live_bytes / PauseWorkload<GC>::kOpBytes;
  const PauseRunResult r = PauseWorkload<GC>::Run(p);
  CHECK(r.ok);
  // Under ThreadSanitizer libgc counts the sanitizer's huge mappings as roots and prefers
  // growing the heap to collecting (see pauses_test).
#ifndef __SANITIZE_THREAD__
  CHECK(r.collections > 0);
  CHECK(!r.pauses.pauses_ms.empty());
#endif
}

}  // namespace
}  // namespace pinion::bench
