// The buffer protocol: PyObject_GetBuffer, PyBuffer_Release and the PyBuffer_* helpers
// (pybuffer.h), with CPython 3.11's semantics and error messages.
//
// Owns: dispatch to an exporter's PyBufferProcs and the generic operations on a Py_buffer
// (contiguity, copies in C/Fortran order, item addresses, struct-format sizes).
//
// Invariants (the pin rule): a filled Py_buffer holds a reference — a Pinion pin — to
// view->obj, taken by the exporter (PyBuffer_FillInfo takes it for the common case) and
// dropped by PyBuffer_Release after the exporter's bf_releasebuffer ran. While the pin is
// held the exporter is a root, so view->buf (inside the exporter, or memory the exporter
// owns and frees only when it dies or on its bf_releasebuffer) stays valid whatever
// collections run. Pins are summed across threads' logs, so the release may happen on
// another attached thread than the one that took the view.
//
// Threads: any attached thread. Nothing here blocks or holds a lock; a Py_buffer has one
// owner at a time (not synchronised).
#include <cstring>
#include <vector>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

bool IsCContiguous(const Py_buffer* view) {
  if (view->len == 0 || view->strides == nullptr) return true;
  Py_ssize_t sd = view->itemsize;
  for (int i = view->ndim - 1; i >= 0; --i) {
    const Py_ssize_t dim = view->shape[i];
    if (dim > 1 && view->strides[i] != sd) return false;
    sd *= dim;
  }
  return true;
}

bool IsFortranContiguous(const Py_buffer* view) {
  if (view->len == 0) return true;
  if (view->strides == nullptr) {
    if (view->ndim <= 1) return true;
    // A C-contiguous array is Fortran-contiguous when at most one dimension exceeds 1.
    int larger = 0;
    for (int i = 0; i < view->ndim; ++i) larger += view->shape[i] > 1;
    return larger <= 1;
  }
  Py_ssize_t sd = view->itemsize;
  for (int i = 0; i < view->ndim; ++i) {
    const Py_ssize_t dim = view->shape[i];
    if (dim > 1 && view->strides[i] != sd) return false;
    sd *= dim;
  }
  return true;
}

// Advances `index` to the next item in C order (last index fastest) or Fortran order.
void AddOne(int nd, Py_ssize_t* index, const Py_ssize_t* shape, bool fortran) {
  if (fortran) {
    for (int k = 0; k < nd; ++k) {
      if (++index[k] < shape[k]) return;
      index[k] = 0;
    }
  } else {
    for (int k = nd - 1; k >= 0; --k) {
      if (++index[k] < shape[k]) return;
      index[k] = 0;
    }
  }
}

// The shape/strides a view without them stands for (a 1-D byte array of view->len bytes).
struct Geometry {
  Py_buffer view;
  Py_ssize_t shape1, stride1;
  explicit Geometry(const Py_buffer* v) : view(*v) {
    if (view.ndim == 0) {
      view.ndim = 1;
      shape1 = view.itemsize > 0 ? view.len / view.itemsize : view.len;
      view.shape = &shape1;
      view.strides = nullptr;
    }
    if (view.shape == nullptr) {
      shape1 = view.itemsize > 0 ? view.len / view.itemsize : view.len;
      view.shape = &shape1;
    }
    if (view.strides == nullptr && view.ndim == 1) {
      stride1 = view.itemsize;
      view.strides = &stride1;
    }
  }
};

// Copies `len` bytes between contiguous `flat` and the items of `view`, in `order`.
void CopyItems(const Py_buffer* v, char* flat, Py_ssize_t len, char order, bool to_flat) {
  Geometry g(v);
  const Py_buffer* view = &g.view;
  std::vector<Py_ssize_t> strides;
  if (view->strides == nullptr) {  // C-contiguous with ndim > 1
    strides.resize(view->ndim);
    PyBuffer_FillContiguousStrides(view->ndim, view->shape, strides.data(),
                                   static_cast<int>(view->itemsize), 'C');
    g.view.strides = strides.data();
  }
  std::vector<Py_ssize_t> index(view->ndim, 0);
  const bool fortran = order == 'F';
  const Py_ssize_t itemsize = view->itemsize;
  for (Py_ssize_t done = 0; itemsize > 0 && done + itemsize <= len; done += itemsize) {
    char* item = static_cast<char*>(PyBuffer_GetPointer(view, index.data()));
    if (to_flat) {
      std::memcpy(flat + done, item, itemsize);
    } else {
      std::memcpy(item, flat + done, itemsize);
    }
    AddOne(view->ndim, index.data(), view->shape, fortran);
  }
}

// struct-module item sizes: {code, native size, standard size (0: not allowed)}.
struct FormatCode {
  char code;
  unsigned char native, standard;
};
constexpr FormatCode kFormatCodes[] = {
    {'x', 1, 1}, {'c', 1, 1}, {'b', 1, 1}, {'B', 1, 1}, {'?', 1, 1}, {'h', 2, 2},
    {'H', 2, 2}, {'i', 4, 4}, {'I', 4, 4}, {'l', sizeof(long), 4}, {'L', sizeof(long), 4},
    {'q', 8, 8}, {'Q', 8, 8}, {'n', sizeof(Py_ssize_t), 0}, {'N', sizeof(size_t), 0},
    {'e', 2, 2}, {'f', 4, 4}, {'d', 8, 8}, {'s', 1, 1}, {'p', 1, 1},
    {'P', sizeof(void*), 0},
};

}  // namespace
}  // namespace pinion::compat

using pinion::compat::IsCContiguous;
using pinion::compat::IsFortranContiguous;

extern "C" int PyObject_CheckBuffer(PyObject* obj) {
  PyBufferProcs* pb = Py_TYPE(obj)->tp_as_buffer;
  return pb != nullptr && pb->bf_getbuffer != nullptr;
}

extern "C" int PyObject_GetBuffer(PyObject* obj, Py_buffer* view, int flags) {
  PyBufferProcs* pb = Py_TYPE(obj)->tp_as_buffer;
  if (pb == nullptr || pb->bf_getbuffer == nullptr) {
    PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.100s'",
                 Py_TYPE(obj)->tp_name);
    return -1;
  }
  return pb->bf_getbuffer(obj, view, flags);
}

extern "C" void PyBuffer_Release(Py_buffer* view) {
  PyObject* obj = view->obj;
  if (obj == nullptr) return;
  PyBufferProcs* pb = Py_TYPE(obj)->tp_as_buffer;
  if (pb != nullptr && pb->bf_releasebuffer != nullptr) pb->bf_releasebuffer(obj, view);
  view->obj = nullptr;
  Py_DECREF(obj);  // the view's pin: the exporter may now be collected once unreachable
}

extern "C" int PyBuffer_FillInfo(Py_buffer* view, PyObject* obj, void* buf, Py_ssize_t len,
                                 int readonly, int flags) {
  if (view == nullptr) {
    PyErr_SetString(PyExc_BufferError, "PyBuffer_FillInfo: view==NULL argument is obsolete");
    return -1;
  }
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && readonly == 1) {
    PyErr_SetString(PyExc_BufferError, "Object is not writable.");
    return -1;
  }
  view->obj = Py_XNewRef(obj);
  view->buf = buf;
  view->len = len;
  view->readonly = readonly;
  view->itemsize = 1;
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char*>("B") : nullptr;
  view->ndim = 1;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? &view->len : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &view->itemsize : nullptr;
  view->suboffsets = nullptr;
  view->internal = nullptr;
  return 0;
}

extern "C" int PyBuffer_IsContiguous(const Py_buffer* view, char order) {
  if (view->suboffsets != nullptr) return 0;
  switch (order) {
    case 'C':
      return IsCContiguous(view);
    case 'F':
      return IsFortranContiguous(view);
    case 'A':
      return IsCContiguous(view) || IsFortranContiguous(view);
    default:
      return 0;
  }
}

extern "C" void* PyBuffer_GetPointer(const Py_buffer* view, const Py_ssize_t* indices) {
  char* pointer = static_cast<char*>(view->buf);
  for (int i = 0; i < view->ndim; ++i) {
    pointer += view->strides[i] * indices[i];
    if (view->suboffsets != nullptr && view->suboffsets[i] >= 0) {
      pointer = *reinterpret_cast<char**>(pointer) + view->suboffsets[i];
    }
  }
  return pointer;
}

extern "C" void PyBuffer_FillContiguousStrides(int nd, Py_ssize_t* shape, Py_ssize_t* strides,
                                               int itemsize, char order) {
  Py_ssize_t sd = itemsize;
  if (order == 'F') {
    for (int k = 0; k < nd; ++k) {
      strides[k] = sd;
      sd *= shape[k];
    }
  } else {
    for (int k = nd - 1; k >= 0; --k) {
      strides[k] = sd;
      sd *= shape[k];
    }
  }
}

extern "C" int PyBuffer_ToContiguous(void* buf, const Py_buffer* src, Py_ssize_t len,
                                     char order) {
  if (order != 'C' && order != 'F' && order != 'A') {
    PyErr_SetString(PyExc_ValueError, "PyBuffer_ToContiguous: invalid order");
    return -1;
  }
  if (len > src->len) len = src->len;
  if (PyBuffer_IsContiguous(src, order)) {
    std::memcpy(buf, src->buf, static_cast<size_t>(len));
    return 0;
  }
  pinion::compat::CopyItems(src, static_cast<char*>(buf), len, order, /*to_flat=*/true);
  return 0;
}

extern "C" int PyBuffer_FromContiguous(const Py_buffer* view, const void* buf, Py_ssize_t len,
                                       char order) {
  if (len > view->len) len = view->len;
  if (PyBuffer_IsContiguous(view, order)) {
    std::memcpy(view->buf, buf, static_cast<size_t>(len));
    return 0;
  }
  pinion::compat::CopyItems(view, static_cast<char*>(const_cast<void*>(buf)), len, order,
                            /*to_flat=*/false);
  return 0;
}

extern "C" int PyObject_CopyData(PyObject* dest, PyObject* src) {
  if (!PyObject_CheckBuffer(dest) || !PyObject_CheckBuffer(src)) {
    PyErr_SetString(PyExc_TypeError, "both destination and source must be bytes-like objects");
    return -1;
  }
  Py_buffer view_dest, view_src;
  if (PyObject_GetBuffer(dest, &view_dest, PyBUF_FULL) != 0) return -1;
  if (PyObject_GetBuffer(src, &view_src, PyBUF_FULL_RO) != 0) {
    PyBuffer_Release(&view_dest);
    return -1;
  }
  int result = 0;
  if (view_dest.len < view_src.len) {
    PyErr_SetString(PyExc_BufferError, "destination is too small to receive data from source");
    result = -1;
  } else if ((PyBuffer_IsContiguous(&view_dest, 'C') && PyBuffer_IsContiguous(&view_src, 'C')) ||
             (PyBuffer_IsContiguous(&view_dest, 'F') && PyBuffer_IsContiguous(&view_src, 'F'))) {
    std::memcpy(view_dest.buf, view_src.buf, static_cast<size_t>(view_src.len));
  } else {
    // Through a contiguous copy of the source, item by item in C order.
    std::vector<char> flat(static_cast<size_t>(view_src.len));
    PyBuffer_ToContiguous(flat.data(), &view_src, view_src.len, 'C');
    PyBuffer_FromContiguous(&view_dest, flat.data(), view_src.len, 'C');
  }
  PyBuffer_Release(&view_src);
  PyBuffer_Release(&view_dest);
  return result;
}

extern "C" Py_ssize_t PyBuffer_SizeFromFormat(const char* format) {
  // struct.calcsize's rules: an optional byte-order prefix, then [count]code items; native
  // mode ('@' or none) aligns each item to its size.
  const char* p = format;
  bool native = true;
  if (*p == '@' || *p == '=' || *p == '<' || *p == '>' || *p == '!') {
    native = *p == '@';
    ++p;
  }
  Py_ssize_t size = 0;
  while (*p != '\0') {
    if (*p == ' ' || *p == '\t' || *p == '\n') {
      ++p;
      continue;
    }
    Py_ssize_t count = 1;
    if (*p >= '0' && *p <= '9') {
      count = 0;
      while (*p >= '0' && *p <= '9') count = count * 10 + (*p++ - '0');
      if (*p == '\0') break;
    }
    const pinion::compat::FormatCode* found = nullptr;
    for (const auto& code : pinion::compat::kFormatCodes) {
      if (code.code == *p) found = &code;
    }
    const Py_ssize_t item = found == nullptr ? 0 : native ? found->native : found->standard;
    if (item == 0) {
      // CPython raises struct.error, which Pinion has no struct module for.
      PyErr_SetString(PyExc_ValueError, "bad char in struct format");
      return -1;
    }
    if (native && item > 1 && *p != 's' && *p != 'p') size = (size + item - 1) / item * item;
    size += count * item;
    ++p;
  }
  return size;
}

// ---- The old buffer API (deprecated since Python 3.0) ----------------------------------------

// The simple buffer of obj, taken and released at once; CPython's as_read_buffer.
static int AsBuffer(PyObject* obj, void** buffer, Py_ssize_t* len, bool writable) {
  if (obj == nullptr || buffer == nullptr || len == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_SetString(PyExc_SystemError, "null argument to internal routine");
    }
    return -1;
  }
  Py_buffer view;
  if (PyObject_GetBuffer(obj, &view, writable ? PyBUF_WRITABLE : PyBUF_SIMPLE) != 0) {
    // Reading keeps PyObject_GetBuffer's error, as CPython 3.11 does.
    if (writable) PyErr_SetString(PyExc_TypeError, "expected a writable bytes-like object");
    return -1;
  }
  *buffer = view.buf;
  *len = view.len;
  PyBuffer_Release(&view);
  return 0;
}

extern "C" int PyObject_AsCharBuffer(PyObject* obj, const char** buffer, Py_ssize_t* len) {
  return AsBuffer(obj, reinterpret_cast<void**>(const_cast<char**>(buffer)), len, false);
}

extern "C" int PyObject_AsReadBuffer(PyObject* obj, const void** buffer, Py_ssize_t* len) {
  return AsBuffer(obj, const_cast<void**>(buffer), len, false);
}

extern "C" int PyObject_AsWriteBuffer(PyObject* obj, void** buffer, Py_ssize_t* len) {
  return AsBuffer(obj, buffer, len, true);
}

extern "C" int PyObject_CheckReadBuffer(PyObject* obj) {
  Py_buffer view;
  if (obj == nullptr || !PyObject_CheckBuffer(obj)) return 0;
  if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) != 0) {
    PyErr_Clear();
    return 0;
  }
  PyBuffer_Release(&view);
  return 1;
}
