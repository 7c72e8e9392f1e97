// The per-thread stack of handle slots; handles.h builds Handle and HandleScope on it.
//
// Slots live in fixed-size blocks that are never freed while the thread is attached, so a
// slot's address is stable for the handle that holds it.
// Invariant: the slots [bottom, top) of a thread's stack are exactly its live handles, and the
// collector scans them while the thread is stopped (parked or in a native region).
// Threads: a HandleStack is touched only by its own (attached) thread, and by the collector
// while that thread is stopped; the stop handshake orders the two.
#ifndef PINION_ROOTS_HANDLE_STACK_H_
#define PINION_ROOTS_HANDLE_STACK_H_

#include <cstddef>
#include <memory>
#include <vector>

namespace pinion {

class HandleStack {
 public:
  struct Mark {
    size_t block;
    void** top;
  };

  HandleStack();
  HandleStack(const HandleStack&) = delete;
  HandleStack& operator=(const HandleStack&) = delete;

  [[gnu::always_inline]] void** Push(void* object) {
    if (top_ == limit_) [[unlikely]] NextBlock();
    *top_ = object;
    return top_++;
  }
  [[gnu::always_inline]] Mark Save() const { return {block_, top_}; }
  [[gnu::always_inline]] void Restore(Mark mark) {
    block_ = mark.block;
    top_ = mark.top;
    limit_ = blocks_[block_].get() + kBlockSlots;
  }
  size_t size() const { return block_ * kBlockSlots + (top_ - blocks_[block_].get()); }

  // Calls f(void* object) for every non-null live slot.
  template <class F>
  void ForEach(F&& f) const {
    for (size_t b = 0; b <= block_; ++b) {
      void** begin = blocks_[b].get();
      void** end = b == block_ ? top_ : begin + kBlockSlots;
      for (void** slot = begin; slot != end; ++slot) {
        if (*slot != nullptr) f(*slot);
      }
    }
  }

 private:
  static constexpr size_t kBlockSlots = 1024;
  [[gnu::noinline]] void NextBlock();

  std::vector<std::unique_ptr<void*[]>> blocks_;  // never shrinks: slot addresses are stable
  size_t block_ = 0;
  void** top_;
  void** limit_;
};

}  // namespace pinion

#endif  // PINION_ROOTS_HANDLE_STACK_H_
