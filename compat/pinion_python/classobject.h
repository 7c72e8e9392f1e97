/* Bound methods: a callable bound to an object (PyMethod_Type, Python's "method"), and
 * instance methods (PyInstanceMethod_Type), which bind the callable they wrap when fetched
 * through an instance (runtime in runtime/bound_method.cc). Not in the limited API, as in
 * CPython.
 *
 * A method calls im_func with im_self prepended to the arguments, through vectorcall
 * (call.h): in place, in args[-1], when the caller passed PY_VECTORCALL_ARGUMENTS_OFFSET,
 * else in a copy of the arguments. Methods compare equal when their functions are equal and
 * their selves identical; they hash by both. Attribute lookup gives __func__ and __self__,
 * and otherwise the function's attribute (m.__name__ is m.__func__.__name__). repr:
 * "<bound method QUALNAME of REPR(self)>". Methods have no tp_descr_get (as in 3.11); an
 * instance method's tp_descr_get binds its function to the instance (PyMethod_New), and gives the
 * function itself when fetched through the class (no instance). Instance methods call their
 * function with the arguments they get, compare as their functions do, and are unhashable.
 *
 * Both are GC objects owning their fields (pins, visited by tp_traverse) and immutable once
 * made (im_weakreflist is the runtime's: weakrefobject.h). Differs from CPython: the types
 * cannot be called to make instances (types.MethodType(f, obj) in Python).
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_CLASSOBJECT_H_
#define PINION_PYTHON_CLASSOBJECT_H_

#include "pinion_python/object.h"

/* Not part of the limited API (as in CPython). */
#ifndef Py_LIMITED_API

_PyPinion_EXTERN_C_BEGIN

typedef struct {
  PyObject_HEAD
  PyObject* im_func;         /* the callable object implementing the method */
  PyObject* im_self;         /* the instance it is bound to */
  PyObject* im_weakreflist;  /* weak references to the method (the runtime's) */
  vectorcallfunc vectorcall; /* set by PyMethod_New */
} PyMethodObject;

PyAPI_DATA(PyTypeObject) PyMethod_Type;

#define PyMethod_Check(op) Py_IS_TYPE((op), &PyMethod_Type)

/* A new method binding `func` (any object; calling the method calls it) to `self`, which
 * must not be NULL (SystemError). Both are INCREF'd. */
PyAPI_FUNC(PyObject*) PyMethod_New(PyObject* func, PyObject* self);
/* The function and the self of a method (borrowed); SystemError and NULL for other
 * objects. */
PyAPI_FUNC(PyObject*) PyMethod_Function(PyObject* method);
PyAPI_FUNC(PyObject*) PyMethod_Self(PyObject* method);
/* Unchecked. */
#define PyMethod_GET_FUNCTION(meth) (((PyMethodObject*)(meth))->im_func)
#define PyMethod_GET_SELF(meth) (((PyMethodObject*)(meth))->im_self)

typedef struct {
  PyObject_HEAD
  PyObject* func;
} PyInstanceMethodObject;

PyAPI_DATA(PyTypeObject) PyInstanceMethod_Type;

#define PyInstanceMethod_Check(op) Py_IS_TYPE((op), &PyInstanceMethod_Type)

/* A new instance method wrapping `func` (INCREF'd; SystemError if NULL). Calling it calls
 * func with the same arguments. */
PyAPI_FUNC(PyObject*) PyInstanceMethod_New(PyObject* func);
/* Its function (borrowed); SystemError and NULL for other objects. */
PyAPI_FUNC(PyObject*) PyInstanceMethod_Function(PyObject* im);
/* Unchecked. */
#define PyInstanceMethod_GET_FUNCTION(meth) (((PyInstanceMethodObject*)(meth))->func)

_PyPinion_EXTERN_C_END

#endif /* !Py_LIMITED_API */

#endif /* PINION_PYTHON_CLASSOBJECT_H_ */
