// The CPython layer's pause cost: a full stop-the-world collection over a live binary tree of
// N nodes built through Python.h (2-tuples: (left, right), leaves (None, None)), against the
// same tree of plain Pinion objects (two fields, a C++ trace, no callbacks) in the same run.
//
//   bazel run -c opt //benchmarks:compat_pauses -- [--csv FILE] [--runs 5]
//       [--sizes 100000,1000000] [--quick]
//
// A tuple is a GC object registered for finalization (its tp_dealloc releases its items),
// so each pause also walks the registry and calls tp_traverse on every tuple to subtract
// the pins its items hold (gc/finalization.h) before marking. The ratio compat/plain is that
// cost. Each row is the median pause of --runs collections (each in a heap of its own kind,
// runs interleaved); the CSV has the header `objects,kind,pause_ms` (kind `compat` or
// `plain`). --quick: one small size, one run.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <utility>
#include <sstream>
#include <string>
#include <vector>

#include "Python.h"
#include "gc/finalization.h"
#include "gc/heap.h"
#include "benchmarks/size_runs_options.h"
#include "roots/root_set.h"

namespace pinion::bench {
namespace {

[[noreturn]] void Fail(const std::string& message) { FailWith("compat_pauses", message); }

struct Node {
  Node* left;
  Node* right;
};
void TraceNode(void* object, Visitor& v) {
  v.Visit(static_cast<Node*>(object)->left);
  v.Visit(static_cast<Node*>(object)->right);
}
const TypeId kNode = RegisterType({"CompatPausesNode", sizeof(Node), &TraceNode, nullptr});

// Balanced trees of exactly n nodes. The plain one's raw pointers are safe only because no
// collection runs while it is built (min_heap_bytes, below); the tuples are new references.
Node* BuildPlain(long n) {
  if (n == 0) return nullptr;
  Node* left = BuildPlain((n - 1) / 2);
  Node* right = BuildPlain(n - 1 - (n - 1) / 2);
  return New<Node>(kNode, Node{left, right});
}

PyObject* BuildTuples(long n) {
  if (n == 0) return Py_None;  // immortal: nothing to own
  PyObject* tuple = PyTuple_New(2);
  PyTuple_SET_ITEM(tuple, 0, BuildTuples((n - 1) / 2));  // steals: the edge holds the pin
  PyTuple_SET_ITEM(tuple, 1, BuildTuples(n - 1 - (n - 1) / 2));
  return tuple;
}

// One collection's pause in a heap holding a tree of `n` objects of `kind`.
double PauseMs(const std::string& kind, long n) {
  HeapConfig config;
  config.min_heap_bytes = size_t{1} << 40;  // only the explicit collections
  Heap heap(config);
  ThreadScope scope(heap);
  GlobalRoot<Node> plain_root(heap.roots());
  PyObject* tuples = nullptr;  // a new reference: pinned
  if (kind == "plain") {
    plain_root.set(BuildPlain(n));
  } else {
    tuples = BuildTuples(n);
  }
  heap.Collect();  // counts the construction's pin logs, settles the heap
  heap.Collect();
  const double pause = heap.stats().last_pause_ms;
  if (RunFinalizers() != 0) Fail("a live tuple was found unreachable");
  Py_XDECREF(tuples);
  return pause;
}

int Main(int argc, char** argv) {
  const SizeRunsOptions options = ParseSizeRuns(
      argc, argv, "compat_pauses", "compat_pauses [--csv FILE] [--runs N] [--sizes N,N] [--quick]");
  const std::vector<std::string> kinds = {"compat", "plain"};
  std::map<std::pair<long, std::string>, std::vector<double>> pauses;
  const int total = options.runs * static_cast<int>(options.sizes.size() * kinds.size());
  int done = 0;
  for (int run = 0; run < options.runs; ++run) {
    for (long n : options.sizes) {
      for (const std::string& kind : kinds) {
        pauses[{n, kind}].push_back(PauseMs(kind, n));
        std::fprintf(stderr, "\rcompat_pauses: %d/%d collections", ++done, total);
      }
    }
  }
  std::fprintf(stderr, "\n");
  FILE* csv = options.csv.empty() ? nullptr : std::fopen(options.csv.c_str(), "w");
  if (!options.csv.empty() && csv == nullptr) Fail("cannot write " + options.csv);
  if (csv) std::fprintf(csv, "objects,kind,pause_ms\n");
  std::printf("%10s %-7s %10s %12s %8s\n", "objects", "kind", "pause_ms", "ns_per_obj",
              "vs_plain");
  for (long n : options.sizes) {
    const double plain = Median(pauses[{n, "plain"}]);
    for (const std::string& kind : kinds) {
      const double ms = Median(pauses[{n, kind}]);
      std::printf("%10ld %-7s %10.3f %12.1f %7.2fx\n", n, kind.c_str(), ms, ms * 1e6 / n,
                  ms / plain);
      if (csv) std::fprintf(csv, "%ld,%s,%.4f\n", n, kind.c_str(), ms);
    }
  }
  std::printf("(median of %d collections each; a binary tree of N live nodes)\n", options.runs);
  if (csv) std::fclose(csv);
  return 0;
}

}  // namespace
}  // namespace pinion::bench

int main(int argc, char** argv) { return pinion::bench::Main(argc, argv); }
