/* More of the object protocol: names CPython 3.11 declares in object.h, abstract.h and
 * modsupport.h (runtime in runtime/object_extras.cc and runtime/format_spec.cc).
 *
 *   - PyObject_IsInstance/IsSubclass: types (PyType_IsSubtype) and tuples of them, nested;
 *     CPython's TypeErrors for anything else. Pinion has no __instancecheck__/
 *     __subclasscheck__ hooks and no union types (types.UnionType).
 *   - PyObject_Format: format(obj, spec) with CPython's format-spec mini-language for str,
 *     int (and bool), float and objects without __format__ (object.__format__: only the
 *     empty spec); a type whose tp_methods define "__format__" is called. The 'n' type
 *     formats as in the C locale (no grouping), as CPython does when no locale is set.
 *   - PyObject_ASCII, PyObject_Bytes (bytes; __bytes__ from tp_methods; lists and tuples of
 *     ints), PyObject_Dir (sorted names: a module's dict; a type's and its bases' tp_dict and
 *     tp_methods; an instance's __dict__ plus its type's), PyObject_Print.
 *   - _PyObject_LookupAttr (3.11's private but widely used form of getattr with a default).
 *   - PyArg_ValidateKeywordArguments.
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_OBJECT_EXTRAS_H_
#define PINION_PYTHON_OBJECT_EXTRAS_H_

#include <stdio.h>

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* 1, 0, or -1 with TypeError ("isinstance() arg 2 must be a type, a tuple of types, or a
 * union"; "issubclass() arg 1 must be a class"...). */
PyAPI_FUNC(int) PyObject_IsInstance(PyObject* object, PyObject* typeorclass);
PyAPI_FUNC(int) PyObject_IsSubclass(PyObject* object, PyObject* typeorclass);

/* format(obj, format_spec): a new str, or NULL with ValueError/TypeError. format_spec NULL
 * is "". */
PyAPI_FUNC(PyObject*) PyObject_Format(PyObject* obj, PyObject* format_spec);
/* repr(o) with non-ASCII characters escaped (\xhh, \uhhhh, \Uhhhhhhhh). */
PyAPI_FUNC(PyObject*) PyObject_ASCII(PyObject* o);
/* bytes(o); NULL gives b'<NULL>'. */
PyAPI_FUNC(PyObject*) PyObject_Bytes(PyObject* o);
/* dir(o): a new sorted list of str. NULL (dir() of the caller's locals) is a SystemError:
 * there are no frames. */
PyAPI_FUNC(PyObject*) PyObject_Dir(PyObject* o);

/* Writes repr(o) (str(o) with Py_PRINT_RAW) to fp; NULL writes "<nil>". 0, or -1 with an
 * exception set. */
#define Py_PRINT_RAW 1
#ifndef Py_LIMITED_API
PyAPI_FUNC(int) PyObject_Print(PyObject* o, FILE* fp, int flags);
#endif

/* getattr(v, name) without raising AttributeError: 1 with *result a new reference, 0 with
 * *result NULL when there is no such attribute, -1 with *result NULL on another error. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(int) _PyObject_LookupAttr(PyObject* v, PyObject* name, PyObject** result);
#endif

/* 1 if kwargs is a dict whose keys are all str; else 0 with TypeError ("keywords must be
 * strings"), or SystemError if it is not a dict. */
PyAPI_FUNC(int) PyArg_ValidateKeywordArguments(PyObject* kwargs);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_OBJECT_EXTRAS_H_ */
