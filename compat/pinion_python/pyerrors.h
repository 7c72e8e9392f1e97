/* Exceptions: the calling thread's current exception, and the standard exception types.
 *
 * Owns: the PyExc_* types and the PyErr_* API (runtime in runtime/errors.cc).
 *
 * An exception is a (type, value) pair held per thread, as in CPython; values are the
 * message strings (str objects) or whatever object was raised (NULL for PyErr_SetNone). The
 * exception types are static, immortal type objects in CPython's hierarchy
 * (PyErr_ExceptionMatches follows tp_base). Exception instances, tracebacks and chaining
 * are not provided: the types cannot be called, and PyErr_Fetch always gives a NULL
 * traceback. Extension modules' own exception classes come from PyErr_NewException.
 *
 * The pair is held as pins of the thread's. A thread that detaches for good with an
 * exception still set keeps its value alive until Py_Finalize: clear it first. Py_Finalize
 * clears the finalizing thread's exception (the value belongs to the heap it destroys).
 *
 * Threads: any attached thread; each sees only its own exception. PyErr_Occurred also works
 * on a thread that is not attached (it touches no object).
 */
#ifndef PINION_PYTHON_PYERRORS_H_
#define PINION_PYTHON_PYERRORS_H_

#include <stdarg.h>

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyObject*) PyExc_BaseException;
PyAPI_DATA(PyObject*) PyExc_Exception;
PyAPI_DATA(PyObject*) PyExc_ArithmeticError;
PyAPI_DATA(PyObject*) PyExc_AssertionError;
PyAPI_DATA(PyObject*) PyExc_AttributeError;
PyAPI_DATA(PyObject*) PyExc_BufferError;
PyAPI_DATA(PyObject*) PyExc_EOFError;
PyAPI_DATA(PyObject*) PyExc_ImportError;
PyAPI_DATA(PyObject*) PyExc_IndexError;
PyAPI_DATA(PyObject*) PyExc_KeyboardInterrupt;
PyAPI_DATA(PyObject*) PyExc_KeyError;
PyAPI_DATA(PyObject*) PyExc_LookupError;
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03060000
PyAPI_DATA(PyObject*) PyExc_ModuleNotFoundError;
#endif
PyAPI_DATA(PyObject*) PyExc_MemoryError;
PyAPI_DATA(PyObject*) PyExc_NameError;
PyAPI_DATA(PyObject*) PyExc_NotImplementedError;
PyAPI_DATA(PyObject*) PyExc_OSError;
PyAPI_DATA(PyObject*) PyExc_OverflowError;
PyAPI_DATA(PyObject*) PyExc_RuntimeError;
PyAPI_DATA(PyObject*) PyExc_StopIteration;
PyAPI_DATA(PyObject*) PyExc_SystemError;
PyAPI_DATA(PyObject*) PyExc_SystemExit;
PyAPI_DATA(PyObject*) PyExc_TypeError;
PyAPI_DATA(PyObject*) PyExc_ValueError;
PyAPI_DATA(PyObject*) PyExc_ZeroDivisionError;

/* True for BaseException and its subclasses. */
#define PyExceptionClass_Check(x) \
  (PyType_Check(x) && PyType_IsSubtype((PyTypeObject*)(x), (PyTypeObject*)PyExc_BaseException))
#define PyExceptionClass_Name(x) (((PyTypeObject*)(x))->tp_name)

/* A new exception class (a heap type, runtime/heap_type.cc), as CPython's type(name, bases,
 * dict): `name` is "module.Name" (SystemError "PyErr_NewException: name must be module.class"
 * otherwise): tp_name and __name__ are "Name", __module__ "module" (set in `dict` when it has
 * none, as CPython does). `base`: a class, a tuple of classes, or NULL (Exception); `dict`
 * (may be NULL) is copied into the class dict. WithDoc also sets __doc__ (in `dict`, or a new
 * one). New reference. */
PyAPI_FUNC(PyObject*) PyErr_NewException(const char* name, PyObject* base, PyObject* dict);
PyAPI_FUNC(PyObject*) PyErr_NewExceptionWithDoc(const char* name, const char* doc,
                                                PyObject* base, PyObject* dict);

/* Sets the current exception (the previous one is replaced). SystemError instead if `type`
 * is not an exception type. SetString's value is the message as a str. */
PyAPI_FUNC(void) PyErr_SetString(PyObject* type, const char* message);
PyAPI_FUNC(void) PyErr_SetObject(PyObject* type, PyObject* value);
PyAPI_FUNC(void) PyErr_SetNone(PyObject* type);
/* printf-style (PyUnicode_FromFormat's formats); always returns NULL. */
PyAPI_FUNC(PyObject*) PyErr_Format(PyObject* type, const char* format, ...);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(PyObject*) PyErr_FormatV(PyObject* type, const char* format, va_list vargs);
#endif
PyAPI_FUNC(PyObject*) PyErr_NoMemory(void);
PyAPI_FUNC(int) PyErr_BadArgument(void);
PyAPI_FUNC(void) PyErr_BadInternalCall(void);
/* The current exception's type (borrowed), or NULL. */
PyAPI_FUNC(PyObject*) PyErr_Occurred(void);
PyAPI_FUNC(void) PyErr_Clear(void);
PyAPI_FUNC(int) PyErr_ExceptionMatches(PyObject* exc);
PyAPI_FUNC(int) PyErr_GivenExceptionMatches(PyObject* given, PyObject* exc);
/* Take/put back the current exception (new references; traceback always NULL). */
PyAPI_FUNC(void) PyErr_Fetch(PyObject** type, PyObject** value, PyObject** traceback);
PyAPI_FUNC(void) PyErr_Restore(PyObject* type, PyObject* value, PyObject* traceback);
/* Prints the current exception to stderr as "TypeName: str(value)" (or "TypeName") and
 * clears it; nothing if none is set. SystemExit is printed, not acted on; the argument of
 * PrintEx (sys.last_* in CPython) is ignored. */
PyAPI_FUNC(void) PyErr_Print(void);
PyAPI_FUNC(void) PyErr_PrintEx(int set_sys_last_vars);
/* Reports an exception raised where it cannot propagate (a finalizer, a tp_dealloc), then
 * clears it: "Exception ignored in: <T object at 0x...>" (`where` is named by its type and
 * address, not its repr: it may be mid-deallocation; NULL omits the line), then the
 * exception as PyErr_Print shows it. */
PyAPI_FUNC(void) PyErr_WriteUnraisable(PyObject* where);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYERRORS_H_ */
