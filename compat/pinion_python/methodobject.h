/* Builtin functions: PyMethodDef tables and the objects that call them.
 *
 * Owns: PyMethodDef, the METH_* calling conventions, PyCFunction_Type
 * (builtin_function_or_method) and the PyCFunction_* API (runtime in runtime/method.cc).
 *
 * A builtin function binds a PyMethodDef (not copied: it must outlive the function, as
 * CPython requires — in practice a static table) to m_self (passed as the C function's first
 * argument: the module for module functions) and m_module (the module's name, or NULL).
 * It is a GC object: tp_traverse visits m_self and m_module, which are pins it owns.
 *
 * Calling conventions (ml_flags), as CPython 3.11, with its error messages:
 *   METH_VARARGS                 f(self, args_tuple); "f() takes no keyword arguments"
 *   METH_VARARGS | METH_KEYWORDS f(self, args_tuple, kwargs_dict_or_NULL)
 *   METH_NOARGS                  f(self, NULL); "mod.f() takes no arguments (1 given)"
 *   METH_O                       f(self, arg); "mod.f() takes exactly one argument (2 given)"
 *   METH_FASTCALL                f(self, args, nargs) (_PyCFunctionFast)
 *   METH_FASTCALL | METH_KEYWORDS
 *                                f(self, args, nargs, kwnames): the keyword values follow
 *                                the nargs positionals in args; kwnames is a tuple of str, or
 *                                NULL when there are none (_PyCFunctionFastWithKeywords)
 *   METH_METHOD | METH_FASTCALL | METH_KEYWORDS
 *                                f(self, cls, args, nargs, kwnames), cls the class that
 *                                defines the method (PyCMethod; the function is a
 *                                PyCMethodObject, made by PyCMethod_New with that class)
 * Except for METH_VARARGS ones, functions are called through vectorcall (call.h): their
 * PyCFunctionObject.vectorcall is set by PyCMethod_New. The conventions without keywords
 * raise "mod.f() takes no keyword arguments" when given some. "mod.f()" is the function's
 * qualified name as CPython's messages give it: "f()" when m_module is NULL, None or
 * "builtins", and "T.f()" for a method bound to an instance of (or to) the type T.
 * METH_CLASS and METH_STATIC only say what to bind as m_self: functions that set them cannot
 * be module functions (ValueError, as CPython); in a type's tp_methods, PyType_Ready makes
 * them a classmethod_descriptor or a staticmethod (descrobject.h, funcobject.h), and
 * METH_COEXIST lets an entry replace a name already in the type's dict. Other combinations are SystemError "f() method: bad call
 * flags" when the function is made. A function that returns NULL without an exception set,
 * or a result with one set, raises SystemError, as CPython.
 *
 * Attributes, as CPython's: __name__, __qualname__ ("T.f" for methods), __module__ (None when
 * m_module is NULL), __self__ (None when NULL), __doc__ and __text_signature__ (from a
 * docstring that starts "f(args)\n--\n\n", as Argument Clinic writes them; a METH_METHOD
 * function's __doc__ is None, as in CPython 3.11).
 *
 * Differs from CPython: __module__ cannot be set (the functions are immutable, so that
 * threads may read them without a lock). m_weakreflist is the runtime's (weakrefobject.h).
 *
 * Threads: any attached thread. The function objects are immutable once created.
 */
#ifndef PINION_PYTHON_METHODOBJECT_H_
#define PINION_PYTHON_METHODOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

typedef PyObject* (*PyCFunction)(PyObject*, PyObject*);
typedef PyObject* (*PyCFunctionWithKeywords)(PyObject*, PyObject*, PyObject*);
/* The METH_FASTCALL and METH_METHOD signatures (CPython 3.11's names: PyCFunctionFast and
 * PyCFunctionFastWithKeywords without the underscore are 3.13's). */
typedef PyObject* (*_PyCFunctionFast)(PyObject*, PyObject* const*, Py_ssize_t);
typedef PyObject* (*_PyCFunctionFastWithKeywords)(PyObject*, PyObject* const*, Py_ssize_t,
                                                   PyObject*);
/* (PyCFunctionFast and PyCFunctionFastWithKeywords are 3.13 names: not declared.) */
typedef PyObject* (*PyCMethod)(PyObject*, PyTypeObject*, PyObject* const*, size_t, PyObject*);

struct PyMethodDef {
  const char* ml_name; /* NULL ends a table */
  PyCFunction ml_meth; /* cast to it from the convention's type */
  int ml_flags;        /* METH_* */
  const char* ml_doc;  /* may be NULL */
};
typedef struct PyMethodDef PyMethodDef;

#define METH_VARARGS 0x0001
#define METH_KEYWORDS 0x0002
#define METH_NOARGS 0x0004
#define METH_O 0x0008
#define METH_CLASS 0x0010
#define METH_STATIC 0x0020
#define METH_COEXIST 0x0040
#define METH_FASTCALL 0x0080
#define METH_STACKLESS 0x0000 /* Stackless Python's flag: nothing in CPython */
#define METH_METHOD 0x0200

/* Casts a function of any convention's type to PyCFunction, for ml_meth (through
 * void (*)(void), so compilers do not warn about the cast between function types). */
#define _PyCFunction_CAST(func) ((PyCFunction)(void (*)(void))(func))

/* CPython 3.11's layout. */
#ifndef Py_LIMITED_API
typedef struct {
  PyObject_HEAD
  PyMethodDef* m_ml;       /* the definition called; not owned */
  PyObject* m_self;        /* first argument of the C function; may be NULL */
  PyObject* m_module;      /* the __module__ attribute (a module name); may be NULL */
  PyObject* m_weakreflist; /* weak references to the function (the runtime's) */
  vectorcallfunc vectorcall; /* NULL for METH_VARARGS functions (called through tp_call) */
} PyCFunctionObject;

/* A METH_METHOD function: a PyCFunctionObject that also owns its defining class. */
typedef struct {
  PyCFunctionObject func;
  PyTypeObject* mm_class; /* the class that defines the method; a reference it owns */
} PyCMethodObject;
#endif /* !Py_LIMITED_API */

/* builtin_function_or_method, and its subtype builtin_method (METH_METHOD functions). */
PyAPI_DATA(PyTypeObject) PyCFunction_Type;
#ifndef Py_LIMITED_API
PyAPI_DATA(PyTypeObject) PyCMethod_Type;
#endif

#define PyCFunction_CheckExact(op) Py_IS_TYPE((op), &PyCFunction_Type)
#define PyCFunction_Check(op) PyObject_TypeCheck((op), &PyCFunction_Type)
#ifndef Py_LIMITED_API
#define PyCMethod_CheckExact(op) Py_IS_TYPE((op), &PyCMethod_Type)
#define PyCMethod_Check(op) PyObject_TypeCheck((op), &PyCMethod_Type)
#endif

/* New references. `self` and `module` may be NULL; both are INCREF'd. SystemError for bad
 * call flags. */
PyAPI_FUNC(PyObject*) PyCFunction_NewEx(PyMethodDef* ml, PyObject* self, PyObject* module);
PyAPI_FUNC(PyObject*) PyCFunction_New(PyMethodDef* ml, PyObject* self);
/* As NewEx; `cls` is the class that defines the method, which METH_METHOD functions receive
 * (INCREF'd). SystemError, as CPython, when `ml` has METH_METHOD and `cls` is NULL, or
 * `cls` is given without METH_METHOD. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03090000
PyAPI_FUNC(PyObject*) PyCMethod_New(PyMethodDef* ml, PyObject* self, PyObject* module,
                                    PyTypeObject* cls);
#endif
/* PyObject_Call(func, args, kwargs); deprecated since CPython 3.9. */
PyAPI_FUNC(PyObject*) PyCFunction_Call(PyObject* func, PyObject* args, PyObject* kwargs)
    Py_DEPRECATED(3.9);

/* The parts of a function. SystemError (and NULL or -1) if `op` is not one; GetSelf returns
 * a borrowed reference, NULL for METH_STATIC functions. */
PyAPI_FUNC(PyCFunction) PyCFunction_GetFunction(PyObject* op);
PyAPI_FUNC(PyObject*) PyCFunction_GetSelf(PyObject* op);
PyAPI_FUNC(int) PyCFunction_GetFlags(PyObject* op);
#ifndef Py_LIMITED_API
/* Unchecked. */
#define PyCFunction_GET_FUNCTION(func) (((PyCFunctionObject*)(func))->m_ml->ml_meth)
#define PyCFunction_GET_SELF(func) \
  ((PyCFunction_GET_FLAGS(func) & METH_STATIC) ? NULL : ((PyCFunctionObject*)(func))->m_self)
#define PyCFunction_GET_FLAGS(func) (((PyCFunctionObject*)(func))->m_ml->ml_flags)
/* The defining class of a METH_METHOD function (borrowed), else NULL. */
#define PyCFunction_GET_CLASS(func)                   \
  ((PyCFunction_GET_FLAGS(func) & METH_METHOD)        \
       ? ((PyCMethodObject*)(func))->mm_class : NULL)
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_METHODOBJECT_H_ */
