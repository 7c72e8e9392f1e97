// Pinion-specific behaviour of sets (setobject.h): keys that live only through a set (or a
// set only through its iterator) survive collections while the table grows, shrinks and
// leaves dummies; PySet_Add fills a frozenset until its hash is computed, then refuses
// (CPython's test is Py_REFCNT == 1, which Pinion cannot make). The CPython semantics are in
// the differential sets_test.
//
// A wrong trace (a visited dummy, an unowned key) is a misuse the default handler reports by
// aborting the test.
#include <doctest/doctest.h>

#include "Python.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::Interpreter;
using pinion::py_test::TakeError;

TEST_CASE("keys held only by a set survive collections through growth and deletions") {
  Interpreter interpreter;
  PyObject* set = PySet_New(nullptr);
  REQUIRE(set != nullptr);
  for (long i = 0; i < 2000; ++i) {
    PyObject* key = PyLong_FromLong(1000000 + i);  // a heap int, not a cached small one
    REQUIRE(PySet_Add(set, key) == 0);
    Py_DECREF(key);
    if (i % 500 == 0) PyGC_Collect();
  }
  for (long i = 0; i < 2000; i += 2) {
    PyObject* key = PyLong_FromLong(1000000 + i);
    REQUIRE(PySet_Discard(set, key) == 1);
    Py_DECREF(key);
  }
  PyGC_Collect();
  PyGC_Collect();
  CHECK(PySet_Size(set) == 1000);
  long sum = 0;
  PyObject* it = PyObject_GetIter(set);
  Py_DECREF(set);  // the iterator holds the set
  PyGC_Collect();
  REQUIRE(it != nullptr);
  while (PyObject* key = PyIter_Next(it)) {
    sum += PyLong_AsLong(key) - 1000000;
    Py_DECREF(key);
  }
  CHECK_FALSE(PyErr_Occurred());
  Py_DECREF(it);
  long expected = 0;
  for (long i = 1; i < 2000; i += 2) expected += i;
  CHECK(sum == expected);
}

TEST_CASE("PySet_Pop hands the set's pin to the caller; the popped key outlives the set") {
  Interpreter interpreter;
  PyObject* key = PyLong_FromLong(7777777);
  PyObject* set = PySet_New(nullptr);
  REQUIRE(PySet_Add(set, key) == 0);
  Py_DECREF(key);
  PyObject* popped = PySet_Pop(set);
  Py_DECREF(set);
  PyGC_Collect();
  REQUIRE(popped != nullptr);
  CHECK(PyLong_AsLong(popped) == 7777777);
  Py_DECREF(popped);
}

TEST_CASE("PySet_Add fills a new frozenset, and refuses once its hash is computed") {
  Interpreter interpreter;
  PyObject* frozen = PyFrozenSet_New(nullptr);
  PyObject* one = PyLong_FromLong(1);
  PyObject* two = PyLong_FromLong(2);
  CHECK(PySet_Add(frozen, one) == 0);
  CHECK(PyObject_Hash(frozen) != -1);
  CHECK(PySet_Add(frozen, two) == -1);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(PySet_Size(frozen) == 1);
  Py_DECREF(one);
  Py_DECREF(two);
  Py_DECREF(frozen);
}

}  // namespace
