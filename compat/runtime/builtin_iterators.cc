// The iterators of the builtin containers (sequences.h): list_iterator, tuple_iterator,
// dict_keyiterator, str_ascii_iterator/str_iterator and bytes_iterator, CPython 3.11's
// type names, each with a __length_hint__ method.
//
// Owns: each iterator's reference to its container, dropped (cleared, then released) once
// the iterator is exhausted, as CPython does.
//
// Invariants: the iterators are tracked GC objects; `seq` is NULL or an owned pin at every
// safepoint. Positions are re-checked against the container on every step: a list may have
// shrunk, a dict changed size (RuntimeError, as in CPython).
//
// Threads: any attached thread; advancing one iterator from two threads at once (or
// mutating the container while another thread iterates it) is the caller's race to avoid.
#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"

namespace pinion::compat {
namespace {

// One layout for all five.
struct BuiltinIter {
  PyObject_HEAD
  Py_ssize_t index;   // items (code points for str) already produced
  Py_ssize_t offset;  // dict: PyDict_Next position
  Py_ssize_t used;    // dict: its size when iteration began (-1 once it changed)
  PyObject* seq;      // NULL once exhausted
};

BuiltinIter* AsIter(PyObject* op) { return reinterpret_cast<BuiltinIter*>(op); }

int IterTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsIter(self)->seq);
  return 0;
}

void IterDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(AsIter(self)->seq);
  Py_TYPE(self)->tp_free(self);
}

// Ends the iteration: NULL, no exception.
PyObject* Exhaust(PyObject* self) {
  Py_CLEAR(AsIter(self)->seq);
  return nullptr;
}

PyObject* ListIterNext(PyObject* self) {
  BuiltinIter* it = AsIter(self);
  if (it->seq == nullptr) return nullptr;
  if (it->index >= PyList_GET_SIZE(it->seq)) return Exhaust(self);
  return Py_XNewRef(PyList_GET_ITEM(it->seq, it->index++));
}

PyObject* TupleIterNext(PyObject* self) {
  BuiltinIter* it = AsIter(self);
  if (it->seq == nullptr) return nullptr;
  if (it->index >= PyTuple_GET_SIZE(it->seq)) return Exhaust(self);
  return Py_XNewRef(PyTuple_GET_ITEM(it->seq, it->index++));
}

PyObject* DictIterNext(PyObject* self) {
  BuiltinIter* it = AsIter(self);
  if (it->seq == nullptr) return nullptr;
  if (PyDict_GET_SIZE(it->seq) != it->used) {
    PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
    it->used = -1;  // stays an error
    return nullptr;
  }
  PyObject* key;
  if (!PyDict_Next(it->seq, &it->offset, &key, nullptr)) return Exhaust(self);
  if (it->index >= it->used) {  // as many keys as it had, and yet another: keys replaced
    PyErr_SetString(PyExc_RuntimeError, "dictionary keys changed during iteration");
    Exhaust(self);
    return nullptr;
  }
  ++it->index;
  return Py_NewRef(key);
}

PyObject* StrIterNext(PyObject* self) {
  BuiltinIter* it = AsIter(self);
  if (it->seq == nullptr) return nullptr;
  if (it->index >= PyUnicode_GET_LENGTH(it->seq)) return Exhaust(self);
  return PyUnicode_FromOrdinal(static_cast<int>(PyUnicode_READ_CHAR(it->seq, it->index++)));
}

PyObject* BytesIterNext(PyObject* self) {
  BuiltinIter* it = AsIter(self);
  if (it->seq == nullptr) return nullptr;
  if (it->index >= PyBytes_GET_SIZE(it->seq)) return Exhaust(self);
  return PyLong_FromLong(static_cast<unsigned char>(PyBytes_AS_STRING(it->seq)[it->index++]));
}

PyObject* LengthHint(PyObject* self, PyObject*) {
  BuiltinIter* it = AsIter(self);
  Py_ssize_t left = 0;
  if (it->seq != nullptr) {
    PyObject* seq = it->seq;
    if (PyDict_Check(seq)) {
      left = it->used == PyDict_GET_SIZE(seq) ? it->used - it->index : 0;
    } else if (PyUnicode_Check(seq)) {
      left = PyUnicode_GET_LENGTH(seq) - it->index;
    } else {
      left = Py_SIZE(seq) - it->index;  // list, tuple, bytes
    }
  }
  return PyLong_FromSsize_t(left > 0 ? left : 0);
}

PyMethodDef kMethods[] = {
    {"__length_hint__", &LengthHint, METH_NOARGS,
     "Private method returning an estimate of len(list(it))."},
    {nullptr, nullptr, 0, nullptr},
};

#define PINION_BUILTIN_ITERATOR(name, next)                   \
  {                                                           \
    _PyPinion_TYPE_HEAD, .tp_name = name,                     \
    .tp_basicsize = sizeof(BuiltinIter),                      \
    .tp_dealloc = &IterDealloc,                               \
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,      \
    .tp_traverse = &IterTraverse, .tp_iter = &PyObject_SelfIter, \
    .tp_iternext = &next, .tp_methods = kMethods,             \
    .tp_free = &PyObject_GC_Del,                              \
  }

PyTypeObject g_list_iterator = PINION_BUILTIN_ITERATOR("list_iterator", ListIterNext);
PyTypeObject g_tuple_iterator = PINION_BUILTIN_ITERATOR("tuple_iterator", TupleIterNext);
PyTypeObject g_dict_keyiterator = PINION_BUILTIN_ITERATOR("dict_keyiterator", DictIterNext);
PyTypeObject g_str_ascii_iterator = PINION_BUILTIN_ITERATOR("str_ascii_iterator", StrIterNext);
PyTypeObject g_str_iterator = PINION_BUILTIN_ITERATOR("str_iterator", StrIterNext);
PyTypeObject g_bytes_iterator = PINION_BUILTIN_ITERATOR("bytes_iterator", BytesIterNext);
#undef PINION_BUILTIN_ITERATOR

PyObject* NewIter(PyTypeObject* type, PyObject* seq) {
  PyObject* it = AllocObject(type, sizeof(BuiltinIter), /*gc=*/true);
  if (it == nullptr) return nullptr;
  AsIter(it)->seq = Py_NewRef(seq);
  if (PyDict_Check(seq)) AsIter(it)->used = PyDict_GET_SIZE(seq);
  PyObject_GC_Track(it);
  return it;
}

}  // namespace

PyObject* ListIter(PyObject* list) { return NewIter(&g_list_iterator, list); }
PyObject* TupleIter(PyObject* tuple) { return NewIter(&g_tuple_iterator, tuple); }
PyObject* DictIter(PyObject* dict) { return NewIter(&g_dict_keyiterator, dict); }
PyObject* BytesIter(PyObject* bytes) { return NewIter(&g_bytes_iterator, bytes); }
PyObject* StrIter(PyObject* str) {
  return NewIter(PyUnicode_IS_ASCII(str) ? &g_str_ascii_iterator : &g_str_iterator, str);
}

}  // namespace pinion::compat
