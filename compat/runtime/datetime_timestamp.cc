// POSIX timestamps into datetimes and dates: the C API's DateTime_FromTimestamp and
// Date_FromTimestamp (datetime.fromtimestamp(t, tz=None), date.fromtimestamp(t)).
//
// As CPython 3.11: a float timestamp is split into seconds and microseconds rounded half to
// even (a date's is floored); a naive result is local time (localtime_r, the process's TZ);
// with tz, the UTC time (gmtime_r) is given tz and passed through tz.fromutc(). Leap seconds
// (second 60) are clamped to 59.
//
// Threads: any attached thread (localtime_r/gmtime_r are reentrant).
#include <cmath>
#include <ctime>

#include "compat/runtime/datetime_types.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

// `timestamp` (an int or a float) as whole seconds and microseconds (0 <= *us < 10**6),
// rounded half to even (`floor`: towards minus infinity); false with CPython's exception.
bool SplitTimestamp(PyObject* timestamp, bool floor, time_t* seconds, int* us) {
  if (PyFloat_Check(timestamp)) {
    const double d = PyFloat_AsDouble(timestamp);
    if (std::isnan(d)) {
      PyErr_SetString(PyExc_ValueError, "Invalid value NaN (not a number)");
      return false;
    }
    double whole;
    double fraction = std::modf(d, &whole) * 1e6;
    fraction = floor ? std::floor(fraction) : std::nearbyint(fraction);  // half-even mode
    if (fraction >= 1e6) {
      fraction -= 1e6;
      whole += 1;
    } else if (fraction < 0) {
      fraction += 1e6;
      whole -= 1;
    }
    if (!(whole >= -9.2e18 && whole <= 9.2e18)) {
      PyErr_SetString(PyExc_OverflowError, "timestamp out of range for platform time_t");
      return false;
    }
    *seconds = static_cast<time_t>(whole);
    *us = floor ? 0 : static_cast<int>(fraction);
    return true;
  }
  const long long value = PyLong_AsLongLong(timestamp);
  if (value == -1 && PyErr_Occurred()) {
    if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
      PyErr_SetString(PyExc_OverflowError, "timestamp out of range for platform time_t");
    }
    return false;
  }
  *seconds = static_cast<time_t>(value);
  *us = 0;
  return true;
}

// The broken-down time of `seconds`, local or UTC; false with OverflowError.
bool BreakDown(time_t seconds, bool local, std::tm* tm) {
  if ((local ? localtime_r(&seconds, tm) : gmtime_r(&seconds, tm)) == nullptr) {
    PyErr_SetString(PyExc_OverflowError, "timestamp out of range for platform time_t");
    return false;
  }
  if (tm->tm_sec > 59) tm->tm_sec = 59;
  return true;
}

}  // namespace

PyObject* DateTimeFromTimestamp(PyObject* cls, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"timestamp", "tz", nullptr};
  PyObject* timestamp;
  PyObject* tz = Py_None;
  if (cls == nullptr || !PyType_Check(cls) ||
      !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(cls), &g_datetime_type)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:fromtimestamp", const_cast<char**>(keywords),
                                   &timestamp, &tz) ||
      !CheckTzInfoArg(tz)) {
    return nullptr;
  }
  time_t seconds;
  int us;
  std::tm tm;
  if (!SplitTimestamp(timestamp, /*floor=*/false, &seconds, &us) ||
      !BreakDown(seconds, /*local=*/tz == Py_None, &tm)) {
    return nullptr;
  }
  PyObject* dt =
      DateTimeFromDateAndTime(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, us, tz, reinterpret_cast<PyTypeObject*>(cls));
  if (dt == nullptr || tz == Py_None) return dt;
  PyObject* local = PyObject_CallMethod(tz, "fromutc", "O", dt);
  Py_DECREF(dt);
  return local;
}

PyObject* DateFromTimestamp(PyObject* cls, PyObject* args) {
  PyObject* timestamp;
  if (cls == nullptr || !PyType_Check(cls) ||
      !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(cls), &g_date_type)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (!PyArg_ParseTuple(args, "O:fromtimestamp", &timestamp)) return nullptr;
  time_t seconds;
  int us;
  std::tm tm;
  if (!SplitTimestamp(timestamp, /*floor=*/true, &seconds, &us) ||
      !BreakDown(seconds, /*local=*/true, &tm)) {
    return nullptr;
  }
  return DateFromDate(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      reinterpret_cast<PyTypeObject*>(cls));
}

}  // namespace pinion::compat
