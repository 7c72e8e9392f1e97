// binary-trees (the Computer Language Benchmarks Game), written once over a collector
// adapter (adapters.h): a stretch tree of depth max+1, a long-lived tree of depth max, and
// for depth d = 4, 6, ..., max, 2^(max - d + 4) trees of depth d built bottom-up and
// checked. Single-threaded. Every check is verified against the closed form.
#ifndef PINION_BENCHMARKS_BINARY_TREES_H_
#define PINION_BENCHMARKS_BINARY_TREES_H_

#include <algorithm>
#include <cstdint>

namespace pinion::bench {

struct TreeNode {
  TreeNode* left;
  TreeNode* right;
};

template <class GC>
class BinaryTrees {
 public:
  static constexpr int kMinDepth = 4;

  static int64_t TreeSize(int depth) { return (int64_t{1} << (depth + 1)) - 1; }

  // Runs with trees up to `max_depth`; returns false if any check is wrong.
  static bool Run(int max_depth) {
    max_depth = std::max(kMinDepth + 2, max_depth);
    bool ok = true;
    typename GC::Scope scope;
    {
      typename GC::Scope stretch_scope;
      typename GC::template Local<TreeNode> stretch(Create(max_depth + 1));
      ok &= Check(stretch.get()) == TreeSize(max_depth + 1);
      GC::DeleteTree(stretch.get());
    }
    typename GC::template Local<TreeNode> long_lived(Create(max_depth));
    for (int depth = kMinDepth; depth <= max_depth; depth += 2) {
      const int64_t iterations = int64_t{1} << (max_depth - depth + kMinDepth);
      int64_t check = 0;
      for (int64_t i = 0; i < iterations; ++i) {
        typename GC::Scope s;
        typename GC::template Local<TreeNode> tree(Create(depth));
        check += Check(tree.get());
        GC::DeleteTree(tree.get());
      }
      ok &= check == iterations * TreeSize(depth);
    }
    ok &= Check(long_lived.get()) == TreeSize(max_depth);
    GC::DeleteTree(long_lived.get());
    return ok;
  }

 private:
  static TreeNode* Create(int depth) {
    if (depth <= 0) return GC::template New<TreeNode>();
    typename GC::Scope scope;
    typename GC::template Local<TreeNode> left(Create(depth - 1));
    typename GC::template Local<TreeNode> right(Create(depth - 1));
    TreeNode* node = GC::template New<TreeNode>();
    node->left = left.get();
    node->right = right.get();
    return node;
  }

  static int64_t Check(const TreeNode* node) {
    return node->left == nullptr ? 1 : 1 + Check(node->left) + Check(node->right);
  }
};

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_BINARY_TREES_H_
