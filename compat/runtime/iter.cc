// The iterator protocol (abstract_containers.h: PyObject_GetIter, PyIter_*,
// PyObject_SelfIter, PyObject_GetAIter, PyAIter_Check) and the generic iterators of
// iterobject.h: PySeqIter_Type ("iterator") and PyCallIter_Type ("callable_iterator").
//
// Owns: each generic iterator's references (the sequence; the callable and the sentinel),
// dropped (set NULL, then released) once the iterator is exhausted.
//
// Invariants: the iterators are tracked GC objects; their fields are NULL or owned pins at
// every safepoint (a field is cleared before its reference is released).
//
// Threads: any attached thread; advancing one iterator from two threads at once is the
// caller's race to avoid.
#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"

namespace pinion::compat {
namespace {

struct SeqIter {
  PyObject_HEAD
  Py_ssize_t index;
  PyObject* seq;  // NULL once exhausted
};

struct CallIter {
  PyObject_HEAD
  PyObject* callable;  // both NULL once exhausted
  PyObject* sentinel;
};

SeqIter* AsSeqIter(PyObject* op) { return reinterpret_cast<SeqIter*>(op); }
CallIter* AsCallIter(PyObject* op) { return reinterpret_cast<CallIter*>(op); }

int SeqIterTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsSeqIter(self)->seq);
  return 0;
}

void SeqIterDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(AsSeqIter(self)->seq);
  Py_TYPE(self)->tp_free(self);
}

PyObject* SeqIterNext(PyObject* self) {
  SeqIter* it = AsSeqIter(self);
  PyObject* seq = it->seq;
  if (seq == nullptr) return nullptr;
  Py_INCREF(seq);  // the item's code may exhaust this iterator
  PyObject* item = PySequence_GetItem(seq, it->index);
  if (item != nullptr) {
    ++it->index;
  } else if (PyErr_ExceptionMatches(PyExc_IndexError) ||
             PyErr_ExceptionMatches(PyExc_StopIteration)) {
    PyErr_Clear();
    Py_CLEAR(it->seq);
  }
  Py_DECREF(seq);
  return item;
}

PyObject* SeqIterLengthHint(PyObject* self, PyObject*) {
  SeqIter* it = AsSeqIter(self);
  if (it->seq == nullptr) return PyLong_FromLong(0);
  PyTypeObject* type = Py_TYPE(it->seq);
  const bool sized = (type->tp_as_sequence != nullptr && type->tp_as_sequence->sq_length) ||
                     (type->tp_as_mapping != nullptr && type->tp_as_mapping->mp_length);
  if (!sized) Py_RETURN_NOTIMPLEMENTED;
  const Py_ssize_t size = PySequence_Size(it->seq);
  if (size == -1) return nullptr;
  const Py_ssize_t left = size - it->index;
  return PyLong_FromSsize_t(left >= 0 ? left : 0);
}

PyMethodDef kSeqIterMethods[] = {
    {"__length_hint__", &SeqIterLengthHint, METH_NOARGS,
     "Private method returning an estimate of len(list(it))."},
    {nullptr, nullptr, 0, nullptr},
};

int CallIterTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsCallIter(self)->callable);
  Py_VISIT(AsCallIter(self)->sentinel);
  return 0;
}

void CallIterDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(AsCallIter(self)->callable);
  Py_CLEAR(AsCallIter(self)->sentinel);
  Py_TYPE(self)->tp_free(self);
}

PyObject* CallIterNext(PyObject* self) {
  CallIter* it = AsCallIter(self);
  if (it->callable == nullptr) return nullptr;
  PyObject* callable = Py_NewRef(it->callable);
  PyObject* sentinel = Py_NewRef(it->sentinel);
  PyObject* result = PyObject_CallNoArgs(callable);
  if (result != nullptr) {
    const int equal = PyObject_RichCompareBool(sentinel, result, Py_EQ);
    if (equal != 0) Py_CLEAR(result);
    if (equal > 0) {
      Py_CLEAR(it->callable);
      Py_CLEAR(it->sentinel);
    }
  } else if (PyErr_ExceptionMatches(PyExc_StopIteration)) {
    PyErr_Clear();
    Py_CLEAR(it->callable);
    Py_CLEAR(it->sentinel);
  }
  Py_DECREF(callable);
  Py_DECREF(sentinel);
  return result;
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PySeqIter_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "iterator",
    .tp_basicsize = sizeof(SeqIter),
    .tp_dealloc = &SeqIterDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &SeqIterTraverse,
    .tp_iter = &PyObject_SelfIter,
    .tp_iternext = &SeqIterNext,
    .tp_methods = kSeqIterMethods,
    .tp_free = &PyObject_GC_Del,
};

PyTypeObject PyCallIter_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "callable_iterator",
    .tp_basicsize = sizeof(CallIter),
    .tp_dealloc = &CallIterDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &CallIterTraverse,
    .tp_iter = &PyObject_SelfIter,
    .tp_iternext = &CallIterNext,
    .tp_free = &PyObject_GC_Del,
};

extern "C" PyObject* PySeqIter_New(PyObject* seq) {
  if (seq == nullptr) {  // any other object: its first step raises what GetItem raises
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* it = AllocObject(&PySeqIter_Type, sizeof(SeqIter), /*gc=*/true);
  if (it == nullptr) return nullptr;
  AsSeqIter(it)->seq = Py_NewRef(seq);
  PyObject_GC_Track(it);
  return it;
}

extern "C" PyObject* PyCallIter_New(PyObject* callable, PyObject* sentinel) {
  if (callable == nullptr || sentinel == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* it = AllocObject(&PyCallIter_Type, sizeof(CallIter), /*gc=*/true);
  if (it == nullptr) return nullptr;
  AsCallIter(it)->callable = Py_NewRef(callable);
  AsCallIter(it)->sentinel = Py_NewRef(sentinel);
  PyObject_GC_Track(it);
  return it;
}

extern "C" PyObject* PyObject_GetIter(PyObject* o) {
  if (o == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  getiterfunc iter = Py_TYPE(o)->tp_iter;
  if (iter == nullptr) {
    if (PySequence_Check(o)) return PySeqIter_New(o);
    PyErr_Format(PyExc_TypeError, "'%.200s' object is not iterable", Py_TYPE(o)->tp_name);
    return nullptr;
  }
  PyObject* result = iter(o);
  if (result != nullptr && !PyIter_Check(result)) {
    PyErr_Format(PyExc_TypeError, "iter() returned non-iterator of type '%.100s'",
                 Py_TYPE(result)->tp_name);
    Py_DECREF(result);
    return nullptr;
  }
  return result;
}

extern "C" int PyIter_Check(PyObject* o) {
  return o != nullptr && Py_TYPE(o)->tp_iternext != nullptr;
}

extern "C" PyObject* PyIter_Next(PyObject* iter) {
  iternextfunc next = Py_TYPE(iter)->tp_iternext;
  if (next == nullptr) {
    PyErr_Format(PyExc_TypeError, "'%.200s' object is not an iterator",
                 Py_TYPE(iter)->tp_name);
    return nullptr;
  }
  PyObject* result = next(iter);
  if (result == nullptr && PyErr_Occurred() && PyErr_ExceptionMatches(PyExc_StopIteration)) {
    PyErr_Clear();
  }
  return result;
}

extern "C" PySendResult PyIter_Send(PyObject* iter, PyObject* arg, PyObject** presult) {
  PyAsyncMethods* async = Py_TYPE(iter)->tp_as_async;
  if (async != nullptr && async->am_send != nullptr) return async->am_send(iter, arg, presult);
  if (arg == Py_None && PyIter_Check(iter)) {
    *presult = Py_TYPE(iter)->tp_iternext(iter);
  } else {
    *presult = PyObject_CallMethod(iter, "send", "(O)", arg);
  }
  if (*presult != nullptr) return PYGEN_NEXT;
  // The end: no exception, or StopIteration, whose value is the return value.
  if (PyErr_Occurred() == nullptr) {
    *presult = Py_NewRef(Py_None);
    return PYGEN_RETURN;
  }
  if (PyErr_ExceptionMatches(PyExc_StopIteration)) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    Py_XDECREF(type);
    Py_XDECREF(traceback);
    *presult = value != nullptr ? value : Py_NewRef(Py_None);
    return PYGEN_RETURN;
  }
  return PYGEN_ERROR;
}

extern "C" PyObject* PyObject_SelfIter(PyObject* obj) { return Py_NewRef(obj); }

extern "C" PyObject* PyObject_GetAIter(PyObject* o) {
  PyAsyncMethods* async = Py_TYPE(o)->tp_as_async;
  if (async == nullptr || async->am_aiter == nullptr) {
    PyErr_Format(PyExc_TypeError, "'%.200s' object is not an async iterable",
                 Py_TYPE(o)->tp_name);
    return nullptr;
  }
  PyObject* it = async->am_aiter(o);
  if (it != nullptr && !PyAIter_Check(it)) {
    PyErr_Format(PyExc_TypeError, "aiter() returned not an async iterator of type '%.100s'",
                 Py_TYPE(it)->tp_name);
    Py_DECREF(it);
    return nullptr;
  }
  return it;
}

extern "C" int PyAIter_Check(PyObject* o) {
  PyAsyncMethods* async = Py_TYPE(o)->tp_as_async;
  return async != nullptr && async->am_anext != nullptr;
}
