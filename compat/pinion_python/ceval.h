/* The recursion guard of ceval.h, and the names of callables (runtime in
 * runtime/recursion.cc). There is no evaluation loop: the rest of ceval.h (frames, eval,
 * tracing, pending calls) is not provided.
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

_PyPinion_EXTERN_C_BEGIN

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

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_CEVAL_H_ */
