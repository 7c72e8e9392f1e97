// Pending calls (ceval.h): Py_AddPendingCall queues a C function, Py_MakePendingCalls runs
// the queue on the main thread (the one that called Py_Initialize), as CPython runs them
// there. Pinion has no evaluation loop to run them "as soon as possible": they run when the
// main thread calls Py_MakePendingCalls, and at Py_Finalize.
//
// Owns: the queue (at most kMaxPending calls: CPython's ring of NPENDINGCALLS = 32 slots,
// one always free), under g_pending_mu,
// which is held only to push or pop (malloc'd storage: no heap allocation, no extension code
// under it; an AddPendingCall from a signal handler is not supported: it may block). t_busy:
// the calling thread is running pending calls (a pending call that calls
// Py_MakePendingCalls does not run the next one inside itself).
//
// Threads: AddPendingCall from any thread, attached or not; MakePendingCalls from attached
// threads (on others than the main thread it does nothing and returns 0).
#include <deque>
#include <mutex>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

struct PendingCall {
  int (*func)(void*);
  void* arg;
};

constexpr size_t kMaxPending = 31;
std::mutex g_pending_mu;
std::deque<PendingCall>& Queue() {  // under g_pending_mu
  static std::deque<PendingCall>* queue = new std::deque<PendingCall>;
  return *queue;
}
thread_local bool t_busy = false;

bool Pop(PendingCall* call) {
  std::lock_guard<std::mutex> lock(g_pending_mu);
  if (Queue().empty()) return false;
  *call = Queue().front();
  Queue().pop_front();
  return true;
}

// Runs the queue; -1 (with the call's exception) at the first call that fails.
int RunPending() {
  if (t_busy) return 0;
  t_busy = true;
  int rc = 0;
  PendingCall call;
  for (size_t i = 0; i <= kMaxPending && rc == 0 && Pop(&call); ++i) {
    rc = call.func(call.arg) < 0 ? -1 : 0;
  }
  t_busy = false;
  return rc;
}

}  // namespace

void FinishPendingCalls() {
  // Bounded: a pending call that queues itself again does not hold up finalization forever.
  for (int round = 0; round < 64; ++round) {
    {
      std::lock_guard<std::mutex> lock(g_pending_mu);
      if (Queue().empty()) return;
    }
    if (RunPending() < 0) PyErr_WriteUnraisable(nullptr);
  }
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" int Py_AddPendingCall(int (*func)(void*), void* arg) {
  std::lock_guard<std::mutex> lock(g_pending_mu);
  if (Queue().size() >= kMaxPending) return -1;  // full, as CPython (no exception)
  Queue().push_back({func, arg});
  return 0;
}

extern "C" int Py_MakePendingCalls(void) {
  if (!IsMainThread()) return 0;
  // As CPython: a signal first (SIGINT's default handler raises KeyboardInterrupt).
  if (PyErr_CheckSignals() < 0) return -1;
  return RunPending();
}
