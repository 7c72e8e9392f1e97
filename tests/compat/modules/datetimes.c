/* An extension module using CPython's datetime C API the way ciso8601, pendulum and psycopg2
 * do: PyDateTime_IMPORT in its init function, the PyDateTimeAPI constructors (the macros and
 * the table's members called with a type), the GET macros and the struct fields
 * (hastzinfo, tzinfo), the type checks, PyDelta_FromDSU, PyTimeZone_FromOffset(AndName),
 * PyDateTime_TimeZone_UTC, PyDateTime_FromTimestamp/PyDate_FromTimestamp, and a tzinfo subclass
 * written in C (pendulum's FixedOffset: its tp_base is PyDateTimeAPI->TZInfoType, its utcoffset() a
 * PyDelta_FromDSU).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <string.h>

/* ---- FixedOffset: a tzinfo subclass in C, as pendulum's ---------------------------------- */

typedef struct {
  PyObject_HEAD int offset; /* seconds east of UTC */
  char name[16];
} FixedOffset;

static int FixedOffset_init(FixedOffset* self, PyObject* args, PyObject* kwargs) {
  int offset;
  if (!PyArg_ParseTuple(args, "i", &offset)) return -1;
  self->offset = offset;
  snprintf(self->name, sizeof(self->name), "FO%+d", offset);
  return 0;
}

static PyObject* FixedOffset_utcoffset(FixedOffset* self, PyObject* args) {
  return PyDelta_FromDSU(0, self->offset, 0);
}

static PyObject* FixedOffset_dst(FixedOffset* self, PyObject* args) {
  return PyDelta_FromDSU(0, 0, 0);
}

static PyObject* FixedOffset_tzname(FixedOffset* self, PyObject* args) {
  return PyUnicode_FromString(self->name);
}

static PyObject* FixedOffset_repr(FixedOffset* self) {
  return PyUnicode_FromFormat("FixedOffset(%d)", self->offset);
}

static PyMethodDef FixedOffset_methods[] = {
    {"utcoffset", (PyCFunction)FixedOffset_utcoffset, METH_VARARGS, ""},
    {"dst", (PyCFunction)FixedOffset_dst, METH_VARARGS, ""},
    {"tzname", (PyCFunction)FixedOffset_tzname, METH_VARARGS, ""},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FixedOffset_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "datetimes.FixedOffset",
    .tp_basicsize = sizeof(FixedOffset),
    .tp_repr = (reprfunc)FixedOffset_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "TZInfo with fixed offset",
    .tp_methods = FixedOffset_methods,
    .tp_init = (initproc)FixedOffset_init,
};

/* ---- Constructors --------------------------------------------------------------------------- */

/* date(y, m, d): PyDate_FromDate. */
static PyObject* date(PyObject* self, PyObject* args) {
  int y, m, d;
  if (!PyArg_ParseTuple(args, "iii", &y, &m, &d)) return NULL;
  return PyDate_FromDate(y, m, d);
}

/* naive(y, m, d, H, M, S, us): PyDateTime_FromDateAndTime, as ciso8601. */
static PyObject* naive(PyObject* self, PyObject* args) {
  int y, m, d, hh, mm, ss, us;
  if (!PyArg_ParseTuple(args, "iiiiiii", &y, &m, &d, &hh, &mm, &ss, &us)) return NULL;
  return PyDateTime_FromDateAndTime(y, m, d, hh, mm, ss, us);
}

/* aware(y, m, d, H, M, S, us, tzinfo, fold=0): the table's DateTime_FromDateAndTime(AndFold)
 * with the type, as pendulum. */
static PyObject* aware(PyObject* self, PyObject* args) {
  int y, m, d, hh, mm, ss, us, fold = -1;
  PyObject* tz;
  if (!PyArg_ParseTuple(args, "iiiiiiiO|i", &y, &m, &d, &hh, &mm, &ss, &us, &tz, &fold)) {
    return NULL;
  }
  if (fold < 0) {
    return PyDateTimeAPI->DateTime_FromDateAndTime(y, m, d, hh, mm, ss, us, tz,
                                                   PyDateTimeAPI->DateTimeType);
  }
  return PyDateTimeAPI->DateTime_FromDateAndTimeAndFold(y, m, d, hh, mm, ss, us, tz, fold,
                                                        PyDateTimeAPI->DateTimeType);
}

/* time(H, M, S, us[, tzinfo[, fold]]): PyTime_FromTime, or the table's members. */
static PyObject* time_(PyObject* self, PyObject* args) {
  int hh, mm, ss, us, fold = -1;
  PyObject* tz = NULL;
  if (!PyArg_ParseTuple(args, "iiii|Oi", &hh, &mm, &ss, &us, &tz, &fold)) return NULL;
  if (tz == NULL) return PyTime_FromTime(hh, mm, ss, us);
  if (fold < 0) return PyDateTimeAPI->Time_FromTime(hh, mm, ss, us, tz, PyDateTimeAPI->TimeType);
  return PyDateTimeAPI->Time_FromTimeAndFold(hh, mm, ss, us, tz, fold, PyDateTimeAPI->TimeType);
}

/* time_fold(H, M, S, us, fold): PyTime_FromTimeAndFold; datetime_fold: the same for
 * PyDateTime_FromDateAndTimeAndFold. */
static PyObject* time_fold(PyObject* self, PyObject* args) {
  int hh, mm, ss, us, fold;
  if (!PyArg_ParseTuple(args, "iiiii", &hh, &mm, &ss, &us, &fold)) return NULL;
  return PyTime_FromTimeAndFold(hh, mm, ss, us, fold);
}

static PyObject* datetime_fold(PyObject* self, PyObject* args) {
  int y, m, d, hh, mm, ss, us, fold;
  if (!PyArg_ParseTuple(args, "iiiiiiii", &y, &m, &d, &hh, &mm, &ss, &us, &fold)) return NULL;
  return PyDateTime_FromDateAndTimeAndFold(y, m, d, hh, mm, ss, us, fold);
}

/* delta(days, seconds, us): PyDelta_FromDSU. */
static PyObject* delta(PyObject* self, PyObject* args) {
  int d, s, us;
  if (!PyArg_ParseTuple(args, "iii", &d, &s, &us)) return NULL;
  return PyDelta_FromDSU(d, s, us);
}

/* tz(seconds[, name]): PyTimeZone_FromOffset(AndName) of PyDelta_FromDSU(0, seconds, 0). */
static PyObject* tz(PyObject* self, PyObject* args) {
  int seconds;
  PyObject* name = NULL;
  if (!PyArg_ParseTuple(args, "i|O", &seconds, &name)) return NULL;
  PyObject* offset = PyDelta_FromDSU(0, seconds, 0);
  if (offset == NULL) return NULL;
  PyObject* zone =
      name == NULL ? PyTimeZone_FromOffset(offset) : PyTimeZone_FromOffsetAndName(offset, name);
  Py_DECREF(offset);
  return zone;
}

/* tz_of(offset): PyTimeZone_FromOffset with any object. */
static PyObject* tz_of(PyObject* self, PyObject* offset) { return PyTimeZone_FromOffset(offset); }

static PyObject* utc(PyObject* self, PyObject* unused) {
  return Py_NewRef(PyDateTime_TimeZone_UTC);
}

/* fixed(seconds): a FixedOffset. */
static PyObject* fixed(PyObject* self, PyObject* args) {
  return PyObject_CallObject((PyObject*)&FixedOffset_type, args);
}

/* from_timestamp(t[, tz]): PyDateTime_FromTimestamp, as psycopg2's DB API constructors;
 * date_from_timestamp(t): PyDate_FromTimestamp. */
static PyObject* from_timestamp(PyObject* self, PyObject* args) {
  return PyDateTime_FromTimestamp(args);
}

static PyObject* date_from_timestamp(PyObject* self, PyObject* args) {
  return PyDate_FromTimestamp(args);
}

/* ---- Reading them ------------------------------------------------------------------------ */

/* fields(o): the GET macros' values, chosen by the type checks (datetime before date). */
static PyObject* fields(PyObject* self, PyObject* o) {
  if (PyDateTime_Check(o)) {
    return Py_BuildValue("(siiiiiiiiO)", "datetime", PyDateTime_GET_YEAR(o),
                         PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o),
                         PyDateTime_DATE_GET_HOUR(o), PyDateTime_DATE_GET_MINUTE(o),
                         PyDateTime_DATE_GET_SECOND(o), PyDateTime_DATE_GET_MICROSECOND(o),
                         PyDateTime_DATE_GET_FOLD(o), PyDateTime_DATE_GET_TZINFO(o));
  }
  if (PyDate_Check(o)) {
    return Py_BuildValue("(siii)", "date", PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o),
                         PyDateTime_GET_DAY(o));
  }
  if (PyTime_Check(o)) {
    return Py_BuildValue("(siiiiiO)", "time", PyDateTime_TIME_GET_HOUR(o),
                         PyDateTime_TIME_GET_MINUTE(o), PyDateTime_TIME_GET_SECOND(o),
                         PyDateTime_TIME_GET_MICROSECOND(o), PyDateTime_TIME_GET_FOLD(o),
                         PyDateTime_TIME_GET_TZINFO(o));
  }
  if (PyDelta_Check(o)) {
    return Py_BuildValue("(siii)", "delta", PyDateTime_DELTA_GET_DAYS(o),
                         PyDateTime_DELTA_GET_SECONDS(o), PyDateTime_DELTA_GET_MICROSECONDS(o));
  }
  PyErr_SetString(PyExc_TypeError, "not a datetime object");
  return NULL;
}

/* checks(o): the ten type-check macros, as a string of 0s and 1s. */
static PyObject* checks(PyObject* self, PyObject* o) {
  char text[11] = {'0' + PyDate_Check(o),
                   '0' + PyDate_CheckExact(o),
                   '0' + PyDateTime_Check(o),
                   '0' + PyDateTime_CheckExact(o),
                   '0' + PyTime_Check(o),
                   '0' + PyTime_CheckExact(o),
                   '0' + PyDelta_Check(o),
                   '0' + PyDelta_CheckExact(o),
                   '0' + PyTZInfo_Check(o),
                   '0' + PyTZInfo_CheckExact(o),
                   0};
  return PyUnicode_FromString(text);
}

/* utc_offset_seconds(dt): pendulum's reading of an aware datetime's offset, through the
 * struct's hastzinfo and tzinfo fields and tzinfo.utcoffset(dt); None when naive. */
static PyObject* utc_offset_seconds(PyObject* self, PyObject* dt) {
  if (!PyDateTime_Check(dt)) {
    PyErr_SetString(PyExc_TypeError, "expected a datetime");
    return NULL;
  }
  if (!((_PyDateTime_BaseTZInfo*)dt)->hastzinfo) Py_RETURN_NONE;
  PyObject* tzinfo = ((PyDateTime_DateTime*)dt)->tzinfo;
  if (tzinfo == Py_None) Py_RETURN_NONE;
  PyObject* offset = PyObject_CallMethod(tzinfo, "utcoffset", "O", dt);
  if (offset == NULL) return NULL;
  if (offset == Py_None) return offset;
  PyObject* result = Py_BuildValue("(ii)", PyDateTime_DELTA_GET_DAYS(offset),
                                   PyDateTime_DELTA_GET_SECONDS(offset));
  Py_DECREF(offset);
  return result;
}

/* str(o). */
static PyObject* str(PyObject* self, PyObject* o) { return PyObject_Str(o); }

/* op(a, symbol, b): + and - through the number protocol, comparisons through
 * PyObject_RichCompare, "neg" and "abs" on a alone. */
static PyObject* op(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  const char* symbol;
  if (!PyArg_ParseTuple(args, "OsO", &a, &symbol, &b)) return NULL;
  if (strcmp(symbol, "+") == 0) return PyNumber_Add(a, b);
  if (strcmp(symbol, "-") == 0) return PyNumber_Subtract(a, b);
  if (strcmp(symbol, "neg") == 0) return PyNumber_Negative(a);
  if (strcmp(symbol, "abs") == 0) return PyNumber_Absolute(a);
  if (strcmp(symbol, "bool") == 0) return PyBool_FromLong(PyObject_IsTrue(a));
  if (strcmp(symbol, "hash==") == 0) {
    Py_hash_t x = PyObject_Hash(a);
    Py_hash_t y = x == -1 ? -1 : PyObject_Hash(b);
    if (y == -1) return NULL;
    return PyBool_FromLong(x == y);
  }
  static const char* const names[] = {"<", "<=", "==", "!=", ">", ">="};
  for (int i = 0; i < 6; i++) {
    if (strcmp(symbol, names[i]) == 0) return PyObject_RichCompare(a, b, i);
  }
  PyErr_SetString(PyExc_ValueError, "unknown operator");
  return NULL;
}

/* method(o, name, *args): o.name(*args). */
static PyObject* method(PyObject* self, PyObject* args) {
  if (PyTuple_GET_SIZE(args) < 2) {
    PyErr_SetString(PyExc_TypeError, "method(o, name, *args)");
    return NULL;
  }
  PyObject* function = PyObject_GetAttr(PyTuple_GET_ITEM(args, 0), PyTuple_GET_ITEM(args, 1));
  if (function == NULL) return NULL;
  PyObject* rest = PyTuple_GetSlice(args, 2, PyTuple_GET_SIZE(args));
  PyObject* result = rest != NULL ? PyObject_CallObject(function, rest) : NULL;
  Py_XDECREF(rest);
  Py_DECREF(function);
  return result;
}

/* attr(o, name): getattr. */
static PyObject* attr(PyObject* self, PyObject* args) {
  PyObject *o, *name;
  if (!PyArg_ParseTuple(args, "OU", &o, &name)) return NULL;
  return PyObject_GetAttr(o, name);
}

/* new(kind, args, kwargs): calls the type the table names ("date", "datetime", "time",
 * "timedelta", "tzinfo"), or the module's timezone class. */
static PyObject* new_(PyObject* self, PyObject* args) {
  const char* kind;
  PyObject *call_args, *kwargs = NULL;
  if (!PyArg_ParseTuple(args, "sO!|O", &kind, &PyTuple_Type, &call_args, &kwargs)) return NULL;
  if (kwargs == Py_None) kwargs = NULL;
  PyObject* type = NULL;
  if (strcmp(kind, "date") == 0)
    type = Py_NewRef(PyDateTimeAPI->DateType);
  else if (strcmp(kind, "datetime") == 0)
    type = Py_NewRef(PyDateTimeAPI->DateTimeType);
  else if (strcmp(kind, "time") == 0)
    type = Py_NewRef(PyDateTimeAPI->TimeType);
  else if (strcmp(kind, "timedelta") == 0)
    type = Py_NewRef(PyDateTimeAPI->DeltaType);
  else if (strcmp(kind, "tzinfo") == 0)
    type = Py_NewRef(PyDateTimeAPI->TZInfoType);
  else
    type = Py_NewRef(Py_TYPE(PyDateTime_TimeZone_UTC));
  PyObject* result = PyObject_Call(type, call_args, kwargs);
  Py_DECREF(type);
  return result;
}

/* module_attrs(): what the datetime module offers from C: its MINYEAR/MAXYEAR and whether
 * its capsule is the table PyDateTime_IMPORT read. */
static PyObject* module_attrs(PyObject* self, PyObject* unused) {
  PyObject* module = PyImport_ImportModule("datetime");
  if (module == NULL) return NULL;
  PyObject* capsule = PyObject_GetAttrString(module, "datetime_CAPI");
  PyObject* result = NULL;
  if (capsule != NULL) {
    void* table = PyCapsule_GetPointer(capsule, PyDateTime_CAPSULE_NAME);
    PyObject* min = PyObject_GetAttrString(module, "MINYEAR");
    PyObject* max = PyObject_GetAttrString(module, "MAXYEAR");
    if (table != NULL && min != NULL && max != NULL) {
      result = Py_BuildValue("(OOO)", min, max, table == PyDateTimeAPI ? Py_True : Py_False);
    }
    Py_XDECREF(min);
    Py_XDECREF(max);
  }
  Py_XDECREF(capsule);
  Py_DECREF(module);
  return result;
}

static PyMethodDef methods[] = {
    {"date", date, METH_VARARGS, NULL},
    {"naive", naive, METH_VARARGS, NULL},
    {"aware", aware, METH_VARARGS, NULL},
    {"time", time_, METH_VARARGS, NULL},
    {"time_fold", time_fold, METH_VARARGS, NULL},
    {"datetime_fold", datetime_fold, METH_VARARGS, NULL},
    {"delta", delta, METH_VARARGS, NULL},
    {"tz", tz, METH_VARARGS, NULL},
    {"tz_of", tz_of, METH_O, NULL},
    {"utc", utc, METH_NOARGS, NULL},
    {"fixed", fixed, METH_VARARGS, NULL},
    {"from_timestamp", from_timestamp, METH_VARARGS, NULL},
    {"date_from_timestamp", date_from_timestamp, METH_VARARGS, NULL},
    {"fields", fields, METH_O, NULL},
    {"checks", checks, METH_O, NULL},
    {"utc_offset_seconds", utc_offset_seconds, METH_O, NULL},
    {"str", str, METH_O, NULL},
    {"op", op, METH_VARARGS, NULL},
    {"method", method, METH_VARARGS, NULL},
    {"attr", attr, METH_VARARGS, NULL},
    {"new", new_, METH_VARARGS, NULL},
    {"module_attrs", module_attrs, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "datetimes",
                                        "The datetime C API from C.", -1, methods};

PyMODINIT_FUNC PyInit_datetimes(void) {
  PyDateTime_IMPORT;
  if (PyDateTimeAPI == NULL) return NULL;
  FixedOffset_type.tp_base = PyDateTimeAPI->TZInfoType;
  if (PyType_Ready(&FixedOffset_type) < 0) return NULL;
  return PyModule_Create(&module_def);
}
