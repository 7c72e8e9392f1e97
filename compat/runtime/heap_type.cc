// Heap types (object.h's PyType_FromSpec family, PyType_GetSlot and the PyType_Get*
// accessors), PyType_Type's slots for them, and the exception classes of
// PyErr_NewException(WithDoc), which are heap types too.
//
// A heap type is one Pinion heap object (a GC object of type PyType_Type): the
// PyHeapTypeObject, then the copied PyMemberDef table (and its zeroed terminator), then the
// copies of tp_name and tp_doc. Keeping the strings inside the object means an instance
// deallocated in the same collection as its type (any order: both are garbage) still reads
// an intact tp_name; the collector keeps the memory while anything reaches it.
//
// Invariants: every PyObject* field of a heap type (tp_dict, tp_bases, tp_mro, tp_base,
// ht_name, ht_qualname, ht_slots, ht_module) is NULL or a pin the type owns; HeapTypeTraverse
// reports each, HeapTypeDealloc releases each. Each instance of a heap type owns a pin on it
// (taken by AllocObject, object.cc; released by HeapInstanceDealloc or by the extension's own
// tp_dealloc, as CPython's convention), so a type outlives its instances.
//
// Threads: any attached thread; the traverse on collector threads with the world stopped.
#include <cstddef>
#include <cstring>

#include "compat/runtime/runtime.h"

#if __has_include(<structmember.h>)
#include <structmember.h>
#endif

namespace pinion::compat {
namespace {

// CPython's PyMemberDef (its stable-ABI layout), for reading Py_tp_members tables; the
// definitions extensions use are structmember.h's.
struct MemberLayout {
  const char* name;
  int type;
  Py_ssize_t offset;
  int flags;
  const char* doc;
};
#if __has_include(<structmember.h>)
static_assert(sizeof(MemberLayout) == sizeof(PyMemberDef));
static_assert(offsetof(MemberLayout, offset) == offsetof(PyMemberDef, offset));
#endif

PyHeapTypeObject* AsHeapType(PyTypeObject* type) {
  return reinterpret_cast<PyHeapTypeObject*>(type);
}
bool IsHeapType(PyTypeObject* type) { return (type->tp_flags & Py_TPFLAGS_HEAPTYPE) != 0; }

// ---- Slot ids ---------------------------------------------------------------------------------

enum class Table : unsigned char { kNone, kType, kAsync, kNumber, kMapping, kSequence, kBuffer };
struct SlotInfo {
  Table table;
  unsigned short offset;  // in the table (kType: in PyTypeObject)
};

#define PINION_TP(f) {Table::kType, offsetof(PyTypeObject, f)}
#define PINION_AM(f) {Table::kAsync, offsetof(PyAsyncMethods, f)}
#define PINION_NB(f) {Table::kNumber, offsetof(PyNumberMethods, f)}
#define PINION_MP(f) {Table::kMapping, offsetof(PyMappingMethods, f)}
#define PINION_SQ(f) {Table::kSequence, offsetof(PySequenceMethods, f)}
#define PINION_BF(f) {Table::kBuffer, offsetof(PyBufferProcs, f)}
// Indexed by id (typeslots.h): CPython 3.11's ids 1..81.
constexpr SlotInfo kSlots[] = {
    {Table::kNone, 0},  // 0 ends a table
    PINION_BF(bf_getbuffer), PINION_BF(bf_releasebuffer), PINION_MP(mp_ass_subscript),
    PINION_MP(mp_length), PINION_MP(mp_subscript), PINION_NB(nb_absolute), PINION_NB(nb_add),
    PINION_NB(nb_and), PINION_NB(nb_bool), PINION_NB(nb_divmod), PINION_NB(nb_float),
    PINION_NB(nb_floor_divide), PINION_NB(nb_index), PINION_NB(nb_inplace_add),
    PINION_NB(nb_inplace_and), PINION_NB(nb_inplace_floor_divide),
    PINION_NB(nb_inplace_lshift), PINION_NB(nb_inplace_multiply), PINION_NB(nb_inplace_or),
    PINION_NB(nb_inplace_power), PINION_NB(nb_inplace_remainder),
    PINION_NB(nb_inplace_rshift), PINION_NB(nb_inplace_subtract),
    PINION_NB(nb_inplace_true_divide), PINION_NB(nb_inplace_xor), PINION_NB(nb_int),
    PINION_NB(nb_invert), PINION_NB(nb_lshift), PINION_NB(nb_multiply), PINION_NB(nb_negative),
    PINION_NB(nb_or), PINION_NB(nb_positive), PINION_NB(nb_power), PINION_NB(nb_remainder),
    PINION_NB(nb_rshift), PINION_NB(nb_subtract), PINION_NB(nb_true_divide), PINION_NB(nb_xor),
    PINION_SQ(sq_ass_item), PINION_SQ(sq_concat), PINION_SQ(sq_contains),
    PINION_SQ(sq_inplace_concat), PINION_SQ(sq_inplace_repeat), PINION_SQ(sq_item),
    PINION_SQ(sq_length), PINION_SQ(sq_repeat), PINION_TP(tp_alloc), PINION_TP(tp_base),
    PINION_TP(tp_bases), PINION_TP(tp_call), PINION_TP(tp_clear), PINION_TP(tp_dealloc),
    PINION_TP(tp_del), PINION_TP(tp_descr_get), PINION_TP(tp_descr_set), PINION_TP(tp_doc),
    PINION_TP(tp_getattr), PINION_TP(tp_getattro), PINION_TP(tp_hash), PINION_TP(tp_init),
    PINION_TP(tp_is_gc), PINION_TP(tp_iter), PINION_TP(tp_iternext), PINION_TP(tp_methods),
    PINION_TP(tp_new), PINION_TP(tp_repr), PINION_TP(tp_richcompare), PINION_TP(tp_setattr),
    PINION_TP(tp_setattro), PINION_TP(tp_str), PINION_TP(tp_traverse), PINION_TP(tp_members),
    PINION_TP(tp_getset), PINION_TP(tp_free), PINION_NB(nb_matrix_multiply),
    PINION_NB(nb_inplace_matrix_multiply), PINION_AM(am_await), PINION_AM(am_aiter),
    PINION_AM(am_anext), PINION_TP(tp_finalize), PINION_AM(am_send),
};
#undef PINION_TP
#undef PINION_AM
#undef PINION_NB
#undef PINION_MP
#undef PINION_SQ
#undef PINION_BF
constexpr int kSlotCount = sizeof(kSlots) / sizeof(kSlots[0]);
static_assert(kSlotCount == Py_am_send + 1, "every id of CPython 3.11's typeslots.h");

// The field slot `id` of `type` names, or nullptr when it is in a table the type lacks.
void** SlotField(PyTypeObject* type, int id) {
  const SlotInfo info = kSlots[id];
  char* table = nullptr;
  switch (info.table) {
    case Table::kNone:
      return nullptr;
    case Table::kType:
      table = reinterpret_cast<char*>(type);
      break;
    case Table::kAsync:
      table = reinterpret_cast<char*>(type->tp_as_async);
      break;
    case Table::kNumber:
      table = reinterpret_cast<char*>(type->tp_as_number);
      break;
    case Table::kMapping:
      table = reinterpret_cast<char*>(type->tp_as_mapping);
      break;
    case Table::kSequence:
      table = reinterpret_cast<char*>(type->tp_as_sequence);
      break;
    case Table::kBuffer:
      table = reinterpret_cast<char*>(type->tp_as_buffer);
      break;
  }
  return table != nullptr ? reinterpret_cast<void**>(table + info.offset) : nullptr;
}

// ---- Instances --------------------------------------------------------------------------------

// CPython's subtype_dealloc, for heap types without a tp_dealloc of their own: releases the
// instance dict the type added, deallocates as the nearest base that has its own
// deallocator, then releases the instance's reference to its type.
void HeapInstanceDealloc(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  PyTypeObject* base = type;
  while (base != nullptr && base->tp_dealloc == &HeapInstanceDealloc) base = base->tp_base;
  if (type->tp_flags & Py_TPFLAGS_HAVE_GC) PyObject_GC_UnTrack(op);
  if (type->tp_dictoffset > 0 && (base == nullptr || base->tp_dictoffset == 0)) {
    Py_CLEAR(*reinterpret_cast<PyObject**>(reinterpret_cast<char*>(op) + type->tp_dictoffset));
  }
  const bool release_type = base == nullptr || !IsHeapType(base);
  if (base != nullptr && base->tp_dealloc != nullptr) {
    base->tp_dealloc(op);
  } else {
    type->tp_free(op);
  }
  if (release_type) Py_DECREF(type);
}

// ---- Building ---------------------------------------------------------------------------------

// CPython's solid_base: the nearest ancestor of `type` (itself included) that adds to its
// base's instance layout.
PyTypeObject* SolidBase(PyTypeObject* type) {
  PyTypeObject* base = type->tp_base != nullptr ? SolidBase(type->tp_base) : &PyBaseObject_Type;
  const bool adds = type->tp_basicsize != base->tp_basicsize ||
                    type->tp_itemsize != base->tp_itemsize;
  return adds ? type : base;
}

// CPython's best_base: the base whose layout every other base's extends; TypeError if the
// bases are not all types or their layouts conflict.
PyTypeObject* BestBase(PyObject* bases) {
  PyTypeObject* base = nullptr;
  PyTypeObject* winner = nullptr;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(bases); ++i) {
    PyObject* item = PyTuple_GET_ITEM(bases, i);
    if (!PyType_Check(item)) {
      PyErr_SetString(PyExc_TypeError, "bases must be types");
      return nullptr;
    }
    PyTypeObject* candidate_base = reinterpret_cast<PyTypeObject*>(item);
    if (PyType_Ready(candidate_base) < 0) return nullptr;
    PyTypeObject* candidate = SolidBase(candidate_base);
    if (winner == nullptr || PyType_IsSubtype(candidate, winner)) {
      winner = candidate;
      base = candidate_base;
    } else if (!PyType_IsSubtype(winner, candidate)) {
      PyErr_SetString(PyExc_TypeError, "multiple bases have instance lay-out conflict");
      return nullptr;
    }
  }
  if (base == nullptr) PyErr_SetString(PyExc_TypeError, "bases must not be empty");
  return base;
}

// What the new type's object holds besides the PyHeapTypeObject.
struct Extras {
  Py_ssize_t members = 0;       // entries copied from Py_tp_members
  const char* name = nullptr;   // tp_name, copied
  const char* doc = nullptr;    // tp_doc, copied (or NULL)
};

// A heap type object, zeroed but for its header, its own slot tables, tp_name, tp_doc and
// members' storage (copied), tracked. New reference, or nullptr with an exception set.
PyHeapTypeObject* AllocHeapType(const Extras& extras, const MemberLayout* members) {
  const size_t members_bytes = (extras.members + 1) * sizeof(MemberLayout);
  const size_t name_bytes = std::strlen(extras.name) + 1;
  const size_t doc_bytes = extras.doc != nullptr ? std::strlen(extras.doc) + 1 : 0;
  const size_t size = sizeof(PyHeapTypeObject) + members_bytes + name_bytes + doc_bytes;
  PyObject* op = AllocObject(&PyType_Type, size, /*gc=*/true);
  if (op == nullptr) return nullptr;
  PyHeapTypeObject* ht = reinterpret_cast<PyHeapTypeObject*>(op);
  PyTypeObject* type = &ht->ht_type;
  char* tail = reinterpret_cast<char*>(ht + 1);
  if (extras.members > 0) {
    std::memcpy(tail, members, extras.members * sizeof(MemberLayout));
    type->tp_members = reinterpret_cast<struct PyMemberDef*>(tail);
  }
  tail += members_bytes;
  std::memcpy(tail, extras.name, name_bytes);
  ht->_ht_tpname = tail;
  type->tp_name = tail;
  tail += name_bytes;
  if (extras.doc != nullptr) {
    std::memcpy(tail, extras.doc, doc_bytes);
    type->tp_doc = tail;
  }
  type->tp_as_async = &ht->as_async;
  type->tp_as_number = &ht->as_number;
  type->tp_as_mapping = &ht->as_mapping;
  type->tp_as_sequence = &ht->as_sequence;
  type->tp_as_buffer = &ht->as_buffer;
  type->tp_flags = Py_TPFLAGS_HEAPTYPE;
  PyObject_GC_Track(op);
  return ht;
}

// The last dotted component of `name`.
const char* ShortName(const char* name) {
  const char* dot = std::strrchr(name, '.');
  return dot != nullptr ? dot + 1 : name;
}

// Sets the fields every heap type has: names, bases, base, module, default dealloc. Steals
// `bases`. -1 with an exception set on failure (the type then holds what was set).
int InitHeapType(PyHeapTypeObject* ht, const char* short_name, PyObject* bases,
                 PyTypeObject* base, PyObject* module) {
  PyTypeObject* type = &ht->ht_type;
  type->tp_bases = bases;
  type->tp_base = reinterpret_cast<PyTypeObject*>(Py_NewRef(reinterpret_cast<PyObject*>(base)));
  ht->ht_module = Py_XNewRef(module);
  ht->ht_name = PyUnicode_FromString(short_name);
  if (ht->ht_name == nullptr) return -1;
  ht->ht_qualname = Py_NewRef(ht->ht_name);
  return 0;
}

// After PyType_Ready: the type dict exists (PyType_Ready makes it; made here otherwise).
int EnsureDict(PyTypeObject* type) {
  if (type->tp_dict == nullptr) type->tp_dict = PyDict_New();
  return type->tp_dict != nullptr ? 0 : -1;
}

// Instantiable as CPython's heap types are: with the base's tp_new when none is given (a
// static type of object's with no tp_new is not), never with DISALLOW_INSTANTIATION.
void SettleNew(PyTypeObject* type) {
  if (type->tp_flags & Py_TPFLAGS_DISALLOW_INSTANTIATION) {
    type->tp_new = nullptr;
  } else if (type->tp_new == nullptr && type->tp_base != nullptr) {
    type->tp_new = type->tp_base->tp_new;
  }
}

// CPython's _PyType_DocWithoutSignature: `doc` past a leading "Name(...)\n--\n\n" signature
// (Name: tp_name's last component), which __doc__ leaves out; `doc` itself otherwise.
const char* DocWithoutSignature(const char* tp_name, const char* doc) {
  const char* name = ShortName(tp_name);
  const size_t length = std::strlen(name);
  if (std::strncmp(doc, name, length) != 0 || doc[length] != '(') return doc;
  static constexpr char kEnd[] = ")\n--\n\n";
  for (const char* p = doc + length; *p != '\0'; ++p) {
    if (std::strncmp(p, kEnd, sizeof(kEnd) - 1) == 0) return p + sizeof(kEnd) - 1;
    if (p[0] == '\n' && p[1] == '\n') break;
  }
  return doc;
}

// Removes `key` from the type dict if present (the special members' descriptors).
int DiscardKey(PyObject* dict, const char* key) {
  PyObject* value = PyDict_GetItemString(dict, key);
  return value != nullptr ? PyDict_DelItemString(dict, key) : 0;
}

PyObject* FromSpec(PyObject* module, PyType_Spec* spec, PyObject* bases) {
  // First pass: the members table and its special entries; slot ids.
  const MemberLayout* members = nullptr;
  Extras extras;
  Py_ssize_t dictoffset = 0, weaklistoffset = 0, vectorcalloffset = 0;
  for (PyType_Slot* slot = spec->slots; slot->slot != 0; ++slot) {
    if (slot->slot < 0 || slot->slot >= kSlotCount) {
      PyErr_SetString(PyExc_RuntimeError, "invalid slot offset");
      return nullptr;
    }
    if (slot->slot == Py_tp_members) {
      members = static_cast<const MemberLayout*>(slot->pfunc);
      extras.members = 0;
      for (const MemberLayout* m = members; m != nullptr && m->name != nullptr; ++m) {
        ++extras.members;
        if (std::strcmp(m->name, "__dictoffset__") == 0) dictoffset = m->offset;
        if (std::strcmp(m->name, "__weaklistoffset__") == 0) weaklistoffset = m->offset;
        if (std::strcmp(m->name, "__vectorcalloffset__") == 0) vectorcalloffset = m->offset;
      }
    } else if (slot->slot == Py_tp_doc) {
      extras.doc = static_cast<const char*>(slot->pfunc);
    }
  }
  // The bases: given, or the spec's Py_tp_bases, else its Py_tp_base, else object.
  if (bases == nullptr) {
    PyObject* base = reinterpret_cast<PyObject*>(&PyBaseObject_Type);
    for (PyType_Slot* slot = spec->slots; slot->slot != 0; ++slot) {
      if (slot->slot == Py_tp_base) base = static_cast<PyObject*>(slot->pfunc);
      if (slot->slot == Py_tp_bases) bases = static_cast<PyObject*>(slot->pfunc);
    }
    bases = bases != nullptr ? Py_NewRef(bases) : PyTuple_Pack(1, base);
  } else if (!PyTuple_Check(bases)) {
    bases = PyTuple_Pack(1, bases);
  } else {
    Py_INCREF(bases);
  }
  if (bases == nullptr) return nullptr;
  PyTypeObject* base = BestBase(bases);
  if (base == nullptr) {
    Py_DECREF(bases);
    return nullptr;
  }
  if (!(base->tp_flags & Py_TPFLAGS_BASETYPE)) {
    Py_DECREF(bases);
    return PyErr_Format(PyExc_TypeError, "type '%.100s' is not an acceptable base type",
                        base->tp_name);
  }
  extras.name = spec->name;
  PyHeapTypeObject* ht = AllocHeapType(extras, members);
  if (ht == nullptr) {
    Py_DECREF(bases);
    return nullptr;
  }
  PyTypeObject* type = &ht->ht_type;
  PyObject* result = reinterpret_cast<PyObject*>(type);
  if (InitHeapType(ht, ShortName(spec->name), bases, base, module) < 0) {
    Py_DECREF(result);
    return nullptr;
  }
  type->tp_flags = spec->flags | Py_TPFLAGS_HEAPTYPE;
  type->tp_basicsize = spec->basicsize;
  type->tp_itemsize = spec->itemsize;
  // Second pass: every other slot into its field (the tables are the type's own).
  for (PyType_Slot* slot = spec->slots; slot->slot != 0; ++slot) {
    switch (slot->slot) {
      case Py_tp_base:
      case Py_tp_bases:
      case Py_tp_doc:
      case Py_tp_members:
        break;  // done above
      default:
        *SlotField(type, slot->slot) = slot->pfunc;
    }
  }
  if (type->tp_dealloc == nullptr) type->tp_dealloc = &HeapInstanceDealloc;
  if (vectorcalloffset != 0) type->tp_vectorcall_offset = vectorcalloffset;
  if (PyType_Ready(type) < 0 || EnsureDict(type) < 0) {
    Py_DECREF(result);
    return nullptr;
  }
  SettleNew(type);
  PyObject* dict = type->tp_dict;
  if (type->tp_doc != nullptr) {
    PyObject* doc = PyUnicode_FromString(DocWithoutSignature(type->tp_name, type->tp_doc));
    const int set = doc != nullptr ? PyDict_SetItemString(dict, "__doc__", doc) : -1;
    Py_XDECREF(doc);
    if (set < 0) {
      Py_DECREF(result);
      return nullptr;
    }
  }
  if (weaklistoffset != 0) {
    type->tp_weaklistoffset = weaklistoffset;
    if (DiscardKey(dict, "__weaklistoffset__") < 0) {
      Py_DECREF(result);
      return nullptr;
    }
  }
  if (dictoffset != 0) {
    type->tp_dictoffset = dictoffset;
    if (DiscardKey(dict, "__dictoffset__") < 0) {
      Py_DECREF(result);
      return nullptr;
    }
  }
  // __module__: the spec name's dotted prefix. (A name without a dot: CPython 3.11 warns
  // DeprecationWarning; Pinion sets no __module__ and does not warn.)
  if (PyDict_GetItemString(dict, "__module__") == nullptr) {
    if (const char* dot = std::strrchr(spec->name, '.')) {
      PyObject* module_name = PyUnicode_FromStringAndSize(spec->name, dot - spec->name);
      const int set =
          module_name != nullptr ? PyDict_SetItemString(dict, "__module__", module_name) : -1;
      Py_XDECREF(module_name);
      if (set < 0) {
        Py_DECREF(result);
        return nullptr;
      }
    }
  }
  return result;
}

}  // namespace

// ---- PyType_Type's slots for heap types ---------------------------------------------------------

int HeapTypeTraverse(PyObject* op, visitproc visit, void* arg) {
  PyTypeObject* type = reinterpret_cast<PyTypeObject*>(op);
  if (!IsHeapType(type)) return 0;
  PyHeapTypeObject* ht = AsHeapType(type);
  Py_VISIT(type->tp_dict);
  Py_VISIT(type->tp_cache);
  Py_VISIT(type->tp_mro);
  Py_VISIT(type->tp_bases);
  Py_VISIT(reinterpret_cast<PyObject*>(type->tp_base));
  Py_VISIT(ht->ht_module);
  Py_VISIT(ht->ht_name);
  Py_VISIT(ht->ht_qualname);
  Py_VISIT(ht->ht_slots);
  return 0;
}

// CPython's type_clear: the dict's contents and the MRO only, so that instances deallocated
// after it (garbage of the same collection) still find their bases and module.
int HeapTypeClear(PyObject* op) {
  PyTypeObject* type = reinterpret_cast<PyTypeObject*>(op);
  if (!IsHeapType(type)) return 0;
  if (type->tp_dict != nullptr) PyDict_Clear(type->tp_dict);
  Py_CLEAR(type->tp_mro);
  return 0;
}

void HeapTypeDealloc(PyObject* op) {
  PyTypeObject* type = reinterpret_cast<PyTypeObject*>(op);
  if (IsHeapType(type)) {
    PyHeapTypeObject* ht = AsHeapType(type);
    PyObject_GC_UnTrack(op);
    Py_CLEAR(type->tp_dict);
    Py_CLEAR(type->tp_cache);
    Py_CLEAR(type->tp_mro);
    Py_CLEAR(type->tp_bases);
    // tp_base stays readable (instances of the same garbage walk it); its pin goes.
    Py_XDECREF(reinterpret_cast<PyObject*>(type->tp_base));
    Py_CLEAR(ht->ht_module);
    Py_CLEAR(ht->ht_name);
    Py_CLEAR(ht->ht_qualname);
    Py_CLEAR(ht->ht_slots);
  }
  Py_TYPE(op)->tp_free(op);
}

// A heap exception class for PyErr_NewException (CPython calls type(name, bases, dict)):
// tp_name and __name__ are the short name, __module__ and the other entries come from
// `dict` (copied), __doc__ from it too.
PyObject* NewExceptionClass(const char* short_name, PyObject* bases, PyObject* dict) {
  PyTypeObject* base = BestBase(bases);
  if (base == nullptr) return nullptr;
  if (!(base->tp_flags & Py_TPFLAGS_BASETYPE)) {
    return PyErr_Format(PyExc_TypeError, "type '%.100s' is not an acceptable base type",
                        base->tp_name);
  }
  Extras extras;
  extras.name = short_name;
  PyObject* doc = PyDict_GetItemString(dict, "__doc__");
  if (doc != nullptr && PyUnicode_Check(doc)) {
    extras.doc = PyUnicode_AsUTF8(doc);
    if (extras.doc == nullptr) return nullptr;
  }
  PyHeapTypeObject* ht = AllocHeapType(extras, nullptr);
  if (ht == nullptr) return nullptr;
  PyTypeObject* type = &ht->ht_type;
  PyObject* result = reinterpret_cast<PyObject*>(type);
  if (InitHeapType(ht, short_name, Py_NewRef(bases), base, nullptr) < 0) {
    Py_DECREF(result);
    return nullptr;
  }
  type->tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HEAPTYPE | Py_TPFLAGS_BASETYPE |
                   (base->tp_flags & Py_TPFLAGS_HAVE_GC);
  type->tp_basicsize = base->tp_basicsize;
  type->tp_itemsize = base->tp_itemsize;
  type->tp_dictoffset = base->tp_dictoffset;
  type->tp_weaklistoffset = base->tp_weaklistoffset;
  if (type->tp_flags & Py_TPFLAGS_HAVE_GC) {
    type->tp_traverse = base->tp_traverse;
    type->tp_clear = base->tp_clear;
  }
  type->tp_dealloc = &HeapInstanceDealloc;
  type->tp_dict = PyDict_Copy(dict);
  if (type->tp_dict == nullptr || PyType_Ready(type) < 0) {
    Py_DECREF(result);
    return nullptr;
  }
  SettleNew(type);
  return result;
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" PyObject* PyType_FromModuleAndSpec(PyObject* module, PyType_Spec* spec,
                                              PyObject* bases) {
  return FromSpec(module, spec, bases);
}

extern "C" PyObject* PyType_FromSpecWithBases(PyType_Spec* spec, PyObject* bases) {
  return FromSpec(nullptr, spec, bases);
}

extern "C" PyObject* PyType_FromSpec(PyType_Spec* spec) { return FromSpec(nullptr, spec, nullptr); }

extern "C" void* PyType_GetSlot(PyTypeObject* type, int slot) {
  if (slot <= 0 || slot >= kSlotCount) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  void** field = SlotField(type, slot);
  return field != nullptr ? *field : nullptr;
}

extern "C" unsigned long PyType_GetFlags(PyTypeObject* type) {
  return __atomic_load_n(&type->tp_flags, __ATOMIC_ACQUIRE);
}

extern "C" PyObject* PyType_GetName(PyTypeObject* type) {
  if (IsHeapType(type)) return Py_NewRef(AsHeapType(type)->ht_name);
  return PyUnicode_FromString(ShortName(type->tp_name));
}

extern "C" PyObject* PyType_GetQualName(PyTypeObject* type) {
  if (IsHeapType(type)) return Py_NewRef(AsHeapType(type)->ht_qualname);
  return PyUnicode_FromString(ShortName(type->tp_name));
}

extern "C" PyObject* PyType_GetModule(PyTypeObject* type) {
  if (!IsHeapType(type)) {
    return PyErr_Format(PyExc_TypeError, "PyType_GetModule: Type '%s' is not a heap type",
                        type->tp_name);
  }
  PyObject* module = AsHeapType(type)->ht_module;
  if (module == nullptr) {
    return PyErr_Format(PyExc_TypeError, "PyType_GetModule: Type '%s' has no associated module",
                        type->tp_name);
  }
  return module;
}

extern "C" void* PyType_GetModuleState(PyTypeObject* type) {
  PyObject* module = PyType_GetModule(type);
  return module != nullptr ? PyModule_GetState(module) : nullptr;
}

extern "C" PyObject* PyType_GetModuleByDef(PyTypeObject* type, PyModuleDef* def) {
  auto matches = [def](PyTypeObject* t) -> PyObject* {
    if (!IsHeapType(t)) return nullptr;  // static types have no module
    PyObject* module = AsHeapType(t)->ht_module;
    return module != nullptr && PyModule_Check(module) && PyModule_GetDef(module) == def
               ? module
               : nullptr;
  };
  PyObject* mro = type->tp_mro;
  if (mro != nullptr && PyTuple_Check(mro)) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); ++i) {
      if (PyObject* module = matches(reinterpret_cast<PyTypeObject*>(PyTuple_GET_ITEM(mro, i)))) {
        return module;
      }
    }
  } else {
    for (PyTypeObject* t = type; t != nullptr; t = t->tp_base) {
      if (PyObject* module = matches(t)) return module;
    }
  }
  return PyErr_Format(PyExc_TypeError,
                      "PyType_GetModuleByDef: No superclass of '%s' has the given module",
                      type->tp_name);
}

// ---- PyErr_NewException -------------------------------------------------------------------------

extern "C" PyObject* PyErr_NewException(const char* name, PyObject* base, PyObject* dict) {
  const char* dot = std::strrchr(name, '.');
  if (dot == nullptr) {
    PyErr_SetString(PyExc_SystemError, "PyErr_NewException: name must be module.class");
    return nullptr;
  }
  if (base == nullptr) base = PyExc_Exception;
  PyObject* own_dict = nullptr;
  if (dict == nullptr) {
    dict = own_dict = PyDict_New();
    if (dict == nullptr) return nullptr;
  }
  PyObject* result = nullptr;
  PyObject* bases = nullptr;
  // As CPython, __module__ goes into the caller's dict when it has none.
  if (PyDict_GetItemString(dict, "__module__") == nullptr) {
    PyObject* module_name = PyUnicode_FromStringAndSize(name, dot - name);
    const int set =
        module_name != nullptr ? PyDict_SetItemString(dict, "__module__", module_name) : -1;
    Py_XDECREF(module_name);
    if (set < 0) goto done;
  }
  bases = PyTuple_Check(base) ? Py_NewRef(base) : PyTuple_Pack(1, base);
  if (bases == nullptr) goto done;
  result = NewExceptionClass(dot + 1, bases, dict);
done:
  Py_XDECREF(bases);
  Py_XDECREF(own_dict);
  return result;
}

extern "C" PyObject* PyErr_NewExceptionWithDoc(const char* name, const char* doc, PyObject* base,
                                               PyObject* dict) {
  PyObject* own_dict = nullptr;
  if (doc != nullptr) {
    if (dict == nullptr) {
      dict = own_dict = PyDict_New();
      if (dict == nullptr) return nullptr;
    }
    PyObject* text = PyUnicode_FromString(doc);
    const int set = text != nullptr ? PyDict_SetItemString(dict, "__doc__", text) : -1;
    Py_XDECREF(text);
    if (set < 0) {
      Py_XDECREF(own_dict);
      return nullptr;
    }
  }
  PyObject* result = PyErr_NewException(name, base, dict);
  Py_XDECREF(own_dict);
  return result;
}
