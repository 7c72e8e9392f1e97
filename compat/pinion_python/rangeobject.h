/* range (CPython 3.11's rangeobject.h): immutable arithmetic sequences, callable as
 * range(stop) and range(start, stop[, step]) (runtime in runtime/range.cc).
 *
 * As in CPython: len(), r[i] (IndexError "range object index out of range"), r[a:b:c] (a
 * range), `in` (arithmetic for ints, else comparing each item), iter() and reversed() (a
 * range_iterator, with __length_hint__), count() and index() ("x is not in range"), the
 * start/stop/step attributes, repr "range(0, 5)" / "range(0, 10, 2)", == and hash as
 * sequences (equal when they produce the same items), bool. Where Pinion differs: start,
 * stop and step must fit a Py_ssize_t (OverflowError otherwise: CPython's ranges take any
 * integers), so PyLongRangeIter_Type is never produced (declared for type checks only).
 *
 * Threads: any attached thread (ranges are immutable).
 */
#ifndef PINION_PYTHON_RANGEOBJECT_H_
#define PINION_PYTHON_RANGEOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PyRange_Type;
PyAPI_DATA(PyTypeObject) PyRangeIter_Type;
PyAPI_DATA(PyTypeObject) PyLongRangeIter_Type;

#define PyRange_Check(op) Py_IS_TYPE((op), &PyRange_Type)

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_RANGEOBJECT_H_ */
