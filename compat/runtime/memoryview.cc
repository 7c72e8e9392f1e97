// memoryview: PyMemoryView_Type and the PyMemoryView_* API (memoryobject.h).
//
// Owns: each memoryview's copy of its view (shape, strides, suboffsets and the format string
// live in ob_array, inside the object), the pin on view.obj taken by PyObject_GetBuffer, and
// the count of buffers the memoryview re-exports.
//
// Invariants: until released, view.obj (the base, or NULL for FromMemory/FromBuffer) is
// pinned by the view, so view.buf stays valid; release() drops it once, refused while the
// memoryview re-exports buffers (exports > 0, changed with acq_rel atomics so a release on
// one thread sees an export taken on another). A released memoryview refuses every access
// with ValueError.
//
// Threads: any attached thread; concurrent release() and use of one memoryview need the
// caller's lock, as in free-threaded CPython.
#include <cstring>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

PyMemoryViewObject* AsView(PyObject* op) { return reinterpret_cast<PyMemoryViewObject*>(op); }

bool Released(PyObject* self) {
  if ((AsView(self)->flags & _Py_MEMORYVIEW_RELEASED) == 0) return false;
  PyErr_SetString(PyExc_ValueError, "operation forbidden on released memoryview object");
  return true;
}

// A memoryview holding a copy of `src` (format, shape, strides, suboffsets copied inside);
// view.obj is src->obj, whose pin the new object takes over. nullptr on failure (the
// caller still owns src's pin then).
PyObject* FromView(const Py_buffer* src) {
  const int ndim = src->ndim;
  const char* format = src->format != nullptr ? src->format : "B";
  const size_t format_size = std::strlen(format) + 1;
  const size_t words = 3 * static_cast<size_t>(ndim) + (format_size + 7) / 8;
  const size_t size = offsetof(PyMemoryViewObject, ob_array) + std::max<size_t>(words, 1) * 8;
  PyObject* op = AllocObject(&PyMemoryView_Type, size, /*gc=*/false);
  if (op == nullptr) return nullptr;
  PyMemoryViewObject* mv = AsView(op);
  Py_SET_SIZE(op, static_cast<Py_ssize_t>(words));
  mv->mbuf = nullptr;
  mv->hash = -1;
  mv->flags = 0;
  mv->exports = 0;
  mv->weakreflist = nullptr;
  mv->view = *src;
  Py_buffer& v = mv->view;
  Py_ssize_t* shape = mv->ob_array;
  Py_ssize_t* strides = shape + ndim;
  Py_ssize_t* suboffsets = strides + ndim;
  char* format_copy = reinterpret_cast<char*>(suboffsets + ndim);
  std::memcpy(format_copy, format, format_size);
  v.format = format_copy;
  if (ndim >= 1) {
    for (int i = 0; i < ndim; ++i) {
      shape[i] = src->shape != nullptr ? src->shape[i]
                                       : src->len / std::max<Py_ssize_t>(src->itemsize, 1);
    }
    if (src->strides != nullptr) {
      std::memcpy(strides, src->strides, sizeof(Py_ssize_t) * ndim);
    } else {
      PyBuffer_FillContiguousStrides(ndim, shape, strides, static_cast<int>(src->itemsize), 'C');
    }
    v.shape = shape;
    v.strides = strides;
    if (src->suboffsets != nullptr) {
      std::memcpy(suboffsets, src->suboffsets, sizeof(Py_ssize_t) * ndim);
      v.suboffsets = suboffsets;
    }
  } else {
    v.shape = nullptr;
    v.strides = nullptr;
    v.suboffsets = nullptr;
  }
  if (ndim == 0) mv->flags |= _Py_MEMORYVIEW_SCALAR;
  if (PyBuffer_IsContiguous(&v, 'C')) mv->flags |= _Py_MEMORYVIEW_C;
  if (PyBuffer_IsContiguous(&v, 'F')) mv->flags |= _Py_MEMORYVIEW_FORTRAN;
  return op;
}

void MemoryViewDealloc(PyObject* self) {
  if ((AsView(self)->flags & _Py_MEMORYVIEW_RELEASED) == 0) PyBuffer_Release(&AsView(self)->view);
  Py_TYPE(self)->tp_free(self);
}

PyObject* MemoryViewRepr(PyObject* self) {
  const bool released = (AsView(self)->flags & _Py_MEMORYVIEW_RELEASED) != 0;
  return PyUnicode_FromFormat(released ? "<released memory at %p>" : "<memory at %p>", self);
}

int MemoryViewGetBuffer(PyObject* self, Py_buffer* out, int flags) {
  if (Released(self)) return -1;
  const Py_buffer& v = AsView(self)->view;
  if ((flags & PyBUF_WRITABLE) && v.readonly) {
    PyErr_SetString(PyExc_BufferError, "memoryview: underlying buffer is not writable");
    return -1;
  }
  *out = v;
  if ((flags & PyBUF_FORMAT) == 0) out->format = nullptr;
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES) {
    if (!PyBuffer_IsContiguous(&v, 'C')) {
      PyErr_SetString(PyExc_BufferError, "memoryview: underlying buffer is not C-contiguous");
      return -1;
    }
    out->strides = nullptr;
  }
  if ((flags & PyBUF_ND) != PyBUF_ND) out->shape = nullptr;
  out->obj = Py_NewRef(self);  // the re-export pins this memoryview (and so its base)
  __atomic_fetch_add(&AsView(self)->exports, 1, __ATOMIC_ACQ_REL);
  return 0;
}

void MemoryViewReleaseBuffer(PyObject* self, Py_buffer*) {
  __atomic_fetch_sub(&AsView(self)->exports, 1, __ATOMIC_ACQ_REL);
}

// The unsigned byte at item i of a one-dimensional 'B' view, or nullptr with the error.
unsigned char* ByteItem(PyObject* self, Py_ssize_t i) {
  if (Released(self)) return nullptr;
  const Py_buffer& v = AsView(self)->view;
  if (v.ndim != 1 || std::strcmp(v.format, "B") != 0) {
    PyErr_Format(PyExc_NotImplementedError,
                 "Pinion: memoryview item access supports one-dimensional format 'B' only, "
                 "not format '%s' with %d dimensions", v.format, v.ndim);
    return nullptr;
  }
  if (i < 0) i += v.shape[0];
  if (i < 0 || i >= v.shape[0]) {
    PyErr_SetString(PyExc_IndexError, "index out of bounds on dimension 1");
    return nullptr;
  }
  return static_cast<unsigned char*>(PyBuffer_GetPointer(&v, &i));
}

Py_ssize_t MemoryViewLength(PyObject* self) {
  if (Released(self)) return -1;
  const Py_buffer& v = AsView(self)->view;
  if (v.ndim == 0) {
    PyErr_SetString(PyExc_TypeError, "0-dim memory has no length");
    return -1;
  }
  return v.shape[0];
}

PyObject* MemoryViewSubscript(PyObject* self, PyObject* key) {
  if (!PyIndex_Check(key)) {
    if (Released(self)) return nullptr;
    PyErr_SetString(PyExc_TypeError, "memoryview: invalid slice key");
    return nullptr;
  }
  const Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return nullptr;
  const unsigned char* item = ByteItem(self, i);
  return item != nullptr ? PyLong_FromLong(*item) : nullptr;
}

int MemoryViewAssSubscript(PyObject* self, PyObject* key, PyObject* value) {
  if (Released(self)) return -1;
  if (AsView(self)->view.readonly) {
    PyErr_SetString(PyExc_TypeError, "cannot modify read-only memory");
    return -1;
  }
  if (value == nullptr) {
    PyErr_SetString(PyExc_TypeError, "cannot delete memory");
    return -1;
  }
  if (!PyIndex_Check(key)) {
    PyErr_SetString(PyExc_TypeError, "memoryview: invalid slice key");
    return -1;
  }
  const Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return -1;
  unsigned char* item = ByteItem(self, i);
  if (item == nullptr) return -1;
  if (!PyLong_Check(value)) {
    PyErr_SetString(PyExc_TypeError, "memoryview: invalid type for format 'B'");
    return -1;
  }
  const long v = PyLong_AsLong(value);
  if (v == -1 && PyErr_Occurred()) return -1;
  if (v < 0 || v > 255) {
    PyErr_SetString(PyExc_ValueError, "memoryview: invalid value for format 'B'");
    return -1;
  }
  *item = static_cast<unsigned char>(v);
  return 0;
}

PyObject* MemoryViewToList(PyObject* self, PyObject*) {
  const Py_ssize_t n = MemoryViewLength(self);
  if (n < 0) return nullptr;
  PyObject* list = PyList_New(n);
  if (list == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) {
    const unsigned char* item = ByteItem(self, i);
    if (item == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, i, PyLong_FromLong(*item));
  }
  return list;
}

PyObject* MemoryViewToBytes(PyObject* self, PyObject*) {
  if (Released(self)) return nullptr;
  const Py_buffer& v = AsView(self)->view;
  PyObject* bytes = PyBytes_FromStringAndSize(nullptr, v.len);
  if (bytes == nullptr) return nullptr;
  if (PyBuffer_ToContiguous(PyBytes_AS_STRING(bytes), &v, v.len, 'C') < 0) {
    Py_DECREF(bytes);
    return nullptr;
  }
  return bytes;
}

PyObject* MemoryViewRelease(PyObject* self, PyObject*) {
  PyMemoryViewObject* mv = AsView(self);
  if (mv->flags & _Py_MEMORYVIEW_RELEASED) Py_RETURN_NONE;
  const Py_ssize_t exports = __atomic_load_n(&mv->exports, __ATOMIC_ACQUIRE);
  if (exports > 0) {
    PyErr_Format(PyExc_BufferError, "memoryview has %zd exported buffer%s", exports,
                 exports == 1 ? "" : "s");
    return nullptr;
  }
  mv->flags |= _Py_MEMORYVIEW_RELEASED;
  PyBuffer_Release(&mv->view);  // unpins the base
  Py_RETURN_NONE;
}

PyObject* GetObj(PyObject* self, void*) {
  if (Released(self)) return nullptr;
  PyObject* obj = AsView(self)->view.obj;
  return Py_NewRef(obj != nullptr ? obj : Py_None);
}
PyObject* GetNbytes(PyObject* self, void*) {
  return Released(self) ? nullptr : PyLong_FromSsize_t(AsView(self)->view.len);
}
PyObject* GetReadonly(PyObject* self, void*) {
  return Released(self) ? nullptr : PyBool_FromLong(AsView(self)->view.readonly);
}
PyObject* GetItemsize(PyObject* self, void*) {
  return Released(self) ? nullptr : PyLong_FromSsize_t(AsView(self)->view.itemsize);
}
PyObject* GetFormat(PyObject* self, void*) {
  return Released(self) ? nullptr : PyUnicode_FromString(AsView(self)->view.format);
}
PyObject* GetNdim(PyObject* self, void*) {
  return Released(self) ? nullptr : PyLong_FromLong(AsView(self)->view.ndim);
}
PyObject* GetCContiguous(PyObject* self, void*) {
  if (Released(self)) return nullptr;
  return PyBool_FromLong(PyBuffer_IsContiguous(&AsView(self)->view, 'C'));
}

PyObject* MemoryViewNew(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"object", nullptr};
  PyObject* object;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:memoryview", keywords, &object)) {
    return nullptr;
  }
  return PyMemoryView_FromObject(object);
}

PyMethodDef kMemoryViewMethods[] = {
    {"tolist", &MemoryViewToList, METH_NOARGS, "The items as a list (format 'B')."},
    {"tobytes", &MemoryViewToBytes, METH_NOARGS, "The data as bytes, in C order."},
    {"release", &MemoryViewRelease, METH_NOARGS, "Releases the underlying buffer."},
    {nullptr, nullptr, 0, nullptr},
};

PyGetSetDef kMemoryViewGetSet[] = {
    {"obj", &GetObj, nullptr, "The underlying object.", nullptr},
    {"nbytes", &GetNbytes, nullptr, "The size in bytes.", nullptr},
    {"readonly", &GetReadonly, nullptr, "Whether the memory is read-only.", nullptr},
    {"itemsize", &GetItemsize, nullptr, "The size of an item in bytes.", nullptr},
    {"format", &GetFormat, nullptr, "The struct-module format of an item.", nullptr},
    {"ndim", &GetNdim, nullptr, "The number of dimensions.", nullptr},
    {"c_contiguous", &GetCContiguous, nullptr, "Whether the memory is C-contiguous.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyObject* MemoryViewItem(PyObject* self, Py_ssize_t i) {
  const unsigned char* item = ByteItem(self, i);
  return item != nullptr ? PyLong_FromLong(*item) : nullptr;
}

PySequenceMethods kMemoryViewAsSequence = {
    .sq_length = &MemoryViewLength,
    .sq_item = &MemoryViewItem,
};

PyMappingMethods kMemoryViewAsMapping = {
    .mp_length = &MemoryViewLength,
    .mp_subscript = &MemoryViewSubscript,
    .mp_ass_subscript = &MemoryViewAssSubscript,
};

PyBufferProcs kMemoryViewAsBuffer = {
    .bf_getbuffer = &MemoryViewGetBuffer,
    .bf_releasebuffer = &MemoryViewReleaseBuffer,
};

}  // namespace
}  // namespace pinion::compat

PyTypeObject PyMemoryView_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "memoryview",
    .tp_basicsize = offsetof(PyMemoryViewObject, ob_array),
    .tp_itemsize = sizeof(Py_ssize_t),
    .tp_dealloc = &pinion::compat::MemoryViewDealloc,
    .tp_repr = &pinion::compat::MemoryViewRepr,
    .tp_as_sequence = &pinion::compat::kMemoryViewAsSequence,
    .tp_as_mapping = &pinion::compat::kMemoryViewAsMapping,
    .tp_as_buffer = &pinion::compat::kMemoryViewAsBuffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_SEQUENCE,
    .tp_doc = "Create a new memoryview object which references the given object.",
    .tp_weaklistoffset = offsetof(PyMemoryViewObject, weakreflist),
    .tp_methods = pinion::compat::kMemoryViewMethods,
    .tp_getset = pinion::compat::kMemoryViewGetSet,
    .tp_new = &pinion::compat::MemoryViewNew,
};

extern "C" PyObject* PyMemoryView_FromObject(PyObject* base) {
  if (!PyObject_CheckBuffer(base)) {
    PyErr_Format(PyExc_TypeError, "memoryview: a bytes-like object is required, not '%.200s'",
                 Py_TYPE(base)->tp_name);
    return nullptr;
  }
  Py_buffer view;
  if (PyMemoryView_Check(base)) {
    // CPython's views of one memoryview share its managed buffer, so releasing the first
    // leaves the second valid. Pinion has none: the new view copies the memoryview's and
    // takes its own export (and pin) from the underlying exporter, if there is one.
    if (pinion::compat::Released(base)) return nullptr;
    const Py_buffer* source = PyMemoryView_GET_BUFFER(base);
    view = *source;
    if (source->obj != nullptr) {
      Py_buffer extra;
      if (PyObject_GetBuffer(source->obj, &extra, PyBUF_FULL_RO) < 0) return nullptr;
      view.obj = extra.obj;
      view.internal = extra.internal;
    }
  } else if (PyObject_GetBuffer(base, &view, PyBUF_FULL_RO) < 0) {
    return nullptr;
  }
  PyObject* mv = pinion::compat::FromView(&view);
  if (mv == nullptr) PyBuffer_Release(&view);
  return mv;
}

extern "C" PyObject* PyMemoryView_FromMemory(char* mem, Py_ssize_t size, int flags) {
  if (flags != PyBUF_READ && flags != PyBUF_WRITE) {
    PyErr_SetString(PyExc_SystemError,
                    "PyMemoryView_FromMemory: flags must be PyBUF_READ or PyBUF_WRITE");
    return nullptr;
  }
  Py_buffer info;
  if (PyBuffer_FillInfo(&info, nullptr, mem, size, flags == PyBUF_READ, PyBUF_FULL_RO) < 0) {
    return nullptr;
  }
  return pinion::compat::FromView(&info);
}

extern "C" PyObject* PyMemoryView_FromBuffer(const Py_buffer* info) {
  if (info->buf == nullptr) {
    PyErr_SetString(PyExc_ValueError, "PyMemoryView_FromBuffer(): info->buf must not be NULL");
    return nullptr;
  }
  Py_buffer copy = *info;
  copy.obj = nullptr;  // not referenced, as in CPython
  return pinion::compat::FromView(&copy);
}

extern "C" PyObject* PyMemoryView_GetContiguous(PyObject* base, int buffertype, char order) {
  PyObject* mv = PyMemoryView_FromObject(base);
  if (mv == nullptr) return nullptr;
  const Py_buffer* view = PyMemoryView_GET_BUFFER(mv);
  if (PyBuffer_IsContiguous(view, order)) return mv;
  if (buffertype == PyBUF_WRITE) {
    Py_DECREF(mv);
    PyErr_SetString(PyExc_BufferError,
                    "writable contiguous buffer requested for a non-contiguous object.");
    return nullptr;
  }
  // A read-only copy, laid out in `order` ('F', else C), with the view's shape and format.
  PyObject* bytes = PyBytes_FromStringAndSize(nullptr, view->len);
  if (bytes == nullptr || PyBuffer_ToContiguous(PyBytes_AS_STRING(bytes), view, view->len,
                                                order == 'F' ? 'F' : 'C') < 0) {
    Py_XDECREF(bytes);
    Py_DECREF(mv);
    return nullptr;
  }
  Py_buffer copy = *view;
  copy.obj = bytes;  // the bytes' pin moves into the new memoryview
  copy.buf = PyBytes_AS_STRING(bytes);
  copy.readonly = 1;
  copy.suboffsets = nullptr;
  Py_ssize_t strides[PyBUF_MAX_NDIM];
  PyBuffer_FillContiguousStrides(view->ndim, view->shape, strides,
                                 static_cast<int>(view->itemsize), order == 'F' ? 'F' : 'C');
  copy.strides = strides;
  PyObject* result = pinion::compat::FromView(&copy);
  if (result == nullptr) Py_DECREF(bytes);
  Py_DECREF(mv);
  return result;
}
