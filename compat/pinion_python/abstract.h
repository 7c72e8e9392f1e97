/* The object protocol: repr/str, hashing, comparison, truth, length, items, attributes and
 * calls, on the type slots (runtime in runtime/object_protocol.cc).
 *
 * What Pinion's types provide through it: the tp_* slots (tp_repr, tp_str, tp_hash,
 * tp_richcompare, tp_getattro/tp_getattr, tp_setattro/tp_setattr, tp_call) for every type;
 * length and item access through tp_as_sequence/tp_as_mapping (runtime/sequence_protocol.cc,
 * with the rest of those protocols and iterators: abstract_containers.h). Truth
 * (PyObject_IsTrue) is CPython's: None and False are false, then nb_bool, mp_length,
 * sq_length decide, else true. The number protocol is in abstract_number.h, the calls
 * (PyObject_Call*, vectorcall) in call.h. Generic attribute lookup is CPython's
 * descriptor protocol over the type's MRO (runtime/generic_attr.cc): data descriptors, then
 * the instance __dict__ (tp_dictoffset), then other descriptors and class attributes.
 *
 * Threads: any attached thread.
 */
#ifndef PINION_PYTHON_ABSTRACT_H_
#define PINION_PYTHON_ABSTRACT_H_

#include "pinion_python/call.h"
#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* ---- repr, str, hash, comparison, truth ------------------------------------------------ */

/* New str objects. Repr uses tp_repr, else "<tp_name object at 0x...>"; Str uses tp_str,
 * else the repr. NULL gives "<NULL>". */
PyAPI_FUNC(PyObject*) PyObject_Repr(PyObject* o);
PyAPI_FUNC(PyObject*) PyObject_Str(PyObject* o);
/* Recursion guard for container reprs (per thread): 0 when `o` was not being repr'd (it is
 * now, until Py_ReprLeave), 1 when it already was (print "..." instead). */
PyAPI_FUNC(int) Py_ReprEnter(PyObject* o);
PyAPI_FUNC(void) Py_ReprLeave(PyObject* o);

/* tp_hash; types with neither tp_hash nor tp_richcompare hash by identity; -1 with TypeError
 * for unhashable ones (tp_hash = PyObject_HashNotImplemented, or tp_richcompare without
 * tp_hash). */
PyAPI_FUNC(Py_hash_t) PyObject_Hash(PyObject* o);
PyAPI_FUNC(Py_hash_t) PyObject_HashNotImplemented(PyObject* o);

/* tp_richcompare of either side (the right one first if its type is a subtype of the left's
 * type), then identity for Py_EQ/Py_NE, else TypeError. A new reference. Slots return
 * Py_NotImplemented to let the other side try. */
PyAPI_FUNC(PyObject*) PyObject_RichCompare(PyObject* o1, PyObject* o2, int opid);
/* 1, 0, or -1 on error; identical objects are equal for Py_EQ (and not unequal). */
PyAPI_FUNC(int) PyObject_RichCompareBool(PyObject* o1, PyObject* o2, int opid);

/* 1, 0, or -1 on error: None and False are false, then the type's nb_bool, mp_length or
 * sq_length (in that order) decides; an object with none of them is true. */
PyAPI_FUNC(int) PyObject_IsTrue(PyObject* o);
PyAPI_FUNC(int) PyObject_Not(PyObject* o);

/* ---- Containers ---------------------------------------------------------------------- */

/* len(o): sq_length, else mp_length; -1 with TypeError "object of type 'T' has no len()".
 * (abstract_containers.h has the rest of the sequence and mapping protocols.) */
PyAPI_FUNC(Py_ssize_t) PyObject_Size(PyObject* o);
#define PyObject_Length PyObject_Size
/* o[key]: mp_subscript, else sq_item for an index key (nb_index), else __class_getitem__
 * for a type, else TypeError "'T' object is not subscriptable". New reference. */
PyAPI_FUNC(PyObject*) PyObject_GetItem(PyObject* o, PyObject* key);
/* o[key] = v (v is not stolen) and del o[key]: mp_ass_subscript, else sq_ass_item for an
 * index key, else TypeError "'T' object does not support item assignment/deletion". */
PyAPI_FUNC(int) PyObject_SetItem(PyObject* o, PyObject* key, PyObject* v);
PyAPI_FUNC(int) PyObject_DelItem(PyObject* o, PyObject* key);

/* ---- Attributes ---------------------------------------------------------------------- */

/* o.name (name a str): tp_getattro, else tp_getattr, else PyObject_GenericGetAttr.
 * AttributeError when there is none. New reference. */
PyAPI_FUNC(PyObject*) PyObject_GetAttr(PyObject* o, PyObject* attr_name);
PyAPI_FUNC(PyObject*) PyObject_GetAttrString(PyObject* o, const char* attr_name);
/* o.name = v (v NULL deletes): tp_setattro, else tp_setattr, else
 * PyObject_GenericSetAttr. */
PyAPI_FUNC(int) PyObject_SetAttr(PyObject* o, PyObject* attr_name, PyObject* v);
PyAPI_FUNC(int) PyObject_SetAttrString(PyObject* o, const char* attr_name, PyObject* v);
#define PyObject_DelAttr(o, name) PyObject_SetAttr((o), (name), NULL)
#define PyObject_DelAttrString(o, name) PyObject_SetAttrString((o), (name), NULL)
/* 1 or 0; any error while looking is cleared. */
PyAPI_FUNC(int) PyObject_HasAttr(PyObject* o, PyObject* attr_name);
PyAPI_FUNC(int) PyObject_HasAttrString(PyObject* o, const char* attr_name);
/* CPython's: a data descriptor found along type(o)'s MRO (tp_descr_get(d, o, type)), else
 * the instance dict (tp_dictoffset, negative offsets included), else a non-data descriptor
 * bound, or a class attribute; AttributeError "'T' object has no attribute 'x'". */
PyAPI_FUNC(PyObject*) PyObject_GenericGetAttr(PyObject* o, PyObject* name);
/* A data descriptor's tp_descr_set, else the instance dict (created on first use; the
 * type's tp_traverse must visit it); AttributeError for types without one ("... is
 * read-only" when the type has the attribute). */
PyAPI_FUNC(int) PyObject_GenericSetAttr(PyObject* o, PyObject* name, PyObject* value);

/* ---- Calls: pinion_python/call.h ------------------------------------------------------ */

/* type(o), as a new reference. */
PyAPI_FUNC(PyObject*) PyObject_Type(PyObject* o);

_PyPinion_EXTERN_C_END

/* The sequence, mapping and iterator protocols. */
#include "pinion_python/abstract_containers.h"

#endif /* PINION_PYTHON_ABSTRACT_H_ */
