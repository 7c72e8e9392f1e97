// Multi-phase module initialisation (PEP 489) and modules by definition: PyModuleDef_Type,
// PyModuleDef_Init, PyModule_FromDefAndSpec2, PyModule_ExecDef, the module spec type the
// importer passes to Py_mod_create, the import hook ModuleFromInitResult (runtime.h), and
// PyState_FindModule/AddModule/RemoveModule.
//
// State:
//   - g_next_index: the next PyModuleDef index (m_base.m_index; 0 means "not readied"), as
//     CPython's counter. A def's index is written once, under g_def_mu, with a release store
//     that PyModuleDef_Init's fast path reads with acquire (the type is set before it).
//   - g_by_index: PyState's table, index -> module (each a pin: a root until replaced,
//     removed, or forgotten at Py_Finalize), under g_by_index_mu. The mutex is held only
//     around the vector, never across a pin event that could meet a collection or across
//     extension code.
//
// Threads: any attached thread. Defs are static and immortal (PyModuleDef_HEAD_INIT), so
// their INCREF/DECREF are no-ops, as the importer's are.
#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

#include "compat/runtime/module_object.h"
#include "compat/runtime/runtime.h"
#include "gc/errors.h"

namespace pinion::compat {
namespace {

std::mutex g_def_mu;
Py_ssize_t g_next_index = 1;  // under g_def_mu

std::mutex g_by_index_mu;
std::vector<PyObject*>& ByIndex() {
  static std::vector<PyObject*>* table = new std::vector<PyObject*>;
  return *table;
}

// ---- Module specs -----------------------------------------------------------------------------

// What importlib's ModuleSpec is to Py_mod_create, reduced to its attributes `name` and
// `origin`, kept in an instance dict (PyObject_GenericGetAttr finds them).
struct SpecObject {
  PyObject_HEAD
  PyObject* dict;
};

int SpecTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(reinterpret_cast<SpecObject*>(op)->dict);
  return 0;
}

int SpecClear(PyObject* op) {
  Py_CLEAR(reinterpret_cast<SpecObject*>(op)->dict);
  return 0;
}

void SpecDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  SpecClear(op);
  Py_TYPE(op)->tp_free(op);
}

PyObject* SpecRepr(PyObject* op) {
  PyObject* dict = reinterpret_cast<SpecObject*>(op)->dict;
  PyObject* name = dict != nullptr ? PyDict_GetItemString(dict, "name") : nullptr;
  PyObject* origin = dict != nullptr ? PyDict_GetItemString(dict, "origin") : nullptr;
  return PyUnicode_FromFormat("ModuleSpec(name=%R, origin=%R)", name != nullptr ? name : Py_None,
                              origin != nullptr ? origin : Py_None);
}

PyTypeObject g_spec_type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "ModuleSpec",
    .tp_basicsize = sizeof(SpecObject),
    .tp_dealloc = &SpecDealloc,
    .tp_repr = &SpecRepr,
    .tp_getattro = &PyObject_GenericGetAttr,
    .tp_setattro = &PyObject_GenericSetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The specification of a module, for its import (Pinion's reduced ModuleSpec).",
    .tp_traverse = &SpecTraverse,
    .tp_clear = &SpecClear,
    .tp_dictoffset = offsetof(SpecObject, dict),
};

// A spec for the module `name`: name=name, origin=origin ("built-in" is what importlib's
// BuiltinImporter gives; a shared object's path what its ExtensionFileLoader gives). New
// reference, or nullptr with an exception set.
PyObject* NewSpec(const char* name, const char* origin_text) {
  PyObject* spec = _PyObject_GC_New(&g_spec_type);
  if (spec == nullptr) return nullptr;
  PyObject* dict = PyDict_New();
  reinterpret_cast<SpecObject*>(spec)->dict = dict;
  PyObject_GC_Track(spec);
  PyObject* name_object = PyUnicode_FromString(name);
  PyObject* origin = PyUnicode_FromString(origin_text);
  const bool ok = dict != nullptr && name_object != nullptr && origin != nullptr &&
                  PyDict_SetItemString(dict, "name", name_object) == 0 &&
                  PyDict_SetItemString(dict, "origin", origin) == 0;
  Py_XDECREF(name_object);
  Py_XDECREF(origin);
  if (!ok) {
    Py_DECREF(spec);
    return nullptr;
  }
  return spec;
}

// ---- Creation ---------------------------------------------------------------------------------

// CPython's _add_methods_to_object: the def's functions as attributes of `object` (a module,
// or whatever Py_mod_create made), bound to it.
int AddMethods(PyObject* object, PyObject* name, PyMethodDef* functions) {
  for (PyMethodDef* def = functions; def->ml_name != nullptr; ++def) {
    if ((def->ml_flags & (METH_CLASS | METH_STATIC)) != 0) {
      PyErr_SetString(PyExc_ValueError, "module functions cannot set METH_CLASS or METH_STATIC");
      return -1;
    }
    PyObject* function = PyCFunction_NewEx(def, object, name);
    if (function == nullptr) return -1;
    const int result = PyObject_SetAttrString(object, def->ml_name, function);
    Py_DECREF(function);
    if (result != 0) return -1;
  }
  return 0;
}

// The body of PyModule_FromDefAndSpec2 once the name is known.
PyObject* CreateFromDef(PyModuleDef* def, PyObject* spec, PyObject* name_object,
                        const char* name) {
  if (def->m_size < 0) {
    return PyErr_Format(PyExc_SystemError,
                        "module %s: m_size may not be negative for multi-phase initialization",
                        name);
  }
  PyObject* (*create)(PyObject*, PyModuleDef*) = nullptr;
  bool has_execution_slots = false;
  for (PyModuleDef_Slot* slot = def->m_slots; slot != nullptr && slot->slot != 0; ++slot) {
    if (slot->slot == Py_mod_create) {
      if (create != nullptr) {
        return PyErr_Format(PyExc_SystemError, "module %s has multiple create slots", name);
      }
      create = reinterpret_cast<PyObject* (*)(PyObject*, PyModuleDef*)>(slot->value);
    } else if (slot->slot < 0 || slot->slot > _Py_mod_LAST_SLOT) {
      return PyErr_Format(PyExc_SystemError, "module %s uses unknown slot ID %i", name,
                          slot->slot);
    } else {
      has_execution_slots = true;
    }
  }
  PyObject* module;
  if (create != nullptr) {
    module = create(spec, def);
    if (module == nullptr) {
      if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_SystemError,
                     "creation of module %s failed without setting an exception", name);
      }
      return nullptr;
    }
    if (PyErr_Occurred()) {
      Py_DECREF(module);
      return PyErr_Format(PyExc_SystemError,
                          "creation of module %s raised unreported exception", name);
    }
  } else {
    module = PyModule_NewObject(name_object);
    if (module == nullptr) return nullptr;
  }
  if (PyModule_Check(module)) {
    ModuleObject* m = AsModule(module);
    // The state is PyModule_ExecDef's to allocate (a module Py_mod_create made with
    // PyModule_Create would otherwise keep its own def's).
    PyMem_Free(m->md_state);
    m->md_state = nullptr;
    m->md_def = def;
  } else {
    if (def->m_size > 0 || def->m_traverse != nullptr || def->m_clear != nullptr ||
        def->m_free != nullptr) {
      Py_DECREF(module);
      return PyErr_Format(PyExc_SystemError,
                          "module %s is not a module object, but requests module state", name);
    }
    if (has_execution_slots) {
      Py_DECREF(module);
      return PyErr_Format(PyExc_SystemError,
                          "module %s specifies execution slots, but did not create a "
                          "ModuleType instance",
                          name);
    }
  }
  if ((def->m_methods != nullptr && AddMethods(module, name_object, def->m_methods) != 0) ||
      (def->m_doc != nullptr && PyModule_SetDocString(module, def->m_doc) != 0)) {
    Py_DECREF(module);
    return nullptr;
  }
  return module;
}

// Adds a single-phase module to PyState's table (what CPython's import does for them).
int AddByIndex(PyObject* module, PyModuleDef* def) {
  const Py_ssize_t index = def->m_base.m_index;
  Py_INCREF(module);  // the table's reference
  PyObject* previous = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_by_index_mu);
    std::vector<PyObject*>& table = ByIndex();
    if (table.size() <= static_cast<size_t>(index)) table.resize(index + 1, nullptr);
    previous = table[index];
    table[index] = module;
  }
  Py_XDECREF(previous);
  return 0;
}

}  // namespace

PyObject* ModuleFromInitResult(PyObject* result, const char* name, const char* origin) {
  if (PyObject_TypeCheck(result, &PyModuleDef_Type)) {
    PyModuleDef* def = reinterpret_cast<PyModuleDef*>(result);
    PyObject* spec = NewSpec(name, origin);
    if (spec == nullptr) return nullptr;
    PyObject* module = PyModule_FromDefAndSpec(def, spec);
    // As importlib: the module's __spec__ is set before its exec slots run.
    if (module != nullptr && PyModule_Check(module) &&
        PyDict_SetItemString(AsModule(module)->md_dict, "__spec__", spec) < 0) {
      Py_CLEAR(module);
    }
    Py_DECREF(spec);
    if (module == nullptr) return nullptr;
    // CPython's exec_builtin_or_dynamic: modules with a def whose state is not set yet.
    if (PyModule_Check(module) && AsModule(module)->md_def != nullptr &&
        AsModule(module)->md_state == nullptr &&
        PyModule_ExecDef(module, AsModule(module)->md_def) < 0) {
      Py_DECREF(module);
      return nullptr;
    }
    return module;
  }
  if (PyModule_Check(result)) {
    PyModuleDef* def = AsModule(result)->md_def;
    if (def != nullptr && def->m_slots == nullptr && AddByIndex(result, def) < 0) {
      Py_DECREF(result);
      return nullptr;
    }
    // As CPython's _Py_PackageContext: a single-phase module of package "pkg" whose def
    // names it "mod" is "pkg.mod". (CPython renames it in PyModule_Create, before the rest
    // of its init runs; here once init returns.)
    const char* dot = std::strrchr(name, '.');
    if (dot != nullptr && def != nullptr && def->m_name != nullptr &&
        std::strcmp(def->m_name, dot + 1) == 0) {
      PyObject* full = PyUnicode_FromString(name);
      if (full == nullptr ||
          PyDict_SetItemString(AsModule(result)->md_dict, "__name__", full) < 0) {
        Py_XDECREF(full);
        Py_DECREF(result);
        return nullptr;
      }
      Py_DECREF(full);
    }
    return result;
  }
  Py_DECREF(result);
  return PyErr_Format(PyExc_SystemError,
                      "initialization of %s did not return an extension module", name);
}

void ForgetModulesByIndex() {
  std::vector<PyObject*> table;
  {
    std::lock_guard<std::mutex> lock(g_by_index_mu);
    table.swap(ByIndex());
  }
  for (PyObject* module : table) Py_XDECREF(module);
}

}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyModuleDef_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "moduledef",
    .tp_basicsize = sizeof(PyModuleDef),
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

extern "C" PyObject* PyModuleDef_Init(PyModuleDef* def) {
  if (__atomic_load_n(&def->m_base.m_index, __ATOMIC_ACQUIRE) == 0) {
    std::lock_guard<std::mutex> lock(g_def_mu);
    if (__atomic_load_n(&def->m_base.m_index, __ATOMIC_RELAXED) == 0) {
      Py_SET_TYPE(def, &PyModuleDef_Type);
      __atomic_store_n(&def->m_base.m_index, g_next_index++, __ATOMIC_RELEASE);
    }
  }
  return reinterpret_cast<PyObject*>(def);
}

extern "C" PyObject* PyModule_FromDefAndSpec2(PyModuleDef* def, PyObject* spec, int) {
  PyModuleDef_Init(def);
  PyObject* name_object = PyObject_GetAttrString(spec, "name");
  if (name_object == nullptr) return nullptr;
  const char* name = PyUnicode_AsUTF8(name_object);
  PyObject* module = name != nullptr ? CreateFromDef(def, spec, name_object, name) : nullptr;
  Py_DECREF(name_object);
  return module;
}

extern "C" int PyModule_ExecDef(PyObject* module, PyModuleDef* def) {
  const char* name = PyModule_GetName(module);
  if (name == nullptr) return -1;
  ModuleObject* m = AsModule(module);
  if (def->m_size >= 0 && m->md_state == nullptr) {
    // Always set (even for m_size 0): the mark that the module was executed.
    m->md_state = PyMem_Calloc(1, static_cast<size_t>(def->m_size));
    if (m->md_state == nullptr) {
      PyErr_NoMemory();
      return -1;
    }
  }
  for (PyModuleDef_Slot* slot = def->m_slots; slot != nullptr && slot->slot != 0; ++slot) {
    switch (slot->slot) {
      case Py_mod_create:
        break;  // PyModule_FromDefAndSpec2's
      case Py_mod_exec: {
        const int result = reinterpret_cast<int (*)(PyObject*)>(slot->value)(module);
        if (result != 0) {
          if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_SystemError,
                         "execution of module %s failed without setting an exception", name);
          }
          return -1;
        }
        if (PyErr_Occurred()) {
          PyErr_Format(PyExc_SystemError, "execution of module %s raised unreported exception",
                       name);
          return -1;
        }
        break;
      }
      default:
        PyErr_Format(PyExc_SystemError, "module %s initialized with unknown slot %i", name,
                     slot->slot);
        return -1;
    }
  }
  return 0;
}

// ---- PyState ----------------------------------------------------------------------------------

extern "C" PyObject* PyState_FindModule(PyModuleDef* def) {
  if (def == nullptr || def->m_slots != nullptr) return nullptr;
  const Py_ssize_t index = __atomic_load_n(&def->m_base.m_index, __ATOMIC_ACQUIRE);
  if (index == 0) return nullptr;
  std::lock_guard<std::mutex> lock(g_by_index_mu);
  const std::vector<PyObject*>& table = ByIndex();
  return static_cast<size_t>(index) < table.size() ? table[index] : nullptr;
}

extern "C" int PyState_AddModule(PyObject* module, PyModuleDef* def) {
  if (def == nullptr) {
    pinion::ReportMisuse(pinion::Misuse::kBadArgument,
                         "PyState_AddModule: module definition is NULL");
    PyErr_SetString(PyExc_SystemError, "PyState_AddModule: module definition is NULL");
    return -1;
  }
  if (def->m_base.m_index != 0 && PyState_FindModule(def) == module) {
    pinion::ReportMisuse(pinion::Misuse::kBadArgument, "PyState_AddModule: module %p already added",
                         static_cast<void*>(module));
    PyErr_Format(PyExc_SystemError, "PyState_AddModule: module %p already added",
                 static_cast<void*>(module));
    return -1;
  }
  if (def->m_slots != nullptr) {
    PyErr_SetString(PyExc_SystemError, "PyState_AddModule called on module with slots");
    return -1;
  }
  return AddByIndex(module, def);
}

extern "C" int PyState_RemoveModule(PyModuleDef* def) {
  if (def == nullptr) {
    pinion::ReportMisuse(pinion::Misuse::kBadArgument,
                         "PyState_RemoveModule: module definition is NULL");
    PyErr_SetString(PyExc_SystemError, "PyState_RemoveModule: module definition is NULL");
    return -1;
  }
  if (def->m_slots != nullptr) {
    PyErr_SetString(PyExc_SystemError, "PyState_RemoveModule called on module with slots");
    return -1;
  }
  const Py_ssize_t index = def->m_base.m_index;
  PyObject* previous = nullptr;
  bool known = false;
  {
    std::lock_guard<std::mutex> lock(g_by_index_mu);
    std::vector<PyObject*>& table = ByIndex();
    if (index != 0 && static_cast<size_t>(index) < table.size()) {
      known = true;
      previous = table[index];
      table[index] = nullptr;
    }
  }
  if (!known) {
    pinion::ReportMisuse(pinion::Misuse::kBadArgument,
                         "PyState_RemoveModule: module %s was never added", def->m_name);
    PyErr_SetString(PyExc_SystemError, "PyState_RemoveModule: invalid module index");
    return -1;
  }
  Py_XDECREF(previous);
  return 0;
}
