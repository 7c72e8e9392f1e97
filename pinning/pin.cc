#include "pinning/pin.h"

#include "gc/heap.h"
#include "gc/internal/heap_impl.h"

namespace pinion {

namespace internal {

namespace {

// The calling thread's state, or nullptr when it is not attached or is native.
ThreadState* RunningThread() { return static_cast<ThreadState*>(ThreadRecord::CurrentRunning()); }

// The calling thread's state if it is attached and running; else reports.
ThreadState* CheckedThread(const void* object, const char* operation) {
  ThreadState* thread = RunningThread();
  if (thread == nullptr) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "%s(%p) from a thread that is not attached or is in a native region",
                 operation, object);
  }
  return thread;
}

}  // namespace

bool CheckPinTarget(const void* object, const char* operation) {
  ThreadState* thread = CheckedThread(object, operation);
  if (thread == nullptr) return false;
  if (!thread->heap.space.HoldsObject(object)) [[unlikely]] {
    ReportMisuse(Misuse::kNotAHeapObject,
                 "%s(%p): not the start of a live object of this thread's heap", operation,
                 object);
    return false;
  }
  return true;
}

// Not attached or native (report), or the log is full (count it, then log).
void PinSlow(const void* object) {
  ThreadState* thread = CheckedThread(object, "Pin");
  if (thread == nullptr) return;
  if (thread->pins.TryPin(object)) return;
  thread->heap.pinned.Flush(thread->pins);
  thread->pins.TryPin(object);  // empty now
}

// Not attached or native (report); an unpin whose pin is not on top of the log: cancel it
// further down, or log the unpin (counting the log first if it is full).
void UnpinSlow(const void* object) {
  ThreadState* thread = CheckedThread(object, "Unpin");
  if (thread == nullptr) return;
  if (thread->pins.CancelNear(object) || thread->pins.TryUnpin(object)) return;
  thread->heap.pinned.Flush(thread->pins);
  thread->pins.TryUnpin(object);  // empty now
}

}  // namespace internal

int32_t PinCount(const void* object) {
  using internal::ThreadState;
  if (object == nullptr || FindObject(object) != object) {
    ReportMisuse(Misuse::kNotAHeapObject, "PinCount(%p): not a heap object", object);
    return 0;
  }
  const internal::PinSlot slot = internal::PinSlotOf(object, /*create=*/false);
  int32_t count = slot.count != nullptr ? slot.count->load(std::memory_order_relaxed) : 0;
  if (ThreadState* thread = internal::RunningThread()) count += thread->pins.NetOf(object);
  return count < 0 ? 0 : count;
}

}  // namespace pinion
