/* Drives tests/compat/modules/vec.c: every PyNumber_* function on the module's types, on
 * ints, floats and bools, and on mixed and unsupported operands; each line is one call and
 * what it gave (its result's repr, or the exception). In-place calls on a Vec also say
 * whether the result is the left operand itself. */
#include <errno.h>
#include <math.h>

#include "diff_support.h"

PyMODINIT_FUNC PyInit_vec(void);

/* The operands, made afresh for every call (in-place calls change their left operand). */
enum {
  VEC,        /* Vec(3.0, 4.0) */
  VEC_B,      /* Vec(1.0, -2.0) */
  VEC_AXIS,   /* Vec(5.0, 0.0) */
  VEC_FRAC,   /* Vec(2.5, 0.0) */
  VEC_NAN,    /* Vec(nan, 0.0) */
  VEC_ZERO,   /* Vec() */
  SUB,        /* SubVec(1.0, 1.0) */
  I7,
  IM7,
  I2,
  IM2,
  I0,
  I3,
  I1,
  F75,        /* 7.5 */
  FM75,       /* -7.5 */
  F25,        /* 2.5 */
  F0,         /* 0.0 */
  FM0,        /* -0.0 */
  TRUE_,
  FALSE_,
  STR,        /* 'a' */
  STR_INT,    /* ' -1_000 ' */
  STR_FLOAT,  /* ' 1_0.5e1 ' */
  STR_BAD,    /* '1__0' */
  BYTES,      /* b'42' */
  NONE,
  TALLY,      /* Tally(3) */
  TALLY_B,    /* Tally(2) */
  TALLY_ZERO, /* Tally(0) */
  BAG,        /* Bag(2) */
  BAG_ZERO,   /* Bag(0) */
  ODD,        /* Odd() */
  BIG,        /* 2**62 */
  INT_MIN_,   /* -2**63 */
  N_OPERANDS
};

static PyObject* make(PyObject* m, int which) {
  switch (which) {
    case VEC: return PyObject_CallMethod(m, "Vec", "dd", 3.0, 4.0);
    case VEC_B: return PyObject_CallMethod(m, "Vec", "dd", 1.0, -2.0);
    case VEC_AXIS: return PyObject_CallMethod(m, "Vec", "dd", 5.0, 0.0);
    case VEC_FRAC: return PyObject_CallMethod(m, "Vec", "dd", 2.5, 0.0);
    case VEC_NAN: return PyObject_CallMethod(m, "Vec", "dd", NAN, 0.0);
    case VEC_ZERO: return PyObject_CallMethod(m, "Vec", NULL);
    case SUB: return PyObject_CallMethod(m, "SubVec", "dd", 1.0, 1.0);
    case I7: return PyLong_FromLong(7);
    case IM7: return PyLong_FromLong(-7);
    case I2: return PyLong_FromLong(2);
    case IM2: return PyLong_FromLong(-2);
    case I0: return PyLong_FromLong(0);
    case I3: return PyLong_FromLong(3);
    case I1: return PyLong_FromLong(1);
    case F75: return PyFloat_FromDouble(7.5);
    case FM75: return PyFloat_FromDouble(-7.5);
    case F25: return PyFloat_FromDouble(2.5);
    case F0: return PyFloat_FromDouble(0.0);
    case FM0: return PyFloat_FromDouble(-0.0);
    case TRUE_: return PyBool_FromLong(1);
    case FALSE_: return PyBool_FromLong(0);
    case STR: return PyUnicode_FromString("a");
    case STR_INT: return PyUnicode_FromString(" -1_000 ");
    case STR_FLOAT: return PyUnicode_FromString(" 1_0.5e1 ");
    case STR_BAD: return PyUnicode_FromString("1__0");
    case BYTES: return PyBytes_FromString("42");
    case NONE: return Py_NewRef(Py_None);
    case TALLY: return PyObject_CallMethod(m, "Tally", "n", (Py_ssize_t)3);
    case TALLY_B: return PyObject_CallMethod(m, "Tally", "n", (Py_ssize_t)2);
    case TALLY_ZERO: return PyObject_CallMethod(m, "Tally", NULL);
    case BAG: return PyObject_CallMethod(m, "Bag", "n", (Py_ssize_t)2);
    case BAG_ZERO: return PyObject_CallMethod(m, "Bag", NULL);
    case ODD: return PyObject_CallMethod(m, "Odd", NULL);
    case BIG: return PyLong_FromLongLong(4611686018427387904LL);
    case INT_MIN_: return PyLong_FromLongLong(-9223372036854775807LL - 1);
  }
  return NULL;
}

/* repr(o) into buffer (for labels). */
static const char* repr_of(PyObject* o, char* buffer, size_t size) {
  PyObject* repr = PyObject_Repr(o);
  snprintf(buffer, size, "%s", repr != NULL ? PyUnicode_AsUTF8(repr) : "?");
  if (repr == NULL) PyErr_Clear();
  Py_XDECREF(repr);
  return buffer;
}

typedef PyObject* (*binaryfn)(PyObject*, PyObject*);
typedef PyObject* (*ternaryfn)(PyObject*, PyObject*, PyObject*);
typedef PyObject* (*unaryfn)(PyObject*);

static const struct {
  const char* name;
  binaryfn f;
  int inplace;
} binary_ops[] = {
    {"Add", PyNumber_Add, 0},
    {"Subtract", PyNumber_Subtract, 0},
    {"Multiply", PyNumber_Multiply, 0},
    {"MatrixMultiply", PyNumber_MatrixMultiply, 0},
    {"FloorDivide", PyNumber_FloorDivide, 0},
    {"TrueDivide", PyNumber_TrueDivide, 0},
    {"Remainder", PyNumber_Remainder, 0},
    {"Divmod", PyNumber_Divmod, 0},
    {"Lshift", PyNumber_Lshift, 0},
    {"Rshift", PyNumber_Rshift, 0},
    {"And", PyNumber_And, 0},
    {"Xor", PyNumber_Xor, 0},
    {"Or", PyNumber_Or, 0},
    {"InPlaceAdd", PyNumber_InPlaceAdd, 1},
    {"InPlaceSubtract", PyNumber_InPlaceSubtract, 1},
    {"InPlaceMultiply", PyNumber_InPlaceMultiply, 1},
    {"InPlaceMatrixMultiply", PyNumber_InPlaceMatrixMultiply, 1},
    {"InPlaceFloorDivide", PyNumber_InPlaceFloorDivide, 1},
    {"InPlaceTrueDivide", PyNumber_InPlaceTrueDivide, 1},
    {"InPlaceRemainder", PyNumber_InPlaceRemainder, 1},
    {"InPlaceLshift", PyNumber_InPlaceLshift, 1},
    {"InPlaceRshift", PyNumber_InPlaceRshift, 1},
    {"InPlaceAnd", PyNumber_InPlaceAnd, 1},
    {"InPlaceXor", PyNumber_InPlaceXor, 1},
    {"InPlaceOr", PyNumber_InPlaceOr, 1},
};
#define N_BINARY (sizeof(binary_ops) / sizeof(binary_ops[0]))

/* One call of op on fresh operands a and b. */
static void binary(PyObject* m, size_t op, int a, int b) {
  PyObject* left = make(m, a);
  PyObject* right = make(m, b);
  char l[128], r[128], label[320];
  snprintf(label, sizeof(label), "%s(%s, %s)", binary_ops[op].name,
           repr_of(left, l, sizeof(l)), repr_of(right, r, sizeof(r)));
  PyObject* result = binary_ops[op].f(left, right);
  if (binary_ops[op].inplace && result != NULL && result == left) {
    strncat(label, " in place", sizeof(label) - strlen(label) - 1);
  }
  show(label, result);
  Py_DECREF(left);
  Py_DECREF(right);
}

static void all_binary(PyObject* m, int a, int b) {
  for (size_t op = 0; op < N_BINARY; ++op) binary(m, op, a, b);
}

static void ternary(PyObject* m, const char* name, ternaryfn f, int a, int b, int c) {
  PyObject* x = make(m, a);
  PyObject* y = make(m, b);
  PyObject* z = make(m, c);
  char s1[128], s2[128], s3[128], label[420];
  snprintf(label, sizeof(label), "%s(%s, %s, %s)", name, repr_of(x, s1, sizeof(s1)),
           repr_of(y, s2, sizeof(s2)), repr_of(z, s3, sizeof(s3)));
  PyObject* result = f(x, y, z);
  if (result != NULL && result == x && f == PyNumber_InPlacePower) {
    strncat(label, " in place", sizeof(label) - strlen(label) - 1);
  }
  show(label, result);
  Py_DECREF(x);
  Py_DECREF(y);
  Py_DECREF(z);
}

static void powers(PyObject* m, int a, int b, int c) {
  ternary(m, "Power", PyNumber_Power, a, b, c);
  ternary(m, "InPlacePower", PyNumber_InPlacePower, a, b, c);
}

static const struct {
  const char* name;
  unaryfn f;
} unary_ops[] = {
    {"Negative", PyNumber_Negative}, {"Positive", PyNumber_Positive},
    {"Absolute", PyNumber_Absolute}, {"Invert", PyNumber_Invert},
    {"Index", PyNumber_Index},       {"Long", PyNumber_Long},
    {"Float", PyNumber_Float},
};

/* A C value or the exception its conversion raised. */
static void show_ssize(const char* label, Py_ssize_t v) {
  show(label, v == -1 && PyErr_Occurred() ? NULL : PyLong_FromSsize_t(v));
}
static void show_double(const char* label, double v) {
  show(label, v == -1.0 && PyErr_Occurred() ? NULL : PyFloat_FromDouble(v));
}
static void show_int(const char* label, int v) {
  show(label, v == -1 && PyErr_Occurred() ? NULL : PyLong_FromLong(v));
}

static void unary_and_conversions(PyObject* m, int a) {
  PyObject* o = make(m, a);
  char s[128], label[256];
  repr_of(o, s, sizeof(s));
#define LABEL(name) (snprintf(label, sizeof(label), "%s(%s)", name, s), label)
  for (size_t i = 0; i < sizeof(unary_ops) / sizeof(unary_ops[0]); ++i) {
    PyObject* result = unary_ops[i].f(o);
    show(LABEL(unary_ops[i].name), result);
  }
  show_ssize(LABEL("AsSsize_t(.., OverflowError)"), PyNumber_AsSsize_t(o, PyExc_OverflowError));
  show_ssize(LABEL("AsSsize_t(.., NULL)"), PyNumber_AsSsize_t(o, NULL));
  static const int bases[] = {2, 8, 10, 16};
  for (int i = 0; i < 4; ++i) {
    char name[32];
    snprintf(name, sizeof(name), "ToBase%d", bases[i]);
    show(LABEL(name), PyNumber_ToBase(o, bases[i]));
  }
  show_int(LABEL("Check"), PyNumber_Check(o));
  show_int(LABEL("PyIndex_Check"), PyIndex_Check(o));
  show_int(LABEL("PyObject_IsTrue"), PyObject_IsTrue(o));
  show_int(LABEL("PyObject_Not"), PyObject_Not(o));
  show_ssize(LABEL("PyLong_AsLong"), PyLong_AsLong(o));
  show_ssize(LABEL("PyLong_AsLongLong"), (Py_ssize_t)PyLong_AsLongLong(o));
  {
    int overflow = -1;
    long v = PyLong_AsLongAndOverflow(o, &overflow);
    show_ssize(LABEL("PyLong_AsLongAndOverflow"), v);
    out("  overflow: %d\n", overflow);
  }
  show_ssize(LABEL("PyLong_AsSsize_t"), PyLong_AsSsize_t(o));
  {
    unsigned long v = PyLong_AsUnsignedLong(o);
    show(LABEL("PyLong_AsUnsignedLong"),
         v == (unsigned long)-1 && PyErr_Occurred() ? NULL : PyLong_FromUnsignedLong(v));
    size_t z = PyLong_AsSize_t(o);
    show(LABEL("PyLong_AsSize_t"), z == (size_t)-1 && PyErr_Occurred() ? NULL : PyLong_FromSize_t(z));
    unsigned long long u = PyLong_AsUnsignedLongLong(o);
    show(LABEL("PyLong_AsUnsignedLongLong"),
         u == (unsigned long long)-1 && PyErr_Occurred() ? NULL : PyLong_FromUnsignedLongLong(u));
  }
  show_double(LABEL("PyLong_AsDouble"), PyLong_AsDouble(o));
  show_double(LABEL("PyFloat_AsDouble"), PyFloat_AsDouble(o));
  if (PyUnicode_Check(o) || PyBytes_Check(o) || o == Py_None) {
    show(LABEL("PyFloat_FromString"), PyFloat_FromString(o));
  }
#undef LABEL
  Py_DECREF(o);
}

/* f(str(text)) */
static PyObject* on_text(unaryfn f, const char* text) {
  PyObject* s = PyUnicode_FromString(text);
  PyObject* result = f(s);
  Py_DECREF(s);
  return result;
}

/* f(a, int(n)) */
static PyObject* with_int(binaryfn f, PyObject* a, long n) {
  PyObject* b = PyLong_FromLong(n);
  PyObject* result = f(a, b);
  Py_DECREF(b);
  return result;
}

static PyObject* nan_value(void) { Py_RETURN_NAN; }
static PyObject* inf_value(double sign) { Py_RETURN_INF(sign); }

/* PyLong_FromString(text, &end, base), and where it stopped. */
static void from_string(const char* text, int base) {
  char label[160];
  char* end = NULL;
  snprintf(label, sizeof(label), "PyLong_FromString('%s', %d)", text, base);
  PyObject* result = PyLong_FromString(text, &end, base);
  show(label, result);
  if (end != NULL) out("  stopped at %d\n", (int)(end - text));
}

/* The int and float API beside the number protocol: text conversions, masks, pointers. */
static void int_and_float_api(void) {
  static const struct {
    const char* text;
    int base;
  } literals[] = {
      {"0x_1", 0}, {"0_0", 0},    {"010", 0},     {"0b2", 0},     {" 0X1F ", 16}, {"z", 36},
      {"12abc", 10}, {"  -0o17", 0}, {"1", 1},    {"1", 37},      {"ff", 16},     {"0x", 16},
      {"_1", 0},   {"1_", 10},    {"  ", 10},     {"00", 0},      {"-0b1_0", 0},  {"7fffffffffffffff", 16},
      {"-9223372036854775808", 10}, {"1__0", 10}, {"0o", 0},      {"+12", 8},
  };
  for (size_t i = 0; i < sizeof(literals) / sizeof(literals[0]); ++i) {
    from_string(literals[i].text, literals[i].base);
  }
  show("PyLong_FromString('12', NULL, 10)", PyLong_FromString("12", NULL, 10));
  PyObject* text = PyUnicode_FromString(" ff ");
  show("PyLong_FromUnicodeObject(' ff ', 16)", PyLong_FromUnicodeObject(text, 16));
  show("PyLong_FromUnicodeObject(' ff ', 10)", PyLong_FromUnicodeObject(text, 10));
  Py_DECREF(text);
  PyObject* minus_one = PyLong_FromLong(-1);
  PyObject* half = PyFloat_FromDouble(0.5);
  out("PyLong_AsUnsignedLongMask(-1): %lu\n", PyLong_AsUnsignedLongMask(minus_one));
  out("PyLong_AsUnsignedLongLongMask(-1): %llu\n", PyLong_AsUnsignedLongLongMask(minus_one));
  out("PyLong_AS_LONG(-1): %ld\n", PyLong_AS_LONG(minus_one));
  {
    PyObject* pid = PyLong_FromPid(4242);
    out("PyLong_AsPid(PyLong_FromPid(4242)): %ld\n", (long)PyLong_AsPid(pid));
    Py_DECREF(pid);
  }
  show_ssize("PyLong_AsUnsignedLongMask(0.5)", (Py_ssize_t)PyLong_AsUnsignedLongMask(half));
  show_ssize("PyLong_AsUnsignedLongLongMask(0.5)", (Py_ssize_t)PyLong_AsUnsignedLongLongMask(half));
  {
    int local;
    PyObject* address = PyLong_FromVoidPtr(&local);
    out("PyLong_AsVoidPtr(PyLong_FromVoidPtr(p)) == p: %d\n", PyLong_AsVoidPtr(address) == &local);
    Py_DECREF(address);
    void* p = PyLong_AsVoidPtr(half);
    show("PyLong_AsVoidPtr(0.5)", p == NULL && PyErr_Occurred() ? NULL : PyLong_FromVoidPtr(p));
  }
  Py_DECREF(minus_one);
  Py_DECREF(half);
  show("PyFloat_GetMax()", PyFloat_FromDouble(PyFloat_GetMax()));
  show("PyFloat_GetMin()", PyFloat_FromDouble(PyFloat_GetMin()));
  show("Py_RETURN_NAN", nan_value());
  show("Py_RETURN_INF(-2.0)", inf_value(-2.0));
  show("Py_RETURN_INF(0.0)", inf_value(0.0));
}

/* PyFloat_PackN(x) in both byte orders, the bytes, and what PyFloat_UnpackN reads back. */
static void pack(double x, int size) {
  char label[96], bytes[8], hex[2][40];
  for (int le = 0; le < 2; ++le) {
    int status = size == 2 ? PyFloat_Pack2(x, bytes, le)
                 : size == 4 ? PyFloat_Pack4(x, bytes, le) : PyFloat_Pack8(x, bytes, le);
    snprintf(label, sizeof(label), "PyFloat_Pack%d(%.17g, le=%d)", size, x, le);
    if (status < 0) {
      show(label, NULL);
      return;
    }
    for (int i = 0; i < size; ++i) snprintf(hex[le] + 2 * i, 3, "%02x", (unsigned char)bytes[i]);
    double back = size == 2 ? PyFloat_Unpack2(bytes, le)
                  : size == 4 ? PyFloat_Unpack4(bytes, le) : PyFloat_Unpack8(bytes, le);
    out("%s: %s\n", label, hex[le]);
    snprintf(label, sizeof(label), "  PyFloat_Unpack%d", size);
    show(label, PyFloat_FromDouble(back));
  }
}

static void packing(void) {
  static const double values[] = {1.5,      -0.0,    65504.0,  65519.99, 65520.0, 1e-8,
                                  3e-8,     6e-8,    1e-5,     0.1,      1e40,    1e-50,
                                  2049.0,   2051.0,  -3.25e5,  5.960464477539063e-08};
  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); ++i) {
    pack(values[i], 2);
    pack(values[i], 4);
    pack(values[i], 8);
  }
  pack(HUGE_VAL, 2);
  pack(-HUGE_VAL, 4);
  pack(-NAN, 2);
  pack(NAN, 4);
}

/* PyOS_strtoul and PyOS_strtol: the value, ERANGE, and where they stopped. */
static void strtol_calls(void) {
  static const struct {
    const char* text;
    int base;
  } cases[] = {
      {"  123abc", 10}, {"0x1f", 0},  {"0x", 0},   {"0xg", 16},  {"012", 0},   {"000 ", 0},
      {"0o17", 8},      {"0b102", 0}, {"zz", 36},  {"-5", 10},   {"1_0", 10},  {"", 10},
      {"18446744073709551615", 10}, {"18446744073709551616x", 10}, {"-9223372036854775808", 10},
      {"9223372036854775808", 10},  {"7", 1},     {"ff", 16},   {"0B1", 2},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    char* end = NULL;
    errno = 0;
    unsigned long u = PyOS_strtoul(cases[i].text, &end, cases[i].base);
    out("PyOS_strtoul('%s', %d): %lu%s, stopped at %d\n", cases[i].text, cases[i].base, u,
        errno == ERANGE ? " ERANGE" : "", (int)(end - cases[i].text));
    end = NULL;
    errno = 0;
    long s = PyOS_strtol(cases[i].text, &end, cases[i].base);
    out("PyOS_strtol('%s', %d): %ld%s, stopped at %d\n", cases[i].text, cases[i].base, s,
        errno == ERANGE ? " ERANGE" : "", (int)(end - cases[i].text));
  }
}

static void drive(PyObject* m) {
  strtol_calls();
  packing();
  int_and_float_api();
  /* The vector type: elementwise, scalars broadcast from either side (reflected slots),
   * unsupported operands, and the subclass whose + wins from either side. */
  static const int vec_pairs[][2] = {
      {VEC, VEC_B}, {VEC, I2},   {I2, VEC},  {VEC, F25},  {F25, VEC},     {VEC, BAG},
      {BAG, VEC},   {VEC, SUB},  {SUB, VEC}, {SUB, SUB},  {VEC, I0},      {VEC, TRUE_},
      {NONE, VEC},  {VEC, IM2},  {SUB, I2},  {I2, SUB},   {VEC, VEC_ZERO},
  };
  for (size_t i = 0; i < sizeof(vec_pairs) / sizeof(vec_pairs[0]); ++i) {
    all_binary(m, vec_pairs[i][0], vec_pairs[i][1]);
  }
  /* The builtin numbers, and mixed int/float/bool operands. */
  static const int number_pairs[][2] = {
      {I7, I2},    {IM7, I2},   {I7, IM2},  {IM7, IM2}, {I7, I0},      {F75, I2},
      {FM75, I2},  {I7, F25},   {F75, F25}, {FM75, F0}, {F0, IM2},     {FM0, I1},
      {TRUE_, TRUE_}, {TRUE_, FALSE_}, {TRUE_, I1}, {I3, TRUE_}, {TRUE_, F25}, {FALSE_, FALSE_},
      {I7, BAG},   {BAG, I7},   {F25, NONE}, {I0, I0},
  };
  for (size_t i = 0; i < sizeof(number_pairs) / sizeof(number_pairs[0]); ++i) {
    all_binary(m, number_pairs[i][0], number_pairs[i][1]);
  }
  /* The sequence fallbacks of + and * (and their in-place forms). (No str operands on the
   * left of binary operators: Pinion's str has no sequence or % slots yet.) */
  static const int sequence_pairs[][2] = {
      {TALLY, TALLY_B}, {TALLY, I3}, {I3, TALLY}, {TALLY, F25}, {F25, TALLY},
      {TALLY, VEC},     {TALLY, VEC_AXIS}, {TRUE_, TALLY}, {TALLY, STR}, {TALLY, IM2},
  };
  for (size_t i = 0; i < sizeof(sequence_pairs) / sizeof(sequence_pairs[0]); ++i) {
    for (size_t op = 0; op < N_BINARY; ++op) {
      const char* name = binary_ops[op].name;
      if (strcmp(name, "Add") == 0 || strcmp(name, "Multiply") == 0 ||
          strcmp(name, "InPlaceAdd") == 0 || strcmp(name, "InPlaceMultiply") == 0 ||
          strcmp(name, "Subtract") == 0) {
        binary(m, op, sequence_pairs[i][0], sequence_pairs[i][1]);
      }
    }
  }
  /* Ternary pow: two and three arguments, every slot's turn, and its errors. */
  powers(m, VEC, I2, NONE);
  powers(m, I2, VEC, NONE);
  powers(m, VEC, VEC_B, NONE);
  powers(m, VEC, I2, I3);
  powers(m, I2, I3, VEC);
  powers(m, I7, I2, NONE);
  powers(m, IM2, I3, NONE);
  powers(m, I2, IM2, NONE);
  powers(m, I0, IM2, NONE);
  powers(m, F0, IM2, NONE);
  powers(m, FM75, I2, NONE);
  powers(m, F25, FM75, NONE);
  powers(m, I7, I2, I3);
  powers(m, I7, IM2, I3);
  powers(m, I2, IM2, I2);
  powers(m, I7, I2, IM2);
  powers(m, I7, I2, I0);
  powers(m, I7, I2, F25);
  powers(m, F25, I2, I3);
  powers(m, I7, STR, NONE);
  powers(m, I7, I2, STR);
  powers(m, STR, I2, I3);
  powers(m, TRUE_, TRUE_, NONE);
  powers(m, TRUE_, IM2, NONE);
  powers(m, INT_MIN_, I1, NONE);
  /* Unary operators, conversions and truth. */
  for (int a = 0; a < BIG; ++a) unary_and_conversions(m, a);
  {
    /* Bad arguments: a NULL operand is a SystemError, not a crash; so is a base ToBase
     * does not write. */
    show("Negative(NULL)", PyNumber_Negative(NULL));
    show("Index(NULL)", PyNumber_Index(NULL));
    show("ToBase(True, 3)", PyNumber_ToBase(Py_True, 3));
    PyObject* big = make(m, BIG);
    PyObject* min = make(m, INT_MIN_);
    show("Or(2**62, -2**63)", PyNumber_Or(big, min));
    show("Rshift(-2**63, 70)", with_int(PyNumber_Rshift, min, 70));
    PyObject* big_odd = PyNumber_Add(big, Py_True);
    show("TrueDivide(2**62 + 1, 3)", with_int(PyNumber_TrueDivide, big_odd, 3));
    PyObject* minus_big = PyNumber_Negative(big);
    show("TrueDivide(2**62 + 1, -2**62)", PyNumber_TrueDivide(big_odd, minus_big));
    show("TrueDivide(-2**62, 2**62 + 1)", PyNumber_TrueDivide(minus_big, big_odd));
    Py_DECREF(minus_big);
    Py_DECREF(big_odd);
    show("TrueDivide(-2**63, 7)", with_int(PyNumber_TrueDivide, min, 7));
    PyObject* odd53 = PyLong_FromLongLong(9007199254740993LL);
    show("TrueDivide(2**53 + 1, 1)", with_int(PyNumber_TrueDivide, odd53, 1));
    show("TrueDivide(2**53 + 1, 3)", with_int(PyNumber_TrueDivide, odd53, 3));
    show("TrueDivide(1, 2**53 + 1)", PyNumber_TrueDivide(Py_True, odd53));
    Py_DECREF(odd53);
    show("ToBase(-2**63, 16)", PyNumber_ToBase(min, 16));
    show("Long('-9223372036854775808')", on_text(PyNumber_Long, "-9223372036854775808"));
    show("Float(' -InFinity ')", on_text(PyNumber_Float, " -InFinity "));
    show("Float('nan')", on_text(PyNumber_Float, "nan"));
    show("Float('1e500')", on_text(PyNumber_Float, "1e500"));
    show("Float('0x1p3')", on_text(PyNumber_Float, "0x1p3"));
    show("Float('1_.5')", on_text(PyNumber_Float, "1_.5"));
    show("Float('.5e-3')", on_text(PyNumber_Float, ".5e-3"));
    show("Float('5.')", on_text(PyNumber_Float, "5."));
    show("Float('1e')", on_text(PyNumber_Float, "1e"));
    show("Long('_1')", on_text(PyNumber_Long, "_1"));
    show("Long('+0_0')", on_text(PyNumber_Long, "+0_0"));
    show("Long('')", on_text(PyNumber_Long, ""));
    Py_DECREF(big);
    Py_DECREF(min);
  }
  /* Beyond 64 bits: big ints, as CPython. */
  {
    PyObject* big = make(m, BIG);
    PyObject* min = make(m, INT_MIN_);
    PyObject* two = make(m, I2);
    PyObject* minus_one = PyLong_FromLong(-1);
    show("Add(2**62, 2**62)", PyNumber_Add(big, big));
    show("Multiply(2**62, 2)", PyNumber_Multiply(big, two));
    show("Lshift(2**62, 2)", PyNumber_Lshift(big, two));
    show("FloorDivide(-2**63, -1)", PyNumber_FloorDivide(min, minus_one));
    show("Negative(-2**63)", PyNumber_Negative(min));
    show("Absolute(-2**63)", PyNumber_Absolute(min));
    PyObject* sixty_four = PyLong_FromLong(64);
    PyObject* minus_seven_half = make(m, FM75);
    PyObject* two_half = make(m, F25);
    show("Power(-7.5, 2.5)", PyNumber_Power(minus_seven_half, two_half, Py_None));
    Py_DECREF(minus_seven_half);
    Py_DECREF(two_half);
    show("Power(2, 64)", PyNumber_Power(two, sixty_four, Py_None));
    show("Power(-2**63, 2)", PyNumber_Power(min, two, Py_None));
    show("Long('9223372036854775808')", on_text(PyNumber_Long, "9223372036854775808"));
    Py_DECREF(sixty_four);
    Py_DECREF(big);
    Py_DECREF(min);
    Py_DECREF(two);
    Py_DECREF(minus_one);
  }
}

DIFFERENTIAL_MAIN("vec", PyInit_vec, drive)
