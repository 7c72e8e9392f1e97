// The interpreter's set-up and its threads: Py_Initialize/Py_Finalize own the compat heap;
// the GIL API maps onto Pinion's thread registry (attach, detach, native regions).
//
// State: g_heap (the heap Py_Initialize made), g_main_scope (the initialising thread's
// attachment), and per thread t_ensured: the attachment PyGILState_Ensure made, if any.
// PyGILState_STATE encodes what Release must undo: LOCKED nothing, UNLOCKED detach (Ensure
// attached the thread), kLeftNative re-enter the native region Ensure left.
//
// Threads: Py_Initialize/Py_Finalize on one (main) thread while no other is attached; the
// rest from any thread.
#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <memory>

#include "compat/runtime/runtime.h"
#include "compat/runtime/unicode_codecs.h"
#include "gc/errors.h"
#include "gc/finalization.h"
#include "gc/heap.h"
#include "roots/thread_registry.h"

namespace pinion::compat {
namespace {

Heap* g_heap = nullptr;
ThreadScope* g_main_scope = nullptr;
// Py_Initialize's thread (relaxed: set before other threads use the runtime, or in a forked
// child with one thread; read by IsMainThread).
std::atomic<pthread_t> g_main_thread{};
thread_local ThreadScope* t_ensured = nullptr;

constexpr int kLeftNative = 2;  // a PyGILState_STATE value of our own
// Py_Finalize's collections at most (a chain of non-GC owners dies one link per round).
constexpr int kFinalizeRounds = 64;

}  // namespace

bool IsMainThread() {
  return g_heap != nullptr &&
         pthread_equal(pthread_self(), g_main_thread.load(std::memory_order_relaxed));
}

void NoteForkedChild() { g_main_thread.store(pthread_self(), std::memory_order_relaxed); }

}  // namespace pinion::compat

using namespace pinion;
using namespace pinion::compat;

extern "C" void Py_InitializeEx(int initsigs) {
  if (g_heap != nullptr) return;
  g_main_thread.store(pthread_self(), std::memory_order_relaxed);
  HeapConfig config;
  config.mode = CollectorMode::kStopTheWorld;
  g_heap = new Heap(config);  // PINION_MODE=concurrent may make it concurrent
  g_main_scope = new ThreadScope(*g_heap);
  if (!ReadyBuiltinTypes() || !ReadyDateTimeTypes()) {
    ReportMisuse(Misuse::kBadArgument, "Py_Initialize: the builtin types could not be readied");
  }
  if (initsigs) InstallSigintHandler();
}

extern "C" void Py_Initialize(void) { Py_InitializeEx(1); }

extern "C" int Py_IsInitialized(void) { return g_heap != nullptr; }

// _Py_IsFinalizing: set for the length of Py_FinalizeEx (relaxed: a flag for finalizers and
// deallocators, which run on the finalizing thread; other threads are detached by then).
std::atomic<bool> g_finalizing{false};

extern "C" int _Py_IsFinalizing(void) { return g_finalizing.load(std::memory_order_relaxed); }

extern "C" int Py_FinalizeEx(void) {
  if (g_heap == nullptr) return 0;
  FinishPendingCalls();
  g_finalizing.store(true, std::memory_order_relaxed);
  ClearAuditHooks();
  ForgetImportedModules();  // sys.modules goes first, as in CPython
  ReleaseBuiltins();
  ReleaseSysDict();
  ReleaseInternedStrings();
  ReleaseCodecRegistry();
  ReleaseErrorHandlers();
  // Collect until a collection finds nothing more to finalize or deallocate, so that the
  // deallocators of unreachable objects run (and release what they own outside the heap).
  // Each round moves garbage one step on: finalized, deallocated, or released by a
  // deallocated owner. Objects still reachable then (pinned by leaked references) stay.
  for (int round = 0; round < kFinalizeRounds; ++round) {
    g_heap->Collect(Heap::Kind::kStopTheWorld);
    if (RunFinalizers() == 0 && PendingFinalization().queued == 0) break;
  }
  // Then the types' dicts, MROs and bases (once no finalizer can look anything up in them),
  // whose deallocators free what the dicts hold outside the heap.
  ReleaseStaticWeakRefs();
  ReleaseReadiedTypes();
  for (int round = 0; round < kFinalizeRounds; ++round) {
    g_heap->Collect(Heap::Kind::kStopTheWorld);
    if (RunFinalizers() == 0 && PendingFinalization().queued == 0) break;
  }
  PyErr_Clear();  // the thread's exception pins its value, which is about to go
  PyErr_SetHandledException(nullptr);  // and so does the exception it was handling
  delete g_main_scope;
  g_main_scope = nullptr;
  delete g_heap;  // reports kHeapInUse if another thread is still attached
  g_heap = nullptr;
  g_finalizing.store(false, std::memory_order_relaxed);
  ForgetReadiedTypes();  // their dicts, MROs and bases were on that heap
  ForgetStaticWeakRefs();  // and their weak references
  RemoveSigintHandler();
  RunAtExitFunctions();  // last, as CPython's: they must not touch objects
  return 0;
}

extern "C" void Py_Finalize(void) { Py_FinalizeEx(); }

extern "C" PyThreadState* PyEval_SaveThread(void) {
  ThreadRecord* thread = ThreadRecord::CurrentRunning();
  if (thread == nullptr) {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "Py_BEGIN_ALLOW_THREADS/PyEval_SaveThread from a thread that is not "
                 "attached, or already inside Py_BEGIN_ALLOW_THREADS");
    return nullptr;
  }
  thread->roots.threads().EnterNative(thread);
  return reinterpret_cast<PyThreadState*>(thread);
}

extern "C" void PyEval_RestoreThread(PyThreadState* state) {
  ThreadRecord* thread = ThreadRecord::Current();
  if (state == nullptr || thread != reinterpret_cast<ThreadRecord*>(state) ||
      thread->mode.load(std::memory_order_relaxed) != ThreadMode::kNative) {
    ReportMisuse(Misuse::kBadNesting,
                 "PyEval_RestoreThread/Py_END_ALLOW_THREADS without the matching "
                 "PyEval_SaveThread on this thread");
    return;
  }
  thread->roots.threads().LeaveNative(thread);
}

extern "C" PyGILState_STATE PyGILState_Ensure(void) {
  ThreadRecord* thread = ThreadRecord::Current();
  if (thread == nullptr) {
    if (g_heap == nullptr) {
      ReportMisuse(Misuse::kThreadNotAttached, "PyGILState_Ensure before Py_Initialize");
      return PyGILState_LOCKED;
    }
    t_ensured = new ThreadScope(*g_heap);
    return PyGILState_UNLOCKED;
  }
  if (thread->mode.load(std::memory_order_relaxed) == ThreadMode::kNative) {
    thread->roots.threads().LeaveNative(thread);
    return static_cast<PyGILState_STATE>(kLeftNative);
  }
  return PyGILState_LOCKED;
}

extern "C" void PyGILState_Release(PyGILState_STATE state) {
  if (state == PyGILState_UNLOCKED) {
    if (t_ensured == nullptr) {
      ReportMisuse(Misuse::kBadNesting, "PyGILState_Release without its PyGILState_Ensure");
      return;
    }
    delete t_ensured;  // detaches: the thread's pins are counted, its pages handed back
    t_ensured = nullptr;
  } else if (static_cast<int>(state) == kLeftNative) {
    PyEval_SaveThread();
  }
}

// ---- The GIL's deprecated and thread-state forms: native regions here ----------------------

extern "C" void PyEval_InitThreads(void) {}  // threads need no set-up (nor in 3.11's CPython)

extern "C" int PyEval_ThreadsInitialized(void) { return Py_IsInitialized(); }

extern "C" void PyEval_AcquireThread(PyThreadState* tstate) { PyEval_RestoreThread(tstate); }

extern "C" void PyEval_ReleaseThread(PyThreadState* tstate) {
  if (tstate == nullptr || reinterpret_cast<ThreadRecord*>(tstate) != ThreadRecord::Current()) {
    ReportMisuse(Misuse::kBadNesting,
                 "PyEval_ReleaseThread: the thread state is not the calling thread's");
    return;
  }
  PyEval_SaveThread();
}

extern "C" void PyEval_AcquireLock(void) {
  ThreadRecord* thread = ThreadRecord::Current();
  if (thread == nullptr) {
    ReportMisuse(Misuse::kThreadNotAttached, "PyEval_AcquireLock from a thread that is not "
                                             "attached (use PyGILState_Ensure)");
    return;
  }
  if (thread->mode.load(std::memory_order_relaxed) == ThreadMode::kNative) {
    thread->roots.threads().LeaveNative(thread);
  }
}

extern "C" void PyEval_ReleaseLock(void) {
  if (ThreadRecord::CurrentRunning() != nullptr) PyEval_SaveThread();
}

extern "C" int PyGILState_Check(void) { return ThreadRecord::CurrentRunning() != nullptr; }

extern "C" PyThreadState* PyThreadState_Get(void) {
  return reinterpret_cast<PyThreadState*>(ThreadRecord::Current());
}

extern "C" PyThreadState* _PyThreadState_UncheckedGet(void) {
  return reinterpret_cast<PyThreadState*>(ThreadRecord::CurrentRunning());
}

// The recorded gc.enable()/disable() state (objimpl.h: collections run either way).
// Relaxed: a flag no other memory depends on.
static int g_gc_enabled = 1;

extern "C" int PyGC_Enable(void) { return __atomic_exchange_n(&g_gc_enabled, 1, __ATOMIC_RELAXED); }
extern "C" int PyGC_Disable(void) {
  return __atomic_exchange_n(&g_gc_enabled, 0, __ATOMIC_RELAXED);
}
extern "C" int PyGC_IsEnabled(void) { return __atomic_load_n(&g_gc_enabled, __ATOMIC_RELAXED); }

// Stop-the-world even on a concurrent heap: concurrent cycles subtract no pins, so they
// collect no cycles among GC objects (gc/finalization.h).
extern "C" Py_ssize_t PyGC_Collect(void) {
  if (g_heap == nullptr) return 0;
  g_heap->Collect(Heap::Kind::kStopTheWorld);
  return static_cast<Py_ssize_t>(RunFinalizers());
}

extern "C" Py_ssize_t _PyPinion_GC_CollectInMode(void) {
  if (g_heap == nullptr) return 0;
  g_heap->Collect();
  return static_cast<Py_ssize_t>(RunFinalizers());
}
