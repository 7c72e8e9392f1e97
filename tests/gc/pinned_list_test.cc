// Tests of the pinned list (gc/internal/pinned_list.h): the root source that makes pinned
// objects roots, listed on their first counted pin and dropped once found unpinned; and of
// how thread pin logs (gc/internal/pin_log.h) are counted.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/heap_impl.h"
#include "gc/internal/pin_slot.h"
#include "gc/internal/pinned_list.h"
#include "gc/internal/thread_state.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "tests/gc/test_support.h"

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

// Counts the calling thread's pin log, as a full log or a pause would.
void CountMyPins(Heap& heap) {
  heap.impl().pinned.Flush(pinion::internal::ThreadState::Current()->pins);
}

using pinion::test_support::NoAutoCollect;

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
  CHECK(list.size() == 0);  // only in this thread's log so far
  CountMyPins(heap);
  CHECK(list.size() == 2);  // one entry per object, whatever its count
  CHECK(PinSlotOf(a, false).count->load() == 2);
  CHECK(PinSlotOf(a, false).flags->load() == pinion::internal::kPinListed);
  Recorder recorder;
  list.VisitRoots(recorder);
  CHECK(recorder.roots == std::vector<void*>{a, b});
  pinion::Unpin(b);
  CountMyPins(heap);
  CHECK(PinSlotOf(b, false).count->load() == 0);
  CHECK(list.size() == 2);  // reaching zero does nothing eagerly
  recorder.roots.clear();
  list.VisitRoots(recorder);  // ...but the next enumeration drops it
  CHECK(recorder.roots == std::vector<void*>{a});
  CHECK(list.size() == 1);
  CHECK(PinSlotOf(b, false).flags->load() == 0);
  pinion::Pin(b);  // pinned again: listed again
  CountMyPins(heap);
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
  CHECK(slot.flags == &lo->pin_flags);
  pinion::Pin(large);
  CountMyPins(heap);
  CHECK(lo->pin_count.load() == 1);
  CHECK(heap.impl().pinned.size() == 1);
  heap.Collect();
  CHECK(pinion::FindObject(large) == large);
  pinion::Unpin(large);
  heap.Collect();
  CHECK(pinion::FindObject(large) == nullptr);
  CHECK(heap.impl().pinned.size() == 0);
}

TEST_CASE("a pin and its unpin cancel in the log: the count is never touched") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  pinion::internal::PinLog& log = pinion::internal::ThreadState::Current()->pins;
  void* a = Allocate(kLeaf);
  void* b = Allocate(kLeaf);
  pinion::Pin(a);
  pinion::Unpin(a);  // the top entry: popped
  CHECK(log.empty());
  pinion::Pin(a);
  pinion::Pin(b);
  CHECK(pinion::PinCount(a) == 1);  // the thread's own log counts for it
  pinion::Unpin(a);  // not on top: cancelled further down
  CHECK(log.NetOf(a) == 0);
  CHECK(log.NetOf(b) == 1);
  pinion::Unpin(b);
  CHECK(log.empty());
  CHECK(PinSlotOf(a, false).count == nullptr);  // no count was ever created
  CHECK(heap.impl().pinned.size() == 0);
}

TEST_CASE("a full log is counted by its thread, and pins and unpins stay exact") {
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  pinion::HandleScope scope;
  constexpr size_t kObjects = 3 * pinion::internal::PinLog::kCapacity + 7;
  std::vector<pinion::Handle<char>> held;
  for (size_t i = 0; i < kObjects; ++i) held.emplace_back(static_cast<char*>(Allocate(kLeaf)));
  for (auto& h : held) pinion::Pin(h.get());
  CHECK(heap.impl().pinned.size() >= 3 * pinion::internal::PinLog::kCapacity);
  for (auto& h : held) CHECK(pinion::PinCount(h.get()) == 1);
  for (auto& h : held) pinion::Unpin(h.get());  // oldest first: none cancels on top
  heap.Collect();
  CHECK(heap.impl().pinned.size() == 0);
  for (auto& h : held) CHECK(pinion::PinCount(h.get()) == 0);
}

TEST_CASE("a pin held only in a thread's log is a root in both modes") {
  for (const pinion::CollectorMode mode :
       {pinion::CollectorMode::kStopTheWorld, pinion::CollectorMode::kConcurrent}) {
    pinion::HeapConfig config = NoAutoCollect();
    config.mode = mode;
    Heap heap(config);
    ThreadScope thread(heap);
    void* kept = Allocate(kLeaf);
    void* lost = Allocate(kLeaf);
    pinion::Pin(kept);
    CHECK(!pinion::internal::ThreadState::Current()->pins.empty());
    heap.Collect();
    CHECK(pinion::FindObject(kept) == kept);
    CHECK(pinion::FindObject(lost) == nullptr);
    CHECK(pinion::internal::ThreadState::Current()->pins.empty());  // counted at the pause
    CHECK(PinSlotOf(kept, false).count->load() == 1);
    pinion::Unpin(kept);
    heap.Collect();
    CHECK(pinion::FindObject(kept) == nullptr);
  }
}

TEST_CASE("pinned on one thread, unpinned on another: no misuse, the count ends exact") {
  using pinion::test_support::MisuseLog;
  pinion::test_support::ScopedMisuseLog misuse;
  Heap heap(NoAutoCollect());
  void* object = nullptr;
  std::atomic<int> step{0};
  // The pinner keeps its pin in its log (it never fills or detaches before the unpin).
  std::thread pinner([&] {
    ThreadScope thread(heap);
    object = Allocate(kLeaf);
    pinion::Pin(object);
    step = 1;
    while (step.load() != 2) pinion::Safepoint();
  });
  while (step.load() != 1) std::this_thread::yield();
  {
    ThreadScope thread(heap);
    pinion::Unpin(object);   // the matching pin is in the pinner's log
    CountMyPins(heap);       // counted early: it finds zero and waits (pending)
    CHECK(MisuseLog::Size() == 0);
    CHECK(pinion::FindObject(object) == object);
    heap.Collect();  // every log counted: pin then unpin; no longer a root
    CHECK(MisuseLog::Size() == 0);
    CHECK(pinion::FindObject(object) == nullptr);
  }
  step = 2;
  pinner.join();
}

TEST_CASE("a bad entry in a log is dropped and reported as kNotAHeapObject when counted") {
  // Optimised builds check Pin's argument only when the log is counted; this puts such an
  // entry in the log directly, so the check runs in every build.
  using pinion::test_support::MisuseLog;
  pinion::test_support::ScopedMisuseLog misuse;
  Heap heap(NoAutoCollect());
  ThreadScope thread(heap);
  void* good = Allocate(kLeaf);
  static int not_heap = 0;
  pinion::internal::PinLog& log = pinion::internal::ThreadState::Current()->pins;
  CHECK(log.TryPin(&not_heap));
  CHECK(log.TryPin(good));
  CHECK(log.TryUnpin(static_cast<char*>(good) + 8));  // interior
  heap.Collect();
  CHECK(MisuseLog::Count(pinion::Misuse::kNotAHeapObject) == 2);
  CHECK(MisuseLog::Size() == 2);
  CHECK(pinion::FindObject(good) == good);  // its pin still counted
  CHECK(pinion::PinCount(good) == 1);
  pinion::Unpin(good);
  heap.Collect();
  CHECK(MisuseLog::Size() == 2);
}

TEST_CASE("the pin fast path reaches a thread's log only while it runs; else the frozen log") {
  using pinion::internal::g_frozen_pin_log;
  using pinion::internal::t_pin_log;
  Heap heap(NoAutoCollect());
  CHECK(t_pin_log == &g_frozen_pin_log);  // not attached
  void* object = nullptr;
  {
    ThreadScope thread(heap);
    pinion::internal::PinLog* own = &pinion::internal::ThreadState::Current()->pins;
    CHECK(t_pin_log == own);
    object = Allocate(kLeaf);
    {
      pinion::NativeRegion region;
      CHECK(t_pin_log == &g_frozen_pin_log);
      // What Pin/Unpin do first in optimised builds: both fail, so the slow path reports.
      CHECK_FALSE(t_pin_log->TryPin(object));
      CHECK_FALSE(t_pin_log->TryCancel(object));
      CHECK(g_frozen_pin_log.empty());
    }
    CHECK(t_pin_log == own);
    pinion::Pin(object);
    CHECK(own->NetOf(object) == 1);
    pinion::Unpin(object);
  }
  CHECK(t_pin_log == &g_frozen_pin_log);  // detached
  std::thread([] { CHECK(t_pin_log == &g_frozen_pin_log); }).join();
}
