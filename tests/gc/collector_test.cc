// Tests of the collector (gc/internal/collector.h) through the heap: when collections run
// (min_heap_bytes, growth_factor), the heap limit and the out-of-memory protocol, memory
// going back to the OS, oversized requests, and collections racing with allocating threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <new>
#include <thread>
#include <vector>

#include "gc/fault_injection.h"
#include "gc/heap.h"
#include "gc/internal/size_classes.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "roots/root_set.h"
#include "roots/thread_registry.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Allocate;
using pinion::Handle;
using pinion::HandleScope;
using pinion::Heap;
using pinion::HeapConfig;
using pinion::ThreadScope;
using pinion::TryAllocate;
using pinion::TypeId;

constexpr size_t kMiB = size_t{1} << 20;

const TypeId kBytes = pinion::RegisterType({"Bytes", 0, nullptr, nullptr});

struct Chunk {
  Chunk* next;
  char data[1016];
};
static_assert(sizeof(Chunk) == 1024);
void TraceChunk(void* object, pinion::Visitor& v) { v.Visit(static_cast<Chunk*>(object)->next); }
const TypeId kChunk = pinion::RegisterType({"Chunk", sizeof(Chunk), &TraceChunk, nullptr});

// A 4 KiB link, for building large live sets from few objects.
struct BigChunk {
  BigChunk* next;
  char data[4088];
};
static_assert(sizeof(BigChunk) == 4096);
void TraceBigChunk(void* object, pinion::Visitor& v) {
  v.Visit(static_cast<BigChunk*>(object)->next);
}
const TypeId kBigChunk =
    pinion::RegisterType({"BigChunk", sizeof(BigChunk), &TraceBigChunk, nullptr});

// Builds a list of `bytes` of BigChunks, rooted in `head`.
void BuildLiveList(Handle<BigChunk>& head, size_t bytes) {
  for (size_t done = 0; done < bytes; done += sizeof(BigChunk)) {
    BigChunk* c = pinion::New<BigChunk>(kBigChunk);
    c->next = head.get();
    head.set(c);
  }
}

struct Node {
  Node* left;
  Node* right;
  long value;
};
void TraceNode(void* object, pinion::Visitor& v) {
  v.Visit(static_cast<Node*>(object)->left);
  v.Visit(static_cast<Node*>(object)->right);
}
const TypeId kNode = pinion::RegisterType({"Node", sizeof(Node), &TraceNode, nullptr});

Node* MakeTree(int depth) {
  HandleScope scope;
  if (depth == 0) return pinion::New<Node>(kNode, Node{nullptr, nullptr, 1});
  Handle<Node> l(MakeTree(depth - 1));
  Handle<Node> r(MakeTree(depth - 1));
  return pinion::New<Node>(kNode, Node{l.get(), r.get(), 1});
}
long Sum(const Node* n) { return n ? n->value + Sum(n->left) + Sum(n->right) : 0; }

void AllocateGarbage(size_t bytes, size_t object_bytes = 1024) {
  for (size_t done = 0; done < bytes; done += object_bytes) Allocate(kBytes, object_bytes);
}

size_t ChainLength(const Chunk* c) {
  size_t n = 0;
  for (; c != nullptr; c = c->next) ++n;
  return n;
}

}  // namespace

// ---- Trigger --------------------------------------------------------------------------------

TEST_CASE("allocating past min_heap_bytes collects automatically, about once per budget") {
  HeapConfig config;
  config.min_heap_bytes = 2 * kMiB;
  Heap heap(config);
  ThreadScope thread(heap);
  CHECK(heap.stats().collections == 0);
  AllocateGarbage(kMiB);
  CHECK(heap.stats().collections == 0);  // below the first budget
  AllocateGarbage(32 * kMiB);
  const uint64_t n = heap.stats().collections;
  // Nothing is live, so the budget stays min_heap_bytes: about 32 / 2 = 16 collections.
  CHECK(n >= 10);
  CHECK(n <= 18);
}

TEST_CASE("growth_factor: the allocation between collections is about live * (factor - 1)") {
  uint64_t collections_at[2] = {};
  const double factors[2] = {2.0, 4.0};
  for (int f = 0; f < 2; ++f) {
    const double factor = factors[f];
    INFO("growth_factor " << factor);
    HeapConfig config;
    config.min_heap_bytes = kMiB;
    config.growth_factor = factor;
    Heap heap(config);
    ThreadScope thread(heap);
    HandleScope scope;
    Handle<BigChunk> live(nullptr);
    BuildLiveList(live, 8 * kMiB);
    heap.Collect();
    const double live_bytes = static_cast<double>(heap.stats().live_bytes);
    CHECK(live_bytes >= 8.0 * kMiB);
    const uint64_t before = heap.stats().collections;
    const size_t garbage = 64 * kMiB;
    AllocateGarbage(garbage, 4096);
    const uint64_t n = heap.stats().collections - before;
    collections_at[f] = n;
    const double expected = garbage / (live_bytes * (factor - 1.0));  // 8 at 2.0, 2.7 at 4.0
    CHECK(static_cast<double>(n) >= expected * 0.5);
    CHECK(static_cast<double>(n) <= expected * 1.5 + 1.0);
    // The heap peaks near live * factor (page granularity and fragmentation aside).
    CHECK(heap.stats().peak_heap_bytes <= live_bytes * factor * 1.25 + 4.0 * kMiB);
    size_t length = 0;
    for (const BigChunk* c = live.get(); c != nullptr; c = c->next) ++length;
    CHECK(length == 8 * kMiB / sizeof(BigChunk));
  }
  CHECK(collections_at[0] > collections_at[1]);
}

TEST_CASE("Collect works from an unattached thread and from one attached to another heap") {
  Heap heap;
  Heap other;
  void* kept_alive = nullptr;
  heap.roots().AddGlobal(&kept_alive);
  std::thread([&] {
    ThreadScope thread(heap);
    kept_alive = Allocate(kBytes, 64);
    AllocateGarbage(kMiB);
  }).join();
  heap.Collect();  // unattached
  CHECK(heap.stats().collections == 1);
  CHECK(heap.stats().live_bytes == 64);
  {
    ThreadScope thread(other);
    heap.Collect();  // attached, but to `other`
  }
  CHECK(heap.stats().collections == 2);
  CHECK(other.stats().collections == 0);
  CHECK(pinion::FindObject(kept_alive) == kept_alive);
  heap.roots().RemoveGlobal(&kept_alive);
}

// ---- Heap limit and out of memory -----------------------------------------------------------

TEST_CASE("heap_limit_bytes: with everything kept alive, TryAllocate fails and Allocate throws") {
  HeapConfig config;
  config.heap_limit_bytes = 8 * kMiB;
  Heap heap(config);
  ThreadScope thread(heap);
  HandleScope scope;
  Handle<Chunk> head(nullptr);
  size_t count = 0;
  for (;;) {
    auto* c = static_cast<Chunk*>(TryAllocate(kChunk, sizeof(Chunk)));
    if (c == nullptr) break;
    c->next = head.get();
    head.set(c);
    REQUIRE(++count < 16 * 1024);  // the limit must stop this loop
  }
  CHECK(count * sizeof(Chunk) > 6 * kMiB);  // it got near the limit...
  CHECK(heap.stats().heap_bytes <= config.heap_limit_bytes);  // ...and never past it
  CHECK(heap.stats().peak_heap_bytes <= config.heap_limit_bytes);
  CHECK_THROWS_AS(Allocate(kChunk, sizeof(Chunk)), std::bad_alloc);
  CHECK_THROWS_AS(pinion::New<Chunk>(kChunk), std::bad_alloc);
  CHECK(TryAllocate(kBytes, 16) == nullptr);  // other size classes need pages too
  CHECK(TryAllocate(kBytes, kMiB) == nullptr);  // large objects
  CHECK_THROWS_AS(Allocate(kBytes, kMiB), std::bad_alloc);
  CHECK(ChainLength(head.get()) == count);  // failures lost nothing
  head.set(nullptr);  // drop everything: the next allocation collects and succeeds
  CHECK(TryAllocate(kChunk, sizeof(Chunk)) != nullptr);
  CHECK(TryAllocate(kBytes, 16) != nullptr);
}

// A collection keeps up to its next budget (at least min_heap_bytes) of free pages committed
// for reuse; they count against heap_limit_bytes, so a large allocation at the limit must
// make them give way rather than fail.
TEST_CASE("at the heap limit, free pages kept for reuse do not make a large allocation fail") {
  HeapConfig config;
  config.heap_limit_bytes = 8 * kMiB;
  Heap heap(config);
  ThreadScope thread(heap);
  AllocateGarbage(7 * kMiB);  // nothing is live
  CHECK(TryAllocate(kBytes, kMiB) != nullptr);
  heap.Collect();
  CHECK(heap.stats().live_bytes == 0);
  CHECK(TryAllocate(kBytes, 2 * kMiB) != nullptr);
}

TEST_CASE("on_out_of_memory: a callback that drops roots and returns true makes allocation succeed") {
  std::vector<void*> cache(16 * 1024, nullptr);  // 16 MiB worth of 1 KiB objects
  int calls = 0;
  size_t asked = 0;
  HeapConfig config;
  config.heap_limit_bytes = 8 * kMiB;
  config.on_out_of_memory = [&](size_t bytes) {
    ++calls;
    asked = bytes;
    std::fill(cache.begin(), cache.end(), nullptr);  // drop the cache
    return true;
  };
  Heap heap(config);
  ThreadScope thread(heap);
  heap.roots().AddGlobalRange(cache.data(), cache.size());
  for (size_t i = 0; i < cache.size(); ++i) {
    cache[i] = Allocate(kBytes, 1024);  // must never throw: the callback makes room
  }
  CHECK(calls >= 1);
  CHECK(asked > 0);
  CHECK(heap.stats().peak_heap_bytes <= config.heap_limit_bytes);
  heap.roots().RemoveGlobal(cache.data());
}

TEST_CASE("on_out_of_memory: large objects too; the callback learns the size asked for") {
  std::vector<void*> cache(8, nullptr);
  int calls = 0;
  size_t asked = 0;
  HeapConfig config;
  config.heap_limit_bytes = 8 * kMiB;
  config.on_out_of_memory = [&](size_t bytes) {
    ++calls;
    asked = bytes;
    std::fill(cache.begin(), cache.end(), nullptr);
    return true;
  };
  Heap heap(config);
  ThreadScope thread(heap);
  heap.roots().AddGlobalRange(cache.data(), cache.size());
  for (size_t i = 0; i < cache.size(); ++i) cache[i] = Allocate(kBytes, 3 * kMiB);
  CHECK(calls >= 1);
  CHECK(asked == 3 * kMiB);
  heap.roots().RemoveGlobal(cache.data());
}

TEST_CASE("on_out_of_memory that returns false, or frees nothing, fails the allocation cleanly") {
  for (bool claim_success : {false, true}) {
    INFO("callback returns " << claim_success);
    int calls = 0;
    HeapConfig config;
    config.heap_limit_bytes = 4 * kMiB;
    config.on_out_of_memory = [&](size_t) {
      ++calls;
      return claim_success;  // frees nothing either way
    };
    Heap heap(config);
    ThreadScope thread(heap);
    HandleScope scope;
    Handle<Chunk> head(nullptr);
    for (int i = 0; i < 8 * 1024; ++i) {
      auto* c = static_cast<Chunk*>(TryAllocate(kChunk, sizeof(Chunk)));
      if (c == nullptr) break;
      c->next = head.get();
      head.set(c);
    }
    CHECK(calls >= 1);
    const int before = calls;
    CHECK(TryAllocate(kBytes, 8 * kMiB) == nullptr);  // larger than the whole limit
    CHECK(calls > before);
    CHECK(calls - before <= 10);  // a callback that frees nothing is not retried forever
    CHECK_THROWS_AS(Allocate(kChunk, sizeof(Chunk)), std::bad_alloc);
  }
}

// ---- Memory return --------------------------------------------------------------------------

TEST_CASE("memory returns: after dropping 64 MiB of live objects and collecting, heap_bytes falls") {
  struct Case {
    size_t min_heap, small_live;
  };
  for (Case c : {Case{8 * kMiB, 56 * kMiB}, Case{kMiB, 24 * kMiB}}) {
    const size_t min_heap = c.min_heap;
    INFO("min_heap_bytes " << min_heap);
    HeapConfig config;
    config.min_heap_bytes = min_heap;
    Heap heap(config);
    ThreadScope thread(heap);
    const uint64_t start = heap.stats().heap_bytes;
    const size_t live = c.small_live + 8 * kMiB;
    {
      HandleScope scope;
      Handle<BigChunk> head(nullptr);
      BuildLiveList(head, c.small_live);  // small objects...
      for (int i = 0; i < 8; ++i) Handle<char> large(static_cast<char*>(Allocate(kBytes, kMiB)));
      heap.Collect();  // ...and 8 MiB of large ones, all live
      CHECK(heap.stats().live_bytes >= live);
      CHECK(heap.stats().heap_bytes >= live);
    }
    heap.Collect();
    CHECK(heap.stats().live_bytes == 0);
    // What stays committed: the next cycle's budget of free pages, plus segment metadata.
    CHECK(heap.stats().heap_bytes <= start + min_heap + 2 * kMiB);
    CHECK(heap.stats().peak_heap_bytes >= live);
  }
}

TEST_CASE("memory returns after automatic collections too, once free pages have gone stale") {
  HeapConfig config;
  config.min_heap_bytes = kMiB;
  config.growth_factor = 1.1;  // budgets stay small while the live set is large
  Heap heap(config);
  ThreadScope thread(heap);
  {
    HandleScope scope;
    Handle<BigChunk> head(nullptr);
    BuildLiveList(head, 24 * kMiB);
    CHECK(heap.stats().heap_bytes >= 24 * kMiB);
  }
  const uint64_t before = heap.stats().collections;
  AllocateGarbage(12 * kMiB);  // many automatic cycles, no explicit one
  CHECK(heap.stats().collections - before >= 4);
  CHECK(heap.stats().heap_bytes <= 6 * kMiB);
}

TEST_CASE("oversized allocations fail cleanly: nullptr from TryAllocate, bad_alloc from Allocate") {
  Heap heap;
  ThreadScope thread(heap);
  const size_t huge[] = {size_t{1} << 50, std::numeric_limits<size_t>::max(),
                         std::numeric_limits<size_t>::max() - 63, (size_t{1} << 46) + 1};
  for (size_t n : huge) {
    INFO("payload " << n);
    CHECK(TryAllocate(kBytes, n) == nullptr);
    CHECK_THROWS_AS(Allocate(kBytes, n), std::bad_alloc);
    CHECK(TryAllocate(kChunk, n) == nullptr);
  }
  CHECK(heap.stats().heap_bytes == 0);  // nothing was mapped
  CHECK(Allocate(kBytes, 64) != nullptr);  // and the heap works normally afterwards
}

// ---- Threads --------------------------------------------------------------------------------

TEST_CASE("several allocating threads trigger collections; each one's rooted data survives") {
  HeapConfig config;
  config.min_heap_bytes = kMiB;
  Heap heap(config);
  constexpr int kThreads = 4;
  std::atomic<int> intact{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      ThreadScope thread(heap);
      HandleScope scope;
      Handle<Node> tree(MakeTree(10));
      for (int round = 0; round < 8; ++round) {
        AllocateGarbage(kMiB / 2, 48);
        MakeTree(6);
      }
      if (Sum(tree.get()) == (1 << 11) - 1) intact.fetch_add(1);
    });
  }
  std::thread collector([&] {  // explicit collections from an unattached thread as well
    for (int i = 0; i < 5; ++i) heap.Collect();
  });
  for (std::thread& t : threads) t.join();
  collector.join();
  CHECK(intact.load() == kThreads);
  CHECK(heap.stats().collections >= 8);
}

// ---- Misuse that must not corrupt (issue 9) -------------------------------------------------

namespace {

// A 64-byte object whose finalizer tries to re-enter the collector: it allocates and calls
// Collect(), and notes which kind of thread ran it.
struct Reentrant {
  long id;
  char pad[56];
};
Heap* g_reentrant_heap = nullptr;
std::atomic<int> g_reentrant_on_mutator{0}, g_reentrant_on_collector{0};
std::atomic<int> g_reentrant_allocated{0}, g_reentrant_went_native{0};
void ReentrantFinalize(void*) {
  if (pinion::ThreadRecord::CurrentRunning() != nullptr) {
    g_reentrant_on_mutator.fetch_add(1);
  } else {
    g_reentrant_on_collector.fetch_add(1);
  }
  if (TryAllocate(kBytes, 64) != nullptr) g_reentrant_allocated.fetch_add(1);
  g_reentrant_heap->Collect();
  pinion::ThreadRecord* running = pinion::ThreadRecord::CurrentRunning();
  {
    pinion::NativeRegion region;  // does nothing here: the thread owns a half-swept page
    if (pinion::ThreadRecord::CurrentRunning() != running) g_reentrant_went_native.fetch_add(1);
  }
}
const TypeId kReentrant =
    pinion::RegisterType({"Reentrant", sizeof(Reentrant), nullptr, &ReentrantFinalize});

// Holds the collecting thread after its pause, before it sweeps, until released.
std::atomic<bool> g_sweep_held{false}, g_sweep_release{false};
void HoldBeforeSweep(pinion::fault::Point point) {
  if (point != pinion::fault::Point::kBeforeSweep) return;
  g_sweep_held = true;
  while (!g_sweep_release.load()) std::this_thread::yield();
}

}  // namespace

// Issue 9, defect 2. A sweep-time finalizer that called Collect() started a nested cycle on
// a mutator sweeping a page (that page was swept twice: live objects freed, finalizers run
// twice), and deadlocked on the collecting thread; allocation there went unreported.
TEST_CASE("a finalizer calling Collect() or allocating is kBadNesting, on a mutator and on the collector") {
  if (!pinion::fault::Available()) {
    MESSAGE("skipped: needs the fault-injection hooks (a build without NDEBUG)");
    return;
  }
  pinion::test_support::Deadline deadline("finalizer re-entering the collector", 120);
  Heap heap(pinion::test_support::NoAutoCollect());
  g_reentrant_heap = &heap;
  g_reentrant_on_mutator = g_reentrant_on_collector = g_reentrant_allocated = 0;
  g_reentrant_went_native = 0;
  ThreadScope thread(heap);
  HandleScope scope;
  Handle<Chunk> kept(pinion::New<Chunk>(kChunk));
  kept->next = pinion::New<Chunk>(kChunk);
  kept->next->data[0] = 42;
  constexpr int kGarbage = 16000;  // about 16 pages of 64-byte cells: more than one Refill sweeps
  for (int i = 0; i < kGarbage; ++i) static_cast<Reentrant*>(Allocate(kReentrant))->id = i;
  pinion::test_support::ScopedMisuseLog log;
  g_sweep_held = g_sweep_release = false;
  pinion::fault::SetHook(&HoldBeforeSweep);
  std::thread collector([&] { heap.Collect(); });
  while (!g_sweep_held.load()) pinion::Safepoint();  // parks for the pause
  // The pages are unswept now: allocating 64-byte cells sweeps some here, on this mutator.
  for (int i = 0; i < 100; ++i) Allocate(kBytes, 64);
  g_sweep_release = true;
  collector.join();
  pinion::fault::SetHook(nullptr);
  CHECK(g_reentrant_on_mutator.load() > 0);
  CHECK(g_reentrant_on_collector.load() > 0);
  CHECK(g_reentrant_on_mutator.load() + g_reentrant_on_collector.load() == kGarbage);
  CHECK(g_reentrant_allocated.load() == 0);
  CHECK(g_reentrant_went_native.load() == 0);
  CHECK(pinion::test_support::MisuseLog::Count(pinion::Misuse::kBadNesting) == 2 * kGarbage);
  CHECK(pinion::test_support::MisuseLog::Size() == 2 * kGarbage);
  CHECK(heap.stats().collections == 1);
  CHECK(kept->next->data[0] == 42);
  heap.Collect();
  CHECK(pinion::FindObject(kept->next) == kept->next);
}

// Issue 9, defect 3. A trace edge into another heap: that heap's object was marked by this
// heap's marker, so the other heap's next cycle skipped tracing it and freed what only it
// reached.
TEST_CASE("a trace edge into another heap is kNotAHeapObject and never marks there") {
  Heap a(pinion::test_support::NoAutoCollect()), b(pinion::test_support::NoAutoCollect());
  Chunk* a_root = nullptr;
  Chunk* b_root = nullptr;
  a.roots().AddGlobal(reinterpret_cast<void* const*>(&a_root));
  b.roots().AddGlobal(reinterpret_cast<void* const*>(&b_root));
  Chunk* a_child = nullptr;
  std::thread([&] {
    ThreadScope thread(a);
    a_child = pinion::New<Chunk>(kChunk);
    a_child->data[0] = 42;
    a_root = pinion::New<Chunk>(kChunk);
    a_root->next = a_child;
  }).join();
  std::thread([&] {
    ThreadScope thread(b);
    b_root = pinion::New<Chunk>(kChunk);
    b_root->next = a_root;  // an edge into heap a
  }).join();
  {
    pinion::test_support::ScopedMisuseLog log;
    b.Collect();
    CHECK(pinion::test_support::MisuseLog::Count(pinion::Misuse::kNotAHeapObject) == 1);
  }
  a.Collect();
  CHECK(pinion::FindObject(a_child) == a_child);
  CHECK(a_child->data[0] == 42);
  CHECK(a.stats().live_bytes == 2 * sizeof(Chunk));
  b_root->next = nullptr;
  a.roots().RemoveGlobal(reinterpret_cast<void* const*>(&a_root));
  b.roots().RemoveGlobal(reinterpret_cast<void* const*>(&b_root));
}

// Issue 9, defect 6. A thread attached to one heap that collected another stayed running in
// its own: two threads collecting each other's heap each waited in a stop for the other.
// Made deterministic: b's thread starts collecting a while a's thread is running and not
// polling (so a's stop waits for it), then a's thread collects b.
TEST_CASE("threads attached to two heaps collect each other's heap without deadlock") {
  pinion::test_support::Deadline deadline("cross-heap Collect()", 60);
  Heap a, b;
  std::atomic<bool> a_attached{false}, a_done{false};
  std::thread ta([&] {
    ThreadScope thread(a);
    a_attached = true;
    // Running, not polling, until b's thread waits in a's stop for this thread.
    while (!a.roots().threads().stop_requested()) std::this_thread::yield();
    b.Collect();  // b's stop must not wait for b's thread, which waits for this one
    a_done = true;
    pinion::Safepoint();  // now a's stop can have this thread
  });
  std::thread tb([&] {
    ThreadScope thread(b);
    while (!a_attached.load()) std::this_thread::yield();
    a.Collect();
  });
  ta.join();
  tb.join();
  CHECK(a_done.load());
  CHECK(a.stats().collections == 1);
  CHECK(b.stats().collections == 1);
}

// Issue 9, decided: in concurrent mode, objects allocated while a cycle marks survive it
// (allocate-black), so a collection at the heap limit could leave the garbage other threads
// made meanwhile, and TryAllocate failed with most of the heap garbage (reported as 1-9
// failures per 400k allocations; not reproduced on this machine, so this is a guard, not a
// proof). Heap-limit collections now stop the world, and repeat while they leave room.
TEST_CASE("concurrent mode at the heap limit: garbage-only allocation never fails") {
  HeapConfig config;
  config.mode = pinion::CollectorMode::kConcurrent;
  config.heap_limit_bytes = 16 * kMiB;
  config.from_environment = false;
  Heap heap(config);
  std::atomic<int> failures{0};
  auto churn = [&](bool keep) {
    ThreadScope thread(heap);
    HandleScope scope;
    Handle<BigChunk> live(nullptr);
    if (keep) BuildLiveList(live, 5 * kMiB);
    uint64_t state = keep ? 1 : 2;
    for (int i = 0; i < 200000; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      if (TryAllocate(kBytes, 64 + (state >> 33) % 448) == nullptr) failures.fetch_add(1);
    }
  };
  std::thread t1([&] { churn(true); });
  std::thread t2([&] { churn(false); });
  t1.join();
  t2.join();
  CHECK(failures.load() == 0);
  CHECK(heap.stats().peak_heap_bytes <= 16 * kMiB);
}

// Issue 9, decided: Collect() from a trace callback waited for the cycle it was part of
// (the collecting thread) or for the world to start again (a marker thread), forever.
namespace {
Heap* g_tracing_heap = nullptr;
std::atomic<int> g_collect_from_trace{0};
void TraceAndCollect(void* object, pinion::Visitor& v) {
  g_collect_from_trace.fetch_add(1);
  g_tracing_heap->Collect();
  v.Visit(static_cast<Chunk*>(object)->next);
}
const TypeId kCollectingChunk =
    pinion::RegisterType({"CollectingChunk", sizeof(Chunk), &TraceAndCollect, nullptr});
}  // namespace

TEST_CASE("Collect() from a trace callback is kBadNesting and ignored, in both modes") {
  pinion::test_support::Deadline deadline("Collect() from a trace callback", 120);
  for (auto mode : {pinion::CollectorMode::kStopTheWorld, pinion::CollectorMode::kConcurrent}) {
    HeapConfig config = pinion::test_support::NoAutoCollect();
    config.mode = mode;
    config.marker_threads = 2;  // the callback runs on the collecting thread or a helper
    config.from_environment = false;
    Heap heap(config);
    g_tracing_heap = &heap;
    g_collect_from_trace = 0;
    ThreadScope thread(heap);
    HandleScope scope;
    Handle<Chunk> head(nullptr);
    for (int i = 0; i < 64; ++i) {
      auto* c = static_cast<Chunk*>(Allocate(kCollectingChunk));
      c->next = head.get();
      head.set(c);
    }
    pinion::test_support::ScopedMisuseLog log;
    heap.Collect();
    CHECK(g_collect_from_trace.load() == 64);
    CHECK(pinion::test_support::MisuseLog::Count(pinion::Misuse::kBadNesting) == 64);
    CHECK(heap.stats().collections == 1);
    int length = 0;
    for (Chunk* c = head.get(); c != nullptr; c = c->next) ++length;
    CHECK(length == 64);
  }
}
