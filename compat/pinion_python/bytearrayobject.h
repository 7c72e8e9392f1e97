/* bytearray (CPython 3.11's bytearrayobject.h and cpython/bytearrayobject.h):
 * PyByteArray_Type and the PyByteArray_* API (runtime/bytearray.cc).
 *
 * A bytearray owns a PyMem_Malloc'd block (ob_bytes, NUL-terminated; ob_start == ob_bytes)
 * freed when the object is deallocated. It exports writable buffers (bf_getbuffer /
 * bf_releasebuffer count ob_exports); while any is held a view pins the bytearray (see
 * pybuffer.h) and resizing is refused with BufferError "Existing exports of data: object
 * cannot be re-sized", so view->buf stays valid.
 *
 * Threads: any attached thread. Like free-threaded CPython's, a bytearray mutated by one
 * thread while another reads or resizes it needs the caller's own lock; ob_exports is
 * counted atomically so views may be taken and released from several threads.
 */
#ifndef PINION_PYTHON_BYTEARRAYOBJECT_H_
#define PINION_PYTHON_BYTEARRAYOBJECT_H_

_PyPinion_EXTERN_C_BEGIN

PyAPI_DATA(PyTypeObject) PyByteArray_Type;

#define PyByteArray_Check(self) PyObject_TypeCheck(self, &PyByteArray_Type)
#define PyByteArray_CheckExact(self) Py_IS_TYPE(self, &PyByteArray_Type)

/* bytearray(o): from a buffer, an int (that many zeros) or an iterable of ints in
 * range(0, 256); TypeError "cannot convert 'T' object to bytearray" otherwise. */
PyAPI_FUNC(PyObject*) PyByteArray_FromObject(PyObject* o);
/* a + b for two buffers: TypeError "can't concat T to U" otherwise. */
PyAPI_FUNC(PyObject*) PyByteArray_Concat(PyObject* a, PyObject* b);
/* A bytearray of `len` bytes copied from `v`, or zeroed when v is NULL; SystemError
 * "Negative size passed to PyByteArray_FromStringAndSize" for len < 0. */
PyAPI_FUNC(PyObject*) PyByteArray_FromStringAndSize(const char* v, Py_ssize_t len);
PyAPI_FUNC(Py_ssize_t) PyByteArray_Size(PyObject* self);
/* The contents (NUL-terminated, owned by the object; valid until it is resized). */
PyAPI_FUNC(char*) PyByteArray_AsString(PyObject* self);
/* 0, or -1 with BufferError while buffers are exported (and the size changes). */
PyAPI_FUNC(int) PyByteArray_Resize(PyObject* self, Py_ssize_t len);

#ifndef Py_LIMITED_API
typedef struct {
  PyObject_VAR_HEAD
  Py_ssize_t ob_alloc; /* bytes allocated at ob_bytes */
  char* ob_bytes;      /* PyMem_Malloc'd, NUL-terminated; NULL when empty */
  char* ob_start;      /* == ob_bytes (Pinion never trims the front in place) */
  Py_ssize_t ob_exports; /* buffers exported (atomic) */
} PyByteArrayObject;

PyAPI_DATA(char) _PyByteArray_empty_string[];

static inline char* PyByteArray_AS_STRING(PyObject* op) {
  PyByteArrayObject* self = (PyByteArrayObject*)op;
  if (Py_SIZE(self)) return self->ob_start;
  return _PyByteArray_empty_string;
}
#define PyByteArray_AS_STRING(self) PyByteArray_AS_STRING(_PyObject_CAST(self))

static inline Py_ssize_t PyByteArray_GET_SIZE(PyObject* op) { return Py_SIZE(op); }
#define PyByteArray_GET_SIZE(self) PyByteArray_GET_SIZE(_PyObject_CAST(self))
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_BYTEARRAYOBJECT_H_ */
