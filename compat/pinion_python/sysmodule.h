/* The sys module's dictionary and services (CPython 3.11's sysmodule.h): attributes, writing
 * to sys.stdout/sys.stderr, argv, path, warning and -X options, audit hooks (runtime in
 * runtime/sysmodule.cc, sys_streams.cc, audit.cc).
 *
 * Pinion has no sys module object; these reach one process-wide dictionary, made on first
 * use and released at Py_Finalize, which starts with (values as CPython's):
 *   maxsize     PY_SSIZE_T_MAX
 *   maxunicode  0x10FFFF
 *   byteorder   "little" or "big"
 *   hexversion  PY_VERSION_HEX (Pinion's 3.11.0, not the micro version of a CPython build)
 *   api_version 1013
 *   argv        ['']  (as an embedded CPython's, until PySys_SetArgv)
 *   warnoptions []
 *   _xoptions   {}
 *   modules     sys.modules (PyImport_GetModuleDict: the import cache)
 * Everything else (stdout, stderr, path, version_info...) is absent until code sets it:
 * PySys_GetObject then returns NULL without an exception, as CPython does for a missing
 * name. The dictionary's accesses are serialised (threads run in parallel); a borrowed value
 * stays valid until some thread replaces it, as with CPython's (and its GIL released).
 * sys.path is data only: imports search Pinion's module search path (import.h, Py_SetPath).
 */
#ifndef PINION_PYTHON_SYSMODULE_H_
#define PINION_PYTHON_SYSMODULE_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* sys.<name>: a borrowed reference, or NULL (no exception set) when missing. */
PyAPI_FUNC(PyObject*) PySys_GetObject(const char* name);
/* sys.<name> = v (INCREF'd); v NULL deletes it (missing is no error). 0, or -1 with an
 * exception. */
PyAPI_FUNC(int) PySys_SetObject(const char* name, PyObject* v);

/* sys.argv = argv (decoded; [''] when argc < 1 or argv is NULL). With updatepath (always
 * for SetArgv), sys.path, if it is a list, gets first the directory of argv[0] (links
 * resolved; "" when it names none or is "-c"; the working directory for "-m"), as CPython.
 * Out of memory is a fatal error, as CPython's. */
Py_DEPRECATED(3.11) PyAPI_FUNC(void) PySys_SetArgv(int argc, wchar_t** argv);
Py_DEPRECATED(3.11) PyAPI_FUNC(void) PySys_SetArgvEx(int argc, wchar_t** argv, int updatepath);
/* sys.path = `path` split at ':' (a list of str). It does not change where imports look. */
Py_DEPRECATED(3.11) PyAPI_FUNC(void) PySys_SetPath(const wchar_t* path);

/* printf-style text (at most 1000 bytes, then "... truncated") written to sys.stdout /
 * sys.stderr with its write method, or, when that is missing, None or fails, to the C
 * stream (stdout / stderr); errors are dropped and the exception set before is kept. */
PyAPI_FUNC(void) PySys_WriteStdout(const char* format, ...)
    Py_GCC_ATTRIBUTE((format(printf, 1, 2)));
PyAPI_FUNC(void) PySys_WriteStderr(const char* format, ...)
    Py_GCC_ATTRIBUTE((format(printf, 1, 2)));
/* The same with PyUnicode_FromFormat's formats and no length limit. */
PyAPI_FUNC(void) PySys_FormatStdout(const char* format, ...);
PyAPI_FUNC(void) PySys_FormatStderr(const char* format, ...);

/* sys.warnoptions: Reset empties it; Add appends (making the list if sys.warnoptions is not
 * one; errors are dropped); Has says whether it is a non-empty list. Pinion's warnings
 * module does not read it (warnings.h). */
PyAPI_FUNC(void) PySys_ResetWarnOptions(void);
Py_DEPRECATED(3.11) PyAPI_FUNC(void) PySys_AddWarnOption(const wchar_t* s);
Py_DEPRECATED(3.11) PyAPI_FUNC(void) PySys_AddWarnOptionUnicode(PyObject* option);
Py_DEPRECATED(3.11) PyAPI_FUNC(int) PySys_HasWarnOptions(void);
/* sys._xoptions["name"] = "value" for "name=value", True for "name" (errors dropped). */
Py_DEPRECATED(3.11) PyAPI_FUNC(void) PySys_AddXOption(const wchar_t* s);
/* sys._xoptions (borrowed), made a new dict if it is not one; NULL with an exception. */
PyAPI_FUNC(PyObject*) PySys_GetXOptions(void);

#ifndef Py_LIMITED_API
typedef int (*Py_AuditHookFunction)(const char* event, PyObject* args, void* userData);
/* Raises the audit event `event` with the arguments Py_BuildValue(argFormat, ...) makes (a
 * tuple; "" or NULL: empty): each hook, in the order added, is called with them on this
 * thread; the first that returns -1 (with an exception set) stops it, and PySys_Audit
 * returns -1 with that exception; else 0, the exception set before kept. No hooks: 0, the
 * arguments not built. Pinion's runtime raises no events of its own besides
 * "sys.addaudithook" and, at Py_Finalize, "cpython._PySys_ClearAuditHooks". */
PyAPI_FUNC(int) PySys_Audit(const char* event, const char* argFormat, ...);
/* Adds a hook (kept until Py_Finalize; callable before Py_Initialize). The hooks already
 * added see "sys.addaudithook" first: one raising RuntimeError refuses the new hook (0 is
 * returned, nothing added), another exception is returned (-1). From any thread. */
PyAPI_FUNC(int) PySys_AddAuditHook(Py_AuditHookFunction hook, void* userData);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_SYSMODULE_H_ */
