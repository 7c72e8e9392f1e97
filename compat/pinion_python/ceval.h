/* ceval.h: the recursion guard and the names of callables (runtime/recursion.cc), the
 * builtins and the frame getters (runtime/builtins.cc), pending calls
 * (runtime/pending_calls.cc), and the GIL's deprecated forms (runtime/state.cc). There is no
 * evaluation loop: evaluating code and frames, tracing and profiling are not provided.
 *
 * Py_EnterRecursiveCall counts a depth per thread and raises RecursionError("maximum
 * recursion depth exceeded" + where) when it passes the recursion limit (default 1000, as
 * CPython's; one limit for all threads). As in CPython, a call that returns -1 is not
 * counted, so it must not be paired with Py_LeaveRecursiveCall.
 *
 * Where Pinion differs: CPython counts Python frames in the same depth; here only C code's
 * Py_EnterRecursiveCall calls count (CPython also counts each call through PyObject_Call*,
 * so code that reaches the limit gets there a call or two later than under CPython).
 *
 * Threads: any thread; the depth is the calling thread's own. The limit is one atomic.
 */
#ifndef PINION_PYTHON_CEVAL_H_
#define PINION_PYTHON_CEVAL_H_

#include "pinion_python/object.h"
#include "pinion_python/pystate.h"

_PyPinion_EXTERN_C_BEGIN

typedef struct _frame PyFrameObject;

/* The builtins module's dict (borrowed): None, Ellipsis, NotImplemented, True, False,
 * __debug__, the builtin types Pinion has (bool, bytearray, bytes, classmethod, complex,
 * dict, float, frozenset, int, list, memoryview, object, set, slice, staticmethod, str,
 * tuple, type) and the builtin exceptions, under their Python names; no builtin functions
 * (len, print...). `import builtins` gives its module. NULL with an exception only if it
 * cannot be made (out of memory). */
PyAPI_FUNC(PyObject*) PyEval_GetBuiltins(void);
/* No Python frame ever runs under Pinion, so these answer as CPython's do when C code calls
 * them with none running: GetGlobals and GetFrame NULL with no exception, GetLocals NULL with
 * SystemError "frame does not exist". */
PyAPI_FUNC(PyObject*) PyEval_GetGlobals(void);
PyAPI_FUNC(PyObject*) PyEval_GetLocals(void);
PyAPI_FUNC(PyFrameObject*) PyEval_GetFrame(void);

/* Queues func(arg) (at most 31 waiting, as CPython's: -1 when full, no exception set; 0 when queued).
 * From any thread, attached or not, but not from a signal handler (Pinion's queue has a
 * lock; CPython allows it). */
PyAPI_FUNC(int) Py_AddPendingCall(int (*func)(void*), void* arg);
/* On the main thread (Py_Initialize's): KeyboardInterrupt (-1) if a SIGINT arrived, then the
 * queued calls in order; -1 with the failing call's exception at the first that
 * returns -1 (the rest stay queued), else 0. On other threads, or inside a pending call: 0,
 * nothing run (as CPython). There is no evaluation loop to run them on its own: they run
 * here, and at Py_Finalize. */
PyAPI_FUNC(int) Py_MakePendingCalls(void);

/* 0, or -1 with RecursionError set when the depth would pass the limit. */
PyAPI_FUNC(int) Py_EnterRecursiveCall(const char* where);
PyAPI_FUNC(void) Py_LeaveRecursiveCall(void);
PyAPI_FUNC(int) Py_GetRecursionLimit(void);
/* Values below 1 are ignored (CPython's sys.setrecursionlimit rejects them). */
PyAPI_FUNC(void) Py_SetRecursionLimit(int limit);

/* The name of a callable for messages: a builtin function's ml_name, else the type's
 * tp_name; and what follows it: "()" for a function, " object" otherwise (CPython's
 * "%s%s() takes..." messages). */
PyAPI_FUNC(const char*) PyEval_GetFuncName(PyObject* func);
PyAPI_FUNC(const char*) PyEval_GetFuncDesc(PyObject* func);

/* The GIL's deprecated forms, on native regions (pystate.h): InitThreads does nothing,
 * ThreadsInitialized is Py_IsInitialized(); AcquireThread(t) is PyEval_RestoreThread(t) and
 * ReleaseThread(t) PyEval_SaveThread() (t must be the calling thread's state, else a
 * reported misuse); AcquireLock leaves the calling thread's native region, if it is in one,
 * and ReleaseLock enters one if it is running. */
Py_DEPRECATED(3.9) PyAPI_FUNC(int) PyEval_ThreadsInitialized(void);
Py_DEPRECATED(3.9) PyAPI_FUNC(void) PyEval_InitThreads(void);
Py_DEPRECATED(3.2) PyAPI_FUNC(void) PyEval_AcquireLock(void);
Py_DEPRECATED(3.2) PyAPI_FUNC(void) PyEval_ReleaseLock(void);
PyAPI_FUNC(void) PyEval_AcquireThread(PyThreadState* tstate);
PyAPI_FUNC(void) PyEval_ReleaseThread(PyThreadState* tstate);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_CEVAL_H_ */
