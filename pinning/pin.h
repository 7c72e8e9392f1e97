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
// Errors: pinning a pointer that is not the start of a live object of the calling thread's
// heap reports kNotAHeapObject; unpinning an object whose count is zero reports
// kUnpinBelowZero (the count stays zero); both leave the heap untouched. Calling from a thread
// that is not attached, or inside a native region, reports kThreadNotAttached.
//
// Threads: any attached thread, on any object of its heap, concurrently with other pinners.
// Counts are exact whenever the world is stopped (DESIGN invariant 3).
#ifndef PINION_PINNING_PIN_H_
#define PINION_PINNING_PIN_H_

#include <array>
#include <cstdint>
#include <functional>
#include <type_traits>

#include "roots/native_region.h"

namespace pinion {

void Pin(const void* object);
void Unpin(const void* object);
// The current count (for diagnostics and tests; racy while other threads pin).
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
