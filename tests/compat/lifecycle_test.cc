// The life-cycle API that the lifecycle differential test (tests/compat/differential/
// lifecycle_driver.c) cannot compare with CPython: initialising and finalising the runtime
// (Py_InitializeEx, Py_FinalizeEx), an object whose finalizer has run
// (PyObject_GC_IsFinalized), PyObject_ClearWeakRefs with none to clear (which CPython refuses
// on a live object; with some: weakrefs_test.cc), and Pinion's misuse reports for
// PyObject_GC_Del and PyEval_RestoreThread.
#include <doctest/doctest.h>

#include <cstddef>

#include "Python.h"
#include "gc/errors.h"
#include "tests/compat/py_test_support.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::Misuse;
using pinion::py_test::Interpreter;
using pinion::test_support::MisuseLog;
using pinion::test_support::ScopedMisuseLog;

struct Phoenix {
  PyObject_HEAD
};

// Where a finalizer puts the object it resurrects (the test's own thread only).
PyObject* g_resurrected = nullptr;

int PhoenixTraverse(PyObject*, visitproc, void*) { return 0; }

void PhoenixFinalize(PyObject* self) {
  Py_INCREF(self);
  g_resurrected = self;
}

void PhoenixDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_TYPE(self)->tp_free(self);
}

PyTypeObject PhoenixType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "lifecycle_test.Phoenix",
    .tp_basicsize = sizeof(Phoenix),
    .tp_dealloc = PhoenixDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = PhoenixTraverse,
    .tp_free = PyObject_GC_Del,
    .tp_finalize = PhoenixFinalize,
};

// An object whose type supports weak references (tp_weaklistoffset), as wrapt's and
// pyrsistent's do.
struct Weakable {
  PyObject_HEAD
  PyObject* weakreflist;
};

PyTypeObject WeakableType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "lifecycle_test.Weakable",
    .tp_basicsize = sizeof(Weakable),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_weaklistoffset = offsetof(Weakable, weakreflist),
};

}  // namespace

TEST_CASE("Py_InitializeEx initialises once; Py_FinalizeEx returns 0 and may be repeated") {
  CHECK(Py_IsInitialized() == 0);
  Py_InitializeEx(0);
  CHECK(Py_IsInitialized() == 1);
  Py_InitializeEx(1);  // already initialised: nothing happens
  PyObject* s = PyUnicode_FromString("alive");
  CHECK(s != nullptr);
  Py_DECREF(s);
  CHECK(Py_FinalizeEx() == 0);
  CHECK(Py_IsInitialized() == 0);
  CHECK(Py_FinalizeEx() == 0);  // not initialised: nothing to do, as CPython
  Py_InitializeEx(1);           // and again, after a finalization
  CHECK(Py_IsInitialized() == 1);
  CHECK(Py_FinalizeEx() == 0);
}

TEST_CASE("PyObject_GC_IsFinalized: 1 once tp_finalize has run (here, resurrecting)") {
  Interpreter py;
  REQUIRE(PyType_Ready(&PhoenixType) == 0);
  Phoenix* phoenix = PyObject_GC_New(Phoenix, &PhoenixType);
  REQUIRE(phoenix != nullptr);
  PyObject_GC_Track(phoenix);
  CHECK(PyObject_GC_IsTracked(reinterpret_cast<PyObject*>(phoenix)) == 1);
  CHECK(PyObject_IS_GC(reinterpret_cast<PyObject*>(phoenix)) == 1);
  CHECK(PyObject_GC_IsFinalized(reinterpret_cast<PyObject*>(phoenix)) == 0);
  Py_DECREF(phoenix);
  for (int round = 0; round < 5 && g_resurrected == nullptr; ++round) PyGC_Collect();
  REQUIRE(g_resurrected == reinterpret_cast<PyObject*>(phoenix));
  CHECK(PyObject_GC_IsFinalized(g_resurrected) == 1);
  Py_CLEAR(g_resurrected);  // unreachable again: deallocated, not finalized twice
  PyGC_Collect();
  CHECK(g_resurrected == nullptr);
}

TEST_CASE("PyObject_GC_Del on memory that is not an object is reported, not freed") {
  ScopedMisuseLog log;
  Interpreter py;
  void* raw = PyObject_Malloc(32);
  PyObject_GC_Del(raw);
  CHECK(MisuseLog::Count(Misuse::kNotAHeapObject) == 1);
  PyObject_Free(raw);  // still the caller's malloc memory
  PyObject_GC_Del(nullptr);  // NULL is ignored, as by PyObject_Free
  CHECK(MisuseLog::Count(Misuse::kNotAHeapObject) == 1);
}

TEST_CASE("PyEval_RestoreThread without its PyEval_SaveThread is reported") {
  ScopedMisuseLog log;
  Interpreter py;
  PyThreadState* state = PyThreadState_Get();
  REQUIRE(state != nullptr);
  PyEval_RestoreThread(state);  // not in a native region
  CHECK(MisuseLog::Count(Misuse::kBadNesting) == 1);
  PyThreadState* saved = PyEval_SaveThread();
  CHECK(saved == state);
  PyEval_RestoreThread(saved);
  CHECK(MisuseLog::Count(Misuse::kBadNesting) == 1);
}

TEST_CASE("PyObject_ClearWeakRefs: none to clear; SystemError without weak reference support") {
  Interpreter py;
  REQUIRE(PyType_Ready(&WeakableType) == 0);
  PyObject* weakable = PyObject_New(PyObject, &WeakableType);
  REQUIRE(weakable != nullptr);
  reinterpret_cast<Weakable*>(weakable)->weakreflist = nullptr;
  PyObject_ClearWeakRefs(weakable);
  CHECK(PyErr_Occurred() == nullptr);
  Py_DECREF(weakable);

  PyObject* number = PyLong_FromLong(1000);  // int has no tp_weaklistoffset
  PyObject_ClearWeakRefs(number);
  CHECK(PyErr_ExceptionMatches(PyExc_SystemError));
  PyErr_Clear();
  Py_DECREF(number);
  PyObject_ClearWeakRefs(nullptr);
  CHECK(PyErr_ExceptionMatches(PyExc_SystemError));
  PyErr_Clear();
}
