// Types: PyType_Type and PyBaseObject_Type, PyType_Ready (CPython 3.11's: tp_bases, tp_mro,
// slot inheritance, tp_dict filled with descriptors), subtype tests, lookup along the MRO,
// attribute access on type objects, and calling a type (type_call, object_new, object_init).
//
// PyType_Ready(type), in CPython's order:
//   1. the bases are readied (tp_base defaults to object);
//   2. the MRO is computed (C3 linearisation of the bases' MROs; single inheritance is the
//      chain) without allocating;
//   3. under g_ready_mu, once per type: inherit_special from tp_base (GC, sizes, offsets, the
//      *_SUBCLASS flags), inherit_slots from every base of the MRO (CPython's rules: pairs
//      tp_getattr/tp_getattro, tp_setattr/tp_setattro, tp_hash/tp_richcompare; tp_new as
//      type_ready_set_new: a static type based on object without tp_new cannot be
//      instantiated; tp_free following GC-ness), Py_TPFLAGS_IMMUTABLETYPE for static types,
//      tp_hash = PyObject_HashNotImplemented when comparison is defined without hashing.
//      The type is then usable for allocation on this thread (Py_TPFLAGS_READYING);
//   4. without the lock (allocation is a safepoint: a thread waiting on a lock could stall
//      a collection): tp_bases, tp_mro and tp_dict are built — the dict holds
//      method_descriptor/classmethod_descriptor/staticmethod entries for tp_methods,
//      member_descriptor for tp_members, getset_descriptor for tp_getset (first wins, except
//      METH_COEXIST), __doc__ (tp_doc without its signature, or None), __new__ (a builtin
//      method calling tp_new) and __hash__ = None for unhashable types;
//   5. under the lock, published with Py_TPFLAGS_READY (release; readers acquire). A
//      tp_dict the extension set before PyType_Ready gets the entries of ours it lacks
//      first, without the lock (key comparisons may run extension code), by one thread at a
//      time (ClaimMerge; others wait in a native region).
// Two threads readying one type both build; the first to publish wins and the other's
// objects are dropped. Readying on one thread re-enters for the types its step 4 allocates
// (descriptor types, tuple, dict, str): a type being readied on the calling thread counts as
// ready (t_readying), as its slots are in place from step 3.
//
// Invariants: tp_bases, tp_mro and tp_dict of a static type are pins held forever (roots);
// once READY, a type's slots and these fields do not change (types are immutable, except
// tp_dict entries of mutable heap types).
//
// Not provided: slot wrappers in tp_dict (__add__, __init__...), __subclasses__,
// metaclass conflicts, custom mro().
//
// Threads: any attached thread.
#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"
#include "structmember.h"

namespace pinion::compat {
namespace {

std::mutex g_ready_mu;  // steps 3 and 5 of PyType_Ready; never held across allocation
thread_local std::vector<PyTypeObject*> t_readying;

// The static types readied since Py_Initialize, with which of their fields PyType_Ready
// published (heap objects that Py_Finalize's heap takes with it). Guarded by g_ready_mu.
struct Readied {
  PyTypeObject* type;
  bool bases, mro, dict;
};
std::vector<Readied>& ReadiedTypes() {
  static auto* types = new std::vector<Readied>;
  return *types;
}

constexpr unsigned long kSubclassFlags =
    Py_TPFLAGS_LONG_SUBCLASS | Py_TPFLAGS_LIST_SUBCLASS | Py_TPFLAGS_TUPLE_SUBCLASS |
    Py_TPFLAGS_BYTES_SUBCLASS | Py_TPFLAGS_UNICODE_SUBCLASS | Py_TPFLAGS_DICT_SUBCLASS |
    Py_TPFLAGS_BASE_EXC_SUBCLASS | Py_TPFLAGS_TYPE_SUBCLASS;

PyObject* AsObject(PyTypeObject* type) { return reinterpret_cast<PyObject*>(type); }
PyTypeObject* AsType(PyObject* op) { return reinterpret_cast<PyTypeObject*>(op); }

// tp_flags changes while other threads may read the flags without g_ready_mu (PyType_Ready's
// fast path, with an acquire load): atomic, under g_ready_mu.
void AddFlags(PyTypeObject* type, unsigned long flags) {
  __atomic_fetch_or(&type->tp_flags, flags, __ATOMIC_RELAXED);
}

bool ReadyingHere(PyTypeObject* type) {
  return std::find(t_readying.begin(), t_readying.end(), type) != t_readying.end();
}

unsigned long Flags(PyTypeObject* type) {
  return __atomic_load_n(&type->tp_flags, __ATOMIC_ACQUIRE);
}

// The direct bases: tp_bases when set, else tp_base, else object (none for object itself).
// BasesOf and MroOf allocate nothing (they run under g_ready_mu): on failure they leave a
// TypeError's message in `error` for the caller to raise.
bool BasesOf(PyTypeObject* type, std::vector<PyTypeObject*>* out, std::string& error) {
  out->clear();
  if (type->tp_bases != nullptr) {
    if (!PyTuple_Check(type->tp_bases)) {
      error = std::string("type '") + type->tp_name + "': tp_bases must be a tuple";
      return false;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(type->tp_bases); ++i) {
      PyObject* base = PyTuple_GET_ITEM(type->tp_bases, i);
      if (!PyType_Check(base)) {
        error = "bases must be types";
        return false;
      }
      out->push_back(AsType(base));
    }
    return true;
  }
  if (type->tp_base != nullptr) {
    out->push_back(type->tp_base);
  } else if (type != &PyBaseObject_Type) {
    out->push_back(&PyBaseObject_Type);
  }
  return true;
}

// The MRO of `type`, from tp_mro once set, else computed (CPython's mro_implementation).
bool MroOf(PyTypeObject* type, std::vector<PyTypeObject*>* out, std::string& error) {
  out->clear();
  if (type->tp_mro != nullptr && PyTuple_Check(type->tp_mro)) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(type->tp_mro); ++i) {
      out->push_back(AsType(PyTuple_GET_ITEM(type->tp_mro, i)));
    }
    return true;
  }
  std::vector<PyTypeObject*> bases;
  if (!BasesOf(type, &bases, error)) return false;
  out->push_back(type);
  if (bases.size() == 1) {
    std::vector<PyTypeObject*> rest;
    if (!MroOf(bases[0], &rest, error)) return false;
    out->insert(out->end(), rest.begin(), rest.end());
    return true;
  }
  for (size_t i = 0; i < bases.size(); ++i) {
    for (size_t j = i + 1; j < bases.size(); ++j) {
      if (bases[i] == bases[j]) {
        error = std::string("duplicate base class ") + TypeShortName(bases[i]);
        return false;
      }
    }
  }
  // C3: merge the bases' MROs and the list of bases.
  std::vector<std::vector<PyTypeObject*>> lists;
  for (PyTypeObject* base : bases) {
    lists.emplace_back();
    if (!MroOf(base, &lists.back(), error)) return false;
  }
  lists.push_back(bases);
  std::vector<size_t> heads(lists.size(), 0);
  for (;;) {
    bool empty = true;
    PyTypeObject* next = nullptr;
    for (size_t i = 0; i < lists.size() && next == nullptr; ++i) {
      if (heads[i] >= lists[i].size()) continue;
      empty = false;
      PyTypeObject* candidate = lists[i][heads[i]];
      bool in_tail = false;
      for (size_t j = 0; j < lists.size() && !in_tail; ++j) {
        in_tail = std::find(lists[j].begin() + std::min(heads[j] + 1, lists[j].size()),
                            lists[j].end(), candidate) != lists[j].end();
      }
      if (!in_tail) next = candidate;
    }
    if (empty) return true;
    if (next == nullptr) {
      std::string names;
      std::vector<PyTypeObject*> named;
      for (size_t i = 0; i < lists.size(); ++i) {
        if (heads[i] >= lists[i].size()) continue;
        PyTypeObject* head = lists[i][heads[i]];
        if (std::find(named.begin(), named.end(), head) != named.end()) continue;
        named.push_back(head);
        if (!names.empty()) names += ", ";
        names += TypeShortName(head);
      }
      error = "Cannot create a consistent method resolution\norder (MRO) for bases " + names;
      return false;
    }
    out->push_back(next);
    for (size_t i = 0; i < lists.size(); ++i) {
      if (heads[i] < lists[i].size() && lists[i][heads[i]] == next) ++heads[i];
    }
  }
}

// CPython's inherit_special: what only the primary base (tp_base) gives.
void InheritSpecial(PyTypeObject* type, PyTypeObject* base) {
  if (!(type->tp_flags & Py_TPFLAGS_HAVE_GC) && (base->tp_flags & Py_TPFLAGS_HAVE_GC) &&
      type->tp_traverse == nullptr && type->tp_clear == nullptr) {
    AddFlags(type, Py_TPFLAGS_HAVE_GC);
    type->tp_traverse = base->tp_traverse;
    type->tp_clear = base->tp_clear;
  }
  if (type->tp_basicsize == 0) type->tp_basicsize = base->tp_basicsize;
  if (type->tp_itemsize == 0) type->tp_itemsize = base->tp_itemsize;
  if (type->tp_weaklistoffset == 0) type->tp_weaklistoffset = base->tp_weaklistoffset;
  if (type->tp_dictoffset == 0) type->tp_dictoffset = base->tp_dictoffset;
  AddFlags(type, base->tp_flags & kSubclassFlags);
}

// CPython's inherit_slots from one base of the MRO: a slot is copied when the type lacks it
// and `base` defines it (not merely inherits it from its own tp_base).
void InheritSlots(PyTypeObject* type, PyTypeObject* base) {
  PyTypeObject* basebase = base->tp_base;
#define PINION_SLOTDEFINED(slot) \
  (base->slot != 0 && (basebase == nullptr || base->slot != basebase->slot))
#define PINION_COPYSLOT(slot) \
  if (!type->slot && PINION_SLOTDEFINED(slot)) type->slot = base->slot
  PINION_COPYSLOT(tp_dealloc);
  if (type->tp_getattr == nullptr && type->tp_getattro == nullptr) {
    type->tp_getattr = base->tp_getattr;
    type->tp_getattro = base->tp_getattro;
  }
  if (type->tp_setattr == nullptr && type->tp_setattro == nullptr) {
    type->tp_setattr = base->tp_setattr;
    type->tp_setattro = base->tp_setattro;
  }
  PINION_COPYSLOT(tp_repr);
  PINION_COPYSLOT(tp_vectorcall_offset);
  if (type->tp_call == nullptr && (base->tp_flags & Py_TPFLAGS_HAVE_VECTORCALL) &&
      (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE)) {
    AddFlags(type, Py_TPFLAGS_HAVE_VECTORCALL);
  }
  PINION_COPYSLOT(tp_call);
  PINION_COPYSLOT(tp_str);
  if (type->tp_richcompare == nullptr && type->tp_hash == nullptr) {
    type->tp_richcompare = base->tp_richcompare;
    type->tp_hash = base->tp_hash;
  }
  PINION_COPYSLOT(tp_iter);
  PINION_COPYSLOT(tp_iternext);
  PINION_COPYSLOT(tp_descr_get);
  if (base->tp_descr_get != nullptr && type->tp_descr_get == base->tp_descr_get &&
      (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE) &&
      (base->tp_flags & Py_TPFLAGS_METHOD_DESCRIPTOR)) {
    AddFlags(type, Py_TPFLAGS_METHOD_DESCRIPTOR);
  }
  PINION_COPYSLOT(tp_descr_set);
  PINION_COPYSLOT(tp_dictoffset);
  PINION_COPYSLOT(tp_init);
  PINION_COPYSLOT(tp_alloc);
  PINION_COPYSLOT(tp_is_gc);
  PINION_COPYSLOT(tp_finalize);
  if ((type->tp_flags & Py_TPFLAGS_HAVE_GC) == (base->tp_flags & Py_TPFLAGS_HAVE_GC)) {
    PINION_COPYSLOT(tp_free);
  } else if ((type->tp_flags & Py_TPFLAGS_HAVE_GC) && type->tp_free == nullptr &&
             base->tp_free == &PyObject_Free) {
    type->tp_free = &PyObject_GC_Del;
  }
#undef PINION_COPYSLOT
#undef PINION_SLOTDEFINED
}

// Step 3 of PyType_Ready (under g_ready_mu; allocates nothing).
void InheritAll(PyTypeObject* type, const std::vector<PyTypeObject*>& mro) {
  PyTypeObject* base = type->tp_base;
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) AddFlags(type, Py_TPFLAGS_IMMUTABLETYPE);
  if (base != nullptr) {
    InheritSpecial(type, base);
    InheritSlotTables(type, base);
    // Pattern-matching kind (CPython's inherit_special): the base's, unless the type set one.
    constexpr unsigned long kCollectionFlags = Py_TPFLAGS_SEQUENCE | Py_TPFLAGS_MAPPING;
    if ((type->tp_flags & kCollectionFlags) == 0) AddFlags(type, base->tp_flags & kCollectionFlags);
  }
  for (size_t i = 1; i < mro.size(); ++i) InheritSlots(type, mro[i]);
  // type_ready_set_new.
  if (base != nullptr) {
    if (type->tp_new == nullptr && base == &PyBaseObject_Type &&
        !(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
      AddFlags(type, Py_TPFLAGS_DISALLOW_INSTANTIATION);
    }
    if (type->tp_flags & Py_TPFLAGS_DISALLOW_INSTANTIATION) {
      type->tp_new = nullptr;
    } else if (type->tp_new == nullptr) {
      type->tp_new = base->tp_new;
    }
  }
  if (type->tp_alloc == nullptr) type->tp_alloc = &PyType_GenericAlloc;
  if (type->tp_free == nullptr) {
    type->tp_free = (type->tp_flags & Py_TPFLAGS_HAVE_GC) ? &PyObject_GC_Del : &PyObject_Free;
  }
  if (type->tp_hash == nullptr) type->tp_hash = &PyObject_HashNotImplemented;
}

const char* TypeDoc(PyTypeObject* type) {
  return pinion::compat::DocWithoutSignature(TypeShortName(type), type->tp_doc);
}

// dict[name] = value unless it has name (or always, with `replace`); steals `value`.
bool AddToDict(PyObject* dict, const char* name, PyObject* value, bool replace) {
  if (value == nullptr) return false;
  PyObject* key = PyUnicode_InternFromString(name);
  int result = -1;
  if (key != nullptr) {
    result = replace ? 0 : PyDict_Contains(dict, key);
    if (result == 0) result = PyDict_SetItem(dict, key, value);
  }
  Py_XDECREF(key);
  Py_DECREF(value);
  return result >= 0;
}

// T.__new__(S, *args, **kwargs): CPython's tp_new_wrapper, bound to T (a builtin method
// whose self is T): S must be a subtype of T whose nearest static base allocates as T does.
PyObject* TpNewWrapper(PyObject* self, PyObject* args, PyObject* kwds) {
  PyTypeObject* type = AsType(self);
  if (PyTuple_GET_SIZE(args) < 1) {
    return PyErr_Format(PyExc_TypeError, "%s.__new__(): not enough arguments", type->tp_name);
  }
  PyObject* arg0 = PyTuple_GET_ITEM(args, 0);
  if (!PyType_Check(arg0)) {
    return PyErr_Format(PyExc_TypeError, "%s.__new__(X): X is not a type object (%s)",
                        type->tp_name, Py_TYPE(arg0)->tp_name);
  }
  PyTypeObject* subtype = AsType(arg0);
  if (!PyType_IsSubtype(subtype, type)) {
    return PyErr_Format(PyExc_TypeError, "%s.__new__(%s): %s is not a subtype of %s",
                        type->tp_name, subtype->tp_name, subtype->tp_name, type->tp_name);
  }
  if (subtype->tp_new != type->tp_new) {
    return PyErr_Format(PyExc_TypeError, "%s.__new__(%s) is not safe, use %s.__new__()",
                        type->tp_name, subtype->tp_name, subtype->tp_name);
  }
  PyObject* rest = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
  if (rest == nullptr) return nullptr;
  PyObject* result = type->tp_new(subtype, rest, kwds);
  Py_DECREF(rest);
  return result;
}

PyMethodDef tp_new_def = {
    "__new__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)(void)>(&TpNewWrapper)),
    METH_VARARGS | METH_KEYWORDS,
    "__new__($type, *args, **kwargs)\n--\n\n"
    "Create and return a new object.  See help(type) for accurate signature."};

// Step 4's dict contents (CPython's type_ready_fill_dict and type_ready_set_hash).
bool FillDict(PyTypeObject* type, PyObject* dict) {
  for (PyMethodDef* def = type->tp_methods; def != nullptr && def->ml_name != nullptr; ++def) {
    PyObject* descr;
    if ((def->ml_flags & METH_CLASS) && (def->ml_flags & METH_STATIC)) {
      PyErr_SetString(PyExc_ValueError, "method cannot be both class and static");
      return false;
    }
    if (def->ml_flags & METH_CLASS) {
      descr = PyDescr_NewClassMethod(type, def);
    } else if (def->ml_flags & METH_STATIC) {
      PyObject* function = PyCFunction_NewEx(def, AsObject(type), nullptr);
      if (function == nullptr) return false;
      descr = PyStaticMethod_New(function);
      Py_DECREF(function);
    } else {
      descr = PyDescr_NewMethod(type, def);
    }
    if (!AddToDict(dict, def->ml_name, descr, (def->ml_flags & METH_COEXIST) != 0)) return false;
  }
  for (PyMemberDef* def = type->tp_members; def != nullptr && def->name != nullptr; ++def) {
    if (!AddToDict(dict, def->name, PyDescr_NewMember(type, def), false)) return false;
  }
  for (PyGetSetDef* def = type->tp_getset; def != nullptr && def->name != nullptr; ++def) {
    if (!AddToDict(dict, def->name, PyDescr_NewGetSet(type, def), false)) return false;
  }
  PyObject* doc = type->tp_doc != nullptr ? PyUnicode_FromString(TypeDoc(type))
                                          : Py_NewRef(Py_None);
  if (!AddToDict(dict, "__doc__", doc, false)) return false;
  if (type->tp_new != nullptr &&
      !AddToDict(dict, "__new__", PyCFunction_NewEx(&tp_new_def, AsObject(type), nullptr),
                 false)) {
    return false;
  }
  if (type->tp_hash == &PyObject_HashNotImplemented &&
      !AddToDict(dict, "__hash__", Py_NewRef(Py_None), false)) {
    return false;
  }
  return true;
}

PyObject* TupleOf(const std::vector<PyTypeObject*>& types, size_t from) {
  PyObject* tuple = PyTuple_New(static_cast<Py_ssize_t>(types.size() - from));
  if (tuple == nullptr) return nullptr;
  for (size_t i = from; i < types.size(); ++i) {
    PyTuple_SET_ITEM(tuple, i - from, Py_NewRef(AsObject(types[i])));
  }
  return tuple;
}

struct ReadyingScope {
  explicit ReadyingScope(PyTypeObject* type) { t_readying.push_back(type); }
  ~ReadyingScope() { t_readying.pop_back(); }
};

// The types whose preset tp_dict a thread is merging into (step 5), and that thread; under
// g_ready_mu. g_merge_done is notified when one leaves.
std::vector<std::pair<PyTypeObject*, std::thread::id>>& Merging() {
  static auto* merging = new std::vector<std::pair<PyTypeObject*, std::thread::id>>;
  return *merging;
}
std::condition_variable g_merge_done;

// With g_ready_mu held (by `lock`): true if the calling thread now owns the merge into
// `type`'s preset dict; false if the type is READY (another thread published it) or the
// calling thread is merging it already (readying re-entered from a key's __eq__). While
// another thread merges, waits for it in a native region (the merge may allocate, so it may
// wait for a collection, which must not wait for this thread).
bool ClaimMerge(PyTypeObject* type, std::unique_lock<std::mutex>& lock) {
  const auto self = std::this_thread::get_id();
  for (;;) {
    if (type->tp_flags & Py_TPFLAGS_READY) return false;
    auto it = std::find_if(Merging().begin(), Merging().end(),
                           [type](const auto& entry) { return entry.first == type; });
    if (it == Merging().end()) {
      Merging().emplace_back(type, self);
      return true;
    }
    if (it->second == self) return false;
    lock.unlock();
    PyThreadState* saved = PyGILState_Check() ? PyEval_SaveThread() : nullptr;
    {
      std::unique_lock<std::mutex> wait_lock(g_ready_mu);
      g_merge_done.wait(wait_lock, [type] {
        return std::none_of(Merging().begin(), Merging().end(),
                            [type](const auto& entry) { return entry.first == type; });
      });
    }  // g_ready_mu released before the native region is left (which may wait)
    if (saved != nullptr) PyEval_RestoreThread(saved);
    lock.lock();
  }
}

// Under g_ready_mu: the calling thread's merge into `type` is over.
void EndMerge(PyTypeObject* type) {
  std::erase_if(Merging(), [type](const auto& entry) { return entry.first == type; });
}

// Adds to `preset` (a dict the extension gave the type before PyType_Ready) what `ours`
// has that it lacks. Without g_ready_mu, by the thread that claimed the merge (ClaimMerge):
// comparing keys may run extension code.
bool MergeInto(PyObject* preset, PyObject* ours) {
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  while (PyDict_Next(ours, &pos, &key, &value)) {
    const int has = PyDict_Contains(preset, key);
    if (has < 0 || (has == 0 && PyDict_SetItem(preset, key, value) < 0)) return false;
  }
  return true;
}

int Ready(PyTypeObject* type) {
  if (type->tp_name == nullptr) {
    PyErr_SetString(PyExc_SystemError, "Type does not define the tp_name field.");
    return -1;
  }
  {
    std::lock_guard<std::mutex> lock(g_ready_mu);
    if (type->tp_flags & Py_TPFLAGS_READY) return 0;  // another thread published it
    if (Py_TYPE(type) == nullptr) Py_SET_TYPE(type, &PyType_Type);
    if (type->tp_base == nullptr && type != &PyBaseObject_Type) {
      type->tp_base = &PyBaseObject_Type;
    }
  }
  ReadyingScope scope(type);
  // 1. The bases (tp_bases is the extension's until step 5 publishes one).
  std::vector<PyTypeObject*> bases;
  std::string error;
  bool found;
  {
    std::lock_guard<std::mutex> lock(g_ready_mu);
    found = BasesOf(type, &bases, error);
  }
  if (!found) {
    PyErr_SetString(PyExc_TypeError, error.c_str());
    return -1;
  }
  for (PyTypeObject* base : bases) {
    if (PyType_Ready(base) < 0) return -1;
  }
  // 2. The MRO.
  std::vector<PyTypeObject*> mro;
  {
    std::lock_guard<std::mutex> lock(g_ready_mu);
    found = MroOf(type, &mro, error);
  }
  if (!found) {
    PyErr_SetString(PyExc_TypeError, error.c_str());
    return -1;
  }
  if (!(Flags(type) & Py_TPFLAGS_HEAPTYPE)) {
    for (size_t i = 1; i < mro.size(); ++i) {
      if (mro[i]->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        PyErr_Format(PyExc_TypeError,
                     "type '%.100s' is not dynamically allocated but its base type '%.100s' is "
                     "dynamically allocated",
                     type->tp_name, mro[i]->tp_name);
        return -1;
      }
    }
  }
  // 3. The slots.
  {
    std::lock_guard<std::mutex> lock(g_ready_mu);
    if (!(type->tp_flags & (Py_TPFLAGS_READY | Py_TPFLAGS_READYING))) {
      InheritAll(type, mro);
      AddFlags(type, Py_TPFLAGS_READYING);
    }
  }
  if ((Flags(type) & Py_TPFLAGS_HAVE_GC) && type->tp_traverse == nullptr) {
    PyErr_Format(PyExc_SystemError, "type '%s' has Py_TPFLAGS_HAVE_GC but no tp_traverse",
                 type->tp_name);
    return -1;
  }
  if (type->tp_finalize != nullptr) NoteFinalizer();
  // 4. tp_bases, tp_mro, tp_dict, built privately.
  PyObject* bases_tuple = bases.size() == 1 && bases[0] == type->tp_base
                              ? PyTuple_Pack(1, AsObject(type->tp_base))
                              : TupleOf(bases, 0);
  PyObject* mro_tuple = TupleOf(mro, 0);
  PyObject* dict = PyDict_New();
  bool ok = bases_tuple != nullptr && mro_tuple != nullptr && dict != nullptr &&
            FillDict(type, dict);
  // 5. Publication.
  bool merged = false;  // this thread claimed the merge into a preset tp_dict
  if (ok) {
    std::unique_lock<std::mutex> lock(g_ready_mu);
    bool publish = !(type->tp_flags & Py_TPFLAGS_READY);
    if (publish && type->tp_dict != nullptr) {
      // The merge compares keys (a key's __eq__ may be extension code, which may allocate):
      // it runs without the lock, by the one thread that claims it.
      publish = merged = ClaimMerge(type, lock);
      if (merged) {
        PyObject* preset = type->tp_dict;
        lock.unlock();
        ok = MergeInto(preset, dict);
        lock.lock();
        publish = !(type->tp_flags & Py_TPFLAGS_READY);
      }
    }
    if (publish) {
      if (ok) {
        Readied readied{type, type->tp_bases == nullptr, type->tp_mro == nullptr,
                        type->tp_dict == nullptr};
        if (readied.bases) std::swap(type->tp_bases, bases_tuple);
        if (readied.mro) std::swap(type->tp_mro, mro_tuple);
        if (readied.dict) std::swap(type->tp_dict, dict);
        if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) ReadiedTypes().push_back(readied);
        __atomic_store_n(&type->tp_flags,
                         (type->tp_flags & ~Py_TPFLAGS_READYING) | Py_TPFLAGS_READY,
                         __ATOMIC_RELEASE);
      }
    }
  }
  if (merged) {
    {
      std::lock_guard<std::mutex> lock(g_ready_mu);
      EndMerge(type);
    }
    g_merge_done.notify_all();
  }
  // What was not published: another thread's won, or an error.
  Py_XDECREF(bases_tuple);
  Py_XDECREF(mro_tuple);
  Py_XDECREF(dict);
  return ok ? 0 : -1;
}

// ---- object -----------------------------------------------------------------------------

bool ExcessArgs(PyObject* args, PyObject* kwds) {
  return (args != nullptr && PyTuple_GET_SIZE(args) != 0) ||
         (kwds != nullptr && PyDict_Check(kwds) && PyDict_GET_SIZE(kwds) != 0);
}

int ObjectInit(PyObject* self, PyObject* args, PyObject* kwds);

PyObject* ObjectNew(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  if (ExcessArgs(args, kwds)) {
    if (type->tp_new != &ObjectNew) {
      PyErr_SetString(PyExc_TypeError,
                      "object.__new__() takes exactly one argument (the type to instantiate)");
      return nullptr;
    }
    if (type->tp_init == &ObjectInit) {
      return PyErr_Format(PyExc_TypeError, "%.200s() takes no arguments", type->tp_name);
    }
  }
  return type->tp_alloc(type, 0);
}

int ObjectInit(PyObject* self, PyObject* args, PyObject* kwds) {
  PyTypeObject* type = Py_TYPE(self);
  if (ExcessArgs(args, kwds)) {
    if (type->tp_init != &ObjectInit) {
      PyErr_SetString(PyExc_TypeError,
                      "object.__init__() takes exactly one argument (the instance to initialize)");
      return -1;
    }
    if (type->tp_new == &ObjectNew) {
      PyErr_Format(PyExc_TypeError, "%.200s() takes no arguments", type->tp_name);
      return -1;
    }
  }
  return 0;
}

Py_hash_t ObjectHash(PyObject* self) { return HashPointer(self); }

PyObject* ObjectGetClass(PyObject* self, void*) { return Py_NewRef(AsObject(Py_TYPE(self))); }

int ObjectSetClass(PyObject*, PyObject* value, void*) {
  if (value == nullptr) {
    PyErr_SetString(PyExc_TypeError, "can't delete __class__ attribute");
  } else if (!PyType_Check(value)) {
    PyErr_Format(PyExc_TypeError, "__class__ must be set to a class, not '%s' object",
                 Py_TYPE(value)->tp_name);
  } else {
    PyErr_SetString(PyExc_TypeError,
                    "__class__ assignment only supported for mutable types or ModuleType "
                    "subclasses");
  }
  return -1;
}

PyGetSetDef object_getset[] = {
    {"__class__", &ObjectGetClass, &ObjectSetClass, "the object's class", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// ---- type -------------------------------------------------------------------------------

// __module__: a heap type's dict entry, else the part of tp_name before its last dot, else
// "builtins" (CPython's type_module).
PyObject* TypeModule(PyTypeObject* type) {
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE && type->tp_dict != nullptr) {
    PyObject* module = PyDict_GetItemString(type->tp_dict, "__module__");
    if (module != nullptr) return Py_NewRef(module);
  }
  const char* dot = std::strrchr(type->tp_name, '.');
  if (dot == nullptr) return PyUnicode_FromString("builtins");
  return PyUnicode_FromStringAndSize(type->tp_name, dot - type->tp_name);
}

PyObject* TypeGetName(PyObject* self, void*) {
  return PyUnicode_FromString(TypeShortName(AsType(self)));
}

PyObject* TypeGetModule(PyObject* self, void*) { return TypeModule(AsType(self)); }

PyObject* TypeGetBases(PyObject* self, void*) {
  PyObject* bases = AsType(self)->tp_bases;
  return Py_NewRef(bases != nullptr ? bases : Py_None);
}

PyObject* TypeGetDoc(PyObject* self, void*) {
  PyTypeObject* type = AsType(self);
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE) && type->tp_doc != nullptr) {
    return PyUnicode_FromString(TypeDoc(type));
  }
  PyObject* doc =
      type->tp_dict != nullptr ? PyDict_GetItemString(type->tp_dict, "__doc__") : nullptr;
  if (doc == nullptr) Py_RETURN_NONE;
  if (descrgetfunc get = Py_TYPE(doc)->tp_descr_get) return get(doc, nullptr, self);
  return Py_NewRef(doc);
}

PyObject* TypeGetDict(PyObject* self, void*) {
  PyTypeObject* type = AsType(self);
  if (type->tp_dict == nullptr) Py_RETURN_NONE;
  return PyDictProxy_New(type->tp_dict);
}

int TypeSetReadOnly(PyObject* self, PyObject*, void* closure) {
  PyErr_Format(PyExc_TypeError, "cannot set '%s' attribute of immutable type '%s'",
               static_cast<const char*>(closure), AsType(self)->tp_name);
  return -1;
}

PyGetSetDef type_getset[] = {
    {"__name__", &TypeGetName, &TypeSetReadOnly, nullptr, const_cast<char*>("__name__")},
    {"__qualname__", &TypeGetName, &TypeSetReadOnly, nullptr,
     const_cast<char*>("__qualname__")},
    {"__bases__", &TypeGetBases, &TypeSetReadOnly, nullptr, const_cast<char*>("__bases__")},
    {"__module__", &TypeGetModule, &TypeSetReadOnly, nullptr, const_cast<char*>("__module__")},
    {"__doc__", &TypeGetDoc, &TypeSetReadOnly, nullptr, const_cast<char*>("__doc__")},
    {"__dict__", &TypeGetDict, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMemberDef type_members[] = {
    {"__basicsize__", T_PYSSIZET, offsetof(PyTypeObject, tp_basicsize), READONLY, nullptr},
    {"__itemsize__", T_PYSSIZET, offsetof(PyTypeObject, tp_itemsize), READONLY, nullptr},
    {"__flags__", T_ULONG, offsetof(PyTypeObject, tp_flags), READONLY, nullptr},
    {"__weakrefoffset__", T_PYSSIZET, offsetof(PyTypeObject, tp_weaklistoffset), READONLY,
     nullptr},
    {"__base__", T_OBJECT, offsetof(PyTypeObject, tp_base), READONLY, nullptr},
    {"__dictoffset__", T_PYSSIZET, offsetof(PyTypeObject, tp_dictoffset), READONLY, nullptr},
    {"__mro__", T_OBJECT, offsetof(PyTypeObject, tp_mro), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyObject* TypeRepr(PyObject* self) {
  PyTypeObject* type = AsType(self);
  PyObject* module = TypeModule(type);
  if (module == nullptr) PyErr_Clear();
  PyObject* repr;
  if (module != nullptr && PyUnicode_Check(module) &&
      PyUnicode_CompareWithASCIIString(module, "builtins") != 0) {
    repr = PyUnicode_FromFormat("<class '%U.%s'>", module, TypeShortName(type));
  } else {
    repr = PyUnicode_FromFormat("<class '%s'>", type->tp_name);
  }
  Py_XDECREF(module);
  return repr;
}

// CPython's type_getattro: data descriptors of the metatype, then the type's own MRO
// (descriptors bound with tp_descr_get(attr, NULL, type)), then the metatype's others.
PyObject* TypeGetAttro(PyObject* self, PyObject* name) {
  PyTypeObject* type = AsType(self);
  PyTypeObject* metatype = Py_TYPE(self);
  if (!PyUnicode_Check(name)) {
    return PyErr_Format(PyExc_TypeError, "attribute name must be string, not '%.200s'",
                        Py_TYPE(name)->tp_name);
  }
  if (!(Flags(type) & Py_TPFLAGS_READY) && PyType_Ready(type) < 0) return nullptr;
  PyObject* meta_attribute = TypeLookup(metatype, name);
  if (meta_attribute == nullptr && PyErr_Occurred()) return nullptr;
  descrgetfunc meta_get = nullptr;
  if (meta_attribute != nullptr) {
    meta_get = Py_TYPE(meta_attribute)->tp_descr_get;
    if (meta_get != nullptr && PyDescr_IsData(meta_attribute)) {
      return meta_get(meta_attribute, self, AsObject(metatype));
    }
  }
  PyObject* attribute = TypeLookup(type, name);
  if (attribute != nullptr) {
    if (descrgetfunc local_get = Py_TYPE(attribute)->tp_descr_get) {
      return local_get(attribute, nullptr, self);
    }
    return Py_NewRef(attribute);
  }
  if (PyErr_Occurred()) return nullptr;
  if (meta_get != nullptr) return meta_get(meta_attribute, self, AsObject(metatype));
  if (meta_attribute != nullptr) return Py_NewRef(meta_attribute);
  return PyErr_Format(PyExc_AttributeError, "type object '%.50s' has no attribute '%U'",
                      type->tp_name, name);
}

// CPython's type_setattro: immutable (static) types refuse; others set in their tp_dict
// unless a data descriptor of the metatype takes the value.
int TypeSetAttro(PyObject* self, PyObject* name, PyObject* value) {
  PyTypeObject* type = AsType(self);
  if (!PyUnicode_Check(name)) {
    PyErr_Format(PyExc_TypeError, "attribute name must be string, not '%.200s'",
                 Py_TYPE(name)->tp_name);
    return -1;
  }
  if (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE) {
    PyErr_Format(PyExc_TypeError, "cannot set %R attribute of immutable type '%s'", name,
                 type->tp_name);
    return -1;
  }
  PyObject* descr = TypeLookup(Py_TYPE(self), name);
  if (descr == nullptr && PyErr_Occurred()) return -1;
  if (descr != nullptr) {
    if (descrsetfunc set = Py_TYPE(descr)->tp_descr_set) return set(descr, self, value);
  }
  if (type->tp_dict == nullptr) {
    PyErr_Format(PyExc_AttributeError, "type object '%.50s' has no attribute '%U'",
                 type->tp_name, name);
    return -1;
  }
  int result;
  if (value == nullptr) {
    result = PyDict_DelItem(type->tp_dict, name);
    if (result < 0 && PyErr_ExceptionMatches(PyExc_KeyError)) {
      PyErr_Format(PyExc_AttributeError, "type object '%.50s' has no attribute '%U'",
                   type->tp_name, name);
    }
  } else {
    result = PyDict_SetItem(type->tp_dict, name, value);
  }
  PyType_Modified(type);
  return result;
}

// CPython's type_call: type(o) is o's type; other types make an instance with tp_new and,
// when tp_new returned an instance of the type, initialise it with tp_init.
PyObject* TypeCall(PyObject* callable, PyObject* args, PyObject* kwds) {
  PyTypeObject* type = AsType(callable);
  if (type == &PyType_Type && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 1 &&
      (kwds == nullptr || PyDict_GET_SIZE(kwds) == 0)) {
    return Py_NewRef(AsObject(Py_TYPE(PyTuple_GET_ITEM(args, 0))));
  }
  if (!(Flags(type) & Py_TPFLAGS_READY) && PyType_Ready(type) < 0) return nullptr;
  if (type->tp_new == nullptr) {
    return PyErr_Format(PyExc_TypeError, "cannot create '%s' instances", type->tp_name);
  }
  PyObject* self = type->tp_new(type, args, kwds);
  if (self == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_Format(PyExc_SystemError, "%R returned NULL without setting an exception", callable);
    }
    return nullptr;
  }
  if (PyErr_Occurred()) {
    Py_DECREF(self);
    return PyErr_Format(PyExc_SystemError, "%R returned a result with an exception set",
                        callable);
  }
  if (!PyObject_TypeCheck(self, type)) return self;
  if (initproc init = Py_TYPE(self)->tp_init) {
    if (init(self, args, kwds) < 0) {
      Py_DECREF(self);
      return nullptr;
    }
  }
  return self;
}

}  // namespace

bool ReadyBuiltinTypes() {
  static PyTypeObject* const kTypes[] = {
      &PyBaseObject_Type, &PyType_Type, &PyDict_Type, &PyTuple_Type, &PyUnicode_Type,
      &PyList_Type, &PyLong_Type, &PyBool_Type, &PyFloat_Type, &PyBytes_Type, &_PyNone_Type,
      &_PyNotImplemented_Type, &PyCFunction_Type, &PyMethodDescr_Type,
      &PyClassMethodDescr_Type, &PyMemberDescr_Type, &PyGetSetDescr_Type,
      &PyStaticMethod_Type, &PyClassMethod_Type, &PyDictProxy_Type, &PyModule_Type,
      &PyMethod_Type, &PyInstanceMethod_Type, &PyCapsule_Type, &PySet_Type,
      &PyFrozenSet_Type, &PyEnum_Type, &PyReversed_Type, &PyRange_Type, &PyRangeIter_Type,
      &PySuper_Type,
  };
  for (PyTypeObject* type : kTypes) {
    if (PyType_Ready(type) < 0) return false;
  }
  return true;
}

// Takes the published fields off the readied static types and clears READY; returns the
// objects that held them, for the caller to release (or drop, once the heap is gone).
std::vector<PyObject*> DetachReadiedTypes() {
  std::vector<PyObject*> objects;
  std::lock_guard<std::mutex> lock(g_ready_mu);
  for (const Readied& readied : ReadiedTypes()) {
    PyTypeObject* type = readied.type;
    if (readied.bases) objects.push_back(std::exchange(type->tp_bases, nullptr));
    if (readied.mro) objects.push_back(std::exchange(type->tp_mro, nullptr));
    if (readied.dict) objects.push_back(std::exchange(type->tp_dict, nullptr));
    __atomic_fetch_and(&type->tp_flags, ~(Py_TPFLAGS_READY | Py_TPFLAGS_READYING),
                       __ATOMIC_RELAXED);
  }
  ReadiedTypes().clear();
  return objects;
}

void ReleaseReadiedTypes() {
  for (PyObject* object : DetachReadiedTypes()) Py_XDECREF(object);
}

void ForgetReadiedTypes() { DetachReadiedTypes(); }

const char* DocWithoutSignature(const char* name, const char* doc) {
  if (doc == nullptr) return nullptr;
  const size_t length = std::strlen(name);
  if (std::strncmp(doc, name, length) != 0 || doc[length] != '(') return doc;
  const char* end = std::strstr(doc, ")\n--\n\n");
  if (end == nullptr) return doc;
  return end + 6;
}

const char* TypeShortName(PyTypeObject* type) {
  const char* dot = std::strrchr(type->tp_name, '.');
  return dot != nullptr ? dot + 1 : type->tp_name;
}

PyObject* TypeLookup(PyTypeObject* type, PyObject* name) {
  if (!(Flags(type) & Py_TPFLAGS_READY) && PyType_Ready(type) < 0) return nullptr;
  PyObject* mro = type->tp_mro;
  if (mro == nullptr) {  // being readied on this thread: its own dict is not published yet
    std::vector<PyTypeObject*> chain;
    std::string error;
    if (!MroOf(type, &chain, error)) {
      PyErr_SetString(PyExc_TypeError, error.c_str());
      return nullptr;
    }
    for (PyTypeObject* t : chain) {
      if (t->tp_dict == nullptr) continue;
      PyObject* value = PyDict_GetItemWithError(t->tp_dict, name);
      if (value != nullptr || PyErr_Occurred()) return value;
    }
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); ++i) {
    PyObject* dict = AsType(PyTuple_GET_ITEM(mro, i))->tp_dict;
    if (dict == nullptr) continue;
    PyObject* value = PyDict_GetItemWithError(dict, name);
    if (value != nullptr || PyErr_Occurred()) return value;
  }
  return nullptr;
}

}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyType_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "type",
    .tp_basicsize = sizeof(PyTypeObject),
    .tp_dealloc = &HeapTypeDealloc,  // heap types only (heap_type.cc): static types never die
    .tp_repr = &TypeRepr,
    .tp_call = &TypeCall,
    .tp_getattro = &TypeGetAttro,
    .tp_setattro = &TypeSetAttro,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_TYPE_SUBCLASS,
    .tp_doc = "type(object) -> the object's type\n"
              "type(name, bases, dict, **kwds) -> a new type",
    .tp_traverse = &HeapTypeTraverse,  // heap types only, as tp_dealloc
    .tp_clear = &HeapTypeClear,
    .tp_weaklistoffset = offsetof(PyTypeObject, tp_weaklist),
    .tp_members = type_members,
    .tp_getset = type_getset,
    .tp_base = &PyBaseObject_Type,
    .tp_dictoffset = offsetof(PyTypeObject, tp_dict),
};

PyTypeObject PyBaseObject_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "object",
    .tp_basicsize = sizeof(PyObject),
    .tp_dealloc = &BaseDealloc,
    .tp_hash = &ObjectHash,
    .tp_getattro = &PyObject_GenericGetAttr,
    .tp_setattro = &PyObject_GenericSetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "The base class of the class hierarchy.\n\n"
              "When called, it accepts no arguments and returns a new featureless\n"
              "instance that has no instance attributes and cannot be given any.\n",
    .tp_getset = object_getset,
    .tp_init = &ObjectInit,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &ObjectNew,
    .tp_free = &PyObject_Free,
};

extern "C" int PyType_IsSubtype(PyTypeObject* a, PyTypeObject* b) {
  PyObject* mro = a->tp_mro;
  if (mro != nullptr && PyTuple_Check(mro)) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); ++i) {
      if (PyTuple_GET_ITEM(mro, i) == AsObject(b)) return 1;
    }
    return 0;
  }
  for (PyTypeObject* t = a; t != nullptr; t = t->tp_base) {
    if (t == b) return 1;
  }
  return b == &PyBaseObject_Type;
}

extern "C" int PyType_Ready(PyTypeObject* type) {
  if (Flags(type) & Py_TPFLAGS_READY) return 0;
  if (ReadyingHere(type)) return 0;  // step 4 of its own readying: its slots are in place
  return Ready(type);
}

extern "C" PyObject* _PyType_Lookup(PyTypeObject* type, PyObject* name) {
  PyObject* value = TypeLookup(type, name);
  if (value == nullptr) PyErr_Clear();  // CPython's: no exception, ever
  return value;
}

extern "C" void PyType_Modified(PyTypeObject*) {}

extern "C" unsigned int PyType_ClearCache(void) { return 0; }
