// Helpers the container types (tuple.cc, list.cc, dict.cc) share with the object protocol
// (object_protocol.cc, which defines them). Not part of the C API.
//
// Threads: mutators (attached, running).
#ifndef PINION_COMPAT_RUNTIME_CONTAINERS_H_
#define PINION_COMPAT_RUNTIME_CONTAINERS_H_

#include <string>

#include "Python.h"

namespace pinion::compat {

// CPython's identity hash (_Py_HashPointer): the address rotated so its alignment bits do
// not all land in the low bits; never -1.
Py_hash_t HashPointer(const void* p);

// Appends repr(o) as UTF-8 to `out`; false with an exception set.
bool AppendRepr(std::string& out, PyObject* o);

// A new str of the UTF-8 text `s`.
PyObject* NewString(const std::string& s);

// The items of a tuple or list; for CompareSequences and SequenceRepr, which call it again
// after every call out (user code may replace a list's array).
using ItemsFn = PyObject** (*)(PyObject* seq);

// repr of a tuple (`tuple`: "(1,)", "()") or list ("[1, 2]"); "(...)"/"[...]" when `seq`
// is already being repr'd on this thread (a container that contains itself).
PyObject* SequenceRepr(PyObject* seq, ItemsFn items, bool tuple);

// Rich comparison of two tuples or two lists (both of the same kind): lexicographic, as in
// Python. A new reference, or NULL with an exception.
PyObject* CompareSequences(PyObject* v, PyObject* w, int op, ItemsFn items);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_CONTAINERS_H_
