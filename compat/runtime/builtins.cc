// The builtins module (ceval.h's PyEval_GetBuiltins; `import builtins`): what Pinion has of
// CPython's builtins: None, Ellipsis, NotImplemented, True, False, __debug__, the builtin
// types (int, str, dict...) and the builtin exceptions, under their Python names. There are
// no builtin functions (len, print...): Pinion runs no Python code.
//
// Owns: g_builtins, the module, made on first use (published with a compare-exchange: a
// thread that loses the race releases its own) and pinned until Py_Finalize. Its dict is
// filled before it is published and is read-only afterwards by convention (as CPython's, any
// code could change it; threads that do race with readers).
//
// Threads: any attached thread; ReleaseBuiltins on the finalizing thread.
#include <atomic>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

std::atomic<PyObject*> g_builtins{nullptr};

bool Fill(PyObject* dict) {
  struct Entry {
    const char* name;
    PyObject* value;
  };
  const Entry entries[] = {
      {"None", Py_None},
      {"Ellipsis", Py_Ellipsis},
      {"NotImplemented", Py_NotImplemented},
      {"False", Py_False},
      {"True", Py_True},
      {"__debug__", Py_True},
      {"bool", reinterpret_cast<PyObject*>(&PyBool_Type)},
      {"bytearray", reinterpret_cast<PyObject*>(&PyByteArray_Type)},
      {"bytes", reinterpret_cast<PyObject*>(&PyBytes_Type)},
      {"classmethod", reinterpret_cast<PyObject*>(&PyClassMethod_Type)},
      {"complex", reinterpret_cast<PyObject*>(&PyComplex_Type)},
      {"dict", reinterpret_cast<PyObject*>(&PyDict_Type)},
      {"float", reinterpret_cast<PyObject*>(&PyFloat_Type)},
      {"frozenset", reinterpret_cast<PyObject*>(&PyFrozenSet_Type)},
      {"int", reinterpret_cast<PyObject*>(&PyLong_Type)},
      {"list", reinterpret_cast<PyObject*>(&PyList_Type)},
      {"memoryview", reinterpret_cast<PyObject*>(&PyMemoryView_Type)},
      {"object", reinterpret_cast<PyObject*>(&PyBaseObject_Type)},
      {"set", reinterpret_cast<PyObject*>(&PySet_Type)},
      {"slice", reinterpret_cast<PyObject*>(&PySlice_Type)},
      {"staticmethod", reinterpret_cast<PyObject*>(&PyStaticMethod_Type)},
      {"str", reinterpret_cast<PyObject*>(&PyUnicode_Type)},
      {"tuple", reinterpret_cast<PyObject*>(&PyTuple_Type)},
      {"type", reinterpret_cast<PyObject*>(&PyType_Type)},
#define PINION_EXCEPTION(name) {#name, PyExc_##name}
      PINION_EXCEPTION(BaseException), PINION_EXCEPTION(BaseExceptionGroup),
      PINION_EXCEPTION(Exception), PINION_EXCEPTION(GeneratorExit),
      PINION_EXCEPTION(KeyboardInterrupt), PINION_EXCEPTION(SystemExit),
      PINION_EXCEPTION(ArithmeticError), PINION_EXCEPTION(AssertionError),
      PINION_EXCEPTION(AttributeError), PINION_EXCEPTION(BufferError),
      PINION_EXCEPTION(EOFError), PINION_EXCEPTION(ImportError),
      PINION_EXCEPTION(LookupError), PINION_EXCEPTION(MemoryError),
      PINION_EXCEPTION(NameError), PINION_EXCEPTION(OSError),
      PINION_EXCEPTION(ReferenceError), PINION_EXCEPTION(RuntimeError),
      PINION_EXCEPTION(StopAsyncIteration), PINION_EXCEPTION(StopIteration),
      PINION_EXCEPTION(SyntaxError), PINION_EXCEPTION(SystemError),
      PINION_EXCEPTION(TypeError), PINION_EXCEPTION(ValueError),
      PINION_EXCEPTION(Warning), PINION_EXCEPTION(FloatingPointError),
      PINION_EXCEPTION(OverflowError), PINION_EXCEPTION(ZeroDivisionError),
      PINION_EXCEPTION(BytesWarning), PINION_EXCEPTION(DeprecationWarning),
      PINION_EXCEPTION(EncodingWarning), PINION_EXCEPTION(FutureWarning),
      PINION_EXCEPTION(ImportWarning), PINION_EXCEPTION(PendingDeprecationWarning),
      PINION_EXCEPTION(ResourceWarning), PINION_EXCEPTION(RuntimeWarning),
      PINION_EXCEPTION(SyntaxWarning), PINION_EXCEPTION(UnicodeWarning),
      PINION_EXCEPTION(UserWarning), PINION_EXCEPTION(BlockingIOError),
      PINION_EXCEPTION(ChildProcessError), PINION_EXCEPTION(ConnectionError),
      PINION_EXCEPTION(BrokenPipeError), PINION_EXCEPTION(ConnectionAbortedError),
      PINION_EXCEPTION(ConnectionRefusedError), PINION_EXCEPTION(ConnectionResetError),
      PINION_EXCEPTION(FileExistsError), PINION_EXCEPTION(FileNotFoundError),
      PINION_EXCEPTION(IsADirectoryError), PINION_EXCEPTION(NotADirectoryError),
      PINION_EXCEPTION(InterruptedError), PINION_EXCEPTION(PermissionError),
      PINION_EXCEPTION(ProcessLookupError), PINION_EXCEPTION(TimeoutError),
      PINION_EXCEPTION(IndentationError), PINION_EXCEPTION(IndexError),
      PINION_EXCEPTION(KeyError), PINION_EXCEPTION(ModuleNotFoundError),
      PINION_EXCEPTION(NotImplementedError), PINION_EXCEPTION(RecursionError),
      PINION_EXCEPTION(UnboundLocalError), PINION_EXCEPTION(UnicodeError),
      PINION_EXCEPTION(UnicodeDecodeError), PINION_EXCEPTION(UnicodeEncodeError),
      PINION_EXCEPTION(UnicodeTranslateError), PINION_EXCEPTION(TabError),
      PINION_EXCEPTION(EnvironmentError), PINION_EXCEPTION(IOError),
#undef PINION_EXCEPTION
  };
  for (const Entry& entry : entries) {
    if (PyDict_SetItemString(dict, entry.name, entry.value) < 0) return false;
  }
  return true;
}

}  // namespace

PyObject* BuiltinsModule() {
  // Acquire: pairs with the release of the compare-exchange that published a filled module.
  PyObject* module = g_builtins.load(std::memory_order_acquire);
  if (module != nullptr) return module;
  module = PyModule_New("builtins");
  if (module == nullptr) return nullptr;
  if (PyModule_AddStringConstant(module, "__doc__",
                                 "Built-in constants, types and exceptions (Pinion has no "
                                 "built-in functions).") < 0 ||
      !Fill(PyModule_GetDict(module))) {
    Py_DECREF(module);
    return nullptr;
  }
  PyObject* expected = nullptr;
  if (!g_builtins.compare_exchange_strong(expected, module, std::memory_order_acq_rel,
                                          std::memory_order_acquire)) {
    Py_DECREF(module);
    return expected;
  }
  return module;
}

void ReleaseBuiltins() {
  // Relaxed: at Py_Finalize, the only thread still attached.
  PyObject* module = g_builtins.exchange(nullptr, std::memory_order_relaxed);
  Py_XDECREF(module);
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" PyObject* PyEval_GetBuiltins(void) {
  PyObject* module = BuiltinsModule();
  return module != nullptr ? PyModule_GetDict(module) : nullptr;
}

// No Python frame is ever running: as CPython when C code calls these with none.
extern "C" PyObject* PyEval_GetGlobals(void) { return nullptr; }

extern "C" PyObject* PyEval_GetLocals(void) {
  PyErr_SetString(PyExc_SystemError, "frame does not exist");
  return nullptr;
}

extern "C" PyFrameObject* PyEval_GetFrame(void) { return nullptr; }
