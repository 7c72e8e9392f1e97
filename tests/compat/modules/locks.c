/* pythread.h as extension modules use it: locks (non-blocking, timed, blocking on a thread
 * that releases them), thread-specific storage, the deprecated TLS keys, thread identifiers,
 * the stack size setting, and a thread started with PyThread_start_new_thread that takes
 * the GIL (PyGILState_Ensure) to build an object. Each function returns what it observed;
 * every lock, key and thread is the call's own, so calls from several threads at once are
 * independent (the threaded differential test).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "pythread.h" /* as real modules include it, by name */

/* The TLS key API is deprecated since 3.7; this module checks that it still works. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static PyObject* lock_basics(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  PyThread_type_lock lock = PyThread_allocate_lock();
  if (lock == NULL) return PyErr_NoMemory();
  const int first = PyThread_acquire_lock(lock, NOWAIT_LOCK);
  const int again = PyThread_acquire_lock(lock, NOWAIT_LOCK);
  const int timed_zero = PyThread_acquire_lock_timed(lock, 0, 0);
  const int timed_short = PyThread_acquire_lock_timed(lock, 1000, 0); /* 1 ms: times out */
  const int timed_intr = PyThread_acquire_lock_timed(lock, 1000, 1);
  PyThread_release_lock(lock);
  const int after_release = PyThread_acquire_lock(lock, WAIT_LOCK);
  PyThread_release_lock(lock);
  const int timed_free = PyThread_acquire_lock_timed(lock, 5000000, 0);
  PyThread_release_lock(lock);
  const int forever = PyThread_acquire_lock_timed(lock, -1, 0);
  PyThread_release_lock(lock);
  PyThread_free_lock(lock);
  return Py_BuildValue("{si,si,si,si,si,si,si,si,si,si,si}", "first", first, "again", again,
                       "timed_zero", timed_zero, "timed_short", timed_short, "timed_intr",
                       timed_intr, "after_release", after_release, "timed_free", timed_free,
                       "forever", forever, "FAILURE", PY_LOCK_FAILURE, "ACQUIRED",
                       PY_LOCK_ACQUIRED, "max_positive", PY_TIMEOUT_MAX > 0);
}

static PyObject* tss(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  static int value; /* only its address is used */
  Py_tss_t* key = PyThread_tss_alloc();
  if (key == NULL) return PyErr_NoMemory();
  const int created_before = PyThread_tss_is_created(key);
  const int create = PyThread_tss_create(key);
  const int created = PyThread_tss_is_created(key);
  const int create_again = PyThread_tss_create(key);
  const int empty = PyThread_tss_get(key) == NULL;
  const int set = PyThread_tss_set(key, &value);
  const int got = PyThread_tss_get(key) == &value;
  PyThread_tss_delete(key);
  const int created_after = PyThread_tss_is_created(key);
  PyThread_tss_free(key);

  Py_tss_t static_key = Py_tss_NEEDS_INIT; /* as a static key starts */
  const int static_created = PyThread_tss_is_created(&static_key);
  PyThread_tss_create(&static_key);
  PyThread_tss_set(&static_key, &value);
  const int static_got = PyThread_tss_get(&static_key) == &value;
  PyThread_tss_delete(&static_key);
  return Py_BuildValue("(iiiiiiiiii)", created_before, create, created, create_again, empty,
                       set, got, created_after, static_created, static_got);
}

static PyObject* tls_keys(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  static int value;
  const int key = PyThread_create_key();
  if (key == -1) return PyErr_NoMemory();
  const int empty = PyThread_get_key_value(key) == NULL;
  const int set = PyThread_set_key_value(key, &value);
  const int got = PyThread_get_key_value(key) == &value;
  PyThread_delete_key_value(key);
  const int cleared = PyThread_get_key_value(key) == NULL;
  PyThread_delete_key(key);
  PyThread_ReInitTLS();
  return Py_BuildValue("(iiii)", empty, set, got, cleared);
}

static PyObject* stack_size(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  /* Only settings that leave the default: the setting is process-wide. */
  const int tiny = PyThread_set_stacksize(100);
  const int reset = PyThread_set_stacksize(0);
  return Py_BuildValue("(iin)", tiny, reset, (Py_ssize_t)PyThread_get_stacksize());
}

/* ---- Threads -------------------------------------------------------------------------------- */

typedef struct {
  PyThread_type_lock done; /* held until the thread has finished */
  unsigned long ident;     /* the thread's PyThread_get_thread_ident() */
  unsigned long native_id;
  PyObject* result;        /* what the thread built (a new reference), or NULL */
  int attach;              /* whether the thread takes the GIL to build `result` */
} job;

static void run_job(void* arg) {
  job* j = (job*)arg;
  j->ident = PyThread_get_thread_ident();
  j->native_id = PyThread_get_thread_native_id();
  if (j->attach) {
    PyGILState_STATE state = PyGILState_Ensure();
    j->result = Py_BuildValue("(is)", 6 * 7, "built by the new thread");
    PyGILState_Release(state);
  }
  PyThread_release_lock(j->done);
  PyThread_exit_thread();
}

/* start_thread(attach): starts a thread and waits for it on a lock it releases. With attach,
 * the thread takes the GIL, so this thread waits with the GIL released (as CPython requires);
 * without, it waits holding it (Pinion: the wait is a native region all the same). */
static PyObject* start_thread(PyObject* self, PyObject* args) {
  (void)self;
  int attach;
  if (!PyArg_ParseTuple(args, "p:start_thread", &attach)) return NULL;
  job j = {PyThread_allocate_lock(), 0, 0, NULL, attach};
  if (j.done == NULL) return PyErr_NoMemory();
  PyThread_acquire_lock(j.done, WAIT_LOCK);
  if (PyThread_start_new_thread(run_job, &j) == PYTHREAD_INVALID_THREAD_ID) {
    PyThread_free_lock(j.done);
    PyErr_SetString(PyExc_RuntimeError, "can't start new thread");
    return NULL;
  }
  int acquired;
  if (attach) {
    Py_BEGIN_ALLOW_THREADS
    acquired = PyThread_acquire_lock(j.done, WAIT_LOCK);
    Py_END_ALLOW_THREADS
  } else {
    acquired = PyThread_acquire_lock(j.done, WAIT_LOCK);
  }
  PyThread_release_lock(j.done);
  PyThread_free_lock(j.done);
  PyObject* built = j.result != NULL ? j.result : Py_NewRef(Py_None);
  PyObject* out = Py_BuildValue("{si,si,si,sN}", "acquired", acquired, "other_thread",
                                j.ident != PyThread_get_thread_ident(), "native_id_set",
                                j.native_id != 0 && j.native_id != PyThread_get_thread_native_id(),
                                "built", built);
  return out;
}

static PyObject* idents(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  PyThread_init_thread();
  return Py_BuildValue("(ii)", PyThread_get_thread_ident() == PyThread_get_thread_ident(),
                       PyThread_get_thread_native_id() != 0);
}

static PyMethodDef locks_methods[] = {
    {"lock_basics", lock_basics, METH_NOARGS, "Lock results by name."},
    {"tss", tss, METH_NOARGS, "Thread-specific storage results."},
    {"tls_keys", tls_keys, METH_NOARGS, "The deprecated TLS key API's results."},
    {"stack_size", stack_size, METH_NOARGS, "Stack size settings."},
    {"start_thread", start_thread, METH_VARARGS, "Runs a new thread, waits for it."},
    {"idents", idents, METH_NOARGS, "Thread identifier checks."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef locks_def = {
    PyModuleDef_HEAD_INIT, "locks", "pythread.h.", -1, locks_methods,
};

PyMODINIT_FUNC PyInit_locks(void) { return PyModule_Create(&locks_def); }
