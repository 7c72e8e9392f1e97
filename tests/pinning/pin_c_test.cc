// Tests of the C pin API (pinning/pin_c.h) through functions compiled as C
// (pin_c_calls.c): what C pins keeps objects alive and counts exactly, mixes with C++ pins
// on the same log, overflows into counted pins, and misuse is reported as in C++.
#include <doctest/doctest.h>

#include <optional>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "tests/gc/test_support.h"

extern "C" {
void c_pin(const void* object);
void c_unpin(const void* object);
void c_pin_all(const void* const* objects, int n);
void c_unpin_all(const void* const* objects, int n, int oldest_first);
}

namespace {

using pinion::Heap;
using pinion::Misuse;
using pinion::ThreadScope;
using pinion::test_support::MisuseOf;
using pinion::test_support::ScopedMisuseHandler;

const pinion::TypeId kLeaf = pinion::RegisterType({"CLeaf", 16, nullptr, nullptr});

using pinion::test_support::NoAutoCollect;

}  // namespace

TEST_CASE("a pin from C is a root; its unpin from C demotes the object") {
  for (const pinion::CollectorMode mode :
       {pinion::CollectorMode::kStopTheWorld, pinion::CollectorMode::kConcurrent}) {
    pinion::HeapConfig config = NoAutoCollect();
    config.mode = mode;
    Heap heap(config);
    ThreadScope thread(heap);
    void* kept = pinion::Allocate(kLeaf);
    void* lost = pinion::Allocate(kLeaf);
    c_pin(kept);
    c_pin(kept);
    heap.Collect();
    CHECK(pinion::FindObject(kept) == kept);
    CHECK(pinion::FindObject(lost) == nullptr);
    CHECK(pinion::PinCount(kept) == 2);
    c_unpin(kept);
    pinion::Unpin(kept);  // C and C++ share the thread's log
    heap.Collect();
    CHECK(pinion::FindObject(kept) == nullptr);
  }
}

TEST_CASE("C pins that overflow the log are counted exactly, in either unpin order") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  pinion::HandleScope scope;
  std::vector<pinion::Handle<char>> handles;
  std::vector<const void*> objects;
  for (int i = 0; i < 1000; ++i) {
    handles.emplace_back(static_cast<char*>(pinion::Allocate(kLeaf)));
    objects.push_back(handles.back().get());
  }
  for (const int oldest_first : {0, 1}) {
    INFO("oldest first: " << oldest_first);
    c_pin_all(objects.data(), static_cast<int>(objects.size()));
    heap.Collect();
    for (const void* o : objects) CHECK(pinion::PinCount(o) == 1);
    c_unpin_all(objects.data(), static_cast<int>(objects.size()), oldest_first);
    heap.Collect();
    for (const void* o : objects) CHECK(pinion::PinCount(o) == 0);
  }
}

TEST_CASE("C pins from a native region or an unattached thread are kThreadNotAttached") {
  ScopedMisuseHandler handler;
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  void* object = pinion::Allocate(kLeaf);
  {
    pinion::NativeRegion region;
    CHECK(MisuseOf([&] { c_pin(object); }) == Misuse::kThreadNotAttached);
    CHECK(MisuseOf([&] { c_unpin(object); }) == Misuse::kThreadNotAttached);
  }
  std::optional<Misuse> pin, unpin;
  std::thread([&] {
    pin = MisuseOf([&] { c_pin(object); });
    unpin = MisuseOf([&] { c_unpin(object); });
  }).join();
  CHECK(pin == Misuse::kThreadNotAttached);
  CHECK(unpin == Misuse::kThreadNotAttached);
  CHECK(pinion::PinCount(object) == 0);
  static int not_heap = 0;
  // Debug builds check at the call; optimised ones when the log is counted.
  CHECK(MisuseOf([&] {
          c_pin(&not_heap);
          heap.Collect();
        }) == Misuse::kNotAHeapObject);
}
