// A thread's pin log: where Pin and Unpin record what they do, with no atomic and no shared
// cache line (the pin fast path, pinning/pin.h).
//
// Pin appends the object; Unpin of the newest entry pops it (pins nest, so a pin and its
// unpin usually cancel right here, and the object's count is never touched); any other
// Unpin appends the object with kUnpinBit set. The counts themselves (pin_slot.h) change
// only when a log is counted (PinnedList::ApplyPins/ApplyUnpins): by its thread when it is
// full or the thread detaches, and by the collector, for every thread, in each pause that
// enumerates roots. So a count is exact whenever roots are enumerated (DESIGN invariant 3),
// and two threads pinning one object never write the same cache line.
//
// Why a stack (measured: docs/benchmarks.md, //benchmarks:pins): it is the fewest
// instructions of the designs tried. A direct-mapped table of (object, count) slots in front
// of it, meant to spread the store-to-load chain through `top_` over objects, cost more in
// instructions than it saved; owner-biased counts pay an atomic for every non-owner pin,
// which is exactly the shared-hot-object case.
//
// Threads: the owning thread while it runs (it reaches the log through t_pin_log, which
// points elsewhere whenever it is not running); the collector while the owner is stopped
// (parked, or native: then the owner's t_pin_log is the frozen log, so it cannot write).
#ifndef PINION_GC_INTERNAL_PIN_LOG_H_
#define PINION_GC_INTERNAL_PIN_LOG_H_

#include <cstddef>
#include <cstdint>

namespace pinion::internal {

class PinLog {
 public:
  static constexpr size_t kCapacity = 256;
  static constexpr uintptr_t kUnpinBit = 1;  // objects are 8-byte aligned
  // Unpins that did not cancel the newest entry look this far down the log (UnpinSlow).
  static constexpr size_t kCancelWindow = 8;

  constexpr PinLog() = default;
  // True if this class has the layout of `struct pinion_pin_log` in pinning/pin_c.h, through
  // which C code runs the same fast path (checked where both are visible: pinning/pin_c.cc).
  static constexpr bool HasCLayout(size_t top_offset, size_t end_offset, size_t size);
  // The frozen log: always full, and nothing on top, so TryPin and TryCancel fail without
  // writing (it is shared by every thread that is not running; see t_pin_log).
  struct Frozen {};
  constexpr explicit PinLog(Frozen) : end_(slots_ + 1) {}
  PinLog(const PinLog&) = delete;
  PinLog& operator=(const PinLog&) = delete;

  // Appends a pin; false when the log is full.
  bool TryPin(const void* object) {
    if (top_ == end_) [[unlikely]] return false;
    *top_++ = reinterpret_cast<uintptr_t>(object);
    return true;
  }
  // Pops the newest entry if it is a pin of `object` (below an empty log lies the sentinel,
  // which matches no object, so there is no emptiness test).
  bool TryCancel(const void* object) {
    if (top_[-1] != reinterpret_cast<uintptr_t>(object)) return false;
    --top_;
    return true;
  }
  // Removes a pin of `object` among the kCancelWindow newest entries (the newest one moves
  // into its place: order within a log does not matter, see PinnedList::ApplyUnpins).
  bool CancelNear(const void* object) {
    const uintptr_t want = reinterpret_cast<uintptr_t>(object);
    const uintptr_t* const stop = top_ - begin() > static_cast<ptrdiff_t>(kCancelWindow)
                                      ? top_ - kCancelWindow
                                      : begin();
    for (uintptr_t* e = top_; e != stop;) {
      if (*--e == want) {
        --top_;
        *e = *top_;
        return true;
      }
    }
    return false;
  }
  // Appends an unpin; false when the log is full.
  bool TryUnpin(const void* object) {
    if (top_ == end_) return false;
    *top_++ = reinterpret_cast<uintptr_t>(object) | kUnpinBit;
    return true;
  }
  // Pins minus unpins of `object` in the log (for PinCount).
  int32_t NetOf(const void* object) const {
    int32_t net = 0;
    ForEach([&](const void* o, int32_t delta) { net += o == object ? delta : 0; });
    return net;
  }
  bool empty() const { return top_ == begin(); }
  // Visits every entry: f(object, +1) for a pin, f(object, -1) for an unpin.
  template <class F>
  void ForEach(F&& f) const {
    for (const uintptr_t* e = begin(); e != top_; ++e) {
      f(reinterpret_cast<const void*>(*e & ~kUnpinBit), (*e & kUnpinBit) != 0 ? -1 : 1);
    }
  }
  void Clear() { top_ = begin(); }

 private:
  // slots_[0]: an unpin of no object (null with kUnpinBit), never equal to a pin.
  static constexpr uintptr_t kSentinel = kUnpinBit;
  const uintptr_t* begin() const { return slots_ + 1; }
  uintptr_t* begin() { return slots_ + 1; }

  uintptr_t slots_[kCapacity + 1] = {kSentinel};
  uintptr_t* top_ = slots_ + 1;
  uintptr_t* const end_ = slots_ + 1 + kCapacity;
};

constexpr bool PinLog::HasCLayout(size_t top_offset, size_t end_offset, size_t size) {
  return offsetof(PinLog, slots_) == 0 && offsetof(PinLog, top_) == top_offset &&
         offsetof(PinLog, end_) == end_offset && sizeof(PinLog) == size &&
         kSentinel == 1;
}

// Every thread's frozen stand-in while it is not running heap code.
extern constinit PinLog g_frozen_pin_log;
// The calling thread's own log while it is attached and running (ThreadState::OnRunning),
// else g_frozen_pin_log: so Pin and Unpin need no attached-and-running test of their own —
// a pin from a thread that is not running fails on the frozen log and takes the slow path,
// which reports it. constinit: read directly, no TLS wrapper call.
// Its symbol is `pinion_current_pin_log`, the name C code reaches it by (pinning/pin_c.h).
extern constinit thread_local PinLog* t_pin_log asm("pinion_current_pin_log");

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_PIN_LOG_H_
