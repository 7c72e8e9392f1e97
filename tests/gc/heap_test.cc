// Tests of the public heap API (gc/heap.h, gc/type.h): allocation, size classes, object
// queries, reachability from every kind of root, finalizers, and the misuse reports of
// allocation, configuration, type registration and thread attachment.
#include <doctest/doctest.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/heap_impl.h"
#include "gc/internal/segment.h"
#include "gc/internal/size_classes.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "roots/root_set.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Allocate;
using pinion::FindObject;
using pinion::Handle;
using pinion::HandleScope;
using pinion::Heap;
using pinion::HeapConfig;
using pinion::Misuse;
using pinion::ObjectSize;
using pinion::ThreadScope;
using pinion::TypeId;
using pinion::TypeOf;
using pinion::test_support::MisuseLog;
using pinion::test_support::MisuseOf;
using pinion::test_support::ScopedMisuseHandler;
using pinion::test_support::ScopedMisuseLog;
namespace internal = pinion::internal;

struct Node {
  Node* left;
  Node* right;
  long value;
};
void TraceNode(void* object, pinion::Visitor& v) {
  auto* node = static_cast<Node*>(object);
  v.Visit(node->left);
  v.Visit(node->right);
}
const TypeId kNode = pinion::RegisterType({"Node", sizeof(Node), &TraceNode, nullptr});

// Variable-length, pointer-free.
const TypeId kBytes = pinion::RegisterType({"Bytes", 0, nullptr, nullptr});

// Pointer-free, but with a pointer-sized field: the collector must never read it.
struct Box {
  void* ptr;
};
const TypeId kBox = pinion::RegisterType({"Box", sizeof(Box), nullptr, nullptr});

// Finalizable and traced; its finalizer counts per id.
struct Tracked {
  long id;
  Tracked* next;
};
constexpr int kMaxTracked = 1 << 14;
std::atomic<int> g_finalized[kMaxTracked];
std::atomic<int> g_finalized_total{0};
void TraceTracked(void* object, pinion::Visitor& v) { v.Visit(static_cast<Tracked*>(object)->next); }
void FinalizeTracked(void* object) {
  const long id = static_cast<Tracked*>(object)->id;
  if (id >= 0 && id < kMaxTracked) g_finalized[id].fetch_add(1, std::memory_order_relaxed);
  g_finalized_total.fetch_add(1, std::memory_order_relaxed);
}
const TypeId kTracked =
    pinion::RegisterType({"Tracked", sizeof(Tracked), &TraceTracked, &FinalizeTracked});

void ResetFinalized() {
  for (auto& f : g_finalized) f.store(0, std::memory_order_relaxed);
  g_finalized_total.store(0, std::memory_order_relaxed);
}
int Finalized(long id) { return g_finalized[id].load(std::memory_order_relaxed); }
int FinalizedTotal() { return g_finalized_total.load(std::memory_order_relaxed); }

Tracked* NewTracked(long id, Tracked* next = nullptr, size_t bytes = sizeof(Tracked)) {
  auto* t = static_cast<Tracked*>(Allocate(kTracked, bytes));
  t->id = id;
  t->next = next;
  return t;
}

// A heap that never collects on its own, for tests that reason about raw pointers.
HeapConfig NoAutoCollect(int markers = 0) {
  HeapConfig config;
  config.min_heap_bytes = size_t{1} << 40;
  config.marker_threads = markers;
  return config;
}

bool AllBytesAre(const void* p, size_t n, unsigned char value) {
  const auto* b = static_cast<const unsigned char*>(p);
  return std::all_of(b, b + n, [&](unsigned char c) { return c == value; });
}

internal::Page& PageOf(const void* object) {
  return static_cast<internal::Segment*>(internal::SegmentOf(object))->PageOf(object);
}

Handle<char> Keep(void* object) { return Handle<char>(static_cast<char*>(object)); }

}  // namespace

// ---- Allocation -----------------------------------------------------------------------------

TEST_CASE("Allocate returns zeroed, 8-byte aligned, distinct memory of at least the asked size") {
  Heap heap;
  ThreadScope thread(heap);
  HandleScope scope;
  const size_t sizes[] = {0,     1,     7,     8,     9,     15,    16,    17,
                          24,    31,    33,    63,    64,    65,    100,   127,
                          128,   129,   255,   256,   257,   1000,  4096,  4097,
                          8191,  8192,  12000, 16383, 16384, 16385, 20000, 65536,
                          (size_t{1} << 20) + 3, size_t{3} << 20};
  struct Allocation {
    char* p;
    size_t size;
  };
  std::vector<Allocation> all;
  for (int round = 0; round < 3; ++round) {
    for (size_t n : sizes) {
      INFO("payload bytes " << n);
      char* p = static_cast<char*>(Allocate(kBytes, n));
      REQUIRE(p != nullptr);
      Keep(p);
      CHECK(reinterpret_cast<uintptr_t>(p) % 8 == 0);
      const size_t usable = ObjectSize(p);
      CHECK(usable >= n);
      CHECK(AllBytesAre(p, usable, 0));
      std::memset(p, 0xA5, usable);
      all.push_back({p, usable});
    }
  }
  std::sort(all.begin(), all.end(),
            [](const Allocation& a, const Allocation& b) { return a.p < b.p; });
  for (size_t i = 0; i + 1 < all.size(); ++i) CHECK(all[i].p + all[i].size <= all[i + 1].p);
  heap.Collect();  // everything is rooted: nothing moves, nothing is cleared
  for (const Allocation& a : all) {
    CHECK(FindObject(a.p) == a.p);
    CHECK(AllBytesAre(a.p, a.size, 0xA5));
  }
}

TEST_CASE("every size class boundary maps to the smallest cell that fits; above 16 KiB is large") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  HandleScope scope;
  // Objects have no header (gc/internal/cell.h): the cell is exactly the payload's class.
  for (int c = 0; c < internal::kNumSizeClasses; ++c) {
    const size_t cell = internal::CellSizeOfClass(c);
    const size_t smallest = c == 0 ? 0 : internal::CellSizeOfClass(c - 1) + 1;
    for (size_t n : {smallest, cell}) {
      INFO("class " << c << " payload " << n);
      char* p = static_cast<char*>(Allocate(kBytes, n));
      Keep(p);
      CHECK(internal::SegmentOf(p)->kind == internal::SegmentKind::kSmall);
      CHECK(ObjectSize(p) == cell);
      CHECK(PageOf(p).cell_size == cell);
      CHECK(AllBytesAre(p, cell, 0));
      CHECK(FindObject(p + cell - 1) == p);
    }
  }
  for (size_t n : {internal::kMaxSmallCell + 1, size_t{5} << 20, size_t{9} << 20}) {
    INFO("payload " << n);
    char* p = static_cast<char*>(Allocate(kBytes, n));
    Keep(p);
    CHECK(internal::SegmentOf(p)->kind == internal::SegmentKind::kLarge);
    CHECK(ObjectSize(p) >= n);
    CHECK(reinterpret_cast<uintptr_t>(p) % 8 == 0);
    CHECK(AllBytesAre(p, ObjectSize(p), 0));
    p[n - 1] = 1;  // the last requested byte is usable
    CHECK(FindObject(p + n - 1) == p);
  }
}

TEST_CASE("cells freed by a sweep come back zeroed; their live neighbours keep their contents") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  for (size_t n : {size_t{16}, size_t{48}, size_t{256}, size_t{4000}, internal::kMaxSmallCell}) {
    INFO("payload " << n);
    HandleScope scope;
    constexpr int kCount = 128;
    std::vector<Handle<char>> kept;
    std::set<char*> dropped;
    for (int i = 0; i < 2 * kCount; ++i) {
      char* p = static_cast<char*>(Allocate(kBytes, n));
      std::memset(p, 0xFF, n);
      if (i % 2 == 0) {
        kept.push_back(Keep(p));
      } else {
        dropped.insert(p);
      }
    }
    heap.Collect();
    for (char* p : dropped) CHECK(FindObject(p) == nullptr);  // free cells of live pages
    int reused = 0;
    for (int i = 0; i < kCount; ++i) {
      char* p = static_cast<char*>(Allocate(kBytes, n));
      Keep(p);
      CHECK(AllBytesAre(p, ObjectSize(p), 0));
      reused += dropped.count(p) != 0;
    }
    CHECK(reused > 0);  // the free lists of the swept pages were used
    for (const Handle<char>& h : kept) CHECK(AllBytesAre(h.get(), n, 0xFF));
  }
}

TEST_CASE("New<T> constructs a T in the allocated memory") {
  struct Pair {
    long a = 7;
    long b;
    explicit Pair(long b) : b(b) {}
  };
  const TypeId kPair = pinion::RegisterType({"Pair", sizeof(Pair), nullptr, nullptr});
  Heap heap;
  ThreadScope thread(heap);
  Pair* pair = pinion::New<Pair>(kPair, 42);
  CHECK(pair->a == 7);
  CHECK(pair->b == 42);
  CHECK(TypeOf(pair) == kPair);
  Node* node = pinion::New<Node>(kNode, Node{nullptr, nullptr, 5});
  CHECK(node->value == 5);
  CHECK(node->left == nullptr);
  CHECK(ObjectSize(node) >= sizeof(Node));
  // Allocate(type) uses the registered size.
  void* sized = Allocate(kNode);
  CHECK(ObjectSize(sized) >= sizeof(Node));
  CHECK(TypeOf(sized) == kNode);
}

// ---- Object queries -------------------------------------------------------------------------

TEST_CASE("TypeOf and TypeInfoOf report the allocated type, small and large") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  void* node = Allocate(kNode);
  void* bytes = Allocate(kBytes, 100);
  void* tracked = Allocate(kTracked);
  void* large = Allocate(kBytes, 100000);
  void* large_tracked = Allocate(kTracked, 50000);
  CHECK(TypeOf(node) == kNode);
  CHECK(TypeOf(bytes) == kBytes);
  CHECK(TypeOf(tracked) == kTracked);
  CHECK(TypeOf(large) == kBytes);
  CHECK(TypeOf(large_tracked) == kTracked);
  CHECK(TypeOf(bytes).pointer_free());
  CHECK_FALSE(TypeOf(bytes).finalizable());
  CHECK(TypeOf(tracked).finalizable());
  CHECK_FALSE(TypeOf(tracked).pointer_free());
  CHECK_FALSE(TypeOf(node).finalizable());
  CHECK_FALSE(TypeOf(node).pointer_free());
  CHECK(std::string(pinion::TypeInfoOf(TypeOf(node)).name) == "Node");
  CHECK(pinion::TypeInfoOf(kNode).size == sizeof(Node));
  CHECK((pinion::TypeInfoOf(kNode).trace == &TraceNode));
  CHECK((pinion::TypeInfoOf(kTracked).finalize == &FinalizeTracked));
  CHECK(kNode.valid());
  CHECK_FALSE(TypeId().valid());
  CHECK_FALSE(kNode == kBytes);
  // A rooted object keeps its type across a collection (the mark bit does not leak into it).
  HandleScope scope;
  Keep(node);
  heap.Collect();
  CHECK(TypeOf(node) == kNode);
}

TEST_CASE("FindObject: payload start and interior map to the object; header, end, foreign do not") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  char* a = static_cast<char*>(Allocate(kBytes, 40));
  char* b = static_cast<char*>(Allocate(kBytes, 40));
  for (size_t k = 0; k < ObjectSize(a); ++k) CHECK(FindObject(a + k) == a);
  CHECK(FindObject(a - 1) != a);
  CHECK(FindObject(a + ObjectSize(a)) != a);  // one past the end: the next cell, if any
  CHECK(FindObject(b) == b);

  // The page's type array (where a header would be) and the segment's metadata page.
  internal::Page& page = PageOf(a);
  CHECK(FindObject(page.start) == nullptr);
  CHECK(FindObject(page.cells - 1) == nullptr);
  CHECK(FindObject(internal::SegmentOf(a)) == nullptr);
  // A cell never handed out (a fresh page hands its cells out in address order).
  const uint32_t last = page.cell_count - 1;
  REQUIRE(page.TypeEntry(last).load() == 0);
  CHECK(FindObject(page.Cell(last)) == nullptr);
  CHECK(FindObject(page.Cell(last) + 3) == nullptr);
  // Slack after the last cell of the page.
  if (page.cells + size_t{page.cell_count} * page.cell_size < page.start + internal::kPageSize) {
    CHECK(FindObject(page.start + internal::kPageSize - 1) == nullptr);
  }

  // Foreign addresses.
  int local = 0;
  static int global_int = 0;
  void* malloced = std::malloc(64);
  CHECK(FindObject(&local) == nullptr);
  CHECK(FindObject(&global_int) == nullptr);
  CHECK(FindObject(malloced) == nullptr);
  CHECK(FindObject(nullptr) == nullptr);
  CHECK(FindObject(reinterpret_cast<void*>(~uintptr_t{0})) == nullptr);  // beyond 48 bits
  std::free(malloced);

  // Large objects, across several 4 MiB chunks.
  const size_t n = size_t{9} << 20;
  char* large = static_cast<char*>(Allocate(kBytes, n));
  CHECK(FindObject(large) == large);
  CHECK(FindObject(large + 1) == large);
  CHECK(FindObject(large + (size_t{4} << 20)) == large);
  CHECK(FindObject(large + (size_t{8} << 20) + 5) == large);
  CHECK(FindObject(large + n - 1) == large);
  CHECK(FindObject(large + ObjectSize(large) - 1) == large);
  CHECK(FindObject(large + ObjectSize(large)) != large);
  CHECK(FindObject(large - 1) == nullptr);  // the LargeObject header
  CHECK(FindObject(internal::SegmentOf(large)) == nullptr);
}

TEST_CASE("FindObject forgets an unreachable object once its page is swept") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  HandleScope scope;
  Handle<char> before = Keep(Allocate(kBytes, 40));
  char* dead = static_cast<char*>(Allocate(kBytes, 40));
  Handle<char> after = Keep(Allocate(kBytes, 40));
  REQUIRE(&PageOf(dead) == &PageOf(before.get()));  // the page stays in use
  char* dead_large = static_cast<char*>(Allocate(kBytes, 1 << 20));
  CHECK(FindObject(dead) == dead);  // live-or-unswept
  CHECK(FindObject(dead + 39) == dead);
  CHECK(FindObject(dead_large + 100) == dead_large);
  heap.Collect();
  CHECK(FindObject(dead) == nullptr);
  CHECK(FindObject(dead + 39) == nullptr);
  CHECK(FindObject(dead_large) == nullptr);
  CHECK(FindObject(dead_large + 100) == nullptr);
  CHECK(FindObject(before.get()) == before.get());
  CHECK(FindObject(after.get()) == after.get());
}

// ---- Reachability ---------------------------------------------------------------------------

namespace {
Node* MakeTree(int depth) {
  HandleScope scope;
  if (depth == 0) return pinion::New<Node>(kNode, Node{nullptr, nullptr, 1});
  Handle<Node> l(MakeTree(depth - 1));
  Handle<Node> r(MakeTree(depth - 1));
  return pinion::New<Node>(kNode, Node{l.get(), r.get(), 1});
}
long Sum(const Node* n) { return n ? n->value + Sum(n->left) + Sum(n->right) : 0; }
}  // namespace

TEST_CASE("objects reachable from handles survive collections intact; garbage is reclaimed") {
  ResetFinalized();
  HeapConfig config;
  config.min_heap_bytes = 1 << 20;  // automatic collections too
  Heap heap(config);
  ThreadScope thread(heap);
  HandleScope scope;
  Handle<Node> tree(MakeTree(12));
  int garbage = 0;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 100000; ++i, ++garbage) NewTracked(garbage % kMaxTracked);
    MakeTree(8);
    heap.Collect();
    CHECK(Sum(tree.get()) == (1 << 13) - 1);
    CHECK(FinalizedTotal() == garbage);  // every unreachable Tracked, exactly once
  }
  CHECK(heap.stats().collections > 5);
}

TEST_CASE("live_bytes counts exactly the reachable cells and large mappings") {
  Heap heap(NoAutoCollect(/*markers=*/1));
  ThreadScope thread(heap);
  uint64_t expected = 0;
  {
    HandleScope scope;
    Handle<Node> head(nullptr);
    for (int i = 0; i < 1000; ++i) head.set(pinion::New<Node>(kNode, Node{head.get(), nullptr, i}));
    expected += 1000 * internal::CellSizeOfClass(internal::SizeClassOf(sizeof(Node)));
    for (int i = 0; i < 10; ++i) Keep(Allocate(kBytes, 1000));
    expected += 10 * internal::CellSizeOfClass(internal::SizeClassOf(1000));
    Handle<char> large = Keep(Allocate(kBytes, 100000));
    expected += static_cast<internal::LargeObject*>(internal::SegmentOf(large.get()))->mapped_bytes;
    for (int i = 0; i < 5000; ++i) Allocate(kBytes, 64);  // garbage
    heap.Collect();
    CHECK(heap.stats().live_bytes == expected);
  }
  heap.Collect();
  CHECK(heap.stats().live_bytes == 0);
}

TEST_CASE("global roots: AddGlobal, AddGlobalRange and GlobalRoot keep objects alive until removed") {
  ResetFinalized();
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  void* single = NewTracked(1);
  heap.roots().AddGlobal(&single);
  void* range[4] = {NewTracked(2), nullptr, NewTracked(3), NewTracked(4)};
  heap.roots().AddGlobalRange(range, 4);
  {
    pinion::GlobalRoot<Tracked> root(heap.roots(), NewTracked(5));
    NewTracked(6);  // garbage
    heap.Collect();
    CHECK(Finalized(6) == 1);
    for (int id : {1, 2, 3, 4, 5}) CHECK(Finalized(id) == 0);
    CHECK(root->id == 5);
    CHECK(root.get()->id == 5);
    CHECK(static_cast<Tracked*>(single)->id == 1);
    CHECK(static_cast<Tracked*>(range[3])->id == 4);
    root.set(NewTracked(7));
    heap.Collect();
    CHECK(Finalized(5) == 1);
    CHECK(Finalized(7) == 0);
  }  // the GlobalRoot unregisters itself
  heap.Collect();
  CHECK(Finalized(7) == 1);
  range[2] = nullptr;  // a registered range is re-read at every collection
  heap.Collect();
  CHECK(Finalized(3) == 1);
  CHECK(Finalized(2) == 0);
  CHECK(Finalized(4) == 0);
  heap.roots().RemoveGlobal(range);
  heap.Collect();
  CHECK(Finalized(2) == 1);
  CHECK(Finalized(4) == 1);
  CHECK(Finalized(1) == 0);
  heap.roots().RemoveGlobal(&single);
  heap.Collect();
  CHECK(Finalized(1) == 1);
  CHECK(FinalizedTotal() == 7);
}

TEST_CASE("an unreachable cycle is reclaimed; while rooted it survives") {
  ResetFinalized();
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  constexpr int kRing = 1000;
  {
    HandleScope scope;
    Handle<Tracked> first(NewTracked(0));
    Tracked* prev = first.get();
    for (int i = 1; i < kRing; ++i) {
      Tracked* t = NewTracked(i);  // prev stays reachable from `first`
      prev->next = t;
      prev = t;
    }
    prev->next = first.get();
    Handle<Tracked> two(NewTracked(kRing));  // and a two-cycle
    two->next = NewTracked(kRing + 1, two.get());
    heap.Collect();
    CHECK(FinalizedTotal() == 0);
    int n = 0;
    for (Tracked* t = first->next; t != first.get(); t = t->next) ++n;
    CHECK(n == kRing - 1);
  }
  heap.Collect();
  CHECK(FinalizedTotal() == kRing + 2);
  for (int i = 0; i < kRing + 2; ++i) {
    if (Finalized(i) != 1) FAIL_CHECK("object " << i << " finalized " << Finalized(i) << " times");
  }
}

TEST_CASE("pointer-free objects are never scanned: a pointer stored in one keeps nothing alive") {
  ResetFinalized();
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  HandleScope scope;
  Handle<Box> box(pinion::New<Box>(kBox));
  box->ptr = NewTracked(1);
  Handle<Tracked> holder(NewTracked(2));  // control: a traced field does keep its target
  holder->next = NewTracked(3);
  heap.Collect();
  CHECK(Finalized(1) == 1);
  CHECK(Finalized(3) == 0);
  CHECK(FindObject(box.get()) == box.get());
  CHECK(holder->next->id == 3);
}

// ---- Finalizers -----------------------------------------------------------------------------

TEST_CASE("finalizers run once per unreachable object, never for reachable ones, the rest at ~Heap") {
  ResetFinalized();
  constexpr int kCount = 3000;
  std::vector<void*> kept(kCount / 3, nullptr);
  {
    Heap heap(NoAutoCollect());
    {
      ThreadScope thread(heap);
      heap.roots().AddGlobalRange(kept.data(), kept.size());
      for (int i = 0; i < kCount; ++i) {
        Tracked* t = NewTracked(i);
        if (i % 3 == 0) kept[i / 3] = t;
      }
      for (int round = 0; round < 2; ++round) {
        heap.Collect();
        int wrong = 0;
        for (int i = 0; i < kCount; ++i) wrong += Finalized(i) != (i % 3 == 0 ? 0 : 1);
        CHECK(wrong == 0);
      }
    }
    CHECK(FinalizedTotal() == kCount - kCount / 3);
  }  // ~Heap finalizes the survivors
  int wrong = 0;
  for (int i = 0; i < kCount; ++i) wrong += Finalized(i) != 1;
  CHECK(wrong == 0);
  CHECK(FinalizedTotal() == kCount);
}

TEST_CASE("large finalizable objects are finalized when unreachable and at ~Heap") {
  ResetFinalized();
  {
    Heap heap(NoAutoCollect());
    ThreadScope thread(heap);
    pinion::GlobalRoot<Tracked> keep(heap.roots(), NewTracked(1, nullptr, 40000));
    NewTracked(2, nullptr, size_t{3} << 20);
    NewTracked(3, nullptr, 20000);
    keep->next = NewTracked(4, nullptr, 1 << 20);  // reachable through a large object
    heap.Collect();
    CHECK(Finalized(2) == 1);
    CHECK(Finalized(3) == 1);
    CHECK(Finalized(1) == 0);
    CHECK(Finalized(4) == 0);
    CHECK(keep->id == 1);
    CHECK(keep->next->id == 4);
  }
  CHECK(Finalized(1) == 1);
  CHECK(Finalized(4) == 1);
  CHECK(FinalizedTotal() == 4);
}

TEST_CASE("objects never collected are finalized by ~Heap, small and large") {
  ResetFinalized();
  {
    Heap heap;
    ThreadScope thread(heap);
    for (int i = 0; i < 100; ++i) NewTracked(i);
    NewTracked(100, nullptr, 30000);
    CHECK(FinalizedTotal() == 0);
  }
  CHECK(FinalizedTotal() == 101);
  for (int i = 0; i <= 100; ++i) CHECK(Finalized(i) == 1);
}

// ---- Misuse ---------------------------------------------------------------------------------

TEST_CASE("allocation from a thread without ThreadScope is reported (kThreadNotAttached)") {
  Heap heap;
  {
    ScopedMisuseHandler handler;
    std::optional<Misuse> small, large, typed;
    std::thread([&] {
      small = MisuseOf([&] { Allocate(kNode, sizeof(Node)); });
      large = MisuseOf([&] { Allocate(kBytes, 1 << 20); });
      typed = MisuseOf([&] { pinion::New<Node>(kNode); });
    }).join();
    CHECK(small == Misuse::kThreadNotAttached);
    CHECK(large == Misuse::kThreadNotAttached);
    CHECK(typed == Misuse::kThreadNotAttached);
  }
  {
    // TryAllocate is noexcept: with a handler that returns, it fails with nullptr.
    ScopedMisuseLog log;
    void* result = &heap;
    std::thread([&] { result = pinion::TryAllocate(kNode, sizeof(Node)); }).join();
    CHECK(result == nullptr);
    CHECK(MisuseLog::Count(Misuse::kThreadNotAttached) == 1);
  }
  CHECK(heap.stats().bytes_allocated == 0);
}

TEST_CASE("allocation with an invalid TypeId is reported (kBadArgument): first of its size") {
  Heap heap;
  ThreadScope thread(heap);
  ScopedMisuseHandler handler;
  CHECK(MisuseOf([&] { Allocate(TypeId(), 24); }) == Misuse::kBadArgument);
  CHECK(MisuseOf([&] { Allocate(TypeId(), 1 << 20); }) == Misuse::kBadArgument);
  ScopedMisuseLog log;
  CHECK(pinion::TryAllocate(TypeId(), 48) == nullptr);
  CHECK(MisuseLog::Count(Misuse::kBadArgument) == 1);
}

// Once the thread owns a page of the size class, the inline fast path must still refuse an
// invalid TypeId (the cell would otherwise be handed out recorded as free).
TEST_CASE("allocation with an invalid TypeId is reported (kBadArgument): also on the fast path") {
  Heap heap;
  ThreadScope thread(heap);
  HandleScope scope;
  Keep(Allocate(kNode, 24));  // the thread now owns a page of this class
  ScopedMisuseHandler handler;
  CHECK(MisuseOf([&] { Allocate(TypeId(), 24); }) == Misuse::kBadArgument);
  ScopedMisuseLog log;
  CHECK(pinion::TryAllocate(TypeId(), 24) == nullptr);
  CHECK(MisuseLog::Count(Misuse::kBadArgument) == 1);
}

TEST_CASE("allocation inside a native region is reported (kThreadNotAttached): first of its size") {
  Heap heap;
  ThreadScope thread(heap);
  ScopedMisuseHandler handler;
  pinion::NativeRegion region;
  CHECK(MisuseOf([&] { Allocate(kNode, sizeof(Node)); }) == Misuse::kThreadNotAttached);
  CHECK(MisuseOf([&] { Allocate(kBytes, 1 << 20); }) == Misuse::kThreadNotAttached);
}

// A thread inside a native region counts as stopped (a collection retires its pages), so the
// inline fast path must not hand it a cell from the page it still owns.
TEST_CASE("allocation inside a native region is reported (kThreadNotAttached): also on the fast path") {
  Heap heap;
  ThreadScope thread(heap);
  HandleScope scope;
  Keep(Allocate(kNode, sizeof(Node)));
  ScopedMisuseHandler handler;
  pinion::NativeRegion region;
  CHECK(MisuseOf([&] { Allocate(kNode, sizeof(Node)); }) == Misuse::kThreadNotAttached);
}

TEST_CASE("HeapConfig validation: growth_factor < 1 and marker_threads or background_marker_threads < 0 are kBadArgument") {
  {
    ScopedMisuseHandler handler;
    HeapConfig config;
    config.growth_factor = 0.5;
    CHECK(MisuseOf([&] { Heap heap(config); }) == Misuse::kBadArgument);
    config.growth_factor = std::numeric_limits<double>::quiet_NaN();
    CHECK(MisuseOf([&] { Heap heap(config); }) == Misuse::kBadArgument);
    config.growth_factor = 1.0;  // the least allowed
    CHECK(MisuseOf([&] { Heap heap(config); }) == std::nullopt);
    config.marker_threads = -1;
    CHECK(MisuseOf([&] { Heap heap(config); }) == Misuse::kBadArgument);
    config.marker_threads = 0;
    config.background_marker_threads = -1;
    CHECK(MisuseOf([&] { Heap heap(config); }) == Misuse::kBadArgument);
  }
  {
    // A handler that returns gets a heap with the bad fields replaced by sane values.
    ScopedMisuseLog log;
    HeapConfig config;
    config.growth_factor = 0.25;
    config.marker_threads = -3;
    Heap heap(config);
    CHECK(MisuseLog::Count(Misuse::kBadArgument) == 2);
    CHECK(heap.config().growth_factor >= 1.0);
    CHECK(heap.config().marker_threads >= 0);
    ThreadScope thread(heap);
    Allocate(kNode);
    heap.Collect();
    CHECK(heap.stats().collections == 1);
  }
}

TEST_CASE("RegisterType without a name is kBadArgument and yields an invalid TypeId") {
  {
    ScopedMisuseHandler handler;
    CHECK(MisuseOf([] { pinion::RegisterType({nullptr, 8, nullptr, nullptr}); }) ==
          Misuse::kBadArgument);
  }
  ScopedMisuseLog log;
  const TypeId id = pinion::RegisterType({nullptr, 8, nullptr, nullptr});
  CHECK_FALSE(id.valid());
  CHECK(MisuseLog::Count(Misuse::kBadArgument) == 1);
}

TEST_CASE("attaching a thread twice is kBadNesting and leaves the first attachment intact") {
  Heap heap;
  Heap other;
  ThreadScope thread(heap);
  {
    ScopedMisuseHandler handler;
    CHECK(MisuseOf([&] { ThreadScope again(heap); }) == Misuse::kBadNesting);
    CHECK(MisuseOf([&] { ThreadScope elsewhere(other); }) == Misuse::kBadNesting);
  }
  {
    ScopedMisuseLog log;
    { ThreadScope again(heap); }  // reported; its destructor must not detach us
    CHECK(MisuseLog::Count(Misuse::kBadNesting) == 1);
  }
  CHECK(heap.roots().threads().thread_count() == 1);
  CHECK(other.roots().threads().thread_count() == 0);
  HandleScope scope;
  Handle<Node> node(pinion::New<Node>(kNode, Node{nullptr, nullptr, 3}));
  heap.Collect();
  CHECK(node->value == 3);
}

TEST_CASE("ThreadScope destroyed on another thread is kBadNesting; the owner stays attached") {
  Heap heap;
  ScopedMisuseLog log;
  std::atomic<int> step{0};
  ThreadScope* scope = nullptr;
  std::thread owner([&] {
    scope = new ThreadScope(heap);
    pinion::test_support::KeepReachable(pinion::ThreadRecord::Current());  // its state leaks
    step.store(1);
    while (step.load() != 2) pinion::Safepoint();
    Allocate(kNode);  // still attached; exiting attached is then reported and detaches
  });
  while (step.load() != 1) std::this_thread::yield();
  delete scope;
  CHECK(MisuseLog::Count(Misuse::kBadNesting) == 1);
  CHECK(heap.roots().threads().thread_count() == 1);
  step.store(2);
  owner.join();
  CHECK(MisuseLog::Count(Misuse::kThreadExitAttached) == 1);
  CHECK(heap.roots().threads().thread_count() == 0);
  heap.Collect();
  CHECK(heap.stats().collections == 1);
}

TEST_CASE("a thread that exits while attached is reported (kThreadExitAttached) and detached") {
  ScopedMisuseLog log;  // a handler that returns: throwing from a thread-exit destructor terminates
  {
    Heap heap;
    std::thread([&] {
      auto* scope = new ThreadScope(heap);  // never destroyed
      pinion::test_support::KeepReachable(scope);
      pinion::New<Node>(kNode);
    }).join();
    CHECK(MisuseLog::Count(Misuse::kThreadExitAttached) == 1);
    REQUIRE(heap.roots().threads().thread_count() == 0);
    heap.Collect();  // would wait forever for a thread still registered as running
    CHECK(heap.stats().collections == 1);
    ThreadScope thread(heap);  // the heap is still usable
    Allocate(kNode);
  }
  CHECK(MisuseLog::Count(Misuse::kHeapInUse) == 0);
  CHECK(MisuseLog::Size() == 1);
}

TEST_CASE("destroying a heap with attached threads is kHeapInUse and unmaps nothing") {
  ScopedMisuseLog log;
  std::thread([&] {
    auto* heap = new Heap;
    pinion::test_support::KeepReachable(&heap->impl());  // the documented leak
    auto* scope = new ThreadScope(*heap);
    pinion::test_support::KeepReachable(scope);
    char* object = static_cast<char*>(Allocate(kBytes, 64));
    delete heap;
    CHECK(MisuseLog::Count(Misuse::kHeapInUse) == 1);
    CHECK(FindObject(object) == object);  // still mapped: the attached thread may use it
    object[63] = 1;                       // and usable
    pinion::ThreadRecord::SetCurrent(nullptr);  // abandon the attachment without the heap
  }).join();
}

// ---- Concurrency ----------------------------------------------------------------------------

TEST_CASE("object queries from a mutator run concurrently with collections and sweeping") {
  HeapConfig config;
  config.min_heap_bytes = 1 << 20;
  Heap heap(config);
  std::atomic<bool> stop{false};
  std::atomic<long> passes{0};
  std::thread mutator([&] {
    ThreadScope thread(heap);
    HandleScope scope;
    std::vector<Handle<Node>> nodes;
    for (int i = 0; i < 64; ++i) {
      nodes.emplace_back(pinion::New<Node>(kNode, Node{nullptr, nullptr, i}));
    }
    while (!stop.load(std::memory_order_relaxed)) {
      for (int i = 0; i < 64; ++i) {
        Node* n = nodes[i].get();
        const bool ok = FindObject(n) == n && FindObject(reinterpret_cast<char*>(n) + 8) == n &&
                        TypeOf(n) == kNode && ObjectSize(n) >= sizeof(Node) && n->value == i;
        if (!ok) FAIL_CHECK("object " << i << " changed under a collection");
      }
      passes.fetch_add(1, std::memory_order_relaxed);
      pinion::Safepoint();
    }
  });
  {
    ThreadScope thread(heap);
    for (int i = 0; i < 20; ++i) {
      for (int j = 0; j < 2000; ++j) Allocate(kNode);
      heap.Collect();
      // Let the mutator run right after the pause, while this thread's sweep is recent.
      const long seen = passes.load();
      while (passes.load() < seen + 2) pinion::Safepoint();
    }
  }
  stop.store(true);
  mutator.join();
  CHECK(heap.stats().collections >= 20);
}

// Free cells are ASan-poisoned; the poison must not outlive the heap's mapping, or whoever
// maps the range next (another allocator, another collector) faults on its own memory.
TEST_CASE("memory given back by ~Heap is left unpoisoned for its next owner") {
  void* segment = nullptr;
  {
    Heap heap(NoAutoCollect());
    ThreadScope thread(heap);
    void* garbage = nullptr;
    for (int i = 0; i < 1000; ++i) garbage = Allocate(kBytes, 16);  // all unreachable
    heap.Collect();  // the sweep frees (and, under ASan, poisons) the cells
    segment = internal::SegmentOf(garbage);
  }
  void* again = mmap(segment, internal::kSegmentSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  REQUIRE(again == segment);  // ~Heap unmapped the segment
  std::memset(again, 0xAB, internal::kSegmentSize);  // ASan: no use-after-poison
  munmap(again, internal::kSegmentSize);
}
