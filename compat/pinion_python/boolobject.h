/* The singletons: None, NotImplemented, True and False, and bool.
 *
 * Owns: _PyNone_Type, _PyNotImplemented_Type, PyBool_Type and their objects (runtime in
 * runtime/none_bool.cc).
 *
 * All four objects are static and immortal (ob_refcnt is _PyPinion_IMMORTAL_REFCNT): Py_INCREF
 * and Py_DECREF on them do nothing, and the collector never frees them, so they may be
 * compared by address (Py_IsNone, Py_IsTrue...). As in CPython, bool is a subclass of int:
 * True and False are PyLongObjects (values 1 and 0) of type PyBool_Type, whose tp_base is
 * PyLong_Type; they hash and compare as 1 and 0.
 *
 * Threads: any attached thread; the objects never change.
 */
#ifndef PINION_PYTHON_BOOLOBJECT_H_
#define PINION_PYTHON_BOOLOBJECT_H_

#include "pinion_python/longobject.h"
#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#ifndef Py_LIMITED_API
PyAPI_DATA(PyTypeObject) _PyNone_Type;
PyAPI_DATA(PyTypeObject) _PyNotImplemented_Type;
#endif /* !Py_LIMITED_API */
PyAPI_DATA(PyObject) _Py_NoneStruct;
PyAPI_DATA(PyObject) _Py_NotImplementedStruct;
#define Py_None (&_Py_NoneStruct)
#define Py_NotImplemented (&_Py_NotImplementedStruct)
#define Py_IsNone(x) Py_Is((x), Py_None)
#define Py_RETURN_NOTIMPLEMENTED return Py_NewRef(Py_NotImplemented)

/* Returns True or False: `val1 op val2` for a rich-comparison op (Py_LT ... Py_GE), for
 * tp_richcompare slots of types that compare by a C value. */
#define Py_RETURN_RICHCOMPARE(val1, val2, op)            \
  do {                                                   \
    switch (op) {                                        \
      case Py_EQ: if ((val1) == (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE; \
      case Py_NE: if ((val1) != (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE; \
      case Py_LT: if ((val1) < (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE;  \
      case Py_GT: if ((val1) > (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE;  \
      case Py_LE: if ((val1) <= (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE; \
      case Py_GE: if ((val1) >= (val2)) Py_RETURN_TRUE; Py_RETURN_FALSE; \
      default: Py_UNREACHABLE();                         \
    }                                                    \
  } while (0)

PyAPI_DATA(PyTypeObject) PyBool_Type;
PyAPI_DATA(struct _longobject) _Py_FalseStruct;
PyAPI_DATA(struct _longobject) _Py_TrueStruct;
#define Py_False _PyObject_CAST(&_Py_FalseStruct)
#define Py_True _PyObject_CAST(&_Py_TrueStruct)
#define Py_IsTrue(x) Py_Is((x), Py_True)
#define Py_IsFalse(x) Py_Is((x), Py_False)
#define PyBool_Check(x) Py_IS_TYPE((x), &PyBool_Type)

/* Py_True if v is nonzero, else Py_False (a new reference, which costs nothing). */
PyAPI_FUNC(PyObject*) PyBool_FromLong(long v);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_BOOLOBJECT_H_ */
