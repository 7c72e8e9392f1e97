/* CPython 3.11's private clock API (cpython/pytime.h), which widely vendored headers call
 * (pythoncapi_compat.h's PyTime_Monotonic, PyTime_Time, PyTime_PerfCounter): times are
 * _PyTime_t nanoseconds, read from clock_gettime as CPython reads them on Linux
 * (runtime/time.cc).
 *
 * Threads: any thread (nothing touches the heap; an error sets the calling thread's
 * exception, which needs an attached thread).
 */
#ifndef PINION_PYTHON_PYTIME_H_
#define PINION_PYTHON_PYTIME_H_

#include <stdint.h>

#include "pinion_python/port.h"

_PyPinion_EXTERN_C_BEGIN

#ifndef Py_LIMITED_API
typedef int64_t _PyTime_t;
#define _PyTime_MIN INT64_MIN
#define _PyTime_MAX INT64_MAX

/* What a clock is (time.get_clock_info()). */
typedef struct {
  const char* implementation;
  int monotonic;
  int adjustable;
  double resolution;
} _Py_clock_info_t;

/* t nanoseconds in seconds. */
PyAPI_FUNC(double) _PyTime_AsSecondsDouble(_PyTime_t t);
/* Read a clock into *t (and describe it in *info unless info is NULL): 0, or -1 with OSError
 * set. System: CLOCK_REALTIME; monotonic and perf counter: CLOCK_MONOTONIC. */
PyAPI_FUNC(int) _PyTime_GetSystemClockWithInfo(_PyTime_t* t, _Py_clock_info_t* info);
PyAPI_FUNC(int) _PyTime_GetMonotonicClockWithInfo(_PyTime_t* t, _Py_clock_info_t* info);
PyAPI_FUNC(int) _PyTime_GetPerfCounterWithInfo(_PyTime_t* t, _Py_clock_info_t* info);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYTIME_H_ */
