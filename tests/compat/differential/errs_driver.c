/* Drives tests/compat/modules/errs.c: each line is one call and what it gave.
 *
 * Warnings that are shown go to stderr, which compare.sh compares too: both builds print
 * "sys:1: Category: message" (no Python frame: the warnings module's context is `sys`) and
 * "file:line: Category: message" for explicit ones, once each.
 * The depth the recursion guard stops at differs by the calls that led there (CPython
 * counts PyObject_Call's own): only whether it stopped near the limit is compared. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_errs(void);

static const char* const all_types[] = {
    "BaseException", "Exception", "BaseExceptionGroup", "StopAsyncIteration", "StopIteration",
    "GeneratorExit", "ArithmeticError", "LookupError", "AssertionError", "AttributeError",
    "BufferError", "EOFError", "FloatingPointError", "OSError", "ImportError",
    "ModuleNotFoundError", "IndexError", "KeyError", "KeyboardInterrupt", "MemoryError",
    "NameError", "OverflowError", "RuntimeError", "RecursionError", "NotImplementedError",
    "SyntaxError", "IndentationError", "TabError", "ReferenceError", "SystemError",
    "SystemExit", "TypeError", "UnboundLocalError", "UnicodeError", "UnicodeEncodeError",
    "UnicodeDecodeError", "UnicodeTranslateError", "ValueError", "ZeroDivisionError",
    "BlockingIOError", "BrokenPipeError", "ChildProcessError", "ConnectionError",
    "ConnectionAbortedError", "ConnectionRefusedError", "ConnectionResetError",
    "FileExistsError", "FileNotFoundError", "InterruptedError", "IsADirectoryError",
    "NotADirectoryError", "PermissionError", "ProcessLookupError", "TimeoutError",
    "EnvironmentError", "IOError", "Warning", "UserWarning", "DeprecationWarning",
    "PendingDeprecationWarning", "SyntaxWarning", "RuntimeWarning", "FutureWarning",
    "ImportWarning", "UnicodeWarning", "BytesWarning", "EncodingWarning", "ResourceWarning",
};

static void show_create(PyObject* module, const char* label, const char* name, PyObject* args,
                        PyObject* kwargs) {
  PyObject* call_args = kwargs != NULL ? Py_BuildValue("(sNN)", name, args, kwargs)
                                       : Py_BuildValue("(sN)", name, args);
  show(label, call(module, "create", call_args));
}

static void drive(PyObject* module) {
  char label[128];
  for (size_t i = 0; i < sizeof(all_types) / sizeof(all_types[0]); ++i) {
    snprintf(label, sizeof(label), "hierarchy(%s)", all_types[i]);
    show(label, call(module, "hierarchy", Py_BuildValue("(s)", all_types[i])));
  }
  SHOW_CALL(module, "layouts", "()", NULL);

  /* Calling the types. */
  show_create(module, "ValueError('x')", "ValueError", Py_BuildValue("(s)", "x"), NULL);
  show_create(module, "ValueError()", "ValueError", PyTuple_New(0), NULL);
  show_create(module, "ValueError(1, 'two')", "ValueError", Py_BuildValue("(is)", 1, "two"), NULL);
  show_create(module, "ValueError(x=1)", "ValueError", PyTuple_New(0), Py_BuildValue("{s:i}", "x", 1));
  show_create(module, "KeyError('k')", "KeyError", Py_BuildValue("(s)", "k"), NULL);
  show_create(module, "KeyError('a', 'b')", "KeyError", Py_BuildValue("(ss)", "a", "b"), NULL);
  show_create(module, "KeyError()", "KeyError", PyTuple_New(0), NULL);
  show_create(module, "OSError(2, 'x')", "OSError", Py_BuildValue("(is)", 2, "x"), NULL);
  show_create(module, "OSError(13, 'denied', 'f')", "OSError", Py_BuildValue("(iss)", 13, "denied", "f"), NULL);
  show_create(module, "OSError(1, 'e', 'a', None, 'b')", "OSError",
              Py_BuildValue("(issOs)", 1, "e", "a", Py_None, "b"), NULL);
  show_create(module, "OSError(99999, 'odd')", "OSError", Py_BuildValue("(is)", 99999, "odd"), NULL);
  show_create(module, "OSError('just text')", "OSError", Py_BuildValue("(s)", "just text"), NULL);
  show_create(module, "OSError(x=1)", "OSError", PyTuple_New(0), Py_BuildValue("{s:i}", "x", 1));
  show_create(module, "FileNotFoundError(2, 'gone')", "FileNotFoundError", Py_BuildValue("(is)", 2, "gone"), NULL);
  show_create(module, "PermissionError(2, 'x')", "PermissionError", Py_BuildValue("(is)", 2, "x"), NULL);
  show_create(module, "OSError(11, 'again')", "OSError", Py_BuildValue("(is)", 11, "again"), NULL);
  show_create(module, "OSError(32, 'pipe')", "OSError", Py_BuildValue("(is)", 32, "pipe"), NULL);
  show_create(module, "OSError(110, 'late')", "OSError", Py_BuildValue("(is)", 110, "late"), NULL);
  show_create(module, "StopIteration(5)", "StopIteration", Py_BuildValue("(i)", 5), NULL);
  show_create(module, "SystemExit(1, 2)", "SystemExit", Py_BuildValue("(ii)", 1, 2), NULL);
  show_create(module, "ImportError('m', name='n', path='p')", "ImportError", Py_BuildValue("(s)", "m"),
              Py_BuildValue("{s:s,s:s}", "name", "n", "path", "p"));
  show_create(module, "ImportError('a', 'b')", "ImportError", Py_BuildValue("(ss)", "a", "b"), NULL);
  show_create(module, "ImportError(bad=1)", "ImportError", PyTuple_New(0), Py_BuildValue("{s:i}", "bad", 1));
  show_create(module, "ModuleNotFoundError('nope')", "ModuleNotFoundError", Py_BuildValue("(s)", "nope"), NULL);
  show_create(module, "NameError('n', name='x')", "NameError", Py_BuildValue("(s)", "n"), Py_BuildValue("{s:s}", "name", "x"));
  show_create(module, "NameError(bad=1)", "NameError", PyTuple_New(0), Py_BuildValue("{s:i}", "bad", 1));
  show_create(module, "AttributeError('a', name='n', obj=3)", "AttributeError", Py_BuildValue("(s)", "a"),
              Py_BuildValue("{s:s,s:i}", "name", "n", "obj", 3));
  show_create(module, "SyntaxError('bad')", "SyntaxError", Py_BuildValue("(s)", "bad"), NULL);
  show_create(module, "UserWarning('careful')", "UserWarning", Py_BuildValue("(s)", "careful"), NULL);
  show_create(module, "RecursionError()", "RecursionError", PyTuple_New(0), NULL);
  show_create(module, "ValueError('caf\\u00e9')", "ValueError", Py_BuildValue("(s)", "caf\xc3\xa9"), NULL);
  show_create(module, "ValueError(None)", "ValueError", Py_BuildValue("(O)", Py_None), NULL);
  show_create(module, "ValueError(('t',))", "ValueError", Py_BuildValue("((s))", "t"), NULL);

  /* Groups. */
  {
    PyObject* inner = PyObject_CallFunction(PyExc_ValueError, "s", "v");
    PyObject* base = PyObject_CallFunction(PyExc_KeyboardInterrupt, NULL);
    show_create(module, "BaseExceptionGroup('m', [ValueError('v')])", "BaseExceptionGroup",
                Py_BuildValue("(s[O])", "m", inner), NULL);
    show_create(module, "BaseExceptionGroup('m', (ValueError('v'), KeyboardInterrupt()))",
                "BaseExceptionGroup", Py_BuildValue("(s(OO))", "m", inner, base), NULL);
    show_create(module, "BaseExceptionGroup('m', [1])", "BaseExceptionGroup", Py_BuildValue("(s[i])", "m", 1), NULL);
    show_create(module, "BaseExceptionGroup('m', [])", "BaseExceptionGroup", Py_BuildValue("(s[])", "m"), NULL);
    show_create(module, "BaseExceptionGroup(1, 2)", "BaseExceptionGroup", Py_BuildValue("(ii)", 1, 2), NULL);
    show_create(module, "BaseExceptionGroup('m')", "BaseExceptionGroup", Py_BuildValue("(s)", "m"), NULL);
    show_create(module, "BaseExceptionGroup('m', 3)", "BaseExceptionGroup", Py_BuildValue("(si)", "m", 3), NULL);
    PyObject* group = PyObject_CallFunction(PyExc_BaseExceptionGroup, "s[O]", "g", inner);
    show("attrs(group)", call(module, "attrs", Py_BuildValue("(O(ss))", group, "message", "exceptions")));
    show("set_attr(group, 'message', 'x')", call(module, "set_attr", Py_BuildValue("(Oss)", group, "message", "x")));
    Py_XDECREF(group);
    Py_DECREF(inner);
    Py_DECREF(base);
  }

  /* Attributes. */
  {
    PyObject* names = Py_BuildValue("(ssssss)", "args", "__traceback__", "__context__",
                                    "__cause__", "__suppress_context__", "missing");
    PyObject* e = PyObject_CallFunction(PyExc_ValueError, "(si)", "v", 1);
    show("attrs(ValueError('v', 1))", call(module, "attrs", Py_BuildValue("(OO)", e, names)));
    PyObject* os = PyObject_CallFunction(PyExc_OSError, "(isss)", 2, "no", "a", "b");
    show("attrs(OSError(2, 'no', 'a', 'b'))",
         call(module, "attrs", Py_BuildValue("(O(sssss))", os, "errno", "strerror", "filename",
                                             "filename2", "args")));
    PyObject* stop = PyObject_CallFunction(PyExc_StopIteration, "(ii)", 7, 8);
    show("attrs(StopIteration(7, 8))", call(module, "attrs", Py_BuildValue("(O(ss))", stop, "value", "args")));
    PyObject* exit_ = PyObject_CallFunction(PyExc_SystemExit, NULL);
    show("attrs(SystemExit())", call(module, "attrs", Py_BuildValue("(O(s))", exit_, "code")));
    PyObject* syntax = PyObject_CallFunction(PyExc_SyntaxError, "(s)", "bad");
    show("attrs(SyntaxError('bad'))", call(module, "attrs", Py_BuildValue("(O(ss))", syntax, "msg", "lineno")));
    PyObject* unicode = PyObject_CallFunction(PyExc_UnicodeError, "(s)", "u");
    show("attrs(UnicodeError('u'))", call(module, "attrs", Py_BuildValue("(O(ss))", unicode, "encoding", "args")));
    show("set_attr(e, 'args', [1, 2])", call(module, "set_attr", Py_BuildValue("(Os[ii])", e, "args", 1, 2)));
    show("set_attr(e, 'args', 5)", call(module, "set_attr", Py_BuildValue("(Osi)", e, "args", 5)));
    show("set_attr(e, '__cause__', 5)", call(module, "set_attr", Py_BuildValue("(Osi)", e, "__cause__", 5)));
    show("set_attr(e, '__cause__', os)", call(module, "set_attr", Py_BuildValue("(OsO)", e, "__cause__", os)));
    show("attrs(e, '__suppress_context__')", call(module, "attrs", Py_BuildValue("(O(s))", e, "__suppress_context__")));
    show("set_attr(e, '__context__', stop)", call(module, "set_attr", Py_BuildValue("(OsO)", e, "__context__", stop)));
    show("set_attr(e, '__context__', 'x')", call(module, "set_attr", Py_BuildValue("(Oss)", e, "__context__", "x")));
    show("set_attr(e, '__cause__', None)", call(module, "set_attr", Py_BuildValue("(OsO)", e, "__cause__", Py_None)));
    show("set_attr(e, '__suppress_context__', 1)", call(module, "set_attr", Py_BuildValue("(Osi)", e, "__suppress_context__", 1)));
    show("set_attr(e, '__suppress_context__', False)", call(module, "set_attr", Py_BuildValue("(OsO)", e, "__suppress_context__", Py_False)));
    show("set_attr(e, '__traceback__', 3)", call(module, "set_attr", Py_BuildValue("(Osi)", e, "__traceback__", 3)));
    show("set_attr(e, 'extra', 3)", call(module, "set_attr", Py_BuildValue("(Osi)", e, "extra", 3)));
    show("del_attr(e, 'args')", call(module, "del_attr", Py_BuildValue("(Os)", e, "args")));
    show("del_attr(e, '__context__')", call(module, "del_attr", Py_BuildValue("(Os)", e, "__context__")));
    show("del_attr(e, 'extra')", call(module, "del_attr", Py_BuildValue("(Os)", e, "extra")));
    show("set_attr(os, 'errno', 5)", call(module, "set_attr", Py_BuildValue("(Osi)", os, "errno", 5)));
    show("str(os)", PyObject_Str(os));
    show("del_attr(stop, 'value')", call(module, "del_attr", Py_BuildValue("(Os)", stop, "value")));
    show("call_method(e, 'add_note', 'n1')", call(module, "call_method", Py_BuildValue("(Oss)", e, "add_note", "n1")));
    show("call_method(e, 'add_note', 'n2')", call(module, "call_method", Py_BuildValue("(Oss)", e, "add_note", "n2")));
    show("call_method(e, 'add_note', 3)", call(module, "call_method", Py_BuildValue("(Osi)", e, "add_note", 3)));
    show("call_method(e, 'with_traceback', None)", call(module, "call_method", Py_BuildValue("(OsO)", e, "with_traceback", Py_None)));
    show("traceback(e)", call(module, "traceback", Py_BuildValue("(O)", e)));
    show("dir_has(e, 'add_note')", call(module, "dir_has", Py_BuildValue("(Os)", e, "add_note")));
    show("dir_has(e, 'with_traceback')", call(module, "dir_has", Py_BuildValue("(Os)", e, "with_traceback")));
    show("set_attr(e, 'mine', 1)", call(module, "set_attr", Py_BuildValue("(Osi)", e, "mine", 1)));
    show("dir_names(e)", call(module, "dir_names", Py_BuildValue("(O)", e)));
    show("dir_names(os)", call(module, "dir_names", Py_BuildValue("(O)", os)));
    show("dir_names(ImportError)", call(module, "dir_names", Py_BuildValue("(O)", PyExc_ImportError)));
    show("dir_has(e, '__cause__')", call(module, "dir_has", Py_BuildValue("(Os)", e, "__cause__")));
    show("attrs(os, 'characters_written')", call(module, "attrs", Py_BuildValue("(O(s))", os, "characters_written")));
    show("set_attr(os, 'characters_written', 3)", call(module, "set_attr", Py_BuildValue("(Osi)", os, "characters_written", 3)));
    show("set_attr(os, 'characters_written', 'x')", call(module, "set_attr", Py_BuildValue("(Oss)", os, "characters_written", "x")));
    show("del_attr(os, 'characters_written')", call(module, "del_attr", Py_BuildValue("(Os)", os, "characters_written")));
    show("del_attr(os, 'characters_written')", call(module, "del_attr", Py_BuildValue("(Os)", os, "characters_written")));
    show("dir_has(e, 'mine')", call(module, "dir_has", Py_BuildValue("(Os)", e, "mine")));
    Py_DECREF(names);
    Py_DECREF(e);
    Py_DECREF(os);
    Py_DECREF(stop);
    Py_DECREF(exit_);
    Py_DECREF(syntax);
    Py_DECREF(unicode);
  }

  /* Raising. */
  SHOW_CALL(module, "raise_string", "('ValueError', 'bad value')", Py_BuildValue("(ss)", "ValueError", "bad value"));
  SHOW_CALL(module, "raise_string", "('KeyError', 'k')", Py_BuildValue("(ss)", "KeyError", "k"));
  SHOW_CALL(module, "raise_string", "('UserWarning', 'w')", Py_BuildValue("(ss)", "UserWarning", "w"));
  SHOW_CALL(module, "raise_object", "('KeyError', 'k')", Py_BuildValue("(ss)", "KeyError", "k"));
  SHOW_CALL(module, "raise_object", "('OSError', (2, 'x'))", Py_BuildValue("(s(is))", "OSError", 2, "x"));
  SHOW_CALL(module, "raise_object", "('StopIteration', None)", Py_BuildValue("(sO)", "StopIteration", Py_None));
  SHOW_CALL(module, "raise_format", "(0)", Py_BuildValue("(i)", 0));
  SHOW_CALL(module, "raise_format", "(1)", Py_BuildValue("(i)", 1));
  SHOW_CALL(module, "raise_format", "(2)", Py_BuildValue("(i)", 2));
  SHOW_CALL(module, "raise_format", "(3)", Py_BuildValue("(i)", 3));
  SHOW_CALL(module, "raise_format", "(4)", Py_BuildValue("(i)", 4));
  SHOW_CALL(module, "fetch", "('ValueError', 'msg')", Py_BuildValue("(ss)", "ValueError", "msg"));
  SHOW_CALL(module, "fetch", "('KeyError', None)", Py_BuildValue("(sO)", "KeyError", Py_None));
  SHOW_CALL(module, "fetch", "('OSError', (2, 'x', 'f'))", Py_BuildValue("(s(iss))", "OSError", 2, "x", "f"));
  SHOW_CALL(module, "fetch", "('LookupError', 5)", Py_BuildValue("(si)", "LookupError", 5));
  SHOW_CALL(module, "fetch", "('SystemExit', ())", Py_BuildValue("(s())", "SystemExit"));
  {
    PyObject* key_error = PyObject_CallFunction(PyExc_KeyError, "s", "inst");
    SHOW_CALL(module, "fetch", "('LookupError', KeyError('inst'))", Py_BuildValue("(sO)", "LookupError", key_error));
    SHOW_CALL(module, "fetch", "('ValueError', KeyError('inst'))", Py_BuildValue("(sO)", "ValueError", key_error));
    SHOW_CALL(module, "matches", "(KeyError('inst'), LookupError)", Py_BuildValue("(OO)", key_error, PyExc_LookupError));
    SHOW_CALL(module, "matches", "(KeyError('inst'), (TypeError, (ValueError, KeyError)))",
              Py_BuildValue("(O(O(OO)))", key_error, PyExc_TypeError, PyExc_ValueError, PyExc_KeyError));
    SHOW_CALL(module, "matches", "(KeyError, IndexError)", Py_BuildValue("(OO)", PyExc_KeyError, PyExc_IndexError));
    SHOW_CALL(module, "matches", "(1, 1)", Py_BuildValue("(ii)", 1, 1));
    Py_DECREF(key_error);
  }
  SHOW_CALL(module, "chain", "()", NULL);
  SHOW_CALL(module, "errno_error", "(2, None, None)", Py_BuildValue("(iOO)", 2, Py_None, Py_None));
  SHOW_CALL(module, "errno_error", "(13, 'file.txt', None)", Py_BuildValue("(isO)", 13, "file.txt", Py_None));
  SHOW_CALL(module, "errno_error", "(17, b'raw', None)", Py_BuildValue("(iyO)", 17, "raw", Py_None));
  SHOW_CALL(module, "errno_error", "(18, 'a', 'b')", Py_BuildValue("(iss)", 18, "a", "b"));
  SHOW_CALL(module, "errno_error", "(0, None, None)", Py_BuildValue("(iOO)", 0, Py_None, Py_None));
  SHOW_CALL(module, "import_error", "('no m', 'm', 'p')", Py_BuildValue("(sss)", "no m", "m", "p"));
  SHOW_CALL(module, "import_error", "('no m', 'm', None)", Py_BuildValue("(ssO)", "no m", "m", Py_None));
  SHOW_CALL(module, "signals", "()", NULL);

  /* UnicodeError's subclasses, SyntaxError's location, PyOS_snprintf. */
  SHOW_CALL(module, "unicode_errors", "()", NULL);
  SHOW_CALL(module, "unicode_error_calls", "('UnicodeDecodeError', ('x',))",
            Py_BuildValue("(s(s))", "UnicodeDecodeError", "x"));
  SHOW_CALL(module, "unicode_error_calls", "('UnicodeDecodeError', ('utf-8', 'str', 0, 1, 'r'))",
            Py_BuildValue("(s(ssiis))", "UnicodeDecodeError", "utf-8", "str", 0, 1, "r"));
  SHOW_CALL(module, "unicode_error_calls", "('UnicodeDecodeError', ('utf-8', b'ab', 0, 2, 'r'))",
            Py_BuildValue("(s(syiis))", "UnicodeDecodeError", "utf-8", "ab", 0, 2, "r"));
  SHOW_CALL(module, "unicode_error_calls", "('UnicodeEncodeError', ('ascii', b'x', 0, 1, 'r'))",
            Py_BuildValue("(s(syiis))", "UnicodeEncodeError", "ascii", "x", 0, 1, "r"));
  SHOW_CALL(module, "unicode_error_calls", "('UnicodeEncodeError', ('ascii', '\U0001f600', 0, 1, 'r'))",
            Py_BuildValue("(s(ssiis))", "UnicodeEncodeError", "ascii", "\xf0\x9f\x98\x80", 0, 1, "r"));
  SHOW_CALL(module, "unicode_error_calls", "('UnicodeTranslateError', ('ab', 0, 2, 'r'))",
            Py_BuildValue("(s(siis))", "UnicodeTranslateError", "ab", 0, 2, "r"));
  SHOW_CALL(module, "unicode_error_calls", "('UnicodeTranslateError', ('\xff', 0, 1, 'r'))",
            Py_BuildValue("(s(siis))", "UnicodeTranslateError", "\xc3\xbf", 0, 1, "r"));
  SHOW_CALL(module, "unicode_error_calls", "('SyntaxError', ('bad', ('dir/f.py', 3, 4, 'x = (', 3, 6)))",
            Py_BuildValue("(s(s(siisii)))", "SyntaxError", "bad", "dir/f.py", 3, 4, "x = (", 3, 6));
  SHOW_CALL(module, "unicode_error_calls", "('SyntaxError', ('bad', ('f.py', None, 4, 'x')))",
            Py_BuildValue("(s(s(sOis)))", "SyntaxError", "bad", "f.py", Py_None, 4, "x"));
  SHOW_CALL(module, "unicode_error_calls", "('SyntaxError', ('bad', (None, 7, 4, 'x')))",
            Py_BuildValue("(s(s(Oiis)))", "SyntaxError", "bad", Py_None, 7, 4, "x"));
  SHOW_CALL(module, "unicode_error_calls", "('SyntaxError', ('bad', (1, 2)))",
            Py_BuildValue("(s(s(ii)))", "SyntaxError", "bad", 1, 2));
  SHOW_CALL(module, "unicode_error_calls", "('IndentationError', ('bad', ('f.py', 1, 2, 'x', 1)))",
            Py_BuildValue("(s(s(siisi)))", "IndentationError", "bad", "f.py", 1, 2, "x", 1));
  SHOW_CALL(module, "syntax", "('first\\nsecond line\\nthird')", Py_BuildValue("(s)", "first\nsecond line\nthird"));
  SHOW_CALL(module, "snprintf", "(32)", Py_BuildValue("(i)", 32));
  SHOW_CALL(module, "snprintf", "(6)", Py_BuildValue("(i)", 6));
  SHOW_CALL(module, "snprintf", "(0)", Py_BuildValue("(i)", 0));

  /* A C subclass of Exception. */
  SHOW_CALL(module, "custom", "('failed', 42)", Py_BuildValue("(si)", "failed", 42));
  SHOW_CALL(module, "catch_custom", "('failed', 42)", Py_BuildValue("(si)", "failed", 42));
  SHOW_CALL(module, "custom", "()", PyTuple_New(0));
  {
    PyObject* custom_type = PyObject_GetAttrString(module, "CustomError");
    SHOW_CALL(module, "issubclass", "(CustomError, Exception)", Py_BuildValue("(OO)", custom_type, PyExc_Exception));
    SHOW_CALL(module, "matches", "(CustomError, (ValueError, Exception))",
              Py_BuildValue("(O(OO))", custom_type, PyExc_ValueError, PyExc_Exception));
    PyObject* instance = PyObject_CallFunction(custom_type, "si", "x", 1);
    SHOW_CALL(module, "attrs", "(CustomError('x', 1), ('args', '__cause__'))",
              Py_BuildValue("(O(ss))", instance, "args", "__cause__"));
    SHOW_CALL(module, "dir_has", "(CustomError('x', 1), 'get_code')", Py_BuildValue("(Os)", instance, "get_code"));
    SHOW_CALL(module, "dir_has", "(CustomError, 'get_code')", Py_BuildValue("(Os)", custom_type, "get_code"));
    SHOW_CALL(module, "format", "(CustomError('x', 1), '>4')", Py_BuildValue("(Os)", instance, ">4"));
    SHOW_CALL(module, "to_bytes", "(CustomError('x', 1))", Py_BuildValue("(O)", instance));
    PyObject* zero = PyObject_CallFunction(custom_type, "si", "z", 0);
    SHOW_CALL(module, "to_bytes", "(CustomError('z', 0))", Py_BuildValue("(O)", zero));
    Py_XDECREF(zero);
    Py_XDECREF(instance);
    Py_XDECREF(custom_type);
  }

  SHOW_CALL(module, "recursion", "()", NULL);
  SHOW_CALL(module, "deep_repr", "(50)", Py_BuildValue("(i)", 50));
  SHOW_CALL(module, "deep_repr", "(5000)", Py_BuildValue("(i)", 5000));

  /* Warnings: the return values (shown ones print to stderr). */
  for (int i = 0; i <= 7; ++i) {
    snprintf(label, sizeof(label), "warn(%d)", i);
    show(label, call(module, "warn", Py_BuildValue("(i)", i)));
  }
  SHOW_CALL(module, "warn_explicit", "()", NULL);

  /* Callables' names, pickling support. */
  {
    PyObject* function = PyObject_GetAttrString(module, "warn");
    SHOW_CALL(module, "func_name", "(errs.warn)", Py_BuildValue("(O)", function));
    SHOW_CALL(module, "func_name", "(5)", Py_BuildValue("(i)", 5));
    SHOW_CALL(module, "func_name", "(ValueError)", Py_BuildValue("(O)", PyExc_ValueError));
    Py_XDECREF(function);
    PyObject* e = PyObject_CallFunction(PyExc_KeyError, "(si)", "k", 2);
    PyObject_SetAttrString(e, "note", Py_True);
    SHOW_CALL(module, "reduce", "(KeyError('k', 2) with note=True)", Py_BuildValue("(O)", e));
    Py_DECREF(e);
  }

  /* isinstance/issubclass. */
  {
    PyObject* five = PyLong_FromLong(5);
    PyObject* nested = Py_BuildValue("(O(O(O)))", &PyUnicode_Type, &PyFloat_Type, &PyLong_Type);
    SHOW_CALL(module, "isinstance", "(5, int)", Py_BuildValue("(OO)", five, &PyLong_Type));
    SHOW_CALL(module, "isinstance", "(True, int)", Py_BuildValue("(OO)", Py_True, &PyLong_Type));
    SHOW_CALL(module, "isinstance", "(5, str)", Py_BuildValue("(OO)", five, &PyUnicode_Type));
    SHOW_CALL(module, "isinstance", "(5, (str, (float, (int,))))", Py_BuildValue("(OO)", five, nested));
    SHOW_CALL(module, "isinstance", "(5, ())", Py_BuildValue("(O())", five));
    SHOW_CALL(module, "isinstance", "(5, 5)", Py_BuildValue("(OO)", five, five));
    SHOW_CALL(module, "isinstance", "(5, (str, 5))", Py_BuildValue("(O(OO))", five, &PyUnicode_Type, five));
    SHOW_CALL(module, "isinstance", "(KeyError(), LookupError)",
              Py_BuildValue("(NO)", PyObject_CallNoArgs(PyExc_KeyError), PyExc_LookupError));
    SHOW_CALL(module, "isinstance", "(int, type)", Py_BuildValue("(OO)", &PyLong_Type, &PyType_Type));
    SHOW_CALL(module, "issubclass", "(bool, int)", Py_BuildValue("(OO)", &PyBool_Type, &PyLong_Type));
    SHOW_CALL(module, "issubclass", "(int, bool)", Py_BuildValue("(OO)", &PyLong_Type, &PyBool_Type));
    SHOW_CALL(module, "issubclass", "(int, (str, (float, (int,))))", Py_BuildValue("(OO)", &PyLong_Type, nested));
    SHOW_CALL(module, "issubclass", "(FileNotFoundError, OSError)", Py_BuildValue("(OO)", PyExc_FileNotFoundError, PyExc_OSError));
    SHOW_CALL(module, "issubclass", "(IOError, EnvironmentError)", Py_BuildValue("(OO)", PyExc_IOError, PyExc_EnvironmentError));
    SHOW_CALL(module, "issubclass", "(KeyboardInterrupt, Exception)", Py_BuildValue("(OO)", PyExc_KeyboardInterrupt, PyExc_Exception));
    SHOW_CALL(module, "issubclass", "(int, object)", Py_BuildValue("(OO)", &PyLong_Type, &PyBaseObject_Type));
    SHOW_CALL(module, "issubclass", "(5, int)", Py_BuildValue("(OO)", five, &PyLong_Type));
    SHOW_CALL(module, "issubclass", "(int, 5)", Py_BuildValue("(OO)", &PyLong_Type, five));
    SHOW_CALL(module, "issubclass", "(int, (5,))", Py_BuildValue("(O(O))", &PyLong_Type, five));
    Py_DECREF(nested);
    Py_DECREF(five);
  }

  /* format(). */
  {
    static const struct {
      const char* object;
      const char* spec;
    } cases[] = {
        {"i:42", ""}, {"i:42", "d"}, {"i:42", "5d"}, {"i:42", "<5"}, {"i:42", "^6"},
        {"i:42", "*^7"}, {"i:-42", "=+8"}, {"i:42", "+d"}, {"i:42", " d"}, {"i:-42", " d"},
        {"i:255", "x"}, {"i:255", "#X"}, {"i:255", "#o"}, {"i:5", "#b"}, {"i:5", "08b"},
        {"i:1234567", ","}, {"i:1234567", "_"}, {"i:-1234567", "015,"}, {"i:1234", "010,"},
        {"i:1234", "08,"}, {"i:65535", "_x"}, {"i:65536", "#_b"}, {"i:97", "c"}, {"i:97", "^3c"},
        {"i:42", "e"}, {"i:42", ".2f"}, {"i:42", "%"}, {"i:7", "n"}, {"i:-9223372036854775807", "x"},
        {"i:42", ".2"}, {"i:42", "z"}, {"i:42", ",x"}, {"i:42", "+c"}, {"i:42", "#c"},
        {"i:-1", "c"}, {"i:42", "q"}, {"i:42", ",_"}, {"i:42", ",,"}, {"i:42", "5.2.3"},
        {"i:42", "99999999999999999999"}, {"b:1", ""}, {"b:1", "d"}, {"b:1", ">5"},
        {"f:3.14159", ""}, {"f:3.14159", ".2f"}, {"f:3.14159", "10.3f"}, {"f:3.14159", "<10.1f"},
        {"f:3.14159", "e"}, {"f:3.14159", ".3E"}, {"f:3.14159", "g"}, {"f:1234567.891", ","},
        {"f:1234567.891", ",.2f"}, {"f:1234567.891", "_.1f"}, {"f:0.256", "%"}, {"f:0.256", ".1%"},
        {"f:1.0", ".3"}, {"f:1234.5", ".2"}, {"f:1e20", ""}, {"f:1e20", "f"}, {"f:1e-7", "g"},
        {"f:1.5", "#.0f"}, {"f:2.0", "#g"}, {"f:-0.0001", "z.2f"}, {"f:-0.0", "f"},
        {"f:-0.0", "z"}, {"f:1.5", "+"}, {"f:1.5", "=+9.2f"}, {"f:1.5", "09.3f"},
        {"f:-1.5", "09.3f"}, {"f:1234.5", "012,.1f"}, {"f:inf", ""}, {"f:-inf", "f"},
        {"f:nan", "F"}, {"f:inf", "E"}, {"f:1.5", "n"}, {"f:12345.678", ".3g"},
        {"f:1.5", "d"}, {"f:1.5", "x"}, {"f:1.5", ".f"},
        {"s:abc", ""}, {"s:abc", "s"}, {"s:abc", "5"}, {"s:abc", ">5"}, {"s:abc", "^7"},
        {"s:abc", "-^7"}, {"s:abc", ".2"}, {"s:abc", "6.2"}, {"s:abc", "05"},
        {"s:caf\xc3\xa9", "*^8"}, {"s:abc", "\xe2\x82\xac>6"}, {"s:caf\xc3\xa9", ".3"},
        {"s:abc", "+"}, {"s:abc", "d"}, {"s:abc", "=5"}, {"s:abc", "#"}, {"s:abc", ","},
        {"s:abc", "z"}, {"n:", ""}, {"n:", "x"}, {"n:", ">5"}, {"l:", ""}, {"l:", "x"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
      const char* text = cases[i].object + 2;
      PyObject* obj;
      switch (cases[i].object[0]) {
        case 'i': obj = PyLong_FromLongLong(strtoll(text, NULL, 10)); break;
        case 'b': obj = PyBool_FromLong(atoi(text)); break;
        case 'f': obj = PyFloat_FromDouble(strtod(text, NULL)); break;
        case 's': obj = PyUnicode_FromString(text); break;
        case 'n': obj = Py_NewRef(Py_None); break;
        default: obj = PyList_New(0); break;
      }
      snprintf(label, sizeof(label), "format(%s, '%s')", cases[i].object, cases[i].spec);
      show(label, call(module, "format", Py_BuildValue("(Ns)", obj, cases[i].spec)));
    }
    SHOW_CALL(module, "format", "(5, None)", Py_BuildValue("(iO)", 5, Py_None));
    SHOW_CALL(module, "format", "(2.5, None)", Py_BuildValue("(dO)", 2.5, Py_None));
    SHOW_CALL(module, "format", "('s', None)", Py_BuildValue("(sO)", "s", Py_None));
    SHOW_CALL(module, "format", "(ValueError('v'), '')", Py_BuildValue("(Ns)", PyObject_CallFunction(PyExc_ValueError, "s", "v"), ""));
    SHOW_CALL(module, "format", "(ValueError('v'), '>3')", Py_BuildValue("(Ns)", PyObject_CallFunction(PyExc_ValueError, "s", "v"), ">3"));
  }

  /* ascii(), bytes(), dir(), print. */
  SHOW_CALL(module, "ascii", "('plain')", Py_BuildValue("(s)", "plain"));
  SHOW_CALL(module, "ascii", "('h\\xe9 \\u20ac \\U0001f600')", Py_BuildValue("(s)", "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  SHOW_CALL(module, "ascii", "(['\\xe9', 1])", Py_BuildValue("([si])", "\xc3\xa9", 1));
  SHOW_CALL(module, "ascii", "(ValueError('\\xff'))", Py_BuildValue("(N)", PyObject_CallFunction(PyExc_ValueError, "s", "\xc3\xbf")));
  SHOW_CALL(module, "to_bytes", "(b'abc')", Py_BuildValue("(y)", "abc"));
  SHOW_CALL(module, "to_bytes", "([104, 105])", Py_BuildValue("([ii])", 104, 105));
  SHOW_CALL(module, "to_bytes", "((0, 255))", Py_BuildValue("((ii))", 0, 255));
  SHOW_CALL(module, "to_bytes", "([256])", Py_BuildValue("([i])", 256));
  SHOW_CALL(module, "to_bytes", "([-1])", Py_BuildValue("([i])", -1));
  SHOW_CALL(module, "to_bytes", "(['a'])", Py_BuildValue("([s])", "a"));
  SHOW_CALL(module, "to_bytes", "('str')", Py_BuildValue("(s)", "str"));
  SHOW_CALL(module, "to_bytes", "(5)", Py_BuildValue("(i)", 5));
  SHOW_CALL(module, "to_bytes", "(NULL)", Py_BuildValue("(O)", Py_None));
  SHOW_CALL(module, "dir_names", "(module)", Py_BuildValue("(O)", module));
  SHOW_CALL(module, "dir_has", "(module, 'format')", Py_BuildValue("(Os)", module, "format"));
  SHOW_CALL(module, "dir_has", "(module, 'nothing')", Py_BuildValue("(Os)", module, "nothing"));
  SHOW_CALL(module, "printed", "(5, False)", Py_BuildValue("(iO)", 5, Py_False));
  SHOW_CALL(module, "printed", "('s', False)", Py_BuildValue("(sO)", "s", Py_False));
  SHOW_CALL(module, "printed", "('s', True)", Py_BuildValue("(sO)", "s", Py_True));
  SHOW_CALL(module, "printed", "(NULL, False)", Py_BuildValue("(OO)", Py_None, Py_False));

  /* _PyObject_LookupAttr, keyword validation. */
  SHOW_CALL(module, "lookup", "(module, '__name__')", Py_BuildValue("(Os)", module, "__name__"));
  SHOW_CALL(module, "lookup", "(module, 'nothing')", Py_BuildValue("(Os)", module, "nothing"));
  SHOW_CALL(module, "lookup", "(module, 5)", Py_BuildValue("(Oi)", module, 5));
  {
    PyObject* e = PyObject_CallFunction(PyExc_OSError, "is", 2, "x");
    SHOW_CALL(module, "lookup", "(OSError(2, 'x'), 'errno')", Py_BuildValue("(Os)", e, "errno"));
    SHOW_CALL(module, "lookup", "(OSError(2, 'x'), 'nope')", Py_BuildValue("(Os)", e, "nope"));
    Py_DECREF(e);
  }
  SHOW_CALL(module, "validate", "({'a': 1})", Py_BuildValue("({s:i})", "a", 1));
  SHOW_CALL(module, "validate", "({1: 1})", Py_BuildValue("({i:i})", 1, 1));
  SHOW_CALL(module, "validate", "([])", Py_BuildValue("([])"));
  {
    PyObject* function = PyObject_GetAttrString(module, "keywords");
    PyObject* args = PyTuple_New(0);
    PyObject* kwargs = Py_BuildValue("{s:i}", "k", 1);
    show("keywords(k=1)", PyObject_Call(function, args, kwargs));
    Py_DECREF(kwargs);
    Py_DECREF(args);
    Py_DECREF(function);
  }
}

DIFFERENTIAL_MAIN("errs", PyInit_errs, drive)
