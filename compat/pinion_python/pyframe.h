/* Interpreter frames and code objects: Pinion runs no Python code, so it has neither. The
 * types are declared (opaque), so that headers which only pass them around compile
 * (python/pythoncapi-compat's pythoncapi_compat.h); every function fails to compile with a
 * message, as other unsupported API does.
 */
#ifndef PINION_PYTHON_PYFRAME_H_
#define PINION_PYTHON_PYFRAME_H_

#include "pinion_python/object.h"
#include "pinion_python/pystate.h"

_PyPinion_EXTERN_C_BEGIN

typedef struct _frame PyFrameObject;
typedef struct PyCodeObject PyCodeObject;

#define _PyPinion_NO_FRAMES(name) \
  _PyPinion_UNSUPPORTED(name ": Pinion runs no Python code, so there are no frames")
PyAPI_FUNC(PyCodeObject*) PyFrame_GetCode(PyFrameObject* frame)
    _PyPinion_NO_FRAMES("PyFrame_GetCode");
PyAPI_FUNC(int) PyFrame_GetLineNumber(PyFrameObject* frame)
    _PyPinion_NO_FRAMES("PyFrame_GetLineNumber");
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03090000
PyAPI_FUNC(PyFrameObject*) PyThreadState_GetFrame(PyThreadState* tstate)
    _PyPinion_NO_FRAMES("PyThreadState_GetFrame");
#endif
#ifndef Py_LIMITED_API
PyAPI_FUNC(PyFrameObject*) PyFrame_GetBack(PyFrameObject* frame)
    _PyPinion_NO_FRAMES("PyFrame_GetBack");
PyAPI_FUNC(PyObject*) PyFrame_GetLocals(PyFrameObject* frame)
    _PyPinion_NO_FRAMES("PyFrame_GetLocals");
PyAPI_FUNC(PyObject*) PyFrame_GetGlobals(PyFrameObject* frame)
    _PyPinion_NO_FRAMES("PyFrame_GetGlobals");
PyAPI_FUNC(PyObject*) PyFrame_GetBuiltins(PyFrameObject* frame)
    _PyPinion_NO_FRAMES("PyFrame_GetBuiltins");
PyAPI_FUNC(int) PyFrame_GetLasti(PyFrameObject* frame) _PyPinion_NO_FRAMES("PyFrame_GetLasti");
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYFRAME_H_ */
