// Tests of weak references (gc/weak_member.h, gc/weak_root.h, gc/weak_c.h,
// gc/internal/weak_processor.h): fields and roots read null once their referent is found
// unreachable, and not before; every weak reference to an object is cleared in the same
// pause, before any finalizer of that collection runs, also those found only through a
// finalizer's reach; a resurrected object's old weak references stay null; callbacks run
// after the collection, on a mutator, weak callbacks before finalizers; both modes; misuse.
// (Weak reads during concurrent marking: concurrent_test.cc.)
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gc/fault_injection.h"
#include "gc/finalization.h"
#include "gc/heap.h"
#include "gc/weak_c.h"
#include "gc/weak_root.h"
#include "pinning/pin.h"
#include "roots/root_set.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::CollectorMode;
using pinion::FindObject;
using pinion::FinalizeWhenUnreachable;
using pinion::GlobalRoot;
using pinion::Heap;
using pinion::HeapConfig;
using pinion::Member;
using pinion::Misuse;
using pinion::RunFinalizers;
using pinion::ThreadScope;
using pinion::TypeId;
using pinion::WeakMember;
using pinion::WeakRoot;
using pinion::test_support::MisuseLog;
using pinion::test_support::NoAutoCollect;
using pinion::test_support::ScopedMisuseLog;

struct Leaf {
  long value;
};
const TypeId kLeaf = pinion::RegisterType({.name = "Leaf", .size = sizeof(Leaf)});

// A holder: one weak field (with a callback that logs the holder), one strong field.
std::vector<std::string>* g_log = nullptr;
struct Holder {
  WeakMember<void> weak;
  Member<Leaf> strong;  // any object: a Leaf or a Holder (As)
  const char* name;
};
void OnHolderCleared(void* holder) {
  if (g_log != nullptr) g_log->push_back(std::string("cleared ") + static_cast<Holder*>(holder)->name);
}
void TraceHolder(void* object, pinion::Visitor& v) {
  Holder* h = static_cast<Holder*>(object);
  v.VisitWeak(h->weak, &OnHolderCleared, h);
  v.Visit(h->strong);
}
const TypeId kHolder =
    pinion::RegisterType({.name = "Holder", .size = sizeof(Holder), .trace = &TraceHolder});

// A finalizable object with a strong edge: its callback records what the weak references
// given to it read at that moment, and may resurrect it.
struct Finalizable {
  Member<Leaf> edge;  // any object (As)
  const char* name;
};
std::vector<WeakRoot<void>*>* g_watched = nullptr;
std::vector<Finalizable*>* g_resurrect = nullptr;
void TraceFinalizable(void* object, pinion::Visitor& v) {
  v.Visit(static_cast<Finalizable*>(object)->edge);
}
void OnFinalizableUnreachable(void* object) {
  Finalizable* f = static_cast<Finalizable*>(object);
  std::string line = std::string("finalize ") + f->name;
  if (g_watched != nullptr) {
    for (WeakRoot<void>* w : *g_watched) line += w->get() == nullptr ? " null" : " set";
  }
  if (g_log != nullptr) g_log->push_back(line);
  if (g_resurrect != nullptr) g_resurrect->push_back(f);
}
const TypeId kFinalizable = pinion::RegisterType({.name = "Finalizable",
                                                  .size = sizeof(Finalizable),
                                                  .trace = &TraceFinalizable,
                                                  .on_unreachable = &OnFinalizableUnreachable});

// Strong fields are typed Member<Leaf> but may hold any object.
template <class T>
Leaf* As(T* object) {
  return reinterpret_cast<Leaf*>(object);
}

template <class T>
T* Make(TypeId type) {
  return pinion::New<T>(type);
}

struct Log {
  std::vector<std::string> lines;
  Log() { g_log = &lines; }
  ~Log() {
    g_log = nullptr;
    g_watched = nullptr;
    g_resurrect = nullptr;
  }
};

// A C-style weak field (VisitWeakField): the test can look at what it holds without the
// read barrier.
struct RawWeak {
  Leaf* weak;
};
void TraceRawWeak(void* object, pinion::Visitor& v) {
  v.VisitWeakField(&static_cast<RawWeak*>(object)->weak);
}
const TypeId kRawWeak =
    pinion::RegisterType({.name = "RawWeak", .size = sizeof(RawWeak), .trace = &TraceRawWeak});
Leaf* Peek(Leaf* const* slot) {
  return std::atomic_ref<Leaf*>(*const_cast<Leaf**>(slot)).load(std::memory_order_acquire);
}

void CountCall(void* data) { ++*static_cast<int*>(data); }

// Holds the collecting thread after its last pause, before it clears weak references, until
// released; counts the cycles that had a clearing phase.
std::atomic<bool> g_clearing_held{false}, g_clearing_release{true};
std::atomic<int> g_clearing_phases{0};
void HoldWeakClearing(pinion::fault::Point point) {
  if (point != pinion::fault::Point::kWeakClearing) return;
  g_clearing_phases.fetch_add(1);
  g_clearing_held = true;
  while (!g_clearing_release.load()) std::this_thread::yield();
}

HeapConfig InMode(CollectorMode mode) {
  HeapConfig config = NoAutoCollect();
  config.mode = mode;
  return config;
}

}  // namespace

TEST_CASE("a weak field reads its referent while it lives, null once it is unreachable") {
  for (CollectorMode mode : {CollectorMode::kStopTheWorld, CollectorMode::kConcurrent}) {
    CAPTURE(static_cast<int>(mode));
    Log log;
    Heap heap(InMode(mode));
    ThreadScope scope(heap);
    GlobalRoot<Holder> holder(heap.roots(), Make<Holder>(kHolder));
    holder->name = "h";
    Leaf* leaf = Make<Leaf>(kLeaf);
    leaf->value = 7;
    holder->weak = leaf;
    holder->strong = leaf;  // reachable: weak and strong
    for (int i = 0; i < 2; ++i) heap.Collect();
    CHECK(holder->weak.get() == leaf);
    CHECK(static_cast<Leaf*>(holder->weak.get())->value == 7);
    CHECK(RunFinalizers() == 0);

    holder->strong = nullptr;  // only the weak field is left
    heap.Collect();
    CHECK(holder->weak.get() == nullptr);
    CHECK(FindObject(leaf) == nullptr);  // and the weak field kept nothing alive
    CHECK(log.lines.empty());            // the callback has not run yet: after the pause
    CHECK(RunFinalizers() == 1);
    CHECK(log.lines == std::vector<std::string>{"cleared h"});
    heap.Collect();
    CHECK(RunFinalizers() == 0);  // once per clearing
  }
}

TEST_CASE("a pinned referent is a root: weak references to it stay until it is unpinned") {
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  Leaf* leaf = Make<Leaf>(kLeaf);
  pinion::Pin(leaf);
  WeakRoot<Leaf> weak(heap, leaf);
  heap.Collect();
  CHECK(weak.get() == leaf);
  pinion::Unpin(leaf);
  heap.Collect();
  CHECK(weak.get() == nullptr);
}

TEST_CASE("weak roots: cleared with the fields, callbacks after the collection; set and reuse") {
  Log log;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  GlobalRoot<Holder> holder(heap.roots(), Make<Holder>(kHolder));
  holder->name = "h";
  Leaf* leaf = Make<Leaf>(kLeaf);
  Leaf* other = Make<Leaf>(kLeaf);
  GlobalRoot<Leaf> keep(heap.roots(), other);
  holder->weak = leaf;
  int called = 0;
  WeakRoot<Leaf> root(heap, leaf, [](void* n) { ++*static_cast<int*>(n); }, &called);
  WeakRoot<Leaf> plain(heap, leaf);
  {
    WeakRoot<Leaf> gone(heap, leaf);  // destroyed before the collection: nothing to clear
  }
  heap.Collect();
  CHECK(root.get() == nullptr);
  CHECK(plain.get() == nullptr);
  CHECK(holder->weak.get() == nullptr);
  CHECK(called == 0);
  CHECK(RunFinalizers() == 2);
  CHECK(called == 1);
  CHECK(log.lines == std::vector<std::string>{"cleared h"});

  root.set(other);  // reusable; the callback stays
  heap.Collect();
  CHECK(root.get() == other);
  keep.set(nullptr);
  heap.Collect();
  CHECK(root.get() == nullptr);
  CHECK(RunFinalizers() == 1);
  CHECK(called == 2);
}

TEST_CASE("weak references from C") {
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  Leaf* leaf = Make<Leaf>(kLeaf);
  GlobalRoot<Leaf> keep(heap.roots(), leaf);
  int called = 0;
  pinion_weak* weak = pinion_weak_new(leaf, [](void* n) { ++*static_cast<int*>(n); }, &called);
  REQUIRE(weak != nullptr);
  heap.Collect();
  CHECK(pinion_weak_get(weak) == leaf);
  keep.set(nullptr);
  heap.Collect();
  CHECK(pinion_weak_get(weak) == nullptr);
  CHECK(RunFinalizers() == 1);
  CHECK(called == 1);
  Leaf* again = Make<Leaf>(kLeaf);
  pinion::Pin(again);
  pinion_weak_set(weak, again);
  heap.Collect();
  CHECK(pinion_weak_get(weak) == again);
  pinion::Unpin(again);
  pinion_weak_free(weak);
  heap.Collect();
  CHECK(RunFinalizers() == 0);  // a freed root calls nothing
}

TEST_CASE("clearing is atomic: every weak reference to an object kept only for a finalizer "
          "is null before that finalizer runs") {
  for (CollectorMode mode : {CollectorMode::kStopTheWorld, CollectorMode::kConcurrent}) {
    CAPTURE(static_cast<int>(mode));
    Log log;
    Heap heap(InMode(mode));
    ThreadScope scope(heap);
    // f (unreachable, finalizable) -> target; weak to target: two fields, a root; h is live.
    Finalizable* f = Make<Finalizable>(kFinalizable);
    f->name = "f";
    FinalizeWhenUnreachable(f);
    Leaf* target = Make<Leaf>(kLeaf);
    target->value = 5;
    f->edge = target;
    GlobalRoot<Holder> outside(heap.roots(), Make<Holder>(kHolder));
    outside->name = "outside";
    outside->weak = target;
    Holder* h = Make<Holder>(kHolder);
    h->name = "h";
    h->weak = target;
    outside->strong = As(h);
    WeakRoot<void> weak_f(heap, f), weak_target(heap, target), weak_h(heap, h);
    std::vector<WeakRoot<void>*> watched = {&weak_f, &weak_target, &weak_h};
    g_watched = &watched;

    heap.Collect();  // f unreachable, queued: f and target are kept for its callback
    CHECK(weak_f.get() == nullptr);
    CHECK(weak_target.get() == nullptr);
    CHECK(outside->weak.get() == nullptr);
    CHECK(h->weak.get() == nullptr);
    CHECK(weak_h.get() == h);
    CHECK(FindObject(target) == target);
    CHECK(target->value == 5);
    CHECK(RunFinalizers() == 3);  // the two fields' callbacks, then f's finalizer
    REQUIRE(log.lines.size() == 3);
    CHECK(log.lines[2] == "finalize f null null set");  // as its finalizer saw them
    heap.Collect();
    CHECK(FindObject(target) == nullptr);
  }
}

TEST_CASE("weak fields found only through a finalizer's reach: cleared if that reach alone "
          "keeps their referent; a resurrected object's old weak references stay null") {
  for (CollectorMode mode : {CollectorMode::kStopTheWorld, CollectorMode::kConcurrent}) {
    CAPTURE(static_cast<int>(mode));
    Log log;
    std::vector<Finalizable*> resurrected;
    g_resurrect = &resurrected;
    Heap heap(InMode(mode));
    ThreadScope scope(heap);
    // f -> h -> h2 -> target, all reached only from f; h.weak -> target, h2.weak -> a live
    // leaf.
    Finalizable* f = Make<Finalizable>(kFinalizable);
    f->name = "f";
    FinalizeWhenUnreachable(f);
    Holder* h = Make<Holder>(kHolder);
    h->name = "h";
    Leaf* target = Make<Leaf>(kLeaf);
    target->value = 11;
    h->weak = target;
    Holder* h2 = Make<Holder>(kHolder);
    h2->name = "h2";
    Leaf* live = Make<Leaf>(kLeaf);
    GlobalRoot<Leaf> keep(heap.roots(), live);
    h2->weak = live;
    h2->strong = target;
    h->strong = As(h2);
    f->edge = As(h);
    WeakRoot<void> weak_f(heap, f);

    heap.Collect();
    CHECK(weak_f.get() == nullptr);
    CHECK(h->weak.get() == nullptr);  // target was unreachable, though f's reach keeps it
    CHECK(h2->weak.get() == live);    // a live referent is never cleared
    CHECK(RunFinalizers() == 2);      // h's weak callback, then f's finalizer
    CHECK(log.lines == std::vector<std::string>{"cleared h", "finalize f"});
    REQUIRE(resurrected.size() == 1);
    GlobalRoot<Finalizable> again(heap.roots(), resurrected[0]);  // f resurrects
    for (int i = 0; i < 2; ++i) heap.Collect();
    CHECK(FindObject(target) == target);
    CHECK(target->value == 11);
    CHECK(h->weak.get() == nullptr);  // stays null: weak references are not restored
    CHECK(weak_f.get() == nullptr);
    CHECK(h2->weak.get() == live);
    CHECK(RunFinalizers() == 0);
  }
}

TEST_CASE("after the pause, before the weak references are cleared, reads already answer: "
          "null for what the pause found dead, the referent for live and new objects; the "
          "pause's callbacks wait; references overwritten meanwhile still get theirs") {
  if (!pinion::fault::Available()) {
    MESSAGE("skipped: needs the fault-injection hooks (a build without NDEBUG)");
    return;
  }
  for (CollectorMode mode : {CollectorMode::kStopTheWorld, CollectorMode::kConcurrent}) {
    CAPTURE(static_cast<int>(mode));
    Log log;
    Heap heap(InMode(mode));
    ThreadScope scope(heap);
    GlobalRoot<RawWeak> to_dead(heap.roots(), Make<RawWeak>(kRawWeak));
    GlobalRoot<RawWeak> to_live(heap.roots(), Make<RawWeak>(kRawWeak));
    GlobalRoot<RawWeak> to_new(heap.roots(), Make<RawWeak>(kRawWeak));
    Leaf* dead = Make<Leaf>(kLeaf);
    GlobalRoot<Leaf> live(heap.roots(), Make<Leaf>(kLeaf));
    pinion::WeakStore(&to_dead->weak, dead);
    pinion::WeakStore(&to_live->weak, live.get());
    WeakRoot<Leaf> root(heap, dead);
    // Overwritten during the window while they read null: their callbacks are owed anyway.
    int watched_calls = 0;
    WeakRoot<Leaf> watched(heap, dead, &CountCall, &watched_calls);
    GlobalRoot<Holder> held(heap.roots(), Make<Holder>(kHolder));
    held->name = "held";
    held->weak = dead;
    Finalizable* f = Make<Finalizable>(kFinalizable);
    f->name = "f";
    FinalizeWhenUnreachable(f);

    g_clearing_held = g_clearing_release = false;
    pinion::fault::SetHook(&HoldWeakClearing);
    std::thread collector([&] { heap.Collect(); });
    while (!g_clearing_held.load()) pinion::Safepoint();  // parks for the pause(s)
    // The pause is over and the field still holds `dead`: the read barrier answers.
    CHECK(Peek(&to_dead->weak) == dead);
    CHECK(pinion::WeakLoad(&to_dead->weak) == nullptr);
    CHECK(root.get() == nullptr);
    CHECK(pinion::WeakLoad(&to_live->weak) == live.get());
    Leaf* fresh = Make<Leaf>(kLeaf);  // allocated since the pause: unmarked, and alive
    pinion::WeakStore(&to_new->weak, fresh);
    CHECK(pinion::WeakLoad(&to_new->weak) == fresh);
    WeakRoot<Leaf> fresh_root(heap, fresh);
    CHECK(fresh_root.get() == fresh);
    CHECK(RunFinalizers() == 0);  // f's callback waits for the clearing
    CHECK(watched.get() == nullptr);
    watched.set(fresh);
    CHECK(held->weak.get() == nullptr);
    held->weak = fresh;
    g_clearing_release = true;
    collector.join();
    pinion::fault::SetHook(nullptr);

    CHECK(Peek(&to_dead->weak) == nullptr);  // cleared before the sweep
    CHECK(pinion::WeakLoad(&to_dead->weak) == nullptr);
    CHECK(FindObject(dead) == nullptr);
    CHECK(Peek(&to_live->weak) == live.get());
    CHECK(Peek(&to_new->weak) == fresh);
    CHECK(FindObject(fresh) == fresh);
    CHECK(fresh_root.get() == fresh);
    CHECK(watched.get() == fresh);
    CHECK(held->weak.get() == fresh);
    CHECK(RunFinalizers() == 3);  // the two owed weak callbacks, then f's finalizer
    CHECK(watched_calls == 1);
    CHECK(log.lines == std::vector<std::string>{"cleared held", "finalize f"});
  }
}

TEST_CASE("a heap without weak references has no clearing phase") {
  if (!pinion::fault::Available()) {
    MESSAGE("skipped: needs the fault-injection hooks (a build without NDEBUG)");
    return;
  }
  for (CollectorMode mode : {CollectorMode::kStopTheWorld, CollectorMode::kConcurrent}) {
    CAPTURE(static_cast<int>(mode));
    Heap heap(InMode(mode));
    ThreadScope scope(heap);
    GlobalRoot<Holder> holder(heap.roots(), Make<Holder>(kHolder));
    holder->strong = Make<Leaf>(kLeaf);
    for (int i = 0; i < 1000; ++i) Make<Leaf>(kLeaf);
    g_clearing_phases = 0;
    g_clearing_release = true;
    pinion::fault::SetHook(&HoldWeakClearing);
    heap.Collect();  // the holder's weak field is null: the marker records nothing
    CHECK(g_clearing_phases.load() == 0);
    {
      WeakRoot<Leaf> root(heap, holder->strong.get());
      heap.Collect();
      CHECK(g_clearing_phases.load() == 1);
      CHECK(root.get() == holder->strong.get());
    }
    holder->weak = holder->strong.get();
    heap.Collect();
    CHECK(g_clearing_phases.load() == 2);
    pinion::fault::SetHook(nullptr);
  }
}

TEST_CASE("misuse: a weak root to something that is not an object of the heap") {
  ScopedMisuseLog log;
  Heap heap(NoAutoCollect());
  ThreadScope scope(heap);
  long local = 0;
  WeakRoot<long> weak(heap, &local);
  CHECK(MisuseLog::Count(Misuse::kNotAHeapObject) == 1);
  CHECK(weak.get() == nullptr);
  weak.set(&local);
  CHECK(MisuseLog::Count(Misuse::kNotAHeapObject) == 2);
  CHECK(weak.get() == nullptr);
}

TEST_CASE("misuse: a weak field naming an object of another heap is reported, never cleared") {
  ScopedMisuseLog log;
  Heap other(NoAutoCollect());
  Leaf* foreign = nullptr;
  {
    ThreadScope scope(other);
    foreign = Make<Leaf>(kLeaf);
    pinion::Pin(foreign);
  }
  Heap heap(NoAutoCollect());
  {
    ThreadScope scope(heap);
    GlobalRoot<Holder> holder(heap.roots(), Make<Holder>(kHolder));
    holder->name = "h";
    holder->weak = foreign;
    heap.Collect();
    CHECK(MisuseLog::Count(Misuse::kNotAHeapObject) == 1);
    CHECK(holder->weak.get() == foreign);  // refused: left as it was
  }
  ThreadScope scope(other);
  pinion::Unpin(foreign);
}
