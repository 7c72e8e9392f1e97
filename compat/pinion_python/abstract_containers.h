/* The sequence, mapping and iterator protocols of CPython 3.11's abstract.h: each a dispatch
 * on the type's slot tables (tp_as_sequence, tp_as_mapping) and tp_iter/tp_iternext, with
 * CPython's fallbacks and exact error messages. Included by abstract.h; runtime in
 * runtime/sequence_protocol.cc (sequences, mappings, item access) and runtime/iter.cc
 * (iterators).
 *
 * Where Pinion differs from CPython:
 *   - There is no interpreter, so no special methods written in Python: PyObject_LengthHint
 *     uses len() (sq_length/mp_length), then a `__length_hint__` METH_NOARGS method found in
 *     the type's tp_methods (or its bases'), then the default. PySequence_Concat/Repeat fall
 *     back to the left operand's nb_add/nb_multiply only (no reflected operand).
 *   - PyObject_GetItem on a type object calls its __class_getitem__ attribute, if attribute
 *     lookup finds one.
 *
 * Threads: any attached thread. The functions run slots (extension code) and may allocate;
 * mutating a container from two threads at once is the caller's race to avoid.
 */
#ifndef PINION_PYTHON_ABSTRACT_CONTAINERS_H_
#define PINION_PYTHON_ABSTRACT_CONTAINERS_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* ---- Item access beyond abstract.h's Size/GetItem/SetItem/DelItem ---------------------- */

/* del o[key] for a str key given as UTF-8. */
PyAPI_FUNC(int) PyObject_DelItemString(PyObject* o, const char* key);

/* A non-negative estimate of len(o): its len() if it has one (a TypeError from it is
 * ignored), else its __length_hint__ method from tp_methods, else `defaultvalue`. -1 with
 * an exception on other errors. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(Py_ssize_t) PyObject_LengthHint(PyObject* o, Py_ssize_t defaultvalue);
#endif

/* ---- Iterators ------------------------------------------------------------------------- */

/* iter(o): tp_iter, else a sequence iterator (PySeqIter_New) when o has sq_item, else
 * TypeError "'T' object is not iterable". TypeError too when tp_iter returns a non-iterator. */
PyAPI_FUNC(PyObject*) PyObject_GetIter(PyObject* o);
/* 1 if o's type has tp_iternext. */
PyAPI_FUNC(int) PyIter_Check(PyObject* o);
/* The next item (a new reference), or NULL: at the end with no exception set (a
 * StopIteration is cleared), or on error with it set. */
PyAPI_FUNC(PyObject*) PyIter_Next(PyObject* iter);
/* Advances `iter` with `arg`: am_send if the type has one; else tp_iternext when arg is None
 * and iter is an iterator; else iter.send(arg). PYGEN_NEXT with *presult the value yielded;
 * PYGEN_RETURN at the end, with *presult the value StopIteration was raised with (None when
 * none, or when the iterator ended without an exception); PYGEN_ERROR with *presult NULL and
 * an exception set. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
PyAPI_FUNC(PySendResult) PyIter_Send(PyObject* iter, PyObject* arg, PyObject** presult);
#endif
/* tp_iter of iterators: `obj` itself, as a new reference. */
PyAPI_FUNC(PyObject*) PyObject_SelfIter(PyObject* obj);
/* aiter(o): tp_as_async->am_aiter; TypeError "'T' object is not an async iterable", or when
 * it returns something without am_anext. (Pinion has no event loop: what am_anext returns
 * is the extension's business.) */
PyAPI_FUNC(PyObject*) PyObject_GetAIter(PyObject* o);
/* 1 if o's type has tp_as_async->am_anext. */
PyAPI_FUNC(int) PyAIter_Check(PyObject* o);

/* ---- Sequences ------------------------------------------------------------------------- */

/* 1 if o has sq_item and is not a dict. */
PyAPI_FUNC(int) PySequence_Check(PyObject* o);
/* sq_length; TypeError "T is not a sequence" for a mapping. */
PyAPI_FUNC(Py_ssize_t) PySequence_Size(PyObject* o);
PyAPI_FUNC(Py_ssize_t) PySequence_Length(PyObject* o);
#define PySequence_Length PySequence_Size
/* o1 + o2 (sq_concat) and o * count (sq_repeat); the InPlace forms try
 * sq_inplace_concat/sq_inplace_repeat first. */
PyAPI_FUNC(PyObject*) PySequence_Concat(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PySequence_Repeat(PyObject* o, Py_ssize_t count);
PyAPI_FUNC(PyObject*) PySequence_InPlaceConcat(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PySequence_InPlaceRepeat(PyObject* o, Py_ssize_t count);
/* o[i] through sq_item; a negative i has len(o) added first (when sq_length exists). */
PyAPI_FUNC(PyObject*) PySequence_GetItem(PyObject* o, Py_ssize_t i);
/* Unchecked: the type must have sq_item; no negative-index adjustment. */
#ifndef Py_LIMITED_API
#define PySequence_ITEM(o, i) (Py_TYPE(o)->tp_as_sequence->sq_item((o), (i)))
#endif
/* o[i1:i2] through mp_subscript with a slice. */
PyAPI_FUNC(PyObject*) PySequence_GetSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2);
/* o[i] = v / del o[i] through sq_ass_item (negative i adjusted as GetItem does). */
PyAPI_FUNC(int) PySequence_SetItem(PyObject* o, Py_ssize_t i, PyObject* v);
PyAPI_FUNC(int) PySequence_DelItem(PyObject* o, Py_ssize_t i);
/* o[i1:i2] = v / del o[i1:i2] through mp_ass_subscript with a slice. */
PyAPI_FUNC(int) PySequence_SetSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2, PyObject* v);
PyAPI_FUNC(int) PySequence_DelSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2);
/* tuple(o) (an exact tuple is returned itself) and list(o) (always a new list). */
PyAPI_FUNC(PyObject*) PySequence_Tuple(PyObject* o);
PyAPI_FUNC(PyObject*) PySequence_List(PyObject* o);
/* o itself if it is an exact list or tuple, else list(o); TypeError with message `m` when o
 * is not iterable. Read the result with the macros below. */
PyAPI_FUNC(PyObject*) PySequence_Fast(PyObject* o, const char* m);
#define PySequence_Fast_GET_SIZE(o) (PyList_Check(o) ? PyList_GET_SIZE(o) : PyTuple_GET_SIZE(o))
#define PySequence_Fast_GET_ITEM(o, i) \
  (PyList_Check(o) ? PyList_GET_ITEM((o), (i)) : PyTuple_GET_ITEM((o), (i)))
#define PySequence_Fast_ITEMS(sf) \
  (PyList_Check(sf) ? ((PyListObject*)(sf))->ob_item : ((PyTupleObject*)(sf))->ob_item)
/* How many items of o equal value; the index of the first one (ValueError
 * "sequence.index(x): x not in sequence" if none); both by iteration. */
PyAPI_FUNC(Py_ssize_t) PySequence_Count(PyObject* o, PyObject* value);
PyAPI_FUNC(Py_ssize_t) PySequence_Index(PyObject* o, PyObject* value);
/* `value in o`: sq_contains, else by iteration. 1, 0, or -1 with an exception. */
PyAPI_FUNC(int) PySequence_Contains(PyObject* o, PyObject* value);
PyAPI_FUNC(int) PySequence_In(PyObject* o, PyObject* value);
#define PySequence_In PySequence_Contains

/* ---- Mappings -------------------------------------------------------------------------- */

/* 1 if o has mp_subscript (lists, tuples and str too, as in CPython). */
PyAPI_FUNC(int) PyMapping_Check(PyObject* o);
/* mp_length; TypeError "T is not a mapping" for a sequence without mp_length. */
PyAPI_FUNC(Py_ssize_t) PyMapping_Size(PyObject* o);
PyAPI_FUNC(Py_ssize_t) PyMapping_Length(PyObject* o);
#define PyMapping_Length PyMapping_Size
#define PyMapping_DelItem(o, key) PyObject_DelItem((o), (key))
#define PyMapping_DelItemString(o, key) PyObject_DelItemString((o), (key))
/* 1 if o[key] succeeds, else 0 (any error cleared). */
PyAPI_FUNC(int) PyMapping_HasKey(PyObject* o, PyObject* key);
PyAPI_FUNC(int) PyMapping_HasKeyString(PyObject* o, const char* key);
/* Lists of o.keys(), o.values(), o.items() (a dict's directly). */
PyAPI_FUNC(PyObject*) PyMapping_Keys(PyObject* o);
PyAPI_FUNC(PyObject*) PyMapping_Values(PyObject* o);
PyAPI_FUNC(PyObject*) PyMapping_Items(PyObject* o);
/* o[key] with a str key given as UTF-8. */
PyAPI_FUNC(PyObject*) PyMapping_GetItemString(PyObject* o, const char* key);
PyAPI_FUNC(int) PyMapping_SetItemString(PyObject* o, const char* key, PyObject* v);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_ABSTRACT_CONTAINERS_H_ */
