// sys.float_info and sys.thread_info as C code gets them: PyFloat_GetInfo (floatobject.h)
// and PyThread_GetInfo (pythread.h), struct sequences with CPython 3.11's fields.
//
// Each call makes its struct sequence type afresh (PyStructSequence_NewType: a heap type the
// collector reclaims with its instances), so no process-wide type needs initialising under a
// lock; the values are CPython's on this platform (float.h) and Pinion's own thread support.
//
// Threads: any attached thread.
#include <cfloat>
#include <unistd.h>

#include "compat/runtime/runtime.h"

namespace {

// A new instance of a struct sequence type made from `desc`, its fields from `values`
// (new references, stolen; NULL when making one failed).
PyObject* MakeInfo(PyStructSequence_Desc* desc, PyObject* const* values, int n) {
  PyTypeObject* type = PyStructSequence_NewType(desc);
  PyObject* info = type != nullptr ? PyStructSequence_New(type) : nullptr;
  Py_XDECREF(type);  // the instance holds its type
  bool ok = info != nullptr;
  for (int i = 0; i < n; ++i) {
    if (values[i] == nullptr) ok = false;
    if (info != nullptr) {
      PyStructSequence_SetItem(info, i, values[i]);
    } else {
      Py_XDECREF(values[i]);
    }
  }
  if (!ok) Py_CLEAR(info);
  return info;
}

PyStructSequence_Field kFloatInfoFields[] = {
    {"max", "DBL_MAX -- maximum representable finite float"},
    {"max_exp", "DBL_MAX_EXP -- maximum int e such that radix**(e-1) is representable"},
    {"max_10_exp", "DBL_MAX_10_EXP -- maximum int e such that 10**e is representable"},
    {"min", "DBL_MIN -- Minimum positive normalized float"},
    {"min_exp", "DBL_MIN_EXP -- minimum int e such that radix**(e-1) is a normalized float"},
    {"min_10_exp", "DBL_MIN_10_EXP -- minimum int e such that 10**e is a normalized float"},
    {"dig", "DBL_DIG -- maximum number of decimal digits that can be faithfully represented in a float"},
    {"mant_dig", "DBL_MANT_DIG -- mantissa digits"},
    {"epsilon", "DBL_EPSILON -- Difference between 1 and the next representable float"},
    {"radix", "FLT_RADIX -- radix of exponent"},
    {"rounds", "FLT_ROUNDS -- rounding mode used for arithmetic operations"},
    {nullptr, nullptr},
};

PyStructSequence_Desc kFloatInfoDesc = {
    "sys.float_info",
    "sys.float_info\n\nA named tuple holding information about the float type. It contains low level\n"
    "information about the precision and internal representation. Please study\n"
    "your system's :file:`float.h` for more information.",
    kFloatInfoFields, 11};

PyStructSequence_Field kThreadInfoFields[] = {
    {"name", "name of the thread implementation"},
    {"lock", "name of the lock implementation"},
    {"version", "name and version of the thread library"},
    {nullptr, nullptr},
};

PyStructSequence_Desc kThreadInfoDesc = {"sys.thread_info", "sys.thread_info\n\nA named tuple holding information about the thread implementation.",
                                         kThreadInfoFields, 3};

}  // namespace

extern "C" PyObject* PyFloat_GetInfo(void) {
  PyObject* values[] = {
      PyFloat_FromDouble(DBL_MAX),       PyLong_FromLong(DBL_MAX_EXP),
      PyLong_FromLong(DBL_MAX_10_EXP),   PyFloat_FromDouble(DBL_MIN),
      PyLong_FromLong(DBL_MIN_EXP),      PyLong_FromLong(DBL_MIN_10_EXP),
      PyLong_FromLong(DBL_DIG),          PyLong_FromLong(DBL_MANT_DIG),
      PyFloat_FromDouble(DBL_EPSILON),   PyLong_FromLong(FLT_RADIX),
      PyLong_FromLong(FLT_ROUNDS),
  };
  return MakeInfo(&kFloatInfoDesc, values, 11);
}

extern "C" PyObject* PyThread_GetInfo(void) {
  // The C library's thread version ("NPTL 2.36"), as CPython reads it; None if unknown.
  char version[128];
  const size_t length = confstr(_CS_GNU_LIBPTHREAD_VERSION, version, sizeof(version));
  PyObject* values[] = {
      PyUnicode_FromString("pthread"),
      // Pinion's locks are a mutex and a condition variable (CPython's Linux build: semaphores).
      PyUnicode_FromString("mutex+cond"),
      length > 1 && length <= sizeof(version) ? PyUnicode_FromString(version) : Py_NewRef(Py_None),
  };
  return MakeInfo(&kThreadInfoDesc, values, 3);
}
