/* The os module's C API (CPython 3.11's osmodule.h; runtime in runtime/fspath.cc).
 *
 * PyOS_FSPath(path): os.fspath(path): a str or bytes itself (a new reference), else the result
 * of path.__fspath__() (found in its type's tp_methods), which must be str or bytes
 * (TypeError "expected T.__fspath__() to return str or bytes, not U"); TypeError "expected
 * str, bytes or os.PathLike object, not T" when there is no __fspath__.
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_OSMODULE_H_
#define PINION_PYTHON_OSMODULE_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03060000
PyAPI_FUNC(PyObject*) PyOS_FSPath(PyObject* path);
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_OSMODULE_H_ */
