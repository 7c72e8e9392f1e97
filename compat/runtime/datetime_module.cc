// The builtin module "datetime": its six classes, MINYEAR/MAXYEAR, and the capsule
// "datetime.datetime_CAPI" holding the PyDateTime_CAPI table (datetime.h) that
// PyDateTime_IMPORT reads. import.cc finds it after the inittab (an inittab entry named
// "datetime" replaces it).
//
// Invariant: the table is static and constant after its (dynamic) initialisation; the types it
// names are readied by Py_Initialize (ReadyDateTimeTypes).
//
// Threads: any attached thread may import the module (import.cc keeps one per interpreter).
#include "compat/runtime/datetime_types.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

PyDateTime_CAPI g_capi = {
    .DateType = &g_date_type,
    .DateTimeType = &g_datetime_type,
    .TimeType = &g_time_type,
    .DeltaType = &g_delta_type,
    .TZInfoType = &g_tzinfo_type,
    .TimeZone_UTC = TimeZoneUtc(),  // static and immortal
    .Date_FromDate = &DateFromDate,
    .DateTime_FromDateAndTime = &DateTimeFromDateAndTime,
    .Time_FromTime = &TimeFromTime,
    .Delta_FromDelta = &DeltaFromDelta,
    .TimeZone_FromTimeZone = &TimeZoneFromTimeZone,
    .DateTime_FromTimestamp = &DateTimeFromTimestamp,
    .Date_FromTimestamp = &DateFromTimestamp,
    .DateTime_FromDateAndTimeAndFold = &DateTimeFromDateAndTimeAndFold,
    .Time_FromTimeAndFold = &TimeFromTimeAndFold,
};

PyModuleDef g_datetime_module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "datetime",
    .m_doc = "Fast implementation of the datetime type.",
    .m_size = -1,
};

}  // namespace

PyObject* InitDateTimeModule() {
  PyObject* module = PyModule_Create(&g_datetime_module);
  if (module == nullptr) return nullptr;
  const struct {
    const char* name;
    PyTypeObject* type;
  } kClasses[] = {{"date", &g_date_type},     {"datetime", &g_datetime_type},
                  {"time", &g_time_type},     {"timedelta", &g_delta_type},
                  {"tzinfo", &g_tzinfo_type}, {"timezone", &g_timezone_type}};
  for (const auto& entry : kClasses) {
    if (PyModule_AddObjectRef(module, entry.name, reinterpret_cast<PyObject*>(entry.type)) < 0) {
      Py_DECREF(module);
      return nullptr;
    }
  }
  PyObject* capsule = PyCapsule_New(&g_capi, PyDateTime_CAPSULE_NAME, nullptr);
  if (PyModule_AddIntConstant(module, "MINYEAR", kMinYear) < 0 ||
      PyModule_AddIntConstant(module, "MAXYEAR", kMaxYear) < 0 || capsule == nullptr ||
      PyModule_AddObjectRef(module, "datetime_CAPI", capsule) < 0) {
    Py_XDECREF(capsule);
    Py_DECREF(module);
    return nullptr;
  }
  Py_DECREF(capsule);
  return module;
}

}  // namespace pinion::compat
