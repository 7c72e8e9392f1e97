// Tests of handles (roots/handle_stack.h, roots/handles.h): the per-thread slot stack, scopes,
// handle semantics, and — through a Heap — handles as roots, including misuse.
#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "roots/handle_stack.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Handle;
using pinion::HandleScope;
using pinion::HandleStack;
using pinion::Misuse;
using pinion::test_support::MisuseLog;
using pinion::test_support::MisuseOf;
using pinion::test_support::ScopedMisuseHandler;
using pinion::test_support::ScopedMisuseLog;

void* Fake(uintptr_t n) { return reinterpret_cast<void*>(n * 16); }

std::vector<void*> Contents(const HandleStack& stack) {
  std::vector<void*> out;
  stack.ForEach([&](void* p) { out.push_back(p); });
  return out;
}

}  // namespace

// ---- HandleStack ----------------------------------------------------------------------------

TEST_CASE("HandleStack: Push returns the slot, size counts slots, ForEach skips nulls in order") {
  HandleStack stack;
  CHECK(stack.size() == 0);
  CHECK(Contents(stack).empty());
  void** a = stack.Push(Fake(1));
  void** b = stack.Push(nullptr);
  void** c = stack.Push(Fake(3));
  CHECK(stack.size() == 3);
  CHECK(*a == Fake(1));
  CHECK(b == a + 1);
  CHECK(c == a + 2);
  CHECK(Contents(stack) == std::vector<void*>{Fake(1), Fake(3)});
  *b = Fake(2);  // a slot is the handle's storage
  CHECK(Contents(stack) == std::vector<void*>{Fake(1), Fake(2), Fake(3)});
}

TEST_CASE("HandleStack: crossing blocks keeps slot addresses stable; Save/Restore pops") {
  HandleStack stack;
  void** first = stack.Push(Fake(1));
  const HandleStack::Mark mark = stack.Save();
  std::vector<void**> slots;
  for (uintptr_t i = 0; i < 5000; ++i) slots.push_back(stack.Push(Fake(i + 2)));
  CHECK(stack.size() == 5001);
  CHECK(*first == Fake(1));
  int wrong = 0;
  for (uintptr_t i = 0; i < 5000; ++i) wrong += *slots[i] != Fake(i + 2);
  CHECK(wrong == 0);
  CHECK(Contents(stack).size() == 5001);
  stack.Restore(mark);
  CHECK(stack.size() == 1);
  CHECK(Contents(stack) == std::vector<void*>{Fake(1)});
  // Blocks are reused: pushing again refills the same slots.
  for (uintptr_t i = 0; i < 5000; ++i) {
    void** slot = stack.Push(Fake(i + 7000));
    if (slot != slots[i]) wrong++;
  }
  CHECK(wrong == 0);
  CHECK(stack.size() == 5001);
  stack.Restore(mark);
  const HandleStack::Mark empty{0, first};
  stack.Restore(empty);
  CHECK(stack.size() == 0);
}

// ---- Handle and HandleScope -----------------------------------------------------------------

namespace {
std::atomic<int> g_finalized{0};
void CountFinalize(void*) { g_finalized.fetch_add(1); }
struct Box {
  long value;
};
const pinion::TypeId kBox = pinion::RegisterType({"Box", sizeof(Box), nullptr, &CountFinalize});

using pinion::test_support::NoAutoCollect;
}  // namespace

TEST_CASE("Handle: get, ->, *, bool, set; copies share the slot; a default handle is null") {
  pinion::Heap heap;
  pinion::ThreadScope thread(heap);
  HandleScope scope;
  Handle<Box> empty;
  CHECK(empty.get() == nullptr);
  CHECK_FALSE(empty);
  Handle<Box> h(pinion::New<Box>(kBox, Box{5}));
  CHECK(h);
  CHECK(h->value == 5);
  CHECK((*h).value == 5);
  Handle<Box> copy = h;
  Box* other = pinion::New<Box>(kBox, Box{6});
  copy.set(other);
  CHECK(h.get() == other);  // one slot
  Handle<Box> null_handle(nullptr);
  CHECK_FALSE(null_handle);
  CHECK(&pinion::CurrentHandleStack() == &pinion::ThreadRecord::Current()->handles);
}

TEST_CASE("handles are roots until their scope ends; nested scopes release only their own") {
  g_finalized = 0;
  pinion::Heap heap(NoAutoCollect());
  pinion::ThreadScope thread(heap);
  HandleStack& stack = pinion::CurrentHandleStack();
  const size_t base = stack.size();
  {
    HandleScope outer;
    Handle<Box> kept(pinion::New<Box>(kBox, Box{1}));
    {
      HandleScope inner;
      Handle<Box> dropped(pinion::New<Box>(kBox, Box{2}));
      CHECK(stack.size() == base + 2);
      heap.Collect();
      CHECK(g_finalized.load() == 0);
    }
    CHECK(stack.size() == base + 1);
    heap.Collect();
    CHECK(g_finalized.load() == 1);  // the inner one
    CHECK(kept->value == 1);
  }
  CHECK(stack.size() == base);
  heap.Collect();
  CHECK(g_finalized.load() == 2);
}

TEST_CASE("thousands of handles across blocks all keep their objects alive") {
  g_finalized = 0;
  pinion::Heap heap(NoAutoCollect());
  pinion::ThreadScope thread(heap);
  constexpr int kCount = 3000;  // about three blocks of slots
  {
    HandleScope scope;
    std::vector<Handle<Box>> handles;
    for (int i = 0; i < kCount; ++i) handles.emplace_back(pinion::New<Box>(kBox, Box{i}));
    heap.Collect();
    CHECK(g_finalized.load() == 0);
    int wrong = 0;
    for (int i = 0; i < kCount; ++i) wrong += handles[i]->value != i;
    CHECK(wrong == 0);
  }
  heap.Collect();
  CHECK(g_finalized.load() == kCount);
}

TEST_CASE("each thread's handles are roots, scanned while that thread is stopped") {
  g_finalized = 0;
  pinion::Heap heap(NoAutoCollect());
  std::atomic<int> step{0};
  std::thread other([&] {
    pinion::ThreadScope thread(heap);
    {
      HandleScope scope;
      Handle<Box> mine(pinion::New<Box>(kBox, Box{9}));
      step = 1;
      while (step.load() != 2) pinion::Safepoint();
      CHECK(mine->value == 9);
    }
    step = 3;
    while (step.load() != 4) pinion::Safepoint();
  });
  while (step.load() != 1) std::this_thread::yield();
  heap.Collect();
  CHECK(g_finalized.load() == 0);
  step = 2;
  while (step.load() != 3) std::this_thread::yield();
  heap.Collect();
  CHECK(g_finalized.load() == 1);
  step = 4;
  other.join();
}

TEST_CASE("misuse: handles and handle scopes need an attached thread (kThreadNotAttached)") {
  {
    ScopedMisuseHandler handler;
    CHECK(MisuseOf([] { Handle<Box> h(nullptr); }) == Misuse::kThreadNotAttached);
    CHECK(MisuseOf([] { HandleScope scope; }) == Misuse::kThreadNotAttached);
    std::optional<Misuse> in_thread;
    std::thread([&] { in_thread = MisuseOf([] { pinion::CurrentHandleStack(); }); }).join();
    CHECK(in_thread == Misuse::kThreadNotAttached);
  }
  // A handler that returns cannot make a handle out of nothing: the report is still an error.
  ScopedMisuseLog log;
  bool threw = false;
  try {
    Handle<Box> h(nullptr);
  } catch (const pinion::MisuseError& e) {
    threw = e.kind() == Misuse::kThreadNotAttached;
  }
  CHECK(threw);
  CHECK(MisuseLog::Count(Misuse::kThreadNotAttached) == 1);
}

// Issue 9, defect 7: a handle made inside a native region was not reported, and its write to
// the handle stack raced with a collector scanning that stack (the thread counts as stopped).
TEST_CASE("misuse: a handle or handle scope created inside a native region is kThreadNotAttached") {
  pinion::Heap heap(NoAutoCollect());
  pinion::ThreadScope thread(heap);
  HandleScope outer;
  Handle<Box> kept(pinion::New<Box>(kBox, Box{7}));
  const size_t before = pinion::CurrentHandleStack().size();
  {
    pinion::NativeRegion region;
    ScopedMisuseHandler handler;
    CHECK(MisuseOf([] { Handle<Box> h(nullptr); }) == Misuse::kThreadNotAttached);
    CHECK(MisuseOf([] { HandleScope scope; }) == Misuse::kThreadNotAttached);
  }
  CHECK(pinion::CurrentHandleStack().size() == before);  // nothing was pushed
  heap.Collect();
  CHECK(kept->value == 7);
}
