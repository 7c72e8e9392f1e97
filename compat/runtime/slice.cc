// Slices and Ellipsis (sliceobject.h): PySlice_Type, PyEllipsis_Type, the Ellipsis
// singleton and the PySlice_* API.
//
// Owns: each slice's three references (start, stop, step: never NULL, Py_None when
// omitted), set at construction and never changed.
//
// Invariants: a slice is a tracked GC object from PySlice_New on; its fields hold owned pins
// at every safepoint. Ellipsis is static and immortal.
//
// Threads: any attached thread; slices are immutable, shared freely.
#include <string>

#include "compat/runtime/containers.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/sequences.h"
#include "structmember.h"

namespace pinion::compat {
namespace {

PySliceObject* AsSlice(PyObject* op) { return reinterpret_cast<PySliceObject*>(op); }

int SliceTraverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(AsSlice(self)->start);
  Py_VISIT(AsSlice(self)->stop);
  Py_VISIT(AsSlice(self)->step);
  return 0;
}

void SliceDealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  Py_XDECREF(AsSlice(self)->start);
  Py_XDECREF(AsSlice(self)->stop);
  Py_XDECREF(AsSlice(self)->step);
  Py_TYPE(self)->tp_free(self);
}

PyObject* SliceRepr(PyObject* self) {
  std::string out = "slice(";
  if (!AppendRepr(out, AsSlice(self)->start)) return nullptr;
  out += ", ";
  if (!AppendRepr(out, AsSlice(self)->stop)) return nullptr;
  out += ", ";
  if (!AppendRepr(out, AsSlice(self)->step)) return nullptr;
  out += ")";
  return NewString(out);
}

// Slices compare as the tuples (start, stop, step).
PyObject* SliceRichCompare(PyObject* v, PyObject* w, int op) {
  if (!PySlice_Check(v) || !PySlice_Check(w)) Py_RETURN_NOTIMPLEMENTED;
  if (v == w && (op == Py_EQ || op == Py_NE)) return PyBool_FromLong(op == Py_EQ);
  PyObject* a = PyTuple_Pack(3, AsSlice(v)->start, AsSlice(v)->stop, AsSlice(v)->step);
  PyObject* b = a != nullptr ? PyTuple_Pack(3, AsSlice(w)->start, AsSlice(w)->stop,
                                            AsSlice(w)->step)
                             : nullptr;
  PyObject* result = b != nullptr ? PyObject_RichCompare(a, b, op) : nullptr;
  Py_XDECREF(a);
  Py_XDECREF(b);
  return result;
}

PyObject* EllipsisRepr(PyObject*) { return PyUnicode_FromString("Ellipsis"); }

// CPython's _PyEval_SliceIndex: None leaves *out alone; an index is clamped to Py_ssize_t.
bool SliceIndex(PyObject* v, Py_ssize_t* out) {
  if (v == Py_None) return true;
  if (!PyIndex_Check(v)) {
    PyErr_SetString(PyExc_TypeError,
                    "slice indices must be integers or None or have an __index__ method");
    return false;
  }
  const Py_ssize_t x = PyNumber_AsSsize_t(v, nullptr);
  if (x == -1 && PyErr_Occurred()) return false;
  *out = x;
  return true;
}

// The old interface's reading of one value: an int (exactly), converted.
bool OldIndex(PyObject* v, Py_ssize_t* out) {
  if (!PyLong_Check(v)) return false;
  *out = PyLong_AsSsize_t(v);
  return !(*out == -1 && PyErr_Occurred());
}

}  // namespace

PyObject* SliceFromIndices(Py_ssize_t start, Py_ssize_t stop) {
  PyObject* a = PyLong_FromSsize_t(start);
  PyObject* b = a != nullptr ? PyLong_FromSsize_t(stop) : nullptr;
  PyObject* slice = b != nullptr ? PySlice_New(a, b, nullptr) : nullptr;
  Py_XDECREF(a);
  Py_XDECREF(b);
  return slice;
}

}  // namespace pinion::compat

using namespace pinion::compat;

// start, stop and step, read-only, as CPython's slice members.
static PyMemberDef kSliceMembers[] = {
    {"start", T_OBJECT, offsetof(PySliceObject, start), READONLY, nullptr},
    {"stop", T_OBJECT, offsetof(PySliceObject, stop), READONLY, nullptr},
    {"step", T_OBJECT, offsetof(PySliceObject, step), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyTypeObject PySlice_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "slice",
    .tp_basicsize = sizeof(PySliceObject),
    .tp_dealloc = &SliceDealloc,
    .tp_repr = &SliceRepr,
    .tp_hash = &PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "slice(stop)\nslice(start, stop[, step])",
    .tp_traverse = &SliceTraverse,
    .tp_richcompare = &SliceRichCompare,
    .tp_members = kSliceMembers,
    .tp_free = &PyObject_GC_Del,
};

PyTypeObject PyEllipsis_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "ellipsis",
    .tp_basicsize = sizeof(PyObject),
    .tp_repr = &EllipsisRepr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The type of the Ellipsis singleton.",
};

PyObject _Py_EllipsisObject = {_PyPinion_IMMORTAL_REFCNT, &PyEllipsis_Type};

extern "C" PyObject* PySlice_New(PyObject* start, PyObject* stop, PyObject* step) {
  PyObject* slice = AllocObject(&PySlice_Type, sizeof(PySliceObject), /*gc=*/true);
  if (slice == nullptr) return nullptr;
  AsSlice(slice)->start = Py_NewRef(start != nullptr ? start : Py_None);
  AsSlice(slice)->stop = Py_NewRef(stop != nullptr ? stop : Py_None);
  AsSlice(slice)->step = Py_NewRef(step != nullptr ? step : Py_None);
  PyObject_GC_Track(slice);
  return slice;
}

extern "C" int PySlice_GetIndices(PyObject* r, Py_ssize_t length, Py_ssize_t* start,
                                  Py_ssize_t* stop, Py_ssize_t* step) {
  if (r == nullptr || !PySlice_Check(r)) {
    PyErr_BadInternalCall();
    return -1;
  }
  PySliceObject* s = AsSlice(r);
  if (s->step == Py_None) {
    *step = 1;
  } else if (!OldIndex(s->step, step)) {
    return -1;
  }
  if (s->start == Py_None) {
    *start = *step < 0 ? length - 1 : 0;
  } else {
    if (!OldIndex(s->start, start)) return -1;
    if (*start < 0) *start += length;
  }
  if (s->stop == Py_None) {
    *stop = *step < 0 ? -1 : length;
  } else {
    if (!OldIndex(s->stop, stop)) return -1;
    if (*stop < 0) *stop += length;
  }
  if (*stop > length || *start >= length || *step == 0) return -1;
  return 0;
}

#undef PySlice_GetIndicesEx
extern "C" int PySlice_GetIndicesEx(PyObject* r, Py_ssize_t length, Py_ssize_t* start,
                                    Py_ssize_t* stop, Py_ssize_t* step,
                                    Py_ssize_t* slicelength) {
  if (PySlice_Unpack(r, start, stop, step) < 0) {
    *slicelength = 0;
    return -1;
  }
  *slicelength = PySlice_AdjustIndices(length, start, stop, *step);
  return 0;
}

extern "C" int _PyEval_SliceIndex(PyObject* v, Py_ssize_t* pi) { return SliceIndex(v, pi); }

extern "C" int _PyEval_SliceIndexNotNone(PyObject* v, Py_ssize_t* pi) {
  if (!PyIndex_Check(v)) {
    PyErr_SetString(PyExc_TypeError,
                    "slice indices must be integers or have an __index__ method");
    return 0;
  }
  return SliceIndex(v, pi);
}

extern "C" int PySlice_Unpack(PyObject* slice, Py_ssize_t* start, Py_ssize_t* stop,
                              Py_ssize_t* step) {
  if (slice == nullptr || !PySlice_Check(slice)) {
    PyErr_BadInternalCall();
    return -1;
  }
  PySliceObject* s = AsSlice(slice);
  *step = 1;
  if (!SliceIndex(s->step, step)) return -1;
  if (s->step != Py_None && *step == 0) {
    PyErr_SetString(PyExc_ValueError, "slice step cannot be zero");
    return -1;
  }
  // -step must not overflow (AdjustIndices negates it).
  if (*step < -PY_SSIZE_T_MAX) *step = -PY_SSIZE_T_MAX;
  *start = *step < 0 ? PY_SSIZE_T_MAX : 0;
  if (!SliceIndex(s->start, start)) return -1;
  *stop = *step < 0 ? PY_SSIZE_T_MIN : PY_SSIZE_T_MAX;
  if (!SliceIndex(s->stop, stop)) return -1;
  return 0;
}

extern "C" Py_ssize_t PySlice_AdjustIndices(Py_ssize_t length, Py_ssize_t* start,
                                            Py_ssize_t* stop, Py_ssize_t step) {
  auto fit = [&](Py_ssize_t* v) {
    if (*v < 0) {
      *v += length;
      if (*v < 0) *v = step < 0 ? -1 : 0;
    } else if (*v >= length) {
      *v = step < 0 ? length - 1 : length;
    }
  };
  fit(start);
  fit(stop);
  if (step < 0) {
    if (*stop < *start) return (*start - *stop - 1) / (-step) + 1;
  } else if (*start < *stop) {
    return (*stop - *start - 1) / step + 1;
  }
  return 0;
}
