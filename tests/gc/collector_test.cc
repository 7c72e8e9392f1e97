// The collection cycle (gc/internal/collector.h): what survives, what is reclaimed, when
// collections run, the heap limit and out-of-memory path, memory return, stats and tracing.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/size_classes.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/root_set.h"
#include "tests/test_util.h"

namespace pinion {
namespace {

using testing::g_finalized;
using testing::kCountedNode;
using testing::kNode;
using testing::NewNode;
using testing::Node;

const TypeId kBytes = RegisterType({"Bytes", 0});
// The cell a Node occupies (objects have no header: the cell is the size class of the node).
constexpr uint64_t kNodeCell = internal::CellSizeOfClass(internal::SizeClassOf(sizeof(Node)));

// A chain of `n` nodes with values 0..n-1; the head is returned, unrooted.
Node* Chain(int n, TypeId type = kNode) {
  HandleScope scope;
  Handle<Node> head(nullptr);
  for (int i = n - 1; i >= 0; --i) head.set(NewNode(type, head.get(), nullptr, i));
  return head.get();
}

bool ChainIntact(const Node* head, int n) {
  for (int i = 0; i < n; ++i, head = head->left) {
    if (head == nullptr || head->value != i || FindObject(head) != head) return false;
  }
  return head == nullptr;
}

TEST_CASE("objects reachable from handles, globals and pins survive, intact") {
  Heap heap;
  ThreadScope thread(heap);
  HandleScope scope;
  Handle<Node> via_handle(Chain(1000));
  GlobalRoot<Node> via_global(heap.roots(), Chain(1000));
  Node* ranged[2] = {Chain(500), Chain(500)};
  heap.roots().AddGlobalRange(reinterpret_cast<void* const*>(ranged), 2);
  Node* via_pin = Chain(1000);
  Pin(via_pin);
  for (int i = 0; i < 3; ++i) {
    Chain(5000);  // garbage in between
    heap.Collect();
  }
  CHECK(ChainIntact(via_handle.get(), 1000));
  CHECK(ChainIntact(via_global.get(), 1000));
  CHECK(ChainIntact(ranged[0], 500));
  CHECK(ChainIntact(ranged[1], 500));
  CHECK(ChainIntact(via_pin, 1000));
  // Live bytes: exactly the 4000 rooted nodes, one cell each.
  CHECK(heap.stats().live_bytes == 4000 * kNodeCell);
  heap.roots().RemoveGlobal(reinterpret_cast<void* const*>(ranged));
  Unpin(via_pin);
}

TEST_CASE("unreachable objects and cycles are reclaimed, finalized exactly once") {
  Heap heap;
  ThreadScope thread(heap);
  g_finalized = 0;
  HandleScope scope;
  Handle<Node> live(Chain(100, kCountedNode));
  Chain(300, kCountedNode);  // garbage
  {
    HandleScope inner;  // a three-object cycle, then unrooted
    Handle<Node> a(NewNode(kCountedNode));
    Node* b = NewNode(kCountedNode, a.get());
    Node* c = NewNode(kCountedNode, b);
    a->left = c;
  }
  heap.Collect();
  CHECK(g_finalized.load() == 303);
  heap.Collect();
  CHECK(g_finalized.load() == 303);  // never twice
  CHECK(ChainIntact(live.get(), 100));
  live.set(nullptr);
  heap.Collect();
  CHECK(g_finalized.load() == 403);
  CHECK(heap.stats().live_bytes == 0);
}

TEST_CASE("large finalizable objects are finalized and their memory unmapped") {
  static std::atomic<int> finalized{0};
  const TypeId kBig = RegisterType({"Big", 0, nullptr, [](void*) { finalized++; }});
  Heap heap;
  ThreadScope thread(heap);
  const uint64_t before = heap.stats().heap_bytes;
  Allocate(kBig, size_t{8} << 20);
  CHECK(heap.stats().heap_bytes >= before + (size_t{8} << 20));
  heap.Collect();
  CHECK(finalized.load() == 1);
  CHECK(heap.stats().heap_bytes < before + (size_t{1} << 20));
}

TEST_CASE("objects still allocated are finalized when the heap is destroyed") {
  g_finalized = 0;
  {
    Heap heap;
    ThreadScope thread(heap);
    HandleScope scope;
    Handle<Node> live(Chain(50, kCountedNode));
    Chain(20, kCountedNode);  // garbage never collected
  }
  CHECK(g_finalized.load() == 70);
}

TEST_CASE("a pointer-free object is not scanned: what it points to is not kept alive") {
  Heap heap;
  ThreadScope thread(heap);
  g_finalized = 0;
  HandleScope scope;
  Handle<char> blob(static_cast<char*>(Allocate(kBytes, 64)));
  Node* target = NewNode(kCountedNode);
  std::memcpy(blob.get(), &target, sizeof target);  // a "pointer" hidden in bytes
  heap.Collect();
  CHECK(g_finalized.load() == 1);
}

TEST_CASE("allocation past min_heap_bytes triggers collections; growth_factor paces them") {
  auto collections_for = [](double growth) {
    HeapConfig config;
    config.min_heap_bytes = size_t{1} << 20;
    config.growth_factor = growth;
    Heap heap(config);
    ThreadScope thread(heap);
    HandleScope scope;
    Handle<Node> live(Chain(100000));  // ~3 MiB live makes the factor matter
    for (int i = 0; i < 1000000; ++i) NewNode();  // ~32 MiB of garbage
    CHECK(ChainIntact(live.get(), 100000));
    return heap.stats().collections;
  };
  const uint64_t eager = collections_for(1.5), lazy = collections_for(4.0);
  CHECK(eager > 3);
  CHECK(lazy > 0);
  CHECK(eager > lazy);
}

TEST_CASE("the heap limit: TryAllocate returns nullptr, Allocate throws, nothing is lost") {
  HeapConfig config;
  config.heap_limit_bytes = size_t{8} << 20;
  config.min_heap_bytes = size_t{1} << 20;
  Heap heap(config);
  ThreadScope thread(heap);
  HandleScope scope;
  Handle<Node> list(nullptr);
  int kept = 0;
  while (Node* n = static_cast<Node*>(TryAllocate(kNode, sizeof(Node)))) {
    n->left = list.get();
    n->value = kept++;
    list.set(n);
    REQUIRE(kept < 10000000);
  }
  CHECK(kept > 100000);  // most of the 8 MiB was usable
  CHECK(heap.stats().heap_bytes <= config.heap_limit_bytes);
  CHECK_THROWS_AS(Allocate(kNode, sizeof(Node)), std::bad_alloc);
  CHECK(TryAllocate(kBytes, size_t{16} << 20) == nullptr);  // a large one does not fit either
  // Everything allocated is still there.
  int count = 0;
  for (Node* n = list.get(); n != nullptr; n = n->left) CHECK(n->value == kept - 1 - count++);
  CHECK(count == kept);
  list.set(nullptr);  // releasing memory makes allocation work again
  CHECK(TryAllocate(kNode, sizeof(Node)) != nullptr);
}

TEST_CASE("on_out_of_memory can release memory and let the allocation succeed") {
  Node* cache = nullptr;  // a droppable cache, rooted globally
  int calls = 0;
  HeapConfig config;
  config.heap_limit_bytes = size_t{4} << 20;
  config.min_heap_bytes = size_t{1} << 20;
  config.on_out_of_memory = [&](size_t) {
    ++calls;
    cache = nullptr;
    return true;
  };
  Heap heap(config);
  ThreadScope thread(heap);
  heap.roots().AddGlobal(reinterpret_cast<void* const*>(&cache));
  for (int i = 0; i < 200000; ++i) {
    Node* n = NewNode();
    n->left = cache;
    cache = n;
  }
  CHECK(calls > 0);
  heap.roots().RemoveGlobal(reinterpret_cast<void* const*>(&cache));
}

TEST_CASE("an allocation larger than anything the OS can map fails cleanly") {
  Heap heap;
  ThreadScope thread(heap);
  CHECK(TryAllocate(kBytes, size_t{1} << 50) == nullptr);
  CHECK_THROWS_AS(Allocate(kBytes, size_t{1} << 50), std::bad_alloc);
  CHECK(TryAllocate(kBytes, ~size_t{0}) == nullptr);  // no overflow
}

TEST_CASE("memory goes back to the OS when the heap shrinks") {
  HeapConfig config;
  config.min_heap_bytes = size_t{1} << 20;
  Heap heap(config);
  ThreadScope thread(heap);
  const uint64_t baseline = heap.stats().heap_bytes;
  {
    HandleScope scope;
    Handle<Node> big(Chain(2000000));  // ~46 MiB live
    heap.Collect();
    CHECK(heap.stats().heap_bytes > baseline + 2000000 * kNodeCell);
  }
  heap.Collect();
  CHECK(heap.stats().live_bytes == 0);
  CHECK(heap.stats().heap_bytes < baseline + (size_t{3} << 20));
  CHECK(heap.stats().peak_heap_bytes > 2000000 * kNodeCell);
}

TEST_CASE("stats are consistent") {
  Heap heap;
  ThreadScope thread(heap);
  for (int i = 0; i < 5; ++i) {
    Chain(10000);
    heap.Collect();
  }
  const HeapStats s = heap.stats();
  CHECK(s.collections >= 5);
  CHECK(s.bytes_allocated >= 50000 * sizeof(Node));
  CHECK(s.max_pause_ms >= s.p99_pause_ms);
  CHECK(s.p99_pause_ms > 0);
  CHECK(s.total_pause_ms >= s.max_pause_ms);
  CHECK(s.mark_ms > 0);
  uint64_t histogram_total = 0;
  for (uint64_t n : s.pause_histogram) histogram_total += n;
  CHECK(histogram_total == s.collections);
}

TEST_CASE("trace mode prints one line per collection") {
  char path[] = "/tmp/pinion_trace_XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  const int saved = dup(STDERR_FILENO);
  {
    HeapConfig config;
    config.trace = true;
    Heap heap(config);
    ThreadScope thread(heap);
    std::fflush(stderr);
    dup2(fd, STDERR_FILENO);
    heap.Collect();
    heap.Collect();
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
  }
  close(saved);
  std::FILE* f = std::fopen(path, "r");
  std::vector<std::string> lines;
  char line[512];
  while (std::fgets(line, sizeof line, f)) lines.emplace_back(line);
  std::fclose(f);
  close(fd);
  std::remove(path);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("pinion: gc 1 (explicit): pause ", 0) == 0);
  CHECK(lines[1].rfind("pinion: gc 2 (explicit): pause ", 0) == 0);
}

TEST_CASE("parallel marking with 1 and 4 markers marks exactly the reachable graph") {
  for (int markers : {1, 4}) {
    CAPTURE(markers);
    HeapConfig config;
    config.marker_threads = markers;
    Heap heap(config);
    ThreadScope thread(heap);
    HandleScope scope;
    // A random DAG with shared subtrees, plus garbage.
    std::vector<Node*> nodes;
    Handle<Node> root(NewNode());
    uint64_t seed = 42;
    auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
    nodes.push_back(root.get());
    for (int i = 0; i < 200000; ++i) {
      Node* parent = nodes[next() % nodes.size()];
      Node* n = NewNode(kNode, nullptr, nodes[next() % nodes.size()]);
      (next() % 2 ? parent->left : parent->right) = n;
      nodes.push_back(n);
      if (i % 4 == 0) NewNode();  // garbage
    }
    // Count what is reachable, the slow way.
    std::vector<Node*> work = {root.get()};
    std::set<Node*> reachable;
    while (!work.empty()) {
      Node* n = work.back();
      work.pop_back();
      if (n == nullptr || !reachable.insert(n).second) continue;
      work.push_back(n->left);
      work.push_back(n->right);
    }
    heap.Collect();
    CHECK(heap.stats().live_bytes == reachable.size() * kNodeCell);
    for (Node* n : reachable) REQUIRE(FindObject(n) == n);
  }
}

}  // namespace
}  // namespace pinion
