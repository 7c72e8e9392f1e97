// Helpers shared by the unit tests: catching misuse reports, a tree type, a finalizer count.
#ifndef PINION_TESTS_TEST_UTIL_H_
#define PINION_TESTS_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <atomic>

#include "gc/errors.h"
#include "gc/heap.h"
#include "tests/gc/test_support.h"

namespace pinion::testing {

// Misuse reports throw MisuseError for the scope's lifetime; MisuseOf(f) is the kind f
// reported (tests/gc/test_support.h).
using ThrowOnMisuse = test_support::ScopedMisuseHandler;
using test_support::MisuseOf;

struct Node {
  Node* left;
  Node* right;
  long value;
};
inline void TraceNode(void* object, Visitor& v) {
  v.Visit(static_cast<Node*>(object)->left);
  v.Visit(static_cast<Node*>(object)->right);
}
inline const TypeId kNode = RegisterType({"Node", sizeof(Node), &TraceNode});

// A node type whose finalizer counts calls.
inline std::atomic<int> g_finalized{0};
inline void CountFinalize(void*) { g_finalized.fetch_add(1, std::memory_order_relaxed); }
inline const TypeId kCountedNode =
    RegisterType({"CountedNode", sizeof(Node), &TraceNode, &CountFinalize});

inline Node* NewNode(TypeId type = kNode, Node* left = nullptr, Node* right = nullptr,
                     long value = 0) {
  Node* n = static_cast<Node*>(Allocate(type, sizeof(Node)));
  n->left = left;
  n->right = right;
  n->value = value;
  return n;
}

}  // namespace pinion::testing

#endif  // PINION_TESTS_TEST_UTIL_H_
