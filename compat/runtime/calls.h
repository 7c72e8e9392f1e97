// What the call protocol (call.cc) shares with the callables it calls (method.cc). Not part
// of the C API.
//
// Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_CALLS_H_
#define PINION_COMPAT_RUNTIME_CALLS_H_

#include "Python.h"

namespace pinion::compat {

// CPython's _Py_CheckFunctionResult: `result` when it is a value and no exception is set, or
// NULL and one is; otherwise SystemError "<repr> returned NULL without setting an
// exception" / "<repr> returned a result with an exception set" (the result is released).
PyObject* CheckCallResult(PyObject* callable, PyObject* result);

// func(callable, args, nargs, kwnames) with the keywords of `kwargs` (a dict or NULL)
// unpacked after the positionals, as CPython's _PyStack_UnpackDict: TypeError "keywords
// must be strings" when a key is not a str. The result is not checked.
PyObject* VectorcallWithDict(vectorcallfunc func, PyObject* callable, PyObject* const* args,
                             Py_ssize_t nargs, PyObject* kwargs);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_CALLS_H_
