// Sets and frozensets (setobject.h): PySet_Type, PyFrozenSet_Type, their iterator
// (PySetIter_Type, "set_iterator") and the PySet_* / PyFrozenSet_* API.
//
// The table follows CPython 3.11's design (described in setobject.h) so that iteration
// order, repr and frozenset hashes match CPython's wherever the keys' hashes do: probe runs
// of kLinearProbes slots before each perturbed jump, deletions leave dummies, an insertion
// reuses the last dummy of its probe path, the table grows at 3/5 full to 4x the active keys
// (2x above 50000), and pop resumes from a finger.
//
// Owns: each active key (a pin, INCREF'd when stored), and the table when it is not the
// inline smalltable (a PyMem block).
//
// Invariants, at every safepoint (key comparisons and hashing run code that may allocate;
// a pause may run tp_traverse then): `table` is smalltable or a live block of mask + 1
// slots, each unused, dummy or an owned pin; fill and used count them. A resize builds the
// new table, publishes it, then frees the old one, calling out to nothing in between.
// A comparison may mutate the set: lookups then restart, as CPython's.
//
// Threads: any attached thread; mutating one set from two threads at once is the caller's
// race to avoid (there is no GIL).
#include <cstring>
#include <string>
#include <utility>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

constexpr size_t kLinearProbes = 9;
constexpr int kPerturbShift = 5;

// The dummy key: an address no object has, never dereferenced, never traced.
alignas(PyObject) unsigned char g_dummy_storage[sizeof(PyObject)];
PyObject* const kDummyKey = reinterpret_cast<PyObject*>(g_dummy_storage);

PySetObject* AsSet(PyObject* op) { return reinterpret_cast<PySetObject*>(op); }
bool IsActive(const setentry* e) { return e->key != nullptr && e->hash != -1; }

PyObject* MakeNewSet(PyTypeObject* type, PyObject* iterable);
int UpdateInternal(PySetObject* so, PyObject* other);

// The key's hash (str's cached one when it has it); -1 with TypeError if unhashable.
Py_hash_t KeyHash(PyObject* key) { return PyObject_Hash(key); }

// The slot holding `key`, or the unused slot ending its probe path (key NULL); nullptr with
// an exception if a comparison failed.
setentry* LookKey(PySetObject* so, PyObject* key, Py_hash_t hash) {
restart:
  size_t mask = static_cast<size_t>(so->mask);
  size_t i = static_cast<size_t>(hash) & mask;
  size_t perturb = static_cast<size_t>(hash);
  for (;;) {
    setentry* entry = &so->table[i];
    size_t probes = i + kLinearProbes <= mask ? kLinearProbes : 0;
    for (;; ++entry) {
      if (entry->hash == 0 && entry->key == nullptr) return entry;
      if (entry->hash == hash) {
        PyObject* startkey = entry->key;
        if (startkey == key) return entry;
        setentry* table = so->table;
        Py_INCREF(startkey);  // the comparison may discard it
        const int cmp = PyObject_RichCompareBool(startkey, key, Py_EQ);
        Py_DECREF(startkey);
        if (cmp < 0) return nullptr;
        if (table != so->table || entry->key != startkey) goto restart;
        if (cmp > 0) return entry;
        mask = static_cast<size_t>(so->mask);
      }
      if (probes-- == 0) break;
    }
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

// Places a key known to be absent in a table with no dummies (no comparisons).
void InsertClean(setentry* table, size_t mask, PyObject* key, Py_hash_t hash) {
  size_t perturb = static_cast<size_t>(hash);
  size_t i = static_cast<size_t>(hash) & mask;
  for (;;) {
    setentry* entry = &table[i];
    if (entry->key == nullptr) {
      entry->key = key;
      entry->hash = hash;
      return;
    }
    if (i + kLinearProbes <= mask) {
      for (size_t j = 0; j < kLinearProbes; ++j) {
        ++entry;
        if (entry->key == nullptr) {
          entry->key = key;
          entry->hash = hash;
          return;
        }
      }
    }
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

// Rebuilds the table with more than `minused` slots, dropping dummies; -1 with MemoryError.
int Resize(PySetObject* so, Py_ssize_t minused) {
  size_t newsize = PySet_MINSIZE;
  while (newsize <= static_cast<size_t>(minused)) newsize <<= 1;
  setentry* oldtable = so->table;
  const size_t oldmask = static_cast<size_t>(so->mask);
  const bool old_malloced = oldtable != so->smalltable;
  setentry small_copy[PySet_MINSIZE];
  setentry* newtable;
  if (newsize == PySet_MINSIZE) {
    newtable = so->smalltable;
    if (newtable == oldtable) {
      if (so->fill == so->used) return 0;
      std::memcpy(small_copy, oldtable, sizeof(small_copy));
      oldtable = small_copy;
    }
  } else {
    newtable = static_cast<setentry*>(PyMem_Malloc(sizeof(setentry) * newsize));
    if (newtable == nullptr) {
      PyErr_NoMemory();
      return -1;
    }
  }
  // No safepoint from here to the end: the keys move from one table to the other.
  std::memset(newtable, 0, sizeof(setentry) * newsize);
  for (size_t i = 0; i <= oldmask; ++i) {
    if (IsActive(&oldtable[i])) {
      InsertClean(newtable, newsize - 1, oldtable[i].key, oldtable[i].hash);
    }
  }
  so->mask = static_cast<Py_ssize_t>(newsize - 1);
  so->table = newtable;
  so->fill = so->used;
  if (old_malloced) PyMem_Free(oldtable);
  return 0;
}

// Adds `key` with `hash` (INCREF'd if stored): 0, or -1 with an exception.
int AddEntry(PySetObject* so, PyObject* key, Py_hash_t hash) {
  Py_INCREF(key);  // a comparison's code could otherwise free it before it is stored
restart:
  size_t mask = static_cast<size_t>(so->mask);
  size_t i = static_cast<size_t>(hash) & mask;
  size_t perturb = static_cast<size_t>(hash);
  setentry* freeslot = nullptr;
  setentry* entry;
  for (;;) {
    entry = &so->table[i];
    size_t probes = i + kLinearProbes <= mask ? kLinearProbes : 0;
    for (;; ++entry) {
      if (entry->hash == 0 && entry->key == nullptr) goto found_unused;
      if (entry->hash == hash) {
        PyObject* startkey = entry->key;
        if (startkey == key) goto found_active;
        setentry* table = so->table;
        Py_INCREF(startkey);
        const int cmp = PyObject_RichCompareBool(startkey, key, Py_EQ);
        Py_DECREF(startkey);
        if (cmp > 0) goto found_active;
        if (cmp < 0) {
          Py_DECREF(key);
          return -1;
        }
        if (table != so->table || entry->key != startkey) goto restart;
        mask = static_cast<size_t>(so->mask);
      } else if (entry->hash == -1) {
        freeslot = entry;
      }
      if (probes-- == 0) break;
    }
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask;
  }
found_unused:
  if (freeslot != nullptr) {
    so->used++;
    freeslot->key = key;
    freeslot->hash = hash;
    return 0;
  }
  so->fill++;
  so->used++;
  entry->key = key;
  entry->hash = hash;
  if (static_cast<size_t>(so->fill) * 5 < mask * 3) return 0;
  return Resize(so, so->used > 50000 ? so->used * 2 : so->used * 4);
found_active:
  Py_DECREF(key);
  return 0;
}

int AddKey(PySetObject* so, PyObject* key) {
  const Py_hash_t hash = KeyHash(key);
  if (hash == -1) return -1;
  return AddEntry(so, key, hash);
}

// 1, 0, or -1 with an exception.
int ContainsEntry(PySetObject* so, PyObject* key, Py_hash_t hash) {
  setentry* entry = LookKey(so, key, hash);
  if (entry == nullptr) return -1;
  return entry->key != nullptr ? 1 : 0;
}

int ContainsKey(PySetObject* so, PyObject* key) {
  const Py_hash_t hash = KeyHash(key);
  if (hash == -1) return -1;
  return ContainsEntry(so, key, hash);
}

// 1 if found (and removed), 0 if not, -1 with an exception.
int DiscardEntry(PySetObject* so, PyObject* key, Py_hash_t hash) {
  setentry* entry = LookKey(so, key, hash);
  if (entry == nullptr) return -1;
  if (entry->key == nullptr) return 0;
  PyObject* old = entry->key;
  entry->key = kDummyKey;
  entry->hash = -1;
  so->used--;
  Py_DECREF(old);
  return 1;
}

int DiscardKey(PySetObject* so, PyObject* key) {
  const Py_hash_t hash = KeyHash(key);
  if (hash == -1) return -1;
  return DiscardEntry(so, key, hash);
}

// The next active slot at or after *pos (advancing *pos past it); false at the end.
bool Next(PySetObject* so, Py_ssize_t* pos, setentry** out) {
  Py_ssize_t i = *pos;
  while (i <= so->mask && !IsActive(&so->table[i])) ++i;
  *pos = i + 1;
  if (i > so->mask) return false;
  *out = &so->table[i];
  return true;
}

// Empties the set: the set is made empty first, then the old keys released.
void ClearInternal(PySetObject* so) {
  setentry* table = so->table;
  const Py_ssize_t size = so->mask + 1;
  const bool malloced = table != so->smalltable;
  setentry small_copy[PySet_MINSIZE];
  if (!malloced) {
    std::memcpy(small_copy, table, sizeof(small_copy));
    table = small_copy;
  }
  std::memset(so->smalltable, 0, sizeof(so->smalltable));
  so->fill = 0;
  so->used = 0;
  so->mask = PySet_MINSIZE - 1;
  so->table = so->smalltable;
  so->hash = -1;
  for (Py_ssize_t i = 0; i < size; ++i) {
    if (IsActive(&table[i])) Py_DECREF(table[i].key);
  }
  if (malloced) PyMem_Free(table);
}

// Adds every item of a set (from its table), without comparisons when `so` is empty.
int Merge(PySetObject* so, PySetObject* other) {
  if (other == so || other->used == 0) return 0;
  if ((so->fill + other->used) * 5 >= so->mask * 3) {
    if (Resize(so, (so->used + other->used) * 2) != 0) return -1;
  }
  if (so->fill == 0 && so->mask == other->mask && other->fill == other->used) {
    for (Py_ssize_t i = 0; i <= other->mask; ++i) {
      if (other->table[i].key != nullptr) {
        so->table[i].key = Py_NewRef(other->table[i].key);
        so->table[i].hash = other->table[i].hash;
      }
    }
    so->fill = other->fill;
    so->used = other->used;
    return 0;
  }
  if (so->fill == 0) {
    so->fill = other->used;
    so->used = other->used;
    for (Py_ssize_t i = 0; i <= other->mask; ++i) {
      if (IsActive(&other->table[i])) {
        InsertClean(so->table, static_cast<size_t>(so->mask), Py_NewRef(other->table[i].key),
                    other->table[i].hash);
      }
    }
    return 0;
  }
  for (Py_ssize_t i = 0; i <= other->mask; ++i) {
    setentry* e = &other->table[i];
    if (IsActive(e)) {
      if (AddEntry(so, e->key, e->hash) != 0) return -1;
    }
  }
  return 0;
}

// set.update(other) for one iterable: a set or frozenset, a dict (its keys), or any iterable.
int UpdateInternal(PySetObject* so, PyObject* other) {
  if (PyAnySet_Check(other)) return Merge(so, AsSet(other));
  if (PyDict_CheckExact(other)) {
    const Py_ssize_t dictsize = PyDict_GET_SIZE(other);
    if ((so->fill + dictsize) * 5 >= so->mask * 3) {
      if (Resize(so, (so->used + dictsize) * 2) != 0) return -1;
    }
    Py_ssize_t pos = 0;
    PyObject* key;
    while (PyDict_Next(other, &pos, &key, nullptr)) {
      Py_INCREF(key);
      const int rc = AddKey(so, key);
      Py_DECREF(key);
      if (rc != 0) return -1;
    }
    return 0;
  }
  PyObject* it = PyObject_GetIter(other);
  if (it == nullptr) return -1;
  PyObject* key;
  while ((key = PyIter_Next(it)) != nullptr) {
    const int rc = AddKey(so, key);
    Py_DECREF(key);
    if (rc != 0) {
      Py_DECREF(it);
      return -1;
    }
  }
  Py_DECREF(it);
  return PyErr_Occurred() ? -1 : 0;
}

PyObject* MakeNewSet(PyTypeObject* type, PyObject* iterable) {
  PyObject* self = type->tp_alloc(type, 0);
  if (self == nullptr) return nullptr;
  PySetObject* so = AsSet(self);
  so->fill = 0;
  so->used = 0;
  so->mask = PySet_MINSIZE - 1;
  so->table = so->smalltable;
  so->hash = -1;
  so->finger = 0;
  so->weakreflist = nullptr;
  if (iterable != nullptr && UpdateInternal(so, iterable) != 0) {
    Py_DECREF(self);
    return nullptr;
  }
  return self;
}

// A new set or frozenset like `so`'s type (set for subtypes of set, frozenset for theirs).
PyObject* MakeNewSetBasetype(PyTypeObject* type, PyObject* iterable) {
  if (type != &PySet_Type && type != &PyFrozenSet_Type) {
    type = PyType_IsSubtype(type, &PySet_Type) ? &PySet_Type : &PyFrozenSet_Type;
  }
  return MakeNewSet(type, iterable);
}

// ---- Slots --------------------------------------------------------------------------------

int SetTraverse(PyObject* self, visitproc visit, void* arg) {
  PySetObject* so = AsSet(self);
  Py_ssize_t pos = 0;
  setentry* entry;
  while (Next(so, &pos, &entry)) Py_VISIT(entry->key);
  return 0;
}

int SetTpClear(PyObject* self) {
  ClearInternal(AsSet(self));
  return 0;
}

void SetDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  PySetObject* so = AsSet(self);
  for (Py_ssize_t i = 0; i <= so->mask; ++i) {
    if (IsActive(&so->table[i])) Py_DECREF(so->table[i].key);
  }
  if (so->table != so->smalltable) PyMem_Free(so->table);
  so->table = so->smalltable;
  so->used = so->fill = 0;
  Py_TYPE(self)->tp_free(self);
}

PyObject* SetRepr(PyObject* self) {
  PySetObject* so = AsSet(self);
  const int status = Py_ReprEnter(self);
  if (status != 0) {
    return status < 0 ? nullptr : PyUnicode_FromFormat("%s(...)", Py_TYPE(self)->tp_name);
  }
  if (so->used == 0) {
    Py_ReprLeave(self);
    return PyUnicode_FromFormat("%s()", Py_TYPE(self)->tp_name);
  }
  PyObject* keys = PySequence_List(self);  // the keys pinned while their reprs run
  PyObject* result = nullptr;
  if (keys != nullptr) {
    std::string body;
    bool ok = true;
    for (Py_ssize_t i = 0; ok && i < PyList_GET_SIZE(keys); ++i) {
      if (i > 0) body += ", ";
      ok = AppendRepr(body, PyList_GET_ITEM(keys, i));
    }
    Py_DECREF(keys);
    if (ok) {
      if (PySet_CheckExact(self)) {
        result = NewString("{" + body + "}");
      } else {
        result = NewString(std::string(Py_TYPE(self)->tp_name) + "({" + body + "})");
      }
    }
  }
  Py_ReprLeave(self);
  return result;
}

Py_ssize_t SetLen(PyObject* self) { return AsSet(self)->used; }

// `key in set`: an unhashable set key is looked up as a frozenset, as in CPython.
int SetContains(PyObject* self, PyObject* key) {
  int rv = ContainsKey(AsSet(self), key);
  if (rv < 0) {
    if (!PySet_Check(key) || !PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
    PyErr_Clear();
    PyObject* tmp = MakeNewSet(&PyFrozenSet_Type, key);
    if (tmp == nullptr) return -1;
    rv = ContainsKey(AsSet(self), tmp);
    Py_DECREF(tmp);
  }
  return rv;
}

// CPython's bit shuffle for frozenset hashes, so that they match.
Py_uhash_t ShuffleBits(Py_uhash_t h) {
  return ((h ^ 89869747UL) ^ (h << 16)) * 3644798167UL;
}

Py_hash_t FrozenSetHash(PyObject* self) {
  PySetObject* so = AsSet(self);
  if (so->hash != -1) return so->hash;
  Py_uhash_t hash = 0;
  for (Py_ssize_t i = 0; i <= so->mask; ++i) {
    if (IsActive(&so->table[i])) hash ^= ShuffleBits(static_cast<Py_uhash_t>(so->table[i].hash));
  }
  hash ^= (static_cast<Py_uhash_t>(so->used) + 1) * 1927868237UL;
  hash ^= (hash >> 11) ^ (hash >> 25);
  hash = hash * 69069U + 907133923UL;
  if (hash == static_cast<Py_uhash_t>(-1)) hash = 590923713UL;
  so->hash = static_cast<Py_hash_t>(hash);
  return so->hash;
}

// 1 if every key of `so` is in `other` (any iterable), 0 if not, -1 with an exception.
int IsSubset(PySetObject* so, PyObject* other) {
  if (!PyAnySet_Check(other)) {
    PyObject* tmp = MakeNewSet(&PySet_Type, other);
    if (tmp == nullptr) return -1;
    const int rv = IsSubset(so, tmp);
    Py_DECREF(tmp);
    return rv;
  }
  if (so->used > AsSet(other)->used) return 0;
  Py_ssize_t pos = 0;
  setentry* entry;
  while (Next(so, &pos, &entry)) {
    PyObject* key = Py_NewRef(entry->key);
    const int rv = ContainsEntry(AsSet(other), key, entry->hash);
    Py_DECREF(key);
    if (rv <= 0) return rv;
  }
  return 1;
}

int IsSuperset(PySetObject* so, PyObject* other) {
  if (PyAnySet_Check(other)) return IsSubset(AsSet(other), reinterpret_cast<PyObject*>(so));
  PyObject* tmp = MakeNewSet(&PySet_Type, other);
  if (tmp == nullptr) return -1;
  const int rv = IsSubset(AsSet(tmp), reinterpret_cast<PyObject*>(so));
  Py_DECREF(tmp);
  return rv;
}

PyObject* BoolResult(int rv) { return rv < 0 ? nullptr : PyBool_FromLong(rv); }

PyObject* SetRichCompare(PyObject* v, PyObject* w, int op) {
  if (!PyAnySet_Check(w)) return Py_NewRef(Py_NotImplemented);
  PySetObject* a = AsSet(v);
  PySetObject* b = AsSet(w);
  switch (op) {
    case Py_EQ:
      if (a->used != b->used) Py_RETURN_FALSE;
      if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) Py_RETURN_FALSE;
      return BoolResult(IsSubset(a, w));
    case Py_NE: {
      if (a->used != b->used) Py_RETURN_TRUE;
      if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) Py_RETURN_TRUE;
      const int rv = IsSubset(a, w);
      return rv < 0 ? nullptr : PyBool_FromLong(!rv);
    }
    case Py_LE: return BoolResult(IsSubset(a, w));
    case Py_GE: return BoolResult(IsSuperset(a, w));
    case Py_LT:
      if (a->used >= b->used) Py_RETURN_FALSE;
      return BoolResult(IsSubset(a, w));
    default:  // Py_GT
      if (a->used <= b->used) Py_RETURN_FALSE;
      return BoolResult(IsSuperset(a, w));
  }
}

// ---- The operations -----------------------------------------------------------------------

PyObject* SetCopyOf(PyObject* so) { return MakeNewSetBasetype(Py_TYPE(so), so); }

PyObject* Union(PyObject* so, PyObject* other) {
  PyObject* result = SetCopyOf(so);
  if (result == nullptr) return nullptr;
  if (UpdateInternal(AsSet(result), other) != 0) {
    Py_DECREF(result);
    return nullptr;
  }
  return result;
}

PyObject* Intersection(PyObject* so, PyObject* other) {
  if (so == other) return SetCopyOf(so);
  PyObject* result = MakeNewSetBasetype(Py_TYPE(so), nullptr);
  if (result == nullptr) return nullptr;
  if (PyAnySet_Check(other)) {
    PyObject* big = so;
    PyObject* small = other;
    if (AsSet(other)->used > AsSet(so)->used) std::swap(big, small);
    Py_ssize_t pos = 0;
    setentry* entry;
    while (Next(AsSet(small), &pos, &entry)) {
      PyObject* key = Py_NewRef(entry->key);
      const Py_hash_t hash = entry->hash;
      int rv = ContainsEntry(AsSet(big), key, hash);
      if (rv > 0) rv = AddEntry(AsSet(result), key, hash);
      Py_DECREF(key);
      if (rv < 0) {
        Py_DECREF(result);
        return nullptr;
      }
    }
    return result;
  }
  PyObject* it = PyObject_GetIter(other);
  if (it == nullptr) {
    Py_DECREF(result);
    return nullptr;
  }
  PyObject* key;
  while ((key = PyIter_Next(it)) != nullptr) {
    const Py_hash_t hash = KeyHash(key);
    int rv = hash == -1 ? -1 : ContainsEntry(AsSet(so), key, hash);
    if (rv > 0) rv = AddEntry(AsSet(result), key, hash);
    Py_DECREF(key);
    if (rv < 0) {
      Py_DECREF(it);
      Py_DECREF(result);
      return nullptr;
    }
  }
  Py_DECREF(it);
  if (PyErr_Occurred()) {
    Py_DECREF(result);
    return nullptr;
  }
  return result;
}

// Removes every item of `other` from `so`.
int DifferenceUpdateInternal(PySetObject* so, PyObject* other) {
  if (reinterpret_cast<PyObject*>(so) == other) {
    ClearInternal(so);
    return 0;
  }
  if (PyAnySet_Check(other)) {
    Py_ssize_t pos = 0;
    setentry* entry;
    while (Next(AsSet(other), &pos, &entry)) {
      PyObject* key = Py_NewRef(entry->key);
      const int rv = DiscardEntry(so, key, entry->hash);
      Py_DECREF(key);
      if (rv < 0) return -1;
    }
    return 0;
  }
  PyObject* it = PyObject_GetIter(other);
  if (it == nullptr) return -1;
  PyObject* key;
  while ((key = PyIter_Next(it)) != nullptr) {
    const int rv = DiscardKey(so, key);
    Py_DECREF(key);
    if (rv < 0) {
      Py_DECREF(it);
      return -1;
    }
  }
  Py_DECREF(it);
  return PyErr_Occurred() ? -1 : 0;
}

PyObject* CopyAndDifference(PyObject* so, PyObject* other) {
  PyObject* result = SetCopyOf(so);
  if (result == nullptr) return nullptr;
  if (DifferenceUpdateInternal(AsSet(result), other) != 0) {
    Py_DECREF(result);
    return nullptr;
  }
  return result;
}

PyObject* Difference(PyObject* so, PyObject* other) {
  Py_ssize_t other_size;
  if (PyAnySet_Check(other)) {
    other_size = AsSet(other)->used;
  } else if (PyDict_CheckExact(other)) {
    other_size = PyDict_GET_SIZE(other);
  } else {
    return CopyAndDifference(so, other);
  }
  if ((AsSet(so)->used >> 2) > other_size) return CopyAndDifference(so, other);
  PyObject* result = MakeNewSetBasetype(Py_TYPE(so), nullptr);
  if (result == nullptr) return nullptr;
  Py_ssize_t pos = 0;
  setentry* entry;
  while (Next(AsSet(so), &pos, &entry)) {
    PyObject* key = Py_NewRef(entry->key);
    const Py_hash_t hash = entry->hash;
    int rv = PyDict_CheckExact(other) ? PyDict_Contains(other, key)
                                       : ContainsEntry(AsSet(other), key, hash);
    if (rv == 0) rv = AddEntry(AsSet(result), key, hash);
    Py_DECREF(key);
    if (rv < 0) {
      Py_DECREF(result);
      return nullptr;
    }
  }
  return result;
}

int SymmetricDifferenceUpdateInternal(PySetObject* so, PyObject* other) {
  if (reinterpret_cast<PyObject*>(so) == other) {
    ClearInternal(so);
    return 0;
  }
  PyObject* otherset = PyAnySet_Check(other) ? Py_NewRef(other) : MakeNewSet(&PySet_Type, other);
  if (otherset == nullptr) return -1;
  Py_ssize_t pos = 0;
  setentry* entry;
  int rv = 0;
  while (rv >= 0 && Next(AsSet(otherset), &pos, &entry)) {
    PyObject* key = Py_NewRef(entry->key);
    const Py_hash_t hash = entry->hash;
    rv = DiscardEntry(so, key, hash);
    if (rv == 0) rv = AddEntry(so, key, hash);
    Py_DECREF(key);
  }
  Py_DECREF(otherset);
  return rv < 0 ? -1 : 0;
}

PyObject* SymmetricDifference(PyObject* so, PyObject* other) {
  PyObject* result = MakeNewSetBasetype(Py_TYPE(so), other);
  if (result == nullptr) return nullptr;
  if (SymmetricDifferenceUpdateInternal(AsSet(result), so) != 0) {
    Py_DECREF(result);
    return nullptr;
  }
  return result;
}

// ---- Number slots -------------------------------------------------------------------------

#define PINION_SET_BINARY(name, op)                                              \
  PyObject* name(PyObject* a, PyObject* b) {                                     \
    if (!PyAnySet_Check(a) || !PyAnySet_Check(b)) return Py_NewRef(Py_NotImplemented); \
    return op(a, b);                                                             \
  }
PINION_SET_BINARY(SetOr, Union)
PINION_SET_BINARY(SetAnd, Intersection)
PINION_SET_BINARY(SetSub, Difference)
PINION_SET_BINARY(SetXor, SymmetricDifference)
#undef PINION_SET_BINARY

int IntersectionUpdate(PyObject* so, PyObject* other) {
  PyObject* tmp = Intersection(so, other);
  if (tmp == nullptr) return -1;
  // The result's keys replace so's: swap the tables' contents.
  PySetObject* a = AsSet(so);
  PySetObject* b = AsSet(tmp);
  setentry tab[PySet_MINSIZE];
  const bool a_small = a->table == a->smalltable;
  const bool b_small = b->table == b->smalltable;
  std::swap(a->fill, b->fill);
  std::swap(a->used, b->used);
  std::swap(a->mask, b->mask);
  std::swap(a->table, b->table);
  std::memcpy(tab, a->smalltable, sizeof(tab));
  std::memcpy(a->smalltable, b->smalltable, sizeof(tab));
  std::memcpy(b->smalltable, tab, sizeof(tab));
  if (a_small) b->table = b->smalltable;
  if (b_small) a->table = a->smalltable;
  a->hash = -1;
  Py_DECREF(tmp);
  return 0;
}

#define PINION_SET_INPLACE(name, update)                                         \
  PyObject* name(PyObject* a, PyObject* b) {                                     \
    if (!PyAnySet_Check(b)) return Py_NewRef(Py_NotImplemented);                 \
    if (update < 0) return nullptr;                                              \
    return Py_NewRef(a);                                                         \
  }
PINION_SET_INPLACE(SetIor, UpdateInternal(AsSet(a), b))
PINION_SET_INPLACE(SetIand, IntersectionUpdate(a, b))
PINION_SET_INPLACE(SetIsub, DifferenceUpdateInternal(AsSet(a), b))
PINION_SET_INPLACE(SetIxor, SymmetricDifferenceUpdateInternal(AsSet(a), b))
#undef PINION_SET_INPLACE

PyNumberMethods kSetAsNumber = {
    .nb_subtract = &SetSub,
    .nb_and = &SetAnd,
    .nb_xor = &SetXor,
    .nb_or = &SetOr,
    .nb_inplace_subtract = &SetIsub,
    .nb_inplace_and = &SetIand,
    .nb_inplace_xor = &SetIxor,
    .nb_inplace_or = &SetIor,
};

PyNumberMethods kFrozenSetAsNumber = {
    .nb_subtract = &SetSub,
    .nb_and = &SetAnd,
    .nb_xor = &SetXor,
    .nb_or = &SetOr,
};

PySequenceMethods kSetAsSequence = {
    .sq_length = &SetLen,
    .sq_contains = &SetContains,
};

// ---- Methods ------------------------------------------------------------------------------

PyObject* MethAdd(PyObject* self, PyObject* key) {
  if (AddKey(AsSet(self), key) != 0) return nullptr;
  Py_RETURN_NONE;
}

PyObject* MethClear(PyObject* self, PyObject*) {
  ClearInternal(AsSet(self));
  Py_RETURN_NONE;
}

PyObject* MethCopy(PyObject* self, PyObject*) {
  if (PyFrozenSet_CheckExact(self)) return Py_NewRef(self);
  return SetCopyOf(self);
}

// discard/remove: a set key that is unhashable is looked up as a frozenset.
int DiscardWithRetry(PyObject* self, PyObject* key) {
  int rv = DiscardKey(AsSet(self), key);
  if (rv < 0) {
    if (!PySet_Check(key) || !PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
    PyErr_Clear();
    PyObject* tmp = MakeNewSet(&PyFrozenSet_Type, key);
    if (tmp == nullptr) return -1;
    rv = DiscardKey(AsSet(self), tmp);
    Py_DECREF(tmp);
  }
  return rv;
}

PyObject* MethDiscard(PyObject* self, PyObject* key) {
  if (DiscardWithRetry(self, key) < 0) return nullptr;
  Py_RETURN_NONE;
}

PyObject* MethRemove(PyObject* self, PyObject* key) {
  const int rv = DiscardWithRetry(self, key);
  if (rv < 0) return nullptr;
  if (rv == 0) {
    PyObject* tuple = PyTuple_Pack(1, key);
    if (tuple != nullptr) {
      PyErr_SetObject(PyExc_KeyError, tuple);
      Py_DECREF(tuple);
    }
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyObject* MethPop(PyObject* self, PyObject*) { return PySet_Pop(self); }

PyObject* MethUpdate(PyObject* self, PyObject* args) {
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); ++i) {
    if (UpdateInternal(AsSet(self), PyTuple_GET_ITEM(args, i)) != 0) return nullptr;
  }
  Py_RETURN_NONE;
}

PyObject* MethUnion(PyObject* self, PyObject* args) {
  PyObject* result = SetCopyOf(self);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); ++i) {
    PyObject* other = PyTuple_GET_ITEM(args, i);
    if (other == self) continue;
    if (UpdateInternal(AsSet(result), other) != 0) {
      Py_DECREF(result);
      return nullptr;
    }
  }
  return result;
}

PyObject* MethIntersection(PyObject* self, PyObject* args) {
  if (PyTuple_GET_SIZE(args) == 0) return SetCopyOf(self);
  PyObject* result = Py_NewRef(self);
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); ++i) {
    PyObject* next = Intersection(result, PyTuple_GET_ITEM(args, i));
    Py_DECREF(result);
    if (next == nullptr) return nullptr;
    result = next;
  }
  return result;
}

PyObject* MethDifference(PyObject* self, PyObject* args) {
  if (PyTuple_GET_SIZE(args) == 0) return SetCopyOf(self);
  PyObject* result = Difference(self, PyTuple_GET_ITEM(args, 0));
  for (Py_ssize_t i = 1; result != nullptr && i < PyTuple_GET_SIZE(args); ++i) {
    if (DifferenceUpdateInternal(AsSet(result), PyTuple_GET_ITEM(args, i)) != 0) {
      Py_CLEAR(result);
    }
  }
  return result;
}

PyObject* MethSymmetricDifference(PyObject* self, PyObject* other) {
  return SymmetricDifference(self, other);
}

PyObject* MethIsSubset(PyObject* self, PyObject* other) {
  return BoolResult(IsSubset(AsSet(self), other));
}

PyObject* MethIsSuperset(PyObject* self, PyObject* other) {
  return BoolResult(IsSuperset(AsSet(self), other));
}

PyObject* MethIsDisjoint(PyObject* self, PyObject* other) {
  PyObject* common = Intersection(self, other);
  if (common == nullptr) return nullptr;
  const bool disjoint = AsSet(common)->used == 0;
  Py_DECREF(common);
  return PyBool_FromLong(disjoint);
}

PyMethodDef kSetMethods[] = {
    {"add", &MethAdd, METH_O, "Add an element to a set."},
    {"clear", &MethClear, METH_NOARGS, "Remove all elements from this set."},
    {"copy", &MethCopy, METH_NOARGS, "Return a shallow copy of a set."},
    {"difference", &MethDifference, METH_VARARGS, "Return the difference of sets."},
    {"discard", &MethDiscard, METH_O, "Remove an element from a set if it is a member."},
    {"intersection", &MethIntersection, METH_VARARGS, "Return the intersection of sets."},
    {"isdisjoint", &MethIsDisjoint, METH_O, "Return True if two sets have a null intersection."},
    {"issubset", &MethIsSubset, METH_O, "Report whether another set contains this set."},
    {"issuperset", &MethIsSuperset, METH_O, "Report whether this set contains another set."},
    {"pop", &MethPop, METH_NOARGS, "Remove and return an arbitrary set element."},
    {"remove", &MethRemove, METH_O, "Remove an element from a set; it must be a member."},
    {"symmetric_difference", &MethSymmetricDifference, METH_O,
     "Return the symmetric difference of two sets as a new set."},
    {"union", &MethUnion, METH_VARARGS, "Return the union of sets as a new set."},
    {"update", &MethUpdate, METH_VARARGS, "Update a set with the union of itself and others."},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef kFrozenSetMethods[] = {
    {"copy", &MethCopy, METH_NOARGS, "Return a shallow copy of a set."},
    {"difference", &MethDifference, METH_VARARGS, "Return the difference of sets."},
    {"intersection", &MethIntersection, METH_VARARGS, "Return the intersection of sets."},
    {"isdisjoint", &MethIsDisjoint, METH_O, "Return True if two sets have a null intersection."},
    {"issubset", &MethIsSubset, METH_O, "Report whether another set contains this set."},
    {"issuperset", &MethIsSuperset, METH_O, "Report whether this set contains another set."},
    {"symmetric_difference", &MethSymmetricDifference, METH_O,
     "Return the symmetric difference of two sets as a new set."},
    {"union", &MethUnion, METH_VARARGS, "Return the union of sets as a new set."},
    {nullptr, nullptr, 0, nullptr},
};

bool NoKeywords(const char* name, PyObject* kwargs) {
  if (kwargs == nullptr || (PyDict_Check(kwargs) && PyDict_GET_SIZE(kwargs) == 0)) return true;
  PyErr_Format(PyExc_TypeError, "%.200s() takes no keyword arguments", name);
  return false;
}

PyObject* SetTpNew(PyTypeObject* type, PyObject*, PyObject* kwargs) {
  if (type == &PySet_Type && !NoKeywords("set", kwargs)) return nullptr;
  return MakeNewSet(type, nullptr);
}

int SetTpInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  if (!NoKeywords("set", kwargs)) return -1;
  PyObject* iterable = nullptr;
  if (!PyArg_UnpackTuple(args, Py_TYPE(self)->tp_name, 0, 1, &iterable)) return -1;
  if (AsSet(self)->fill != 0) ClearInternal(AsSet(self));
  AsSet(self)->hash = -1;
  if (iterable == nullptr) return 0;
  return UpdateInternal(AsSet(self), iterable);
}

PyObject* FrozenSetTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (type == &PyFrozenSet_Type && !NoKeywords("frozenset", kwargs)) return nullptr;
  PyObject* iterable = nullptr;
  if (!PyArg_UnpackTuple(args, type->tp_name, 0, 1, &iterable)) return nullptr;
  if (type == &PyFrozenSet_Type && iterable != nullptr && PyFrozenSet_CheckExact(iterable)) {
    return Py_NewRef(iterable);
  }
  return MakeNewSet(type, iterable);
}

// ---- The iterator -------------------------------------------------------------------------

struct SetIter {
  PyObject_HEAD
  PyObject* set;       // NULL once exhausted
  Py_ssize_t used;     // the set's size when iteration began (-1 once it changed)
  Py_ssize_t pos;
  Py_ssize_t len;      // items left
};

SetIter* AsIter(PyObject* op) { return reinterpret_cast<SetIter*>(op); }

int IterTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsIter(self)->set);
  return 0;
}

void IterDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_CLEAR(AsIter(self)->set);
  Py_TYPE(self)->tp_free(self);
}

PyObject* IterNext(PyObject* self) {
  SetIter* it = AsIter(self);
  if (it->set == nullptr) return nullptr;
  PySetObject* so = AsSet(it->set);
  if (it->used != so->used) {
    PyErr_SetString(PyExc_RuntimeError, "Set changed size during iteration");
    it->used = -1;
    return nullptr;
  }
  setentry* entry;
  if (!Next(so, &it->pos, &entry)) {
    Py_CLEAR(it->set);
    return nullptr;
  }
  it->len--;
  return Py_NewRef(entry->key);
}

PyObject* IterLengthHint(PyObject* self, PyObject*) {
  SetIter* it = AsIter(self);
  Py_ssize_t len = 0;
  if (it->set != nullptr && it->used == AsSet(it->set)->used) len = it->len;
  return PyLong_FromSsize_t(len);
}

PyMethodDef kIterMethods[] = {
    {"__length_hint__", &IterLengthHint, METH_NOARGS,
     "Private method returning an estimate of len(list(it))."},
    {nullptr, nullptr, 0, nullptr},
};

PyObject* SetTpIter(PyObject* self) {
  PyObject* op = AllocObject(&PySetIter_Type, sizeof(SetIter), /*gc=*/true);
  if (op == nullptr) return nullptr;
  SetIter* it = AsIter(op);
  it->set = Py_NewRef(self);
  it->used = AsSet(self)->used;
  it->pos = 0;
  it->len = AsSet(self)->used;
  PyObject_GC_Track(op);
  return op;
}

// ---- The C API's argument checks ----------------------------------------------------------

bool BadCall() {
  PyErr_BadInternalCall();
  return false;
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PySetIter_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "set_iterator",
    .tp_basicsize = sizeof(SetIter),
    .tp_dealloc = &IterDealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = &IterTraverse,
    .tp_iter = &PyObject_SelfIter,
    .tp_iternext = &IterNext,
    .tp_methods = kIterMethods,
    .tp_free = &PyObject_GC_Del,
};

PyTypeObject PySet_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "set",
    .tp_basicsize = sizeof(PySetObject),
    .tp_dealloc = &SetDealloc,
    .tp_repr = &SetRepr,
    .tp_as_number = &kSetAsNumber,
    .tp_as_sequence = &kSetAsSequence,
    .tp_hash = &PyObject_HashNotImplemented,
    .tp_getattro = &PyObject_GenericGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .tp_doc = "set() -> new empty set object\nset(iterable) -> new set object\n\n"
              "Build an unordered collection of unique elements.",
    .tp_traverse = &SetTraverse,
    .tp_clear = &SetTpClear,
    .tp_richcompare = &SetRichCompare,
    .tp_weaklistoffset = offsetof(PySetObject, weakreflist),
    .tp_iter = &SetTpIter,
    .tp_methods = kSetMethods,
    .tp_init = &SetTpInit,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &SetTpNew,
    .tp_free = &PyObject_GC_Del,
};

PyTypeObject PyFrozenSet_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "frozenset",
    .tp_basicsize = sizeof(PySetObject),
    .tp_dealloc = &SetDealloc,
    .tp_repr = &SetRepr,
    .tp_as_number = &kFrozenSetAsNumber,
    .tp_as_sequence = &kSetAsSequence,
    .tp_hash = &FrozenSetHash,
    .tp_getattro = &PyObject_GenericGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .tp_doc = "frozenset() -> empty frozenset object\nfrozenset(iterable) -> frozenset object\n\n"
              "Build an immutable unordered collection of unique elements.",
    .tp_traverse = &SetTraverse,
    .tp_clear = &SetTpClear,
    .tp_richcompare = &SetRichCompare,
    .tp_weaklistoffset = offsetof(PySetObject, weakreflist),
    .tp_iter = &SetTpIter,
    .tp_methods = kFrozenSetMethods,
    .tp_alloc = &PyType_GenericAlloc,
    .tp_new = &FrozenSetTpNew,
    .tp_free = &PyObject_GC_Del,
};

extern "C" PyObject* PySet_New(PyObject* iterable) { return MakeNewSet(&PySet_Type, iterable); }

extern "C" PyObject* PyFrozenSet_New(PyObject* iterable) {
  return MakeNewSet(&PyFrozenSet_Type, iterable);
}

extern "C" Py_ssize_t PySet_Size(PyObject* anyset) {
  if (anyset == nullptr || !PyAnySet_Check(anyset)) {
    PyErr_BadInternalCall();
    return -1;
  }
  return AsSet(anyset)->used;
}

extern "C" int PySet_Clear(PyObject* set) {
  if (set == nullptr || !PySet_Check(set)) return BadCall() ? 0 : -1;
  ClearInternal(AsSet(set));
  return 0;
}

extern "C" int PySet_Contains(PyObject* anyset, PyObject* key) {
  if (anyset == nullptr || !PyAnySet_Check(anyset)) return BadCall() ? 0 : -1;
  return ContainsKey(AsSet(anyset), key);
}

extern "C" int PySet_Discard(PyObject* set, PyObject* key) {
  if (set == nullptr || !PySet_Check(set)) return BadCall() ? 0 : -1;
  return DiscardKey(AsSet(set), key);
}

extern "C" int PySet_Add(PyObject* anyset, PyObject* key) {
  if (anyset == nullptr ||
      (!PySet_Check(anyset) && (!PyFrozenSet_Check(anyset) || AsSet(anyset)->hash != -1))) {
    return BadCall() ? 0 : -1;
  }
  return AddKey(AsSet(anyset), key);
}

extern "C" PyObject* PySet_Pop(PyObject* set) {
  if (set == nullptr || !PySet_Check(set)) {
    BadCall();
    return nullptr;
  }
  PySetObject* so = AsSet(set);
  if (so->used == 0) {
    PyErr_SetString(PyExc_KeyError, "pop from an empty set");
    return nullptr;
  }
  setentry* entry = so->table + (so->finger & so->mask);
  setentry* limit = so->table + so->mask;
  while (!IsActive(entry)) {
    ++entry;
    if (entry > limit) entry = so->table;
  }
  PyObject* key = entry->key;
  entry->key = kDummyKey;
  entry->hash = -1;
  so->used--;
  so->finger = entry - so->table + 1;
  return key;  // the set's pin becomes the caller's reference
}
