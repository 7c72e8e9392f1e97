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

#include <vector>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"

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

// ---- Sequence and mapping slots ----------------------------------------------------------

Py_ssize_t ListLength(PyObject* self) { return Py_SIZE(self); }

PyObject* ListItem(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= Py_SIZE(self)) {
    PyErr_SetString(PyExc_IndexError, "list index out of range");
    return nullptr;
  }
  return Py_XNewRef(ListItems(self)[i]);
}

PyObject* ListConcat(PyObject* a, PyObject* b) {
  if (!PyList_Check(b)) {
    PyErr_Format(PyExc_TypeError, "can only concatenate list (not \"%.200s\") to list",
                 Py_TYPE(b)->tp_name);
    return nullptr;
  }
  PyObject* result = PyList_New(Py_SIZE(a) + Py_SIZE(b));
  if (result == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < Py_SIZE(a); ++i) {
    PyList_SET_ITEM(result, i, Py_XNewRef(ListItems(a)[i]));
  }
  for (Py_ssize_t i = 0; i < Py_SIZE(b); ++i) {
    PyList_SET_ITEM(result, Py_SIZE(a) + i, Py_XNewRef(ListItems(b)[i]));
  }
  return result;
}

PyObject* ListRepeat(PyObject* self, Py_ssize_t n) {
  const Py_ssize_t size = Py_SIZE(self);
  if (n < 0) n = 0;
  if (size != 0 && n > PY_SSIZE_T_MAX / size) return PyErr_NoMemory();
  PyObject* result = PyList_New(size * n);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < size * n; ++i) {
    PyList_SET_ITEM(result, i, Py_XNewRef(ListItems(self)[i % size]));
  }
  return result;
}

int ListAssItem(PyObject* self, Py_ssize_t i, PyObject* value) {
  if (i < 0 || i >= Py_SIZE(self)) {
    PyErr_SetString(PyExc_IndexError, "list assignment index out of range");
    return -1;
  }
  if (value == nullptr) return PyList_SetSlice(self, i, i + 1, nullptr);
  return PyList_SetItem(self, i, Py_NewRef(value));
}

int ListContains(PyObject* self, PyObject* value) {
  // Size and array read again after each comparison: it may mutate the list.
  for (Py_ssize_t i = 0; i < Py_SIZE(self); ++i) {
    PyObject* item = Py_XNewRef(ListItems(self)[i]);
    if (item == nullptr) continue;
    const int equal = PyObject_RichCompareBool(item, value, Py_EQ);
    Py_DECREF(item);
    if (equal != 0) return equal;
  }
  return 0;
}

PyObject* ListInplaceConcat(PyObject* self, PyObject* other) {
  PyObject* none = ListExtend(self, other);
  if (none == nullptr) return nullptr;
  Py_DECREF(none);
  return Py_NewRef(self);
}

PyObject* ListInplaceRepeat(PyObject* self, Py_ssize_t n) {
  PyObject* repeated = ListRepeat(self, n);
  if (repeated == nullptr) return nullptr;
  const int result = PyList_SetSlice(self, 0, Py_SIZE(self), repeated);
  Py_DECREF(repeated);
  return result < 0 ? nullptr : Py_NewRef(self);
}

PyObject* ListSubscript(PyObject* self, PyObject* key) {
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    if (i < 0) i += Py_SIZE(self);
    return ListItem(self, i);
  }
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
    const Py_ssize_t n = PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
    return ItemsSlice(self, start, step, n, /*tuple=*/false);
  }
  PyErr_Format(PyExc_TypeError, "list indices must be integers or slices, not %.200s",
               Py_TYPE(key)->tp_name);
  return nullptr;
}

// del self[start:stop:step] for an extended slice of n > 0 items (step > 0).
int DeleteExtended(PyObject* self, Py_ssize_t start, Py_ssize_t step, Py_ssize_t n) {
  const Py_ssize_t size = Py_SIZE(self);
  PyObject** items = NewArray(std::max<Py_ssize_t>(size - n, 1));
  if (items == nullptr) return -1;
  // Build the new array while the old one is published; then publish it and release the
  // deleted items (no safepoint in between: PyMem and DECREF are not ones).
  PyObject** old = ListItems(self);
  Py_ssize_t kept = 0;
  for (Py_ssize_t i = 0; i < size; ++i) {
    const bool deleted = i >= start && (i - start) % step == 0 && (i - start) / step < n;
    if (!deleted) items[kept++] = old[i];
  }
  Publish(AsList(self), items, std::max<Py_ssize_t>(size - n, 1), kept);
  for (Py_ssize_t k = 0; k < n; ++k) Py_XDECREF(old[start + k * step]);
  PyMem_Free(old);
  return 0;
}

int ListAssSubscript(PyObject* self, PyObject* key, PyObject* value) {
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return -1;
    if (i < 0) i += Py_SIZE(self);
    return ListAssItem(self, i, value);
  }
  if (!PySlice_Check(key)) {
    PyErr_Format(PyExc_TypeError, "list indices must be integers or slices, not %.200s",
                 Py_TYPE(key)->tp_name);
    return -1;
  }
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(key, &start, &stop, &step) < 0) return -1;
  if (step == 1) {
    PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
    if (value == nullptr || PyList_Check(value) || PyTuple_Check(value)) {
      return PyList_SetSlice(self, start, stop, value);
    }
    PyObject* seq = PySequence_Fast(value, "can only assign an iterable");
    if (seq == nullptr) return -1;
    // Fitted again: iterating `value` may have resized the list.
    PySlice_Unpack(key, &start, &stop, &step);
    PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
    const int result = PyList_SetSlice(self, start, stop, seq);
    Py_DECREF(seq);
    return result;
  }
  if (value == nullptr) {
    Py_ssize_t n = PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
    if (n <= 0) return 0;
    if (step < 0) {  // the same items, visited upwards
      start += step * (n - 1);
      step = -step;
    }
    return DeleteExtended(self, start, step, n);
  }
  PyObject* seq = value == self ? PyList_GetSlice(self, 0, Py_SIZE(self))
                                : PySequence_Fast(value, "must assign iterable to extended slice");
  if (seq == nullptr) return -1;
  const Py_ssize_t n = PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
  const Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
  if (count != n) {
    PyErr_Format(PyExc_ValueError,
                 "attempt to assign sequence of size %zd to extended slice of size %zd", count,
                 n);
    Py_DECREF(seq);
    return -1;
  }
  // Store the new items (no safepoint while the slots change), then release the old ones.
  std::vector<PyObject*> replaced(static_cast<size_t>(n));
  PyObject** source = PySequence_Fast_ITEMS(seq);
  for (Py_ssize_t i = 0, cur = start; i < n; ++i, cur += step) {
    replaced[i] = ListItems(self)[cur];
    ListItems(self)[cur] = Py_XNewRef(source[i]);
  }
  for (PyObject* old : replaced) Py_XDECREF(old);
  Py_DECREF(seq);
  return 0;
}

PySequenceMethods kListAsSequence = {
    .sq_length = &ListLength,
    .sq_concat = &ListConcat,
    .sq_repeat = &ListRepeat,
    .sq_item = &ListItem,
    .sq_ass_item = &ListAssItem,
    .sq_contains = &ListContains,
    .sq_inplace_concat = &ListInplaceConcat,
    .sq_inplace_repeat = &ListInplaceRepeat,
};

PyMappingMethods kListAsMapping = {
    .mp_length = &ListLength,
    .mp_subscript = &ListSubscript,
    .mp_ass_subscript = &ListAssSubscript,
};

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

PyObject* ListExtend(PyObject* list, PyObject* iterable) {
  if (PyList_Check(iterable) || PyTuple_Check(iterable)) {
    if (PyList_SetSlice(list, Py_SIZE(list), Py_SIZE(list), iterable) < 0) return nullptr;
    Py_RETURN_NONE;
  }
  PyObject* it = PyObject_GetIter(iterable);
  if (it == nullptr) return nullptr;
  for (;;) {
    PyObject* item = PyIter_Next(it);
    if (item == nullptr) break;
    const int appended = PyList_Append(list, item);
    Py_DECREF(item);
    if (appended < 0) break;
  }
  Py_DECREF(it);
  if (PyErr_Occurred()) return nullptr;
  Py_RETURN_NONE;
}

// Sorts items[0, n) by `<` (PyObject_RichCompareBool), stably: a bottom-up merge sort that
// stays in bounds whatever the comparisons answer (a user's __lt__ need not be a strict weak
// order). After the first failed comparison no more are made and false is returned, with the
// exception set and the items a permutation of what they were.
bool StableSortByLess(PyObject** items, Py_ssize_t n) {
  std::vector<PyObject*> scratch(static_cast<size_t>(n));
  bool ok = true;
  auto less = [&ok](PyObject* a, PyObject* b) {
    if (!ok) return false;
    const int lt = PyObject_RichCompareBool(a, b, Py_LT);
    if (lt < 0) ok = false;
    return lt > 0;
  };
  for (Py_ssize_t width = 1; width < n; width *= 2) {
    for (Py_ssize_t lo = 0; lo < n - width; lo += 2 * width) {
      const Py_ssize_t mid = lo + width, hi = std::min(lo + 2 * width, n);
      Py_ssize_t i = lo, j = mid, k = lo;
      // Take from the right run only when it is strictly less: equal items keep their order.
      while (i < mid && j < hi) scratch[k++] = less(items[j], items[i]) ? items[j++] : items[i++];
      while (i < mid) scratch[k++] = items[i++];
      while (j < hi) scratch[k++] = items[j++];
      std::copy(scratch.begin() + lo, scratch.begin() + hi, items + lo);
    }
  }
  return ok;
}

}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyList_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "list",
    .tp_basicsize = sizeof(PyListObject),
    .tp_dealloc = &ListDealloc,
    .tp_repr = &ListRepr,
    .tp_as_sequence = &kListAsSequence,
    .tp_as_mapping = &kListAsMapping,
    .tp_hash = &PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE |
                Py_TPFLAGS_LIST_SUBCLASS | Py_TPFLAGS_SEQUENCE,
    .tp_doc = "Built-in mutable sequence.",
    .tp_traverse = &ListTraverse,
    .tp_richcompare = &ListRichCompare,
    .tp_iter = &ListIter,
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

// As CPython's list.sort(): while the comparisons run the list is empty, with `allocated`
// -1 as a sentinel (every change to a list publishes a new array and resets it), so that a
// comparison changing the list is seen afterwards: ValueError "list modified during sort",
// what it added dropped. The items stay pinned by the list throughout, in the unpublished
// array.
extern "C" int PyList_Sort(PyObject* list) {
  if (list == nullptr || !PyList_Check(list)) {
    PyErr_BadInternalCall();
    return -1;
  }
  PyListObject* self = AsList(list);
  PyObject** empty = NewArray(1);
  if (empty == nullptr) return -1;
  const Py_ssize_t size = Py_SIZE(list), capacity = self->allocated;
  PyObject** items = Publish(self, empty, /*capacity=*/-1, 0);
  const bool sorted = StableSortByLess(items, size);
  const bool modified = self->allocated != -1 || Py_SIZE(list) != 0;
  const Py_ssize_t added = Py_SIZE(list);
  PyObject** during = Publish(self, items, capacity, size);
  for (Py_ssize_t i = 0; i < added; ++i) Py_XDECREF(during[i]);
  PyMem_Free(during);
  if (!sorted) return -1;
  if (modified) {
    PyErr_SetString(PyExc_ValueError, "list modified during sort");
    return -1;
  }
  return 0;
}

extern "C" PyObject* _PyList_Extend(PyListObject* list, PyObject* iterable) {
  if (list == nullptr || !PyList_Check(list)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  return ListExtend(reinterpret_cast<PyObject*>(list), iterable);
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
