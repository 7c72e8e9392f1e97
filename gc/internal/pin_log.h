// A thread's pin log: where Pin and Unpin record what they do, with no atomic and no shared
// cache line (the pin fast path, pinning/pin.h).
//
// Pin appends the object; Unpin of the newest entry pops it (pins nest, so a pin and its
// unpin usually cancel right here, and the object's count is never touched); any other
// Unpin is recorded at the other end of the same array:
//
//   slots_: [sentinel | pin pin pin ... -> top_     free     end_ <- ... unpin unpin ]
//
// The log is full when top_ meets end_. Pins and unpins are kept apart rather than tagged,
// so no value a caller passes — not even a misaligned pointer such as `x + 1` — reads as an
// entry of the other kind: a bad entry is only ever reported (kNotAHeapObject) when counted,
// never applied to another object. The sentinel below the first pin is the log's own
// address, which no caller passes, so an Unpin on an empty log fails the fast path's single
// compare instead of popping past the start.
//
// The counts themselves (pin_slot.h) change only when a log is counted
// (PinnedList::ApplyPins/ApplyUnpins): by its thread when it is full or the thread detaches,
// and by the collector, for every thread, in each pause that enumerates roots. So a count is
// exact whenever roots are enumerated (docs/architecture.md, invariant 3), and two threads
// pinning one object never write the same cache line.
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
  // Unpins that did not cancel the newest entry look this far down the log (UnpinSlow).
  static constexpr size_t kCancelWindow = 8;

  constexpr PinLog() { slots_[0] = &slots_[0]; }
  // True if this class has the layout of `struct pinion_pin_log` in pinning/pin_c.h, through
  // which C code runs the same fast path (checked where both are visible: pinning/pin_c.cc).
  static constexpr bool HasCLayout(size_t top_offset, size_t end_offset, size_t size);
  // The frozen log: always full, and nothing on top, so TryPin and TryCancel fail without
  // writing (it is shared by every thread that is not running; see t_pin_log).
  struct Frozen {};
  constexpr explicit PinLog(Frozen) : end_(slots_ + 1), limit_(slots_ + 1) {
    slots_[0] = &slots_[0];
  }
  PinLog(const PinLog&) = delete;
  PinLog& operator=(const PinLog&) = delete;

  // Appends a pin; false when the log is full.
  bool TryPin(const void* object) {
    if (top_ == end_) [[unlikely]] return false;
    *top_++ = object;
    return true;
  }
  // Pops the newest pin if it is of `object` (below an empty log lies the sentinel, which
  // matches no object, so there is no emptiness test).
  bool TryCancel(const void* object) {
    if (top_[-1] != object) return false;
    --top_;
    return true;
  }
  // Removes a pin of `object` among the kCancelWindow newest pins (the newest one moves
  // into its place: order within a log does not matter, see PinnedList::ApplyUnpins).
  bool CancelNear(const void* object) {
    const void** const stop = top_ - begin() > static_cast<ptrdiff_t>(kCancelWindow)
                                  ? top_ - kCancelWindow
                                  : begin();
    for (const void** e = top_; e != stop;) {
      if (*--e == object) {
        --top_;
        *e = *top_;
        return true;
      }
    }
    return false;
  }
  // Records an unpin; false when the log is full.
  bool TryUnpin(const void* object) {
    if (top_ == end_) return false;
    *--end_ = object;
    return true;
  }
  // Pins minus unpins of `object` in the log (for PinCount).
  int32_t NetOf(const void* object) const {
    int32_t net = 0;
    ForEachPin([&](const void* o) { net += o == object; });
    ForEachUnpin([&](const void* o) { net -= o == object; });
    return net;
  }
  bool empty() const { return top_ == begin() && end_ == limit_; }
  // Visit every pin, every unpin.
  template <class F>
  void ForEachPin(F&& f) const {
    for (const void* const* e = begin(); e != top_; ++e) f(*e);
  }
  template <class F>
  void ForEachUnpin(F&& f) const {
    for (const void* const* e = end_; e != limit_; ++e) f(*e);
  }
  void Clear() {
    top_ = begin();
    end_ = limit_;
  }

 private:
  const void* const* begin() const { return slots_ + 1; }
  const void** begin() { return slots_ + 1; }

  const void* slots_[kCapacity + 1] = {};  // slots_[0]: the sentinel, &slots_[0]
  const void** top_ = slots_ + 1;
  const void** end_ = slots_ + 1 + kCapacity;
  // The end of the unpins: the array's end, or its start in the frozen log (which holds
  // neither pins nor unpins, though top_ == end_ makes it look full).
  const void** const limit_ = slots_ + 1 + kCapacity;
};

constexpr bool PinLog::HasCLayout(size_t top_offset, size_t end_offset, size_t size) {
  return offsetof(PinLog, slots_) == 0 && offsetof(PinLog, top_) == top_offset &&
         offsetof(PinLog, end_) == end_offset && sizeof(PinLog) == size &&
         sizeof(slots_[0]) == sizeof(uintptr_t);
}

// Every thread's frozen stand-in while it is not running heap code.
extern constinit PinLog g_frozen_pin_log;
// The calling thread's own log while it is attached and running (ThreadState::OnRunning),
// else g_frozen_pin_log: so Pin and Unpin need no attached-and-running test of their own —
// a pin from a thread that is not running fails on the frozen log and takes the slow path,
// which reports it. constinit: read directly, no TLS wrapper call.
// Its symbol is `pinion_current_pin_log`, the name C code reaches it by (pinning/pin_c.h).
// initial-exec, as there: code in a shared object (an extension module, or the runtime built
// as one) reaches it as an offset from the thread pointer, not through __tls_get_addr. It
// must live in static TLS: in the program or a library loaded at start-up, never one
// dlopen'ed later.
[[gnu::tls_model("initial-exec")]] extern constinit thread_local PinLog* t_pin_log asm(
    "pinion_current_pin_log");

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_PIN_LOG_H_
