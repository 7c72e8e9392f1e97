// Pins: native code's way of holding a heap object.
//
// A pinned object (count > 0) is a root. Pins nest: each Pin() needs one Unpin(). When the
// count falls to zero nothing happens eagerly — the object is simply no longer a root at the
// next collection, i.e. demoted to ordinary tracing: it lives on while reachable.
//
//   pinion::Pin(obj);                 // obj survives any number of collections
//   pinion::Unpin(obj);               // now it lives only if something reaches it
//   { pinion::PinGuard g(obj); ... }  // scoped
//   pinion::CallNative(&blocking_io, buffer, file);  // pin args, run in a native region
//
// Cost: Pin and Unpin are inline and touch only the calling thread's pin log
// (gc/internal/pin_log.h), reached through one thread-local pointer: an append, or for an
// Unpin of the newest pin, a pop — no atomic, no write to shared memory, however many
// threads pin the same object. Counts are summed
// from the logs when roots are enumerated (and when a log fills), so a count is exact
// whenever the world is stopped (docs/architecture.md, invariant 3); in between, PinCount sees the counted
// pins plus the calling thread's own.
//
// Errors: calling from a thread that is not attached, or inside a native region, reports
// kThreadNotAttached at once. Pinning or unpinning a pointer that is not the start of a
// live object of the calling thread's heap reports kNotAHeapObject — at once in debug builds
// (NDEBUG unset), in optimised builds when the entry is counted (a full log, the thread's
// detach, or the next collection) — and is otherwise ignored. An Unpin with no matching Pin
// reports kUnpinBelowZero when the counts are next made exact (the next collection: on the
// thread that collects, once the collection is over), and the count stays zero: until
// then another thread's log may hold the matching pin. No misuse changes another object's
// count or frees anything.
//
// Threads: any attached thread, on any object of its heap, concurrently with other pinners.
// C code: pinning/pin_c.h has the same fast path.
#ifndef PINION_PINNING_PIN_H_
#define PINION_PINNING_PIN_H_

#include <array>
#include <cstdint>
#include <functional>
#include <type_traits>

#include "gc/internal/pin_log.h"
#include "roots/native_region.h"

namespace pinion {

namespace internal {
[[gnu::cold]] void PinSlow(const void* object);
[[gnu::cold]] void UnpinSlow(const void* object);
// Debug builds: kThreadNotAttached/kNotAHeapObject checks before the log; false on misuse.
bool CheckPinTarget(const void* object, const char* operation);
}  // namespace internal

// The fast paths: the calling thread's log (its frozen stand-in when it is not attached or
// not running, on which both fail: the slow path then reports the misuse).
inline void Pin(const void* object) {
#ifndef NDEBUG
  if (!internal::CheckPinTarget(object, "Pin")) return;
#endif
  if (internal::t_pin_log->TryPin(object)) [[likely]] return;
  internal::PinSlow(object);
}

inline void Unpin(const void* object) {
#ifndef NDEBUG
  if (!internal::CheckPinTarget(object, "Unpin")) return;
#endif
  if (internal::t_pin_log->TryCancel(object)) [[likely]] return;
  internal::UnpinSlow(object);
}

// The current count: the counted pins plus, when the calling thread is running, its own
// uncounted ones (for diagnostics and tests; other threads' uncounted pins show after the
// next collection or when their logs fill).
int32_t PinCount(const void* object);

// Pins for its lifetime; a null object is ignored.
class PinGuard {
 public:
  explicit PinGuard(const void* object) : object_(object) {
    if (object_ != nullptr) Pin(object_);
  }
  ~PinGuard() {
    if (object_ != nullptr) Unpin(object_);
  }
  PinGuard(const PinGuard&) = delete;
  PinGuard& operator=(const PinGuard&) = delete;

 private:
  const void* object_;
};

// Pins each heap object in `objects` (nulls ignored), enters a native region, calls
// f(objects...), leaves the region, and unpins — also when f throws. f must not touch the
// heap; the objects stay valid (and unmoved) throughout, whatever collections run meanwhile.
template <class F, class... T>
decltype(auto) CallNative(F&& f, T*... objects) {
  [[maybe_unused]] const std::array<PinGuard, sizeof...(T)> pins{PinGuard(objects)...};
  NativeRegion region;
  return std::invoke(std::forward<F>(f), objects...);
}

}  // namespace pinion

#endif  // PINION_PINNING_PIN_H_
