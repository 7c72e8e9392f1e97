// The number protocol (abstract_number.h): the PyNumber_* functions, dispatching on the
// tp_as_number tables as CPython 3.11's Objects/abstract.c does.
//
// Owns: the binary-operator dispatch (NumberBinaryOp1: left slot, right slot, the right one
// first for a subtype that overrides it; Py_NotImplemented passes the turn), its in-place and
// ternary forms, the sequence fallbacks of + and *, CPython's TypeError messages, and the
// conversions PyNumber_Index/Long/Float/AsSsize_t/ToBase.
//
// Invariant: every slot is called with the operands in the expression's order (slot(v, w)),
// and a Py_NotImplemented result is released before the next slot runs.
//
// Threads: any attached thread; nothing here holds state. Slots are extension code: they
// may allocate and run collections, so operands stay the caller's references throughout.
#include <cstddef>
#include <cstdint>

#include "compat/runtime/long_repr.h"
#include "compat/runtime/number.h"
#include "compat/runtime/runtime.h"
#include "compat/runtime/values.h"

namespace pinion::compat {
namespace {

template <typename Slot>
Slot NumberSlotAt(PyTypeObject* type, size_t offset) {
  PyNumberMethods* nb = type->tp_as_number;
  if (nb == nullptr) return nullptr;
  return *reinterpret_cast<Slot*>(reinterpret_cast<char*>(nb) + offset);
}

PyObject* NullError() {
  if (!PyErr_Occurred()) {
    PyErr_SetString(PyExc_SystemError, "null argument to internal routine");
  }
  return nullptr;
}

PyObject* BinopTypeError(PyObject* v, PyObject* w, const char* op_name) {
  return PyErr_Format(PyExc_TypeError, "unsupported operand type(s) for %.100s: '%.100s' and '%.100s'",
                      op_name, Py_TYPE(v)->tp_name, Py_TYPE(w)->tp_name);
}

PyObject* UnaryTypeError(const char* format, PyObject* o) {
  return PyErr_Format(PyExc_TypeError, format, Py_TYPE(o)->tp_name);
}

// Calls `slot` unless it is null; true (and the result in *out) unless it gave
// Py_NotImplemented, which is released.
bool TryBinary(binaryfunc slot, PyObject* v, PyObject* w, PyObject** out) {
  if (slot == nullptr) return false;
  PyObject* result = slot(v, w);
  if (result == Py_NotImplemented) {
    Py_DECREF(result);
    return false;
  }
  *out = result;
  return true;
}

bool TryTernary(ternaryfunc slot, PyObject* v, PyObject* w, PyObject* z, PyObject** out) {
  if (slot == nullptr) return false;
  PyObject* result = slot(v, w, z);
  if (result == Py_NotImplemented) {
    Py_DECREF(result);
    return false;
  }
  *out = result;
  return true;
}

PyObject* BinaryOp(PyObject* v, PyObject* w, size_t slot, const char* op_name) {
  if (v == nullptr || w == nullptr) return NullError();
  PyObject* result = NumberBinaryOp1(v, w, slot);
  if (result != Py_NotImplemented) return result;
  Py_DECREF(result);
  return BinopTypeError(v, w, op_name);
}

PyObject* InPlaceOp(PyObject* v, PyObject* w, size_t islot, size_t slot, const char* op_name) {
  if (v == nullptr || w == nullptr) return NullError();
  PyObject* result = NumberInPlaceOp1(v, w, islot, slot);
  if (result != Py_NotImplemented) return result;
  Py_DECREF(result);
  return BinopTypeError(v, w, op_name);
}

// CPython's ternary_op: the operands' slots as NumberBinaryOp1 orders them, then the third
// argument's (when it is yet another function).
PyObject* TernaryOp(PyObject* v, PyObject* w, PyObject* z, size_t slot, const char* op_name) {
  if (v == nullptr || w == nullptr || z == nullptr) return NullError();
  PyTypeObject* vt = Py_TYPE(v);
  PyTypeObject* wt = Py_TYPE(w);
  ternaryfunc slotv = NumberSlotAt<ternaryfunc>(vt, slot);
  ternaryfunc slotw = nullptr;
  if (wt != vt) {
    slotw = NumberSlotAt<ternaryfunc>(wt, slot);
    if (slotw == slotv) slotw = nullptr;
  }
  PyObject* result;
  if (slotv != nullptr) {
    if (slotw != nullptr && PyType_IsSubtype(wt, vt)) {
      if (TryTernary(slotw, v, w, z, &result)) return result;
      slotw = nullptr;
    }
    if (TryTernary(slotv, v, w, z, &result)) return result;
  }
  if (TryTernary(slotw, v, w, z, &result)) return result;
  ternaryfunc slotz = NumberSlotAt<ternaryfunc>(Py_TYPE(z), slot);
  if (slotz != nullptr && slotz != slotv && slotz != slotw) {
    if (TryTernary(slotz, v, w, z, &result)) return result;
  }
  if (z == Py_None) return BinopTypeError(v, w, op_name);
  return PyErr_Format(PyExc_TypeError,
                      "unsupported operand type(s) for %.100s: '%.100s', '%.100s', '%.100s'",
                      op_name, vt->tp_name, wt->tp_name, Py_TYPE(z)->tp_name);
}

// seq * n through a sequence's repeat slot: n must be an index.
PyObject* SequenceRepeat(ssizeargfunc repeat, PyObject* seq, PyObject* n) {
  if (!PyIndex_Check(n)) {
    return PyErr_Format(PyExc_TypeError, "can't multiply sequence by non-int of type '%.200s'",
                        Py_TYPE(n)->tp_name);
  }
  const Py_ssize_t count = PyNumber_AsSsize_t(n, PyExc_OverflowError);
  if (count == -1 && PyErr_Occurred()) return nullptr;
  return repeat(seq, count);
}

// o's nb_index result, checked to be an int (any subclass).
PyObject* IndexOf(PyObject* item) {
  if (item == nullptr) return NullError();
  if (PyLong_Check(item)) return Py_NewRef(item);
  if (!PyIndex_Check(item)) {
    return PyErr_Format(PyExc_TypeError, "'%.200s' object cannot be interpreted as an integer",
                        Py_TYPE(item)->tp_name);
  }
  PyObject* result = Py_TYPE(item)->tp_as_number->nb_index(item);
  if (result == nullptr || PyLong_Check(result)) return result;
  PyErr_Format(PyExc_TypeError, "__index__ returned non-int (type %.200s)",
               Py_TYPE(result)->tp_name);
  Py_DECREF(result);
  return nullptr;
}

// An exact int equal to the int (or int subclass instance) `v`; steals `v`.
PyObject* ExactInt(PyObject* v) {
  if (v == nullptr || PyLong_CheckExact(v)) return v;
  PyObject* exact = g_int_as_number.nb_positive(v);  // int's own: an exact copy
  Py_DECREF(v);
  return exact;
}

}  // namespace

PyObject* NumberBinaryOp1(PyObject* v, PyObject* w, size_t slot) {
  PyTypeObject* vt = Py_TYPE(v);
  PyTypeObject* wt = Py_TYPE(w);
  binaryfunc slotv = NumberSlotAt<binaryfunc>(vt, slot);
  binaryfunc slotw = nullptr;
  if (wt != vt) {
    slotw = NumberSlotAt<binaryfunc>(wt, slot);
    if (slotw == slotv) slotw = nullptr;
  }
  PyObject* result;
  if (slotv != nullptr) {
    if (slotw != nullptr && PyType_IsSubtype(wt, vt)) {
      if (TryBinary(slotw, v, w, &result)) return result;
      slotw = nullptr;
    }
    if (TryBinary(slotv, v, w, &result)) return result;
  }
  if (TryBinary(slotw, v, w, &result)) return result;
  Py_RETURN_NOTIMPLEMENTED;
}

PyObject* NumberInPlaceOp1(PyObject* v, PyObject* w, size_t islot, size_t slot) {
  PyObject* result;
  if (TryBinary(NumberSlotAt<binaryfunc>(Py_TYPE(v), islot), v, w, &result)) return result;
  return NumberBinaryOp1(v, w, slot);
}

}  // namespace pinion::compat

using pinion::compat::BinaryOp;
using pinion::compat::InPlaceOp;
using pinion::compat::NullError;
using pinion::compat::TernaryOp;
using pinion::compat::UnaryTypeError;

// ---- Binary operators -----------------------------------------------------------------------

#define PINION_BINARY(name, slot, op)                               \
  extern "C" PyObject* PyNumber_##name(PyObject* v, PyObject* w) { \
    return BinaryOp(v, w, PINION_NB_SLOT(slot), op);               \
  }
PINION_BINARY(Subtract, nb_subtract, "-")
PINION_BINARY(MatrixMultiply, nb_matrix_multiply, "@")
PINION_BINARY(FloorDivide, nb_floor_divide, "//")
PINION_BINARY(TrueDivide, nb_true_divide, "/")
PINION_BINARY(Remainder, nb_remainder, "%")
PINION_BINARY(Divmod, nb_divmod, "divmod()")
PINION_BINARY(Lshift, nb_lshift, "<<")
PINION_BINARY(Rshift, nb_rshift, ">>")
PINION_BINARY(And, nb_and, "&")
PINION_BINARY(Xor, nb_xor, "^")
PINION_BINARY(Or, nb_or, "|")
#undef PINION_BINARY

extern "C" PyObject* PyNumber_Add(PyObject* v, PyObject* w) {
  if (v == nullptr || w == nullptr) return NullError();
  PyObject* result = pinion::compat::NumberBinaryOp1(v, w, PINION_NB_SLOT(nb_add));
  if (result != Py_NotImplemented) return result;
  Py_DECREF(result);
  PySequenceMethods* sq = Py_TYPE(v)->tp_as_sequence;
  if (sq != nullptr && sq->sq_concat != nullptr) return sq->sq_concat(v, w);
  return pinion::compat::BinopTypeError(v, w, "+");
}

extern "C" PyObject* PyNumber_Multiply(PyObject* v, PyObject* w) {
  if (v == nullptr || w == nullptr) return NullError();
  PyObject* result = pinion::compat::NumberBinaryOp1(v, w, PINION_NB_SLOT(nb_multiply));
  if (result != Py_NotImplemented) return result;
  Py_DECREF(result);
  PySequenceMethods* sv = Py_TYPE(v)->tp_as_sequence;
  PySequenceMethods* sw = Py_TYPE(w)->tp_as_sequence;
  if (sv != nullptr && sv->sq_repeat != nullptr) {
    return pinion::compat::SequenceRepeat(sv->sq_repeat, v, w);
  }
  if (sw != nullptr && sw->sq_repeat != nullptr) {
    return pinion::compat::SequenceRepeat(sw->sq_repeat, w, v);
  }
  return pinion::compat::BinopTypeError(v, w, "*");
}

extern "C" PyObject* PyNumber_Power(PyObject* v, PyObject* w, PyObject* z) {
  return TernaryOp(v, w, z, PINION_NB_SLOT(nb_power), "** or pow()");
}

// ---- In-place operators ---------------------------------------------------------------------

#define PINION_INPLACE(name, islot, slot, op)                                  \
  extern "C" PyObject* PyNumber_InPlace##name(PyObject* v, PyObject* w) {     \
    return InPlaceOp(v, w, PINION_NB_SLOT(islot), PINION_NB_SLOT(slot), op);  \
  }
PINION_INPLACE(Subtract, nb_inplace_subtract, nb_subtract, "-=")
PINION_INPLACE(MatrixMultiply, nb_inplace_matrix_multiply, nb_matrix_multiply, "@=")
PINION_INPLACE(FloorDivide, nb_inplace_floor_divide, nb_floor_divide, "//=")
PINION_INPLACE(TrueDivide, nb_inplace_true_divide, nb_true_divide, "/=")
PINION_INPLACE(Remainder, nb_inplace_remainder, nb_remainder, "%=")
PINION_INPLACE(Lshift, nb_inplace_lshift, nb_lshift, "<<=")
PINION_INPLACE(Rshift, nb_inplace_rshift, nb_rshift, ">>=")
PINION_INPLACE(And, nb_inplace_and, nb_and, "&=")
PINION_INPLACE(Xor, nb_inplace_xor, nb_xor, "^=")
PINION_INPLACE(Or, nb_inplace_or, nb_or, "|=")
#undef PINION_INPLACE

extern "C" PyObject* PyNumber_InPlaceAdd(PyObject* v, PyObject* w) {
  if (v == nullptr || w == nullptr) return NullError();
  PyObject* result = pinion::compat::NumberInPlaceOp1(v, w, PINION_NB_SLOT(nb_inplace_add),
                                                      PINION_NB_SLOT(nb_add));
  if (result != Py_NotImplemented) return result;
  Py_DECREF(result);
  if (PySequenceMethods* sq = Py_TYPE(v)->tp_as_sequence) {
    binaryfunc concat = sq->sq_inplace_concat != nullptr ? sq->sq_inplace_concat : sq->sq_concat;
    if (concat != nullptr) return concat(v, w);
  }
  return pinion::compat::BinopTypeError(v, w, "+=");
}

extern "C" PyObject* PyNumber_InPlaceMultiply(PyObject* v, PyObject* w) {
  if (v == nullptr || w == nullptr) return NullError();
  PyObject* result = pinion::compat::NumberInPlaceOp1(
      v, w, PINION_NB_SLOT(nb_inplace_multiply), PINION_NB_SLOT(nb_multiply));
  if (result != Py_NotImplemented) return result;
  Py_DECREF(result);
  PySequenceMethods* sv = Py_TYPE(v)->tp_as_sequence;
  PySequenceMethods* sw = Py_TYPE(w)->tp_as_sequence;
  if (sv != nullptr) {
    ssizeargfunc repeat = sv->sq_inplace_repeat != nullptr ? sv->sq_inplace_repeat : sv->sq_repeat;
    if (repeat != nullptr) return pinion::compat::SequenceRepeat(repeat, v, w);
  } else if (sw != nullptr && sw->sq_repeat != nullptr) {
    // The right operand is not changed in place: its plain repeat.
    return pinion::compat::SequenceRepeat(sw->sq_repeat, w, v);
  }
  return pinion::compat::BinopTypeError(v, w, "*=");
}

extern "C" PyObject* PyNumber_InPlacePower(PyObject* v, PyObject* w, PyObject* z) {
  if (v == nullptr) return NullError();
  PyNumberMethods* nb = Py_TYPE(v)->tp_as_number;
  const bool inplace = nb != nullptr && nb->nb_inplace_power != nullptr;
  return TernaryOp(v, w, z, inplace ? PINION_NB_SLOT(nb_inplace_power) : PINION_NB_SLOT(nb_power),
                   "**=");
}

// ---- Unary operators ------------------------------------------------------------------------

#define PINION_UNARY(name, slot, format)                      \
  extern "C" PyObject* PyNumber_##name(PyObject* o) {         \
    if (o == nullptr) return NullError();                     \
    PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;           \
    if (nb != nullptr && nb->slot != nullptr) return nb->slot(o); \
    return UnaryTypeError(format, o);                         \
  }
PINION_UNARY(Negative, nb_negative, "bad operand type for unary -: '%.200s'")
PINION_UNARY(Positive, nb_positive, "bad operand type for unary +: '%.200s'")
PINION_UNARY(Invert, nb_invert, "bad operand type for unary ~: '%.200s'")
PINION_UNARY(Absolute, nb_absolute, "bad operand type for abs(): '%.200s'")
#undef PINION_UNARY

// ---- Checks and conversions -----------------------------------------------------------------

extern "C" int PyNumber_Check(PyObject* o) {
  if (o == nullptr) return 0;
  PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;
  return nb != nullptr &&
         (nb->nb_index != nullptr || nb->nb_int != nullptr || nb->nb_float != nullptr);
}

extern "C" int PyIndex_Check(PyObject* o) {
  PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;
  return nb != nullptr && nb->nb_index != nullptr;
}

extern "C" PyObject* PyNumber_Index(PyObject* o) {
  return pinion::compat::ExactInt(pinion::compat::IndexOf(o));
}

extern "C" Py_ssize_t PyNumber_AsSsize_t(PyObject* o, PyObject* exc) {
  PyObject* value = pinion::compat::IndexOf(o);
  if (value == nullptr) return -1;
  int64_t result;
  const bool fits = pinion::compat::LongToInt64(value, &result);
  const bool negative = pinion::compat::LongIsNegative(value);
  Py_DECREF(value);
  if (fits) return result;
  if (exc == nullptr) return negative ? PY_SSIZE_T_MIN : PY_SSIZE_T_MAX;  // clamped
  PyErr_Format(exc, "cannot fit '%.200s' into an index-sized integer", Py_TYPE(o)->tp_name);
  return -1;
}

extern "C" PyObject* PyNumber_Long(PyObject* o) {
  if (o == nullptr) return NullError();
  if (PyLong_CheckExact(o)) return Py_NewRef(o);
  PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;
  if (nb != nullptr && nb->nb_int != nullptr) {
    PyObject* result = nb->nb_int(o);
    if (result != nullptr && !PyLong_Check(result)) {
      PyErr_Format(PyExc_TypeError, "__int__ returned non-int (type %.200s)",
                   Py_TYPE(result)->tp_name);
      Py_DECREF(result);
      return nullptr;
    }
    return pinion::compat::ExactInt(result);
  }
  if (nb != nullptr && nb->nb_index != nullptr) return PyNumber_Index(o);
  if (PyUnicode_Check(o)) {
    Py_ssize_t size;
    const char* text = PyUnicode_AsUTF8AndSize(o, &size);
    if (text == nullptr) return nullptr;
    return pinion::compat::LongFromText(text, size, 10, o, nullptr);
  }
  if (PyBytes_Check(o)) {
    return pinion::compat::LongFromText(PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o), 10, o,
                                         nullptr);
  }
  return UnaryTypeError(
      "int() argument must be a string, a bytes-like object or a real number, not '%.200s'", o);
}

extern "C" PyObject* PyNumber_Float(PyObject* o) {
  if (o == nullptr) return NullError();
  if (PyFloat_CheckExact(o)) return Py_NewRef(o);
  PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;
  if (nb != nullptr && nb->nb_float != nullptr) {
    PyObject* result = nb->nb_float(o);
    if (result == nullptr || PyFloat_CheckExact(result)) return result;
    if (!PyFloat_Check(result)) {
      PyErr_Format(PyExc_TypeError, "%.50s.__float__ returned non-float (type %.50s)",
                   Py_TYPE(o)->tp_name, Py_TYPE(result)->tp_name);
      Py_DECREF(result);
      return nullptr;
    }
    const double value = PyFloat_AS_DOUBLE(result);
    Py_DECREF(result);
    return PyFloat_FromDouble(value);
  }
  if (nb != nullptr && nb->nb_index != nullptr) {
    PyObject* index = pinion::compat::IndexOf(o);
    if (index == nullptr) return nullptr;
    const double value = PyLong_AsDouble(index);
    Py_DECREF(index);
    if (value == -1.0 && PyErr_Occurred()) return nullptr;
    return PyFloat_FromDouble(value);
  }
  if (PyFloat_Check(o)) return PyFloat_FromDouble(PyFloat_AS_DOUBLE(o));
  return PyFloat_FromString(o);
}

extern "C" PyObject* PyNumber_ToBase(PyObject* n, int base) {
  if (base != 2 && base != 8 && base != 10 && base != 16) {
    PyErr_SetString(PyExc_SystemError, "PyNumber_ToBase: base must be 2, 8, 10 or 16");
    return nullptr;
  }
  PyObject* index = pinion::compat::IndexOf(n);
  if (index == nullptr) return nullptr;
  PyObject* text = pinion::compat::LongToText(index, base, /*prefix=*/true);
  Py_DECREF(index);
  return text;
}
