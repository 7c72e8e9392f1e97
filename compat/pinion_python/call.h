/* The call protocol: calling objects with a tuple and a dict (tp_call), with a C array and
 * a tuple of keyword names (vectorcall, PEP 590), and the convenience forms. CPython
 * declares these in abstract.h and cpython/abstract.h; abstract.h includes this header
 * (runtime in runtime/call.cc).
 *
 * Vectorcall, as CPython 3.11: a type sets Py_TPFLAGS_HAVE_VECTORCALL and
 * tp_vectorcall_offset, the offset of a vectorcallfunc field in its instances;
 * PyObject_Vectorcall calls that function when it is not NULL, and otherwise tp_call with
 * a tuple and a dict made from the array. args[0..nargs) are the positional arguments,
 * followed by one value per name in kwnames (a tuple of str, or NULL for none). A caller
 * that sets PY_VECTORCALL_ARGUMENTS_OFFSET in nargsf lets the callee overwrite args[-1]
 * temporarily (it must put it back). PyObject_Call on such an object goes to the
 * vectorcall function too, keywords converted to kwnames ("keywords must be strings" when a
 * key is not a str). Builtin functions (methodobject.h) are vectorcall objects, except
 * METH_VARARGS ones, which CPython also calls through tp_call.
 *
 * Errors are CPython's: "'T' object is not callable", "'T' object does not support
 * vectorcall" (PyVectorcall_Call on an object without a vectorcall function), SystemError
 * "null argument to internal routine" for a NULL callable or object, and SystemError when a
 * callable returns NULL without an exception set or a result with one set.
 * Where Pinion differs: CPython 3.11 skips that last check when PyObject_Call reaches a
 * vectorcall function without keywords (the caller then sees NULL and no exception);
 * Pinion checks every call. Bad input CPython only asserts against (args not a tuple,
 * kwargs not a dict, kwnames not a tuple, a NULL array with arguments) raises TypeError or
 * SystemError here instead of crashing. Calls are not counted for RecursionError. A type's
 * own tp_vectorcall (CPython's fast path for calling a type) is not used: calling a type goes
 * through its tp_call (tp_new, then tp_init), which such a type must agree with anyway.
 *
 * PY_SSIZE_T_CLEAN is always in effect: '#' formats take Py_ssize_t lengths, with or
 * without the macro (CPython 3.11 raises SystemError without it).
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_CALL_H_
#define PINION_PYTHON_CALL_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* 1 if `o` has a tp_call (vectorcall objects have one too: PyVectorcall_Call). */
PyAPI_FUNC(int) PyCallable_Check(PyObject* o);

/* ---- Tuple and dict calls ------------------------------------------------------------------ */

/* callable(*args, **kwargs): args a tuple, kwargs a dict or NULL. */
PyAPI_FUNC(PyObject*) PyObject_Call(PyObject* callable, PyObject* args, PyObject* kwargs);
/* args a tuple, or NULL for no arguments. */
PyAPI_FUNC(PyObject*) PyObject_CallObject(PyObject* callable, PyObject* args);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03090000
PyAPI_FUNC(PyObject*) PyObject_CallNoArgs(PyObject* callable);
#endif
#ifndef Py_LIMITED_API
PyAPI_FUNC(PyObject*) PyObject_CallOneArg(PyObject* callable, PyObject* arg);
#endif
/* callable(*args) for the values Py_BuildValue(format, ...) (modsupport.h) makes: several
 * are the arguments, one tuple is the arguments (CPython's compatibility rule), one other
 * value the one argument; format NULL or "" passes none. */
PyAPI_FUNC(PyObject*) PyObject_CallFunction(PyObject* callable, const char* format, ...);
/* o.name(...) as CallFunction; TypeError "attribute of type 'T' is not callable". */
PyAPI_FUNC(PyObject*) PyObject_CallMethod(PyObject* o, const char* name, const char* format,
                                          ...);
/* The same (every format is PY_SSIZE_T_CLEAN's); CPython's names under PY_SSIZE_T_CLEAN. */
PyAPI_FUNC(PyObject*) _PyObject_CallFunction_SizeT(PyObject* callable, const char* format,
                                                   ...);
PyAPI_FUNC(PyObject*) _PyObject_CallMethod_SizeT(PyObject* o, const char* name,
                                                 const char* format, ...);
#ifdef PY_SSIZE_T_CLEAN
#define PyObject_CallFunction _PyObject_CallFunction_SizeT
#define PyObject_CallMethod _PyObject_CallMethod_SizeT
#endif
/* The arguments are PyObject*, ending with NULL. */
PyAPI_FUNC(PyObject*) PyObject_CallFunctionObjArgs(PyObject* callable, ...);
/* o.name(...): name is a str. */
PyAPI_FUNC(PyObject*) PyObject_CallMethodObjArgs(PyObject* o, PyObject* name, ...);
/* o.name() and o.name(arg), through PyObject_VectorcallMethod (static inline in CPython). */
#ifndef Py_LIMITED_API
PyAPI_FUNC(PyObject*) PyObject_CallMethodNoArgs(PyObject* o, PyObject* name);
PyAPI_FUNC(PyObject*) PyObject_CallMethodOneArg(PyObject* o, PyObject* name, PyObject* arg);
#endif

/* ---- Vectorcall ------------------------------------------------------------------------ */

#ifndef Py_LIMITED_API
#define PY_VECTORCALL_ARGUMENTS_OFFSET ((size_t)1 << (8 * sizeof(size_t) - 1))

/* The number of positional arguments in a vectorcall's nargsf. */
static inline Py_ssize_t PyVectorcall_NARGS(size_t n) {
  return (Py_ssize_t)(n & ~PY_VECTORCALL_ARGUMENTS_OFFSET);
}

/* The object's vectorcall function: NULL unless its type has Py_TPFLAGS_HAVE_VECTORCALL
 * and the instance's pointer is set. */
PyAPI_FUNC(vectorcallfunc) PyVectorcall_Function(PyObject* callable);
/* callable(*args[:nargs], **dict(zip(kwnames, args[nargs:]))). */
PyAPI_FUNC(PyObject*) PyObject_Vectorcall(PyObject* callable, PyObject* const* args,
                                          size_t nargsf, PyObject* kwnames);
/* The same with the keywords in a dict (or NULL). */
PyAPI_FUNC(PyObject*) PyObject_VectorcallDict(PyObject* callable, PyObject* const* args,
                                              size_t nargsf, PyObject* kwargs);
/* Calls the vectorcall function at tp_vectorcall_offset (Py_TPFLAGS_HAVE_VECTORCALL not
 * needed) with a tuple and a dict: a type's tp_call may be PyVectorcall_Call. */
PyAPI_FUNC(PyObject*) PyVectorcall_Call(PyObject* callable, PyObject* tuple, PyObject* dict);
/* args[0].name(*args[1:nargs], ...): at least one argument (the object). */
PyAPI_FUNC(PyObject*) PyObject_VectorcallMethod(PyObject* name, PyObject* const* args,
                                                size_t nargsf, PyObject* kwnames);
#endif

/* ---- ceval.h's call functions, deprecated since CPython 3.9 ---------------------------- */

/* callable(*args, **kwargs): args a tuple or NULL (none), kwargs a dict or NULL; TypeError
 * "argument list must be a tuple" / "keyword list must be a dictionary" otherwise. */
PyAPI_FUNC(PyObject*) PyEval_CallObjectWithKeywords(PyObject* callable, PyObject* args,
                                                    PyObject* kwargs) Py_DEPRECATED(3.9);
#define PyEval_CallObject(callable, arg) \
  PyEval_CallObjectWithKeywords((callable), (arg), (PyObject*)NULL)
/* PyObject_CallFunction and PyObject_CallMethod under their old names. */
PyAPI_FUNC(PyObject*) PyEval_CallFunction(PyObject* callable, const char* format, ...)
    Py_DEPRECATED(3.9);
PyAPI_FUNC(PyObject*) PyEval_CallMethod(PyObject* o, const char* name, const char* format, ...)
    Py_DEPRECATED(3.9);

#ifndef Py_LIMITED_API
/* CPython 3.8's provisional names, which 3.11 keeps as aliases. */
#define _PyObject_Vectorcall PyObject_Vectorcall
#define _PyObject_VectorcallMethod PyObject_VectorcallMethod
#define _PyObject_FastCallDict PyObject_VectorcallDict
#define _PyVectorcall_Function PyVectorcall_Function
#define _PyObject_CallOneArg PyObject_CallOneArg
#define _PyObject_CallMethodNoArgs PyObject_CallMethodNoArgs
#define _PyObject_CallMethodOneArg PyObject_CallMethodOneArg
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_CALL_H_ */
