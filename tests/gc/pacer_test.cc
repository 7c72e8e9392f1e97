// The pacer's arithmetic (gc/internal/pacer.h), cycle by cycle, without a heap: the
// stop-the-world budget, the concurrent goal (traced bytes, not black ones; memory, not
// counted bytes), the trigger from the measured runway, the assist schedule and the hard
// limit. How a real heap behaves under it is measured by //benchmarks:latency.
#include <doctest/doctest.h>

#include <cstdint>

#include "gc/heap.h"
#include "gc/internal/pacer.h"

namespace pinion::internal {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

HeapConfig Config(double growth = 2.5) {
  HeapConfig config;
  config.min_heap_bytes = 1 * kMiB;
  config.growth_factor = growth;
  return config;
}

// One concurrent cycle from the pacer's point of view: the start pause, `black` bytes
// allocated while marking, then the remark with `traced` bytes traced (`assisted` of them by
// assists), the heap committing `overhead` times what the pacer counted.
void Cycle(Pacer& pacer, uint64_t traced, uint64_t black, uint64_t assisted = 0,
           double overhead = 1.0) {
  pacer.StartedMarking();
  pacer.NoteAllocated(black);
  pacer.EndedMarking(traced, assisted, static_cast<uint64_t>(pacer.heap() * overhead),
                     /*concurrent=*/true);
}

TEST_CASE("stop-the-world: a cycle once the budget, live * (growth - 1), is handed out") {
  HeapConfig config = Config();
  Pacer pacer(config);
  CHECK(pacer.budget() == 1 * kMiB);  // min_heap before the first cycle
  pacer.NoteAllocated(1 * kMiB - 1);
  CHECK_FALSE(pacer.BudgetSpent());
  pacer.NoteAllocated(1);
  CHECK(pacer.BudgetSpent());

  pacer.EndedMarking(100 * kMiB, 0, 0, /*concurrent=*/false);
  CHECK(pacer.budget() == 150 * kMiB);
  CHECK(pacer.allocated_since_cycle() == 0);
  pacer.NoteAllocated(150 * kMiB - 1);
  CHECK_FALSE(pacer.BudgetSpent());
  pacer.NoteAllocated(1);
  CHECK(pacer.BudgetSpent());
  // A small live heap still gets min_heap of room.
  pacer.EndedMarking(100, 0, 0, /*concurrent=*/false);
  CHECK(pacer.budget() == 1 * kMiB);
}

TEST_CASE("concurrent: the goal is traced * growth; what was allocated black is heap, not goal") {
  HeapConfig config = Config();
  Pacer pacer(config);
  Cycle(pacer, 100 * kMiB, 60 * kMiB);
  CHECK(pacer.goal() == 250 * kMiB);
  CHECK(pacer.heap() == 160 * kMiB);  // traced + black survive this cycle's sweep
  pacer.NoteAllocated(10 * kMiB);
  CHECK(pacer.heap() == 170 * kMiB);
  // The hard limit: half the growth again.
  CHECK(pacer.PastHardLimit() == false);
  pacer.NoteAllocated(325 * kMiB - 170 * kMiB - 1);
  CHECK_FALSE(pacer.PastHardLimit());
  pacer.NoteAllocated(1);
  CHECK(pacer.PastHardLimit());
}

TEST_CASE("concurrent: the goal is of memory: counted bytes aim lower by the measured overhead") {
  HeapConfig config = Config();
  Pacer pacer(config);
  Cycle(pacer, 100 * kMiB, 60 * kMiB, 0, /*overhead=*/1.25);
  CHECK(pacer.goal() == 200 * kMiB);  // 250 MiB of memory / 1.25
  // The overhead counted is at most kMaxOverhead (an odd heap must not starve the goal).
  Cycle(pacer, 100 * kMiB, 60 * kMiB, 0, /*overhead=*/10.0);
  CHECK(pacer.goal() == static_cast<uint64_t>(250 * kMiB / Pacer::kMaxOverhead));
  // And never below the traced bytes.
  Cycle(pacer, 100 * kMiB, 60 * kMiB, 0, /*overhead=*/1.0);
  CHECK(pacer.goal() == 250 * kMiB);
}

TEST_CASE("concurrent: the trigger leaves the runway the last cycles' background marking needed") {
  HeapConfig config = Config();
  Pacer pacer(config);
  // No measurement yet: halfway from the heap to the goal.
  Cycle(pacer, 0, 0);
  CHECK(pacer.trigger() == pacer.heap() + (pacer.goal() - pacer.heap()) / 2);

  Pacer measured(config);
  // 0.6 bytes allocated per byte traced: the next cycle (100 MiB to trace) needs 60 MiB.
  Cycle(measured, 100 * kMiB, 60 * kMiB);
  CHECK(measured.trigger() == 190 * kMiB);
  CHECK_FALSE(measured.ShouldStart());  // heap 160 MiB
  measured.NoteAllocated(30 * kMiB);
  CHECK(measured.ShouldStart());

  // Assists traced a quarter: background marking alone would have needed 60 / 75 per byte,
  // and the average moves halfway there (0.7): the next cycle starts earlier.
  Cycle(measured, 100 * kMiB, 60 * kMiB, /*assisted=*/25 * kMiB);
  CHECK(static_cast<double>(measured.trigger()) == doctest::Approx(180.0 * kMiB).epsilon(1e-6));

  // A runway longer than the room left: start at once (back to back), never "in the past".
  Pacer busy(config);
  Cycle(busy, 100 * kMiB, 200 * kMiB);
  CHECK(busy.trigger() == busy.heap());
  CHECK(busy.ShouldStart());
}

TEST_CASE("concurrent: assists pay what marking owes by the schedule, at most kMaxAssistBytes") {
  HeapConfig config = Config();
  Pacer pacer(config);
  Cycle(pacer, 100 * kMiB, 60 * kMiB);  // goal 250, expected trace 100 MiB
  pacer.NoteAllocated(30 * kMiB);       // heap 190 MiB: the trigger
  pacer.StartedMarking();
  CHECK(pacer.AssistBytes(0) == 0);  // nothing allocated since the start: nothing owed
  // A quarter of the way to the goal (15 of 60 MiB): 25 MiB should be marked.
  pacer.NoteAllocated(15 * kMiB);
  CHECK(pacer.AssistBytes(25 * kMiB) == 0);  // on schedule
  CHECK(pacer.AssistBytes(30 * kMiB) == 0);  // background marking ahead: credit
  CHECK(pacer.AssistBytes(25 * kMiB - 1000) == 1000);
  CHECK(pacer.AssistBytes(0) == Pacer::kMaxAssistBytes);  // one assist at a time
  // The expected trace done: nothing owed at the goal. A trace that goes on past it owes
  // an eighth more than it marked by the hard limit (325 MiB), so only near it.
  pacer.NoteAllocated(45 * kMiB);  // the goal
  CHECK(pacer.AssistBytes(100 * kMiB) == 0);
  pacer.NoteAllocated(30 * kMiB);  // 280 MiB: 2/3 of the way from the start to the limit
  CHECK(pacer.AssistBytes(100 * kMiB) == 0);
  pacer.NoteAllocated(44 * kMiB);  // 324 MiB
  CHECK(pacer.AssistBytes(100 * kMiB) == Pacer::kMaxAssistBytes);
  CHECK_FALSE(pacer.PastHardLimit());
}

}  // namespace
}  // namespace pinion::internal
