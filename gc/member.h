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
// Generational heaps (HeapConfig::generational) need a second barrier, on the stored value:
// a store of a young object into an old one is remembered (remembered_set.h), since a minor
// collection traces only young objects and what remembered slots hold. Its fast path, when
// some heap is generational: a non-null value and a slot outside the young memory the thread
// knows of (its latest allocation: a constructor's initialising stores; the page it has
// been filling since it found it empty) call out of line, which records the slot if its
// host object is old and the value young. Cost per Member store, x86-64 -O2 (GCC 12,
// counted in binary-trees' Create): with no generational heap, 6 instructions for both
// barriers (two global loads, two tests, two not-taken branches); on one, 16 when the slot
// is in the latest allocation, 20 when it is in the young page (the TLS pointer, a null
// test, two loads, a subtraction and a compare per range), and otherwise a call
// (docs/benchmarks.md measures it).
//
// In stop-the-world mode plain T* fields are fine too (not on a generational heap: there a
// raw store is missed unless the type is declared unprotected, gc/type.h); Member costs the
// same there.
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

// Number of generational heaps. Relaxed: it changes when such a heap is created or
// destroyed, which happens-before any thread attaches to it or after all detached.
extern std::atomic<uint32_t> g_heaps_generational;
// Young memory the calling thread knows of: its latest allocation, [begin, begin + size), and
// the latest page it started allocating from that was empty then, [page, page + page_size).
// Both hold only objects allocated since its heap's last collection (the allocator forgets
// them in each pause), so stores into them need no remembering.
struct FreshObject {
  uintptr_t begin = 0;
  uintptr_t size = 0;
  uintptr_t page = 0;
  uintptr_t page_size = 0;
};
// Points at the calling thread's allocator's FreshObject while it runs heap code, else null.
extern constinit thread_local const FreshObject* t_fresh;
[[gnu::cold, gnu::noinline]] void GenerationalBarrierSlow(const void* slot, const void* value);

[[gnu::always_inline]] inline void GenerationalBarrier(const void* slot, const void* value) {
  if (internal::g_heaps_generational.load(std::memory_order_relaxed) != 0 &&
      value != nullptr) [[unlikely]] {
    const FreshObject* fresh = t_fresh;
    const uintptr_t at = reinterpret_cast<uintptr_t>(slot);
    if (fresh == nullptr ||
        (at - fresh->begin >= fresh->size && at - fresh->page >= fresh->page_size)) {
      GenerationalBarrierSlow(slot, value);
    }
  }
}
}  // namespace internal

// Call before storing `new_value` into the traced pointer field at `slot`, which holds
// `old_value` (Member and Store do this).
[[gnu::always_inline]] inline void WriteBarrier(const void* slot, const void* old_value,
                                                const void* new_value) {
  if (internal::g_heaps_marking.load(std::memory_order_relaxed) != 0) [[unlikely]] {
    internal::WriteBarrierSlow(old_value);
  }
  internal::GenerationalBarrier(slot, new_value);
}

template <class T>
class Member {
 public:
  constexpr Member() = default;
  // Initialisation (of a field in a fresh object): nothing to overwrite, no barrier.
  Member(T* value) : ptr_(value) {}  // NOLINT: implicit, like a raw pointer field
  Member(const Member& other) : ptr_(other.get()) {}

  [[gnu::always_inline]] Member& operator=(T* value) {
    if (internal::g_heaps_marking.load(std::memory_order_relaxed) != 0) [[unlikely]] {
      internal::WriteBarrierSlow(ptr_.load(std::memory_order_relaxed));
    }
    internal::GenerationalBarrier(&ptr_, value);
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
  if (internal::g_heaps_marking.load(std::memory_order_relaxed) != 0) [[unlikely]] {
    internal::WriteBarrierSlow(ref.load(std::memory_order_relaxed));
  }
  internal::GenerationalBarrier(slot, value);
  ref.store(value, std::memory_order_release);
}

}  // namespace pinion

#endif  // PINION_GC_MEMBER_H_
