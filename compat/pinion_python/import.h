/* Importing builtin modules: the inittab and the table of imported modules (runtime in
 * runtime/import.cc).
 *
 * An embedder (or a test driver) registers an extension module's PyInit_* function with
 * PyImport_AppendInittab before Py_Initialize, as with CPython; PyImport_ImportModule then
 * calls it the first time the name is imported and returns the same module afterwards
 * (imported modules are held until Py_Finalize, as sys.modules holds them). Dotted names,
 * packages and modules on disk are not searched: an unknown name raises
 * ModuleNotFoundError "No module named 'x'".
 *
 * Threads: AppendInittab before Py_Initialize, on the initialising thread; the rest from any
 * attached thread. Two threads importing one module for the first time at once may both run
 * its PyInit_* function; one result is kept and both get it (CPython serialises with an
 * import lock; Pinion never holds a lock across an extension's code).
 */
#ifndef PINION_PYTHON_IMPORT_H_
#define PINION_PYTHON_IMPORT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* 0, or -1 if called after Py_Initialize or out of memory. `name` must outlive the runtime
 * (CPython keeps the pointer too). */
PyAPI_FUNC(int) PyImport_AppendInittab(const char* name, PyObject* (*initfunc)(void));
/* A new reference to the module, or NULL with an exception set. */
PyAPI_FUNC(PyObject*) PyImport_ImportModule(const char* name);
PyAPI_FUNC(PyObject*) PyImport_Import(PyObject* name);
/* The module imported as `name` (borrowed), made empty (PyModule_New) and entered in the
 * table first if there is none: a later import of the name returns it. NULL with an exception
 * set on failure. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(PyObject*) PyImport_AddModuleObject(PyObject* name);
#endif
PyAPI_FUNC(PyObject*) PyImport_AddModule(const char* name);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_IMPORT_H_ */
