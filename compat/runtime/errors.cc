// Exceptions (pyerrors.h): the standard exception types and each thread's current exception.
//
// Owns: the static exception type objects (PyExc_* point at them) and t_error, the calling
// thread's (type, value) pair.
//
// Invariants:
//   - t_error.value is NULL whenever t_error.type is. The setters only ever store an
//     exception type (PyExceptionClass_Check); PyErr_Restore trusts its caller, as CPython.
//   - Each non-NULL member of t_error is a pin owned by the thread's exception state: set by
//     PyErr_Restore (which every setter goes through), released by the next Restore or
//     PyErr_Clear, or handed to the caller by PyErr_Fetch. The types are immortal, so only
//     the value's pin is real.
//   - The exception types are immortal statics, used for their identity and their tp_base
//     chain (CPython's hierarchy); they are constant-initialised and nothing is allocated
//     for them, so they outlive every Py_Initialize/Py_Finalize cycle unchanged.
//
// Threads: any attached thread; t_error is thread_local, so threads never see each other's
// exceptions and need no synchronisation. t_error is a plain struct with no destructor: a
// thread that exits is no longer attached and could not unpin anyway.
#include <cstdio>

#include "compat/runtime/runtime.h"

namespace {

// An exception type: static and immortal, instances not provided.
constexpr PyTypeObject ExceptionType(const char* name, PyTypeObject* base, const char* doc) {
  PyTypeObject type{};
  type.ob_base = PyVarObject{{_PyPinion_IMMORTAL_REFCNT, &PyType_Type}, 0};
  type.tp_name = name;
  type.tp_basicsize = sizeof(PyObject);
  type.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_BASE_EXC_SUBCLASS;
  type.tp_doc = doc;
  type.tp_base = base;
  return type;
}

// CPython's hierarchy (the part Pinion declares), bases before subclasses.
constinit PyTypeObject g_base_exception =
    ExceptionType("BaseException", &PyBaseObject_Type, "Common base class for all exceptions");
constinit PyTypeObject g_keyboard_interrupt =
    ExceptionType("KeyboardInterrupt", &g_base_exception, "Program interrupted by user.");
constinit PyTypeObject g_system_exit =
    ExceptionType("SystemExit", &g_base_exception, "Request to exit from the interpreter.");
constinit PyTypeObject g_exception =
    ExceptionType("Exception", &g_base_exception, "Common base class for all non-exit exceptions.");
constinit PyTypeObject g_arithmetic_error =
    ExceptionType("ArithmeticError", &g_exception, "Base class for arithmetic errors.");
constinit PyTypeObject g_overflow_error =
    ExceptionType("OverflowError", &g_arithmetic_error, "Result too large to be represented.");
constinit PyTypeObject g_zero_division_error =
    ExceptionType("ZeroDivisionError", &g_arithmetic_error,
                  "Second argument to a division or modulo operation was zero.");
constinit PyTypeObject g_assertion_error =
    ExceptionType("AssertionError", &g_exception, "Assertion failed.");
constinit PyTypeObject g_attribute_error =
    ExceptionType("AttributeError", &g_exception, "Attribute not found.");
constinit PyTypeObject g_buffer_error =
    ExceptionType("BufferError", &g_exception, "Buffer error.");
constinit PyTypeObject g_eof_error =
    ExceptionType("EOFError", &g_exception, "Read beyond end of file.");
constinit PyTypeObject g_import_error =
    ExceptionType("ImportError", &g_exception,
                  "Import can't find module, or can't find name in module.");
constinit PyTypeObject g_module_not_found_error =
    ExceptionType("ModuleNotFoundError", &g_import_error, "Module not found.");
constinit PyTypeObject g_lookup_error =
    ExceptionType("LookupError", &g_exception, "Base class for lookup errors.");
constinit PyTypeObject g_index_error =
    ExceptionType("IndexError", &g_lookup_error, "Sequence index out of range.");
constinit PyTypeObject g_key_error =
    ExceptionType("KeyError", &g_lookup_error, "Mapping key not found.");
constinit PyTypeObject g_memory_error =
    ExceptionType("MemoryError", &g_exception, "Out of memory.");
constinit PyTypeObject g_name_error =
    ExceptionType("NameError", &g_exception, "Name not found globally.");
constinit PyTypeObject g_os_error =
    ExceptionType("OSError", &g_exception, "Base class for I/O related errors.");
constinit PyTypeObject g_runtime_error =
    ExceptionType("RuntimeError", &g_exception, "Unspecified run-time error.");
constinit PyTypeObject g_not_implemented_error =
    ExceptionType("NotImplementedError", &g_runtime_error,
                  "Method or function hasn't been implemented yet.");
constinit PyTypeObject g_stop_iteration =
    ExceptionType("StopIteration", &g_exception, "Signal the end from iterator.__next__().");
constinit PyTypeObject g_system_error =
    ExceptionType("SystemError", &g_exception, "Internal error in the Python interpreter.");
constinit PyTypeObject g_type_error =
    ExceptionType("TypeError", &g_exception, "Inappropriate argument type.");
constinit PyTypeObject g_value_error =
    ExceptionType("ValueError", &g_exception, "Inappropriate argument value (of correct type).");

// The calling thread's current exception (see the invariants above).
struct ErrorState {
  PyObject* type;
  PyObject* value;
};
thread_local ErrorState t_error{nullptr, nullptr};

// Writes "TypeName: str(value)" (or "TypeName") and a newline to stderr. Takes over the
// references to `type` and `value`; runs with no exception set.
void PrintException(PyObject* type, PyObject* value) {
  const char* name = PyType_Check(type) ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "?";
  if (value == nullptr || value == Py_None) {
    std::fprintf(stderr, "%s\n", name);
  } else {
    PyObject* text = PyObject_Str(value);
    const char* utf8 = text != nullptr ? PyUnicode_AsUTF8(text) : nullptr;
    std::fprintf(stderr, "%s: %s\n", name, utf8 != nullptr ? utf8 : "<exception str() failed>");
    Py_XDECREF(text);
    PyErr_Clear();  // whatever str() raised
  }
  Py_XDECREF(type);
  Py_XDECREF(value);
}

}  // namespace

// &type.ob_base.ob_base is the type as a PyObject* without a cast, so these are constant
// initialised: valid before any static constructor runs.
#define PINION_EXCEPTION(name, type) constinit PyObject* PyExc_##name = &type.ob_base.ob_base
PINION_EXCEPTION(BaseException, g_base_exception);
PINION_EXCEPTION(Exception, g_exception);
PINION_EXCEPTION(ArithmeticError, g_arithmetic_error);
PINION_EXCEPTION(AssertionError, g_assertion_error);
PINION_EXCEPTION(AttributeError, g_attribute_error);
PINION_EXCEPTION(BufferError, g_buffer_error);
PINION_EXCEPTION(EOFError, g_eof_error);
PINION_EXCEPTION(ImportError, g_import_error);
PINION_EXCEPTION(ModuleNotFoundError, g_module_not_found_error);
PINION_EXCEPTION(IndexError, g_index_error);
PINION_EXCEPTION(KeyboardInterrupt, g_keyboard_interrupt);
PINION_EXCEPTION(KeyError, g_key_error);
PINION_EXCEPTION(LookupError, g_lookup_error);
PINION_EXCEPTION(MemoryError, g_memory_error);
PINION_EXCEPTION(NameError, g_name_error);
PINION_EXCEPTION(NotImplementedError, g_not_implemented_error);
PINION_EXCEPTION(OSError, g_os_error);
PINION_EXCEPTION(OverflowError, g_overflow_error);
PINION_EXCEPTION(RuntimeError, g_runtime_error);
PINION_EXCEPTION(StopIteration, g_stop_iteration);
PINION_EXCEPTION(SystemError, g_system_error);
PINION_EXCEPTION(SystemExit, g_system_exit);
PINION_EXCEPTION(TypeError, g_type_error);
PINION_EXCEPTION(ValueError, g_value_error);
PINION_EXCEPTION(ZeroDivisionError, g_zero_division_error);
#undef PINION_EXCEPTION

// ---- Setting and clearing ---------------------------------------------------------------

extern "C" void PyErr_Restore(PyObject* type, PyObject* value, PyObject* traceback) {
  if (type == nullptr) {  // as CPython: a NULL type clears, whatever the value
    Py_XDECREF(value);
    value = nullptr;
  }
  const ErrorState old = t_error;
  t_error = {type, value};
  Py_XDECREF(traceback);  // tracebacks are not kept
  Py_XDECREF(old.type);
  Py_XDECREF(old.value);
}

extern "C" void PyErr_Fetch(PyObject** type, PyObject** value, PyObject** traceback) {
  *type = t_error.type;
  *value = t_error.value;
  *traceback = nullptr;
  t_error = {nullptr, nullptr};
}

extern "C" void PyErr_Clear(void) { PyErr_Restore(nullptr, nullptr, nullptr); }

extern "C" PyObject* PyErr_Occurred(void) { return t_error.type; }

extern "C" void PyErr_SetObject(PyObject* type, PyObject* value) {
  if (type != nullptr && !PyExceptionClass_Check(type)) {
    PyErr_Format(PyExc_SystemError, "PyErr_SetObject: exception %R is not a BaseException subclass",
                 type);
    return;
  }
  PyErr_Restore(Py_XNewRef(type), Py_XNewRef(value), nullptr);
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

extern "C" void PyErr_PrintEx(int) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  if (type != nullptr) PrintException(type, value);
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
  PrintException(type, value);
}
