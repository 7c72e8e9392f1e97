// Object types: how the collector learns an object's layout.
//
//   struct Node { Node* left; Node* right; long value; };
//   void TraceNode(void* object, pinion::Visitor& v) {
//     auto* node = static_cast<Node*>(object);
//     v.Visit(node->left);
//     v.Visit(node->right);
//   }
//   const pinion::TypeId kNode =
//       pinion::RegisterType({"Node", sizeof(Node), &TraceNode, /*finalize=*/nullptr});
//
// Types are process-wide and immutable once registered. Threads: RegisterType from any
// thread, before objects of the type are allocated.
#ifndef PINION_GC_TYPE_H_
#define PINION_GC_TYPE_H_

#include <cstddef>
#include <cstdint>

#include "gc/internal/cell.h"
#include "gc/visitor.h"

namespace pinion {

class TypeId;
// The type of a live object.
TypeId TypeOf(const void* object);

struct TypeInfo {
  const char* name = nullptr;  // for diagnostics; must outlive the process
  size_t size = 0;             // payload bytes of a fixed-size instance
  // Visits every pointer field. nullptr: the type holds no heap pointers and its objects are
  // never scanned (nor even read) by the marker.
  void (*trace)(void* object, Visitor& visitor) = nullptr;
  // Called once when an unreachable object is reclaimed (see gc/heap.h for what it may do).
  void (*finalize)(void* object) = nullptr;
  // Queued finalization (gc/finalization.h): called on a mutator thread, once, for an object
  // registered with FinalizeWhenUnreachable that a collection found unreachable. Unlike
  // `finalize` it may touch the heap, allocate and pin. Required to register objects.
  void (*on_unreachable)(void* object) = nullptr;
  // True if an object holds a pin on every object its `trace` visits (CPython's ownership
  // discipline: a stored reference is an INCREF'd one). Stop-the-world collections then
  // subtract those pins of registered objects before enumerating roots, so pins held only
  // from inside the heap do not keep cycles alive (gc/finalization.h). Concurrent cycles
  // never call such a type's `trace` (each edge is a pin, so a root already): its fields
  // may be plain stores, read only with the world stopped.
  bool edges_hold_pins = false;
  // True if fields of this type are written without the write barrier (raw stores, not
  // Member<T> or Store). Generational heaps (HeapConfig::generational) then treat every old
  // object of the type as remembered: each minor collection traces it again. Not needed
  // for edges_hold_pins types, whose referents are pinned and so roots of a minor
  // collection.
  bool unprotected = false;
};

class TypeId {
 public:
  constexpr TypeId() = default;
  constexpr uint16_t raw() const { return raw_; }
  constexpr bool valid() const { return raw_ != 0; }
  constexpr bool finalizable() const { return raw_ & internal::kFinalizableBit; }
  constexpr bool pointer_free() const { return raw_ & internal::kPointerFreeBit; }
  constexpr bool unprotected() const { return raw_ & internal::kUnprotectedBit; }
  constexpr bool operator==(const TypeId&) const = default;

 private:
  friend TypeId RegisterType(const TypeInfo& info);
  friend TypeId TypeOf(const void* object);
  constexpr explicit TypeId(uint16_t raw) : raw_(raw) {}
  uint16_t raw_ = 0;
};

// Registers a type; kBadArgument (and an invalid TypeId) if `info` has no name or the
// registry (4095 types) is full.
TypeId RegisterType(const TypeInfo& info);
const TypeInfo& TypeInfoOf(TypeId type);

}  // namespace pinion

#endif  // PINION_GC_TYPE_H_
