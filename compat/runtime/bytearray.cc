// bytearray: PyByteArray_Type and the PyByteArray_* API (bytearrayobject.h).
//
// Owns: each bytearray's block ob_bytes (PyMem_Malloc'd, size + 1 bytes with a NUL,
// ob_start == ob_bytes), freed by tp_dealloc; the export count ob_exports.
//
// Invariants: while ob_exports > 0 the block is never reallocated (PyByteArray_Resize
// refuses a change of size with BufferError), so a view's buf stays valid; the view pins the
// bytearray (pybuffer.h), so it is not deallocated under the view either. ob_exports is
// changed with acq_rel atomics and read with acquire: a resize on one thread sees an export
// taken on another before it, and the count itself never tears.
//
// Threads: any attached thread; concurrent mutation of one bytearray needs the caller's
// lock (as in free-threaded CPython); taking and releasing views is safe from any thread.
#include <cstring>
#include <string>

#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"

extern "C" {
char _PyByteArray_empty_string[] = "";
}

namespace pinion::compat {
namespace {

PyByteArrayObject* AsByteArray(PyObject* op) { return reinterpret_cast<PyByteArrayObject*>(op); }

Py_ssize_t Exports(PyObject* op) {
  return __atomic_load_n(&AsByteArray(op)->ob_exports, __ATOMIC_ACQUIRE);
}

bool Check(PyObject* op) {
  if (op != nullptr && PyByteArray_Check(op)) return true;
  PyErr_BadInternalCall();
  return false;
}

// (Re)allocates the block for `size` bytes; the caller checked exports.
int SetSize(PyObject* self, Py_ssize_t size) {
  PyByteArrayObject* b = AsByteArray(self);
  if (size + 1 > b->ob_alloc || size + 1 < b->ob_alloc / 2) {
    char* block = static_cast<char*>(PyMem_Realloc(b->ob_bytes, static_cast<size_t>(size) + 1));
    if (block == nullptr) {
      PyErr_NoMemory();
      return -1;
    }
    b->ob_bytes = block;
    b->ob_start = block;
    b->ob_alloc = size + 1;
  }
  b->ob_bytes[size] = '\0';
  Py_SET_SIZE(self, size);
  return 0;
}

void ByteArrayDealloc(PyObject* self) {
  PyMem_Free(AsByteArray(self)->ob_bytes);
  Py_TYPE(self)->tp_free(self);
}

PyObject* ByteArrayRepr(PyObject* self) {
  PyObject* bytes = PyBytes_FromStringAndSize(PyByteArray_AS_STRING(self), Py_SIZE(self));
  if (bytes == nullptr) return nullptr;
  PyObject* inner = PyObject_Repr(bytes);
  Py_DECREF(bytes);
  if (inner == nullptr) return nullptr;
  PyObject* repr = PyUnicode_FromFormat("%s(%U)", Py_TYPE(self)->tp_name, inner);
  Py_DECREF(inner);
  return repr;
}

// Writable views over the block; each counts as an export until released.
int ByteArrayGetBuffer(PyObject* self, Py_buffer* view, int flags) {
  if (view == nullptr) {
    PyErr_SetString(PyExc_BufferError, "bytearray_getbuffer: view==NULL argument is obsolete");
    return -1;
  }
  if (PyBuffer_FillInfo(view, self, PyByteArray_AS_STRING(self), Py_SIZE(self), 0, flags) < 0) {
    return -1;
  }
  __atomic_fetch_add(&AsByteArray(self)->ob_exports, 1, __ATOMIC_ACQ_REL);
  return 0;
}

void ByteArrayReleaseBuffer(PyObject* self, Py_buffer*) {
  __atomic_fetch_sub(&AsByteArray(self)->ob_exports, 1, __ATOMIC_ACQ_REL);
}

Py_ssize_t ByteArrayLength(PyObject* self) { return Py_SIZE(self); }

PyObject* ByteArrayItem(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= Py_SIZE(self)) {
    PyErr_SetString(PyExc_IndexError, "bytearray index out of range");
    return nullptr;
  }
  return PyLong_FromLong(static_cast<unsigned char>(PyByteArray_AS_STRING(self)[i]));
}

int ByteArrayAssItem(PyObject* self, Py_ssize_t i, PyObject* value) {
  if (i < 0 || i >= Py_SIZE(self)) {
    PyErr_SetString(PyExc_IndexError, "bytearray index out of range");
    return -1;
  }
  if (value == nullptr) {
    PyErr_SetString(PyExc_TypeError, "Pinion: deleting bytearray items is not supported");
    return -1;
  }
  const Py_ssize_t v = PyNumber_AsSsize_t(value, nullptr);
  if (v == -1 && PyErr_Occurred()) return -1;
  if (v < 0 || v > 255) {
    PyErr_SetString(PyExc_ValueError, "byte must be in range(0, 256)");
    return -1;
  }
  PyByteArray_AS_STRING(self)[i] = static_cast<char>(v);
  return 0;
}

PyObject* ByteArraySubscript(PyObject* self, PyObject* index) {
  if (!PyIndex_Check(index)) {
    return PyErr_Format(PyExc_TypeError, "bytearray indices must be integers or slices, not %.200s",
                        Py_TYPE(index)->tp_name);
  }
  Py_ssize_t i = PyNumber_AsSsize_t(index, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return nullptr;
  if (i < 0) i += Py_SIZE(self);
  return ByteArrayItem(self, i);
}

int ByteArrayAssSubscript(PyObject* self, PyObject* index, PyObject* value) {
  if (!PyIndex_Check(index)) {
    PyErr_Format(PyExc_TypeError, "bytearray indices must be integers or slices, not %.200s",
                 Py_TYPE(index)->tp_name);
    return -1;
  }
  Py_ssize_t i = PyNumber_AsSsize_t(index, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return -1;
  if (i < 0) i += Py_SIZE(self);
  return ByteArrayAssItem(self, i, value);
}

int ByteArrayContains(PyObject* self, PyObject* value) {
  const Py_ssize_t v = PyNumber_AsSsize_t(value, nullptr);
  if (v == -1 && PyErr_Occurred()) return -1;
  if (v < 0 || v > 255) {
    PyErr_SetString(PyExc_ValueError, "byte must be in range(0, 256)");
    return -1;
  }
  return std::memchr(PyByteArray_AS_STRING(self), static_cast<int>(v),
                     static_cast<size_t>(Py_SIZE(self))) != nullptr;
}

// == and != with any buffer (CPython compares bytearray with bytes-like objects); ordering
// of byte strings too.
PyObject* ByteArrayRichCompare(PyObject* self, PyObject* other, int op) {
  if (!PyObject_CheckBuffer(self) || !PyObject_CheckBuffer(other) || PyUnicode_Check(other)) {
    return Py_NewRef(Py_NotImplemented);
  }
  Py_buffer a, b;
  if (PyObject_GetBuffer(self, &a, PyBUF_SIMPLE) < 0) return nullptr;
  if (PyObject_GetBuffer(other, &b, PyBUF_SIMPLE) < 0) {
    PyBuffer_Release(&a);
    return nullptr;
  }
  const std::string_view x(static_cast<char*>(a.buf), a.len), y(static_cast<char*>(b.buf), b.len);
  const int c = x.compare(y);
  PyBuffer_Release(&b);
  PyBuffer_Release(&a);
  Py_RETURN_RICHCOMPARE(c, 0, op);
}

PyObject* ByteArrayConcat(PyObject* a, PyObject* b) { return PyByteArray_Concat(a, b); }

PyObject* ByteArrayNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    PyErr_SetString(PyExc_TypeError, "Pinion: bytearray() takes no keyword arguments");
    return nullptr;
  }
  if (type != &PyByteArray_Type) {
    PyErr_SetString(PyExc_TypeError, "Pinion: bytearray cannot be subclassed");
    return nullptr;
  }
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  if (nargs > 1) {
    PyErr_SetString(PyExc_TypeError, "Pinion: bytearray() takes at most 1 argument");
    return nullptr;
  }
  if (nargs == 0) return PyByteArray_FromStringAndSize(nullptr, 0);
  return PyByteArray_FromObject(PyTuple_GET_ITEM(args, 0));
}

PySequenceMethods kByteArrayAsSequence = {
    .sq_length = &ByteArrayLength,
    .sq_concat = &ByteArrayConcat,
    .sq_item = &ByteArrayItem,
    .sq_ass_item = &ByteArrayAssItem,
    .sq_contains = &ByteArrayContains,
};

PyMappingMethods kByteArrayAsMapping = {
    .mp_length = &ByteArrayLength,
    .mp_subscript = &ByteArraySubscript,
    .mp_ass_subscript = &ByteArrayAssSubscript,
};

PyBufferProcs kByteArrayAsBuffer = {
    .bf_getbuffer = &ByteArrayGetBuffer,
    .bf_releasebuffer = &ByteArrayReleaseBuffer,
};

}  // namespace
}  // namespace pinion::compat

PyTypeObject PyByteArray_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "bytearray",
    .tp_basicsize = sizeof(PyByteArrayObject),
    .tp_dealloc = &pinion::compat::ByteArrayDealloc,
    .tp_repr = &pinion::compat::ByteArrayRepr,
    .tp_as_sequence = &pinion::compat::kByteArrayAsSequence,
    .tp_as_mapping = &pinion::compat::kByteArrayAsMapping,
    .tp_hash = &PyObject_HashNotImplemented,
    .tp_as_buffer = &pinion::compat::kByteArrayAsBuffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_SEQUENCE,
    .tp_doc = "bytearray: a mutable sequence of bytes",
    .tp_richcompare = &pinion::compat::ByteArrayRichCompare,
    .tp_methods = pinion::compat::g_bytearray_methods,
    .tp_new = &pinion::compat::ByteArrayNew,
};

extern "C" PyObject* PyByteArray_FromStringAndSize(const char* v, Py_ssize_t len) {
  if (len < 0) {
    PyErr_SetString(PyExc_SystemError, "Negative size passed to PyByteArray_FromStringAndSize");
    return nullptr;
  }
  PyObject* op = pinion::compat::AllocObject(&PyByteArray_Type, sizeof(PyByteArrayObject),
                                             /*gc=*/false);
  if (op == nullptr) return nullptr;
  PyByteArrayObject* b = pinion::compat::AsByteArray(op);
  b->ob_alloc = 0;
  b->ob_bytes = nullptr;
  b->ob_start = nullptr;
  b->ob_exports = 0;
  Py_SET_SIZE(op, 0);
  if (len > 0 || v != nullptr) {
    if (pinion::compat::SetSize(op, len) < 0) {
      Py_DECREF(op);
      return nullptr;
    }
    if (v != nullptr) {
      std::memcpy(b->ob_bytes, v, static_cast<size_t>(len));
    } else {
      std::memset(b->ob_bytes, 0, static_cast<size_t>(len));
    }
  }
  return op;
}

extern "C" PyObject* PyByteArray_FromObject(PyObject* o) {
  if (o == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (PyObject_CheckBuffer(o)) {
    Py_buffer view;
    if (PyObject_GetBuffer(o, &view, PyBUF_FULL_RO) < 0) return nullptr;
    PyObject* result = PyByteArray_FromStringAndSize(nullptr, view.len);
    if (result != nullptr &&
        PyBuffer_ToContiguous(PyByteArray_AS_STRING(result), &view, view.len, 'C') < 0) {
      Py_CLEAR(result);
    }
    PyBuffer_Release(&view);
    return result;
  }
  if (PyUnicode_Check(o)) {
    PyErr_SetString(PyExc_TypeError, "string argument without an encoding");
    return nullptr;
  }
  if (PyIndex_Check(o)) {
    const Py_ssize_t n = PyNumber_AsSsize_t(o, PyExc_OverflowError);
    if (n == -1 && PyErr_Occurred()) return nullptr;
    if (n < 0) {
      PyErr_SetString(PyExc_ValueError, "negative count");
      return nullptr;
    }
    return PyByteArray_FromStringAndSize(nullptr, n);
  }
  PyObject* iterator = PyObject_GetIter(o);
  if (iterator == nullptr) {
    if (PyErr_ExceptionMatches(PyExc_TypeError)) {
      PyErr_Format(PyExc_TypeError, "cannot convert '%.200s' object to bytearray",
                   Py_TYPE(o)->tp_name);
    }
    return nullptr;
  }
  std::string bytes;
  PyObject* item;
  while ((item = PyIter_Next(iterator)) != nullptr) {
    const Py_ssize_t v = PyNumber_AsSsize_t(item, nullptr);
    Py_DECREF(item);
    if (v == -1 && PyErr_Occurred()) break;
    if (v < 0 || v > 255) {
      PyErr_SetString(PyExc_ValueError, "byte must be in range(0, 256)");
      break;
    }
    bytes += static_cast<char>(v);
  }
  Py_DECREF(iterator);
  if (PyErr_Occurred()) return nullptr;
  return PyByteArray_FromStringAndSize(bytes.data(), static_cast<Py_ssize_t>(bytes.size()));
}

extern "C" PyObject* PyByteArray_Concat(PyObject* a, PyObject* b) {
  Py_buffer va, vb;
  if (PyObject_GetBuffer(a, &va, PyBUF_SIMPLE) != 0 ||
      (PyObject_GetBuffer(b, &vb, PyBUF_SIMPLE) != 0 && (PyBuffer_Release(&va), true))) {
    PyErr_Format(PyExc_TypeError, "can't concat %.100s to %.100s", Py_TYPE(b)->tp_name,
                 Py_TYPE(a)->tp_name);
    return nullptr;
  }
  PyObject* result = PyByteArray_FromStringAndSize(nullptr, va.len + vb.len);
  if (result != nullptr) {
    std::memcpy(PyByteArray_AS_STRING(result), va.buf, static_cast<size_t>(va.len));
    std::memcpy(PyByteArray_AS_STRING(result) + va.len, vb.buf, static_cast<size_t>(vb.len));
  }
  PyBuffer_Release(&vb);
  PyBuffer_Release(&va);
  return result;
}

extern "C" Py_ssize_t PyByteArray_Size(PyObject* self) {
  if (!pinion::compat::Check(self)) return -1;
  return Py_SIZE(self);
}

extern "C" char* PyByteArray_AsString(PyObject* self) {
  if (!pinion::compat::Check(self)) return nullptr;
  return PyByteArray_AS_STRING(self);
}

extern "C" int PyByteArray_Resize(PyObject* self, Py_ssize_t len) {
  if (!pinion::compat::Check(self)) return -1;
  if (len < 0) {
    PyErr_Format(PyExc_ValueError, "Can only resize to positive sizes, got %zd", len);
    return -1;
  }
  if (len == Py_SIZE(self)) return 0;
  if (pinion::compat::Exports(self) > 0) {
    PyErr_SetString(PyExc_BufferError, "Existing exports of data: object cannot be re-sized");
    return -1;
  }
  return pinion::compat::SetSize(self, len);
}
