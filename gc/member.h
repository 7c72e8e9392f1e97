// Traced pointer fields and the write barrier that concurrent marking needs.
//
// In concurrent mode (HeapConfig::mode) markers read objects while mutators write them, so
// every traced pointer field must be a Member<T> (or be written with pinion::Store):
//
//   struct Node { pinion::Member<Node> left, right; };
//   void TraceNode(void* o, pinion::Visitor& v) {
//     v.Visit(static_cast<Node*>(o)->left);
//     v.Visit(static_cast<Node*>(o)->right);
//   }
//   node->left = other;  // the barrier runs here
//
// The barrier is snapshot-at-the-beginning (a Yuasa deletion barrier): while a cycle is
// marking, the value a store overwrites is shaded, so everything reachable when marking
// began stays reachable for the marker, whatever mutators unlink meanwhile. (No thread runs
// heap code between the start pause and the scan of its own handles, so stored values need
// no shading: gc/internal/collector.h.) When no heap is marking the barrier is one relaxed
// load of a global and a not-taken branch.
//
// Memory orders. Stores are release and loads acquire: a marker (or another thread) that
// reads a pointer to a new object also sees that object's initialisation and the type entry
// its allocation wrote. On x86 both are plain moves. The global "some heap is marking" flag
// is read relaxed: it changes only inside a stop-the-world pause, whose handshake orders it
// before every mutator's next store.
//
// In stop-the-world mode plain T* fields are fine too; Member costs the same there.
// Threads: attached mutators; the marker threads only read (through Visitor::Visit).
#ifndef PINION_GC_MEMBER_H_
#define PINION_GC_MEMBER_H_

#include <atomic>
#include <cstdint>

namespace pinion {

namespace internal {
// Number of heaps whose cycle is marking now (written in pauses, see above).
extern std::atomic<uint32_t> g_heaps_marking;
[[gnu::cold, gnu::noinline]] void WriteBarrierSlow(const void* old_value);
}  // namespace internal

// Call before overwriting a traced pointer field that holds `old_value` (Member and Store
// do this).
inline void WriteBarrier(const void* old_value) {
  if (internal::g_heaps_marking.load(std::memory_order_relaxed) != 0) [[unlikely]] {
    internal::WriteBarrierSlow(old_value);
  }
}

template <class T>
class Member {
 public:
  constexpr Member() = default;
  // Initialisation (of a field in a fresh object): nothing to overwrite, no barrier.
  Member(T* value) : ptr_(value) {}  // NOLINT: implicit, like a raw pointer field
  Member(const Member& other) : ptr_(other.get()) {}

  Member& operator=(T* value) {
    if (internal::g_heaps_marking.load(std::memory_order_relaxed) != 0) [[unlikely]] {
      internal::WriteBarrierSlow(ptr_.load(std::memory_order_relaxed));
    }
    ptr_.store(value, std::memory_order_release);
    return *this;
  }
  Member& operator=(const Member& other) { return *this = other.get(); }

  T* get() const { return ptr_.load(std::memory_order_acquire); }
  operator T*() const { return get(); }  // NOLINT: reads like a raw pointer field
  T* operator->() const { return get(); }
  T& operator*() const { return *get(); }

 private:
  std::atomic<T*> ptr_{nullptr};
};

// Stores `value` into a traced raw-pointer field, with the barrier and release order of
// Member (for fields that cannot be Member, e.g. in C structs).
template <class T>
void Store(T** slot, T* value) {
  std::atomic_ref<T*> ref(*slot);
  WriteBarrier(ref.load(std::memory_order_relaxed));
  ref.store(value, std::memory_order_release);
}

}  // namespace pinion

#endif  // PINION_GC_MEMBER_H_
