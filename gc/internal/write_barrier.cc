// The barriers' out-of-line halves: the write barrier's (gc/member.h: the global "some heap
// is marking" count and the slow path that hands an overwritten pointer to its heap's
// collector), the generational barrier's (the "some heap is generational" count, the
// thread's latest allocation, and the slow path that hands an old-to-young store to its
// heap's remembered set) and the weak read barrier's (gc/weak_member.h).
// Threads: attached mutators, from Member/Store/WriteBarrier and WeakLoad.
#include "gc/errors.h"
#include "gc/internal/heap_impl.h"
#include "gc/member.h"
#include "gc/weak_member.h"

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

std::atomic<uint32_t> g_heaps_generational{0};
constinit thread_local const FreshObject* t_fresh = nullptr;

void GenerationalBarrierSlow(const void* slot, const void* value) {
  ThreadState* thread = ThreadState::Current();
  if (thread == nullptr) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "a traced field was written from a thread that is not attached to a heap");
    return;
  }
  thread->heap.remembered.Record(*thread, slot, value);
}

std::atomic<uint32_t> g_weak_read_barrier{0};

void* WeakReadSlow(void* const* slot) {
  void* value = std::atomic_ref<void*>(*const_cast<void**>(slot)).load(std::memory_order_acquire);
  if (value == nullptr) return nullptr;
  ThreadState* thread = ThreadState::Current();
  if (thread == nullptr) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "a weak reference was read from a thread that is not attached to a heap");
    return value;
  }
  HeapImpl& heap = thread->heap;
  // Marking is on and off only in pauses, and this thread runs: no pause between the read
  // of the field and this test, so `value` is shaded in the cycle that read it.
  if (heap.collector.marking()) {
    heap.collector.Shade(*thread, value);
    return value;
  }
  return heap.weak.Read(*thread, slot, value);
}

std::atomic<uint32_t> g_heaps_clearing_weak{0};

void WeakStoreSlow(void** slot, void* value) {
  ThreadState* thread = ThreadState::Current();
  if (thread == nullptr) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "a weak reference was written from a thread that is not attached to a heap");
    std::atomic_ref<void*>(*slot).store(value, std::memory_order_release);
    return;
  }
  thread->heap.weak.Store(*thread, slot, value);
}

}  // namespace pinion::internal
