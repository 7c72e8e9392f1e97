/* Modules: PyModule_Type and module definitions (PyModuleDef).
 *
 * Owns: PyModule_Type, PyModuleDef and the PyModule_* accessors (runtime in
 * runtime/module.cc; creation from a definition and the _PyPinion_Module_Add* helpers are in
 * modsupport.h).
 *
 * A module is a GC object holding its dict (a pin it owns: __name__, __doc__ and whatever
 * was added), the PyModuleDef it was created from (borrowed: a static), and the def's
 * m_size bytes of per-module state (malloc'd, zeroed, freed after m_free when the module is
 * deallocated). Its tp_traverse visits the dict and calls the def's m_traverse, so objects
 * held in the state are traced; as in CPython, m_traverse and m_free are called only once
 * the state exists (or when m_size <= 0). m_clear is not called (the collector does not
 * break cycles with tp_clear). Attribute access reads and writes the dict; a missing name
 * raises AttributeError "module 'x' has no attribute 'y'".
 *
 * Single-phase initialisation only: multi-phase (m_slots, PyModuleDef_Init) is not
 * supported. PyModuleDef_Init fails to compile; a def with m_slots makes PyModule_Create
 * raise SystemError.
 *
 * Threads: any attached thread. There is no GIL: mutating one module (its dict) from two
 * threads at once is the caller's race to avoid, as for any dict.
 */
#ifndef PINION_PYTHON_MODULEOBJECT_H_
#define PINION_PYTHON_MODULEOBJECT_H_

#include "pinion_python/methodobject.h"
#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PyModule_Type;

#define PyModule_Check(op) PyObject_TypeCheck((op), &PyModule_Type)
#define PyModule_CheckExact(op) Py_IS_TYPE((op), &PyModule_Type)

/* An empty module whose __name__ is `name` (and __doc__ None). New reference. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(PyObject*) PyModule_NewObject(PyObject* name);
#endif
PyAPI_FUNC(PyObject*) PyModule_New(const char* name);
/* The module's dict (borrowed). SystemError if `module` is not a module. */
PyAPI_FUNC(PyObject*) PyModule_GetDict(PyObject* module);
/* __name__ as a new reference / as UTF-8 owned by the name; SystemError if it has none. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(PyObject*) PyModule_GetNameObject(PyObject* module);
#endif
PyAPI_FUNC(const char*) PyModule_GetName(PyObject* module);
/* The def it was created from, or NULL (PyModule_New). */
PyAPI_FUNC(struct PyModuleDef*) PyModule_GetDef(PyObject* module);
/* The m_size bytes of state, or NULL if m_size <= 0. TypeError if not a module. */
PyAPI_FUNC(void*) PyModule_GetState(PyObject* module);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(int) PyModule_SetDocString(PyObject* module, const char* doc);
#endif

typedef struct PyModuleDef_Base {
  PyObject_HEAD
  PyObject* (*m_init)(void);
  Py_ssize_t m_index;
  PyObject* m_copy;
} PyModuleDef_Base;

#define PyModuleDef_HEAD_INIT {PyObject_HEAD_INIT(NULL) NULL, 0, NULL}

/* Multi-phase initialisation's slots: the types exist so that definitions compile, but a
 * def with m_slots is refused at PyModule_Create. */
typedef struct PyModuleDef_Slot {
  int slot;
  void* value;
} PyModuleDef_Slot;
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
#define Py_mod_create 1
#define Py_mod_exec 2
#endif

typedef struct PyModuleDef {
  PyModuleDef_Base m_base;
  const char* m_name;
  const char* m_doc;
  Py_ssize_t m_size; /* bytes of per-module state; -1 or 0 for none */
  PyMethodDef* m_methods;
  PyModuleDef_Slot* m_slots; /* must be NULL */
  traverseproc m_traverse;
  inquiry m_clear; /* never called */
  freefunc m_free;
} PyModuleDef;

#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(PyObject*) PyModuleDef_Init(PyModuleDef* def) _PyPinion_UNSUPPORTED(
    "PyModuleDef_Init: multi-phase initialisation; return PyModule_Create(&def) from PyInit_*");
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_MODULEOBJECT_H_ */
