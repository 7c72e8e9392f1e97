// Internals the datetime module's files share (not part of the C API): the six types, the
// constructors the C API table points to, the proleptic Gregorian calendar and the tzinfo
// protocol's checked calls.
//
//   datetime_delta.cc     timedelta: normalisation, repr/str, arithmetic, comparison
//   datetime_date.cc      date and the calendar (ordinals)
//   datetime_datetime.cc  datetime: fields, tzinfo, offsets, arithmetic, comparison
//   datetime_time.cc      time
//   datetime_tz.cc        tzinfo (abstract) and timezone (fixed offsets, timezone.utc)
//   datetime_timestamp.cc POSIX timestamps into datetimes and dates
//   datetime_module.cc    the builtin module "datetime" and its capsule
//
// The object layouts are datetime.h's (CPython's). Every object is immutable once its
// constructor returns. datetime, time and timezone hold references (tzinfo, offset, name) and
// are GC types; timedelta and date hold none.
//
// Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_DATETIME_TYPES_H_
#define PINION_COMPAT_RUNTIME_DATETIME_TYPES_H_

#include <string>

#include "Python.h"
#define _PY_DATETIME_IMPL
#include "datetime.h"

namespace pinion::compat {

extern PyTypeObject g_date_type;
extern PyTypeObject g_datetime_type;
extern PyTypeObject g_time_type;
extern PyTypeObject g_delta_type;
extern PyTypeObject g_tzinfo_type;
extern PyTypeObject g_timezone_type;

// timezone.utc: made by the module's first import, immortal afterwards (pinned forever).
PyObject* TimeZoneUtc();

constexpr int kMaxDeltaDays = 999999999;
constexpr int kMinYear = 1;
constexpr int kMaxYear = 9999;
constexpr long long kUsPerSecond = 1000000;
constexpr long long kSecondsPerDay = 86400;
constexpr long long kUsPerDay = kSecondsPerDay * kUsPerSecond;

inline bool IsDelta(PyObject* o) { return PyObject_TypeCheck(o, &g_delta_type); }
inline bool IsDate(PyObject* o) { return PyObject_TypeCheck(o, &g_date_type); }
inline bool IsDateTime(PyObject* o) { return PyObject_TypeCheck(o, &g_datetime_type); }
inline bool IsTime(PyObject* o) { return PyObject_TypeCheck(o, &g_time_type); }
inline bool IsTzInfo(PyObject* o) { return PyObject_TypeCheck(o, &g_tzinfo_type); }

// The hash cache (`hashcode`, -1 until computed): relaxed atomics, as two threads may hash
// one object at once (both store the same value).
inline Py_hash_t CachedHash(const Py_hash_t* slot) {
  return __atomic_load_n(slot, __ATOMIC_RELAXED);
}
inline Py_hash_t CacheHash(Py_hash_t* slot, Py_hash_t hash) {
  __atomic_store_n(slot, hash, __ATOMIC_RELAXED);
  return hash;
}

// ---- Allocation ---------------------------------------------------------------------------

// A zeroed object of `type` (one of the six or a subtype), untracked; nullptr with an
// exception. Finish with Publish once its fields are set.
PyObject* NewDateTimeObject(PyTypeObject* type);
// Tracks `op` if its type is a GC type; returns it.
PyObject* Publish(PyObject* op);

// ---- timedelta (datetime_delta.cc) --------------------------------------------------------

// A timedelta of days + seconds + us (each any size), normalised so that 0 <= seconds <
// 86400 and 0 <= microseconds < 10**6; OverflowError "days=N; must have magnitude <=
// 999999999" beyond the range.
PyObject* NewDelta(__int128 days, __int128 seconds, __int128 us, PyTypeObject* type);
// The timedelta of `us` microseconds, normalised.
inline PyObject* DeltaFromUs(__int128 us) { return NewDelta(0, 0, us, &g_delta_type); }
// The delta's total microseconds.
__int128 DeltaToUs(PyObject* delta);
// The C API's Delta_FromDelta (normalize is ignored: Pinion always normalises).
PyObject* DeltaFromDelta(int days, int seconds, int us, int normalize, PyTypeObject* type);

// ---- Calendar (datetime_date.cc) ----------------------------------------------------------

int DaysInMonth(int year, int month);
// Day 1 is 0001-01-01.
int YmdToOrdinal(int year, int month, int day);
void OrdinalToYmd(int ordinal, int* year, int* month, int* day);
// ValueError as CPython's ("year 0 is out of range", "month must be in 1..12", "day is out
// of range for month"); false with it set.
bool CheckDateFields(int year, int month, int day);
// ValueError "hour must be in 0..23"... and "fold must be either 0 or 1".
bool CheckTimeFields(int hour, int minute, int second, int us, int fold);
// TypeError unless `tzinfo` is None or a tzinfo.
bool CheckTzInfoArg(PyObject* tzinfo);

PyObject* DateFromDate(int year, int month, int day, PyTypeObject* type);
void SetDateData(unsigned char* data, int year, int month, int day);
// "YYYY-MM-DD".
std::string DateIso(PyObject* date);

// ---- datetime and time (datetime_datetime.cc, datetime_time.cc) ---------------------------

PyObject* DateTimeFromDateAndTimeAndFold(int year, int month, int day, int hour, int minute,
                                         int second, int us, PyObject* tzinfo, int fold,
                                         PyTypeObject* type);
PyObject* DateTimeFromDateAndTime(int year, int month, int day, int hour, int minute, int second,
                                  int us, PyObject* tzinfo, PyTypeObject* type);
PyObject* TimeFromTimeAndFold(int hour, int minute, int second, int us, PyObject* tzinfo, int fold,
                              PyTypeObject* type);
PyObject* TimeFromTime(int hour, int minute, int second, int us, PyObject* tzinfo,
                       PyTypeObject* type);
// The C API's timestamp constructors (datetime_timestamp.cc): datetime.fromtimestamp(t,
// tz=None) with args (t[, tz]) and kwargs, date.fromtimestamp(t) with args (t,).
PyObject* DateTimeFromTimestamp(PyObject* type, PyObject* args, PyObject* kwargs);
PyObject* DateFromTimestamp(PyObject* type, PyObject* args);

// "HH:MM:SS" and ".ffffff" when us is not 0.
std::string TimeIso(int hour, int minute, int second, int us);

// ---- The tzinfo protocol (datetime_tz.cc) -------------------------------------------------

// tzinfo.utcoffset(arg) (name "utcoffset" or "dst"), checked as CPython's: None or a
// timedelta strictly within a day (TypeError/ValueError otherwise). A new reference to None
// or the timedelta; Py_None when `tzinfo` is None; nullptr with an exception.
PyObject* CallOffset(PyObject* tzinfo, const char* name, PyObject* arg);
// "+HH:MM" (":SS" and ".ffffff" when not 0) of `offset`, a timedelta; sep between fields.
std::string FormatOffset(PyObject* offset, const char* sep);
// The C API's TimeZone_FromTimeZone: timezone(offset[, name]).
PyObject* TimeZoneFromTimeZone(PyObject* offset, PyObject* name);

// ---- The clock fields of time and datetime --------------------------------------------------

// The read-only attributes hour, minute, second, microsecond, tzinfo and fold of a T, whose
// clock bytes start at data[kHour] (a time: 0; a datetime: 4, after the date): both types'
// tp_getset.
template <typename T, int kHour>
struct ClockFields {
  static const unsigned char* Clock(PyObject* o) { return reinterpret_cast<T*>(o)->data + kHour; }
  static PyObject* Hour(PyObject* o, void*) { return PyLong_FromLong(Clock(o)[0]); }
  static PyObject* Minute(PyObject* o, void*) { return PyLong_FromLong(Clock(o)[1]); }
  static PyObject* Second(PyObject* o, void*) { return PyLong_FromLong(Clock(o)[2]); }
  static PyObject* Microsecond(PyObject* o, void*) {
    const unsigned char* c = Clock(o);
    return PyLong_FromLong((c[3] << 16) | (c[4] << 8) | c[5]);
  }
  static PyObject* TzInfo(PyObject* o, void*) {
    T* t = reinterpret_cast<T*>(o);
    return Py_NewRef(t->hastzinfo ? t->tzinfo : Py_None);
  }
  static PyObject* Fold(PyObject* o, void*) {
    return PyLong_FromLong(reinterpret_cast<T*>(o)->fold);
  }
  static inline PyGetSetDef kGetSet[] = {
      {"hour", &Hour, nullptr, nullptr, nullptr},
      {"minute", &Minute, nullptr, nullptr, nullptr},
      {"second", &Second, nullptr, nullptr, nullptr},
      {"microsecond", &Microsecond, nullptr, nullptr, nullptr},
      {"tzinfo", &TzInfo, nullptr, nullptr, nullptr},
      {"fold", &Fold, nullptr, nullptr, nullptr},
      {nullptr, nullptr, nullptr, nullptr, nullptr},
  };
};

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_DATETIME_TYPES_H_
