/* Importing modules: sys.modules, the inittab, and shared objects on a search path (runtime
 * in runtime/import.cc and runtime/import_shared.cc).
 *
 * An embedder (or a test driver) registers an extension module's PyInit_* function with
 * PyImport_AppendInittab before Py_Initialize, as with CPython; PyImport_ImportModule then
 * calls it the first time the name is imported and returns the same module afterwards
 * (sys.modules holds imported modules until Py_Finalize clears it).
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
 * Pinion does not provide PyImport_GetImporter and PyImport_ExecCodeModule* (no Python
 * code, no path hooks), nor CPython's PyImport_Inittab array.
 *
 * Threads: AppendInittab before Py_Initialize, on the initialising thread; the rest from any
 * attached thread. Two threads importing one module for the first time at once may both run
 * its PyInit_* function; the first result entered in sys.modules is kept and both get it
 * (CPython serialises with an import lock; Pinion never holds a lock across an extension's
 * code, which may allocate and so wait for a collection).
 */
#ifndef PINION_PYTHON_IMPORT_H_
#define PINION_PYTHON_IMPORT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* CPython 3.11's bytecode magic number (3495 | '\r' << 16 | '\n' << 24) and cache tag
 * ("cpython-311"): Pinion compiles no bytecode; code that checks versions sees 3.11's. */
PyAPI_FUNC(long) PyImport_GetMagicNumber(void);
PyAPI_FUNC(const char*) PyImport_GetMagicTag(void);

/* sys.modules (borrowed): the cache every import looks in first. A module C code enters
 * there is what an import of the name returns; deleting an entry makes the next import load
 * the module again (running its init once more: an inittab or shared-object module becomes
 * a new module object, as with CPython's multi-phase modules). An entry that is None makes
 * the import fail with ModuleNotFoundError "import of x halted; None in sys.modules". The
 * runtime serialises its own accesses; code that mutates the dict itself while other threads
 * import races with them, as with any dict shared between threads (there is no GIL). */
PyAPI_FUNC(PyObject*) PyImport_GetModuleDict(void);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03070000
/* sys.modules[name], a new reference; NULL with no exception if missing. */
PyAPI_FUNC(PyObject*) PyImport_GetModule(PyObject* name);
#endif
/* The module sys.modules holds as `name` (borrowed), made empty (PyModule_New) and entered
 * first if there is none, or if the entry is not a module (as CPython). NULL with an
 * exception set on failure. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(PyObject*) PyImport_AddModuleObject(PyObject* name);
#endif
PyAPI_FUNC(PyObject*) PyImport_AddModule(const char* name);
/* A new reference to the module `name` (absolute; "pkg.mod" returns pkg.mod), imported if
 * sys.modules lacks it; NULL with an exception set. NoBlock is the same (CPython 3.11's is
 * too). Import takes a str. */
PyAPI_FUNC(PyObject*) PyImport_ImportModule(const char* name);
PyAPI_FUNC(PyObject*) PyImport_ImportModuleNoBlock(const char* name);
/* __import__: `name` relative to the package of `globals` (a dict with __package__,
 * __spec__.parent or __name__/__path__, as CPython resolves it) when level > 0; ImportError
 * "attempted relative import with no known parent package" / "... beyond top-level
 * package", KeyError "'__name__' not in globals" for NULL globals, ValueError "level must be
 * >= 0". With no (or an empty) fromlist, `import a.b.c` gives the top-level package a; with
 * one, the module itself, after importing the submodules of a package that fromlist names
 * and the package lacks (a missing one is no error). `locals` is ignored, as CPython. */
PyAPI_FUNC(PyObject*) PyImport_ImportModuleLevel(const char* name, PyObject* globals,
                                                 PyObject* locals, PyObject* fromlist,
                                                 int level);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(PyObject*) PyImport_ImportModuleLevelObject(PyObject* name, PyObject* globals,
                                                       PyObject* locals, PyObject* fromlist,
                                                       int level);
#endif
#define PyImport_ImportModuleEx(n, g, l, f) PyImport_ImportModuleLevel(n, g, l, f, 0)
PyAPI_FUNC(PyObject*) PyImport_Import(PyObject* name);
/* The module again (a new reference), as CPython's importlib.reload gives an extension
 * module: its init does not run again, nor the exec slots of a multi-phase module (only one
 * with m_size < 0, which has no state, executes again). TypeError "reload() argument must be a module"; ImportError "module x not in
 * sys.modules" if sys.modules holds another object under its name. */
PyAPI_FUNC(PyObject*) PyImport_ReloadModule(PyObject* m);
/* 0: Pinion has no frozen modules (CPython's answer for a name it has none of). */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(int) PyImport_ImportFrozenModuleObject(PyObject* name);
#endif
PyAPI_FUNC(int) PyImport_ImportFrozenModule(const char* name);
/* 0, or -1 if called after Py_Initialize or out of memory. `name` must outlive the runtime
 * (CPython keeps the pointer too). */
PyAPI_FUNC(int) PyImport_AppendInittab(const char* name, PyObject* (*initfunc)(void));

#ifndef Py_LIMITED_API
struct _inittab {
  const char* name;
  PyObject* (*initfunc)(void);
};
/* Appends each entry of `newtab` up to the one whose name is NULL; as AppendInittab. */
PyAPI_FUNC(int) PyImport_ExtendInittab(struct _inittab* newtab);
#endif

#ifndef Py_LIMITED_API
/* Pinion's module search path: `path` is colon-separated directories, searched in order for
 * shared-object extension modules; it replaces PINION_PYTHONPATH's, and NULL goes back to
 * it. Callable before Py_Initialize and from any thread; returns 0. (CPython 3.11's
 * deprecated Py_SetPath, which takes wchar_t and sets sys.path, is not provided.) */
PyAPI_FUNC(int) _PyPinion_SetModuleSearchPath(const char* path);
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_IMPORT_H_ */
