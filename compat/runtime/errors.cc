// The current exception (pyerrors.h): each thread's raised and handled exceptions and the
// PyErr_* API. The exception types and instances are exceptions.cc's.
//
// Owns: t_error, the calling thread's (type, value, traceback) triple, and t_handled, the
// exception it is handling (sys.exc_info()).
//
// Invariants:
//   - t_error.value and .traceback are NULL whenever t_error.type is. The setters only ever
//     store an exception type (PyExceptionClass_Check); PyErr_Restore trusts its caller, as
//     CPython. The value is what was raised: an instance, or the argument(s) the type will be
//     called with when normalised (PyErr_NormalizeException).
//   - Each non-NULL member of t_error, and t_handled, is a pin owned by the thread's
//     exception state: set by PyErr_Restore (which every setter goes through) or
//     PyErr_SetHandledException, released by the next one or PyErr_Clear, or handed to the
//     caller by PyErr_Fetch.
//
// Threads: any attached thread; the state is thread_local, so threads never see each other's
// exceptions and need no synchronisation. It is plain data with no destructor: a thread that
// exits is no longer attached and could not unpin anyway.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "compat/runtime/runtime.h"

#undef Py_FatalError  // the macro form passes __func__; the function is defined below

namespace {

// The calling thread's current exception (see the invariants above).
struct ErrorState {
  PyObject* type;
  PyObject* value;
  PyObject* traceback;
};
thread_local ErrorState t_error{nullptr, nullptr, nullptr};
thread_local PyObject* t_handled = nullptr;
// False until PyErr_SetHandledException/SetExcInfo runs on the thread: CPython's initial
// handled exception is None, which PyErr_GetExcInfo tells apart from a NULL set since.
thread_local bool t_handled_set = false;

// Writes "TypeName: str(value)" (or "TypeName" when the str is empty) and a newline to
// stderr, after normalising. Takes over the references; runs with no exception set.
// The report of an exception, as CPython prints one with no traceback: "TypeName: str(value)\n"
// or "TypeName\n". Clears whatever str() raised.
std::string ExceptionLine(PyObject* type, PyObject* value) {
  // As CPython's report: the instance's own class (OSError(2, ...) is a FileNotFoundError).
  const char* name = value != nullptr && PyExceptionInstance_Check(value)
                         ? Py_TYPE(value)->tp_name
                     : type != nullptr && PyType_Check(type)
                         ? reinterpret_cast<PyTypeObject*>(type)->tp_name
                         : "?";
  PyObject* text = value != nullptr ? PyObject_Str(value) : nullptr;
  const char* utf8 = text != nullptr ? PyUnicode_AsUTF8(text) : nullptr;
  std::string line = name;
  if (utf8 == nullptr) {
    line += ": <exception str() failed>";
  } else if (*utf8 != '\0') {
    line = line + ": " + utf8;
  }
  Py_XDECREF(text);
  PyErr_Clear();  // whatever str() raised
  return line + "\n";
}

void PrintException(PyObject* type, PyObject* value, PyObject* traceback) {
  PyErr_NormalizeException(&type, &value, &traceback);
  std::fputs(ExceptionLine(type, value).c_str(), stderr);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
}

// type(*value) for a tuple, type() for NULL/None, else type(value); TypeError if that is
// not an exception instance.
PyObject* CreateException(PyObject* type, PyObject* value) {
  PyObject* exc;
  if (value == nullptr || value == Py_None) {
    exc = PyObject_CallNoArgs(type);
  } else if (PyTuple_Check(value)) {
    exc = PyObject_Call(type, value, nullptr);
  } else {
    exc = PyObject_CallOneArg(type, value);
  }
  if (exc != nullptr && !PyExceptionInstance_Check(exc)) {
    PyErr_Format(PyExc_TypeError,
                 "calling %R should have returned an instance of BaseException, not %s", type,
                 Py_TYPE(exc)->tp_name);
    Py_CLEAR(exc);
  }
  return exc;
}

}  // namespace

// ---- Setting and clearing ---------------------------------------------------------------

extern "C" void PyErr_Restore(PyObject* type, PyObject* value, PyObject* traceback) {
  if (type == nullptr) {  // as CPython: a NULL type clears, whatever the value
    Py_XDECREF(value);
    value = nullptr;
  }
  if (type == nullptr) {
    Py_XDECREF(traceback);
    traceback = nullptr;
  }
  const ErrorState old = t_error;
  t_error = {type, value, traceback};
  Py_XDECREF(old.type);
  Py_XDECREF(old.value);
  Py_XDECREF(old.traceback);
}

extern "C" void PyErr_Fetch(PyObject** type, PyObject** value, PyObject** traceback) {
  *type = t_error.type;
  *value = t_error.value;
  *traceback = t_error.traceback;
  t_error = {nullptr, nullptr, nullptr};
}

extern "C" void PyErr_Clear(void) { PyErr_Restore(nullptr, nullptr, nullptr); }

extern "C" PyObject* PyErr_Occurred(void) { return t_error.type; }

extern "C" void PyErr_SetObject(PyObject* type, PyObject* value) {
  if (type != nullptr && !PyExceptionClass_Check(type)) {
    PyErr_Format(PyExc_SystemError, "_PyErr_SetObject: exception %R is not a BaseException subclass",
                 type);
    return;
  }
  Py_XINCREF(value);
  PyObject* handled = t_handled;
  if (type != nullptr && handled != nullptr && PyExceptionInstance_Check(handled)) {
    // Implicit chaining: the new exception's __context__ is the one being handled, so the
    // value must be an instance now (as CPython).
    Py_INCREF(handled);
    if (value == nullptr || !PyExceptionInstance_Check(value)) {
      PyObject* created = CreateException(type, value);
      Py_XDECREF(value);
      if (created == nullptr) {
        Py_DECREF(handled);
        return;  // the error creating it stands
      }
      value = created;
    }
    if (handled != value) {
      // No cycle: if `value` is already in handled's context chain, cut the chain there.
      PyObject* o = handled;
      for (int steps = 0; steps < 10000; ++steps) {
        PyObject* context = reinterpret_cast<PyBaseExceptionObject*>(o)->context;
        if (context == nullptr) break;
        if (context == value) {
          PyException_SetContext(o, nullptr);
          break;
        }
        o = context;
      }
      PyException_SetContext(value, handled);  // steals
    } else {
      Py_DECREF(handled);
    }
  }
  PyObject* traceback = nullptr;
  if (value != nullptr && PyExceptionInstance_Check(value)) {
    traceback = PyException_GetTraceback(value);
  }
  PyErr_Restore(Py_XNewRef(type), value, traceback);
}

extern "C" void PyErr_NormalizeException(PyObject** type, PyObject** value, PyObject** tb) {
  for (int attempt = 0;; ++attempt) {
    PyObject* t = *type;
    if (t == nullptr) return;
    PyObject* v = *value != nullptr ? *value : Py_NewRef(Py_None);
    if (!PyExceptionClass_Check(t)) {
      *value = v;
      return;
    }
    PyTypeObject* inclass = PyExceptionInstance_Check(v) ? Py_TYPE(v) : nullptr;
    if (inclass != nullptr && PyType_IsSubtype(inclass, reinterpret_cast<PyTypeObject*>(t))) {
      if (inclass != reinterpret_cast<PyTypeObject*>(t)) {
        // Believe the instance's class.
        Py_SETREF(*type, Py_NewRef(reinterpret_cast<PyObject*>(inclass)));
      }
      *value = v;
      return;
    }
    PyObject* created = CreateException(t, v);
    if (created != nullptr) {
      Py_DECREF(v);
      *value = created;
      return;
    }
    // Creating it raised: that exception replaces the triple, and is normalised in turn.
    Py_DECREF(t);
    Py_DECREF(v);
    PyObject* initial_tb = *tb;
    PyErr_Fetch(type, value, tb);
    if (initial_tb != nullptr) {
      if (*tb == nullptr) {
        *tb = initial_tb;
      } else {
        Py_DECREF(initial_tb);
      }
    }
    if (attempt >= 32) {
      Py_FatalError("Cannot recover from the recursive normalization of an exception.");
    }
  }
}

// ---- The exception being handled ----------------------------------------------------------

extern "C" PyObject* PyErr_GetHandledException(void) {
  if (t_handled == nullptr || t_handled == Py_None) return nullptr;
  return Py_NewRef(t_handled);
}

extern "C" void PyErr_SetHandledException(PyObject* exc) {
  PyObject* old = t_handled;
  t_handled = Py_XNewRef(exc);
  t_handled_set = true;
  Py_XDECREF(old);
}

extern "C" void PyErr_GetExcInfo(PyObject** type, PyObject** value, PyObject** traceback) {
  PyObject* handled = t_handled;
  if (handled == nullptr || handled == Py_None) {
    // As CPython 3.11: None for the type and traceback when nothing is being handled; the
    // value is what was set (None initially, NULL after PyErr_SetExcInfo(NULL, NULL, NULL)).
    *type = Py_NewRef(Py_None);
    *value = handled != nullptr || !t_handled_set ? Py_NewRef(Py_None) : nullptr;
    *traceback = Py_NewRef(Py_None);
    return;
  }
  *type = Py_NewRef(reinterpret_cast<PyObject*>(Py_TYPE(handled)));
  *value = Py_NewRef(handled);
  PyObject* tb = PyExceptionInstance_Check(handled) ? PyException_GetTraceback(handled) : nullptr;
  *traceback = tb != nullptr ? tb : Py_NewRef(Py_None);
}

extern "C" void PyErr_SetExcInfo(PyObject* type, PyObject* value, PyObject* traceback) {
  PyErr_SetHandledException(value);  // 3.11 keeps only the value
  Py_XDECREF(value);
  Py_XDECREF(type);
  Py_XDECREF(traceback);
}

extern "C" void PyErr_SetNone(PyObject* type) { PyErr_SetObject(type, nullptr); }

extern "C" void PyErr_SetString(PyObject* type, const char* message) {
  PyObject* value = PyUnicode_FromString(message);
  if (value == nullptr) return;  // its error (MemoryError, ValueError for bad UTF-8) stands
  PyErr_SetObject(type, value);
  Py_DECREF(value);
}

extern "C" PyObject* PyErr_FormatV(PyObject* type, const char* format, va_list vargs) {
  PyErr_Clear();  // as CPython: the message is formatted with no exception set
  PyObject* value = PyUnicode_FromFormatV(format, vargs);
  if (value != nullptr) {
    PyErr_SetObject(type, value);
    Py_DECREF(value);
  }
  return nullptr;
}

extern "C" PyObject* PyErr_Format(PyObject* type, const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  PyErr_FormatV(type, format, vargs);
  va_end(vargs);
  return nullptr;
}

// No value: raising MemoryError must not allocate.
extern "C" PyObject* PyErr_NoMemory(void) {
  PyErr_SetNone(PyExc_MemoryError);
  return nullptr;
}

extern "C" int PyErr_BadArgument(void) {
  PyErr_SetString(PyExc_TypeError, "bad argument type for built-in operation");
  return 0;
}

extern "C" void PyErr_BadInternalCall(void) {
  PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
}

// ---- Matching -----------------------------------------------------------------------------

extern "C" int PyErr_GivenExceptionMatches(PyObject* given, PyObject* exc) {
  if (given == nullptr || exc == nullptr) return 0;
  if (PyTuple_Check(exc)) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(exc); ++i) {
      if (PyErr_GivenExceptionMatches(given, PyTuple_GET_ITEM(exc, i))) return 1;
    }
    return 0;
  }
  if (PyExceptionInstance_Check(given)) given = reinterpret_cast<PyObject*>(Py_TYPE(given));
  if (PyExceptionClass_Check(given) && PyExceptionClass_Check(exc)) {
    return PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(given),
                            reinterpret_cast<PyTypeObject*>(exc));
  }
  return given == exc;
}

extern "C" int PyErr_ExceptionMatches(PyObject* exc) {
  return PyErr_GivenExceptionMatches(t_error.type, exc);
}

// ---- Reporting ----------------------------------------------------------------------------

extern "C" void PyErr_Display(PyObject* exception, PyObject* value, PyObject* traceback) {
  PyObject* file = Py_XNewRef(PySys_GetObject("stderr"));
  if (file == Py_None) {  // as CPython: sys.stderr = None silences reports
    Py_DECREF(file);
    return;
  }
  Py_XINCREF(exception);
  Py_XINCREF(value);
  Py_XINCREF(traceback);
  PyErr_NormalizeException(&exception, &value, &traceback);
  const std::string line = ExceptionLine(exception, value);
  Py_XDECREF(exception);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  // sys.stderr.write(line) when the embedder set sys.stderr; the C stream when it did not
  // (CPython then reports "lost sys.stderr") or the write fails.
  PyObject* result = file != nullptr ? PyObject_CallMethod(file, "write", "s", line.c_str())
                                     : nullptr;
  if (result == nullptr) {
    PyErr_Clear();
    std::fputs(line.c_str(), stderr);
  }
  Py_XDECREF(result);
  Py_XDECREF(file);
}

extern "C" void PyErr_PrintEx(int) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  if (type == nullptr) return;
  PyErr_Display(type, value, traceback);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
}

extern "C" void PyErr_Print(void) { PyErr_PrintEx(1); }

extern "C" void PyErr_WriteUnraisable(PyObject* where) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  if (type == nullptr) return;
  if (where != nullptr) {
    std::fprintf(stderr, "Exception ignored in: <%s object at %p>\n", Py_TYPE(where)->tp_name,
                 static_cast<void*>(where));
  }
  PrintException(type, value, traceback);
}

// ---- errno, imports, signals ----------------------------------------------------------------

extern "C" PyObject* PyErr_SetFromErrnoWithFilenameObjects(PyObject* type, PyObject* filename,
                                                            PyObject* filename2) {
  const int code = errno;
  if (code == EINTR && PyErr_CheckSignals() != 0) return nullptr;
  PyObject* message = PyUnicode_FromString(code != 0 ? std::strerror(code) : "Error");
  if (message == nullptr) return nullptr;
  PyObject* args;
  if (filename != nullptr && filename2 != nullptr) {
    args = Py_BuildValue("(iOOiO)", code, message, filename, 0, filename2);
  } else if (filename != nullptr) {
    args = Py_BuildValue("(iOO)", code, message, filename);
  } else {
    args = Py_BuildValue("(iO)", code, message);
  }
  Py_DECREF(message);
  if (args == nullptr) return nullptr;
  PyObject* exc = PyObject_Call(type, args, nullptr);
  Py_DECREF(args);
  if (exc != nullptr) {
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc)), exc);
    Py_DECREF(exc);
  }
  return nullptr;
}

extern "C" PyObject* PyErr_SetFromErrnoWithFilenameObject(PyObject* type, PyObject* filename) {
  return PyErr_SetFromErrnoWithFilenameObjects(type, filename, nullptr);
}

extern "C" PyObject* PyErr_SetFromErrno(PyObject* type) {
  return PyErr_SetFromErrnoWithFilenameObjects(type, nullptr, nullptr);
}

extern "C" PyObject* PyErr_SetFromErrnoWithFilename(PyObject* type, const char* filename) {
  const int code = errno;  // decoding the name must not lose it
  PyObject* name = nullptr;
  if (filename != nullptr) {
    name = PyUnicode_DecodeUTF8(filename, static_cast<Py_ssize_t>(std::strlen(filename)),
                                "replace");
    if (name == nullptr) return nullptr;
  }
  errno = code;
  PyErr_SetFromErrnoWithFilenameObjects(type, name, nullptr);
  Py_XDECREF(name);
  return nullptr;
}

extern "C" PyObject* PyErr_SetImportErrorSubclass(PyObject* type, PyObject* msg, PyObject* name,
                                                  PyObject* path) {
  if (!PyExceptionClass_Check(type) ||
      !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(type),
                        reinterpret_cast<PyTypeObject*>(PyExc_ImportError))) {
    PyErr_SetString(PyExc_TypeError, "expected a subclass of ImportError");
    return nullptr;
  }
  if (msg == nullptr) {
    PyErr_SetString(PyExc_TypeError, "expected a message argument");
    return nullptr;
  }
  PyObject* args = PyTuple_Pack(1, msg);
  PyObject* kwargs = PyDict_New();
  PyObject* exc = nullptr;
  if (args != nullptr && kwargs != nullptr &&
      PyDict_SetItemString(kwargs, "name", name != nullptr ? name : Py_None) == 0 &&
      PyDict_SetItemString(kwargs, "path", path != nullptr ? path : Py_None) == 0) {
    exc = PyObject_Call(type, args, kwargs);
  }
  Py_XDECREF(args);
  Py_XDECREF(kwargs);
  if (exc != nullptr) {
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc)), exc);
    Py_DECREF(exc);
  }
  return nullptr;
}

extern "C" PyObject* PyErr_SetImportError(PyObject* msg, PyObject* name, PyObject* path) {
  return PyErr_SetImportErrorSubclass(PyExc_ImportError, msg, name, path);
}

// A simulated SIGINT waiting for the requesting thread's next PyErr_CheckSignals.
thread_local bool t_interrupt_pending = false;

extern "C" int PyErr_CheckSignals(void) {
  // A real SIGINT is seen on the main thread only, as CPython runs signal handlers there.
  if (!t_interrupt_pending && !(pinion::compat::IsMainThread() && pinion::compat::TakeSigint())) return 0;
  t_interrupt_pending = false;
  PyErr_SetNone(PyExc_KeyboardInterrupt);  // Python's default SIGINT handler
  return -1;
}

extern "C" int PyErr_SetInterruptEx(int signum) {
  if (signum < 1 || signum >= NSIG) return -1;
  // Only SIGINT has a Python-level handler by default; the others are SIG_DFL/SIG_IGN to
  // Python, which CPython then ignores.
  if (signum == SIGINT) t_interrupt_pending = true;
  return 0;
}

extern "C" void PyErr_SetInterrupt(void) { PyErr_SetInterruptEx(SIGINT); }

// ---- Fatal errors -----------------------------------------------------------------------------

extern "C" void _Py_FatalErrorFunc(const char* func, const char* message) {
  std::fflush(stdout);
  if (func != nullptr) {
    std::fprintf(stderr, "Fatal Python error: %s: %s\n", func, message);
  } else {
    std::fprintf(stderr, "Fatal Python error: %s\n", message);
  }
  std::fflush(stderr);
  std::abort();
}

extern "C" void Py_FatalError(const char* message) { _Py_FatalErrorFunc(nullptr, message); }

// ---- Syntax error locations -------------------------------------------------------------------

extern "C" PyObject* PyErr_ProgramTextObject(PyObject* filename, int lineno) {
  if (filename == nullptr || !PyUnicode_Check(filename) || lineno <= 0) return nullptr;
  const char* path = PyUnicode_AsUTF8(filename);
  if (path == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  std::FILE* file = std::fopen(path, "rb");
  if (file == nullptr) return nullptr;
  std::string line;
  int current = 1;
  for (int c; (c = std::fgetc(file)) != EOF;) {
    if (current == lineno) line += static_cast<char>(c);
    if (c == '\n' && ++current > lineno) break;
  }
  std::fclose(file);
  if (current < lineno || (current == lineno && line.empty())) return nullptr;
  PyObject* text =
      PyUnicode_DecodeUTF8(line.data(), static_cast<Py_ssize_t>(line.size()), "replace");
  if (text == nullptr) PyErr_Clear();
  return text;
}

extern "C" PyObject* PyErr_ProgramText(const char* filename, int lineno) {
  if (filename == nullptr) return nullptr;
  PyObject* name = PyUnicode_FromString(filename);
  if (name == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  PyObject* text = PyErr_ProgramTextObject(name, lineno);
  Py_DECREF(name);
  return text;
}

namespace {

// Sets v.name = value (a new reference, NULL: None); false with the error set.
bool SetField(PyObject* v, const char* name, PyObject* value) {
  const int result = PyObject_SetAttrString(v, name, value != nullptr ? value : Py_None);
  Py_XDECREF(value);
  return result == 0;
}

}  // namespace

extern "C" void PyErr_RangedSyntaxLocationObject(PyObject* filename, int lineno, int col_offset,
                                                 int end_lineno, int end_col_offset) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  if (type == nullptr) return;
  PyErr_NormalizeException(&type, &value, &tb);
  bool ok = SetField(value, "lineno", PyLong_FromLong(lineno)) &&
            SetField(value, "offset", col_offset >= 0 ? PyLong_FromLong(col_offset) : nullptr);
  if (ok) {
    ok = SetField(value, "end_lineno", end_lineno >= 0 ? PyLong_FromLong(end_lineno) : nullptr);
  }
  if (ok) {
    ok = SetField(value, "end_offset",
                  end_col_offset >= 0 ? PyLong_FromLong(end_col_offset) : nullptr);
  }
  if (ok && filename != nullptr) {
    ok = SetField(value, "filename", Py_NewRef(filename));
    PyObject* text = ok ? PyErr_ProgramTextObject(filename, lineno) : nullptr;
    if (ok && text != nullptr) ok = SetField(value, "text", text);
  }
  if (ok && type != PyExc_SyntaxError) {
    PyObject* existing = nullptr;
    PyObject* key = PyUnicode_FromString("msg");
    const int found = key != nullptr ? _PyObject_LookupAttr(value, key, &existing) : -1;
    Py_XDECREF(key);
    Py_XDECREF(existing);
    if (found == 0) ok = SetField(value, "msg", PyObject_Str(value));
    key = PyUnicode_FromString("print_file_and_line");
    const int printed = key != nullptr ? _PyObject_LookupAttr(value, key, &existing) : -1;
    Py_XDECREF(key);
    Py_XDECREF(existing);
    if (ok && printed == 0) ok = SetField(value, "print_file_and_line", nullptr);
  }
  if (!ok) PyErr_Clear();  // as CPython: the original exception stands
  PyErr_Restore(type, value, tb);
}

extern "C" void PyErr_SyntaxLocationObject(PyObject* filename, int lineno, int col_offset) {
  PyErr_RangedSyntaxLocationObject(filename, lineno, col_offset, lineno, -1);
}

extern "C" void PyErr_SyntaxLocationEx(const char* filename, int lineno, int col_offset) {
  PyObject* name = nullptr;
  if (filename != nullptr) {
    name = PyUnicode_DecodeUTF8(filename, static_cast<Py_ssize_t>(std::strlen(filename)),
                                "replace");
    if (name == nullptr) {
      PyErr_Clear();
      return;
    }
  }
  PyErr_SyntaxLocationObject(name, lineno, col_offset);
  Py_XDECREF(name);
}

extern "C" void PyErr_SyntaxLocation(const char* filename, int lineno) {
  PyErr_SyntaxLocationEx(filename, lineno, -1);
}

// ---- PyOS_snprintf ----------------------------------------------------------------------------

extern "C" int PyOS_vsnprintf(char* str, size_t size, const char* format, va_list va) {
  if (size == 0) return std::vsnprintf(nullptr, 0, format, va);
  const int length = std::vsnprintf(str, size, format, va);
  str[size - 1] = '\0';
  return length;
}

extern "C" int PyOS_snprintf(char* str, size_t size, const char* format, ...) {
  va_list va;
  va_start(va, format);
  const int length = PyOS_vsnprintf(str, size, format, va);
  va_end(va);
  return length;
}
