#include "pinning/pin.h"

#include "gc/heap.h"
#include "gc/internal/heap_impl.h"

namespace pinion {

namespace {

using internal::PinSlot;
using internal::PinSlotOf;
using internal::ThreadState;

// The calling thread's state if `object` is a live object of its heap; else reports.
ThreadState* CheckedThread(const void* object, const char* operation) {
  ThreadState* thread = ThreadState::Current();
  if (thread == nullptr ||
      thread->mode.load(std::memory_order_relaxed) != ThreadMode::kRunning) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "%s(%p) from a thread that is not attached or is in a native region",
                 operation, object);
    return nullptr;
  }
  if (object == nullptr || FindObject(object) != object ||
      internal::SegmentOf(object)->space != &thread->heap.space) [[unlikely]] {
    ReportMisuse(Misuse::kNotAHeapObject,
                 "%s(%p): not the start of a live object of this thread's heap", operation,
                 object);
    return nullptr;
  }
  return thread;
}

}  // namespace

void Pin(const void* object) {
  ThreadState* thread = CheckedThread(object, "Pin");
  if (thread == nullptr) return;
  // Relaxed: counts are read only by the collector with the world stopped, after the
  // handshake that orders every mutator's earlier operations before the pause.
  const PinSlot slot = PinSlotOf(object, /*create=*/true);
  if (slot.count->fetch_add(1, std::memory_order_relaxed) == 0) {
    thread->heap.pinned.NotePinned(const_cast<void*>(object), slot);
  }
  // During concurrent marking, pinning shades (collector.h explains why it is not needed
  // for soundness, only cheap insurance). Same relaxed flag as the write barrier.
  if (internal::g_heaps_marking.load(std::memory_order_relaxed) != 0) [[unlikely]] {
    thread->heap.collector.Shade(*thread, object);
  }
}

void Unpin(const void* object) {
  if (CheckedThread(object, "Unpin") == nullptr) return;
  const PinSlot slot = PinSlotOf(object, /*create=*/false);
  if (slot.count == nullptr ||
      slot.count->fetch_sub(1, std::memory_order_relaxed) <= 0) [[unlikely]] {
    if (slot.count != nullptr) slot.count->fetch_add(1, std::memory_order_relaxed);  // undo
    ReportMisuse(Misuse::kUnpinBelowZero, "Unpin(%p): the object is not pinned", object);
  }
}

int32_t PinCount(const void* object) {
  if (object == nullptr || FindObject(object) != object) {
    ReportMisuse(Misuse::kNotAHeapObject, "PinCount(%p): not a heap object", object);
    return 0;
  }
  const PinSlot slot = PinSlotOf(object, /*create=*/false);
  return slot.count != nullptr ? slot.count->load(std::memory_order_relaxed) : 0;
}

}  // namespace pinion
