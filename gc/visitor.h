// The visitor a trace callback reports pointer fields to.
//
//   void TraceNode(void* object, pinion::Visitor& v) {
//     auto* node = static_cast<Node*>(object);
//     v.Visit(node->left);
//     v.Visit(node->right);
//   }
//
// Every non-null pointer passed to Visit must be the payload start of an object of the same
// heap (debug builds check this). Threads: the marker threads of a collection.
#ifndef PINION_GC_VISITOR_H_
#define PINION_GC_VISITOR_H_

#include <cstddef>

#include "gc/member.h"

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

 protected:
  virtual void VisitObject(const void* object) = 0;
  ~Visitor() = default;
};

}  // namespace pinion

#endif  // PINION_GC_VISITOR_H_
