/* Dicts: hash tables that keep insertion order (CPython 3.7+'s semantics).
 *
 * Owns: PyDict_Type and the PyDict_* API (runtime in runtime/dict.cc, which describes the
 * table). Keys are compared with PyObject_Hash and PyObject_RichCompareBool(Py_EQ) (identity
 * first); an unhashable key raises TypeError.
 *
 * A dict is a GC object, tracked from birth: its tp_traverse visits every key and value, and
 * each is a pin the dict owns. PyDict_SetItem does not steal: it INCREFs the key and value.
 * The table is malloc'd memory owned by the dict and replaced as a whole (built, published,
 * then the old one freed), so tp_traverse finds a consistent table in any pause.
 *
 * Threads: any attached thread. There is no GIL: mutating one dict from two threads at once
 * (or reading it while another thread mutates it) is the caller's race to avoid. Comparing
 * keys may run code that mutates the dict; lookups then restart, as CPython's do.
 */
#ifndef PINION_PYTHON_DICTOBJECT_H_
#define PINION_PYTHON_DICTOBJECT_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

#ifndef Py_LIMITED_API
struct _PyPinion_DictTable;

typedef struct {
  PyObject_HEAD
  /* The number of items. */
  Py_ssize_t ma_used;
  /* The runtime's; never NULL once PyDict_New returned. */
  struct _PyPinion_DictTable* _pinion_table;
} PyDictObject;
#endif /* !Py_LIMITED_API */

PyAPI_DATA(PyTypeObject) PyDict_Type;

#define PyDict_Check(op) PyType_FastSubclass(Py_TYPE(op), Py_TPFLAGS_DICT_SUBCLASS)
#define PyDict_CheckExact(op) Py_IS_TYPE((op), &PyDict_Type)

PyAPI_FUNC(PyObject*) PyDict_New(void);
/* -1 with SystemError if `p` is not a dict. */
PyAPI_FUNC(Py_ssize_t) PyDict_Size(PyObject* p);
#ifndef Py_LIMITED_API
static inline Py_ssize_t PyDict_GET_SIZE(PyObject* op) { return ((PyDictObject*)op)->ma_used; }
#define PyDict_GET_SIZE(op) PyDict_GET_SIZE(_PyObject_CAST(op))
#endif /* !Py_LIMITED_API */

/* Neither steals: the dict INCREFs key and value. */
PyAPI_FUNC(int) PyDict_SetItem(PyObject* p, PyObject* key, PyObject* val);
PyAPI_FUNC(int) PyDict_SetItemString(PyObject* p, const char* key, PyObject* val);
/* KeyError if the key is missing. */
PyAPI_FUNC(int) PyDict_DelItem(PyObject* p, PyObject* key);
PyAPI_FUNC(int) PyDict_DelItemString(PyObject* p, const char* key);

/* Borrowed, or NULL when missing — and NULL also on any error, which is cleared (the
 * exception set before the call, if any, is kept). */
PyAPI_FUNC(PyObject*) PyDict_GetItem(PyObject* p, PyObject* key);
PyAPI_FUNC(PyObject*) PyDict_GetItemString(PyObject* p, const char* key);
/* Borrowed; NULL with no exception set when missing, NULL with one on error. */
PyAPI_FUNC(PyObject*) PyDict_GetItemWithError(PyObject* p, PyObject* key);
/* 3.13: 1 and a new reference in *result if present, 0 and NULL if missing, -1 and NULL on
 * error. */
PyAPI_FUNC(int) _PyPinion_Dict_GetItemRef(PyObject* p, PyObject* key, PyObject** result);
PyAPI_FUNC(int) _PyPinion_Dict_GetItemStringRef(PyObject* p, const char* key, PyObject** result);
/* 1, 0, or -1 on error. */
PyAPI_FUNC(int) PyDict_Contains(PyObject* p, PyObject* key);

/* Iteration: `pos` starts at 0; each call returns 1 and the next item (borrowed; either
 * output pointer may be NULL), or 0 at the end. The dict must not gain or lose keys during
 * the iteration (replacing values of existing keys is fine), as in CPython. */
PyAPI_FUNC(int) PyDict_Next(PyObject* p, Py_ssize_t* pos, PyObject** key, PyObject** value);

/* New lists, in insertion order (Items: of (key, value) tuples). */
PyAPI_FUNC(PyObject*) PyDict_Keys(PyObject* p);
PyAPI_FUNC(PyObject*) PyDict_Values(PyObject* p);
PyAPI_FUNC(PyObject*) PyDict_Items(PyObject* p);

PyAPI_FUNC(void) PyDict_Clear(PyObject* p);
PyAPI_FUNC(PyObject*) PyDict_Copy(PyObject* p);
/* a.update(b) for a dict `b`; Merge with override 0 keeps a's existing keys. Other mapping
 * types are not supported (TypeError). */
PyAPI_FUNC(int) PyDict_Update(PyObject* a, PyObject* b);
PyAPI_FUNC(int) PyDict_Merge(PyObject* a, PyObject* b, int override);
/* Adds the (key, value) pairs an iterable gives (each a sequence of 2: TypeError "cannot
 * convert dictionary update sequence element #i to a sequence", ValueError "... has length n;
 * 2 is required"); `override` 0 keeps the keys `d` has. 0, or -1 with an exception (pairs
 * before the bad one stay added). dict(pairs) uses it. */
PyAPI_FUNC(int) PyDict_MergeFromSeq2(PyObject* d, PyObject* seq2, int override);

#ifndef Py_LIMITED_API
/* dict.pop(key[, deflt]) (CPython 3.11's private helper, which pythoncapi_compat.h's
 * PyDict_Pop calls): the value removed (a new reference), else a new reference to `deflt`,
 * else NULL with KeyError(key). */
PyAPI_FUNC(PyObject*) _PyDict_Pop(PyObject* dict, PyObject* key, PyObject* deflt);
/* dict.setdefault(key, defaultobj): the value of `key` (a borrowed reference), inserting
 * `defaultobj` first when missing; NULL with an exception. */
PyAPI_FUNC(PyObject*) PyDict_SetDefault(PyObject* p, PyObject* key, PyObject* defaultobj);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_DICTOBJECT_H_ */
