#include "gc/internal/pacer.h"

#include <algorithm>

namespace pinion::internal {

namespace {

// Weight of the newest cycle in the runway's moving average.
constexpr double kRunwaySmoothing = 0.5;

}  // namespace

Pacer::Pacer(const HeapConfig& config)
    : min_heap_(config.min_heap_bytes),
      growth_(config.growth_factor),
      budget_(config.min_heap_bytes),
      goal_(config.min_heap_bytes),
      trigger_(config.min_heap_bytes / 2),
      hard_limit_(config.min_heap_bytes + config.min_heap_bytes / 2) {}

void Pacer::StartedMarking() {
  cycle_start_.store(allocated_total(), std::memory_order_relaxed);
  start_heap_.store(heap(), std::memory_order_relaxed);
}

void Pacer::EndedMarking(uint64_t traced, uint64_t assisted, uint64_t memory_in_use,
                         bool concurrent) {
  // Allocated black: survives this cycle's sweep, so it is in the heap, but not in the goal.
  const uint64_t black = concurrent ? Since(cycle_start_) : 0;
  if (!concurrent) cycle_start_.store(allocated_total(), std::memory_order_relaxed);
  const uint64_t marked = traced + black;
  const uint64_t counted = heap();  // before the reset below
  const double overhead =
      counted == 0 ? 1.0
                   : std::clamp(static_cast<double>(memory_in_use) / counted, 1.0, kMaxOverhead);
  budget_.store(std::max<uint64_t>(min_heap_, static_cast<uint64_t>(marked * (growth_ - 1.0))),
                std::memory_order_relaxed);
  heap_base_.store(marked - allocated_total(), std::memory_order_relaxed);  // heap() == marked

  const uint64_t memory_goal =
      traced + std::max<uint64_t>(min_heap_, static_cast<uint64_t>(traced * (growth_ - 1.0)));
  const uint64_t goal =
      concurrent ? std::max(traced, static_cast<uint64_t>(memory_goal / overhead)) : memory_goal;
  const uint64_t hard_limit = goal + (goal - traced) / 2;
  if (concurrent && traced > assisted) {
    const double sample = static_cast<double>(black) / static_cast<double>(traced - assisted);
    runway_per_traced_ = measured_ ? (1 - kRunwaySmoothing) * runway_per_traced_ +
                                         kRunwaySmoothing * sample
                                   : sample;
    measured_ = true;
  }
  // Before any measurement: halfway from here to the goal.
  const uint64_t runway = measured_ ? static_cast<uint64_t>(runway_per_traced_ * traced)
                                    : (goal > marked ? (goal - marked) / 2 : 0);
  const uint64_t trigger = goal > runway ? goal - runway : 0;
  goal_.store(goal, std::memory_order_relaxed);
  hard_limit_.store(hard_limit, std::memory_order_relaxed);
  trigger_.store(std::max(trigger, marked), std::memory_order_relaxed);
  expected_trace_.store(traced, std::memory_order_relaxed);
}

void Pacer::EndedGenerational(uint64_t marked, bool full) {
  cycle_start_.store(allocated_total(), std::memory_order_relaxed);
  if (full) {
    old_ = live_full_ = marked;
  } else {
    old_ += marked;
  }
  const uint64_t young = std::max<uint64_t>(
      min_heap_, static_cast<uint64_t>(static_cast<double>(live_full_) * (growth_ - 1.0) / 2));
  budget_.store(young, std::memory_order_relaxed);
  // The same share of the growth, with half the floor: in a small heap the floor is most of
  // the budget, and old garbage kept that long is what sets the peak (binary-trees: 32.7
  // MiB peak RSS with min_heap as the floor, 30.8 with half).
  const uint64_t old_growth = std::max<uint64_t>(
      min_heap_ / 2,
      static_cast<uint64_t>(static_cast<double>(live_full_) * (growth_ - 1.0) / 2));
  next_full_ = old_ >= live_full_ + old_growth;
}

uint64_t Pacer::AssistBytes(uint64_t marked) const {
  const uint64_t start = start_heap_.load(std::memory_order_relaxed);
  const uint64_t now = heap();
  if (now <= start) return 0;
  // The schedule: the expected trace by the goal. Once more than that is marked (the live
  // heap grew, or the trace is just ending), an eighth more than marked by the hard limit:
  // a trace that ends as expected owes nothing more, one that goes on is paid for before
  // the heap reaches the limit.
  uint64_t expected = expected_trace_.load(std::memory_order_relaxed);
  uint64_t end = goal();
  if (marked >= expected) {
    expected = marked + marked / 8;
    end = hard_limit_.load(std::memory_order_relaxed);
  }
  const double fraction =
      end > start ? std::min(1.0, static_cast<double>(now - start) / (end - start)) : 1.0;
  const uint64_t owed = static_cast<uint64_t>(fraction * static_cast<double>(expected));
  return owed > marked ? std::min(owed - marked, kMaxAssistBytes) : 0;
}

}  // namespace pinion::internal
