// The benchmark workloads at small sizes on every adapter: each verifies itself (tree sizes,
// check sums, the long-lived array), and on the collectors it must survive collections.
// Boehm can be initialised once per process, so this binary tests one configuration of it:
// as shipped (the tuned one runs in the smoke run of //benchmarks:compare --quick).
#include <doctest/doctest.h>

#include <type_traits>

#include "benchmarks/adapters.h"
#include "benchmarks/binary_trees.h"
#include "benchmarks/gcbench.h"

namespace pinion::bench {
namespace {

// Small, but past Pinion's 8 MiB first-collection threshold.
constexpr GCBenchParams kSmallGCBench = {14, 12, 50000, 4, 12};
constexpr int kSmallDepth = 14;

TEST_CASE("GCBench's tree sizes and iteration counts are the classic ones") {
  CHECK(GCBench<MallocAdapter>::TreeSize(4) == 31);
  CHECK(2 * GCBench<MallocAdapter>::TreeSize(18) / GCBench<MallocAdapter>::TreeSize(16) == 8);
  const GCBenchParams classic;
  CHECK(classic.stretch_depth == 18);
  CHECK(classic.long_lived_depth == 16);
  CHECK(classic.array_size == 500000);
  CHECK(classic.min_depth == 4);
  CHECK(classic.max_depth == 16);
}

TEST_CASE("workloads pass their self-checks on malloc/free") {
  CHECK(GCBench<MallocAdapter>::Run(kSmallGCBench));
  for (int depth = 6; depth <= 10; ++depth) CHECK(BinaryTrees<MallocAdapter>::Run(depth));
}

TEST_CASE("workloads pass their self-checks on Pinion, across collections") {
  PinionAdapter::Runtime runtime;
  CHECK(GCBench<PinionAdapter>::Run(kSmallGCBench));
  const uint64_t after_gcbench = PinionAdapter::stats().collections;
  CHECK(after_gcbench > 0);
  CHECK(BinaryTrees<PinionAdapter>::Run(kSmallDepth));
  CHECK(PinionAdapter::stats().collections > after_gcbench);
}

// A heap that collects every few dozen KiB: a pointer the workloads forgot to root would
// be reclaimed while still in use (and debug builds check every traced pointer).
TEST_CASE("workloads pass their self-checks on Pinion, collecting very often") {
  HeapConfig config;
  config.min_heap_bytes = 64 << 10;
  config.growth_factor = 1.25;
  PinionAdapter::Runtime runtime(config);
  CHECK(GCBench<PinionAdapter>::Run({12, 10, 5000, 4, 10}));
  CHECK(BinaryTrees<PinionAdapter>::Run(10));
  CHECK(PinionAdapter::stats().collections > 20);
}

// Concurrent mode: Member fields, the write barrier, cycles on the background thread while
// the workloads run.
TEST_CASE("workloads pass their self-checks on Pinion, concurrent, collecting very often") {
  using Node = GCBench<PinionConcurrentAdapter>::Node;
  static_assert(std::is_same_v<decltype(Node::left), Member<Node>>);
  static_assert(std::is_same_v<decltype(GCBench<PinionAdapter>::Node::left),
                               GCBench<PinionAdapter>::Node*>);
  HeapConfig config;
  config.min_heap_bytes = 64 << 10;
  config.growth_factor = 1.25;
  PinionConcurrentAdapter::Runtime runtime(config);
  CHECK(GCBench<PinionConcurrentAdapter>::Run({12, 10, 5000, 4, 10}));
  CHECK(BinaryTrees<PinionConcurrentAdapter>::Run(10));
  CHECK(PinionConcurrentAdapter::stats().collections > 5);
}

TEST_CASE("workloads pass their self-checks on Boehm GC, across collections") {
  BoehmAdapter<false>::Runtime runtime;
  CHECK(GCBench<BoehmAdapter<false>>::Run(kSmallGCBench));
  const uint64_t after_gcbench = BoehmAdapter<false>::stats().collections;
  CHECK(after_gcbench > 0);
  CHECK(BinaryTrees<BoehmAdapter<false>>::Run(kSmallDepth));
  CHECK(BoehmAdapter<false>::stats().collections > after_gcbench);
}

}  // namespace
}  // namespace pinion::bench
