// GCBench (John Ellis and Pete Kovac, as modified by Hans Boehm: GCBench.c), written once
// over a collector adapter (adapters.h). The classic parameters are the defaults:
//
//  1. a stretch tree of depth 18, built bottom-up and dropped;
//  2. a long-lived tree of depth 16, built top-down, and an array of 500,000 doubles of which
//     the first half is set to 1.0/i (as in the original), both kept for the whole run;
//  3. for each depth d = 4, 6, ..., 16, NumIters(d) = 2 * TreeSize(18) / TreeSize(d)
//     temporary trees built top-down (Populate), then as many built bottom-up (MakeTree);
//  4. a check that the long-lived tree and array are intact.
#ifndef PINION_BENCHMARKS_GCBENCH_H_
#define PINION_BENCHMARKS_GCBENCH_H_

#include <cstdio>

namespace pinion::bench {

// The pointer fields are the adapter's (adapters.h): T*, or Member<T> for pinion-concurrent.
template <class GC>
struct GCBenchNode {
  typename GC::template Field<GCBenchNode> left;
  typename GC::template Field<GCBenchNode> right;
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
  using Node = GCBenchNode<GC>;
  template <class T>
  using Local = typename GC::template Local<T>;

  static int TreeSize(int depth) { return (1 << (depth + 1)) - 1; }

  // Runs the benchmark; returns false (saying why on stderr) if a long-lived structure was
  // damaged.
  static bool Run(const GCBenchParams& p) {
    typename GC::Scope scope;
    {
      typename GC::Scope stretch_scope;
      Local<Node> stretch(MakeTree(p.stretch_depth));
      GC::Delete(stretch.get());
    }

    Local<Node> long_lived(GC::template New<Node>());
    Populate(p.long_lived_depth, long_lived.get());
    Local<double> array(GC::NewDoubles(p.array_size));
    for (int i = 0; i < p.array_size / 2; ++i) array.get()[i] = 1.0 / i;  // [0] is inf (sic)

    for (int depth = p.min_depth; depth <= p.max_depth; depth += 2) {
      TimeConstruction(depth, p);
    }

    bool ok = true;
    if (Count(long_lived.get()) != TreeSize(p.long_lived_depth)) {
      std::fprintf(stderr, "gcbench: the long-lived tree was damaged\n");
      ok = false;
    }
    for (int i = 1; i < p.array_size / 2; ++i) {
      if (array.get()[i] != 1.0 / i) {
        std::fprintf(stderr, "gcbench: the long-lived array was damaged at [%d]\n", i);
        ok = false;
        break;
      }
    }
    GC::Delete(long_lived.get());
    GC::DeleteDoubles(array.get());
    return ok;
  }

 private:
  static void TimeConstruction(int depth, const GCBenchParams& p) {
    const int iterations = 2 * TreeSize(p.stretch_depth) / TreeSize(depth);
    for (int i = 0; i < iterations; ++i) {
      typename GC::Scope scope;
      Local<Node> temp(GC::template New<Node>());
      Populate(depth, temp.get());
      GC::Delete(temp.get());
    }
    for (int i = 0; i < iterations; ++i) {
      typename GC::Scope scope;
      Local<Node> temp(MakeTree(depth));
      GC::Delete(temp.get());
    }
  }

  // Top-down: the children hang off `node`, which its caller keeps reachable from a root.
  static void Populate(int depth, Node* node) {
    if (depth <= 0) return;
    --depth;
    node->left = GC::template New<Node>();
    node->right = GC::template New<Node>();
    Populate(depth, node->left);
    Populate(depth, node->right);
  }

  // Bottom-up: both subtrees are rooted while their parent is allocated.
  static Node* MakeTree(int depth) {
    if (depth <= 0) return GC::template New<Node>();
    typename GC::Scope scope;
    Local<Node> left(MakeTree(depth - 1));
    Local<Node> right(MakeTree(depth - 1));
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
