// What weak references cost a collection's pauses (gc/weak_member.h, gc/weak_root.h,
// gc/internal/weak_processor.h): a balanced binary tree of N live nodes, collected in a heap
// of each kind, in both collector modes:
//   none         the nodes' trace reports no weak field (the baseline of the same run);
//   null-fields  the nodes' type has the weak field, null in every node: the same heap with
//                no weak reference (`vs_null` compares the weak kinds with it);
//   fields       each node's weak field names a random live node (N live weak fields);
//   fields-near  the same, naming a node allocated next to it (its sibling in `all`): the
//                referents' mark bits are read in allocation order, not at random;
//   roots        N WeakRoots outside the heap name random live nodes;
//   dead-fields  each node's weak field names a garbage object: N fields cleared.
// With --weak W, only W nodes (spread evenly) carry a weak reference (the others' fields are
// null), so a bigger heap can hold the same number of them. Each heap collects once to
// settle, then allocates N garbage leaves (in every kind, so the heaps match), then the
// measured collection runs. The figure is that collection's pause
// time — both pauses added up in concurrent mode (`pause_ms`), the remark pause alone in
// `last_ms` — as the median of --runs heaps per row, rows interleaved; `vs_none` and
// `vs_null` are the medians of the ratios to the `none` and `null-fields` heaps of the same
// mode, size and run (measured one after the other), with their quartiles; `us_per_1k` the
// median pause added per thousand weak references, against `none`. `clear_ms` is not a
// pause: the time from the collection's last pause to the end of its clearing of weak
// references (HeapStats::weak_clear_ms), which the mutators feel as weak reads and stores on
// a slow path and as a later start of the sweep.
//
//   bazel run -c opt //benchmarks:weak_pauses -- [--csv FILE] [--runs 5]
//       [--sizes 100000,1000000] [--weak W] [--quick]
//
// The CSV has the header `mode,objects,weak,kind,pause_ms,last_ms,clear_ms`, a line per heap.
// --quick: one small size, one run (CI's smoke run).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "benchmarks/size_runs_options.h"
#include "gc/heap.h"
#include "gc/weak_root.h"
#include "roots/root_set.h"

namespace pinion::bench {
namespace {

[[noreturn]] void Fail(const std::string& message) { FailWith("weak_pauses", message); }

struct Node {
  Member<Node> left;
  Member<Node> right;
  WeakMember<Node> weak;
};
void TraceStrong(void* object, Visitor& v) {
  v.Visit(static_cast<Node*>(object)->left);
  v.Visit(static_cast<Node*>(object)->right);
}
void TraceWithWeak(void* object, Visitor& v) {
  TraceStrong(object, v);
  v.VisitWeak(static_cast<Node*>(object)->weak);
}
const TypeId kStrongNode = RegisterType({"WeakPausesStrong", sizeof(Node), &TraceStrong});
const TypeId kWeakNode = RegisterType({"WeakPausesWeak", sizeof(Node), &TraceWithWeak});
const TypeId kLeaf = RegisterType({"WeakPausesLeaf", 16});

Node* Build(TypeId type, long n, std::vector<Node*>& all) {
  if (n == 0) return nullptr;
  Node* left = Build(type, (n - 1) / 2, all);
  Node* right = Build(type, n - 1 - (n - 1) / 2, all);
  Node* node = New<Node>(type);
  node->left = left;
  node->right = right;
  all.push_back(node);
  return node;
}

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

struct Pause {
  double total_ms;
  double last_ms;
  double clear_ms;
};

// The measured collection's pauses in a heap of `kind` with a tree of `n` nodes, `w` of them
// (every n/w-th) holding a weak reference.
Pause Measure(CollectorMode mode, const std::string& kind, long n, long w) {
  const long step = std::max<long>(1, n / w);
  HeapConfig config;
  config.mode = mode;
  config.from_environment = false;
  config.min_heap_bytes = size_t{1} << 40;  // only the explicit collections
  Heap heap(config);
  ThreadScope scope(heap);
  GlobalRoot<Node> root(heap.roots());
  std::vector<Node*> all;
  all.reserve(n);
  // Nothing collects while the tree is built (min_heap_bytes), so raw pointers are safe here.
  const bool weak_type = kind == "fields" || kind == "fields-near" || kind == "dead-fields" ||
                         kind == "null-fields";
  root.set(Build(weak_type ? kWeakNode : kStrongNode, n, all));
  std::deque<WeakRoot<Node>> roots;
  if (kind == "fields") {
    for (long i = 0; i < n; i += step) all[i]->weak = all[Mix(i) % n];
  } else if (kind == "fields-near") {
    for (long i = 0; i < n; i += step) all[i]->weak = all[(i ^ 1) % n];
  } else if (kind == "roots") {
    for (long i = 0; i < n; i += step) roots.emplace_back(heap, all[Mix(i) % n]);
  }
  heap.Collect();
  for (long i = 0; i < n; ++i) {
    void* garbage = Allocate(kLeaf);
    if (kind == "dead-fields" && i % step == 0) all[i]->weak = static_cast<Node*>(garbage);
  }
  const HeapStats before = heap.stats();
  heap.Collect();
  const HeapStats after = heap.stats();
  // The figures are only worth reporting if clearing did what it should.
  for (long i = 0; i < n; i += step) {
    if (kind == "fields" && all[i]->weak.get() != all[Mix(i) % n]) Fail("a live referent cleared");
    if (kind == "fields-near" && all[i]->weak.get() != all[(i ^ 1) % n]) Fail("a live referent cleared");
    if (kind == "dead-fields" && all[i]->weak.get() != nullptr) Fail("a dead referent kept");
    if (kind == "roots" && roots[i / step].get() != all[Mix(i) % n]) Fail("a live root cleared");
  }
  return {after.total_pause_ms - before.total_pause_ms, after.last_pause_ms,
          after.weak_clear_ms - before.weak_clear_ms};
}

int Main(int argc, char** argv) {
  long weak = 0;  // weak references per heap (--weak); 0: one per node
  const SizeRunsOptions options = ParseSizeRuns(
      argc, argv, "weak_pauses",
      "weak_pauses [--csv FILE] [--runs N] [--sizes N,N] [--weak W] [--quick]",
      [&weak](const std::string& arg, const std::function<std::string()>& value) {
        if (arg != "--weak") return false;
        weak = std::atol(value().c_str());
        if (weak < 1) Fail("--weak must be positive");
        return true;
      });
  const std::vector<std::pair<CollectorMode, std::string>> modes = {
      {CollectorMode::kStopTheWorld, "stw"}, {CollectorMode::kConcurrent, "concurrent"}};
  const std::vector<std::string> kinds = {"none",  "null-fields", "fields",
                                          "fields-near", "roots", "dead-fields"};
  std::map<std::tuple<std::string, long, std::string>, std::vector<double>> totals, lasts, clears;
  const int count = options.runs *
                    static_cast<int>(modes.size() * options.sizes.size() * kinds.size());
  int done = 0;
  for (int run = 0; run < options.runs; ++run) {
    for (const auto& [mode, mode_name] : modes) {
      for (long n : options.sizes) {
        for (const std::string& kind : kinds) {
          const Pause p = Measure(mode, kind, n, weak > 0 ? std::min(weak, n) : n);
          totals[{mode_name, n, kind}].push_back(p.total_ms);
          lasts[{mode_name, n, kind}].push_back(p.last_ms);
          clears[{mode_name, n, kind}].push_back(p.clear_ms);
          std::fprintf(stderr, "\rweak_pauses: %d/%d heaps", ++done, count);
        }
      }
    }
  }
  std::fprintf(stderr, "\n");
  FILE* csv = options.csv.empty() ? nullptr : std::fopen(options.csv.c_str(), "w");
  if (!options.csv.empty() && csv == nullptr) Fail("cannot write " + options.csv);
  if (csv) std::fprintf(csv, "mode,objects,weak,kind,pause_ms,last_ms,clear_ms\n");
  std::printf("%-10s %9s %8s %-11s %9s %9s %18s %18s %10s %9s\n", "mode", "objects", "weak",
              "kind", "pause_ms", "last_ms", "vs_none (range)", "vs_null (range)", "us_per_1k",
              "clear_ms");
  // Paired with the heap of `base` kind of the same run (the heaps of a run are measured one
  // after another): the ratios' median and quartiles.
  const auto paired = [](const std::vector<double>& mine, const std::vector<double>& base) {
    std::vector<double> ratios;
    for (size_t r = 0; r < mine.size(); ++r) ratios.push_back(mine[r] / base[r]);
    std::sort(ratios.begin(), ratios.end());
    char text[32];
    std::snprintf(text, sizeof(text), "%.2fx (%.2f-%.2f)", Median(ratios),
                  ratios[ratios.size() / 4], ratios[(3 * ratios.size()) / 4]);
    return std::string(text);
  };
  for (const auto& [mode, mode_name] : modes) {
    for (long n : options.sizes) {
      const std::vector<double>& none = totals[{mode_name, n, "none"}];
      const std::vector<double>& null_fields = totals[{mode_name, n, "null-fields"}];
      const long w = weak > 0 ? std::min(weak, n) : n;
      const long refs = (n + std::max<long>(1, n / w) - 1) / std::max<long>(1, n / w);
      for (const std::string& kind : kinds) {
        const std::vector<double>& mine = totals[{mode_name, n, kind}];
        const bool weak_refs = kind != "none" && kind != "null-fields";
        std::vector<double> added;  // the pause each weak reference adds, against `none`
        for (size_t r = 0; r < mine.size(); ++r) added.push_back(mine[r] - none[r]);
        std::printf("%-10s %9ld %8ld %-11s %9.3f %9.3f %18s %18s %10.2f %9.3f\n",
                    mode_name.c_str(), n, weak_refs ? refs : 0, kind.c_str(), Median(mine),
                    Median(lasts[{mode_name, n, kind}]), paired(mine, none).c_str(),
                    weak_refs ? paired(mine, null_fields).c_str() : "",
                    weak_refs ? Median(added) * 1e3 / (refs / 1e3) : 0.0,
                    Median(clears[{mode_name, n, kind}]));
        for (size_t r = 0; csv && r < mine.size(); ++r) {
          std::fprintf(csv, "%s,%ld,%ld,%s,%.4f,%.4f,%.4f\n", mode_name.c_str(), n,
                       weak_refs ? refs : 0, kind.c_str(), mine[r],
                       lasts[{mode_name, n, kind}][r], clears[{mode_name, n, kind}][r]);
        }
      }
    }
  }
  std::printf("(median of %d heaps each; pause_ms: both pauses of a concurrent cycle added; "
              "vs_none, vs_null: median of the ratios to that kind's heap of the same run, and "
              "their quartiles; "
              "clear_ms: after the pause, not a pause)\n",
              options.runs);
  if (csv) std::fclose(csv);
  return 0;
}

}  // namespace
}  // namespace pinion::bench

int main(int argc, char** argv) { return pinion::bench::Main(argc, argv); }
