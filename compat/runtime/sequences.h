// Internals the sequence and mapping types share with the protocols (not part of the C API):
// slice helpers, the builtin containers' iterators, list extension. (Indices are converted
// with the number protocol's PyIndex_Check and PyNumber_AsSsize_t.)
//
// Threads: mutators (attached, running).
#ifndef PINION_COMPAT_RUNTIME_SEQUENCES_H_
#define PINION_COMPAT_RUNTIME_SEQUENCES_H_

#include "Python.h"

namespace pinion::compat {

// A new slice(start, stop, None) of two Py_ssize_t (CPython's _PySlice_FromIndices).
PyObject* SliceFromIndices(Py_ssize_t start, Py_ssize_t stop);

// The items `start, start + step, ...` (`n` of them, all in range) of the list or tuple
// `seq`, as a new list or tuple (`tuple`).
PyObject* ItemsSlice(PyObject* seq, Py_ssize_t start, Py_ssize_t step, Py_ssize_t n,
                     bool tuple);

// tp_iter of list, tuple, dict (its keys), str and bytes (builtin_iterators.cc).
PyObject* ListIter(PyObject* list);
PyObject* TupleIter(PyObject* tuple);
PyObject* DictIter(PyObject* dict);
PyObject* StrIter(PyObject* str);
PyObject* BytesIter(PyObject* bytes);

// list.extend(iterable): nullptr with an exception, else a new reference to None (list.cc).
PyObject* ListExtend(PyObject* list, PyObject* iterable);

// The tp_methods of bytes and bytearray (bytes_methods.cc).
extern PyMethodDef g_bytes_methods[];
extern PyMethodDef g_bytearray_methods[];

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_SEQUENCES_H_
