// Exceptions, warnings and the recursion guard: what the errs differential test cannot show
// (stderr reports, aborts, collection of exception cycles, a changed recursion limit, the
// threads' separate handled exceptions and interrupts).
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::CaptureStderr;
using pinion::py_test::Interpreter;
using pinion::py_test::Str;
using pinion::py_test::TakeError;

// Runs `body` in a child process; its stderr and whether it died of SIGABRT.
template <typename F>
std::string RunAborting(F body, bool* aborted) {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGABRT, SIG_DFL);  // not doctest's crash handler
    dup2(pipe_fds[1], 2);
    close(pipe_fds[0]);
    body();
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string out;
  char buffer[256];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof(buffer))) > 0;) out.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  *aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  return out;
}

std::atomic<int> g_deallocated{0};

// A C subclass of Exception that counts its deallocations.
void CountingDealloc(PyObject* self) {
  ++g_deallocated;
  reinterpret_cast<PyTypeObject*>(PyExc_Exception)->tp_dealloc(self);
}

PyTypeObject g_counted = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "errors_test.Counted",
    .tp_basicsize = sizeof(PyBaseExceptionObject),
    .tp_dealloc = &CountingDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

}  // namespace

TEST_CASE("the exception types have their layout's size before they are readied") {
  auto size = [](PyObject* type) { return reinterpret_cast<PyTypeObject*>(type)->tp_basicsize; };
  CHECK(size(PyExc_TimeoutError) == static_cast<Py_ssize_t>(sizeof(PyOSErrorObject)));
  CHECK(size(PyExc_TabError) == static_cast<Py_ssize_t>(sizeof(PySyntaxErrorObject)));
  CHECK(size(PyExc_ModuleNotFoundError) == static_cast<Py_ssize_t>(sizeof(PyImportErrorObject)));
  CHECK(size(PyExc_UnboundLocalError) == static_cast<Py_ssize_t>(sizeof(PyNameErrorObject)));
  CHECK(size(PyExc_KeyError) == static_cast<Py_ssize_t>(sizeof(PyBaseExceptionObject)));
  CHECK(size(PyExc_EnvironmentError) == size(PyExc_OSError));
}

TEST_CASE("Py_FatalError prints the function and message, then aborts") {
  bool aborted = false;
  const std::string report =
      RunAborting([] { Py_FatalError("the sky fell"); }, &aborted);
  CHECK(aborted);
  CHECK(report.find("Fatal Python error: ") == 0);
  CHECK(report.find(": the sky fell\n") != std::string::npos);
  const std::string plain = RunAborting([] { _Py_FatalErrorFunc("caller", "plain"); }, &aborted);
  CHECK(aborted);
  CHECK(plain == "Fatal Python error: caller: plain\n");
}

TEST_CASE("exception cycles through __context__ are collected") {
  Interpreter py;
  g_counted.tp_base = reinterpret_cast<PyTypeObject*>(PyExc_Exception);
  REQUIRE(PyType_Ready(&g_counted) == 0);
  CHECK(PyType_HasFeature(&g_counted, Py_TPFLAGS_HAVE_GC));  // inherited with the traversal
  CHECK(PyExceptionClass_Check(reinterpret_cast<PyObject*>(&g_counted)));
  g_deallocated = 0;
  {
    PyObject* a = PyObject_CallFunction(reinterpret_cast<PyObject*>(&g_counted), "s", "a");
    PyObject* b = PyObject_CallFunction(reinterpret_cast<PyObject*>(&g_counted), "s", "b");
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    CHECK(PyExceptionInstance_Check(a));
    PyException_SetContext(a, Py_NewRef(b));
    PyException_SetCause(b, Py_NewRef(a));
    PyObject* cause = PyException_GetCause(b);
    CHECK(cause == a);
    Py_XDECREF(cause);
    Py_DECREF(a);
    Py_DECREF(b);
  }
  for (int i = 0; i < 4 && g_deallocated < 2; ++i) PyGC_Collect();
  CHECK(g_deallocated == 2);
}

TEST_CASE("PyErr_Print normalises what was raised") {
  Interpreter py;
  PyErr_SetObject(PyExc_OSError, Py_BuildValue("(is)", 2, "gone"));  // leaks the tuple's pin
  CHECK(CaptureStderr([] { PyErr_Print(); }) == "FileNotFoundError: [Errno 2] gone\n");
  PyErr_SetObject(PyExc_KeyError, Py_BuildValue("(s)", "k"));
  CHECK(CaptureStderr([] { PyErr_PrintEx(0); }) == "KeyError: 'k'\n");
  PyErr_SetNone(PyExc_StopIteration);
  CHECK(CaptureStderr([] { PyErr_Print(); }) == "StopIteration\n");
  PyObject* where = PyObject_CallNoArgs(PyExc_ValueError);
  PyErr_SetString(PyExc_RuntimeError, "late");
  const std::string unraisable = CaptureStderr([&] { PyErr_WriteUnraisable(where); });
  CHECK(unraisable.find("Exception ignored in: <ValueError object at 0x") == 0);
  CHECK(unraisable.find("RuntimeError: late\n") != std::string::npos);
  Py_DECREF(where);
  CHECK(PyErr_Occurred() == nullptr);
}

TEST_CASE("warnings: the default filters, once per message, explicit registries") {
  Interpreter py;
  CHECK(CaptureStderr([] {
          CHECK(PyErr_WarnEx(PyExc_UserWarning, "errors_test once", 1) == 0);
          CHECK(PyErr_WarnEx(PyExc_UserWarning, "errors_test once", 1) == 0);
          CHECK(PyErr_WarnEx(PyExc_RuntimeWarning, "errors_test once", 1) == 0);
        }) == "sys:1: UserWarning: errors_test once\nsys:1: RuntimeWarning: errors_test once\n");
  CHECK(CaptureStderr([] {
          CHECK(PyErr_WarnEx(PyExc_DeprecationWarning, "errors_test ignored", 1) == 0);
          CHECK(PyErr_ResourceWarning(nullptr, 1, "errors_test %s", "ignored") == 0);
          CHECK(PyErr_WarnFormat(PyExc_ImportWarning, 1, "errors_test %d", 1) == 0);
        })
            .empty());
  // No registry: shown every time.
  CHECK(CaptureStderr([] {
          CHECK(PyErr_WarnExplicit(PyExc_UserWarning, "again", "f.py", 3, nullptr, nullptr) == 0);
          CHECK(PyErr_WarnExplicit(PyExc_UserWarning, "again", "f.py", 3, nullptr, Py_None) == 0);
        }) == "f.py:3: UserWarning: again\nf.py:3: UserWarning: again\n");
  PyObject* not_a_dict = PyList_New(0);
  CHECK(PyErr_WarnExplicit(PyExc_UserWarning, "m", "f.py", 3, nullptr, not_a_dict) == -1);
  CHECK(TakeError(PyExc_TypeError));
  Py_DECREF(not_a_dict);
  // A Warning instance is its own category.
  PyObject* instance = PyObject_CallFunction(PyExc_FutureWarning, "s", "errors_test instance");
  PyObject* file = PyUnicode_FromString("g.py");
  CHECK(CaptureStderr([&] {
          CHECK(PyErr_WarnExplicitObject(PyExc_UserWarning, instance, file, 5, nullptr,
                                         nullptr) == 0);
        }) == "g.py:5: FutureWarning: errors_test instance\n");
  Py_DECREF(file);
  Py_DECREF(instance);
}

TEST_CASE("the recursion limit can be changed, and the depth is per thread") {
  Interpreter py;
  CHECK(Py_GetRecursionLimit() == 1000);
  Py_SetRecursionLimit(0);  // ignored
  CHECK(Py_GetRecursionLimit() == 1000);
  Py_SetRecursionLimit(3);
  CHECK(Py_EnterRecursiveCall("") == 0);
  CHECK(Py_EnterRecursiveCall("") == 0);
  std::thread other([] {
    PyGILState_STATE state = PyGILState_Ensure();
    CHECK(Py_EnterRecursiveCall("") == 0);  // this thread's depth starts at 0
    Py_LeaveRecursiveCall();
    PyGILState_Release(state);
  });
  Py_BEGIN_ALLOW_THREADS
  other.join();
  Py_END_ALLOW_THREADS
  CHECK(Py_EnterRecursiveCall("") == 0);
  CHECK(Py_EnterRecursiveCall(" here") == -1);
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  CHECK(type == PyExc_RecursionError);
  CHECK(Str(value) == "maximum recursion depth exceeded here");
  Py_XDECREF(value);
  Py_LeaveRecursiveCall();
  Py_LeaveRecursiveCall();
  Py_LeaveRecursiveCall();
  Py_SetRecursionLimit(1000);
}

TEST_CASE("each thread has its own handled exception and interrupt") {
  Interpreter py;
  PyObject* mine = PyObject_CallFunction(PyExc_ValueError, "s", "main's");
  PyErr_SetHandledException(mine);
  PyErr_SetInterrupt();
  std::atomic<int> clean{0};
  std::thread other([&] {
    PyGILState_STATE state = PyGILState_Ensure();
    if (PyErr_GetHandledException() == nullptr && PyErr_CheckSignals() == 0) ++clean;
    PyGILState_Release(state);
  });
  Py_BEGIN_ALLOW_THREADS
  other.join();
  Py_END_ALLOW_THREADS
  CHECK(clean == 1);
  CHECK(PyErr_CheckSignals() == -1);
  CHECK(TakeError(PyExc_KeyboardInterrupt));
  PyObject* handled = PyErr_GetHandledException();
  CHECK(handled == mine);
  Py_XDECREF(handled);
  PyErr_SetHandledException(nullptr);
  Py_DECREF(mine);
}
