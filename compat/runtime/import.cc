// Imports (import.h): the inittab, the runtime's builtin modules (datetime), the
// imported-module table, and dotted names (the package is imported first and gets the
// submodule as an attribute); modules on disk are loaded by import_shared.cc.
//
// State: g_inittab (names and init functions, appended before Py_Initialize, read after) and
// g_imported (name -> module, each pinned: a root until Py_Finalize unpins it), under
// g_imported_mu. The mutex is held only around the map, never across an init function or an
// allocation, so a thread waiting for it never holds up a collection for long.
//
// Threads: PyImport_AppendInittab on the initialising thread before Py_Initialize; imports
// from any attached thread; ForgetImportedModules on the finalizing thread.
#include <map>
#include <mutex>
#include <string>
#include <vector>

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

// The runtime's own builtin modules, found after the inittab (whose entries replace them).
const InittabEntry kBuiltinModules[] = {{"datetime", &InitDateTimeModule}};

std::mutex g_imported_mu;
std::map<std::string, PyObject*>& Imported() {
  static std::map<std::string, PyObject*>* imported = new std::map<std::string, PyObject*>;
  return *imported;
}

PyObject* Lookup(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_imported_mu);
  auto it = Imported().find(name);
  return it == Imported().end() ? nullptr : Py_NewRef(it->second);
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

// Enters `module` (a new reference, which the table keeps) as `key`, unless another thread
// entered one first: everyone gets that one. A new reference to the module entered.
PyObject* Enter(const std::string& key, PyObject* module) {
  std::lock_guard<std::mutex> lock(g_imported_mu);
  auto [it, inserted] = Imported().emplace(key, module);
  if (!inserted) {
    Py_DECREF(module);  // another thread imported it first (a pin event: no allocation)
    module = it->second;
  }
  return Py_NewRef(module);
}

}  // namespace

void ForgetImportedModules() {
  std::map<std::string, PyObject*> imported;
  {
    std::lock_guard<std::mutex> lock(g_imported_mu);
    imported.swap(Imported());
  }
  for (auto& [name, module] : imported) Py_DECREF(module);
  ForgetModulesByIndex();  // PyState's references to single-phase modules
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" int PyImport_AppendInittab(const char* name, PyObject* (*initfunc)(void)) {
  if (Py_IsInitialized()) return -1;  // as CPython: the table is read at initialisation
  Inittab().push_back({name, initfunc});
  return 0;
}

extern "C" PyObject* PyImport_ImportModule(const char* name) {
  if (name == nullptr || name[0] == '\0') {
    PyErr_SetString(PyExc_ValueError, "Empty module name");
    return nullptr;
  }
  const std::string key(name);
  if (PyObject* module = Lookup(key)) return module;
  for (const InittabEntry& entry : Inittab()) {
    if (key != entry.name) continue;
    PyObject* module = InitModule(entry);
    return module != nullptr ? Enter(key, module) : nullptr;
  }
  for (const InittabEntry& entry : kBuiltinModules) {
    if (key != entry.name) continue;
    PyObject* module = InitModule(entry);
    return module != nullptr ? Enter(key, module) : nullptr;
  }
  // "pkg.mod": the package first (as importlib), then pkg/mod<suffix> on the search path,
  // which becomes the package's attribute "mod".
  const size_t dot = key.rfind('.');
  PyObject* parent = nullptr;
  if (dot != std::string::npos) {
    parent = PyImport_ImportModule(key.substr(0, dot).c_str());
    if (parent == nullptr) return nullptr;
    if (PyObject* module = Lookup(key)) {  // the package's init imported it
      Py_DECREF(parent);
      return module;
    }
    // As importlib: only a module with __path__ is a package.
    PyObject* path = PyObject_GetAttrString(parent, "__path__");
    if (path == nullptr) {
      PyErr_Clear();
      Py_DECREF(parent);
      PyObject* message = PyUnicode_FromFormat("No module named '%s'; '%s' is not a package",
                                               name, key.substr(0, dot).c_str());
      PyObject* name_object = PyUnicode_FromString(name);
      if (message != nullptr && name_object != nullptr) {
        PyErr_SetImportErrorSubclass(PyExc_ModuleNotFoundError, message, name_object, nullptr);
      }
      Py_XDECREF(message);
      Py_XDECREF(name_object);
      return nullptr;
    }
    Py_DECREF(path);
  }
  PyObject* module = ImportSharedModule(name);
  if (module != nullptr) module = Enter(key, module);
  if (module != nullptr && parent != nullptr &&
      PyObject_SetAttrString(parent, key.c_str() + dot + 1, module) < 0) {
    Py_CLEAR(module);
  }
  Py_XDECREF(parent);
  return module;
}

extern "C" PyObject* PyImport_Import(PyObject* name) {
  if (name == nullptr || !PyUnicode_Check(name)) {
    PyErr_SetString(PyExc_TypeError, "module name must be a string");
    return nullptr;
  }
  const char* text = PyUnicode_AsUTF8(name);
  return text != nullptr ? PyImport_ImportModule(text) : nullptr;
}

extern "C" PyObject* PyImport_AddModule(const char* name) {
  if (name == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  const std::string key(name);
  {
    std::lock_guard<std::mutex> lock(g_imported_mu);
    auto it = Imported().find(key);
    if (it != Imported().end()) return it->second;  // borrowed: the table holds it
  }
  PyObject* module = PyModule_New(name);  // allocates: outside the lock
  if (module == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(g_imported_mu);
  auto [it, inserted] = Imported().emplace(key, module);
  if (!inserted) Py_DECREF(module);  // another thread added one first: everyone gets that
  return it->second;
}

extern "C" PyObject* PyImport_AddModuleObject(PyObject* name) {
  if (name == nullptr || !PyUnicode_Check(name)) {
    PyErr_SetString(PyExc_TypeError, "module name must be str");
    return nullptr;
  }
  const char* text = PyUnicode_AsUTF8(name);
  return text != nullptr ? PyImport_AddModule(text) : nullptr;
}
