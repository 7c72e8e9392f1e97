// Helpers shared by the unit tests: catching misuse reports, a tree type, a finalizer count.
#ifndef PINION_TESTS_TEST_UTIL_H_
#define PINION_TESTS_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <atomic>
#include <optional>

#include "gc/errors.h"
#include "gc/heap.h"

namespace pinion::testing {

// Makes misuse reports throw MisuseError for the scope's lifetime.
class ThrowOnMisuse {
 public:
  ThrowOnMisuse() : previous_(SetMisuseHandler(&ThrowingMisuseHandler)) {}
  ~ThrowOnMisuse() { SetMisuseHandler(previous_); }

 private:
  MisuseHandler previous_;
};

// The kind of misuse `f` reports (with ThrowOnMisuse active), or nullopt if none.
template <class F>
std::optional<Misuse> MisuseOf(F&& f) {
  try {
    f();
  } catch (const MisuseError& e) {
    return e.kind();
  }
  return std::nullopt;
}

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
