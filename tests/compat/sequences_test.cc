// Tests of what the differential test (differential/vector_driver.c) cannot show: that the
// iterators, slices and slice assignments of the sequence protocols keep exactly the right
// objects alive across collections — an iterator or a slice keeps its referents alive
// through tp_traverse, an exhausted iterator lets its container go, a cycle through an
// iterator is reclaimed, and extended-slice assignment and deletion on a large list leave
// every item owned once. Also misuse CPython crashes on: a sequence iterator over an object
// that is no sequence, PyIter_Next on an object that is no iterator.
//
// A wrong trace or reference count (a visit of an unowned reference, an unpin below zero) is
// a misuse, which the default handler reports by aborting the test.
#include <doctest/doctest.h>

#include <string>

#include "Python.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::Interpreter;

// The pins held on `o` (Py_REFCNT less its bias).
Py_ssize_t Pins(PyObject* o) { return Py_REFCNT(o) - _PyPinion_REFCNT_BIAS; }

std::string Text(PyObject* o) {
  const char* text = o != nullptr && PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : nullptr;
  return text != nullptr ? text : "?";
}

// A GC object that counts its deallocations (in a test-wide counter: one test at a time).
struct Marker {
  PyObject_HEAD
};
int g_marker_deallocs = 0;

int MarkerTraverse(PyObject*, visitproc, void*) { return 0; }
void MarkerDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  ++g_marker_deallocs;
  PyObject_GC_Del(self);
}

PyTypeObject g_marker_type = [] {
  PyTypeObject type{};
  type.ob_base.ob_base.ob_refcnt = _PyPinion_IMMORTAL_REFCNT;
  type.ob_base.ob_base.ob_type = &PyType_Type;
  type.tp_name = "sequences_test.Marker";
  type.tp_basicsize = sizeof(Marker);
  type.tp_dealloc = &MarkerDealloc;
  type.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  type.tp_traverse = &MarkerTraverse;
  return type;
}();

PyObject* NewMarker() {
  Marker* marker = PyObject_GC_New(Marker, &g_marker_type);
  REQUIRE(marker != nullptr);
  PyObject_GC_Track(marker);
  return reinterpret_cast<PyObject*>(marker);
}

void CollectTimes(int n) {
  for (int i = 0; i < n; ++i) PyGC_Collect();
}

TEST_CASE("iterators and slices keep their referents alive across collections") {
  Interpreter py;
  constexpr int kN = 1000;
  PyObject* list = PyList_New(kN);
  for (int i = 0; i < kN; ++i) {
    PyList_SET_ITEM(list, i, PyUnicode_FromString(("s" + std::to_string(i)).c_str()));
  }
  PyObject* tuple = PySequence_Tuple(list);
  PyObject* text = PyUnicode_FromString("abc\xc3\xa9");
  PyObject* dict = PyDict_New();
  for (int i = 0; i < kN; ++i) {
    PyObject* key = PyUnicode_FromString(("k" + std::to_string(i)).c_str());
    PyDict_SetItem(dict, key, Py_None);
    Py_DECREF(key);
  }
  PyObject* list_it = PyObject_GetIter(list);
  PyObject* tuple_it = PyObject_GetIter(tuple);
  PyObject* str_it = PyObject_GetIter(text);
  PyObject* dict_it = PyObject_GetIter(dict);
  PyObject* seq_it = PySeqIter_New(tuple);
  PyObject* start = PyUnicode_FromString("start");
  PyObject* slice = PySlice_New(start, nullptr, nullptr);
  Py_DECREF(start);
  // Only the iterators and the slice hold the containers and their items now.
  for (PyObject* o : {list, tuple, text, dict}) Py_DECREF(o);
  CollectTimes(3);

  bool all_good = true;
  for (int i = 0; i < kN; ++i) {
    PyObject* a = PyIter_Next(list_it);
    PyObject* b = PyIter_Next(tuple_it);
    PyObject* c = PyIter_Next(seq_it);
    PyObject* k = PyIter_Next(dict_it);
    all_good &= Text(a) == "s" + std::to_string(i) && a == b && b == c;
    all_good &= Text(k) == "k" + std::to_string(i);
    for (PyObject* o : {a, b, c, k}) Py_XDECREF(o);
    if (i % 250 == 0) PyGC_Collect();
  }
  CHECK(all_good);
  for (PyObject* it : {list_it, tuple_it, seq_it, dict_it}) {
    CHECK(PyIter_Next(it) == nullptr);
    CHECK(PyErr_Occurred() == nullptr);
  }
  PyObject* items = PySequence_List(str_it);
  CHECK(PyList_GET_SIZE(items) == 4);
  CHECK(Text(PyList_GET_ITEM(items, 3)) == "\xc3\xa9");
  CHECK(Text(reinterpret_cast<PySliceObject*>(slice)->start) == "start");
  CHECK(reinterpret_cast<PySliceObject*>(slice)->stop == Py_None);
  for (PyObject* o : {list_it, tuple_it, str_it, dict_it, seq_it, slice, items}) Py_DECREF(o);
}

TEST_CASE("an exhausted iterator lets its container go; a cycle through one is reclaimed") {
  Interpreter py;
  g_marker_deallocs = 0;
  PyObject* list = PyList_New(0);
  PyObject* marker = NewMarker();
  PyList_Append(list, marker);
  Py_DECREF(marker);
  PyObject* it = PyObject_GetIter(list);
  Py_DECREF(list);
  CollectTimes(2);
  CHECK(g_marker_deallocs == 0);  // the iterator holds the list, which holds the marker
  PyObject* item = PyIter_Next(it);
  CHECK(item == marker);
  Py_DECREF(item);
  CHECK(PyIter_Next(it) == nullptr);  // exhausted: the iterator drops the list
  CollectTimes(2);
  CHECK(g_marker_deallocs == 1);
  Py_DECREF(it);

  // list -> its own iterator -> list, with a marker in the list.
  list = PyList_New(0);
  marker = NewMarker();
  PyList_Append(list, marker);
  Py_DECREF(marker);
  it = PyObject_GetIter(list);
  PyList_Append(list, it);
  PyObject* calls = PyCallIter_New(it, Py_None);  // and a callable iterator on it
  PyList_Append(list, calls);
  Py_DECREF(calls);
  Py_DECREF(it);
  Py_DECREF(list);
  CollectTimes(3);
  CHECK(g_marker_deallocs == 2);
}

TEST_CASE("extended slices on a large list across collections") {
  Interpreter py;
  constexpr long kN = 30000;
  PyObject* list = PyList_New(kN);
  for (long i = 0; i < kN; ++i) PyList_SET_ITEM(list, i, PyLong_FromLong(1000000 + i));
  // del l[::2]: the odd ones stay.
  PyObject* two = PyLong_FromLong(2);
  PyObject* every_other = PySlice_New(nullptr, nullptr, two);
  REQUIRE(PyObject_DelItem(list, every_other) == 0);
  CHECK(PyList_GET_SIZE(list) == kN / 2);
  PyGC_Collect();
  // l[::-1] = l: reversed in place.
  PyObject* minus_one = PyLong_FromLong(-1);
  PyObject* reverse = PySlice_New(nullptr, nullptr, minus_one);
  REQUIRE(PyObject_SetItem(list, reverse, list) == 0);
  // l[::2] = fresh strings.
  PyObject* fresh = PyList_New(kN / 4);
  for (long i = 0; i < kN / 4; ++i) {
    PyList_SET_ITEM(fresh, i, PyUnicode_FromString(("f" + std::to_string(i)).c_str()));
  }
  REQUIRE(PyObject_SetItem(list, every_other, fresh) == 0);
  Py_DECREF(fresh);
  CollectTimes(3);
  bool all_good = true;
  for (long i = 0; i < kN / 2; ++i) {
    PyObject* item = PyList_GET_ITEM(list, i);
    if (i % 2 == 0) {
      all_good &= Text(item) == "f" + std::to_string(i / 2);
    } else {
      // After the reversal, position i holds the odd original kN - 1 - 2i.
      all_good &= PyLong_AsLong(item) == 1000000 + (kN - 1 - 2 * i);
    }
    all_good &= Pins(item) == 1;  // the list's own pin, once
  }
  CHECK(all_good);
  // The slices the protocols hand out are new lists holding their own pins.
  PyObject* copy = PySequence_GetSlice(list, 0, 4);
  CHECK(PyList_GET_SIZE(copy) == 4);
  CHECK(Pins(PyList_GET_ITEM(copy, 0)) == 2);
  Py_DECREF(copy);
  for (PyObject* o : {two, every_other, minus_one, reverse, list}) Py_DECREF(o);
}

TEST_CASE("misuse of the iterator API raises TypeError") {
  Interpreter py;
  PyObject* number = PyLong_FromLong(5);
  PyObject* seq = PySeqIter_New(number);
  REQUIRE(seq != nullptr);
  CHECK(PyIter_Next(seq) == nullptr);
  CHECK(pinion::py_test::TakeError(PyExc_TypeError));
  CHECK(PyIter_Next(number) == nullptr);
  CHECK(pinion::py_test::TakeError(PyExc_TypeError));
  CHECK(PySeqIter_New(nullptr) == nullptr);
  CHECK(pinion::py_test::TakeError(PyExc_SystemError));
  CHECK(PyCallIter_New(number, nullptr) == nullptr);
  CHECK(pinion::py_test::TakeError(PyExc_SystemError));
  Py_DECREF(seq);
  Py_DECREF(number);
}

}  // namespace
