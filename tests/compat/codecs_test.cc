// Pinion-specific behaviour of the codec registries (codecs.h): a handler or search function
// registered and otherwise unreferenced stays alive across collections (the registry pins
// it); the registries are process-wide, emptied at Py_Finalize (a later Py_Initialize starts
// with the built-in codecs and handlers only); threads register and use them at once while
// collections run. CPython's semantics are in the differential codecs_test.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "Python.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::Interpreter;
using pinion::py_test::TakeError;

// An error handler: replaces the range with "<n>" where n is its length.
PyObject* Count(PyObject*, PyObject* exc) {
  Py_ssize_t start, end;
  if (PyUnicodeEncodeError_GetStart(exc, &start) < 0 ||
      PyUnicodeEncodeError_GetEnd(exc, &end) < 0) {
    return nullptr;
  }
  return Py_BuildValue("(Nn)", PyUnicode_FromFormat("<%zd>", end - start), end);
}
PyMethodDef kCount = {"count", &Count, METH_O, nullptr};

// A codec "upper-ascii": encodes as ASCII, upper case.
PyObject* UpperEncode(PyObject*, PyObject* args) {
  PyObject* str;
  const char* errors = nullptr;
  if (!PyArg_ParseTuple(args, "U|z", &str, &errors)) return nullptr;
  PyObject* bytes = PyUnicode_AsEncodedString(str, "ascii", errors);
  if (bytes == nullptr) return nullptr;
  std::string text(PyBytes_AS_STRING(bytes), PyBytes_GET_SIZE(bytes));
  Py_DECREF(bytes);
  for (char& c : text) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return Py_BuildValue("(y#n)", text.data(), static_cast<Py_ssize_t>(text.size()),
                       PyUnicode_GetLength(str));
}
PyMethodDef kUpperEncode = {"upper_encode", &UpperEncode, METH_VARARGS, nullptr};

PyObject* Search(PyObject*, PyObject* name) {
  if (PyUnicode_CompareWithASCIIString(name, "upper_ascii") != 0) Py_RETURN_NONE;
  PyObject* encode = PyCFunction_New(&kUpperEncode, nullptr);
  if (encode == nullptr) return nullptr;
  return Py_BuildValue("(NOOO)", encode, encode, Py_None, Py_None);
}
PyMethodDef kSearch = {"search", &Search, METH_O, nullptr};

std::string Encode(const char* text, const char* encoding, const char* errors) {
  PyObject* str = PyUnicode_FromString(text);
  PyObject* bytes = PyUnicode_AsEncodedString(str, encoding, errors);
  Py_DECREF(str);
  if (bytes == nullptr) {
    PyErr_Clear();
    return "(error)";
  }
  std::string out(PyBytes_AS_STRING(bytes), PyBytes_GET_SIZE(bytes));
  Py_DECREF(bytes);
  return out;
}

TEST_CASE("a registered handler and search function live as long as the registry") {
  Interpreter interpreter;
  PyObject* handler = PyCFunction_New(&kCount, nullptr);
  PyObject* search = PyCFunction_New(&kSearch, nullptr);
  REQUIRE(PyCodec_RegisterError("test.count", handler) == 0);
  REQUIRE(PyCodec_Register(search) == 0);
  Py_DECREF(handler);  // only the registries hold them now
  Py_DECREF(search);
  for (int i = 0; i < 3; ++i) PyGC_Collect();
  CHECK(Encode("a\xc3\xa9\xc3\xa9z", "ascii", "test.count") == "a<2>z");
  CHECK(Encode("abc", "Upper ASCII", nullptr) == "ABC");
  PyGC_Collect();
  CHECK(Encode("x\xc3\xa9", "upper-ascii", "test.count") == "X<1>");
}

TEST_CASE("Py_Finalize empties the registries; the built-in codecs and handlers remain") {
  {
    Interpreter interpreter;
    PyObject* handler = PyCFunction_New(&kCount, nullptr);
    REQUIRE(PyCodec_RegisterError("test.count", handler) == 0);
    Py_DECREF(handler);
    PyObject* search = PyCFunction_New(&kSearch, nullptr);
    REQUIRE(PyCodec_Register(search) == 0);
    Py_DECREF(search);
    CHECK(PyCodec_KnownEncoding("upper-ascii") == 1);
  }
  Interpreter interpreter;
  CHECK(PyCodec_LookupError("test.count") == nullptr);
  CHECK(TakeError(PyExc_LookupError));
  CHECK(PyCodec_KnownEncoding("upper-ascii") == 0);
  CHECK(Encode("a\xc3\xa9", "latin-1", "xmlcharrefreplace") == "a\xe9");
  CHECK(Encode("a\xe2\x82\xac", "L1", "xmlcharrefreplace") == "a&#8364;");
  PyObject* strict = PyCodec_LookupError(nullptr);
  CHECK(strict != nullptr);
  Py_XDECREF(strict);
}

TEST_CASE("threads register and use codecs at once while collections run") {
  Interpreter interpreter;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  PyThreadState* main = PyEval_SaveThread();
  std::thread collector([&] {
    PyGILState_STATE state = PyGILState_Ensure();
    while (!stop.load()) PyGC_Collect();
    PyGILState_Release(state);
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      PyGILState_STATE state = PyGILState_Ensure();
      const std::string name = "test.count" + std::to_string(t % 2);
      for (int i = 0; i < 200; ++i) {
        PyObject* handler = PyCFunction_New(&kCount, nullptr);
        PyObject* search = PyCFunction_New(&kSearch, nullptr);
        if (PyCodec_RegisterError(name.c_str(), handler) < 0) failures++;
        if (PyCodec_Register(search) < 0) failures++;
        Py_DECREF(handler);
        if (Encode("\xc3\xa9\xc3\xa9\xc3\xa9!", "ascii", name.c_str()) != "<3>!") failures++;
        if (Encode("ok", "upper_ascii", nullptr) != "OK") failures++;
        if (Encode("\xc3\xa9", "utf-16-be", nullptr) != std::string("\x00\xe9", 2)) failures++;
        if (i % 2 == 1 && PyCodec_Unregister(search) < 0) failures++;
        Py_DECREF(search);
      }
      PyGILState_Release(state);
    });
  }
  for (auto& w : workers) w.join();
  stop.store(true);
  collector.join();
  PyEval_RestoreThread(main);
  CHECK(failures.load() == 0);
}

}  // namespace
