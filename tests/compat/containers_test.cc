// Tests of the containers (tuple, list, dict) and the object protocol (abstract.h): their
// CPython semantics and errors, stolen vs new references (counted through Py_REFCNT, which is
// the pin count plus a bias), items that live only through their container across
// collections, large containers growing while collections run, and cycles through each
// container that the collector reclaims (seen by a test type's counting tp_dealloc).
//
// Any wrong trace or reference count (a visit of an unowned reference, an unpin below zero)
// is a misuse, which the default handler reports by aborting the test.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <string>

#include "Python.h"
#include "gc/finalization.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::Interpreter;
using pinion::py_test::Str;
using pinion::py_test::TakeError;

// The pins held on `o` (Py_REFCNT less its bias).
Py_ssize_t Pins(PyObject* o) { return Py_REFCNT(o) - _PyPinion_REFCNT_BIAS; }

// The message of the current exception if it matches `type` ("" otherwise); clears it.
std::string TakeMessage(PyObject* type) {
  PyObject *t, *value, *traceback;
  PyErr_Fetch(&t, &value, &traceback);
  std::string message;
  if (t != nullptr && PyErr_GivenExceptionMatches(t, type)) message = Str(value);
  Py_XDECREF(t);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return message;
}

// repr(o) as UTF-8; consumes the reference to `o`.
std::string ReprOf(PyObject* o) {
  REQUIRE(o != nullptr);
  PyObject* repr = PyObject_Repr(o);
  Py_DECREF(o);
  REQUIRE(repr != nullptr);
  std::string out = PyUnicode_AsUTF8(repr);
  Py_DECREF(repr);
  return out;
}

// A heap int that is not a cached small one.
PyObject* BigInt(long i) { return PyLong_FromLong(1000000 + i); }

long LongOf(PyObject* o) { return o != nullptr ? PyLong_AsLong(o) : -1; }

// ---- Thing: a GC test type with a counting tp_dealloc ------------------------------------
//
// It holds one reference (`ref`) and an instance dict (tp_dictoffset); has methods of each
// binding kind; calling it returns (args, kwargs or None).

struct Thing {
  PyObject_HEAD
  PyObject* ref;
  PyObject* dict;
};

int g_thing_deallocs = 0;

int ThingTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(reinterpret_cast<Thing*>(self)->ref);
  Py_VISIT(reinterpret_cast<Thing*>(self)->dict);
  return 0;
}

void ThingDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(reinterpret_cast<Thing*>(self)->ref);
  Py_CLEAR(reinterpret_cast<Thing*>(self)->dict);
  ++g_thing_deallocs;
  Py_TYPE(self)->tp_free(self);
}

PyObject* ThingCall(PyObject*, PyObject* args, PyObject* kwargs) {
  return PyTuple_Pack(2, args, kwargs != nullptr ? kwargs : Py_None);
}

PyObject* ThingGetRef(PyObject* self, PyObject*) {
  PyObject* ref = reinterpret_cast<Thing*>(self)->ref;
  return Py_NewRef(ref != nullptr ? ref : Py_None);
}
PyObject* ThingSelf(PyObject* self, PyObject*) { return Py_NewRef(self); }
PyObject* ThingStatic(PyObject* self, PyObject*) { return PyBool_FromLong(self == nullptr); }
PyObject* ThingEcho(PyObject*, PyObject* args) { return Py_NewRef(args); }

PyMethodDef g_thing_methods[] = {
    {"get_ref", ThingGetRef, METH_NOARGS, nullptr},
    {"the_type", ThingSelf, METH_NOARGS | METH_CLASS, nullptr},
    {"no_self", ThingStatic, METH_NOARGS | METH_STATIC, nullptr},
    {"echo", ThingEcho, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

// Value-initialised then filled in, so that no field is left without an initialiser.
PyTypeObject g_thing_type = [] {
  PyTypeObject type{};
  type.ob_base.ob_base.ob_refcnt = _PyPinion_IMMORTAL_REFCNT;
  type.ob_base.ob_base.ob_type = &PyType_Type;
  type.tp_name = "containers_test.Thing";
  type.tp_basicsize = sizeof(Thing);
  type.tp_dealloc = &ThingDealloc;
  type.tp_call = &ThingCall;
  type.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  type.tp_traverse = &ThingTraverse;
  type.tp_methods = g_thing_methods;
  type.tp_dictoffset = offsetof(Thing, dict);
  return type;
}();

// A new Thing holding `ref` (a new reference taken from the caller; may be NULL).
PyObject* NewThing(PyObject* ref) {
  Thing* thing = PyObject_GC_New(Thing, &g_thing_type);
  REQUIRE(thing != nullptr);
  thing->ref = ref;
  PyObject_GC_Track(thing);
  return reinterpret_cast<PyObject*>(thing);
}

// Collects until `deallocs` Things have been deallocated, at most `rounds` times; the number
// of collections it took (rounds + 1 if they did not suffice).
int CollectUntilDeallocated(int deallocs, int rounds = 4) {
  for (int i = 1; i <= rounds; ++i) {
    PyGC_Collect();
    if (g_thing_deallocs >= deallocs) return i;
  }
  return rounds + 1;
}

// ---- Tuples ----------------------------------------------------------------------------

TEST_CASE("tuple: new, set, get, slices, errors") {
  Interpreter py;
  PyObject* t = PyTuple_New(3);
  REQUIRE(t != nullptr);
  CHECK(PyTuple_Check(t));
  CHECK(PyTuple_CheckExact(t));
  CHECK(PyTuple_Size(t) == 3);
  CHECK(PyTuple_GET_SIZE(t) == 3);
  CHECK(PyTuple_GET_ITEM(t, 0) == nullptr);  // NULL until set

  PyObject* a = BigInt(1);
  PyTuple_SET_ITEM(t, 0, a);  // steals: the caller's pin is now the tuple's
  CHECK(Pins(a) == 1);
  CHECK(PyTuple_SetItem(t, 1, BigInt(2)) == 0);
  CHECK(PyTuple_SetItem(t, 2, PyUnicode_FromString("x")) == 0);
  CHECK(PyTuple_GetItem(t, 0) == a);  // borrowed
  CHECK(Pins(a) == 1);
  CHECK(LongOf(PyTuple_GET_ITEM(t, 1)) == 1000002);

  CHECK(PyTuple_GetItem(t, 3) == nullptr);
  CHECK(TakeMessage(PyExc_IndexError) == "tuple index out of range");
  CHECK(PyTuple_GetItem(t, -1) == nullptr);
  CHECK(TakeError(PyExc_IndexError));
  PyObject* stolen = BigInt(3);
  Py_INCREF(stolen);  // keep one of our own to watch the stolen one go
  CHECK(PyTuple_SetItem(t, 5, stolen) == -1);  // steals also on error
  CHECK(TakeMessage(PyExc_IndexError) == "tuple assignment index out of range");
  CHECK(Pins(stolen) == 1);
  Py_DECREF(stolen);
  PyObject* list = PyList_New(0);
  CHECK(PyTuple_Size(list) == -1);
  CHECK(TakeError(PyExc_SystemError));

  PyObject* slice = PyTuple_GetSlice(t, 1, 100);
  CHECK(ReprOf(Py_NewRef(slice)) == "(1000002, 'x')");
  CHECK(Pins(a) == 1);
  Py_DECREF(slice);
  PyObject* whole = PyTuple_GetSlice(t, -5, 3);
  CHECK(whole == t);  // a tuple is immutable: the whole slice is itself
  Py_DECREF(whole);
  CHECK(ReprOf(PyTuple_GetSlice(t, 2, 1)) == "()");

  PyObject* packed = PyTuple_Pack(2, a, list);  // Pack does not steal
  CHECK(Pins(a) == 2);
  CHECK(PyTuple_GET_ITEM(packed, 1) == list);
  Py_DECREF(packed);
  CHECK(Pins(a) == 2);  // a DECREF frees nothing: the tuple keeps its pins...
  PyGC_Collect();       // ...until the collector finds it unreachable and deallocates it
  CHECK(Pins(a) == 1);
  Py_DECREF(list);
  Py_DECREF(t);
}

TEST_CASE("tuple: repr, hash and comparison") {
  Interpreter py;
  CHECK(ReprOf(PyTuple_New(0)) == "()");
  PyObject* one = PyLong_FromLong(1);
  CHECK(ReprOf(PyTuple_Pack(1, one)) == "(1,)");
  PyObject* a = PyTuple_Pack(2, one, Py_None);
  PyObject* b = PyTuple_Pack(2, one, Py_None);
  PyObject* two = PyLong_FromLong(2);
  PyObject* c = PyTuple_Pack(1, two);
  CHECK(ReprOf(Py_NewRef(a)) == "(1, None)");
  CHECK(PyObject_Hash(a) == PyObject_Hash(b));
  CHECK(PyObject_Hash(a) != -1);
  CHECK(PyObject_RichCompareBool(a, b, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(a, c, Py_NE) == 1);
  CHECK(PyObject_RichCompareBool(a, c, Py_LT) == 1);  // 1 < 2 decides
  CHECK(PyObject_RichCompareBool(c, a, Py_GE) == 1);
  PyObject* shorter = PyTuple_Pack(1, one);
  CHECK(PyObject_RichCompareBool(shorter, a, Py_LT) == 1);  // a prefix is smaller
  CHECK(PyObject_RichCompareBool(shorter, a, Py_EQ) == 0);

  // A tuple holding an unhashable item is unhashable.
  PyObject* list = PyList_New(0);
  PyObject* with_list = PyTuple_Pack(1, list);
  CHECK(PyObject_Hash(with_list) == -1);
  CHECK(TakeMessage(PyExc_TypeError) == "unhashable type: 'list'");
  for (PyObject* o : {one, a, b, two, c, shorter, list, with_list}) Py_DECREF(o);
}

// ---- Lists -----------------------------------------------------------------------------

TEST_CASE("list: append, insert, set, get, slices, errors") {
  Interpreter py;
  PyObject* list = PyList_New(0);
  REQUIRE(list != nullptr);
  CHECK(PyList_Check(list));
  CHECK_FALSE(PyTuple_Check(list));
  PyObject* x = BigInt(0);
  CHECK(PyList_Append(list, x) == 0);  // does not steal
  CHECK(Pins(x) == 2);
  PyObject* y = PyUnicode_FromString("y");
  CHECK(PyList_Insert(list, 0, y) == 0);     // [y, x]
  CHECK(PyList_Insert(list, -1, Py_None) == 0);  // [y, None, x]
  CHECK(PyList_Insert(list, 100, Py_True) == 0);  // [y, None, x, True]
  CHECK(PyList_Insert(list, -100, Py_False) == 0);  // [False, y, None, x, True]
  CHECK(ReprOf(Py_NewRef(list)) == "[False, 'y', None, 1000000, True]");
  CHECK(PyList_Size(list) == 5);
  CHECK(PyList_GET_SIZE(list) == 5);
  CHECK(PyList_GetItem(list, 3) == x);  // borrowed
  CHECK(Pins(x) == 2);
  PyObject* ref = _PyPinion_List_GetItemRef(list, 3);  // new
  CHECK(ref == x);
  CHECK(Pins(x) == 3);
  Py_DECREF(ref);

  CHECK(PyList_GetItem(list, 5) == nullptr);
  CHECK(TakeMessage(PyExc_IndexError) == "list index out of range");
  CHECK(_PyPinion_List_GetItemRef(list, -1) == nullptr);
  CHECK(TakeError(PyExc_IndexError));
  CHECK(_PyPinion_List_GetItemRef(Py_None, 0) == nullptr);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyList_Append(Py_None, x) == -1);
  CHECK(TakeError(PyExc_SystemError));

  CHECK(PyList_SetItem(list, 3, Py_NewRef(y)) == 0);  // steals, releases x
  CHECK(Pins(x) == 1);
  CHECK(Pins(y) == 3);
  PyObject* z = BigInt(9);
  Py_INCREF(z);
  CHECK(PyList_SetItem(list, 7, z) == -1);  // steals also on error
  CHECK(TakeMessage(PyExc_IndexError) == "list assignment index out of range");
  CHECK(Pins(z) == 1);
  Py_DECREF(z);

  // Slices: [False, 'y', None, 'y', True]
  CHECK(ReprOf(PyList_GetSlice(list, 1, 3)) == "['y', None]");
  CHECK(ReprOf(PyList_GetSlice(list, 4, 100)) == "[True]");
  CHECK(ReprOf(PyList_GetSlice(list, 3, 2)) == "[]");
  PyGC_Collect();  // deallocates the dropped slices, which release their items
  PyObject* pair = PyTuple_Pack(2, x, x);
  CHECK(PyList_SetSlice(list, 1, 4, pair) == 0);  // replace three by two
  CHECK(ReprOf(Py_NewRef(list)) == "[False, 1000000, 1000000, True]");
  CHECK(Pins(x) == 5);  // ours, the pair's two, and the list's two
  CHECK(Pins(y) == 1);  // both released
  CHECK(PyList_SetSlice(list, 1, 3, nullptr) == 0);  // delete
  CHECK(Pins(x) == 3);
  CHECK(PyList_SetSlice(list, 1, 1, list) == 0);  // insert a copy of itself
  CHECK(ReprOf(Py_NewRef(list)) == "[False, False, True, True]");
  CHECK(PyList_SetSlice(list, 0, 1, Py_None) == -1);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyList_SetSlice(list, 0, PY_SSIZE_T_MAX, nullptr) == 0);  // clear
  CHECK(PyList_GET_SIZE(list) == 0);
  CHECK(ReprOf(Py_NewRef(list)) == "[]");
  CHECK(PyList_Append(list, x) == 0);
  CHECK(PyList_Append(list, y) == 0);
  CHECK(PyList_Reverse(list) == 0);
  PyObject* tuple = PyList_AsTuple(list);
  CHECK(ReprOf(Py_NewRef(tuple)) == "('y', 1000000)");
  CHECK(Pins(x) == 5);  // ours, the pair's two, the list's, the tuple's
  Py_DECREF(tuple);
  Py_DECREF(pair);
  Py_DECREF(list);
  CHECK(Pins(x) == 5);  // a DECREF frees nothing: the containers keep their pins...
  PyGC_Collect();       // ...until the collector deallocates them
  CHECK(Pins(x) == 1);
  CHECK(Pins(y) == 1);
  Py_DECREF(x);
  Py_DECREF(y);
}

TEST_CASE("list: unhashable, compares, repr of nested containers") {
  Interpreter py;
  PyObject* one = PyLong_FromLong(1);
  PyObject* two = PyLong_FromLong(2);
  PyObject* a_str = PyUnicode_FromString("a");
  PyObject* inner = PyTuple_Pack(1, two);
  PyObject* list = PyList_New(3);
  PyList_SET_ITEM(list, 0, Py_NewRef(one));
  PyList_SET_ITEM(list, 1, Py_NewRef(a_str));
  PyList_SET_ITEM(list, 2, Py_NewRef(inner));
  CHECK(ReprOf(Py_NewRef(list)) == "[1, 'a', (2,)]");
  CHECK(Str(list) == "[1, 'a', (2,)]");  // no tp_str: the repr
  CHECK(PyObject_Hash(list) == -1);
  CHECK(TakeMessage(PyExc_TypeError) == "unhashable type: 'list'");

  PyObject* other = PyList_New(0);
  PyList_Append(other, one);
  PyList_Append(other, a_str);
  CHECK(PyObject_RichCompareBool(other, list, Py_LT) == 1);  // a prefix
  PyList_Append(other, inner);
  CHECK(PyObject_RichCompareBool(other, list, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(other, list, Py_LE) == 1);
  PyObject* tuple = PyList_AsTuple(list);
  CHECK(PyObject_RichCompareBool(list, tuple, Py_EQ) == 0);  // list != tuple
  CHECK(PyObject_RichCompareBool(list, tuple, Py_LT) == -1);
  CHECK(TakeMessage(PyExc_TypeError) ==
        "'<' not supported between instances of 'list' and 'tuple'");
  for (PyObject* o : {one, two, a_str, inner, list, other, tuple}) Py_DECREF(o);
}

// ---- Dicts -----------------------------------------------------------------------------

TEST_CASE("dict: set, get, delete, errors, references") {
  Interpreter py;
  PyObject* d = PyDict_New();
  REQUIRE(d != nullptr);
  CHECK(PyDict_Check(d));
  CHECK(PyDict_CheckExact(d));
  PyObject* key = PyUnicode_FromString("a");
  PyObject* value = BigInt(1);
  CHECK(PyDict_SetItem(d, key, value) == 0);  // does not steal
  CHECK(Pins(key) == 2);
  CHECK(Pins(value) == 2);
  CHECK(PyDict_Size(d) == 1);
  CHECK(PyDict_GET_SIZE(d) == 1);
  CHECK(ReprOf(Py_NewRef(d)) == "{'a': 1000001}");

  PyObject* equal_key = PyUnicode_FromString("a");  // equal, not identical
  CHECK(PyDict_GetItem(d, equal_key) == value);     // borrowed
  CHECK(PyDict_GetItemWithError(d, equal_key) == value);
  CHECK(PyDict_GetItemString(d, "a") == value);
  CHECK(Pins(value) == 2);
  PyObject* result = nullptr;
  CHECK(_PyPinion_Dict_GetItemRef(d, equal_key, &result) == 1);  // new
  CHECK(result == value);
  CHECK(Pins(value) == 3);
  Py_DECREF(result);
  CHECK(_PyPinion_Dict_GetItemStringRef(d, "b", &result) == 0);
  CHECK(result == nullptr);
  CHECK(PyErr_Occurred() == nullptr);
  CHECK(PyDict_Contains(d, equal_key) == 1);

  // Replacing a value keeps the first key and releases the old value.
  PyObject* value2 = BigInt(2);
  CHECK(PyDict_SetItem(d, equal_key, value2) == 0);
  CHECK(Pins(value) == 1);
  CHECK(Pins(equal_key) == 1);
  CHECK(PyDict_Size(d) == 1);
  CHECK(PyDict_SetItemString(d, "b", Py_None) == 0);
  CHECK(ReprOf(Py_NewRef(d)) == "{'a': 1000002, 'b': None}");

  // Missing keys: GetItemWithError sets nothing; the mapping protocol raises KeyError.
  PyObject* missing = PyUnicode_FromString("zz");
  CHECK(PyDict_GetItemWithError(d, missing) == nullptr);
  CHECK(PyErr_Occurred() == nullptr);
  CHECK(PyDict_Contains(d, missing) == 0);
  CHECK(PyObject_GetItem(d, missing) == nullptr);
  // As CPython's dict: raised with the 1-tuple (key,), so a tuple key stays one key.
  CHECK(TakeMessage(PyExc_KeyError) == "('zz',)");
  CHECK(PyDict_DelItem(d, missing) == -1);
  CHECK(TakeError(PyExc_KeyError));

  // Unhashable keys: TypeError, except from PyDict_GetItem, which suppresses errors and
  // keeps an exception that was already set.
  PyObject* list = PyList_New(0);
  CHECK(PyDict_SetItem(d, list, Py_None) == -1);
  CHECK(TakeMessage(PyExc_TypeError) == "unhashable type: 'list'");
  CHECK(PyDict_GetItemWithError(d, list) == nullptr);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyDict_Contains(d, list) == -1);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(_PyPinion_Dict_GetItemRef(d, list, &result) == -1);
  CHECK(TakeError(PyExc_TypeError));
  PyErr_SetString(PyExc_ValueError, "pending");
  CHECK(PyDict_GetItem(d, list) == nullptr);
  CHECK(TakeMessage(PyExc_ValueError) == "pending");
  CHECK(PyDict_SetItem(list, key, value) == -1);
  CHECK(TakeError(PyExc_SystemError));

  CHECK(PyDict_DelItem(d, key) == 0);
  CHECK(Pins(key) == 1);
  CHECK(Pins(value2) == 1);
  CHECK(PyDict_DelItemString(d, "b") == 0);
  CHECK(PyDict_DelItemString(d, "b") == -1);
  CHECK(TakeError(PyExc_KeyError));
  CHECK(PyDict_Size(d) == 0);
  CHECK(ReprOf(Py_NewRef(d)) == "{}");
  for (PyObject* o : {d, key, value, equal_key, value2, missing, list}) Py_DECREF(o);
}

TEST_CASE("dict: iteration order, keys/values/items, clear, copy, merge, equality") {
  Interpreter py;
  PyObject* d = PyDict_New();
  for (long i = 0; i < 10; ++i) {
    PyObject* k = PyLong_FromLong(i * 7);
    PyObject* v = PyLong_FromLong(i);
    PyDict_SetItem(d, k, v);
    Py_DECREF(k);
    Py_DECREF(v);
  }
  PyObject* k3 = PyLong_FromLong(21);
  CHECK(PyDict_DelItem(d, k3) == 0);
  CHECK(PyDict_SetItem(d, k3, Py_None) == 0);  // re-inserted: now last
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  std::string order;
  while (PyDict_Next(d, &pos, &key, &value)) order += std::to_string(PyLong_AsLong(key)) + " ";
  CHECK(order == "0 7 14 28 35 42 49 56 63 21 ");
  CHECK(ReprOf(PyDict_Keys(d)) == "[0, 7, 14, 28, 35, 42, 49, 56, 63, 21]");
  CHECK(ReprOf(PyDict_Values(d)) == "[0, 1, 2, 4, 5, 6, 7, 8, 9, None]");
  PyObject* items = PyDict_Items(d);
  CHECK(PyList_GET_SIZE(items) == 10);
  CHECK(ReprOf(Py_NewRef(PyList_GET_ITEM(items, 9))) == "(21, None)");
  Py_DECREF(items);

  PyObject* copy = PyDict_Copy(d);
  CHECK(PyObject_RichCompareBool(copy, d, Py_EQ) == 1);
  CHECK(PyDict_SetItem(copy, k3, k3) == 0);
  CHECK(PyObject_RichCompareBool(copy, d, Py_EQ) == 0);
  CHECK(PyObject_RichCompareBool(copy, d, Py_NE) == 1);
  CHECK(PyObject_RichCompareBool(copy, d, Py_LT) == -1);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyObject_Hash(d) == -1);
  CHECK(TakeMessage(PyExc_TypeError) == "unhashable type: 'dict'");

  PyObject* small = PyDict_New();
  PyDict_SetItem(small, k3, Py_True);
  PyDict_SetItemString(small, "new", Py_False);
  CHECK(PyDict_Merge(copy, small, 0) == 0);  // keeps copy's value for 21
  CHECK(PyDict_GetItem(copy, k3) == k3);
  CHECK(PyDict_Size(copy) == 11);
  CHECK(PyDict_Update(copy, small) == 0);  // overrides
  CHECK(PyDict_GetItem(copy, k3) == Py_True);
  CHECK(PyDict_Update(copy, Py_None) == -1);
  CHECK(TakeError(PyExc_TypeError));

  PyDict_Clear(d);
  CHECK(PyDict_Size(d) == 0);
  pos = 0;
  CHECK(PyDict_Next(d, &pos, &key, &value) == 0);
  CHECK(PyDict_SetItem(d, k3, Py_None) == 0);  // usable after clearing
  CHECK(ReprOf(Py_NewRef(d)) == "{21: None}");
  for (PyObject* o : {d, k3, copy, small}) Py_DECREF(o);
}

// ---- Items that live only through their containers ----------------------------------------

TEST_CASE("stolen items survive collections only through their containers") {
  Interpreter py;
  constexpr long kN = 100000;
  PyObject* tuple = PyTuple_New(kN);   // items stolen by SET_ITEM
  PyObject* strings = PyList_New(kN);  // items stolen by SET_ITEM
  PyObject* appended = PyList_New(0);  // items INCREF'd by Append, then released by us
  REQUIRE(tuple != nullptr);
  REQUIRE(strings != nullptr);
  for (long i = 0; i < kN; ++i) {
    PyTuple_SET_ITEM(tuple, i, BigInt(i));
    PyList_SET_ITEM(strings, i, PyUnicode_FromString(("s" + std::to_string(i)).c_str()));
    PyObject* item = BigInt(2 * i);
    REQUIRE(PyList_Append(appended, item) == 0);
    Py_DECREF(item);
    if (i % 20000 == 0) PyGC_Collect();  // collections while the containers fill
  }
  // The containers' items are reachable only from them: one more level of nesting too.
  PyObject* holder = PyList_New(0);
  PyList_Append(holder, appended);
  Py_DECREF(appended);
  for (int i = 0; i < 3; ++i) PyGC_Collect();
  appended = PyList_GET_ITEM(holder, 0);
  bool all_good = true;
  for (long i = 0; i < kN; ++i) {
    all_good &= LongOf(PyTuple_GET_ITEM(tuple, i)) == 1000000 + i;
    all_good &= std::string(PyUnicode_AsUTF8(PyList_GET_ITEM(strings, i))) ==
                "s" + std::to_string(i);
    all_good &= LongOf(PyList_GET_ITEM(appended, i)) == 1000000 + 2 * i;
    all_good &= Pins(PyTuple_GET_ITEM(tuple, i)) == 1;  // the tuple's own pin
  }
  CHECK(all_good);
  for (PyObject* o : {tuple, strings, holder}) Py_DECREF(o);
}

TEST_CASE("a dict of 100000 keys grows across collections") {
  Interpreter py;
  constexpr long kN = 100000;
  PyObject* d = PyDict_New();
  for (long i = 0; i < kN; ++i) {
    PyObject* key = PyUnicode_FromString(("k" + std::to_string(i)).c_str());
    PyObject* value = BigInt(i);
    REQUIRE(PyDict_SetItem(d, key, value) == 0);
    Py_DECREF(key);
    Py_DECREF(value);
    if (i % 10000 == 0) PyGC_Collect();
  }
  PyGC_Collect();
  CHECK(PyDict_Size(d) == kN);
  bool all_good = true;
  for (long i = 0; i < kN; ++i) {
    PyObject* value = PyDict_GetItemString(d, ("k" + std::to_string(i)).c_str());
    all_good &= LongOf(value) == 1000000 + i;
  }
  CHECK(all_good);
  // Delete the even keys, collect, and check what is left, in order.
  for (long i = 0; i < kN; i += 2) {
    REQUIRE(PyDict_DelItemString(d, ("k" + std::to_string(i)).c_str()) == 0);
  }
  PyGC_Collect();
  CHECK(PyDict_Size(d) == kN / 2);
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  long expected = 1;
  while (PyDict_Next(d, &pos, &key, &value)) {
    all_good &= LongOf(value) == 1000000 + expected;
    all_good &= std::string(PyUnicode_AsUTF8(key)) == "k" + std::to_string(expected);
    expected += 2;
  }
  CHECK(all_good);
  CHECK(expected == kN + 1);
  Py_DECREF(d);
}

// ---- Cycles ------------------------------------------------------------------------------

TEST_CASE("a list that contains itself is reclaimed") {
  Interpreter py;
  // Readying a type allocates its dict and descriptors: done first, so that the count below
  // sees only the cycle's objects.
  REQUIRE(PyType_Ready(&PyList_Type) == 0);
  REQUIRE(PyType_Ready(&g_thing_type) == 0);
  REQUIRE(PyType_Ready(&PyUnicode_Type) == 0);
  const size_t registered_before = pinion::PendingFinalization().registered;
  g_thing_deallocs = 0;
  PyObject* list = PyList_New(0);
  REQUIRE(PyList_Append(list, list) == 0);
  CHECK(ReprOf(Py_NewRef(list)) == "[[...]]");
  // A Thing in the cycle reports the deallocation: list -> thing -> list.
  PyObject* thing = NewThing(Py_NewRef(list));
  REQUIRE(PyList_Append(list, thing) == 0);
  Py_DECREF(thing);
  PyGC_Collect();
  CHECK(g_thing_deallocs == 0);  // still ours
  CHECK(pinion::PendingFinalization().registered == registered_before + 2);
  Py_DECREF(list);
  PyGC_Collect();
  PyGC_Collect();
  CHECK(g_thing_deallocs == 1);
  CHECK(pinion::PendingFinalization().registered == registered_before);
}

TEST_CASE("cycles through tuples, dict keys and dict values are reclaimed") {
  Interpreter py;
  g_thing_deallocs = 0;
  // tuple -> thing -> tuple
  PyObject* tuple = PyTuple_New(1);
  PyTuple_SET_ITEM(tuple, 0, NewThing(Py_NewRef(tuple)));
  Py_DECREF(tuple);
  // dict value -> thing -> dict
  PyObject* d1 = PyDict_New();
  PyObject* thing1 = NewThing(Py_NewRef(d1));
  PyDict_SetItemString(d1, "thing", thing1);
  Py_DECREF(thing1);
  Py_DECREF(d1);
  // dict key -> thing -> dict
  PyObject* d2 = PyDict_New();
  PyObject* thing2 = NewThing(Py_NewRef(d2));
  PyDict_SetItem(d2, thing2, Py_None);  // Things hash by identity
  Py_DECREF(thing2);
  Py_DECREF(d2);
  // A list of 1000 Things that each point back at the list.
  PyObject* list = PyList_New(0);
  for (int i = 0; i < 1000; ++i) {
    PyObject* thing = NewThing(Py_NewRef(list));
    PyList_Append(list, thing);
    Py_DECREF(thing);
  }
  Py_DECREF(list);
  CHECK(CollectUntilDeallocated(1003) <= 2);
  CHECK(g_thing_deallocs == 1003);
}

// ---- The object protocol ---------------------------------------------------------------

TEST_CASE("object protocol: repr, str, hash, truth, length, items") {
  Interpreter py;
  g_thing_deallocs = 0;
  PyObject* thing = NewThing(nullptr);
  const std::string repr = ReprOf(Py_NewRef(thing));
  CHECK(repr.rfind("<containers_test.Thing object at 0x", 0) == 0);
  CHECK(Str(thing) == repr);
  PyObject* null_repr = PyObject_Repr(nullptr);
  CHECK(std::string(PyUnicode_AsUTF8(null_repr)) == "<NULL>");
  Py_DECREF(null_repr);
  CHECK(PyObject_Hash(thing) == PyObject_Hash(thing));  // identity
  CHECK(PyObject_Hash(thing) != -1);
  CHECK(PyObject_RichCompareBool(thing, thing, Py_EQ) == 1);
  CHECK(PyObject_RichCompareBool(thing, Py_None, Py_EQ) == 0);
  CHECK(PyObject_RichCompareBool(thing, Py_None, Py_NE) == 1);
  CHECK(PyObject_RichCompareBool(thing, Py_None, Py_GT) == -1);
  CHECK(TakeMessage(PyExc_TypeError) ==
        "'>' not supported between instances of 'containers_test.Thing' and 'NoneType'");
  PyObject* nan = PyFloat_FromDouble(NAN);
  CHECK(PyObject_RichCompareBool(nan, nan, Py_EQ) == 1);  // identity implies equality
  PyObject* result = PyObject_RichCompare(nan, nan, Py_EQ);
  CHECK(result == Py_False);
  Py_DECREF(result);

  PyObject* empty_list = PyList_New(0);
  PyObject* empty_dict = PyDict_New();
  PyObject* empty_tuple = PyTuple_New(0);
  PyObject* zero = PyLong_FromLong(0);
  PyObject* zero_f = PyFloat_FromDouble(0.0);
  PyObject* empty_str = PyUnicode_FromString("");
  for (PyObject* o : {empty_list, empty_dict, empty_tuple, zero, zero_f, empty_str, Py_None,
                      Py_False}) {
    CHECK(PyObject_IsTrue(o) == 0);
    CHECK(PyObject_Not(o) == 1);
  }
  PyObject* big = BigInt(0);
  PyObject* tuple = PyTuple_Pack(2, big, big);
  PyObject* text = PyUnicode_FromString("abc");
  for (PyObject* o : {thing, big, tuple, text, Py_True, nan}) CHECK(PyObject_IsTrue(o) == 1);

  CHECK(PyObject_Size(tuple) == 2);
  CHECK(PyObject_Length(text) == 3);
  CHECK(PyObject_Size(empty_dict) == 0);
  CHECK(PyObject_Size(big) == -1);
  CHECK(TakeMessage(PyExc_TypeError) == "object of type 'int' has no len()");

  // Items: lists and tuples by index (negative from the end), dicts by key.
  PyObject* list = PyList_New(0);
  PyList_Append(list, big);
  PyList_Append(list, text);
  PyObject* minus_one = PyLong_FromLong(-1);
  PyObject* one = PyLong_FromLong(1);
  PyObject* five = PyLong_FromLong(5);
  PyObject* item = PyObject_GetItem(list, minus_one);
  CHECK(item == text);
  Py_DECREF(item);
  item = PyObject_GetItem(tuple, zero);
  CHECK(item == big);
  Py_DECREF(item);
  CHECK(PyObject_GetItem(tuple, five) == nullptr);
  CHECK(TakeError(PyExc_IndexError));
  CHECK(PyObject_GetItem(list, text) == nullptr);
  CHECK(TakeMessage(PyExc_TypeError) == "list indices must be integers or slices, not str");
  CHECK(PyObject_SetItem(list, zero, Py_None) == 0);
  CHECK(PyObject_SetItem(list, five, Py_None) == -1);
  CHECK(TakeError(PyExc_IndexError));
  CHECK(PyObject_SetItem(tuple, zero, Py_None) == -1);
  CHECK(TakeMessage(PyExc_TypeError) == "'tuple' object does not support item assignment");
  CHECK(PyObject_DelItem(list, zero) == 0);
  CHECK(ReprOf(Py_NewRef(list)) == "['abc']");
  CHECK(PyObject_DelItem(list, one) == -1);
  CHECK(TakeError(PyExc_IndexError));
  CHECK(PyObject_SetItem(empty_dict, text, one) == 0);
  item = PyObject_GetItem(empty_dict, text);
  CHECK(item == one);
  Py_DECREF(item);
  CHECK(PyObject_DelItem(empty_dict, text) == 0);
  CHECK(PyObject_DelItem(empty_dict, text) == -1);
  CHECK(TakeError(PyExc_KeyError));
  CHECK(PyObject_GetItem(big, zero) == nullptr);
  CHECK(TakeMessage(PyExc_TypeError) == "'int' object is not subscriptable");

  PyObject* type = PyObject_Type(list);
  CHECK(type == reinterpret_cast<PyObject*>(&PyList_Type));
  Py_DECREF(type);
  for (PyObject* o : {thing, nan, empty_list, empty_dict, empty_tuple, zero, zero_f, empty_str,
                      big, tuple, text, list, minus_one, one, five}) {
    Py_DECREF(o);
  }
}

TEST_CASE("object protocol: attributes") {
  Interpreter py;
  PyObject* list = PyList_New(0);
  CHECK(PyObject_GetAttrString(list, "nonexistent") == nullptr);
  CHECK(TakeMessage(PyExc_AttributeError) == "'list' object has no attribute 'nonexistent'");
  CHECK(PyObject_HasAttrString(list, "nonexistent") == 0);
  CHECK(PyErr_Occurred() == nullptr);
  CHECK(PyObject_SetAttrString(list, "x", Py_None) == -1);
  CHECK(TakeMessage(PyExc_AttributeError) == "'list' object has no attribute 'x'");
  PyObject* one = PyLong_FromLong(1);
  CHECK(PyObject_GetAttr(list, one) == nullptr);
  CHECK(TakeMessage(PyExc_TypeError) == "attribute name must be string, not 'int'");

  // Methods from tp_methods, bound as their flags say.
  PyObject* payload = BigInt(5);
  PyObject* thing = NewThing(Py_NewRef(payload));
  CHECK(PyObject_HasAttrString(thing, "get_ref") == 1);
  PyObject* method = PyObject_GetAttrString(thing, "get_ref");
  REQUIRE(method != nullptr);
  CHECK(PyCFunction_Check(method));
  CHECK(PyCFunction_GET_SELF(method) == thing);
  PyObject* result = PyObject_CallNoArgs(method);
  CHECK(result == payload);
  Py_XDECREF(result);
  Py_DECREF(method);
  result = PyObject_CallMethod(thing, "the_type", nullptr);
  CHECK(result == reinterpret_cast<PyObject*>(&g_thing_type));
  Py_XDECREF(result);
  result = PyObject_CallMethod(thing, "no_self", "");
  CHECK(result == Py_True);
  Py_XDECREF(result);
  PyObject* name = PyUnicode_FromString("echo");
  CHECK(ReprOf(PyObject_CallMethodObjArgs(thing, name, one, payload, nullptr)) ==
        "(1, 1000005)");
  CHECK(ReprOf(PyObject_CallMethodOneArg(thing, name, one)) == "(1,)");
  CHECK(ReprOf(PyObject_CallMethodNoArgs(thing, name)) == "()");
  CHECK(ReprOf(PyObject_CallMethod(thing, "echo", "(is)", 2, "b")) == "(2, 'b')");
  Py_DECREF(name);
  CHECK(PyObject_SetAttrString(thing, "echo", Py_None) == 0);  // the instance dict shadows it
  CHECK(ReprOf(PyObject_GetAttrString(thing, "echo")) == "None");
  CHECK(PyObject_DelAttrString(thing, "echo") == 0);
  CHECK(PyObject_DelAttrString(thing, "echo") == -1);
  CHECK(TakeMessage(PyExc_AttributeError) ==
        "'containers_test.Thing' object has no attribute 'echo'");
  CHECK(PyObject_SetAttrString(list, "append", Py_None) == -1);
  CHECK(TakeError(PyExc_AttributeError));

  // Instance attributes live in the instance dict, which the object's tp_traverse visits:
  // the value survives collections only through it.
  PyObject* value = BigInt(7);
  CHECK(PyObject_SetAttrString(thing, "value", value) == 0);
  Py_DECREF(value);
  PyGC_Collect();
  PyGC_Collect();
  PyObject* got = PyObject_GetAttrString(thing, "value");
  CHECK(LongOf(got) == 1000007);
  Py_XDECREF(got);
  for (PyObject* o : {list, one, payload, thing}) Py_DECREF(o);
}

TEST_CASE("object protocol: calls") {
  Interpreter py;
  PyObject* list = PyList_New(0);
  CHECK(PyCallable_Check(list) == 0);
  CHECK(PyObject_CallNoArgs(list) == nullptr);
  CHECK(TakeMessage(PyExc_TypeError) == "'list' object is not callable");

  PyObject* thing = NewThing(nullptr);
  CHECK(PyCallable_Check(thing) == 1);
  PyObject* one = PyLong_FromLong(1);
  PyObject* text = PyUnicode_FromString("t");
  CHECK(ReprOf(PyObject_CallNoArgs(thing)) == "((), None)");
  CHECK(ReprOf(PyObject_CallObject(thing, nullptr)) == "((), None)");
  CHECK(ReprOf(PyObject_CallOneArg(thing, one)) == "((1,), None)");
  CHECK(ReprOf(PyObject_CallFunctionObjArgs(thing, one, text, nullptr)) == "((1, 't'), None)");
  CHECK(ReprOf(PyObject_CallFunction(thing, "i", 3)) == "((3,), None)");
  CHECK(ReprOf(PyObject_CallFunction(thing, "(ii)", 3, 4)) == "((3, 4), None)");
  PyObject* args = PyTuple_Pack(1, text);
  PyObject* kwargs = PyDict_New();
  PyDict_SetItemString(kwargs, "k", one);
  CHECK(ReprOf(PyObject_Call(thing, args, kwargs)) == "(('t',), {'k': 1})");
  CHECK(PyObject_Call(thing, one, nullptr) == nullptr);
  CHECK(TakeMessage(PyExc_TypeError) == "argument list must be a tuple");
  for (PyObject* o : {list, thing, one, text, args, kwargs}) Py_DECREF(o);
}

}  // namespace
