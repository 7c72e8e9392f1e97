/* The runtime's identity and process-level services (CPython 3.11's pylifecycle.h, less what
 * pystate.h declares: Py_Initialize(Ex), Py_Finalize(Ex), Py_IsInitialized). Runtime in
 * runtime/lifecycle.cc.
 *
 * Where Pinion differs: the version string is PY_VERSION's ("3.11.0+pinion"), the build
 * information "Pinion"; there is no standard library, so the prefixes are "" and the
 * program's full path is the running executable's; Py_SetPath and Py_GetPath are Pinion's
 * module search path (import.h), which is where imports look; sub-interpreters are not
 * provided (there is one runtime per process).
 *
 * Threads: any thread. The wchar_t* getters return a string Pinion keeps, valid until the
 * matching setter runs (Py_GetPath's and Py_GetProgramFullPath's until their next call).
 */
#ifndef PINION_PYTHON_PYLIFECYCLE_H_
#define PINION_PYTHON_PYLIFECYCLE_H_

#include "pinion_python/object.h"
#include "pinion_python/pystate.h"

_PyPinion_EXTERN_C_BEGIN

/* Sub-interpreters: Pinion runs one runtime per process. */
PyAPI_FUNC(PyThreadState*) Py_NewInterpreter(void)
    _PyPinion_UNSUPPORTED("Py_NewInterpreter: there are no sub-interpreters");
PyAPI_FUNC(void) Py_EndInterpreter(PyThreadState* tstate)
    _PyPinion_UNSUPPORTED("Py_EndInterpreter: there are no sub-interpreters");

/* Registers func to run at the very end of Py_FinalizeEx, after the heap is gone (so it must
 * not touch objects), last registered first, as CPython. 0, or -1 when 32 are registered. */
PyAPI_FUNC(int) Py_AtExit(void (*func)(void));
/* Py_FinalizeEx() (running the Py_AtExit functions), then exit(status); status 120 if
 * finalizing failed. */
PyAPI_FUNC(void) _Py_NO_RETURN Py_Exit(int status);

/* The program name ("python3" until set; set before Py_Initialize, as CPython wants, or
 * later: Pinion reads it nowhere), the home (NULL until set), the running executable's path,
 * and the prefixes ("": no standard library). */
Py_DEPRECATED(3.11) PyAPI_FUNC(void) Py_SetProgramName(const wchar_t* name);
PyAPI_FUNC(wchar_t*) Py_GetProgramName(void);
Py_DEPRECATED(3.11) PyAPI_FUNC(void) Py_SetPythonHome(const wchar_t* home);
PyAPI_FUNC(wchar_t*) Py_GetPythonHome(void);
PyAPI_FUNC(wchar_t*) Py_GetProgramFullPath(void);
PyAPI_FUNC(wchar_t*) Py_GetPrefix(void);
PyAPI_FUNC(wchar_t*) Py_GetExecPrefix(void);
/* The module search path, colon-separated: what Py_SetPath or _PyPinion_SetModuleSearchPath
 * set, else PINION_PYTHONPATH's. Py_SetPath(path) is _PyPinion_SetModuleSearchPath of path
 * (NULL: back to the environment's); unlike CPython's it may be called at any time. */
PyAPI_FUNC(wchar_t*) Py_GetPath(void);
Py_DEPRECATED(3.11) PyAPI_FUNC(void) Py_SetPath(const wchar_t* path);

/* "3.11.0+pinion (Pinion) [GCC x.y.z]": CPython's form (version, build, compiler). */
PyAPI_FUNC(const char*) Py_GetVersion(void);
/* "linux" (sys.platform's value), "darwin" on macOS. */
PyAPI_FUNC(const char*) Py_GetPlatform(void);
PyAPI_FUNC(const char*) Py_GetCopyright(void);
/* "[GCC x.y.z]" or "[Clang ...]": the compiler that built the runtime. */
PyAPI_FUNC(const char*) Py_GetCompiler(void);
/* "Pinion". */
PyAPI_FUNC(const char*) Py_GetBuildInfo(void);

/* sigaction wrappers: the handler of `sig` (SIG_ERR on error); setsig installs one
 * (SA_ONSTACK, no mask) and returns the previous. */
typedef void (*PyOS_sighandler_t)(int);
PyAPI_FUNC(PyOS_sighandler_t) PyOS_getsig(int sig);
PyAPI_FUNC(PyOS_sighandler_t) PyOS_setsig(int sig, PyOS_sighandler_t handler);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYLIFECYCLE_H_ */
