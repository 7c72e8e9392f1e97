/* Warnings (warnings.h, cpython/warnings.h; runtime in runtime/warnings.cc).
 *
 * There is no interpreter, so no warnings module and no filters to configure: a warning is
 * handled as CPython 3.11's default filters handle one raised from C code with no Python
 * frame (warnings' context is then the `sys` module, line 1):
 *   - DeprecationWarning, PendingDeprecationWarning, ImportWarning and ResourceWarning are
 *     ignored (return 0, print nothing);
 *   - any other category is printed once per (message, category, line) for the process (the
 *     "default" action, with the registry of the module given to PyErr_WarnExplicit*, or
 *     sys's), as "<filename>:<lineno>: <Category>: <message>" on stderr (PyErr_WarnEx's
 *     filename is "sys", its line 1, as CPython's); returns 0.
 * A category that is not a Warning subclass is a TypeError/ValueError as in CPython (-1).
 * The registry argument of PyErr_WarnExplicit* is ignored (NULL or a dict in CPython).
 *
 * Where Pinion differs: -W options, PYTHONWARNINGS and warnings.filterwarnings() do not
 * exist, so a warning never becomes an exception (CPython returns -1 under an "error"
 * filter); CPython also prints the source line when it can read the file.
 *
 * Threads: any attached thread; "once" is process-wide (a mutex-guarded set of what has
 * been printed).
 */
#ifndef PINION_PYTHON_WARNINGS_H_
#define PINION_PYTHON_WARNINGS_H_

#include <stdarg.h>

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* 0 when the warning was shown or ignored, -1 with an exception set. A NULL category is
 * RuntimeWarning. */
PyAPI_FUNC(int) PyErr_WarnEx(PyObject* category, const char* message, Py_ssize_t stack_level);
PyAPI_FUNC(int) PyErr_WarnFormat(PyObject* category, Py_ssize_t stack_level, const char* format,
                                 ...);
/* A ResourceWarning about `source` (which CPython passes to warnings' hooks; unused here). */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03060000
PyAPI_FUNC(int) PyErr_ResourceWarning(PyObject* source, Py_ssize_t stack_level,
                                      const char* format, ...);
#endif
/* The warning as if raised at filename:lineno in `module` (NULL: derived from filename). */
PyAPI_FUNC(int) PyErr_WarnExplicit(PyObject* category, const char* message,
                                   const char* filename, int lineno, const char* module,
                                   PyObject* registry);
#ifndef Py_LIMITED_API
PyAPI_FUNC(int) PyErr_WarnExplicitObject(PyObject* category, PyObject* message,
                                         PyObject* filename, int lineno, PyObject* module,
                                         PyObject* registry);
#endif
#ifndef Py_LIMITED_API
PyAPI_FUNC(int) PyErr_WarnExplicitFormat(PyObject* category, const char* filename, int lineno,
                                         const char* module, PyObject* registry,
                                         const char* format, ...);
#endif
/* Deprecated in CPython: PyErr_WarnEx(category, msg, 1). */
#ifndef Py_LIMITED_API
#define PyErr_Warn(category, msg) PyErr_WarnEx((category), (msg), 1)
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_WARNINGS_H_ */
