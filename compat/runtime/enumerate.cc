// enumerate and reversed (enumobject.h): PyEnum_Type and PyReversed_Type, their
// constructors (with CPython 3.11's argument errors) and iteration.
//
// Owns: an enumerate's iterator and a reversed's sequence, each an owned pin (reversed drops
// its sequence once exhausted, as CPython).
//
// Invariants: both are tracked GC objects from their constructor on; their object fields are
// NULL or owned pins at every safepoint.
//
// Threads: any attached thread; advancing one iterator from two threads at once is the
// caller's race to avoid.
#include <cstring>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

struct EnumObject {
  PyObject_HEAD
  Py_ssize_t index;  // the next count
  PyObject* iter;    // iter(iterable)
};

struct ReversedObject {
  PyObject_HEAD
  Py_ssize_t index;  // the next item's index; -1 once exhausted
  PyObject* seq;     // NULL once exhausted
};

EnumObject* AsEnum(PyObject* op) { return reinterpret_cast<EnumObject*>(op); }
ReversedObject* AsReversed(PyObject* op) { return reinterpret_cast<ReversedObject*>(op); }

// ---- enumerate ------------------------------------------------------------------------------

int EnumTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsEnum(self)->iter);
  return 0;
}

void EnumDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(AsEnum(self)->iter);
  Py_TYPE(self)->tp_free(self);
}

PyObject* EnumMake(PyTypeObject* type, PyObject* iterable, PyObject* start) {
  Py_ssize_t index = 0;
  if (start != nullptr) {
    PyObject* number = PyNumber_Index(start);
    if (number == nullptr) return nullptr;
    index = PyLong_AsSsize_t(number);
    Py_DECREF(number);
    if (index == -1 && PyErr_Occurred()) return nullptr;
  }
  PyObject* iter = PyObject_GetIter(iterable);
  if (iter == nullptr) return nullptr;
  PyObject* self = type->tp_alloc(type, 0);
  if (self == nullptr) {
    Py_DECREF(iter);
    return nullptr;
  }
  AsEnum(self)->index = index;
  AsEnum(self)->iter = iter;
  return self;
}

// Whether keyword `key` is `expected`; TypeError as CPython's check_keyword if not.
bool KeywordIs(PyObject* key, const char* expected) {
  if (PyUnicode_Check(key) && std::strcmp(PyUnicode_AsUTF8(key), expected) == 0) return true;
  if (!PyErr_Occurred()) {
    PyErr_Format(PyExc_TypeError, "'%S' is an invalid keyword argument for enumerate()", key);
  }
  return false;
}

// enumerate(iterable, start=0): CPython 3.11's enum_vectorcall, over a tuple and a dict.
PyObject* EnumNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  const Py_ssize_t nkwargs = kwargs != nullptr ? PyDict_GET_SIZE(kwargs) : 0;
  PyObject* given[2] = {nullptr, nullptr};  // iterable, start
  for (Py_ssize_t i = 0; i < nargs && i < 2; ++i) given[i] = PyTuple_GET_ITEM(args, i);
  if (nargs + nkwargs > 2) {
    PyErr_Format(PyExc_TypeError, "enumerate() takes at most 2 arguments (%d given)",
                 static_cast<int>(nargs + nkwargs));
    return nullptr;
  }
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  while (kwargs != nullptr && PyDict_Next(kwargs, &pos, &key, &value)) {
    // After one positional: `start`; alone: `iterable`; two: both, in either order.
    const bool is_start = PyUnicode_Check(key) && std::strcmp(PyUnicode_AsUTF8(key), "start") == 0;
    const bool start = nargs == 1 || (nkwargs == 2 && is_start);
    if (!KeywordIs(key, start ? "start" : "iterable")) return nullptr;
    given[start ? 1 : 0] = value;
  }
  if (given[0] == nullptr) {
    PyErr_SetString(PyExc_TypeError, "enumerate() missing required argument 'iterable'");
    return nullptr;
  }
  return EnumMake(type, given[0], given[1]);
}

PyObject* EnumNext(PyObject* self) {
  EnumObject* en = AsEnum(self);
  PyObject* item = PyIter_Next(en->iter);
  if (item == nullptr) return nullptr;
  if (en->index == PY_SSIZE_T_MAX) {
    Py_DECREF(item);
    PyErr_SetString(PyExc_OverflowError, "enumerate count past Py_ssize_t (Pinion)");
    return nullptr;
  }
  PyObject* count = PyLong_FromSsize_t(en->index++);
  if (count == nullptr) {
    Py_DECREF(item);
    return nullptr;
  }
  PyObject* pair = PyTuple_New(2);
  if (pair == nullptr) {
    Py_DECREF(count);
    Py_DECREF(item);
    return nullptr;
  }
  PyTuple_SET_ITEM(pair, 0, count);
  PyTuple_SET_ITEM(pair, 1, item);
  return pair;
}

// ---- reversed -------------------------------------------------------------------------------

int ReversedTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsReversed(self)->seq);
  return 0;
}

void ReversedDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(AsReversed(self)->seq);
  Py_TYPE(self)->tp_free(self);
}

PyObject* NotReversible(PyObject* seq) {
  PyErr_Format(PyExc_TypeError, "'%.200s' object is not reversible", Py_TYPE(seq)->tp_name);
  return nullptr;
}

// reversed(seq): seq.__reversed__(), else an iterator over a sequence from its end.
PyObject* ReversedNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "reversed() takes no keyword arguments");
    return nullptr;
  }
  if (PyTuple_GET_SIZE(args) != 1) {
    PyErr_Format(PyExc_TypeError, "reversed expected 1 argument, got %zd", PyTuple_GET_SIZE(args));
    return nullptr;
  }
  PyObject* seq = PyTuple_GET_ITEM(args, 0);
  if (PyObject* method = LookupSpecialMethod(seq, "__reversed__")) {
    PyObject* result = PyObject_CallNoArgs(method);
    Py_DECREF(method);
    return result;
  }
  if (PyErr_Occurred()) return nullptr;
  if (!PySequence_Check(seq) || PyDict_Check(seq)) return NotReversible(seq);
  const Py_ssize_t n = PySequence_Size(seq);
  if (n == -1) return nullptr;
  PyObject* self = type->tp_alloc(type, 0);
  if (self == nullptr) return nullptr;
  AsReversed(self)->index = n - 1;
  AsReversed(self)->seq = Py_NewRef(seq);
  return self;
}

PyObject* ReversedNext(PyObject* self) {
  ReversedObject* ro = AsReversed(self);
  if (ro->index >= 0) {
    PyObject* seq = Py_NewRef(ro->seq);  // the item's code may exhaust this iterator
    PyObject* item = PySequence_GetItem(seq, ro->index);
    Py_DECREF(seq);
    if (item != nullptr) {
      --ro->index;
      return item;
    }
    if (!PyErr_ExceptionMatches(PyExc_IndexError) &&
        !PyErr_ExceptionMatches(PyExc_StopIteration)) {
      return nullptr;
    }
    PyErr_Clear();
  }
  ro->index = -1;
  Py_CLEAR(ro->seq);
  return nullptr;
}

PyObject* ReversedLengthHint(PyObject* self, PyObject*) {
  ReversedObject* ro = AsReversed(self);
  if (ro->seq == nullptr) return PyLong_FromLong(0);
  const Py_ssize_t size = PySequence_Size(ro->seq);
  if (size == -1) return nullptr;
  const Py_ssize_t position = ro->index + 1;
  return PyLong_FromSsize_t(size < position ? 0 : position);
}

PyMethodDef kReversedMethods[] = {
    {"__length_hint__", &ReversedLengthHint, METH_NOARGS,
     "Private method returning an estimate of len(list(it))."},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyEnum_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "enumerate",
    .tp_basicsize = sizeof(EnumObject),
    .tp_dealloc = &EnumDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Return an enumerate object.",
    .tp_traverse = &EnumTraverse,
    .tp_iter = &PyObject_SelfIter,
    .tp_iternext = &EnumNext,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &EnumNew,
    .tp_free = &PyObject_GC_Del,
};

PyTypeObject PyReversed_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "reversed",
    .tp_basicsize = sizeof(ReversedObject),
    .tp_dealloc = &ReversedDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Return a reverse iterator over the values of the given sequence.",
    .tp_traverse = &ReversedTraverse,
    .tp_iter = &PyObject_SelfIter,
    .tp_iternext = &ReversedNext,
    .tp_methods = kReversedMethods,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &ReversedNew,
    .tp_free = &PyObject_GC_Del,
};
