/* The buffer protocol (CPython 3.11's pybuffer.h): Py_buffer, the PyBUF_* request flags and
 * the PyObject_GetBuffer / PyBuffer_* functions (runtime/buffer.cc). The exporter's table
 * (PyBufferProcs, getbufferproc, releasebufferproc) is in object.h, as in CPython.
 *
 * Py_buffer has CPython's field layout. A view holds a reference to its exporter in
 * view->obj: PyObject_GetBuffer (through the exporter's bf_getbuffer, typically
 * PyBuffer_FillInfo) takes it, PyBuffer_Release drops it. On Pinion that reference is a
 * pin, so the exporter (and view->buf, when it points into the exporter or memory it owns)
 * stays valid across any number of collections while the view is held, even when nothing
 * else reaches the exporter; after PyBuffer_Release the exporter is collected once
 * unreachable. The release may run on another attached thread than the one that took the
 * view (pins are counted across threads).
 *
 * Threads: any attached thread; a Py_buffer itself is not synchronised (one owner at a time).
 */
#ifndef PINION_PYTHON_PYBUFFER_H_
#define PINION_PYTHON_PYBUFFER_H_

_PyPinion_EXTERN_C_BEGIN

#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x030b0000

typedef struct {
  void* buf;
  PyObject* obj; /* the exporter: a pin (owned reference) while the view is held; or NULL */
  Py_ssize_t len;
  Py_ssize_t itemsize;
  int readonly;
  int ndim;
  char* format;
  Py_ssize_t* shape;
  Py_ssize_t* strides;
  Py_ssize_t* suboffsets;
  void* internal;
} Py_buffer;

/* 1 if obj's type exports buffers (tp_as_buffer->bf_getbuffer), else 0. */
PyAPI_FUNC(int) PyObject_CheckBuffer(PyObject* obj);
/* Fills *view from obj's bf_getbuffer; 0, or -1 with TypeError "a bytes-like object is
 * required, not 'T'" (no buffer) or the exporter's error (BufferError "Object is not
 * writable." for PyBUF_WRITABLE on a read-only one). */
PyAPI_FUNC(int) PyObject_GetBuffer(PyObject* obj, Py_buffer* view, int flags);
/* The address of the item at `indices` (view->ndim of them). */
PyAPI_FUNC(void*) PyBuffer_GetPointer(const Py_buffer* view, const Py_ssize_t* indices);
/* The item size a struct-module format describes (Pinion: single-item native formats such
 * as "B", "i", "d", "<q"; others ValueError); -1 with an exception on error. */
PyAPI_FUNC(Py_ssize_t) PyBuffer_SizeFromFormat(const char* format);
/* Copies len bytes between view and a contiguous buf, in order 'C', 'F' or 'A'. */
PyAPI_FUNC(int) PyBuffer_ToContiguous(void* buf, const Py_buffer* view, Py_ssize_t len,
                                      char order);
PyAPI_FUNC(int) PyBuffer_FromContiguous(const Py_buffer* view, const void* buf,
                                        Py_ssize_t len, char order);
/* Copies src's buffer into dest's (same length). */
PyAPI_FUNC(int) PyObject_CopyData(PyObject* dest, PyObject* src);
/* 1 if the view is contiguous in order 'C', 'F' or 'A' (either). */
PyAPI_FUNC(int) PyBuffer_IsContiguous(const Py_buffer* view, char fort);
/* Strides of a contiguous array of the given shape, in order 'F' or C otherwise. */
PyAPI_FUNC(void) PyBuffer_FillContiguousStrides(int ndims, Py_ssize_t* shape,
                                               Py_ssize_t* strides, int itemsize, char fort);
/* Fills *view with a one-dimensional byte buffer over buf[0..len) exported by o (may be
 * NULL), taking a reference to o; -1 with BufferError "Object is not writable." when a
 * writable buffer is asked of a read-only one, BufferError when view is NULL. */
PyAPI_FUNC(int) PyBuffer_FillInfo(Py_buffer* view, PyObject* o, void* buf, Py_ssize_t len,
                                  int readonly, int flags);
/* Calls the exporter's bf_releasebuffer and drops view->obj (the pin); NULL obj: nothing. */
PyAPI_FUNC(void) PyBuffer_Release(Py_buffer* view);

#define PyBUF_MAX_NDIM 64

#define PyBUF_SIMPLE 0
#define PyBUF_WRITABLE 0x0001
#ifndef Py_LIMITED_API
#define PyBUF_WRITEABLE PyBUF_WRITABLE
#endif
#define PyBUF_FORMAT 0x0004
#define PyBUF_ND 0x0008
#define PyBUF_STRIDES (0x0010 | PyBUF_ND)
#define PyBUF_C_CONTIGUOUS (0x0020 | PyBUF_STRIDES)
#define PyBUF_F_CONTIGUOUS (0x0040 | PyBUF_STRIDES)
#define PyBUF_ANY_CONTIGUOUS (0x0080 | PyBUF_STRIDES)
#define PyBUF_INDIRECT (0x0100 | PyBUF_STRIDES)
#define PyBUF_CONTIG (PyBUF_ND | PyBUF_WRITABLE)
#define PyBUF_CONTIG_RO (PyBUF_ND)
#define PyBUF_STRIDED (PyBUF_STRIDES | PyBUF_WRITABLE)
#define PyBUF_STRIDED_RO (PyBUF_STRIDES)
#define PyBUF_RECORDS (PyBUF_STRIDES | PyBUF_WRITABLE | PyBUF_FORMAT)
#define PyBUF_RECORDS_RO (PyBUF_STRIDES | PyBUF_FORMAT)
#define PyBUF_FULL (PyBUF_INDIRECT | PyBUF_WRITABLE | PyBUF_FORMAT)
#define PyBUF_FULL_RO (PyBUF_INDIRECT | PyBUF_FORMAT)

#define PyBUF_READ 0x100
#define PyBUF_WRITE 0x200

#endif /* !Py_LIMITED_API || Py_LIMITED_API >= 3.11 */

/* The old buffer API (CPython 3.11's abstract.h, deprecated since 3.0; in every limited
 * version): *buffer and *len of obj's simple buffer, taken and released at once (valid while obj lives and, for a
 * bytearray, keeps its size). 0, or -1 with PyObject_GetBuffer's TypeError
 * ("expected a writable bytes-like object" for AsWriteBuffer) or, for a NULL argument,
 * SystemError. CheckReadBuffer: 1 if obj exports a readable buffer, else 0 (no error). */
PyAPI_FUNC(int) PyObject_AsCharBuffer(PyObject* obj, const char** buffer, Py_ssize_t* len)
    Py_DEPRECATED(3.0);
PyAPI_FUNC(int) PyObject_AsReadBuffer(PyObject* obj, const void** buffer, Py_ssize_t* len)
    Py_DEPRECATED(3.0);
PyAPI_FUNC(int) PyObject_AsWriteBuffer(PyObject* obj, void** buffer, Py_ssize_t* len)
    Py_DEPRECATED(3.0);
PyAPI_FUNC(int) PyObject_CheckReadBuffer(PyObject* obj) Py_DEPRECATED(3.0);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYBUFFER_H_ */
