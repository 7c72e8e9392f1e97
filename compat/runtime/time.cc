// CPython 3.11's private clocks (pytime.h): clock_gettime in nanoseconds, described as
// CPython describes them on Linux (time.get_clock_info()).
//
// Owns: nothing. Threads: any thread; errors need an attached one (they set an exception).
#include <cerrno>
#include <cstring>
#include <ctime>

#include "Python.h"

namespace {

int Read(clockid_t clock, const char* implementation, bool monotonic, _PyTime_t* t,
         _Py_clock_info_t* info) {
  timespec now{};
  if (clock_gettime(clock, &now) != 0) {
    const int error = errno;
    PyErr_Format(PyExc_OSError, "[Errno %d] %s", error, std::strerror(error));
    return -1;
  }
  *t = static_cast<_PyTime_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
  if (info != nullptr) {
    timespec resolution{};
    info->implementation = implementation;
    info->monotonic = monotonic;
    info->adjustable = !monotonic;
    info->resolution = clock_getres(clock, &resolution) == 0
                           ? static_cast<double>(resolution.tv_sec) + resolution.tv_nsec * 1e-9
                           : 1e-9;
  }
  return 0;
}

}  // namespace

extern "C" double _PyTime_AsSecondsDouble(_PyTime_t t) {
  // As CPython: exact for whole seconds, then the remainder.
  if (t % 1000000000 == 0) return static_cast<double>(t / 1000000000);
  return static_cast<double>(t) / 1e9;
}

extern "C" int _PyTime_GetSystemClockWithInfo(_PyTime_t* t, _Py_clock_info_t* info) {
  return Read(CLOCK_REALTIME, "clock_gettime(CLOCK_REALTIME)", false, t, info);
}

extern "C" int _PyTime_GetMonotonicClockWithInfo(_PyTime_t* t, _Py_clock_info_t* info) {
  return Read(CLOCK_MONOTONIC, "clock_gettime(CLOCK_MONOTONIC)", true, t, info);
}

extern "C" int _PyTime_GetPerfCounterWithInfo(_PyTime_t* t, _Py_clock_info_t* info) {
  return _PyTime_GetMonotonicClockWithInfo(t, info);
}
