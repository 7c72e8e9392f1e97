// Handles: the API on the per-thread handle stack (roots/handle_stack.h).
//
//   pinion::HandleScope scope;
//   pinion::Handle<Node> left(NewNode());     // rooted until `scope` ends
//   Node* right = NewNode();                  // left survives this allocation
//
// Threads: the attached thread that owns the stack, while it runs heap code: creating a handle
// or a scope from a thread that is not attached, or inside a native region (where the
// collector may be scanning the stack), reports kThreadNotAttached and throws MisuseError.
#ifndef PINION_ROOTS_HANDLES_H_
#define PINION_ROOTS_HANDLES_H_

#include "roots/handle_stack.h"
#include "roots/thread_registry.h"

namespace pinion {

namespace internal {
[[noreturn, gnu::cold]] void NoHandleStack();
}  // namespace internal

// The current thread's handle stack; reports kThreadNotAttached if it has none or is inside
// a native region.
[[gnu::always_inline]] inline HandleStack& CurrentHandleStack() {
  ThreadRecord* thread = ThreadRecord::CurrentRunning();
  if (thread == nullptr) [[unlikely]] internal::NoHandleStack();
  return thread->handles;
}

// Releases, on destruction, every handle the current thread created since construction.
class HandleScope {
 public:
  // Inline always, as Handle's constructor: the fast paths of a precise collector's rooting
  // (GCC otherwise stops inlining them in large recursive functions).
  [[gnu::always_inline]] HandleScope() : stack_(CurrentHandleStack()), mark_(stack_.Save()) {}
  [[gnu::always_inline]] ~HandleScope() { stack_.Restore(mark_); }
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
  [[gnu::always_inline]] explicit Handle(T* object)
      : slot_(reinterpret_cast<T**>(CurrentHandleStack().Push(object))) {}

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
