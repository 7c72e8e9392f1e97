/* Drives tests/compat/modules/bytes_views.c: the rest of bytesobject.h and the methods of
 * bytes and bytearray, on both types, with CPython's errors. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_bytes_views(void);

/* Prints method(obj, name, *args) for bytes `data` and for bytearray(data); steals args. */
static void both(PyObject* module, const char* data, Py_ssize_t len, const char* name,
                 const char* args_text, PyObject* args) {
  char label[256];
  for (int array = 0; array < 2; array++) {
    PyObject* obj = array ? PyByteArray_FromStringAndSize(data, len)
                          : PyBytes_FromStringAndSize(data, len);
    PyObject* head = Py_BuildValue("(Ns)", obj, name);
    PyObject* full = head != NULL && args != NULL ? PySequence_Concat(head, args) : NULL;
    snprintf(label, sizeof(label), "%s(b'%s').%s%s", array ? "bytearray" : "bytes", data, name,
             args_text);
    show(label, full != NULL ? call(module, "method", full) : NULL);
    Py_XDECREF(head);
  }
  Py_XDECREF(args);
}

#define BOTH(data, name, text, args) both(module, data, (Py_ssize_t)strlen(data), name, text, args)

static void drive(PyObject* module) {
  PyObject* ab = PyBytes_FromString("ab");
  PyObject* cd = PyByteArray_FromStringAndSize("cd", 2);
  SHOW_CALL(module, "concat", "(b'ab', b'xy', 0)", Py_BuildValue("(Oyi)", ab, "xy", 0));
  SHOW_CALL(module, "concat", "(b'ab', bytearray(b'cd'), 1)", Py_BuildValue("(OOi)", ab, cd, 1));
  SHOW_CALL(module, "concat", "(bytearray(b'cd'), b'ab', 0)", Py_BuildValue("(OOi)", cd, ab, 0));
  SHOW_CALL(module, "concat", "(b'ab', 'str', 0)", Py_BuildValue("(Osi)", ab, "str", 0));
  SHOW_CALL(module, "concat", "(5, b'ab', 1)", Py_BuildValue("(iOi)", 5, ab, 1));
  SHOW_CALL(module, "concat_null", "()", NULL);
  SHOW_CALL(module, "from_object", "(b'ab')", Py_BuildValue("(O)", ab));
  SHOW_CALL(module, "from_object", "(bytearray(b'cd'))", Py_BuildValue("(O)", cd));
  SHOW_CALL(module, "from_object", "([1, 2, 255])", Py_BuildValue("([iii])", 1, 2, 255));
  SHOW_CALL(module, "from_object", "((65, True))", Py_BuildValue("((iO))", 65, Py_True));
  SHOW_CALL(module, "from_object", "(iter of range(3))",
            Py_BuildValue("(N)", PyObject_GetIter(Py_BuildValue("(iii)", 0, 1, 2))));
  SHOW_CALL(module, "from_object", "([256])", Py_BuildValue("([i])", 256));
  SHOW_CALL(module, "from_object", "([-1])", Py_BuildValue("([i])", -1));
  SHOW_CALL(module, "from_object", "(['a'])", Py_BuildValue("([s])", "a"));
  SHOW_CALL(module, "from_object", "('abc')", Py_BuildValue("(s)", "abc"));
  SHOW_CALL(module, "from_object", "(5)", Py_BuildValue("(i)", 5));
  SHOW_CALL(module, "from_object", "(memoryview(b'ab'))",
            Py_BuildValue("(N)", PyMemoryView_FromObject(ab)));

  const char* escapes[] = {"plain", "a\\nb\\tc\\\\d", "\\x41\\x4a\\x4F", "\\101\\7\\0", "\\'\\\"",
                           "\\a\\b\\f\\v\\r", "line\\\ncont", "\\q", "\\777", "\\x4", "\\x4g",
                           "\\xg", "trail\\"};
  const char* errors[] = {NULL, "strict", "replace", "ignore", "bogus"};
  char label[256];
  for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
    for (size_t e = 0; e < sizeof(errors) / sizeof(errors[0]); e++) {
      snprintf(label, sizeof(label), "decode_escape(%s, %s)", escapes[i], errors[e] ? errors[e] : "NULL");
      show(label, call(module, "decode_escape", Py_BuildValue("(yz)", escapes[i], errors[e])));
    }
  }
  const char* reprs[] = {"abc", "it's", "say \"hi\"", "both ' and \"", "\x01\x7f\xff\t\n\r\\"};
  for (size_t i = 0; i < sizeof(reprs) / sizeof(reprs[0]); i++) {
    for (int smart = 0; smart < 2; smart++) {
      snprintf(label, sizeof(label), "repr(%zu, %d)", i, smart);
      show(label, call(module, "repr", Py_BuildValue("(yi)", reprs[i], smart)));
    }
  }
  /* PyBytes_Repr of a non-bytes: CPython 3.11 reads it as bytes regardless (undefined);
   * Pinion raises TypeError "expected bytes, str found". */

  /* Searching. */
  BOTH("abcabc", "find", "(b'c')", Py_BuildValue("(y)", "c"));
  BOTH("abcabc", "find", "(b'c', 3)", Py_BuildValue("(yi)", "c", 3));
  BOTH("abcabc", "find", "(b'c', -2, None)", Py_BuildValue("(yiO)", "c", -2, Py_None));
  BOTH("abcabc", "find", "(b'c', 0, 2)", Py_BuildValue("(yii)", "c", 0, 2));
  BOTH("abcabc", "find", "(98)", Py_BuildValue("(i)", 98));
  BOTH("abcabc", "find", "(b'')", Py_BuildValue("(y)", ""));
  BOTH("abcabc", "find", "(b'', 7)", Py_BuildValue("(yi)", "", 7));
  BOTH("abcabc", "find", "('a')", Py_BuildValue("(s)", "a"));
  BOTH("abcabc", "find", "(300)", Py_BuildValue("(i)", 300));
  BOTH("abcabc", "find", "(b'a', 'x')", Py_BuildValue("(ys)", "a", "x"));
  BOTH("abcabc", "find", "()", PyTuple_New(0));
  BOTH("abcabc", "rfind", "(b'bc')", Py_BuildValue("(y)", "bc"));
  BOTH("abcabc", "index", "(b'ca')", Py_BuildValue("(y)", "ca"));
  BOTH("abcabc", "index", "(b'z')", Py_BuildValue("(y)", "z"));
  BOTH("abcabc", "rindex", "(b'a')", Py_BuildValue("(y)", "a"));
  BOTH("abcabc", "count", "(b'bc')", Py_BuildValue("(y)", "bc"));
  BOTH("aaaa", "count", "(b'aa')", Py_BuildValue("(y)", "aa"));
  BOTH("abc", "count", "(b'')", Py_BuildValue("(y)", ""));
  BOTH("abc", "count", "(b'', 1, 2)", Py_BuildValue("(yii)", "", 1, 2));
  BOTH("abcabc", "count", "(97, 1)", Py_BuildValue("(ii)", 97, 1));
  BOTH("abcabc", "startswith", "(b'ab')", Py_BuildValue("(y)", "ab"));
  BOTH("abcabc", "startswith", "(b'ca', 2)", Py_BuildValue("(yi)", "ca", 2));
  BOTH("abcabc", "startswith", "((b'x', b'abc'))", Py_BuildValue("((yy))", "x", "abc"));
  BOTH("abcabc", "startswith", "(b'abcabcd')", Py_BuildValue("(y)", "abcabcd"));
  BOTH("abcabc", "startswith", "(b'', 6)", Py_BuildValue("(yi)", "", 6));
  BOTH("abcabc", "startswith", "(b'', 7)", Py_BuildValue("(yi)", "", 7));
  BOTH("abcabc", "startswith", "('a')", Py_BuildValue("(s)", "a"));
  BOTH("abcabc", "startswith", "((b'x', 1))", Py_BuildValue("((yi))", "x", 1));
  BOTH("abcabc", "endswith", "(b'bc')", Py_BuildValue("(y)", "bc"));
  BOTH("abcabc", "endswith", "(b'ab', 0, 2)", Py_BuildValue("(yii)", "ab", 0, 2));
  BOTH("abcabc", "endswith", "(b'ab', 0, -4)", Py_BuildValue("(yii)", "ab", 0, -4));

  /* Transforming. */
  BOTH("a-b-c", "replace", "(b'-', b'+')", Py_BuildValue("(yy)", "-", "+"));
  BOTH("a-b-c", "replace", "(b'-', b'', 1)", Py_BuildValue("(yyi)", "-", "", 1));
  BOTH("ab", "replace", "(b'', b'.')", Py_BuildValue("(yy)", "", "."));
  BOTH("ab", "replace", "(b'', b'.', 2)", Py_BuildValue("(yyi)", "", ".", 2));
  BOTH("ab", "replace", "('a', b'b')", Py_BuildValue("(sy)", "a", "b"));
  BOTH(" a  b\tc\n", "split", "()", PyTuple_New(0));
  BOTH(" a  b\tc\n", "split", "(None, 1)", Py_BuildValue("(Oi)", Py_None, 1));
  BOTH("a,b,,c", "split", "(b',')", Py_BuildValue("(y)", ","));
  BOTH("a,b,,c", "split", "(b',', 2)", Py_BuildValue("(yi)", ",", 2));
  BOTH("a,b", "split", "(b'')", Py_BuildValue("(y)", ""));
  BOTH("", "split", "()", PyTuple_New(0));
  BOTH("", "split", "(b'x')", Py_BuildValue("(y)", "x"));
  BOTH("  hi \n", "strip", "()", PyTuple_New(0));
  BOTH("xxhixx", "strip", "(b'x')", Py_BuildValue("(y)", "x"));
  BOTH("xxhixx", "lstrip", "(b'x')", Py_BuildValue("(y)", "x"));
  BOTH("xxhixx", "rstrip", "(b'xi')", Py_BuildValue("(y)", "xi"));
  BOTH("xxhixx", "strip", "(None)", Py_BuildValue("(O)", Py_None));
  BOTH("xxhixx", "strip", "('x')", Py_BuildValue("(s)", "x"));
  BOTH("MiXeD 1\xc4", "lower", "()", PyTuple_New(0));
  BOTH("MiXeD 1\xe4", "upper", "()", PyTuple_New(0));
  BOTH("ab", "lower", "(1)", Py_BuildValue("(i)", 1));
  BOTH(", ", "join", "([b'a', bytearray(b'b'), memoryview(b'c')])",
       Py_BuildValue("([yNN])", "a", PyByteArray_FromStringAndSize("b", 1),
                     PyMemoryView_FromObject(ab)));
  BOTH("-", "join", "(())", Py_BuildValue("(())"));
  BOTH("-", "join", "([b'a', 'b'])", Py_BuildValue("([ys])", "a", "b"));
  BOTH("-", "join", "(5)", Py_BuildValue("(i)", 5));
  BOTH("\x01\xab\xff", "hex", "()", PyTuple_New(0));
  BOTH("\x01\x02\x03\x04\x05", "hex", "(':')", Py_BuildValue("(s)", ":"));
  BOTH("\x01\x02\x03\x04\x05", "hex", "(b'-', 2)", Py_BuildValue("(yi)", "-", 2));
  BOTH("\x01\x02\x03\x04\x05", "hex", "(' ', -2)", Py_BuildValue("(si)", " ", -2));
  BOTH("\x01\x02", "hex", "('::')", Py_BuildValue("(s)", "::"));
  BOTH("\x01\x02", "hex", "(5)", Py_BuildValue("(i)", 5));
  BOTH("", "hex", "()", PyTuple_New(0));
  BOTH("", "fromhex", "('01 ab\\tFF')", Py_BuildValue("(s)", "01 ab\tFF"));
  BOTH("", "fromhex", "('')", Py_BuildValue("(s)", ""));
  BOTH("", "fromhex", "('0g')", Py_BuildValue("(s)", "0g"));
  BOTH("", "fromhex", "('1')", Py_BuildValue("(s)", "1"));
  BOTH("", "fromhex", "(' 1 2')", Py_BuildValue("(s)", " 1 2"));
  BOTH("", "fromhex", "(b'12')", Py_BuildValue("(y)", "12"));

  /* The deprecated buffer API. */
  SHOW_CALL(module, "old_buffers", "(b'ab')", Py_BuildValue("(O)", ab));
  SHOW_CALL(module, "old_buffers", "(bytearray(b'cd'))", Py_BuildValue("(O)", cd));
  SHOW_CALL(module, "old_buffers", "(memoryview(b'ab'))", Py_BuildValue("(N)", PyMemoryView_FromObject(ab)));
  SHOW_CALL(module, "old_buffers", "('str')", Py_BuildValue("(s)", "str"));
  SHOW_CALL(module, "old_buffers", "(5)", Py_BuildValue("(i)", 5));
  SHOW_CALL(module, "old_buffers_null", "(b'ab')", Py_BuildValue("(O)", ab));

  /* bytearray's mutators. */
  SHOW_CALL(module, "mutate", "()", NULL);
  PyObject* array = PyByteArray_FromStringAndSize("", 0);
  show("bytearray().pop()", PyObject_CallMethod(array, "pop", NULL));
  show("bytearray().append('a')", PyObject_CallMethod(array, "append", "(s)", "a"));
  show("bytearray().append(256)", PyObject_CallMethod(array, "append", "(i)", 256));
  show("bytearray().extend(5)", PyObject_CallMethod(array, "extend", "(i)", 5));
  show("bytearray().extend('ab')", PyObject_CallMethod(array, "extend", "(s)", "ab"));
  show("bytearray().extend([1, 300])", PyObject_CallMethod(array, "extend", "([ii])", 1, 300));
  show("bytearray after failed extends", Py_NewRef(array));
  show("bytearray(b'').pop(3)", PyObject_CallMethod(array, "pop", "(i)", 3));
  show("bytearray.fromhex type", Py_XNewRef((PyObject*)Py_TYPE(array)));
  Py_DECREF(array);
  Py_DECREF(ab);
  Py_DECREF(cd);
}

DIFFERENTIAL_MAIN("bytes_views", PyInit_bytes_views, drive)
