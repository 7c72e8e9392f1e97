/* A module written the way extension authors use CPython's platform and utility macros
 * (pyport.h, pyconfig.h, pymacro.h, pymath.h): type sizes and byte order chosen with #if,
 * docstrings, Py_UNUSED parameters, Py_ARRAY_LENGTH, min/max, stringification, rounding,
 * NaN tests and a tp_richcompare-style Py_RETURN_RICHCOMPARE.
 */
#define PY_SSIZE_T_CLEAN /* before the include, as every setup.py-era module does */
#include <Python.h>

#include <stddef.h>

#if SIZEOF_LONG == 8 && SIZEOF_VOID_P == 8 && SIZEOF_SIZE_T == 8
#define WORD_MODEL "LP64"
#elif SIZEOF_LONG == 4 && SIZEOF_VOID_P == 8
#define WORD_MODEL "LLP64"
#else
#define WORD_MODEL "32-bit" /* what an undefined SIZEOF_* selects: 0 == 0 */
#endif

PyDoc_STRVAR(module_doc, "Platform and utility macros, as extension modules use them.");
PyDoc_STRVAR(sizes_doc, "sizes() -> the SIZEOF_* values and the word model they select");

struct record {
  char tag[12];
  double weight;
};

static PyObject* sizes(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  return Py_BuildValue("(iiiiiiiiiiis)", SIZEOF_SHORT, SIZEOF_INT, SIZEOF_LONG,
                       SIZEOF_LONG_LONG, SIZEOF_FLOAT, SIZEOF_DOUBLE, SIZEOF_VOID_P,
                       SIZEOF_SIZE_T, SIZEOF_WCHAR_T, SIZEOF_TIME_T, SIZEOF_UINTPTR_T,
                       WORD_MODEL);
}

static PyObject* limits(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  const Py_uintptr_t address = (Py_uintptr_t)&limits;
  const Py_intptr_t negative = -(Py_intptr_t)1;
  /* PY_SIZE_MAX itself is not returned: it needs an int above 2**63, which Pinion does not
   * have yet (issue 11: integers of any size). */
  return Py_BuildValue("(nnLLiii)", PY_SSIZE_T_MAX, PY_SSIZE_T_MIN, PY_LLONG_MAX, PY_LLONG_MIN,
                       PY_SIZE_MAX == (size_t)-1, address != 0, negative < 0);
}

static PyObject* byte_order(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  const unsigned int probe = 1;
  const int little = *(const unsigned char*)&probe == 1;
#if PY_LITTLE_ENDIAN
  const char* configured = "little";
#elif PY_BIG_ENDIAN
  const char* configured = "big";
#else
  const char* configured = "unknown";
#endif
  return Py_BuildValue("(siii)", configured, PY_LITTLE_ENDIAN, PY_BIG_ENDIAN,
                       little == PY_LITTLE_ENDIAN);
}

static PyObject* utility(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  static const int primes[] = {2, 3, 5, 7, 11, 13};
  char shout[] = "\xff";
  return Py_BuildValue("(nniiissnniinn)", (Py_ssize_t)Py_ARRAY_LENGTH(primes),
                       (Py_ssize_t)Py_MEMBER_SIZE(struct record, tag), Py_MIN(3, 7),
                       Py_MAX(3, 7), Py_ABS(-5), Py_STRINGIFY(SIZEOF_INT),
                       Py_STRINGIFY(raw text), (Py_ssize_t)_Py_SIZE_ROUND_UP(13, 8),
                       (Py_ssize_t)_Py_SIZE_ROUND_DOWN(13, 8), (int)Py_CHARMASK(shout[0]),
                       (int)Py_SAFE_DOWNCAST(200L, long, unsigned char),
                       (Py_ssize_t)offsetof(struct record, weight),
                       (Py_ssize_t)(Py_LL(1) << 40 == 1099511627776LL));
}

/* Fixed-width types and formats of pyport.h, and its arithmetic helpers. */
static PyObject* widths(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  char formatted[32];
  snprintf(formatted, sizeof formatted, "%" PY_FORMAT_SIZE_T "d", (Py_ssize_t)-42);
  PY_LONG_LONG big = PY_LLONG_MAX;
  PY_INT32_T i32 = -1;
  PY_UINT64_T u64 = PY_DWORD_MAX;
  double Py_ALIGNED(16) aligned = Py_MATH_PI;
  char copy[8];
  Py_MEMCPY(copy, "pinion", 7);
  return Py_BuildValue("(siiiLisdd)", formatted, (int)sizeof(PY_INT64_T),
                       (int)sizeof(PY_UINT32_T), Py_ARITHMETIC_RIGHT_SHIFT(int, -8, 1),
                       big == PY_LLONG_MAX ? (long long)i32 : 0LL, u64 == 4294967295ULL, copy,
                       aligned, Py_FORCE_EXPANSION(Py_MATH_E));
}

static PyObject* floats(PyObject* Py_UNUSED(module), PyObject* arg) {
  const double x = PyFloat_AsDouble(arg);
  if (x == -1.0 && PyErr_Occurred()) return NULL;
  return Py_BuildValue("(iii)", Py_IS_NAN(x) != 0, Py_IS_INFINITY(x) != 0, Py_IS_FINITE(x) != 0);
}

static PyObject* special_floats(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  return Py_BuildValue("(iii)", Py_IS_NAN(Py_NAN) != 0, Py_IS_INFINITY(Py_HUGE_VAL) != 0,
                       Py_HUGE_VAL > 0);
}

/* The classic tp_richcompare body, on two C longs. */
static PyObject* compare(PyObject* Py_UNUSED(module), PyObject* args) {
  long a, b;
  int op;
  if (!PyArg_ParseTuple(args, "lli:compare", &a, &b, &op)) return NULL;
  if (op < Py_LT || op > Py_GE) {
    PyErr_SetString(PyExc_ValueError, "op must be one of Py_LT .. Py_GE");
    return NULL;
  }
  Py_RETURN_RICHCOMPARE(a, b, op);
}

static int Py_GCC_ATTRIBUTE((unused)) unused_helper(void) { return 0; }

static PyObject* classify(PyObject* Py_UNUSED(module), PyObject* arg) {
  const long n = PyLong_AsLong(arg);
  if (n == -1 && PyErr_Occurred()) return NULL;
  switch (n % 3 < 0 ? n % 3 + 3 : n % 3) {
    case 0: return PyUnicode_FromString("fizz");
    case 1: return PyUnicode_FromString("one");
    case 2: return PyUnicode_FromString("two");
    default: Py_UNREACHABLE();
  }
}

static PyMethodDef methods[] = {
    {"sizes", sizes, METH_NOARGS, sizes_doc},
    {"limits", limits, METH_NOARGS, PyDoc_STR("limits() -> integer limits of pyport.h")},
    {"byte_order", byte_order, METH_NOARGS, NULL},
    {"utility", utility, METH_NOARGS, NULL},
    {"widths", widths, METH_NOARGS, NULL},
    {"floats", floats, METH_O, NULL},
    {"special_floats", special_floats, METH_NOARGS, NULL},
    {"compare", compare, METH_VARARGS, NULL},
    {"classify", classify, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "pymacros", module_doc, -1, methods,
};

PyMODINIT_FUNC PyInit_pymacros(void) { return PyModule_Create(&module_def); }
