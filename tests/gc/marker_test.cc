// Tests of parallel marking (gc/internal/marker.h), white-box: a Marker marks a graph from a
// standalone RootSet, and the mark bits are compared with an independent traversal.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gc/fault_injection.h"
#include "gc/heap.h"
#include "gc/internal/heap_impl.h"
#include "gc/internal/marker.h"
#include "roots/handles.h"
#include "roots/root_set.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Allocate;
using pinion::Heap;
using pinion::HeapConfig;
using pinion::RootSet;
using pinion::ThreadScope;
using pinion::TypeId;
using pinion::TypeOf;
using pinion::internal::LargeObject;
using pinion::internal::Marker;
using pinion::internal::SegmentKind;
namespace internal = pinion::internal;

// A node with three edges (any heap object).
struct GNode {
  void* edges[3];
  long id;
};
void TraceGNode(void* object, pinion::Visitor& v) {
  for (void* e : static_cast<GNode*>(object)->edges) v.Visit(e);
}
const TypeId kGNode = pinion::RegisterType({"GNode", sizeof(GNode), &TraceGNode, nullptr});

// Pointer-free: its `hidden` field must be neither followed nor read.
struct Leaf {
  void* hidden;
};
const TypeId kLeaf = pinion::RegisterType({"Leaf", sizeof(Leaf), nullptr, nullptr});

// A large object (32 KiB) full of edges.
struct Big {
  void* slots[4096];
};
void TraceBig(void* object, pinion::Visitor& v) {
  v.VisitRange(static_cast<Big*>(object)->slots, 4096);
}
const TypeId kBig = pinion::RegisterType({"Big", sizeof(Big), &TraceBig, nullptr});

LargeObject* AsLarge(const void* object) {
  internal::SegmentBase* base = internal::SegmentOf(object);
  return base->kind == SegmentKind::kLarge ? static_cast<LargeObject*>(base) : nullptr;
}
internal::Page& PageOf(const void* object) {
  return static_cast<internal::Segment*>(internal::SegmentOf(object))->PageOf(object);
}
bool IsMarked(const void* object) {
  if (LargeObject* large = AsLarge(object)) return large->mark.load() != 0;
  internal::Page& page = PageOf(object);
  return (page.TypeEntry(page.CellIndex(object)).load() & internal::kMarkBit) != 0;
}
void ClearMark(const void* object) {
  if (LargeObject* large = AsLarge(object)) {
    large->mark.store(0);
    return;
  }
  internal::Page& page = PageOf(object);
  const auto entry = page.TypeEntry(page.CellIndex(object));
  entry.store(entry.load() & ~internal::kMarkBit);
}
uint64_t MarkedSize(const void* object) {
  if (LargeObject* large = AsLarge(object)) return large->mapped_bytes;
  return PageOf(object).cell_size;
}

// The objects reachable from `roots`, by an explicit-stack traversal independent of Marker.
std::unordered_set<const void*> Reachable(const std::vector<void*>& roots) {
  std::unordered_set<const void*> seen;
  std::vector<const void*> stack;
  auto push = [&](const void* p) {
    if (p != nullptr && seen.insert(p).second) stack.push_back(p);
  };
  for (void* r : roots) push(r);
  while (!stack.empty()) {
    const void* p = stack.back();
    stack.pop_back();
    const TypeId type = TypeOf(p);
    if (type == kGNode) {
      for (void* e : static_cast<const GNode*>(p)->edges) push(e);
    } else if (type == kBig) {
      for (void* e : static_cast<const Big*>(p)->slots) push(e);
    }  // kLeaf: pointer-free
  }
  return seen;
}

// A random graph of GNodes with pointer-free leaves and large objects, built in `heap` by the
// calling (attached) thread; nothing collects meanwhile.
struct Graph {
  std::vector<void*> objects;  // every object, reachable or not
  std::vector<void*> roots;
};

Graph BuildGraph(int nodes, unsigned seed) {
  std::mt19937 rng(seed);
  Graph g;
  std::vector<GNode*> n;
  for (int i = 0; i < nodes; ++i) {
    auto* node = static_cast<GNode*>(Allocate(kGNode));
    node->id = i;
    n.push_back(node);
    g.objects.push_back(node);
  }
  std::uniform_int_distribution<int> pick(0, nodes - 1);
  std::bernoulli_distribution edge(0.4);
  for (GNode* node : n) {
    for (void*& e : node->edges) e = edge(rng) ? n[pick(rng)] : nullptr;
    if (node->id % 10 == 0) {  // a leaf hiding a pointer the marker must not follow
      auto* leaf = static_cast<Leaf*>(Allocate(kLeaf));
      leaf->hidden = n[pick(rng)];
      node->edges[2] = leaf;
      g.objects.push_back(leaf);
    }
  }
  for (int b = 0; b < 3; ++b) {
    auto* big = static_cast<Big*>(Allocate(kBig));
    for (int i = 0; i < 200; ++i) big->slots[i * 20] = n[pick(rng)];
    g.objects.push_back(big);
  }
  n[1]->edges[0] = g.objects[g.objects.size() - 3];  // big 0: reachable through a node
  g.roots = {n[0], g.objects[g.objects.size() - 2]};  // big 1 is a root; big 2 is garbage
  return g;
}

HeapConfig NoAutoCollect() {
  HeapConfig config;
  config.min_heap_bytes = size_t{1} << 40;
  config.marker_threads = 1;
  return config;
}

}  // namespace

TEST_CASE("Marker with 1 and 4 workers marks exactly the reachable objects of a random graph") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  const Graph g = BuildGraph(30000, 12345);
  const std::unordered_set<const void*> reachable = Reachable(g.roots);
  uint64_t expected_bytes = 0;
  for (const void* p : reachable) expected_bytes += MarkedSize(p);
  REQUIRE(reachable.size() > 1000);                 // the graph is non-trivial...
  REQUIRE(reachable.size() + 1000 < g.objects.size());  // ...with plenty of garbage
  RootSet roots;
  std::vector<void*> root_slots = g.roots;
  roots.AddGlobalRange(root_slots.data(), root_slots.size());
  for (int workers : {1, 4}) {
    Marker marker(workers, heap.impl().space);
    CHECK(marker.workers() == workers);
    for (int run = 0; run < 3; ++run) {  // persistent helpers: mark several times
      INFO("workers " << workers << " run " << run);
      const uint64_t live = marker.Mark(roots);
      int wrong = 0;
      for (const void* p : g.objects) wrong += IsMarked(p) != (reachable.count(p) != 0);
      CHECK(wrong == 0);
      if (workers == 1) {
        CHECK(live == expected_bytes);
      } else {
        // Racing markers may both count an object they both saw unmarked (cell.h): rare.
        CHECK(live >= expected_bytes);
        CHECK(live <= expected_bytes + expected_bytes / 100);
      }
      for (const void* p : g.objects) ClearMark(p);
    }
  }
  roots.RemoveGlobal(root_slots.data());
}

// A GNode whose trace notes the thread it runs on.
std::mutex g_tracers_mu;
std::unordered_set<std::thread::id>* g_tracers = nullptr;
void TraceNoting(void* object, pinion::Visitor& v) {
  {
    std::lock_guard<std::mutex> lock(g_tracers_mu);
    if (g_tracers != nullptr) g_tracers->insert(std::this_thread::get_id());
  }
  TraceGNode(object, v);
}
const TypeId kNotingNode =
    pinion::RegisterType({"NotingNode", sizeof(GNode), &TraceNoting, nullptr});

TEST_CASE("Marker::Trace(threads) marks on that many workers: Trace(1) only on the caller") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  constexpr int kNodes = 50000;
  std::vector<GNode*> n;
  for (int i = 0; i < kNodes; ++i) n.push_back(static_cast<GNode*>(Allocate(kNotingNode)));
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(0, kNodes - 1);
  for (int i = 0; i < kNodes; ++i) {  // a chain through all, and two random edges each
    n[i]->edges[0] = i + 1 < kNodes ? n[i + 1] : nullptr;
    n[i]->edges[1] = n[pick(rng)];
    n[i]->edges[2] = n[pick(rng)];
  }
  std::unordered_set<std::thread::id> tracers;
  g_tracers = &tracers;
  Marker marker(4, heap.impl().space);
  for (int threads : {1, 0, 1}) {  // 0: all four; then back to one
    INFO("threads " << threads);
    tracers.clear();
    marker.Begin();
    for (int i = 0; i < kNodes; i += 1000) marker.AddGrey(n[i]);
    marker.Trace(threads);
    int unmarked = 0;
    for (GNode* node : n) unmarked += !IsMarked(node);
    CHECK(unmarked == 0);
    if (threads == 1) {
      CHECK(tracers == std::unordered_set<std::thread::id>{std::this_thread::get_id()});
    } else {
      CHECK(tracers.size() >= 1);
    }
    for (GNode* node : n) ClearMark(node);
  }
  g_tracers = nullptr;
}

TEST_CASE("Marker follows a 200000-long chain without recursion, with 1 and 4 workers") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  constexpr int kLength = 200000;
  std::vector<void*> chain;
  GNode* prev = nullptr;
  for (int i = 0; i < kLength; ++i) {
    auto* node = static_cast<GNode*>(Allocate(kGNode));
    node->edges[0] = prev;
    node->id = i;
    prev = node;
    chain.push_back(node);
  }
  RootSet roots;
  void* head = prev;
  roots.AddGlobal(&head);
  for (int workers : {1, 4}) {
    Marker marker(workers, heap.impl().space);
    const uint64_t live = marker.Mark(roots);
    int unmarked = 0;
    for (const void* p : chain) unmarked += !IsMarked(p);
    CHECK(unmarked == 0);
    CHECK(live >= uint64_t{kLength} * PageOf(head).cell_size);
    for (const void* p : chain) ClearMark(p);
  }
  roots.RemoveGlobal(&head);
}

TEST_CASE("Marker: roots come from globals, thread handles and root sources; null slots skipped") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  void* from_global = Allocate(kLeaf);
  void* from_handle = Allocate(kLeaf);
  void* from_source = Allocate(kLeaf);
  void* unrooted = Allocate(kLeaf);
  struct Source final : pinion::RootSource {
    void* object;
    void VisitRoots(pinion::RootVisitor& v) override { v.VisitRoot(object); }
  } source;
  source.object = from_source;
  RootSet roots;
  void* slots[3] = {nullptr, from_global, nullptr};
  roots.AddGlobalRange(slots, 3);
  roots.AddSource(&source);
  pinion::ThreadRecord record(roots);  // a thread registered with this root set
  record.handles.Push(from_handle);
  record.handles.Push(nullptr);
  // Registering needs the calling thread unattached: detach from `heap` meanwhile is not
  // possible, so register the record from another thread.
  std::thread([&] { roots.threads().Attach(&record); }).join();
  Marker marker(2, heap.impl().space);
  const uint64_t live = marker.Mark(roots);
  CHECK(IsMarked(from_global));
  CHECK(IsMarked(from_handle));
  CHECK(IsMarked(from_source));
  CHECK_FALSE(IsMarked(unrooted));
  CHECK(live == 3 * PageOf(from_global).cell_size);
  for (void* p : {from_global, from_handle, from_source}) ClearMark(p);
  std::thread([&] {
    pinion::ThreadRecord::SetCurrent(&record);  // Detach requires the caller's own record
    roots.threads().Detach(&record);
  }).join();
  roots.RemoveSource(&source);
  roots.RemoveGlobal(slots);
}

#ifndef NDEBUG
TEST_CASE("debug builds: a trace callback visiting a non-object is kNotAHeapObject, and skipped") {
  struct Bad {
    void* target;
  };
  static const TypeId kBad = pinion::RegisterType(
      {"Bad", sizeof(Bad), [](void* o, pinion::Visitor& v) { v.Visit(static_cast<Bad*>(o)->target); },
       nullptr});
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  auto* victim = static_cast<char*>(Allocate(kLeaf));
  auto* bad = static_cast<Bad*>(Allocate(kBad));
  bad->target = victim + 8;  // interior
  int on_stack = 0;
  auto* bad2 = static_cast<Bad*>(Allocate(kBad));
  bad2->target = &on_stack;  // not in the heap at all
  RootSet roots;
  void* slots[2] = {bad, bad2};
  roots.AddGlobalRange(slots, 2);
  pinion::test_support::ScopedMisuseLog log;
  Marker marker(1, heap.impl().space);
  marker.Mark(roots);
  CHECK(pinion::test_support::MisuseLog::Size() == 0);  // kept, reported after the pause
  marker.ReportRefused();
  CHECK(pinion::test_support::MisuseLog::Count(pinion::Misuse::kNotAHeapObject) == 2);
  CHECK(IsMarked(bad));
  CHECK(IsMarked(bad2));
  CHECK_FALSE(IsMarked(victim));
  for (void* p : {static_cast<void*>(bad), static_cast<void*>(bad2)}) ClearMark(p);
  roots.RemoveGlobal(slots);
}
#endif

namespace {

// For the assist test: a fan of 40 edges, traced in order; a Kick, whose trace asks the
// marker for an assist (none can be had: it only raises the markers' idle hint, so the
// marker shares half its stack after this object); a Hold, whose trace blocks until
// released.
struct Fan {
  void* edges[40];
};
void TraceFan(void* object, pinion::Visitor& v) {
  for (void* e : static_cast<Fan*>(object)->edges) v.Visit(e);
}
const TypeId kFan = pinion::RegisterType({"Fan", sizeof(Fan), &TraceFan, nullptr});

Marker* g_kick_marker = nullptr;
struct Special {
  void* unused;
};
const TypeId kKick = pinion::RegisterType({"Kick", sizeof(Special),
                                           [](void*, pinion::Visitor&) {
                                             g_kick_marker->Assist(1, [] { return false; });
                                           },
                                           nullptr});
struct HoldControl {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, released = false;
} g_hold;
const TypeId kHold = pinion::RegisterType({"Hold", sizeof(Special),
                                           [](void*, pinion::Visitor&) {
                                             std::unique_lock<std::mutex> lock(g_hold.mu);
                                             g_hold.entered = true;
                                             g_hold.cv.notify_all();
                                             g_hold.cv.wait(lock, [] { return g_hold.released; });
                                           },
                                           nullptr});

}  // namespace

TEST_CASE("Marker: while an assist holds work taken from the pool, HasSharedWork says so") {
  // The concurrent phase ends only when no work is shared; an assist that took the last
  // chunk must count, or the remark pause would trace what the assist leaves.
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  auto* fan = static_cast<Fan*>(Allocate(kFan));
  std::vector<void*> nodes;
  for (int i = 0; i < 38; ++i) nodes.push_back(fan->edges[i] = Allocate(kGNode));
  fan->edges[38] = Allocate(kHold);
  fan->edges[39] = Allocate(kKick);  // on top of the stack: traced first
  Marker marker(1, heap.impl().space);
  g_kick_marker = &marker;
  marker.Begin();
  marker.AddGrey(fan);
  // Trace: Kick raises the hint, the marker shares the oldest half of its stack (12 nodes:
  // 40 pushed, 16 in the prefetch FIFO) as one chunk, then blocks in Hold.
  std::thread tracer([&] { marker.Trace(1); });
  {
    std::unique_lock<std::mutex> lock(g_hold.mu);
    g_hold.cv.wait(lock, [] { return g_hold.entered; });
  }
  REQUIRE(marker.HasSharedWork());
  bool shared_while_assisting = false;
  CHECK(marker.Assist(uint64_t{1} << 20, [&] {
    shared_while_assisting = marker.HasSharedWork();  // the pool is empty now
    return true;  // stop at once: the assist gives the chunk back
  }));
  CHECK(shared_while_assisting);
  CHECK(marker.HasSharedWork());  // given back
  {
    std::lock_guard<std::mutex> lock(g_hold.mu);
    g_hold.released = true;
  }
  g_hold.cv.notify_all();
  tracer.join();
  CHECK_FALSE(marker.HasSharedWork());
  int unmarked = 0;
  for (void* node : nodes) unmarked += !IsMarked(node);
  CHECK(unmarked == 0);
  g_kick_marker = nullptr;
}

// Holds marker helpers at kHelperWake (woken for a job, not yet taking it) while `held`.
struct HelperGate {
  std::mutex mu;
  std::condition_variable cv;
  bool held = false;
} g_helper_gate;

void HoldHelpers(pinion::fault::Point point) {
  if (point != pinion::fault::Point::kHelperWake) return;
  std::unique_lock<std::mutex> lock(g_helper_gate.mu);
  g_helper_gate.cv.wait(lock, [] { return !g_helper_gate.held; });
}

TEST_CASE("Marker: a trace does not wait for a helper that has not woken up yet") {
  // In a VM a woken helper's vCPU may take milliseconds to run; a stop-the-world trace with
  // little to do (the remark pause) must end without it, and the helper must not start late.
  if (!pinion::fault::Available()) return;  // fault points are compiled out (-c opt)
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  const Graph g = BuildGraph(2000, 5);
  Marker marker(2, heap.impl().space);
  {
    std::lock_guard<std::mutex> lock(g_helper_gate.mu);
    g_helper_gate.held = true;
  }
  pinion::fault::SetHook(&HoldHelpers);
  marker.Begin();
  for (void* root : g.roots) marker.AddGrey(root);
  std::future<void> trace = std::async(std::launch::async, [&] { marker.Trace(); });
  const bool finished = trace.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  {
    // The helper is held at the gate, or (the trace having ended first) never left its wait.
    std::lock_guard<std::mutex> lock(g_helper_gate.mu);
    g_helper_gate.held = false;
  }
  g_helper_gate.cv.notify_all();
  trace.wait();
  CHECK(finished);  // without the helper
  const std::unordered_set<const void*> reachable = Reachable(g.roots);
  int wrong = 0;
  for (void* object : g.objects) wrong += IsMarked(object) != (reachable.count(object) != 0);
  CHECK(wrong == 0);
  // The late helper took no part and is ready for the next job, which needs every worker.
  std::mutex mu;
  std::unordered_set<int> ran;
  marker.OnEachThread([&](int index, int) {
    std::lock_guard<std::mutex> lock(mu);
    ran.insert(index);
  });
  CHECK(ran == std::unordered_set<int>{0, 1});
  pinion::fault::SetHook(nullptr);
}
