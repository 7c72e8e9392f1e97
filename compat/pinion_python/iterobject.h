/* The generic iterators (CPython 3.11's iterobject.h): over a sequence by index, and over a
 * callable until it returns a sentinel.
 *
 * Owns: PySeqIter_Type ("iterator") and PyCallIter_Type ("callable_iterator") (runtime in
 * runtime/iter.cc, with PyObject_GetIter and PyIter_*: abstract_containers.h).
 *
 * A sequence iterator calls PySequence_GetItem(seq, 0, 1, ...) until IndexError or
 * StopIteration, then drops the sequence (it stays exhausted). A callable iterator calls
 * the callable with no arguments until the result equals the sentinel (or StopIteration is
 * raised), then drops both.
 *
 * Threads: any attached thread; advancing one iterator from two threads at once is the
 * caller's race to avoid (there is no GIL).
 */
#ifndef PINION_PYTHON_ITEROBJECT_H_
#define PINION_PYTHON_ITEROBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PySeqIter_Type;
PyAPI_DATA(PyTypeObject) PyCallIter_Type;

#define PySeqIter_Check(op) Py_IS_TYPE((op), &PySeqIter_Type)
/* A new iterator over `seq`, read with PySequence_GetItem. For an object without sq_item
 * the first step raises PySequence_GetItem's TypeError (where CPython 3.11 crashes). */
PyAPI_FUNC(PyObject*) PySeqIter_New(PyObject* seq);

#define PyCallIter_Check(op) Py_IS_TYPE((op), &PyCallIter_Type)
/* A new iterator yielding callable() until it returns something equal to `sentinel`. */
PyAPI_FUNC(PyObject*) PyCallIter_New(PyObject* callable, PyObject* sentinel);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_ITEROBJECT_H_ */
