/* memoryview (CPython 3.11's memoryobject.h): PyMemoryView_Type and the PyMemoryView_*
 * API (runtime/memoryview.cc).
 *
 * A memoryview holds one Py_buffer (`view`), taken from its base with PyObject_GetBuffer, so
 * it pins the base (pybuffer.h) until released (release(), or when the memoryview is
 * deallocated). Item access, len and tolist() support one-dimensional views of format 'B'
 * (and every view's raw bytes through tobytes() and the buffer protocol).
 *
 * Where Pinion differs: there is no managed buffer (mbuf is NULL), so a memoryview of a
 * memoryview takes its own export from the underlying exporter (whose bf_getbuffer runs
 * again; CPython's share one); item access beyond one-dimensional 'B' views raises
 * NotImplementedError; a memoryview is not traversed, so a base that references a memoryview
 * of itself stays alive until the memoryview is released.
 *
 * Threads: any attached thread; release() races with concurrent use as in free-threaded
 * CPython (the caller's lock).
 */
#ifndef PINION_PYTHON_MEMORYOBJECT_H_
#define PINION_PYTHON_MEMORYOBJECT_H_

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PyMemoryView_Type;

#define PyMemoryView_Check(op) Py_IS_TYPE(op, &PyMemoryView_Type)

#ifndef Py_LIMITED_API
#define PyMemoryView_GET_BUFFER(op) (&((PyMemoryViewObject*)(op))->view)
#define PyMemoryView_GET_BASE(op) (((PyMemoryViewObject*)(op))->view.obj)
#endif

/* memoryview(base): TypeError "memoryview: a bytes-like object is required, not 'T'". */
PyAPI_FUNC(PyObject*) PyMemoryView_FromObject(PyObject* base);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
/* A view of size bytes at mem (flags PyBUF_READ or PyBUF_WRITE); no base. */
PyAPI_FUNC(PyObject*) PyMemoryView_FromMemory(char* mem, Py_ssize_t size, int flags);
#endif
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030b0000
/* A view described by *info (copied; info->obj is not referenced); ValueError when
 * info->buf is NULL. */
PyAPI_FUNC(PyObject*) PyMemoryView_FromBuffer(const Py_buffer* info);
#endif
/* A memoryview of base contiguous in order 'C', 'F' or 'A': base's own, or (buffertype
 * PyBUF_READ) a copy; BufferError for PyBUF_WRITE on a non-contiguous base. */
PyAPI_FUNC(PyObject*) PyMemoryView_GetContiguous(PyObject* base, int buffertype, char order);

#ifndef Py_LIMITED_API
#define _Py_MANAGED_BUFFER_RELEASED 0x001
#define _Py_MANAGED_BUFFER_FREE_FORMAT 0x002
typedef struct {
  PyObject_HEAD
  int flags;
  Py_ssize_t exports;
  Py_buffer master;
} _PyManagedBufferObject; /* declared for layout; Pinion creates none */

#define _Py_MEMORYVIEW_RELEASED 0x001
#define _Py_MEMORYVIEW_C 0x002
#define _Py_MEMORYVIEW_FORTRAN 0x004
#define _Py_MEMORYVIEW_SCALAR 0x008
#define _Py_MEMORYVIEW_PIL 0x010

typedef struct {
  PyObject_VAR_HEAD
  _PyManagedBufferObject* mbuf; /* NULL (Pinion) */
  Py_hash_t hash;
  int flags;                    /* _Py_MEMORYVIEW_* */
  Py_ssize_t exports;           /* buffers re-exported (atomic) */
  Py_buffer view;               /* the view of the base: view.obj is pinned */
  PyObject* weakreflist;
  Py_ssize_t ob_array[1];       /* shape, strides, suboffsets, then the format string */
} PyMemoryViewObject;
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_MEMORYOBJECT_H_ */
