/* The sys module's dictionary (CPython 3.11's sysmodule.h): PySys_GetObject, PySys_SetObject.
 *
 * Pinion has no sys module object; these reach one process-wide dictionary, made on first
 * use and released at Py_Finalize, which starts with (values as CPython's):
 *   maxsize     PY_SSIZE_T_MAX
 *   maxunicode  0x10FFFF
 *   byteorder   "little" or "big"
 *   hexversion  PY_VERSION_HEX (Pinion's 3.11.0, not the micro version of a CPython build)
 *   api_version 1013
 * Everything else (stdout, argv, path, modules, version_info...) is absent until code sets
 * it: PySys_GetObject then returns NULL without an exception, as CPython does for a missing
 * name. The dictionary's accesses are serialised (threads run in parallel); a borrowed value
 * stays valid until some thread replaces it, as with CPython's (and its GIL released).
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

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_SYSMODULE_H_ */
