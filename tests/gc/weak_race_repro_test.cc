// Reproduction (not a regression test yet; fails under TSan until the collector is fixed):
// in concurrent mode the collector loads a weak reference with memory_order_relaxed while
// its owner stores an object it just allocated (WeakStore: release), then reads that
// object's metadata with no happens-before from the allocation:
//  1. Marker::Worker::VisitWeakSlot: relaxed load, then (debug builds) FindObject reads the
//     header of a page the owner formatted during marking (Page::Format);
//  2. WeakProcessor::Prefilter (marker threads, mutators running): relaxed Load, then
//     IsMarked reads mark metadata of a segment mapped / an object initialised by the
//     owner's AllocateSlow (seen once 1 is suppressed).
// An acquire load pairing with WeakStore's release (as Member loads do) would order both.
// Run: bazel test --config=tsan //tests/gc:weak_race_repro_test --test_output=errors
// (race 2 alone: add --test_env=TSAN_OPTIONS=halt_on_error=1:suppressions=FILE, FILE
// holding the line `race:pinion::FindObject`).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "gc/heap.h"
#include "gc/visitor.h"
#include "gc/weak_member.h"
#include "roots/root_set.h"

namespace {

struct Cell {
  pinion::Member<Cell> next;
  pinion::WeakMember<Cell> weak;
};
void TraceCell(void* object, pinion::Visitor& v) {
  Cell* c = static_cast<Cell*>(object);
  v.Visit(c->next);
  v.VisitWeak(c->weak);
}
const pinion::TypeId kCell =
    pinion::RegisterType({.name = "Cell", .size = sizeof(Cell), .trace = &TraceCell});

}  // namespace

TEST_CASE("a weak field pointed at a new page's object while a concurrent cycle marks") {
  pinion::HeapConfig config;
  config.mode = pinion::CollectorMode::kConcurrent;
  config.min_heap_bytes = 1 << 20;
  config.from_environment = false;
  pinion::Heap heap(config);
  std::atomic<bool> stop{false};
  std::thread collector([&] {  // unattached: cycles back to back
    while (!stop.load(std::memory_order_relaxed)) heap.Collect();
  });
  {
    pinion::ThreadScope scope(heap);
    pinion::GlobalRoot<Cell> head(heap.roots(), nullptr);
    std::vector<Cell*> holders;  // reachable from `head`, never move
    for (int i = 0; i < 20000; ++i) {
      Cell* c = static_cast<Cell*>(pinion::Allocate(kCell, sizeof(Cell)));
      c->next = head.get();
      head.set(c);
      holders.push_back(c);
    }
    for (int i = 0; i < 400000; ++i) {
      // 3 KiB cells: a fresh page (Page::Format on this thread) every ~20 allocations.
      Cell* fresh = static_cast<Cell*>(pinion::Allocate(kCell, 3072));
      holders[i % holders.size()]->weak = fresh;  // only weakly referenced
    }
    head.set(nullptr);
  }
  stop.store(true);
  collector.join();
  CHECK(heap.stats().collections > 0);
}
