// Tests of the interpreter state and the GIL API (compat/pinion_python/pystate.h): which
// threads may touch objects, PyGILState_Ensure/Release from a fresh thread and from inside
// Py_BEGIN_ALLOW_THREADS, misuse inside a native region, and Py_Finalize running the
// deallocators of what is left.
#include <doctest/doctest.h>

#include <thread>

#include "Python.h"
#include "gc/errors.h"
#include "tests/compat/py_test_support.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Misuse;
using pinion::py_test::Interpreter;
using pinion::test_support::MisuseLog;
using pinion::test_support::ScopedMisuseLog;

int g_deallocs = 0;

struct Counted {
  PyObject_HEAD
};
void CountedDealloc(PyObject* self) {
  ++g_deallocs;
  Py_TYPE(self)->tp_free(self);
}
PyTypeObject CountedType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "state_test.Counted",
    .tp_basicsize = sizeof(Counted),
    .tp_dealloc = &CountedDealloc,
};

}  // namespace

TEST_CASE("an attached thread: Ensure/Release nest and change nothing") {
  Interpreter py;
  CHECK(PyGILState_Check() == 1);
  const PyGILState_STATE state = PyGILState_Ensure();
  CHECK(state == PyGILState_LOCKED);
  CHECK(PyGILState_Check() == 1);
  PyGILState_Release(state);
  CHECK(PyGILState_Check() == 1);
}

TEST_CASE("in Py_BEGIN_ALLOW_THREADS, Ensure leaves the native region, Release re-enters it") {
  Interpreter py;
  Py_BEGIN_ALLOW_THREADS
  CHECK(PyGILState_Check() == 0);
  const PyGILState_STATE state = PyGILState_Ensure();
  CHECK(PyGILState_Check() == 1);
  PyObject* s = PyUnicode_FromString("made in a callback");
  CHECK(pinion::py_test::Str(s) == "made in a callback");
  Py_DECREF(s);
  PyGILState_Release(state);
  CHECK(PyGILState_Check() == 0);
  Py_END_ALLOW_THREADS
  CHECK(PyGILState_Check() == 1);
}

TEST_CASE("a fresh thread is attached by Ensure and detached by Release") {
  Interpreter py;
  PyObject* shared = PyUnicode_FromString("shared");
  bool before = true, during = false, after = true, intact = false;
  Py_BEGIN_ALLOW_THREADS  // the main thread waits outside the heap
  std::thread([&] {
    before = PyGILState_Check();
    const PyGILState_STATE state = PyGILState_Ensure();
    during = PyGILState_Check();
    PyObject* copy = PyUnicode_Concat(shared, shared);
    PyGC_Collect();
    intact = pinion::py_test::Str(copy) == "sharedshared";
    Py_DECREF(copy);
    PyGILState_Release(state);
    after = PyGILState_Check();
  }).join();
  Py_END_ALLOW_THREADS
  CHECK_FALSE(before);
  CHECK(during);
  CHECK(intact);
  CHECK_FALSE(after);
  Py_DECREF(shared);
}

TEST_CASE("touching objects inside Py_BEGIN_ALLOW_THREADS is reported") {
  ScopedMisuseLog log;
  Interpreter py;
  PyObject* s = PyUnicode_FromString("held");
  Py_BEGIN_ALLOW_THREADS
  Py_INCREF(s);  // misuse: this thread is in a native region
  Py_END_ALLOW_THREADS
  CHECK(MisuseLog::Count(Misuse::kThreadNotAttached) >= 1);
  Py_DECREF(s);
}

TEST_CASE("Py_Finalize runs the deallocators of unreachable objects") {
  g_deallocs = 0;
  {
    Interpreter py;
    for (int i = 0; i < 100; ++i) Py_DECREF(PyObject_New(Counted, &CountedType));
    Counted* kept = PyObject_New(Counted, &CountedType);
    (void)kept;  // still pinned at Py_Finalize: never deallocated, never freed under us
  }
  CHECK(g_deallocs == 100);
}

TEST_CASE("PyGC_Disable records the state; collections still run (Pinion has no other way to reclaim)") {
  Interpreter py;
  CHECK(PyGC_IsEnabled() == 1);
  CHECK(PyGC_Disable() == 1);
  CHECK(PyGC_IsEnabled() == 0);
  CHECK(PyGC_Disable() == 0);
  g_deallocs = 0;
  for (int i = 0; i < 10; ++i) Py_DECREF(PyObject_New(Counted, &CountedType));
  PyGC_Collect();  // as in CPython, an explicit collection runs while disabled
  CHECK(g_deallocs == 10);
  CHECK(PyGC_Enable() == 0);
  CHECK(PyGC_IsEnabled() == 1);
  CHECK(PyGC_Enable() == 1);
}
