// Audit hooks (sysmodule.h, PEP 578): PySys_AddAuditHook and PySys_Audit.
//
// Owns: the hooks, a list in the order they were added (g_head, each entry's `next`). Entries
// are appended under g_hooks_mu (a malloc'd entry: no heap allocation, no extension code
// under it) and never removed until Py_Finalize (ClearAuditHooks), so PySys_Audit walks the
// list with no lock: each `next` is published with a release store after the entry is
// filled, and read with an acquire load.
//
// Differences from CPython: there are no Python-level hooks (sys.addaudithook) and the
// runtime raises no events of its own (CPython audits imports, opens, exec...), except
// "sys.addaudithook" and "cpython._PySys_ClearAuditHooks" as CPython does; a hook added
// before Py_Initialize is kept.
//
// Threads: any thread for AddAuditHook (before Py_Initialize, the initialising thread);
// PySys_Audit from attached threads, hooks called on the auditing thread.
#include <atomic>
#include <cstdarg>
#include <mutex>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

struct HookEntry {
  Py_AuditHookFunction hook;
  void* user_data;
  std::atomic<HookEntry*> next{nullptr};
};

std::atomic<HookEntry*> g_head{nullptr};
std::mutex g_hooks_mu;  // serialises appends

int AuditV(const char* event, const char* format, va_list va) {
  // Acquire: pairs with the release store that published the entry (and its fields).
  HookEntry* entry = g_head.load(std::memory_order_acquire);
  if (entry == nullptr || !Py_IsInitialized() || !PyGILState_Check()) return 0;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject* args;
  if (format != nullptr && format[0] != '\0') {
    args = Py_VaBuildValue(format, va);
    if (args != nullptr && !PyTuple_Check(args)) {
      PyObject* tuple = PyTuple_Pack(1, args);
      Py_DECREF(args);
      args = tuple;
    }
  } else {
    args = PyTuple_New(0);
  }
  int rc = args != nullptr ? 0 : -1;
  for (; rc == 0 && entry != nullptr; entry = entry->next.load(std::memory_order_acquire)) {
    if (entry->hook(event, args, entry->user_data) < 0) rc = -1;
  }
  Py_XDECREF(args);
  if (rc == 0) {
    PyErr_Restore(type, value, traceback);
  } else {
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
  }
  return rc;
}

int Audit(const char* event, const char* format, ...) {
  va_list va;
  va_start(va, format);
  const int rc = AuditV(event, format, va);
  va_end(va);
  return rc;
}

}  // namespace

void ClearAuditHooks() {
  Audit("cpython._PySys_ClearAuditHooks", nullptr);
  PyErr_Clear();
  // Relaxed: at Py_Finalize, the only thread still attached.
  HookEntry* entry = g_head.exchange(nullptr, std::memory_order_relaxed);
  while (entry != nullptr) {
    HookEntry* next = entry->next.load(std::memory_order_relaxed);
    delete entry;
    entry = next;
  }
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" int PySys_AddAuditHook(Py_AuditHookFunction hook, void* userData) {
  // As CPython: the hooks there are may refuse the new one; a RuntimeError (or a subclass)
  // refuses silently.
  if (Py_IsInitialized() && Audit("sys.addaudithook", nullptr) < 0) {
    if (PyErr_ExceptionMatches(PyExc_RuntimeError)) {
      PyErr_Clear();
      return 0;
    }
    return -1;
  }
  auto* added = new HookEntry{hook, userData};
  std::lock_guard<std::mutex> lock(g_hooks_mu);
  HookEntry* last = g_head.load(std::memory_order_relaxed);
  if (last == nullptr) {
    g_head.store(added, std::memory_order_release);  // publishes the filled entry
    return 0;
  }
  while (HookEntry* next = last->next.load(std::memory_order_relaxed)) last = next;
  last->next.store(added, std::memory_order_release);  // publishes the filled entry
  return 0;
}

extern "C" int PySys_Audit(const char* event, const char* argFormat, ...) {
  va_list va;
  va_start(va, argFormat);
  const int rc = AuditV(event, argFormat, va);
  va_end(va);
  return rc;
}
