// bytes: PyBytes_Type and the PyBytes_* API.
//
// Owns: PyBytes_Type; bytes' repr, hash and comparison.
//
// Invariants: a bytes object holds ob_size bytes then a NUL; the size is set at construction
// and never changed, and the contents too once the creator of a PyBytes_FromStringAndSize
// (NULL, n) object has filled it. ob_shash is -1 until first computed. Bytes hold no
// references: leaves, never scanned nor called back.
//
// Threads: any attached thread; bytes are immutable once filled (the hash cache is filled
// with relaxed atomics, values.h), shared freely.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"
#include "compat/runtime/unicode_codecs.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

PyBytesObject* AsBytes(PyObject* op) { return reinterpret_cast<PyBytesObject*>(op); }
std::string_view View(PyObject* op) {
  return {AsBytes(op)->ob_sval, static_cast<size_t>(Py_SIZE(op))};
}

PyObject* BytesRepr(PyObject* self) { return PyBytes_Repr(self, 1); }

Py_hash_t BytesHash(PyObject* self) {
  PyBytesObject* op = AsBytes(self);
  return CachedHashBytes(&op->ob_shash, op->ob_sval, static_cast<size_t>(Py_SIZE(self)));
}

PyObject* BytesRichCompare(PyObject* self, PyObject* other, int op) {
  if (!PyBytes_Check(self) || !PyBytes_Check(other)) Py_RETURN_NOTIMPLEMENTED;
  return PyBool_FromLong(OrderingSatisfies(View(self).compare(View(other)), op));
}

// `op` if it is bytes; otherwise nullptr with TypeError set.
PyBytesObject* CheckBytes(PyObject* op) {
  if (op == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (!PyBytes_Check(op)) {
    PyErr_Format(PyExc_TypeError, "expected bytes, %.200s found", Py_TYPE(op)->tp_name);
    return nullptr;
  }
  return AsBytes(op);
}

// ---- Sequence and mapping slots ----------------------------------------------------------

Py_ssize_t BytesLength(PyObject* self) { return Py_SIZE(self); }

PyObject* BytesItem(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= Py_SIZE(self)) {
    PyErr_SetString(PyExc_IndexError, "index out of range");
    return nullptr;
  }
  return PyLong_FromLong(static_cast<unsigned char>(AsBytes(self)->ob_sval[i]));
}

PyObject* BytesConcat(PyObject* a, PyObject* b) {
  if (!PyBytes_Check(b)) {
    PyErr_Format(PyExc_TypeError, "can't concat %.100s to %.100s", Py_TYPE(b)->tp_name,
                 Py_TYPE(a)->tp_name);
    return nullptr;
  }
  if (Py_SIZE(b) == 0 && PyBytes_CheckExact(a)) return Py_NewRef(a);
  PyObject* result = PyBytes_FromStringAndSize(nullptr, Py_SIZE(a) + Py_SIZE(b));
  if (result == nullptr) return nullptr;
  std::memcpy(PyBytes_AS_STRING(result), AsBytes(a)->ob_sval, Py_SIZE(a));
  std::memcpy(PyBytes_AS_STRING(result) + Py_SIZE(a), AsBytes(b)->ob_sval, Py_SIZE(b));
  return result;
}

PyObject* BytesRepeat(PyObject* self, Py_ssize_t n) {
  const Py_ssize_t size = Py_SIZE(self);
  if (n < 0) n = 0;
  if (size != 0 && n > PY_SSIZE_T_MAX / size) {
    PyErr_SetString(PyExc_OverflowError, "repeated bytes are too long");
    return nullptr;
  }
  if (n == 1 && PyBytes_CheckExact(self)) return Py_NewRef(self);
  PyObject* result = PyBytes_FromStringAndSize(nullptr, size * n);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t k = 0; k < n; ++k) {
    std::memcpy(PyBytes_AS_STRING(result) + k * size, AsBytes(self)->ob_sval, size);
  }
  return result;
}

int BytesContains(PyObject* self, PyObject* arg) {
  if (PyIndex_Check(arg)) {
    const Py_ssize_t byte = PyNumber_AsSsize_t(arg, nullptr);
    if (byte == -1 && PyErr_Occurred()) return -1;
    if (byte < 0 || byte >= 256) {
      PyErr_SetString(PyExc_ValueError, "byte must be in range(0, 256)");
      return -1;
    }
    return View(self).find(static_cast<char>(byte)) != std::string_view::npos;
  }
  if (!PyBytes_Check(arg)) {
    PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.100s'",
                 Py_TYPE(arg)->tp_name);
    return -1;
  }
  return View(self).find(View(arg)) != std::string_view::npos;
}

PyObject* BytesSubscript(PyObject* self, PyObject* key) {
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    if (i < 0) i += Py_SIZE(self);
    return BytesItem(self, i);
  }
  if (!PySlice_Check(key)) {
    PyErr_Format(PyExc_TypeError, "byte indices must be integers or slices, not %.200s",
                 Py_TYPE(key)->tp_name);
    return nullptr;
  }
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
  const Py_ssize_t n = PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
  if (n == Py_SIZE(self) && step == 1 && PyBytes_CheckExact(self)) return Py_NewRef(self);
  PyObject* result = PyBytes_FromStringAndSize(nullptr, n);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t k = 0, cur = start; k < n; ++k, cur += step) {
    PyBytes_AS_STRING(result)[k] = AsBytes(self)->ob_sval[cur];
  }
  return result;
}

PySequenceMethods kBytesAsSequence = {
    .sq_length = &BytesLength,
    .sq_concat = &BytesConcat,
    .sq_repeat = &BytesRepeat,
    .sq_item = &BytesItem,
    .sq_contains = &BytesContains,
};

PyMappingMethods kBytesAsMapping = {
    .mp_length = &BytesLength,
    .mp_subscript = &BytesSubscript,
};

// Read-only buffers over ob_sval (CPython's bytes_buffer_getbuffer): the view pins the bytes.
int BytesGetBuffer(PyObject* self, Py_buffer* view, int flags) {
  return PyBuffer_FillInfo(view, self, AsBytes(self)->ob_sval, Py_SIZE(self), 1, flags);
}

PyBufferProcs kBytesAsBuffer = {
    .bf_getbuffer = &BytesGetBuffer,
};

}  // namespace
}  // namespace pinion::compat

using pinion::compat::CheckBytes;

PyTypeObject PyBytes_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "bytes",
    .tp_basicsize = offsetof(PyBytesObject, ob_sval) + 1,  // the NUL
    .tp_itemsize = 1,
    .tp_repr = &pinion::compat::BytesRepr,
    .tp_as_sequence = &pinion::compat::kBytesAsSequence,
    .tp_as_mapping = &pinion::compat::kBytesAsMapping,
    .tp_hash = &pinion::compat::BytesHash,
    .tp_as_buffer = &pinion::compat::kBytesAsBuffer,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BYTES_SUBCLASS,
    .tp_doc = "bytes: an immutable byte string",
    .tp_richcompare = &pinion::compat::BytesRichCompare,
    .tp_iter = &pinion::compat::BytesIter,
    .tp_methods = pinion::compat::g_bytes_methods,
};

extern "C" PyObject* PyBytes_FromStringAndSize(const char* v, Py_ssize_t len) {
  if (len < 0) {
    PyErr_SetString(PyExc_SystemError, "Negative size passed to PyBytes_FromStringAndSize");
    return nullptr;
  }
  const size_t size = pinion::compat::VarSize(&PyBytes_Type, len);
  if (size == 0) return nullptr;
  PyObject* op = pinion::compat::AllocObject(&PyBytes_Type, size, /*gc=*/false);
  if (op == nullptr) return nullptr;
  Py_SET_SIZE(op, len);
  PyBytesObject* bytes = pinion::compat::AsBytes(op);
  bytes->ob_shash = -1;
  if (v != nullptr) std::memcpy(bytes->ob_sval, v, static_cast<size_t>(len));
  return op;
}

extern "C" PyObject* PyBytes_FromString(const char* v) {
  return PyBytes_FromStringAndSize(v, static_cast<Py_ssize_t>(std::strlen(v)));
}

extern "C" char* PyBytes_AsString(PyObject* o) {
  PyBytesObject* op = CheckBytes(o);
  return op == nullptr ? nullptr : op->ob_sval;
}

extern "C" int PyBytes_AsStringAndSize(PyObject* obj, char** buffer, Py_ssize_t* length) {
  PyBytesObject* op = CheckBytes(obj);
  if (op == nullptr) return -1;
  const Py_ssize_t size = Py_SIZE(obj);
  if (length != nullptr) {
    *length = size;
  } else if (std::memchr(op->ob_sval, '\0', static_cast<size_t>(size)) != nullptr) {
    PyErr_SetString(PyExc_ValueError, "embedded null byte");
    return -1;
  }
  *buffer = op->ob_sval;
  return 0;
}

extern "C" Py_ssize_t PyBytes_Size(PyObject* o) {
  return CheckBytes(o) == nullptr ? -1 : Py_SIZE(o);
}

extern "C" int _PyBytes_Resize(PyObject** pv, Py_ssize_t newsize) {
  PyObject* old = *pv;
  PyObject* resized = nullptr;
  if (CheckBytes(old) != nullptr) {
    resized = PyBytes_FromStringAndSize(nullptr, newsize);  // SystemError if newsize < 0
    if (resized != nullptr) {
      std::memcpy(PyBytes_AS_STRING(resized), PyBytes_AS_STRING(old),
                  static_cast<size_t>(std::min(newsize, Py_SIZE(old))));
    }
  }
  Py_XDECREF(old);
  *pv = resized;
  return resized == nullptr ? -1 : 0;
}

extern "C" PyObject* PyBytes_Repr(PyObject* op, int smartquotes) {
  PyBytesObject* bytes = CheckBytes(op);
  if (bytes == nullptr) return nullptr;
  const std::string_view data = pinion::compat::View(op);
  const char quote = smartquotes ? pinion::compat::ReprQuote(data.find('\'') != data.npos,
                                                             data.find('"') != data.npos)
                                 : '\'';
  std::string out = "b";
  out += quote;
  for (const char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == static_cast<unsigned char>(quote) || byte == '\\') {
      out += '\\';
      out += c;
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte >= 0x7F) {
      char escape[5];
      std::snprintf(escape, sizeof(escape), "\\x%02x", static_cast<unsigned>(byte));
      out += escape;
    } else {
      out += c;
    }
  }
  out += quote;
  return PyUnicode_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
}

// a + b over any two buffer exporters, as a new bytes (CPython's bytes_concat).
static PyObject* ConcatBuffers(PyObject* a, PyObject* b) {
  Py_buffer va, vb;
  if (PyObject_GetBuffer(a, &va, PyBUF_SIMPLE) < 0) {
    PyErr_Format(PyExc_TypeError, "can't concat %.100s to %.100s", Py_TYPE(b)->tp_name,
                 Py_TYPE(a)->tp_name);
    return nullptr;
  }
  if (PyObject_GetBuffer(b, &vb, PyBUF_SIMPLE) < 0) {
    PyBuffer_Release(&va);
    PyErr_Format(PyExc_TypeError, "can't concat %.100s to %.100s", Py_TYPE(b)->tp_name,
                 Py_TYPE(a)->tp_name);
    return nullptr;
  }
  PyObject* result = nullptr;
  if (va.len > PY_SSIZE_T_MAX - vb.len) {
    PyErr_NoMemory();
  } else {
    result = PyBytes_FromStringAndSize(nullptr, va.len + vb.len);
    if (result != nullptr) {
      std::memcpy(PyBytes_AS_STRING(result), va.buf, static_cast<size_t>(va.len));
      std::memcpy(PyBytes_AS_STRING(result) + va.len, vb.buf, static_cast<size_t>(vb.len));
    }
  }
  PyBuffer_Release(&va);
  PyBuffer_Release(&vb);
  return result;
}

extern "C" void PyBytes_Concat(PyObject** pv, PyObject* w) {
  if (*pv == nullptr) return;
  if (w == nullptr) {
    Py_CLEAR(*pv);
    return;
  }
  PyObject* result = ConcatBuffers(*pv, w);
  Py_SETREF(*pv, result);
}

extern "C" void PyBytes_ConcatAndDel(PyObject** pv, PyObject* w) {
  PyBytes_Concat(pv, w);
  Py_XDECREF(w);
}

// bytes from the integers an iterator yields (each in range(0, 256)).
static PyObject* BytesFromIterator(PyObject* iter) {
  std::string data;
  while (PyObject* item = PyIter_Next(iter)) {
    const Py_ssize_t value = PyNumber_AsSsize_t(item, nullptr);
    Py_DECREF(item);
    if (value == -1 && PyErr_Occurred()) return nullptr;
    if (value < 0 || value >= 256) {
      PyErr_SetString(PyExc_ValueError, "bytes must be in range(0, 256)");
      return nullptr;
    }
    data += static_cast<char>(value);
  }
  if (PyErr_Occurred()) return nullptr;
  return PyBytes_FromStringAndSize(data.data(), static_cast<Py_ssize_t>(data.size()));
}

extern "C" PyObject* PyBytes_FromObject(PyObject* x) {
  if (x == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (PyBytes_CheckExact(x)) return Py_NewRef(x);
  if (PyObject_CheckBuffer(x)) {
    Py_buffer view;
    if (PyObject_GetBuffer(x, &view, PyBUF_FULL_RO) < 0) return nullptr;
    PyObject* result = PyBytes_FromStringAndSize(nullptr, view.len);
    if (result != nullptr && PyBuffer_ToContiguous(PyBytes_AS_STRING(result), &view, view.len, 'C') < 0) {
      Py_CLEAR(result);
    }
    PyBuffer_Release(&view);
    return result;
  }
  if (!PyUnicode_Check(x)) {
    if (PyObject* iter = PyObject_GetIter(x)) {
      PyObject* result = BytesFromIterator(iter);
      Py_DECREF(iter);
      return result;
    }
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) return nullptr;
    PyErr_Clear();
  }
  PyErr_Format(PyExc_TypeError, "cannot convert '%.200s' object to bytes", Py_TYPE(x)->tp_name);
  return nullptr;
}
