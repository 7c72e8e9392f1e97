// Tests of the root set (roots/root_set.h): global slots and ranges, pluggable sources, thread
// handles, the visiting order, GlobalRoot, and removing an unknown registration.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "roots/root_set.h"
#include "roots/thread_registry.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Misuse;
using pinion::RootSet;
using pinion::test_support::MisuseLog;
using pinion::test_support::MisuseOf;
using pinion::test_support::ScopedMisuseHandler;
using pinion::test_support::ScopedMisuseLog;

void* Fake(uintptr_t n) { return reinterpret_cast<void*>(n * 16); }

struct Recorder final : pinion::RootVisitor {
  void VisitRoot(void* object) override { seen.push_back(object); }
  std::vector<void*> seen;
};

std::vector<void*> Visit(RootSet& roots) {
  Recorder recorder;
  roots.VisitRoots(recorder);
  return recorder.seen;
}

struct ListSource final : pinion::RootSource {
  void VisitRoots(pinion::RootVisitor& v) override {
    for (void* p : objects) v.VisitRoot(p);
  }
  std::vector<void*> objects;
};

}  // namespace

TEST_CASE("an empty root set visits nothing") {
  RootSet roots;
  CHECK(Visit(roots).empty());
}

TEST_CASE("global slots are read at every visit; null slots are skipped") {
  RootSet roots;
  void* slot = Fake(1);
  roots.AddGlobal(&slot);
  CHECK(Visit(roots) == std::vector<void*>{Fake(1)});
  slot = Fake(2);
  CHECK(Visit(roots) == std::vector<void*>{Fake(2)});
  slot = nullptr;
  CHECK(Visit(roots).empty());
  void* range[5] = {Fake(3), nullptr, Fake(4), nullptr, Fake(5)};
  roots.AddGlobalRange(range, 5);
  CHECK(Visit(roots) == std::vector<void*>{Fake(3), Fake(4), Fake(5)});
  roots.RemoveGlobal(&slot);
  slot = Fake(6);
  CHECK(Visit(roots) == std::vector<void*>{Fake(3), Fake(4), Fake(5)});
  roots.RemoveGlobal(range);
  CHECK(Visit(roots).empty());
}

TEST_CASE("a slot registered twice is visited twice and removed one registration at a time") {
  RootSet roots;
  void* slot = Fake(7);
  roots.AddGlobal(&slot);
  roots.AddGlobal(&slot);
  CHECK(Visit(roots).size() == 2);
  roots.RemoveGlobal(&slot);
  CHECK(Visit(roots) == std::vector<void*>{Fake(7)});
  roots.RemoveGlobal(&slot);
  CHECK(Visit(roots).empty());
}

TEST_CASE("RemoveGlobal of an unknown registration is kBadArgument and changes nothing") {
  RootSet roots;
  void* slot = Fake(1);
  void* never = Fake(2);
  void* range[2] = {Fake(3), Fake(4)};
  roots.AddGlobal(&slot);
  roots.AddGlobalRange(range, 2);
  {
    ScopedMisuseHandler handler;
    CHECK(MisuseOf([&] { roots.RemoveGlobal(&never); }) == Misuse::kBadArgument);
    CHECK(MisuseOf([&] { roots.RemoveGlobal(&range[1]); }) == Misuse::kBadArgument);  // not a start
  }
  {
    ScopedMisuseLog log;
    roots.RemoveGlobal(&never);
    CHECK(MisuseLog::Count(Misuse::kBadArgument) == 1);
  }
  CHECK(Visit(roots) == std::vector<void*>{Fake(1), Fake(3), Fake(4)});
  roots.RemoveGlobal(&slot);
  roots.RemoveGlobal(range);
}

TEST_CASE("sources are visited after globals and thread handles, until removed") {
  RootSet roots;
  ListSource source;
  source.objects = {Fake(10), Fake(11)};
  void* global = Fake(1);
  roots.AddSource(&source);
  roots.AddGlobal(&global);
  pinion::ThreadRecord record(roots);
  record.handles.Push(Fake(5));
  record.handles.Push(nullptr);
  record.handles.Push(Fake(6));
  std::thread([&] { roots.threads().Attach(&record); }).join();
  CHECK(Visit(roots) == std::vector<void*>{Fake(1), Fake(5), Fake(6), Fake(10), Fake(11)});
  roots.RemoveSource(&source);
  CHECK(Visit(roots) == std::vector<void*>{Fake(1), Fake(5), Fake(6)});
  std::thread([&] {
    pinion::ThreadRecord::SetCurrent(&record);  // Detach is the owner's to call
    roots.threads().Detach(&record);
  }).join();
  CHECK(Visit(roots) == std::vector<void*>{Fake(1)});
  roots.RemoveGlobal(&global);
}

TEST_CASE("GlobalRoot registers its slot for its lifetime") {
  RootSet roots;
  {
    pinion::GlobalRoot<int> empty(roots);
    CHECK(empty.get() == nullptr);
    CHECK(Visit(roots).empty());
    pinion::GlobalRoot<int> root(roots, static_cast<int*>(Fake(1)));
    CHECK(Visit(roots) == std::vector<void*>{Fake(1)});
    root.set(static_cast<int*>(Fake(2)));
    CHECK(root.get() == Fake(2));
    CHECK(Visit(roots) == std::vector<void*>{Fake(2)});
  }
  CHECK(Visit(roots).empty());
  ScopedMisuseLog log;  // both registrations were removed: nothing unknown was removed
  CHECK(MisuseLog::Size() == 0);
}
