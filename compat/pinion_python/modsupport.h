/* Module support: creating modules from a PyModuleDef, adding to them, parsing arguments
 * (PyArg_*) and building values (Py_BuildValue).
 *
 * Owns: the functions below (runtime in runtime/module.cc, runtime/arg_parse.cc and
 * runtime/build_value.cc).
 *
 * PyArg_ParseTuple and friends: CPython's format language and error messages, with
 * Py_ssize_t lengths for '#' (PY_SSIZE_T_CLEAN is always on). Codes:
 *   b B h H i I l k L K n   integers (an int or bool, no __index__; B H I k K mask, as CPython;
 *                           the others raise OverflowError when out of range)
 *   c [char] a bytes of length 1     C [int] a str of one code point
 *   f [float] d [double] a float or an int
 *   s [const char*] a str (UTF-8, no NUL inside)   s# [const char*, Py_ssize_t] a str or bytes
 *   z z#   as s s#, or None (NULL)   y [const char*] bytes (no NUL inside)   y# bytes
 *   S [PyObject*] bytes   U [PyObject*] str   O [PyObject*] anything
 *   O! [PyTypeObject*, PyObject*] an instance of that type
 *   O& [int (*)(PyObject*, void*), void*] a converter (return 1: done, 0: failed, error set)
 *   p [int] truth (PyObject_IsTrue)
 *   (...) a tuple or list of exactly those items
 * and | (the rest are optional), $ (the rest are keyword-only; ParseTupleAndKeywords only),
 * :name (the function name for messages), ;message (replaces type-mismatch messages).
 * Outputs are borrowed (O, S, U, s, y...: they live as long as the arguments); optional
 * outputs that are not given are left as they were. Not provided (SystemError "bad format"):
 * D, u, Z, w*, s*, y*, z*, es, et, and the Py_CLEANUP_SUPPORTED converter protocol.
 * Messages differ from CPython in one respect: integer and float codes given another type
 * say "argument 1 must be int, not str" (CPython reports its __index__ failure).
 *
 * Py_BuildValue: codes s s# z z# U U# y y# (NULL: None), b B h H i I l k L K n c C f d,
 * O S (INCREF'd), N (stolen, also when building fails), O& [PyObject* (*)(void*), void*],
 * (...) tuple, [...] list, {k:v,...} dict; spaces, ',' and ':' separate. No item gives None,
 * one item gives itself, several a tuple. A NULL object raises SystemError unless an
 * exception is already set. A bad format raises SystemError before any argument is read
 * ('N' references then stay the caller's). Not provided: D, u, es, et.
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_MODSUPPORT_H_
#define PINION_PYTHON_MODSUPPORT_H_

#include <stdarg.h>

#include "pinion_python/moduleobject.h"
#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#define PYTHON_API_VERSION 1013
#define PYTHON_API_STRING "1013"
#define PYTHON_ABI_VERSION 3
#define PYTHON_ABI_STRING "3"

/* ---- Creating and filling modules ---------------------------------------------------------- */

/* A new module from `def`: its m_methods added as builtin functions (m_self the module,
 * m_module its name), m_doc as __doc__, m_size bytes of zeroed state. `def` must outlive the
 * module (a static). SystemError "module X: PyModule_Create is incompatible with m_slots" for
 * a multi-phase def; the API version is not checked. */
PyAPI_FUNC(PyObject*) PyModule_Create2(PyModuleDef* def, int module_api_version);
#define PyModule_Create(def) PyModule_Create2((def), PYTHON_API_VERSION)
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
/* Multi-phase creation (PEP 489): the module named spec.name, made by the def's
 * Py_mod_create slot (called with spec and def) or as a plain module, then given the def's
 * m_methods and m_doc. SystemError, as CPython, for m_size < 0, two create slots, an unknown
 * slot id, a create slot that fails without an exception, and a created object that is not
 * a module when the def asks for state (m_size > 0, m_traverse, m_clear, m_free) or has exec
 * slots. The state is allocated by PyModule_ExecDef. */
PyAPI_FUNC(PyObject*) PyModule_FromDefAndSpec2(PyModuleDef* def, PyObject* spec,
                                               int module_api_version);
#define PyModule_FromDefAndSpec(def, spec) \
  PyModule_FromDefAndSpec2((def), (spec), PYTHON_API_VERSION)
/* Runs the def's Py_mod_exec slots on `module`, in order, after allocating its state (zeroed
 * m_size bytes, if not allocated yet). 0, or -1 with an exception set (SystemError if a slot
 * failed without one, or an unknown slot id). */
PyAPI_FUNC(int) PyModule_ExecDef(PyObject* module, PyModuleDef* def);
#endif
/* Adds each entry of a NULL-terminated table as a builtin function. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(int) PyModule_AddFunctions(PyObject* module, PyMethodDef* functions);
#endif

/* module.name = value; 0, or -1 with an exception set. AddObjectRef does not steal; Add
 * always steals (even on failure, and accepts a NULL value with an exception set, which it
 * returns -1 for); AddObject steals only on success: on failure the caller still owns
 * `value` (CPython's documented, error-prone contract). */
PyAPI_FUNC(int) PyModule_AddObjectRef(PyObject* module, const char* name, PyObject* value);
PyAPI_FUNC(int) _PyPinion_Module_Add(PyObject* module, const char* name, PyObject* value);
PyAPI_FUNC(int) PyModule_AddObject(PyObject* module, const char* name, PyObject* value);
PyAPI_FUNC(int) PyModule_AddIntConstant(PyObject* module, const char* name, long value);
PyAPI_FUNC(int) PyModule_AddStringConstant(PyObject* module, const char* name,
                                           const char* value);
#define PyModule_AddIntMacro(m, c) PyModule_AddIntConstant((m), #c, (c))
#define PyModule_AddStringMacro(m, c) PyModule_AddStringConstant((m), #c, (c))
/* Readies `type` if needed and adds it under the last dotted component of its tp_name. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03090000
PyAPI_FUNC(int) PyModule_AddType(PyObject* module, PyTypeObject* type);
#endif

/* ---- Parsing arguments --------------------------------------------------------------------- */

/* 1 on success; 0 with an exception set (TypeError for the caller's arguments, SystemError
 * for a bad format or keyword list). */
PyAPI_FUNC(int) PyArg_ParseTuple(PyObject* args, const char* format, ...);
PyAPI_FUNC(int) PyArg_VaParse(PyObject* args, const char* format, va_list vargs);
/* `keywords`: the parameter names, one per format item, NULL-terminated; leading "" are
 * positional-only. (Declared as CPython 3.13 does, so C++ may pass a const char* array and C
 * a char* one.) */
#ifdef __cplusplus
PyAPI_FUNC(int) PyArg_ParseTupleAndKeywords(PyObject* args, PyObject* kwargs, const char* format,
                                            const char* const* keywords, ...);
PyAPI_FUNC(int) PyArg_VaParseTupleAndKeywords(PyObject* args, PyObject* kwargs,
                                              const char* format, const char* const* keywords,
                                              va_list vargs);
#else
PyAPI_FUNC(int) PyArg_ParseTupleAndKeywords(PyObject* args, PyObject* kwargs, const char* format,
                                            char* const* keywords, ...);
PyAPI_FUNC(int) PyArg_VaParseTupleAndKeywords(PyObject* args, PyObject* kwargs,
                                              const char* format, char* const* keywords,
                                              va_list vargs);
#endif
/* Unpacks `args` (a tuple) into the PyObject** that follow (borrowed), min..max of them;
 * TypeError "name expected at least 1 argument, got 0" otherwise. */
PyAPI_FUNC(int) PyArg_UnpackTuple(PyObject* args, const char* name, Py_ssize_t min,
                                  Py_ssize_t max, ...);

/* ---- Building values ----------------------------------------------------------------------- */

/* A new reference, or NULL with an exception set. */
PyAPI_FUNC(PyObject*) Py_BuildValue(const char* format, ...);
PyAPI_FUNC(PyObject*) Py_VaBuildValue(const char* format, va_list vargs);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_MODSUPPORT_H_ */
