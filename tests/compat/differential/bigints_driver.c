/* Drives tests/compat/modules/bigints.c and the number protocol on ints of any size: edge
 * values (0, +-1, +-2^30, +-2^60, +-2^63, +-2^64, +-(2^64 - 1), the double range's ends,
 * 10^4300) and random ints of 0..400 digits from a seeded splitmix64 (the same sequence in
 * both builds), through every conversion (C types, byte arrays both ways and both
 * endiannesses, strings in bases 0 and 2..36 with the 4300-digit limit, doubles) and every
 * operator (+ - * // % divmod / ** pow(a, b, m) << >> & | ^ ~ neg abs bool int float,
 * comparisons with ints and floats, hash, str, bin/oct/hex, format()).
 *
 * Each line is one call and what it gave; an int beyond 200 bits, and long str and bytes,
 * are printed as a summary (bit count, hash, a checksum of the hex digits or the text) to
 * keep the output short: equal summaries mean equal values. */
#define PY_SSIZE_T_CLEAN
#include <stdint.h>

#include "diff_support.h"

PyMODINIT_FUNC PyInit_bigints(void);

/* splitmix64: the same stream in both builds and in every thread's run. */
static uint64_t next_random(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static uint64_t fnv(const char* s, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return h;
}

/* A printable summary of `v` (a new reference): big ints, long str and bytes summarised,
 * tuples item by item; NULL stays NULL (the exception is shown). Steals v. */
static PyObject* summary(PyObject* v) {
  if (v == NULL) return NULL;
  PyObject* result = NULL;
  if (PyLong_Check(v) && _PyLong_NumBits(v) > 200) {
    PyObject* hex = PyNumber_ToBase(v, 16);
    Py_ssize_t n = 0;
    const char* text = hex != NULL ? PyUnicode_AsUTF8AndSize(hex, &n) : NULL;
    if (text != NULL) {
      char digest[17];
      snprintf(digest, sizeof digest, "%016llx", (unsigned long long)fnv(text, (size_t)n));
      result = PyUnicode_FromFormat("<int bits=%zu hash=%zd hex=%s>", _PyLong_NumBits(v),
                                    PyObject_Hash(v), digest);
    }
    Py_XDECREF(hex);
  } else if (PyUnicode_Check(v) && PyUnicode_GetLength(v) > 100) {
    Py_ssize_t n = 0;
    const char* text = PyUnicode_AsUTF8AndSize(v, &n);
    if (text != NULL) {
      char digest[17];
      snprintf(digest, sizeof digest, "%016llx", (unsigned long long)fnv(text, (size_t)n));
      result = PyUnicode_FromFormat("<str len=%zd head=%.20s fnv=%s>", n, text, digest);
    }
  } else if (PyBytes_Check(v) && PyBytes_GET_SIZE(v) > 24) {
    char digest[17];
    snprintf(digest, sizeof digest, "%016llx",
             (unsigned long long)fnv(PyBytes_AS_STRING(v), (size_t)PyBytes_GET_SIZE(v)));
    result = PyUnicode_FromFormat("<bytes len=%zd fnv=%s>", PyBytes_GET_SIZE(v), digest);
  } else if (PyTuple_Check(v)) {
    const Py_ssize_t n = PyTuple_GET_SIZE(v);
    result = PyTuple_New(n);
    for (Py_ssize_t i = 0; result != NULL && i < n; ++i) {
      PyObject* item = summary(Py_NewRef(PyTuple_GET_ITEM(v, i)));
      if (item == NULL) Py_CLEAR(result);
      else PyTuple_SET_ITEM(result, i, item);
    }
  } else {
    result = Py_NewRef(v);
  }
  Py_DECREF(v);
  return result;
}

static void put(const char* label, PyObject* result) { show(label, summary(result)); }

/* Labels: "v12 + v3". */
static char* label(char* buffer, size_t size, const char* format, int a, int b) {
  snprintf(buffer, size, format, a, b);
  return buffer;
}

#define MAX_VALUES 96

/* The threaded run (diff_support.h: 3 threads x 8 runs while another collects, under TSan
 * too) takes every fourth value, 8 random ones and one literal a base, to stay within
 * seconds; the single-threaded runs compared with CPython take them all. */
#ifdef PINION_DIFF_THREADS
#define RANDOM_VALUES 8
#define STRIDE 4
#define LITERALS_PER_BASE 1
#else
#define RANDOM_VALUES 48
#define STRIDE 1
#define LITERALS_PER_BASE 4
#endif

/* n = (int(hex, 16) << shift) + add. */
static PyObject* edge(const char* hex, long shift, long add) {
  PyObject* m = PyLong_FromString(hex, NULL, 16);
  PyObject* s = PyLong_FromLong(shift);
  PyObject* shifted = m != NULL && s != NULL ? PyNumber_Lshift(m, s) : NULL;
  PyObject* a = PyLong_FromLong(add);
  PyObject* n = shifted != NULL && a != NULL ? PyNumber_Add(shifted, a) : NULL;
  Py_XDECREF(m);
  Py_XDECREF(s);
  Py_XDECREF(shifted);
  Py_XDECREF(a);
  return n;
}

/* A random int of 0..400 digits (mostly small), made from random bytes. */
static PyObject* random_int(PyObject* module, uint64_t* rng) {
  const uint64_t kind = next_random(rng) % 10;
  const size_t ndigits = (size_t)(kind < 4 ? next_random(rng) % 3
                                           : kind < 7 ? next_random(rng) % 21 : next_random(rng) % 401);
  const size_t nbytes = (ndigits * 30 + 7) / 8;
  unsigned char bytes[1504];
  for (size_t i = 0; i < nbytes; ++i) bytes[i] = (unsigned char)next_random(rng);
  if (ndigits * 30 % 8 != 0) bytes[nbytes - 1] &= (unsigned char)((1u << (ndigits * 30 % 8)) - 1);
  const int little = (int)(next_random(rng) & 1);
  if (!little) {  /* the same value, given most significant byte first */
    for (size_t i = 0; i < nbytes / 2; ++i) {
      unsigned char t = bytes[i];
      bytes[i] = bytes[nbytes - 1 - i];
      bytes[nbytes - 1 - i] = t;
    }
  }
  PyObject* n = call(module, "from_bytes",
                     Py_BuildValue("(y#ii)", (const char*)bytes, (Py_ssize_t)nbytes, little, 0));
  if (n != NULL && (next_random(rng) & 1)) {
    PyObject* negative = PyNumber_Negative(n);
    Py_DECREF(n);
    n = negative;
  }
  return n;
}

/* A random literal in `base` (0, 2..36): whitespace, a sign, a prefix, digits with single
 * underscores, and now and then a fault. */
static void random_literal(uint64_t* rng, int base, char* out, size_t size) {
  static const char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  size_t k = 0;
  const int digit_base = base == 0 ? 10 : base;
  if (next_random(rng) % 4 == 0) out[k++] = ' ';
  const uint64_t sign = next_random(rng) % 3;
  if (sign == 1) out[k++] = '-';
  if (sign == 2) out[k++] = '+';
  if ((base == 16 || base == 0) && next_random(rng) % 2 == 0) {
    out[k++] = '0';
    out[k++] = next_random(rng) % 2 ? 'x' : 'X';
    base = 16;
  }
  const int real_base = base == 0 ? digit_base : base;
  const uint64_t longest = next_random(rng) % 4 == 0 ? 300 : 25; /* drawn first: sequenced */
  const size_t length = 1 + (size_t)(next_random(rng) % longest);
  for (size_t i = 0; i < length && k + 4 < size; ++i) {
    const uint64_t r = next_random(rng);
    int d = (int)(r % (uint64_t)real_base);
    if (i == 0 && base == 0 && d == 0) d = 1;  /* base 0 refuses leading zeros */
    out[k++] = kDigits[(r >> 32) % 2 && d >= 10 ? d + 26 : d];
    if (i + 1 < length && r % 7 == 0) out[k++] = '_';
  }
  const uint64_t fault = next_random(rng) % 12;
  if (fault == 0 && k + 2 < size) out[k++] = '_';
  if (fault == 1 && k + 2 < size) out[k++] = '@';
  if (fault == 2 && k + 3 < size) {
    out[k++] = '_';
    out[k++] = '_';
    out[k++] = '1';
  }
  if (next_random(rng) % 4 == 0 && k + 2 < size) out[k++] = '\t';
  out[k] = '\0';
}

static void conversions(PyObject* module, PyObject* v, int i) {
  char l[96];
  put(label(l, sizeof l, "v%d", i, 0), Py_NewRef(v));
  put(label(l, sizeof l, "digits(v%d)", i, 0), call(module, "digits", PyTuple_Pack(1, v)));
  PyObject* copy = call(module, "rebuild", PyTuple_Pack(1, v));
  put(label(l, sizeof l, "rebuild(v%d) == v%d", i, i),
      copy != NULL ? PyObject_RichCompare(copy, v, Py_EQ) : NULL);
  Py_XDECREF(copy);
  put(label(l, sizeof l, "as_c(v%d)", i, 0), call(module, "as_c", PyTuple_Pack(1, v)));
  put(label(l, sizeof l, "parse(v%d)", i, 0), call(module, "parse", PyTuple_Pack(1, v)));
  out("hash(v%d): %zd\n", i, PyObject_Hash(v));
  put(label(l, sizeof l, "-v%d", i, 0), PyNumber_Negative(v));
  put(label(l, sizeof l, "+v%d", i, 0), PyNumber_Positive(v));
  put(label(l, sizeof l, "abs(v%d)", i, 0), PyNumber_Absolute(v));
  put(label(l, sizeof l, "~v%d", i, 0), PyNumber_Invert(v));
  out("bool(v%d): %d\n", i, PyObject_IsTrue(v));
  put(label(l, sizeof l, "float(v%d)", i, 0), PyNumber_Float(v));
  put(label(l, sizeof l, "int(v%d)", i, 0), PyNumber_Long(v));
  put(label(l, sizeof l, "index(v%d)", i, 0), PyNumber_Index(v));
  PyObject* text = PyObject_Str(v);
  put(label(l, sizeof l, "str(v%d)", i, 0), Py_XNewRef(text));
  if (text == NULL) PyErr_Clear();
  if (text != NULL) {
    PyObject* back = call(module, "from_unicode", Py_BuildValue("(Oi)", text, 10));
    put(label(l, sizeof l, "int(str(v%d)) == v%d", i, i),
        back != NULL ? PyObject_RichCompare(back, v, Py_EQ) : NULL);
    Py_XDECREF(back);
    Py_DECREF(text);
  }
  static const int kBases[] = {2, 8, 10, 16};
  for (int b = 0; b < 4; ++b) {
    PyObject* based = PyNumber_ToBase(v, kBases[b]);
    put(label(l, sizeof l, "ToBase(v%d, %d)", i, kBases[b]), Py_XNewRef(based));
    if (based == NULL) {
      PyErr_Clear();
      continue;
    }
    PyObject* back = call(module, "from_string", Py_BuildValue("(Ni)", based, 0));
    PyObject* value = back != NULL ? PyTuple_GetItem(back, 0) : NULL;
    put(label(l, sizeof l, "int(ToBase(v%d, %d), 0) == v", i, kBases[b]),
        value != NULL ? PyObject_RichCompare(value, v, Py_EQ) : NULL);
    Py_XDECREF(back);
  }
  put(label(l, sizeof l, "_PyLong_Format(v%d, 8)", i, 0),
      call(module, "format", Py_BuildValue("(Oi)", v, 8)));
  static const char* kSpecs[] = {",", "_x", "#o", "+60", "^70", "0=40_", "#X", "n", ".5e", "c"};
  for (int s = 0; s < 10; ++s) {
    PyObject* spec = PyUnicode_FromString(kSpecs[s]);
    char sl[96];
    snprintf(sl, sizeof sl, "format(v%d, '%s')", i, kSpecs[s]);
    put(sl, PyObject_Format(v, spec));
    Py_DECREF(spec);
  }
  /* Byte arrays: the size the value needs (signed), one less, one more, and 8. */
  const size_t bits = _PyLong_NumBits(v);
  const Py_ssize_t need = (Py_ssize_t)(bits / 8 + 1);
  const Py_ssize_t sizes[] = {8, need - 1, need, need + 1};
  for (int s = 0; s < 4; ++s) {
    for (int little = 0; little < 2; ++little) {
      for (int is_signed = 0; is_signed < 2; ++is_signed) {
        char bl[96];
        snprintf(bl, sizeof bl, "to_bytes(v%d, %zd, %d, %d)", i, sizes[s], little, is_signed);
        PyObject* bytes = call(module, "to_bytes", Py_BuildValue("(Onii)", v, sizes[s], little, is_signed));
        put(bl, Py_XNewRef(bytes));
        if (bytes == NULL) {
          PyErr_Clear();
          continue;
        }
        snprintf(bl, sizeof bl, "from_bytes(to_bytes(v%d, %zd, %d, %d))", i, sizes[s], little,
                 is_signed);
        put(bl, call(module, "from_bytes", Py_BuildValue("(Nii)", bytes, little, is_signed)));
      }
    }
  }
  /* With floats. */
  PyObject* half = PyFloat_FromDouble(0.5);
  PyObject* big = PyFloat_FromDouble(1e300);
  PyObject* inf = PyFloat_FromDouble(HUGE_VAL);
  put(label(l, sizeof l, "v%d + 0.5", i, 0), PyNumber_Add(v, half));
  put(label(l, sizeof l, "v%d / 0.5", i, 0), PyNumber_TrueDivide(v, half));
  put(label(l, sizeof l, "v%d < 1e300", i, 0), PyObject_RichCompare(v, big, Py_LT));
  put(label(l, sizeof l, "v%d < inf", i, 0), PyObject_RichCompare(v, inf, Py_LT));
  PyObject* as_float = PyNumber_Float(v);
  if (as_float == NULL) PyErr_Clear();
  if (as_float != NULL) {
    put(label(l, sizeof l, "v%d == float(v%d)", i, i), PyObject_RichCompare(v, as_float, Py_EQ));
    put(label(l, sizeof l, "v%d < float(v%d)", i, i), PyObject_RichCompare(v, as_float, Py_LT));
    put(label(l, sizeof l, "from_double(float(v%d))", i, 0),
        call(module, "from_double", PyTuple_Pack(1, as_float)));
    Py_DECREF(as_float);
  }
  Py_DECREF(half);
  Py_DECREF(big);
  Py_DECREF(inf);
}

static void operators(PyObject* module, PyObject* a, PyObject* b, int i, int j) {
  char l[96];
  put(label(l, sizeof l, "v%d + v%d", i, j), PyNumber_Add(a, b));
  put(label(l, sizeof l, "v%d - v%d", i, j), PyNumber_Subtract(a, b));
  put(label(l, sizeof l, "v%d * v%d", i, j), PyNumber_Multiply(a, b));
  put(label(l, sizeof l, "v%d // v%d", i, j), PyNumber_FloorDivide(a, b));
  put(label(l, sizeof l, "v%d %% v%d", i, j), PyNumber_Remainder(a, b));
  put(label(l, sizeof l, "divmod(v%d, v%d)", i, j), PyNumber_Divmod(a, b));
  put(label(l, sizeof l, "v%d / v%d", i, j), PyNumber_TrueDivide(a, b));
  put(label(l, sizeof l, "v%d & v%d", i, j), PyNumber_And(a, b));
  put(label(l, sizeof l, "v%d | v%d", i, j), PyNumber_Or(a, b));
  put(label(l, sizeof l, "v%d ^ v%d", i, j), PyNumber_Xor(a, b));
  put(label(l, sizeof l, "gcd(v%d, v%d)", i, j), call(module, "gcd", PyTuple_Pack(2, a, b)));
  static const int kOps[] = {Py_LT, Py_LE, Py_EQ, Py_NE, Py_GT, Py_GE};
  out("compare(v%d, v%d):", i, j);
  for (int k = 0; k < 6; ++k) out(" %d", PyObject_RichCompareBool(a, b, kOps[k]));
  out("\n");
  /* Shifts and powers by small amounts taken from b. */
  PyObject* mask = PyLong_FromLong(511);
  PyObject* count = PyNumber_And(b, mask);
  put(label(l, sizeof l, "v%d << (v%d & 511)", i, j), PyNumber_Lshift(a, count));
  put(label(l, sizeof l, "v%d >> (v%d & 511)", i, j), PyNumber_Rshift(a, count));
  put(label(l, sizeof l, "v%d >> v%d", i, j), PyNumber_Rshift(a, b));
  PyObject* small = PyLong_FromLong(15);
  PyObject* exponent = PyNumber_And(b, small);
  put(label(l, sizeof l, "v%d ** (v%d & 15)", i, j), PyNumber_Power(a, exponent, Py_None));
  PyObject* negative = PyNumber_Negative(exponent);
  put(label(l, sizeof l, "v%d ** -(v%d & 15)", i, j), PyNumber_Power(a, negative, Py_None));
  /* pow(a, b & (2^300 - 1), m) and pow(a, -1, m), m(b) = (b >> 100) & (2^300 - 1),
   * negated when b < 0 (a small modulus: quick). */
  PyObject* one = PyLong_FromLong(1);
  PyObject* bits = PyLong_FromLong(300);
  PyObject* top = PyNumber_Lshift(one, bits);
  PyObject* low_mask = PyNumber_Subtract(top, one);
  PyObject* e = PyNumber_And(b, low_mask);
  PyObject* hundred = PyLong_FromLong(100);
  PyObject* shifted = PyNumber_Rshift(b, hundred);
  PyObject* m = PyNumber_And(shifted, low_mask); /* 300 bits at most: quick */
  if (Py_SIZE(b) < 0) { /* m takes b's sign */
    PyObject* negated = PyNumber_Negative(m);
    Py_DECREF(m);
    m = negated;
  }
  Py_DECREF(shifted);
  put(label(l, sizeof l, "pow(v%d, v%d & (2**300-1), m)", i, j), PyNumber_Power(a, e, m));
  PyObject* minus_one = PyLong_FromLong(-1);
  put(label(l, sizeof l, "pow(v%d, -1, m(v%d))", i, j), PyNumber_Power(a, minus_one, m));
  put(label(l, sizeof l, "pow(v%d, -1, v%d)", i, j), PyNumber_Power(a, minus_one, b));
  Py_DECREF(minus_one);
  Py_DECREF(m);
  Py_DECREF(hundred);
  Py_DECREF(e);
  Py_DECREF(low_mask);
  Py_DECREF(top);
  Py_DECREF(bits);
  Py_DECREF(one);
  Py_DECREF(negative);
  Py_DECREF(exponent);
  Py_DECREF(small);
  Py_DECREF(count);
  Py_DECREF(mask);
}

static void literals(PyObject* module, uint64_t* rng) {
  char text[400];
  for (int base = 0; base <= 36; ++base) {
    if (base == 1) continue;
    for (int k = 0; k < LITERALS_PER_BASE; ++k) {
      random_literal(rng, base, text, sizeof text);
      char l[64];
      snprintf(l, sizeof l, "from_string(<literal %d.%d>, %d)", base, k, base);
      out("literal %d.%d: %s\n", base, k, text);
      put(l, call(module, "from_string", Py_BuildValue("(si)", text, base)));
      snprintf(l, sizeof l, "from_unicode(<literal %d.%d>, %d)", base, k, base);
      put(l, call(module, "from_unicode", Py_BuildValue("(si)", text, base)));
    }
  }
  /* The 4300-digit limit: bases that are not powers of two only. */
  static const struct {
    int count, base;
  } kLimits[] = {{4300, 10}, {4301, 10}, {5000, 16}, {4301, 7}, {4300, 36}, {5000, 2}, {4301, 0}};
  for (size_t k = 0; k < sizeof kLimits / sizeof kLimits[0]; ++k) {
    char local[5002];
    memset(local, '1', (size_t)kLimits[k].count);
    local[kLimits[k].count] = '\0';
    char l[64];
    snprintf(l, sizeof l, "from_string('1' * %d, %d)", kLimits[k].count, kLimits[k].base);
    put(l, call(module, "from_string", Py_BuildValue("(si)", local, kLimits[k].base)));
  }
  show("from_string('12', 1)", call(module, "from_string", Py_BuildValue("(si)", "12", 1)));
  show("from_string('12', 37)", call(module, "from_string", Py_BuildValue("(si)", "12", 37)));
}

static void drive(PyObject* module) {
  uint64_t rng = 0x5EED0011;
  show("info()", call(module, "info", NULL));
  PyObject* values[MAX_VALUES];
  int n = 0;
  static const struct {
    const char* hex;
    long shift, add;
  } kEdges[] = {
      {"0", 0, 0},          {"1", 0, 0},           {"0", 0, -1},          {"1", 30, 0},
      {"-1", 30, 0},        {"1", 30, -1},         {"1", 60, 0},          {"-1", 60, 0},
      {"1", 60, -1},        {"1", 62, 0},          {"1", 63, 0},          {"-1", 63, 0},
      {"1", 63, -1},        {"-1", 63, -1},        {"1", 64, 0},          {"-1", 64, 0},
      {"1", 64, -1},        {"-1", 64, 1},         {"0", 0, 256},         {"0", 0, 257},
      {"0", 0, -5},         {"0", 0, -6},          {"20000000000001", 0, 0},
      {"20000000000001", 1000, 0},                 {"1", 1023, 0},        {"1", 1024, 0},
      {"fffffffffffffc", 968, 0},                  {"fffffffffffffc", 968, -1},
      {"-fffffffffffffc", 968, 1},                 {"1", 1074, 0},        {"3", 1100, 1},
  };
  for (size_t k = 0; k < sizeof kEdges / sizeof kEdges[0]; ++k) {
    values[n++] = edge(kEdges[k].hex, kEdges[k].shift, kEdges[k].add);
  }
  PyObject* ten = PyLong_FromLong(10);
  PyObject* power = PyLong_FromLong(4300);
  PyObject* one = PyLong_FromLong(1);
  PyObject* big = PyNumber_Power(ten, power, Py_None);
  values[n++] = PyNumber_Subtract(big, one); /* 4300 digits: str() works */
  values[n++] = big;                         /* 4301: the limit */
  Py_DECREF(ten);
  Py_DECREF(power);
  Py_DECREF(one);
  const int edges = n;
  while (n < edges + RANDOM_VALUES) values[n++] = random_int(module, &rng);
  for (int i = 0; i < n; ++i) {
    if (values[i] == NULL) {
      show("making a value", NULL);
      return;
    }
  }
  for (int i = 0; i < n; i += STRIDE) conversions(module, values[i], i);
  for (int i = 0; i < n; i += STRIDE) {
    operators(module, values[i], values[(i + 1) % n], i, (i + 1) % n);
    const int j = (int)(next_random(&rng) % (uint64_t)n);
    operators(module, values[i], values[j], i, j);
  }
  /* Exact true division at the ends of the double range. */
  operators(module, values[1], values[29], 1, 29);   /* 1 / 2^1074 */
  operators(module, values[3], values[30], 3, 30);   /* 2^30 / (3 * 2^1100 + 1): subnormal */
  literals(module, &rng);
  for (int i = 0; i < n; ++i) Py_DECREF(values[i]);
}

DIFFERENTIAL_MAIN("bigints", PyInit_bigints, drive)
