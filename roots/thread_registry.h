// The thread registry: which threads are attached to a heap, and the stop-the-world handshake.
//
// Every thread that touches a heap attaches first (gc's ThreadScope) and detaches before it
// exits. Each attached thread has a ThreadRecord whose `mode` says whether the collector must
// wait for it:
//
//   mode        | who sets it                  | collector may scan its roots?
//   ------------+------------------------------+------------------------------
//   kRunning    | the thread itself            | no: it must reach a safepoint
//   kParked     | the thread, at a safepoint   | yes
//   kNative     | the thread, entering a native| yes (frames below are frozen; it
//               | region or waiting on a lock  |  blocks on the way out of the region)
//
// The handshake uses no signals. The collector sets `stop_requested_` and waits until no
// registered thread is kRunning. A running thread notices at its next poll (Safepoint(), or
// any allocation: the fast path tests the thread's `interrupt` flag) and parks.
// Entering/leaving a native region is a Dekker-style protocol on two seq_cst atomics (the thread's mode and `stop_requested_`): the thread
// stores its mode, then loads the flag; the collector stores the flag, then loads modes. With
// seq_cst at least one of them sees the other's store, so a thread never runs heap code while
// the collector believes it stopped.
//
// Lock: `mu_` guards `threads_` and the parking condition variables. While the world is
// stopped the collector holds `mu_` (StopTheWorld .. ResumeTheWorld), so attach and detach
// wait for the pause to end; threads that block on it are not kRunning (see Attach/Detach).
//
// Threads: Attach/Detach/Park/EnterNative/LeaveNative are called by the thread that owns the
// record; StopTheWorld/ForEachThread/ResumeTheWorld by the one collecting thread.
#ifndef PINION_ROOTS_THREAD_REGISTRY_H_
#define PINION_ROOTS_THREAD_REGISTRY_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "roots/handle_stack.h"

namespace pinion {

class RootSet;

enum class ThreadMode : uint8_t { kRunning, kParked, kNative };

// Per-thread root scanning (concurrent cycles): whether this thread's handles still have to
// be reported to the cycle's RootScanner, and who is doing it. Pending -> Claimed is a CAS,
// so exactly one of the thread itself (at a poll, or leaving a native region) and the
// collector (while the thread is native) scans; the thread waits out a collector's claim
// before it touches its handles again.
enum class RootsState : uint8_t { kScanned, kPending, kClaimed };

// Per-thread root state; gc's ThreadState extends it with the thread's allocation caches.
class ThreadRecord {
 public:
  explicit ThreadRecord(RootSet& roots) : roots(roots) {}
  virtual ~ThreadRecord() = default;

  // The record of the calling thread, or nullptr when it is not attached.
  [[gnu::always_inline]] static ThreadRecord* Current() { return current_; }
  static void SetCurrent(ThreadRecord* record) { current_ = record; }

  // Called on the owning thread by the registry when the thread starts running heap code
  // (attach, leaving a native region: true) and before it stops (entering a native region,
  // detach: false); not around parking, as a parked thread runs nothing. Lets the heap keep
  // thread-local fast-path state that is valid only while the thread runs (gc/internal/
  // pin_log.h).
  virtual void OnRunning(bool /*running*/) {}

  // True while the thread runs heap code (not parked, not in a native region). Only the
  // owning thread may ask: `mode` is written only by it, so the relaxed load reads its own
  // latest store.
  bool running() const { return mode.load(std::memory_order_relaxed) == ThreadMode::kRunning; }
  // The calling thread's record if it is attached and running heap code, else nullptr.
  [[gnu::always_inline]] static ThreadRecord* CurrentRunning() {
    ThreadRecord* record = current_;
    return record != nullptr && record->running() ? record : nullptr;
  }

  RootSet& roots;
  HandleStack handles;  // owned by this thread; scanned while it is stopped
  // seq_cst: half of the Dekker handshake described at the top of this file.
  std::atomic<ThreadMode> mode{ThreadMode::kRunning};
  // Acquire/release: a scanner's reads of `handles` happen-before the owner's next writes.
  std::atomic<RootsState> roots_state{RootsState::kScanned};
  // The poll flag: set by the collector whenever it wants this thread at its next poll (a
  // stop, a handshake), so that polls — Safepoint() and the allocation fast path — cost one
  // load of the thread's own record. Release stores after each request is published; Poll
  // clears it with an acquire exchange, so a poll that clears it sees every request made
  // before the store it read, and a later store leaves it set for the next poll.
  std::atomic<bool> interrupt{false};

 private:
  // constinit: no dynamic initialisation, so other translation units read it directly
  // instead of through a TLS wrapper call (this is on every allocation's fast path).
  static constinit thread_local ThreadRecord* current_;
};

// Marks the calling thread as running a collector callback — a trace callback, or a
// finalizer run by the sweep — or a whole cycle, for the scope's lifetime. A callback must
// not call back into the collector: inside one, polls do nothing (a thread sweeping a page
// must not park: a cycle would mark that page half-swept), and Collect() and allocation are
// reported as kBadNesting by gc/. Allocation's fast path is closed for the scope by setting
// the thread's poll flag (a spurious poll later is harmless). Scopes nest; what() names the
// innermost, for messages.
class CollectorCallbackScope {
 public:
  explicit CollectorCallbackScope(const char* what) : outer_(current_) {
    current_ = what;
    // Relaxed: only this thread's own fast path reads it as "take the slow path".
    if (ThreadRecord* record = ThreadRecord::CurrentRunning()) {
      record->interrupt.store(true, std::memory_order_relaxed);
    }
  }
  ~CollectorCallbackScope() { current_ = outer_; }
  CollectorCallbackScope(const CollectorCallbackScope&) = delete;
  CollectorCallbackScope& operator=(const CollectorCallbackScope&) = delete;

  // What the calling thread is running ("a trace callback", "a finalizer"...), or nullptr.
  static const char* what() { return current_; }

 private:
  const char* const outer_;
  static constinit thread_local const char* current_;
};

class ThreadRegistry {
 public:
  ThreadRegistry() = default;
  ThreadRegistry(const ThreadRegistry&) = delete;
  ThreadRegistry& operator=(const ThreadRegistry&) = delete;

  // Registers `record` for the calling thread and makes it Current().
  void Attach(ThreadRecord* record);
  // Unregisters the calling thread's record; it must be Current() and running.
  void Detach(ThreadRecord* record);
  size_t thread_count();

  // Relaxed is enough: a stale `false` only delays parking until the next poll, and Park
  // re-reads under `mu_`.
  bool stop_requested() const { return stop_requested_.load(std::memory_order_relaxed); }
  // The poll's slow path, taken when the thread's `interrupt` is set: clears it, parks the
  // calling (running) thread until the world is resumed, and runs its handshake if one is
  // pending. Does nothing inside a native region (LeaveNative does both there).
  [[gnu::cold]] void Poll(ThreadRecord* record);

  // ---- Per-thread handshakes (a concurrent cycle's root scans and buffer flushes) ----
  // Receives a thread whose per-thread state (its handles, or buffers the caller keeps in
  // the record) it must read; runs on that thread at its next poll, or on the collector
  // while the thread is stopped — never both, never while the thread runs heap code.
  using RootScanner = void (*)(void* context, ThreadRecord* thread);
  // Every thread becomes kPending; `scanner` visits each. With the world stopped, or (the
  // previous request having ended) while it runs.
  void RequestRootScans(RootScanner scanner, void* context);
  // Collector, world running: scans every pending thread that is not running (native or
  // parked). True when no thread is pending any more.
  bool ScanStoppedThreads();
  // With the world stopped: scans whatever is still pending; ends the request.
  void FinishRootScans();

  void EnterNative(ThreadRecord* record);
  void LeaveNative(ThreadRecord* record);

  // Collector side. StopTheWorld returns with every registered thread parked or native and
  // `mu_` held; the caller must not itself be kRunning (it enters a native region first).
  void StopTheWorld();
  void ResumeTheWorld();
  bool world_stopped() const { return world_lock_.owns_lock(); }
  // Only between StopTheWorld and ResumeTheWorld.
  template <class F>
  void ForEachThread(F&& f) {
    for (ThreadRecord* t : threads_) f(t);
  }
  // With the world running: f(t) for every registered thread, under mu_ (so attach and
  // detach wait; f must not wait for a thread to park or to attach).
  template <class F>
  void ForEachThreadRunning(F&& f) {
    std::lock_guard<std::mutex> lock(mu_);
    for (ThreadRecord* t : threads_) f(t);
  }

 private:
  // Parks the calling running thread until the world is resumed (Poll's stop).
  void Park(ThreadRecord* record);
  bool AllStoppedLocked() const;
  // Sets every thread's poll flag (under mu_, after the request is published).
  void InterruptAllLocked();
  void WaitForResumeLocked(std::unique_lock<std::mutex>& lock);
  // Pending -> Claimed -> scanned -> kScanned, if this caller wins the claim.
  bool ClaimAndScan(ThreadRecord* record);

  std::mutex mu_;
  std::unique_lock<std::mutex> world_lock_{mu_, std::defer_lock};  // held while stopped
  std::condition_variable stopped_cv_;  // collector waits: a thread parked or went native
  std::condition_variable resume_cv_;   // parked threads wait: the world resumed
  // seq_cst stores/loads where the handshake needs them; see the file comment.
  std::atomic<bool> stop_requested_{false};
  std::vector<ThreadRecord*> threads_;  // guarded by mu_
  // Written under mu_ while every thread is kScanned; read by the claimant of a kPending
  // state (RequestRootScans explains the order).
  RootScanner scanner_ = nullptr;
  void* scanner_context_ = nullptr;
};

}  // namespace pinion

#endif  // PINION_ROOTS_THREAD_REGISTRY_H_
