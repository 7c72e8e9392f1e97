#include "gc/finalization.h"

#include "gc/errors.h"
#include "gc/heap.h"
#include "gc/internal/heap_impl.h"
#include "gc/internal/pin_slot.h"

namespace pinion {

namespace {

// The calling thread if it is attached and running, else reports and returns nullptr.
internal::ThreadState* RunningThread(const char* operation) {
  auto* thread = static_cast<internal::ThreadState*>(ThreadRecord::CurrentRunning());
  if (thread == nullptr) {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "%s from a thread that is not attached to a heap, or is in a native region",
                 operation);
    return nullptr;
  }
  return thread;
}

}  // namespace

void FinalizeWhenUnreachable(const void* object) {
  internal::ThreadState* thread = RunningThread("FinalizeWhenUnreachable");
  if (thread == nullptr) return;
  if (!thread->heap.space.HoldsObject(object)) {
    ReportMisuse(Misuse::kNotAHeapObject,
                 "FinalizeWhenUnreachable(%p): not the start of a live object of this "
                 "thread's heap",
                 object);
    return;
  }
  const TypeInfo& info = TypeInfoOf(TypeOf(object));
  if (info.on_unreachable == nullptr) {
    ReportMisuse(Misuse::kBadArgument,
                 "FinalizeWhenUnreachable(%p): its type (%s) has no on_unreachable callback",
                 object, info.name);
    return;
  }
  // Relaxed: the flag only arbitrates between registrations; the queue has its own lock.
  const internal::PinSlot slot = internal::PinSlotOf(object, /*create=*/true);
  if (slot.flags->fetch_or(internal::kFinalizationRegistered, std::memory_order_relaxed) &
      internal::kFinalizationRegistered) {
    ReportMisuse(Misuse::kBadArgument,
                 "FinalizeWhenUnreachable(%p): already registered (its callback has not run "
                 "yet); ignored",
                 object);
    return;
  }
  thread->watched.push_back(object);
}

size_t RunFinalizers() {
  internal::ThreadState* thread = RunningThread("RunFinalizers");
  if (thread == nullptr) return 0;
  return thread->heap.finalization.Run();
}

FinalizationCounts PendingFinalization() {
  internal::ThreadState* thread = internal::ThreadState::Current();
  if (thread == nullptr) return {};
  return thread->heap.finalization.counts();
}

}  // namespace pinion
