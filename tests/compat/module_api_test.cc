// Tests of errors, builtin functions, modules, argument parsing and value building
// (pyerrors.h, methodobject.h, moduleobject.h, modsupport.h): a module defined here with a
// function of each calling convention, called through the object protocol; every format
// code of PyArg_Parse* and Py_BuildValue; CPython's error messages; what _PyPinion_Module_Add*
// steal; exception matching along the hierarchy; and per-thread exception state.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <cstdio>
#include <string>
#include <thread>

#include "Python.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::CaptureStderr;
using pinion::py_test::Interpreter;
using pinion::py_test::Str;

// Owns one reference (for brevity in checks); declared after the Interpreter, so released
// before Py_Finalize.
class Ref {
 public:
  explicit Ref(PyObject* object) : object_(object) {}
  ~Ref() { Py_XDECREF(object_); }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  PyObject* get() const { return object_; }

 private:
  PyObject* object_;
};

// The current exception's message (str of its value, "" for none) if its type matches
// `type`; otherwise a description of what was raised. Clears it.
std::string Raised(PyObject* type) {
  PyObject *raised, *value, *traceback;
  PyErr_Fetch(&raised, &value, &traceback);
  std::string out;
  if (raised == nullptr) {
    out = "<nothing raised>";
  } else {
    out = value != nullptr ? Str(value) : "";
    if (!PyErr_GivenExceptionMatches(raised, type)) {
      out = std::string("<") + PyExceptionClass_Name(raised) + ": " + out + ">";
    }
  }
  Py_XDECREF(raised);
  Py_XDECREF(value);
  return out;
}

std::string Repr(PyObject* object) {
  Ref repr(PyObject_Repr(object));
  return repr.get() != nullptr ? PyUnicode_AsUTF8(repr.get()) : "<repr failed>";
}

// Full collections until deallocations (which may need a second finding) have run.
void Collect() {
  for (int i = 0; i < 3; ++i) PyGC_Collect();
}


// ---- Probe: a GC type that counts its deallocations and may reference one object -----------

struct Probe {
  PyObject_HEAD
  PyObject* ref;
};
std::atomic<int> g_probe_deallocs{0};

int ProbeTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(reinterpret_cast<Probe*>(op)->ref);
  return 0;
}

void ProbeDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  Py_CLEAR(reinterpret_cast<Probe*>(op)->ref);
  ++g_probe_deallocs;
  Py_TYPE(op)->tp_free(op);
}

PyTypeObject ProbeType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "test.Probe",
    .tp_basicsize = sizeof(Probe),
    .tp_dealloc = &ProbeDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &ProbeTraverse,
};

PyObject* NewProbe(PyObject* ref = nullptr) {
  Probe* probe = PyObject_GC_New(Probe, &ProbeType);
  REQUIRE(probe != nullptr);
  probe->ref = Py_XNewRef(ref);
  PyObject_GC_Track(probe);
  return reinterpret_cast<PyObject*>(probe);
}

// ---- The test module: one function per calling convention, and per-module state -----------

PyObject* NoArgs(PyObject* self, PyObject*) { return Py_NewRef(self); }
PyObject* One(PyObject*, PyObject* arg) { return Py_NewRef(arg); }
PyObject* VarArgs(PyObject*, PyObject* args) { return Py_NewRef(args); }
PyObject* Keywords(PyObject*, PyObject* args, PyObject* kwargs) {
  return Py_BuildValue("(OO)", args, kwargs != nullptr ? kwargs : Py_None);
}
// add(a, b=1, *, scale=1) -> (a + b) * scale
PyObject* Add(PyObject*, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"a", "b", "scale", nullptr};
  long a, b = 1, scale = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "l|l$l:add", keywords, &a, &b, &scale)) {
    return nullptr;
  }
  return PyLong_FromLong((a + b) * scale);
}
PyObject* Fast(PyObject*, PyObject* const*, Py_ssize_t) { Py_RETURN_NONE; }
PyObject* NullWithoutError(PyObject*, PyObject*) { return nullptr; }
PyObject* ResultWithError(PyObject*, PyObject*) {
  PyErr_SetString(PyExc_ValueError, "stray");
  Py_RETURN_NONE;
}
PyObject* Raises(PyObject*, PyObject*) {
  PyErr_SetString(PyExc_ValueError, "boom");
  return nullptr;
}

template <class F>
PyCFunction AsCFunction(F function) {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)(void)>(function));
}

PyMethodDef g_methods[] = {
    {"noargs", NoArgs, METH_NOARGS, "noargs() -> the module"},
    {"one", One, METH_O, nullptr},
    {"varargs", VarArgs, METH_VARARGS, nullptr},
    {"keywords", AsCFunction(Keywords), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"add", AsCFunction(Add), METH_VARARGS | METH_KEYWORDS, nullptr},
    {"fast", AsCFunction(Fast), METH_FASTCALL, nullptr},
    {"null_without_error", NullWithoutError, METH_NOARGS, nullptr},
    {"result_with_error", ResultWithError, METH_NOARGS, nullptr},
    {"raises", Raises, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

struct ModuleState {
  PyObject* held;  // a reference the state owns
};
std::atomic<int> g_module_frees{0};

ModuleState* StateOf(PyObject* module) {
  return static_cast<ModuleState*>(PyModule_GetState(module));
}

int StateTraverse(PyObject* module, visitproc visit, void* arg) {
  Py_VISIT(StateOf(module)->held);
  return 0;
}

void StateFree(void* module) {
  Py_CLEAR(StateOf(static_cast<PyObject*>(module))->held);
  ++g_module_frees;
}

PyModuleDef g_module_def = {
    PyModuleDef_HEAD_INIT,
    "testmod",
    "A module for tests.",
    sizeof(ModuleState),
    g_methods,
    nullptr,
    &StateTraverse,
    nullptr,
    &StateFree,
};

// module.name(*args, **kwargs), args a Py_BuildValue tuple format.
template <class... A>
PyObject* Call(PyObject* module, const char* name, PyObject* kwargs, const char* format,
               A... args) {
  Ref function(PyObject_GetAttrString(module, name));
  REQUIRE(function.get() != nullptr);
  Ref arguments(Py_BuildValue(format, args...));
  REQUIRE(arguments.get() != nullptr);
  REQUIRE(PyTuple_Check(arguments.get()));
  return PyObject_Call(function.get(), arguments.get(), kwargs);
}

// A dict from a Py_BuildValue format.
template <class... A>
PyObject* Dict(const char* format, A... args) {
  PyObject* dict = Py_BuildValue(format, args...);
  REQUIRE(dict != nullptr);
  REQUIRE(PyDict_Check(dict));
  return dict;
}

// O& converters.
int DoubledLong(PyObject* object, void* out) {
  const long value = PyLong_AsLong(object);
  if (value == -1 && PyErr_Occurred()) return 0;
  *static_cast<long*>(out) = 2 * value;
  return 1;
}
PyObject* LongFromPointer(void* value) { return PyLong_FromLong(*static_cast<long*>(value)); }

}  // namespace

// ---- Exceptions -------------------------------------------------------------------------------

TEST_CASE("the current exception: set, inspect, fetch and restore, clear") {
  Interpreter py;
  CHECK(PyErr_Occurred() == nullptr);
  PyErr_SetString(PyExc_ValueError, "bad value");
  CHECK(PyErr_Occurred() == PyExc_ValueError);
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  CHECK(PyErr_Occurred() == nullptr);
  CHECK(type == PyExc_ValueError);
  CHECK(traceback == nullptr);
  REQUIRE(value != nullptr);
  CHECK(Str(value) == "bad value");
  PyErr_Restore(type, value, traceback);  // hands the references back
  CHECK(Raised(PyExc_ValueError) == "bad value");

  PyErr_Format(PyExc_TypeError, "%s needs %d, not %zd", "f", 2, Py_ssize_t{3});
  CHECK(Raised(PyExc_TypeError) == "f needs 2, not 3");
  PyErr_SetNone(PyExc_KeyboardInterrupt);
  PyErr_Fetch(&type, &value, &traceback);
  CHECK(type == PyExc_KeyboardInterrupt);
  CHECK(value == nullptr);
  PyErr_Restore(type, value, traceback);
  PyErr_Clear();
  CHECK(PyErr_Occurred() == nullptr);

  PyObject* key = PyLong_FromLong(7);
  PyErr_SetObject(PyExc_KeyError, key);  // any object may be the value
  Py_DECREF(key);
  PyErr_Fetch(&type, &value, &traceback);
  CHECK(value == key);
  PyErr_Restore(type, value, traceback);
  PyErr_SetString(PyExc_OSError, "replaced");  // replaces the previous exception
  CHECK(Raised(PyExc_OSError) == "replaced");

  CHECK(PyErr_NoMemory() == nullptr);
  CHECK(Raised(PyExc_MemoryError).empty());
  CHECK(PyErr_BadArgument() == 0);
  CHECK(Raised(PyExc_TypeError) == "bad argument type for built-in operation");
  PyErr_BadInternalCall();
  CHECK(Raised(PyExc_SystemError) == "bad argument to internal function");
  PyErr_SetString(PyExc_Exception, "fine");  // a base class may be raised too
  CHECK(Raised(PyExc_Exception) == "fine");
  // Only exception types can be raised.
  PyErr_SetString(reinterpret_cast<PyObject*>(&PyLong_Type), "not an exception");
  CHECK(Raised(PyExc_SystemError).find("is not a BaseException subclass") != std::string::npos);
}

TEST_CASE("exceptions match along CPython's hierarchy, and against tuples of types") {
  Interpreter py;
  struct Case {
    PyObject* raised;
    PyObject* matches;
    bool expected;
  };
  const Case cases[] = {
      {PyExc_ValueError, PyExc_ValueError, true},
      {PyExc_ValueError, PyExc_Exception, true},
      {PyExc_ValueError, PyExc_BaseException, true},
      {PyExc_ValueError, PyExc_TypeError, false},
      {PyExc_KeyError, PyExc_LookupError, true},
      {PyExc_IndexError, PyExc_LookupError, true},
      {PyExc_LookupError, PyExc_KeyError, false},
      {PyExc_ZeroDivisionError, PyExc_ArithmeticError, true},
      {PyExc_OverflowError, PyExc_ArithmeticError, true},
      {PyExc_OverflowError, PyExc_ValueError, false},
      {PyExc_NotImplementedError, PyExc_RuntimeError, true},
      {PyExc_KeyboardInterrupt, PyExc_Exception, false},
      {PyExc_KeyboardInterrupt, PyExc_BaseException, true},
      {PyExc_SystemExit, PyExc_BaseException, true},
      {PyExc_MemoryError, PyExc_Exception, true},
      {PyExc_StopIteration, PyExc_Exception, true},
  };
  for (const Case& c : cases) {
    CAPTURE(PyExceptionClass_Name(c.raised));
    CAPTURE(PyExceptionClass_Name(c.matches));
    PyErr_SetNone(c.raised);
    CHECK(PyErr_ExceptionMatches(c.matches) == c.expected);
    CHECK(PyErr_GivenExceptionMatches(c.raised, c.matches) == c.expected);
    PyErr_Clear();
  }
  CHECK(PyExceptionClass_Check(PyExc_KeyError));
  CHECK_FALSE(PyExceptionClass_Check(reinterpret_cast<PyObject*>(&PyLong_Type)));
  CHECK(std::string(PyExceptionClass_Name(PyExc_ZeroDivisionError)) == "ZeroDivisionError");

  Ref types(Py_BuildValue("(O(OO))", PyExc_TypeError, PyExc_AttributeError, PyExc_LookupError));
  CHECK(PyErr_GivenExceptionMatches(PyExc_KeyError, types.get()));  // in the nested tuple
  CHECK(PyErr_GivenExceptionMatches(PyExc_TypeError, types.get()));
  CHECK_FALSE(PyErr_GivenExceptionMatches(PyExc_ValueError, types.get()));
  CHECK_FALSE(PyErr_GivenExceptionMatches(nullptr, PyExc_Exception));
  PyErr_SetString(PyExc_IndexError, "i");
  CHECK(PyErr_ExceptionMatches(types.get()));
  PyErr_Clear();
  CHECK_FALSE(PyErr_ExceptionMatches(PyExc_Exception));  // nothing set
}

TEST_CASE("PyErr_Print and PyErr_WriteUnraisable report to stderr and clear") {
  Interpreter py;
  PyErr_SetString(PyExc_ValueError, "went wrong");
  CHECK(CaptureStderr([] { PyErr_Print(); }) == "ValueError: went wrong\n");
  CHECK(PyErr_Occurred() == nullptr);
  PyErr_SetNone(PyExc_MemoryError);
  CHECK(CaptureStderr([] { PyErr_Print(); }) == "MemoryError\n");
  CHECK(CaptureStderr([] { PyErr_Print(); }).empty());  // nothing set: nothing printed

  Ref where(PyModule_New("somewhere"));
  PyErr_SetString(PyExc_RuntimeError, "in a finalizer");
  const std::string report = CaptureStderr([&] { PyErr_WriteUnraisable(where.get()); });
  CHECK(report.rfind("Exception ignored in: <module object at 0x", 0) == 0);
  CHECK(report.find(">\nRuntimeError: in a finalizer\n") != std::string::npos);
  CHECK(PyErr_Occurred() == nullptr);
}

TEST_CASE("each thread has its own current exception") {
  Interpreter py;
  PyErr_SetString(PyExc_KeyError, "main thread's");
  std::barrier both_set(2);
  std::atomic<int> clean_at_start{0}, own_at_end{0};
  auto worker = [&](PyObject* type, const char* message) {
    PyGILState_STATE state = PyGILState_Ensure();
    if (PyErr_Occurred() == nullptr) ++clean_at_start;
    PyErr_SetString(type, message);
    Py_BEGIN_ALLOW_THREADS
    both_set.arrive_and_wait();  // each has set its own before either looks
    Py_END_ALLOW_THREADS
    PyGC_Collect();  // the message lives on the thread's pin alone
    if (PyErr_Occurred() == type && Raised(type) == message) ++own_at_end;
    PyErr_Clear();
    PyGILState_Release(state);
  };
  std::thread a(worker, PyExc_ValueError, "thread a's");
  std::thread b(worker, PyExc_TypeError, "thread b's");
  Py_BEGIN_ALLOW_THREADS
  a.join();
  b.join();
  Py_END_ALLOW_THREADS
  CHECK(clean_at_start == 2);
  CHECK(own_at_end == 2);
  CHECK(Raised(PyExc_KeyError) == "main thread's");
}

// ---- Modules and builtin functions -------------------------------------------------------

TEST_CASE("PyModule_Create: functions of each calling convention, doc, name, def and state") {
  Interpreter py;
  Ref module(PyModule_Create(&g_module_def));
  REQUIRE(module.get() != nullptr);
  PyObject* m = module.get();
  CHECK(PyModule_Check(m));
  CHECK(std::string(PyModule_GetName(m)) == "testmod");
  CHECK(Repr(m) == "<module 'testmod'>");
  CHECK(PyModule_GetDef(m) == &g_module_def);
  Ref doc(PyObject_GetAttrString(m, "__doc__"));
  CHECK(Str(doc.get()) == "A module for tests.");
  Ref name(PyModule_GetNameObject(m));
  CHECK(Str(name.get()) == "testmod");
  PyObject* dict = PyModule_GetDict(m);  // borrowed
  REQUIRE(dict != nullptr);
  CHECK(PyDict_GetItemString(dict, "one") != nullptr);
  ModuleState* state = StateOf(m);
  REQUIRE(state != nullptr);
  CHECK(state->held == nullptr);  // zeroed

  Ref noargs(PyObject_GetAttrString(m, "noargs"));
  REQUIRE(noargs.get() != nullptr);
  CHECK(PyCFunction_Check(noargs.get()));
  CHECK(Repr(noargs.get()) == "<built-in function noargs>");
  CHECK(PyCFunction_GetSelf(noargs.get()) == m);
  CHECK(PyCFunction_GetFlags(noargs.get()) == METH_NOARGS);
  CHECK((PyCFunction_GetFunction(noargs.get()) == &NoArgs));
  CHECK(reinterpret_cast<PyCFunctionObject*>(noargs.get())->m_module != nullptr);
  CHECK(Str(reinterpret_cast<PyCFunctionObject*>(noargs.get())->m_module) == "testmod");

  Ref self(PyObject_CallObject(noargs.get(), nullptr));
  CHECK(self.get() == m);
  Ref empty_kwargs(PyDict_New());
  Ref self_again(Call(m, "noargs", empty_kwargs.get(), "()"));  // empty kwargs are none
  CHECK(self_again.get() == m);
  Ref one(Call(m, "one", nullptr, "(s)", "x"));
  CHECK(Repr(one.get()) == "'x'");
  Ref varargs(Call(m, "varargs", nullptr, "(is)", 1, "two"));
  CHECK(Repr(varargs.get()) == "(1, 'two')");
  Ref kwargs(Dict("{s:i}", "k", 3));
  Ref keywords(Call(m, "keywords", kwargs.get(), "(i)", 1));
  CHECK(Repr(keywords.get()) == "((1,), {'k': 3})");
  Ref no_keywords(Call(m, "keywords", nullptr, "()"));
  CHECK(Repr(no_keywords.get()) == "((), None)");
  Ref scale(Dict("{s:i}", "scale", 10));
  Ref sum(Call(m, "add", scale.get(), "(ii)", 2, 3));
  CHECK(Repr(sum.get()) == "50");
  Ref sum_default(Call(m, "add", nullptr, "(i)", 2));
  CHECK(Repr(sum_default.get()) == "3");

  PyObject* bound = PyCFunction_New(&g_methods[1], Py_None);  // self need not be a module
  CHECK(Repr(bound).rfind("<built-in method one of NoneType object at 0x", 0) == 0);
  Py_DECREF(bound);
  CHECK(PyCFunction_GetSelf(m) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "bad argument to internal function");
}

TEST_CASE("calls check their arguments with CPython's messages, and functions' results") {
  Interpreter py;
  Ref module(PyModule_Create(&g_module_def));
  REQUIRE(module.get() != nullptr);
  PyObject* m = module.get();
  Ref kwargs(Dict("{s:i}", "k", 1));

  CHECK(Call(m, "noargs", nullptr, "(i)", 1) == nullptr);
  CHECK(Raised(PyExc_TypeError) == "testmod.noargs() takes no arguments (1 given)");
  CHECK(Call(m, "one", nullptr, "()") == nullptr);
  CHECK(Raised(PyExc_TypeError) == "testmod.one() takes exactly one argument (0 given)");
  CHECK(Call(m, "one", nullptr, "(ii)", 1, 2) == nullptr);
  CHECK(Raised(PyExc_TypeError) == "testmod.one() takes exactly one argument (2 given)");
  CHECK(Call(m, "varargs", kwargs.get(), "()") == nullptr);
  CHECK(Raised(PyExc_TypeError) == "varargs() takes no keyword arguments");
  CHECK(Call(m, "noargs", kwargs.get(), "()") == nullptr);
  CHECK(Raised(PyExc_TypeError) == "testmod.noargs() takes no keyword arguments");
  CHECK(Call(m, "one", kwargs.get(), "(i)", 1) == nullptr);
  CHECK(Raised(PyExc_TypeError) == "testmod.one() takes no keyword arguments");

  CHECK(Call(m, "raises", nullptr, "()") == nullptr);
  CHECK(Raised(PyExc_ValueError) == "boom");
  Ref fast(Call(m, "fast", nullptr, "(ii)", 1, 2));  // METH_FASTCALL (fastcalls_test has more)
  CHECK(fast.get() == Py_None);
  CHECK(Call(m, "null_without_error", nullptr, "()") == nullptr);
  CHECK(Raised(PyExc_SystemError) ==
        "<built-in function null_without_error> returned NULL without setting an exception");
  CHECK(Call(m, "result_with_error", nullptr, "()") == nullptr);
  CHECK(Raised(PyExc_SystemError) ==
        "<built-in function result_with_error> returned a result with an exception set");

  CHECK(PyObject_GetAttrString(m, "missing") == nullptr);
  CHECK(Raised(PyExc_AttributeError) == "module 'testmod' has no attribute 'missing'");
  Ref value(PyLong_FromLong(5));
  REQUIRE(PyObject_SetAttrString(m, "set_later", value.get()) == 0);
  Ref got(PyObject_GetAttrString(m, "set_later"));
  CHECK(got.get() == value.get());
  REQUIRE(PyObject_DelAttrString(m, "set_later") == 0);
  CHECK(PyObject_DelAttrString(m, "set_later") == -1);
  CHECK(Raised(PyExc_AttributeError) == "module 'testmod' has no attribute 'set_later'");
}

TEST_CASE("PyModule_Create refuses multi-phase definitions and METH_CLASS/METH_STATIC functions") {
  Interpreter py;
  PyModuleDef_Slot slots[] = {{0, nullptr}};
  PyModuleDef multi_phase = {PyModuleDef_HEAD_INIT, "multi", nullptr, 0, nullptr, slots,
                             nullptr,              nullptr, nullptr};
  CHECK(PyModule_Create(&multi_phase) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "module multi: PyModule_Create is incompatible with m_slots");
  PyMethodDef class_methods[] = {{"c", NoArgs, METH_NOARGS | METH_CLASS, nullptr},
                                 {nullptr, nullptr, 0, nullptr}};
  PyModuleDef with_class_method = {PyModuleDef_HEAD_INIT, "cm", nullptr, -1, class_methods,
                                   nullptr,               nullptr, nullptr, nullptr};
  CHECK(PyModule_Create(&with_class_method) == nullptr);
  CHECK(Raised(PyExc_ValueError) == "module functions cannot set METH_CLASS or METH_STATIC");
}

TEST_CASE("a module's state is traced through m_traverse; m_free runs once it is unreachable") {
  Interpreter py;
  const int frees_before = g_module_frees, deallocs_before = g_probe_deallocs;
  PyObject* module = PyModule_Create(&g_module_def);
  REQUIRE(module != nullptr);
  // A cycle through the state: module -> state -> probe -> module.
  StateOf(module)->held = NewProbe(module);
  Collect();
  CHECK(g_module_frees == frees_before);  // held from outside: alive
  CHECK(g_probe_deallocs == deallocs_before);
  CHECK(Repr(module) == "<module 'testmod'>");
  Py_DECREF(module);  // now only the cycle holds it
  Collect();
  CHECK(g_module_frees == frees_before + 1);
  CHECK(g_probe_deallocs == deallocs_before + 1);
}

TEST_CASE("the PyModule_AddObject(m, name, o); Py_INCREF(o) idiom keeps o alive as long as used") {
  Interpreter py;
  Ref module(PyModule_New("idiom"));
  PyObject* m = module.get();
  const int before = g_probe_deallocs;
  PyObject* probe = NewProbe();
  REQUIRE(PyModule_AddObject(m, "probe", probe) == 0);  // steals our reference...
  Py_INCREF(probe);                                     // ...so take one back to keep using it
  REQUIRE(PyObject_DelAttrString(m, "probe") == 0);     // the module lets go
  Collect();
  CHECK(g_probe_deallocs == before);  // ours keeps it
  CHECK(Py_TYPE(probe) == &ProbeType);
  Py_DECREF(probe);
  Collect();
  CHECK(g_probe_deallocs == before + 1);
}

TEST_CASE("PyModule_AddObject steals on success only; Add always; AddObjectRef never") {
  Interpreter py;
  Ref module(PyModule_New("adds"));
  REQUIRE(module.get() != nullptr);
  PyObject* m = module.get();
  const int before = g_probe_deallocs;

  // Success: the module's dict holds the only reference.
  PyObject* probe = NewProbe();
  REQUIRE(PyModule_AddObject(m, "probe", probe) == 0);  // stolen
  Collect();
  CHECK(g_probe_deallocs == before);
  PyObject* got = PyObject_GetAttrString(m, "probe");
  CHECK(got == probe);
  REQUIRE(PyObject_DelAttrString(m, "probe") == 0);
  Collect();
  CHECK(g_probe_deallocs == before);  // `got` still holds it
  Py_DECREF(got);
  Collect();
  CHECK(g_probe_deallocs == before + 1);

  // Failure: the caller keeps its reference.
  probe = NewProbe();
  CHECK(PyModule_AddObject(Py_None, "probe", probe) == -1);
  CHECK(Raised(PyExc_TypeError) == "PyModule_AddObjectRef() first argument must be a module");
  Collect();
  CHECK(g_probe_deallocs == before + 1);  // still ours
  Py_DECREF(probe);
  Collect();
  CHECK(g_probe_deallocs == before + 2);

  // _PyPinion_Module_Add steals even on failure; PyModule_AddObjectRef never steals.
  CHECK(_PyPinion_Module_Add(Py_None, "probe", NewProbe()) == -1);
  PyErr_Clear();
  Collect();
  CHECK(g_probe_deallocs == before + 3);
  probe = NewProbe();
  REQUIRE(PyModule_AddObjectRef(m, "ref", probe) == 0);
  Py_DECREF(probe);  // ours, still
  CHECK(_PyPinion_Module_Add(m, "null", nullptr) == -1);
  CHECK(Raised(PyExc_SystemError) ==
        "PyModule_AddObjectRef() must be called with an exception raised if value is NULL");

  REQUIRE(PyModule_AddIntConstant(m, "answer", 42) == 0);
  REQUIRE(PyModule_AddStringConstant(m, "greeting", "hi") == 0);
  REQUIRE(PyModule_AddType(m, &ProbeType) == 0);  // under tp_name's last component
  Ref answer(PyObject_GetAttrString(m, "answer"));
  Ref greeting(PyObject_GetAttrString(m, "greeting"));
  Ref type(PyObject_GetAttrString(m, "Probe"));
  CHECK(Repr(answer.get()) == "42");
  CHECK(Repr(greeting.get()) == "'hi'");
  CHECK(type.get() == reinterpret_cast<PyObject*>(&ProbeType));
  PyMethodDef more[] = {{"late", NoArgs, METH_NOARGS, nullptr}, {nullptr, nullptr, 0, nullptr}};
  REQUIRE(PyModule_AddFunctions(m, more) == 0);
  Ref late(PyObject_CallObject(Ref(PyObject_GetAttrString(m, "late")).get(), nullptr));
  CHECK(late.get() == m);
  CHECK(PyModule_GetState(m) == nullptr);  // PyModule_New: no def, no state
  CHECK(PyModule_GetDef(m) == nullptr);
}

// ---- PyArg_ParseTuple -------------------------------------------------------------------------

TEST_CASE("PyArg_ParseTuple: integer codes, their ranges and masks") {
  Interpreter py;
  Ref args(Py_BuildValue("(iiiiiiiLLLn)", 200, 300, -5, 70000, -7, -1, -8, 9LL, -10LL, 11LL,
                         Py_ssize_t{12}));
  unsigned char b, B;
  short h;
  unsigned short H;
  int i;
  unsigned int I;
  long l;
  unsigned long k;
  long long L;
  unsigned long long K;
  Py_ssize_t n;
  REQUIRE(PyArg_ParseTuple(args.get(), "bBhHiIlkLKn", &b, &B, &h, &H, &i, &I, &l, &k, &L, &K, &n));
  CHECK(b == 200);
  CHECK(B == 300 % 256);  // masked
  CHECK(h == -5);
  CHECK(H == 70000 % 65536);
  CHECK(i == -7);
  CHECK(I == 0xFFFFFFFFu);
  CHECK(l == -8);
  CHECK(k == 9);
  CHECK(L == -10);
  CHECK(K == 11);
  CHECK(n == 12);
  Ref truth(Py_BuildValue("(O)", Py_True));
  REQUIRE(PyArg_ParseTuple(truth.get(), "i", &i));  // bool is an int
  CHECK(i == 1);

  struct Case {
    const char* format;
    long long value;
    const char* message;
  };
  const Case overflows[] = {
      {"b", 256, "unsigned byte integer is greater than maximum"},
      {"b", -1, "unsigned byte integer is less than minimum"},
      {"h", 40000, "signed short integer is greater than maximum"},
      {"h", -40000, "signed short integer is less than minimum"},
      {"i", 1LL << 31, "signed integer is greater than maximum"},
      {"i", -(1LL << 31) - 1, "signed integer is less than minimum"},
  };
  for (const Case& c : overflows) {
    CAPTURE(c.format);
    Ref one(Py_BuildValue("(L)", c.value));
    long long out;  // big enough for any code
    CHECK_FALSE(PyArg_ParseTuple(one.get(), c.format, &out));
    CHECK(Raised(PyExc_OverflowError) == c.message);
  }
  Ref text(Py_BuildValue("(s)", "7"));
  CHECK_FALSE(PyArg_ParseTuple(text.get(), "i", &i));
  CHECK(Raised(PyExc_TypeError) == "argument 1 must be int, not str");
  Ref float_arg(Py_BuildValue("(id)", 1, 2.5));
  CHECK_FALSE(PyArg_ParseTuple(float_arg.get(), "ii:f", &i, &i));
  CHECK(Raised(PyExc_TypeError) == "f() argument 2 must be int, not float");
  Ref none(Py_BuildValue("(O)", Py_None));
  CHECK_FALSE(PyArg_ParseTuple(none.get(), "n", &n));
  CHECK(Raised(PyExc_TypeError) == "argument 1 must be int, not None");
}

TEST_CASE("PyArg_ParseTuple: characters, floats, truth") {
  Interpreter py;
  Ref args(Py_BuildValue("(y#ssssfidOOOO)", "x", Py_ssize_t{1}, "A", "\xc3\xa9",
                         "\xe2\x82\xac", "\xf0\x9f\x98\x80", 1.5, 2, 0.25, Py_None, Py_True,
                         Ref(PyUnicode_FromString("")).get(), Ref(PyLong_FromLong(3)).get()));
  REQUIRE(args.get() != nullptr);
  char c;
  int ascii, latin, euro, emoji;
  float f;
  double from_int, d;
  int p_none, p_true, p_empty, p_three;
  REQUIRE(PyArg_ParseTuple(args.get(), "cCCCCfddpppp", &c, &ascii, &latin, &euro, &emoji, &f,
                           &from_int, &d, &p_none, &p_true, &p_empty, &p_three));
  CHECK(c == 'x');
  CHECK(ascii == 'A');
  CHECK(latin == 0xE9);
  CHECK(euro == 0x20AC);
  CHECK(emoji == 0x1F600);
  CHECK(f == 1.5f);
  CHECK(from_int == 2.0);  // an int is accepted for a float
  CHECK(d == 0.25);
  CHECK(p_none == 0);
  CHECK(p_true == 1);
  CHECK(p_empty == 0);
  CHECK(p_three == 1);

  Ref two_chars(Py_BuildValue("(s)", "ab"));
  CHECK_FALSE(PyArg_ParseTuple(two_chars.get(), "C", &ascii));
  CHECK(Raised(PyExc_TypeError) == "argument 1 must be a unicode character, not str");
  CHECK_FALSE(PyArg_ParseTuple(two_chars.get(), "c", &c));
  CHECK(Raised(PyExc_TypeError) == "argument 1 must be a byte string of length 1, not str");
  CHECK_FALSE(PyArg_ParseTuple(two_chars.get(), "d", &d));
  CHECK(Raised(PyExc_TypeError) == "argument 1 must be float, not str");
}

TEST_CASE("PyArg_ParseTuple: strings, bytes and objects") {
  Interpreter py;
  PyObject* str = PyUnicode_FromString("h\xc3\xa9llo");
  PyObject* bytes = PyBytes_FromStringAndSize("b\0y", 3);
  Ref args(Py_BuildValue("(NNOOOOOOOOO)", str, bytes, str, Py_None, Py_None, bytes, str, str,
                         bytes, bytes, Ref(PyLong_FromLong(4)).get()));
  const char *s, *s_bytes, *s_str, *z, *z_sized, *y_sized;
  Py_ssize_t s_bytes_size, s_str_size, z_sized_size = -1, y_size;
  PyObject *O, *U, *S, *O_typed;
  long converted;
  REQUIRE(PyArg_ParseTuple(args.get(), "ss#s#zz#y#OUSO!O&", &s, &s_bytes, &s_bytes_size, &s_str,
                           &s_str_size, &z, &z_sized, &z_sized_size, &y_sized, &y_size, &O, &U,
                           &S, &PyBytes_Type, &O_typed, &DoubledLong, &converted));
  CHECK(std::string(s) == "h\xc3\xa9llo");  // points into the str
  CHECK(std::string(s_bytes, s_bytes_size) == std::string("b\0y", 3));
  CHECK(s_str_size == 6);  // UTF-8 bytes
  CHECK(z == nullptr);
  CHECK(z_sized == nullptr);
  CHECK(z_sized_size == 0);
  CHECK(std::string(y_sized, y_size) == std::string("b\0y", 3));
  CHECK(O == str);  // borrowed
  CHECK(U == str);
  CHECK(S == bytes);
  CHECK(O_typed == bytes);
  CHECK(converted == 8);
  CHECK(s_str == s);  // the same str's buffer

  struct Case {
    const char* format;
    PyObject* arg;
    PyObject* type;
    const char* message;
  };
  Ref number(PyLong_FromLong(1));
  Ref nul_str(PyUnicode_FromStringAndSize("a\0b", 3));
  const Case errors[] = {
      {"s", number.get(), PyExc_TypeError, "argument 1 must be str, not int"},
      {"s", bytes, PyExc_TypeError, "argument 1 must be str, not bytes"},
      {"s", Py_None, PyExc_TypeError, "argument 1 must be str, not None"},
      {"s", nul_str.get(), PyExc_ValueError, "embedded null character"},
      // s# z# y: a non-str is read as a buffer; PyObject_GetBuffer's error stands (CPython
      // 3.11's convertbuffer, confirmed by the buffers differential test).
      {"s#", number.get(), PyExc_TypeError, "a bytes-like object is required, not 'int'"},
      {"z", number.get(), PyExc_TypeError, "argument 1 must be str or None, not int"},
      {"z#", number.get(), PyExc_TypeError, "a bytes-like object is required, not 'int'"},
      {"y", str, PyExc_TypeError, "a bytes-like object is required, not 'str'"},
      {"y", bytes, PyExc_ValueError, "embedded null byte"},
      {"S", str, PyExc_TypeError, "argument 1 must be bytes, not str"},
      {"U", bytes, PyExc_TypeError, "argument 1 must be str, not bytes"},
      {"O!", str, PyExc_TypeError, "argument 1 must be int, not str"},
  };
  for (const Case& c : errors) {
    CAPTURE(c.format);
    Ref one(PyTuple_Pack(1, c.arg));
    const char* out;
    Py_ssize_t size;
    const int ok = c.format[1] == '!' ? PyArg_ParseTuple(one.get(), c.format, &PyLong_Type, &out)
                                      : PyArg_ParseTuple(one.get(), c.format, &out, &size);
    CHECK_FALSE(ok);
    CHECK(Raised(c.type) == c.message);
  }
  Ref text(PyTuple_Pack(1, str));
  CHECK_FALSE(PyArg_ParseTuple(text.get(), "O&", &DoubledLong, &converted));
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));  // the converter's own error stands
  PyErr_Clear();
}

TEST_CASE("PyArg_ParseTuple: optional items, counts, names, custom messages, nested tuples") {
  Interpreter py;
  Ref one(Py_BuildValue("(i)", 1));
  Ref three(Py_BuildValue("(iii)", 1, 2, 3));
  int a = 0, b = -1, c = -1;
  REQUIRE(PyArg_ParseTuple(one.get(), "i|ii", &a, &b, &c));
  CHECK(a == 1);
  CHECK(b == -1);  // not given: left as it was
  CHECK(c == -1);
  REQUIRE(PyArg_ParseTuple(three.get(), "i|ii", &a, &b, &c));
  CHECK(b == 2);
  CHECK(c == 3);

  CHECK_FALSE(PyArg_ParseTuple(one.get(), "ii", &a, &b));
  CHECK(Raised(PyExc_TypeError) == "function takes exactly 2 arguments (1 given)");
  CHECK_FALSE(PyArg_ParseTuple(one.get(), "ii:pair", &a, &b));
  CHECK(Raised(PyExc_TypeError) == "pair() takes exactly 2 arguments (1 given)");
  CHECK_FALSE(PyArg_ParseTuple(one.get(), "ii|i", &a, &b, &c));
  CHECK(Raised(PyExc_TypeError) == "function takes at least 2 arguments (1 given)");
  CHECK_FALSE(PyArg_ParseTuple(three.get(), "|i:f", &a));
  CHECK(Raised(PyExc_TypeError) == "f() takes at most 1 argument (3 given)");
  CHECK_FALSE(PyArg_ParseTuple(one.get(), ":nothing"));
  CHECK(Raised(PyExc_TypeError) == "nothing() takes no arguments");
  Ref empty(PyTuple_New(0));
  CHECK(PyArg_ParseTuple(empty.get(), ":nothing"));
  CHECK_FALSE(PyArg_ParseTuple(one.get(), "ii;two ints, please", &a, &b));
  CHECK(Raised(PyExc_TypeError) == "two ints, please");
  Ref text(Py_BuildValue("(s)", "x"));
  CHECK_FALSE(PyArg_ParseTuple(text.get(), "i;an int, please", &a));
  CHECK(Raised(PyExc_TypeError) == "an int, please");

  Ref nested(Py_BuildValue("((ii)[is]s)", 1, 2, 3, "four", "five"));
  int x, y, z;
  const char *four, *five;
  REQUIRE(PyArg_ParseTuple(nested.get(), "(ii)(is)s", &x, &y, &z, &four, &five));
  CHECK(x + y + z == 6);
  CHECK(std::string(four) + five == "fourfive");
  Ref deep(Py_BuildValue("(i((is)))", 1, 2, "x"));
  CHECK_FALSE(PyArg_ParseTuple(deep.get(), "i((ii)):f", &x, &y, &z));
  CHECK(Raised(PyExc_TypeError) == "f() argument 2, item 0, item 1 must be int, not str");
  CHECK_FALSE(PyArg_ParseTuple(one.get(), "(ii)", &x, &y));
  CHECK(Raised(PyExc_TypeError) == "argument 1 must be 2-item sequence, not int");
  Ref short_tuple(Py_BuildValue("((i))", 1));
  CHECK_FALSE(PyArg_ParseTuple(short_tuple.get(), "(ii)", &x, &y));
  CHECK(Raised(PyExc_TypeError) == "argument 1 must be sequence of length 2, not 1");
}

TEST_CASE("PyArg_ParseTuple: a bad format raises SystemError before converting anything") {
  Interpreter py;
  Ref two(Py_BuildValue("(ii)", 1, 2));
  const char* bad_formats[] = {"iq", "i*", "ies", "(i", "i)", "|i|i", "i$i", "iD"};
  for (const char* format : bad_formats) {
    CAPTURE(format);
    int first = -1, second = -1;
    CHECK_FALSE(PyArg_ParseTuple(two.get(), format, &first, &second));
    CHECK(PyErr_ExceptionMatches(PyExc_SystemError));
    PyErr_Clear();
    CHECK(first == -1);
  }
  CHECK_FALSE(PyArg_ParseTuple(two.get(), "i(i", nullptr, nullptr));
  CHECK(Raised(PyExc_SystemError) == "PyArg_ParseTuple: unmatched '(' in format \"i(i\"");
  // "w" is only "w*" (CPython refuses a bare w when converting; Pinion when scanning).
  CHECK_FALSE(PyArg_ParseTuple(two.get(), "iw", nullptr, nullptr));
  CHECK(Raised(PyExc_SystemError) == "PyArg_ParseTuple: bad format char 'w' at 1 in \"iw\"");
  CHECK_FALSE(PyArg_ParseTuple(Py_None, "i", nullptr));
  CHECK(Raised(PyExc_SystemError) == "new style getargs format but argument is not a tuple");
}

// ---- PyArg_ParseTupleAndKeywords, PyArg_UnpackTuple -------------------------------------------

TEST_CASE("PyArg_ParseTupleAndKeywords: positional, keyword, optional and keyword-only") {
  Interpreter py;
  static const char* keywords[] = {"a", "b", "c", nullptr};
  int a = -1, b = -1;
  const char* c = "unset";
  auto parse = [&](PyObject* args, PyObject* kwargs) {
    a = b = -1;
    c = "unset";
    return PyArg_ParseTupleAndKeywords(args, kwargs, "i|is:f", keywords, &a, &b, &c);
  };
  Ref one(Py_BuildValue("(i)", 1));
  Ref empty(PyTuple_New(0));
  REQUIRE(parse(one.get(), nullptr));
  CHECK(a == 1);
  CHECK(b == -1);
  CHECK(std::string(c) == "unset");
  Ref only_c(Dict("{s:s}", "c", "see"));
  REQUIRE(parse(one.get(), only_c.get()));  // b is skipped, c comes by name
  CHECK(b == -1);
  CHECK(std::string(c) == "see");
  Ref all_named(Dict("{s:i,s:i}", "b", 2, "a", 1));
  REQUIRE(parse(empty.get(), all_named.get()));
  CHECK(a == 1);
  CHECK(b == 2);

  Ref b_only(Dict("{s:i}", "b", 2));
  CHECK_FALSE(parse(empty.get(), b_only.get()));
  CHECK(Raised(PyExc_TypeError) == "f() missing required argument 'a' (pos 1)");
  Ref unknown(Dict("{s:i}", "d", 4));
  CHECK_FALSE(parse(one.get(), unknown.get()));
  CHECK(Raised(PyExc_TypeError) == "'d' is an invalid keyword argument for f()");
  Ref twice(Dict("{s:i}", "a", 2));
  CHECK_FALSE(parse(one.get(), twice.get()));
  CHECK(Raised(PyExc_TypeError) == "argument for f() given by name ('a') and position (1)");
  Ref four(Py_BuildValue("(iisi)", 1, 2, "c", 4));
  CHECK_FALSE(parse(four.get(), nullptr));
  CHECK(Raised(PyExc_TypeError) == "f() takes at most 3 arguments (4 given)");
  Ref four_keywords(Dict("{s:i,s:i,s:s,s:i}", "a", 1, "b", 2, "c", "c", "d", 4));
  CHECK_FALSE(parse(empty.get(), four_keywords.get()));
  CHECK(Raised(PyExc_TypeError) == "f() takes at most 3 keyword arguments (4 given)");
  Ref b_text(Dict("{s:s}", "b", "x"));
  CHECK_FALSE(parse(one.get(), b_text.get()));
  CHECK(Raised(PyExc_TypeError) == "f() argument 2 must be int, not str");
  Ref int_key(Dict("{i:i}", 1, 2));
  CHECK_FALSE(parse(one.get(), int_key.get()));
  CHECK(Raised(PyExc_TypeError) == "keywords must be strings");
  CHECK_FALSE(PyArg_ParseTupleAndKeywords(one.get(), unknown.get(), "i|is", keywords, &a, &b, &c));
  CHECK(Raised(PyExc_TypeError) == "'d' is an invalid keyword argument for this function");

  // Keyword-only after '$', optional or required.
  static const char* kw_only[] = {"a", "k", nullptr};
  Ref two(Py_BuildValue("(ii)", 1, 2));
  Ref k(Dict("{s:i}", "k", 3));
  REQUIRE(PyArg_ParseTupleAndKeywords(one.get(), k.get(), "i|$i:g", kw_only, &a, &b));
  CHECK(b == 3);
  CHECK_FALSE(PyArg_ParseTupleAndKeywords(two.get(), nullptr, "i|$i:g", kw_only, &a, &b));
  CHECK(Raised(PyExc_TypeError) == "g() takes at most 1 positional argument (2 given)");
  CHECK_FALSE(PyArg_ParseTupleAndKeywords(one.get(), nullptr, "i$i:h", kw_only, &a, &b));
  CHECK(Raised(PyExc_TypeError) == "h() missing required argument 'k' (pos 2)");
  CHECK_FALSE(PyArg_ParseTupleAndKeywords(two.get(), nullptr, "i$i:h", kw_only, &a, &b));
  CHECK(Raised(PyExc_TypeError) == "h() takes exactly 1 positional argument (2 given)");

  // Positional-only: an empty name.
  static const char* pos_only[] = {"", "b", nullptr};
  Ref named_b(Dict("{s:i}", "b", 5));
  REQUIRE(PyArg_ParseTupleAndKeywords(one.get(), named_b.get(), "i|i:p", pos_only, &a, &b));
  CHECK(b == 5);
  CHECK_FALSE(PyArg_ParseTupleAndKeywords(empty.get(), named_b.get(), "i|i:p", pos_only, &a, &b));
  CHECK(Raised(PyExc_TypeError) == "p() takes exactly 1 positional argument (0 given)");

  // A keyword list that does not fit the format is the caller's bug.
  CHECK_FALSE(PyArg_ParseTupleAndKeywords(one.get(), nullptr, "i|iii", keywords, &a, &b, &c, &c));
  CHECK(PyErr_ExceptionMatches(PyExc_SystemError));
  PyErr_Clear();
  static const char* bad_empty[] = {"a", "", nullptr};
  CHECK_FALSE(PyArg_ParseTupleAndKeywords(one.get(), nullptr, "i|i", bad_empty, &a, &b));
  CHECK(PyErr_ExceptionMatches(PyExc_SystemError));
  PyErr_Clear();
}

TEST_CASE("PyArg_UnpackTuple: borrowed items, CPython's count messages") {
  Interpreter py;
  Ref two(Py_BuildValue("(is)", 1, "b"));
  PyObject *first = nullptr, *second = nullptr, *third = nullptr;
  REQUIRE(PyArg_UnpackTuple(two.get(), "f", 1, 3, &first, &second, &third));
  CHECK(first == PyTuple_GET_ITEM(two.get(), 0));
  CHECK(second == PyTuple_GET_ITEM(two.get(), 1));
  CHECK(third == nullptr);
  CHECK_FALSE(PyArg_UnpackTuple(two.get(), "f", 3, 4, &first, &second, &third, &third));
  CHECK(Raised(PyExc_TypeError) == "f expected at least 3 arguments, got 2");
  CHECK_FALSE(PyArg_UnpackTuple(two.get(), "f", 1, 1, &first));
  CHECK(Raised(PyExc_TypeError) == "f expected 1 argument, got 2");
  CHECK_FALSE(PyArg_UnpackTuple(two.get(), nullptr, 0, 1, &first));
  CHECK(Raised(PyExc_TypeError) == "unpacked tuple should have at most 1 element, but has 2");
}

// ---- Py_BuildValue ------------------------------------------------------------------------

TEST_CASE("Py_BuildValue: every code, nested containers, one item or several") {
  Interpreter py;
  auto built = [](PyObject* value) {
    Ref ref(value);
    return value != nullptr ? Repr(value) : "<NULL: " + Raised(PyExc_BaseException) + ">";
  };
  CHECK(built(Py_BuildValue("")) == "None");
  CHECK(built(Py_BuildValue("i", 5)) == "5");  // one item: itself
  CHECK(built(Py_BuildValue("(i)", 5)) == "(5,)");
  CHECK(built(Py_BuildValue("ii", 1, 2)) == "(1, 2)");  // several: a tuple
  CHECK(built(Py_BuildValue("()")) == "()");
  CHECK(built(Py_BuildValue("bBhHiIlkLKn", 1, 2, -3, 4, -5, 4000000000u, -7L, 8UL, -9LL, 10ULL,
                            Py_ssize_t{11})) ==
        "(1, 2, -3, 4, -5, 4000000000, -7, 8, -9, 10, 11)");
  CHECK(built(Py_BuildValue("(fd)", 1.5f, 0.25)) == "(1.5, 0.25)");
  CHECK(built(Py_BuildValue("(cC)", 'x', 0xE9)) == "(b'x', '\xc3\xa9')");
  CHECK(built(Py_BuildValue("(ss#zz#Uy#y)", "a", "bcd", Py_ssize_t{2}, nullptr, nullptr,
                            Py_ssize_t{5}, "u", "c\0d", Py_ssize_t{3}, "yy")) ==
        "('a', 'bc', None, None, 'u', b'c\\x00d', b'yy')");
  CHECK(built(Py_BuildValue("[i,[s],(i:i)]", 1, "two", 3, 4)) == "[1, ['two'], (3, 4)]");
  CHECK(built(Py_BuildValue("{s:i, s:[i,i], i:{}}", "a", 1, "b", 2, 3, 4)) ==
        "{'a': 1, 'b': [2, 3], 4: {}}");
  CHECK(built(Py_BuildValue("((ii)(s(s)))", 1, 2, "x", "y")) == "((1, 2), ('x', ('y',)))");
  long seven = 7;
  CHECK(built(Py_BuildValue("O&", &LongFromPointer, &seven)) == "7");

  PyObject* str = PyUnicode_FromString("s");
  Ref tuple(Py_BuildValue("(OSN)", str, str, str));  // O and S add a reference; N takes ours
  REQUIRE(tuple.get() != nullptr);
  CHECK(PyTuple_GET_ITEM(tuple.get(), 2) == str);
}

TEST_CASE("Py_BuildValue: errors; 'N' references are consumed even when building fails") {
  Interpreter py;
  CHECK(Py_BuildValue("O", nullptr) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "NULL object passed to Py_BuildValue");
  PyErr_SetString(PyExc_ValueError, "earlier");
  CHECK(Py_BuildValue("(iO)", 1, nullptr) == nullptr);  // the exception set stands
  CHECK(Raised(PyExc_ValueError) == "earlier");

  const int before = g_probe_deallocs;
  CHECK(Py_BuildValue("(ON)", nullptr, NewProbe()) == nullptr);
  CHECK(Raised(PyExc_SystemError) == "NULL object passed to Py_BuildValue");
  CHECK(Py_BuildValue("[(O)(N)]", nullptr, NewProbe()) == nullptr);
  PyErr_Clear();
  PyObject* kept = Py_BuildValue("[N]", NewProbe());
  Collect();
  CHECK(g_probe_deallocs == before + 2);  // the two N probes of the failed builds
  Py_DECREF(kept);
  Collect();
  CHECK(g_probe_deallocs == before + 3);

  struct Case {
    const char* format;
    const char* message;
  };
  const Case bad[] = {
      {"(i", "unmatched paren in Py_BuildValue format \"(i\""},
      {"i]", "bad format char ']' passed to Py_BuildValue (\"i]\")"},
      {"{i}", "Bad dict format (odd number of items) in \"{i}\""},
      {"D", "bad format char 'D' passed to Py_BuildValue (\"D\")"},
  };
  for (const Case& c : bad) {
    CAPTURE(c.format);
    CHECK(Py_BuildValue(c.format, 1) == nullptr);
    CHECK(Raised(PyExc_SystemError) == c.message);
  }
}
