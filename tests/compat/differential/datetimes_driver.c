/* Drives tests/compat/modules/datetimes.c: the datetime C API as ciso8601 and pendulum use
 * it (constructors, GET macros, type checks, offsets through a C tzinfo subclass), and the
 * objects it makes: reprs, str, fields, comparisons, arithmetic and CPython's errors. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_datetimes(void);

/* module.name(*args) as a new reference, or NULL with the exception cleared (for building
 * operands). */
static PyObject* make(PyObject* module, const char* name, PyObject* args) {
  PyObject* result = call(module, name, args);
  if (result == NULL) PyErr_Clear();
  return result;
}

#define NAIVE(y, mo, d, h, mi, s, us) \
  make(module, "naive", Py_BuildValue("(iiiiiii)", y, mo, d, h, mi, s, us))
#define DELTA(d, s, us) make(module, "delta", Py_BuildValue("(iii)", d, s, us))
#define TZ(seconds) make(module, "tz", Py_BuildValue("(i)", seconds))
#define DATE(y, mo, d) make(module, "date", Py_BuildValue("(iii)", y, mo, d))

/* Prints op(a, symbol, b) under `label`; steals a and b. */
static void show_op(PyObject* module, const char* label, PyObject* a, const char* symbol,
                    PyObject* b) {
  if (a == NULL || b == NULL) {
    out("%s: (operand failed)\n", label);
    Py_XDECREF(a);
    Py_XDECREF(b);
    return;
  }
  show(label, call(module, "op", Py_BuildValue("(NsN)", a, symbol, b)));
}

/* Prints the repr, str and fields of `o` under `label`; steals o. */
static void show_object(PyObject* module, const char* label, PyObject* o) {
  if (o == NULL) {
    show(label, NULL);
    return;
  }
  char text[200];
  snprintf(text, sizeof(text), "str %s", label);
  show(text, call(module, "str", Py_BuildValue("(O)", o)));
  snprintf(text, sizeof(text), "fields %s", label);
  show(text, call(module, "fields", Py_BuildValue("(O)", o)));
  show(label, o);
}

static void drive(PyObject* module) {
  SHOW_CALL(module, "module_attrs", "()", NULL);
  SHOW_CALL(module, "utc", "()", NULL);

  /* Constructors, as ciso8601 and pendulum call them. */
  show_object(module, "date(2020, 1, 2)", DATE(2020, 1, 2));
  show_object(module, "date(2024, 2, 29)", DATE(2024, 2, 29));
  show_object(module, "date(1, 1, 1)", DATE(1, 1, 1));
  show_object(module, "date(9999, 12, 31)", DATE(9999, 12, 31));
  SHOW_CALL(module, "date", "(0, 1, 1)", Py_BuildValue("(iii)", 0, 1, 1));
  SHOW_CALL(module, "date", "(10000, 1, 1)", Py_BuildValue("(iii)", 10000, 1, 1));
  SHOW_CALL(module, "date", "(2020, 13, 1)", Py_BuildValue("(iii)", 2020, 13, 1));
  SHOW_CALL(module, "date", "(2020, 0, 1)", Py_BuildValue("(iii)", 2020, 0, 1));
  SHOW_CALL(module, "date", "(2021, 2, 29)", Py_BuildValue("(iii)", 2021, 2, 29));
  SHOW_CALL(module, "date", "(1900, 2, 29)", Py_BuildValue("(iii)", 1900, 2, 29));
  SHOW_CALL(module, "date", "(2020, 4, 31)", Py_BuildValue("(iii)", 2020, 4, 31));

  show_object(module, "naive(2020, 1, 2, 3, 4, 5, 6)", NAIVE(2020, 1, 2, 3, 4, 5, 6));
  show_object(module, "naive(2020, 1, 2, 3, 4, 5, 0)", NAIVE(2020, 1, 2, 3, 4, 5, 0));
  show_object(module, "naive(2020, 1, 2, 0, 0, 0, 0)", NAIVE(2020, 1, 2, 0, 0, 0, 0));
  show_object(module, "naive(2020, 1, 2, 23, 59, 0, 999999)", NAIVE(2020, 1, 2, 23, 59, 0, 999999));
  SHOW_CALL(module, "naive", "(2020, 1, 1, 24, 0, 0, 0)",
            Py_BuildValue("(iiiiiii)", 2020, 1, 1, 24, 0, 0, 0));
  SHOW_CALL(module, "naive", "(2020, 1, 1, 1, 60, 0, 0)",
            Py_BuildValue("(iiiiiii)", 2020, 1, 1, 1, 60, 0, 0));
  SHOW_CALL(module, "naive", "(2020, 1, 1, 1, 1, 60, 0)",
            Py_BuildValue("(iiiiiii)", 2020, 1, 1, 1, 1, 60, 0));
  SHOW_CALL(module, "naive", "(2020, 1, 1, 1, 1, 1, 1000000)",
            Py_BuildValue("(iiiiiii)", 2020, 1, 1, 1, 1, 1, 1000000));
  SHOW_CALL(module, "naive", "(2020, 1, 1, -1, 1, 1, 0)",
            Py_BuildValue("(iiiiiii)", 2020, 1, 1, -1, 1, 1, 0));
  SHOW_CALL(module, "naive", "(2020, 2, 30, 1, 1, 1, 0)",
            Py_BuildValue("(iiiiiii)", 2020, 2, 30, 1, 1, 1, 0));

  show_object(module, "aware(2020, 1, 2, 3, 4, 5, 0, utc)",
              make(module, "aware",
                   Py_BuildValue("(iiiiiiiN)", 2020, 1, 2, 3, 4, 5, 0, make(module, "utc", NULL))));
  show_object(module, "aware(2020, 1, 2, 3, 4, 5, 6, tz(-18007, 'EST'), 1)",
              make(module, "aware",
                   Py_BuildValue("(iiiiiiiNi)", 2020, 1, 2, 3, 4, 5, 6,
                                 make(module, "tz", Py_BuildValue("(is)", -18007, "EST")), 1)));
  show_object(
      module, "aware(2020, 6, 1, 12, 0, 0, 0, tz(19800))",
      make(module, "aware", Py_BuildValue("(iiiiiiiN)", 2020, 6, 1, 12, 0, 0, 0, TZ(19800))));
  show_object(module, "aware(2020, 6, 1, 12, 0, 0, 0, fixed(3600))",
              make(module, "aware",
                   Py_BuildValue("(iiiiiiiN)", 2020, 6, 1, 12, 0, 0, 0,
                                 make(module, "fixed", Py_BuildValue("(i)", 3600)))));
  SHOW_CALL(module, "aware", "(2020, 1, 1, 0, 0, 0, 0, 5)",
            Py_BuildValue("(iiiiiiii)", 2020, 1, 1, 0, 0, 0, 0, 5));
  SHOW_CALL(module, "aware", "(2020, 1, 1, 0, 0, 0, 0, None, 2)",
            Py_BuildValue("(iiiiiiiOi)", 2020, 1, 1, 0, 0, 0, 0, Py_None, 2));
  show_object(
      module, "datetime_fold(2020, 11, 1, 1, 30, 0, 0, 1)",
      make(module, "datetime_fold", Py_BuildValue("(iiiiiiii)", 2020, 11, 1, 1, 30, 0, 0, 1)));

  show_object(module, "time(3, 4, 5, 6)",
              make(module, "time", Py_BuildValue("(iiii)", 3, 4, 5, 6)));
  show_object(module, "time(3, 4, 0, 0)",
              make(module, "time", Py_BuildValue("(iiii)", 3, 4, 0, 0)));
  show_object(module, "time(23, 59, 59, 0, tz(3600, 'CET'))",
              make(module, "time",
                   Py_BuildValue("(iiiiN)", 23, 59, 59, 0,
                                 make(module, "tz", Py_BuildValue("(is)", 3600, "CET")))));
  show_object(
      module, "time(1, 2, 3, 4, utc, 1)",
      make(module, "time", Py_BuildValue("(iiiiNi)", 1, 2, 3, 4, make(module, "utc", NULL), 1)));
  show_object(module, "time_fold(1, 2, 3, 0, 1)",
              make(module, "time_fold", Py_BuildValue("(iiiii)", 1, 2, 3, 0, 1)));
  SHOW_CALL(module, "time", "(24, 0, 0, 0)", Py_BuildValue("(iiii)", 24, 0, 0, 0));
  SHOW_CALL(module, "time", "(0, 0, 0, 0, 1)", Py_BuildValue("(iiiii)", 0, 0, 0, 0, 1));
  SHOW_CALL(module, "time_fold", "(0, 0, 0, 0, 2)", Py_BuildValue("(iiiii)", 0, 0, 0, 0, 2));

  /* timedelta: normalisation, repr and str, range. */
  show_object(module, "delta(0, 0, 0)", DELTA(0, 0, 0));
  show_object(module, "delta(1, 0, 0)", DELTA(1, 0, 0));
  show_object(module, "delta(0, -1, 0)", DELTA(0, -1, 0));
  show_object(module, "delta(0, 0, -1)", DELTA(0, 0, -1));
  show_object(module, "delta(-1, 5, 7)", DELTA(-1, 5, 7));
  show_object(module, "delta(2, 90061, 1000001)", DELTA(2, 90061, 1000001));
  show_object(module, "delta(0, 3600, 0)", DELTA(0, 3600, 0));
  show_object(module, "delta(-3, -90000, -2500000)", DELTA(-3, -90000, -2500000));
  show_object(module, "delta(999999999, 86399, 999999)", DELTA(999999999, 86399, 999999));
  show_object(module, "delta(-999999999, 0, 0)", DELTA(-999999999, 0, 0));
  SHOW_CALL(module, "delta", "(1000000000, 0, 0)", Py_BuildValue("(iii)", 1000000000, 0, 0));
  SHOW_CALL(module, "delta", "(-999999999, -1, 0)", Py_BuildValue("(iii)", -999999999, -1, 0));
  SHOW_CALL(module, "delta", "(999999999, 86400, 0)", Py_BuildValue("(iii)", 999999999, 86400, 0));
  SHOW_CALL(module, "method", "(delta(1, 1, 1), 'total_seconds')",
            Py_BuildValue("(Ns)", DELTA(1, 1, 1), "total_seconds"));
  SHOW_CALL(module, "method", "(delta(0, -1, 0), 'total_seconds')",
            Py_BuildValue("(Ns)", DELTA(0, -1, 0), "total_seconds"));
  SHOW_CALL(module, "new", "('timedelta', (), {'hours': 25, 'milliseconds': -1})",
            Py_BuildValue("(s(){s:i,s:i})", "timedelta", "hours", 25, "milliseconds", -1));
  SHOW_CALL(module, "new", "('timedelta', (1, 2, 3, 4, 5, 6, 7))",
            Py_BuildValue("(s(iiiiiii))", "timedelta", 1, 2, 3, 4, 5, 6, 7));
  SHOW_CALL(module, "new", "('timedelta', (1000000000,))",
            Py_BuildValue("(s(i))", "timedelta", 1000000000));

  /* Time zones. */
  show_object(module, "tz(0)", TZ(0));
  show_object(module, "tz(3600)", TZ(3600));
  show_object(module, "tz(-3600)", TZ(-3600));
  show_object(module, "tz(3630)", TZ(3630));
  show_object(module, "tz(0, 'UTC')", make(module, "tz", Py_BuildValue("(is)", 0, "UTC")));
  show_object(module, "tz(-18000, 'EST')",
              make(module, "tz", Py_BuildValue("(is)", -18000, "EST")));
  SHOW_CALL(module, "tz", "(86400)", Py_BuildValue("(i)", 86400));
  SHOW_CALL(module, "tz", "(-86400)", Py_BuildValue("(i)", -86400));
  SHOW_CALL(module, "tz", "(86399)", Py_BuildValue("(i)", 86399));
  /* CPython reads an int's memory as a timedelta's (its fields are not checked: whatever
   * the bytes hold); Pinion raises TypeError, as timezone(5) does. */
  show("[differs] tz_of(5)", call(module, "tz_of", Py_BuildValue("(i)", 5)));
  SHOW_CALL(module, "method", "(tz(3600), 'tzname', None)",
            Py_BuildValue("(NsO)", TZ(3600), "tzname", Py_None));
  SHOW_CALL(module, "method", "(tz(-5400), 'tzname', None)",
            Py_BuildValue("(NsO)", TZ(-5400), "tzname", Py_None));
  SHOW_CALL(module, "method", "(tz(3600), 'utcoffset', None)",
            Py_BuildValue("(NsO)", TZ(3600), "utcoffset", Py_None));
  SHOW_CALL(module, "method", "(tz(3600), 'dst', None)",
            Py_BuildValue("(NsO)", TZ(3600), "dst", Py_None));
  SHOW_CALL(module, "method", "(tz(3600), 'utcoffset', 5)",
            Py_BuildValue("(Nsi)", TZ(3600), "utcoffset", 5));
  SHOW_CALL(module, "method", "(utc, 'utcoffset', naive(...))",
            Py_BuildValue("(NsN)", make(module, "utc", NULL), "utcoffset",
                          NAIVE(2020, 1, 1, 0, 0, 0, 0)));
  SHOW_CALL(module, "new", "('timezone', (delta(0, 7200, 0), 'X'))",
            Py_BuildValue("(s(Ns))", "timezone", DELTA(0, 7200, 0), "X"));
  SHOW_CALL(module, "new", "('timezone', (5,))", Py_BuildValue("(s(i))", "timezone", 5));
  SHOW_CALL(module, "new", "('timezone', (delta(1, 0, 0),))",
            Py_BuildValue("(s(N))", "timezone", DELTA(1, 0, 0)));
  SHOW_CALL(module, "new", "('timezone', (delta(0, 0, 0),))",
            Py_BuildValue("(s(N))", "timezone", DELTA(0, 0, 0)));
  PyObject* utc = make(module, "utc", NULL);
  if (utc != NULL) {
    SHOW_CALL(module, "attr", "(type(utc), 'utc')",
              Py_BuildValue("(Os)", (PyObject*)Py_TYPE(utc), "utc"));
    Py_DECREF(utc);
  }
  SHOW_CALL(module, "method", "(tzinfo(), 'utcoffset', None)",
            Py_BuildValue("(NsO)", make(module, "new", Py_BuildValue("(s())", "tzinfo")),
                          "utcoffset", Py_None));
  SHOW_CALL(module, "method", "(tzinfo(), 'tzname', None)",
            Py_BuildValue("(NsO)", make(module, "new", Py_BuildValue("(s())", "tzinfo")), "tzname",
                          Py_None));
  SHOW_CALL(module, "method", "(tzinfo(), 'dst', None)",
            Py_BuildValue("(NsO)", make(module, "new", Py_BuildValue("(s())", "tzinfo")), "dst",
                          Py_None));

  /* Type checks: date, datetime, time, delta, tzinfo, timezone, FixedOffset, int. */
  SHOW_CALL(module, "checks", "(date)", Py_BuildValue("(N)", DATE(2020, 1, 1)));
  SHOW_CALL(module, "checks", "(naive)", Py_BuildValue("(N)", NAIVE(2020, 1, 1, 0, 0, 0, 0)));
  SHOW_CALL(module, "checks", "(time)",
            Py_BuildValue("(N)", make(module, "time", Py_BuildValue("(iiii)", 1, 2, 3, 4))));
  SHOW_CALL(module, "checks", "(delta)", Py_BuildValue("(N)", DELTA(1, 2, 3)));
  SHOW_CALL(module, "checks", "(tzinfo())",
            Py_BuildValue("(N)", make(module, "new", Py_BuildValue("(s())", "tzinfo"))));
  SHOW_CALL(module, "checks", "(tz(60))", Py_BuildValue("(N)", TZ(60)));
  SHOW_CALL(module, "checks", "(fixed(60))",
            Py_BuildValue("(N)", make(module, "fixed", Py_BuildValue("(i)", 60))));
  SHOW_CALL(module, "checks", "(5)", Py_BuildValue("(i)", 5));

  /* Attributes and methods. */
  static const char* const dt_attrs[] = {"year",   "month",       "day",    "hour", "minute",
                                         "second", "microsecond", "tzinfo", "fold"};
  for (int i = 0; i < 9; i++) {
    char label[80];
    snprintf(label, sizeof(label), "attr(aware(2021, 3, 4, 5, 6, 7, 8, tz(-3600)), '%s')",
             dt_attrs[i]);
    show(label,
         call(module, "attr",
              Py_BuildValue("(Ns)",
                            make(module, "aware",
                                 Py_BuildValue("(iiiiiiiN)", 2021, 3, 4, 5, 6, 7, 8, TZ(-3600))),
                            dt_attrs[i])));
  }
  static const char* const delta_attrs[] = {"days", "seconds", "microseconds"};
  for (int i = 0; i < 3; i++) {
    char label[80];
    snprintf(label, sizeof(label), "attr(delta(-1, 5, 7), '%s')", delta_attrs[i]);
    show(label, call(module, "attr", Py_BuildValue("(Ns)", DELTA(-1, 5, 7), delta_attrs[i])));
  }
  for (int i = 3; i < 9; i++) {  /* a time's clock attributes */
    char label[80];
    snprintf(label, sizeof(label), "attr(time(1, 2, 3, 4, tz(7200), 1), '%s')", dt_attrs[i]);
    show(label, call(module, "attr",
                     Py_BuildValue("(Ns)",
                                   make(module, "time",
                                        Py_BuildValue("(iiiiNi)", 1, 2, 3, 4, TZ(7200), 1)),
                                   dt_attrs[i])));
  }
  SHOW_CALL(module, "attr", "(time(1, 2, 3, 4), 'tzinfo')",
            Py_BuildValue("(Ns)", make(module, "time", Py_BuildValue("(iiii)", 1, 2, 3, 4)),
                          "tzinfo"));
  SHOW_CALL(module, "attr", "(date(2020, 5, 6), 'month')",
            Py_BuildValue("(Ns)", DATE(2020, 5, 6), "month"));
  SHOW_CALL(module, "method", "(date(2020, 5, 6), 'isoformat')",
            Py_BuildValue("(Ns)", DATE(2020, 5, 6), "isoformat"));
  SHOW_CALL(module, "method", "(date(2020, 5, 6), 'weekday')",
            Py_BuildValue("(Ns)", DATE(2020, 5, 6), "weekday"));
  SHOW_CALL(module, "method", "(date(2020, 5, 6), 'toordinal')",
            Py_BuildValue("(Ns)", DATE(2020, 5, 6), "toordinal"));
  SHOW_CALL(module, "method", "(naive(2020, 5, 6, 7, 8, 9, 10), 'isoformat')",
            Py_BuildValue("(Ns)", NAIVE(2020, 5, 6, 7, 8, 9, 10), "isoformat"));
  SHOW_CALL(module, "method", "(aware(2020, 5, 6, 7, 8, 9, 0, tz(-34200)), 'isoformat', ' ')",
            Py_BuildValue("(Nss)",
                          make(module, "aware",
                               Py_BuildValue("(iiiiiiiN)", 2020, 5, 6, 7, 8, 9, 0, TZ(-34200))),
                          "isoformat", " "));
  SHOW_CALL(module, "method", "(aware(..., tz(3600)), 'utcoffset')",
            Py_BuildValue("(Ns)",
                          make(module, "aware",
                               Py_BuildValue("(iiiiiiiN)", 2020, 5, 6, 7, 8, 9, 0, TZ(3600))),
                          "utcoffset"));
  SHOW_CALL(module, "method", "(aware(..., fixed(-7200)), 'utcoffset')",
            Py_BuildValue("(Ns)",
                          make(module, "aware",
                               Py_BuildValue("(iiiiiiiN)", 2020, 5, 6, 7, 8, 9, 0,
                                             make(module, "fixed", Py_BuildValue("(i)", -7200)))),
                          "utcoffset"));
  SHOW_CALL(module, "method", "(aware(..., fixed(-7200)), 'tzname')",
            Py_BuildValue("(Ns)",
                          make(module, "aware",
                               Py_BuildValue("(iiiiiiiN)", 2020, 5, 6, 7, 8, 9, 0,
                                             make(module, "fixed", Py_BuildValue("(i)", -7200)))),
                          "tzname"));
  SHOW_CALL(module, "method", "(aware(..., fixed(90000)), 'utcoffset')",
            Py_BuildValue("(Ns)",
                          make(module, "aware",
                               Py_BuildValue("(iiiiiiiN)", 2020, 5, 6, 7, 8, 9, 0,
                                             make(module, "fixed", Py_BuildValue("(i)", 90000)))),
                          "utcoffset"));
  SHOW_CALL(module, "method", "(naive(...), 'utcoffset')",
            Py_BuildValue("(Ns)", NAIVE(2020, 5, 6, 7, 8, 9, 0), "utcoffset"));
  SHOW_CALL(module, "method", "(naive(...), 'date')",
            Py_BuildValue("(Ns)", NAIVE(2020, 5, 6, 7, 8, 9, 0), "date"));
  SHOW_CALL(module, "method", "(naive(...), 'time')",
            Py_BuildValue("(Ns)", NAIVE(2020, 5, 6, 7, 8, 9, 0), "time"));
  SHOW_CALL(
      module, "method", "(time(1, 2, 3, 0, tz(60)), 'utcoffset')",
      Py_BuildValue("(Ns)", make(module, "time", Py_BuildValue("(iiiiN)", 1, 2, 3, 0, TZ(60))),
                    "utcoffset"));
  SHOW_CALL(module, "utc_offset_seconds", "(aware(..., fixed(-7200)))",
            Py_BuildValue("(N)",
                          make(module, "aware",
                               Py_BuildValue("(iiiiiiiN)", 2020, 5, 6, 7, 8, 9, 0,
                                             make(module, "fixed", Py_BuildValue("(i)", -7200))))));
  SHOW_CALL(
      module, "utc_offset_seconds", "(aware(..., tz(19800)))",
      Py_BuildValue("(N)", make(module, "aware",
                                Py_BuildValue("(iiiiiiiN)", 2020, 5, 6, 7, 8, 9, 0, TZ(19800)))));
  SHOW_CALL(module, "utc_offset_seconds", "(naive(...))",
            Py_BuildValue("(N)", NAIVE(2020, 5, 6, 7, 8, 9, 0)));
  SHOW_CALL(module, "new", "('datetime', (2020, 1, 2, 3), {'tzinfo': utc, 'fold': 1})",
            Py_BuildValue("(s(iiii){s:N,s:i})", "datetime", 2020, 1, 2, 3, "tzinfo",
                          make(module, "utc", NULL), "fold", 1));
  SHOW_CALL(module, "new", "('date', (2020, 2, 30))",
            Py_BuildValue("(s(iii))", "date", 2020, 2, 30));
  SHOW_CALL(module, "new", "('time', (25,))", Py_BuildValue("(s(i))", "time", 25));
  SHOW_CALL(module, "new", "('time', (), {'tzinfo': 1})",
            Py_BuildValue("(s(){s:i})", "time", "tzinfo", 1));

  /* Timestamps (the results in UTC or a fixed offset; local time only as a date, which
   * both builds read from the same TZ) and fromutc(). */
  SHOW_CALL(module, "from_timestamp", "(1.5, utc)",
            Py_BuildValue("(dN)", 1.5, make(module, "utc", NULL)));
  SHOW_CALL(module, "from_timestamp", "(-1.0000005, utc)",
            Py_BuildValue("(dN)", -1.0000005, make(module, "utc", NULL)));
  SHOW_CALL(module, "from_timestamp", "(2.5e-6, utc)",
            Py_BuildValue("(dN)", 2.5e-6, make(module, "utc", NULL)));
  SHOW_CALL(
      module, "from_timestamp", "(1600000000, tz(-18000, 'EST'))",
      Py_BuildValue("(iN)", 1600000000, make(module, "tz", Py_BuildValue("(is)", -18000, "EST"))));
  SHOW_CALL(module, "from_timestamp", "(1600000000, fixed(7200))",
            Py_BuildValue("(iN)", 1600000000, make(module, "fixed", Py_BuildValue("(i)", 7200))));
  SHOW_CALL(module, "from_timestamp", "(-62135596800, utc)",
            Py_BuildValue("(LN)", -62135596800LL, make(module, "utc", NULL)));
  SHOW_CALL(module, "from_timestamp", "(-62135596801, utc)",
            Py_BuildValue("(LN)", -62135596801LL, make(module, "utc", NULL)));
  SHOW_CALL(module, "from_timestamp", "(253402300800, utc)",
            Py_BuildValue("(LN)", 253402300800LL, make(module, "utc", NULL)));
  SHOW_CALL(module, "from_timestamp", "(1e20, utc)",
            Py_BuildValue("(dN)", 1e20, make(module, "utc", NULL)));
  SHOW_CALL(module, "from_timestamp", "(nan)", Py_BuildValue("(d)", Py_NAN));
  SHOW_CALL(module, "from_timestamp", "('x')", Py_BuildValue("(s)", "x"));
  SHOW_CALL(module, "from_timestamp", "(0, 5)", Py_BuildValue("(ii)", 0, 5));
  SHOW_CALL(module, "date_from_timestamp", "(31579200.0)", Py_BuildValue("(d)", 31579200.0));
  SHOW_CALL(module, "date_from_timestamp", "(1600000000)", Py_BuildValue("(i)", 1600000000));
  SHOW_CALL(module, "method", "(utc, 'fromutc', 5)",
            Py_BuildValue("(Nsi)", make(module, "utc", NULL), "fromutc", 5));
  SHOW_CALL(
      module, "method", "(utc, 'fromutc', naive(...))",
      Py_BuildValue("(NsN)", make(module, "utc", NULL), "fromutc", NAIVE(2020, 1, 1, 0, 0, 0, 0)));
  {
    PyObject* zone = make(module, "fixed", Py_BuildValue("(i)", -3600));
    if (zone != NULL) {
      SHOW_CALL(
          module, "method", "(fixed(-3600), 'fromutc', aware(2020, 1, 1, 0, 30, 0, 0, itself))",
          Py_BuildValue(
              "(OsN)", zone, "fromutc",
              make(module, "aware", Py_BuildValue("(iiiiiiiO)", 2020, 1, 1, 0, 30, 0, 0, zone))));
      Py_DECREF(zone);
    }
    PyObject* base = make(module, "new", Py_BuildValue("(s())", "tzinfo"));
    if (base != NULL) {
      SHOW_CALL(module, "method", "(tzinfo(), 'fromutc', aware(..., itself))",
                Py_BuildValue("(OsN)", base, "fromutc",
                              make(module, "aware",
                                   Py_BuildValue("(iiiiiiiO)", 2020, 1, 1, 0, 30, 0, 0, base))));
      Py_DECREF(base);
    }
  }

  /* Arithmetic. */
  show_op(module, "delta(1, 2, 3) + delta(0, 86399, 999999)", DELTA(1, 2, 3), "+",
          DELTA(0, 86399, 999999));
  show_op(module, "delta(1, 2, 3) - delta(2, 0, 0)", DELTA(1, 2, 3), "-", DELTA(2, 0, 0));
  show_op(module, "-delta(1, 2, 3)", DELTA(1, 2, 3), "neg", Py_NewRef(Py_None));
  show_op(module, "abs(delta(-1, 2, 3))", DELTA(-1, 2, 3), "abs", Py_NewRef(Py_None));
  show_op(module, "bool(delta(0, 0, 0))", DELTA(0, 0, 0), "bool", Py_NewRef(Py_None));
  show_op(module, "bool(delta(0, 0, 1))", DELTA(0, 0, 1), "bool", Py_NewRef(Py_None));
  show_op(module, "delta(999999999, 0, 0) + delta(1, 0, 0)", DELTA(999999999, 0, 0), "+",
          DELTA(1, 0, 0));
  show_op(module, "delta(1, 0, 0) + 1", DELTA(1, 0, 0), "+", PyLong_FromLong(1));
  show_op(module, "date(2020, 2, 28) + delta(1, 0, 0)", DATE(2020, 2, 28), "+", DELTA(1, 0, 0));
  show_op(module, "delta(366, 86399, 0) + date(2020, 2, 28)", DELTA(366, 86399, 0), "+",
          DATE(2020, 2, 28));
  show_op(module, "date(2020, 3, 1) - delta(1, 0, 0)", DATE(2020, 3, 1), "-", DELTA(1, 0, 0));
  show_op(module, "date(2020, 3, 1) - date(2019, 3, 1)", DATE(2020, 3, 1), "-", DATE(2019, 3, 1));
  show_op(module, "date(9999, 12, 31) + delta(1, 0, 0)", DATE(9999, 12, 31), "+", DELTA(1, 0, 0));
  show_op(module, "date(1, 1, 1) - delta(1, 0, 0)", DATE(1, 1, 1), "-", DELTA(1, 0, 0));
  show_op(module, "naive(2020, 12, 31, 23, 59, 59, 999999) + delta(0, 0, 1)",
          NAIVE(2020, 12, 31, 23, 59, 59, 999999), "+", DELTA(0, 0, 1));
  show_op(module, "delta(-1, 0, 0) + naive(2020, 3, 1, 0, 0, 0, 0)", DELTA(-1, 0, 0), "+",
          NAIVE(2020, 3, 1, 0, 0, 0, 0));
  show_op(module, "naive(2020, 3, 1, 0, 0, 0, 0) - delta(0, 1, 0)", NAIVE(2020, 3, 1, 0, 0, 0, 0),
          "-", DELTA(0, 1, 0));
  show_op(module, "naive(2021, 1, 1, 0, 0, 0, 0) - naive(2020, 1, 1, 12, 0, 0, 1)",
          NAIVE(2021, 1, 1, 0, 0, 0, 0), "-", NAIVE(2020, 1, 1, 12, 0, 0, 1));
  show_op(module, "aware(..., tz(3600)) + delta(1, 0, 0)",
          make(module, "aware", Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 0, 0, 0, 0, TZ(3600))), "+",
          DELTA(1, 0, 0));
  show_op(module, "aware(12:00, tz(3600)) - aware(12:00, utc)",
          make(module, "aware", Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 12, 0, 0, 0, TZ(3600))),
          "-",
          make(module, "aware",
               Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 12, 0, 0, 0, make(module, "utc", NULL))));
  show_op(module, "aware(12:00, fixed(-3600)) - aware(12:00, tz(3600))",
          make(module, "aware",
               Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 12, 0, 0, 0,
                             make(module, "fixed", Py_BuildValue("(i)", -3600)))),
          "-",
          make(module, "aware", Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 12, 0, 0, 0, TZ(3600))));
  show_op(module, "naive(...) - aware(..., utc)", NAIVE(2020, 1, 1, 0, 0, 0, 0), "-",
          make(module, "aware",
               Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 0, 0, 0, 0, make(module, "utc", NULL))));
  show_op(module, "naive(9999, 12, 31, 23, 0, 0, 0) + delta(0, 3600, 0)",
          NAIVE(9999, 12, 31, 23, 0, 0, 0), "+", DELTA(0, 3600, 0));
  show_op(module, "naive(...) - date(...)", NAIVE(2020, 1, 1, 0, 0, 0, 0), "-", DATE(2020, 1, 1));
  show_op(module, "date(...) - naive(...)", DATE(2020, 1, 1), "-", NAIVE(2020, 1, 1, 0, 0, 0, 0));

  /* Comparisons. */
  show_op(module, "delta(1, 0, 0) < delta(0, 86400, 1)", DELTA(1, 0, 0), "<", DELTA(0, 86400, 1));
  show_op(module, "delta(1, 0, 0) == delta(0, 86400, 0)", DELTA(1, 0, 0), "==", DELTA(0, 86400, 0));
  show_op(module, "delta(1, 0, 0) < 5", DELTA(1, 0, 0), "<", PyLong_FromLong(5));
  show_op(module, "delta(1, 0, 0) == 5", DELTA(1, 0, 0), "==", PyLong_FromLong(5));
  show_op(module, "date(2020, 1, 1) < date(2020, 1, 2)", DATE(2020, 1, 1), "<", DATE(2020, 1, 2));
  show_op(module, "date(2020, 1, 1) >= date(2020, 1, 1)", DATE(2020, 1, 1), ">=", DATE(2020, 1, 1));
  show_op(module, "date(2020, 1, 1) < delta(1, 0, 0)", DATE(2020, 1, 1), "<", DELTA(1, 0, 0));
  show_op(module, "naive(2020, 1, 1, 0, 0, 0, 1) > naive(2020, 1, 1, 0, 0, 0, 0)",
          NAIVE(2020, 1, 1, 0, 0, 0, 1), ">", NAIVE(2020, 1, 1, 0, 0, 0, 0));
  show_op(module, "aware(13:00, tz(3600)) == aware(12:00, utc)",
          make(module, "aware", Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 13, 0, 0, 0, TZ(3600))),
          "==",
          make(module, "aware",
               Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 12, 0, 0, 0, make(module, "utc", NULL))));
  show_op(module, "aware(13:00, fixed(3600)) < aware(12:00, tz(-60))",
          make(module, "aware",
               Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 13, 0, 0, 0,
                             make(module, "fixed", Py_BuildValue("(i)", 3600)))),
          "<",
          make(module, "aware", Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 12, 0, 0, 0, TZ(-60))));
  show_op(module, "naive(...) == aware(..., utc)", NAIVE(2020, 1, 1, 0, 0, 0, 0), "==",
          make(module, "aware",
               Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 0, 0, 0, 0, make(module, "utc", NULL))));
  show_op(module, "naive(...) < aware(..., utc)", NAIVE(2020, 1, 1, 0, 0, 0, 0), "<",
          make(module, "aware",
               Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 0, 0, 0, 0, make(module, "utc", NULL))));
  show_op(module, "naive(...) == date(...)", NAIVE(2020, 1, 1, 0, 0, 0, 0), "==", DATE(2020, 1, 1));
  show_op(module, "naive(...) < date(...)", NAIVE(2020, 1, 1, 0, 0, 0, 0), "<", DATE(2020, 1, 1));
  show_op(module, "date(...) < naive(...)", DATE(2020, 1, 1), "<", NAIVE(2020, 1, 1, 0, 0, 0, 0));
  show_op(module, "time(1, 0, 0, 0) < time(1, 0, 0, 1)",
          make(module, "time", Py_BuildValue("(iiii)", 1, 0, 0, 0)), "<",
          make(module, "time", Py_BuildValue("(iiii)", 1, 0, 0, 1)));
  show_op(module, "time(2, 0, 0, 0, tz(3600)) == time(1, 0, 0, 0, utc)",
          make(module, "time", Py_BuildValue("(iiiiN)", 2, 0, 0, 0, TZ(3600))), "==",
          make(module, "time", Py_BuildValue("(iiiiN)", 1, 0, 0, 0, make(module, "utc", NULL))));
  show_op(module, "time(1, 0, 0, 0) < time(1, 0, 0, 0, utc)",
          make(module, "time", Py_BuildValue("(iiii)", 1, 0, 0, 0)), "<",
          make(module, "time", Py_BuildValue("(iiiiN)", 1, 0, 0, 0, make(module, "utc", NULL))));
  show_op(module, "tz(3600, 'A') == tz(3600)", make(module, "tz", Py_BuildValue("(is)", 3600, "A")),
          "==", TZ(3600));
  show_op(module, "tz(3600) == tz(60)", TZ(3600), "==", TZ(60));
  show_op(module, "hash== delta(1, 0, 0), delta(0, 86400, 0)", DELTA(1, 0, 0),
          "hash==", DELTA(0, 86400, 0));
  show_op(module, "hash== aware(13:00, tz(3600)), aware(12:00, utc)",
          make(module, "aware", Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 13, 0, 0, 0, TZ(3600))),
          "hash==",
          make(module, "aware",
               Py_BuildValue("(iiiiiiiN)", 2020, 1, 1, 12, 0, 0, 0, make(module, "utc", NULL))));
  show_op(module, "hash== date(2020, 1, 1), date(2020, 1, 1)", DATE(2020, 1, 1),
          "hash==", DATE(2020, 1, 1));
}

DIFFERENTIAL_MAIN("datetimes", PyInit_datetimes, drive)
