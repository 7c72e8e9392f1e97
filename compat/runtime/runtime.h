// Internals shared by the compat runtime's files (not part of the C API).
//
// Owns: the object header's flag protocol, allocation of objects from the calling thread's
// heap, and the conventions the builtin types follow:
//   - builtin types are static PyTypeObjects; AllocObject readies a type on first use;
//   - objects of types that hold no references and need no dealloc (int, float, str,
//     bytes) are allocated pointer-free and unregistered: the collector never scans them and
//     never calls them back (but a non-ASCII str is scanned for its UTF-8 copy: unicode.cc,
//     AllocUnwatchedObject);
//   - containers are GC types: tp_traverse visits what they hold, tp_dealloc DECREFs it.
//
// Threads: mutators (attached, running), except where a function says otherwise.
#ifndef PINION_COMPAT_RUNTIME_RUNTIME_H_
#define PINION_COMPAT_RUNTIME_RUNTIME_H_

#include <cstddef>
#include <mutex>
#include <string>

#include "Python.h"

namespace pinion {
class TypeId;
}  // namespace pinion

namespace pinion::compat {

// Flags live in ob_refcnt's low bits (object.h). Atomic: set by the runtime (Track, the
// finalization protocol) and read by Py_INCREF's immortality test and by the collector's
// trace in a pause; relaxed is enough, as a pause orders every mutator's earlier stores
// before the collector's loads (the stop-the-world handshake).
inline bool HasFlag(const PyObject* op, Py_ssize_t flag) {
  return (__atomic_load_n(&op->ob_refcnt, __ATOMIC_RELAXED) & flag) != 0;
}
inline void SetFlag(PyObject* op, Py_ssize_t flag) {
  __atomic_fetch_or(&op->ob_refcnt, flag, __ATOMIC_RELAXED);
}
inline void ClearFlag(PyObject* op, Py_ssize_t flag) {
  __atomic_fetch_and(&op->ob_refcnt, ~flag, __ATOMIC_RELAXED);
}

// A new object of `type`, `size` bytes (at least sizeof(PyObject)), zeroed, as a new
// reference; for GC types (`gc`), untracked. nullptr with MemoryError set when the heap is
// exhausted; with SystemError set when the thread is not attached.
PyObject* AllocObject(PyTypeObject* type, size_t size, bool gc);

// As AllocObject for a non-GC object whose type needs no callback (its tp_dealloc is
// BaseDealloc, no tp_finalize), on the Pinion heap type `heap_type` (gc/type.h) rather than
// the pointer-free leaf type: for objects holding heap pointers the runtime manages itself
// (a traced type, without on_unreachable), such as a str's UTF-8 copy (unicode.cc).
PyObject* AllocUnwatchedObject(PyTypeObject* type, size_t size, pinion::TypeId heap_type);

// As AllocObject for a non-GC object registered for finalization on the Pinion heap type
// `heap_type`, whose on_unreachable the caller owns: a weakref object (weakref.cc), traced
// for its weak field.
PyObject* AllocWatchedObject(PyTypeObject* type, size_t size, pinion::TypeId heap_type);

// The size of a variable object of `type` with `nitems` items (tp_basicsize + n *
// tp_itemsize, rounded to 8), or 0 with OverflowError set.
size_t VarSize(PyTypeObject* type, Py_ssize_t nitems);

// What a module's PyInit_* function returned (a new reference: a module, or a PyModuleDef
// for multi-phase initialisation, which it creates from the def and a module spec whose
// origin is `origin` ("built-in", or a shared object's path), then executes) made into a
// module named `name`; steals `result`. A single-phase module is added to PyState's table.
// nullptr with an exception set on failure. (module_def.cc)
PyObject* ModuleFromInitResult(PyObject* result, const char* name,
                               const char* origin = "built-in");

// Imports the extension module `name` ("pkg.mod" too) from a shared object on the module
// search path (PINION_PYTHONPATH, or _PyPinion_SetModuleSearchPath's). A new reference to
// the module, not yet entered in sys.modules; nullptr with ModuleNotFoundError
// set when no file is found, or another exception when loading or init fails.
// (import_shared.cc)
PyObject* ImportSharedModule(const char* name);

// The module search path as set (_PyPinion_SetModuleSearchPath, Py_SetPath), else
// PINION_PYTHONPATH's, else "": colon-separated directories. (import_shared.cc)
std::string ModuleSearchPath();

// Releases PyState's table of single-phase modules, at Py_Finalize. (module_def.cc)
void ForgetModulesByIndex();

// PyType_Type's slots for heap types (PyType_FromSpec*, PyErr_NewException): the references
// a heap type holds (tp_dict, tp_bases, tp_mro, tp_base, its module and names) are traced,
// cleared and released; static types are immortal and never reach them. (heap_type.cc)
int HeapTypeTraverse(PyObject* type, visitproc visit, void* arg);
int HeapTypeClear(PyObject* type);
void HeapTypeDealloc(PyObject* type);

// At Py_Finalize, the weak references to static objects (types), whose lists live in static
// memory: Release, before the last collections, clears them (no callbacks) and lets them go;
// Forget, once the heap is gone, empties the lists of any made since. (weakref.cc)
void ReleaseStaticWeakRefs();
void ForgetStaticWeakRefs();

// Clears and releases sys.modules, at Py_Finalize. (import.cc)
void ForgetImportedModules();

// Releases the sys dict (PySys_GetObject's), at Py_Finalize. (sysmodule.cc)
void ReleaseSysDict();

// Releases the interned strings (PyUnicode_InternInPlace's), at Py_Finalize.
// (unicode_type.cc)
void ReleaseInternedStrings();

// sys.modules: the dict the import machinery caches modules in (borrowed; made on first use
// and entered in the sys dict as "modules"); nullptr with an exception. The runtime's own
// accesses to it hold ModulesLock(). (import.cc)
PyObject* ModulesDict();
std::mutex& ModulesLock();

// `mu`, locked by an attached thread: if it is taken, the wait happens in a native region,
// so a thread waiting for it never holds up a collection. Whoever holds such a mutex must
// not allocate from the heap, collect, or run extension code under it. (thread.cc)
std::unique_lock<std::mutex> LockAttached(std::mutex& mu);

// The thread that called Py_Initialize (the "main thread" that CPython runs signal handlers
// and pending calls on): 1 if the calling thread is it. (state.cc)
bool IsMainThread();
// In a forked child (PyOS_AfterFork_Child): the calling thread becomes the main thread.
void NoteForkedChild();

// At Py_Finalize, after the heap is gone: the Py_AtExit functions, last registered first.
// (lifecycle.cc)
void RunAtExitFunctions();

// At Py_Finalize: audits "cpython._PySys_ClearAuditHooks", then forgets the hooks.
// (audit.cc)
void ClearAuditHooks();

// At Py_Finalize, before the modules go: the pending calls still queued. (pending_calls.cc)
void FinishPendingCalls();

// Installs (Py_InitializeEx(1)) or removes (Py_Finalize) the SIGINT handler that
// PyOS_InterruptOccurred and PyErr_CheckSignals see; 1 once a SIGINT arrived since the last
// call, clearing it. (interrupt.cc)
void InstallSigintHandler();
void RemoveSigintHandler();
bool TakeSigint();

// The mutex under which the sys dict is read and written (sysmodule.cc); PyOS_BeforeFork
// holds it and ModulesLock() across fork().
std::mutex& SysLock();

// The builtins module (borrowed, made on first use: "builtins" in sys.modules comes from it),
// and its release at Py_Finalize. (builtins.cc)
PyObject* BuiltinsModule();
void ReleaseBuiltins();

// The special method `name` ("__format__", "__length_hint__"...) that o's type or a base
// other than object defines in tp_methods, bound to o (a new reference); nullptr when none
// does, or with an exception set if binding failed. (object_extras.cc)
PyObject* LookupSpecialMethod(PyObject* o, const char* name);

// ---- Types (object.cc, type.cc, generic_attr.cc) ---------------------------------------

// object's tp_dealloc: tp_free only. Objects of types whose tp_dealloc is this one need no
// callback from the collector unless they are GC objects or have a tp_finalize.
void BaseDealloc(PyObject* op);

// Records that some type has a tp_finalize (deallocation then waits for a second finding).
void NoteFinalizer();

// CPython's inheritance of the tp_as_* tables from `base` (object.cc).
void InheritSlotTables(PyTypeObject* type, PyTypeObject* base);

// CPython's _PyType_Lookup: `name` in the tp_dict of each type of `type`'s MRO, first found;
// a borrowed reference (the dicts of types live as long as their types), or nullptr with no
// exception set. Readies `type` if needed (nullptr with an exception if that fails).
PyObject* TypeLookup(PyTypeObject* type, PyObject* name);

// The address of `o`'s instance dict slot (tp_dictoffset, negative offsets counted from the
// end of a variable-size object, as in CPython), or nullptr when its type has none.
PyObject** InstanceDictPtr(PyObject* o);

// At Py_Initialize, on its one thread: readies the runtime's own types, which readying any
// type uses (dict, tuple, str, the descriptor types...). Readied lazily from several threads
// at once, a type could be used by one (its readying under way there) while another
// publishes its flags. (type.cc)
bool ReadyBuiltinTypes();

// At Py_Initialize, after ReadyBuiltinTypes: readies the datetime module's types and enters
// timezone.utc in timezone's dict. (datetime_tz.cc)
bool ReadyDateTimeTypes();

// The builtin module "datetime" (single-phase: a new module), which import.cc offers after
// the inittab. (datetime_module.cc)
PyObject* InitDateTimeModule();

// At Py_Finalize: the static types readied since Py_Initialize lose the tp_bases, tp_mro
// and tp_dict PyType_Ready gave them (heap objects) and their READY flag, so that the next
// Py_Initialize readies them again. Release unpins those objects, for the last collections
// to reclaim (a type used after it is readied again); Forget, once the heap is gone, only
// clears the fields. (type.cc)
void ReleaseReadiedTypes();
void ForgetReadiedTypes();

// CPython's _PyType_DocWithoutSignature: `doc` less a leading "name(...)\n--\n\n" (the
// signature Argument Clinic writes), or `doc` itself. (type.cc)
const char* DocWithoutSignature(const char* name, const char* doc);

// The short name of a type (tp_name after its last dot) and its module (before it, or
// "builtins"), as CPython's type.__name__ and type.__module__ give them for static types.
const char* TypeShortName(PyTypeObject* type);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_RUNTIME_H_
