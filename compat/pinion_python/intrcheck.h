/* SIGINT and fork (CPython 3.11's intrcheck.h); runtime in runtime/interrupt.cc.
 *
 * Py_Initialize (Py_InitializeEx(1)) installs a SIGINT handler when SIGINT has its default
 * disposition, as CPython does (Py_Finalize removes it); it only records the signal, which
 * the main thread (Py_Initialize's) takes: PyOS_InterruptOccurred answers it, and
 * PyErr_CheckSignals and Py_MakePendingCalls raise KeyboardInterrupt for it.
 *
 * Fork: call PyOS_BeforeFork before fork(), and PyOS_AfterFork_Parent/_Child after it on
 * each side, as CPython's os.fork does. BeforeFork takes the locks of sys.modules and the
 * sys dict so that the child gets them unheld; in the child, the forking thread becomes the
 * main thread. Where Pinion cannot follow CPython: threads other than the forking one that
 * were attached do not exist in the child, but the heap still waits for them, so a child that
 * goes on using the runtime (rather than calling exec) must have forked while no other thread
 * was attached: else its first collection never finishes.
 */
#ifndef PINION_PYTHON_INTRCHECK_H_
#define PINION_PYTHON_INTRCHECK_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* On the main thread: 1 if a SIGINT arrived since the last call (or the last
 * PyErr_CheckSignals), clearing it; else 0. 0 on other threads. */
PyAPI_FUNC(int) PyOS_InterruptOccurred(void);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03070000
PyAPI_FUNC(void) PyOS_BeforeFork(void);
PyAPI_FUNC(void) PyOS_AfterFork_Parent(void);
PyAPI_FUNC(void) PyOS_AfterFork_Child(void);
#endif
/* PyOS_AfterFork_Child, under its old name. */
Py_DEPRECATED(3.7) PyAPI_FUNC(void) PyOS_AfterFork(void);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_INTRCHECK_H_ */
