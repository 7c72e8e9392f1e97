// Lists (listobject.h): PyList_Type and the PyList_* API.
//
// Owns: each list's item array ob_item — malloc'd (PyMem_*), freed by tp_dealloc or when
// replaced — and the items in it, each NULL or a pin the list owns.
//
// Why malloc'd and not a heap object: extension code indexes ob_item directly (it is
// CPython's layout), the array is only ever reached through its one list (tp_traverse visits
// the items, the collector never needs to see the array itself), and its lifetime is exactly
// the list's, ended deterministically by tp_dealloc — a heap array would need a type of its
// own, a second trace and a second object per list for nothing.
//
// Invariants, at every safepoint (a pause may run tp_traverse then; allocation is a
// safepoint, Py_INCREF/Py_DECREF, malloc and plain stores are not): ob_item holds
// `allocated` >= 1 slots (never NULL once PyList_New returned), [0, ob_size) are items or
// NULL, the rest NULL. The array is replaced by building the new one, publishing it, then
// freeing the old one; released items are DECREF'd only once no published slot holds them.
//
// Threads: any attached thread; mutating one list from two threads at once (or reading it
// while another thread mutates it) is the caller's race to avoid (there is no GIL).
#include <algorithm>
#include <cstring>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

PyListObject* AsList(PyObject* op) { return reinterpret_cast<PyListObject*>(op); }
PyObject** ListItems(PyObject* op) { return AsList(op)->ob_item; }

// Publishes `items` (`capacity` slots, the first `size` of them the items) as the list's
// array; returns the old one, for the caller to free once it has released what it must.
PyObject** Publish(PyListObject* list, PyObject** items, Py_ssize_t capacity, Py_ssize_t size) {
  PyObject** old = list->ob_item;
  list->ob_item = items;
  list->allocated = capacity;
  Py_SET_SIZE(list, size);
  return old;
}

// A zeroed array of `n` >= 1 slots, or nullptr with MemoryError.
PyObject** NewArray(Py_ssize_t n) {
  auto** items = static_cast<PyObject**>(
      n <= PY_SSIZE_T_MAX / static_cast<Py_ssize_t>(sizeof(PyObject*))
          ? PyMem_Calloc(n, sizeof(PyObject*))
          : nullptr);
  if (items == nullptr) PyErr_NoMemory();
  return items;
}

// Makes room for `needed` items, growing by CPython's over-allocation (about 1/8) so that
// appends are amortised O(1). false with MemoryError.
bool Reserve(PyListObject* list, Py_ssize_t needed) {
  if (needed <= list->allocated) return true;
  const Py_ssize_t capacity = needed + (needed >> 3) + (needed < 9 ? 3 : 6);
  PyObject** items = NewArray(capacity);
  if (items == nullptr) return false;
  std::memcpy(items, list->ob_item, Py_SIZE(list) * sizeof(PyObject*));
  PyMem_Free(Publish(list, items, capacity, Py_SIZE(list)));
  return true;
}

// Slice bounds clamped as Python clamps them (no negative indices: CPython's C API).
void ClampSlice(Py_ssize_t size, Py_ssize_t* low, Py_ssize_t* high) {
  *low = std::clamp<Py_ssize_t>(*low, 0, size);
  *high = std::clamp<Py_ssize_t>(*high, *low, size);
}

bool CheckList(PyObject* op) {
  if (op != nullptr && PyList_Check(op)) return true;
  PyErr_BadInternalCall();
  return false;
}

int ListTraverse(PyObject* self, visitproc visit, void* arg) {
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) Py_VISIT(ListItems(self)[i]);
  return 0;
}

void ListDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) Py_XDECREF(ListItems(self)[i]);
  PyMem_Free(ListItems(self));
  Py_TYPE(self)->tp_free(self);
}

PyObject* ListRepr(PyObject* self) { return SequenceRepr(self, &ListItems, /*tuple=*/false); }

PyObject* ListRichCompare(PyObject* v, PyObject* w, int op) {
  if (!PyList_Check(v) || !PyList_Check(w)) return Py_NewRef(Py_NotImplemented);
  return CompareSequences(v, w, op, &ListItems);
}

// list.__new__ for list and its subtypes: an empty list of `type` from its tp_alloc, with
// the one-slot array every list has.
PyObject* ListNew(PyTypeObject* type, PyObject*, PyObject*) {
  PyObject* self = type->tp_alloc(type, 0);
  if (self == nullptr) return nullptr;
  PyObject** items = NewArray(1);
  if (items == nullptr) {
    Py_DECREF(self);
    return nullptr;
  }
  Publish(AsList(self), items, 1, 0);
  return self;
}

// The items of `iterable` as a new list. Pinion has no general iteration yet: lists, tuples
// and dicts (their keys) are accepted; other objects raise TypeError "not iterable".
PyObject* ItemsOf(PyObject* iterable) {
  if (PyDict_Check(iterable)) return PyDict_Keys(iterable);
  if (PyList_Check(iterable)) return PyList_GetSlice(iterable, 0, Py_SIZE(iterable));
  if (PyTuple_Check(iterable)) {
    PyObject* list = PyList_New(PyTuple_GET_SIZE(iterable));
    if (list == nullptr) return nullptr;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(iterable); ++i) {
      PyList_SET_ITEM(list, i, Py_NewRef(PyTuple_GET_ITEM(iterable, i)));
    }
    return list;
  }
  return PyErr_Format(PyExc_TypeError, "'%.200s' object is not iterable",
                      Py_TYPE(iterable)->tp_name);
}

// list.__init__(self, iterable=()), as CPython's: the list is emptied, then extended.
int ListInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  if (Py_TYPE(self)->tp_new == &ListNew && kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "list() takes no keyword arguments");
    return -1;
  }
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  if (nargs > 1) {
    PyErr_Format(PyExc_TypeError, "list expected at most 1 argument, got %zd", nargs);
    return -1;
  }
  PyObject* items = nargs == 1 ? ItemsOf(PyTuple_GET_ITEM(args, 0)) : nullptr;
  if (nargs == 1 && items == nullptr) return -1;
  int result = PyList_SetSlice(self, 0, Py_SIZE(self), nullptr);
  if (result == 0 && items != nullptr) result = PyList_SetSlice(self, 0, 0, items);
  Py_XDECREF(items);
  return result;
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyList_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "list",
    .tp_basicsize = sizeof(PyListObject),
    .tp_dealloc = &ListDealloc,
    .tp_repr = &ListRepr,
    .tp_hash = &PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE |
                Py_TPFLAGS_LIST_SUBCLASS,
    .tp_doc = "Built-in mutable sequence.",
    .tp_traverse = &ListTraverse,
    .tp_richcompare = &ListRichCompare,
    .tp_init = &ListInit,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &ListNew,
    .tp_free = &PyObject_GC_Del,
};

extern "C" PyObject* PyList_New(Py_ssize_t size) {
  if (size < 0) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  PyObject* list = AllocObject(&PyList_Type, sizeof(PyListObject), /*gc=*/true);
  if (list == nullptr) return nullptr;
  const Py_ssize_t capacity = std::max<Py_ssize_t>(size, 1);  // ob_item is never NULL
  PyObject** items = NewArray(capacity);
  if (items == nullptr) {
    Py_DECREF(list);  // untracked and empty: tp_dealloc has nothing to release
    return nullptr;
  }
  Publish(AsList(list), items, capacity, size);
  PyObject_GC_Track(list);
  return list;
}

extern "C" Py_ssize_t PyList_Size(PyObject* list) {
  return CheckList(list) ? Py_SIZE(list) : -1;
}

extern "C" PyObject* PyList_GetItem(PyObject* list, Py_ssize_t index) {
  if (!CheckList(list)) return nullptr;
  if (index < 0 || index >= Py_SIZE(list)) {
    PyErr_SetString(PyExc_IndexError, "list index out of range");
    return nullptr;
  }
  return ListItems(list)[index];
}

extern "C" PyObject* _PyPinion_List_GetItemRef(PyObject* list, Py_ssize_t index) {
  if (list == nullptr || !PyList_Check(list)) {
    PyErr_SetString(PyExc_TypeError, "expected a list");
    return nullptr;
  }
  return Py_XNewRef(PyList_GetItem(list, index));
}

extern "C" int PyList_SetItem(PyObject* list, Py_ssize_t index, PyObject* item) {
  if (!CheckList(list)) {
    Py_XDECREF(item);
    return -1;
  }
  if (index < 0 || index >= Py_SIZE(list)) {
    Py_XDECREF(item);
    PyErr_SetString(PyExc_IndexError, "list assignment index out of range");
    return -1;
  }
  PyObject* old = ListItems(list)[index];
  ListItems(list)[index] = item;
  Py_XDECREF(old);
  return 0;
}

extern "C" int PyList_Insert(PyObject* list, Py_ssize_t index, PyObject* item) {
  if (!CheckList(list) || item == nullptr) {
    if (item == nullptr) PyErr_BadInternalCall();
    return -1;
  }
  const Py_ssize_t size = Py_SIZE(list);
  if (index < 0) index = std::max<Py_ssize_t>(index + size, 0);
  index = std::min(index, size);
  if (!Reserve(AsList(list), size + 1)) return -1;
  Py_INCREF(item);  // before the move: from here to the size update there is no safepoint
  PyObject** items = ListItems(list);
  std::memmove(items + index + 1, items + index, (size - index) * sizeof(PyObject*));
  items[index] = item;
  Py_SET_SIZE(list, size + 1);
  return 0;
}

extern "C" int PyList_Append(PyObject* list, PyObject* item) {
  if (!CheckList(list) || item == nullptr) {
    if (item == nullptr) PyErr_BadInternalCall();
    return -1;
  }
  const Py_ssize_t size = Py_SIZE(list);
  if (!Reserve(AsList(list), size + 1)) return -1;
  ListItems(list)[size] = Py_NewRef(item);
  Py_SET_SIZE(list, size + 1);
  return 0;
}

extern "C" PyObject* PyList_GetSlice(PyObject* list, Py_ssize_t low, Py_ssize_t high) {
  if (!CheckList(list)) return nullptr;
  ClampSlice(Py_SIZE(list), &low, &high);
  PyObject* slice = PyList_New(high - low);
  if (slice == nullptr) return nullptr;
  for (Py_ssize_t i = low; i < high; ++i) {
    PyList_SET_ITEM(slice, i - low, Py_XNewRef(ListItems(list)[i]));
  }
  return slice;
}

extern "C" int PyList_SetSlice(PyObject* list, Py_ssize_t low, Py_ssize_t high,
                               PyObject* itemlist) {
  if (!CheckList(list)) return -1;
  // The new items, pinned for the call (a copy when the list is assigned to itself).
  PyObject* source = itemlist == list ? PyList_GetSlice(list, 0, Py_SIZE(list))
                                      : Py_XNewRef(itemlist);
  if (itemlist != nullptr && source == nullptr) return -1;
  Py_ssize_t count = 0;
  PyObject** new_items = nullptr;
  if (source != nullptr) {
    if (PyList_Check(source)) {
      count = Py_SIZE(source);
      new_items = ListItems(source);
    } else if (PyTuple_Check(source)) {
      count = Py_SIZE(source);
      new_items = reinterpret_cast<PyTupleObject*>(source)->ob_item;
    } else {
      PyErr_Format(PyExc_TypeError, "can only assign a list or tuple to a list slice, not %s",
                   Py_TYPE(source)->tp_name);
      Py_DECREF(source);
      return -1;
    }
  }
  const Py_ssize_t size = Py_SIZE(list);
  ClampSlice(size, &low, &high);
  const Py_ssize_t new_size = size - (high - low) + count;
  const Py_ssize_t capacity = std::max<Py_ssize_t>(new_size, 1);
  PyObject** items = NewArray(capacity);
  if (items == nullptr) {
    Py_XDECREF(source);
    return -1;
  }
  // Build the new array while the old one is still the published one (Py_INCREF may be a
  // safepoint), publish it, then release the replaced items and the old array.
  std::memcpy(items, ListItems(list), low * sizeof(PyObject*));
  for (Py_ssize_t i = 0; i < count; ++i) items[low + i] = Py_XNewRef(new_items[i]);
  std::memcpy(items + low + count, ListItems(list) + high, (size - high) * sizeof(PyObject*));
  PyObject** old = Publish(AsList(list), items, capacity, new_size);
  for (Py_ssize_t i = low; i < high; ++i) Py_XDECREF(old[i]);
  PyMem_Free(old);
  Py_XDECREF(source);
  return 0;
}

extern "C" int PyList_Reverse(PyObject* list) {
  if (!CheckList(list)) return -1;
  std::reverse(ListItems(list), ListItems(list) + Py_SIZE(list));
  return 0;
}

extern "C" PyObject* PyList_AsTuple(PyObject* list) {
  if (!CheckList(list)) return nullptr;
  PyObject* tuple = PyTuple_New(Py_SIZE(list));
  if (tuple == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < Py_SIZE(tuple); ++i) {
    PyTuple_SET_ITEM(tuple, i, Py_XNewRef(ListItems(list)[i]));
  }
  return tuple;
}
