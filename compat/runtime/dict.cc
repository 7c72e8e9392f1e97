// Dicts (dictobject.h): PyDict_Type and the PyDict_* API.
//
// The table (CPython 3.6+'s compact layout, in one malloc'd block the dict owns):
//   - entries: (hash, key, value) in insertion order; a deleted entry keeps its place with
//     key and value NULL. `nentries` counts the entries used, live or deleted; `usable` is
//     their capacity (2/3 of the slots).
//   - indices: `mask + 1` slots (a power of two), open addressing with CPython's perturbed
//     probe; each is kEmpty, kDummy (its entry was deleted: probing goes on past it) or an
//     entry's position.
// When the entries run out the live ones are copied, in order, into a new table sized for
// twice as many: published, then the old block freed. Keys and values are pins the dict
// owns; copying moves them (no pin changes hands).
//
// Invariants, at every safepoint (a pause may run tp_traverse then; allocation and key
// comparisons, which may run code that allocates, are safepoints): _pinion_table is a valid table
// whose entries [0, nentries) hold owned pins or NULLs, and ma_used counts the live ones.
//
// Threads: any attached thread; mutating one dict from two threads at once (or reading it
// while another thread mutates it) is the caller's race to avoid (there is no GIL). A key
// comparison may run code that mutates the dict: lookups check for that and restart.
#include <string>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"

namespace pinion::compat {
namespace {

struct DictEntry {
  Py_hash_t hash;
  PyObject* key;  // NULL: deleted
  PyObject* value;
};

}  // namespace
}  // namespace pinion::compat

struct _PyPinion_DictTable {
  Py_ssize_t mask;
  Py_ssize_t usable;
  Py_ssize_t nentries;
  Py_ssize_t* indices;                  // mask + 1 slots, in this block
  pinion::compat::DictEntry* entries;   // `usable` entries, in this block
};

namespace pinion::compat {
namespace {

using DictTable = _PyPinion_DictTable;

constexpr Py_ssize_t kEmpty = -1;
constexpr Py_ssize_t kDummy = -2;
// Lookup results other than an entry's position.
constexpr Py_ssize_t kMissing = -1;
constexpr Py_ssize_t kError = -2;
constexpr Py_ssize_t kRestart = -3;

constexpr Py_ssize_t kMinSlots = 8;

PyDictObject* AsDict(PyObject* op) { return reinterpret_cast<PyDictObject*>(op); }

// An empty table of `slots` (a power of two) index slots, or nullptr with MemoryError.
DictTable* NewTable(Py_ssize_t slots) {
  const Py_ssize_t usable = slots * 2 / 3;
  void* block = PyMem_Calloc(
      1, sizeof(DictTable) + slots * sizeof(Py_ssize_t) + usable * sizeof(DictEntry));
  if (block == nullptr) {
    PyErr_NoMemory();
    return nullptr;
  }
  auto* table = static_cast<DictTable*>(block);
  table->mask = slots - 1;
  table->usable = usable;
  table->indices = reinterpret_cast<Py_ssize_t*>(table + 1);
  table->entries = reinterpret_cast<DictEntry*>(table->indices + slots);
  for (Py_ssize_t i = 0; i < slots; ++i) table->indices[i] = kEmpty;
  return table;
}

// The first slot along `hash`'s probe sequence that holds no entry.
Py_ssize_t FreeSlot(const DictTable* table, Py_hash_t hash) {
  size_t perturb = static_cast<size_t>(hash);
  size_t i = perturb & table->mask;
  while (table->indices[i] >= 0) {
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & table->mask;
  }
  return static_cast<Py_ssize_t>(i);
}

// Replaces the table by one with room for twice the live items (at least kMinSlots slots),
// holding them in order. false with MemoryError.
bool Grow(PyDictObject* d) {
  Py_ssize_t slots = kMinSlots;
  while (slots < d->ma_used * 3) slots <<= 1;
  DictTable* table = NewTable(slots);
  if (table == nullptr) return false;
  DictTable* old = d->_pinion_table;
  for (Py_ssize_t i = 0; i < old->nentries; ++i) {
    if (old->entries[i].key == nullptr) continue;
    table->indices[FreeSlot(table, old->entries[i].hash)] = table->nentries;
    table->entries[table->nentries++] = old->entries[i];
  }
  d->_pinion_table = table;
  PyMem_Free(old);
  return true;
}

// One probe for `key`: its entry's position (and *slot its index slot), kMissing, kError, or
// kRestart when a comparison changed the table under it.
Py_ssize_t LookupOnce(PyDictObject* d, PyObject* key, Py_hash_t hash, Py_ssize_t* slot) {
  DictTable* table = d->_pinion_table;
  size_t perturb = static_cast<size_t>(hash);
  size_t i = perturb & table->mask;
  for (;; perturb >>= 5, i = (i * 5 + perturb + 1) & table->mask) {
    const Py_ssize_t ix = table->indices[i];
    if (ix == kEmpty) return kMissing;
    if (ix == kDummy) continue;
    DictEntry* entry = &table->entries[ix];
    bool equal = entry->key == key;
    if (!equal && entry->hash == hash) {
      PyObject* candidate = Py_NewRef(entry->key);  // the comparison may delete it
      const int cmp = PyObject_RichCompareBool(candidate, key, Py_EQ);
      Py_DECREF(candidate);
      if (cmp < 0) return kError;
      if (d->_pinion_table != table || entry->key != candidate) return kRestart;
      equal = cmp > 0;
    }
    if (equal) {
      *slot = static_cast<Py_ssize_t>(i);
      return ix;
    }
  }
}

// `key`'s entry position in d's current table, kMissing, or kError.
Py_ssize_t Lookup(PyDictObject* d, PyObject* key, Py_hash_t hash, Py_ssize_t* slot) {
  Py_ssize_t ix;
  do {
    ix = LookupOnce(d, key, hash, slot);
  } while (ix == kRestart);
  return ix;
}

// d[key] = value, consuming one reference to each of key and value (also on error).
int Insert(PyDictObject* d, PyObject* key, Py_hash_t hash, PyObject* value) {
  Py_ssize_t slot;
  const Py_ssize_t ix = Lookup(d, key, hash, &slot);
  if (ix == kError) {
    Py_DECREF(key);
    Py_DECREF(value);
    return -1;
  }
  if (ix >= 0) {  // replace the value; the dict keeps its key
    DictEntry& entry = d->_pinion_table->entries[ix];
    PyObject* old = entry.value;
    entry.value = value;
    Py_DECREF(old);
    Py_DECREF(key);
    return 0;
  }
  if (d->_pinion_table->nentries == d->_pinion_table->usable && !Grow(d)) {
    Py_DECREF(key);
    Py_DECREF(value);
    return -1;
  }
  DictTable* table = d->_pinion_table;
  table->entries[table->nentries] = DictEntry{hash, key, value};
  table->indices[FreeSlot(table, hash)] = table->nentries;
  ++table->nentries;
  ++d->ma_used;
  return 0;
}

bool CheckDict(PyObject* op) {
  if (op != nullptr && PyDict_Check(op)) return true;
  PyErr_BadInternalCall();
  return false;
}

// The entry for `key`, or kMissing/kError; the hash too (an unhashable key is kError).
Py_ssize_t Find(PyDictObject* d, PyObject* key, Py_ssize_t* slot) {
  const Py_hash_t hash = PyObject_Hash(key);
  if (hash == -1) return kError;
  return Lookup(d, key, hash, slot);
}

// A new list of make(key, value) for every item, in order; make returns a new reference.
template <class Make>
PyObject* ListOfItems(PyObject* p, Make make) {
  if (!CheckDict(p)) return nullptr;
  PyObject* list = PyList_New(PyDict_GET_SIZE(p));
  if (list == nullptr) return nullptr;
  Py_ssize_t pos = 0;
  Py_ssize_t n = 0;
  PyObject* key;
  PyObject* value;
  while (PyDict_Next(p, &pos, &key, &value)) {
    PyObject* item = make(key, value);
    if (item == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, n++, item);
  }
  return list;
}

int DictTraverse(PyObject* self, visitproc visit, void* arg) {
  const DictTable* table = AsDict(self)->_pinion_table;
  for (Py_ssize_t i = 0; i < table->nentries; ++i) {
    Py_VISIT(table->entries[i].key);
    Py_VISIT(table->entries[i].value);
  }
  return 0;
}

void DictDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  DictTable* table = AsDict(self)->_pinion_table;
  if (table != nullptr) {  // nullptr: PyDict_New failed before installing it
    for (Py_ssize_t i = 0; i < table->nentries; ++i) {
      Py_XDECREF(table->entries[i].key);
      Py_XDECREF(table->entries[i].value);
    }
    PyMem_Free(table);
  }
  Py_TYPE(self)->tp_free(self);
}

PyObject* DictRepr(PyObject* self) {
  PyDictObject* d = AsDict(self);
  if (d->ma_used == 0) return PyUnicode_FromString("{}");
  if (Py_ReprEnter(self) != 0) return PyUnicode_FromString("{...}");
  std::string out = "{";
  bool ok = true;
  // The table is read again after every repr: one may mutate the dict.
  for (Py_ssize_t i = 0; ok && i < d->_pinion_table->nentries; ++i) {
    const DictEntry& entry = d->_pinion_table->entries[i];
    if (entry.key == nullptr) continue;
    PyObject* key = Py_NewRef(entry.key);
    PyObject* value = Py_NewRef(entry.value);
    if (out.size() > 1) out += ", ";
    ok = AppendRepr(out, key);
    if (ok) {
      out += ": ";
      ok = AppendRepr(out, value);
    }
    Py_DECREF(key);
    Py_DECREF(value);
  }
  Py_ReprLeave(self);
  if (!ok) return nullptr;
  out += "}";
  return NewString(out);
}

// 1 if a and b hold equal items, 0 if not, -1 on error.
int DictEqual(PyDictObject* a, PyDictObject* b) {
  if (a->ma_used != b->ma_used) return 0;
  for (Py_ssize_t i = 0; i < a->_pinion_table->nentries; ++i) {
    const DictEntry& entry = a->_pinion_table->entries[i];
    if (entry.key == nullptr) continue;
    const Py_hash_t hash = entry.hash;
    PyObject* key = Py_NewRef(entry.key);  // the comparisons below may mutate a
    PyObject* value = Py_NewRef(entry.value);
    Py_ssize_t slot;
    const Py_ssize_t ix = Lookup(b, key, hash, &slot);
    int equal = ix == kError ? -1 : 0;
    if (ix >= 0) {
      PyObject* other = Py_NewRef(b->_pinion_table->entries[ix].value);
      equal = PyObject_RichCompareBool(value, other, Py_EQ);
      Py_DECREF(other);
    }
    Py_DECREF(key);
    Py_DECREF(value);
    if (equal <= 0) return equal;
  }
  return 1;
}

PyObject* DictRichCompare(PyObject* v, PyObject* w, int op) {
  if (!PyDict_Check(v) || !PyDict_Check(w) || (op != Py_EQ && op != Py_NE)) {
    return Py_NewRef(Py_NotImplemented);
  }
  const int equal = DictEqual(AsDict(v), AsDict(w));
  if (equal < 0) return nullptr;
  return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

// KeyError for `key`, raised as CPython's dict raises it: with the 1-tuple (key,), so that a
// tuple key is not taken for the exception's arguments.
void SetKeyError(PyObject* key) {
  PyObject* args = PyTuple_Pack(1, key);
  if (args == nullptr) return;
  PyErr_SetObject(PyExc_KeyError, args);
  Py_DECREF(args);
}

// ---- Mapping slots -----------------------------------------------------------------------

Py_ssize_t DictLength(PyObject* self) { return AsDict(self)->ma_used; }

PyObject* DictSubscript(PyObject* self, PyObject* key) {
  PyObject* value = PyDict_GetItemWithError(self, key);
  if (value != nullptr) return Py_NewRef(value);
  if (!PyErr_Occurred()) SetKeyError(key);
  return nullptr;
}

int DictAssSubscript(PyObject* self, PyObject* key, PyObject* value) {
  if (value == nullptr) return PyDict_DelItem(self, key);
  return PyDict_SetItem(self, key, value);
}

PyMappingMethods kDictAsMapping = {
    .mp_length = &DictLength,
    .mp_subscript = &DictSubscript,
    .mp_ass_subscript = &DictAssSubscript,
};

// `key in dict` (sq_contains is how CPython's dict answers it too).
PySequenceMethods kDictAsSequence = {
    .sq_contains = &PyDict_Contains,
};

// dict.__new__ for dict and its subtypes: an empty dict of `type` from its tp_alloc.
PyObject* DictNew(PyTypeObject* type, PyObject*, PyObject*) {
  PyObject* self = type->tp_alloc(type, 0);
  if (self == nullptr) return nullptr;
  AsDict(self)->_pinion_table = NewTable(kMinSlots);
  if (AsDict(self)->_pinion_table == nullptr) {
    Py_DECREF(self);
    return nullptr;
  }
  return self;
}

// dict.__init__(self, mapping_or_pairs=(), **kwargs), as CPython's dict_update_common.
int DictInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  if (nargs > 1) {
    PyErr_Format(PyExc_TypeError, "dict expected at most 1 argument, got %zd", nargs);
    return -1;
  }
  if (nargs == 1) {
    PyObject* arg = PyTuple_GET_ITEM(args, 0);
    const int result = PyDict_Check(arg) ? PyDict_Merge(self, arg, 1)
                                            : PyDict_MergeFromSeq2(self, arg, 1);
    if (result < 0) return -1;
  }
  if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) return PyDict_Merge(self, kwargs, 1);
  return 0;
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyDict_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "dict",
    .tp_basicsize = sizeof(PyDictObject),
    .tp_dealloc = &DictDealloc,
    .tp_repr = &DictRepr,
    .tp_as_sequence = &kDictAsSequence,
    .tp_as_mapping = &kDictAsMapping,
    .tp_hash = &PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE |
                Py_TPFLAGS_DICT_SUBCLASS | Py_TPFLAGS_MAPPING,
    .tp_doc = "Built-in mapping (insertion-ordered).",
    .tp_traverse = &DictTraverse,
    .tp_richcompare = &DictRichCompare,
    .tp_iter = &DictIter,
    .tp_init = &DictInit,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &DictNew,
    .tp_free = &PyObject_GC_Del,
};

extern "C" PyObject* PyDict_New(void) {
  PyObject* dict = AllocObject(&PyDict_Type, sizeof(PyDictObject), /*gc=*/true);
  if (dict == nullptr) return nullptr;
  AsDict(dict)->_pinion_table = NewTable(kMinSlots);
  if (AsDict(dict)->_pinion_table == nullptr) {
    Py_DECREF(dict);  // untracked, no table: tp_dealloc has nothing to release
    return nullptr;
  }
  PyObject_GC_Track(dict);
  return dict;
}

extern "C" Py_ssize_t PyDict_Size(PyObject* p) {
  return CheckDict(p) ? AsDict(p)->ma_used : -1;
}

extern "C" int PyDict_SetItem(PyObject* p, PyObject* key, PyObject* val) {
  if (!CheckDict(p) || key == nullptr || val == nullptr) {
    if (key == nullptr || val == nullptr) PyErr_BadInternalCall();
    return -1;
  }
  const Py_hash_t hash = PyObject_Hash(key);
  if (hash == -1) return -1;
  return Insert(AsDict(p), Py_NewRef(key), hash, Py_NewRef(val));
}

extern "C" int PyDict_SetItemString(PyObject* p, const char* key, PyObject* val) {
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  const int result = PyDict_SetItem(p, k, val);
  Py_DECREF(k);
  return result;
}

extern "C" int PyDict_DelItem(PyObject* p, PyObject* key) {
  if (!CheckDict(p)) return -1;
  PyDictObject* d = AsDict(p);
  Py_ssize_t slot;
  const Py_ssize_t ix = Find(d, key, &slot);
  if (ix == kError) return -1;
  if (ix == kMissing) {
    SetKeyError(key);
    return -1;
  }
  DictTable* table = d->_pinion_table;
  DictEntry& entry = table->entries[ix];
  PyObject* old_key = entry.key;
  PyObject* old_value = entry.value;
  table->indices[slot] = kDummy;
  entry.key = nullptr;
  entry.value = nullptr;
  --d->ma_used;
  Py_DECREF(old_key);  // no longer in the table
  Py_DECREF(old_value);
  return 0;
}

extern "C" int PyDict_DelItemString(PyObject* p, const char* key) {
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  const int result = PyDict_DelItem(p, k);
  Py_DECREF(k);
  return result;
}

extern "C" PyObject* PyDict_GetItemWithError(PyObject* p, PyObject* key) {
  if (!CheckDict(p)) return nullptr;
  Py_ssize_t slot;
  const Py_ssize_t ix = Find(AsDict(p), key, &slot);
  return ix >= 0 ? AsDict(p)->_pinion_table->entries[ix].value : nullptr;
}

extern "C" PyObject* PyDict_GetItem(PyObject* p, PyObject* key) {
  if (p == nullptr || !PyDict_Check(p)) return nullptr;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject* result = PyDict_GetItemWithError(p, key);
  PyErr_Restore(type, value, traceback);  // drops any error of the lookup's
  return result;
}

extern "C" PyObject* PyDict_GetItemString(PyObject* p, const char* key) {
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) {
    PyErr_Clear();  // as CPython: this API reports no errors
    return nullptr;
  }
  PyObject* result = PyDict_GetItem(p, k);
  Py_DECREF(k);
  return result;
}

extern "C" int _PyPinion_Dict_GetItemRef(PyObject* p, PyObject* key, PyObject** result) {
  *result = nullptr;
  PyObject* value = PyDict_GetItemWithError(p, key);
  if (value != nullptr) {
    *result = Py_NewRef(value);
    return 1;
  }
  return PyErr_Occurred() ? -1 : 0;
}

extern "C" int _PyPinion_Dict_GetItemStringRef(PyObject* p, const char* key, PyObject** result) {
  *result = nullptr;
  PyObject* k = PyUnicode_FromString(key);
  if (k == nullptr) return -1;
  const int found = _PyPinion_Dict_GetItemRef(p, k, result);
  Py_DECREF(k);
  return found;
}

extern "C" int PyDict_Contains(PyObject* p, PyObject* key) {
  if (!CheckDict(p)) return -1;
  Py_ssize_t slot;
  const Py_ssize_t ix = Find(AsDict(p), key, &slot);
  return ix == kError ? -1 : ix >= 0;
}

extern "C" int PyDict_Next(PyObject* p, Py_ssize_t* pos, PyObject** key, PyObject** value) {
  if (p == nullptr || !PyDict_Check(p) || *pos < 0) return 0;
  const DictTable* table = AsDict(p)->_pinion_table;
  Py_ssize_t i = *pos;
  while (i < table->nentries && table->entries[i].key == nullptr) ++i;
  if (i >= table->nentries) return 0;
  *pos = i + 1;
  if (key != nullptr) *key = table->entries[i].key;
  if (value != nullptr) *value = table->entries[i].value;
  return 1;
}

extern "C" PyObject* PyDict_Keys(PyObject* p) {
  return ListOfItems(p, [](PyObject* key, PyObject*) { return Py_NewRef(key); });
}

extern "C" PyObject* PyDict_Values(PyObject* p) {
  return ListOfItems(p, [](PyObject*, PyObject* value) { return Py_NewRef(value); });
}

extern "C" PyObject* PyDict_Items(PyObject* p) {
  return ListOfItems(p, [](PyObject* key, PyObject* value) { return PyTuple_Pack(2, key, value); });
}

extern "C" void PyDict_Clear(PyObject* p) {
  if (p == nullptr || !PyDict_Check(p)) return;
  PyDictObject* d = AsDict(p);
  DictTable* table = d->_pinion_table;
  // Emptied in place (it cannot fail; the table keeps its capacity): first hidden from
  // tp_traverse, then the released items unpinned.
  const Py_ssize_t n = table->nentries;
  table->nentries = 0;
  d->ma_used = 0;
  for (Py_ssize_t i = 0; i <= table->mask; ++i) table->indices[i] = kEmpty;
  for (Py_ssize_t i = 0; i < n; ++i) {
    const DictEntry entry = table->entries[i];
    table->entries[i] = DictEntry{};
    Py_XDECREF(entry.key);
    Py_XDECREF(entry.value);
  }
}

extern "C" PyObject* PyDict_Copy(PyObject* p) {
  if (!CheckDict(p)) return nullptr;
  PyObject* copy = PyDict_New();
  if (copy != nullptr && PyDict_Merge(copy, p, 1) < 0) Py_CLEAR(copy);
  return copy;
}

extern "C" int PyDict_Merge(PyObject* a, PyObject* b, int override) {
  if (!CheckDict(a) || b == nullptr) {
    if (b == nullptr) PyErr_BadInternalCall();
    return -1;
  }
  if (!PyDict_Check(b)) {
    PyErr_Format(PyExc_TypeError, "PyDict_Merge: '%s' object is not a dict",
                 Py_TYPE(b)->tp_name);
    return -1;
  }
  if (a == b) return 0;
  PyDictObject* source = AsDict(b);
  // b's table is read again after each insertion: a key comparison may mutate b.
  for (Py_ssize_t i = 0; i < source->_pinion_table->nentries; ++i) {
    const DictEntry& entry = source->_pinion_table->entries[i];
    if (entry.key == nullptr) continue;
    const Py_hash_t hash = entry.hash;
    PyObject* key = Py_NewRef(entry.key);
    PyObject* value = Py_NewRef(entry.value);
    if (!override) {
      Py_ssize_t slot;
      const Py_ssize_t ix = Lookup(AsDict(a), key, hash, &slot);
      if (ix != kMissing) {  // present (kept), or an error
        Py_DECREF(key);
        Py_DECREF(value);
        if (ix == kError) return -1;
        continue;
      }
    }
    if (Insert(AsDict(a), key, hash, value) < 0) return -1;
  }
  return 0;
}

extern "C" int PyDict_Update(PyObject* a, PyObject* b) { return PyDict_Merge(a, b, 1); }

extern "C" PyObject* PyDict_SetDefault(PyObject* p, PyObject* key, PyObject* defaultobj) {
  if (!CheckDict(p)) return nullptr;
  PyObject* value = PyDict_GetItemWithError(p, key);
  if (value != nullptr || PyErr_Occurred()) return value;
  if (PyDict_SetItem(p, key, defaultobj) < 0) return nullptr;
  return defaultobj;  // borrowed: the dict holds it now
}

extern "C" int PyDict_MergeFromSeq2(PyObject* d, PyObject* seq2, int override) {
  if (d == nullptr || !PyDict_Check(d) || seq2 == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  PyObject* iter = PyObject_GetIter(seq2);
  if (iter == nullptr) return -1;
  int result = 0;
  for (Py_ssize_t i = 0; result == 0; ++i) {
    PyObject* item = PyIter_Next(iter);
    if (item == nullptr) {
      if (PyErr_Occurred()) result = -1;
      break;
    }
    PyObject* pair = PySequence_Fast(item, "");
    Py_DECREF(item);
    if (pair == nullptr) {
      if (PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Format(PyExc_TypeError,
                     "cannot convert dictionary update sequence element #%zd to a sequence", i);
      }
      result = -1;
      break;
    }
    if (PySequence_Fast_GET_SIZE(pair) != 2) {
      PyErr_Format(PyExc_ValueError,
                   "dictionary update sequence element #%zd has length %zd; 2 is required", i,
                   PySequence_Fast_GET_SIZE(pair));
      result = -1;
    } else {
      PyObject* key = PySequence_Fast_GET_ITEM(pair, 0);
      PyObject* value = PySequence_Fast_GET_ITEM(pair, 1);
      if (override) {
        result = PyDict_SetItem(d, key, value);
      } else {
        result = PyDict_SetDefault(d, key, value) == nullptr ? -1 : 0;
      }
    }
    Py_DECREF(pair);
  }
  Py_DECREF(iter);
  return result;
}
