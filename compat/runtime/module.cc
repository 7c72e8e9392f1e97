// Modules (moduleobject.h, and modsupport.h's single-phase creation and PyModule_Add*).
//
// Owns: PyModule_Type and its slots, and single-phase creation (PyModule_Create2). The
// layout and its invariants are in module_object.h; multi-phase creation, PyModuleDef_Type
// and the import hook are in module_def.cc. md_def is set last in PyModule_Create2, so
// m_traverse, m_clear and m_free run only for a module whose creation completed.
//
// Threads: any attached thread; tp_traverse on collector threads in a pause (it reads the
// fields, and m_traverse reads the state, with the world stopped).
#include <cstddef>
#include <cstring>

#include "compat/runtime/module_object.h"
#include "compat/runtime/runtime.h"

namespace {

using pinion::compat::AsModule;
using pinion::compat::ModuleObject;
using pinion::compat::StateHooksApply;
using PyModuleObject = ModuleObject;

int ModuleTraverse(PyObject* op, visitproc visit, void* arg) {
  PyModuleObject* m = AsModule(op);
  if (StateHooksApply(m) && m->md_def->m_traverse != nullptr) {
    if (int result = m->md_def->m_traverse(op, visit, arg)) return result;
  }
  Py_VISIT(m->md_dict);
  return 0;
}

// CPython's module_clear: the def's m_clear (cyclic garbage: the collector calls tp_clear
// before tp_dealloc), then the dict.
int ModuleClear(PyObject* op) {
  PyModuleObject* m = AsModule(op);
  if (StateHooksApply(m) && m->md_def->m_clear != nullptr) {
    if (int result = m->md_def->m_clear(op)) return result;
  }
  Py_CLEAR(m->md_dict);
  return 0;
}

void ModuleDealloc(PyObject* op) {
  PyModuleObject* m = AsModule(op);
  PyObject_GC_UnTrack(op);
  if (StateHooksApply(m) && m->md_def->m_free != nullptr) m->md_def->m_free(op);
  Py_CLEAR(m->md_dict);
  PyMem_Free(m->md_state);
  m->md_state = nullptr;
  Py_TYPE(op)->tp_free(op);
}

// __name__ from the dict (borrowed), or NULL with no exception set.
PyObject* NameOf(PyObject* op) {
  PyObject* dict = AsModule(op)->md_dict;
  if (dict == nullptr) return nullptr;  // cleared (tp_clear)
  PyObject* name = PyDict_GetItemString(dict, "__name__");
  return name != nullptr && PyUnicode_Check(name) ? name : nullptr;
}

PyObject* ModuleRepr(PyObject* op) {
  PyObject* name = NameOf(op);
  return name != nullptr ? PyUnicode_FromFormat("<module %R>", name)
                         : PyUnicode_FromString("<module '?'>");
}

bool CheckAttributeName(PyObject* name) {
  if (PyUnicode_Check(name)) return true;
  PyErr_Format(PyExc_TypeError, "attribute name must be string, not '%s'",
               Py_TYPE(name)->tp_name);
  return false;
}

void SetNoAttribute(PyObject* op, PyObject* attribute) {
  if (PyObject* name = NameOf(op)) {
    PyErr_Format(PyExc_AttributeError, "module '%U' has no attribute '%U'", name, attribute);
  } else {
    PyErr_Format(PyExc_AttributeError, "module has no attribute '%U'", attribute);
  }
}

PyObject* ModuleGetAttro(PyObject* op, PyObject* attribute) {
  if (!CheckAttributeName(attribute)) return nullptr;
  PyObject* value = PyDict_GetItemWithError(AsModule(op)->md_dict, attribute);
  if (value != nullptr) return Py_NewRef(value);
  if (!PyErr_Occurred()) SetNoAttribute(op, attribute);
  return nullptr;
}

int ModuleSetAttro(PyObject* op, PyObject* attribute, PyObject* value) {
  if (!CheckAttributeName(attribute)) return -1;
  PyObject* dict = AsModule(op)->md_dict;
  if (value != nullptr) return PyDict_SetItem(dict, attribute, value);
  if (PyDict_DelItem(dict, attribute) == 0) return 0;
  if (PyErr_ExceptionMatches(PyExc_KeyError)) SetNoAttribute(op, attribute);
  return -1;
}

// SystemError unless `op` is a module.
bool CheckModule(PyObject* op, const char* function) {
  if (op != nullptr && PyModule_Check(op)) return true;
  PyErr_Format(PyExc_SystemError, "%s() needs a module", function);
  return false;
}

// TypeError (PyErr_BadArgument, as CPython's accessors) unless `op` is a module.
bool CheckModuleArgument(PyObject* op) {
  if (op != nullptr && PyModule_Check(op)) return true;
  PyErr_BadArgument();
  return false;
}

}  // namespace

PyTypeObject PyModule_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "module",
    .tp_basicsize = sizeof(PyModuleObject),
    .tp_dealloc = &ModuleDealloc,
    .tp_repr = &ModuleRepr,
    .tp_getattro = &ModuleGetAttro,
    .tp_setattro = &ModuleSetAttro,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Create a module object.",
    .tp_traverse = &ModuleTraverse,
    .tp_clear = &ModuleClear,
    .tp_weaklistoffset = offsetof(pinion::compat::ModuleObject, md_weaklist),
    // The module's dict is its instance dict, as in CPython: PyObject_GenericGetAttr and
    // GenericSetAttr (which extension types' own getattro often fall back to) find it.
    .tp_dictoffset = offsetof(PyModuleObject, md_dict),
};

// ---- Module objects -------------------------------------------------------------------------

extern "C" PyObject* PyModule_NewObject(PyObject* name) {
  PyObject* op =
      pinion::compat::AllocObject(&PyModule_Type, sizeof(PyModuleObject), /*gc=*/true);
  if (op == nullptr) return nullptr;
  PyObject* dict = PyDict_New();
  AsModule(op)->md_dict = dict;
  PyObject_GC_Track(op);
  if (dict == nullptr || PyDict_SetItemString(dict, "__name__", name) < 0 ||
      PyDict_SetItemString(dict, "__doc__", Py_None) < 0) {
    Py_DECREF(op);
    return nullptr;
  }
  return op;
}

extern "C" PyObject* PyModule_New(const char* name) {
  PyObject* name_object = PyUnicode_FromString(name);
  if (name_object == nullptr) return nullptr;
  PyObject* module = PyModule_NewObject(name_object);
  Py_DECREF(name_object);
  return module;
}

extern "C" PyObject* PyModule_GetDict(PyObject* module) {
  return CheckModule(module, "PyModule_GetDict") ? AsModule(module)->md_dict : nullptr;
}

extern "C" PyObject* PyModule_GetNameObject(PyObject* module) {
  if (!CheckModuleArgument(module)) return nullptr;
  PyObject* name = NameOf(module);
  if (name == nullptr) {
    PyErr_SetString(PyExc_SystemError, "nameless module");
    return nullptr;
  }
  return Py_NewRef(name);
}

extern "C" const char* PyModule_GetName(PyObject* module) {
  if (!CheckModuleArgument(module)) return nullptr;
  PyObject* name = NameOf(module);
  if (name == nullptr) {
    PyErr_SetString(PyExc_SystemError, "nameless module");
    return nullptr;
  }
  return PyUnicode_AsUTF8(name);  // owned by the name, which the dict holds
}

extern "C" PyModuleDef* PyModule_GetDef(PyObject* module) {
  return CheckModuleArgument(module) ? AsModule(module)->md_def : nullptr;
}

extern "C" PyObject* PyModule_GetFilenameObject(PyObject* module) {
  if (!CheckModuleArgument(module)) return nullptr;
  PyObject* dict = AsModule(module)->md_dict;
  PyObject* file = dict != nullptr ? PyDict_GetItemString(dict, "__file__") : nullptr;
  if (file == nullptr || !PyUnicode_Check(file)) {
    PyErr_SetString(PyExc_SystemError, "module filename missing");
    return nullptr;
  }
  return Py_NewRef(file);
}

extern "C" const char* PyModule_GetFilename(PyObject* module) {
  PyObject* file = PyModule_GetFilenameObject(module);
  if (file == nullptr) return nullptr;
  const char* utf8 = PyUnicode_AsUTF8(file);
  Py_DECREF(file);  // the dict still holds it, and so the text
  return utf8;
}

extern "C" void* PyModule_GetState(PyObject* module) {
  if (module == nullptr || !PyModule_Check(module)) {
    PyErr_BadArgument();
    return nullptr;
  }
  return AsModule(module)->md_state;
}

// Any object (multi-phase Py_mod_create may make a non-module): sets its __doc__.
extern "C" int PyModule_SetDocString(PyObject* module, const char* doc) {
  PyObject* text = PyUnicode_FromString(doc);
  if (text == nullptr) return -1;
  const int result = PyObject_SetAttrString(module, "__doc__", text);
  Py_DECREF(text);
  return result;
}

// ---- Creation from a definition ---------------------------------------------------------------

extern "C" PyObject* PyModule_Create2(PyModuleDef* def, int) {
  PyModuleDef_Init(def);  // gives the def its index (PyState_FindModule)
  if (def->m_slots != nullptr) {
    return PyErr_Format(PyExc_SystemError,
                        "module %s: PyModule_Create is incompatible with m_slots", def->m_name);
  }
  PyObject* module = PyModule_New(def->m_name);
  if (module == nullptr) return nullptr;
  if (def->m_size > 0) {
    void* state = PyMem_Calloc(1, def->m_size);
    if (state == nullptr) {
      Py_DECREF(module);
      return PyErr_NoMemory();
    }
    AsModule(module)->md_state = state;
  }
  if ((def->m_methods != nullptr && PyModule_AddFunctions(module, def->m_methods) < 0) ||
      (def->m_doc != nullptr && PyModule_SetDocString(module, def->m_doc) < 0)) {
    Py_DECREF(module);
    return nullptr;
  }
  AsModule(module)->md_def = def;
  return module;
}

extern "C" int PyModule_AddFunctions(PyObject* module, PyMethodDef* functions) {
  PyObject* name = PyModule_GetNameObject(module);
  if (name == nullptr) return -1;
  int result = 0;
  for (PyMethodDef* def = functions; def->ml_name != nullptr && result == 0; ++def) {
    if ((def->ml_flags & (METH_CLASS | METH_STATIC)) != 0) {
      PyErr_SetString(PyExc_ValueError, "module functions cannot set METH_CLASS or METH_STATIC");
      result = -1;
    } else {
      result = _PyPinion_Module_Add(module, def->ml_name, PyCFunction_NewEx(def, module, name));
    }
  }
  Py_DECREF(name);
  return result;
}

// ---- Adding objects ---------------------------------------------------------------------------

extern "C" int PyModule_AddObjectRef(PyObject* module, const char* name, PyObject* value) {
  if (module == nullptr || !PyModule_Check(module)) {
    PyErr_SetString(PyExc_TypeError, "PyModule_AddObjectRef() first argument must be a module");
    return -1;
  }
  if (value == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_SetString(PyExc_SystemError,
                      "PyModule_AddObjectRef() must be called with an exception raised if "
                      "value is NULL");
    }
    return -1;
  }
  return PyDict_SetItemString(AsModule(module)->md_dict, name, value);
}

extern "C" int _PyPinion_Module_Add(PyObject* module, const char* name, PyObject* value) {
  const int result = PyModule_AddObjectRef(module, name, value);
  Py_XDECREF(value);
  return result;
}

extern "C" int PyModule_AddObject(PyObject* module, const char* name, PyObject* value) {
  const int result = PyModule_AddObjectRef(module, name, value);
  if (result == 0) Py_DECREF(value);
  return result;
}

extern "C" int PyModule_AddIntConstant(PyObject* module, const char* name, long value) {
  return _PyPinion_Module_Add(module, name, PyLong_FromLong(value));
}

extern "C" int PyModule_AddStringConstant(PyObject* module, const char* name,
                                          const char* value) {
  return _PyPinion_Module_Add(module, name, PyUnicode_FromString(value));
}

extern "C" int PyModule_AddType(PyObject* module, PyTypeObject* type) {
  if (PyType_Ready(type) < 0) return -1;
  const char* dot = std::strrchr(type->tp_name, '.');
  return PyModule_AddObjectRef(module, dot != nullptr ? dot + 1 : type->tp_name,
                               reinterpret_cast<PyObject*>(type));
}
