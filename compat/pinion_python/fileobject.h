/* File objects (CPython 3.11's fileobject.h): what extension code does with any object that
 * has write/readline/fileno methods (runtime in runtime/fileobject.cc). Pinion has no io
 * module: these functions call the object's methods, as CPython's do.
 *
 *   PyFile_WriteObject(obj, f, flags)  f.write(repr(obj)), or str(obj) with Py_PRINT_RAW; 0, or
 *                                      -1 with the exception (TypeError "writeobject with NULL
 *                                      file" for f NULL)
 *   PyFile_WriteString(s, f)           f.write(s) for a UTF-8 C string; -1 without calling
 *                                      anything if an exception is already set (SystemError
 *                                      "null file for PyFile_WriteString" for f NULL)
 *   PyFile_GetLine(f, n)               f.readline() (n <= 0) or f.readline(n): bytes or str
 *                                      (TypeError "object.readline() returned non-string");
 *                                      for n < 0 the newline is stripped and an empty result
 *                                      raises EOFError "EOF when reading a line"
 *   PyObject_AsFileDescriptor(o)       an int, or o.fileno(): the descriptor, or -1 with
 *                                      TypeError/ValueError (negative) as CPython
 *
 * Not provided: PyFile_FromFd (it builds an io object), PyFile_NewStdPrinter, the open-code
 * hooks and Py_UniversalNewlineFgets.
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_FILEOBJECT_H_
#define PINION_PYTHON_FILEOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#define PY_STDIOTEXTMODE "b"

PyAPI_FUNC(PyObject*) PyFile_GetLine(PyObject* f, int n);
PyAPI_FUNC(int) PyFile_WriteObject(PyObject* obj, PyObject* f, int flags);
PyAPI_FUNC(int) PyFile_WriteString(const char* s, PyObject* f);
PyAPI_FUNC(int) PyObject_AsFileDescriptor(PyObject* o);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_FILEOBJECT_H_ */
