/* enumerate and reversed (CPython 3.11's enumobject.h): the builtin iterator types, callable
 * as enumerate(iterable, start=0) and reversed(sequence) (runtime in runtime/enumerate.cc).
 *
 * enumerate yields (count, item) tuples from iter(iterable), count starting at `start` (an
 * integer; Pinion's counts are Py_ssize_t: a start past it raises OverflowError where CPython
 * counts on in big integers). reversed(seq) returns seq.__reversed__() when seq's type
 * defines one in tp_methods, else an iterator over seq[len-1] ... seq[0] for a sequence (sq_item
 * and sq_length), else TypeError "'T' object is not reversible"; it has __length_hint__.
 * Both are GC objects holding what they iterate (reversed drops it when exhausted), with
 * CPython's argument errors.
 *
 * Threads: any attached thread; advancing one iterator from two threads at once is the
 * caller's race to avoid.
 */
#ifndef PINION_PYTHON_ENUMOBJECT_H_
#define PINION_PYTHON_ENUMOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PyEnum_Type;
PyAPI_DATA(PyTypeObject) PyReversed_Type;

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_ENUMOBJECT_H_ */
