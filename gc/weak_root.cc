// WeakRoot and the C weak roots (gc/weak_root.h, gc/weak_c.h): entries in the heap's
// WeakProcessor table (gc/internal/weak_processor.h).
// Threads: see the headers.
#include "gc/weak_root.h"

#include "gc/errors.h"
#include "gc/internal/heap_impl.h"
#include "gc/weak_c.h"

namespace pinion {

namespace {

// `object` if it is nullptr or a live object of `heap`; else reports and returns nullptr.
void* Checked(internal::HeapImpl& heap, const void* object, const char* operation) {
  if (object == nullptr || heap.space.HoldsObject(object)) return const_cast<void*>(object);
  ReportMisuse(Misuse::kNotAHeapObject,
               "%s(%p): not the start of a live object of this heap; the weak root is empty",
               operation, object);
  return nullptr;
}

}  // namespace

WeakRootBase::WeakRootBase(Heap& heap, const void* object, void (*on_cleared)(void*),
                           void* data)
    : heap_(heap.impl()),
      entry_(heap_.weak.NewRoot(Checked(heap_, object, "WeakRoot"), on_cleared, data)),
      slot_(&entry_->referent) {}

WeakRootBase::~WeakRootBase() { heap_.weak.FreeRoot(entry_); }

void WeakRootBase::set(const void* object) {
  heap_.weak.SetRoot(entry_, Checked(heap_, object, "WeakRoot::set"));
}

}  // namespace pinion

using pinion::internal::HeapImpl;
using pinion::internal::ThreadState;
using pinion::internal::WeakRootEntry;

struct pinion_weak {
  HeapImpl* heap;
  WeakRootEntry* entry;
};

extern "C" pinion_weak* pinion_weak_new(const void* object, void (*on_cleared)(void*),
                                        void* data) {
  ThreadState* thread = ThreadState::Current();
  if (thread == nullptr) {
    pinion::ReportMisuse(pinion::Misuse::kThreadNotAttached,
                         "pinion_weak_new from a thread that is not attached to a heap");
    return nullptr;
  }
  HeapImpl& heap = thread->heap;
  void* referent = pinion::Checked(heap, object, "pinion_weak_new");
  return new pinion_weak{&heap, heap.weak.NewRoot(referent, on_cleared, data)};
}

extern "C" void* pinion_weak_get(const pinion_weak* weak) {
  return pinion::WeakLoad(&weak->entry->referent);
}

extern "C" void pinion_weak_set(pinion_weak* weak, const void* object) {
  weak->heap->weak.SetRoot(weak->entry, pinion::Checked(*weak->heap, object, "pinion_weak_set"));
}

extern "C" void pinion_weak_free(pinion_weak* weak) {
  if (weak == nullptr) return;
  weak->heap->weak.FreeRoot(weak->entry);
  delete weak;
}
