#include "roots/thread_registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "gc/errors.h"
#include "gc/fault_injection.h"

namespace pinion {

constinit thread_local ThreadRecord* ThreadRecord::current_ = nullptr;
constinit thread_local const char* CollectorCallbackScope::current_ = nullptr;

void ThreadRegistry::Attach(ThreadRecord* record) {
  if (ThreadRecord::Current() != nullptr) {
    ReportMisuse(Misuse::kBadNesting, "thread is already attached to a heap");
    return;
  }
  // Not yet registered, so the collector never waits for us while we block on mu_ (a pause
  // in progress holds it). Once registered we are kRunning, and our first poll takes the slow
  // path: a stop may be under way already (StopTheWorld releases mu_ while it waits, after
  // it interrupted the threads it knew), and it would wait for us forever. Relaxed: this
  // thread's own poll reads it, and mu_ orders the collector's earlier requests before us.
  {
    std::lock_guard<std::mutex> lock(mu_);
    record->mode.store(ThreadMode::kRunning, std::memory_order_seq_cst);
    record->interrupt.store(true, std::memory_order_relaxed);
    threads_.push_back(record);
    ThreadRecord::SetCurrent(record);
    record->OnRunning(true);
  }
  PINION_FAULT_POINT(kAttach);  // outside mu_: a hook may block here
}

void ThreadRegistry::Detach(ThreadRecord* record) {
  if (ThreadRecord::Current() != record) {
    ReportMisuse(Misuse::kBadNesting, "detaching a thread record that is not the caller's");
    return;
  }
  PINION_FAULT_POINT(kDetach);
  // Go native first: while we wait for mu_ the collector must not wait for us.
  EnterNative(record);
  std::lock_guard<std::mutex> lock(mu_);
  threads_.erase(std::find(threads_.begin(), threads_.end(), record));
  ThreadRecord::SetCurrent(nullptr);
  stopped_cv_.notify_all();
}

size_t ThreadRegistry::thread_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size();
}

void ThreadRegistry::WaitForResumeLocked(std::unique_lock<std::mutex>& lock) {
  stopped_cv_.notify_all();
  // The predicate reads under mu_, which the collector holds when it clears the flag.
  resume_cv_.wait(lock, [&] { return !stop_requested_.load(std::memory_order_relaxed); });
}

void ThreadRegistry::Park(ThreadRecord* record) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!stop_requested_.load(std::memory_order_relaxed)) return;  // already resumed
  record->mode.store(ThreadMode::kParked, std::memory_order_seq_cst);
  WaitForResumeLocked(lock);
  record->mode.store(ThreadMode::kRunning, std::memory_order_seq_cst);
}

void ThreadRegistry::Poll(ThreadRecord* record) {
  // A thread inside a native region counts as stopped and has nothing to report: parking
  // would make it kRunning (the region's heap checks would pass and a stop would wait for
  // it). Its interrupt stays set; LeaveNative does the waiting and the handshake. Inside a
  // collector callback the thread must not park (CollectorCallbackScope): the poll waits
  // for the callback's end.
  if (!record->running() || CollectorCallbackScope::what() != nullptr) return;
  // Acquire: pairs with InterruptAllLocked's release, after the request it announces.
  record->interrupt.exchange(false, std::memory_order_acquire);
  if (stop_requested()) {
    PINION_FAULT_POINT(kBeforePark);
    Park(record);
    PINION_FAULT_POINT(kAfterPark);
  }
  if (record->roots_state.load(std::memory_order_acquire) == RootsState::kPending) {
    ClaimAndScan(record);
  }
}

bool ThreadRegistry::ClaimAndScan(ThreadRecord* record) {
  PINION_FAULT_POINT(kBeforeClaim);
  RootsState expected = RootsState::kPending;
  if (!record->roots_state.compare_exchange_strong(expected, RootsState::kClaimed,
                                                   std::memory_order_acquire)) {
    return false;
  }
  scanner_(scanner_context_, record);
  record->roots_state.store(RootsState::kScanned, std::memory_order_release);
  return true;
}

void ThreadRegistry::RequestRootScans(RootScanner scanner, void* context) {
  // With the world running, mu_ keeps the list still (the stopped world holds it already).
  std::unique_lock<std::mutex> lock(mu_, std::defer_lock);
  if (!world_stopped()) lock.lock();
  // Every thread is kScanned here (the previous request ended: ScanStoppedThreads saw each
  // kScanned with acquire, so no claimant still reads scanner_). A request made before the
  // previous one ended would hand a thread the wrong scanner (its handles never scanned: a
  // live object freed), so this is checked in every build.
  for (ThreadRecord* t : threads_) {
    if (t->roots_state.load(std::memory_order_acquire) != RootsState::kScanned) {
      std::fprintf(stderr, "pinion: internal error: a handshake was requested while a thread "
                           "had not finished the previous one\n");
      std::abort();
    }
  }
  scanner_ = scanner;
  scanner_context_ = context;
  for (ThreadRecord* t : threads_) {
    // Release: pairs with the acquire of the claiming CAS, which then sees scanner_.
    t->roots_state.store(RootsState::kPending, std::memory_order_release);
  }
  InterruptAllLocked();
}

void ThreadRegistry::InterruptAllLocked() {
  for (ThreadRecord* t : threads_) t->interrupt.store(true, std::memory_order_release);
}

bool ThreadRegistry::ScanStoppedThreads() {
  std::lock_guard<std::mutex> lock(mu_);  // the list; threads leaving native do not take it
  bool all_scanned = true;
  for (ThreadRecord* t : threads_) {
    if (t->roots_state.load(std::memory_order_acquire) != RootsState::kPending) continue;
    // A thread that is running scans itself at its next poll; a native or parked one cannot
    // touch its handles, and if it starts running now it loses the claim (or waits for it).
    if (t->mode.load(std::memory_order_seq_cst) == ThreadMode::kRunning || !ClaimAndScan(t)) {
      all_scanned = false;
    }
  }
  // A thread that scanned itself may still be finishing (kClaimed); wait for it.
  for (ThreadRecord* t : threads_) {
    if (t->roots_state.load(std::memory_order_acquire) != RootsState::kScanned) {
      all_scanned = false;
    }
  }
  return all_scanned;
}

void ThreadRegistry::FinishRootScans() {
  for (ThreadRecord* t : threads_) {
    // World stopped: nobody holds a claim (a scanning thread is running, so not stopped).
    ClaimAndScan(t);
  }
}

void ThreadRegistry::EnterNative(ThreadRecord* record) {
  record->OnRunning(false);
  // Release half of the handshake: everything this thread wrote (handles, objects) is
  // visible to a collector that loads kNative.
  record->mode.store(ThreadMode::kNative, std::memory_order_seq_cst);
  if (stop_requested_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(mu_);  // pairs with the collector's wait: no lost wakeup
    stopped_cv_.notify_all();
  }
}

void ThreadRegistry::LeaveNative(ThreadRecord* record) {
  for (;;) {
    record->mode.store(ThreadMode::kRunning, std::memory_order_seq_cst);
    // Dekker: our store above, then this load; the collector does the mirror image.
    if (!stop_requested_.load(std::memory_order_seq_cst)) break;
    std::unique_lock<std::mutex> lock(mu_);
    record->mode.store(ThreadMode::kNative, std::memory_order_seq_cst);
    WaitForResumeLocked(lock);
  }
  PINION_FAULT_POINT(kAfterLeaveNative);
  // Our handles may be pending a scan: claim it ourselves, or wait out the collector's.
  for (;;) {
    const RootsState state = record->roots_state.load(std::memory_order_acquire);
    if (state == RootsState::kScanned) break;
    if (state == RootsState::kPending && ClaimAndScan(record)) break;
    if (state == RootsState::kClaimed) std::this_thread::yield();
  }
  record->OnRunning(true);
}

bool ThreadRegistry::AllStoppedLocked() const {
  for (const ThreadRecord* t : threads_) {
    if (t->mode.load(std::memory_order_seq_cst) == ThreadMode::kRunning) return false;
  }
  return true;
}

void ThreadRegistry::StopTheWorld() {
  world_lock_.lock();
  stop_requested_.store(true, std::memory_order_seq_cst);
  InterruptAllLocked();
  stopped_cv_.wait(world_lock_, [&] { return AllStoppedLocked(); });
}

void ThreadRegistry::ResumeTheWorld() {
  // Release: the collector's writes (mark bits, page lists) happen-before a parked thread
  // observes `false` under mu_ or a native thread's seq_cst load in LeaveNative.
  stop_requested_.store(false, std::memory_order_seq_cst);
  world_lock_.unlock();
  resume_cv_.notify_all();
}

}  // namespace pinion
