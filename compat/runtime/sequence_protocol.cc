// The sequence and mapping protocols (abstract.h, abstract_containers.h): len, item access,
// PySequence_* and PyMapping_*, each a dispatch on tp_as_sequence/tp_as_mapping with
// CPython 3.11's fallbacks and error messages; and the index helpers (sequences.h) that
// stand in for the number protocol's PyIndex_Check/PyNumber_AsSsize_t.
//
// Invariant: slots run extension code that may allocate (a safepoint) and mutate what it is
// given; what these functions hold across such calls is pinned (a new reference).
//
// Threads: any attached thread.
#include <cstring>

#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"

namespace pinion::compat {
namespace {

PyObject* NullError() {
  if (!PyErr_Occurred()) {
    PyErr_SetString(PyExc_SystemError, "null argument to internal routine");
  }
  return nullptr;
}

// TypeError with `format`, whose one %s is o's type name.
PyObject* TypeError(const char* format, PyObject* o) {
  PyErr_Format(PyExc_TypeError, format, Py_TYPE(o)->tp_name);
  return nullptr;
}

PySequenceMethods* Seq(PyObject* o) { return Py_TYPE(o)->tp_as_sequence; }
PyMappingMethods* Map(PyObject* o) { return Py_TYPE(o)->tp_as_mapping; }

bool HasLength(PyObject* o) {
  return (Seq(o) != nullptr && Seq(o)->sq_length != nullptr) ||
         (Map(o) != nullptr && Map(o)->mp_length != nullptr);
}

// i, with len(o) added when it is negative and o has sq_length; false with an exception.
bool AdjustNegative(PyObject* o, Py_ssize_t* i) {
  if (*i >= 0 || Seq(o)->sq_length == nullptr) return true;
  const Py_ssize_t length = Seq(o)->sq_length(o);
  if (length < 0) return false;
  *i += length;
  return true;
}

// The left operand's number slot at `offset` (nb_add...), or nullptr.
binaryfunc NumberSlot(PyObject* o, binaryfunc PyNumberMethods::*slot) {
  PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;
  return nb != nullptr ? nb->*slot : nullptr;
}

// `a op b` through a's number slot when it takes it (not NotImplemented); else nullptr with
// the TypeError `format` (naming a's type).
PyObject* NumberFallback(PyObject* a, PyObject* b, binaryfunc slot, const char* format) {
  if (slot != nullptr) {
    PyObject* result = slot(a, b);
    if (result != Py_NotImplemented) return result;
    Py_DECREF(result);
  }
  return TypeError(format, a);
}

enum class Search { kCount, kIndex, kContains };

// CPython's _PySequence_IterSearch: count, first index, or membership of `value` in `seq`,
// by iteration; -1 with an exception.
Py_ssize_t IterSearch(PyObject* seq, PyObject* value, Search operation) {
  if (seq == nullptr || value == nullptr) {
    NullError();
    return -1;
  }
  PyObject* it = PyObject_GetIter(seq);
  if (it == nullptr) {
    if (PyErr_ExceptionMatches(PyExc_TypeError)) {
      TypeError("argument of type '%.200s' is not iterable", seq);
    }
    return -1;
  }
  Py_ssize_t n = 0;
  for (;;) {
    PyObject* item = PyIter_Next(it);
    if (item == nullptr) {
      if (PyErr_Occurred()) n = -1;
      else if (operation == Search::kIndex) {
        PyErr_SetString(PyExc_ValueError, "sequence.index(x): x not in sequence");
        n = -1;
      } else if (operation == Search::kContains) {
        n = 0;
      }
      break;
    }
    const int equal = PyObject_RichCompareBool(item, value, Py_EQ);
    Py_DECREF(item);
    if (equal < 0) {
      n = -1;
      break;
    }
    if (equal > 0 && operation != Search::kCount) {
      if (operation == Search::kContains) n = 1;
      break;
    }
    if (equal > 0 || operation == Search::kIndex) ++n;
  }
  Py_DECREF(it);
  return n;
}

// A list of o.<method>() (CPython's method_output_as_list).
PyObject* MethodOutputAsList(PyObject* o, const char* method) {
  PyObject* output = PyObject_CallMethod(o, method, nullptr);
  if (output == nullptr || PyList_CheckExact(output)) return output;
  PyObject* it = PyObject_GetIter(output);
  if (it == nullptr) {
    if (PyErr_ExceptionMatches(PyExc_TypeError)) {
      PyErr_Format(PyExc_TypeError, "%.200s.%s() returned a non-iterable (type %.200s)",
                   Py_TYPE(o)->tp_name, method, Py_TYPE(output)->tp_name);
    }
    Py_DECREF(output);
    return nullptr;
  }
  Py_DECREF(output);
  PyObject* result = PySequence_List(it);
  Py_DECREF(it);
  return result;
}

}  // namespace

// ---- Index helpers (sequences.h) -------------------------------------------------------------

PyObject* ItemsSlice(PyObject* seq, Py_ssize_t start, Py_ssize_t step, Py_ssize_t n,
                     bool tuple) {
  PyObject* result = tuple ? PyTuple_New(n) : PyList_New(n);
  if (result == nullptr) return nullptr;
  // The array is read after the allocation (a safepoint), as PyList_GetSlice does.
  PyObject* const* items = PyList_Check(seq) ? reinterpret_cast<PyListObject*>(seq)->ob_item
                                             : reinterpret_cast<PyTupleObject*>(seq)->ob_item;
  for (Py_ssize_t i = 0, cur = start; i < n; ++i, cur += step) {
    PyObject* item = Py_XNewRef(items[cur]);
    if (tuple) {
      PyTuple_SET_ITEM(result, i, item);
    } else {
      PyList_SET_ITEM(result, i, item);
    }
  }
  return result;
}

}  // namespace pinion::compat

using namespace pinion::compat;

// ---- Item access ---------------------------------------------------------------------------

extern "C" Py_ssize_t PyObject_Size(PyObject* o) {
  if (o == nullptr) {
    NullError();
    return -1;
  }
  if (Seq(o) != nullptr && Seq(o)->sq_length != nullptr) return Seq(o)->sq_length(o);
  return PyMapping_Size(o);
}

extern "C" PyObject* PyObject_GetItem(PyObject* o, PyObject* key) {
  if (o == nullptr || key == nullptr) return NullError();
  if (Map(o) != nullptr && Map(o)->mp_subscript != nullptr) return Map(o)->mp_subscript(o, key);
  if (Seq(o) != nullptr && Seq(o)->sq_item != nullptr) {
    if (!PyIndex_Check(key)) return TypeError("sequence index must be integer, not '%.200s'", key);
    const Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    return PySequence_GetItem(o, i);
  }
  if (PyType_Check(o)) {
    PyObject* method = PyObject_GetAttrString(o, "__class_getitem__");
    if (method != nullptr) {
      PyObject* result = PyObject_CallOneArg(method, key);
      Py_DECREF(method);
      return result;
    }
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) return nullptr;
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "type '%.200s' is not subscriptable",
                 reinterpret_cast<PyTypeObject*>(o)->tp_name);
    return nullptr;
  }
  return TypeError("'%.200s' object is not subscriptable", o);
}

// o[key] = value, or del o[key] when value is nullptr.
static int AssignItem(PyObject* o, PyObject* key, PyObject* value) {
  if (Map(o) != nullptr && Map(o)->mp_ass_subscript != nullptr) {
    return Map(o)->mp_ass_subscript(o, key, value);
  }
  if (Seq(o) != nullptr) {
    if (PyIndex_Check(key)) {
      const Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
      if (i == -1 && PyErr_Occurred()) return -1;
      return value != nullptr ? PySequence_SetItem(o, i, value) : PySequence_DelItem(o, i);
    }
    if (Seq(o)->sq_ass_item != nullptr) {
      TypeError("sequence index must be integer, not '%.200s'", key);
      return -1;
    }
  }
  // (CPython's wording: PySequence_DelItem says "doesn't", PyObject_DelItem "does not".)
  TypeError(value != nullptr ? "'%.200s' object does not support item assignment"
                             : "'%.200s' object does not support item deletion",
            o);
  return -1;
}

extern "C" int PyObject_SetItem(PyObject* o, PyObject* key, PyObject* v) {
  if (o == nullptr || key == nullptr || v == nullptr) {
    NullError();
    return -1;
  }
  return AssignItem(o, key, v);
}

extern "C" int PyObject_DelItem(PyObject* o, PyObject* key) {
  if (o == nullptr || key == nullptr) {
    NullError();
    return -1;
  }
  return AssignItem(o, key, nullptr);
}

extern "C" int PyObject_DelItemString(PyObject* o, const char* key) {
  if (o == nullptr || key == nullptr) {
    NullError();
    return -1;
  }
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  const int result = PyObject_DelItem(o, k);
  Py_DECREF(k);
  return result;
}

extern "C" Py_ssize_t PyObject_LengthHint(PyObject* o, Py_ssize_t defaultvalue) {
  if (HasLength(o)) {
    const Py_ssize_t length = PyObject_Size(o);
    if (length >= 0) return length;
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
    PyErr_Clear();
  }
  PyObject* method = LookupSpecialMethod(o, "__length_hint__");
  if (method == nullptr) return PyErr_Occurred() ? -1 : defaultvalue;
  PyObject* result = PyObject_CallNoArgs(method);
  Py_DECREF(method);
  if (result == nullptr) {
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
    PyErr_Clear();
    return defaultvalue;
  }
  if (result == Py_NotImplemented) {
    Py_DECREF(result);
    return defaultvalue;
  }
  if (!PyLong_Check(result)) {
    PyErr_Format(PyExc_TypeError, "__length_hint__ must be an integer, not %.100s",
                 Py_TYPE(result)->tp_name);
    Py_DECREF(result);
    return -1;
  }
  const Py_ssize_t hint = PyLong_AsSsize_t(result);
  Py_DECREF(result);
  if (hint < 0 && PyErr_Occurred()) return -1;
  if (hint < 0) {
    PyErr_SetString(PyExc_ValueError, "__length_hint__() should return >= 0");
    return -1;
  }
  return hint;
}

// ---- Sequences --------------------------------------------------------------------------

extern "C" int PySequence_Check(PyObject* o) {
  if (PyDict_Check(o)) return 0;
  return Seq(o) != nullptr && Seq(o)->sq_item != nullptr;
}

extern "C" Py_ssize_t PySequence_Size(PyObject* o) {
  if (o == nullptr) {
    NullError();
    return -1;
  }
  if (Seq(o) != nullptr && Seq(o)->sq_length != nullptr) return Seq(o)->sq_length(o);
  if (Map(o) != nullptr && Map(o)->mp_length != nullptr) {
    TypeError("%.200s is not a sequence", o);
  } else {
    TypeError("object of type '%.200s' has no len()", o);
  }
  return -1;
}

#undef PySequence_Length
extern "C" Py_ssize_t PySequence_Length(PyObject* o) { return PySequence_Size(o); }

extern "C" PyObject* PySequence_Concat(PyObject* o1, PyObject* o2) {
  if (o1 == nullptr || o2 == nullptr) return NullError();
  if (Seq(o1) != nullptr && Seq(o1)->sq_concat != nullptr) return Seq(o1)->sq_concat(o1, o2);
  const bool both = PySequence_Check(o1) && PySequence_Check(o2);
  return NumberFallback(o1, o2, both ? NumberSlot(o1, &PyNumberMethods::nb_add) : nullptr,
                        "'%.200s' object can't be concatenated");
}

extern "C" PyObject* PySequence_InPlaceConcat(PyObject* o1, PyObject* o2) {
  if (o1 == nullptr || o2 == nullptr) return NullError();
  PySequenceMethods* m = Seq(o1);
  if (m != nullptr && m->sq_inplace_concat != nullptr) return m->sq_inplace_concat(o1, o2);
  if (m != nullptr && m->sq_concat != nullptr) return m->sq_concat(o1, o2);
  binaryfunc slot = nullptr;
  if (PySequence_Check(o1) && PySequence_Check(o2)) {
    slot = NumberSlot(o1, &PyNumberMethods::nb_inplace_add);
    if (slot == nullptr) slot = NumberSlot(o1, &PyNumberMethods::nb_add);
  }
  return NumberFallback(o1, o2, slot, "'%.200s' object can't be concatenated");
}

// o * count through sq_repeat (`inplace`: sq_inplace_repeat first), else nb_multiply.
static PyObject* Repeat(PyObject* o, Py_ssize_t count, bool inplace) {
  if (o == nullptr) return NullError();
  PySequenceMethods* m = Seq(o);
  if (inplace && m != nullptr && m->sq_inplace_repeat != nullptr) {
    return m->sq_inplace_repeat(o, count);
  }
  if (m != nullptr && m->sq_repeat != nullptr) return m->sq_repeat(o, count);
  binaryfunc slot = nullptr;
  if (PySequence_Check(o)) {
    if (inplace) slot = NumberSlot(o, &PyNumberMethods::nb_inplace_multiply);
    if (slot == nullptr) slot = NumberSlot(o, &PyNumberMethods::nb_multiply);
  }
  if (slot == nullptr) return TypeError("'%.200s' object can't be repeated", o);
  PyObject* n = PyLong_FromSsize_t(count);
  if (n == nullptr) return nullptr;
  PyObject* result = NumberFallback(o, n, slot, "'%.200s' object can't be repeated");
  Py_DECREF(n);
  return result;
}

extern "C" PyObject* PySequence_Repeat(PyObject* o, Py_ssize_t count) {
  return Repeat(o, count, false);
}

extern "C" PyObject* PySequence_InPlaceRepeat(PyObject* o, Py_ssize_t count) {
  return Repeat(o, count, true);
}

extern "C" PyObject* PySequence_GetItem(PyObject* o, Py_ssize_t i) {
  if (o == nullptr) return NullError();
  if (Seq(o) != nullptr && Seq(o)->sq_item != nullptr) {
    if (!AdjustNegative(o, &i)) return nullptr;
    return Seq(o)->sq_item(o, i);
  }
  if (Map(o) != nullptr && Map(o)->mp_subscript != nullptr) {
    return TypeError("%.200s is not a sequence", o);
  }
  return TypeError("'%.200s' object does not support indexing", o);
}

extern "C" PyObject* PySequence_GetSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2) {
  if (o == nullptr) return NullError();
  if (Map(o) != nullptr && Map(o)->mp_subscript != nullptr) {
    PyObject* slice = SliceFromIndices(i1, i2);
    if (slice == nullptr) return nullptr;
    PyObject* result = Map(o)->mp_subscript(o, slice);
    Py_DECREF(slice);
    return result;
  }
  return TypeError("'%.200s' object is unsliceable", o);
}

// o[i] = v (v nullptr: del o[i]) through sq_ass_item.
static int AssignIndex(PyObject* o, Py_ssize_t i, PyObject* v) {
  if (o == nullptr) {
    NullError();
    return -1;
  }
  if (Seq(o) != nullptr && Seq(o)->sq_ass_item != nullptr) {
    if (!AdjustNegative(o, &i)) return -1;
    return Seq(o)->sq_ass_item(o, i, v);
  }
  if (Map(o) != nullptr && Map(o)->mp_ass_subscript != nullptr) {
    TypeError("%.200s is not a sequence", o);
  } else {
    TypeError(v != nullptr ? "'%.200s' object does not support item assignment"
                           : "'%.200s' object doesn't support item deletion",
              o);
  }
  return -1;
}

extern "C" int PySequence_SetItem(PyObject* o, Py_ssize_t i, PyObject* v) {
  return AssignIndex(o, i, v);
}

extern "C" int PySequence_DelItem(PyObject* o, Py_ssize_t i) { return AssignIndex(o, i, nullptr); }

// o[i1:i2] = v (v nullptr: del o[i1:i2]) through mp_ass_subscript.
static int AssignSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2, PyObject* v) {
  if (o == nullptr) {
    NullError();
    return -1;
  }
  if (Map(o) != nullptr && Map(o)->mp_ass_subscript != nullptr) {
    PyObject* slice = SliceFromIndices(i1, i2);
    if (slice == nullptr) return -1;
    const int result = Map(o)->mp_ass_subscript(o, slice, v);
    Py_DECREF(slice);
    return result;
  }
  TypeError(v != nullptr ? "'%.200s' object doesn't support slice assignment"
                         : "'%.200s' object doesn't support slice deletion",
            o);
  return -1;
}

extern "C" int PySequence_SetSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2, PyObject* v) {
  return AssignSlice(o, i1, i2, v);
}

extern "C" int PySequence_DelSlice(PyObject* o, Py_ssize_t i1, Py_ssize_t i2) {
  return AssignSlice(o, i1, i2, nullptr);
}

extern "C" PyObject* PySequence_Tuple(PyObject* o) {
  if (o == nullptr) return NullError();
  if (PyTuple_CheckExact(o)) return Py_NewRef(o);
  if (PyList_CheckExact(o)) return PyList_AsTuple(o);
  PyObject* list = PySequence_List(o);
  if (list == nullptr) return nullptr;
  PyObject* tuple = PyList_AsTuple(list);
  Py_DECREF(list);
  return tuple;
}

extern "C" PyObject* PySequence_List(PyObject* o) {
  if (o == nullptr) return NullError();
  PyObject* list = PyList_New(0);
  if (list == nullptr) return nullptr;
  PyObject* none = ListExtend(list, o);
  if (none == nullptr) {
    Py_DECREF(list);
    return nullptr;
  }
  Py_DECREF(none);
  return list;
}

extern "C" PyObject* PySequence_Fast(PyObject* o, const char* m) {
  if (o == nullptr) return NullError();
  if (PyList_CheckExact(o) || PyTuple_CheckExact(o)) return Py_NewRef(o);
  PyObject* it = PyObject_GetIter(o);
  if (it == nullptr) {
    if (PyErr_ExceptionMatches(PyExc_TypeError)) PyErr_SetString(PyExc_TypeError, m);
    return nullptr;
  }
  PyObject* list = PySequence_List(it);
  Py_DECREF(it);
  return list;
}

extern "C" Py_ssize_t PySequence_Count(PyObject* o, PyObject* value) {
  return IterSearch(o, value, Search::kCount);
}

extern "C" Py_ssize_t PySequence_Index(PyObject* o, PyObject* value) {
  return IterSearch(o, value, Search::kIndex);
}

extern "C" int PySequence_Contains(PyObject* o, PyObject* value) {
  if (o == nullptr || value == nullptr) {
    NullError();
    return -1;
  }
  if (Seq(o) != nullptr && Seq(o)->sq_contains != nullptr) return Seq(o)->sq_contains(o, value);
  return static_cast<int>(IterSearch(o, value, Search::kContains));
}

#undef PySequence_In
extern "C" int PySequence_In(PyObject* o, PyObject* value) { return PySequence_Contains(o, value); }

// ---- Mappings ---------------------------------------------------------------------------

extern "C" int PyMapping_Check(PyObject* o) {
  return o != nullptr && Map(o) != nullptr && Map(o)->mp_subscript != nullptr;
}

extern "C" Py_ssize_t PyMapping_Size(PyObject* o) {
  if (o == nullptr) {
    NullError();
    return -1;
  }
  if (Map(o) != nullptr && Map(o)->mp_length != nullptr) return Map(o)->mp_length(o);
  if (Seq(o) != nullptr && Seq(o)->sq_length != nullptr) {
    TypeError("%.200s is not a mapping", o);
  } else {
    TypeError("object of type '%.200s' has no len()", o);
  }
  return -1;
}

#undef PyMapping_Length
extern "C" Py_ssize_t PyMapping_Length(PyObject* o) { return PyMapping_Size(o); }

extern "C" PyObject* PyMapping_GetItemString(PyObject* o, const char* key) {
  if (key == nullptr) return NullError();
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return nullptr;
  PyObject* result = PyObject_GetItem(o, k);
  Py_DECREF(k);
  return result;
}

extern "C" int PyMapping_SetItemString(PyObject* o, const char* key, PyObject* v) {
  if (key == nullptr) {
    NullError();
    return -1;
  }
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  const int result = PyObject_SetItem(o, k, v);
  Py_DECREF(k);
  return result;
}

extern "C" int PyMapping_HasKey(PyObject* o, PyObject* key) {
  PyObject* value = PyObject_GetItem(o, key);
  if (value == nullptr) {
    PyErr_Clear();
    return 0;
  }
  Py_DECREF(value);
  return 1;
}

extern "C" int PyMapping_HasKeyString(PyObject* o, const char* key) {
  PyObject* value = PyMapping_GetItemString(o, key);
  if (value == nullptr) {
    PyErr_Clear();
    return 0;
  }
  Py_DECREF(value);
  return 1;
}

extern "C" PyObject* PyMapping_Keys(PyObject* o) {
  if (o == nullptr) return NullError();
  if (PyDict_CheckExact(o)) return PyDict_Keys(o);
  return MethodOutputAsList(o, "keys");
}

extern "C" PyObject* PyMapping_Values(PyObject* o) {
  if (o == nullptr) return NullError();
  if (PyDict_CheckExact(o)) return PyDict_Values(o);
  return MethodOutputAsList(o, "values");
}

extern "C" PyObject* PyMapping_Items(PyObject* o) {
  if (o == nullptr) return NullError();
  if (PyDict_CheckExact(o)) return PyDict_Items(o);
  return MethodOutputAsList(o, "items");
}
