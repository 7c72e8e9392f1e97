// Pinion-specific behaviour of the str algorithms and methods (unicode_methods.h,
// runtime/str_methods.cc): arguments CPython does not check raise TypeError instead of
// crashing; error handlers Pinion does not know raise LookupError; case mappings and
// character classes stop at Latin-1 (no Unicode database); results built from many parts
// survive collections. The CPython semantics are in the differential strmethods_test.
#include <doctest/doctest.h>

#include <string>

#include "Python.h"
#include "tests/compat/py_test_support.h"

namespace {

using pinion::py_test::Interpreter;
using pinion::py_test::Str;
using pinion::py_test::TakeError;

// s.name() as UTF-8 (empty on error, which is cleared).
std::string CallNoArgs(const char* text, const char* name) {
  PyObject* s = PyUnicode_FromString(text);
  PyObject* result = s != nullptr ? PyObject_CallMethod(s, name, nullptr) : nullptr;
  Py_XDECREF(s);
  if (result == nullptr) {
    PyErr_Clear();
    return "";
  }
  std::string out = Str(result);
  Py_DECREF(result);
  return out;
}

TEST_CASE("FindChar, Substring and IsIdentifier check their argument (CPython's do not)") {
  Interpreter interpreter;
  PyObject* number = PyLong_FromLong(5);
  CHECK(PyUnicode_FindChar(number, 'a', 0, 10, 1) == -2);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyUnicode_Substring(number, 0, 1) == nullptr);
  CHECK(TakeError(PyExc_TypeError));
  CHECK(PyUnicode_IsIdentifier(number) == 0);
  CHECK_FALSE(PyErr_Occurred());
  Py_DECREF(number);
}

TEST_CASE("Translate knows strict, ignore and replace; other handlers raise LookupError") {
  Interpreter interpreter;
  PyObject* text = PyUnicode_FromString("abc");
  PyObject* table = Py_BuildValue("{i:O}", 'b', Py_None);
  REQUIRE(table != nullptr);
  CHECK(PyUnicode_Translate(text, table, "backslashreplace") == nullptr);
  CHECK(TakeError(PyExc_LookupError));
  PyObject* ignored = PyUnicode_Translate(text, table, "ignore");
  REQUIRE(ignored != nullptr);
  CHECK(Str(ignored) == "ac");
  Py_DECREF(ignored);
  // The handler is looked up only when a code point is undefined.
  PyObject* other = PyUnicode_FromString("xyz");
  PyObject* same = PyUnicode_Translate(other, table, "backslashreplace");
  REQUIRE(same != nullptr);
  CHECK(Str(same) == "xyz");
  Py_DECREF(same);
  Py_DECREF(other);
  Py_DECREF(table);
  Py_DECREF(text);
}

TEST_CASE("case mappings and classes are exact up to Latin-1 and stop there") {
  Interpreter interpreter;
  CHECK(CallNoArgs("stra\xc3\x9f\x65 \xc2\xb5 \xc3\xbf", "upper") ==
        "STRASSE \xce\x9c \xc5\xb8");  // ß -> SS, µ -> Μ, ÿ -> Ÿ, as in CPython
  CHECK(CallNoArgs("\xc3\x9f", "casefold") == "ss");
  CHECK(CallNoArgs("\xc3\x9f\x61", "title") == "Ssa");
  CHECK(CallNoArgs("\xc3\x89t\xc3\xa9", "isalpha") == "True");
  // Greek: CPython maps and classifies it; Pinion leaves it as it is.
  CHECK(CallNoArgs("\xce\xb1\xce\xb2", "upper") == "\xce\xb1\xce\xb2");
  CHECK(CallNoArgs("\xce\xb1\xce\xb2", "isalpha") == "False");
  CHECK(CallNoArgs("\xce\xb1\xce\xb2", "isidentifier") == "False");
  // Whitespace is exact everywhere (U+2003 EM SPACE, U+3000 IDEOGRAPHIC SPACE).
  CHECK(CallNoArgs("\xe2\x80\x83\xe3\x80\x80", "isspace") == "True");
}

TEST_CASE("a split of many parts, and their join, survive collections") {
  Interpreter interpreter;
  PyObject* parts = PyList_New(0);
  for (int i = 0; i < 20000; ++i) {
    PyObject* part = PyUnicode_FromFormat("%d\xc3\xa9", i);
    REQUIRE(PyList_Append(parts, part) == 0);
    Py_DECREF(part);
  }
  PyObject* comma = PyUnicode_FromString(",");
  PyObject* joined = PyUnicode_Join(comma, parts);
  REQUIRE(joined != nullptr);
  Py_DECREF(parts);
  PyGC_Collect();
  PyObject* split = PyUnicode_Split(joined, comma, -1);
  REQUIRE(split != nullptr);
  PyGC_Collect();
  REQUIRE(PyList_GET_SIZE(split) == 20000);
  CHECK(Str(PyList_GET_ITEM(split, 12345)) == "12345\xc3\xa9");
  PyObject* again = PyUnicode_Join(comma, split);
  CHECK(PyUnicode_Compare(again, joined) == 0);
  Py_DECREF(again);
  Py_DECREF(split);
  Py_DECREF(joined);
  Py_DECREF(comma);
}

}  // namespace
