// Threads, locks and thread-specific storage (pythread.h) on POSIX threads.
//
// A lock is a Lock: `locked` under `mu`, and a condition variable waiters sleep on. `mu` is
// held only to read or flip `locked` and to sleep on `released`, never across a call that
// allocates from the heap, pins, or runs extension code; so a thread that waits for `mu`
// waits only for another thread's few instructions. The long wait, for `locked` to clear,
// happens inside a native region when the caller is attached and running (Blocking below),
// so it never holds up a collection.
//
// State: g_stack_size, the stack size of threads PyThread_start_new_thread starts (relaxed
// atomic: a setting read once per thread start; nothing else is published through it).
//
// Threads: any thread, attached or not; the functions touch no objects.
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <new>

#include "compat/runtime/runtime.h"
#include "gc/errors.h"
#include "roots/thread_registry.h"

namespace pinion::compat {
namespace {

struct Lock {
  std::mutex mu;
  std::condition_variable released;
  bool locked = false;  // under mu
};

// CPython's THREAD_STACK_MIN.
constexpr size_t kStackMin = 0x8000;
std::atomic<size_t> g_stack_size{0};

// For the length of a blocking wait: a native region if the calling thread is attached and
// running (so collections go on without it), left again at the end (which waits for a
// collection in progress, as Py_END_ALLOW_THREADS does). Other threads wait as they are.
class Blocking {
 public:
  Blocking() : state_(ThreadRecord::CurrentRunning() != nullptr ? PyEval_SaveThread() : nullptr) {}
  ~Blocking() {
    if (state_ != nullptr) PyEval_RestoreThread(state_);
  }
  Blocking(const Blocking&) = delete;
  Blocking& operator=(const Blocking&) = delete;

 private:
  PyThreadState* state_;
};

PyLockStatus Acquire(Lock* lock, long long microseconds) {
  {
    std::lock_guard<std::mutex> guard(lock->mu);
    if (!lock->locked) {
      lock->locked = true;
      return PY_LOCK_ACQUIRED;
    }
  }
  if (microseconds == 0) return PY_LOCK_FAILURE;
  Blocking blocking;  // before taking mu: entering the region may not wait, but leaving may
  std::unique_lock<std::mutex> guard(lock->mu);
  if (microseconds < 0) {
    lock->released.wait(guard, [lock] { return !lock->locked; });
  } else {
    if (microseconds > PY_TIMEOUT_MAX) microseconds = PY_TIMEOUT_MAX;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::microseconds(microseconds);
    if (!lock->released.wait_until(guard, deadline, [lock] { return !lock->locked; })) {
      return PY_LOCK_FAILURE;
    }
  }
  lock->locked = true;
  return PY_LOCK_ACQUIRED;
  // `guard` is destroyed before `blocking` (reverse order): mu is released before the thread
  // leaves the native region, so it never waits for a collection while holding mu.
}

struct ThreadStart {
  void (*func)(void*);
  void* arg;
};

void* RunThread(void* memory) {
  ThreadStart start = *static_cast<ThreadStart*>(memory);
  std::free(memory);
  start.func(start.arg);
  if (ThreadRecord::Current() != nullptr) {
    ReportMisuse(Misuse::kThreadExitAttached,
                 "a thread started by PyThread_start_new_thread returned while attached "
                 "(PyGILState_Ensure without PyGILState_Release)");
  }
  return nullptr;
}

bool CheckKey(const Py_tss_t* key, const char* function) {
  if (key != nullptr) return true;
  ReportMisuse(Misuse::kBadArgument, "%s: the key is NULL", function);
  return false;
}

}  // namespace

std::unique_lock<std::mutex> LockAttached(std::mutex& mu) {
  std::unique_lock<std::mutex> lock(mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    Blocking blocking;
    lock.lock();
  }
  return lock;
}

}  // namespace pinion::compat

using namespace pinion;
using namespace pinion::compat;

extern "C" void PyThread_init_thread(void) {}

extern "C" unsigned long PyThread_start_new_thread(void (*func)(void*), void* arg) {
  auto* start = static_cast<ThreadStart*>(std::malloc(sizeof(ThreadStart)));
  if (start == nullptr) return PYTHREAD_INVALID_THREAD_ID;
  *start = {func, arg};
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0) {
    std::free(start);
    return PYTHREAD_INVALID_THREAD_ID;
  }
  const size_t stack_size = g_stack_size.load(std::memory_order_relaxed);
  pthread_t thread;
  int error = stack_size != 0 ? pthread_attr_setstacksize(&attributes, stack_size) : 0;
  if (error == 0) error = pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  if (error == 0) error = pthread_create(&thread, &attributes, &RunThread, start);
  pthread_attr_destroy(&attributes);
  if (error != 0) {
    std::free(start);
    return PYTHREAD_INVALID_THREAD_ID;
  }
  return static_cast<unsigned long>(thread);
}

extern "C" void PyThread_exit_thread(void) {
  if (ThreadRecord::Current() != nullptr) {
    ReportMisuse(Misuse::kThreadExitAttached,
                 "PyThread_exit_thread from an attached thread (call PyGILState_Release "
                 "first)");
  }
  pthread_exit(nullptr);
}

extern "C" unsigned long PyThread_get_thread_ident(void) {
  return static_cast<unsigned long>(pthread_self());
}

extern "C" unsigned long PyThread_get_thread_native_id(void) {
  return static_cast<unsigned long>(syscall(SYS_gettid));
}

extern "C" PyThread_type_lock PyThread_allocate_lock(void) {
  return new (std::nothrow) Lock;
}

extern "C" void PyThread_free_lock(PyThread_type_lock lock) { delete static_cast<Lock*>(lock); }

extern "C" int PyThread_acquire_lock(PyThread_type_lock lock, int waitflag) {
  return PyThread_acquire_lock_timed(lock, waitflag ? -1 : 0, /*intr_flag=*/0);
}

extern "C" PyLockStatus PyThread_acquire_lock_timed(PyThread_type_lock lock,
                                                    PY_TIMEOUT_T microseconds, int) {
  if (lock == nullptr) {
    ReportMisuse(Misuse::kBadArgument, "PyThread_acquire_lock: the lock is NULL");
    return PY_LOCK_FAILURE;
  }
  return Acquire(static_cast<Lock*>(lock), microseconds);
}

extern "C" void PyThread_release_lock(PyThread_type_lock lock) {
  if (lock == nullptr) {
    ReportMisuse(Misuse::kBadArgument, "PyThread_release_lock: the lock is NULL");
    return;
  }
  Lock* l = static_cast<Lock*>(lock);
  {
    std::lock_guard<std::mutex> guard(l->mu);
    if (!l->locked) {
      ReportMisuse(Misuse::kBadNesting, "PyThread_release_lock: the lock is not locked");
      return;
    }
    l->locked = false;
    // Notified with mu held: the thread that acquires the lock next may free it as soon as
    // it has it, and it cannot have it before mu is released, which is this thread's last
    // touch of the lock.
    l->released.notify_one();
  }
}

extern "C" size_t PyThread_get_stacksize(void) {
  return g_stack_size.load(std::memory_order_relaxed);
}

extern "C" int PyThread_set_stacksize(size_t size) {
  if (size == 0) {
    g_stack_size.store(0, std::memory_order_relaxed);
    return 0;
  }
  if (size < kStackMin) return -1;
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0) return -1;
  const int error = pthread_attr_setstacksize(&attributes, size);
  pthread_attr_destroy(&attributes);
  if (error != 0) return -1;
  g_stack_size.store(size, std::memory_order_relaxed);
  return 0;
}

// ---- The deprecated TLS API ---------------------------------------------------------------

extern "C" int PyThread_create_key(void) {
  pthread_key_t key;
  if (pthread_key_create(&key, nullptr) != 0) return -1;
  if (key > static_cast<pthread_key_t>(INT_MAX)) {  // as CPython: the key must fit an int
    pthread_key_delete(key);
    return -1;
  }
  return static_cast<int>(key);
}

extern "C" void PyThread_delete_key(int key) { pthread_key_delete(static_cast<pthread_key_t>(key)); }

extern "C" int PyThread_set_key_value(int key, void* value) {
  return pthread_setspecific(static_cast<pthread_key_t>(key), value) != 0 ? -1 : 0;
}

extern "C" void* PyThread_get_key_value(int key) {
  return pthread_getspecific(static_cast<pthread_key_t>(key));
}

extern "C" void PyThread_delete_key_value(int key) {
  pthread_setspecific(static_cast<pthread_key_t>(key), nullptr);
}

extern "C" void PyThread_ReInitTLS(void) {}

// ---- Thread-specific storage ----------------------------------------------------------------

extern "C" Py_tss_t* PyThread_tss_alloc(void) {
  auto* key = static_cast<Py_tss_t*>(std::malloc(sizeof(Py_tss_t)));
  if (key != nullptr) key->_is_initialized = 0;
  return key;
}

extern "C" void PyThread_tss_free(Py_tss_t* key) {
  if (key == nullptr) return;
  PyThread_tss_delete(key);
  std::free(key);
}

extern "C" int PyThread_tss_is_created(Py_tss_t* key) {
  if (!CheckKey(key, "PyThread_tss_is_created")) return 0;
  return key->_is_initialized;
}

extern "C" int PyThread_tss_create(Py_tss_t* key) {
  if (!CheckKey(key, "PyThread_tss_create")) return -1;
  if (key->_is_initialized) return 0;
  if (pthread_key_create(&key->_key, nullptr) != 0) return -1;
  key->_is_initialized = 1;
  return 0;
}

extern "C" void PyThread_tss_delete(Py_tss_t* key) {
  if (!CheckKey(key, "PyThread_tss_delete") || !key->_is_initialized) return;
  pthread_key_delete(key->_key);
  key->_is_initialized = 0;
}

extern "C" int PyThread_tss_set(Py_tss_t* key, void* value) {
  if (!CheckKey(key, "PyThread_tss_set")) return -1;
  return pthread_setspecific(key->_key, value) != 0 ? -1 : 0;
}

extern "C" void* PyThread_tss_get(Py_tss_t* key) {
  if (!CheckKey(key, "PyThread_tss_get")) return nullptr;
  return pthread_getspecific(key->_key);
}
