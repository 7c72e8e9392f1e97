/* Slices and Ellipsis (CPython 3.11's sliceobject.h).
 *
 * Owns: PySlice_Type, PyEllipsis_Type, the Ellipsis singleton and the PySlice_* API
 * (runtime in runtime/slice.cc).
 *
 * A slice holds three objects, never NULL (Py_None for an omitted one), as in CPython:
 * repr "slice(1, None, 2)", equal and ordered as the tuple (start, stop, step), unhashable
 * (3.11). Ellipsis is a static, immortal object whose repr is "Ellipsis".
 *
 * Indices: a slice's start/stop/step may be int, None, or any object whose type has
 * nb_index (PyIndex_Check); other objects raise TypeError ("slice indices must be integers
 * or None or have an __index__ method"); values beyond Py_ssize_t are clamped, as CPython
 * does. The start, stop and step attributes are read-only members, as in CPython (the
 * indices() method is not provided).
 *
 * Threads: any attached thread; slices are immutable.
 */
#ifndef PINION_PYTHON_SLICEOBJECT_H_
#define PINION_PYTHON_SLICEOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyObject) _Py_EllipsisObject; /* use Py_Ellipsis */
#define Py_Ellipsis (&_Py_EllipsisObject)

#ifndef Py_LIMITED_API
typedef struct {
  PyObject_HEAD
  PyObject *start, *stop, *step; /* never NULL */
} PySliceObject;
#endif

PyAPI_DATA(PyTypeObject) PySlice_Type;
PyAPI_DATA(PyTypeObject) PyEllipsis_Type;

#define PySlice_Check(op) Py_IS_TYPE((op), &PySlice_Type)

/* A new slice; a NULL argument stands for None. */
PyAPI_FUNC(PyObject*) PySlice_New(PyObject* start, PyObject* stop, PyObject* step);

/* The old interface: start, stop, step for a sequence of `length` items. The slice's values
 * must be int or None; negative start/stop count from the end. -1 (no exception set unless
 * an int did not fit) when a value is not an int, the step is 0, or start/stop are out of
 * range. Prefer PySlice_Unpack and PySlice_AdjustIndices. */
PyAPI_FUNC(int) PySlice_GetIndices(PyObject* r, Py_ssize_t length, Py_ssize_t* start,
                                   Py_ssize_t* stop, Py_ssize_t* step);
/* Unpack + AdjustIndices in one call (a function, and a macro as in CPython); -1 with an
 * exception set (TypeError, "slice step cannot be zero"...), *slicelength 0. */
PyAPI_FUNC(int) PySlice_GetIndicesEx(PyObject* r, Py_ssize_t length, Py_ssize_t* start,
                                     Py_ssize_t* stop, Py_ssize_t* step,
                                     Py_ssize_t* slicelength);
#if !defined(Py_LIMITED_API) || (Py_LIMITED_API + 0 >= 0x03050400 && Py_LIMITED_API + 0 < 0x03060000) || \
    Py_LIMITED_API + 0 >= 0x03060100
#define PySlice_GetIndicesEx(slice, length, start, stop, step, slicelen)            \
  (PySlice_Unpack((slice), (start), (stop), (step)) < 0                              \
       ? ((*(slicelen) = 0), -1)                                                     \
       : ((*(slicelen) = PySlice_AdjustIndices((length), (start), (stop), *(step))), \
          0))
/* The slice's values as Py_ssize_t, not yet fitted to a length: None becomes the extreme
 * value for the step's direction; out-of-range ints are clamped. 0, or -1 with TypeError
 * (a value that is not an index) or ValueError ("slice step cannot be zero"). */
PyAPI_FUNC(int) PySlice_Unpack(PyObject* slice, Py_ssize_t* start, Py_ssize_t* stop,
                               Py_ssize_t* step);
/* Fits start and stop to a sequence of `length` items (negative values count from the end)
 * and returns the number of items the slice selects. step != 0. */
PyAPI_FUNC(Py_ssize_t) PySlice_AdjustIndices(Py_ssize_t length, Py_ssize_t* start,
                                             Py_ssize_t* stop, Py_ssize_t step);
#endif

#ifndef Py_LIMITED_API
/* CPython 3.11's private slice-index readers (declared in its cpython/ceval.h), which
 * PyArg_ParseTuple's "O&" converters often name: *pi = v as Py_ssize_t (clamped), 1; or 0
 * with TypeError for a value without __index__. SliceIndex leaves *pi alone for None;
 * SliceIndexNotNone refuses None. */
PyAPI_FUNC(int) _PyEval_SliceIndex(PyObject* v, Py_ssize_t* pi);
PyAPI_FUNC(int) _PyEval_SliceIndexNotNone(PyObject* v, Py_ssize_t* pi);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_SLICEOBJECT_H_ */
