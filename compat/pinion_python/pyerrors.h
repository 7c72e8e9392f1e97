/* Exceptions: the calling thread's current exception, exception objects and the standard
 * exception types (runtime in runtime/errors.cc: the thread state and PyErr_*; runtime/
 * exceptions.cc: the types and their instances).
 *
 * Exception instances have CPython 3.11's public layout (PyBaseExceptionObject and the
 * subtype structs of its cpython/pyerrors.h), are GC objects, and the PyExc_* types are
 * CPython 3.11's full hierarchy with its names, bases and docs, callable as in Python:
 * ValueError('x').args == ('x',), str/repr as CPython's, KeyError's str is the key's repr,
 * OSError(errno, strerror[, filename[, winerror[, filename2]]]) picks the errno's subclass
 * (OSError(2, 'x') is a FileNotFoundError), StopIteration.value, SystemExit.code,
 * ImportError(msg, name=, path=), NameError(name=), AttributeError(name=, obj=),
 * SyntaxError(msg, (filename, lineno, offset, text[, end_lineno, end_offset])),
 * UnicodeEncodeError/DecodeError/TranslateError with their fields and messages,
 * BaseExceptionGroup(msg, excs) (an ExceptionGroup when all are Exceptions); methods
 * with_traceback, add_note (__notes__), __reduce__, __setstate__. A static type with
 * tp_base = (PyTypeObject*)PyExc_Exception (set before PyType_Ready) subclasses them from C.
 *
 * The current exception is a (type, value, traceback) triple per thread, as in CPython 3.11:
 * PyErr_SetString/SetObject/Format store the value as given (a str, a tuple, NULL...);
 * PyErr_Fetch may return such an unnormalised value, and PyErr_NormalizeException makes it an
 * instance. PyErr_SetObject chains implicitly (__context__) when an exception is being
 * handled (PyErr_SetExcInfo/SetHandledException), normalising right away as CPython does. Extension modules'
 * own exception classes come from PyErr_NewException.
 *
 * Where Pinion differs: there are no traceback objects (no frames): tracebacks are always
 * NULL/None, __traceback__ accepts only None, and PyErr_Print shows "Type: message" with no
 * traceback. The data attributes (args, __cause__, __context__, __suppress_context__,
 * __traceback__, __dict__ and the subtypes' fields: errno, value, code, msg...) are served by
 * the exception types' own tp_getattro/tp_setattro, not by descriptors in the types' dicts
 * (PyObject_Dir lists them all the same). ExceptionGroup (not public in 3.11 either)
 * has BaseExceptionGroup as its only base (CPython: also Exception; no multiple inheritance
 * yet), so PyErr_ExceptionMatches(PyExc_Exception) is false for it. BaseExceptionGroup takes
 * a tuple or list only, and has no split()/subgroup()/derive(). UnicodeDecodeError takes
 * bytes only (no buffer protocol).
 * Signals: see PyErr_CheckSignals below.
 *
 * The triple is held as pins of the thread's. A thread that detaches for good with an
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

#ifndef _Py_NO_RETURN
#define _Py_NO_RETURN __attribute__((__noreturn__))
#endif

_PyPinion_EXTERN_C_BEGIN

#ifndef Py_LIMITED_API
/* The public layouts of CPython 3.11 (cpython/pyerrors.h). */
#define PyException_HEAD                                                    \
  PyObject_HEAD PyObject* dict;                                             \
  PyObject* args;                                                           \
  PyObject* notes;                                                          \
  PyObject* traceback;                                                      \
  PyObject* context;                                                        \
  PyObject* cause;                                                          \
  char suppress_context;

typedef struct {
  PyException_HEAD
} PyBaseExceptionObject;

typedef struct {
  PyException_HEAD
  PyObject* msg;
  PyObject* excs;
} PyBaseExceptionGroupObject;

typedef struct {
  PyException_HEAD
  PyObject* msg;
  PyObject* filename;
  PyObject* lineno;
  PyObject* offset;
  PyObject* end_lineno;
  PyObject* end_offset;
  PyObject* text;
  PyObject* print_file_and_line;
} PySyntaxErrorObject;

typedef struct {
  PyException_HEAD
  PyObject* msg;
  PyObject* name;
  PyObject* path;
} PyImportErrorObject;

typedef struct {
  PyException_HEAD
  PyObject* encoding;
  PyObject* object;
  Py_ssize_t start;
  Py_ssize_t end;
  PyObject* reason;
} PyUnicodeErrorObject;

typedef struct {
  PyException_HEAD
  PyObject* code;
} PySystemExitObject;

typedef struct {
  PyException_HEAD
  PyObject* myerrno;
  PyObject* strerror;
  PyObject* filename;
  PyObject* filename2;
  Py_ssize_t written; /* only for BlockingIOError, -1 otherwise */
} PyOSErrorObject;

typedef struct {
  PyException_HEAD
  PyObject* value;
} PyStopIterationObject;

typedef struct {
  PyException_HEAD
  PyObject* name;
} PyNameErrorObject;

typedef struct {
  PyException_HEAD
  PyObject* obj;
  PyObject* name;
} PyAttributeErrorObject;

typedef PyOSErrorObject PyEnvironmentErrorObject;
#endif /* !Py_LIMITED_API */

/* The standard exception types, CPython 3.11's hierarchy (EnvironmentError and IOError are
 * OSError). */
PyAPI_DATA(PyObject*) PyExc_BaseException;
PyAPI_DATA(PyObject*) PyExc_Exception;
PyAPI_DATA(PyObject*) PyExc_BaseExceptionGroup;
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_DATA(PyObject*) PyExc_StopAsyncIteration;
#endif
PyAPI_DATA(PyObject*) PyExc_StopIteration;
PyAPI_DATA(PyObject*) PyExc_GeneratorExit;
PyAPI_DATA(PyObject*) PyExc_ArithmeticError;
PyAPI_DATA(PyObject*) PyExc_LookupError;
PyAPI_DATA(PyObject*) PyExc_AssertionError;
PyAPI_DATA(PyObject*) PyExc_AttributeError;
PyAPI_DATA(PyObject*) PyExc_BufferError;
PyAPI_DATA(PyObject*) PyExc_EOFError;
PyAPI_DATA(PyObject*) PyExc_FloatingPointError;
PyAPI_DATA(PyObject*) PyExc_OSError;
PyAPI_DATA(PyObject*) PyExc_ImportError;
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03060000
PyAPI_DATA(PyObject*) PyExc_ModuleNotFoundError;
#endif
PyAPI_DATA(PyObject*) PyExc_IndexError;
PyAPI_DATA(PyObject*) PyExc_KeyError;
PyAPI_DATA(PyObject*) PyExc_KeyboardInterrupt;
PyAPI_DATA(PyObject*) PyExc_MemoryError;
PyAPI_DATA(PyObject*) PyExc_NameError;
PyAPI_DATA(PyObject*) PyExc_OverflowError;
PyAPI_DATA(PyObject*) PyExc_RuntimeError;
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_DATA(PyObject*) PyExc_RecursionError;
#endif
PyAPI_DATA(PyObject*) PyExc_NotImplementedError;
PyAPI_DATA(PyObject*) PyExc_SyntaxError;
PyAPI_DATA(PyObject*) PyExc_IndentationError;
PyAPI_DATA(PyObject*) PyExc_TabError;
PyAPI_DATA(PyObject*) PyExc_ReferenceError;
PyAPI_DATA(PyObject*) PyExc_SystemError;
PyAPI_DATA(PyObject*) PyExc_SystemExit;
PyAPI_DATA(PyObject*) PyExc_TypeError;
PyAPI_DATA(PyObject*) PyExc_UnboundLocalError;
PyAPI_DATA(PyObject*) PyExc_UnicodeError;
PyAPI_DATA(PyObject*) PyExc_UnicodeEncodeError;
PyAPI_DATA(PyObject*) PyExc_UnicodeDecodeError;
PyAPI_DATA(PyObject*) PyExc_UnicodeTranslateError;
PyAPI_DATA(PyObject*) PyExc_ValueError;
PyAPI_DATA(PyObject*) PyExc_ZeroDivisionError;
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_BlockingIOError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_BrokenPipeError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_ChildProcessError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_ConnectionError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_ConnectionAbortedError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_ConnectionRefusedError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_ConnectionResetError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_FileExistsError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_FileNotFoundError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_InterruptedError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_IsADirectoryError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_NotADirectoryError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_PermissionError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_ProcessLookupError;
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_DATA(PyObject*) PyExc_TimeoutError;
#endif
PyAPI_DATA(PyObject*) PyExc_EnvironmentError;
PyAPI_DATA(PyObject*) PyExc_IOError;
PyAPI_DATA(PyObject*) PyExc_Warning;
PyAPI_DATA(PyObject*) PyExc_UserWarning;
PyAPI_DATA(PyObject*) PyExc_DeprecationWarning;
PyAPI_DATA(PyObject*) PyExc_PendingDeprecationWarning;
PyAPI_DATA(PyObject*) PyExc_SyntaxWarning;
PyAPI_DATA(PyObject*) PyExc_RuntimeWarning;
PyAPI_DATA(PyObject*) PyExc_FutureWarning;
PyAPI_DATA(PyObject*) PyExc_ImportWarning;
PyAPI_DATA(PyObject*) PyExc_UnicodeWarning;
PyAPI_DATA(PyObject*) PyExc_BytesWarning;
PyAPI_DATA(PyObject*) PyExc_EncodingWarning;
PyAPI_DATA(PyObject*) PyExc_ResourceWarning;

/* True for BaseException and its subclasses / their instances. */
#define PyExceptionClass_Check(x) \
  (PyType_Check(x) && PyType_FastSubclass((PyTypeObject*)(x), Py_TPFLAGS_BASE_EXC_SUBCLASS))
#define PyExceptionInstance_Check(x) \
  PyType_FastSubclass(Py_TYPE(x), Py_TPFLAGS_BASE_EXC_SUBCLASS)
#define PyExceptionInstance_Class(x) ((PyObject*)Py_TYPE(x))
/* The type's tp_name. */
PyAPI_FUNC(const char*) PyExceptionClass_Name(PyObject* exc);
#define _PyBaseExceptionGroup_Check(x) \
  PyObject_TypeCheck((x), (PyTypeObject*)PyExc_BaseExceptionGroup)

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
/* Take/put back the current exception (new references). The value is what was raised, not
 * necessarily an instance (PyErr_NormalizeException makes it one); the traceback is NULL
 * (Pinion has no traceback objects). */
PyAPI_FUNC(void) PyErr_Fetch(PyObject** type, PyObject** value, PyObject** traceback);
PyAPI_FUNC(void) PyErr_Restore(PyObject* type, PyObject* value, PyObject* traceback);
/* Prints the current exception as PyErr_Display does and clears it; nothing if none is set.
 * SystemExit is printed, not acted on; the argument of PrintEx (sys.last_* in CPython) is
 * ignored. */
PyAPI_FUNC(void) PyErr_Print(void);
PyAPI_FUNC(void) PyErr_PrintEx(int set_sys_last_vars);
/* Prints the exception (value normalised to an instance of exception) as CPython 3.11 does
 * when there is no traceback: "TypeName: str(value)" (or "TypeName") and a newline, with
 * sys.stderr's write method when the embedder set sys.stderr, nothing when it is None, and
 * to the C stream stderr when it is missing or its write fails (CPython then prints "lost
 * sys.stderr"). The traceback is ignored (Pinion has none); the arguments are borrowed. */
PyAPI_FUNC(void) PyErr_Display(PyObject* exception, PyObject* value, PyObject* traceback);
/* Reports an exception raised where it cannot propagate (a finalizer, a tp_dealloc), then
 * clears it: "Exception ignored in: <T object at 0x...>" (`where` is named by its type and
 * address, not its repr: it may be mid-deallocation; NULL omits the line), then the
 * exception as PyErr_Print shows it. */
PyAPI_FUNC(void) PyErr_WriteUnraisable(PyObject* where);

/* Makes *value an instance of *type (or of a subclass, which then becomes *type), calling
 * the type with the value (NULL or None: no arguments; a tuple: the arguments). If that
 * raises, the new exception replaces the triple. NULL *type: nothing. */
PyAPI_FUNC(void) PyErr_NormalizeException(PyObject** type, PyObject** value, PyObject** tb);

/* The exception being handled (sys.exc_info(), per thread): Get returns new references (when
 * none: None, None, None, or None, NULL, None after a Set of NULL, as CPython 3.11); Set
 * steals them (only the value counts, as in 3.11). */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(void) PyErr_GetExcInfo(PyObject** type, PyObject** value, PyObject** traceback);
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(void) PyErr_SetExcInfo(PyObject* type, PyObject* value, PyObject* traceback);
#endif
/* 3.11's forms of the same: a new reference or NULL; Set does not steal (NULL/None clear). */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030B0000
PyAPI_FUNC(PyObject*) PyErr_GetHandledException(void);
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030B0000
PyAPI_FUNC(void) PyErr_SetHandledException(PyObject* exc);
#endif

/* An exception instance's fields: Get* return new references or NULL; SetCause steals
 * `cause` and sets __suppress_context__; SetContext steals `context`; SetTraceback takes
 * None only (no traceback objects: TypeError otherwise; 0 or -1). */
PyAPI_FUNC(int) PyException_SetTraceback(PyObject* exc, PyObject* tb);
PyAPI_FUNC(PyObject*) PyException_GetTraceback(PyObject* exc);
PyAPI_FUNC(PyObject*) PyException_GetCause(PyObject* exc);
PyAPI_FUNC(void) PyException_SetCause(PyObject* exc, PyObject* cause);
PyAPI_FUNC(PyObject*) PyException_GetContext(PyObject* exc);
PyAPI_FUNC(void) PyException_SetContext(PyObject* exc, PyObject* context);

/* Raise `type` (an OSError type) for errno: type(errno, strerror(errno)[, filename[, 0,
 * filename2]]), so OSError becomes the errno's subclass. Always return NULL. The filename
 * of SetFromErrnoWithFilename is decoded as UTF-8 (CPython: the filesystem encoding). */
PyAPI_FUNC(PyObject*) PyErr_SetFromErrno(PyObject* type);
PyAPI_FUNC(PyObject*) PyErr_SetFromErrnoWithFilenameObject(PyObject* type, PyObject* filename);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(PyObject*) PyErr_SetFromErrnoWithFilenameObjects(PyObject* type, PyObject* filename,
                                                            PyObject* filename2);
#endif
PyAPI_FUNC(PyObject*) PyErr_SetFromErrnoWithFilename(PyObject* type, const char* filename);
/* ImportError(msg, name=name, path=path) (or the subclass `type`); NULL. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(PyObject*) PyErr_SetImportError(PyObject* msg, PyObject* name, PyObject* path);
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03060000
PyAPI_FUNC(PyObject*) PyErr_SetImportErrorSubclass(PyObject* type, PyObject* msg,
                                                   PyObject* name, PyObject* path);
#endif

/* Pinion installs no signal handlers, so real signals never reach these. SetInterrupt, and
 * SetInterruptEx(SIGINT), simulate a SIGINT as CPython does: the next PyErr_CheckSignals
 * raises KeyboardInterrupt and returns -1; otherwise CheckSignals returns 0. Where Pinion
 * differs: the interrupt is delivered to the thread that requested it (CPython: to the main
 * thread). SetInterruptEx returns -1 for a signal number out of range, and ignores other
 * signals (they have no Python handler by default), as CPython. */
PyAPI_FUNC(int) PyErr_CheckSignals(void);
PyAPI_FUNC(void) PyErr_SetInterrupt(void);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
PyAPI_FUNC(int) PyErr_SetInterruptEx(int signum);
#endif

/* UnicodeEncodeError(encoding, object: str, start, end, reason), UnicodeDecodeError(encoding,
 * object: bytes, start, end, reason), UnicodeTranslateError(object: str, start, end, reason):
 * their fields. Get* return new references; GetStart/GetEnd clamp to the object; 0 or -1. */
PyAPI_FUNC(PyObject*) PyUnicodeDecodeError_Create(const char* encoding, const char* object,
                                                  Py_ssize_t length, Py_ssize_t start,
                                                  Py_ssize_t end, const char* reason);
PyAPI_FUNC(PyObject*) PyUnicodeEncodeError_GetEncoding(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeDecodeError_GetEncoding(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeEncodeError_GetObject(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeDecodeError_GetObject(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeTranslateError_GetObject(PyObject* exc);
PyAPI_FUNC(int) PyUnicodeEncodeError_GetStart(PyObject* exc, Py_ssize_t* start);
PyAPI_FUNC(int) PyUnicodeDecodeError_GetStart(PyObject* exc, Py_ssize_t* start);
PyAPI_FUNC(int) PyUnicodeTranslateError_GetStart(PyObject* exc, Py_ssize_t* start);
PyAPI_FUNC(int) PyUnicodeEncodeError_SetStart(PyObject* exc, Py_ssize_t start);
PyAPI_FUNC(int) PyUnicodeDecodeError_SetStart(PyObject* exc, Py_ssize_t start);
PyAPI_FUNC(int) PyUnicodeTranslateError_SetStart(PyObject* exc, Py_ssize_t start);
PyAPI_FUNC(int) PyUnicodeEncodeError_GetEnd(PyObject* exc, Py_ssize_t* end);
PyAPI_FUNC(int) PyUnicodeDecodeError_GetEnd(PyObject* exc, Py_ssize_t* end);
PyAPI_FUNC(int) PyUnicodeTranslateError_GetEnd(PyObject* exc, Py_ssize_t* end);
PyAPI_FUNC(int) PyUnicodeEncodeError_SetEnd(PyObject* exc, Py_ssize_t end);
PyAPI_FUNC(int) PyUnicodeDecodeError_SetEnd(PyObject* exc, Py_ssize_t end);
PyAPI_FUNC(int) PyUnicodeTranslateError_SetEnd(PyObject* exc, Py_ssize_t end);
PyAPI_FUNC(PyObject*) PyUnicodeEncodeError_GetReason(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeDecodeError_GetReason(PyObject* exc);
PyAPI_FUNC(PyObject*) PyUnicodeTranslateError_GetReason(PyObject* exc);
PyAPI_FUNC(int) PyUnicodeEncodeError_SetReason(PyObject* exc, const char* reason);
PyAPI_FUNC(int) PyUnicodeDecodeError_SetReason(PyObject* exc, const char* reason);
PyAPI_FUNC(int) PyUnicodeTranslateError_SetReason(PyObject* exc, const char* reason);

/* Sets the current exception's (normalised) lineno, offset (col_offset, or None when < 0),
 * end_lineno and end_offset (lineno and None unless given; None when < 0), filename and the
 * source line read from that file (text), as the compiler does for a SyntaxError; a
 * non-SyntaxError also gets msg and print_file_and_line. */
PyAPI_FUNC(void) PyErr_SyntaxLocation(const char* filename, int lineno);
PyAPI_FUNC(void) PyErr_SyntaxLocationEx(const char* filename, int lineno, int col_offset);
#ifndef Py_LIMITED_API
PyAPI_FUNC(void) PyErr_SyntaxLocationObject(PyObject* filename, int lineno, int col_offset);
#endif
#ifndef Py_LIMITED_API
PyAPI_FUNC(void) PyErr_RangedSyntaxLocationObject(PyObject* filename, int lineno, int col_offset,
                                                  int end_lineno, int end_col_offset);
#endif
/* Line `lineno` (from 1) of the file, as a str with its newline; NULL, with no exception set,
 * if there is no such file or line. */
PyAPI_FUNC(PyObject*) PyErr_ProgramText(const char* filename, int lineno);
#ifndef Py_LIMITED_API
PyAPI_FUNC(PyObject*) PyErr_ProgramTextObject(PyObject* filename, int lineno);
#endif

/* snprintf/vsnprintf that always NUL-terminate (when size > 0); vsnprintf's result. */
PyAPI_FUNC(int) PyOS_snprintf(char* str, size_t size, const char* format, ...)
    __attribute__((format(printf, 3, 4)));
PyAPI_FUNC(int) PyOS_vsnprintf(char* str, size_t size, const char* format, va_list va)
    __attribute__((format(printf, 3, 0)));

/* Prints "Fatal Python error: <function>: <message>" to stderr and aborts. */
PyAPI_FUNC(void) _Py_NO_RETURN Py_FatalError(const char* message);
#ifndef Py_LIMITED_API
PyAPI_FUNC(void) _Py_NO_RETURN _Py_FatalErrorFunc(const char* func, const char* message);
#define Py_FatalError(message) _Py_FatalErrorFunc(__func__, (message))
#endif

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYERRORS_H_ */
