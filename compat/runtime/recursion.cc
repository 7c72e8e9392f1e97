// The recursion guard (ceval.h): Py_EnterRecursiveCall/Py_LeaveRecursiveCall and the limit;
// also ceval.h's PyEval_GetFuncName/GetFuncDesc (stateless).
//
// Owns: t_depth, the calling thread's count of entered, not yet left, recursive calls; and
// g_limit, the recursion limit (CPython's default, 1000).
//
// Invariant: t_depth <= the limit in force when each call entered; a call that failed is not
// counted (CPython's rule: it must not be paired with Py_LeaveRecursiveCall).
//
// Threads: any thread; t_depth is thread_local, g_limit a relaxed atomic (a limit change
// need not be seen by a call already under way).
#include <atomic>

#include "compat/runtime/runtime.h"

namespace {

thread_local int t_depth = 0;
std::atomic<int> g_limit{1000};

}  // namespace

extern "C" int Py_EnterRecursiveCall(const char* where) {
  if (t_depth >= g_limit.load(std::memory_order_relaxed)) {
    PyErr_Format(PyExc_RecursionError, "maximum recursion depth exceeded%s",
                 where != nullptr ? where : "");
    return -1;
  }
  ++t_depth;
  return 0;
}

extern "C" void Py_LeaveRecursiveCall(void) {
  if (t_depth > 0) --t_depth;
}

extern "C" int Py_GetRecursionLimit(void) { return g_limit.load(std::memory_order_relaxed); }

extern "C" void Py_SetRecursionLimit(int limit) {
  if (limit >= 1) g_limit.store(limit, std::memory_order_relaxed);
}

extern "C" const char* PyEval_GetFuncName(PyObject* func) {
  if (PyCFunction_Check(func)) return reinterpret_cast<PyCFunctionObject*>(func)->m_ml->ml_name;
  return Py_TYPE(func)->tp_name;
}

extern "C" const char* PyEval_GetFuncDesc(PyObject* func) {
  return PyCFunction_Check(func) ? "()" : " object";
}
