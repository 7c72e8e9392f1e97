/* PyObject, PyTypeObject and the reference-count API, on Pinion pin counts.
 *
 * A PyObject is a Pinion heap object whose first words are ob_refcnt and ob_type, so
 * extension structs that begin with PyObject_HEAD keep CPython's layout. What CPython's
 * reference count does is split in two:
 *   - Liveness is the collector's business: an object lives while it is reachable from pins,
 *     handles, globals or (through tp_traverse) other live objects. Py_DECREF to zero frees
 *     nothing; it only stops the object being a root.
 *   - Py_INCREF/Py_DECREF are pins (pinning/pin_c.h): an inline append to, or pop from, the
 *     calling thread's pin log — no atomic, no write to the object. References an object
 *     holds in its fields are pins too (CPython's discipline); the collector subtracts the
 *     ones tp_traverse reports (gc/finalization.h), so only pins held from outside the heap
 *     are roots and cycles are collected.
 *
 * ob_refcnt is therefore never counted. It holds _PyPinion_HEAP_REFCNT plus flag bits for
 * heap objects, and _PyPinion_IMMORTAL_REFCNT for static objects (None, True, False, small ints,
 * static types), whose INCREF/DECREF test it and do nothing (Py_DECREF first tries to pop
 * the object's pin off the log: an immortal is never logged, so a match is a mortal). Both are huge, so code that
 * reads o->ob_refcnt directly never sees 1; Py_REFCNT(o) returns a large bias plus the pin
 * count, so "Py_REFCNT(o) == 1: am I the only owner?" checks never fire either: Pinion cannot
 * know that the heap holds no other reference, so it never claims uniqueness.
 *
 * Threads: any thread attached to the compat heap and not inside Py_BEGIN_ALLOW_THREADS.
 * Misuse (a DECREF with no matching INCREF, a pointer that is not an object, a call from a
 * thread that is not attached) is reported through Pinion's misuse handler (gc/errors.h).
 */
#ifndef PINION_PYTHON_OBJECT_H_
#define PINION_PYTHON_OBJECT_H_

#include "pinion_python/port.h"

#if defined(Py_LIMITED_API)
/* Limited-API builds see no pin-log internals: Py_INCREF/Py_DECREF call Py_IncRef/Py_DecRef
 * (below), so such an extension does not depend on the pin log's layout. */
#elif defined(__cplusplus)
/* C++ even when Python.h is included inside extern "C" { } (as pythoncapi_compat.h does). */
extern "C++" {
#include "pinning/pin.h"
}
#define _PyPinion_PIN(o) ::pinion::Pin(o)
#define _PyPinion_UNPIN(o) ::pinion::Unpin(o)
#define _PyPinion_TRY_CANCEL(o) ::pinion::internal::t_pin_log->TryCancel(o)
#else
#include "pinning/pin_c.h"
#define _PyPinion_PIN(o) pinion_pin(o)
#define _PyPinion_UNPIN(o) pinion_unpin(o)
#define _PyPinion_TRY_CANCEL(o) pinion_try_cancel(o)
#endif

_PyPinion_EXTERN_C_BEGIN

/* ob_refcnt values. Heap objects: the bias plus the _PyPinion_F_* flags (runtime-owned,
 * changed with atomic operations). Static objects: immortal. */
#define _PyPinion_IMMORTAL_REFCNT ((Py_ssize_t)1 << 62)
#define _PyPinion_HEAP_REFCNT ((Py_ssize_t)1 << 40)
#define _PyPinion_F_GC 1        /* allocated by PyObject_GC_New/NewVar: tp_traverse is its trace */
#define _PyPinion_F_TRACKED 2   /* PyObject_GC_Track'ed */
#define _PyPinion_F_FINALIZED 4 /* tp_finalize has run (PEP 442: at most once) */
#define _PyPinion_F_FREED 8     /* tp_free/PyObject_Free has run: the object is dead */

/* Under Py_LIMITED_API the type object is opaque, as in CPython: its fields are read through
 * functions (PyType_GetFlags, PyType_GetSlot...), and the slot tables are not declared. */
typedef struct _typeobject PyTypeObject;
struct PyMethodDef;
struct PyMemberDef;
struct PyGetSetDef;
typedef struct _object {
  Py_ssize_t ob_refcnt;
  struct _typeobject* ob_type;
} PyObject;

typedef struct {
  PyObject ob_base;
  Py_ssize_t ob_size; /* number of items in variable part */
} PyVarObject;

#include "pinion_python/pybuffer.h"

#define PyObject_HEAD PyObject ob_base;
#define PyObject_VAR_HEAD PyVarObject ob_base;
#define PyObject_HEAD_INIT(type) {_PyPinion_IMMORTAL_REFCNT, (type)},
#define PyVarObject_HEAD_INIT(type, size) {PyObject_HEAD_INIT(type)(size)},
/* For C++ (the runtime's static types), where designated initialisers cannot follow a
 * positional one: `PyTypeObject T = {_PyPinion_TYPE_HEAD, .tp_name = "t", ...};` */
#define _PyPinion_TYPE_HEAD .ob_base = {{_PyPinion_IMMORTAL_REFCNT, &PyType_Type}, 0}

#define _PyObject_CAST(op) ((PyObject*)(op))
#define _PyVarObject_CAST(op) ((PyVarObject*)(op))

/* Function types of the type slots. */
typedef PyObject* (*unaryfunc)(PyObject*);
typedef PyObject* (*binaryfunc)(PyObject*, PyObject*);
typedef PyObject* (*ternaryfunc)(PyObject*, PyObject*, PyObject*);
typedef int (*inquiry)(PyObject*);
typedef Py_ssize_t (*lenfunc)(PyObject*);
typedef PyObject* (*ssizeargfunc)(PyObject*, Py_ssize_t);
typedef int (*ssizeobjargproc)(PyObject*, Py_ssize_t, PyObject*);
typedef int (*objobjargproc)(PyObject*, PyObject*, PyObject*);
typedef int (*objobjproc)(PyObject*, PyObject*);
typedef int (*visitproc)(PyObject*, void*);
typedef int (*traverseproc)(PyObject*, visitproc, void*);
typedef void (*freefunc)(void*);
typedef void (*destructor)(PyObject*);
typedef PyObject* (*getattrfunc)(PyObject*, char*);
typedef PyObject* (*getattrofunc)(PyObject*, PyObject*);
typedef int (*setattrfunc)(PyObject*, char*, PyObject*);
typedef int (*setattrofunc)(PyObject*, PyObject*, PyObject*);
typedef PyObject* (*reprfunc)(PyObject*);
typedef Py_hash_t (*hashfunc)(PyObject*);
typedef PyObject* (*richcmpfunc)(PyObject*, PyObject*, int);
typedef PyObject* (*getiterfunc)(PyObject*);
typedef PyObject* (*iternextfunc)(PyObject*);
typedef PyObject* (*descrgetfunc)(PyObject*, PyObject*, PyObject*);
typedef int (*descrsetfunc)(PyObject*, PyObject*, PyObject*);
typedef int (*initproc)(PyObject*, PyObject*, PyObject*);
typedef PyObject* (*newfunc)(struct _typeobject*, PyObject*, PyObject*);
typedef PyObject* (*allocfunc)(struct _typeobject*, Py_ssize_t);
typedef PyObject* (*vectorcallfunc)(PyObject*, PyObject* const*, size_t, PyObject*);

#ifndef Py_LIMITED_API
/* The slot tables, in CPython 3.11's field order (positional initialisers compile). A type's
 * tp_as_* pointer may be NULL; PyType_Ready gives a type without a table its base's, and
 * fills the NULL slots of a table of its own from the base's table (CPython's inheritance). */
typedef struct {
  binaryfunc nb_add;
  binaryfunc nb_subtract;
  binaryfunc nb_multiply;
  binaryfunc nb_remainder;
  binaryfunc nb_divmod;
  ternaryfunc nb_power;
  unaryfunc nb_negative;
  unaryfunc nb_positive;
  unaryfunc nb_absolute;
  inquiry nb_bool;
  unaryfunc nb_invert;
  binaryfunc nb_lshift;
  binaryfunc nb_rshift;
  binaryfunc nb_and;
  binaryfunc nb_xor;
  binaryfunc nb_or;
  unaryfunc nb_int;
  void* nb_reserved; /* was nb_long */
  unaryfunc nb_float;
  binaryfunc nb_inplace_add;
  binaryfunc nb_inplace_subtract;
  binaryfunc nb_inplace_multiply;
  binaryfunc nb_inplace_remainder;
  ternaryfunc nb_inplace_power;
  binaryfunc nb_inplace_lshift;
  binaryfunc nb_inplace_rshift;
  binaryfunc nb_inplace_and;
  binaryfunc nb_inplace_xor;
  binaryfunc nb_inplace_or;
  binaryfunc nb_floor_divide;
  binaryfunc nb_true_divide;
  binaryfunc nb_inplace_floor_divide;
  binaryfunc nb_inplace_true_divide;
  unaryfunc nb_index;
  binaryfunc nb_matrix_multiply;
  binaryfunc nb_inplace_matrix_multiply;
} PyNumberMethods;

typedef struct {
  lenfunc sq_length;
  binaryfunc sq_concat;
  ssizeargfunc sq_repeat;
  ssizeargfunc sq_item;
  void* was_sq_slice;
  ssizeobjargproc sq_ass_item;
  void* was_sq_ass_slice;
  objobjproc sq_contains;
  binaryfunc sq_inplace_concat;
  ssizeargfunc sq_inplace_repeat;
} PySequenceMethods;

typedef struct {
  lenfunc mp_length;
  binaryfunc mp_subscript;
  objobjargproc mp_ass_subscript;
} PyMappingMethods;

#endif /* !Py_LIMITED_API */

#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
typedef enum { PYGEN_RETURN = 0, PYGEN_ERROR = -1, PYGEN_NEXT = 1 } PySendResult;
#endif
#ifndef Py_LIMITED_API
typedef PySendResult (*sendfunc)(PyObject* iter, PyObject* value, PyObject** result);
/* Declared so that types compile; Pinion has no coroutines calling them. */
typedef struct {
  unaryfunc am_await;
  unaryfunc am_aiter;
  unaryfunc am_anext;
  sendfunc am_send;
} PyAsyncMethods;

/* The buffer protocol (pybuffer.h, runtime/buffer.cc): CPython 3.11's table. */
typedef int (*getbufferproc)(PyObject*, Py_buffer*, int);
typedef void (*releasebufferproc)(PyObject*, Py_buffer*);
typedef struct {
  getbufferproc bf_getbuffer;
  releasebufferproc bf_releasebuffer;
} PyBufferProcs;

/* The field order is CPython's (3.11), so positional static initialisers compile. */
struct _typeobject {
  PyObject_VAR_HEAD
  const char* tp_name;
  Py_ssize_t tp_basicsize, tp_itemsize;
  destructor tp_dealloc;
  Py_ssize_t tp_vectorcall_offset;
  getattrfunc tp_getattr;
  setattrfunc tp_setattr;
  PyAsyncMethods* tp_as_async;
  reprfunc tp_repr;
  PyNumberMethods* tp_as_number;
  PySequenceMethods* tp_as_sequence;
  PyMappingMethods* tp_as_mapping;
  hashfunc tp_hash;
  ternaryfunc tp_call;
  reprfunc tp_str;
  getattrofunc tp_getattro;
  setattrofunc tp_setattro;
  PyBufferProcs* tp_as_buffer;
  unsigned long tp_flags;
  const char* tp_doc;
  traverseproc tp_traverse;
  inquiry tp_clear;
  richcmpfunc tp_richcompare;
  Py_ssize_t tp_weaklistoffset;
  getiterfunc tp_iter;
  iternextfunc tp_iternext;
  struct PyMethodDef* tp_methods;
  struct PyMemberDef* tp_members;
  struct PyGetSetDef* tp_getset;
  struct _typeobject* tp_base;
  PyObject* tp_dict;
  descrgetfunc tp_descr_get;
  descrsetfunc tp_descr_set;
  Py_ssize_t tp_dictoffset;
  initproc tp_init;
  allocfunc tp_alloc;
  newfunc tp_new;
  freefunc tp_free;
  inquiry tp_is_gc;
  PyObject* tp_bases;
  PyObject* tp_mro;
  PyObject* tp_cache;
  void* tp_subclasses;
  PyObject* tp_weaklist;
  destructor tp_del;
  unsigned int tp_version_tag;
  destructor tp_finalize;
  vectorcallfunc tp_vectorcall;
};
#endif /* !Py_LIMITED_API */

/* tp_flags */
#define Py_TPFLAGS_HEAPTYPE (1UL << 9)
#define Py_TPFLAGS_BASETYPE (1UL << 10)
/* Instances hold a vectorcallfunc at tp_vectorcall_offset (pinion_python/call.h). */
#ifndef Py_LIMITED_API
#define Py_TPFLAGS_HAVE_VECTORCALL (1UL << 11)
#define _Py_TPFLAGS_HAVE_VECTORCALL Py_TPFLAGS_HAVE_VECTORCALL
#endif
#define Py_TPFLAGS_READY (1UL << 12)
#define Py_TPFLAGS_READYING (1UL << 13)
#define Py_TPFLAGS_HAVE_GC (1UL << 14)
#define Py_TPFLAGS_HAVE_FINALIZE (1UL << 0)
#define Py_TPFLAGS_LONG_SUBCLASS (1UL << 24)
#define Py_TPFLAGS_LIST_SUBCLASS (1UL << 25)
#define Py_TPFLAGS_TUPLE_SUBCLASS (1UL << 26)
#define Py_TPFLAGS_BYTES_SUBCLASS (1UL << 27)
#define Py_TPFLAGS_UNICODE_SUBCLASS (1UL << 28)
#define Py_TPFLAGS_DICT_SUBCLASS (1UL << 29)
#define Py_TPFLAGS_BASE_EXC_SUBCLASS (1UL << 30)
#define Py_TPFLAGS_TYPE_SUBCLASS (1UL << 31)
/* For pattern matching in CPython: instances are sequences (list, tuple) or mappings (dict).
 * Inherited by a type that sets neither. */
#ifndef Py_LIMITED_API
#define Py_TPFLAGS_SEQUENCE (1UL << 5)
#define Py_TPFLAGS_MAPPING (1UL << 6)
#endif
#define Py_TPFLAGS_HAVE_STACKLESS_EXTENSION 0
#define Py_TPFLAGS_HAVE_VERSION_TAG (1UL << 18) /* always set, as in CPython: no meaning */
#define Py_TPFLAGS_VALID_VERSION_TAG (1UL << 19) /* never set: Pinion has no method cache */
#define Py_TPFLAGS_DEFAULT (Py_TPFLAGS_HAVE_STACKLESS_EXTENSION | Py_TPFLAGS_HAVE_VERSION_TAG)
/* Py_TPFLAGS_IMMUTABLETYPE is set by PyType_Ready on static types (they refuse attribute
 * assignment), Py_TPFLAGS_DISALLOW_INSTANTIATION on static types based on object that
 * define no tp_new (calling them raises TypeError): both are defined with the heap types. */
#define Py_TPFLAGS_METHOD_DESCRIPTOR (1UL << 17)
#define Py_TPFLAGS_IS_ABSTRACT (1UL << 20)

PyAPI_DATA(PyTypeObject) PyType_Type;
PyAPI_DATA(PyTypeObject) PyBaseObject_Type;
/* super (runtime/super.cc): super(type, obj) and super(type, type2) look attributes up along
 * the MRO of obj's type (or type2) after `type`, binding them to obj (tp_descr_get); repr
 * "<super: <class 'T'>, <U object>>", __thisclass__/__self__/__self_class__. CPython's
 * TypeErrors for a non-type or an unrelated obj. super() with no arguments raises
 * RuntimeError "super(): no current frame", as CPython called from C (Pinion has no frames). */
PyAPI_DATA(PyTypeObject) PySuper_Type;

/* ---- Reference counts -------------------------------------------------------------------- */

static inline int _PyPinion_IsImmortal(PyObject* op) {
  /* Relaxed atomic: the runtime sets flag bits with atomic operations; the immortal test
   * only compares against a value flags never reach. Compiles to a plain load. */
  return __atomic_load_n(&op->ob_refcnt, __ATOMIC_RELAXED) >= _PyPinion_IMMORTAL_REFCNT;
}
#define _PyPinion_IsImmortal(op) _PyPinion_IsImmortal(_PyObject_CAST(op))

/* The exported forms of Py_XINCREF/Py_XDECREF (NULL is ignored), as CPython's. */
PyAPI_FUNC(void) Py_IncRef(PyObject* op);
PyAPI_FUNC(void) Py_DecRef(PyObject* op);

#ifdef Py_LIMITED_API
/* Limited-API builds call the exported functions: the pin log's layout and the immortality
 * encoding stay out of the extension's binary, which is what the limited API is for (CPython
 * 3.11's limited Py_INCREF still writes ob_refcnt inline). A call per INCREF is the price. */
static inline void Py_INCREF(PyObject* op) { Py_IncRef(op); }
static inline void Py_DECREF(PyObject* op) { Py_DecRef(op); }
#else
static inline void Py_INCREF(PyObject* op) {
  if (!_PyPinion_IsImmortal(op)) _PyPinion_PIN(op);
}
static inline void Py_DECREF(PyObject* op) {
#ifdef NDEBUG
  /* Pairs first: an object whose pin is on top of the log is not immortal (immortals are
   * never logged), so the common case pops without reading the object. */
  if (_PyPinion_TRY_CANCEL(op)) return;
#endif
  if (!_PyPinion_IsImmortal(op)) _PyPinion_UNPIN(op);
}
#endif /* Py_LIMITED_API */
#define Py_INCREF(op) Py_INCREF(_PyObject_CAST(op))
#define Py_DECREF(op) Py_DECREF(_PyObject_CAST(op))

static inline void Py_XINCREF(PyObject* op) {
  if (op != NULL) Py_INCREF(op);
}
static inline void Py_XDECREF(PyObject* op) {
  if (op != NULL) Py_DECREF(op);
}
#define Py_XINCREF(op) Py_XINCREF(_PyObject_CAST(op))
#define Py_XDECREF(op) Py_XDECREF(_PyObject_CAST(op))

static inline PyObject* Py_NewRef(PyObject* op) {
  Py_INCREF(op);
  return op;
}
static inline PyObject* Py_XNewRef(PyObject* op) {
  Py_XINCREF(op);
  return op;
}
#define Py_NewRef(op) Py_NewRef(_PyObject_CAST(op))
#define Py_XNewRef(op) Py_XNewRef(_PyObject_CAST(op))

/* As CPython: the field is cleared before the reference is released. */
#define Py_CLEAR(op)                     \
  do {                                   \
    PyObject* _py_tmp = _PyObject_CAST(op); \
    if (_py_tmp != NULL) {               \
      (op) = NULL;                       \
      Py_DECREF(_py_tmp);                \
    }                                    \
  } while (0)
#ifndef Py_LIMITED_API
#define Py_SETREF(dst, src)                  \
  do {                                       \
    PyObject* _py_tmp = _PyObject_CAST(dst); \
    (dst) = (src);                           \
    Py_DECREF(_py_tmp);                      \
  } while (0)
#define Py_XSETREF(dst, src)                 \
  do {                                       \
    PyObject* _py_tmp = _PyObject_CAST(dst); \
    (dst) = (src);                           \
    Py_XDECREF(_py_tmp);                     \
  } while (0)
#endif /* !Py_LIMITED_API */

/* The bias plus the pins counted so far and the calling thread's own uncounted ones (other
 * threads' show after the next collection): always >= 2^30, never 1. Immortal: 2^62. */
PyAPI_FUNC(Py_ssize_t) _PyPinion_RefCnt(PyObject* op);
#define Py_REFCNT(op) _PyPinion_RefCnt(_PyObject_CAST(op))
#define _PyPinion_REFCNT_BIAS ((Py_ssize_t)1 << 30)

PyAPI_FUNC(void) _PyPinion_SetRefcntUnsupported(void) _PyPinion_UNSUPPORTED(
    "Py_SET_REFCNT: reference counts are pin counts; use Py_INCREF/Py_DECREF");
#define Py_SET_REFCNT(op, n) _PyPinion_SetRefcntUnsupported()

/* ---- Type and size ----------------------------------------------------------------------- */

static inline PyTypeObject* Py_TYPE(PyObject* op) { return op->ob_type; }
#define Py_TYPE(op) Py_TYPE(_PyObject_CAST(op))
static inline Py_ssize_t Py_SIZE(PyObject* op) { return _PyVarObject_CAST(op)->ob_size; }
#define Py_SIZE(op) Py_SIZE(_PyObject_CAST(op))
static inline void Py_SET_TYPE(PyObject* op, PyTypeObject* type) { op->ob_type = type; }
#define Py_SET_TYPE(op, type) Py_SET_TYPE(_PyObject_CAST(op), type)
static inline void Py_SET_SIZE(PyVarObject* op, Py_ssize_t size) { op->ob_size = size; }
#define Py_SET_SIZE(op, size) Py_SET_SIZE(_PyVarObject_CAST(op), size)
static inline int Py_IS_TYPE(PyObject* op, PyTypeObject* type) { return Py_TYPE(op) == type; }
#define Py_IS_TYPE(op, type) Py_IS_TYPE(_PyObject_CAST(op), type)
#define Py_Is(x, y) ((x) == (y))

PyAPI_FUNC(int) PyType_IsSubtype(PyTypeObject* a, PyTypeObject* b);
static inline int PyObject_TypeCheck(PyObject* op, PyTypeObject* type) {
  return Py_IS_TYPE(op, type) || PyType_IsSubtype(Py_TYPE(op), type);
}
#define PyObject_TypeCheck(op, type) PyObject_TypeCheck(_PyObject_CAST(op), type)
/* tp_flags (limited-API builds, where PyTypeObject is opaque, read them with it). */
PyAPI_FUNC(unsigned long) PyType_GetFlags(PyTypeObject* type);
static inline int PyType_HasFeature(PyTypeObject* type, unsigned long feature) {
#ifdef Py_LIMITED_API
  return (PyType_GetFlags(type) & feature) != 0;
#else
  return (type->tp_flags & feature) != 0;
#endif
}
#define PyType_FastSubclass(type, flag) PyType_HasFeature(type, flag)
#define PyType_Check(op) PyObject_TypeCheck(op, &PyType_Type)
#define PyType_CheckExact(op) Py_IS_TYPE((op), &PyType_Type)

/* CPython 3.11's type_ready (runtime/type.cc describes the steps): tp_base (default
 * object), tp_bases, tp_mro (C3), the slots inherited as CPython inherits them, and tp_dict
 * filled with descriptors for tp_methods (METH_CLASS, METH_STATIC, METH_COEXIST honoured),
 * tp_members and tp_getset, plus __doc__. 0 on success, -1 with an exception set. Safe to
 * call from several threads at once. PyType_IsSubtype searches tp_mro. */
PyAPI_FUNC(int) PyType_Ready(PyTypeObject* type);
PyAPI_FUNC(PyObject*) PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t nitems);
PyAPI_FUNC(PyObject*) PyType_GenericNew(PyTypeObject* type, PyObject* args, PyObject* kwds);

#ifndef Py_LIMITED_API
/* The address of `obj`'s instance-dict slot (tp_dictoffset; negative offsets count from the
 * end of a variable-size object, as CPython's), or NULL if its type has none. */
PyAPI_FUNC(PyObject**) _PyObject_GetDictPtr(PyObject* obj);
#endif
/* CPython's _PyType_Lookup: `name` in the dicts of type's MRO (tp_mro), a borrowed
 * reference, or NULL with no exception set. Readies the type if needed. */
#ifndef Py_LIMITED_API
PyAPI_FUNC(PyObject*) _PyType_Lookup(PyTypeObject* type, PyObject* name);
#endif
/* Pinion keeps no method cache: a no-op, for code that changes tp_dict after PyType_Ready;
 * and ClearCache clears nothing (returns 0). */
PyAPI_FUNC(void) PyType_Modified(PyTypeObject* type);
PyAPI_FUNC(unsigned int) PyType_ClearCache(void);
/* The getter and setter of a __dict__ getset (PyGetSetDef) for types with a tp_dictoffset:
 * the instance dict, created on first use. AttributeError "This object has no __dict__"
 * for types without one; SetDict takes dicts only and refuses deletion (TypeError). */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030A0000
PyAPI_FUNC(PyObject*) PyObject_GenericGetDict(PyObject* o, void* context);
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(int) PyObject_GenericSetDict(PyObject* o, PyObject* value, void* context);
#endif

/* Rich comparison opcodes. */
#define Py_LT 0
#define Py_LE 1
#define Py_EQ 2
#define Py_NE 3
#define Py_GT 4
#define Py_GE 5

/* ---- Heap types (PyType_FromSpec and friends; runtime in runtime/heap_type.cc) -------------
 *
 * A heap type is a type object on the Pinion heap (Py_TPFLAGS_HEAPTYPE), laid out as
 * PyHeapTypeObject: its slot tables are its own (as_number...), and it holds references to
 * tp_dict, tp_bases, tp_mro, tp_base, its names and its module (ht_module), which PyType_Type's
 * tp_traverse reports, so heap types are collected when unreachable, cycles through their
 * module's state included. As in CPython, every instance owns a reference to its heap type:
 * allocating one (tp_alloc, PyObject_New, PyObject_GC_New) INCREFs the type, and the type's
 * default tp_dealloc (a type whose spec gives no Py_tp_dealloc) DECREFs it; an extension's own
 * tp_dealloc must Py_DECREF(Py_TYPE(self)) after tp_free, and its tp_traverse should
 * Py_VISIT(Py_TYPE(self)), as CPython 3.9+ documents. So a type lives at least as long as its
 * instances. Threads: any attached thread; a type must not be changed while others use it.
 */
#include "pinion_python/typeslots.h"

#define Py_TPFLAGS_DISALLOW_INSTANTIATION (1UL << 7)
#define Py_TPFLAGS_IMMUTABLETYPE (1UL << 8)

typedef struct {
  int slot;    /* a typeslots.h id; 0 ends the table */
  void* pfunc; /* the function (or data, for Py_tp_doc, Py_tp_methods...) */
} PyType_Slot;

typedef struct {
  const char* name; /* "module.Name": __module__ and __name__ */
  int basicsize;    /* 0: the base's */
  int itemsize;
  unsigned int flags;
  PyType_Slot* slots; /* terminated by slot==0 */
} PyType_Spec;

/* A new heap type (a new reference), or NULL with an exception set. `bases`: a type, a tuple
 * of types, or NULL (then the spec's Py_tp_bases, else its Py_tp_base, else object); the
 * instance layout comes from the first base with the most derived layout (TypeError "multiple
 * bases have instance lay-out conflict" if they disagree). `module` (may be NULL) becomes the
 * type's module (PyType_GetModule). Py_tp_doc and Py_tp_members are copied; the members
 * "__dictoffset__", "__weaklistoffset__" and "__vectorcalloffset__" (Py_ssize_t, READONLY)
 * set tp_dictoffset, tp_weaklistoffset and tp_vectorcall_offset, and the first two are not
 * attributes, as in 3.11. A base without Py_TPFLAGS_BASETYPE is a TypeError, a slot id out of
 * range a RuntimeError "invalid slot offset". The type is readied (PyType_Ready); without
 * Py_tp_new it is instantiable with its base's tp_new, unless the spec sets
 * Py_TPFLAGS_DISALLOW_INSTANTIATION. */
PyAPI_FUNC(PyObject*) PyType_FromSpec(PyType_Spec* spec);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
PyAPI_FUNC(PyObject*) PyType_FromSpecWithBases(PyType_Spec* spec, PyObject* bases);
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03090000
PyAPI_FUNC(PyObject*) PyType_FromModuleAndSpec(PyObject* module, PyType_Spec* spec,
                                               PyObject* bases);
#endif
/* The function (or pointer) in slot `slot` of any type, NULL if it is NULL (or its table is);
 * SystemError "bad argument to internal function" for an id that is not a typeslots.h id. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03040000
PyAPI_FUNC(void*) PyType_GetSlot(PyTypeObject* type, int slot);
#endif
/* __name__ and __qualname__ (new references): a heap type's names, or for a static type the
 * part of tp_name after its last dot. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030B0000
PyAPI_FUNC(PyObject*) PyType_GetName(PyTypeObject* type);
PyAPI_FUNC(PyObject*) PyType_GetQualName(PyTypeObject* type);
#endif
/* The module given to PyType_FromModuleAndSpec (borrowed); TypeError "PyType_GetModule: Type
 * 'X' is not a heap type" / "... has no associated module". GetModuleState: its state. */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03090000
PyAPI_FUNC(PyObject*) PyType_GetModule(PyTypeObject* type);
PyAPI_FUNC(void*) PyType_GetModuleState(PyTypeObject* type);
#endif
/* The module of the first heap type in type's MRO whose module was created from `def`
 * (borrowed); TypeError "PyType_GetModuleByDef: No superclass of 'X' has the given module". */
#ifndef Py_LIMITED_API
struct PyModuleDef;
PyAPI_FUNC(PyObject*) PyType_GetModuleByDef(PyTypeObject* type, struct PyModuleDef* def);

/* The layout of a heap type, as in CPython 3.11 (extensions may read ht_module, ht_name...;
 * prefer the PyType_Get* functions). Members copied from the spec follow it. */
typedef struct _heaptypeobject {
  PyTypeObject ht_type;
  PyAsyncMethods as_async;
  PyNumberMethods as_number;
  PyMappingMethods as_mapping;
  PySequenceMethods as_sequence;
  PyBufferProcs as_buffer;
  PyObject *ht_name, *ht_slots, *ht_qualname;
  void* ht_cached_keys; /* unused */
  PyObject* ht_module;
  char* _ht_tpname; /* tp_name's storage (inside the type object) */
  struct {
    PyObject* getitem;
  } _spec_cache; /* unused */
} PyHeapTypeObject;
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_OBJECT_H_ */
