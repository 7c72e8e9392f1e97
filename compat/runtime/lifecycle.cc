// The runtime's identity and process-level services (pylifecycle.h): version strings,
// Py_AtExit/Py_Exit, the program name, home and paths, and PyOS_getsig/setsig.
//
// Owns: g_exit_functions (Py_AtExit's, at most kMaxExitFunctions as CPython's NEXITFUNCS),
// and the wide strings the path getters return, all under g_lifecycle_mu (held only to copy
// them: no allocation from the heap, no extension code under it).
//
// The wchar_t* getters return a pointer into a string this file keeps, valid until the
// matching setter (or, for Py_GetPath, the next Py_GetPath or search-path change) runs.
//
// Threads: any thread (attached or not); RunAtExitFunctions on the finalizing thread.
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

constexpr size_t kMaxExitFunctions = 32;

std::mutex g_lifecycle_mu;
struct Lifecycle {  // under g_lifecycle_mu
  std::vector<void (*)(void)> exit_functions;
  std::wstring program_name = L"python3";  // CPython's default
  std::wstring python_home;
  bool python_home_set = false;
  std::wstring path;          // Py_GetPath's last answer
  std::wstring full_path;     // Py_GetProgramFullPath's
  std::wstring empty;         // Py_GetPrefix's, Py_GetExecPrefix's
};
Lifecycle& State() {
  static Lifecycle* state = new Lifecycle;
  return *state;
}

std::wstring Widen(const std::string& text) {
  std::wstring wide(text.size() + 1, L'\0');
  const size_t length = mbstowcs(wide.data(), text.c_str(), wide.size());
  if (length == static_cast<size_t>(-1)) return std::wstring(text.begin(), text.end());
  wide.resize(length);
  return wide;
}

std::string Narrow(const wchar_t* wide) {
  const size_t length = wcstombs(nullptr, wide, 0);
  if (length == static_cast<size_t>(-1)) return std::string();
  std::string text(length, '\0');
  wcstombs(text.data(), wide, length + 1);
  return text;
}

#if defined(__clang__)
#define PINION_COMPILER "[Clang " __clang_version__ "]"
#elif defined(__GNUC__)
#define PINION_COMPILER "[GCC " __VERSION__ "]"
#else
#define PINION_COMPILER "[C++]"
#endif

}  // namespace

void RunAtExitFunctions() {
  std::vector<void (*)(void)> functions;
  {
    std::lock_guard<std::mutex> lock(g_lifecycle_mu);
    functions.swap(State().exit_functions);
  }
  for (auto it = functions.rbegin(); it != functions.rend(); ++it) (*it)();
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" const char* Py_GetVersion(void) {
  return PY_VERSION " (Pinion) " PINION_COMPILER;
}

extern "C" const char* Py_GetPlatform(void) {
#if defined(__linux__)
  return "linux";
#elif defined(__APPLE__)
  return "darwin";
#else
  return "unknown";
#endif
}

extern "C" const char* Py_GetCopyright(void) {
  return "Copyright (c) the Pinion authors.\nAll Rights Reserved.";
}

extern "C" const char* Py_GetCompiler(void) { return PINION_COMPILER; }

extern "C" const char* Py_GetBuildInfo(void) { return "Pinion"; }

extern "C" int Py_AtExit(void (*func)(void)) {
  std::lock_guard<std::mutex> lock(g_lifecycle_mu);
  if (State().exit_functions.size() >= kMaxExitFunctions) return -1;
  State().exit_functions.push_back(func);
  return 0;
}

extern "C" void Py_Exit(int status) {
  if (Py_FinalizeEx() < 0) status = 120;
  exit(status);
}

extern "C" void Py_SetProgramName(const wchar_t* name) {
  std::lock_guard<std::mutex> lock(g_lifecycle_mu);
  State().program_name = name != nullptr && name[0] != L'\0' ? name : L"python3";
}

extern "C" wchar_t* Py_GetProgramName(void) {
  std::lock_guard<std::mutex> lock(g_lifecycle_mu);
  return State().program_name.data();
}

extern "C" void Py_SetPythonHome(const wchar_t* home) {
  std::lock_guard<std::mutex> lock(g_lifecycle_mu);
  State().python_home_set = home != nullptr;
  State().python_home = home != nullptr ? home : L"";
}

extern "C" wchar_t* Py_GetPythonHome(void) {
  std::lock_guard<std::mutex> lock(g_lifecycle_mu);
  return State().python_home_set ? State().python_home.data() : nullptr;
}

extern "C" wchar_t* Py_GetProgramFullPath(void) {
  char path[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
  const std::wstring full = length > 0 ? Widen(std::string(path, length)) : std::wstring();
  std::lock_guard<std::mutex> lock(g_lifecycle_mu);
  State().full_path = full;
  return State().full_path.data();
}

extern "C" wchar_t* Py_GetPrefix(void) {
  std::lock_guard<std::mutex> lock(g_lifecycle_mu);
  return State().empty.data();
}

extern "C" wchar_t* Py_GetExecPrefix(void) { return Py_GetPrefix(); }

extern "C" void Py_SetPath(const wchar_t* path) {
  if (path == nullptr) {
    _PyPinion_SetModuleSearchPath(nullptr);
    return;
  }
  _PyPinion_SetModuleSearchPath(Narrow(path).c_str());
}

extern "C" wchar_t* Py_GetPath(void) {
  const std::wstring path = Widen(ModuleSearchPath());
  std::lock_guard<std::mutex> lock(g_lifecycle_mu);
  State().path = path;
  return State().path.data();
}

extern "C" PyOS_sighandler_t PyOS_getsig(int sig) {
  struct sigaction context;
  if (sigaction(sig, nullptr, &context) == -1) return SIG_ERR;
  return context.sa_handler;
}

extern "C" PyOS_sighandler_t PyOS_setsig(int sig, PyOS_sighandler_t handler) {
  struct sigaction context = {};
  struct sigaction previous = {};
  context.sa_handler = handler;
  sigemptyset(&context.sa_mask);
  context.sa_flags = SA_ONSTACK;  // as CPython: a handler may run on an alternate stack
  if (sigaction(sig, &context, &previous) == -1) return SIG_ERR;
  return previous.sa_handler;
}
