// Tests of native regions (roots/native_region.h): mode transitions and misuse.
#include <doctest/doctest.h>

#include <optional>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "roots/native_region.h"
#include "roots/root_set.h"
#include "tests/gc/test_support.h"

namespace {
using pinion::Misuse;
using pinion::NativeRegion;
using pinion::ThreadMode;
using pinion::ThreadRecord;
using pinion::test_support::MisuseLog;
using pinion::test_support::MisuseOf;
using pinion::test_support::ScopedMisuseHandler;
using pinion::test_support::ScopedMisuseLog;
}  // namespace

TEST_CASE("a native region switches the thread to kNative and back") {
  pinion::Heap heap;
  pinion::ThreadScope thread(heap);
  ThreadRecord* self = ThreadRecord::Current();
  CHECK(self->mode.load() == ThreadMode::kRunning);
  {
    NativeRegion region;
    CHECK(self->mode.load() == ThreadMode::kNative);
    heap.Collect();  // a collection from inside a region does not wait for itself
  }
  CHECK(self->mode.load() == ThreadMode::kRunning);
  CHECK(heap.stats().collections == 1);
}

TEST_CASE("misuse: a native region on an unattached thread is kThreadNotAttached") {
  {
    ScopedMisuseHandler handler;
    CHECK(MisuseOf([] { NativeRegion region; }) == Misuse::kThreadNotAttached);
  }
  ScopedMisuseLog log;
  { NativeRegion region; }  // reported; its destructor does nothing
  CHECK(MisuseLog::Count(Misuse::kThreadNotAttached) == 1);
  CHECK(MisuseLog::Size() == 1);
}

TEST_CASE("misuse: nested native regions are kBadNesting; the outer region still works") {
  pinion::Heap heap;
  pinion::ThreadScope thread(heap);
  ThreadRecord* self = ThreadRecord::Current();
  {
    NativeRegion outer;
    {
      ScopedMisuseHandler handler;
      CHECK(MisuseOf([] { NativeRegion inner; }) == Misuse::kBadNesting);
    }
    {
      ScopedMisuseLog log;
      { NativeRegion inner; }  // reported; leaving it must not leave the outer one
      CHECK(MisuseLog::Count(Misuse::kBadNesting) == 1);
    }
    CHECK(self->mode.load() == ThreadMode::kNative);
  }
  CHECK(self->mode.load() == ThreadMode::kRunning);
}

TEST_CASE("misuse: a ThreadScope destroyed inside a native region is kBadNesting") {
  pinion::Heap heap;
  ScopedMisuseLog log;
  std::thread([&] {
    std::optional<pinion::ThreadScope> scope(std::in_place, heap);
    pinion::test_support::KeepReachable(ThreadRecord::Current());  // not detached: leaks
    NativeRegion region;
    scope.reset();
    CHECK(MisuseLog::Count(Misuse::kBadNesting) == 1);
    CHECK(heap.roots().threads().thread_count() == 1);  // still attached
  }).join();  // exits attached: reported, and detached
  CHECK(MisuseLog::Count(Misuse::kThreadExitAttached) == 1);
  CHECK(heap.roots().threads().thread_count() == 0);
  heap.Collect();
}
