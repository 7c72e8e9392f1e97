// C++ code that includes Python.h inside extern "C" { } — as python/pythoncapi-compat's
// pythoncapi_compat.h does, and as old C++ extensions do — compiles (the pin log's C++
// header keeps C++ linkage) and its inline reference counting works.
extern "C" {
#include "Python.h"
}

#include <doctest/doctest.h>

#include "tests/compat/py_test_support.h"

TEST_CASE("Python.h inside extern \"C\": compiles, and INCREF/DECREF pin and unpin") {
  pinion::py_test::Interpreter py;
  PyObject* list = PyList_New(0);
  REQUIRE(list != nullptr);
  const Py_ssize_t before = Py_REFCNT(list);
  Py_INCREF(list);
  CHECK(Py_REFCNT(list) == before + 1);
  Py_DECREF(list);
  CHECK(Py_REFCNT(list) == before);
  PyObject* item = PyLong_FromLong(7);
  CHECK(PyList_Append(list, item) == 0);
  Py_DECREF(item);
  CHECK(PyList_GET_SIZE(list) == 1);
  Py_DECREF(list);
}
