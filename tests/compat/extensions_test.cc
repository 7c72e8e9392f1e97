// The acceptance tests for the CPython layer: extension modules written in classic
// CPython style (modules/: a GC type whose instances form cycles, a non-GC type that owns a
// reference, a module global, functions that release the GIL), compiled unchanged, driven
// from several threads while collections run. Checked: what native code holds survives;
// cycles are reclaimed; finalizers run once and deallocation once; a Py_DECREF to zero
// never frees a reachable object; an extra Py_DECREF is reported.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "Python.h"
#include "gc/errors.h"
#include "tests/compat/modules/modules.h"
#include "tests/compat/py_test_support.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::py_test::Interpreter;
using pinion::py_test::Str;

// A new reference to module.name(*args): args is a Py_BuildValue format ("" for none).
template <class... A>
PyObject* Call(PyObject* module, const char* name, const char* format, A... args) {
  PyObject* function = PyObject_GetAttrString(module, name);
  REQUIRE(function != nullptr);
  PyObject* arguments = *format ? Py_BuildValue(format, args...) : PyTuple_New(0);
  REQUIRE(arguments != nullptr);
  if (!PyTuple_Check(arguments)) {  // a single value: wrap it
    PyObject* tuple = PyTuple_Pack(1, arguments);
    Py_DECREF(arguments);
    arguments = tuple;
  }
  PyObject* result = PyObject_CallObject(function, arguments);
  Py_DECREF(arguments);
  Py_DECREF(function);
  return result;
}

long AsLong(PyObject* object) {
  const long value = PyLong_AsLong(object);
  Py_DECREF(object);
  return value;
}

// (created, finalized, cleared, deallocated) from cyclic.counts().
struct Counts {
  long created, finalized, cleared, deallocated;
};
Counts RingCounts(PyObject* cyclic) {
  PyObject* counts = Call(cyclic, "counts", "");
  REQUIRE(counts != nullptr);
  Counts c{};
  REQUIRE(PyArg_ParseTuple(counts, "llll", &c.created, &c.finalized, &c.cleared,
                           &c.deallocated));
  Py_DECREF(counts);
  return c;
}

// Runs `work(i)` on `n` threads, each attached with PyGILState_Ensure, while one more
// thread collects in a loop until they are done. The calling thread waits for them in a
// native region (as CPython code releases the GIL to join threads).
template <class F>
void OnThreadsWhileCollecting(int n, F work) {
  std::atomic<bool> done{false};
  std::thread collector([&] {
    PyGILState_STATE state = PyGILState_Ensure();
    while (!done.load()) PyGC_Collect();
    PyGILState_Release(state);
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      PyGILState_STATE state = PyGILState_Ensure();
      work(i);
      PyGILState_Release(state);
    });
  }
  // Blocking: outside the heap, or the collections would wait for this thread forever.
  Py_BEGIN_ALLOW_THREADS
  for (std::thread& t : threads) t.join();
  done = true;
  collector.join();
  Py_END_ALLOW_THREADS
}

}  // namespace

TEST_CASE("cycles of a GC type are reclaimed; each node finalized, cleared, deallocated once") {
  Interpreter py;
  PyObject* cyclic = PyInit_cyclic();
  REQUIRE(cyclic != nullptr);
  const Counts before = RingCounts(cyclic);
  constexpr int kThreads = 3, kRings = 100, kNodes = 40;
  std::atomic<int> failures{0};
  OnThreadsWhileCollecting(kThreads, [&](int t) {
    for (int r = 0; r < kRings; ++r) {
      PyObject* payload = PyUnicode_FromFormat("payload %d/%d", t, r);
      PyObject* ring = Call(cyclic, "ring", "(nO)", static_cast<Py_ssize_t>(kNodes), payload);
      if (ring == nullptr) {
        ++failures;
        PyErr_Clear();
      } else {
        Py_DECREF(ring);  // the ring's only outside reference: now it is garbage
      }
      Py_DECREF(payload);
    }
  });
  CHECK(failures == 0);
  // Finalize (first finding), deallocate (second finding): PEP 442's two steps.
  for (int i = 0; i < 3; ++i) PyGC_Collect();
  const Counts after = RingCounts(cyclic);
  const long made = after.created - before.created;
  CHECK(made == kThreads * kRings * kNodes);
  CHECK(after.finalized - before.finalized == made);
  CHECK(after.cleared - before.cleared == made);
  CHECK(after.deallocated - before.deallocated == made);
  Py_DECREF(cyclic);
}

TEST_CASE("a ring held from outside survives collections, however its members pin each other") {
  Interpreter py;
  PyObject* cyclic = PyInit_cyclic();
  PyObject* payload = PyUnicode_FromString("kept");
  PyObject* ring = Call(cyclic, "ring", "(nO)", Py_ssize_t{5}, payload);
  REQUIRE(ring != nullptr);
  Py_DECREF(payload);  // the ring's nodes hold it now
  const Counts before = RingCounts(cyclic);
  for (int i = 0; i < 4; ++i) PyGC_Collect();
  const Counts after = RingCounts(cyclic);
  CHECK(after.finalized == before.finalized);
  CHECK(after.cleared == before.cleared);
  CHECK(after.deallocated == before.deallocated);
  CHECK(Str(ring).rfind("<Node ", 0) == 0);
  Py_DECREF(ring);
  Py_DECREF(cyclic);
}

TEST_CASE("what native code holds survives: a module global and Boxes, across threads") {
  Interpreter py;
  PyObject* boxes = PyInit_boxes();
  REQUIRE(boxes != nullptr);
  constexpr int kThreads = 3, kBoxes = 2000;
  std::vector<std::vector<PyObject*>> kept(kThreads);
  std::atomic<int> wrong{0};
  OnThreadsWhileCollecting(kThreads, [&](int t) {
    for (int i = 0; i < kBoxes; ++i) {
      PyObject* item = PyUnicode_FromFormat("item %d of thread %d", i, t);
      PyObject* box = Call(boxes, "box", "O", item);
      Py_DECREF(item);  // only the box holds it now
      kept[t].push_back(box);
      if (i % 100 == 0) Py_XDECREF(Call(boxes, "remember", "O", box));
      // Churn, so that collections run while the boxes are live.
      Py_DECREF(PyBytes_FromStringAndSize(nullptr, 1000));
    }
    for (int i = 0; i < kBoxes; ++i) {
      PyObject* item = Call(boxes, "unbox", "(O)", kept[t][i]);
      if (item == nullptr || Str(item) != "item " + std::to_string(i) + " of thread " +
                                              std::to_string(t)) {
        ++wrong;
      }
      Py_XDECREF(item);
    }
  });
  CHECK(wrong == 0);
  PyObject* recalled = Call(boxes, "recall", "");
  REQUIRE(recalled != nullptr);
  CHECK(recalled != Py_None);  // a Box, kept by the C global alone
  Py_DECREF(recalled);

  // Drop every box: each is deallocated once, releasing its item.
  const long freed_before = AsLong(Call(boxes, "freed", ""));
  long dropped = 0;
  for (auto& list : kept) {
    for (PyObject* box : list) Py_DECREF(box), ++dropped;
  }
  Py_XDECREF(Call(boxes, "remember", "O", Py_None));  // the global's Box goes too
  for (int i = 0; i < 3; ++i) PyGC_Collect();
  CHECK(AsLong(Call(boxes, "freed", "")) - freed_before == dropped);
  Py_DECREF(boxes);
}

TEST_CASE("a Py_DECREF to zero never frees an object the heap still reaches") {
  Interpreter py;
  PyObject* list = PyList_New(0);
  for (int i = 0; i < 1000; ++i) {
    PyObject* s = PyUnicode_FromFormat("element %d", i);
    REQUIRE(PyList_Append(list, s) == 0);
    Py_DECREF(s);  // our pin is gone; the list's remains
  }
  PyObject* tuple = PyTuple_New(1);
  PyTuple_SET_ITEM(tuple, 0, list);  // steals our reference to the list
  for (int i = 0; i < 3; ++i) {
    Py_DECREF(PyBytes_FromStringAndSize(nullptr, 1 << 16));
    PyGC_Collect();
  }
  PyObject* inner = PyTuple_GET_ITEM(tuple, 0);
  REQUIRE(PyList_GET_SIZE(inner) == 1000);
  for (int i = 0; i < 1000; ++i) {
    CHECK(Str(PyList_GET_ITEM(inner, i)) == "element " + std::to_string(i));
  }
  Py_DECREF(tuple);
}

TEST_CASE("functions that release the GIL compute on their arguments while collections run") {
  Interpreter py;
  PyObject* crunch = PyInit_crunch();
  REQUIRE(crunch != nullptr);
  std::string data(1 << 16, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  unsigned long long expected = 1469598103934665603ULL;
  for (int r = 0; r < 20; ++r) {
    for (unsigned char c : data) {
      expected ^= c;
      expected *= 1099511628211ULL;
    }
  }
  std::atomic<int> wrong{0};
  OnThreadsWhileCollecting(2, [&](int) {
    PyObject* bytes = PyBytes_FromStringAndSize(data.data(), static_cast<Py_ssize_t>(data.size()));
    for (int i = 0; i < 10; ++i) {
      PyObject* sum = Call(crunch, "checksum", "(Oi)", bytes, 20);
      if (sum == nullptr || PyLong_AsUnsignedLongLong(sum) != (expected >> 1)) ++wrong;
      Py_XDECREF(sum);
      Py_DECREF(PyList_New(100));  // allocation between calls: collections
    }
    Py_DECREF(bytes);
  });
  CHECK(wrong == 0);

  PyObject* pair = PyObject_GetAttrString(crunch, "pair");
  PyObject* args = Py_BuildValue("(ii)", 1, 2);
  PyObject* kwargs = Py_BuildValue("{s:s}", "sep", "-");
  PyObject* joined = PyObject_Call(pair, args, kwargs);
  CHECK(Str(joined) == "1-2");
  Py_XDECREF(joined);
  Py_DECREF(kwargs);
  Py_DECREF(args);
  Py_DECREF(pair);
  Py_DECREF(crunch);
}

TEST_CASE("an extra Py_DECREF is reported as unpin below zero") {
  pinion::test_support::ScopedMisuseLog log;
  Interpreter py;
  PyObject* boxes = PyInit_boxes();
  PyObject* victim = PyUnicode_FromString("victim");
  Py_XDECREF(Call(boxes, "over_release", "O", victim));
  Py_DECREF(victim);  // ours
  // The call's argument tuple holds the last pin, released by its tp_dealloc two
  // collections on (finalize, then deallocate); the next collection finds the count short.
  for (int i = 0; i < 4; ++i) PyGC_Collect();
  CHECK(pinion::test_support::MisuseLog::Count(pinion::Misuse::kUnpinBelowZero) == 1);
  Py_DECREF(boxes);
}
