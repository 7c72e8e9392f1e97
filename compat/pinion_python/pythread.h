/* Threads, locks and thread-specific storage: CPython 3.11's pythread.h on POSIX threads
 * (runtime in runtime/thread.cc).
 *
 * Locks are CPython's: binary and not owned (any thread may release a lock another acquired).
 * Where Pinion differs (there is no GIL):
 *   - A blocking PyThread_acquire_lock(_timed) called by a thread that is attached and
 *     running waits inside a native region (as if between Py_BEGIN_ALLOW_THREADS and
 *     Py_END_ALLOW_THREADS), so a collection never waits for it; it re-enters before it
 *     returns (which may wait for a collection in progress). Threads in a native region or
 *     not attached just wait. PY_LOCK_INTR is never returned: signals do not interrupt a wait.
 *   - PyThread_start_new_thread's thread is not attached: to touch objects, the function
 *     calls PyGILState_Ensure (and PyGILState_Release before it returns), as a CPython thread
 *     must take the GIL. It must not return or call PyThread_exit_thread while attached
 *     (reported as kThreadExitAttached).
 *   - PyThread_get_stacksize/set_stacksize apply to the threads PyThread_start_new_thread
 *     starts, process-wide (CPython: per interpreter).
 * The TSS API is pthread keys (a Py_tss_t may be statically initialised with
 * Py_tss_NEEDS_INIT); the deprecated TLS key API 3.11 still declares works the same way.
 *
 * Threads: any thread, attached or not (none of these functions touches objects).
 */
#ifndef PINION_PYTHON_PYTHREAD_H_
#define PINION_PYTHON_PYTHREAD_H_

#include <limits.h>
#include <stddef.h>
#ifndef Py_LIMITED_API
#include <pthread.h> /* pthread_key_t, in Py_tss_t */
#endif

#include "pinion_python/object.h"

typedef void* PyThread_type_lock;

_PyPinion_EXTERN_C_BEGIN

typedef enum PyLockStatus {
  PY_LOCK_FAILURE = 0,
  PY_LOCK_ACQUIRED = 1,
  PY_LOCK_INTR
} PyLockStatus;

/* Nothing to do (threads need no initialisation). */
PyAPI_FUNC(void) PyThread_init_thread(void);
/* Starts a detached thread running func(arg): its identifier, or (unsigned long)-1 if it
 * could not be started. */
PyAPI_FUNC(unsigned long) PyThread_start_new_thread(void (*func)(void*), void* arg);
/* Ends the calling thread (pthread_exit). */
PyAPI_FUNC(void) __attribute__((__noreturn__)) PyThread_exit_thread(void);
PyAPI_FUNC(unsigned long) PyThread_get_thread_ident(void);
#define PY_HAVE_THREAD_NATIVE_ID
PyAPI_FUNC(unsigned long) PyThread_get_thread_native_id(void);

/* A new unlocked lock, or NULL if out of memory. */
PyAPI_FUNC(PyThread_type_lock) PyThread_allocate_lock(void);
/* Frees a lock no thread waits for. */
PyAPI_FUNC(void) PyThread_free_lock(PyThread_type_lock lock);
/* waitflag WAIT_LOCK blocks until the lock is acquired, NOWAIT_LOCK does not block: 1 if
 * acquired, else 0. */
PyAPI_FUNC(int) PyThread_acquire_lock(PyThread_type_lock lock, int waitflag);
#define WAIT_LOCK 1
#define NOWAIT_LOCK 0

/* Timeouts in microseconds: 0 does not block, > 0 waits up to that long, < 0 waits until
 * acquired. At most PY_TIMEOUT_MAX (larger values wait as long as PY_TIMEOUT_MAX). */
#define PY_TIMEOUT_T long long
#define PY_TIMEOUT_MAX (LLONG_MAX / 1000)
PyAPI_FUNC(PyLockStatus) PyThread_acquire_lock_timed(PyThread_type_lock lock,
                                                     PY_TIMEOUT_T microseconds,
                                                     int intr_flag);
/* Releases a held lock (from any thread); releasing an unlocked lock is a misuse (CPython:
 * undefined), reported as kBadNesting. */
PyAPI_FUNC(void) PyThread_release_lock(PyThread_type_lock lock);

/* The stack size of new threads (0: the system's default). set: 0 restores the default;
 * -1 for a size below 32 KiB or one the system refuses. */
PyAPI_FUNC(size_t) PyThread_get_stacksize(void);
PyAPI_FUNC(int) PyThread_set_stacksize(size_t size);

/* sys.thread_info: a struct sequence (name='pthread', lock, version: the C library's, e.g.
 * 'NPTL 2.36', or None), each call a new instance of a new type (runtime/sys_info.cc).
 * Where Pinion differs: lock is 'mutex+cond' (its locks), CPython's Linux build says
 * 'semaphore'. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(PyObject*) PyThread_GetInfo(void);
#endif

/* The deprecated TLS API: int keys (pthread keys). create: a key, or -1; set_key_value: 0,
 * or -1 on failure. ReInitTLS does nothing. */
Py_DEPRECATED(3.7) PyAPI_FUNC(int) PyThread_create_key(void);
Py_DEPRECATED(3.7) PyAPI_FUNC(void) PyThread_delete_key(int key);
Py_DEPRECATED(3.7) PyAPI_FUNC(int) PyThread_set_key_value(int key, void* value);
Py_DEPRECATED(3.7) PyAPI_FUNC(void*) PyThread_get_key_value(int key);
Py_DEPRECATED(3.7) PyAPI_FUNC(void) PyThread_delete_key_value(int key);
Py_DEPRECATED(3.7) PyAPI_FUNC(void) PyThread_ReInitTLS(void);

#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03070000
/* Thread-specific storage (PEP 539). A NULL key is a misuse (CPython asserts), reported as
 * kBadArgument: the call then fails (-1, NULL or nothing). */
typedef struct _Py_tss_t Py_tss_t;
/* A new key, not created (is_created 0), or NULL if out of memory; tss_free deletes it
 * first. */
PyAPI_FUNC(Py_tss_t*) PyThread_tss_alloc(void);
PyAPI_FUNC(void) PyThread_tss_free(Py_tss_t* key);
PyAPI_FUNC(int) PyThread_tss_is_created(Py_tss_t* key);
/* 0 (also when already created), or -1 if no key could be created. */
PyAPI_FUNC(int) PyThread_tss_create(Py_tss_t* key);
PyAPI_FUNC(void) PyThread_tss_delete(Py_tss_t* key);
PyAPI_FUNC(int) PyThread_tss_set(Py_tss_t* key, void* value);
PyAPI_FUNC(void*) PyThread_tss_get(Py_tss_t* key);
#endif

#ifndef Py_LIMITED_API
#define PYTHREAD_INVALID_THREAD_ID ((unsigned long)-1)
/* As CPython's layout, so that keys can be static: `static Py_tss_t key =
 * Py_tss_NEEDS_INIT;`. Use it only through the functions above. */
struct _Py_tss_t {
  int _is_initialized;
  pthread_key_t _key;
};
#define Py_tss_NEEDS_INIT {0}
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYTHREAD_H_ */
