/* Importing modules: the inittab, shared objects on a search path, and the table of imported
 * modules (runtime in runtime/import.cc and runtime/import_shared.cc).
 *
 * An embedder (or a test driver) registers an extension module's PyInit_* function with
 * PyImport_AppendInittab before Py_Initialize, as with CPython; PyImport_ImportModule then
 * calls it the first time the name is imported and returns the same module afterwards
 * (imported modules are held until Py_Finalize, as sys.modules holds them).
 *
 * A name not in the inittab is looked for as an extension module compiled as a shared object
 * (there is no Python source: only extension modules are imported):
 *   - in the directories of _PyPinion_SetModuleSearchPath, or if it was never called, of the
 *     environment variable PINION_PYTHONPATH (colon-separated, as PYTHONPATH);
 *   - "a.b.c" is a/b/c.pinion-311.so, else a/b/c.so, in the first directory that has one
 *     (`pinion-python-config --extension-suffix` answers ".pinion-311.so": a name CPython's
 *     importer never loads, as such a module is not binary-compatible with CPython);
 *   - it is dlopen'ed (RTLD_NOW | RTLD_LOCAL: it resolves the C API from the program, which
 *     links libpinion-python.so, or the static runtime with -rdynamic), and PyInit_c runs,
 *     with single- or multi-phase initialisation; the module's __file__ is the file;
 *   - for a dotted name the package "a.b" is imported first and gets the module as attribute
 *     "c"; a directory a/b on the path with no a/b<suffix> is a namespace package (an empty
 *     module with __path__), so packages of extension modules need no __init__;
 *   - errors are CPython's: ModuleNotFoundError "No module named 'x'" when nothing is found,
 *     ImportError with dlerror()'s text when dlopen fails, ImportError "dynamic module does
 *     not define module export function (PyInit_x)" when the symbol is missing.
 * Pinion differs: no Python source, no sys.path/sys.meta_path hooks, no PyInitU_ (non-ASCII)
 * names; a package's directories are the search path's, not its __path__.
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

#ifndef Py_LIMITED_API
/* Pinion's module search path: `path` is colon-separated directories, searched in order for
 * shared-object extension modules; it replaces PINION_PYTHONPATH's, and NULL goes back to
 * it. Callable before Py_Initialize and from any thread; returns 0. (CPython 3.11's
 * deprecated Py_SetPath, which takes wchar_t and sets sys.path, is not provided.) */
PyAPI_FUNC(int) _PyPinion_SetModuleSearchPath(const char* path);
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_IMPORT_H_ */
