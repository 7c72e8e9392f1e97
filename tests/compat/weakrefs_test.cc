// Weak references where Pinion's behaviour is its own (weakrefobject.h), which the weakrefs
// differential test cannot compare with CPython: clearing by a collection (a cycle, a
// resurrecting finalizer, the order of callbacks and deallocation, the thread callbacks run
// on), weak references that die before their referent, PyObject_ClearWeakRefs on an object
// still referenced and from a deallocator that forgot it, weak references to static types,
// a callback that raises, and _PyPinion_Weakref_GetRef (3.13's PyWeakref_GetRef).
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "Python.h"
#include "structmember.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::CaptureStderr;
using pinion::py_test::Interpreter;
using pinion::py_test::TakeError;

// What the tests' callbacks and deallocators saw, in order (the test's thread only, which
// runs the finalizers after its PyGC_Collect).
std::vector<std::string> g_events;
std::vector<PyObject*> g_callback_args;
std::vector<std::thread::id> g_callback_threads;

PyObject* Record(PyObject* self, PyObject* ref) {
  g_events.push_back("callback");
  g_callback_args.push_back(ref);
  g_callback_threads.push_back(std::this_thread::get_id());
  Py_RETURN_NONE;
}
PyMethodDef g_record_def = {"record", Record, METH_O, nullptr};

PyObject* Raise(PyObject* self, PyObject* ref) {
  g_events.push_back("raising callback");
  PyErr_SetString(PyExc_ValueError, "callback failed on purpose");
  return nullptr;
}
PyMethodDef g_raise_def = {"raise", Raise, METH_O, nullptr};

// A GC object that may reference another (cycles), with a weak reference list.
struct Node {
  PyObject_HEAD
  PyObject* next;
  PyObject* weakreflist;
};

int NodeTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(reinterpret_cast<Node*>(self)->next);
  return 0;
}
int NodeClear(PyObject* self) {
  Py_CLEAR(reinterpret_cast<Node*>(self)->next);
  return 0;
}
void NodeDealloc(PyObject* self) {
  g_events.push_back("dealloc");
  PyObject_GC_UnTrack(self);
  if (reinterpret_cast<Node*>(self)->weakreflist != nullptr) PyObject_ClearWeakRefs(self);
  NodeClear(self);
  Py_TYPE(self)->tp_free(self);
}

PyTypeObject NodeType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "weakrefs_test.Node",
    .tp_basicsize = sizeof(Node),
    .tp_dealloc = NodeDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = NodeTraverse,
    .tp_clear = NodeClear,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
    .tp_free = PyObject_GC_Del,
};

PyObject* NewNode(PyObject* next = nullptr) {
  Node* node = PyObject_GC_New(Node, &NodeType);
  node->next = Py_XNewRef(next);
  node->weakreflist = nullptr;
  PyObject_GC_Track(node);
  return reinterpret_cast<PyObject*>(node);
}

// A GC object whose tp_finalize resurrects it, noting what its weak reference read then.
PyObject* g_phoenix_ref = nullptr;     // a weak reference to the phoenix (the test's)
PyObject* g_seen_in_finalizer = nullptr;  // borrowed: what g_phoenix_ref read there
PyObject* g_resurrected = nullptr;

void PhoenixFinalize(PyObject* self) {
  g_seen_in_finalizer = PyWeakref_GetObject(g_phoenix_ref);
  g_resurrected = Py_NewRef(self);
}

PyTypeObject PhoenixType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "weakrefs_test.Phoenix",
    .tp_basicsize = sizeof(Node),
    .tp_dealloc = NodeDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = NodeTraverse,
    .tp_clear = NodeClear,
    .tp_weaklistoffset = offsetof(Node, weakreflist),
    .tp_free = PyObject_GC_Del,
    .tp_finalize = PhoenixFinalize,
};

// A non-GC type whose tp_dealloc forgets PyObject_ClearWeakRefs.
struct Careless {
  PyObject_HEAD
  PyObject* weakreflist;
};

void CarelessDealloc(PyObject* self) {
  g_events.push_back("careless dealloc");
  Py_TYPE(self)->tp_free(self);
}

PyTypeObject CarelessType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "weakrefs_test.Careless",
    .tp_basicsize = sizeof(Careless),
    .tp_dealloc = CarelessDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_weaklistoffset = offsetof(Careless, weakreflist),
};

struct Fixture {
  Interpreter py;
  PyObject* record;
  Fixture() {
    REQUIRE(PyType_Ready(&NodeType) == 0);
    REQUIRE(PyType_Ready(&PhoenixType) == 0);
    REQUIRE(PyType_Ready(&CarelessType) == 0);
    record = PyCFunction_New(&g_record_def, nullptr);
    g_events.clear();
    g_callback_args.clear();
    g_callback_threads.clear();
  }
  ~Fixture() { Py_DECREF(record); }
};

}  // namespace

TEST_CASE("a weak reference to a cycle of GC objects is cleared by PyGC_Collect") {
  Fixture f;
  PyObject* a = NewNode();
  PyObject* b = NewNode(a);
  reinterpret_cast<Node*>(a)->next = Py_NewRef(b);  // a <-> b
  PyObject* ref = PyWeakref_NewRef(a, f.record);
  PyObject* plain = PyWeakref_NewRef(b, nullptr);
  REQUIRE(ref != nullptr);
  REQUIRE(plain != nullptr);
  Py_DECREF(b);
  PyGC_Collect();
  CHECK(PyWeakref_GetObject(ref) == a);  // still referenced from here
  CHECK(g_callback_args.empty());
  Py_DECREF(a);
  PyGC_Collect();
  CHECK(PyWeakref_GetObject(ref) == Py_None);
  CHECK(PyWeakref_GetObject(plain) == Py_None);
  REQUIRE(g_callback_args.size() == 1);
  CHECK(g_callback_args[0] == ref);
  // The callback ran before either deallocation (callbacks are queued ahead of them; with a
  // tp_finalize readied in the process, deallocation waits for a second finding, PEP 442).
  PyGC_Collect();
  REQUIRE(g_events.size() == 3);
  CHECK(g_events[0] == "callback");
  CHECK(g_events[1] == "dealloc");
  CHECK(g_events[2] == "dealloc");
  CHECK(g_callback_args.size() == 1);  // once
  Py_DECREF(ref);
  Py_DECREF(plain);
}

TEST_CASE("a weak reference that is garbage with its referent leaves nothing dangling") {
  Fixture f;
  // a -> ref ~> b -> a: the weak reference is reachable only from the garbage it refers to.
  PyObject* a = NewNode();
  PyObject* b = NewNode(a);
  PyObject* ref = PyWeakref_NewRef(b, f.record);
  reinterpret_cast<Node*>(a)->next = ref;  // a owns the reference
  Py_DECREF(a);
  Py_DECREF(b);
  PyGC_Collect();
  PyGC_Collect();
  PyGC_Collect();
  // Both nodes were deallocated; the callback may have run (Pinion's difference: CPython
  // skips callbacks of garbage weak references), once at most, with the reference.
  int deallocs = 0;
  for (const std::string& e : g_events) deallocs += e == "dealloc";
  CHECK(deallocs == 2);
  CHECK(g_callback_args.size() <= 1);
  for (PyObject* arg : g_callback_args) CHECK(arg == ref);
}

TEST_CASE("callbacks run on the thread that collected, in its PyGC_Collect") {
  Fixture f;
  PyObject* node = NewNode();
  PyObject* ref = PyWeakref_NewRef(node, f.record);
  Py_DECREF(node);
  PyGC_Collect();
  REQUIRE(g_callback_threads.size() == 1);
  CHECK(g_callback_threads[0] == std::this_thread::get_id());
  Py_DECREF(ref);
}

TEST_CASE("a tp_finalize that resurrects its object sees its old weak references already None") {
  Fixture f;
  PyObject* phoenix = PyObject_GC_New(PyObject, &PhoenixType);
  reinterpret_cast<Node*>(phoenix)->next = nullptr;
  reinterpret_cast<Node*>(phoenix)->weakreflist = nullptr;
  PyObject_GC_Track(phoenix);
  g_phoenix_ref = PyWeakref_NewRef(phoenix, f.record);
  PyObject* basic = PyWeakref_NewRef(phoenix, nullptr);
  Py_DECREF(phoenix);
  PyGC_Collect();
  REQUIRE(g_resurrected == phoenix);
  CHECK(g_seen_in_finalizer == Py_None);
  CHECK(PyWeakref_GetObject(g_phoenix_ref) == Py_None);  // and for good
  CHECK(PyWeakref_GetObject(basic) == Py_None);
  CHECK(g_callback_args.size() == 1);
  CHECK(g_events == std::vector<std::string>{"callback"});  // resurrected: no dealloc
  // New weak references to the resurrected object work, the old canonical one is not reused.
  PyObject* again = PyWeakref_NewRef(g_resurrected, nullptr);
  CHECK(again != basic);
  CHECK(PyWeakref_GetObject(again) == g_resurrected);
  Py_CLEAR(g_resurrected);
  PyGC_Collect();
  CHECK(PyWeakref_GetObject(again) == Py_None);
  CHECK(g_events.back() == "dealloc");
  Py_DECREF(again);
  Py_DECREF(basic);
  Py_CLEAR(g_phoenix_ref);
}

TEST_CASE("weak references that die before their referent unlink themselves") {
  Fixture f;
  PyObject* node = NewNode();
  PyObject* refs[5];
  for (PyObject*& r : refs) r = PyWeakref_NewRef(node, f.record);
  PyObject* proxy = PyWeakref_NewProxy(node, f.record);
  // Drop the first, a middle one and the last; the list loses its head, a link and its tail.
  Py_DECREF(refs[0]);
  Py_DECREF(refs[2]);
  Py_DECREF(refs[4]);
  Py_DECREF(proxy);
  PyGC_Collect();
  CHECK(g_callback_args.empty());
  PyObject* late = PyWeakref_NewRef(node, f.record);
  Py_DECREF(node);
  PyGC_Collect();
  CHECK(g_callback_args.size() == 3);
  for (PyObject* r : {refs[1], refs[3], late}) {
    CHECK(PyWeakref_GetObject(r) == Py_None);
    int times = 0;
    for (PyObject* arg : g_callback_args) times += arg == r;
    CHECK(times == 1);
    Py_DECREF(r);
  }
  PyGC_Collect();
}

TEST_CASE("PyObject_ClearWeakRefs clears what is still set and calls the callbacks now") {
  Fixture f;
  PyObject* node = NewNode();
  PyObject* basic = PyWeakref_NewRef(node, nullptr);
  PyObject* with_callback = PyWeakref_NewRef(node, f.record);
  PyObject_ClearWeakRefs(node);  // as a deallocator called by hand would
  CHECK(PyErr_Occurred() == nullptr);
  CHECK(PyWeakref_GetObject(basic) == Py_None);
  CHECK(PyWeakref_GetObject(with_callback) == Py_None);
  REQUIRE(g_callback_args.size() == 1);
  CHECK(g_callback_args[0] == with_callback);
  PyObject* fresh = PyWeakref_NewRef(node, nullptr);
  CHECK(fresh != basic);  // the list was emptied
  CHECK(PyWeakref_GetObject(fresh) == node);
  Py_DECREF(node);
  PyGC_Collect();
  CHECK(g_callback_args.size() == 1);
  CHECK(PyWeakref_GetObject(fresh) == Py_None);
  Py_DECREF(fresh);
  Py_DECREF(basic);
  Py_DECREF(with_callback);

  PyObject_ClearWeakRefs(nullptr);
  CHECK(TakeError(PyExc_SystemError));
  PyObject* number = PyLong_FromLong(1000);
  PyObject_ClearWeakRefs(number);
  CHECK(TakeError(PyExc_SystemError));
  Py_DECREF(number);
}

TEST_CASE("an object freed by hand with weak references still set clears them") {
  Fixture f;
  PyObject* careless = PyObject_New(PyObject, &CarelessType);
  reinterpret_cast<Careless*>(careless)->weakreflist = nullptr;
  PyObject* ref = PyWeakref_NewRef(careless, f.record);
  // A deallocator called by hand (as in a tp_new error path) that does not clear them.
  Py_TYPE(careless)->tp_dealloc(careless);
  CHECK(PyWeakref_GetObject(ref) == Py_None);
  REQUIRE(g_callback_args.size() == 1);
  CHECK(g_callback_args[0] == ref);
  PyGC_Collect();
  CHECK(g_callback_args.size() == 1);
  Py_DECREF(ref);
}

TEST_CASE("weak references to static types live on; their canonical one is shared") {
  Fixture f;
  PyObject* type = reinterpret_cast<PyObject*>(&NodeType);
  PyObject* ref = PyWeakref_NewRef(type, nullptr);
  PyObject* with_callback = PyWeakref_NewRef(type, f.record);
  PyObject* proxy = PyWeakref_NewProxy(type, nullptr);
  CHECK(Py_IS_TYPE(proxy, &_PyWeakref_CallableProxyType));  // a type is callable
  PyGC_Collect();
  CHECK(PyWeakref_GetObject(ref) == type);
  CHECK(PyWeakref_GetObject(with_callback) == type);
  PyObject* again = PyWeakref_NewRef(type, Py_None);
  CHECK(again == ref);
  Py_DECREF(again);
  Py_DECREF(with_callback);  // dies, unlinking itself from the static type's list
  Py_DECREF(proxy);
  PyGC_Collect();
  CHECK(g_callback_args.empty());
  PyObject* weakrefoffset = PyObject_GetAttrString(type, "__weakrefoffset__");
  CHECK(PyLong_AsLong(weakrefoffset) == static_cast<long>(offsetof(Node, weakreflist)));
  Py_DECREF(weakrefoffset);
  Py_DECREF(ref);
}

TEST_CASE("weak references to static types end with the heap at Py_Finalize") {
  PyObject* type = reinterpret_cast<PyObject*>(&NodeType);
  for (int round = 0; round < 2; ++round) {
    Fixture f;
    PyObject* ref = PyWeakref_NewRef(type, nullptr);  // the list would dangle without a reset
    PyObject* with_callback = PyWeakref_NewRef(type, f.record);
    CHECK(PyWeakref_GetObject(ref) == type);
    CHECK(PyWeakref_GetObject(with_callback) == type);
    Py_DECREF(ref);
    Py_DECREF(with_callback);
  }
  CHECK(NodeType.tp_weaklist == nullptr);
}

TEST_CASE("a callback that raises goes to PyErr_WriteUnraisable; the others still run") {
  Fixture f;
  PyObject* raising = PyCFunction_New(&g_raise_def, nullptr);
  PyObject* node = NewNode();
  PyObject* first = PyWeakref_NewRef(node, raising);
  PyObject* second = PyWeakref_NewRef(node, f.record);
  Py_DECREF(node);
  const std::string printed = CaptureStderr([] { PyGC_Collect(); });
  CHECK(printed.find("callback failed on purpose") != std::string::npos);
  CHECK(PyErr_Occurred() == nullptr);
  CHECK(g_callback_args.size() == 1);
  CHECK(g_events.size() == 2);  // both callbacks
  PyGC_Collect();
  CHECK(g_events.size() == 3);  // then the dealloc
  Py_DECREF(first);
  Py_DECREF(second);
  Py_DECREF(raising);
}

TEST_CASE("_PyPinion_Weakref_GetRef: PyWeakref_GetRef of 3.13") {
  Fixture f;
  PyObject* node = NewNode();
  PyObject* ref = PyWeakref_NewRef(node, nullptr);
  PyObject* proxy = PyWeakref_NewProxy(node, nullptr);
  PyObject* result = reinterpret_cast<PyObject*>(1);
  CHECK(_PyPinion_Weakref_GetRef(ref, &result) == 1);
  CHECK(result == node);
  Py_DECREF(result);
  CHECK(_PyPinion_Weakref_GetRef(proxy, &result) == 1);
  CHECK(result == node);
  Py_DECREF(result);
  CHECK(_PyPinion_Weakref_GetRef(node, &result) == -1);
  CHECK(result == nullptr);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(_PyPinion_Weakref_GetRef(nullptr, &result) == -1);
  CHECK(TakeError(PyExc_SystemError));
  Py_DECREF(node);
  PyGC_Collect();
  result = reinterpret_cast<PyObject*>(1);
  CHECK(_PyPinion_Weakref_GetRef(ref, &result) == 0);
  CHECK(result == nullptr);
  CHECK(PyErr_Occurred() == nullptr);
  CHECK(PyWeakref_GET_OBJECT(ref) == Py_None);
  Py_DECREF(ref);
  Py_DECREF(proxy);
}

TEST_CASE("heap types with __weaklistoffset__, bound methods and memoryviews accept them") {
  Fixture f;
  struct Weakable {
    PyObject_HEAD
    PyObject* weaklist;
  };
  PyMemberDef members[] = {
      {"__weaklistoffset__", T_PYSSIZET, offsetof(Weakable, weaklist), READONLY, nullptr},
      {nullptr, 0, 0, 0, nullptr}};
  PyType_Slot slots[] = {{Py_tp_members, members}, {0, nullptr}};
  PyType_Spec spec = {"weakrefs_test.Weakable", sizeof(Weakable), 0, Py_TPFLAGS_DEFAULT, slots};
  PyObject* type = PyType_FromSpec(&spec);
  REQUIRE(type != nullptr);
  PyObject* instance = PyObject_CallNoArgs(type);  // no tp_dealloc of its own
  REQUIRE(instance != nullptr);
  PyObject* to_instance = PyWeakref_NewRef(instance, f.record);
  PyObject* to_type = PyWeakref_NewRef(type, nullptr);  // a heap type
  PyObject* method = PyMethod_New(f.record, instance);
  PyObject* to_method = PyWeakref_NewRef(method, f.record);
  PyObject* bytes = PyBytes_FromString("abc");
  PyObject* view = PyMemoryView_FromObject(bytes);
  PyObject* to_view = PyWeakref_NewRef(view, f.record);
  REQUIRE(to_instance != nullptr);
  REQUIRE(to_type != nullptr);
  REQUIRE(to_method != nullptr);
  REQUIRE(to_view != nullptr);
  CHECK(PyWeakref_GetObject(to_instance) == instance);
  CHECK(PyWeakref_GetObject(to_type) == type);
  CHECK(PyWeakref_GetObject(to_method) == method);
  CHECK(PyWeakref_GetObject(to_view) == view);
  Py_DECREF(view);
  Py_DECREF(bytes);
  Py_DECREF(method);
  Py_DECREF(instance);
  PyGC_Collect();
  PyGC_Collect();
  CHECK(PyWeakref_GetObject(to_instance) == Py_None);
  CHECK(PyWeakref_GetObject(to_method) == Py_None);
  CHECK(PyWeakref_GetObject(to_view) == Py_None);
  CHECK(g_callback_args.size() == 3);
  Py_DECREF(type);
  PyGC_Collect();
  PyGC_Collect();
  CHECK(PyWeakref_GetObject(to_type) == Py_None);
  Py_DECREF(to_instance);
  Py_DECREF(to_type);
  Py_DECREF(to_method);
  Py_DECREF(to_view);
}

TEST_CASE("weak references made and dropped from several threads while collections run") {
  Fixture f;
  PyObject* shared = NewNode();
  PyObject* basic = PyWeakref_NewRef(shared, nullptr);
  std::atomic<int> wrong{0};  // doctest's CHECK stays on the test's thread
  auto work = [&] {
    PyGILState_STATE state = PyGILState_Ensure();
    for (int i = 0; i < 200; ++i) {
      PyObject* mine = NewNode();
      PyObject* a = PyWeakref_NewRef(shared, nullptr);
      PyObject* b = PyWeakref_NewRef(mine, nullptr);
      PyObject* c = PyWeakref_NewProxy(mine, nullptr);
      if (a != basic || PyWeakref_GetObject(b) != mine || PyWeakref_GetObject(c) != mine) {
        wrong.fetch_add(1);
      }
      Py_DECREF(a);
      Py_DECREF(b);
      Py_DECREF(c);
      Py_DECREF(mine);
      if (i % 50 == 0) PyGC_Collect();
    }
    PyGILState_Release(state);
  };
  Py_BEGIN_ALLOW_THREADS
  std::thread t1(work), t2(work), t3(work);
  t1.join();
  t2.join();
  t3.join();
  Py_END_ALLOW_THREADS
  CHECK(wrong.load() == 0);
  CHECK(PyWeakref_GetObject(basic) == shared);
  Py_DECREF(shared);
  PyGC_Collect();
  CHECK(PyWeakref_GetObject(basic) == Py_None);
  Py_DECREF(basic);
}
