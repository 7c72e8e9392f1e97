// range (rangeobject.h): PyRange_Type and its iterator PyRangeIter_Type ("range_iterator").
//
// Owns: nothing on the heap: a range is four Py_ssize_t (start, stop, step and its length,
// computed once), an iterator three. Arithmetic that could pass Py_ssize_t is done in 128
// bits and raises OverflowError (Pinion's ranges are bounded by Py_ssize_t; CPython's are not).
//
// Invariants: step != 0; length == the number of items, >= 0. Both types are immutable
// leaves (no references, no GC).
//
// Threads: any attached thread (ranges never change; an iterator is advanced by one thread
// at a time, the caller's race to avoid).
#include <cstddef>

#include "compat/runtime/runtime.h"
#include "structmember.h"

namespace pinion::compat {
namespace {

struct RangeObject {
  PyObject_HEAD
  Py_ssize_t start, stop, step, length;
};

struct RangeIter {
  PyObject_HEAD
  Py_ssize_t start, step, length;  // the items left: start, start + step, ... (length of them)
};

RangeObject* AsRange(PyObject* op) { return reinterpret_cast<RangeObject*>(op); }
RangeIter* AsRangeIter(PyObject* op) { return reinterpret_cast<RangeIter*>(op); }

using Wide = __int128;

bool Fits(Wide v) { return v >= PY_SSIZE_T_MIN && v <= PY_SSIZE_T_MAX; }

PyObject* Overflow() {
  PyErr_SetString(PyExc_OverflowError, "range bounds past Py_ssize_t (Pinion)");
  return nullptr;
}

Wide LengthOf(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step) {
  if (step > 0 && start < stop) return (Wide(stop) - start - 1) / step + 1;
  if (step < 0 && start > stop) return (Wide(start) - stop - 1) / -Wide(step) + 1;
  return 0;
}

PyObject* MakeRange(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step) {
  const Wide length = LengthOf(start, stop, step);
  if (!Fits(length)) return Overflow();
  PyObject* op = AllocObject(&PyRange_Type, sizeof(RangeObject), /*gc=*/false);
  if (op == nullptr) return nullptr;
  RangeObject* r = AsRange(op);
  r->start = start;
  r->stop = stop;
  r->step = step;
  r->length = static_cast<Py_ssize_t>(length);
  return op;
}

// An integer argument (__index__) as a Py_ssize_t; false with an exception set.
bool IndexArg(PyObject* arg, Py_ssize_t* out) {
  PyObject* number = PyNumber_Index(arg);
  if (number == nullptr) return false;
  *out = PyLong_AsSsize_t(number);
  Py_DECREF(number);
  if (*out == -1 && PyErr_Occurred()) {
    if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
      PyErr_Clear();
      Overflow();
    }
    return false;
  }
  return true;
}

// range(stop), range(start, stop[, step]): CPython 3.11's range_vectorcall.
PyObject* RangeNew(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "range() takes no keyword arguments");
    return nullptr;
  }
  const Py_ssize_t n = PyTuple_GET_SIZE(args);
  if (n == 0) {
    PyErr_SetString(PyExc_TypeError, "range expected at least 1 argument, got 0");
    return nullptr;
  }
  if (n > 3) {
    PyErr_Format(PyExc_TypeError, "range expected at most 3 arguments, got %zd", n);
    return nullptr;
  }
  Py_ssize_t start = 0, stop = 0, step = 1;
  if (n == 1) {
    if (!IndexArg(PyTuple_GET_ITEM(args, 0), &stop)) return nullptr;
  } else {
    if (!IndexArg(PyTuple_GET_ITEM(args, 0), &start) ||
        !IndexArg(PyTuple_GET_ITEM(args, 1), &stop) ||
        (n == 3 && !IndexArg(PyTuple_GET_ITEM(args, 2), &step))) {
      return nullptr;
    }
    if (step == 0) {
      PyErr_SetString(PyExc_ValueError, "range() arg 3 must not be zero");
      return nullptr;
    }
  }
  return MakeRange(start, stop, step);
}

PyObject* RangeRepr(PyObject* self) {
  RangeObject* r = AsRange(self);
  if (r->step == 1) return PyUnicode_FromFormat("range(%zd, %zd)", r->start, r->stop);
  return PyUnicode_FromFormat("range(%zd, %zd, %zd)", r->start, r->stop, r->step);
}

Py_ssize_t RangeLength(PyObject* self) { return AsRange(self)->length; }

int RangeBool(PyObject* self) { return AsRange(self)->length != 0; }

PyObject* RangeItem(PyObject* self, Py_ssize_t i) {
  RangeObject* r = AsRange(self);
  if (i < 0 || i >= r->length) {
    PyErr_SetString(PyExc_IndexError, "range object index out of range");
    return nullptr;
  }
  return PyLong_FromSsize_t(static_cast<Py_ssize_t>(Wide(r->start) + Wide(i) * r->step));
}

PyObject* RangeSubscript(PyObject* self, PyObject* key) {
  RangeObject* r = AsRange(self);
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    if (i < 0) i += r->length;
    return RangeItem(self, i);
  }
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
    PySlice_AdjustIndices(r->length, &start, &stop, step);
    const Wide new_start = Wide(r->start) + Wide(start) * r->step;
    const Wide new_stop = Wide(r->start) + Wide(stop) * r->step;
    const Wide new_step = Wide(r->step) * step;
    if (!Fits(new_start) || !Fits(new_stop) || !Fits(new_step)) return Overflow();
    return MakeRange(static_cast<Py_ssize_t>(new_start), static_cast<Py_ssize_t>(new_stop),
                     static_cast<Py_ssize_t>(new_step));
  }
  PyErr_Format(PyExc_TypeError, "range indices must be integers or slices, not %.200s",
               Py_TYPE(key)->tp_name);
  return nullptr;
}

// For an int (exact, or a bool): its index in the range, or -1 if absent; -2 for other
// objects (compared item by item).
Py_ssize_t IntIndex(RangeObject* r, PyObject* value) {
  if (!PyLong_CheckExact(value) && !PyBool_Check(value)) return -2;
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
  if (overflow != 0 || r->length == 0) return -1;
  const Wide offset = Wide(v) - r->start;
  if (offset % r->step != 0) return -1;
  const Wide index = offset / r->step;
  return index >= 0 && index < r->length ? static_cast<Py_ssize_t>(index) : -1;
}

int RangeContains(PyObject* self, PyObject* value) {
  const Py_ssize_t index = IntIndex(AsRange(self), value);
  if (index != -2) return index >= 0;
  PyObject* iter = PyObject_GetIter(self);
  if (iter == nullptr) return -1;
  int found = 0;
  while (found == 0) {
    PyObject* item = PyIter_Next(iter);
    if (item == nullptr) break;
    found = PyObject_RichCompareBool(item, value, Py_EQ);
    Py_DECREF(item);
  }
  Py_DECREF(iter);
  return PyErr_Occurred() ? -1 : found;
}

PyObject* RangeCount(PyObject* self, PyObject* value) {
  const Py_ssize_t index = IntIndex(AsRange(self), value);
  if (index != -2) return PyLong_FromLong(index >= 0);
  const Py_ssize_t count = PySequence_Count(self, value);
  return count < 0 ? nullptr : PyLong_FromSsize_t(count);
}

PyObject* RangeIndex(PyObject* self, PyObject* value) {
  const Py_ssize_t index = IntIndex(AsRange(self), value);
  if (index == -2) {
    const Py_ssize_t found = PySequence_Index(self, value);
    return found < 0 ? nullptr : PyLong_FromSsize_t(found);
  }
  if (index < 0) {
    PyErr_Format(PyExc_ValueError, "%R is not in range", value);
    return nullptr;
  }
  return PyLong_FromSsize_t(index);
}

// Equal when they produce the same items (CPython's range_equals).
bool RangesEqual(RangeObject* a, RangeObject* b) {
  if (a == b) return true;
  if (a->length != b->length) return false;
  if (a->length == 0) return true;
  if (a->start != b->start) return false;
  return a->length == 1 || a->step == b->step;
}

PyObject* RangeRichCompare(PyObject* a, PyObject* b, int op) {
  if (!PyRange_Check(b) || (op != Py_EQ && op != Py_NE)) return Py_NewRef(Py_NotImplemented);
  const bool equal = RangesEqual(AsRange(a), AsRange(b));
  return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

// hash((len, start, step)), with None for what does not matter (CPython's range_hash).
Py_hash_t RangeHash(PyObject* self) {
  RangeObject* r = AsRange(self);
  PyObject* key;
  if (r->length == 0) {
    key = Py_BuildValue("(nOO)", r->length, Py_None, Py_None);
  } else if (r->length == 1) {
    key = Py_BuildValue("(nnO)", r->length, r->start, Py_None);
  } else {
    key = Py_BuildValue("(nnn)", r->length, r->start, r->step);
  }
  if (key == nullptr) return -1;
  const Py_hash_t hash = PyObject_Hash(key);
  Py_DECREF(key);
  return hash;
}

PyObject* MakeIter(Py_ssize_t start, Py_ssize_t step, Py_ssize_t length) {
  PyObject* op = AllocObject(&PyRangeIter_Type, sizeof(RangeIter), /*gc=*/false);
  if (op == nullptr) return nullptr;
  AsRangeIter(op)->start = start;
  AsRangeIter(op)->step = step;
  AsRangeIter(op)->length = length;
  return op;
}

PyObject* RangeIterate(PyObject* self) {
  RangeObject* r = AsRange(self);
  return MakeIter(r->start, r->step, r->length);
}

PyObject* RangeReversed(PyObject* self, PyObject*) {
  RangeObject* r = AsRange(self);
  if (r->length == 0) return MakeIter(r->start, 1, 0);
  const Wide last = Wide(r->start) + Wide(r->length - 1) * r->step;
  if (!Fits(last) || !Fits(-Wide(r->step))) return Overflow();
  return MakeIter(static_cast<Py_ssize_t>(last), -r->step, r->length);
}

PyObject* RangeIterNext(PyObject* self) {
  RangeIter* it = AsRangeIter(self);
  if (it->length <= 0) return nullptr;
  const Py_ssize_t value = it->start;
  --it->length;
  // The next start may pass Py_ssize_t only once no item is left to produce.
  if (it->length > 0) it->start = static_cast<Py_ssize_t>(Wide(it->start) + it->step);
  return PyLong_FromSsize_t(value);
}

PyObject* RangeIterLengthHint(PyObject* self, PyObject*) {
  return PyLong_FromSsize_t(AsRangeIter(self)->length);
}

PyMethodDef kRangeMethods[] = {
    {"__reversed__", &RangeReversed, METH_NOARGS,
     "Return a reverse iterator."},
    {"count", &RangeCount, METH_O, "rangeobject.count(value) -> integer -- return number of occurrences of value"},
    {"index", &RangeIndex, METH_O,
     "rangeobject.index(value) -> integer -- return index of value.\nRaise ValueError if the value is not present."},
    {nullptr, nullptr, 0, nullptr},
};

PyMemberDef kRangeMembers[] = {
    {"start", T_PYSSIZET, offsetof(RangeObject, start), READONLY, nullptr},
    {"stop", T_PYSSIZET, offsetof(RangeObject, stop), READONLY, nullptr},
    {"step", T_PYSSIZET, offsetof(RangeObject, step), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyMethodDef kRangeIterMethods[] = {
    {"__length_hint__", &RangeIterLengthHint, METH_NOARGS,
     "Private method returning an estimate of len(list(it))."},
    {nullptr, nullptr, 0, nullptr},
};

PySequenceMethods kRangeAsSequence = {
    .sq_length = &RangeLength,
    .sq_item = &RangeItem,
    .sq_contains = &RangeContains,
};

PyMappingMethods kRangeAsMapping = {
    .mp_length = &RangeLength,
    .mp_subscript = &RangeSubscript,
};

PyNumberMethods kRangeAsNumber = {
    .nb_bool = &RangeBool,
};

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyRange_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "range",
    .tp_basicsize = sizeof(RangeObject),
    .tp_dealloc = &BaseDealloc,
    .tp_repr = &RangeRepr,
    .tp_as_number = &kRangeAsNumber,
    .tp_as_sequence = &kRangeAsSequence,
    .tp_as_mapping = &kRangeAsMapping,
    .tp_hash = &RangeHash,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_SEQUENCE,
    .tp_doc = "range(stop) -> range object\nrange(start, stop[, step]) -> range object",
    .tp_richcompare = &RangeRichCompare,
    .tp_iter = &RangeIterate,
    .tp_methods = kRangeMethods,
    .tp_members = kRangeMembers,
    .tp_new = &RangeNew,
};

PyTypeObject PyRangeIter_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "range_iterator",
    .tp_basicsize = sizeof(RangeIter),
    .tp_dealloc = &BaseDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = &PyObject_SelfIter,
    .tp_iternext = &RangeIterNext,
    .tp_methods = kRangeIterMethods,
};

// Never instantiated (Pinion's ranges stay within Py_ssize_t); for type checks.
PyTypeObject PyLongRangeIter_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "longrange_iterator",
    .tp_basicsize = sizeof(RangeIter),
    .tp_dealloc = &BaseDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = &PyObject_SelfIter,
};
