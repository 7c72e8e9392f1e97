// PyType_Ready's Pinion-specific behaviour, which a differential test cannot show: readying
// one type from several threads at once, readying again after Py_Finalize, a dict set before
// PyType_Ready, and the errors for malformed static types.
#include <atomic>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "Python.h"
#include "structmember.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::Interpreter;
using pinion::py_test::Str;
using pinion::py_test::TakeError;

struct Thing {
  PyObject_HEAD
  long value;
};

PyObject* ThingTwice(PyObject* self, PyObject*) {
  return PyLong_FromLong(2 * reinterpret_cast<Thing*>(self)->value);
}

PyMethodDef thing_methods[] = {
    {"twice", ThingTwice, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyMemberDef thing_members[] = {
    {"value", T_LONG, offsetof(Thing, value), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyTypeObject MakeThingType(const char* name) {
  PyTypeObject type{};
  type.ob_base.ob_base.ob_refcnt = _PyPinion_IMMORTAL_REFCNT;
  type.tp_name = name;
  type.tp_basicsize = sizeof(Thing);
  type.tp_flags = Py_TPFLAGS_DEFAULT;
  type.tp_methods = thing_methods;
  type.tp_members = thing_members;
  type.tp_new = PyType_GenericNew;
  return type;
}

PyTypeObject g_raced = MakeThingType("types_test.Raced");
PyTypeObject g_again = MakeThingType("types_test.Again");
PyTypeObject g_preset = MakeThingType("types_test.Preset");

// type.name() on a new instance whose value is `value`.
long CallOnInstance(PyTypeObject* type, const char* name, long value) {
  PyObject* object = PyObject_CallNoArgs(reinterpret_cast<PyObject*>(type));
  REQUIRE(object != nullptr);
  reinterpret_cast<Thing*>(object)->value = value;
  PyObject* result = PyObject_CallMethod(object, name, nullptr);
  REQUIRE(result != nullptr);
  const long out = PyLong_AsLong(result);
  Py_DECREF(result);
  Py_DECREF(object);
  return out;
}

TEST_CASE("PyType_Ready from several threads at once publishes one dict") {
  Interpreter py;
  constexpr int kThreads = 4;
  std::atomic<int> waiting{kThreads};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      PyGILState_STATE state = PyGILState_Ensure();
      waiting.fetch_sub(1);
      while (waiting.load() > 0) {
      }
      if (PyType_Ready(&g_raced) < 0) failures.fetch_add(1);
      for (int round = 0; round < 50; ++round) {
        if (CallOnInstance(&g_raced, "twice", round) != 2 * round) failures.fetch_add(1);
      }
      PyGILState_Release(state);
    });
  }
  Py_BEGIN_ALLOW_THREADS
  for (std::thread& thread : threads) thread.join();
  Py_END_ALLOW_THREADS
  CHECK(failures.load() == 0);
  CHECK((g_raced.tp_flags & Py_TPFLAGS_READY) != 0);
  CHECK((g_raced.tp_flags & Py_TPFLAGS_READYING) == 0);
  REQUIRE(g_raced.tp_dict != nullptr);
  CHECK(PyDict_GetItemString(g_raced.tp_dict, "twice") != nullptr);
  CHECK(PyDict_GetItemString(g_raced.tp_dict, "value") != nullptr);
  CHECK(PyTuple_GET_SIZE(g_raced.tp_mro) == 2);
  PyGC_Collect();  // the losers' dicts are garbage; the winner's stays
  CHECK(CallOnInstance(&g_raced, "twice", 21) == 42);
}

TEST_CASE("a static type is readied again after Py_Finalize") {
  {
    Interpreter py;
    REQUIRE(PyType_Ready(&g_again) == 0);
    CHECK(g_again.tp_dict != nullptr);
    CHECK(CallOnInstance(&g_again, "twice", 4) == 8);
  }
  CHECK(g_again.tp_dict == nullptr);  // it was on the heap Py_Finalize deleted
  CHECK(g_again.tp_mro == nullptr);
  CHECK((g_again.tp_flags & Py_TPFLAGS_READY) == 0);
  {
    Interpreter py;
    CHECK(CallOnInstance(&g_again, "twice", 5) == 10);  // calling the type readies it
    CHECK(g_again.tp_dict != nullptr);
  }
}

TEST_CASE("a dict the extension set before PyType_Ready keeps its entries") {
  Interpreter py;
  PyObject* dict = PyDict_New();
  PyObject* value = PyLong_FromLong(99);
  REQUIRE(PyDict_SetItemString(dict, "twice", value) == 0);  // shadows the method
  REQUIRE(PyDict_SetItemString(dict, "extra", value) == 0);
  Py_DECREF(value);
  g_preset.tp_dict = dict;  // the type's reference from now on
  REQUIRE(PyType_Ready(&g_preset) == 0);
  CHECK(g_preset.tp_dict == dict);
  PyObject* twice = PyObject_GetAttrString(reinterpret_cast<PyObject*>(&g_preset), "twice");
  CHECK(Str(twice) == "99");
  Py_XDECREF(twice);
  CHECK(PyDict_GetItemString(dict, "value") != nullptr);  // the member was added
  CHECK(PyDict_GetItemString(dict, "__doc__") == Py_None);
  // Py_Finalize leaves a dict it did not make to whoever made it: this test releases it.
  g_preset.tp_dict = nullptr;
  Py_DECREF(dict);
}

TEST_CASE("PyType_Ready refuses malformed types") {
  Interpreter py;
  PyTypeObject unnamed{};
  unnamed.ob_base.ob_base.ob_refcnt = _PyPinion_IMMORTAL_REFCNT;
  unnamed.tp_basicsize = sizeof(PyObject);
  CHECK(PyType_Ready(&unnamed) == -1);
  CHECK(TakeError(PyExc_SystemError));

  PyTypeObject no_traverse = MakeThingType("types_test.NoTraverse");
  no_traverse.tp_flags |= Py_TPFLAGS_HAVE_GC;
  CHECK(PyType_Ready(&no_traverse) == -1);
  CHECK(TakeError(PyExc_SystemError));

  PyTypeObject both = MakeThingType("types_test.Both");
  PyMethodDef both_methods[] = {
      {"m", ThingTwice, METH_NOARGS | METH_CLASS | METH_STATIC, nullptr},
      {nullptr, nullptr, 0, nullptr},
  };
  both.tp_methods = both_methods;
  CHECK(PyType_Ready(&both) == -1);
  CHECK(TakeError(PyExc_ValueError));

  PyTypeObject twice_based = MakeThingType("types_test.TwiceBased");
  twice_based.tp_bases = PyTuple_Pack(2, reinterpret_cast<PyObject*>(&g_raced),
                                      reinterpret_cast<PyObject*>(&g_raced));
  CHECK(PyType_Ready(&twice_based) == -1);
  PyObject *type, *message, *traceback;
  PyErr_Fetch(&type, &message, &traceback);
  CHECK(type == PyExc_TypeError);
  CHECK(Str(message) == "duplicate base class Raced");
  Py_XDECREF(type);
  Py_XDECREF(message);
  Py_XDECREF(traceback);
  Py_DECREF(twice_based.tp_bases);
}

}  // namespace
