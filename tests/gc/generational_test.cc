// Generational heaps (HeapConfig::generational, gc/internal/remembered_set.h): what a minor
// collection frees and keeps, the barrier's filters and the remembered set, unprotected
// types, pins, handles, finalizers and weak references across minor collections.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/heap_impl.h"
#include "gc/member.h"
#include "gc/weak_root.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Heap;
using pinion::HeapConfig;
using pinion::Member;
using pinion::TypeId;
using pinion::TypeInfo;
using pinion::Visitor;

struct Node {
  Member<Node> left;
  Member<Node> right;
  int64_t value = 0;
};

// Raw pointer fields, written without a barrier: an unprotected type.
struct RawNode {
  RawNode* child = nullptr;
  int64_t value = 0;
};

std::atomic<int> g_finalized{0};

void TraceNode(void* object, Visitor& v) {
  auto* node = static_cast<Node*>(object);
  v.Visit(node->left);
  v.Visit(node->right);
}
void TraceRaw(void* object, Visitor& v) { v.Visit(static_cast<RawNode*>(object)->child); }
void CountFinalized(void*) { g_finalized.fetch_add(1, std::memory_order_relaxed); }

const TypeId kNode = pinion::RegisterType({"gen Node", sizeof(Node), &TraceNode, nullptr});
// Finalizable, so that a test sees which objects were freed.
const TypeId kWatched =
    pinion::RegisterType({"gen watched Node", sizeof(Node), &TraceNode, &CountFinalized});
const TypeId kRaw = [] {
  TypeInfo info{"gen RawNode", sizeof(RawNode), &TraceRaw, nullptr};
  info.unprotected = true;
  return pinion::RegisterType(info);
}();
const TypeId kRawProtected =
    pinion::RegisterType({"gen RawNode, protected", sizeof(RawNode), &TraceRaw, nullptr});

HeapConfig Generational() {
  HeapConfig config = pinion::test_support::NoAutoCollect();
  config.generational = true;
  config.from_environment = false;
  return config;
}

Node* NewNode(TypeId type = kNode) { return pinion::New<Node>(type); }

size_t Remembered(Heap& heap) {
  return heap.impl().remembered.size(heap.impl().roots.threads());
}

// An old object: allocated, kept by a handle, promoted by a full collection.
struct OldHost {
  explicit OldHost(Heap& heap) : node(NewNode()) { heap.Collect(); }
  pinion::Handle<Node> node;
};

}  // namespace

TEST_CASE("a minor collection frees young garbage and keeps old garbage until a full one") {
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  g_finalized = 0;
  {
    pinion::HandleScope inner;
    pinion::Handle<Node> old_garbage(NewNode(kWatched));
    heap.Collect();  // promoted: old
  }
  (void)NewNode(kWatched);  // young garbage
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 1);  // the young one only
  CHECK(heap.stats().minor_collections == 1);
  heap.Collect();  // full
  CHECK(g_finalized.load() == 2);
  CHECK(heap.stats().minor_collections == 1);
  CHECK(heap.stats().collections == 3);
}

TEST_CASE("an old-to-young store is remembered, and its target survives minor collections") {
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  g_finalized = 0;
  OldHost host(heap);
  CHECK(Remembered(heap) == 0);
  Node* young = NewNode(kWatched);
  young->value = 42;
  host.node->left = young;  // old -> young: the only path to `young`
  CHECK(Remembered(heap) == 1);
  heap.Collect(Heap::Kind::kMinor);
  CHECK(Remembered(heap) == 0);  // promoted: old -> old now
  CHECK(g_finalized.load() == 0);
  CHECK(host.node->left->value == 42);
  // Now old, it needs no remembering, and survives further minor collections.
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 0);
  CHECK(host.node->left->value == 42);
  host.node->left = nullptr;
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 0);  // old garbage waits for a full collection
  heap.Collect();
  CHECK(g_finalized.load() == 1);
}

TEST_CASE("the barrier's filters: stores into the latest allocation, of null, of old values, "
          "into young hosts and into slots outside the heap are not remembered") {
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  OldHost host(heap);
  pinion::Handle<Node> other_old(NewNode());
  pinion::Handle<RawNode> raw_old(pinion::New<RawNode>(kRawProtected));
  heap.Collect();  // all old

  pinion::Handle<Node> young_host(NewNode());
  Node* fresh = NewNode();
  fresh->left = young_host.get();  // into the latest allocation: filtered inline
  fresh->right = host.node.get();
  host.node->left = nullptr;               // null
  host.node->right = other_old.get();      // old value
  young_host->left = NewNode();            // young host (not the latest allocation)
  young_host->right = host.node.get();
  Member<Node> outside;                    // a Member on the stack
  outside = NewNode();
  CHECK(Remembered(heap) == 0);

  host.node->left = fresh;  // old -> young
  host.node->left = fresh;  // again: the same slot twice (deduplicated later, if many)
  CHECK(Remembered(heap) == 2);
  pinion::Store(&raw_old->child, pinion::New<RawNode>(kRawProtected));  // Store: remembered
  CHECK(Remembered(heap) == 3);
  heap.Collect(Heap::Kind::kMinor);
  CHECK(Remembered(heap) == 0);
  CHECK(host.node->left.get() == fresh);
  CHECK(fresh->left.get() == young_host.get());
}

TEST_CASE("the old objects of an unprotected type are rescanned by every minor collection") {
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  g_finalized = 0;
  pinion::Handle<RawNode> raw(pinion::New<RawNode>(kRaw));
  heap.Collect();  // old
  // A raw store: no barrier, nothing remembered.
  Node* young = NewNode(kWatched);
  young->value = 7;
  raw->child = reinterpret_cast<RawNode*>(young);
  CHECK(Remembered(heap) == 0);
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 0);
  CHECK(reinterpret_cast<Node*>(raw->child)->value == 7);
  // Again after promotion, with a fresh young object.
  Node* second = NewNode(kWatched);
  raw->child = reinterpret_cast<RawNode*>(second);
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 0);  // `young` is old garbage now, `second` is reachable
  heap.Collect();
  CHECK(g_finalized.load() == 1);
}

TEST_CASE("a protected type's raw store is what the rescan of unprotected types exists for") {
  // The same store into an object of a type not declared unprotected is missed: the young
  // object is freed by the minor collection. (This is the contract: raw stores need
  // TypeInfo::unprotected on a generational heap.)
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  g_finalized = 0;
  pinion::Handle<RawNode> raw(pinion::New<RawNode>(kRawProtected));
  heap.Collect();
  Node* young = NewNode(kWatched);
  NewNode();
  raw->child = reinterpret_cast<RawNode*>(young);
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 1);
  raw->child = nullptr;  // never read the freed object
}

TEST_CASE("pins and handles are roots of a minor collection; a young pinned object is promoted") {
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  g_finalized = 0;
  Node* pinned = NewNode(kWatched);
  pinion::Pin(pinned);
  pinned->left = NewNode(kWatched);  // into the latest allocation? no: a new one; young host
  pinion::Handle<Node> handled(NewNode(kWatched));
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 0);
  pinion::Unpin(pinned);  // demoted to tracing: old, so kept until a full collection
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 0);
  heap.Collect();
  CHECK(g_finalized.load() == 2);  // `pinned` and its child; `handled` lives
}

TEST_CASE("weak references to young objects are cleared by a minor collection, to old ones kept") {
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  pinion::Handle<Node> old(NewNode());
  heap.Collect();
  pinion::WeakRoot<Node> to_old(heap, old.get());
  pinion::WeakRoot<Node> to_young(heap, NewNode());
  pinion::Handle<Node> kept(NewNode());
  pinion::WeakRoot<Node> to_kept(heap, kept.get());
  heap.Collect(Heap::Kind::kMinor);
  CHECK(to_old.get() == old.get());
  CHECK(to_kept.get() == kept.get());
  CHECK(to_young.get() == nullptr);
}

TEST_CASE("generational configuration: with concurrent mode it is kBadArgument") {
  pinion::test_support::ScopedMisuseHandler handler;
  HeapConfig config = Generational();
  config.mode = pinion::CollectorMode::kConcurrent;
  CHECK(pinion::test_support::MisuseOf([&] { Heap heap(config); }) ==
        pinion::Misuse::kBadArgument);
}

TEST_CASE("the latest-allocation filter forgets its object at each collection") {
  // The host is this thread's latest allocation when the collection promotes it; the young
  // value comes from another thread, so this one allocates nothing in between. A filter
  // that still took the host for young would miss the store, and the minor collection would
  // free the value.
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  g_finalized = 0;
  pinion::Handle<Node> host(NewNode());
  heap.Collect();
  Node* young = nullptr;
  std::thread([&] {
    pinion::ThreadScope other(heap);
    young = NewNode(kWatched);
    young->value = 5;
  }).join();
  host->left = young;
  CHECK(Remembered(heap) == 1);
  heap.Collect(Heap::Kind::kMinor);
  CHECK(g_finalized.load() == 0);
  CHECK(host->left->value == 5);
}

TEST_CASE("an old-to-young store just before another thread's minor collection is kept") {
  // Gated: the mutator stores a young object into an old one (remembered in its own buffer
  // only), drops every other path to it, and waits — polling at safepoints, or inside a
  // native region — while an unattached thread runs a minor collection.
  bool native = false;
  SUBCASE("the storing thread parks at a safepoint") { native = false; }
  SUBCASE("the storing thread waits in a native region") { native = true; }
  Heap heap(Generational());
  g_finalized = 0;
  std::atomic<int> step{0};
  std::atomic<int64_t> seen{-1};
  std::thread mutator([&] {
    pinion::ThreadScope attach(heap);
    pinion::HandleScope scope;
    pinion::Handle<Node> host(NewNode());
    step = 1;  // the collector thread now promotes the host
    while (step.load() != 2) pinion::Safepoint();
    {
      pinion::HandleScope inner;
      Node* young = NewNode(kWatched);
      young->value = 9;
      NewNode();  // not the latest allocation either
      host->left = young;
    }
    step = 3;
    if (native) {
      pinion::NativeRegion region;
      while (step.load() != 4) std::this_thread::yield();
    } else {
      while (step.load() != 4) pinion::Safepoint();
    }
    seen = host->left->value;
  });
  while (step.load() != 1) std::this_thread::yield();
  heap.Collect();
  step = 2;
  while (step.load() != 3) std::this_thread::yield();
  heap.Collect(Heap::Kind::kMinor);
  CHECK(heap.stats().minor_collections == 1);
  CHECK(g_finalized.load() == 0);
  step = 4;
  mutator.join();
  CHECK(seen.load() == 9);
}

TEST_CASE("a slot stored over and over is remembered a bounded number of times") {
  Heap heap(Generational());
  pinion::ThreadScope attach(heap);
  pinion::HandleScope scope;
  OldHost host(heap);
  pinion::Handle<Node> young(NewNode());
  NewNode();  // `host` is not the latest allocation
  for (int i = 0; i < 100000; ++i) host.node->left = young.get();
  // Deduplicated whenever the buffer passes its threshold (16384, doubling from what is left).
  CHECK(Remembered(heap) >= 1);
  CHECK(Remembered(heap) <= 16384);
  heap.Collect(Heap::Kind::kMinor);
  CHECK(Remembered(heap) == 0);
}
