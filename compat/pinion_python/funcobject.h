/* The part of CPython 3.11's funcobject.h that concerns C extensions: the classmethod and
 * staticmethod wrapper types (runtime in runtime/descr.cc). PyType_Ready wraps METH_STATIC
 * entries of tp_methods in a staticmethod, as CPython does.
 *
 * classmethod(f): reading it from a type or an instance gives f bound to the type (f's own
 * tp_descr_get, or a bound method, classobject.h). staticmethod(f): gives f itself. Both are GC
 * objects holding f. Python function objects (PyFunction_*) do not exist in Pinion: there is
 * no interpreter.
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_FUNCOBJECT_H_
#define PINION_PYTHON_FUNCOBJECT_H_

#include "pinion_python/object.h"

#ifndef Py_LIMITED_API /* funcobject.h is not part of the limited API */
_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PyClassMethod_Type;
PyAPI_DATA(PyTypeObject) PyStaticMethod_Type;

/* New references; `callable` is INCREF'd (any object, as in CPython). */
PyAPI_FUNC(PyObject*) PyClassMethod_New(PyObject* callable);
PyAPI_FUNC(PyObject*) PyStaticMethod_New(PyObject* callable);

_PyPinion_EXTERN_C_END
#endif /* !Py_LIMITED_API */

#endif /* PINION_PYTHON_FUNCOBJECT_H_ */
