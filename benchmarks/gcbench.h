// GCBench (John Ellis and Pete Kovac, as maintained by Hans Boehm), written once over a
// collector adapter (adapters.h). The classic parameters are the defaults: a stretch tree of
// depth 18, a long-lived tree of depth 16 and an array of 500,000 doubles kept for the whole
// run, and for each depth 4, 6, ..., 16 as many temporary trees as hold 2x the stretch tree's
// nodes, built top-down (Populate) and then bottom-up (MakeTree).
#ifndef PINION_BENCHMARKS_GCBENCH_H_
#define PINION_BENCHMARKS_GCBENCH_H_

#include <cstdio>
#include <cstdlib>

namespace pinion::bench {

struct GCBenchNode {
  GCBenchNode* left;
  GCBenchNode* right;
  int i, j;
};

struct GCBenchParams {
  int stretch_depth = 18;
  int long_lived_depth = 16;
  int array_size = 500000;
  int min_depth = 4;
  int max_depth = 16;
};

template <class GC>
class GCBench {
 public:
  using Node = GCBenchNode;

  static int TreeSize(int depth) { return (1 << (depth + 1)) - 1; }

  // Runs the benchmark; returns false if a long-lived structure was damaged.
  static bool Run(const GCBenchParams& p) {
    typename GC::Scope scope;
    {
      typename GC::Scope stretch_scope;
      typename GC::template Local<Node> stretch(MakeTree(p.stretch_depth));
      GC::DeleteTree(stretch.get());
    }
    typename GC::template Local<Node> long_lived(GC::template New<Node>());
    Populate(p.long_lived_depth, long_lived.get());
    typename GC::template Local<double> array(GC::NewDoubles(p.array_size));
    for (int i = 0; i < p.array_size / 2; ++i) array.get()[i] = 1.0 / i;

    for (int depth = p.min_depth; depth <= p.max_depth; depth += 2) {
      const int iterations = 2 * TreeSize(p.stretch_depth) / TreeSize(depth);
      for (int i = 0; i < iterations; ++i) {
        typename GC::Scope s;
        typename GC::template Local<Node> temp(GC::template New<Node>());
        Populate(depth, temp.get());
        GC::DeleteTree(temp.get());
      }
      for (int i = 0; i < iterations; ++i) {
        typename GC::Scope s;
        typename GC::template Local<Node> temp(MakeTree(depth));
        GC::DeleteTree(temp.get());
      }
    }
    const bool ok = Count(long_lived.get()) == TreeSize(p.long_lived_depth) &&
                    array.get()[1000] == 1.0 / 1000;
    GC::DeleteTree(long_lived.get());
    GC::DeleteDoubles(array.get());
    return ok;
  }

 private:
  // Top-down: the children hang off `node`, which the caller keeps rooted.
  static void Populate(int depth, Node* node) {
    if (depth <= 0) return;
    --depth;
    node->left = GC::template New<Node>();
    node->right = GC::template New<Node>();
    Populate(depth, node->left);
    Populate(depth, node->right);
  }

  // Bottom-up: both subtrees are rooted while the parent is allocated.
  static Node* MakeTree(int depth) {
    if (depth <= 0) return GC::template New<Node>();
    typename GC::Scope scope;
    typename GC::template Local<Node> left(MakeTree(depth - 1));
    typename GC::template Local<Node> right(MakeTree(depth - 1));
    Node* node = GC::template New<Node>();
    node->left = left.get();
    node->right = right.get();
    return node;
  }

  static int Count(const Node* node) {
    return node == nullptr ? 0 : 1 + Count(node->left) + Count(node->right);
  }
};

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_GCBENCH_H_
