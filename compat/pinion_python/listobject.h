/* Lists: mutable sequences (CPython's layout: a header plus a separately allocated item
 * array).
 *
 * Owns: PyList_Type and the PyList_* API (runtime in runtime/list.cc).
 *
 * ob_item is malloc'd memory (PyMem_*) owned by the list, not a heap object: extension code
 * indexes it directly (PyList_GET_ITEM), the collector reaches the items only through the
 * list's tp_traverse, and tp_dealloc frees it. Items [0, ob_size) are NULL or pins the list
 * owns; slots [ob_size, allocated) are NULL. Those are invariants at every safepoint, since
 * a collection may run tp_traverse in any pause: the array grows by allocating a new one,
 * copying, publishing it, and only then freeing the old one.
 *
 * Threads: any attached thread. There is no GIL: mutating one list from two threads at once
 * (or reading it while another thread mutates it) is the caller's race to avoid.
 */
#ifndef PINION_PYTHON_LISTOBJECT_H_
#define PINION_PYTHON_LISTOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#ifndef Py_LIMITED_API
typedef struct {
  PyObject_VAR_HEAD
  /* ob_size items, then NULL slots up to `allocated`. */
  PyObject** ob_item;
  Py_ssize_t allocated;
} PyListObject;
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyList_Type;

#define PyList_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_LIST_SUBCLASS)
#define PyList_CheckExact(op) Py_IS_TYPE((op), &PyList_Type)

/* A new list of `size` NULL items (fill them with PyList_SET_ITEM before other use). */
PyAPI_FUNC(PyObject*) PyList_New(Py_ssize_t size);
/* -1 with SystemError if `list` is not a list. */
PyAPI_FUNC(Py_ssize_t) PyList_Size(PyObject* list);
/* Borrowed; NULL with IndexError out of range (no negative indices). */
PyAPI_FUNC(PyObject*) PyList_GetItem(PyObject* list, Py_ssize_t index);
/* A new reference (3.13); NULL with IndexError, or TypeError if `list` is not a list. */
PyAPI_FUNC(PyObject*) _PyPinion_List_GetItemRef(PyObject* list, Py_ssize_t index);
/* Steals `item`, also on error; releases the item it replaces. */
PyAPI_FUNC(int) PyList_SetItem(PyObject* list, Py_ssize_t index, PyObject* item);
/* Inserts before `index` (clamped to [0, size], negative counts from the end); does not
 * steal. */
PyAPI_FUNC(int) PyList_Insert(PyObject* list, Py_ssize_t index, PyObject* item);
/* Does not steal. */
PyAPI_FUNC(int) PyList_Append(PyObject* list, PyObject* item);
/* A new list of list[low:high] (bounds clamped). */
PyAPI_FUNC(PyObject*) PyList_GetSlice(PyObject* list, Py_ssize_t low, Py_ssize_t high);
/* list[low:high] = itemlist (a list or tuple, not stolen); itemlist NULL deletes the
 * slice. */
PyAPI_FUNC(int) PyList_SetSlice(PyObject* list, Py_ssize_t low, Py_ssize_t high,
                                PyObject* itemlist);
PyAPI_FUNC(int) PyList_Reverse(PyObject* list);
/* A new tuple of the list's items. */
PyAPI_FUNC(PyObject*) PyList_AsTuple(PyObject* list);

/* Sorts the list in place by `<` (PyObject_RichCompareBool), stably, as list.sort(): 0, or
 * -1 with the comparison's exception (the items then in some order) or with ValueError "list
 * modified during sort" when a comparison changed the list (it looks empty meanwhile). */
PyAPI_FUNC(int) PyList_Sort(PyObject* list);

#ifndef Py_LIMITED_API
/* Unchecked access. SET_ITEM steals `v` and does not release the old item (as CPython): use
 * it to fill a fresh list. */
static inline Py_ssize_t PyList_GET_SIZE(PyObject* op) { return Py_SIZE(op); }
#define PyList_GET_SIZE(op) PyList_GET_SIZE(_PyObject_CAST(op))
#define PyList_GET_ITEM(op, i) (((PyListObject*)(op))->ob_item[i])
static inline void PyList_SET_ITEM(PyObject* op, Py_ssize_t i, PyObject* v) {
  ((PyListObject*)op)->ob_item[i] = v;
}
#define PyList_SET_ITEM(op, i, v) PyList_SET_ITEM(_PyObject_CAST(op), (i), _PyObject_CAST(v))
/* CPython 3.11's private list.extend(iterable): None (a new reference), or NULL with an
 * exception. */
PyAPI_FUNC(PyObject*) _PyList_Extend(PyListObject* list, PyObject* iterable);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_LISTOBJECT_H_ */
