// Tuples (tupleobject.h): PyTuple_Type and the PyTuple_* API.
//
// Owns: each tuple's inline items — NULL, or a pin the tuple owns (a reference INCREF'd by
// whoever stored it: stealing setters keep the caller's, the others INCREF).
//
// Invariant: a tuple is tracked from PyTuple_New on, so tp_traverse may read it in any pause;
// its size never changes and a slot holds NULL or an owned pin at every safepoint.
//
// Threads: any attached thread; filling one tuple from two threads at once is the caller's
// race to avoid (there is no GIL).
#include <cstdarg>
#include <cstddef>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"

namespace pinion::compat {
namespace {

PyObject** TupleItems(PyObject* tuple) {
  return reinterpret_cast<PyTupleObject*>(tuple)->ob_item;
}

int TupleTraverse(PyObject* self, visitproc visit, void* arg) {
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) Py_VISIT(TupleItems(self)[i]);
  return 0;
}

void TupleDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) Py_XDECREF(TupleItems(self)[i]);
  Py_TYPE(self)->tp_free(self);
}

PyObject* TupleRepr(PyObject* self) { return SequenceRepr(self, &TupleItems, /*tuple=*/true); }

// CPython's tuple hash (an xxHash variant over the items' hashes), so hashes match its.
Py_hash_t TupleHash(PyObject* self) {
  constexpr Py_uhash_t kPrime1 = 11400714785074694791ULL;
  constexpr Py_uhash_t kPrime2 = 14029467366897019727ULL;
  constexpr Py_uhash_t kPrime5 = 2870177450012600261ULL;
  Py_uhash_t acc = kPrime5;
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) {
    const Py_hash_t lane = PyObject_Hash(TupleItems(self)[i]);
    if (lane == -1) return -1;
    acc += static_cast<Py_uhash_t>(lane) * kPrime2;
    acc = (acc << 31) | (acc >> 33);
    acc *= kPrime1;
  }
  acc += static_cast<Py_uhash_t>(Py_SIZE(self)) ^ (kPrime5 ^ 3527539UL);
  if (acc == static_cast<Py_uhash_t>(-1)) return 1546275796;
  return static_cast<Py_hash_t>(acc);
}

PyObject* TupleRichCompare(PyObject* v, PyObject* w, int op) {
  if (!PyTuple_Check(v) || !PyTuple_Check(w)) return Py_NewRef(Py_NotImplemented);
  return CompareSequences(v, w, op, &TupleItems);
}

// ---- Sequence and mapping slots ----------------------------------------------------------

Py_ssize_t TupleLength(PyObject* self) { return Py_SIZE(self); }

PyObject* TupleItem(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= Py_SIZE(self)) {
    PyErr_SetString(PyExc_IndexError, "tuple index out of range");
    return nullptr;
  }
  return Py_XNewRef(TupleItems(self)[i]);
}

PyObject* TupleConcat(PyObject* a, PyObject* b) {
  if (!PyTuple_Check(b)) {
    PyErr_Format(PyExc_TypeError, "can only concatenate tuple (not \"%.200s\") to tuple",
                 Py_TYPE(b)->tp_name);
    return nullptr;
  }
  if (Py_SIZE(b) == 0 && PyTuple_CheckExact(a)) return Py_NewRef(a);
  if (Py_SIZE(a) == 0 && PyTuple_CheckExact(b)) return Py_NewRef(b);
  PyObject* result = PyTuple_New(Py_SIZE(a) + Py_SIZE(b));
  if (result == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < Py_SIZE(a); ++i) {
    PyTuple_SET_ITEM(result, i, Py_XNewRef(TupleItems(a)[i]));
  }
  for (Py_ssize_t i = 0; i < Py_SIZE(b); ++i) {
    PyTuple_SET_ITEM(result, Py_SIZE(a) + i, Py_XNewRef(TupleItems(b)[i]));
  }
  return result;
}

PyObject* TupleRepeat(PyObject* self, Py_ssize_t n) {
  const Py_ssize_t size = Py_SIZE(self);
  if (n == 1 && PyTuple_CheckExact(self)) return Py_NewRef(self);
  if (n < 0) n = 0;
  if (size != 0 && n > PY_SSIZE_T_MAX / size) return PyErr_NoMemory();
  PyObject* result = PyTuple_New(size * n);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < size * n; ++i) {
    PyTuple_SET_ITEM(result, i, Py_XNewRef(TupleItems(self)[i % size]));
  }
  return result;
}

int TupleContains(PyObject* self, PyObject* value) {
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) {
    PyObject* item = TupleItems(self)[i];
    if (item == nullptr) continue;
    const int equal = PyObject_RichCompareBool(item, value, Py_EQ);
    if (equal != 0) return equal;
  }
  return 0;
}

PyObject* TupleSubscript(PyObject* self, PyObject* key) {
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    if (i < 0) i += Py_SIZE(self);
    return TupleItem(self, i);
  }
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
    const Py_ssize_t n = PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
    if (step == 1 && n == Py_SIZE(self) && PyTuple_CheckExact(self)) return Py_NewRef(self);
    return ItemsSlice(self, start, step, n, /*tuple=*/true);
  }
  PyErr_Format(PyExc_TypeError, "tuple indices must be integers or slices, not %.200s",
               Py_TYPE(key)->tp_name);
  return nullptr;
}

PySequenceMethods kTupleAsSequence = {
    .sq_length = &TupleLength,
    .sq_concat = &TupleConcat,
    .sq_repeat = &TupleRepeat,
    .sq_item = &TupleItem,
    .sq_contains = &TupleContains,
};

PyMappingMethods kTupleAsMapping = {
    .mp_length = &TupleLength,
    .mp_subscript = &TupleSubscript,
};

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyTuple_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "tuple",
    .tp_basicsize = offsetof(PyTupleObject, ob_item),
    .tp_itemsize = sizeof(PyObject*),
    .tp_dealloc = &TupleDealloc,
    .tp_repr = &TupleRepr,
    .tp_as_sequence = &kTupleAsSequence,
    .tp_as_mapping = &kTupleAsMapping,
    .tp_hash = &TupleHash,
    .tp_flags =
        Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_TUPLE_SUBCLASS |
        Py_TPFLAGS_SEQUENCE,
    .tp_doc = "Built-in immutable sequence.",
    .tp_traverse = &TupleTraverse,
    .tp_richcompare = &TupleRichCompare,
    .tp_iter = &TupleIter,
    .tp_free = &PyObject_GC_Del,
};

extern "C" PyObject* PyTuple_New(Py_ssize_t size) {
  if (size < 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  const size_t bytes = VarSize(&PyTuple_Type, size);
  if (bytes == 0) return nullptr;
  PyObject* tuple = AllocObject(&PyTuple_Type, bytes, /*gc=*/true);
  if (tuple == nullptr) return nullptr;
  Py_SET_SIZE(tuple, size);  // the items are zeroed: NULL
  PyObject_GC_Track(tuple);
  return tuple;
}

extern "C" PyObject* PyTuple_Pack(Py_ssize_t n, ...) {
  PyObject* tuple = PyTuple_New(n);
  if (tuple == nullptr) return nullptr;
  va_list items;
  va_start(items, n);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyTuple_SET_ITEM(tuple, i, Py_NewRef(va_arg(items, PyObject*)));
  }
  va_end(items);
  return tuple;
}

extern "C" Py_ssize_t PyTuple_Size(PyObject* p) {
  if (!PyTuple_Check(p)) {
    PyErr_BadInternalCall();
    return -1;
  }
  return Py_SIZE(p);
}

extern "C" PyObject* PyTuple_GetItem(PyObject* p, Py_ssize_t pos) {
  if (!PyTuple_Check(p)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (pos < 0 || pos >= Py_SIZE(p)) {
    PyErr_SetString(PyExc_IndexError, "tuple index out of range");
    return nullptr;
  }
  return TupleItems(p)[pos];
}

extern "C" int PyTuple_SetItem(PyObject* p, Py_ssize_t pos, PyObject* item) {
  if (!PyTuple_Check(p)) {
    Py_XDECREF(item);
    PyErr_BadInternalCall();
    return -1;
  }
  if (pos < 0 || pos >= Py_SIZE(p)) {
    Py_XDECREF(item);
    PyErr_SetString(PyExc_IndexError, "tuple assignment index out of range");
    return -1;
  }
  PyObject* old = TupleItems(p)[pos];
  TupleItems(p)[pos] = item;
  Py_XDECREF(old);
  return 0;
}

extern "C" PyObject* PyTuple_GetSlice(PyObject* p, Py_ssize_t low, Py_ssize_t high) {
  if (!PyTuple_Check(p)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  const Py_ssize_t size = Py_SIZE(p);
  if (low < 0) low = 0;
  if (high > size) high = size;
  if (high < low) high = low;
  if (low == 0 && high == size && PyTuple_CheckExact(p)) return Py_NewRef(p);
  PyObject* slice = PyTuple_New(high - low);
  if (slice == nullptr) return nullptr;
  for (Py_ssize_t i = low; i < high; ++i) {
    PyTuple_SET_ITEM(slice, i - low, Py_XNewRef(TupleItems(p)[i]));
  }
  return slice;
}
