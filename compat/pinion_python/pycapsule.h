/* Capsules: a C pointer wrapped in an object, for extension modules to export a C API to one
 * another (runtime in runtime/capsule.cc). As CPython 3.11's pycapsule.h, with the same error
 * messages.
 *
 * Where Pinion differs: a capsule's destructor runs when the collector finds the capsule
 * unreachable (on an attached thread, at a safepoint, or at Py_Finalize), not when its last
 * Py_DECREF happens; the pointer it destroys must stay valid until then. A capsule is not a
 * GC object: it holds no references (its context is a plain pointer, never traced).
 *
 * PyCapsule_Import("pkg.mod.attr", no_block) imports the first component with
 * PyImport_ImportModule (builtin modules of the inittab), gets the remaining components as
 * attributes, and returns the pointer of the capsule found there if its name is the whole
 * string. no_block is ignored, as in CPython 3.11.
 *
 * Threads: any attached thread. A capsule's fields are plain C fields: setting them from one
 * thread while another reads them is a data race, as in CPython without the GIL.
 */
#ifndef PINION_PYTHON_PYCAPSULE_H_
#define PINION_PYTHON_PYCAPSULE_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PyCapsule_Type;

typedef void (*PyCapsule_Destructor)(PyObject*);

#define PyCapsule_CheckExact(op) Py_IS_TYPE(op, &PyCapsule_Type)

/* ValueError "PyCapsule_New called with null pointer" for a NULL pointer. `name` (may be
 * NULL) is not copied: it must outlive the capsule. */
PyAPI_FUNC(PyObject*) PyCapsule_New(void* pointer, const char* name,
                                    PyCapsule_Destructor destructor);
/* The getters and setters raise ValueError "<function> called with invalid PyCapsule object"
 * for anything but a capsule with a pointer; GetPointer raises ValueError
 * "PyCapsule_GetPointer called with incorrect name" when `name` is not the capsule's (two
 * NULL names match; names are compared with strcmp). */
PyAPI_FUNC(void*) PyCapsule_GetPointer(PyObject* capsule, const char* name);
PyAPI_FUNC(PyCapsule_Destructor) PyCapsule_GetDestructor(PyObject* capsule);
PyAPI_FUNC(const char*) PyCapsule_GetName(PyObject* capsule);
PyAPI_FUNC(void*) PyCapsule_GetContext(PyObject* capsule);
/* 1 if `capsule` is a capsule with a pointer and the name `name`, else 0; never raises. */
PyAPI_FUNC(int) PyCapsule_IsValid(PyObject* capsule, const char* name);
PyAPI_FUNC(int) PyCapsule_SetPointer(PyObject* capsule, void* pointer);
PyAPI_FUNC(int) PyCapsule_SetDestructor(PyObject* capsule, PyCapsule_Destructor destructor);
PyAPI_FUNC(int) PyCapsule_SetName(PyObject* capsule, const char* name);
PyAPI_FUNC(int) PyCapsule_SetContext(PyObject* capsule, void* context);
/* The pointer of the capsule named `name` ("module.attribute...", UTF-8); NULL with an
 * exception set (ImportError 'PyCapsule_Import could not import module "<first>"', the
 * attribute lookup's, or AttributeError
 * 'PyCapsule_Import "<name>" is not valid'). */
PyAPI_FUNC(void*) PyCapsule_Import(const char* name, int no_block);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYCAPSULE_H_ */
