// binary-trees (the Computer Language Benchmarks Game), written once over a collector
// adapter (adapters.h), single-threaded. With max depth n (at least min + 2):
//
//  1. a stretch tree of depth n + 1, built bottom-up, checked and dropped;
//  2. a long-lived tree of depth n, kept for the whole run;
//  3. for each depth d = 4, 6, ..., n, 2^(n - d + 4) trees of depth d built and checked;
//  4. the long-lived tree checked.
//
// A tree's check is 1 + check(left) + check(right), its node count; every check is verified
// against the closed form (a full tree of depth d has 2^(d+1) - 1 nodes).
#ifndef PINION_BENCHMARKS_BINARY_TREES_H_
#define PINION_BENCHMARKS_BINARY_TREES_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace pinion::bench {

// The pointer fields are the adapter's (adapters.h): T*, or Member<T> for pinion-concurrent.
template <class GC>
struct TreeNode {
  typename GC::template Field<TreeNode> left;
  typename GC::template Field<TreeNode> right;
};

template <class GC>
class BinaryTrees {
 public:
  using Node = TreeNode<GC>;
  static constexpr int kMinDepth = 4;
  template <class T>
  using Local = typename GC::template Local<T>;

  static int64_t TreeSize(int depth) { return (int64_t{1} << (depth + 1)) - 1; }

  // Runs with trees up to `max_depth`; returns false (saying why on stderr) if a check is
  // wrong.
  static bool Run(int max_depth) {
    max_depth = std::max(kMinDepth + 2, max_depth);
    bool ok = true;
    typename GC::Scope scope;
    {
      typename GC::Scope stretch_scope;
      Local<Node> stretch(Create(max_depth + 1));
      ok &= Expect("stretch tree", Check(stretch.get()), TreeSize(max_depth + 1));
      GC::Delete(stretch.get());
    }

    Local<Node> long_lived(Create(max_depth));
    for (int depth = kMinDepth; depth <= max_depth; depth += 2) {
      const int64_t iterations = int64_t{1} << (max_depth - depth + kMinDepth);
      int64_t check = 0;
      for (int64_t i = 0; i < iterations; ++i) {
        typename GC::Scope s;
        Local<Node> tree(Create(depth));
        check += Check(tree.get());
        GC::Delete(tree.get());
      }
      ok &= Expect("trees of one depth", check, iterations * TreeSize(depth));
    }
    ok &= Expect("long-lived tree", Check(long_lived.get()), TreeSize(max_depth));
    GC::Delete(long_lived.get());
    return ok;
  }

 private:
  static Node* Create(int depth) {
    if (depth <= 0) return GC::template New<Node>();
    typename GC::Scope scope;
    Local<Node> left(Create(depth - 1));
    Local<Node> right(Create(depth - 1));
    Node* node = GC::template New<Node>();
    node->left = left.get();
    node->right = right.get();
    return node;
  }

  static int64_t Check(const Node* node) {
    return node->left == nullptr ? 1 : 1 + Check(node->left) + Check(node->right);
  }

  static bool Expect(const char* what, int64_t check, int64_t expected) {
    if (check == expected) return true;
    std::fprintf(stderr, "binary-trees: %s: check %lld, expected %lld\n", what,
                 static_cast<long long>(check), static_cast<long long>(expected));
    return false;
  }
};

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_BINARY_TREES_H_
