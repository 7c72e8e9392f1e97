/* Object allocation and the GC-type API.
 *
 * Every object comes from the Pinion heap of the calling thread, zeroed, and is returned as
 * a new reference (pinned once). Memory is never returned by hand: tp_free (PyObject_Del,
 * PyObject_GC_Del, PyObject_Free on an object) only marks the object dead — a second call is
 * reported (kDoubleFree) — and the collector reclaims it once it is unreachable.
 *
 * When the collector finds an object unreachable (no pins from outside the heap, no path
 * from a live object), the runtime runs, on an attached mutator at a safepoint (never on a
 * collector thread), PEP 442's protocol: tp_finalize once (the object and everything it
 * references are intact; it may resurrect the object), then — at the next collection that
 * still finds it unreachable, so resurrection is seen — tp_clear (for a tracked GC object)
 * and then tp_dealloc, which release its references with Py_DECREF; tp_dealloc calls
 * tp_free. Deallocation never recurses (Py_DECREF frees nothing), and an object's memory
 * outlives everything that still reaches it: a tp_dealloc may find the peers of its cycle
 * already cleared or deallocated (as CPython's cleared cyclic garbage), never freed. While no
 * readied type has a tp_finalize, tp_dealloc runs at the first finding. Objects of types with
 * no tp_dealloc of their own, no tp_finalize and no tp_traverse are not registered at all and
 * cost the collector nothing. A type with tp_traverse must be allocated with
 * PyObject_GC_New/NewVar (or tp_alloc with Py_TPFLAGS_HAVE_GC); tracked objects' tp_traverse is
 * their trace function.
 *
 * PyObject_Malloc/Realloc/Free on memory that is not an object, and PyMem_*, are malloc,
 * realloc and free.
 */
#ifndef PINION_PYTHON_OBJIMPL_H_
#define PINION_PYTHON_OBJIMPL_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

PyAPI_FUNC(PyObject*) _PyObject_New(PyTypeObject* type);
PyAPI_FUNC(PyVarObject*) _PyObject_NewVar(PyTypeObject* type, Py_ssize_t nitems);
PyAPI_FUNC(PyObject*) _PyObject_GC_New(PyTypeObject* type);
PyAPI_FUNC(PyVarObject*) _PyObject_GC_NewVar(PyTypeObject* type, Py_ssize_t nitems);
#define PyObject_New(T, type) ((T*)_PyObject_New(type))
#define PyObject_NewVar(T, type, n) ((T*)_PyObject_NewVar((type), (n)))
#define PyObject_GC_New(T, type) ((T*)_PyObject_GC_New(type))
#define PyObject_GC_NewVar(T, type, n) ((T*)_PyObject_GC_NewVar((type), (n)))

/* Initialise memory from the heap as an object of `type` (as PyObject_New does). */
PyAPI_FUNC(PyObject*) PyObject_Init(PyObject* op, PyTypeObject* type);
PyAPI_FUNC(PyVarObject*) PyObject_InitVar(PyVarObject* op, PyTypeObject* type, Py_ssize_t size);

/* tp_free for non-GC and GC objects; on memory that is not an object, free(). */
PyAPI_FUNC(void) PyObject_Free(void* p);
PyAPI_FUNC(void) PyObject_GC_Del(void* op);
#define PyObject_Del PyObject_Free
/* The old upper-case spellings, which CPython 3.11 still defines. */
#define PyObject_NEW(T, type) PyObject_New(T, type)
#define PyObject_NEW_VAR(T, type, n) PyObject_NewVar(T, type, n)
#define PyObject_DEL PyObject_Free
#define PyObject_INIT(op, type) PyObject_Init(_PyObject_CAST(op), (type))
#define PyObject_INIT_VAR(op, type, size) PyObject_InitVar((PyVarObject*)(op), (type), (size))
#define PyObject_DEL PyObject_Free
PyAPI_FUNC(void*) PyObject_Malloc(size_t size);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(void*) PyObject_Calloc(size_t n, size_t size);
#endif
PyAPI_FUNC(void*) PyObject_Realloc(void* p, size_t size);
PyAPI_FUNC(void*) PyMem_Malloc(size_t size);
PyAPI_FUNC(void*) PyMem_Calloc(size_t n, size_t size);
PyAPI_FUNC(void*) PyMem_Realloc(void* p, size_t size);
PyAPI_FUNC(void) PyMem_Free(void* p);
#define PyMem_New(T, n) ((T*)PyMem_Malloc((n) * sizeof(T)))
#define PyMem_Del PyMem_Free

/* Tracking: a tracked GC object's tp_traverse is called by the collector (in a pause) and
 * the references it reports are subtracted from their pin counts. Track it once its fields
 * are valid for tp_traverse; untrack it when they stop being (typically first in
 * tp_dealloc). An untracked object's references stay ordinary pins: roots. */
PyAPI_FUNC(void) PyObject_GC_Track(void* op);
PyAPI_FUNC(void) PyObject_GC_UnTrack(void* op);
PyAPI_FUNC(int) PyObject_GC_IsTracked(PyObject* op);
PyAPI_FUNC(int) PyObject_GC_IsFinalized(PyObject* op);
#ifndef Py_LIMITED_API
PyAPI_FUNC(int) PyObject_IS_GC(PyObject* op);
#define _PyObject_GC_TRACK PyObject_GC_Track
#define _PyObject_GC_UNTRACK PyObject_GC_UnTrack
#endif /* !Py_LIMITED_API */

#define Py_VISIT(op)                                          \
  do {                                                        \
    if (op) {                                                 \
      int _vret = visit(_PyObject_CAST(op), arg);             \
      if (_vret) return _vret;                                \
    }                                                         \
  } while (0)

/* Collections are the collector's; dealloc recursion does not exist (Py_DECREF frees
 * nothing), so the trashcan only opens and closes a block, as CPython's does around the
 * code between BEGIN and END. The SAFE forms are CPython 3.11's deprecated aliases. */
#ifndef Py_LIMITED_API
#define Py_TRASHCAN_BEGIN(op, dealloc) do {
#define Py_TRASHCAN_END } while (0);
Py_DEPRECATED(3.11) typedef int UsingDeprecatedTrashcanMacro; /* warns as CPython's do */
#define Py_TRASHCAN_SAFE_BEGIN(op)       \
  do {                                   \
    UsingDeprecatedTrashcanMacro cond = 1; \
    (void)cond;
#define Py_TRASHCAN_SAFE_END(op) \
  }                              \
  while (0);
#endif /* !Py_LIMITED_API */

/* gc.collect(): a full collection, then the finalizers it queued, on this thread. Returns
 * how many finalizer calls ran. On a concurrent heap (PINION_MODE=concurrent) too it stops
 * the world for its marking: only such collections collect cycles of extension objects. */
PyAPI_FUNC(Py_ssize_t) PyGC_Collect(void);
#ifndef Py_LIMITED_API
/* Pinion's addition: a collection in the heap's own mode, then the finalizers it queued. On a
 * concurrent heap it marks while other threads run (two short pauses) and frees garbage that
 * no cycle keeps: objects whose pins all fell to zero (a cycle among extension objects waits
 * for a stop-the-world collection: PyGC_Collect, or the heap limit). On a stop-the-world heap
 * it is PyGC_Collect. */
PyAPI_FUNC(Py_ssize_t) _PyPinion_GC_CollectInMode(void);
#endif
/* gc.enable()/gc.disable()/gc.isenabled(): Enable and Disable return the previous state (1
 * enabled). Where Pinion differs: in CPython disabling stops only the cycle collector, and
 * reference counting still frees the rest; in Pinion tracing collections are the only way
 * memory is reclaimed, so they keep running when disabled: the state is only recorded (for
 * code that saves and restores it). PyGC_Collect still collects when disabled, as in CPython. */
PyAPI_FUNC(int) PyGC_Enable(void);
PyAPI_FUNC(int) PyGC_Disable(void);
PyAPI_FUNC(int) PyGC_IsEnabled(void);

/* Whether instances of type `t` are GC objects (Py_TPFLAGS_HAVE_GC). */
#define PyType_IS_GC(t) PyType_HasFeature((t), Py_TPFLAGS_HAVE_GC)

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_OBJIMPL_H_ */
