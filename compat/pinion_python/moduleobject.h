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
 * held in the state are traced; when the collector finds the module unreachable it calls
 * tp_clear (the def's m_clear, then the dict is released) and then tp_dealloc (the def's
 * m_free, then the state is freed). As in CPython, m_traverse, m_clear and m_free are called
 * only once the state exists (or when m_size <= 0). Attribute access reads and writes the
 * dict; a missing name raises AttributeError "module 'x' has no attribute 'y'".
 *
 * Multi-phase initialisation (PEP 489), as CPython 3.11: PyInit_* returns
 * PyModuleDef_Init(&def); the importer (PyImport_ImportModule) then creates the module with
 * PyModule_FromDefAndSpec (the Py_mod_create slot, given a module spec whose `name` is the
 * module's and whose `origin` is "built-in", or a plain module) and runs its Py_mod_exec
 * slots with PyModule_ExecDef, which also allocates the state. 3.11 has only these two
 * slots (Py_mod_multiple_interpreters and Py_mod_gil are 3.12/3.13); an unknown slot id is a
 * SystemError. Pinion differs in one respect: module specs are a small Pinion type with the
 * attributes `name` and `origin` ("built-in"), not importlib's ModuleSpec (no `loader`).
 *
 * PyState_FindModule/AddModule/RemoveModule (pystate.h) work for single-phase modules: an
 * imported single-phase module is added, as CPython does.
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
/* __file__ as a new reference; SystemError "module filename missing" if it has none
 * (modules imported from the inittab are built-in: they have none). */
PyAPI_FUNC(PyObject*) PyModule_GetFilenameObject(PyObject* module);
/* The same as UTF-8, owned by the module's dict (deprecated since 3.2, as in CPython). */
Py_DEPRECATED(3.2) PyAPI_FUNC(const char*) PyModule_GetFilename(PyObject* module);
/* The def it was created from, or NULL (PyModule_New). TypeError if not a module. */
PyAPI_FUNC(struct PyModuleDef*) PyModule_GetDef(PyObject* module);
/* The state: m_size bytes, zeroed. NULL for single-phase modules with m_size <= 0; for
 * multi-phase modules, set (possibly 0 bytes) once PyModule_ExecDef ran. TypeError if not a
 * module. */
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

/* Multi-phase initialisation's slots; a 0 slot ends the table.
 *   Py_mod_create: PyObject* create(PyObject* spec, PyModuleDef* def), a new reference: the
 *     module (or any object, if the def asks for no state and has no exec slots).
 *   Py_mod_exec: int exec(PyObject* module), 0 or -1 with an exception set; in order. */
typedef struct PyModuleDef_Slot {
  int slot;
  void* value;
} PyModuleDef_Slot;
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
#define Py_mod_create 1
#define Py_mod_exec 2
#ifndef Py_LIMITED_API
#define _Py_mod_LAST_SLOT 2
#endif
#endif

typedef struct PyModuleDef {
  PyModuleDef_Base m_base;
  const char* m_name;
  const char* m_doc;
  Py_ssize_t m_size; /* bytes of per-module state; -1 or 0 for none */
  PyMethodDef* m_methods;
  PyModuleDef_Slot* m_slots; /* NULL (single-phase), or the multi-phase slots */
  traverseproc m_traverse;
  inquiry m_clear;
  freefunc m_free;
} PyModuleDef;

/* The type of readied module definitions ("moduledef"). */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_DATA(PyTypeObject) PyModuleDef_Type;
#endif
/* Readies `def` as an object (its type PyModuleDef_Type, and an index for PyState_*) and
 * returns it, borrowed (defs are static and immortal): what a multi-phase PyInit_* returns. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(PyObject*) PyModuleDef_Init(PyModuleDef* def);
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_MODULEOBJECT_H_ */
