/* Bound methods (CPython 3.11's classobject.h): PyMethod_Type, a callable bound to an object
 * (calling it calls im_func with im_self first), and PyInstanceMethod_Type, which binds its
 * callable to the instance it is read from. Runtime in runtime/boundmethod.cc.
 *
 * A classmethod (funcobject.h) of a callable that is not a descriptor (a builtin function)
 * gives a bound method of the class, as in CPython.
 *
 * Both are GC objects; what they hold never changes. Threads: any attached thread.
 */
#ifndef PINION_PYTHON_CLASSOBJECT_H_
#define PINION_PYTHON_CLASSOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

typedef struct {
  PyObject_HEAD
  PyObject* im_func; /* the callable */
  PyObject* im_self; /* the object it is bound to */
  PyObject* im_weakreflist; /* always NULL: Pinion has no weak references yet */
  vectorcallfunc vectorcall; /* NULL in Pinion: calls go through tp_call */
} PyMethodObject;

PyAPI_DATA(PyTypeObject) PyMethod_Type;
#define PyMethod_Check(op) Py_IS_TYPE((op), &PyMethod_Type)

/* New reference: `func` bound to `self` (both INCREF'd; a NULL self is SystemError). */
PyAPI_FUNC(PyObject*) PyMethod_New(PyObject* func, PyObject* self);
/* Borrowed references; SystemError and NULL if `meth` is not a bound method. */
PyAPI_FUNC(PyObject*) PyMethod_Function(PyObject* meth);
PyAPI_FUNC(PyObject*) PyMethod_Self(PyObject* meth);
#define PyMethod_GET_FUNCTION(meth) (((PyMethodObject*)(meth))->im_func)
#define PyMethod_GET_SELF(meth) (((PyMethodObject*)(meth))->im_self)

typedef struct {
  PyObject_HEAD
  PyObject* func;
} PyInstanceMethodObject;

PyAPI_DATA(PyTypeObject) PyInstanceMethod_Type;
#define PyInstanceMethod_Check(op) Py_IS_TYPE((op), &PyInstanceMethod_Type)

PyAPI_FUNC(PyObject*) PyInstanceMethod_New(PyObject* func);
PyAPI_FUNC(PyObject*) PyInstanceMethod_Function(PyObject* im);
#define PyInstanceMethod_GET_FUNCTION(meth) (((PyInstanceMethodObject*)(meth))->func)

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_CLASSOBJECT_H_ */
