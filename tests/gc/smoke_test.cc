#include <doctest/doctest.h>

#include "gc/heap.h"
#include "pinning/pin.h"
#include "roots/handles.h"

namespace {
struct Node { Node* left; Node* right; long value; };
void TraceNode(void* o, pinion::Visitor& v) { auto* n = static_cast<Node*>(o); v.Visit(n->left); v.Visit(n->right); }
const pinion::TypeId kNode = pinion::RegisterType({"Node", sizeof(Node), &TraceNode, nullptr});

Node* Make(int depth) {
  pinion::HandleScope scope;
  if (depth == 0) return pinion::New<Node>(kNode, Node{nullptr, nullptr, 1});
  pinion::Handle<Node> l(Make(depth - 1));
  pinion::Handle<Node> r(Make(depth - 1));
  return pinion::New<Node>(kNode, Node{l.get(), r.get(), 1});
}
long Sum(Node* n) { return n ? n->value + Sum(n->left) + Sum(n->right) : 0; }
}

TEST_CASE("smoke") {
  pinion::Heap heap;
  pinion::ThreadScope thread(heap);
  pinion::HandleScope scope;
  pinion::Handle<Node> keep(Make(16));
  for (int i = 0; i < 50; i++) { Make(14); }
  heap.Collect();
  CHECK(Sum(keep.get()) == (1 << 17) - 1);
  auto s = heap.stats();
  MESSAGE("collections " << s.collections << " live " << s.live_bytes << " heap " << s.heap_bytes << " max pause " << s.max_pause_ms);
  CHECK(s.collections > 1);
}
