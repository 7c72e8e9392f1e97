// The write barrier's out-of-line half (gc/member.h): the global "some heap is marking"
// count and the slow path that hands an overwritten pointer to its heap's collector.
// Threads: attached mutators, from Member/Store/WriteBarrier.
#include "gc/errors.h"
#include "gc/internal/heap_impl.h"
#include "gc/member.h"

namespace pinion::internal {

std::atomic<uint32_t> g_heaps_marking{0};

void WriteBarrierSlow(const void* old_value) {
  if (old_value == nullptr) return;
  ThreadState* thread = ThreadState::Current();
  if (thread == nullptr) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "a traced field was written from a thread that is not attached to a heap");
    return;
  }
  thread->heap.collector.Shade(*thread, old_value);
}

}  // namespace pinion::internal
