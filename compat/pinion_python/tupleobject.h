/* Tuples: fixed-size sequences, items stored inline after the header (CPython's layout).
 *
 * Owns: PyTuple_Type and the PyTuple_* API (runtime in runtime/tuple.cc).
 *
 * A tuple is a GC object, tracked from birth: tp_traverse visits every non-NULL item, and
 * every item it holds is a pin (an INCREF'd reference) the tuple owns. PyTuple_New returns
 * the items NULL; PyTuple_SET_ITEM/PyTuple_SetItem fill them by *stealing* the caller's
 * reference: a plain store, after which the caller's pin is the tuple's, which the collector
 * discounts through tp_traverse (so a tuple reachable from nowhere frees its items too).
 * Unlike CPython, PyTuple_SetItem does not insist that the tuple be unshared (Pinion cannot
 * know that: Py_REFCNT is never 1) — filling a tuple after others have seen it is, as in
 * CPython, a bug of the caller's.
 *
 * Threads: any attached thread. There is no GIL: filling one tuple from two threads at once
 * is the caller's race to avoid.
 */
#ifndef PINION_PYTHON_TUPLEOBJECT_H_
#define PINION_PYTHON_TUPLEOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#ifndef Py_LIMITED_API
typedef struct {
  PyObject_VAR_HEAD
  /* ob_size items; NULL until set. */
  PyObject* ob_item[1];
} PyTupleObject;
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyTuple_Type;

#define PyTuple_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_TUPLE_SUBCLASS)
#define PyTuple_CheckExact(op) Py_IS_TYPE((op), &PyTuple_Type)

/* A new tuple of `size` NULL items (SystemError for a negative size). */
PyAPI_FUNC(PyObject*) PyTuple_New(Py_ssize_t size);
/* A new tuple of the `n` objects that follow (each INCREF'd: nothing is stolen). */
PyAPI_FUNC(PyObject*) PyTuple_Pack(Py_ssize_t n, ...);
/* -1 with SystemError if `p` is not a tuple. */
PyAPI_FUNC(Py_ssize_t) PyTuple_Size(PyObject* p);
/* Borrowed; NULL with IndexError out of range (no negative indices). */
PyAPI_FUNC(PyObject*) PyTuple_GetItem(PyObject* p, Py_ssize_t pos);
/* Steals `item`, also on error (IndexError out of range, SystemError not a tuple); the
 * replaced item, if any, is released. */
PyAPI_FUNC(int) PyTuple_SetItem(PyObject* p, Py_ssize_t pos, PyObject* item);
/* A new tuple of p[low:high] (bounds clamped as slices are). */
PyAPI_FUNC(PyObject*) PyTuple_GetSlice(PyObject* p, Py_ssize_t low, Py_ssize_t high);

#ifndef Py_LIMITED_API
/* Unchecked access. SET_ITEM steals `v` and does not release the old item (as CPython): use
 * it to fill a fresh tuple. */
static inline Py_ssize_t PyTuple_GET_SIZE(PyObject* op) { return Py_SIZE(op); }
#define PyTuple_GET_SIZE(op) PyTuple_GET_SIZE(_PyObject_CAST(op))
#define PyTuple_GET_ITEM(op, i) (((PyTupleObject*)(op))->ob_item[i])
static inline void PyTuple_SET_ITEM(PyObject* op, Py_ssize_t i, PyObject* v) {
  ((PyTupleObject*)op)->ob_item[i] = v;
}
#define PyTuple_SET_ITEM(op, i, v) PyTuple_SET_ITEM(_PyObject_CAST(op), (i), _PyObject_CAST(v))
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_TUPLEOBJECT_H_ */
