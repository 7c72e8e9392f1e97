// Tests of the thread registry (roots/thread_registry.h): attach/detach, the stop-the-world
// handshake with parked and native threads, and — through a Heap — collections running while
// other threads poll safepoints, block in native regions, or attach and detach.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "roots/root_set.h"
#include "roots/thread_registry.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Misuse;
using pinion::RootSet;
using pinion::ThreadMode;
using pinion::ThreadRecord;
using pinion::ThreadRegistry;
using pinion::test_support::MisuseLog;
using pinion::test_support::MisuseOf;
using pinion::test_support::ScopedMisuseHandler;
using pinion::test_support::ScopedMisuseLog;

// Spins (yielding) until `flag` holds `value`.
template <class T>
void AwaitValue(const std::atomic<T>& flag, T value) {
  while (flag.load() != value) std::this_thread::yield();
}

// Stops the world from a thread of its own and keeps it stopped until Resume().
class HeldStop {
 public:
  explicit HeldStop(ThreadRegistry& registry)
      : thread_([this, &registry] {
          registry.StopTheWorld();
          stopped_ = true;
          AwaitValue(resume_, true);
          registry.ResumeTheWorld();
        }) {}
  void AwaitStopped() { AwaitValue(stopped_, true); }
  void Resume() {
    resume_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stopped_{false}, resume_{false};
  std::thread thread_;  // last: starts once the flags exist
};

// Gives other threads plenty of chances to run, without asserting anything about time.
void LetOthersRun() {
  for (int i = 0; i < 2000; ++i) std::this_thread::yield();
}

}  // namespace

// ---- The registry alone ---------------------------------------------------------------------

TEST_CASE("Attach makes the record current and registered, running; Detach undoes both") {
  RootSet roots;
  ThreadRegistry& registry = roots.threads();
  ThreadRecord record(roots);
  CHECK(ThreadRecord::Current() == nullptr);
  CHECK(registry.thread_count() == 0);
  registry.Attach(&record);
  CHECK(ThreadRecord::Current() == &record);
  CHECK(registry.thread_count() == 1);
  CHECK(record.mode.load() == ThreadMode::kRunning);
  CHECK_FALSE(registry.stop_requested());
  registry.Detach(&record);
  CHECK(ThreadRecord::Current() == nullptr);
  CHECK(registry.thread_count() == 0);
}

TEST_CASE("misuse: attaching an attached thread, detaching another thread's record (kBadNesting)") {
  RootSet roots;
  ThreadRegistry& registry = roots.threads();
  ThreadRecord mine(roots), other(roots);
  registry.Attach(&mine);
  {
    ScopedMisuseHandler handler;
    CHECK(MisuseOf([&] { registry.Attach(&other); }) == Misuse::kBadNesting);
    CHECK(MisuseOf([&] { registry.Detach(&other); }) == Misuse::kBadNesting);
  }
  CHECK(registry.thread_count() == 1);
  CHECK(ThreadRecord::Current() == &mine);
  registry.Detach(&mine);
  CHECK(registry.thread_count() == 0);
}

TEST_CASE("a handshake requested with the world running runs on a running thread at its poll") {
  RootSet roots;
  ThreadRegistry& registry = roots.threads();
  ThreadRecord record(roots);
  std::atomic<bool> attached{false}, stop{false};
  std::thread::id mutator_id;
  std::thread mutator([&] {
    registry.Attach(&record);
    attached = true;
    while (!stop.load()) {
      if (record.interrupt.load()) registry.Poll(&record);  // the safepoint poll
    }
    registry.Detach(&record);
  });
  mutator_id = mutator.get_id();
  AwaitValue(attached, true);
  struct Seen {
    std::atomic<int> calls{0};
    std::thread::id on;
  } seen;
  for (int round = 1; round <= 3; ++round) {
    registry.RequestRootScans(
        [](void* context, ThreadRecord*) {
          auto* s = static_cast<Seen*>(context);
          s->on = std::this_thread::get_id();
          s->calls.fetch_add(1);
        },
        &seen);
    while (!registry.ScanStoppedThreads()) std::this_thread::yield();
    CHECK(seen.calls.load() == round);  // once per request
    CHECK(seen.on == mutator_id);       // by the thread itself: it never stopped
    CHECK(record.roots_state.load() == pinion::RootsState::kScanned);
  }
  stop = true;
  mutator.join();
}

TEST_CASE("StopTheWorld parks running threads at their next poll; ResumeTheWorld releases them") {
  RootSet roots;
  ThreadRegistry& registry = roots.threads();
  ThreadRecord record(roots);
  std::atomic<bool> attached{false}, stop{false};
  std::atomic<long> iterations{0};
  std::thread mutator([&] {
    registry.Attach(&record);
    attached = true;
    while (!stop.load()) {
      if (record.interrupt.load()) registry.Poll(&record);  // the safepoint poll
      iterations.fetch_add(1);
    }
    registry.Detach(&record);
  });
  AwaitValue(attached, true);
  for (int round = 0; round < 20; ++round) {
    registry.StopTheWorld();
    CHECK(registry.world_stopped());
    CHECK(record.mode.load() == ThreadMode::kParked);
    std::vector<ThreadRecord*> seen;
    registry.ForEachThread([&](ThreadRecord* t) { seen.push_back(t); });
    CHECK(seen == std::vector<ThreadRecord*>{&record});
    const long before = iterations.load();
    LetOthersRun();
    CHECK(iterations.load() == before);  // a parked thread does not run
    registry.ResumeTheWorld();
    CHECK_FALSE(registry.world_stopped());
    while (iterations.load() < before + 10) std::this_thread::yield();  // it runs again
  }
  stop = true;
  mutator.join();
  CHECK(registry.thread_count() == 0);
}

TEST_CASE("a thread in a native region counts as stopped; it blocks on the way out until resume") {
  RootSet roots;
  ThreadRegistry& registry = roots.threads();
  ThreadRecord record(roots);
  std::atomic<int> step{0};
  std::atomic<bool> left{false};
  std::thread native([&] {
    registry.Attach(&record);
    registry.EnterNative(&record);
    step = 1;
    AwaitValue(step, 2);  // blocking, but in a native region: nobody waits for us
    registry.LeaveNative(&record);
    left = true;
    registry.Detach(&record);
  });
  AwaitValue(step, 1);
  registry.StopTheWorld();  // returns although the thread never polls
  CHECK(record.mode.load() == ThreadMode::kNative);
  step = 2;
  LetOthersRun();
  CHECK_FALSE(left.load());  // may not leave while the world is stopped
  registry.ResumeTheWorld();
  native.join();
  CHECK(left.load());
}

TEST_CASE("attaching waits for a pause to end") {
  RootSet roots;
  ThreadRegistry& registry = roots.threads();
  ThreadRecord record(roots);
  std::atomic<bool> attached{false};
  registry.StopTheWorld();
  std::thread late([&] {
    registry.Attach(&record);
    attached = true;
    registry.Detach(&record);
  });
  LetOthersRun();
  CHECK_FALSE(attached.load());
  registry.ResumeTheWorld();
  late.join();
  CHECK(attached.load());
}

TEST_CASE("a thread that attaches while a stop is under way is stopped too") {
  RootSet roots;
  ThreadRegistry& registry = roots.threads();
  ThreadRecord slow(roots), late(roots);
  std::atomic<bool> poll{false}, stop{false}, late_attached{false};
  // Runs without polling until told to, so that the stop waits for it with mu_ released.
  auto mutator = [&](ThreadRecord* record, std::atomic<bool>* attached) {
    registry.Attach(record);
    if (attached != nullptr) *attached = true;
    while (!stop.load()) {
      if (poll.load() && record->interrupt.load()) registry.Poll(record);
    }
    registry.Detach(record);
  };
  std::thread slow_thread(mutator, &slow, nullptr);
  while (registry.thread_count() != 1) std::this_thread::yield();
  HeldStop collector(registry);
  while (!registry.stop_requested()) std::this_thread::yield();
  std::thread late_thread(mutator, &late, &late_attached);  // after the interrupts went out
  AwaitValue(late_attached, true);
  poll = true;
  collector.AwaitStopped();  // hangs (the test times out) if `late` is never interrupted
  CHECK(slow.mode.load() == ThreadMode::kParked);
  CHECK(late.mode.load() == ThreadMode::kParked);
  stop = true;
  collector.Resume();
  slow_thread.join();
  late_thread.join();
  CHECK(registry.thread_count() == 0);
}

// ---- Through a heap -------------------------------------------------------------------------

namespace {

struct Tracked {
  long id;
};
std::atomic<int> g_finalized{0};
void CountFinalize(void*) { g_finalized.fetch_add(1); }
const pinion::TypeId kTracked =
    pinion::RegisterType({"Tracked", sizeof(Tracked), nullptr, &CountFinalize});

struct Node {
  Node* left;
  Node* right;
  long value;
};
void TraceNode(void* object, pinion::Visitor& v) {
  v.Visit(static_cast<Node*>(object)->left);
  v.Visit(static_cast<Node*>(object)->right);
}
const pinion::TypeId kNode = pinion::RegisterType({"Node", sizeof(Node), &TraceNode, nullptr});

Node* MakeTree(int depth) {
  pinion::HandleScope scope;
  if (depth == 0) return pinion::New<Node>(kNode, Node{nullptr, nullptr, 1});
  pinion::Handle<Node> l(MakeTree(depth - 1));
  pinion::Handle<Node> r(MakeTree(depth - 1));
  return pinion::New<Node>(kNode, Node{l.get(), r.get(), 1});
}
long Sum(const Node* n) { return n ? n->value + Sum(n->left) + Sum(n->right) : 0; }

}  // namespace

TEST_CASE("collections complete while another attached thread spins polling Safepoint()") {
  pinion::Heap heap;
  std::atomic<bool> ready{false}, stop{false};
  std::atomic<long> polls{0};
  long value_seen = 0;
  std::thread spinner([&] {
    pinion::ThreadScope thread(heap);
    pinion::HandleScope scope;
    pinion::Handle<Node> keep(pinion::New<Node>(kNode, Node{nullptr, nullptr, 7}));
    ready = true;
    while (!stop.load(std::memory_order_relaxed)) {
      pinion::Safepoint();
      polls.fetch_add(1, std::memory_order_relaxed);
    }
    value_seen = keep->value;
  });
  AwaitValue(ready, true);
  {
    pinion::ThreadScope thread(heap);  // attached collector
    for (int i = 0; i < 25; ++i) heap.Collect();
  }
  for (int i = 0; i < 25; ++i) heap.Collect();  // unattached collector
  CHECK(heap.stats().collections == 50);
  CHECK(heap.stats().live_bytes > 0);  // the spinner's node
  stop = true;
  spinner.join();
  CHECK(value_seen == 7);
  CHECK(polls.load() > 0);
}

TEST_CASE("a thread blocked in a native region does not block collections; CallNative pins its args") {
  g_finalized = 0;
  pinion::Heap heap;
  std::atomic<int> step{0};
  Tracked* object = nullptr;
  long result = 0;
  int32_t pins_during = -1, pins_after = -1;
  std::thread blocked([&] {
    pinion::ThreadScope thread(heap);
    object = pinion::New<Tracked>(kTracked, Tracked{41});  // only the pin will keep it
    result = pinion::CallNative(
        [&](Tracked* t) {
          step = 1;
          AwaitValue(step, 2);  // blocked "in native code"
          return t->id + 1;
        },
        object);
    pins_after = pinion::PinCount(object);
  });
  AwaitValue(step, 1);
  {
    pinion::ThreadScope thread(heap);
    pinion::HandleScope scope;
    for (int i = 0; i < 5; ++i) {
      for (int j = 0; j < 20000; ++j) pinion::New<Tracked>(kTracked, Tracked{-1});  // garbage
      heap.Collect();
      CHECK(pinion::FindObject(object) == object);
      CHECK(object->id == 41);
    }
    pins_during = pinion::PinCount(object);  // counted by the collections
  }
  CHECK(g_finalized.load() == 5 * 20000);  // every garbage object, and not the pinned one
  step = 2;
  blocked.join();
  CHECK(pins_during == 1);
  CHECK(result == 42);
  CHECK(pins_after == 0);
  heap.Collect();  // unpinned and unreachable now
  CHECK(g_finalized.load() == 5 * 20000 + 1);
  CHECK(pinion::FindObject(object) == nullptr);
}

TEST_CASE("threads attach and detach concurrently with collections") {
  pinion::HeapConfig config;
  config.min_heap_bytes = 1 << 20;
  pinion::Heap heap(config);
  std::atomic<int> running{4}, broken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 25; ++round) {
        pinion::ThreadScope thread(heap);
        pinion::HandleScope scope;
        pinion::Handle<Node> tree(MakeTree(7));
        for (int i = 0; i < 2000; ++i) pinion::New<Node>(kNode);
        pinion::Safepoint();
        if (Sum(tree.get()) != (1 << 8) - 1) broken.fetch_add(1);
      }
      running.fetch_sub(1);
    });
  }
  int collections = 0;
  while (running.load() > 0) {
    heap.Collect();
    ++collections;
  }
  for (std::thread& t : threads) t.join();
  CHECK(broken.load() == 0);
  CHECK(collections > 0);
  CHECK(heap.roots().threads().thread_count() == 0);
  heap.Collect();
  CHECK(heap.stats().live_bytes == 0);
}

TEST_CASE("Safepoint() on an unattached thread is a no-op") {
  pinion::Safepoint();
  CHECK(ThreadRecord::Current() == nullptr);
}

// Issue 9, defect 5: Safepoint() inside a native region while a stop was under way parked
// the thread and then stored kRunning, so the rest of the region ran as a mutator: heap
// access there was no longer reported, and the next stop waited for it forever.
TEST_CASE("Safepoint() inside a native region during a stop returns at once and stays native") {
  pinion::Heap heap(pinion::test_support::NoAutoCollect());
  pinion::ThreadScope scope(heap);
  ThreadRegistry& registry = heap.roots().threads();
  ThreadRecord* self = ThreadRecord::Current();
  pinion::NativeRegion region;
  HeldStop collector(registry);
  collector.AwaitStopped();
  CHECK(self->interrupt.load());  // the stop asked this thread to poll
  pinion::Safepoint();            // returns at once: a native thread does not park
  CHECK(self->mode.load() == ThreadMode::kNative);
  {
    ScopedMisuseHandler handler;
    CHECK(MisuseOf([] { pinion::Allocate(pinion::RegisterType({"X", 8, nullptr, nullptr})); }) ==
          Misuse::kThreadNotAttached);
  }
  collector.Resume();
  heap.Collect();  // from inside the region: the stop does not wait for this thread
  CHECK(self->mode.load() == ThreadMode::kNative);
}
