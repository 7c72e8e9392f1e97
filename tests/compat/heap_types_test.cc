// Tests of what a differential test cannot show about heap types, exception classes and
// multi-phase modules (object.h's PyType_FromSpec family, pyerrors.h's PyErr_NewException,
// moduleobject.h/modsupport.h's PEP 489 functions, pystate.h's PyState_*): when the collector
// frees them (a type outlives its instances; a module, its types and its state form a cycle
// that is collected, with m_clear and m_free called), the special members of Py_tp_members,
// every slot id of PyType_GetSlot, and PyState's table for single-phase modules, misuse
// included.
#include <doctest/doctest.h>

#include <cstring>

#include "Python.h"
#include "gc/errors.h"
#include "tests/compat/py_test_support.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::py_test::Interpreter;

void Collect() {
  for (int i = 0; i < 3; ++i) PyGC_Collect();
}

// A static type whose instances count their deallocations: put one where an object's
// release is to be observed.
int g_probe_deallocs = 0;
void ProbeDealloc(PyObject* op) {
  ++g_probe_deallocs;
  Py_TYPE(op)->tp_free(op);
}
PyTypeObject ProbeType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "heap_types_test.Probe",
    .tp_basicsize = sizeof(PyObject),
    .tp_dealloc = &ProbeDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

// Puts a new probe into the type's dict: it is released when the type is deallocated.
void Mark(PyObject* type) {
  PyObject* probe = PyObject_New(PyObject, &ProbeType);
  REQUIRE(probe != nullptr);
  REQUIRE(PyDict_SetItemString(reinterpret_cast<PyTypeObject*>(type)->tp_dict, "probe", probe) ==
          0);
  Py_DECREF(probe);
}

// ---- A plain heap type, instances without GC ----------------------------------------------

int g_instance_deallocs = 0;
void InstanceDealloc(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  ++g_instance_deallocs;
  type->tp_free(op);
  Py_DECREF(type);  // CPython's convention for heap types' instances
}

PyType_Slot g_plain_slots[] = {{Py_tp_dealloc, reinterpret_cast<void*>(&InstanceDealloc)},
                               {0, nullptr}};
PyType_Spec g_plain_spec = {"heap_types_test.Plain", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT,
                            g_plain_slots};

TEST_CASE("a heap type lives while its instances do, and is collected after them") {
  Interpreter py;
  const int probes = g_probe_deallocs, instances = g_instance_deallocs;
  PyObject* type = PyType_FromSpec(&g_plain_spec);
  REQUIRE(type != nullptr);
  Mark(type);
  PyObject* instance = PyObject_CallNoArgs(type);
  REQUIRE(instance != nullptr);
  Py_DECREF(type);  // only the instance holds it now
  Collect();
  CHECK(g_probe_deallocs == probes);
  CHECK(std::strcmp(Py_TYPE(instance)->tp_name, "heap_types_test.Plain") == 0);
  Py_DECREF(instance);
  Collect();
  CHECK(g_instance_deallocs == instances + 1);
  CHECK(g_probe_deallocs == probes + 1);
}

TEST_CASE("a heap type without Py_tp_dealloc releases its instances' references to it") {
  Interpreter py;
  PyType_Slot slots[] = {{0, nullptr}};
  PyType_Spec spec = {"heap_types_test.Default", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  const int probes = g_probe_deallocs;
  PyObject* type = PyType_FromSpec(&spec);
  REQUIRE(type != nullptr);
  Mark(type);
  for (int i = 0; i < 3; ++i) {
    PyObject* instance = PyObject_CallNoArgs(type);
    REQUIRE(instance != nullptr);
    Py_DECREF(instance);
  }
  Py_DECREF(type);
  Collect();
  CHECK(g_probe_deallocs == probes + 1);
}

// ---- Py_tp_members' special members ---------------------------------------------------------

// CPython's PyMemberDef layout and the two constants used (structmember.h is the "types"
// part's); PyType_FromSpec reads the table by that layout.
struct Member {
  const char* name;
  int type;
  Py_ssize_t offset;
  int flags;
  const char* doc;
};
constexpr int kPySsizeT = 19;  // T_PYSSIZET
constexpr int kReadOnly = 1;   // READONLY

struct WithDict {
  PyObject_HEAD
  PyObject* dict;
  PyObject* weaklist;
  vectorcallfunc vectorcall;
};

TEST_CASE("__dictoffset__, __weaklistoffset__ and __vectorcalloffset__ set the type's offsets") {
  Interpreter py;
  Member members[] = {
      {"__dictoffset__", kPySsizeT, offsetof(WithDict, dict), kReadOnly, nullptr},
      {"__weaklistoffset__", kPySsizeT, offsetof(WithDict, weaklist), kReadOnly, nullptr},
      {"__vectorcalloffset__", kPySsizeT, offsetof(WithDict, vectorcall), kReadOnly, nullptr},
      {nullptr, 0, 0, 0, nullptr}};
  PyType_Slot slots[] = {{Py_tp_members, members}, {0, nullptr}};
  PyType_Spec spec = {"heap_types_test.WithDict", sizeof(WithDict), 0, Py_TPFLAGS_DEFAULT, slots};
  PyObject* type = PyType_FromSpec(&spec);
  REQUIRE(type != nullptr);
  PyTypeObject* t = reinterpret_cast<PyTypeObject*>(type);
  CHECK(t->tp_dictoffset == static_cast<Py_ssize_t>(offsetof(WithDict, dict)));
  CHECK(t->tp_weaklistoffset == static_cast<Py_ssize_t>(offsetof(WithDict, weaklist)));
  CHECK(t->tp_vectorcall_offset == static_cast<Py_ssize_t>(offsetof(WithDict, vectorcall)));
  // The table was copied into the type: the spec's may go away.
  REQUIRE(t->tp_members != nullptr);
  CHECK(reinterpret_cast<void*>(t->tp_members) != static_cast<void*>(members));
  CHECK(PyType_GetSlot(t, Py_tp_members) == static_cast<void*>(t->tp_members));
  CHECK(PyDict_GetItemString(t->tp_dict, "__dictoffset__") == nullptr);
  CHECK(PyDict_GetItemString(t->tp_dict, "__weaklistoffset__") == nullptr);
  // Instances get a dict, which the default dealloc releases.
  PyObject* instance = PyObject_CallNoArgs(type);
  REQUIRE(instance != nullptr);
  PyObject* value = PyLong_FromLong(42);
  REQUIRE(PyObject_SetAttrString(instance, "answer", value) == 0);
  PyObject* got = PyObject_GetAttrString(instance, "answer");
  CHECK(got == value);
  Py_XDECREF(got);
  Py_DECREF(value);
  Py_DECREF(instance);
  Py_DECREF(type);
  Collect();
}

TEST_CASE("PyType_GetSlot reads every id of any type; other ids are a SystemError") {
  Interpreter py;
  for (int id = 1; id <= Py_am_send; ++id) {
    (void)PyType_GetSlot(&PyBaseObject_Type, id);  // tables it lacks read as NULL
    CHECK(PyErr_Occurred() == nullptr);
  }
  CHECK(PyType_GetSlot(&PyBaseObject_Type, Py_tp_alloc) ==
        reinterpret_cast<void*>(&PyType_GenericAlloc));
  CHECK(PyType_GetSlot(&PyBaseObject_Type, 0) == nullptr);
  CHECK(pinion::py_test::TakeError(PyExc_SystemError));
  CHECK(PyType_GetSlot(&PyBaseObject_Type, Py_am_send + 1) == nullptr);
  CHECK(pinion::py_test::TakeError(PyExc_SystemError));
  CHECK((PyType_GetFlags(&PyBaseObject_Type) & Py_TPFLAGS_HEAPTYPE) == 0);
}

// ---- Exception classes -----------------------------------------------------------------------

TEST_CASE("exception classes are heap types, collected when unreachable") {
  Interpreter py;
  const int probes = g_probe_deallocs;
  PyObject* error = PyErr_NewExceptionWithDoc("test.Failure", "It failed.", nullptr, nullptr);
  REQUIRE(error != nullptr);
  CHECK(PyExceptionClass_Check(error));
  CHECK((PyType_GetFlags(reinterpret_cast<PyTypeObject*>(error)) & Py_TPFLAGS_HEAPTYPE) != 0);
  CHECK(std::strcmp(reinterpret_cast<PyTypeObject*>(error)->tp_doc, "It failed.") == 0);
  Mark(error);
  PyErr_SetString(error, "raised");
  CHECK(PyErr_ExceptionMatches(PyExc_Exception));
  PyErr_Clear();
  Py_DECREF(error);
  Collect();
  CHECK(g_probe_deallocs == probes + 1);
}

// ---- Multi-phase modules -----------------------------------------------------------------------

struct State {
  PyObject* type;
};
int g_clears = 0, g_frees = 0;

int CycleExec(PyObject* module) {
  State* state = static_cast<State*>(PyModule_GetState(module));
  PyType_Slot slots[] = {{0, nullptr}};
  PyType_Spec spec = {"cycle.T", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  state->type = PyType_FromModuleAndSpec(module, &spec, nullptr);  // type -> module -> type
  return state->type != nullptr ? 0 : -1;
}
int CycleTraverse(PyObject* module, visitproc visit, void* arg) {
  Py_VISIT(static_cast<State*>(PyModule_GetState(module))->type);
  return 0;
}
int CycleClear(PyObject* module) {
  ++g_clears;
  Py_CLEAR(static_cast<State*>(PyModule_GetState(module))->type);
  return 0;
}
void CycleFree(void* module) {
  ++g_frees;
  CycleClear(static_cast<PyObject*>(module));
}
PyModuleDef_Slot g_cycle_slots[] = {{Py_mod_exec, reinterpret_cast<void*>(&CycleExec)},
                                    {0, nullptr}};
PyModuleDef g_cycle_def = {PyModuleDef_HEAD_INIT, "cycle", nullptr,      sizeof(State), nullptr,
                           g_cycle_slots,         &CycleTraverse, &CycleClear, &CycleFree};

TEST_CASE("a module, its state and its heap types form a cycle that is collected") {
  Interpreter py;
  const int clears = g_clears, frees = g_frees, probes = g_probe_deallocs;
  PyObject* spec = PyModule_New("spec");
  REQUIRE(PyModule_AddStringConstant(spec, "name", "cycle") == 0);
  PyObject* module = PyModule_FromDefAndSpec2(&g_cycle_def, spec, PYTHON_API_VERSION);
  Py_DECREF(spec);
  REQUIRE(module != nullptr);
  CHECK(PyModule_GetState(module) == nullptr);  // ExecDef allocates it
  REQUIRE(PyModule_ExecDef(module, &g_cycle_def) == 0);
  State* state = static_cast<State*>(PyModule_GetState(module));
  REQUIRE(state != nullptr);
  Mark(state->type);
  CHECK(PyType_GetModule(reinterpret_cast<PyTypeObject*>(state->type)) == module);
  // Executing again is a no-op for the importer (the state is set); ExecDef itself reruns.
  Collect();
  CHECK(g_frees == frees);
  CHECK(g_probe_deallocs == probes);
  Py_DECREF(module);
  Collect();
  CHECK(g_clears == clears + 2);  // tp_clear's m_clear, then m_free's own call
  CHECK(g_frees == frees + 1);
  CHECK(g_probe_deallocs == probes + 1);
}

PyObject* InitCycle() { return PyModuleDef_Init(&g_cycle_def); }

TEST_CASE("importing a multi-phase module creates it from a built-in spec and executes it") {
  REQUIRE(PyImport_AppendInittab("cycle", &InitCycle) == 0);
  Interpreter py;
  PyObject* module = PyImport_ImportModule("cycle");
  REQUIRE(module != nullptr);
  CHECK(PyModule_GetDef(module) == &g_cycle_def);
  CHECK(Py_TYPE(reinterpret_cast<PyObject*>(&g_cycle_def)) == &PyModuleDef_Type);
  CHECK(static_cast<State*>(PyModule_GetState(module))->type != nullptr);
  PyObject* spec = PyObject_GetAttrString(module, "__spec__");
  REQUIRE(spec != nullptr);
  CHECK(pinion::py_test::Str(spec) == "ModuleSpec(name='cycle', origin='built-in')");
  Py_DECREF(spec);
  PyObject* again = PyImport_ImportModule("cycle");
  CHECK(again == module);
  Py_XDECREF(again);
  CHECK(PyState_FindModule(&g_cycle_def) == nullptr);  // multi-phase: never in PyState
  CHECK(PyErr_Occurred() == nullptr);
  Py_DECREF(module);
}

// A def whose Py_mod_create slot records the spec it was given.
PyObject* RecordingCreate(PyObject* spec, PyModuleDef*) {
  PyObject* name = PyObject_GetAttrString(spec, "name");
  if (name == nullptr) return nullptr;
  PyObject* module = PyModule_NewObject(name);
  Py_DECREF(name);
  if (module != nullptr && PyModule_AddObjectRef(module, "spec_seen", spec) < 0) Py_CLEAR(module);
  return module;
}
PyModuleDef_Slot g_created_slots[] = {{Py_mod_create, reinterpret_cast<void*>(&RecordingCreate)},
                                      {0, nullptr}};
PyModuleDef g_created_def = {PyModuleDef_HEAD_INIT, "created", nullptr, 0, nullptr,
                             g_created_slots,       nullptr,   nullptr, nullptr};
PyObject* InitCreated() { return PyModuleDef_Init(&g_created_def); }

TEST_CASE("importing a module with Py_mod_create passes the spec to the slot") {
  REQUIRE(PyImport_AppendInittab("created", &InitCreated) == 0);
  Interpreter py;
  PyObject* module = PyImport_ImportModule("created");
  REQUIRE(module != nullptr);
  PyObject* seen = PyObject_GetAttrString(module, "spec_seen");
  PyObject* spec = PyObject_GetAttrString(module, "__spec__");
  CHECK(seen != nullptr);
  CHECK(seen == spec);
  PyObject* origin = seen != nullptr ? PyObject_GetAttrString(seen, "origin") : nullptr;
  CHECK(pinion::py_test::Str(origin) == "built-in");
  CHECK(PyModule_GetState(module) != nullptr);  // executed (m_size 0: a mark only)
  Py_XDECREF(origin);
  Py_XDECREF(spec);
  Py_XDECREF(seen);
  Py_DECREF(module);
}

TEST_CASE("PyModule_GetFilename(Object) read __file__; built-in modules have none") {
  Interpreter py;
  PyObject* module = PyModule_New("files");
  REQUIRE(module != nullptr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  CHECK(PyModule_GetFilename(module) == nullptr);
  CHECK(pinion::py_test::TakeError(PyExc_SystemError));
  REQUIRE(PyModule_AddStringConstant(module, "__file__", "/tmp/files.so") == 0);
  CHECK(std::strcmp(PyModule_GetFilename(module), "/tmp/files.so") == 0);
  CHECK(PyModule_GetFilename(Py_None) == nullptr);
  CHECK(pinion::py_test::TakeError(PyExc_TypeError));
#pragma GCC diagnostic pop
  PyObject* file = PyModule_GetFilenameObject(module);
  CHECK(pinion::py_test::Str(file) == "/tmp/files.so");
  Py_XDECREF(file);
  Py_DECREF(module);
}

// ---- PyState (single-phase) ----------------------------------------------------------------------

PyModuleDef g_single_def = {PyModuleDef_HEAD_INIT, "single", nullptr, 0, nullptr,
                            nullptr,               nullptr,  nullptr, nullptr};
PyObject* InitSingle() { return PyModule_Create(&g_single_def); }

TEST_CASE("PyState finds imported and added single-phase modules") {
  REQUIRE(PyImport_AppendInittab("single", &InitSingle) == 0);
  Interpreter py;
  PyObject* imported = PyImport_ImportModule("single");
  REQUIRE(imported != nullptr);
  CHECK(PyState_FindModule(&g_single_def) == imported);  // the import added it
  PyObject* other = PyModule_Create(&g_single_def);
  REQUIRE(other != nullptr);
  CHECK(PyState_AddModule(other, &g_single_def) == 0);
  CHECK(PyState_FindModule(&g_single_def) == other);
  CHECK(PyState_RemoveModule(&g_single_def) == 0);
  CHECK(PyState_FindModule(&g_single_def) == nullptr);
  CHECK(PyErr_Occurred() == nullptr);
  Py_DECREF(other);
  Py_DECREF(imported);
}

TEST_CASE("PyState misuse is reported: a NULL def, a module added twice, an unknown index") {
  pinion::test_support::ScopedMisuseHandler handler;
  Interpreter py;
  PyObject* module = PyModule_Create(&g_single_def);
  REQUIRE(module != nullptr);
  CHECK(pinion::test_support::MisuseOf([&] { PyState_AddModule(module, nullptr); }) ==
        pinion::Misuse::kBadArgument);
  PyErr_Clear();
  REQUIRE(PyState_AddModule(module, &g_single_def) == 0);
  CHECK(pinion::test_support::MisuseOf([&] { PyState_AddModule(module, &g_single_def); }) ==
        pinion::Misuse::kBadArgument);
  PyErr_Clear();
  PyModuleDef never = {PyModuleDef_HEAD_INIT, "never", nullptr, 0, nullptr,
                       nullptr,               nullptr, nullptr, nullptr};
  CHECK(pinion::test_support::MisuseOf([&] { PyState_RemoveModule(&never); }) ==
        pinion::Misuse::kBadArgument);
  PyErr_Clear();
  CHECK(pinion::test_support::MisuseOf([&] { PyState_RemoveModule(nullptr); }) ==
        pinion::Misuse::kBadArgument);
  PyErr_Clear();
  CHECK(PyState_RemoveModule(&g_single_def) == 0);
  Py_DECREF(module);
}

}  // namespace
