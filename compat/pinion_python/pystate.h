/* Interpreter set-up and threads: the GIL API on Pinion's thread registry.
 *
 * There is no GIL. Py_Initialize creates the compat heap (stop-the-world: extension fields
 * are plain C stores with no write barrier, and tp_traverse reads them, so they are traced
 * only with the world stopped) and attaches the calling thread. Every thread that touches
 * objects must be attached: PyGILState_Ensure attaches a thread that is not (and its
 * matching Release detaches it again), or leaves a Py_BEGIN_ALLOW_THREADS region the thread
 * is in. Py_BEGIN_ALLOW_THREADS/Py_END_ALLOW_THREADS enter and leave a native region: the
 * collector does not wait for the thread there, and it must not touch objects (Py_INCREF
 * there is reported as kThreadNotAttached). Pin what you use across the region.
 *
 * Threads: Py_Initialize/Py_Finalize on the main thread, with no other thread attached at
 * Py_Finalize; the rest on any thread.
 */
#ifndef PINION_PYTHON_PYSTATE_H_
#define PINION_PYTHON_PYSTATE_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* Py_Initialize is Py_InitializeEx(1): initsigs also installs the SIGINT handler
 * (intrcheck.h) when SIGINT has its default disposition. */
PyAPI_FUNC(void) Py_Initialize(void);
PyAPI_FUNC(void) Py_InitializeEx(int initsigs);
PyAPI_FUNC(int) Py_IsInitialized(void);
/* Runs the pending calls left (ceval.h), clears sys.modules and the audit hooks, runs the
 * pending finalizers, detaches the calling thread, destroys the heap, removes the SIGINT
 * handler, then runs the Py_AtExit functions (pylifecycle.h). */
PyAPI_FUNC(void) Py_Finalize(void);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03060000
PyAPI_FUNC(int) Py_FinalizeEx(void);
#endif

typedef struct _ts PyThreadState;
typedef enum { PyGILState_LOCKED, PyGILState_UNLOCKED } PyGILState_STATE;

/* Enter/leave a native region (what Py_BEGIN/END_ALLOW_THREADS expand to). */
PyAPI_FUNC(PyThreadState*) PyEval_SaveThread(void);
PyAPI_FUNC(void) PyEval_RestoreThread(PyThreadState* state);
#define Py_BEGIN_ALLOW_THREADS { PyThreadState* _save = PyEval_SaveThread();
#define Py_BLOCK_THREADS PyEval_RestoreThread(_save);
#define Py_UNBLOCK_THREADS _save = PyEval_SaveThread();
#define Py_END_ALLOW_THREADS PyEval_RestoreThread(_save); }

/* Makes the calling thread able to touch objects: attaches it, or leaves its native region;
 * Release undoes exactly that. Pairs nest. */
PyAPI_FUNC(PyGILState_STATE) PyGILState_Ensure(void);
PyAPI_FUNC(void) PyGILState_Release(PyGILState_STATE state);
/* 1 if the calling thread is attached and not in a native region. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(int) PyGILState_Check(void);
#endif /* !Py_LIMITED_API */
PyAPI_FUNC(PyThreadState*) PyThreadState_Get(void);

/* ---- Modules by definition (single-phase modules only, as CPython) ---- */
struct PyModuleDef;
/* The module created from `def` (a single-phase def that PyModule_Create readied) that was
 * imported or added, borrowed; NULL, with no exception, if none or if `def` has m_slots. */
PyAPI_FUNC(PyObject*) PyState_FindModule(struct PyModuleDef* def);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
/* Makes `module` the one PyState_FindModule(def) finds (holding a reference). SystemError
 * "PyState_AddModule called on module with slots" for a multi-phase def. A NULL def, or a
 * module added twice, is a misuse (CPython: a fatal error): reported, and -1 with
 * SystemError set. */
PyAPI_FUNC(int) PyState_AddModule(PyObject* module, struct PyModuleDef* def);
/* Forgets the module of `def`. SystemError "PyState_RemoveModule called on module with
 * slots" for a multi-phase def; a NULL def or an index that was never given (CPython: a
 * fatal error) is a misuse, reported, and -1 with SystemError set. */
PyAPI_FUNC(int) PyState_RemoveModule(struct PyModuleDef* def);
#endif

#ifndef Py_LIMITED_API
/* The calling thread's state, NULL if it is not attached (PyThreadState_Get's result without
 * CPython's fatal error). */
PyAPI_FUNC(PyThreadState*) _PyThreadState_UncheckedGet(void);
/* 1 while Py_Finalize runs (its finalizers and deallocators see it), else 0. */
PyAPI_FUNC(int) _Py_IsFinalizing(void);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYSTATE_H_ */
