// The layout of module objects, shared by the runtime files that create and read them
// (module.cc: PyModule_Type and single-phase creation; module_def.cc: multi-phase creation
// and execution). Not part of the C API: as in CPython 3.12, PyModuleObject is private.
//
// Invariants: md_dict is a pin the module owns from creation until tp_clear/tp_dealloc;
// md_state is PyMem memory the module owns (freed in tp_dealloc, after the def's m_free);
// md_def is borrowed (a static PyModuleDef). As in CPython, the def's m_traverse, m_clear
// and m_free run only when md_def is set and either the state exists or m_size <= 0.
//
// Threads: any attached thread; tp_traverse on collector threads with the world stopped.
#ifndef PINION_COMPAT_RUNTIME_MODULE_OBJECT_H_
#define PINION_COMPAT_RUNTIME_MODULE_OBJECT_H_

#include "Python.h"

namespace pinion::compat {

struct ModuleObject {
  PyObject_HEAD
  PyObject* md_dict;
  PyModuleDef* md_def;
  void* md_state;
  PyObject* md_weaklist;  // weak references to the module (runtime/weakref.cc)
};

inline ModuleObject* AsModule(PyObject* op) { return reinterpret_cast<ModuleObject*>(op); }

// The def's state hooks (m_traverse, m_clear, m_free) may run: CPython's bpo-39824 rule.
inline bool StateHooksApply(const ModuleObject* m) {
  return m->md_def != nullptr && (m->md_def->m_size <= 0 || m->md_state != nullptr);
}

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_MODULE_OBJECT_H_
