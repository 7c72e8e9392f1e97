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
 * Calling conventions (ml_flags), as CPython, with its error messages:
 *   METH_VARARGS                 f(self, args_tuple); "f() takes no keyword arguments"
 *   METH_VARARGS | METH_KEYWORDS f(self, args_tuple, kwargs_dict_or_NULL)
 *   METH_NOARGS                  f(self, NULL); "f() takes no arguments (1 given)"
 *   METH_O                       f(self, arg); "f() takes exactly one argument (2 given)"
 * METH_CLASS and METH_STATIC only say what to bind as m_self: functions that set them cannot
 * be module functions (ValueError, as CPython); in a type's tp_methods, PyType_Ready makes
 * them a classmethod_descriptor or a staticmethod (descrobject.h, funcobject.h), and
 * METH_COEXIST lets an entry replace a name already in the type's dict. METH_FASTCALL and METH_METHOD are not supported: the
 * flags and function types exist so that such tables compile, but calling one raises
 * SystemError. A function that returns NULL without an exception set, or a result with one
 * set, raises SystemError, as CPython.
 *
 * Threads: any attached thread. The function objects are immutable once created.
 */
#ifndef PINION_PYTHON_METHODOBJECT_H_
#define PINION_PYTHON_METHODOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

typedef PyObject* (*PyCFunction)(PyObject*, PyObject*);
typedef PyObject* (*PyCFunctionWithKeywords)(PyObject*, PyObject*, PyObject*);
/* METH_FASTCALL and METH_METHOD signatures (calling them raises SystemError). */
typedef PyObject* (*_PyCFunctionFast)(PyObject*, PyObject* const*, Py_ssize_t);
typedef PyObject* (*_PyCFunctionFastWithKeywords)(PyObject*, PyObject* const*, Py_ssize_t,
                                                   PyObject*);
typedef _PyCFunctionFast PyCFunctionFast;
typedef _PyCFunctionFastWithKeywords PyCFunctionFastWithKeywords;
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
#define METH_FASTCALL 0x0080 /* not supported: SystemError when called */
#define METH_METHOD 0x0200   /* not supported: SystemError when called */

typedef struct {
  PyObject_HEAD
  PyMethodDef* m_ml;  /* the definition called; not owned */
  PyObject* m_self;   /* first argument of the C function; may be NULL */
  PyObject* m_module; /* the __module__ attribute (a module name); may be NULL */
} PyCFunctionObject;

PyAPI_DATA(PyTypeObject) PyCFunction_Type;

#define PyCFunction_CheckExact(op) Py_IS_TYPE((op), &PyCFunction_Type)
#define PyCFunction_Check(op) PyObject_TypeCheck((op), &PyCFunction_Type)

/* New references. `self` and `module` may be NULL; both are INCREF'd. */
PyAPI_FUNC(PyObject*) PyCFunction_NewEx(PyMethodDef* ml, PyObject* self, PyObject* module);
PyAPI_FUNC(PyObject*) PyCFunction_New(PyMethodDef* ml, PyObject* self);
/* As NewEx; `cls` is the class that defines the method (METH_METHOD functions receive it). */
PyAPI_FUNC(PyObject*) PyCMethod_New(PyMethodDef* ml, PyObject* self, PyObject* module,
                                    PyTypeObject* cls);

/* The parts of a function. SystemError (and NULL or -1) if `op` is not one; GetSelf returns
 * a borrowed reference, NULL for METH_STATIC functions. */
PyAPI_FUNC(PyCFunction) PyCFunction_GetFunction(PyObject* op);
PyAPI_FUNC(PyObject*) PyCFunction_GetSelf(PyObject* op);
PyAPI_FUNC(int) PyCFunction_GetFlags(PyObject* op);
/* Unchecked. */
#define PyCFunction_GET_FUNCTION(func) (((PyCFunctionObject*)(func))->m_ml->ml_meth)
#define PyCFunction_GET_SELF(func) \
  ((PyCFunction_GET_FLAGS(func) & METH_STATIC) ? NULL : ((PyCFunctionObject*)(func))->m_self)
#define PyCFunction_GET_FLAGS(func) (((PyCFunctionObject*)(func))->m_ml->ml_flags)

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_METHODOBJECT_H_ */
