// The usage example of README.md, verbatim (extracted by tests/BUILD: keep them in sync).
#include "gc/heap.h"          // //gc:heap
#include "pinning/pin.h"      // //pinning:pin
#include "roots/handles.h"

struct Node { Node* left; Node* right; long value; };
void TraceNode(void* object, pinion::Visitor& v) {
  auto* node = static_cast<Node*>(object);
  v.Visit(node->left);
  v.Visit(node->right);
}
const pinion::TypeId kNode = pinion::RegisterType({"Node", sizeof(Node), &TraceNode});

int main() {
  pinion::Heap heap;                        // HeapConfig: growth factor, limit, markers...
  pinion::ThreadScope attach(heap);         // every thread that touches the heap attaches
  pinion::HandleScope scope;
  pinion::Handle<Node> root(pinion::New<Node>(kNode));  // a handle roots it
  Node* leaf = pinion::New<Node>(kNode);    // raw pointer: valid until the next safepoint,
  pinion::Pin(leaf);                        // unless pinned: now leaf is a root too
  root->left = leaf;
  heap.Collect();                           // both survive (and never move)
  pinion::Unpin(leaf);                      // demoted, not freed: still reachable via root
  return heap.stats().collections == 1 ? 0 : 1;
}
