// datetime.date (PyDateTime_Date) and the proleptic Gregorian calendar the module counts
// with: ordinals (day 1 = 0001-01-01) for date arithmetic, range checks with CPython's
// messages.
//
// Invariant: data[] holds a valid date of years 1..9999 (year big-endian in data[0..1],
// month, day), as datetime.h's GET macros read it.
//
// Provided: date(year, month, day), year/month/day, isoformat(), weekday(), toordinal(),
// repr/str, date +- timedelta, date - date, comparisons and hash.
//
// Threads: any attached thread; dates are immutable.
#include <cstdio>
#include <string>

#include "compat/runtime/datetime_types.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

constexpr int kDaysBeforeMonth[] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
constexpr int kMaxOrdinal = 3652059;  // 9999-12-31

bool IsLeap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysBeforeMonth(int year, int month) {
  return kDaysBeforeMonth[month] + (month > 2 && IsLeap(year) ? 1 : 0);
}

int DaysBeforeYear(int year) {
  const int y = year - 1;
  return y * 365 + y / 4 - y / 100 + y / 400;
}

PyDateTime_Date* AsDate(PyObject* op) { return reinterpret_cast<PyDateTime_Date*>(op); }

int Ordinal(PyObject* date) {
  return YmdToOrdinal(PyDateTime_GET_YEAR(date), PyDateTime_GET_MONTH(date),
                      PyDateTime_GET_DAY(date));
}

// The date `ordinal` of `type`, or OverflowError "date value out of range".
PyObject* DateFromOrdinal(long long ordinal, PyTypeObject* type) {
  if (ordinal < 1 || ordinal > kMaxOrdinal) {
    PyErr_SetString(PyExc_OverflowError, "date value out of range");
    return nullptr;
  }
  int year, month, day;
  OrdinalToYmd(static_cast<int>(ordinal), &year, &month, &day);
  return DateFromDate(year, month, day, type);
}

PyObject* DateNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"year", "month", "day", nullptr};
  int year, month, day;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "iii:date", const_cast<char**>(keywords), &year,
                                   &month, &day)) {
    return nullptr;
  }
  return DateFromDate(year, month, day, type);
}

PyObject* DateRepr(PyObject* self) {
  return PyUnicode_FromFormat("%s(%d, %d, %d)", Py_TYPE(self)->tp_name, PyDateTime_GET_YEAR(self),
                              PyDateTime_GET_MONTH(self), PyDateTime_GET_DAY(self));
}

PyObject* DateStr(PyObject* self) { return PyUnicode_FromString(DateIso(self).c_str()); }
PyObject* DateIsoFormat(PyObject* self, PyObject*) { return DateStr(self); }
PyObject* DateWeekday(PyObject* self, PyObject*) {
  return PyLong_FromLong((Ordinal(self) + 6) % 7);
}
PyObject* DateToOrdinal(PyObject* self, PyObject*) { return PyLong_FromLong(Ordinal(self)); }

Py_hash_t DateHash(PyObject* self) {
  PyDateTime_Date* d = AsDate(self);
  if (CachedHash(&d->hashcode) == -1) {
    PyObject* key = PyLong_FromLong(Ordinal(self));
    if (key == nullptr) return -1;
    const Py_hash_t hash = PyObject_Hash(key);
    Py_DECREF(key);
    CacheHash(&d->hashcode, hash);
  }
  return CachedHash(&d->hashcode);
}

// Dates compare with dates; a datetime's own comparison handles datetime operands (it is a
// subclass, so Python asks it first).
PyObject* DateRichCompare(PyObject* a, PyObject* b, int op) {
  if (!IsDate(b) || IsDateTime(a) || IsDateTime(b)) Py_RETURN_NOTIMPLEMENTED;
  const int x = Ordinal(a);
  const int y = Ordinal(b);
  Py_RETURN_RICHCOMPARE(x, y, op);
}

// date + timedelta (either order): whole days only, as CPython.
PyObject* DateAdd(PyObject* a, PyObject* b) {
  if (IsDateTime(a) || IsDateTime(b)) Py_RETURN_NOTIMPLEMENTED;
  if (IsDate(a) && IsDelta(b)) {
    return DateFromOrdinal(static_cast<long long>(Ordinal(a)) + PyDateTime_DELTA_GET_DAYS(b),
                           Py_TYPE(a));
  }
  if (IsDelta(a) && IsDate(b)) {
    return DateFromOrdinal(static_cast<long long>(Ordinal(b)) + PyDateTime_DELTA_GET_DAYS(a),
                           Py_TYPE(b));
  }
  Py_RETURN_NOTIMPLEMENTED;
}

PyObject* DateSubtract(PyObject* a, PyObject* b) {
  if (IsDateTime(a) || IsDateTime(b) || !IsDate(a)) Py_RETURN_NOTIMPLEMENTED;
  if (IsDate(b)) return NewDelta(Ordinal(a) - Ordinal(b), 0, 0, &g_delta_type);
  if (IsDelta(b)) {
    return DateFromOrdinal(static_cast<long long>(Ordinal(a)) - PyDateTime_DELTA_GET_DAYS(b),
                           Py_TYPE(a));
  }
  Py_RETURN_NOTIMPLEMENTED;
}

PyObject* GetYear(PyObject* self, void*) { return PyLong_FromLong(PyDateTime_GET_YEAR(self)); }
PyObject* GetMonth(PyObject* self, void*) { return PyLong_FromLong(PyDateTime_GET_MONTH(self)); }
PyObject* GetDay(PyObject* self, void*) { return PyLong_FromLong(PyDateTime_GET_DAY(self)); }

PyGetSetDef kDateGetSet[] = {
    {"year", &GetYear, nullptr, nullptr, nullptr},
    {"month", &GetMonth, nullptr, nullptr, nullptr},
    {"day", &GetDay, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMethodDef kDateMethods[] = {
    {"isoformat", &DateIsoFormat, METH_NOARGS, "Return string in ISO 8601 format, YYYY-MM-DD."},
    {"weekday", &DateWeekday, METH_NOARGS,
     "Return the day of the week represented by the date.\nMonday == 0 ... Sunday == 6"},
    {"toordinal", &DateToOrdinal, METH_NOARGS,
     "Return proleptic Gregorian ordinal.  January 1 of year 1 is day 1."},
    {nullptr, nullptr, 0, nullptr},
};

PyNumberMethods kDateNumber = {
    .nb_add = &DateAdd,
    .nb_subtract = &DateSubtract,
};

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month];
}

int YmdToOrdinal(int year, int month, int day) {
  return DaysBeforeYear(year) + DaysBeforeMonth(year, month) + day;
}

void OrdinalToYmd(int ordinal, int* year, int* month, int* day) {
  // Whole 400-, 100-, 4- and 1-year cycles, then the month from an estimate.
  int n = ordinal - 1;
  const int n400 = n / 146097;
  n %= 146097;
  const int n100 = n / 36524;
  n %= 36524;
  const int n4 = n / 1461;
  n %= 1461;
  const int n1 = n / 365;
  n %= 365;
  *year = n400 * 400 + n100 * 100 + n4 * 4 + n1 + 1;
  if (n1 == 4 || n100 == 4) {  // the last day of a leap cycle
    *year -= 1;
    *month = 12;
    *day = 31;
    return;
  }
  int m = (n + 50) >> 5;
  int preceding = DaysBeforeMonth(*year, m);
  if (preceding > n) {
    m -= 1;
    preceding -= DaysInMonth(*year, m);
  }
  *month = m;
  *day = n - preceding + 1;
}

bool CheckDateFields(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) {
    PyErr_Format(PyExc_ValueError, "year %i is out of range", year);
    return false;
  }
  if (month < 1 || month > 12) {
    PyErr_SetString(PyExc_ValueError, "month must be in 1..12");
    return false;
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    PyErr_SetString(PyExc_ValueError, "day is out of range for month");
    return false;
  }
  return true;
}

void SetDateData(unsigned char* data, int year, int month, int day) {
  data[0] = static_cast<unsigned char>(year >> 8);
  data[1] = static_cast<unsigned char>(year & 0xff);
  data[2] = static_cast<unsigned char>(month);
  data[3] = static_cast<unsigned char>(day);
}

PyObject* DateFromDate(int year, int month, int day, PyTypeObject* type) {
  if (type == nullptr || !PyType_IsSubtype(type, &g_date_type)) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  if (!CheckDateFields(year, month, day)) return nullptr;
  PyObject* op = NewDateTimeObject(type);
  if (op == nullptr) return nullptr;
  AsDate(op)->hashcode = -1;
  SetDateData(AsDate(op)->data, year, month, day);
  return Publish(op);
}

std::string DateIso(PyObject* date) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", PyDateTime_GET_YEAR(date),
                PyDateTime_GET_MONTH(date), PyDateTime_GET_DAY(date));
  return buffer;
}

PyTypeObject g_date_type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "datetime.date",
    .tp_basicsize = sizeof(PyDateTime_Date),
    .tp_repr = &DateRepr,
    .tp_as_number = &kDateNumber,
    .tp_hash = &DateHash,
    .tp_str = &DateStr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "date(year, month, day) --> date object",
    .tp_richcompare = &DateRichCompare,
    .tp_methods = kDateMethods,
    .tp_getset = kDateGetSet,
    .tp_new = &DateNew,
};

}  // namespace pinion::compat
