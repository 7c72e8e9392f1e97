// Handles: precise, per-thread stack roots.
//
// A raw pointer to a heap object is valid only until its thread's next safepoint (allocation
// is a safepoint). To keep an object alive across one, put it in a Handle. Handles live in a
// per-thread HandleStack; a HandleScope releases every handle created since it was opened.
//
//   pinion::HandleScope scope;
//   pinion::Handle<Node> left(NewNode());     // rooted
//   Node* right = NewNode();                  // left survives this allocation
//
// Invariant: the slots [bottom, top) of a thread's stack are exactly its live handles, and the
// collector scans them while the thread is stopped (parked or in a native region).
// Threads: a HandleStack is touched only by its own (attached) thread, and by the collector
// while that thread is stopped; the stop handshake orders the two.
#ifndef PINION_ROOTS_HANDLES_H_
#define PINION_ROOTS_HANDLES_H_

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

  void** Push(void* object) {
    if (top_ == limit_) [[unlikely]] NextBlock();
    *top_ = object;
    return top_++;
  }
  Mark Save() const { return {block_, top_}; }
  void Restore(Mark mark) {
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

// The current thread's handle stack; reports kThreadNotAttached if it has none.
HandleStack& CurrentHandleStack();

// Releases, on destruction, every handle the current thread created since construction.
class HandleScope {
 public:
  HandleScope() : stack_(CurrentHandleStack()), mark_(stack_.Save()) {}
  ~HandleScope() { stack_.Restore(mark_); }
  HandleScope(const HandleScope&) = delete;
  HandleScope& operator=(const HandleScope&) = delete;

 private:
  HandleStack& stack_;
  HandleStack::Mark mark_;
};

// A rooted pointer to a T on the heap (or null). Cheap to copy: copies share the slot.
template <class T>
class Handle {
 public:
  Handle() : slot_(nullptr) {}
  explicit Handle(T* object) : slot_(reinterpret_cast<T**>(CurrentHandleStack().Push(object))) {}

  T* get() const { return slot_ ? *slot_ : nullptr; }
  T* operator->() const { return *slot_; }
  T& operator*() const { return **slot_; }
  explicit operator bool() const { return get() != nullptr; }
  void set(T* object) { *slot_ = object; }

 private:
  T** slot_;
};

}  // namespace pinion

#endif  // PINION_ROOTS_HANDLES_H_
