// pythread.h where Pinion differs from CPython: a thread blocked in PyThread_acquire_lock
// waits in a native region, so collections from other threads go on without it; misuse of
// locks, TSS keys and PyThread_start_new_thread threads is reported. Capsule destructors run
// when the collector finds the capsule unreachable.
#include <atomic>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "Python.h"
#include "gc/errors.h"
#include "tests/compat/py_test_support.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::py_test::Interpreter;

TEST_CASE("a thread blocked in PyThread_acquire_lock does not hold up collections") {
  Interpreter interpreter;
  PyThread_type_lock lock = PyThread_allocate_lock();
  REQUIRE(lock != nullptr);
  REQUIRE(PyThread_acquire_lock(lock, NOWAIT_LOCK) == 1);
  // Released by the waiter once it has the lock; seq_cst flags, for their order only.
  std::atomic<int> stage{0};
  std::atomic<int> attached_after{-1};
  std::thread waiter([&] {
    PyGILState_STATE state = PyGILState_Ensure();  // attached and running
    PyObject* held = PyLong_FromLong(12345);       // an object it holds across the wait
    stage.store(1);
    const int acquired = PyThread_acquire_lock(lock, WAIT_LOCK);  // blocks: main holds it
    attached_after.store(PyGILState_Check());  // re-entered: may touch objects again
    CHECK(acquired == 1);
    CHECK(PyLong_AsLong(held) == 12345);
    Py_DECREF(held);
    PyThread_release_lock(lock);
    stage.store(2);
    PyGILState_Release(state);
  });
  while (stage.load() < 1) std::this_thread::yield();
  {
    // Collections need every attached, running thread at a safepoint: had the waiter blocked
    // outside a native region, the first would wait for it for ever.
    pinion::test_support::Deadline deadline("PyGC_Collect beside a blocked lock waiter", 60);
    for (int i = 0; i < 20; ++i) PyGC_Collect();
    // The waiter is still blocked (main holds the lock): it has not passed stage 1.
    CHECK(stage.load() == 1);
  }
  Py_BEGIN_ALLOW_THREADS  // the waiter's re-entry may wait for nothing of ours; join natively
  PyThread_release_lock(lock);
  waiter.join();
  Py_END_ALLOW_THREADS
  CHECK(stage.load() == 2);
  CHECK(attached_after.load() == 1);
  PyThread_free_lock(lock);
}

TEST_CASE("a timed acquire from an attached thread times out and leaves it attached") {
  Interpreter interpreter;
  PyThread_type_lock lock = PyThread_allocate_lock();
  REQUIRE(PyThread_acquire_lock(lock, NOWAIT_LOCK) == 1);
  CHECK(PyThread_acquire_lock_timed(lock, 2000, 1) == PY_LOCK_FAILURE);
  CHECK(PyGILState_Check() == 1);
  PyThread_release_lock(lock);
  // From inside a native region the wait is the same, and the region is left as it was.
  Py_BEGIN_ALLOW_THREADS
  CHECK(PyThread_acquire_lock_timed(lock, 2000, 0) == PY_LOCK_ACQUIRED);
  CHECK(PyGILState_Check() == 0);
  PyThread_release_lock(lock);
  Py_END_ALLOW_THREADS
  CHECK(PyGILState_Check() == 1);
  PyThread_free_lock(lock);
}

TEST_CASE("releasing an unlocked lock and NULL keys are reported") {
  pinion::test_support::ScopedMisuseHandler handler;
  PyThread_type_lock lock = PyThread_allocate_lock();
  CHECK(pinion::test_support::MisuseOf([&] { PyThread_release_lock(lock); }) ==
        pinion::Misuse::kBadNesting);
  CHECK(pinion::test_support::MisuseOf([&] { PyThread_release_lock(nullptr); }) ==
        pinion::Misuse::kBadArgument);
  CHECK(pinion::test_support::MisuseOf([&] { PyThread_acquire_lock(nullptr, WAIT_LOCK); }) ==
        pinion::Misuse::kBadArgument);
  CHECK(pinion::test_support::MisuseOf([&] { PyThread_tss_get(nullptr); }) ==
        pinion::Misuse::kBadArgument);
  CHECK(pinion::test_support::MisuseOf([&] { PyThread_tss_set(nullptr, nullptr); }) ==
        pinion::Misuse::kBadArgument);
  CHECK(pinion::test_support::MisuseOf([&] { PyThread_tss_create(nullptr); }) ==
        pinion::Misuse::kBadArgument);
  CHECK(pinion::test_support::MisuseOf([&] { PyThread_tss_is_created(nullptr); }) ==
        pinion::Misuse::kBadArgument);
  PyThread_free_lock(lock);
}

TEST_CASE("stack sizes: refused below 32 KiB, applied to new threads") {
  CHECK(PyThread_set_stacksize(1000) == -1);
  CHECK(PyThread_get_stacksize() == 0);
  CHECK(PyThread_set_stacksize(1 << 20) == 0);
  CHECK(PyThread_get_stacksize() == size_t{1} << 20);
  PyThread_type_lock done = PyThread_allocate_lock();
  PyThread_acquire_lock(done, WAIT_LOCK);
  struct Job {
    PyThread_type_lock done;
    size_t stack = 0;
  } job{done};
  REQUIRE(PyThread_start_new_thread(
              [](void* arg) {
                Job* j = static_cast<Job*>(arg);
                pthread_attr_t attributes;
                if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
                  pthread_attr_getstacksize(&attributes, &j->stack);
                  pthread_attr_destroy(&attributes);
                }
                PyThread_release_lock(j->done);
              },
              &job) != PYTHREAD_INVALID_THREAD_ID);
  PyThread_acquire_lock(done, WAIT_LOCK);  // not attached: a plain wait
  CHECK(job.stack >= (size_t{1} << 20));
  PyThread_release_lock(done);
  PyThread_free_lock(done);
  CHECK(PyThread_set_stacksize(0) == 0);
  CHECK(PyThread_get_stacksize() == 0);
}

TEST_CASE("a capsule's destructor runs when a collection finds the capsule unreachable") {
  Interpreter interpreter;
  static std::atomic<int> destroyed{0};
  destroyed.store(0);
  static int target;
  PyObject* capsule = PyCapsule_New(&target, "t.capsule", [](PyObject* c) {
    CHECK(PyCapsule_GetPointer(c, "t.capsule") == &target);
    destroyed.fetch_add(1);
  });
  REQUIRE(capsule != nullptr);
  PyGC_Collect();
  CHECK(destroyed.load() == 0);  // pinned by our reference
  Py_DECREF(capsule);            // Pinion: nothing runs yet
  CHECK(destroyed.load() == 0);
  for (int i = 0; i < 4 && destroyed.load() == 0; ++i) PyGC_Collect();
  CHECK(destroyed.load() == 1);
}

PyTypeObject g_raced = {
    .ob_base = PyVarObject_HEAD_INIT(nullptr, 0)
    .tp_name = "threads_test.Raced",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

TEST_CASE("threads readying one type with a preset dict while another collects") {
  Interpreter interpreter;
  PyObject* dict = PyDict_New();
  PyObject* value = PyLong_FromLong(5);
  REQUIRE(PyDict_SetItemString(dict, "extra", value) == 0);
  Py_DECREF(value);
  g_raced.tp_dict = dict;  // merged into by whichever thread publishes (outside g_ready_mu)
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  pinion::test_support::Deadline deadline("PyType_Ready from threads beside collections", 60);
  Py_BEGIN_ALLOW_THREADS
  std::thread collector([&] {
    PyGILState_STATE state = PyGILState_Ensure();
    while (!done.load()) PyGC_Collect();
    PyGILState_Release(state);
  });
  std::vector<std::thread> readiers;
  for (int i = 0; i < 4; ++i) {
    readiers.emplace_back([&] {
      PyGILState_STATE state = PyGILState_Ensure();
      if (PyType_Ready(&g_raced) != 0) failures.fetch_add(1);
      PyGILState_Release(state);
    });
  }
  for (std::thread& t : readiers) t.join();
  done.store(true);
  collector.join();
  Py_END_ALLOW_THREADS
  CHECK(failures.load() == 0);
  CHECK(g_raced.tp_dict == dict);
  CHECK(PyDict_GetItemString(dict, "extra") != nullptr);
  CHECK(PyDict_GetItemString(dict, "__doc__") == Py_None);  // ours, merged in once
  g_raced.tp_dict = nullptr;
  Py_DECREF(dict);
}

}  // namespace
