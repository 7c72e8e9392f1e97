// The visitor a trace callback reports pointer fields to.
//
//   void TraceNode(void* object, pinion::Visitor& v) {
//     auto* node = static_cast<Node*>(object);
//     v.Visit(node->left);
//     v.Visit(node->right);
//   }
//
// Every non-null pointer passed to Visit must be the payload start of an object of the same
// heap (debug builds check this). Weak fields are reported with VisitWeak (gc/weak_member.h).
// Threads: the marker threads of a collection.
#ifndef PINION_GC_VISITOR_H_
#define PINION_GC_VISITOR_H_

#include <atomic>
#include <cstddef>

#include "gc/member.h"
#include "gc/weak_member.h"

namespace pinion {

class Visitor {
 public:
  void Visit(const void* object) {
    if (object != nullptr) VisitObject(object);
  }
  template <class T>
  void Visit(const Member<T>& field) {
    Visit(static_cast<const void*>(field.get()));
  }
  void VisitRange(const void* const* slots, size_t count) {
    for (size_t i = 0; i < count; ++i) Visit(slots[i]);
  }
  // A weak field: not followed, but cleared if this collection finds its referent
  // unreachable; then, if `on_cleared` is given, on_cleared(holder) runs on a mutator after
  // the collection (with the queued finalizers, gc/finalization.h), `holder` — the object
  // being traced — kept alive until it has.
  template <class T>
  void VisitWeak(WeakMember<T>& field, WeakCallback on_cleared = nullptr,
                 void* holder = nullptr) {
    VisitWeakField(&field.ptr_, on_cleared, holder);
  }
  // The same for a raw-pointer field (read with WeakLoad, written with WeakStore).
  template <class T>
  void VisitWeakField(T** slot, WeakCallback on_cleared = nullptr, void* holder = nullptr) {
    void** const s = reinterpret_cast<void**>(slot);
    // A null field has nothing to clear. Relaxed: the marker's visitor reads no referent
    // here, only whether there is one (mutators may store meanwhile, with WeakStore).
    const bool set = std::atomic_ref<void*>(*s).load(std::memory_order_relaxed) != nullptr;
    // The marker's fast path: the slot of a field without a callback goes into its buffer,
    // with no call and no branch on the field (weak fields cost a pause nothing else).
    if (on_cleared == nullptr && weak_cursor_ != weak_limit_) {
      *weak_cursor_ = s;
      weak_cursor_ += set;  // kept only if set
      return;
    }
    if (!set) return;
    VisitWeakSlot(s, on_cleared, holder);
  }

 protected:
  virtual void VisitObject(const void* object) = 0;
  // The slow half of VisitWeakField. Visitors other than the marker's ignore weak fields.
  virtual void VisitWeakSlot(void** /*slot*/, WeakCallback /*on_cleared*/, void* /*holder*/) {}
  ~Visitor() = default;

  // Where VisitWeakField appends slots: [weak_cursor_, weak_limit_) is free space the
  // marker's visitor owns; empty (both null) in every other visitor.
  void*** weak_cursor_ = nullptr;
  void*** weak_limit_ = nullptr;
};

}  // namespace pinion

#endif  // PINION_GC_VISITOR_H_
