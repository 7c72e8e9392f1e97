/* Sets and frozensets (CPython 3.11's setobject.h): PySet_Type, PyFrozenSet_Type, the
 * set_iterator type and the PySet_* / PyFrozenSet_* API.
 *
 * The table is CPython's (open addressing with a run of linear probes before each perturbed
 * jump, dummies left by deletions, resized at 3/5 full), so iteration order, repr and the
 * frozenset hash are CPython's for keys whose hashes are (ints, floats, tuples of them; str
 * hashes differ: Pinion's are unseeded). A set is a GC object, tracked from birth:
 * tp_traverse visits every active key, each a pin the set owns; keys are compared (code that
 * may allocate, i.e. a safepoint) only while the table is consistent.
 *
 * Where Pinion differs: CPython's PySet_Add accepts a frozenset only while Py_REFCNT is 1
 * (freshly made, to fill it); Pinion cannot know that (Py_REFCNT is never 1) and accepts a
 * frozenset whose hash has not been computed yet. As with tuples, filling one that others
 * have seen is the caller's bug.
 *
 * Threads: any attached thread. There is no GIL: mutating one set from two threads at once
 * (or iterating it while another thread mutates it) is the caller's race to avoid.
 */
#ifndef PINION_PYTHON_SETOBJECT_H_
#define PINION_PYTHON_SETOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PySet_Type;
PyAPI_DATA(PyTypeObject) PyFrozenSet_Type;
PyAPI_DATA(PyTypeObject) PySetIter_Type;

/* A new set (frozenset) of the items of `iterable` (NULL: empty); NULL with an exception,
 * TypeError for an unhashable item ("unhashable type: 'list'"). */
PyAPI_FUNC(PyObject*) PySet_New(PyObject* iterable);
PyAPI_FUNC(PyObject*) PyFrozenSet_New(PyObject* iterable);
/* Adds `key` (INCREF'd): 0, or -1 with an exception (SystemError for a non-set). */
PyAPI_FUNC(int) PySet_Add(PyObject* set, PyObject* key);
/* Empties a set: 0, or -1 with SystemError for a non-set. */
PyAPI_FUNC(int) PySet_Clear(PyObject* set);
/* 1 if `key` is in the set or frozenset, 0 if not, -1 with an exception. */
PyAPI_FUNC(int) PySet_Contains(PyObject* anyset, PyObject* key);
/* Removes `key` from a set: 1 if found, 0 if not, -1 with an exception. */
PyAPI_FUNC(int) PySet_Discard(PyObject* set, PyObject* key);
/* Removes and returns (a new reference) an arbitrary item; KeyError "pop from an empty
 * set" when empty. */
PyAPI_FUNC(PyObject*) PySet_Pop(PyObject* set);
/* The number of items of a set or frozenset; -1 with SystemError for anything else. */
PyAPI_FUNC(Py_ssize_t) PySet_Size(PyObject* anyset);

#define PyFrozenSet_CheckExact(ob) Py_IS_TYPE(ob, &PyFrozenSet_Type)
#define PyFrozenSet_Check(ob) \
  (Py_IS_TYPE(ob, &PyFrozenSet_Type) || PyType_IsSubtype(Py_TYPE(ob), &PyFrozenSet_Type))
#define PyAnySet_CheckExact(ob) (Py_IS_TYPE(ob, &PySet_Type) || Py_IS_TYPE(ob, &PyFrozenSet_Type))
#define PyAnySet_Check(ob)                                                           \
  (Py_IS_TYPE(ob, &PySet_Type) || Py_IS_TYPE(ob, &PyFrozenSet_Type) ||               \
   PyType_IsSubtype(Py_TYPE(ob), &PySet_Type) ||                                     \
   PyType_IsSubtype(Py_TYPE(ob), &PyFrozenSet_Type))
#define PySet_CheckExact(op) Py_IS_TYPE(op, &PySet_Type)
#define PySet_Check(ob) (Py_IS_TYPE(ob, &PySet_Type) || PyType_IsSubtype(Py_TYPE(ob), &PySet_Type))

#ifndef Py_LIMITED_API
#define PySet_MINSIZE 8

/* A slot: unused (key NULL, hash 0), dummy (a deleted key: hash -1, key a sentinel that is
 * never dereferenced) or active. */
typedef struct {
  PyObject* key;
  Py_hash_t hash;
} setentry;

typedef struct {
  PyObject_HEAD
  Py_ssize_t fill;   /* active and dummy slots */
  Py_ssize_t used;   /* active slots */
  Py_ssize_t mask;   /* slots - 1 (a power of two) */
  setentry* table;   /* smalltable, or a PyMem block the set owns */
  Py_hash_t hash;    /* frozensets: the cached hash, -1 until computed; sets: -1 */
  Py_ssize_t finger; /* where PySet_Pop looks next */
  setentry smalltable[PySet_MINSIZE];
  PyObject* weakreflist;
} PySetObject;

#define PySet_GET_SIZE(so) (assert(PyAnySet_Check(so)), (((PySetObject*)(so))->used))
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_SETOBJECT_H_ */
