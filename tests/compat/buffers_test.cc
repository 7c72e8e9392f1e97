// The pin rule of the buffer protocol, which the buffers differential test cannot show
// (CPython frees by reference count, Pinion by reachability): a Py_buffer pins its exporter
// (view->obj) until PyBuffer_Release, so view->buf stays valid across collections even when
// nothing else reaches the exporter — also when the view came from the s*/y*/w* argument
// formats, and when it is released on another thread than the one that took it. After the
// release the exporter is collected. In both collector modes: buffers_test_concurrent runs
// these on a concurrent heap, where every other collection below marks concurrently.
#include <atomic>
#include <cstring>
#include <thread>

#include <doctest/doctest.h>

#include "Python.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::Interpreter;
using pinion::py_test::TakeError;

constexpr char kPayload[] = "pinned bytes";

// An exporter whose bytes live in malloc'd memory it frees when deallocated.
struct Exporter {
  PyObject_HEAD
  char* data;
};

std::atomic<int> g_deallocs{0};  // relaxed is enough: read after the collection that ran it

int ExporterGetBuffer(PyObject* self, Py_buffer* view, int flags) {
  return PyBuffer_FillInfo(view, self, reinterpret_cast<Exporter*>(self)->data,
                           sizeof(kPayload), 0, flags);
}

void ExporterDealloc(PyObject* self) {
  Exporter* e = reinterpret_cast<Exporter*>(self);
  std::memset(e->data, 0, sizeof(kPayload));  // a stale view would see the zeros
  PyMem_Free(e->data);
  g_deallocs.fetch_add(1, std::memory_order_relaxed);
  Py_TYPE(self)->tp_free(self);
}

PyBufferProcs g_exporter_buffer = {.bf_getbuffer = ExporterGetBuffer};

PyTypeObject ExporterType = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "buffers_test.Exporter",
    .tp_basicsize = sizeof(Exporter),
    .tp_dealloc = ExporterDealloc,
    .tp_as_buffer = &g_exporter_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

PyObject* NewExporter() {
  REQUIRE(PyType_Ready(&ExporterType) == 0);
  Exporter* e = PyObject_New(Exporter, &ExporterType);
  REQUIRE(e != nullptr);
  e->data = static_cast<char*>(PyMem_Malloc(sizeof(kPayload)));
  std::memcpy(e->data, kPayload, sizeof(kPayload));
  return reinterpret_cast<PyObject*>(e);
}

// Collections with garbage allocated in between, so freed memory would be reused: of both
// kinds (on a concurrent heap, PyGC_Collect stops the world and the other marks concurrently).
void CollectRounds(int rounds) {
  for (int i = 0; i < rounds; ++i) {
    for (int j = 0; j < 200; ++j) Py_DECREF(PyBytes_FromStringAndSize(nullptr, 64));
    if (i % 2 == 0) {
      _PyPinion_GC_CollectInMode();
    } else {
      PyGC_Collect();
    }
  }
}

// Collects until `count` deallocations were seen (dealloc may be queued a round).
bool CollectedAfter(int count) {
  for (int round = 0; round < 5; ++round) {
    PyGC_Collect();
    if (g_deallocs.load(std::memory_order_relaxed) >= count) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a view pins its exporter across collections; PyBuffer_Release unpins it") {
  Interpreter py;
  const int before = g_deallocs.load(std::memory_order_relaxed);
  PyObject* exporter = NewExporter();
  Py_buffer view;
  REQUIRE(PyObject_GetBuffer(exporter, &view, PyBUF_SIMPLE) == 0);
  CHECK(view.obj == exporter);
  Py_DECREF(exporter);  // only the view reaches it now
  CollectRounds(3);
  CHECK(g_deallocs.load(std::memory_order_relaxed) == before);
  CHECK(std::memcmp(view.buf, kPayload, sizeof(kPayload)) == 0);
  PyBuffer_Release(&view);
  CHECK(view.obj == nullptr);
  PyBuffer_Release(&view);  // a released view: nothing (view.obj is NULL), as in CPython
  CHECK(CollectedAfter(before + 1));
}

TEST_CASE("a view released on another thread than the one that took it unpins the exporter") {
  Interpreter py;
  const int before = g_deallocs.load(std::memory_order_relaxed);
  PyObject* exporter = NewExporter();
  Py_buffer view;
  REQUIRE(PyObject_GetBuffer(exporter, &view, PyBUF_FULL_RO) == 0);
  Py_DECREF(exporter);
  std::atomic<bool> intact{false};
  std::thread other([&] {
    PyGILState_STATE state = PyGILState_Ensure();
    _PyPinion_GC_CollectInMode();  // collections from this thread too keep the exporter
    PyGC_Collect();
    intact = std::memcmp(view.buf, kPayload, sizeof(kPayload)) == 0;
    PyBuffer_Release(&view);
    PyGILState_Release(state);
  });
  Py_BEGIN_ALLOW_THREADS
  other.join();
  Py_END_ALLOW_THREADS
  CHECK(intact);
  CHECK(view.obj == nullptr);
  CHECK(CollectedAfter(before + 1));
}

TEST_CASE("views from the y* and w* argument formats pin the exporter until released") {
  Interpreter py;
  const int before = g_deallocs.load(std::memory_order_relaxed);
  PyObject* exporter = NewExporter();
  PyObject* args = Py_BuildValue("(OO)", exporter, exporter);
  Py_DECREF(exporter);
  Py_buffer read, write;
  REQUIRE(PyArg_ParseTuple(args, "y*w*", &read, &write) == 1);
  Py_DECREF(args);  // the arguments are gone; the two views remain
  CollectRounds(3);
  CHECK(g_deallocs.load(std::memory_order_relaxed) == before);
  CHECK(std::memcmp(read.buf, kPayload, sizeof(kPayload)) == 0);
  static_cast<char*>(write.buf)[0] = 'P';
  CHECK(static_cast<char*>(read.buf)[0] == 'P');
  PyBuffer_Release(&read);
  CollectRounds(2);
  CHECK(g_deallocs.load(std::memory_order_relaxed) == before);  // `write` still pins it
  PyBuffer_Release(&write);
  CHECK(CollectedAfter(before + 1));
}

TEST_CASE("a failed parse releases the views it filled") {
  Interpreter py;
  const int before = g_deallocs.load(std::memory_order_relaxed);
  PyObject* exporter = NewExporter();
  PyObject* args = Py_BuildValue("(Oi)", exporter, 7);
  Py_DECREF(exporter);
  Py_buffer view;
  const char* name;
  CHECK(PyArg_ParseTuple(args, "y*s", &view, &name) == 0);
  CHECK(TakeError(PyExc_TypeError));
  Py_DECREF(args);
  CHECK(CollectedAfter(before + 1));
}

TEST_CASE("a bytes object reachable only through a view keeps its contents") {
  Interpreter py;
  PyObject* bytes = PyBytes_FromString(kPayload);
  Py_buffer view;
  REQUIRE(PyObject_GetBuffer(bytes, &view, PyBUF_SIMPLE) == 0);
  CHECK(view.readonly == 1);
  CHECK(view.buf == PyBytes_AS_STRING(bytes));
  Py_DECREF(bytes);
  CollectRounds(3);
  CHECK(std::memcmp(view.buf, kPayload, sizeof(kPayload)) == 0);
  CHECK(PyObject_GetBuffer(Py_None, &view, PyBUF_SIMPLE) == -1);  // view stays untouched
  CHECK(TakeError(PyExc_TypeError));
  PyBuffer_Release(&view);
}

TEST_CASE("a bytearray reachable only through a view keeps its block; resizing waits") {
  Interpreter py;
  PyObject* array = PyByteArray_FromStringAndSize(kPayload, sizeof(kPayload));
  Py_buffer view;
  REQUIRE(PyObject_GetBuffer(array, &view, PyBUF_WRITABLE) == 0);
  CHECK(PyByteArray_Resize(array, 1) == -1);
  CHECK(TakeError(PyExc_BufferError));
  Py_DECREF(array);
  CollectRounds(3);
  CHECK(std::memcmp(view.buf, kPayload, sizeof(kPayload)) == 0);
  PyObject* still = view.obj;
  PyBuffer_Release(&view);
  // The caller's own reference again: resizing is allowed once no view is held.
  Py_INCREF(still);
  CHECK(PyByteArray_Resize(still, 1) == 0);
  CHECK(PyByteArray_GET_SIZE(still) == 1);
  Py_DECREF(still);
}

TEST_CASE("a memoryview pins its base until released, or until it is itself collected") {
  Interpreter py;
  const int before = g_deallocs.load(std::memory_order_relaxed);
  PyObject* exporter = NewExporter();
  PyObject* mv = PyMemoryView_FromObject(exporter);
  REQUIRE(mv != nullptr);
  CHECK(PyMemoryView_GET_BASE(mv) == exporter);
  Py_DECREF(exporter);
  CollectRounds(3);
  CHECK(g_deallocs.load(std::memory_order_relaxed) == before);
  CHECK(std::memcmp(PyMemoryView_GET_BUFFER(mv)->buf, kPayload, sizeof(kPayload)) == 0);
  PyObject* none = PyObject_CallMethod(mv, "release", nullptr);
  CHECK(none == Py_None);
  Py_XDECREF(none);
  CHECK(CollectedAfter(before + 1));
  Py_DECREF(mv);

  // Dropped without release(): collecting the memoryview releases its view, then the base.
  exporter = NewExporter();
  mv = PyMemoryView_FromObject(exporter);
  REQUIRE(mv != nullptr);
  Py_DECREF(exporter);
  Py_DECREF(mv);
  CHECK(CollectedAfter(before + 2));
}
