// Helpers for compat tests: a scoped interpreter (Py_Initialize .. Py_Finalize on the test's
// thread), and a check that a call raised a given exception type.
#ifndef PINION_TESTS_COMPAT_PY_TEST_SUPPORT_H_
#define PINION_TESTS_COMPAT_PY_TEST_SUPPORT_H_

#include <string>

#include <doctest/doctest.h>

#include "Python.h"

namespace pinion::py_test {

// Py_Initialize for the scope; Py_Finalize on exit. One at a time per process.
class Interpreter {
 public:
  Interpreter() { Py_Initialize(); }
  ~Interpreter() { Py_Finalize(); }
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
};

// True if the current exception matches `type`; clears it either way.
inline bool TakeError(PyObject* type) {
  const bool matches = PyErr_Occurred() != nullptr && PyErr_ExceptionMatches(type);
  PyErr_Clear();
  return matches;
}

// The str() of `object` as UTF-8 (empty on error, which is cleared).
inline std::string Str(PyObject* object) {
  PyObject* s = PyObject_Str(object);
  if (s == nullptr) {
    PyErr_Clear();
    return "";
  }
  std::string out = PyUnicode_AsUTF8(s);
  Py_DECREF(s);
  return out;
}

}  // namespace pinion::py_test

#endif  // PINION_TESTS_COMPAT_PY_TEST_SUPPORT_H_
