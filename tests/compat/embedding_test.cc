// Tests of what an embedder sees of the runtime's services where Pinion's behaviour is its
// own (the differential services_test covers what CPython 3.11 matches): Py_SetPath and
// Py_GetPath as the module search path, the identity strings, Py_AtExit at Py_Finalize, audit
// hooks cleared at Py_Finalize, the C streams when sys.stdout/sys.stderr are unset, pending
// calls queued from other threads, SIGINT on other threads, the GIL's deprecated forms as
// native regions, the fork hooks, and imports racing with collections.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "Python.h"
#include "tests/compat/py_test_support.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

using pinion::py_test::CaptureStderr;
using pinion::py_test::Interpreter;
using pinion::py_test::TakeError;

std::string Narrow(const wchar_t* wide) {
  std::string text;
  for (; *wide != L'\0'; ++wide) text += static_cast<char>(*wide);
  return text;
}

std::vector<int> g_exit_order;
void ExitFirst() { g_exit_order.push_back(1); }
void ExitSecond() { g_exit_order.push_back(2); }

}  // namespace

TEST_CASE("Py_SetPath and Py_GetPath are the module search path") {
  Interpreter py;
  Py_SetPath(L"/pinion/one:/pinion/two");
  CHECK(Narrow(Py_GetPath()) == "/pinion/one:/pinion/two");
  PyObject* module = PyImport_ImportModule("pinion_not_on_the_path");
  CHECK(module == nullptr);
  CHECK(TakeError(PyExc_ModuleNotFoundError));
  _PyPinion_SetModuleSearchPath("/pinion/three");
  CHECK(Narrow(Py_GetPath()) == "/pinion/three");
  Py_SetPath(nullptr);  // back to PINION_PYTHONPATH's
  setenv("PINION_PYTHONPATH", "/pinion/env", 1);
  CHECK(Narrow(Py_GetPath()) == "/pinion/env");
  unsetenv("PINION_PYTHONPATH");
  CHECK(Narrow(Py_GetPath()).empty());
}

TEST_CASE("identity strings and the program's names") {
  Interpreter py;
  CHECK(std::string(Py_GetVersion()).rfind(PY_VERSION " (Pinion) [", 0) == 0);
  CHECK(std::string(Py_GetCompiler()).front() == '[');
  CHECK(std::string(Py_GetBuildInfo()) == "Pinion");
  CHECK(Narrow(Py_GetProgramName()) == "python3");
  Py_SetProgramName(L"embedder");
  CHECK(Narrow(Py_GetProgramName()) == "embedder");
  Py_SetProgramName(L"");
  CHECK(Narrow(Py_GetProgramName()) == "python3");
  CHECK(Py_GetPythonHome() == nullptr);
  Py_SetPythonHome(L"/opt/home");
  CHECK(Narrow(Py_GetPythonHome()) == "/opt/home");
  Py_SetPythonHome(nullptr);
  CHECK(Py_GetPythonHome() == nullptr);
  CHECK(Narrow(Py_GetPrefix()).empty());
  CHECK(Narrow(Py_GetExecPrefix()).empty());
  CHECK(Narrow(Py_GetProgramFullPath()).find("embedding_test") != std::string::npos);
}

TEST_CASE("Py_AtExit functions run at Py_Finalize, last first, after the heap is gone") {
  g_exit_order.clear();
  {
    Interpreter py;
    CHECK(Py_AtExit(ExitFirst) == 0);
    CHECK(Py_AtExit(ExitSecond) == 0);
    CHECK(g_exit_order.empty());
  }
  CHECK(g_exit_order == std::vector<int>{2, 1});
  {
    Interpreter py;  // registered once: not run again
  }
  CHECK(g_exit_order.size() == 2);
  Interpreter py;
  int accepted = 0;
  while (accepted < 40 && Py_AtExit(ExitFirst) == 0) ++accepted;
  CHECK(accepted == 32);
}

namespace {
std::vector<std::string> g_events;
int RecordingHook(const char* event, PyObject* args, void* data) {
  g_events.push_back(event);
  return 0;
}
int RefusingHook(const char* event, PyObject* args, void* data) {
  if (std::strcmp(event, "sys.addaudithook") != 0) return 0;
  PyErr_SetString(static_cast<PyObject*>(data), "no more hooks");
  return -1;
}
}  // namespace

TEST_CASE("audit hooks: refusing new hooks, and forgotten at Py_Finalize") {
  g_events.clear();
  {
    Interpreter py;
    CHECK(PySys_AddAuditHook(RecordingHook, nullptr) == 0);
    CHECK(PySys_Audit("pinion.one", nullptr) == 0);
    CHECK(PySys_AddAuditHook(RefusingHook, PyExc_RuntimeError) == 0);
    // RuntimeError: the new hook is refused silently.
    CHECK(PySys_AddAuditHook(RecordingHook, nullptr) == 0);
    CHECK(!PyErr_Occurred());
    CHECK(PySys_Audit("pinion.two", nullptr) == 0);
    // The hooks there were saw each addition (none when the first was added).
    CHECK(g_events == std::vector<std::string>{"pinion.one", "sys.addaudithook",
                                                "sys.addaudithook", "pinion.two"});
  }
  CHECK(g_events.back() == "cpython._PySys_ClearAuditHooks");
  g_events.clear();
  {
    Interpreter py;
    CHECK(PySys_Audit("pinion.three", nullptr) == 0);
    CHECK(g_events.empty());  // the hooks went with the last runtime
    // Another exception than RuntimeError is returned.
    CHECK(PySys_AddAuditHook(RefusingHook, PyExc_ValueError) == 0);
    CHECK(PySys_AddAuditHook(RecordingHook, nullptr) == -1);
    CHECK(TakeError(PyExc_ValueError));
  }
}

TEST_CASE("with sys.stdout and sys.stderr unset, writes and reports go to the C streams") {
  Interpreter py;
  CHECK(PySys_GetObject("stderr") == nullptr);
  CHECK(CaptureStderr([] { PySys_WriteStderr("to stderr %d\n", 7); }) == "to stderr 7\n");
  CHECK(CaptureStderr([] { PySys_FormatStderr("%R\n", Py_None); }) == "None\n");
  std::string shown = CaptureStderr([] {
    PyObject* value = PyUnicode_FromString("shown");
    PyErr_Display(PyExc_TypeError, value, nullptr);
    Py_DECREF(value);
  });
  CHECK(shown == "TypeError: shown\n");
  // A write method that raises: the C stream, the error dropped.
  PyObject* failing = PyModule_New("failing");  // a module has no write attribute
  PySys_SetObject("stderr", failing);
  Py_DECREF(failing);
  CHECK(CaptureStderr([] { PySys_WriteStderr("fallback"); }) == "fallback");
  CHECK(!PyErr_Occurred());
  PySys_SetObject("stderr", nullptr);
}

namespace {
std::atomic<int> g_pending{0};
int Pending(void* arg) {
  g_pending.fetch_add(static_cast<int>(reinterpret_cast<intptr_t>(arg)));
  return 0;
}
}  // namespace

// doctest handles SIGINT itself; the runtime installs its handler only over the default.
class DefaultSigint {
 public:
  DefaultSigint() : saved_(PyOS_setsig(SIGINT, SIG_DFL)) {}
  ~DefaultSigint() { PyOS_setsig(SIGINT, saved_); }

 private:
  PyOS_sighandler_t saved_;
};

TEST_CASE("pending calls: queued from any thread, run by the main thread only") {
  DefaultSigint sigint;
  Interpreter py;
  g_pending = 0;
  int made_elsewhere = -1;
  int interrupt_elsewhere = -1;
  std::thread other([&] {
    // Not attached: queueing needs no thread state.
    CHECK(Py_AddPendingCall(Pending, reinterpret_cast<void*>(intptr_t{5})) == 0);
    PyGILState_STATE state = PyGILState_Ensure();
    made_elsewhere = Py_MakePendingCalls();
    raise(SIGINT);  // process-directed: the runtime's handler records it
    interrupt_elsewhere = PyOS_InterruptOccurred();
    PyGILState_Release(state);
  });
  Py_BEGIN_ALLOW_THREADS
  other.join();
  Py_END_ALLOW_THREADS
  CHECK(made_elsewhere == 0);
  CHECK(interrupt_elsewhere == 0);
  CHECK(g_pending == 0);
  CHECK(PyOS_InterruptOccurred() == 1);  // the main thread takes it
  CHECK(Py_MakePendingCalls() == 0);
  CHECK(g_pending == 5);
  // Left queued at Py_Finalize: run then.
  CHECK(Py_AddPendingCall(Pending, reinterpret_cast<void*>(intptr_t{1})) == 0);
}

TEST_CASE("Py_InitializeEx(0) installs no SIGINT handler; Py_Finalize removes the runtime's") {
  DefaultSigint sigint;
  CHECK((PyOS_getsig(SIGINT) == SIG_DFL));
  Py_InitializeEx(0);
  CHECK((PyOS_getsig(SIGINT) == SIG_DFL));
  Py_Finalize();
  {
    Interpreter py;
    CHECK((PyOS_getsig(SIGINT) != SIG_DFL));
  }
  CHECK((PyOS_getsig(SIGINT) == SIG_DFL));
}

TEST_CASE("the GIL's deprecated forms enter and leave native regions") {
  Interpreter py;
  PyEval_InitThreads();
  CHECK(PyEval_ThreadsInitialized() == 1);
  CHECK(PyGILState_Check() == 1);
  PyThreadState* state = PyEval_SaveThread();
  CHECK(PyGILState_Check() == 0);
  PyEval_AcquireLock();
  CHECK(PyGILState_Check() == 1);
  PyEval_ReleaseLock();
  CHECK(PyGILState_Check() == 0);
  PyEval_AcquireThread(state);
  CHECK(PyGILState_Check() == 1);
  PyEval_ReleaseThread(state);
  CHECK(PyGILState_Check() == 0);
  PyEval_RestoreThread(state);
  CHECK(PyGILState_Check() == 1);
}

TEST_CASE("PyImport_ExtendInittab only before Py_Initialize") {
  Interpreter py;
  struct _inittab none[] = {{nullptr, nullptr}};
  CHECK(PyImport_ExtendInittab(none) == -1);
}

TEST_CASE("fork: the child imports and the locks are free on both sides") {
  Interpreter py;
  PyObject* builtins = PyImport_ImportModule("builtins");
  REQUIRE(builtins != nullptr);
  PyOS_BeforeFork();
  const pid_t child = fork();
  if (child == 0) {
    PyOS_AfterFork_Child();
    // The forking thread is the child's main thread; sys.modules and sys are usable.
    PyObject* again = PyImport_ImportModule("builtins");
    const bool ok = again == builtins && PySys_GetObject("argv") != nullptr &&
                    PyOS_InterruptOccurred() == 0 && Py_MakePendingCalls() == 0;
    _exit(ok ? 0 : 1);
  }
  PyOS_AfterFork_Parent();
  int status = 0;
  Py_BEGIN_ALLOW_THREADS
  waitpid(child, &status, 0);
  Py_END_ALLOW_THREADS
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // The parent's locks were released: imports and sys go on.
  PyObject* again = PyImport_ImportModule("builtins");
  CHECK(again == builtins);
  Py_XDECREF(again);
  CHECK(PySys_SetObject("pinion_after_fork", Py_True) == 0);
  PyOS_AfterFork();  // the deprecated name: the child's reinitialisation, harmless here
  CHECK(PySys_GetObject("pinion_after_fork") == Py_True);
  Py_DECREF(builtins);
}

namespace {
int g_inits = 0;
PyModuleDef g_racing_def = {PyModuleDef_HEAD_INIT, "racing", nullptr, 0, nullptr};
PyObject* InitRacing() {
  __atomic_fetch_add(&g_inits, 1, __ATOMIC_RELAXED);
  return PyModuleDef_Init(&g_racing_def);
}
}  // namespace

TEST_CASE("threads import and add modules while another collects") {
  REQUIRE(PyImport_AppendInittab("racing", InitRacing) == 0);
  Interpreter py;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<PyObject*> seen(3, nullptr);
  auto importer = [&](int index) {
    PyGILState_STATE state = PyGILState_Ensure();
    for (int i = 0; i < 200; ++i) {
      PyObject* module = PyImport_ImportModule("racing");
      PyObject* name = PyUnicode_FromString("racing");
      PyObject* cached = PyImport_GetModule(name);
      // Every thread gets the one module sys.modules kept, however the first imports raced.
      if (module == nullptr || cached != module) failures.fetch_add(1);
      if (seen[index] == nullptr) seen[index] = module;
      if (seen[index] != module) failures.fetch_add(1);
      PyObject* added = PyImport_AddModule(i % 2 == 0 ? "racing_added" : "racing");
      if (added == nullptr || !PyModule_Check(added)) failures.fetch_add(1);
      Py_XDECREF(cached);
      Py_DECREF(name);
      Py_XDECREF(module);
    }
    PyGILState_Release(state);
  };
  std::thread collector([&] {
    PyGILState_STATE state = PyGILState_Ensure();
    while (!done.load()) PyGC_Collect();
    PyGILState_Release(state);
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back(importer, i);
  Py_BEGIN_ALLOW_THREADS
  for (std::thread& t : threads) t.join();
  done = true;
  collector.join();
  Py_END_ALLOW_THREADS
  CHECK(failures == 0);
  CHECK(seen[0] == seen[1]);
  CHECK(seen[1] == seen[2]);
  CHECK(g_inits >= 1);
  CHECK(g_inits <= 3);
}
