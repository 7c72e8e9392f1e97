// Allocation and object queries (gc/heap.h): sizes, zeroing, alignment, FindObject, TypeOf.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/size_classes.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "tests/test_util.h"

namespace pinion {
namespace {

using testing::kNode;
using testing::Node;
const TypeId kBytes = RegisterType({"Bytes", 0});

bool AllZero(const void* p, size_t n) {
  const unsigned char* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

TEST_CASE("allocations are zeroed, aligned, distinct, and at least as large as asked") {
  Heap heap;
  ThreadScope thread(heap);
  HandleScope scope;
  std::set<void*> seen;
  // Every size class boundary and its neighbours, then large objects.
  std::vector<size_t> sizes = {0, 1, 7, 8, 9};
  for (int c = 0; c < internal::kNumSizeClasses; ++c) {
    const size_t cell = internal::CellSizeOfClass(c);
    sizes.insert(sizes.end(), {cell - 1, cell, cell + 1});
  }
  sizes.insert(sizes.end(), {size_t{100} << 10, size_t{5} << 20});
  for (size_t bytes : sizes) {
    CAPTURE(bytes);
    void* p = Allocate(kBytes, bytes);
    Handle<char> keep(static_cast<char*>(p));  // one handle each: all stay alive
    REQUIRE(p != nullptr);
    CHECK(reinterpret_cast<uintptr_t>(p) % 8 == 0);
    CHECK(ObjectSize(p) >= bytes);
    CHECK(AllZero(p, bytes));
    CHECK(TypeOf(p) == kBytes);
    CHECK(FindObject(p) == p);
    CHECK(seen.insert(p).second);
    std::memset(p, 0xab, bytes);  // dirty it: reuse must zero again
  }
}

TEST_CASE("memory reused after collection comes back zeroed") {
  Heap heap;
  ThreadScope thread(heap);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20000; ++i) {
      void* p = Allocate(kBytes, 40);
      CHECK(AllZero(p, 40));
      std::memset(p, 0xff, 40);
    }
    heap.Collect();
  }
}

TEST_CASE("New constructs the object") {
  Heap heap;
  ThreadScope thread(heap);
  Node* n = New<Node>(kNode, Node{nullptr, nullptr, 42});
  CHECK(n->value == 42);
  CHECK(TypeOf(n) == kNode);
}

TEST_CASE("FindObject resolves interior pointers and rejects everything else") {
  Heap heap;
  ThreadScope thread(heap);
  HandleScope scope;
  Handle<char> small(static_cast<char*>(Allocate(kBytes, 100)));
  Handle<char> large(static_cast<char*>(Allocate(kBytes, size_t{1} << 20)));
  for (char* object : {small.get(), large.get()}) {
    const size_t size = ObjectSize(object);
    CHECK(FindObject(object) == object);
    CHECK(FindObject(object + 1) == object);
    CHECK(FindObject(object + size - 1) == object);
    CHECK(FindObject(object + size) != object);  // one past the end is someone else, or none
  }
  int on_stack = 0;
  void* on_malloc = std::malloc(64);
  CHECK(FindObject(&on_stack) == nullptr);
  CHECK(FindObject(on_malloc) == nullptr);
  CHECK(FindObject(nullptr) == nullptr);
  std::free(on_malloc);
}

TEST_CASE("FindObject no longer finds a reclaimed object") {
  Heap heap;
  ThreadScope thread(heap);
  void* garbage = Allocate(kBytes, 64);
  void* large_garbage = Allocate(kBytes, size_t{1} << 20);
  CHECK(FindObject(garbage) == garbage);
  CHECK(FindObject(large_garbage) == large_garbage);
  heap.Collect();  // nothing roots them
  CHECK(FindObject(garbage) == nullptr);
  CHECK(FindObject(large_garbage) == nullptr);
}

TEST_CASE("objects from different heaps are told apart") {
  Heap a, b;
  void* from_b;
  std::thread([&] {
    ThreadScope thread(b);
    from_b = Allocate(kBytes, 16);
    Pin(from_b);  // keep it while we look
  }).join();
  ThreadScope thread(a);
  CHECK(FindObject(from_b) == from_b);  // it is a heap object...
  testing::ThrowOnMisuse throws;
  CHECK(testing::MisuseOf([&] { Pin(from_b); }) == Misuse::kNotAHeapObject);  // ...not ours
  std::thread([&] {
    ThreadScope t(b);
    Unpin(from_b);
  }).join();
}

}  // namespace
}  // namespace pinion
