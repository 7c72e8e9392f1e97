// structmember.h: PyMember_GetOne and PyMember_SetOne, reading and writing a C struct field
// as its T_* type says, with CPython 3.11's conversions and errors.
//
// Invariant: a T_OBJECT/T_OBJECT_EX field holds NULL or a reference the object owns; a write
// stores the new reference before the old one is released (a collection may trace the object
// between the two: it then sees a pin the object owns).
//
// Where Pinion differs: CPython's RuntimeWarnings for truncated integer values and negative
// values written to unsigned fields are not raised (there are no warnings yet); the value is
// stored as CPython stores it.
//
// Threads: any attached thread.
#include <climits>

#include "compat/runtime/runtime.h"
#include "structmember.h"

extern "C" PyObject* PyMember_GetOne(const char* obj_addr, PyMemberDef* l) {
  const char* addr = obj_addr + l->offset;
  switch (l->type) {
    case T_BOOL: return PyBool_FromLong(*reinterpret_cast<const char*>(addr));
    case T_BYTE: return PyLong_FromLong(*reinterpret_cast<const signed char*>(addr));
    case T_UBYTE: return PyLong_FromUnsignedLong(*reinterpret_cast<const unsigned char*>(addr));
    case T_SHORT: return PyLong_FromLong(*reinterpret_cast<const short*>(addr));
    case T_USHORT: return PyLong_FromUnsignedLong(*reinterpret_cast<const unsigned short*>(addr));
    case T_INT: return PyLong_FromLong(*reinterpret_cast<const int*>(addr));
    case T_UINT: return PyLong_FromUnsignedLong(*reinterpret_cast<const unsigned int*>(addr));
    case T_LONG: return PyLong_FromLong(*reinterpret_cast<const long*>(addr));
    case T_ULONG: return PyLong_FromUnsignedLong(*reinterpret_cast<const unsigned long*>(addr));
    case T_PYSSIZET: return PyLong_FromSsize_t(*reinterpret_cast<const Py_ssize_t*>(addr));
    case T_FLOAT: return PyFloat_FromDouble(*reinterpret_cast<const float*>(addr));
    case T_DOUBLE: return PyFloat_FromDouble(*reinterpret_cast<const double*>(addr));
    case T_LONGLONG: return PyLong_FromLongLong(*reinterpret_cast<const long long*>(addr));
    case T_ULONGLONG:
      return PyLong_FromUnsignedLongLong(*reinterpret_cast<const unsigned long long*>(addr));
    case T_STRING: {
      const char* s = *reinterpret_cast<char* const*>(addr);
      if (s == nullptr) Py_RETURN_NONE;
      return PyUnicode_FromString(s);
    }
    case T_STRING_INPLACE: return PyUnicode_FromString(addr);
    case T_CHAR: return PyUnicode_FromStringAndSize(addr, 1);
    case T_OBJECT: {
      PyObject* v = *reinterpret_cast<PyObject* const*>(addr);
      return Py_NewRef(v != nullptr ? v : Py_None);
    }
    case T_OBJECT_EX: {
      PyObject* v = *reinterpret_cast<PyObject* const*>(addr);
      if (v == nullptr) {
        PyErr_Format(PyExc_AttributeError, "'%.200s' object has no attribute '%s'",
                     Py_TYPE(reinterpret_cast<const PyObject*>(obj_addr))->tp_name, l->name);
        return nullptr;
      }
      return Py_NewRef(v);
    }
    case T_NONE: Py_RETURN_NONE;
    default: PyErr_SetString(PyExc_SystemError, "bad memberdescr type"); return nullptr;
  }
}

namespace {

// An integer field's new value as a long; false with the conversion's error set.
bool AsLong(PyObject* v, long* out) {
  *out = PyLong_AsLong(v);
  return !(*out == -1 && PyErr_Occurred());
}

// An unsigned field's new value; negative values are accepted (CPython's compatibility
// rule, where it warns). false with the conversion's error set.
bool AsUnsignedLong(PyObject* v, unsigned long* out) {
  *out = PyLong_AsUnsignedLong(v);
  if (*out != static_cast<unsigned long>(-1) || !PyErr_Occurred()) return true;
  PyErr_Clear();
  const long value = PyLong_AsLong(v);
  if (value == -1 && PyErr_Occurred()) return false;
  *out = static_cast<unsigned long>(value);
  return true;
}

}  // namespace

extern "C" int PyMember_SetOne(char* obj_addr, PyMemberDef* l, PyObject* v) {
  char* addr = obj_addr + l->offset;
  if (l->flags & READONLY) {
    PyErr_SetString(PyExc_AttributeError, "readonly attribute");
    return -1;
  }
  if (v == nullptr) {
    if (l->type == T_OBJECT_EX) {
      if (*reinterpret_cast<PyObject**>(addr) == nullptr) {
        PyErr_SetString(PyExc_AttributeError, l->name);
        return -1;
      }
    } else if (l->type != T_OBJECT) {
      PyErr_SetString(PyExc_TypeError, "can't delete numeric/char attribute");
      return -1;
    }
  }
  long value;
  unsigned long uvalue;
  switch (l->type) {
    case T_BOOL:
      if (!PyBool_Check(v)) {
        PyErr_SetString(PyExc_TypeError, "attribute value type must be bool");
        return -1;
      }
      *addr = v == Py_True ? 1 : 0;
      return 0;
    case T_BYTE:
      if (!AsLong(v, &value)) return -1;
      *reinterpret_cast<signed char*>(addr) = static_cast<signed char>(value);
      return 0;
    case T_UBYTE:
      if (!AsLong(v, &value)) return -1;
      *reinterpret_cast<unsigned char*>(addr) = static_cast<unsigned char>(value);
      return 0;
    case T_SHORT:
      if (!AsLong(v, &value)) return -1;
      *reinterpret_cast<short*>(addr) = static_cast<short>(value);
      return 0;
    case T_USHORT:
      if (!AsLong(v, &value)) return -1;
      *reinterpret_cast<unsigned short*>(addr) = static_cast<unsigned short>(value);
      return 0;
    case T_INT:
      if (!AsLong(v, &value)) return -1;
      *reinterpret_cast<int*>(addr) = static_cast<int>(value);
      return 0;
    case T_UINT:
      if (!AsUnsignedLong(v, &uvalue)) return -1;
      *reinterpret_cast<unsigned int*>(addr) = static_cast<unsigned int>(uvalue);
      return 0;
    // CPython stores T_LONG, T_ULONG, T_PYSSIZET, T_DOUBLE, T_LONGLONG and T_ULONGLONG
    // before it checks the conversion: a failed one leaves -1 in the field.
    case T_LONG:
      value = PyLong_AsLong(v);
      *reinterpret_cast<long*>(addr) = value;
      return value == -1 && PyErr_Occurred() ? -1 : 0;
    case T_ULONG: {
      unsigned long* field = reinterpret_cast<unsigned long*>(addr);
      *field = PyLong_AsUnsignedLong(v);
      if (*field != static_cast<unsigned long>(-1) || !PyErr_Occurred()) return 0;
      PyErr_Clear();
      *field = static_cast<unsigned long>(PyLong_AsLong(v));
      return *field == static_cast<unsigned long>(-1) && PyErr_Occurred() ? -1 : 0;
    }
    case T_PYSSIZET: {
      const Py_ssize_t n = PyLong_AsSsize_t(v);
      *reinterpret_cast<Py_ssize_t*>(addr) = n;
      return n == -1 && PyErr_Occurred() ? -1 : 0;
    }
    case T_FLOAT: {
      const double d = PyFloat_AsDouble(v);
      if (d == -1 && PyErr_Occurred()) return -1;
      *reinterpret_cast<float*>(addr) = static_cast<float>(d);
      return 0;
    }
    case T_DOUBLE: {
      const double d = PyFloat_AsDouble(v);
      *reinterpret_cast<double*>(addr) = d;
      return d == -1 && PyErr_Occurred() ? -1 : 0;
    }
    case T_OBJECT:
    case T_OBJECT_EX: {
      PyObject** field = reinterpret_cast<PyObject**>(addr);
      PyObject* old = *field;
      *field = Py_XNewRef(v);
      Py_XDECREF(old);
      return 0;
    }
    case T_CHAR: {
      Py_ssize_t length = 0;
      const char* s = PyUnicode_Check(v) ? PyUnicode_AsUTF8AndSize(v, &length) : nullptr;
      if (s == nullptr || length != 1) {
        if (PyErr_Occurred()) PyErr_Clear();
        PyErr_BadArgument();
        return -1;
      }
      *addr = s[0];
      return 0;
    }
    case T_STRING:
    case T_STRING_INPLACE:
      PyErr_SetString(PyExc_TypeError, "readonly attribute");
      return -1;
    case T_LONGLONG: {
      const long long n = PyLong_AsLongLong(v);
      *reinterpret_cast<long long*>(addr) = n;
      return n == -1 && PyErr_Occurred() ? -1 : 0;
    }
    case T_ULONGLONG: {
      const unsigned long long n = PyLong_Check(v)
                                       ? PyLong_AsUnsignedLongLong(v)
                                       : static_cast<unsigned long long>(PyLong_AsLong(v));
      *reinterpret_cast<unsigned long long*>(addr) = n;
      return n == static_cast<unsigned long long>(-1) && PyErr_Occurred() ? -1 : 0;
    }
    default:
      PyErr_Format(PyExc_SystemError, "bad memberdescr type for %s", l->name);
      return -1;
  }
}
