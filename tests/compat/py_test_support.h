// Helpers for compat tests: a scoped interpreter (Py_Initialize .. Py_Finalize on the test's
// thread), stderr capture, and a check that a call raised a given exception type.
#ifndef PINION_TESTS_COMPAT_PY_TEST_SUPPORT_H_
#define PINION_TESTS_COMPAT_PY_TEST_SUPPORT_H_

#include <unistd.h>

#include <cstdio>
#include <string>

#include <doctest/doctest.h>

#include "Python.h"

namespace pinion::py_test {

// What `print` writes to stderr (file descriptor 2 redirected to a temporary file meanwhile).
template <typename F>
std::string CaptureStderr(F print) {
  std::fflush(stderr);
  const int saved = dup(2);
  std::FILE* file = std::tmpfile();
  dup2(fileno(file), 2);
  print();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::rewind(file);
  std::string out;
  char buffer[512];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) out.append(buffer, n);
  std::fclose(file);
  return out;
}

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
