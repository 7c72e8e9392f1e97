// Tests of queued finalization (gc/finalization.h, gc/internal/finalization_queue.h): what
// is queued and when, that queued objects and all they reach stay intact until their
// callback ran, resurrection, the pin subtraction of edges_hold_pins types (cycles whose
// members pin one another are collected; a trace that names an unpinned object is reported
// and frees nothing), finalizers run by the allocation slow path, concurrent cycles, misuse.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "gc/finalization.h"
#include "gc/heap.h"
#include "pinning/pin.h"
#include "roots/root_set.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::FindObject;
using pinion::FinalizeWhenUnreachable;
using pinion::Heap;
using pinion::HeapConfig;
using pinion::Misuse;
using pinion::PinCount;
using pinion::RunFinalizers;
using pinion::ThreadScope;
using pinion::TypeId;
using pinion::test_support::MisuseLog;
using pinion::test_support::NoAutoCollect;
using pinion::test_support::ScopedMisuseLog;

// A node with one edge and a value; `calls` counts its callbacks, `seen` records the value
// of its edge's target as the callback saw it.
struct Node {
  Node* edge;
  long value;
};
std::atomic<int> g_calls{0};
std::atomic<long> g_seen{0};
std::vector<Node*>* g_resurrect = nullptr;  // where the callback puts nodes it resurrects

void TraceNode(void* object, pinion::Visitor& v) { v.Visit(static_cast<Node*>(object)->edge); }
void OnNodeUnreachable(void* object) {
  Node* node = static_cast<Node*>(object);
  g_calls.fetch_add(1);
  if (node->edge != nullptr) g_seen.store(node->edge->value);
  if (g_resurrect != nullptr) g_resurrect->push_back(node);
}
// Its edge is plain (traced, not pinned).
const TypeId kNode = pinion::RegisterType(
    {.name = "Node", .size = sizeof(Node), .trace = &TraceNode,
     .on_unreachable = &OnNodeUnreachable});
// Its edge holds a pin (CPython's discipline): released by the callback.
void OnOwnerUnreachable(void* object) {
  Node* node = static_cast<Node*>(object);
  g_calls.fetch_add(1);
  if (node->edge != nullptr) pinion::Unpin(node->edge);
  node->edge = nullptr;
}
const TypeId kOwner = pinion::RegisterType(
    {.name = "Owner", .size = sizeof(Node), .trace = &TraceNode,
     .on_unreachable = &OnOwnerUnreachable, .edges_hold_pins = true});
const TypeId kPlain =
    pinion::RegisterType({.name = "Plain", .size = sizeof(Node), .trace = &TraceNode});

struct Reset {
  Reset() {
    g_calls = 0;
    g_seen = 0;
    g_resurrect = nullptr;
  }
};

Node* NewNode(TypeId type, Node* edge, long value) {
  Node* node = static_cast<Node*>(pinion::Allocate(type));
  node->edge = edge;
  node->value = value;
  return node;
}

}  // namespace

TEST_CASE("an unreachable registered object is queued, kept with its reach, called once, freed") {
  Reset reset;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  Node* leaf = NewNode(kPlain, nullptr, 42);
  Node* node = NewNode(kNode, leaf, 1);
  FinalizeWhenUnreachable(node);
  CHECK(pinion::PendingFinalization().registered == 1);

  heap.Collect();  // node unreachable: queued, and node and leaf are kept
  CHECK(pinion::PendingFinalization().queued == 1);
  heap.Collect();  // queued objects are roots: still kept
  CHECK(FindObject(node) == node);
  CHECK(FindObject(leaf) == leaf);
  CHECK(g_calls == 0);

  CHECK(RunFinalizers() == 1);
  CHECK(g_calls == 1);
  CHECK(g_seen == 42);  // the callback read its edge's target intact
  CHECK(RunFinalizers() == 0);

  heap.Collect();  // forgotten after its callback: freed with its leaf
  CHECK(FindObject(node) == nullptr);
  CHECK(FindObject(leaf) == nullptr);
  CHECK(g_calls == 1);
}

TEST_CASE("a reachable registered object is not queued") {
  Reset reset;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  pinion::GlobalRoot<Node> root(heap.roots(), NewNode(kNode, nullptr, 1));
  FinalizeWhenUnreachable(root.get());
  Node* pinned = NewNode(kNode, nullptr, 2);
  FinalizeWhenUnreachable(pinned);
  pinion::Pin(pinned);
  for (int i = 0; i < 3; ++i) heap.Collect();
  CHECK(RunFinalizers() == 0);
  CHECK(pinion::PendingFinalization().registered == 2);

  root.set(nullptr);
  pinion::Unpin(pinned);
  heap.Collect();
  CHECK(RunFinalizers() == 2);
}

TEST_CASE("a callback may resurrect its object, which is then not called again") {
  Reset reset;
  std::vector<Node*> resurrected;
  g_resurrect = &resurrected;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  Node* leaf = NewNode(kPlain, nullptr, 7);
  FinalizeWhenUnreachable(NewNode(kNode, leaf, 1));
  heap.Collect();
  CHECK(RunFinalizers() == 1);
  REQUIRE(resurrected.size() == 1);
  pinion::Pin(resurrected[0]);  // the resurrection: reachable again
  for (int i = 0; i < 3; ++i) heap.Collect();
  CHECK(FindObject(resurrected[0]) == resurrected[0]);
  CHECK(resurrected[0]->edge->value == 7);
  CHECK(RunFinalizers() == 0);
  CHECK(g_calls == 1);
  pinion::Unpin(resurrected[0]);
}

TEST_CASE("edges that hold pins: a cycle whose members pin each other is collected") {
  Reset reset;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  // a <-> b, each edge a pin; plus one outside pin on a.
  Node* a = NewNode(kOwner, nullptr, 1);
  Node* b = NewNode(kOwner, a, 2);
  pinion::Pin(a);  // b's edge
  a->edge = b;
  pinion::Pin(b);  // a's edge
  FinalizeWhenUnreachable(a);
  FinalizeWhenUnreachable(b);
  pinion::Pin(a);  // from outside the heap

  heap.Collect();
  CHECK(RunFinalizers() == 0);  // the outside pin keeps both
  CHECK(PinCount(a) == 2);      // the subtraction was given back
  CHECK(PinCount(b) == 1);

  pinion::Unpin(a);
  heap.Collect();
  CHECK(RunFinalizers() == 2);  // only inside pins left: both unreachable
  CHECK(PinCount(a) == 0);      // the callbacks released their edges' pins
  CHECK(PinCount(b) == 0);
  heap.Collect();
  CHECK(FindObject(a) == nullptr);
  CHECK(FindObject(b) == nullptr);
}

TEST_CASE("without edges_hold_pins the same cycle is kept by its pins") {
  Reset reset;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  Node* a = NewNode(kNode, nullptr, 1);
  Node* b = NewNode(kNode, a, 2);
  a->edge = b;
  pinion::Pin(a);
  pinion::Pin(b);
  FinalizeWhenUnreachable(a);
  FinalizeWhenUnreachable(b);
  for (int i = 0; i < 2; ++i) heap.Collect();
  CHECK(RunFinalizers() == 0);
  pinion::Unpin(a);
  pinion::Unpin(b);
  heap.Collect();
  CHECK(RunFinalizers() == 2);
}

TEST_CASE("an object pinned only by a live owner's edge survives, with its count intact") {
  Reset reset;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  Node* child = NewNode(kPlain, nullptr, 5);
  Node* owner = NewNode(kOwner, child, 1);
  pinion::Pin(child);  // owner's edge
  FinalizeWhenUnreachable(owner);
  pinion::Pin(owner);  // from outside
  for (int i = 0; i < 3; ++i) {
    heap.Collect();
    CHECK(FindObject(child) == child);
    CHECK(PinCount(child) == 1);
  }
  pinion::Unpin(owner);
  heap.Collect();
  CHECK(RunFinalizers() == 1);  // the owner released the child's pin
  heap.Collect();
  CHECK(FindObject(child) == nullptr);
}

TEST_CASE("a trace that names an object it holds no pin on is reported, and frees nothing") {
  Reset reset;
  ScopedMisuseLog log;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  Node* child = NewNode(kPlain, nullptr, 9);
  pinion::Pin(child);  // held from outside only
  Node* owner = NewNode(kOwner, child, 1);  // its edge is not a pin: a wrong trace
  FinalizeWhenUnreachable(owner);
  pinion::Pin(owner);
  Node* liar = NewNode(kOwner, child, 2);  // a second one: the count (1) is overdrawn
  FinalizeWhenUnreachable(liar);
  pinion::Pin(liar);
  heap.Collect();
  CHECK(MisuseLog::Count(Misuse::kUnownedReference) == 1);
  CHECK(PinCount(child) == 1);
  pinion::Unpin(owner);
  pinion::Unpin(liar);
  owner->edge = liar->edge = nullptr;  // so their callbacks release nothing they never held
  heap.Collect();
  CHECK(FindObject(child) == child);  // still pinned from outside
  CHECK(child->value == 9);
  RunFinalizers();
  pinion::Unpin(child);
}

TEST_CASE("finalizers run by themselves on the allocation slow path") {
  Reset reset;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  FinalizeWhenUnreachable(NewNode(kNode, nullptr, 1));
  heap.Collect();
  CHECK(g_calls == 0);
  // Allocation leaves the fast path at least once per page.
  for (int i = 0; i < 100000 && g_calls == 0; ++i) NewNode(kPlain, nullptr, i);
  CHECK(g_calls == 1);
}

TEST_CASE("queued finalization in concurrent cycles") {
  Reset reset;
  HeapConfig config = NoAutoCollect();
  config.mode = pinion::CollectorMode::kConcurrent;
  Heap heap(config);
  ThreadScope scope(heap);
  Node* leaf = NewNode(kPlain, nullptr, 3);
  FinalizeWhenUnreachable(NewNode(kNode, leaf, 1));
  Node* kept = NewNode(kNode, nullptr, 2);
  FinalizeWhenUnreachable(kept);
  pinion::Pin(kept);
  heap.Collect();
  CHECK(RunFinalizers() == 1);
  CHECK(g_seen == 3);
  heap.Collect();
  CHECK(FindObject(leaf) == nullptr);
  CHECK(FindObject(kept) == kept);
  pinion::Unpin(kept);
}

namespace {
std::atomic<int> g_owner_traces{0};
void TraceCountedOwner(void* object, pinion::Visitor& v) {
  g_owner_traces.fetch_add(1);
  TraceNode(object, v);
}
const TypeId kCountedOwner = pinion::RegisterType(
    {.name = "CountedOwner", .size = sizeof(Node), .trace = &TraceCountedOwner,
     .on_unreachable = &OnOwnerUnreachable, .edges_hold_pins = true});
}  // namespace

TEST_CASE("edges that hold pins on a concurrent heap: untraced by concurrent cycles, whose "
          "pins keep cycles; Collect(kStopTheWorld) collects them") {
  Reset reset;
  HeapConfig config = NoAutoCollect();
  config.mode = pinion::CollectorMode::kConcurrent;
  Heap heap(config);
  ThreadScope scope(heap);
  // a <-> b, each edge a pin, nothing outside; and an owner pinned from outside, whose edge
  // pins a child that nothing else reaches.
  Node* a = NewNode(kCountedOwner, nullptr, 1);
  Node* b = NewNode(kCountedOwner, a, 2);
  pinion::Pin(a);
  a->edge = b;
  pinion::Pin(b);
  FinalizeWhenUnreachable(a);
  FinalizeWhenUnreachable(b);
  Node* child = NewNode(kPlain, nullptr, 5);
  Node* owner = NewNode(kCountedOwner, child, 3);
  pinion::Pin(child);
  FinalizeWhenUnreachable(owner);
  pinion::Pin(owner);
  g_owner_traces = 0;

  const uint64_t pauses = heap.stats().pauses;
  for (int i = 0; i < 2; ++i) heap.Collect();  // concurrent cycles: two pauses each
  CHECK(heap.stats().pauses == pauses + 4);
  CHECK(g_owner_traces == 0);    // marked, never traced: every edge is a pin, so a root
  CHECK(RunFinalizers() == 0);   // and so the cycle's pins keep it
  CHECK(FindObject(child) == child);
  CHECK(child->value == 5);
  CHECK(PinCount(child) == 1);

  heap.Collect(Heap::Kind::kStopTheWorld);  // one pause, pins held by edges subtracted
  CHECK(heap.stats().pauses == pauses + 5);
  CHECK(g_owner_traces > 0);
  CHECK(RunFinalizers() == 2);  // a and b, which released each other's pins
  CHECK(PinCount(a) == 0);
  CHECK(PinCount(b) == 0);
  heap.Collect();
  CHECK(FindObject(a) == nullptr);
  CHECK(FindObject(b) == nullptr);
  CHECK(FindObject(child) == child);  // still pinned by the live owner's edge
  pinion::Unpin(owner);
  heap.Collect();
  CHECK(RunFinalizers() == 1);  // concurrent cycles do collect what no cycle keeps
  heap.Collect();
  CHECK(FindObject(child) == nullptr);
}

TEST_CASE("misuse: a type without on_unreachable, a non-object, an unattached thread") {
  ScopedMisuseLog log;
  Heap heap(NoAutoCollect());
  {
    ThreadScope scope(heap);
    FinalizeWhenUnreachable(NewNode(kPlain, nullptr, 1));
    CHECK(MisuseLog::Count(Misuse::kBadArgument) == 1);
    long local = 0;
    FinalizeWhenUnreachable(&local);
    CHECK(MisuseLog::Count(Misuse::kNotAHeapObject) == 1);
    CHECK(pinion::PendingFinalization().registered == 0);
  }
  CHECK(RunFinalizers() == 0);
  CHECK(MisuseLog::Count(Misuse::kThreadNotAttached) == 1);
}

// Issue 9, defect 8: a callback that threw left the queue busy (and the thread "running
// finalizers") for good: no later batch ran, and the queued objects stayed roots forever.
namespace {
std::atomic<int> g_throwing_calls{0};
std::atomic<long> g_throw_on{-1};
void OnThrowingUnreachable(void* object) {
  g_throwing_calls.fetch_add(1);
  if (static_cast<Node*>(object)->value == g_throw_on.load()) throw std::runtime_error("boom");
}
const TypeId kThrowing = pinion::RegisterType(
    {.name = "Throwing", .size = sizeof(Node), .trace = &TraceNode,
     .on_unreachable = &OnThrowingUnreachable});
}  // namespace

TEST_CASE("a callback that throws: the exception propagates, the rest of the batch runs later") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  g_throwing_calls = 0;
  std::vector<Node*> nodes;
  for (long i = 0; i < 4; ++i) {
    nodes.push_back(NewNode(kThrowing, nullptr, i));
    FinalizeWhenUnreachable(nodes.back());
  }
  heap.Collect();  // all four unreachable: queued
  CHECK(pinion::PendingFinalization().queued == 4);
  g_throw_on = nodes[0]->value;
  // Whichever order the batch runs in, exactly one call throws.
  bool threw = false;
  size_t ran = 0;
  try {
    ran = RunFinalizers();
  } catch (const std::runtime_error&) {
    threw = true;
  }
  CHECK(threw);
  const int first = g_throwing_calls.load();
  CHECK(first >= 1);
  CHECK(pinion::PendingFinalization().queued == static_cast<size_t>(4 - first));
  // The queue is not wedged: the others run now, each once, and then everything is freed.
  g_throw_on = -1;
  ran = RunFinalizers();
  CHECK(ran == static_cast<size_t>(4 - first));
  CHECK(g_throwing_calls.load() == 4);
  CHECK(pinion::PendingFinalization().queued == 0);
  heap.Collect();
  for (Node* n : nodes) CHECK(FindObject(n) == nullptr);
  // And a later batch runs too (neither the queue nor this thread stayed "busy").
  Node* later = NewNode(kThrowing, nullptr, 9);
  FinalizeWhenUnreachable(later);
  later = nullptr;
  heap.Collect();
  CHECK(RunFinalizers() == 1);
  CHECK(g_throwing_calls.load() == 5);
}

// Issue 9, decided: registering an object twice ran its callback twice, unreported. Now the
// second registration is kBadArgument and ignored; after the callback ran (the object is
// forgotten), registering it again is fine.
TEST_CASE("registering an object twice before its callback ran is kBadArgument; once after is fine") {
  Reset reset;
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  std::vector<Node*> resurrected;
  g_resurrect = &resurrected;
  Node* node = NewNode(kNode, nullptr, 1);
  FinalizeWhenUnreachable(node);
  {
    ScopedMisuseLog log;
    FinalizeWhenUnreachable(node);
    CHECK(MisuseLog::Count(Misuse::kBadArgument) == 1);
  }
  node = nullptr;
  heap.Collect();
  CHECK(RunFinalizers() == 1);
  CHECK(g_calls.load() == 1);
  REQUIRE(resurrected.size() == 1);
  Node* again = resurrected[0];  // not a root: the vector is outside the heap
  g_resurrect = nullptr;
  {
    ScopedMisuseLog log;
    FinalizeWhenUnreachable(again);  // forgotten after its callback: a fresh registration
    CHECK(MisuseLog::Size() == 0);
  }
  again = nullptr;
  heap.Collect();
  CHECK(RunFinalizers() == 1);
  CHECK(g_calls.load() == 2);
}
