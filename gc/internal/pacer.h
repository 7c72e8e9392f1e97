// The pacer: when a cycle starts, and how much marking a mutator that allocates during one
// owes. It owns the allocation counters; the collector (collector.h) asks it and tells it
// what each cycle found.
//
// Stop-the-world heaps: a cycle runs once the bytes handed out since the last one reach the
// budget  max(min_heap, live * (growth - 1)),  live being what that cycle marked.
//
// Concurrent heaps: Go's pacer, reduced to what a non-moving snapshot collector needs.
//   heap     the bytes in use as the pacer counts them: what the last remark pause found
//            marked (traced, plus what was allocated black while marking) and all handed
//            out since. Nothing it counts is freed before the next cycle's sweep.
//   goal     traced * growth (at least traced + min_heap) of MEMORY: where a cycle's marking
//            should end. From the TRACED bytes, not the marked ones: most of what a mutator
//            allocates during marking is, under churn, garbage that survives the cycle only
//            because it was allocated black; counting it as live would let every cycle's
//            floating garbage raise the next goal (the heap then peaked at 3-5x the live size).
//            Of memory: the pacer counts bytes of cells handed out, but a heap commits whole
//            pages (cells not yet reused, metadata: ~10% more under churn), so each remark
//            measures the committed bytes in use per counted byte (at most kMaxOverhead) and
//            the goal in counted bytes is the memory goal divided by that.
//   trigger  goal - runway: a cycle starts when the heap reaches it. The runway is what
//            the mutators allocated per byte the BACKGROUND markers traced in recent cycles
//            (a moving average), times the bytes the cycle will trace (the last one's). So
//            at a steady allocation rate marking ends at the goal on background marking
//            alone (a quarter of the marker threads), with no assists; a cycle that needed
//            assists raises the next runway (assists' tracing is not counted as background).
//            Never below the heap at the last remark: cycles then run back to back.
//   assists  while marking, a mutator about to take memory compares the marking done with
//            the schedule: with the heap a fraction f of the way from where the cycle
//            started to the goal, f of the expected trace should be marked. Behind it, the
//            mutator marks the difference, at most kMaxAssistBytes at a time (a page's
//            worth, four times over), before it takes a page; work the background markers
//            did ahead of the schedule pays for the mutators (Go's background credit).
//            Once more than the expected trace is marked (the live heap grew, or marking is
//            just ending), the schedule is an eighth more than marked, by the hard limit.
//   waits    a mutator waits for a cycle's marking to end only past the hard limit, the
//            goal plus half the growth (goal + (goal - traced) / 2): while marking, when
//            assists could not keep the heap below it (no work to share: a long list is
//            traced one object at a time); between cycles, when the heap got there before
//            the next cycle could start (the last sweep still running).
//
// Generational heaps (stop-the-world; remembered_set.h): two budgets.
//   old      the old generation: what the last full collection marked, plus what each minor
//            collection since promoted (its marked bytes: the young survivors).
//   minor    a minor collection runs once the bytes handed out since the last collection
//            reach the young budget  max(min_heap, live_full * (growth - 1) / 2), live_full
//            being what the last full collection marked.
//   full     the next collection is full once the old generation has grown by as much,
//            with half the floor: old >= live_full + max(min_heap / 2, live_full *
//            (growth - 1) / 2). A large heap then peaks near live * growth, as without
//            generations: half the growth for young objects, half for old garbage. The
//            first collection is full.
//
// Threads: NoteAllocated from allocating threads (any, relaxed counters); StartedMarking and
// EndedMarking under the collector's cycle_mu_ in a pause; the queries from any thread. Every
// field the queries read is a relaxed atomic: a stale value shifts a trigger or an assist by
// a page at most, and the pauses' handshakes order what a pause wrote before every mutator's
// next read. The moving average is EndedMarking's alone (cycle_mu_).
#ifndef PINION_GC_INTERNAL_PACER_H_
#define PINION_GC_INTERNAL_PACER_H_

#include <atomic>
#include <cstdint>

#include "gc/heap.h"

namespace pinion::internal {

class Pacer {
 public:
  // The most one assist marks before the mutator takes its page.
  static constexpr uint64_t kMaxAssistBytes = uint64_t{256} << 10;
  // The most committed memory a counted byte is taken to cost (see "goal").
  static constexpr double kMaxOverhead = 1.5;

  explicit Pacer(const HeapConfig& config);

  // Any allocating thread: `bytes` handed out (a page's free cells, a large mapping).
  void NoteAllocated(uint64_t bytes) {
    allocated_.fetch_add(bytes, std::memory_order_relaxed);
  }
  uint64_t allocated_total() const { return allocated_.load(std::memory_order_relaxed); }

  // Stop-the-world heaps: whether the budget since the last cycle is spent.
  bool BudgetSpent() const { return Since(cycle_start_) >= budget(); }
  uint64_t budget() const { return budget_.load(std::memory_order_relaxed); }

  // Concurrent heaps. The heap as counted above, its goal and the trigger.
  uint64_t heap() const { return heap_base_.load(std::memory_order_relaxed) + allocated_total(); }
  uint64_t goal() const { return goal_.load(std::memory_order_relaxed); }
  uint64_t trigger() const { return trigger_.load(std::memory_order_relaxed); }
  bool ShouldStart() const { return heap() >= trigger(); }
  bool PastHardLimit() const { return heap() >= hard_limit_.load(std::memory_order_relaxed); }
  // While marking: the bytes a mutator should mark before taking memory, `marked` having
  // been marked so far this cycle (0: on schedule).
  uint64_t AssistBytes(uint64_t marked) const;

  // Cycle events (cycle_mu_ held, world stopped).
  // A concurrent cycle's start pause.
  void StartedMarking();
  // Marking ended: a stop-the-world pause (`concurrent` false; no StartedMarking before it),
  // or a concurrent cycle's remark, where what was handed out since StartedMarking was
  // allocated black. `traced` bytes were marked by tracing, `assisted` of them by mutators'
  // assists; the heap holds `memory_in_use` committed bytes outside its free pages. Sets the
  // next cycle's budget, goal, trigger and hard limit.
  void EndedMarking(uint64_t traced, uint64_t assisted, uint64_t memory_in_use,
                    bool concurrent);
  // Generational heaps: whether the next collection is full, and the old generation's bytes
  // (both under cycle_mu_). EndedGenerational, in the pause after marking, in place of
  // EndedMarking: `marked` bytes (a minor collection's: the young survivors, promoted).
  bool NextIsFull() const { return next_full_; }
  uint64_t old_bytes() const { return old_; }
  void EndedGenerational(uint64_t marked, bool full);

  // Bytes handed out since the last cycle began (its start pause, or its pause).
  uint64_t allocated_since_cycle() const { return Since(cycle_start_); }

 private:
  uint64_t Since(const std::atomic<uint64_t>& mark) const {
    return allocated_total() - mark.load(std::memory_order_relaxed);
  }

  const uint64_t min_heap_;
  const double growth_;
  std::atomic<uint64_t> allocated_{0};    // every byte handed out, ever
  std::atomic<uint64_t> cycle_start_{0};  // allocated_ at the last cycle's (start) pause
  std::atomic<uint64_t> budget_;          // stop-the-world
  // heap() = heap_base_ + allocated_ (unsigned wrap-around: the base is usually "negative").
  std::atomic<uint64_t> heap_base_{0};
  std::atomic<uint64_t> goal_, trigger_, hard_limit_;
  // The current cycle's schedule: the heap when it started and the bytes it should trace.
  std::atomic<uint64_t> start_heap_{0}, expected_trace_{0};
  // Bytes allocated per byte traced by background marking, a moving average (cycle_mu_).
  double runway_per_traced_ = 0;
  bool measured_ = false;  // cycle_mu_: runway_per_traced_ holds a measurement
  // Generational heaps (cycle_mu_).
  uint64_t old_ = 0, live_full_ = 0;
  bool next_full_ = true;
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_PACER_H_
