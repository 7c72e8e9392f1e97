/* A module raising, catching and inspecting exceptions the way extension modules do: the
 * standard exception types (hierarchy, docs, layouts, calling them, args/str/repr, their
 * attributes), the current exception (PyErr_Fetch/Restore/NormalizeException, chaining with a
 * handled exception, errno and import errors), a C subclass of Exception with a member,
 * the recursion guard, warnings' return values, and the object-protocol extras (isinstance/
 * issubclass, format, ascii, bytes, dir, print, _PyObject_LookupAttr, keyword validation).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- The standard types ------------------------------------------------------------------ */

struct named {
  const char* name;
  PyObject** type;
};

/* Every PyExc_* of CPython 3.11's pyerrors.h (addresses: PyExc_* are not constants in C). */
static const struct named standard[] = {
    {"BaseException", &PyExc_BaseException},
    {"Exception", &PyExc_Exception},
    {"BaseExceptionGroup", &PyExc_BaseExceptionGroup},
    {"StopAsyncIteration", &PyExc_StopAsyncIteration},
    {"StopIteration", &PyExc_StopIteration},
    {"GeneratorExit", &PyExc_GeneratorExit},
    {"ArithmeticError", &PyExc_ArithmeticError},
    {"LookupError", &PyExc_LookupError},
    {"AssertionError", &PyExc_AssertionError},
    {"AttributeError", &PyExc_AttributeError},
    {"BufferError", &PyExc_BufferError},
    {"EOFError", &PyExc_EOFError},
    {"FloatingPointError", &PyExc_FloatingPointError},
    {"OSError", &PyExc_OSError},
    {"ImportError", &PyExc_ImportError},
    {"ModuleNotFoundError", &PyExc_ModuleNotFoundError},
    {"IndexError", &PyExc_IndexError},
    {"KeyError", &PyExc_KeyError},
    {"KeyboardInterrupt", &PyExc_KeyboardInterrupt},
    {"MemoryError", &PyExc_MemoryError},
    {"NameError", &PyExc_NameError},
    {"OverflowError", &PyExc_OverflowError},
    {"RuntimeError", &PyExc_RuntimeError},
    {"RecursionError", &PyExc_RecursionError},
    {"NotImplementedError", &PyExc_NotImplementedError},
    {"SyntaxError", &PyExc_SyntaxError},
    {"IndentationError", &PyExc_IndentationError},
    {"TabError", &PyExc_TabError},
    {"ReferenceError", &PyExc_ReferenceError},
    {"SystemError", &PyExc_SystemError},
    {"SystemExit", &PyExc_SystemExit},
    {"TypeError", &PyExc_TypeError},
    {"UnboundLocalError", &PyExc_UnboundLocalError},
    {"UnicodeError", &PyExc_UnicodeError},
    {"UnicodeEncodeError", &PyExc_UnicodeEncodeError},
    {"UnicodeDecodeError", &PyExc_UnicodeDecodeError},
    {"UnicodeTranslateError", &PyExc_UnicodeTranslateError},
    {"ValueError", &PyExc_ValueError},
    {"ZeroDivisionError", &PyExc_ZeroDivisionError},
    {"BlockingIOError", &PyExc_BlockingIOError},
    {"BrokenPipeError", &PyExc_BrokenPipeError},
    {"ChildProcessError", &PyExc_ChildProcessError},
    {"ConnectionError", &PyExc_ConnectionError},
    {"ConnectionAbortedError", &PyExc_ConnectionAbortedError},
    {"ConnectionRefusedError", &PyExc_ConnectionRefusedError},
    {"ConnectionResetError", &PyExc_ConnectionResetError},
    {"FileExistsError", &PyExc_FileExistsError},
    {"FileNotFoundError", &PyExc_FileNotFoundError},
    {"InterruptedError", &PyExc_InterruptedError},
    {"IsADirectoryError", &PyExc_IsADirectoryError},
    {"NotADirectoryError", &PyExc_NotADirectoryError},
    {"PermissionError", &PyExc_PermissionError},
    {"ProcessLookupError", &PyExc_ProcessLookupError},
    {"TimeoutError", &PyExc_TimeoutError},
    {"EnvironmentError", &PyExc_EnvironmentError},
    {"IOError", &PyExc_IOError},
    {"Warning", &PyExc_Warning},
    {"UserWarning", &PyExc_UserWarning},
    {"DeprecationWarning", &PyExc_DeprecationWarning},
    {"PendingDeprecationWarning", &PyExc_PendingDeprecationWarning},
    {"SyntaxWarning", &PyExc_SyntaxWarning},
    {"RuntimeWarning", &PyExc_RuntimeWarning},
    {"FutureWarning", &PyExc_FutureWarning},
    {"ImportWarning", &PyExc_ImportWarning},
    {"UnicodeWarning", &PyExc_UnicodeWarning},
    {"BytesWarning", &PyExc_BytesWarning},
    {"EncodingWarning", &PyExc_EncodingWarning},
    {"ResourceWarning", &PyExc_ResourceWarning},
};

static PyObject* find_type(const char* name) {
  for (size_t i = 0; i < sizeof(standard) / sizeof(standard[0]); ++i) {
    if (strcmp(standard[i].name, name) == 0) return *standard[i].type;
  }
  PyErr_Format(PyExc_LookupError, "no exception type %s", name);
  return NULL;
}

/* hierarchy(name) -> (tp_name, base's tp_name, tp_doc, tp_basicsize, is exception class) */
static PyObject* hierarchy(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* name;
  if (!PyArg_ParseTuple(args, "s:hierarchy", &name)) return NULL;
  PyObject* type = find_type(name);
  if (type == NULL) return NULL;
  PyTypeObject* t = (PyTypeObject*)type;
  if (PyType_Ready(t) < 0) return NULL;
  return Py_BuildValue("(sszni)", t->tp_name, t->tp_base->tp_name, t->tp_doc, t->tp_basicsize,
                       PyExceptionClass_Check(type));
}

/* layouts() -> the basic sizes against CPython's public structs */
static PyObject* layouts(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  PyTypeObject* types[] = {
      (PyTypeObject*)PyExc_BaseException, (PyTypeObject*)PyExc_StopIteration,
      (PyTypeObject*)PyExc_SystemExit,    (PyTypeObject*)PyExc_ImportError,
      (PyTypeObject*)PyExc_OSError,       (PyTypeObject*)PyExc_NameError,
      (PyTypeObject*)PyExc_AttributeError, (PyTypeObject*)PyExc_SyntaxError,
      (PyTypeObject*)PyExc_UnicodeEncodeError, (PyTypeObject*)PyExc_BaseExceptionGroup,
  };
  size_t sizes[] = {
      sizeof(PyBaseExceptionObject), sizeof(PyStopIterationObject), sizeof(PySystemExitObject),
      sizeof(PyImportErrorObject),   sizeof(PyOSErrorObject),       sizeof(PyNameErrorObject),
      sizeof(PyAttributeErrorObject), sizeof(PySyntaxErrorObject),  sizeof(PyUnicodeErrorObject),
      sizeof(PyBaseExceptionGroupObject),
  };
  PyObject* result = PyList_New(0);
  if (result == NULL) return NULL;
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); ++i) {
    if (PyType_Ready(types[i]) < 0) {
      Py_DECREF(result);
      return NULL;
    }
    PyObject* item = Py_BuildValue("(si)", types[i]->tp_name,
                                   types[i]->tp_basicsize == (Py_ssize_t)sizes[i]);
    if (item == NULL || PyList_Append(result, item) < 0) {
      Py_XDECREF(item);
      Py_DECREF(result);
      return NULL;
    }
    Py_DECREF(item);
  }
  return result;
}

/* create(name, args[, kwargs]) -> (type name, repr, str, args) of name(*args, **kwargs) */
static PyObject* create(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* name;
  PyObject* call_args;
  PyObject* kwargs = NULL;
  if (!PyArg_ParseTuple(args, "sO!|O!:create", &name, &PyTuple_Type, &call_args, &PyDict_Type,
                        &kwargs)) {
    return NULL;
  }
  PyObject* type = find_type(name);
  if (type == NULL) return NULL;
  PyObject* exc = PyObject_Call(type, call_args, kwargs);
  if (exc == NULL) return NULL;
  PyObject* exc_args = PyObject_GetAttrString(exc, "args");
  PyObject* result = exc_args == NULL ? NULL
                                      : Py_BuildValue("(sNNN)", Py_TYPE(exc)->tp_name,
                                                      PyObject_Repr(exc), PyObject_Str(exc),
                                                      exc_args);
  Py_DECREF(exc);
  return result;
}

/* attrs(exc, names) -> [repr(getattr(exc, n)) or the exception it raised, for each name] */
static PyObject* attrs(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *exc, *names;
  if (!PyArg_ParseTuple(args, "OO!:attrs", &exc, &PyTuple_Type, &names)) return NULL;
  PyObject* result = PyList_New(0);
  if (result == NULL) return NULL;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); ++i) {
    PyObject* value = PyObject_GetAttr(exc, PyTuple_GET_ITEM(names, i));
    PyObject* shown;
    if (value != NULL) {
      shown = PyObject_Repr(value);
      Py_DECREF(value);
    } else {
      PyObject *type, *val, *tb;
      PyErr_Fetch(&type, &val, &tb);
      PyErr_NormalizeException(&type, &val, &tb);
      shown = PyUnicode_FromFormat("<%s: %S>", ((PyTypeObject*)type)->tp_name, val);
      Py_XDECREF(type);
      Py_XDECREF(val);
      Py_XDECREF(tb);
    }
    if (shown == NULL || PyList_Append(result, shown) < 0) {
      Py_XDECREF(shown);
      Py_DECREF(result);
      return NULL;
    }
    Py_DECREF(shown);
  }
  return result;
}

/* set_attr(exc, name, value) -> exc's new attribute (or the error setting it) */
static PyObject* set_attr(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *exc, *name, *value;
  if (!PyArg_ParseTuple(args, "OUO:set_attr", &exc, &name, &value)) return NULL;
  if (PyObject_SetAttr(exc, name, value) < 0) return NULL;
  return PyObject_GetAttr(exc, name);
}

/* del_attr(exc, name) -> exc's attribute after deleting it */
static PyObject* del_attr(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *exc, *name;
  if (!PyArg_ParseTuple(args, "OU:del_attr", &exc, &name)) return NULL;
  if (PyObject_DelAttr(exc, name) < 0) return NULL;
  return PyObject_GetAttr(exc, name);
}

/* call_method(exc, name, arg) -> exc.name(arg), then exc.__notes__ or None */
static PyObject* call_method(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *exc, *arg;
  const char* name;
  if (!PyArg_ParseTuple(args, "OsO:call_method", &exc, &name, &arg)) return NULL;
  PyObject* result = PyObject_CallMethod(exc, name, "O", arg);
  if (result == NULL) return NULL;
  PyObject* notes;
  PyObject* key = PyUnicode_FromString("__notes__");
  const int found = _PyObject_LookupAttr(exc, key, &notes);
  Py_DECREF(key);
  if (found < 0) {
    Py_DECREF(result);
    return NULL;
  }
  return Py_BuildValue("(NN)", result, notes != NULL ? notes : Py_NewRef(Py_None));
}

/* ---- Raising and the current exception --------------------------------------------------- */

/* raise_string(name, message): PyErr_SetString */
static PyObject* raise_string(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* name;
  const char* message;
  if (!PyArg_ParseTuple(args, "ss:raise_string", &name, &message)) return NULL;
  PyObject* type = find_type(name);
  if (type != NULL) PyErr_SetString(type, message);
  return NULL;
}

/* raise_object(name, value): PyErr_SetObject (value None: PyErr_SetNone) */
static PyObject* raise_object(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* name;
  PyObject* value;
  if (!PyArg_ParseTuple(args, "sO:raise_object", &name, &value)) return NULL;
  PyObject* type = find_type(name);
  if (type == NULL) return NULL;
  if (value == Py_None) {
    PyErr_SetNone(type);
  } else {
    PyErr_SetObject(type, value);
  }
  return NULL;
}

/* raise_format(): PyErr_Format, and the helpers returning NULL/0 */
static PyObject* raise_format(PyObject* Py_UNUSED(module), PyObject* args) {
  int which;
  if (!PyArg_ParseTuple(args, "i:raise_format", &which)) return NULL;
  switch (which) {
    case 0: return PyErr_Format(PyExc_TypeError, "%s takes %d arguments (%R given)", "f", 2,
                                PyTuple_New(0));
    case 1: return PyErr_NoMemory();
    case 2: PyErr_BadArgument(); return NULL;
    case 3: PyErr_SetObject(PyLong_FromLong(3) /* not a type */, NULL); return NULL;
    default: return PyErr_Format(PyExc_KeyError, "%d", which);
  }
}

/* fetch(name, value) -> what PyErr_Fetch gives after PyErr_SetObject(type, value), then what
 * PyErr_NormalizeException makes of it: ((type, type of value, tb), (type, repr(value))) */
static PyObject* fetch(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* name;
  PyObject* value;
  if (!PyArg_ParseTuple(args, "sO:fetch", &name, &value)) return NULL;
  PyObject* type = find_type(name);
  if (type == NULL) return NULL;
  if (PyUnicode_Check(value)) {
    PyErr_SetString(type, PyUnicode_AsUTF8(value));
  } else if (value == Py_None) {
    PyErr_SetNone(type);
  } else {
    PyErr_SetObject(type, value);
  }
  PyObject *t, *v, *tb;
  PyErr_Fetch(&t, &v, &tb);
  if (PyErr_Occurred() != NULL) return NULL;
  PyObject* raw = Py_BuildValue("(ssO)", ((PyTypeObject*)t)->tp_name,
                                v != NULL ? Py_TYPE(v)->tp_name : "NULL",
                                tb != NULL ? Py_True : Py_False);
  PyErr_NormalizeException(&t, &v, &tb);
  PyObject* normal = Py_BuildValue("(sN)", ((PyTypeObject*)t)->tp_name, PyObject_Repr(v));
  /* Put it back and take it again: Restore keeps what it is given. */
  PyErr_Restore(t, v, tb);
  const int matches = PyErr_ExceptionMatches(PyExc_Exception);
  const int given = PyErr_GivenExceptionMatches(PyErr_Occurred(), PyExc_LookupError);
  PyErr_Clear();
  return Py_BuildValue("(NNii)", raw, normal, matches, given);
}

/* matches(exc_or_type, spec) -> PyErr_GivenExceptionMatches */
static PyObject* matches(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *given, *spec;
  if (!PyArg_ParseTuple(args, "OO:matches", &given, &spec)) return NULL;
  return PyBool_FromLong(PyErr_GivenExceptionMatches(given, spec));
}

/* A repr, or "NULL" (a new reference). */
static PyObject* shown(PyObject* o) {
  if (o == NULL) return PyUnicode_FromString("NULL");
  if (PyType_Check(o)) return PyUnicode_FromFormat("<class %s>", ((PyTypeObject*)o)->tp_name);
  return PyObject_Repr(o);
}

/* (type, value, traceback) of PyErr_GetExcInfo, as reprs */
static PyObject* exc_info(void) {
  PyObject *t, *v, *tb;
  PyErr_GetExcInfo(&t, &v, &tb);
  PyObject* result = Py_BuildValue("(NNN)", shown(t), shown(v), shown(tb));
  Py_XDECREF(t);
  Py_XDECREF(v);
  Py_XDECREF(tb);
  return result;
}

/* chain() -> implicit chaining while an exception is handled, explicit cause, exc_info */
static PyObject* chain(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  PyObject* initially = exc_info();
  PyObject* handled_before = PyErr_GetHandledException();
  PyObject* inner = PyObject_CallFunction(PyExc_ValueError, "s", "inner");
  if (inner == NULL) return NULL;
  /* As an except block would: inner is being handled. */
  PyErr_SetExcInfo(NULL, Py_NewRef(inner), NULL);
  PyObject* during = exc_info();
  PyErr_SetString(PyExc_KeyError, "outer");
  PyObject *t, *v, *tb;
  PyErr_Fetch(&t, &v, &tb); /* normalised already: chaining needs an instance */
  PyObject* context = PyException_GetContext(v);
  PyObject* cause = PyException_GetCause(v);
  PyObject* implicit = Py_BuildValue("(sNNNN)", Py_TYPE(v)->tp_name, PyObject_Repr(v),
                                     shown(context), shown(cause),
                                     PyObject_GetAttrString(v, "__suppress_context__"));
  Py_XDECREF(context);
  Py_XDECREF(cause);
  /* raise ... from inner */
  PyException_SetCause(v, Py_NewRef(inner));
  cause = PyException_GetCause(v);
  PyObject* explicit = Py_BuildValue("(NNN)", shown(cause),
                                     PyObject_GetAttrString(v, "__suppress_context__"),
                                     PyObject_GetAttrString(v, "__cause__"));
  Py_XDECREF(cause);
  PyException_SetContext(v, NULL);
  PyObject* cleared = PyObject_GetAttrString(v, "__context__");
  Py_XDECREF(t);
  Py_XDECREF(v);
  Py_XDECREF(tb);
  /* Raising the handled exception itself does not make it its own context. */
  PyErr_SetObject(PyExc_ValueError, inner);
  PyErr_Fetch(&t, &v, &tb);
  context = PyException_GetContext(v);
  PyObject* self_raise = shown(context);
  Py_XDECREF(context);
  Py_XDECREF(t);
  Py_XDECREF(v);
  Py_XDECREF(tb);
  PyObject* handled = PyErr_GetHandledException();
  PyObject* handled_shown = shown(handled);
  Py_XDECREF(handled);
  PyErr_SetHandledException(NULL);
  PyObject* after_null = exc_info();
  PyErr_SetExcInfo(NULL, Py_NewRef(Py_None), NULL);
  PyObject* after_none = exc_info();
  Py_DECREF(inner);
  return Py_BuildValue("(NNNNNNNNNN)", initially, shown(handled_before), during, implicit, explicit,
                       cleared, self_raise, handled_shown, after_null, after_none);
}

/* traceback(exc) -> PyException_GetTraceback/SetTraceback and with_traceback(None) */
static PyObject* traceback(PyObject* Py_UNUSED(module), PyObject* exc) {
  PyObject* tb = PyException_GetTraceback(exc);
  PyObject* before = shown(tb);
  Py_XDECREF(tb);
  const int set_none = PyException_SetTraceback(exc, Py_None);
  const int set_int = PyException_SetTraceback(exc, Py_False);
  PyObject* error = NULL;
  if (set_int < 0) {
    PyObject *t, *v, *etb;
    PyErr_Fetch(&t, &v, &etb);
    error = PyUnicode_FromFormat("%s: %S", ((PyTypeObject*)t)->tp_name, v);
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(etb);
  }
  return Py_BuildValue("(NiiN)", before, set_none, set_int, error != NULL ? error : Py_NewRef(Py_None));
}

/* errno_error(code, filename, filename2) -> what PyErr_SetFromErrno* raised, normalised */
static PyObject* errno_error(PyObject* Py_UNUSED(module), PyObject* args) {
  int code;
  PyObject *filename, *filename2;
  if (!PyArg_ParseTuple(args, "iOO:errno_error", &code, &filename, &filename2)) return NULL;
  errno = code;
  if (filename == Py_None) {
    PyErr_SetFromErrno(PyExc_OSError);
  } else if (filename2 != Py_None) {
    PyErr_SetFromErrnoWithFilenameObjects(PyExc_OSError, filename, filename2);
  } else if (PyUnicode_Check(filename)) {
    PyErr_SetFromErrnoWithFilename(PyExc_OSError, PyUnicode_AsUTF8(filename));
  } else {
    PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, filename);
  }
  PyObject *t, *v, *tb;
  PyErr_Fetch(&t, &v, &tb);
  PyErr_NormalizeException(&t, &v, &tb);
  static const char* const names[] = {"errno", "strerror", "filename", "filename2"};
  PyObject* fields = PyTuple_New(4);
  for (int i = 0; i < 4 && fields != NULL; ++i) {
    PyObject* value = PyObject_GetAttrString(v, names[i]);
    if (value == NULL) {
      Py_CLEAR(fields);
      break;
    }
    PyTuple_SET_ITEM(fields, i, value);
  }
  PyObject* result = fields == NULL ? NULL
                                    : Py_BuildValue("(sNNN)", ((PyTypeObject*)t)->tp_name,
                                                    PyObject_Repr(v), PyObject_Str(v), fields);
  Py_XDECREF(t);
  Py_XDECREF(v);
  Py_XDECREF(tb);
  return result;
}

/* import_error(msg, name, path): PyErr_SetImportError */
static PyObject* import_error(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *msg, *name, *path;
  if (!PyArg_ParseTuple(args, "OOO:import_error", &msg, &name, &path)) return NULL;
  if (PyUnicode_Check(path)) {
    PyErr_SetImportError(msg, name, path);
  } else {
    PyErr_SetImportErrorSubclass(PyExc_ModuleNotFoundError, msg, name, NULL);
  }
  PyObject *t, *v, *tb;
  PyErr_Fetch(&t, &v, &tb);
  PyErr_NormalizeException(&t, &v, &tb);
  PyObject* result = Py_BuildValue("(sNNNN)", ((PyTypeObject*)t)->tp_name, PyObject_Repr(v),
                                   PyObject_GetAttrString(v, "msg"),
                                   PyObject_GetAttrString(v, "name"),
                                   PyObject_GetAttrString(v, "path"));
  Py_XDECREF(t);
  Py_XDECREF(v);
  Py_XDECREF(tb);
  return result;
}

/* The type name of the pending exception (cleared), or "none". */
static const char* take_error(void) {
  PyObject* type = PyErr_Occurred();
  const char* name = type != NULL ? ((PyTypeObject*)type)->tp_name : "none";
  PyErr_Clear();
  return name;
}

/* signals() -> PyErr_CheckSignals with nothing pending, after a simulated SIGINT (twice),
 * after an ignored SIGTERM, and out-of-range SetInterruptEx */
static PyObject* signals(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  const int quiet = PyErr_CheckSignals();
  PyErr_SetInterrupt();
  const int interrupted = PyErr_CheckSignals();
  const char* raised = take_error();
  const int again = PyErr_CheckSignals();
  const int sigint = PyErr_SetInterruptEx(SIGINT);
  const int interrupted_ex = PyErr_CheckSignals();
  const char* raised_ex = take_error();
  const int sigterm = PyErr_SetInterruptEx(SIGTERM);
  const int after_sigterm = PyErr_CheckSignals();
  const int bad = PyErr_SetInterruptEx(-1);
  const int huge = PyErr_SetInterruptEx(100000);
  return Py_BuildValue("(iisiiisiiii)", quiet, interrupted, raised, again, sigint, interrupted_ex,
                       raised_ex, sigterm, after_sigterm, bad, huge);
}

/* unicode_errors() -> the Unicode*Error accessors on one error of each kind */
static PyObject* unicode_errors(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  PyObject* decode = PyUnicodeDecodeError_Create("utf-8", "a\xff\xfe", 3, 1, 2, "invalid start byte");
  PyObject* encode = PyObject_CallFunction(PyExc_UnicodeEncodeError, "ssnns", "ascii",
                                           "caf\xc3\xa9s", (Py_ssize_t)3, (Py_ssize_t)5, "ordinal");
  PyObject* translate = PyObject_CallFunction(PyExc_UnicodeTranslateError, "snns",
                                              "\xe2\x82\xac", (Py_ssize_t)0, (Py_ssize_t)1, "no");
  if (decode == NULL || encode == NULL || translate == NULL) {
    Py_XDECREF(decode);
    Py_XDECREF(encode);
    Py_XDECREF(translate);
    return NULL;
  }
  Py_ssize_t ds, de, es, ee, ts, te;
  PyUnicodeDecodeError_GetStart(decode, &ds);
  PyUnicodeDecodeError_GetEnd(decode, &de);
  PyUnicodeEncodeError_GetStart(encode, &es);
  PyUnicodeEncodeError_GetEnd(encode, &ee);
  PyUnicodeTranslateError_GetStart(translate, &ts);
  PyUnicodeTranslateError_GetEnd(translate, &te);
  PyObject* before = Py_BuildValue(
      "(NNNnnNNNnnNNnnNN)", PyObject_Str(decode), PyUnicodeDecodeError_GetEncoding(decode),
      PyUnicodeDecodeError_GetObject(decode), ds, de, PyUnicodeDecodeError_GetReason(decode),
      PyObject_Str(encode), PyUnicodeEncodeError_GetEncoding(encode), es, ee,
      PyUnicodeEncodeError_GetReason(encode), PyUnicodeEncodeError_GetObject(encode), ts, te,
      PyUnicodeTranslateError_GetReason(translate), PyUnicodeTranslateError_GetObject(translate));
  /* Changing the fields: one character, clamped positions, new reasons. */
  PyUnicodeDecodeError_SetStart(decode, 2);
  PyUnicodeDecodeError_SetEnd(decode, 3);
  PyUnicodeDecodeError_SetReason(decode, "bad");
  PyUnicodeEncodeError_SetStart(encode, 3);
  PyUnicodeEncodeError_SetEnd(encode, 4);
  PyUnicodeEncodeError_SetReason(encode, "not ascii");
  PyUnicodeTranslateError_SetStart(translate, -5);
  PyUnicodeTranslateError_SetEnd(translate, 99);
  PyUnicodeTranslateError_SetReason(translate, "untranslatable");
  PyUnicodeTranslateError_GetStart(translate, &ts);
  PyUnicodeTranslateError_GetEnd(translate, &te);
  PyObject* after = Py_BuildValue("(NNNnn)", PyObject_Str(decode), PyObject_Str(encode),
                                  PyObject_Str(translate), ts, te);
  Py_DECREF(decode);
  Py_DECREF(encode);
  Py_DECREF(translate);
  return Py_BuildValue("(NN)", before, after);
}

/* unicode_error_calls(name, args) -> str of the error made from args, or what was raised */
static PyObject* unicode_error_calls(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* name;
  PyObject* call_args;
  if (!PyArg_ParseTuple(args, "sO!:unicode_error_calls", &name, &PyTuple_Type, &call_args)) {
    return NULL;
  }
  PyObject* type = find_type(name);
  if (type == NULL) return NULL;
  PyObject* exc = PyObject_Call(type, call_args, NULL);
  if (exc == NULL) return NULL;
  PyObject* result = Py_BuildValue("(NN)", PyObject_Str(exc), PyObject_Repr(exc));
  Py_DECREF(exc);
  return result;
}

/* o.name, or the string "<absent>" when there is no such attribute */
static PyObject* attr_or_absent(PyObject* o, const char* name) {
  PyObject* value = PyObject_GetAttrString(o, name);
  if (value == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
    PyErr_Clear();
    value = PyUnicode_FromString("<absent>");
  }
  return value;
}

/* syntax(lines) -> a SyntaxError located in a file holding `lines`, and one made by calling
 * the type with location details */
static PyObject* syntax(PyObject* Py_UNUSED(module), PyObject* args) {
  const char* lines;
  if (!PyArg_ParseTuple(args, "s:syntax", &lines)) return NULL;
  char path[] = "/tmp/errs_syntax_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return PyErr_SetFromErrno(PyExc_OSError);
  FILE* file = fdopen(fd, "w");
  fputs(lines, file);
  fclose(file);
  PyObject* results = PyList_New(0);
  static const int where[][2] = {{2, 4}, {1, -1}, {9, 0}, {3, 1}};
  PyObject* path_object = PyUnicode_FromString(path);
  for (int i = 0; i < 4 && results != NULL; ++i) {
    PyErr_SetString(i == 2 ? PyExc_ValueError : PyExc_SyntaxError, "invalid thing");
    switch (i) {
      case 0: PyErr_SyntaxLocationEx(path, where[i][0], where[i][1]); break;
      case 1: PyErr_SyntaxLocation(path, where[i][0]); break;
      case 2: PyErr_SyntaxLocationObject(path_object, where[i][0], where[i][1]); break;
      default:
        PyErr_RangedSyntaxLocationObject(path_object, where[i][0], where[i][1], 3, 4);
        break;
    }
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyObject* item = Py_BuildValue(
        "(sNNNNNNNN)", ((PyTypeObject*)t)->tp_name, attr_or_absent(v, "lineno"),
        attr_or_absent(v, "offset"), attr_or_absent(v, "text"), attr_or_absent(v, "msg"),
        attr_or_absent(v, "print_file_and_line"), attr_or_absent(v, "filename"),
        attr_or_absent(v, "end_lineno"), attr_or_absent(v, "end_offset"));
    if (item != NULL) {
      /* The path is random: only whether it was recorded is shown. */
      PyObject* filename_attr = PyTuple_GET_ITEM(item, 6);
      PyObject* recorded = PyUnicode_FromString(
          PyUnicode_Check(filename_attr) &&
                  PyUnicode_CompareWithASCIIString(filename_attr, path) == 0
              ? "path recorded"
              : "path lost");
      PyTuple_SetItem(item, 6, recorded);
    }
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(tb);
    if (item == NULL || PyList_Append(results, item) < 0) Py_CLEAR(results);
    Py_XDECREF(item);
  }
  Py_DECREF(path_object);
  PyObject* filename = PyUnicode_FromString(path);
  PyObject* line2 = PyErr_ProgramTextObject(filename, 2);
  PyObject* line9 = PyErr_ProgramText(path, 9);
  Py_DECREF(filename);
  unlink(path);
  PyObject* missing = PyErr_ProgramText(path, 1);
  if (results == NULL) return NULL;
  return Py_BuildValue("(NNNN)", results, line2 != NULL ? line2 : Py_NewRef(Py_None),
                       line9 != NULL ? line9 : Py_NewRef(Py_None),
                       missing != NULL ? missing : Py_NewRef(Py_None));
}

/* The module's own variadic helper, around PyOS_vsnprintf. */
static int format_into(char* buffer, size_t size, const char* format, ...) {
  va_list va;
  va_start(va, format);
  const int result = PyOS_vsnprintf(buffer, size, format, va);
  va_end(va);
  return result;
}

/* snprintf(n) -> PyOS_snprintf into an n-byte buffer: (result, what the buffer holds) */
static PyObject* os_snprintf(PyObject* Py_UNUSED(module), PyObject* args) {
  int n;
  if (!PyArg_ParseTuple(args, "i:snprintf", &n)) return NULL;
  char buffer[32];
  memset(buffer, 'x', sizeof(buffer));
  if (n < 0 || n > (int)sizeof(buffer)) n = (int)sizeof(buffer);
  const int result = PyOS_snprintf(buffer, (size_t)n, "%s-%d", "value", 12345);
  char again[32];
  const int v_result = format_into(again, (size_t)n, "%d/%s", 7, "seven");
  return Py_BuildValue("(isis)", result, n > 0 ? buffer : "", v_result, n > 0 ? again : "");
}

/* ---- A C subclass of Exception -------------------------------------------------------------- */

typedef struct {
  PyBaseExceptionObject base;
  long code;
} CustomErrorObject;

static int custom_init(PyObject* self, PyObject* args, PyObject* kwds) {
  PyObject* message;
  long code = 0;
  if (!PyArg_ParseTuple(args, "O|l:CustomError", &message, &code)) return -1;
  PyObject* base_args = PyTuple_Pack(1, message);
  if (base_args == NULL) return -1;
  const int result = ((PyTypeObject*)PyExc_Exception)->tp_init(self, base_args, kwds);
  Py_DECREF(base_args);
  ((CustomErrorObject*)self)->code = code;
  return result;
}

static PyObject* custom_str(PyObject* self) {
  PyObject* args = ((PyBaseExceptionObject*)self)->args;
  return PyUnicode_FromFormat("[code %ld] %S", ((CustomErrorObject*)self)->code,
                              PyTuple_GET_SIZE(args) > 0 ? PyTuple_GET_ITEM(args, 0) : Py_None);
}

static PyObject* custom_get_code(PyObject* self, PyObject* Py_UNUSED(ignored)) {
  return PyLong_FromLong(((CustomErrorObject*)self)->code);
}

/* format(CustomError, spec) -> "code <code>:<spec>" */
static PyObject* custom_format(PyObject* self, PyObject* spec) {
  return PyUnicode_FromFormat("code %ld:%U", ((CustomErrorObject*)self)->code, spec);
}

/* bytes(CustomError) -> the code as one byte, or not bytes at all for code 0 */
static PyObject* custom_bytes(PyObject* self, PyObject* Py_UNUSED(ignored)) {
  const long code = ((CustomErrorObject*)self)->code;
  if (code == 0) return PyLong_FromLong(0);
  const char byte = (char)code;
  return PyBytes_FromStringAndSize(&byte, 1);
}

static PyMethodDef custom_methods[] = {
    {"get_code", custom_get_code, METH_NOARGS, "The error's code."},
    {"__format__", custom_format, METH_O, "Formats the code."},
    {"__bytes__", custom_bytes, METH_NOARGS, "The code as bytes."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CustomError_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "errs.CustomError",
    .tp_basicsize = sizeof(CustomErrorObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "An error with a code.",
    .tp_str = custom_str,
    .tp_methods = custom_methods,
    .tp_init = custom_init,
};

/* custom(message, code) -> raises errs.CustomError(message, code) */
static PyObject* custom(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject* exc = PyObject_Call((PyObject*)&CustomError_Type, args, NULL);
  if (exc == NULL) return NULL;
  PyErr_SetObject((PyObject*)&CustomError_Type, exc);
  Py_DECREF(exc);
  return NULL;
}

/* catch_custom(message, code) -> what an extension sees when it catches errs.CustomError */
static PyObject* catch_custom(PyObject* module, PyObject* args) {
  if (custom(module, args) != NULL) return NULL;
  if (!PyErr_ExceptionMatches((PyObject*)&CustomError_Type)) return NULL;
  const int as_exception = PyErr_ExceptionMatches(PyExc_Exception);
  const int as_value_error = PyErr_ExceptionMatches(PyExc_ValueError);
  PyObject* pair = Py_BuildValue("(OO)", PyExc_KeyError, PyExc_BaseException);
  const int as_tuple = pair != NULL && PyErr_ExceptionMatches(pair);
  Py_XDECREF(pair);
  PyObject *t, *v, *tb;
  PyErr_Fetch(&t, &v, &tb);
  PyErr_NormalizeException(&t, &v, &tb);
  PyObject* code = PyObject_CallMethod(v, "get_code", NULL);
  PyObject* result = Py_BuildValue(
      "(iiiNNNlNi)", as_exception, as_value_error, as_tuple, PyObject_Repr(v), PyObject_Str(v),
      PyObject_GetAttrString(v, "args"), ((CustomErrorObject*)v)->code, code,
      PyExceptionInstance_Check(v) && PyExceptionInstance_Class(v) == (PyObject*)&CustomError_Type);
  Py_XDECREF(t);
  Py_XDECREF(v);
  Py_XDECREF(tb);
  return result;
}

/* ---- The recursion guard --------------------------------------------------------------------- */

static int descend(int depth, int* reached) {
  if (Py_EnterRecursiveCall(" in errs.descend")) return -1;
  *reached = depth;
  const int result = depth >= 5000 ? 0 : descend(depth + 1, reached);
  Py_LeaveRecursiveCall();
  return result;
}

/* recursion() -> descends until the guard stops it: (limit, stopped, message); the depth it
 * reached is printed apart (CPython counts the calls that led here too) */
static PyObject* recursion(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  const int limit = Py_GetRecursionLimit();
  Py_SetRecursionLimit(limit); /* unchanged: other threads run this too */
  int reached = 0;
  const int result = descend(1, &reached);
  PyObject *t, *v, *tb;
  PyErr_Fetch(&t, &v, &tb);
  PyObject* out = Py_BuildValue("(iisNi)", limit, result,
                                t != NULL ? ((PyTypeObject*)t)->tp_name : "none", shown(v),
                                reached > limit - 10 && reached <= limit);
  Py_XDECREF(t);
  Py_XDECREF(v);
  Py_XDECREF(tb);
  /* Balanced: the guard is back where it was. */
  if (Py_EnterRecursiveCall("")) return NULL;
  Py_LeaveRecursiveCall();
  return out;
}

/* deep_repr(depth) -> repr of a list nested `depth` deep, or the RecursionError it raised */
static PyObject* deep_repr(PyObject* Py_UNUSED(module), PyObject* args) {
  int depth;
  if (!PyArg_ParseTuple(args, "i:deep_repr", &depth)) return NULL;
  PyObject* outer = PyList_New(0);
  for (int i = 0; i < depth && outer != NULL; ++i) {
    PyObject* wrapper = PyList_New(1);
    if (wrapper == NULL) {
      Py_CLEAR(outer);
      break;
    }
    PyList_SET_ITEM(wrapper, 0, outer);
    outer = wrapper;
  }
  if (outer == NULL) return NULL;
  PyObject* repr = PyObject_Repr(outer);
  Py_DECREF(outer);
  if (repr == NULL) return NULL;
  const Py_ssize_t length = PyUnicode_GetLength(repr);
  Py_DECREF(repr);
  return PyLong_FromSsize_t(length);
}

/* ---- Warnings ------------------------------------------------------------------------------ */

/* warn(which) -> the return value of one warning call (printed to stderr when shown) */
static PyObject* warn(PyObject* Py_UNUSED(module), PyObject* args) {
  int which;
  if (!PyArg_ParseTuple(args, "i:warn", &which)) return NULL;
  int result;
  switch (which) {
    case 0: result = PyErr_WarnEx(PyExc_UserWarning, "errs user warning", 1); break;
    case 1: result = PyErr_WarnEx(PyExc_DeprecationWarning, "errs deprecated", 1); break;
    case 2: result = PyErr_WarnFormat(PyExc_RuntimeWarning, 1, "errs %s %d", "formatted", 42); break;
    case 3: result = PyErr_ResourceWarning(Py_None, 1, "errs unclosed %d", 3); break;
    case 4: result = PyErr_WarnEx(NULL, "errs default category", 2); break;
    case 5: result = PyErr_WarnEx(PyExc_PendingDeprecationWarning, "errs pending", 1); break;
    case 6: result = PyErr_Warn(PyExc_ImportWarning, "errs import"); break;
    default: result = PyErr_WarnEx(PyExc_UserWarning, "errs user warning", 1); break;
  }
  if (result < 0) return NULL;
  return PyLong_FromLong(result);
}

/* warn_explicit(registry) -> return values of two identical explicit warnings, and whether
 * the registry recorded it */
static PyObject* warn_explicit(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  PyObject* registry = PyDict_New();
  if (registry == NULL) return NULL;
  const int first = PyErr_WarnExplicit(PyExc_FutureWarning, "errs explicit", "errs_file.py", 7,
                                       "errs_file", registry);
  const int second = PyErr_WarnExplicit(PyExc_FutureWarning, "errs explicit", "errs_file.py", 7,
                                        "errs_file", registry);
  PyObject* message = PyUnicode_FromString("errs explicit object");
  PyObject* filename = PyUnicode_FromString("errs_obj.py");
  const int object = PyErr_WarnExplicitObject(PyExc_SyntaxWarning, message, filename, 3, NULL,
                                              registry);
  const int formatted = PyErr_WarnExplicitFormat(PyExc_BytesWarning, "errs_fmt.py", 9, NULL,
                                                 registry, "errs %s", "explicit format");
  const int ignored = PyErr_WarnExplicit(PyExc_DeprecationWarning, "errs explicit ignored",
                                         "errs_file.py", 8, NULL, registry);
  PyObject* key = Py_BuildValue("(sOi)", "errs explicit", PyExc_FutureWarning, 7);
  const int recorded = PyDict_Contains(registry, key);
  Py_DECREF(key);
  Py_DECREF(message);
  Py_DECREF(filename);
  Py_DECREF(registry);
  if (first < 0 || second < 0 || object < 0 || formatted < 0 || ignored < 0) return NULL;
  return Py_BuildValue("(iiiiii)", first, second, object, formatted, ignored, recorded);
}

/* ---- Object-protocol extras ---------------------------------------------------------------- */

/* func_name(obj) -> PyEval_GetFuncName and PyEval_GetFuncDesc */
static PyObject* func_name(PyObject* Py_UNUSED(module), PyObject* obj) {
  return Py_BuildValue("(ss)", PyEval_GetFuncName(obj), PyEval_GetFuncDesc(obj));
}

/* reduce(exc) -> exc.__reduce__() (whether its callable is exc's type, its size, args and
 * state), then a copy rebuilt from it with __setstate__ */
static PyObject* reduce(PyObject* Py_UNUSED(module), PyObject* exc) {
  PyObject* reduced = PyObject_CallMethod(exc, "__reduce__", NULL);
  if (reduced == NULL) return NULL;
  PyObject* copy = PyObject_Call(PyTuple_GET_ITEM(reduced, 0), PyTuple_GET_ITEM(reduced, 1), NULL);
  PyObject* state = PyTuple_GET_SIZE(reduced) > 2 ? PyTuple_GET_ITEM(reduced, 2) : Py_None;
  PyObject* set = copy != NULL ? PyObject_CallMethod(copy, "__setstate__", "O", state) : NULL;
  PyObject* bad = copy != NULL ? PyObject_CallMethod(copy, "__setstate__", "i", 5) : NULL;
  const char* bad_error = take_error();
  PyObject* result =
      set == NULL ? NULL
                  : Py_BuildValue("(inOONNs)",
                                  PyTuple_GET_ITEM(reduced, 0) == (PyObject*)Py_TYPE(exc),
                                  PyTuple_GET_SIZE(reduced), PyTuple_GET_ITEM(reduced, 1), state,
                                  PyObject_Repr(copy), PyObject_GetAttrString(copy, "note"),
                                  bad_error);
  Py_XDECREF(bad);
  Py_XDECREF(set);
  Py_XDECREF(copy);
  Py_DECREF(reduced);
  return result;
}

/* isinstance(obj, spec) / issubclass(obj, spec) -> 1, 0, or the error */
static PyObject* isinstance(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *obj, *spec;
  if (!PyArg_ParseTuple(args, "OO:isinstance", &obj, &spec)) return NULL;
  const int result = PyObject_IsInstance(obj, spec);
  return result < 0 ? NULL : PyBool_FromLong(result);
}

static PyObject* issubclass(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *obj, *spec;
  if (!PyArg_ParseTuple(args, "OO:issubclass", &obj, &spec)) return NULL;
  const int result = PyObject_IsSubclass(obj, spec);
  return result < 0 ? NULL : PyBool_FromLong(result);
}

/* format(obj, spec) -> PyObject_Format (spec None: NULL) */
static PyObject* format(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *obj, *spec;
  if (!PyArg_ParseTuple(args, "OO:format", &obj, &spec)) return NULL;
  return PyObject_Format(obj, spec == Py_None ? NULL : spec);
}

static PyObject* ascii(PyObject* Py_UNUSED(module), PyObject* obj) { return PyObject_ASCII(obj); }

static PyObject* to_bytes(PyObject* Py_UNUSED(module), PyObject* obj) {
  return PyObject_Bytes(obj == Py_None ? NULL : obj);
}

/* dir_names(obj) -> the names dir(obj) gives that do not start with an underscore */
static PyObject* dir_names(PyObject* Py_UNUSED(module), PyObject* obj) {
  PyObject* names = PyObject_Dir(obj);
  if (names == NULL) return NULL;
  PyObject* result = PyList_New(0);
  for (Py_ssize_t i = 0; result != NULL && i < PyList_GET_SIZE(names); ++i) {
    PyObject* name = PyList_GET_ITEM(names, i);
    if (PyUnicode_AsUTF8(name)[0] == '_') continue;
    if (PyList_Append(result, name) < 0) Py_CLEAR(result);
  }
  Py_DECREF(names);
  return result;
}

/* dir_has(obj, name) -> name in dir(obj), and whether dir(obj) is sorted */
static PyObject* dir_has(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *obj, *name;
  if (!PyArg_ParseTuple(args, "OU:dir_has", &obj, &name)) return NULL;
  PyObject* names = PyObject_Dir(obj);
  if (names == NULL) return NULL;
  int found = 0, sorted = 1;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(names); ++i) {
    if (PyUnicode_Compare(PyList_GET_ITEM(names, i), name) == 0) found = 1;
    if (i > 0 && PyUnicode_Compare(PyList_GET_ITEM(names, i - 1), PyList_GET_ITEM(names, i)) > 0) {
      sorted = 0;
    }
  }
  Py_DECREF(names);
  return Py_BuildValue("(ii)", found, sorted);
}

/* printed(obj, raw) -> what PyObject_Print wrote */
static PyObject* printed(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject* obj;
  int raw;
  if (!PyArg_ParseTuple(args, "Op:printed", &obj, &raw)) return NULL;
  FILE* file = tmpfile();
  if (file == NULL) return PyErr_SetFromErrno(PyExc_OSError);
  const int result = PyObject_Print(obj == Py_None ? NULL : obj, file, raw ? Py_PRINT_RAW : 0);
  char buffer[256] = {0};
  rewind(file);
  const size_t n = fread(buffer, 1, sizeof(buffer) - 1, file);
  fclose(file);
  if (result < 0) return NULL;
  return PyUnicode_FromStringAndSize(buffer, (Py_ssize_t)n);
}

/* lookup(obj, name) -> (_PyObject_LookupAttr's result, the value or None) */
static PyObject* lookup(PyObject* Py_UNUSED(module), PyObject* args) {
  PyObject *obj, *name;
  if (!PyArg_ParseTuple(args, "OO:lookup", &obj, &name)) return NULL;
  PyObject* value = (PyObject*)&CustomError_Type; /* overwritten */
  const int result = _PyObject_LookupAttr(obj, name, &value);
  if (result < 0) {
    if (value != NULL) return PyErr_Format(PyExc_AssertionError, "value left set");
    return NULL;
  }
  return Py_BuildValue("(iN)", result, value != NULL ? value : Py_NewRef(Py_None));
}

/* validate(kwargs) -> PyArg_ValidateKeywordArguments */
static PyObject* validate(PyObject* Py_UNUSED(module), PyObject* kwargs) {
  const int result = PyArg_ValidateKeywordArguments(kwargs);
  if (!result) {
    if (!PyErr_ExceptionMatches(PyExc_SystemError)) return NULL;
    PyErr_Clear();
    PyErr_SetString(PyExc_SystemError, "not a dict"); /* CPython's message names its source */
    return NULL;
  }
  return PyLong_FromLong(result);
}

/* keywords(**kwargs) -> the keywords, validated as a METH_KEYWORDS function does */
static PyObject* keywords(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(args),
                          PyObject* kwargs) {
  if (kwargs == NULL) return PyDict_New();
  if (!PyArg_ValidateKeywordArguments(kwargs)) return NULL;
  return Py_NewRef(kwargs);
}

static PyMethodDef methods[] = {
    {"hierarchy", hierarchy, METH_VARARGS, NULL},
    {"layouts", layouts, METH_NOARGS, NULL},
    {"create", create, METH_VARARGS, NULL},
    {"attrs", attrs, METH_VARARGS, NULL},
    {"set_attr", set_attr, METH_VARARGS, NULL},
    {"del_attr", del_attr, METH_VARARGS, NULL},
    {"call_method", call_method, METH_VARARGS, NULL},
    {"raise_string", raise_string, METH_VARARGS, NULL},
    {"raise_object", raise_object, METH_VARARGS, NULL},
    {"raise_format", raise_format, METH_VARARGS, NULL},
    {"fetch", fetch, METH_VARARGS, NULL},
    {"matches", matches, METH_VARARGS, NULL},
    {"chain", chain, METH_NOARGS, NULL},
    {"traceback", traceback, METH_O, NULL},
    {"errno_error", errno_error, METH_VARARGS, NULL},
    {"import_error", import_error, METH_VARARGS, NULL},
    {"signals", signals, METH_NOARGS, NULL},
    {"unicode_errors", unicode_errors, METH_NOARGS, NULL},
    {"unicode_error_calls", unicode_error_calls, METH_VARARGS, NULL},
    {"syntax", syntax, METH_VARARGS, NULL},
    {"snprintf", os_snprintf, METH_VARARGS, NULL},
    {"custom", custom, METH_VARARGS, NULL},
    {"catch_custom", catch_custom, METH_VARARGS, NULL},
    {"recursion", recursion, METH_NOARGS, NULL},
    {"deep_repr", deep_repr, METH_VARARGS, NULL},
    {"warn", warn, METH_VARARGS, NULL},
    {"warn_explicit", warn_explicit, METH_NOARGS, NULL},
    {"func_name", func_name, METH_O, NULL},
    {"reduce", reduce, METH_O, NULL},
    {"isinstance", isinstance, METH_VARARGS, NULL},
    {"issubclass", issubclass, METH_VARARGS, NULL},
    {"format", format, METH_VARARGS, NULL},
    {"ascii", ascii, METH_O, NULL},
    {"to_bytes", to_bytes, METH_O, NULL},
    {"dir_names", dir_names, METH_O, NULL},
    {"dir_has", dir_has, METH_VARARGS, NULL},
    {"printed", printed, METH_VARARGS, NULL},
    {"lookup", lookup, METH_VARARGS, NULL},
    {"validate", validate, METH_O, NULL},
    {"keywords", (PyCFunction)(void (*)(void))keywords, METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "errs", "Exceptions from C.", -1,
                                        methods};

PyMODINIT_FUNC PyInit_errs(void) {
  /* PyExc_Exception is not a constant expression in C: the base is set here. */
  CustomError_Type.tp_base = (PyTypeObject*)PyExc_Exception;
  if (PyType_Ready(&CustomError_Type) < 0) return NULL;
  PyObject* module = PyModule_Create(&module_def);
  if (module == NULL) return NULL;
  Py_INCREF(&CustomError_Type);
  if (PyModule_AddObject(module, "CustomError", (PyObject*)&CustomError_Type) < 0) {
    Py_DECREF(&CustomError_Type);
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
