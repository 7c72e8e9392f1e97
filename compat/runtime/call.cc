// The call protocol (pinion_python/call.h): PyObject_Call and its convenience forms, and
// vectorcall (PEP 590), as CPython 3.11's Objects/call.c behaves.
//
// Every call goes to the callee's vectorcall function when it has one
// (Py_TPFLAGS_HAVE_VECTORCALL and a non-NULL pointer at tp_vectorcall_offset), else to its
// tp_call with a tuple and a dict built from the array ("'T' object is not callable" when it
// has neither). Keyword dicts become kwnames tuples and back as CPython converts them, so a
// callee sees what it would under CPython: kwnames NULL when there are no keywords, the
// PY_VECTORCALL_ARGUMENTS_OFFSET flag where CPython sets it (keywords unpacked from a dict,
// PyObject_CallOneArg, PyObject_CallMethodNoArgs/OneArg), never otherwise.
//
// Invariants: an argument array built here has one free slot in front (args[-1]), whenever
// the OFFSET flag is passed with it. Objects in arrays built here are held: positionals by
// the caller's pins (or the tuple they come from), keyword values and names unpacked from a
// dict by pins of their own until the call returns (the callee may mutate the dict).
//
// Threads: any attached thread. Nothing here is shared; the arrays live on the caller's
// stack or in malloc'd memory owned by the call.
#include <cstdarg>
#include <cstdlib>
#include <cstring>

#include "compat/runtime/calls.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

// CPython's null_error: SystemError unless an exception is already set.
PyObject* NullError() {
  if (!PyErr_Occurred()) {
    PyErr_SetString(PyExc_SystemError, "null argument to internal routine");
  }
  return nullptr;
}

PyObject* NotCallable(PyObject* callable) {
  return PyErr_Format(PyExc_TypeError, "'%.200s' object is not callable",
                      Py_TYPE(callable)->tp_name);
}

// An argument array of `n` entries with a free slot in front (for
// PY_VECTORCALL_ARGUMENTS_OFFSET): on the stack when small, else malloc'd.
class ArgArray {
 public:
  explicit ArgArray(Py_ssize_t n) {
    if (n + 1 > kSmall) {
      heap_ = static_cast<PyObject**>(std::malloc(static_cast<size_t>(n + 1) * sizeof(PyObject*)));
      if (heap_ == nullptr) {
        PyErr_NoMemory();
        return;
      }
    }
    slots_ = heap_ != nullptr ? heap_ : small_;
    slots_[0] = nullptr;
  }
  ~ArgArray() { std::free(heap_); }
  ArgArray(const ArgArray&) = delete;
  ArgArray& operator=(const ArgArray&) = delete;

  // False (MemoryError set) when the memory could not be had.
  bool ok() const { return slots_ != nullptr; }
  PyObject** args() { return slots_ + 1; }

 private:
  static constexpr Py_ssize_t kSmall = 8;
  PyObject* small_[kSmall];
  PyObject** heap_ = nullptr;
  PyObject** slots_ = nullptr;
};

// A new tuple of args[0..n).
PyObject* TupleFromArray(PyObject* const* args, Py_ssize_t n) {
  PyObject* tuple = PyTuple_New(n);
  if (tuple == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
  return tuple;
}

// CPython's _PyStack_AsDict: {kwnames[i]: values[i]}, later duplicates winning.
PyObject* StackAsDict(PyObject* const* values, PyObject* kwnames) {
  PyObject* dict = PyDict_New();
  if (dict == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); ++i) {
    if (PyDict_SetItem(dict, PyTuple_GET_ITEM(kwnames, i), values[i]) < 0) {
      Py_DECREF(dict);
      return nullptr;
    }
  }
  return dict;
}

// CPython's _PyObject_MakeTpCall: tp_call with a tuple of args[0..nargs) and the keywords
// (`keywords`: a dict, passed as it is; a tuple of names for the values after the
// positionals, an empty one meaning none; or NULL). The result is checked.
PyObject* MakeTpCall(PyObject* callable, PyObject* const* args, Py_ssize_t nargs,
                     PyObject* keywords) {
  ternaryfunc call = Py_TYPE(callable)->tp_call;
  if (call == nullptr) return NotCallable(callable);
  PyObject* tuple = TupleFromArray(args, nargs);
  if (tuple == nullptr) return nullptr;
  PyObject* kwdict = nullptr;
  if (keywords != nullptr && PyDict_Check(keywords)) {
    kwdict = Py_NewRef(keywords);
  } else if (keywords != nullptr && PyTuple_GET_SIZE(keywords) > 0) {
    kwdict = StackAsDict(args + nargs, keywords);
    if (kwdict == nullptr) {
      Py_DECREF(tuple);
      return nullptr;
    }
  }
  PyObject* result = call(callable, tuple, kwdict);
  Py_DECREF(tuple);
  Py_XDECREF(kwdict);
  return CheckCallResult(callable, result);
}

// What the vectorcall entry points check that CPython only asserts: `kwnames` NULL or a
// tuple, `args` present when there are arguments. False with SystemError.
bool CheckVectorcallArgs(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  if (kwnames != nullptr && !PyTuple_Check(kwnames)) {
    PyErr_BadInternalCall();
    return false;
  }
  const Py_ssize_t nkw = kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames);
  if (args == nullptr && nargs + nkw > 0) {
    PyErr_BadInternalCall();
    return false;
  }
  return true;
}

// callable(*args) for the values Py_VaBuildValue(format, va) makes (CPython's
// _PyObject_CallFunctionVa: several values, or one tuple, are the arguments).
PyObject* CallFunctionVa(PyObject* callable, const char* format, va_list va) {
  if (callable == nullptr) return NullError();
  if (format == nullptr || *format == '\0') return PyObject_CallNoArgs(callable);
  PyObject* built = Py_VaBuildValue(format, va);
  if (built == nullptr) return nullptr;
  PyObject* result;
  if (PyTuple_Check(built)) {
    result = PyObject_Vectorcall(callable, &PyTuple_GET_ITEM(built, 0),
                                 static_cast<size_t>(PyTuple_GET_SIZE(built)), nullptr);
  } else {
    result = PyObject_Vectorcall(callable, &built, 1, nullptr);
  }
  Py_DECREF(built);
  return result;
}

// o.name(...) with a Py_BuildValue format (CPython's PyObject_CallMethod and callmethod).
PyObject* CallMethodVa(PyObject* o, const char* name, const char* format, va_list va) {
  if (o == nullptr || name == nullptr) return NullError();
  PyObject* callable = PyObject_GetAttrString(o, name);
  if (callable == nullptr) return nullptr;
  PyObject* result;
  if (!PyCallable_Check(callable)) {
    result = PyErr_Format(PyExc_TypeError, "attribute of type '%.200s' is not callable",
                          Py_TYPE(callable)->tp_name);
  } else {
    result = CallFunctionVa(callable, format, va);
  }
  Py_DECREF(callable);
  return result;
}

// callable(*NULL-terminated PyObject* arguments) (CPython's object_vacall).
PyObject* CallVa(PyObject* callable, va_list va) {
  if (callable == nullptr) return NullError();
  va_list count;
  va_copy(count, va);
  Py_ssize_t n = 0;
  while (va_arg(count, PyObject*) != nullptr) ++n;
  va_end(count);
  ArgArray array(n);
  if (!array.ok()) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) array.args()[i] = va_arg(va, PyObject*);
  return PyObject_Vectorcall(callable, array.args(), static_cast<size_t>(n), nullptr);
}

}  // namespace

PyObject* CheckCallResult(PyObject* callable, PyObject* result) {
  if (result == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_Format(PyExc_SystemError, "%R returned NULL without setting an exception",
                   callable);
    }
    return nullptr;
  }
  if (PyErr_Occurred()) {
    Py_DECREF(result);
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    PyErr_Format(PyExc_SystemError, "%R returned a result with an exception set", callable);
    return nullptr;
  }
  return result;
}

PyObject* VectorcallWithDict(vectorcallfunc func, PyObject* callable, PyObject* const* args,
                             Py_ssize_t nargs, PyObject* kwargs) {
  if (kwargs == nullptr || PyDict_GET_SIZE(kwargs) == 0) {
    return func(callable, args, static_cast<size_t>(nargs), nullptr);
  }
  const Py_ssize_t nkw = PyDict_GET_SIZE(kwargs);
  ArgArray array(nargs + nkw);
  if (!array.ok()) return nullptr;
  PyObject* kwnames = PyTuple_New(nkw);
  if (kwnames == nullptr) return nullptr;
  PyObject** stack = array.args();
  for (Py_ssize_t i = 0; i < nargs; ++i) stack[i] = args[i];
  // No allocation from here to the call: the dict's items are pinned as they are copied.
  Py_ssize_t pos = 0, copied = 0;
  PyObject *key, *value;
  bool strings = true;
  while (copied < nkw && PyDict_Next(kwargs, &pos, &key, &value)) {
    strings = strings && PyUnicode_Check(key);
    PyTuple_SET_ITEM(kwnames, copied, Py_NewRef(key));
    stack[nargs + copied] = Py_NewRef(value);
    ++copied;
  }
  PyObject* result = nullptr;
  if (copied != nkw) {
    PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
  } else if (!strings) {
    PyErr_SetString(PyExc_TypeError, "keywords must be strings");
  } else {
    result = func(callable, stack, static_cast<size_t>(nargs) | PY_VECTORCALL_ARGUMENTS_OFFSET,
                  kwnames);
  }
  for (Py_ssize_t i = 0; i < copied; ++i) Py_DECREF(stack[nargs + i]);
  Py_DECREF(kwnames);
  return result;
}

}  // namespace pinion::compat

using namespace pinion::compat;

// ---- Tuple and dict calls -------------------------------------------------------------------

extern "C" int PyCallable_Check(PyObject* o) {
  return o != nullptr && Py_TYPE(o)->tp_call != nullptr;
}

extern "C" PyObject* PyObject_Call(PyObject* callable, PyObject* args, PyObject* kwargs) {
  if (callable == nullptr) return NullError();
  if (args == nullptr || !PyTuple_Check(args)) {
    PyErr_SetString(PyExc_TypeError, "argument list must be a tuple");
    return nullptr;
  }
  if (kwargs != nullptr && !PyDict_Check(kwargs)) {
    PyErr_SetString(PyExc_TypeError, "keyword list must be a dictionary");
    return nullptr;
  }
  if (vectorcallfunc func = PyVectorcall_Function(callable)) {
    return CheckCallResult(callable, VectorcallWithDict(func, callable, &PyTuple_GET_ITEM(args, 0),
                                                        PyTuple_GET_SIZE(args), kwargs));
  }
  ternaryfunc call = Py_TYPE(callable)->tp_call;
  if (call == nullptr) return NotCallable(callable);
  return CheckCallResult(callable, call(callable, args, kwargs));
}

extern "C" PyObject* PyObject_CallObject(PyObject* callable, PyObject* args) {
  if (args == nullptr) return PyObject_CallNoArgs(callable);
  return PyObject_Call(callable, args, nullptr);
}

extern "C" PyObject* PyObject_CallNoArgs(PyObject* callable) {
  return PyObject_Vectorcall(callable, nullptr, 0, nullptr);
}

extern "C" PyObject* PyObject_CallOneArg(PyObject* callable, PyObject* arg) {
  if (arg == nullptr) return NullError();
  PyObject* slots[2] = {nullptr, arg};  // slots[0]: args[-1], lent to the callee
  return PyObject_Vectorcall(callable, slots + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
}

extern "C" PyObject* PyObject_CallFunction(PyObject* callable, const char* format, ...) {
  va_list va;
  va_start(va, format);
  PyObject* result = CallFunctionVa(callable, format, va);
  va_end(va);
  return result;
}

extern "C" PyObject* _PyObject_CallFunction_SizeT(PyObject* callable, const char* format, ...) {
  va_list va;
  va_start(va, format);
  PyObject* result = CallFunctionVa(callable, format, va);
  va_end(va);
  return result;
}

extern "C" PyObject* PyObject_CallMethod(PyObject* o, const char* name, const char* format,
                                         ...) {
  va_list va;
  va_start(va, format);
  PyObject* result = CallMethodVa(o, name, format, va);
  va_end(va);
  return result;
}

extern "C" PyObject* _PyObject_CallMethod_SizeT(PyObject* o, const char* name,
                                                const char* format, ...) {
  va_list va;
  va_start(va, format);
  PyObject* result = CallMethodVa(o, name, format, va);
  va_end(va);
  return result;
}

extern "C" PyObject* PyObject_CallFunctionObjArgs(PyObject* callable, ...) {
  va_list va;
  va_start(va, callable);
  PyObject* result = CallVa(callable, va);
  va_end(va);
  return result;
}

extern "C" PyObject* PyObject_CallMethodObjArgs(PyObject* o, PyObject* name, ...) {
  if (o == nullptr || name == nullptr) return NullError();
  PyObject* callable = PyObject_GetAttr(o, name);
  if (callable == nullptr) return nullptr;
  va_list va;
  va_start(va, name);
  PyObject* result = CallVa(callable, va);
  va_end(va);
  Py_DECREF(callable);
  return result;
}

extern "C" PyObject* PyObject_CallMethodNoArgs(PyObject* o, PyObject* name) {
  return PyObject_VectorcallMethod(name, &o, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
}

extern "C" PyObject* PyObject_CallMethodOneArg(PyObject* o, PyObject* name, PyObject* arg) {
  if (arg == nullptr) return NullError();
  PyObject* args[2] = {o, arg};
  return PyObject_VectorcallMethod(name, args, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
}

// ---- Vectorcall ---------------------------------------------------------------------------

extern "C" vectorcallfunc PyVectorcall_Function(PyObject* callable) {
  if (callable == nullptr) return nullptr;
  PyTypeObject* type = Py_TYPE(callable);
  if (!PyType_HasFeature(type, Py_TPFLAGS_HAVE_VECTORCALL) || type->tp_vectorcall_offset <= 0) {
    return nullptr;
  }
  vectorcallfunc func;
  std::memcpy(&func, reinterpret_cast<char*>(callable) + type->tp_vectorcall_offset,
              sizeof(func));
  return func;
}

extern "C" PyObject* PyObject_Vectorcall(PyObject* callable, PyObject* const* args,
                                         size_t nargsf, PyObject* kwnames) {
  if (callable == nullptr) return NullError();
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (!CheckVectorcallArgs(args, nargs, kwnames)) return nullptr;
  vectorcallfunc func = PyVectorcall_Function(callable);
  if (func == nullptr) return MakeTpCall(callable, args, nargs, kwnames);
  return CheckCallResult(callable, func(callable, args, nargsf, kwnames));
}

extern "C" PyObject* PyObject_VectorcallDict(PyObject* callable, PyObject* const* args,
                                             size_t nargsf, PyObject* kwargs) {
  if (callable == nullptr) return NullError();
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if ((kwargs != nullptr && !PyDict_Check(kwargs)) || (args == nullptr && nargs > 0)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  vectorcallfunc func = PyVectorcall_Function(callable);
  if (func == nullptr) return MakeTpCall(callable, args, nargs, kwargs);
  PyObject* result;
  if (kwargs == nullptr || PyDict_GET_SIZE(kwargs) == 0) {
    result = func(callable, args, nargsf, nullptr);  // the caller's OFFSET flag passes on
  } else {
    result = VectorcallWithDict(func, callable, args, nargs, kwargs);
  }
  return CheckCallResult(callable, result);
}

extern "C" PyObject* PyVectorcall_Call(PyObject* callable, PyObject* tuple, PyObject* dict) {
  if (callable == nullptr) return NullError();
  const Py_ssize_t offset = Py_TYPE(callable)->tp_vectorcall_offset;
  vectorcallfunc func = nullptr;
  if (offset > 0) {
    std::memcpy(&func, reinterpret_cast<char*>(callable) + offset, sizeof(func));
  }
  if (func == nullptr) {
    return PyErr_Format(PyExc_TypeError, "'%.200s' object does not support vectorcall",
                        Py_TYPE(callable)->tp_name);
  }
  if (tuple == nullptr || !PyTuple_Check(tuple) || (dict != nullptr && !PyDict_Check(dict))) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return CheckCallResult(callable, VectorcallWithDict(func, callable, &PyTuple_GET_ITEM(tuple, 0),
                                                      PyTuple_GET_SIZE(tuple), dict));
}

extern "C" PyObject* PyObject_VectorcallMethod(PyObject* name, PyObject* const* args,
                                               size_t nargsf, PyObject* kwnames) {
  if (name == nullptr || args == nullptr || PyVectorcall_NARGS(nargsf) < 1) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (args[0] == nullptr) return NullError();
  // Pinion's attribute lookup binds methods, so the object is never passed on: the call
  // skips args[0], which the callee may then use as args[-1] when the caller allowed it.
  PyObject* callable = PyObject_GetAttr(args[0], name);
  if (callable == nullptr) return nullptr;
  PyObject* result = PyObject_Vectorcall(callable, args + 1, nargsf - 1, kwnames);
  Py_DECREF(callable);
  return result;
}

// ---- ceval.h's deprecated call functions -----------------------------------------------------

extern "C" PyObject* PyEval_CallObjectWithKeywords(PyObject* callable, PyObject* args,
                                                   PyObject* kwargs) {
  if (args != nullptr && !PyTuple_Check(args)) {
    PyErr_SetString(PyExc_TypeError, "argument list must be a tuple");
    return nullptr;
  }
  if (kwargs != nullptr && !PyDict_Check(kwargs)) {
    PyErr_SetString(PyExc_TypeError, "keyword list must be a dictionary");
    return nullptr;
  }
  if (args == nullptr) return PyObject_VectorcallDict(callable, nullptr, 0, kwargs);
  return PyObject_Call(callable, args, kwargs);
}

extern "C" PyObject* PyEval_CallFunction(PyObject* callable, const char* format, ...) {
  va_list va;
  va_start(va, format);
  PyObject* result = CallFunctionVa(callable, format, va);
  va_end(va);
  return result;
}

extern "C" PyObject* PyEval_CallMethod(PyObject* o, const char* name, const char* format, ...) {
  va_list va;
  va_start(va, format);
  PyObject* result = CallMethodVa(o, name, format, va);
  va_end(va);
  return result;
}
