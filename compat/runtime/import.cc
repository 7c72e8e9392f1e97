// Imports (import.h): sys.modules, the inittab and the runtime's builtin modules (datetime),
// absolute and relative names, dotted names (the package is imported first and gets the
// submodule as an attribute), reloading; modules on disk are loaded by import_shared.cc.
//
// State: the inittab (names and init functions, appended before Py_Initialize, read after)
// and g_modules, sys.modules: a dict made on first use (published with a compare-exchange:
// a thread that loses the race releases its own), pinned until Py_Finalize clears and
// releases it. sys.modules is the cache: an import looks the name up there first, so a module
// C code put there is what an import returns, and a name deleted from it is imported afresh.
//
// Invariant: the runtime's accesses to sys.modules hold g_modules_mu (LockAttached: waited
// for in a native region); under it only dict operations on exact-str keys run (no heap
// allocation: a dict's table is malloc'd; no extension code: str keys compare as str). No
// lock is held across an init function, an allocation or a dlopen: two threads importing one
// module for the first time may both run its init; the first to enter it in sys.modules wins
// and both get that module (CPython holds a per-module import lock instead). Code that
// mutates PyImport_GetModuleDict() itself races with imports on other threads, as with any
// dict shared between threads without a GIL.
//
// Threads: PyImport_AppendInittab on the initialising thread before Py_Initialize; imports
// from any attached thread; ForgetImportedModules on the finalizing thread.
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "compat/runtime/module_object.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

struct InittabEntry {
  const char* name;
  PyObject* (*init)(void);
};

std::vector<InittabEntry>& Inittab() {
  static std::vector<InittabEntry>* table = new std::vector<InittabEntry>;
  return *table;
}

std::atomic<PyObject*> g_modules{nullptr};
// The runtime's own builtin modules, found after the inittab (whose entries replace them).
const InittabEntry kBuiltinModules[] = {{"datetime", &InitDateTimeModule}};

std::mutex g_modules_mu;

// sys.modules[key] (a new reference), or nullptr, with no exception, when missing. `key` is
// an exact str.
PyObject* LookupLocked(PyObject* modules, PyObject* key) {
  auto lock = LockAttached(g_modules_mu);
  PyObject* value = PyDict_GetItemWithError(modules, key);
  Py_XINCREF(value);
  return value;
}

// sys.modules.get(name): a new reference, nullptr with no exception when missing, nullptr
// with an exception on failure.
PyObject* Lookup(const char* name) {
  PyObject* modules = ModulesDict();
  if (modules == nullptr) return nullptr;
  PyObject* key = PyUnicode_FromString(name);
  if (key == nullptr) return nullptr;
  PyObject* value = LookupLocked(modules, key);
  Py_DECREF(key);
  return value;
}

// Sets ModuleNotFoundError(message, name=name); nullptr.
PyObject* ModuleNotFound(PyObject* message, const char* name) {
  PyObject* name_object = PyUnicode_FromString(name);
  if (message != nullptr && name_object != nullptr) {
    PyErr_SetImportErrorSubclass(PyExc_ModuleNotFoundError, message, name_object, nullptr);
  }
  Py_XDECREF(message);
  Py_XDECREF(name_object);
  return nullptr;
}

// The module cached as `name`, as importlib's _find_and_load finds it: None there halts the
// import. `*found` says whether there was an entry. A new reference, or nullptr.
PyObject* Cached(const char* name, bool* found) {
  PyObject* module = Lookup(name);
  *found = module != nullptr;
  if (module == Py_None) {
    Py_DECREF(module);
    return ModuleNotFound(
        PyUnicode_FromFormat("import of %s halted; None in sys.modules", name), name);
  }
  return module;
}

// Runs the module's init function and makes a module of what it returned.
PyObject* InitModule(const InittabEntry& entry) {
  PyObject* result = entry.init();
  if (result == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_Format(PyExc_SystemError,
                   "initialization of %s failed without raising an exception", entry.name);
    }
    return nullptr;
  }
  if (PyErr_Occurred()) {
    Py_DECREF(result);
    return PyErr_Format(PyExc_SystemError,
                        "initialization of %s raised unreported exception", entry.name);
  }
  return ModuleFromInitResult(result, entry.name);
}

// Enters `module` (a new reference, released here) in sys.modules as `name`, unless another
// thread entered one first: everyone gets that one. A new reference to the module entered.
PyObject* Enter(const char* name, PyObject* module) {
  PyObject* modules = ModulesDict();
  PyObject* key = modules != nullptr ? PyUnicode_FromString(name) : nullptr;
  if (key == nullptr) {
    Py_DECREF(module);
    return nullptr;
  }
  PyObject* entered;
  {
    auto lock = LockAttached(g_modules_mu);
    entered = PyDict_GetItemWithError(modules, key);
    if (entered == nullptr && !PyErr_Occurred() && PyDict_SetItem(modules, key, module) == 0) {
      entered = module;
    }
    Py_XINCREF(entered);
  }
  Py_DECREF(key);
  Py_DECREF(module);  // another thread's won, or the dict holds it now
  return entered;
}

// Imports the absolute name `name` (not empty): sys.modules, then the inittab and the
// runtime's builtin modules (datetime), then a shared object on the search path (for
// "pkg.mod", after importing "pkg", which must have __path__).
PyObject* ImportAbsolute(const char* name) {
  bool found;
  PyObject* module = Cached(name, &found);
  if (found) return module;
  if (PyErr_Occurred()) return nullptr;
  if (std::strcmp(name, "builtins") == 0) {  // PyEval_GetBuiltins's module
    module = BuiltinsModule();
    return module != nullptr ? Enter(name, Py_NewRef(module)) : nullptr;
  }
  for (const InittabEntry& entry : Inittab()) {
    if (std::strcmp(name, entry.name) != 0) continue;
    module = InitModule(entry);
    return module != nullptr ? Enter(name, module) : nullptr;
  }
  for (const InittabEntry& entry : kBuiltinModules) {
    if (std::strcmp(name, entry.name) != 0) continue;
    module = InitModule(entry);
    return module != nullptr ? Enter(name, module) : nullptr;
  }
  const char* dot = std::strrchr(name, '.');
  PyObject* parent = nullptr;
  if (dot != nullptr) {
    const std::string parent_name(name, dot - name);
    // As importlib: a parent sys.modules holds (even None) is used as it is.
    parent = Lookup(parent_name.c_str());
    if (parent == nullptr && !PyErr_Occurred()) parent = ImportAbsolute(parent_name.c_str());
    if (parent == nullptr) return nullptr;
    module = Cached(name, &found);  // the package's init may have imported it
    if (found) {
      Py_DECREF(parent);
      return module;
    }
    // As importlib: only a module with __path__ is a package.
    PyObject* path = PyObject_GetAttrString(parent, "__path__");
    if (path == nullptr) {
      PyErr_Clear();
      Py_DECREF(parent);
      return ModuleNotFound(PyUnicode_FromFormat("No module named '%s'; '%s' is not a package",
                                                 name, parent_name.c_str()),
                            name);
    }
    Py_DECREF(path);
  }
  module = ImportSharedModule(name);
  if (module != nullptr) module = Enter(name, module);
  if (module != nullptr && parent != nullptr &&
      PyObject_SetAttrString(parent, dot + 1, module) < 0) {
    Py_CLEAR(module);
  }
  Py_XDECREF(parent);
  return module;
}

// The UTF-8 text of str `o` named `what` ("__package__"...): false with TypeError
// "<what> must be a string" if it is not a str.
bool StrText(PyObject* o, const char* what, std::string* text) {
  if (!PyUnicode_Check(o)) {
    PyErr_Format(PyExc_TypeError, "%s must be a string", what);
    return false;
  }
  const char* utf8 = PyUnicode_AsUTF8(o);
  if (utf8 == nullptr) return false;
  *text = utf8;
  return true;
}

// CPython's resolve_name: the absolute name of a relative import of `name` at `level` (> 0)
// from the module whose globals are `globals` (its __package__, else __spec__.parent, else
// __name__ less its last part unless it has __path__). False with an exception.
bool ResolveName(const std::string& name, PyObject* globals, int level, std::string* absolute) {
  if (globals == nullptr) {
    PyErr_SetString(PyExc_KeyError, "'__name__' not in globals");
    return false;
  }
  if (!PyDict_Check(globals)) {
    PyErr_SetString(PyExc_TypeError, "globals must be a dict");
    return false;
  }
  PyObject* package = PyDict_GetItemString(globals, "__package__");
  PyObject* spec = PyDict_GetItemString(globals, "__spec__");
  std::string base;
  if (package != nullptr && package != Py_None) {
    if (!StrText(package, "package", &base)) return false;
  } else if (spec != nullptr && spec != Py_None) {
    PyObject* parent = PyObject_GetAttrString(spec, "parent");
    if (parent == nullptr) return false;
    const bool ok = StrText(parent, "__spec__.parent", &base);
    Py_DECREF(parent);
    if (!ok) return false;
  } else {
    // (CPython also warns "can't resolve package from __spec__ or __package__": an
    // ImportWarning, which its default filters ignore.)
    PyObject* module_name = PyDict_GetItemString(globals, "__name__");
    if (module_name == nullptr) {
      PyErr_SetString(PyExc_KeyError, "'__name__' not in globals");
      return false;
    }
    if (!StrText(module_name, "__name__", &base)) return false;
    if (PyDict_GetItemString(globals, "__path__") == nullptr) {
      const size_t dot = base.rfind('.');
      base = dot == std::string::npos ? std::string() : base.substr(0, dot);
    }
  }
  if (base.empty()) {
    PyErr_SetString(PyExc_ImportError, "attempted relative import with no known parent package");
    return false;
  }
  for (int up = 1; up < level; ++up) {
    const size_t dot = base.rfind('.');
    if (dot == std::string::npos) {
      PyErr_SetString(PyExc_ImportError, "attempted relative import beyond top-level package");
      return false;
    }
    base.resize(dot);
  }
  *absolute = name.empty() ? base : base + "." + name;
  return true;
}

// Whether the exception set is ModuleNotFoundError for `name` itself (not for a module its
// init imported); then it is cleared.
bool IsNotFound(const char* name) {
  if (!PyErr_ExceptionMatches(PyExc_ModuleNotFoundError)) return false;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  PyObject* missing = value != nullptr ? PyObject_GetAttrString(value, "name") : nullptr;
  const char* missing_text =
      missing != nullptr && PyUnicode_Check(missing) ? PyUnicode_AsUTF8(missing) : nullptr;
  const bool same = missing_text != nullptr && std::strcmp(missing_text, name) == 0;
  Py_XDECREF(missing);
  if (same) {
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
  } else {
    PyErr_Restore(type, value, traceback);
  }
  return same;
}

// importlib's _handle_fromlist for a package: each name of `fromlist` the package lacks is
// imported as a submodule ("*" stands for nothing more: Pinion does not follow __all__). A
// submodule that is not found is not an error (a module its init imports that is not found
// is).
int HandleFromlist(PyObject* package, PyObject* fromlist) {
  PyObject* package_name = PyObject_GetAttrString(package, "__name__");
  if (package_name == nullptr) return -1;
  PyObject* iterator = PyObject_GetIter(fromlist);
  int rc = iterator != nullptr ? 0 : -1;
  while (rc == 0) {
    PyObject* item = PyIter_Next(iterator);
    if (item == nullptr) {
      if (PyErr_Occurred()) rc = -1;
      break;
    }
    if (!PyUnicode_Check(item)) {
      PyErr_Format(PyExc_TypeError, "Item in ``from list'' must be str, not %.100s",
                   TypeShortName(Py_TYPE(item)));
      rc = -1;
    } else if (PyUnicode_CompareWithASCIIString(item, "*") != 0 &&
               !PyObject_HasAttr(package, item)) {
      PyObject* sub_name = PyUnicode_FromFormat("%U.%U", package_name, item);
      const char* sub = sub_name != nullptr ? PyUnicode_AsUTF8(sub_name) : nullptr;
      PyObject* sub_module = sub != nullptr ? ImportAbsolute(sub) : nullptr;
      if (sub_module != nullptr) {
        Py_DECREF(sub_module);
      } else if (sub == nullptr || !IsNotFound(sub)) {
        rc = -1;
      }
      Py_XDECREF(sub_name);
    }
    Py_DECREF(item);
  }
  Py_XDECREF(iterator);
  Py_DECREF(package_name);
  return rc;
}

}  // namespace

PyObject* ModulesDict() {
  // Acquire: pairs with the release of the compare-exchange that published the dict.
  PyObject* modules = g_modules.load(std::memory_order_acquire);
  if (modules != nullptr) return modules;
  modules = PyDict_New();
  if (modules == nullptr) return nullptr;
  PyObject* expected = nullptr;
  if (!g_modules.compare_exchange_strong(expected, modules, std::memory_order_acq_rel,
                                         std::memory_order_acquire)) {
    Py_DECREF(modules);
    return expected;
  }
  return modules;
}

std::mutex& ModulesLock() { return g_modules_mu; }

void ForgetImportedModules() {
  // Relaxed: at Py_Finalize, the only thread still attached.
  PyObject* modules = g_modules.exchange(nullptr, std::memory_order_relaxed);
  if (modules != nullptr) {
    PyDict_Clear(modules);  // sys.modules goes first, as in CPython
    Py_DECREF(modules);
  }
  ForgetModulesByIndex();  // PyState's references to single-phase modules
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" int PyImport_AppendInittab(const char* name, PyObject* (*initfunc)(void)) {
  if (Py_IsInitialized()) return -1;  // as CPython: the table is read at initialisation
  Inittab().push_back({name, initfunc});
  return 0;
}

extern "C" int PyImport_ExtendInittab(struct _inittab* newtab) {
  if (Py_IsInitialized()) return -1;
  for (struct _inittab* entry = newtab; entry->name != nullptr; ++entry) {
    Inittab().push_back({entry->name, entry->initfunc});
  }
  return 0;
}

extern "C" PyObject* PyImport_GetModuleDict(void) {
  PyObject* modules = ModulesDict();
  if (modules == nullptr) PyErr_Clear();  // CPython cannot fail here either
  return modules;
}

extern "C" PyObject* PyImport_GetModule(PyObject* name) {
  if (name == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* modules = ModulesDict();
  if (modules == nullptr) return nullptr;
  if (name != nullptr && PyUnicode_CheckExact(name)) return LookupLocked(modules, name);
  PyObject* value = PyDict_GetItemWithError(modules, name);  // may run the key's own code
  Py_XINCREF(value);
  return value;
}

extern "C" PyObject* PyImport_ImportModule(const char* name) {
  if (name == nullptr || name[0] == '\0') {
    PyErr_SetString(PyExc_ValueError, "Empty module name");
    return nullptr;
  }
  return ImportAbsolute(name);
}

extern "C" PyObject* PyImport_ImportModuleNoBlock(const char* name) {
  return PyImport_ImportModule(name);
}

extern "C" PyObject* PyImport_Import(PyObject* name) {
  if (name == nullptr || !PyUnicode_Check(name)) {
    PyErr_SetString(PyExc_TypeError, "module name must be a string");
    return nullptr;
  }
  const char* text = PyUnicode_AsUTF8(name);
  return text != nullptr ? PyImport_ImportModule(text) : nullptr;
}

extern "C" PyObject* PyImport_ImportModuleLevelObject(PyObject* name, PyObject* globals,
                                                      PyObject* locals, PyObject* fromlist,
                                                      int level) {
  if (name == nullptr) {
    PyErr_SetString(PyExc_ValueError, "Empty module name");
    return nullptr;
  }
  if (!PyUnicode_Check(name)) {
    PyErr_SetString(PyExc_TypeError, "module name must be a string");
    return nullptr;
  }
  if (level < 0) {
    PyErr_SetString(PyExc_ValueError, "level must be >= 0");
    return nullptr;
  }
  std::string relative;
  if (!StrText(name, "module name", &relative)) return nullptr;
  std::string absolute = relative;
  if (level > 0) {
    if (!ResolveName(relative, globals, level, &absolute)) return nullptr;
  } else if (relative.empty()) {
    PyErr_SetString(PyExc_ValueError, "Empty module name");
    return nullptr;
  }
  PyObject* module = ImportAbsolute(absolute.c_str());
  const int has_from = module == nullptr || fromlist == nullptr || fromlist == Py_None
                           ? 0
                           : PyObject_IsTrue(fromlist);
  if (has_from < 0) Py_CLEAR(module);
  if (module == nullptr || has_from > 0) {
    if (module != nullptr && PyObject_HasAttrString(module, "__path__") &&
        HandleFromlist(module, fromlist) < 0) {
      Py_CLEAR(module);
    }
    return module;
  }
  // No fromlist: `import a.b.c` binds a, so the top-level package is returned (for a
  // relative name, the package the name's first part is in).
  const size_t dot = relative.find('.');
  if (dot == std::string::npos) return module;
  Py_DECREF(module);
  if (level == 0) return ImportAbsolute(relative.substr(0, dot).c_str());
  const std::string to_return = absolute.substr(0, absolute.size() - (relative.size() - dot));
  bool found;
  module = Cached(to_return.c_str(), &found);
  if (!found && !PyErr_Occurred()) {
    PyErr_Format(PyExc_KeyError, "'%s' not in sys.modules as expected", to_return.c_str());
  }
  return module;
}

extern "C" PyObject* PyImport_ImportModuleLevel(const char* name, PyObject* globals,
                                                PyObject* locals, PyObject* fromlist,
                                                int level) {
  PyObject* name_object = PyUnicode_FromString(name);
  if (name_object == nullptr) return nullptr;
  PyObject* module =
      PyImport_ImportModuleLevelObject(name_object, globals, locals, fromlist, level);
  Py_DECREF(name_object);
  return module;
}

extern "C" PyObject* PyImport_AddModuleObject(PyObject* name) {
  if (name == nullptr || !PyUnicode_Check(name)) {
    PyErr_SetString(PyExc_TypeError, "module name must be str");
    return nullptr;
  }
  PyObject* modules = ModulesDict();
  if (modules == nullptr) return nullptr;
  const char* text = PyUnicode_AsUTF8(name);
  PyObject* key = text != nullptr ? PyUnicode_FromString(text) : nullptr;  // an exact str
  if (key == nullptr) return nullptr;
  PyObject* module = LookupLocked(modules, key);
  // As CPython: an entry that is not a module is replaced by a new module.
  if (module != nullptr && PyModule_Check(module)) {
    Py_DECREF(key);
    Py_DECREF(module);  // borrowed: sys.modules holds it (until code deletes it, as CPython)
    return module;
  }
  Py_XDECREF(module);
  module = PyModule_NewObject(key);  // allocates: outside the lock
  if (module == nullptr) {
    Py_DECREF(key);
    return nullptr;
  }
  int rc;
  {
    auto lock = LockAttached(g_modules_mu);
    rc = PyDict_SetItem(modules, key, module);
  }
  Py_DECREF(key);
  Py_DECREF(module);
  return rc == 0 ? module : nullptr;
}

extern "C" PyObject* PyImport_AddModule(const char* name) {
  if (name == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* name_object = PyUnicode_FromString(name);
  if (name_object == nullptr) return nullptr;
  PyObject* module = PyImport_AddModuleObject(name_object);
  Py_DECREF(name_object);
  return module;
}

extern "C" PyObject* PyImport_ReloadModule(PyObject* m) {
  if (m == nullptr || !PyModule_Check(m)) {
    PyErr_SetString(PyExc_TypeError, "reload() argument must be a module");
    return nullptr;
  }
  PyObject* name = PyModule_GetNameObject(m);
  if (name == nullptr) return nullptr;
  PyObject* cached = PyImport_GetModule(name);
  if (cached != m) {
    Py_XDECREF(cached);
    if (!PyErr_Occurred()) {
      PyObject* message = PyUnicode_FromFormat("module %U not in sys.modules", name);
      if (message != nullptr) PyErr_SetImportError(message, name, nullptr);
      Py_XDECREF(message);
    }
    Py_DECREF(name);
    return nullptr;
  }
  Py_DECREF(name);
  // As CPython's extension loaders (exec_builtin_or_dynamic): an extension module is not
  // initialised again; only a multi-phase module never executed (no state: PyModule_ExecDef
  // sets one even for m_size 0, as CPython's, unless m_size < 0) runs its exec slots.
  ModuleObject* module = AsModule(m);
  PyModuleDef* def = module->md_def;
  if (def != nullptr && def->m_slots != nullptr && module->md_state == nullptr &&
      PyModule_ExecDef(m, def) < 0) {
    Py_DECREF(cached);
    return nullptr;
  }
  return cached;
}

extern "C" long PyImport_GetMagicNumber(void) {
  // CPython 3.11's bytecode magic (3495, then "\r\n"), little-endian: Pinion compiles no
  // bytecode, but code that checks the version sees 3.11's.
  return 3495L | (static_cast<long>('\r') << 16) | (static_cast<long>('\n') << 24);
}

extern "C" const char* PyImport_GetMagicTag(void) { return "cpython-311"; }

extern "C" int PyImport_ImportFrozenModuleObject(PyObject* name) {
  if (name == nullptr || !PyUnicode_Check(name)) {
    PyErr_BadInternalCall();
    return -1;
  }
  return 0;  // Pinion has no frozen modules: as CPython for a name it does not know
}

extern "C" int PyImport_ImportFrozenModule(const char* name) {
  PyObject* name_object = PyUnicode_FromString(name);
  if (name_object == nullptr) return -1;
  const int rc = PyImport_ImportFrozenModuleObject(name_object);
  Py_DECREF(name_object);
  return rc;
}
