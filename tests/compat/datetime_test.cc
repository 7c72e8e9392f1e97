// The datetime module's Pinion-only behaviour (compat/runtime/datetime_*.cc): it is a builtin
// module that every interpreter imports afresh, timezone.utc is static and outlives
// Py_Finalize, and datetimes and times keep their tzinfo alive through collections (they
// are GC objects that trace it). CPython-comparable behaviour is in the differential test
// tests/compat/differential/datetimes_driver.c.
#include "datetime.h"

#include <doctest/doctest.h>

#include <string>

#include "Python.h"
#include "tests/compat/py_test_support.h"

namespace pinion::py_test {
namespace {

// repr(o) as UTF-8, releasing o ("" on error, cleared).
std::string Repr(PyObject* o) {
  if (o == nullptr) {
    PyErr_Clear();
    return "";
  }
  PyObject* r = PyObject_Repr(o);
  Py_DECREF(o);
  if (r == nullptr) {
    PyErr_Clear();
    return "";
  }
  std::string out = PyUnicode_AsUTF8(r);
  Py_DECREF(r);
  return out;
}

TEST_CASE("datetime is imported afresh by each interpreter; timezone.utc outlives Py_Finalize") {
  PyObject* utc_before = nullptr;
  for (int round = 0; round < 2; ++round) {
    Interpreter interpreter;
    PyDateTime_IMPORT;
    REQUIRE(PyDateTimeAPI != nullptr);
    if (round == 0) utc_before = PyDateTime_TimeZone_UTC;
    CHECK(PyDateTime_TimeZone_UTC == utc_before);
    PyObject* module = PyImport_ImportModule("datetime");
    REQUIRE(module != nullptr);
    PyObject* timezone = PyObject_GetAttrString(module, "timezone");
    REQUIRE(timezone != nullptr);
    PyObject* utc = PyObject_GetAttrString(timezone, "utc");
    CHECK(utc == PyDateTime_TimeZone_UTC);
    Py_XDECREF(utc);
    Py_DECREF(timezone);
    Py_DECREF(module);
    CHECK(Repr(PyDateTimeAPI->DateTime_FromDateAndTime(
              2020, 1, 2, 3, 4, 5, 0, PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType)) ==
          "datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)");
  }
}

TEST_CASE("a datetime and a time keep their tzinfo (its only holder) through collections") {
  Interpreter interpreter;
  PyDateTime_IMPORT;
  REQUIRE(PyDateTimeAPI != nullptr);
  PyObject* offset = PyDelta_FromDSU(0, 3600, 0);
  PyObject* name = PyUnicode_FromString("CET");
  PyObject* zone = PyTimeZone_FromOffsetAndName(offset, name);
  REQUIRE(zone != nullptr);
  Py_DECREF(offset);
  Py_DECREF(name);
  PyObject* dt = PyDateTimeAPI->DateTime_FromDateAndTime(2021, 6, 7, 8, 9, 10, 11, zone,
                                                         PyDateTimeAPI->DateTimeType);
  PyObject* time = PyDateTimeAPI->Time_FromTime(1, 2, 3, 0, zone, PyDateTimeAPI->TimeType);
  REQUIRE(dt != nullptr);
  REQUIRE(time != nullptr);
  Py_DECREF(zone);  // the datetime and the time hold it now
  for (int i = 0; i < 4; ++i) PyGC_Collect();
  CHECK(PyDateTime_DATE_GET_TZINFO(dt) == PyDateTime_TIME_GET_TZINFO(time));
  CHECK(Str(dt) == "2021-06-07 08:09:10.000011+01:00");
  CHECK(Repr(PyObject_CallMethod(dt, "tzname", nullptr)) == "'CET'");
  CHECK(Str(time) == "01:02:03+01:00");
  Py_DECREF(dt);
  Py_DECREF(time);
}

TEST_CASE("the C API's constructors refuse a type that is not theirs (SystemError)") {
  Interpreter interpreter;
  PyDateTime_IMPORT;
  REQUIRE(PyDateTimeAPI != nullptr);
  CHECK(PyDateTimeAPI->Date_FromDate(2020, 1, 1, PyDateTimeAPI->DeltaType) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(PyDateTimeAPI->Delta_FromDelta(1, 0, 0, 1, &PyLong_Type) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(PyDateTimeAPI->Time_FromTime(0, 0, 0, 0, nullptr, PyDateTimeAPI->TimeType) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
}

}  // namespace
}  // namespace pinion::py_test
