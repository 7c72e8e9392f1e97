// The call protocol where a differential test cannot show it: input CPython only asserts
// against (Pinion raises instead of crashing), the result check Pinion makes on every call,
// and keyword values unpacked from a dict staying alive while the callee empties the dict and
// a collection runs. tests/compat/differential/fastcalls_test compares the rest with CPython.
#include <string>

#include "Python.h"
#include "tests/compat/py_test_support.h"

using pinion::py_test::Interpreter;
using pinion::py_test::Str;

namespace {

// The message of the current exception if it has type `type` ("" otherwise); clears it.
std::string Raised(PyObject* type) {
  PyObject *t, *value, *traceback;
  PyErr_Fetch(&t, &value, &traceback);
  std::string message = t != nullptr && PyErr_GivenExceptionMatches(t, type) && value != nullptr
                            ? Str(value)
                            : "";
  Py_XDECREF(t);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return message;
}

PyObject* NullResult(PyObject*, PyObject* const*, Py_ssize_t) { return nullptr; }

// self is a dict the caller unpacked into keywords: empties it, collects, then returns the
// str of every keyword value joined by ",".
PyObject* EmptiesItsKeywords(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                             PyObject* kwnames) {
  PyDict_Clear(self);
  PyGC_Collect();
  PyGC_Collect();
  std::string joined;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); ++i) {
    joined += (i ? "," : "") + Str(PyTuple_GET_ITEM(kwnames, i)) + "=" + Str(args[nargs + i]);
  }
  return PyUnicode_FromString(joined.c_str());
}

PyMethodDef g_defs[] = {
    {"null_result", _PyCFunction_CAST(NullResult), METH_FASTCALL, nullptr},
    {"empties", _PyCFunction_CAST(EmptiesItsKeywords), METH_FASTCALL | METH_KEYWORDS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

TEST_CASE("calls refuse what CPython only asserts against, with an exception") {
  Interpreter py;
  PyObject* f = PyCFunction_New(&g_defs[1], Py_None);
  REQUIRE(f != nullptr);
  PyObject* list = PyList_New(0);
  PyObject* tuple = PyTuple_New(0);

  CHECK(PyObject_Call(nullptr, tuple, nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "null argument to internal routine");
  CHECK(PyObject_Call(f, list, nullptr) == nullptr);
  CHECK(Raised(PyExc_TypeError) == "argument list must be a tuple");
  CHECK(PyObject_CallObject(f, list) == nullptr);
  CHECK(Raised(PyExc_TypeError) == "argument list must be a tuple");
  CHECK(PyObject_Call(f, tuple, list) == nullptr);
  CHECK(Raised(PyExc_TypeError) == "keyword list must be a dictionary");
  CHECK(PyObject_Vectorcall(f, &tuple, 0, list) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "bad argument to internal function");
  CHECK(PyObject_Vectorcall(f, nullptr, 2, nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "bad argument to internal function");
  CHECK(PyObject_VectorcallDict(f, &tuple, 1, list) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "bad argument to internal function");
  CHECK(PyVectorcall_Call(f, list, nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "bad argument to internal function");
  PyObject* name = PyUnicode_FromString("append");
  CHECK(PyObject_VectorcallMethod(name, &list, 0, nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "bad argument to internal function");
  CHECK(PyObject_CallMethodNoArgs(nullptr, name) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "null argument to internal routine");
  CHECK(PyObject_CallOneArg(f, nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "null argument to internal routine");
  CHECK(PyCMethod_New(nullptr, nullptr, nullptr, nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "bad argument to internal function");
  const bool no_vectorcall = PyVectorcall_Function(nullptr) == nullptr;
  CHECK(no_vectorcall);
  CHECK(PyCallable_Check(nullptr) == 0);

  Py_DECREF(name);
  Py_DECREF(tuple);
  Py_DECREF(list);
  Py_DECREF(f);
}

TEST_CASE("every call checks the callee's result, also where CPython 3.11 does not") {
  Interpreter py;
  PyObject* f = PyCFunction_New(&g_defs[0], nullptr);
  PyObject* tuple = PyTuple_New(0);
  // CPython 3.11 returns NULL with no exception here (a vectorcall reached without keywords).
  CHECK(PyObject_Call(f, tuple, nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) ==
        "<built-in function null_result> returned NULL without setting an exception");
  CHECK(PyVectorcall_Call(f, tuple, nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) ==
        "<built-in function null_result> returned NULL without setting an exception");
  Py_DECREF(tuple);
  Py_DECREF(f);
}

TEST_CASE("keyword values unpacked from a dict live while the callee empties the dict") {
  Interpreter py;
  PyObject* kwargs = PyDict_New();
  PyObject* f = PyCFunction_New(&g_defs[1], kwargs);
  for (int i = 0; i < 12; ++i) {  // more than fit the small on-stack argument array
    PyObject* value = PyUnicode_FromFormat("value-%d", i);
    std::string key = "k" + std::to_string(i);
    REQUIRE(PyDict_SetItemString(kwargs, key.c_str(), value) == 0);
    Py_DECREF(value);  // the dict holds the only reference
  }
  std::string expected;
  for (int i = 0; i < 12; ++i) {
    expected += (i ? ",k" : "k") + std::to_string(i) + "=value-" + std::to_string(i);
  }
  PyObject* tuple = PyTuple_New(0);
  PyObject* result = PyObject_Call(f, tuple, kwargs);
  REQUIRE(result != nullptr);
  CHECK(Str(result) == expected);
  CHECK(PyDict_GET_SIZE(kwargs) == 0);
  Py_DECREF(result);
  Py_DECREF(tuple);
  Py_DECREF(f);
  Py_DECREF(kwargs);
}
