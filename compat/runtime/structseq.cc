// Struct sequences (structseq.h): tuple subclasses with named, read-only fields, some of them
// hidden past the tuple's visible size.
//
// Owns: the struct sequence types' slots (new, repr, __reduce__, traverse, dealloc) and the
// PyStructSequence_* API. A type made here has tp_base tuple, tp_members one READONLY
// T_OBJECT entry per named field (in field order, unnamed fields skipped, as in CPython) and,
// in its dict, n_sequence_fields, n_fields, n_unnamed_fields and __match_args__.
//
// Invariants: an instance has Py_SIZE == n_sequence_fields and room for n_fields items, each
// NULL or an owned pin. Its real size is read off the type's members table, not its dict, so
// that tp_traverse (in a pause) and tp_dealloc look nothing up: hidden fields are all named
// and come last, so n_fields is max(visible size, 1 + the last member's field index).
//
// Threads: any attached thread; tp_traverse on collector threads with the world stopped.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "compat/runtime/runtime.h"
#include "structmember.h"

namespace pinion::compat {
namespace {

PyObject** Items(PyObject* op) { return reinterpret_cast<PyTupleObject*>(op)->ob_item; }

// The field index of member `m` (its offset into the items).
Py_ssize_t FieldIndex(const PyMemberDef& m) {
  return static_cast<Py_ssize_t>((m.offset - offsetof(PyTupleObject, ob_item)) / sizeof(PyObject*));
}

// How many items `op` holds (n_fields), from its type's members table.
Py_ssize_t RealSize(PyObject* op) {
  Py_ssize_t size = Py_SIZE(op);
  const PyMemberDef* members = Py_TYPE(op)->tp_members;
  if (members != nullptr) {
    const PyMemberDef* last = nullptr;
    for (const PyMemberDef* m = members; m->name != nullptr; ++m) last = m;
    if (last != nullptr && FieldIndex(*last) + 1 > size) size = FieldIndex(*last) + 1;
  }
  return size;
}

// One of the sizes in the type's dict ("n_fields"...), or -1 with an exception set.
Py_ssize_t TypeSize(PyTypeObject* type, const char* key) {
  PyObject* value = type->tp_dict != nullptr ? PyDict_GetItemString(type->tp_dict, key) : nullptr;
  if (value == nullptr) {
    PyErr_Format(PyExc_TypeError, "Missed attribute '%s' of type %s", key, type->tp_name);
    return -1;
  }
  return PyLong_AsSsize_t(value);
}

int StructSeqTraverse(PyObject* op, visitproc visit, void* arg) {
  if (Py_TYPE(op)->tp_flags & Py_TPFLAGS_HEAPTYPE) Py_VISIT(reinterpret_cast<PyObject*>(Py_TYPE(op)));
  const Py_ssize_t size = RealSize(op);
  for (Py_ssize_t i = 0; i < size; ++i) Py_VISIT(Items(op)[i]);
  return 0;
}

void StructSeqDealloc(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  PyObject_GC_UnTrack(op);
  const Py_ssize_t size = RealSize(op);
  for (Py_ssize_t i = 0; i < size; ++i) Py_XDECREF(Items(op)[i]);
  PyObject_GC_Del(op);
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) Py_DECREF(type);
}

// T(sequence, dict=None), CPython's structseq_new.
PyObject* StructSeqNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static const char* kwlist[] = {"sequence", "dict", nullptr};
  PyObject* arg = nullptr;
  PyObject* dict = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:structseq", const_cast<char**>(kwlist),
                                   &arg, &dict)) {
    return nullptr;
  }
  PyObject* items = PySequence_Fast(arg, "constructor requires a sequence");
  if (items == nullptr) return nullptr;
  if (dict != nullptr && !PyDict_Check(dict)) {
    PyErr_Format(PyExc_TypeError, "%.500s() takes a dict as second arg, if any", type->tp_name);
    Py_DECREF(items);
    return nullptr;
  }
  const Py_ssize_t len = PySequence_Fast_GET_SIZE(items);
  const Py_ssize_t min_len = TypeSize(type, "n_sequence_fields");
  const Py_ssize_t max_len = min_len < 0 ? -1 : TypeSize(type, "n_fields");
  const Py_ssize_t unnamed = max_len < 0 ? -1 : TypeSize(type, "n_unnamed_fields");
  if (unnamed < 0) {
    Py_DECREF(items);
    return nullptr;
  }
  const char* problem = nullptr;
  Py_ssize_t bound = min_len;
  if (min_len != max_len) {
    if (len < min_len) problem = "%.500s() takes an at least %zd-sequence (%zd-sequence given)";
    if (len > max_len) {
      problem = "%.500s() takes an at most %zd-sequence (%zd-sequence given)";
      bound = max_len;
    }
  } else if (len != min_len) {
    problem = "%.500s() takes a %zd-sequence (%zd-sequence given)";
  }
  if (problem != nullptr) {
    PyErr_Format(PyExc_TypeError, problem, type->tp_name, bound, len);
    Py_DECREF(items);
    return nullptr;
  }
  PyObject* result = PyStructSequence_New(type);
  if (result == nullptr) {
    Py_DECREF(items);
    return nullptr;
  }
  Py_ssize_t i = 0;
  for (; i < len; ++i) Items(result)[i] = Py_NewRef(PySequence_Fast_GET_ITEM(items, i));
  Py_DECREF(items);
  for (; i < max_len; ++i) {
    PyObject* value = nullptr;
    if (dict != nullptr) {
      value = PyDict_GetItemString(dict, type->tp_members[i - unnamed].name);
    }
    Items(result)[i] = Py_NewRef(value != nullptr ? value : Py_None);
  }
  return result;
}

// "name(f1=repr, ...)" over the visible fields; names from tp_members[i], as CPython.
PyObject* StructSeqRepr(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  std::string text = type->tp_name;
  text += '(';
  for (Py_ssize_t i = 0; i < Py_SIZE(op); ++i) {
    const char* name = type->tp_members[i].name;
    if (name == nullptr) {
      PyErr_Format(PyExc_SystemError, "In structseq_repr(), member %zd name is NULL for type %.500s",
                   i, type->tp_name);
      return nullptr;
    }
    PyObject* repr = PyObject_Repr(Items(op)[i]);
    if (repr == nullptr) return nullptr;
    Py_ssize_t size;
    const char* utf8 = PyUnicode_AsUTF8AndSize(repr, &size);
    if (utf8 == nullptr) {
      Py_DECREF(repr);
      return nullptr;
    }
    if (i > 0) text += ", ";
    text += name;
    text += '=';
    text.append(utf8, size);
    Py_DECREF(repr);
  }
  text += ')';
  return PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}

// (type, (visible items, {hidden field name: value})).
PyObject* StructSeqReduce(PyObject* op, PyObject*) {
  const Py_ssize_t visible = Py_SIZE(op);
  const Py_ssize_t real = RealSize(op);
  const Py_ssize_t unnamed = real - [&] {
    Py_ssize_t named = 0;
    for (const PyMemberDef* m = Py_TYPE(op)->tp_members; m->name != nullptr; ++m) ++named;
    return named;
  }();
  PyObject* tuple = PyTuple_New(visible);
  PyObject* dict = PyDict_New();
  if (tuple == nullptr || dict == nullptr) {
    Py_XDECREF(tuple);
    Py_XDECREF(dict);
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < visible; ++i) PyTuple_SET_ITEM(tuple, i, Py_NewRef(Items(op)[i]));
  for (Py_ssize_t i = visible; i < real; ++i) {
    const char* name = Py_TYPE(op)->tp_members[i - unnamed].name;
    if (PyDict_SetItemString(dict, name, Items(op)[i]) < 0) {
      Py_DECREF(tuple);
      Py_DECREF(dict);
      return nullptr;
    }
  }
  return Py_BuildValue("(O(NN))", reinterpret_cast<PyObject*>(Py_TYPE(op)), tuple, dict);
}

PyMethodDef kStructSeqMethods[] = {
    {"__reduce__", &StructSeqReduce, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

// The members table of `desc` (malloc'd; its names and docs borrowed) and the counts.
PyMemberDef* MembersOf(PyStructSequence_Desc* desc, Py_ssize_t* n_fields, Py_ssize_t* n_unnamed) {
  Py_ssize_t n = 0, unnamed = 0;
  for (; desc->fields[n].name != nullptr; ++n) {
    if (desc->fields[n].name == PyStructSequence_UnnamedField) ++unnamed;
  }
  auto* members = static_cast<PyMemberDef*>(std::calloc(n - unnamed + 1, sizeof(PyMemberDef)));
  if (members == nullptr) {
    PyErr_NoMemory();
    return nullptr;
  }
  Py_ssize_t k = 0;
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (desc->fields[i].name == PyStructSequence_UnnamedField) continue;
    members[k].name = desc->fields[i].name;
    members[k].type = T_OBJECT;
    members[k].offset = offsetof(PyTupleObject, ob_item) + i * sizeof(PyObject*);
    members[k].flags = READONLY;
    members[k].doc = desc->fields[i].doc;
    ++k;
  }
  *n_fields = n;
  *n_unnamed = unnamed;
  return members;
}

bool SetSize(PyObject* dict, const char* key, Py_ssize_t value) {
  PyObject* number = PyLong_FromSsize_t(value);
  const bool ok = number != nullptr && PyDict_SetItemString(dict, key, number) == 0;
  Py_XDECREF(number);
  return ok;
}

// The sizes and __match_args__ (the visible named fields' names) in the type's dict.
bool FillDict(PyStructSequence_Desc* desc, PyObject* dict, Py_ssize_t n_fields,
              Py_ssize_t n_unnamed) {
  if (!SetSize(dict, "n_sequence_fields", desc->n_in_sequence) ||
      !SetSize(dict, "n_fields", n_fields) || !SetSize(dict, "n_unnamed_fields", n_unnamed)) {
    return false;
  }
  PyObject* names = PyList_New(0);
  if (names == nullptr) return false;
  for (Py_ssize_t i = 0; i < desc->n_in_sequence; ++i) {
    if (desc->fields[i].name == PyStructSequence_UnnamedField) continue;
    PyObject* name = PyUnicode_FromString(desc->fields[i].name);
    if (name == nullptr || PyList_Append(names, name) < 0) {
      Py_XDECREF(name);
      Py_DECREF(names);
      return false;
    }
    Py_DECREF(name);
  }
  PyObject* match_args = PyList_AsTuple(names);
  Py_DECREF(names);
  const bool ok = match_args != nullptr && PyDict_SetItemString(dict, "__match_args__", match_args) == 0;
  Py_XDECREF(match_args);
  return ok;
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" const char* const PyStructSequence_UnnamedField = "unnamed field";

extern "C" PyObject* PyStructSequence_New(PyTypeObject* type) {
  const Py_ssize_t real = TypeSize(type, "n_fields");
  if (real < 0) return nullptr;
  const Py_ssize_t visible = TypeSize(type, "n_sequence_fields");
  if (visible < 0) return nullptr;
  const size_t bytes = VarSize(type, real);
  if (bytes == 0) return nullptr;
  PyObject* op = AllocObject(type, bytes, /*gc=*/true);
  if (op == nullptr) return nullptr;
  Py_SET_SIZE(op, visible);  // the items are zeroed: NULL; hidden ones lie past ob_size
  PyObject_GC_Track(op);
  return op;
}

extern "C" void PyStructSequence_SetItem(PyObject* op, Py_ssize_t i, PyObject* v) {
  Items(op)[i] = v;
}

extern "C" PyObject* PyStructSequence_GetItem(PyObject* op, Py_ssize_t i) {
  return Items(op)[i];
}

extern "C" int PyStructSequence_InitType2(PyTypeObject* type, PyStructSequence_Desc* desc) {
  if (type->ob_base.ob_base.ob_refcnt != 0) {  // initialised already (CPython's check)
    PyErr_BadInternalCall();
    return -1;
  }
  Py_ssize_t n_fields, n_unnamed;
  PyMemberDef* members = MembersOf(desc, &n_fields, &n_unnamed);
  if (members == nullptr) return -1;
  type->ob_base.ob_base.ob_refcnt = _PyPinion_IMMORTAL_REFCNT;  // a static object
  Py_SET_TYPE(type, &PyType_Type);
  type->tp_name = desc->name;
  type->tp_basicsize = offsetof(PyTupleObject, ob_item);
  type->tp_itemsize = sizeof(PyObject*);
  type->tp_dealloc = &StructSeqDealloc;
  type->tp_repr = &StructSeqRepr;
  type->tp_doc = desc->doc;
  type->tp_base = &PyTuple_Type;
  type->tp_methods = kStructSeqMethods;
  type->tp_new = &StructSeqNew;
  type->tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  type->tp_traverse = &StructSeqTraverse;
  type->tp_members = members;
  if (PyType_Ready(type) < 0 || !FillDict(desc, type->tp_dict, n_fields, n_unnamed)) {
    return -1;  // members stay: the type's descriptors may point at them
  }
  return 0;
}

extern "C" void PyStructSequence_InitType(PyTypeObject* type, PyStructSequence_Desc* desc) {
  (void)PyStructSequence_InitType2(type, desc);
}

extern "C" PyTypeObject* PyStructSequence_NewType(PyStructSequence_Desc* desc) {
  Py_ssize_t n_fields, n_unnamed;
  PyMemberDef* members = MembersOf(desc, &n_fields, &n_unnamed);
  if (members == nullptr) return nullptr;
  PyType_Slot slots[] = {
      {Py_tp_dealloc, reinterpret_cast<void*>(&StructSeqDealloc)},
      {Py_tp_repr, reinterpret_cast<void*>(&StructSeqRepr)},
      {Py_tp_doc, const_cast<char*>(desc->doc)},
      {Py_tp_methods, kStructSeqMethods},
      {Py_tp_new, reinterpret_cast<void*>(&StructSeqNew)},
      {Py_tp_members, members},
      {Py_tp_traverse, reinterpret_cast<void*>(&StructSeqTraverse)},
      {0, nullptr},
  };
  PyType_Spec spec = {desc->name, static_cast<int>(offsetof(PyTupleObject, ob_item)),
                      static_cast<int>(sizeof(PyObject*)),
                      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, slots};
  PyObject* bases = PyTuple_Pack(1, reinterpret_cast<PyObject*>(&PyTuple_Type));
  PyObject* type = bases != nullptr ? PyType_FromSpecWithBases(&spec, bases) : nullptr;
  Py_XDECREF(bases);
  std::free(members);  // PyType_FromSpecWithBases copied the table
  if (type == nullptr) return nullptr;
  if (!FillDict(desc, reinterpret_cast<PyTypeObject*>(type)->tp_dict, n_fields, n_unnamed)) {
    Py_DECREF(type);
    return nullptr;
  }
  return reinterpret_cast<PyTypeObject*>(type);
}
