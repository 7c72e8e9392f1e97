// The benchmark workloads verify themselves (tree sizes, check sums, the long-lived array);
// here they run at small sizes on Pinion and malloc/free. (Boehm runs in the CI smoke run of
// //benchmarks:compare --quick: it may be initialised only once per process.)
#include <doctest/doctest.h>

#include "benchmarks/adapters.h"
#include "benchmarks/binary_trees.h"
#include "benchmarks/gcbench.h"

namespace pinion::bench {

TEST_CASE("workloads pass their self-checks on Pinion") {
  PinionAdapter::Runtime runtime;
  CHECK(GCBench<PinionAdapter>::Run({12, 10, 5000, 4, 10}));
  CHECK(BinaryTrees<PinionAdapter>::Run(12));
  CHECK(PinionAdapter::Stats().collections > 0);  // they did exercise the collector
}

TEST_CASE("workloads pass their self-checks on malloc/free") {
  CHECK(GCBench<MallocAdapter>::Run({12, 10, 5000, 4, 10}));
  CHECK(BinaryTrees<MallocAdapter>::Run(10));
}

}  // namespace pinion::bench
