// The pause-time workload of //benchmarks:pauses, written once over a collector adapter
// (adapters.h), single-threaded:
//
//  1. Build: a live heap of `live_bytes` in 24-byte nodes (two pointer fields, GC::Field: raw
//     pointers, Member<T> in Pinion's concurrent mode; and the node's depth): complete binary
//     trees of depth kTreeDepth (511 nodes, ~12 KiB each), all hanging from one PointerArray
//     and kept to the end. Not timed as churn; its pauses do not count.
//  2. Churn: `ops` operations, each
//       a. builds a temporary tree of depth kTempDepth (31 nodes) top-down, checks it and
//          drops it: short-lived garbage;
//       b. replaces a random subtree of depth kReplaceDepth (7 nodes) inside a random live
//          tree by a fresh one: a pointer store into old, long-lived data, which the write
//          barrier (Member) has to see while a concurrent cycle marks, and which makes the old
//          subtree garbage (the live size stays the same).
//     The phase is timed as a whole (mutator throughput: operations per second, pauses and
//     collector work included) and per operation (the longest operation is the longest
//     stall the mutator saw, whatever caused it). GC::PauseLog records the collector's pauses
//     from its start to its end.
//  3. Check: every live tree is intact (shape and every node's depth), as were the walked
//     paths and the temporary trees of phase 2.
#ifndef PINION_BENCHMARKS_PAUSES_H_
#define PINION_BENCHMARKS_PAUSES_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "benchmarks/adapters.h"

namespace pinion::bench {

template <class GC>
struct PauseNode {
  typename GC::template Field<PauseNode> left;
  typename GC::template Field<PauseNode> right;
  int64_t depth;  // of the subtree rooted here: 0 at a leaf
};

struct PauseParams {
  uint64_t live_bytes = uint64_t{256} << 20;  // node bytes in the live heap (rounded to trees)
  uint64_t ops = 1000000;                     // churn operations
  uint64_t seed = 1;
};

struct PauseRunResult {
  bool ok = false;
  uint64_t trees = 0, ops = 0;
  uint64_t collections = 0;  // during the churn (GC::stats())
  double build_s = 0, churn_s = 0;
  double max_op_ms = 0;  // the longest single churn operation
  PauseSamples pauses;   // during the churn
};

template <class GC>
class PauseWorkload {
 public:
  using Node = PauseNode<GC>;
  using Slot = typename GC::template Field<Node>;
  using Array = PointerArray<Slot>;
  template <class T>
  using Local = typename GC::template Local<T>;
  static_assert(sizeof(Node) == 24);

  static constexpr int kTreeDepth = 8;
  static constexpr int kTempDepth = 4;
  static constexpr int kReplaceDepth = 2;

  static constexpr uint64_t TreeSize(int depth) { return (uint64_t{1} << (depth + 1)) - 1; }
  // Bytes of nodes one churn operation allocates.
  static constexpr uint64_t kOpBytes =
      (TreeSize(kTempDepth) + TreeSize(kReplaceDepth)) * sizeof(Node);
  static uint64_t Trees(uint64_t live_bytes) {
    return std::max<uint64_t>(1, live_bytes / (TreeSize(kTreeDepth) * sizeof(Node)));
  }

  // Runs the workload; returns ok = false (saying why on stderr) if a check failed.
  static PauseRunResult Run(const PauseParams& p) {
    using Clock = std::chrono::steady_clock;
    PauseRunResult r;
    r.trees = Trees(p.live_bytes);
    r.ops = p.ops;
    bool ok = true;
    typename GC::Scope scope;

    const Clock::time_point build_start = Clock::now();
    Local<Array> heap(GC::template NewArray<Slot>(r.trees));
    for (uint64_t i = 0; i < r.trees; ++i) {
      typename GC::Scope s;
      Local<Node> tree(NewTree(kTreeDepth));
      (*heap.get())[i] = tree.get();
    }
    const Clock::time_point churn_start = Clock::now();
    r.build_s = Seconds(churn_start - build_start);

    typename GC::PauseLog log;
    const uint64_t collections_before = GC::stats().collections;
    log.Start();
    uint64_t rng = p.seed * 0x9e3779b97f4a7c15ULL + 1;
    Clock::time_point last = Clock::now(), last_poll = last;
    Clock::duration longest{0};
    for (uint64_t op = 0; op < p.ops; ++op) {
      if (!ChurnStep(heap.get(), 0, r.trees, rng)) ok = false;
      const Clock::time_point now = Clock::now();
      longest = std::max(longest, now - last);
      last = now;
      if (now - last_poll >= std::chrono::milliseconds(1)) {
        log.Poll();
        last_poll = now;
      }
    }
    r.pauses = log.Stop();
    r.churn_s = Seconds(Clock::now() - churn_start);
    r.collections = GC::stats().collections - collections_before;
    r.max_op_ms = Seconds(longest) * 1000.0;

    uint64_t damaged = 0;
    for (uint64_t i = 0; i < r.trees; ++i) {
      if (Check((*heap.get())[i], kTreeDepth) != TreeSize(kTreeDepth)) ++damaged;
    }
    if (damaged > 0) {
      std::fprintf(stderr, "pauses: %llu of %llu live trees were damaged\n",
                   static_cast<unsigned long long>(damaged),
                   static_cast<unsigned long long>(r.trees));
      ok = false;
    }
    for (uint64_t i = 0; i < r.trees; ++i) GC::Delete(static_cast<Node*>((*heap.get())[i]));
    GC::DeleteArray(heap.get());
    r.ok = ok;
    return r;
  }

  // One churn operation (phase 2, a and b) on `heap`, whose live trees are rooted by the
  // caller; the subtree it replaces lies in one of the `count` trees from index `first`
  // (a mutator's slice: threads churning disjoint slices of one heap never write the same
  // node). `rng` is the caller's generator state. Returns false (saying why on stderr) if a
  // check failed. Used by Run and by //benchmarks:latency, which times batches of it.
  static bool ChurnStep(Array* heap, uint64_t first, uint64_t count, uint64_t& rng) {
    bool ok = true;
    {  // a. a temporary tree, checked and dropped
      typename GC::Scope s;
      Local<Node> temp(NewTree(kTempDepth));
      if (Check(temp.get(), kTempDepth) != TreeSize(kTempDepth)) {
        ok = Fail("a temporary tree was damaged");
      }
      GC::Delete(temp.get());
    }
    {  // b. a subtree of a live tree replaced
      typename GC::Scope s;
      // Allocate first: from here to the store there is no safepoint, so the raw pointers
      // of the walk stay valid on every adapter.
      Local<Node> fresh(NewTree(kReplaceDepth));
      const uint64_t bits = Next(rng);
      Node* node = (*heap)[first + bits % count];
      uint64_t path = bits >> 32;
      for (int depth = kTreeDepth; depth > kReplaceDepth + 1; --depth, path >>= 1) {
        if (node == nullptr || node->depth != depth) break;
        node = (path & 1) ? node->left : node->right;
      }
      if (node == nullptr || node->depth != kReplaceDepth + 1) {
        ok = Fail("a path through a live tree was damaged");
      } else {
        Slot& slot = (path & 1) ? node->left : node->right;
        Node* old = slot;
        slot = fresh.get();  // the write barrier
        GC::Delete(old);
      }
    }
    return ok;
  }

  // A complete tree of `depth`, built top-down (each node is reachable from the rooted root
  // before its children are allocated).
  static Node* NewTree(int depth) {
    typename GC::Scope scope;
    Local<Node> root(GC::template New<Node>());
    Populate(root.get(), depth);
    return root.get();
  }

  // The node count of a well-formed tree of `depth`, or 0 if it is not one.
  static uint64_t Check(const Node* node, int depth) {
    if (node == nullptr || node->depth != depth) return 0;
    if (depth == 0) return node->left == nullptr && node->right == nullptr ? 1 : 0;
    const uint64_t left = Check(node->left, depth - 1);
    const uint64_t right = Check(node->right, depth - 1);
    return left == 0 || right == 0 ? 0 : 1 + left + right;
  }

 private:
  template <class Duration>
  static double Seconds(Duration d) {
    return std::chrono::duration<double>(d).count();
  }

  static bool Fail(const char* what) {
    std::fprintf(stderr, "pauses: %s\n", what);
    return false;
  }

  // splitmix64: deterministic across adapters.
  static uint64_t Next(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  static void Populate(Node* node, int depth) {
    node->depth = depth;
    if (depth == 0) return;
    node->left = GC::template New<Node>();
    Populate(node->left, depth - 1);
    node->right = GC::template New<Node>();
    Populate(node->right, depth - 1);
  }
};

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_PAUSES_H_
