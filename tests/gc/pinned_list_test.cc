// Tests of the pinned list (gc/internal/pinned_list.h): the root source that makes pinned
// objects roots, listed on their first pin and dropped once found unpinned.
#include <doctest/doctest.h>

#include <vector>

#include "gc/heap.h"
#include "gc/internal/heap_impl.h"
#include "gc/internal/pin_slot.h"
#include "gc/internal/pinned_list.h"
#include "pinning/pin.h"

namespace {

using pinion::Allocate;
using pinion::Heap;
using pinion::ThreadScope;
using pinion::internal::PinnedList;
using pinion::internal::PinSlotOf;

const pinion::TypeId kLeaf = pinion::RegisterType({"Leaf", 16, nullptr, nullptr});

struct Recorder final : pinion::RootVisitor {
  void VisitRoot(void* object) override { roots.push_back(object); }
  std::vector<void*> roots;
};

pinion::HeapConfig NoAutoCollect() {
  pinion::HeapConfig config;
  config.min_heap_bytes = size_t{1} << 40;
  return config;
}

}  // namespace

TEST_CASE("an object is listed once on its first pin and visited while its count is positive") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  PinnedList& list = heap.impl().pinned;
  void* a = Allocate(kLeaf);
  void* b = Allocate(kLeaf);
  CHECK(list.size() == 0);
  CHECK(PinSlotOf(a, /*create=*/false).count == nullptr);  // never pinned: no table yet
  pinion::Pin(a);
  pinion::Pin(a);
  pinion::Pin(b);
  CHECK(list.size() == 2);  // one entry per object, whatever its count
  CHECK(PinSlotOf(a, false).count->load() == 2);
  CHECK(PinSlotOf(a, false).listed->load() == 1);
  Recorder recorder;
  list.VisitRoots(recorder);
  CHECK(recorder.roots == std::vector<void*>{a, b});
  pinion::Unpin(b);
  CHECK(list.size() == 2);  // reaching zero does nothing eagerly
  recorder.roots.clear();
  list.VisitRoots(recorder);  // ...but the next enumeration drops it
  CHECK(recorder.roots == std::vector<void*>{a});
  CHECK(list.size() == 1);
  CHECK(PinSlotOf(b, false).listed->load() == 0);
  pinion::Pin(b);  // pinned again: listed again
  CHECK(list.size() == 2);
  pinion::Unpin(b);
  pinion::Unpin(a);
  pinion::Unpin(a);
  heap.Collect();  // the collector enumerates it as a root source
  CHECK(list.size() == 0);
}

TEST_CASE("large objects keep their pin count in the LargeObject") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  void* large = Allocate(kLeaf, 1 << 20);
  const pinion::internal::PinSlot slot = PinSlotOf(large, /*create=*/false);
  auto* lo = static_cast<pinion::internal::LargeObject*>(pinion::internal::SegmentOf(large));
  CHECK(slot.count == &lo->pin_count);
  CHECK(slot.listed == &lo->pin_listed);
  pinion::Pin(large);
  CHECK(lo->pin_count.load() == 1);
  CHECK(heap.impl().pinned.size() == 1);
  heap.Collect();
  CHECK(pinion::FindObject(large) == large);
  pinion::Unpin(large);
  heap.Collect();
  CHECK(pinion::FindObject(large) == nullptr);
  CHECK(heap.impl().pinned.size() == 0);
}
