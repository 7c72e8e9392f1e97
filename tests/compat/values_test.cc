// The value types: None/NotImplemented/bool, int, float, str and bytes (compat/runtime/
// none_bool.cc, long.cc, float.cc, unicode.cc, unicode_format.cc, bytes.cc). Checked:
// conversions at the limits and their errors; small ints and singletons are immortal; repr,
// hash and comparison agree with CPython; UTF-8 is validated and measured; FromFormat; a
// str's UTF-8 copy; values held as new references survive collections; values shared across
// threads.
#include <doctest/doctest.h>

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "Python.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::Interpreter;
using pinion::py_test::TakeError;

// The UTF-8 of a str (NULs included); consumes the reference.
std::string Utf8(PyObject* str) {
  REQUIRE(str != nullptr);
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(str, &size);
  REQUIRE(data != nullptr);
  std::string out(data, static_cast<size_t>(size));
  Py_DECREF(str);
  return out;
}

// The type's own repr slot, applied to `o` (borrowed).
std::string Repr(PyObject* o) { return Utf8(Py_TYPE(o)->tp_repr(o)); }

Py_hash_t Hash(PyObject* o) { return Py_TYPE(o)->tp_hash(o); }

// The type's own richcompare slot: 1 true, 0 false, -1 NotImplemented.
int Compare(PyObject* a, PyObject* b, int op) {
  PyObject* result = Py_TYPE(a)->tp_richcompare(a, b, op);
  REQUIRE(result != nullptr);
  const int answer = result == Py_NotImplemented ? -1 : (result == Py_True ? 1 : 0);
  if (answer == 0) REQUIRE(result == Py_False);
  Py_DECREF(result);
  return answer;
}

bool IsImmortal(PyObject* o) { return Py_REFCNT(o) == _PyPinion_IMMORTAL_REFCNT; }

// PyUnicode_FromFormat's result as UTF-8.
template <class... A>
std::string Format(const char* format, A... args) {
  return Utf8(PyUnicode_FromFormat(format, args...));
}

TEST_CASE("None, NotImplemented, True and False are immortal singletons") {
  Interpreter py;
  for (PyObject* o : {Py_None, Py_NotImplemented, Py_True, Py_False}) {
    CHECK(IsImmortal(o));
    for (int i = 0; i < 1000; ++i) Py_INCREF(o);
    for (int i = 0; i < 1100; ++i) Py_DECREF(o);  // more DECREFs than INCREFs: still nothing
    CHECK(IsImmortal(o));
  }
  CHECK(Py_IsNone(Py_None));
  CHECK(Py_TYPE(Py_None) == &_PyNone_Type);
  CHECK(Py_TYPE(Py_NotImplemented) == &_PyNotImplemented_Type);
  CHECK(PyBool_FromLong(42) == Py_True);
  CHECK(PyBool_FromLong(0) == Py_False);
  CHECK(Py_IsTrue(Py_True));
  CHECK(Py_IsFalse(Py_False));
  CHECK(PyBool_Check(Py_True));
  CHECK_FALSE(PyBool_Check(Py_None));

  // bool is an int subclass.
  CHECK(PyLong_Check(Py_True));
  CHECK_FALSE(PyLong_CheckExact(Py_True));
  CHECK(PyType_IsSubtype(&PyBool_Type, &PyLong_Type));
  CHECK(PyLong_AsLong(Py_True) == 1);
  CHECK(PyLong_AsLong(Py_False) == 0);

  CHECK(Repr(Py_None) == "None");
  CHECK(Repr(Py_NotImplemented) == "NotImplemented");
  CHECK(Repr(Py_True) == "True");
  CHECK(Repr(Py_False) == "False");
  CHECK(Hash(Py_True) == 1);
  CHECK(Hash(Py_False) == 0);
  CHECK(Hash(Py_None) != -1);

  PyObject* one = PyLong_FromLong(1);
  PyObject* one_f = PyFloat_FromDouble(1.0);
  CHECK(Compare(Py_True, one, Py_EQ) == 1);
  CHECK(Compare(one_f, Py_True, Py_EQ) == 1);
  CHECK(Compare(Py_False, Py_True, Py_LT) == 1);
  CHECK(Compare(Py_True, Py_None, Py_EQ) == -1);
  Py_DECREF(one);
  Py_DECREF(one_f);
}

TEST_CASE("small ints are static and immortal; others are allocated") {
  Interpreter py;
  for (long v = -5; v <= 256; ++v) {
    PyObject* a = PyLong_FromLong(v);
    PyObject* b = PyLong_FromLongLong(v);
    CHECK(a == b);
    CHECK(IsImmortal(a));
    for (int i = 0; i < 10; ++i) Py_DECREF(a);  // no-ops: no pin was taken
    CHECK(PyLong_AsLong(a) == v);
  }
  CHECK(PyLong_FromSize_t(256) == PyLong_FromLong(256));
  CHECK(PyLong_FromDouble(-5.5) == PyLong_FromLong(-5));

  for (long v : {-6L, 257L, 1L << 40}) {
    PyObject* a = PyLong_FromLong(v);
    PyObject* b = PyLong_FromLong(v);
    CHECK(a != b);
    CHECK_FALSE(IsImmortal(a));
    CHECK(PyLong_CheckExact(a));
    CHECK(Compare(a, b, Py_EQ) == 1);
    CHECK(Hash(a) == Hash(b));
    Py_DECREF(a);
    Py_DECREF(b);
  }
  PyGC_Collect();
  CHECK(PyLong_AsLong(PyLong_FromLong(100)) == 100);
}

TEST_CASE("int conversions round-trip at the limits and raise on overflow") {
  Interpreter py;
  for (long v : {LONG_MIN, LONG_MIN + 1, -257L, -1L, 0L, 257L, LONG_MAX}) {
    PyObject* o = PyLong_FromLong(v);
    REQUIRE(o != nullptr);
    CHECK(PyLong_AsLong(o) == v);
    CHECK(PyLong_AsLongLong(o) == v);
    CHECK(PyLong_AsSsize_t(o) == v);
    int overflow = 7;
    CHECK(PyLong_AsLongAndOverflow(o, &overflow) == v);
    CHECK(overflow == 0);
    CHECK(PyLong_AsDouble(o) == static_cast<double>(v));
    CHECK(PyErr_Occurred() == nullptr);
    Py_DECREF(o);
  }

  PyObject* max = PyLong_FromUnsignedLongLong(LLONG_MAX);
  CHECK(PyLong_AsUnsignedLongLong(max) == static_cast<unsigned long long>(LLONG_MAX));
  CHECK(PyLong_AsUnsignedLong(max) == static_cast<unsigned long>(LONG_MAX));
  CHECK(PyLong_AsSize_t(max) == static_cast<size_t>(PY_SSIZE_T_MAX));
  Py_DECREF(max);

  // Beyond 64 signed bits: a big int, not a wrapped value nor an OverflowError.
  PyObject* umax = PyLong_FromUnsignedLong(ULONG_MAX);
  REQUIRE(umax != nullptr);
  CHECK(PyLong_AsUnsignedLong(umax) == ULONG_MAX);
  CHECK(PyLong_AsLong(umax) == -1);
  CHECK(TakeError(PyExc_OverflowError));
  int big_overflow = 0;
  CHECK(PyLong_AsLongAndOverflow(umax, &big_overflow) == -1);
  CHECK(big_overflow == 1);
  CHECK(PyErr_Occurred() == nullptr);
  CHECK(PyLong_AsUnsignedLongLongMask(umax) == ULLONG_MAX);
  PyObject* negated = PyNumber_Negative(umax);
  CHECK(PyLong_AsLongAndOverflow(negated, &big_overflow) == -1);
  CHECK(big_overflow == -1);
  CHECK(PyLong_AsUnsignedLongMask(negated) == 1UL);
  CHECK(Py_SIZE(negated) == -3);  // 64 bits: three 30-bit digits
  Py_DECREF(negated);
  Py_DECREF(umax);

  // Negative values do not convert to unsigned types.
  PyObject* minus_one = PyLong_FromLong(-1);
  CHECK(PyLong_AsUnsignedLong(minus_one) == static_cast<unsigned long>(-1));
  CHECK(TakeError(PyExc_OverflowError));
  CHECK(PyLong_AsUnsignedLongLong(minus_one) == static_cast<unsigned long long>(-1));
  CHECK(TakeError(PyExc_OverflowError));
  CHECK(PyLong_AsSize_t(minus_one) == static_cast<size_t>(-1));
  CHECK(TakeError(PyExc_OverflowError));
  // A real -1 leaves no error.
  CHECK(PyLong_AsLong(minus_one) == -1);
  CHECK(PyErr_Occurred() == nullptr);

  // Only ints (and bools) convert.
  PyObject* f = PyFloat_FromDouble(2.0);
  PyObject* s = PyUnicode_FromString("2");
  for (PyObject* o : {f, s, Py_None}) {
    CHECK(PyLong_AsLong(o) == -1);
    CHECK(TakeError(PyExc_TypeError));
    CHECK(PyLong_AsUnsignedLongLong(o) == static_cast<unsigned long long>(-1));
    CHECK(TakeError(PyExc_TypeError));
    CHECK(PyLong_AsDouble(o) == -1.0);
    CHECK(TakeError(PyExc_TypeError));
    int overflow = 7;
    CHECK(PyLong_AsLongAndOverflow(o, &overflow) == -1);
    CHECK(overflow == 0);
    CHECK(TakeError(PyExc_TypeError));
  }
  Py_DECREF(f);
  Py_DECREF(s);

  // From double: truncation toward zero, within [-2^63, 2^63).
  auto from_double = [](double d) {
    PyObject* o = PyLong_FromDouble(d);
    REQUIRE(o != nullptr);
    const long long v = PyLong_AsLongLong(o);
    Py_DECREF(o);
    return v;
  };
  CHECK(from_double(3.99) == 3);
  CHECK(from_double(-3.99) == -3);
  CHECK(from_double(-0x1p63) == LLONG_MIN);
  CHECK(from_double(0x1p62) == 1LL << 62);
  PyObject* two_63 = PyLong_FromDouble(0x1p63);
  REQUIRE(two_63 != nullptr);
  CHECK(PyLong_AsUnsignedLongLong(two_63) == 1ULL << 63);
  Py_DECREF(two_63);
  CHECK(PyLong_FromDouble(HUGE_VAL) == nullptr);
  CHECK(TakeError(PyExc_OverflowError));
  CHECK(PyLong_FromDouble(NAN) == nullptr);
  CHECK(TakeError(PyExc_ValueError));
}

TEST_CASE("an int is CPython's representation only: 32 bytes below 2^60, digits filled in") {
  Interpreter py;
  // Pinion's int was 48 bytes (an int64_t beside three digits); now CPython's layout.
  CHECK(sizeof(PyLongObject) == 32);
  CHECK(PyLong_Type.tp_basicsize == offsetof(PyLongObject, ob_digit));
  CHECK(PyLong_Type.tp_itemsize == sizeof(digit));
  // _PyLong_New: zeroed digits the caller fills before sharing, as Cython does.
  PyLongObject* v = _PyLong_New(3);
  REQUIRE(v != nullptr);
  CHECK(Py_SIZE(v) == 3);
  CHECK((v->ob_digit[0] | v->ob_digit[1] | v->ob_digit[2]) == 0);
  v->ob_digit[0] = 5;
  v->ob_digit[2] = 1;  // 2^60 + 5
  Py_SET_SIZE(v, -3);
  PyObject* o = reinterpret_cast<PyObject*>(v);
  CHECK(PyLong_AsLongLong(o) == -((1LL << 60) + 5));
  CHECK(Repr(o) == "-1152921504606846981");
  // A result of ob_size 0 or small values are the static small ints.
  PyObject* sum = PyNumber_Add(o, o);
  PyObject* zero = PyNumber_Subtract(o, o);
  CHECK(zero == PyLong_FromLong(0));
  CHECK(Py_SIZE(zero) == 0);
  CHECK(Repr(sum) == "-2305843009213693962");
  Py_DECREF(sum);
  Py_DECREF(zero);
  Py_DECREF(o);
  CHECK(_PyLong_New(-1) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  // Beyond 2^34 bits: MemoryError before anything is computed.
  PyObject* one = PyLong_FromLong(1);
  PyObject* shift = PyLong_FromLongLong(1LL << 40);
  CHECK(PyNumber_Lshift(one, shift) == nullptr);
  CHECK(TakeError(PyExc_MemoryError));
  PyObject* two = PyLong_FromLong(2);
  CHECK(PyNumber_Power(two, shift, Py_None) == nullptr);
  CHECK(TakeError(PyExc_MemoryError));
  Py_DECREF(two);
  Py_DECREF(shift);
  Py_DECREF(one);
}

TEST_CASE("int repr, hash and comparison follow CPython") {
  Interpreter py;
  auto repr = [](long long v) {
    PyObject* o = PyLong_FromLongLong(v);
    const std::string r = Repr(o);
    Py_DECREF(o);
    return r;
  };
  CHECK(repr(0) == "0");
  CHECK(repr(-123) == "-123");
  CHECK(repr(LLONG_MIN) == "-9223372036854775808");
  CHECK(repr(LLONG_MAX) == "9223372036854775807");

  auto hash = [](long long v) {
    PyObject* o = PyLong_FromLongLong(v);
    const Py_hash_t h = Hash(o);
    Py_DECREF(o);
    return h;
  };
  // Values of CPython's hash() (64-bit).
  CHECK(hash(5) == 5);
  CHECK(hash(-1) == -2);
  CHECK(hash(-2) == -2);
  CHECK(hash((1LL << 61) - 1) == 0);
  CHECK(hash(1LL << 61) == 1);
  CHECK(hash(LLONG_MAX) == 3);
  CHECK(hash(LLONG_MIN) == -4);

  PyObject* a = PyLong_FromLong(1000);
  PyObject* b = PyLong_FromLong(2000);
  CHECK(Compare(a, b, Py_LT) == 1);
  CHECK(Compare(a, b, Py_LE) == 1);
  CHECK(Compare(a, b, Py_EQ) == 0);
  CHECK(Compare(a, b, Py_NE) == 1);
  CHECK(Compare(a, b, Py_GT) == 0);
  CHECK(Compare(a, b, Py_GE) == 0);
  CHECK(Compare(a, a, Py_GE) == 1);
  PyObject* s = PyUnicode_FromString("1000");
  CHECK(Compare(a, s, Py_EQ) == -1);  // NotImplemented
  Py_DECREF(s);
  Py_DECREF(a);
  Py_DECREF(b);
}

TEST_CASE("float conversions, repr round trip, hash and comparison") {
  Interpreter py;
  PyObject* f = PyFloat_FromDouble(2.5);
  CHECK(PyFloat_Check(f));
  CHECK(PyFloat_CheckExact(f));
  CHECK_FALSE(PyLong_Check(f));
  CHECK(PyFloat_AS_DOUBLE(f) == 2.5);
  CHECK(PyFloat_AsDouble(f) == 2.5);
  Py_DECREF(f);
  PyObject* i = PyLong_FromLongLong(LLONG_MAX);
  CHECK(PyFloat_AsDouble(i) == 0x1p63);  // ints convert, rounded
  Py_DECREF(i);
  CHECK(PyFloat_AsDouble(Py_True) == 1.0);
  CHECK(PyFloat_AsDouble(Py_None) == -1.0);
  CHECK(TakeError(PyExc_TypeError));

  auto repr = [](double d) {
    PyObject* o = PyFloat_FromDouble(d);
    const std::string r = Repr(o);
    Py_DECREF(o);
    return r;
  };
  // CPython's repr() of each.
  CHECK(repr(0.0) == "0.0");
  CHECK(repr(-0.0) == "-0.0");
  CHECK(repr(1.0) == "1.0");
  CHECK(repr(1.5) == "1.5");
  CHECK(repr(0.1) == "0.1");
  CHECK(repr(0.1 + 0.2) == "0.30000000000000004");
  CHECK(repr(1.0 / 3) == "0.3333333333333333");
  CHECK(repr(-2.0 / 3) == "-0.6666666666666666");
  CHECK(repr(123456789.125) == "123456789.125");
  CHECK(repr(1e15) == "1000000000000000.0");
  CHECK(repr(1234567890123456.0) == "1234567890123456.0");
  CHECK(repr(1e16) == "1e+16");
  CHECK(repr(1.5e16) == "1.5e+16");
  CHECK(repr(0.0001) == "0.0001");
  CHECK(repr(0.00001) == "1e-05");
  CHECK(repr(-1.5e-05) == "-1.5e-05");
  CHECK(repr(1e100) == "1e+100");
  CHECK(repr(DBL_MAX) == "1.7976931348623157e+308");
  CHECK(repr(5e-324) == "5e-324");
  CHECK(repr(HUGE_VAL) == "inf");
  CHECK(repr(-HUGE_VAL) == "-inf");
  CHECK(repr(NAN) == "nan");

  // Every finite double reads back from its repr exactly.
  std::mt19937_64 random(12345);
  for (int n = 0; n < 20000; ++n) {
    uint64_t bits = random();
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    if (!std::isfinite(d)) continue;
    const std::string r = repr(d);
    CHECK_MESSAGE(std::strtod(r.c_str(), nullptr) == d, r);
  }

  auto hash = [](double d) {
    PyObject* o = PyFloat_FromDouble(d);
    const Py_hash_t h = Hash(o);
    Py_DECREF(o);
    return h;
  };
  // CPython's hash() of each; integral floats hash as the int.
  CHECK(hash(0.0) == 0);
  CHECK(hash(-0.0) == 0);
  CHECK(hash(1.0) == 1);
  CHECK(hash(-1.0) == -2);
  CHECK(hash(0.5) == 1152921504606846976);
  CHECK(hash(1.5) == 1152921504606846977);
  CHECK(hash(HUGE_VAL) == 314159);
  CHECK(hash(-HUGE_VAL) == -314159);
  for (long long v : {12345LL, -99LL, 1LL << 61, 1LL << 62, -(1LL << 62), LLONG_MIN}) {
    PyObject* o = PyLong_FromLongLong(v);
    CHECK(hash(static_cast<double>(v)) == Hash(o));
    Py_DECREF(o);
  }
  PyObject* nan1 = PyFloat_FromDouble(NAN);
  PyObject* nan2 = PyFloat_FromDouble(NAN);
  CHECK(Hash(nan1) != -1);
  CHECK(Hash(nan1) == Hash(nan1));

  // Comparisons: exact across int and float; NaN is unordered.
  CHECK(Compare(nan1, nan1, Py_EQ) == 0);
  CHECK(Compare(nan1, nan2, Py_NE) == 1);
  CHECK(Compare(nan1, Py_True, Py_LT) == 0);
  CHECK(Compare(nan1, Py_True, Py_GE) == 0);
  PyObject* two53 = PyFloat_FromDouble(0x1p53);
  PyObject* two53_int = PyLong_FromLongLong(1LL << 53);
  PyObject* two53_plus1 = PyLong_FromLongLong((1LL << 53) + 1);
  CHECK(Compare(two53, two53_int, Py_EQ) == 1);
  CHECK(Compare(two53_int, two53, Py_EQ) == 1);
  CHECK(Compare(two53, two53_plus1, Py_EQ) == 0);  // equal as doubles, not exactly
  CHECK(Compare(two53, two53_plus1, Py_LT) == 1);
  CHECK(Compare(two53_plus1, two53, Py_GT) == 1);
  PyObject* half = PyFloat_FromDouble(-0.5);
  PyObject* zero = PyLong_FromLong(0);
  PyObject* minus_one = PyLong_FromLong(-1);
  CHECK(Compare(half, zero, Py_LT) == 1);
  CHECK(Compare(minus_one, half, Py_LT) == 1);
  CHECK(Compare(zero, half, Py_GT) == 1);
  PyObject* big = PyFloat_FromDouble(1e20);
  PyObject* max = PyLong_FromLongLong(LLONG_MAX);
  PyObject* min = PyLong_FromLongLong(LLONG_MIN);
  PyObject* minus_inf = PyFloat_FromDouble(-HUGE_VAL);
  PyObject* min_f = PyFloat_FromDouble(-0x1p63);
  CHECK(Compare(big, max, Py_GT) == 1);
  CHECK(Compare(max, big, Py_LT) == 1);
  CHECK(Compare(minus_inf, min, Py_LT) == 1);
  CHECK(Compare(min_f, min, Py_EQ) == 1);
  CHECK(Compare(big, Py_None, Py_EQ) == -1);  // NotImplemented
  for (PyObject* o : {nan1, nan2, two53, two53_int, two53_plus1, half, zero, minus_one, big, max,
                      min, minus_inf, min_f}) {
    Py_DECREF(o);
  }
}

TEST_CASE("str decodes UTF-8 and counts code points") {
  Interpreter py;
  struct Case {
    const char* text;
    Py_ssize_t bytes, code_points;
  };
  for (const Case& c :
       {Case{"", 0, 0}, Case{"hello", 5, 5}, Case{"h\xc3\xa9llo w\xc3\xb6rld", 13, 11},
        Case{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, 3},  // 日本語
        Case{"\xf0\x9f\x98\x80!", 5, 2}}) {                  // 😀!
    PyObject* s = PyUnicode_FromString(c.text);
    REQUIRE(s != nullptr);
    CHECK(PyUnicode_Check(s));
    CHECK(PyUnicode_CheckExact(s));
    CHECK(PyUnicode_READY(s) == 0);
    CHECK(PyUnicode_GetLength(s) == c.code_points);
    CHECK(PyUnicode_GET_LENGTH(s) == c.code_points);
    Py_ssize_t size = -1;
    const char* utf8 = PyUnicode_AsUTF8AndSize(s, &size);
    CHECK(size == c.bytes);
    CHECK(std::string(utf8) == c.text);
    CHECK(utf8[size] == '\0');
    CHECK(std::string(PyUnicode_AsUTF8(s)) == c.text);
    Py_DECREF(s);
  }

  // Embedded NULs are kept.
  PyObject* nul = PyUnicode_FromStringAndSize("a\0b", 3);
  CHECK(PyUnicode_GetLength(nul) == 3);
  CHECK(Utf8(nul) == std::string("a\0b", 3));

  // Invalid UTF-8: a stray continuation, a truncated sequence, an overlong form, a surrogate,
  // a code point above U+10FFFF, a byte that never starts a sequence.
  for (const char* bad : {"\x80", "ab\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "x\xff"}) {
    CHECK(PyUnicode_FromString(bad) == nullptr);
    CHECK(TakeError(PyExc_ValueError));
    CHECK(PyUnicode_DecodeUTF8(bad, static_cast<Py_ssize_t>(std::strlen(bad)), "strict") ==
          nullptr);
    CHECK(TakeError(PyExc_ValueError));
  }
  // The largest valid code point is accepted.
  PyObject* max = PyUnicode_FromString("\xf4\x8f\xbf\xbf");
  CHECK(PyUnicode_GetLength(max) == 1);
  Py_DECREF(max);

  // Error handlers.
  PyObject* replaced = PyUnicode_DecodeUTF8("a\xff\xc3z", 4, "replace");
  CHECK(PyUnicode_GetLength(replaced) == 4);
  CHECK(Utf8(replaced) == "a\xef\xbf\xbd\xef\xbf\xbdz");
  PyObject* ignored = PyUnicode_DecodeUTF8("a\xff\xc3z", 4, "ignore");
  CHECK(PyUnicode_GetLength(ignored) == 2);
  CHECK(Utf8(ignored) == "az");
  CHECK(PyUnicode_DecodeUTF8("a\xff", 2, "bogus") == nullptr);  // looked up when needed
  CHECK(TakeError(PyExc_LookupError));
  CHECK(PyUnicode_DecodeUTF8("ok", 2, "bogus") != nullptr);  // ...and only then
  PyObject* escaped = PyUnicode_DecodeUTF8("a\xff", 2, "surrogateescape");  // the codec's
  REQUIRE(escaped != nullptr);
  CHECK(PyUnicode_GetLength(escaped) == 2);
  CHECK(PyUnicode_ReadChar(escaped, 1) == 0xDCFF);

  // Sizes and NULL data.
  PyObject* empty = PyUnicode_FromStringAndSize(nullptr, 0);
  CHECK(Utf8(empty).empty());
  CHECK(PyUnicode_FromStringAndSize(nullptr, 3) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(PyUnicode_FromStringAndSize("abc", -1) == nullptr);
  CHECK(TakeError(PyExc_SystemError));

  // Not a str.
  PyObject* i = PyLong_FromLong(1);
  CHECK(PyUnicode_AsUTF8(i) == nullptr);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyUnicode_GetLength(i) == -1);
  CHECK(TakeError(PyExc_TypeError));
  CHECK_FALSE(PyUnicode_Check(i));

  // Concat, UTF-8 bytes, interning.
  PyObject* a = PyUnicode_FromString("d\xc3\xa9j\xc3\xa0 ");
  PyObject* b = PyUnicode_FromString("vu");
  PyObject* ab = PyUnicode_Concat(a, b);
  CHECK(PyUnicode_GetLength(ab) == 7);
  CHECK(Utf8(ab) == "d\xc3\xa9j\xc3\xa0 vu");
  CHECK(PyUnicode_Concat(a, i) == nullptr);
  CHECK(TakeError(PyExc_TypeError));
  PyObject* bytes = PyUnicode_AsUTF8String(a);
  CHECK(PyBytes_GET_SIZE(bytes) == 7);
  CHECK(std::string(PyBytes_AS_STRING(bytes)) == "d\xc3\xa9j\xc3\xa0 ");
  Py_DECREF(bytes);
  PyObject* interned = PyUnicode_InternFromString("name");
  PyUnicode_InternInPlace(&interned);
  CHECK(PyUnicode_CompareWithASCIIString(interned, "name") == 0);
  Py_DECREF(interned);
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(i);
}

TEST_CASE("str repr, hash and comparison") {
  Interpreter py;
  auto repr = [](const char* text) {
    PyObject* s = PyUnicode_FromString(text);
    REQUIRE(s != nullptr);
    const std::string r = Repr(s);
    Py_DECREF(s);
    return r;
  };
  // CPython's repr() of each.
  CHECK(repr("abc") == "'abc'");
  CHECK(repr("") == "''");
  CHECK(repr("it's") == "\"it's\"");
  CHECK(repr("say \"hi\"") == "'say \"hi\"'");
  CHECK(repr("both ' and \"") == "'both \\' and \"'");
  CHECK(repr("a\nb\tc\r\\") == "'a\\nb\\tc\\r\\\\'");
  CHECK(repr("\x01\x1f\x7f") == "'\\x01\\x1f\\x7f'");
  CHECK(repr("\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80") == "'\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80'");
  CHECK(repr("\xc2\x85\xc2\xa0\xc2\xad") == "'\\x85\\xa0\\xad'");  // NEL, NBSP, soft hyphen
  CHECK(repr("\xe2\x80\x8b") == "'\\u200b'");                      // zero-width space
  CHECK(repr("\xee\x80\x80") == "'\\ue000'");                      // private use
  CHECK(repr("\xf3\xb0\x80\x80") == "'\\U000f0000'");              // private use, plane 15

  PyObject* s = PyUnicode_FromString("abc");
  PyObject* str = Py_TYPE(s)->tp_str(s);
  CHECK(str == s);  // str() of a str is itself
  Py_DECREF(str);

  // Equal strings hash alike (however made); the hash is cached and never -1; a str and
  // its UTF-8 bytes hash alike.
  PyObject* t = PyUnicode_FromFormat("%s%c", "ab", 'c');
  CHECK(s != t);
  CHECK(Hash(s) == Hash(t));
  CHECK(Hash(s) == Hash(s));
  CHECK(Hash(s) != -1);
  PyObject* b = PyBytes_FromString("abc");
  CHECK(Hash(b) == Hash(s));
  Py_DECREF(b);

  // Code point order, which is UTF-8 byte order.
  PyObject* abd = PyUnicode_FromString("abd");
  PyObject* ab = PyUnicode_FromString("ab");
  PyObject* e_acute = PyUnicode_FromString("\xc3\xa9");
  PyObject* z = PyUnicode_FromString("z");
  PyObject* nul = PyUnicode_FromStringAndSize("ab\0", 3);
  CHECK(Compare(s, t, Py_EQ) == 1);
  CHECK(Compare(s, abd, Py_LT) == 1);
  CHECK(Compare(ab, s, Py_LT) == 1);
  CHECK(Compare(e_acute, z, Py_GT) == 1);
  CHECK(Compare(nul, ab, Py_GT) == 1);
  CHECK(Compare(s, Py_None, Py_EQ) == -1);  // NotImplemented
  CHECK(PyUnicode_Compare(s, t) == 0);
  CHECK(PyUnicode_Compare(s, abd) == -1);
  CHECK(PyUnicode_Compare(e_acute, z) == 1);
  CHECK(PyUnicode_Compare(s, Py_None) == -1);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyUnicode_CompareWithASCIIString(s, "abc") == 0);
  CHECK(PyUnicode_CompareWithASCIIString(s, "abcd") == -1);
  CHECK(PyUnicode_CompareWithASCIIString(s, "ab") == 1);
  CHECK(PyUnicode_CompareWithASCIIString(nul, "ab") == 1);
  CHECK(PyErr_Occurred() == nullptr);
  for (PyObject* o : {s, t, abd, ab, e_acute, z, nul}) Py_DECREF(o);
}

TEST_CASE("PyUnicode_FromFormat") {
  Interpreter py;
  CHECK(Format("plain text") == "plain text");
  CHECK(Format("%d %i %u", -5, 7, 4000000000u) == "-5 7 4000000000");
  CHECK(Format("%ld %li %lu", LONG_MIN, LONG_MAX, ULONG_MAX) ==
        "-9223372036854775808 9223372036854775807 18446744073709551615");
  CHECK(Format("%lld %llu", LLONG_MIN, ULLONG_MAX) == "-9223372036854775808 18446744073709551615");
  CHECK(Format("%zd %zi %zu", PY_SSIZE_T_MIN, Py_ssize_t{-1}, SIZE_MAX) ==
        "-9223372036854775808 -1 18446744073709551615");
  CHECK(Format("%x %X %o %lx", 255u, 255u, 8u, 0xdeadbeefUL) == "ff FF 10 deadbeef");
  CHECK(Format("%p", reinterpret_cast<void*>(0x1234)) == "0x1234");
  CHECK(Format("%c%c%c", 'A', 0xe9, 0x1F600) == "A\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(Format("100%% %s", "sure") == "100% sure");
  CHECK(Format("%5d|%-5d|%05d|%.3d", 42, 42, 42, 7) == "   42|42   |00042|007");
  CHECK(Format("%*d|%-*d|%*d|%*d", 4, 1, 3, 2, -2, 3, -1, 4) == "   1|2  |3 |4");
  CHECK(Format("%.*s|%.*s", -1, "all", 0, "none") == "all|");
  CHECK(Format("[%.3s][%5s][%-5s][%.*s]", "abcdef", "ab", "ab", 2, "xyz") ==
        "[abc][   ab][ab   ][xy]");
  CHECK(Format("%s", "a\xffz") == "a\xef\xbf\xbdz");  // invalid bytes replaced

  PyObject* number = PyLong_FromLong(42);
  PyObject* text = PyUnicode_FromString("a'b");
  PyObject* japanese = PyUnicode_FromString("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
  CHECK(Format("%S %R", number, number) == "42 42");
  CHECK(Format("%S %R", text, text) == "a'b \"a'b\"");
  CHECK(Format("<%U>", text) == "<a'b>");
  CHECK(Format("%.2U|%5U|%-4.1U|", japanese, japanese, japanese) ==
        "\xe6\x97\xa5\xe6\x9c\xac|  \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e|\xe6\x97\xa5   |");
  CHECK(Format("%V %V", text, "unused", static_cast<PyObject*>(nullptr), "fallback") ==
        "a'b fallback");
  CHECK(Format("%R", Py_None) == "None");

  // Errors.
  CHECK(PyUnicode_FromFormat("%k", 1) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(PyUnicode_FromFormat("%lc", 1) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(Format("%A|%.3A", japanese, japanese) == "'\\u65e5\\u672c\\u8a9e'|'\\u");
  CHECK(PyUnicode_FromFormat("trailing %") == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(PyUnicode_FromFormat("%c", 0x110000) == nullptr);
  CHECK(TakeError(PyExc_OverflowError));
  CHECK(PyUnicode_FromFormat("%U", number) == nullptr);
  CHECK(TakeError(PyExc_TypeError));
  Py_DECREF(number);
  Py_DECREF(text);
  Py_DECREF(japanese);
}

TEST_CASE("bytes keep embedded NULs; repr, hash, comparison, resize") {
  Interpreter py;
  PyObject* b = PyBytes_FromStringAndSize("a\0b\0", 4);
  REQUIRE(b != nullptr);
  CHECK(PyBytes_Check(b));
  CHECK(PyBytes_CheckExact(b));
  CHECK(PyBytes_GET_SIZE(b) == 4);
  CHECK(PyBytes_Size(b) == 4);
  CHECK(std::string(PyBytes_AS_STRING(b), 5) == std::string("a\0b\0\0", 5));  // NUL after
  CHECK(PyBytes_AsString(b) == PyBytes_AS_STRING(b));
  char* buffer = nullptr;
  Py_ssize_t length = 0;
  CHECK(PyBytes_AsStringAndSize(b, &buffer, &length) == 0);
  CHECK(buffer == PyBytes_AS_STRING(b));
  CHECK(length == 4);
  CHECK(PyBytes_AsStringAndSize(b, &buffer, nullptr) == -1);  // a C string was asked for
  CHECK(TakeError(PyExc_ValueError));
  CHECK(Repr(b) == "b'a\\x00b\\x00'");

  PyObject* c_string = PyBytes_FromString("plain");
  CHECK(PyBytes_AsStringAndSize(c_string, &buffer, nullptr) == 0);
  CHECK(std::string(buffer) == "plain");

  // A buffer to fill: zeroed.
  PyObject* filled = PyBytes_FromStringAndSize(nullptr, 6);
  REQUIRE(filled != nullptr);
  CHECK(std::string(PyBytes_AS_STRING(filled), 6) == std::string(6, '\0'));
  std::memcpy(PyBytes_AS_STRING(filled), "abcdef", 6);
  CHECK(_PyBytes_Resize(&filled, 3) == 0);
  CHECK(std::string(PyBytes_AS_STRING(filled)) == "abc");
  CHECK(_PyBytes_Resize(&filled, 5) == 0);
  CHECK(std::string(PyBytes_AS_STRING(filled), 6) == std::string("abc\0\0\0", 6));
  CHECK(_PyBytes_Resize(&filled, -1) == -1);
  CHECK(filled == nullptr);
  CHECK(TakeError(PyExc_SystemError));

  // Errors.
  CHECK(PyBytes_FromStringAndSize("x", -1) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  PyObject* s = PyUnicode_FromString("abc");
  CHECK(PyBytes_AsString(s) == nullptr);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyBytes_Size(s) == -1);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyBytes_AsStringAndSize(s, &buffer, &length) == -1);
  CHECK(TakeError(PyExc_TypeError));
  CHECK_FALSE(PyBytes_Check(s));

  // repr: CPython's.
  auto repr = [](const char* data, Py_ssize_t size) {
    PyObject* o = PyBytes_FromStringAndSize(data, size);
    const std::string r = Repr(o);
    Py_DECREF(o);
    return r;
  };
  CHECK(repr("", 0) == "b''");
  CHECK(repr("abc", 3) == "b'abc'");
  CHECK(repr("it's", 4) == "b\"it's\"");
  CHECK(repr("'\"", 2) == "b'\\'\"'");
  CHECK(repr("\t\n\r\\\x7f\xff", 6) == "b'\\t\\n\\r\\\\\\x7f\\xff'");

  // Hash and order.
  PyObject* abc = PyBytes_FromString("abc");
  PyObject* abc2 = PyBytes_FromStringAndSize("abcd", 3);
  PyObject* high = PyBytes_FromString("\xff");
  PyObject* ab_nul = PyBytes_FromStringAndSize("ab\0", 3);
  PyObject* ab = PyBytes_FromString("ab");
  CHECK(Hash(abc) == Hash(abc2));
  CHECK(Hash(abc) != -1);
  CHECK(Compare(abc, abc2, Py_EQ) == 1);
  CHECK(Compare(high, abc, Py_GT) == 1);  // bytes compare unsigned
  CHECK(Compare(ab_nul, ab, Py_GT) == 1);
  CHECK(Compare(ab, ab_nul, Py_LE) == 1);
  CHECK(Compare(abc, s, Py_EQ) == -1);  // NotImplemented: bytes are not str
  for (PyObject* o : {b, c_string, s, abc, abc2, high, ab_nul, ab}) Py_DECREF(o);
}

TEST_CASE("values held as new references survive collections") {
  Interpreter py;
  constexpr int kCount = 10000;
  std::vector<PyObject*> strings, ints, floats, bytes;
  for (int i = 0; i < kCount; ++i) {
    strings.push_back(PyUnicode_FromFormat("value-%d-\xc3\xa9", i));
    ints.push_back(PyLong_FromLongLong(1000LL * i + 1000));
    floats.push_back(PyFloat_FromDouble(i + 0.25));
    bytes.push_back(
        PyBytes_FromStringAndSize(std::string(i % 64 + 1, char('a' + i % 26)).data(), i % 64 + 1));
    // Garbage in between, so that the collector frees around the survivors.
    Py_DECREF(PyUnicode_FromFormat("garbage-%d", i));
    Py_DECREF(PyLong_FromLongLong(-1000LL * i - 1000));
  }
  // Large objects (beyond the size classes) too.
  const std::string big_text(1 << 20, 'x');
  PyObject* big_bytes = PyBytes_FromStringAndSize(big_text.data(), 1 << 20);
  PyObject* big_str = PyUnicode_FromFormat("%s\xc3\xa9", big_text.c_str());
  PyGC_Collect();
  // Allocate over whatever was freed, then collect again.
  for (int i = 0; i < kCount; ++i) Py_DECREF(PyUnicode_FromFormat("more-garbage-%d", i));
  PyGC_Collect();
  for (int i = 0; i < kCount; ++i) {
    REQUIRE(PyUnicode_GetLength(strings[i]) ==
            static_cast<Py_ssize_t>(std::to_string(i).size() + 8));
    REQUIRE(std::string(PyUnicode_AsUTF8(strings[i])) ==
            "value-" + std::to_string(i) + "-\xc3\xa9");
    REQUIRE(PyLong_AsLongLong(ints[i]) == 1000LL * i + 1000);
    REQUIRE(PyFloat_AS_DOUBLE(floats[i]) == i + 0.25);
    REQUIRE(PyBytes_GET_SIZE(bytes[i]) == i % 64 + 1);
    REQUIRE(PyBytes_AS_STRING(bytes[i])[i % 64] == char('a' + i % 26));
  }
  CHECK(std::string(PyBytes_AS_STRING(big_bytes), PyBytes_GET_SIZE(big_bytes)) == big_text);
  CHECK(PyUnicode_GetLength(big_str) == (1 << 20) + 1);
  CHECK(std::string(PyUnicode_AsUTF8(big_str)) == big_text + "\xc3\xa9");
  Py_DECREF(big_bytes);
  Py_DECREF(big_str);
  for (auto* list : {&strings, &ints, &floats, &bytes}) {
    for (PyObject* o : *list) Py_DECREF(o);
  }
  PyGC_Collect();
}

TEST_CASE("a non-ASCII str's UTF-8 copy is made once, raced safely, and kept while the str is") {
  Interpreter py;
  const Py_UCS4 text[] = {'c', 0xE9, 0x20AC, 0x1F600, 'x'};
  const std::string expected = "c\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x";
  PyObject* s = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, text, 5);
  REQUIRE(s != nullptr);
  constexpr int kThreads = 4;
  const char* seen[kThreads] = {};
  std::vector<std::thread> threads;
  Py_BEGIN_ALLOW_THREADS
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([s, t, &seen] {
      PyGILState_STATE state = PyGILState_Ensure();
      seen[t] = PyUnicode_AsUTF8(s);  // the threads race to make the copy
      for (int i = 0; i < 200; ++i) {  // garbage copies of other strings, and collections
        PyObject* other = PyUnicode_FromFormat("%c%d", 0x20AC, i);
        CHECK(PyUnicode_AsUTF8(other) != nullptr);
        Py_DECREF(other);
        if (i % 50 == 0) PyGC_Collect();
      }
      PyGILState_Release(state);
    });
  }
  for (std::thread& t : threads) t.join();
  Py_END_ALLOW_THREADS
  for (const char* p : seen) CHECK(p == seen[0]);  // one copy, whoever won
  for (int i = 0; i < 3; ++i) PyGC_Collect();
  Py_ssize_t size = 0;
  CHECK(PyUnicode_AsUTF8AndSize(s, &size) == seen[0]);
  CHECK(std::string(seen[0], static_cast<size_t>(size)) == expected);
  CHECK(seen[0][size] == '\0');
  Py_DECREF(s);
  // An ASCII str's UTF-8 is its data: no copy.
  PyObject* ascii = PyUnicode_FromString("ascii");
  CHECK(PyUnicode_AsUTF8(ascii) == PyUnicode_DATA(ascii));
  Py_DECREF(ascii);
}

TEST_CASE("a UTF-8 copy made after its str became old survives minor collections") {
  // On a generational heap (the values_test_generational twin: a collection every 1000
  // allocations, three in four minor) the str is promoted by the full collection below, and
  // its UTF-8 copy, made afterwards, is young and stored without a write barrier: the str's
  // type is unprotected, so minor collections rescan it. Churn then reuses every cell the
  // minor collections free, with other UTF-8 copies of the same size.
  Interpreter py;
  const Py_UCS4 text[] = {'o', 0xE9, 0x20AC, 'l', 'd', '!', 0x1F600, 'z'};
  const std::string expected = "o\xc3\xa9\xe2\x82\xacld!\xf0\x9f\x98\x80z";
  PyObject* s = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, text, 8);
  REQUIRE(s != nullptr);
  PyGC_Collect();  // full: `s` is old from here
  const char* copy = PyUnicode_AsUTF8(s);
  REQUIRE(copy != nullptr);
  for (int i = 0; i < 20000; ++i) {
    PyObject* other = PyUnicode_FromFormat("%c%c%05d", 0x20AC, 0x1F600, i);
    CHECK(PyUnicode_AsUTF8(other) != nullptr);
    Py_DECREF(other);
  }
  Py_ssize_t size = 0;
  CHECK(PyUnicode_AsUTF8AndSize(s, &size) == copy);
  CHECK(std::string(copy, static_cast<size_t>(size)) == expected);
  Py_DECREF(s);
}

TEST_CASE("str construction errors Pinion reports where CPython asserts") {
  Interpreter py;
  CHECK(PyUnicode_New(-1, 0) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(PyUnicode_New(1, 0x110000) == nullptr);
  CHECK(TakeError(PyExc_SystemError));
  PyObject* text = PyUnicode_FromString("abc");
  _PyUnicodeWriter writer;
  _PyUnicodeWriter_Init(&writer);
  CHECK(_PyUnicodeWriter_WriteASCIIString(&writer, "caf\xc3\xa9", -1) == -1);
  CHECK(TakeError(PyExc_ValueError));
  CHECK(_PyUnicodeWriter_WriteChar(&writer, 0x110000) == -1);
  CHECK(TakeError(PyExc_ValueError));
  CHECK(_PyUnicodeWriter_WriteStr(&writer, Py_None) == -1);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(_PyUnicodeWriter_WriteSubstring(&writer, text, 2, 4) == -1);
  CHECK(TakeError(PyExc_SystemError));
  CHECK(_PyUnicodeWriter_WriteSubstring(&writer, text, 1, 3) == 0);
  PyObject* result = _PyUnicodeWriter_Finish(&writer);
  CHECK(PyUnicode_CompareWithASCIIString(result, "bc") == 0);
  Py_DECREF(result);
  // Interning leaves anything but an exact str alone, and gives equal text one object.
  PyObject* number = PyLong_FromLong(7);
  PyObject* same = number;
  PyUnicode_InternInPlace(&same);
  CHECK(same == number);
  Py_DECREF(number);
  PyObject* a = PyUnicode_InternFromString("abc");
  PyUnicode_InternInPlace(&text);
  CHECK(text == a);
  CHECK(PyUnicode_CHECK_INTERNED(a) == SSTATE_INTERNED_MORTAL);
  Py_DECREF(a);
  Py_DECREF(text);
}

TEST_CASE("values are shared across threads") {
  Interpreter py;
  // A string every thread hashes (filling the cache races benignly) and compares.
  PyObject* shared = PyUnicode_FromString("shared key");
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([shared, t] {
      PyGILState_STATE state = PyGILState_Ensure();
      for (int i = 0; i < 2000; ++i) {
        PyObject* mine = PyUnicode_FromFormat("shared %s", "key");
        PyObject* n = PyLong_FromLong(1000L * t + i + 1000);
        CHECK(Hash(mine) == Hash(shared));
        CHECK(PyUnicode_Compare(mine, shared) == 0);
        CHECK(PyLong_AsLong(n) == 1000L * t + i + 1000);
        Py_DECREF(mine);
        Py_DECREF(n);
        if (i % 500 == 0) PyGC_Collect();
      }
      PyGILState_Release(state);
    });
  }
  // Joining blocks: in a native region, or a collection would wait for this thread forever.
  // clang-format off
  Py_BEGIN_ALLOW_THREADS
  for (std::thread& thread : threads) thread.join();
  Py_END_ALLOW_THREADS
  // clang-format on
  CHECK(std::string(PyUnicode_AsUTF8(shared)) == "shared key");
  Py_DECREF(shared);
}

}  // namespace
