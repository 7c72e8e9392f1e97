// SIGINT and fork (intrcheck.h): PyOS_InterruptOccurred, the SIGINT handler Py_Initialize
// installs, and PyOS_BeforeFork/AfterFork_Parent/AfterFork_Child.
//
// SIGINT: Py_InitializeEx(1) installs a handler, as CPython installs its default one, when
// SIGINT's disposition is the default (an embedder's own handler is left alone); it only sets
// g_sigint (async-signal-safe), which the main thread takes: PyOS_InterruptOccurred answers
// whether one arrived since the last take, PyErr_CheckSignals (errors.cc) raises
// KeyboardInterrupt for it. Py_Finalize puts the default disposition back.
//
// Fork: BeforeFork takes the mutexes a child would need (sys.modules', the sys dict's), so
// that no other thread holds them mid-operation at fork(); both sides release them after. In
// the child, the forking thread becomes the main thread and a SIGINT seen before is dropped.
// What Pinion cannot do for the child: the other threads attached at fork() do not exist
// there, but the heap still counts them, so a collection in the child would wait for them
// forever. A child that goes on using the runtime must have forked while no other thread was
// attached (and no collection under way); one that calls exec (or only touches objects
// without allocating much) is fine.
//
// Threads: InterruptOccurred and the fork hooks on attached threads (the fork hooks on the
// forking one); the handler on whichever thread the kernel picks.
#include <signal.h>

#include <atomic>
#include <mutex>
#include <new>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

// Relaxed: a flag with nothing published through it (the handler stores, a thread takes).
std::atomic<bool> g_sigint{false};
std::atomic<bool> g_handler_installed{false};

void OnSigint(int) { g_sigint.store(true, std::memory_order_relaxed); }

}  // namespace

void InstallSigintHandler() {
  if (PyOS_getsig(SIGINT) != SIG_DFL) return;  // the embedder's own handler stays
  if (PyOS_setsig(SIGINT, OnSigint) != SIG_ERR) {
    g_handler_installed.store(true, std::memory_order_relaxed);
  }
}

void RemoveSigintHandler() {
  if (g_handler_installed.exchange(false, std::memory_order_relaxed) &&
      PyOS_getsig(SIGINT) == OnSigint) {
    PyOS_setsig(SIGINT, SIG_DFL);
  }
  g_sigint.store(false, std::memory_order_relaxed);
}

bool TakeSigint() {
  return g_sigint.load(std::memory_order_relaxed) &&
         g_sigint.exchange(false, std::memory_order_relaxed);
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" int PyOS_InterruptOccurred(void) {
  if (!IsMainThread()) return 0;  // as CPython: signals are the main thread's
  return TakeSigint() ? 1 : 0;
}

extern "C" void PyOS_BeforeFork(void) {
  LockAttached(ModulesLock()).release();
  LockAttached(SysLock()).release();
}

extern "C" void PyOS_AfterFork_Parent(void) {
  SysLock().unlock();
  ModulesLock().unlock();
}

extern "C" void PyOS_AfterFork_Child(void) {
  // Made afresh, as CPython reinitialises its locks in the child: the forking thread holds
  // them when BeforeFork ran, and, when it did not (the deprecated PyOS_AfterFork alone),
  // a thread that no longer exists may have.
  new (&SysLock()) std::mutex;
  new (&ModulesLock()) std::mutex;
  NoteForkedChild();
  g_sigint.store(false, std::memory_order_relaxed);
}

extern "C" void PyOS_AfterFork(void) { PyOS_AfterFork_Child(); }
