/* An extension module using str's PEP 393 representation the way extension authors do:
 * building strings of every kind (ASCII, Latin-1, UCS-2, UCS-4, lone surrogates) with
 * PyUnicode_New + PyUnicode_WRITE, PyUnicode_FromKindAndData, PyUnicode_FromWideChar,
 * PyUnicode_FromOrdinal, PyUnicode_FromFormat (every conversion) and _PyUnicodeWriter;
 * reading them back with PyUnicode_KIND / DATA / READ / READ_CHAR / *BYTE_DATA, AsUCS4,
 * AsWideChar and AsUTF8; CopyCharacters, Fill, WriteChar; comparison, interning; and an
 * escape function in the style of markupsafe's _speedups.c (a fast path per kind).
 *
 * str hashes are seeded per process in CPython: only equalities of hashes are printed.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* CPython's SystemError for a bad argument names its source file and line: only the type
 * and the standard text are kept, so that both builds print the same. */
static PyObject* plain_bad_call(void) {
  if (PyErr_ExceptionMatches(PyExc_SystemError)) {
    PyErr_Clear();
    PyErr_SetString(PyExc_SystemError, "bad argument to internal function");
  }
  return NULL;
}

/* The pending exception as "Type: text" (a str), clearing it; for results that go on after
 * an error. */
static PyObject* error_text(void) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  PyObject* text = PyUnicode_FromFormat("%s: %S", ((PyTypeObject*)type)->tp_name,
                                        value != NULL ? value : Py_None);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return text;
}

/* `result`, or the pending exception as error_text(). */
static PyObject* or_error(PyObject* result) { return result != NULL ? result : error_text(); }

/* The code points of `s` as a list of ints, read with PyUnicode_READ from DATA and KIND. */
static PyObject* code_points(PyObject* s) {
  const int kind = PyUnicode_KIND(s);
  const void* data = PyUnicode_DATA(s);
  PyObject* list = PyList_New(PyUnicode_GET_LENGTH(s));
  if (list == NULL) return NULL;
  for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(s); ++i) {
    PyList_SET_ITEM(list, i, PyLong_FromUnsignedLong(PyUnicode_READ(kind, data, i)));
  }
  return list;
}

/* describe(s): (length, kind, ascii, compact, compact_ascii, ready, max char value, the code
 * points by READ, by READ_CHAR, by *BYTE_DATA, the NUL after them). */
static PyObject* describe(PyObject* self, PyObject* s) {
  if (!PyUnicode_Check(s)) {
    PyErr_SetString(PyExc_TypeError, "describe() needs a str");
    return NULL;
  }
  if (PyUnicode_READY(s) < 0) return NULL;
  const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  PyObject* by_char = PyList_New(n);
  PyObject* by_array = PyList_New(n);
  if (by_char == NULL || by_array == NULL) return NULL;
  unsigned long nul = 0;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyList_SET_ITEM(by_char, i, PyLong_FromUnsignedLong(PyUnicode_READ_CHAR(s, i)));
    unsigned long c;
    switch (PyUnicode_KIND(s)) {
      case PyUnicode_1BYTE_KIND: c = PyUnicode_1BYTE_DATA(s)[i]; break;
      case PyUnicode_2BYTE_KIND: c = PyUnicode_2BYTE_DATA(s)[i]; break;
      default: c = PyUnicode_4BYTE_DATA(s)[i]; break;
    }
    PyList_SET_ITEM(by_array, i, PyLong_FromUnsignedLong(c));
  }
  switch (PyUnicode_KIND(s)) {
    case PyUnicode_1BYTE_KIND: nul = PyUnicode_1BYTE_DATA(s)[n]; break;
    case PyUnicode_2BYTE_KIND: nul = PyUnicode_2BYTE_DATA(s)[n]; break;
    default: nul = PyUnicode_4BYTE_DATA(s)[n]; break;
  }
  return Py_BuildValue("(niiiiikNNNk)", n, (int)PyUnicode_KIND(s), (int)PyUnicode_IS_ASCII(s),
                       (int)PyUnicode_IS_COMPACT(s), (int)PyUnicode_IS_COMPACT_ASCII(s),
                       (int)PyUnicode_IS_READY(s), (unsigned long)PyUnicode_MAX_CHAR_VALUE(s),
                       code_points(s), by_char, by_array, nul);
}

/* with_new(s): a copy of s built with PyUnicode_New(len, max) + PyUnicode_WRITE, its kind,
 * and whether it equals s (same kind and bytes: the representation is canonical). */
static PyObject* with_new(PyObject* self, PyObject* s) {
  const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  Py_UCS4 max = 0;
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (PyUnicode_READ_CHAR(s, i) > max) max = PyUnicode_READ_CHAR(s, i);
  }
  PyObject* copy = PyUnicode_New(n, max);
  if (copy == NULL) return NULL;
  const int kind = PyUnicode_KIND(copy);
  void* data = PyUnicode_DATA(copy);
  for (Py_ssize_t i = 0; i < n; ++i) PyUnicode_WRITE(kind, data, i, PyUnicode_READ_CHAR(s, i));
  const int same_bytes =
      PyUnicode_KIND(copy) == PyUnicode_KIND(s) &&
      memcmp(PyUnicode_DATA(copy), PyUnicode_DATA(s), (size_t)n * PyUnicode_KIND(s)) == 0;
  const int equal = PyObject_RichCompareBool(copy, s, Py_EQ);
  const int same_hash = PyObject_Hash(copy) == PyObject_Hash(s);
  return Py_BuildValue("(Niiii)", copy, kind, same_bytes, equal, same_hash);
}

/* from_kind(kind, data: bytes): PyUnicode_FromKindAndData over the bytes (len // kind chars),
 * and the result's kind. */
static PyObject* from_kind(PyObject* self, PyObject* args) {
  int kind;
  const char* data;
  Py_ssize_t size, count = -2;
  if (!PyArg_ParseTuple(args, "iy#|n", &kind, &data, &size, &count)) return NULL;
  if (count == -2) count = kind > 0 ? size / kind : size;
  PyObject* s = PyUnicode_FromKindAndData(kind, count == 0 ? NULL : data, count);
  if (s == NULL) return plain_bad_call();
  return Py_BuildValue("(Ni)", s, (int)PyUnicode_KIND(s));
}

/* wide(s): PyUnicode_FromWideChar of s's code points as wchar_t (size given, and -1: up to the
 * first NUL), AsWideChar into a large buffer and one of 2 wchar_t, the size AsWideChar(NULL)
 * asks for, and AsWideCharString with and without a size. */
static PyObject* wide(PyObject* self, PyObject* s) {
  const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  wchar_t w[64];
  wchar_t small[3] = {L'#', L'#', L'#'};
  if (n >= 63) {
    PyErr_SetString(PyExc_ValueError, "too long");
    return NULL;
  }
  for (Py_ssize_t i = 0; i < n; ++i) w[i] = (wchar_t)PyUnicode_READ_CHAR(s, i);
  w[n] = L'\0';
  PyObject* sized = or_error(PyUnicode_FromWideChar(w, n));
  PyObject* to_nul = or_error(PyUnicode_FromWideChar(w, -1));
  wchar_t back[64];
  wmemset(back, L'#', 64);
  const Py_ssize_t copied = PyUnicode_AsWideChar(s, back, 64);
  const Py_ssize_t copied_small = PyUnicode_AsWideChar(s, small, 2);
  const Py_ssize_t needed = PyUnicode_AsWideChar(s, NULL, 0);
  PyObject* back_list = PyList_New(0);
  for (Py_ssize_t i = 0; i <= copied && i < 64; ++i) {
    PyObject* c = PyLong_FromLong((long)back[i]);
    PyList_Append(back_list, c);
    Py_DECREF(c);
  }
  Py_ssize_t size = -1;
  wchar_t* copy = PyUnicode_AsWideCharString(s, &size);
  PyObject* copy_text = copy != NULL ? PyUnicode_FromWideChar(copy, size) : error_text();
  PyMem_Free(copy);
  wchar_t* checked = PyUnicode_AsWideCharString(s, NULL);
  PyObject* checked_text = checked != NULL ? PyUnicode_FromWideChar(checked, -1) : error_text();
  PyMem_Free(checked);
  return Py_BuildValue("(NNnNn(lll)nNnN)", sized, to_nul, copied, back_list, copied_small,
                       (long)small[0], (long)small[1], (long)small[2], needed, copy_text, size,
                       checked_text);
}

/* wide_bad(): FromWideChar of a value above U+10FFFF, and of NULL; AsWideChar of a non-str. */
static PyObject* wide_bad(PyObject* self, PyObject* unused) {
  const wchar_t too_big[] = {L'a', (wchar_t)0x110000, 0};
  PyObject* big = or_error(PyUnicode_FromWideChar(too_big, 2));
  PyObject* empty = or_error(PyUnicode_FromWideChar(NULL, 0));
  PyObject* null = PyUnicode_FromWideChar(NULL, 3);
  if (null == NULL) {
    plain_bad_call();
    null = error_text();
  }
  wchar_t w[4];
  const Py_ssize_t not_str = PyUnicode_AsWideChar(Py_None, w, 4);
  PyObject* not_str_error = error_text();
  return Py_BuildValue("(NNNnN)", big, empty, null, not_str, not_str_error);
}

/* ordinals(values): PyUnicode_FromOrdinal of each (or its error). */
static PyObject* ordinals(PyObject* self, PyObject* values) {
  PyObject* out = PyList_New(0);
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(values); ++i) {
    const long v = PyLong_AsLong(PyTuple_GET_ITEM(values, i));
    PyObject* s = or_error(PyUnicode_FromOrdinal((int)v));
    PyObject* item = PyUnicode_Check(s) && PyUnicode_GET_LENGTH(s) == 1
                         ? Py_BuildValue("(Ni)", s, (int)PyUnicode_KIND(s))
                         : s;
    PyList_Append(out, item);
    Py_DECREF(item);
  }
  return out;
}

/* ucs4(s): AsUCS4Copy, AsUCS4 into a buffer of exactly len (without, then with the NUL), and
 * ReadChar at 0, at len (IndexError) and of a non-str. */
static PyObject* ucs4(PyObject* self, PyObject* s) {
  const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  Py_UCS4* copy = PyUnicode_AsUCS4Copy(s);
  if (copy == NULL) return NULL;
  PyObject* copy_list = PyList_New(n + 1);
  for (Py_ssize_t i = 0; i <= n; ++i) {
    PyList_SET_ITEM(copy_list, i, PyLong_FromUnsignedLong(copy[i]));
  }
  PyMem_Free(copy);
  Py_UCS4 buffer[64];
  PyObject* exact = NULL;
  if (n < 63) {
    buffer[n] = 0xABCD;
    exact = PyUnicode_AsUCS4(s, buffer, n, 0) != NULL
                ? Py_BuildValue("(ik)", 1, (unsigned long)buffer[n])
                : error_text();
  }
  PyObject* with_nul = PyUnicode_AsUCS4(s, buffer, n, 1) != NULL ? PyLong_FromLong(1)
                                                                 : (plain_bad_call(), error_text());
  PyObject* first = n > 0 ? PyLong_FromUnsignedLong(PyUnicode_ReadChar(s, 0)) : Py_NewRef(Py_None);
  const Py_UCS4 past = PyUnicode_ReadChar(s, n);
  PyObject* past_error = past == (Py_UCS4)-1 ? error_text() : PyLong_FromUnsignedLong(past);
  const Py_UCS4 not_str = PyUnicode_ReadChar(Py_None, 0);
  PyObject* not_str_error = not_str == (Py_UCS4)-1 ? error_text() : Py_NewRef(Py_None);
  return Py_BuildValue("(NNNNNN)", copy_list, exact != NULL ? exact : Py_NewRef(Py_None),
                       with_nul, first, past_error, not_str_error);
}

/* utf8(s): AsUTF8AndSize as bytes (or its error), whether two calls give the same pointer,
 * AsUTF8 and AsUTF8String agreeing with it. */
static PyObject* utf8(PyObject* self, PyObject* s) {
  Py_ssize_t size = -1;
  const char* first = PyUnicode_AsUTF8AndSize(s, &size);
  if (first == NULL) return Py_BuildValue("(Nn)", error_text(), size);
  const char* second = PyUnicode_AsUTF8(s);
  PyObject* as_bytes = PyUnicode_AsUTF8String(s);
  const int agree = as_bytes != NULL && PyBytes_GET_SIZE(as_bytes) == size &&
                    memcmp(PyBytes_AS_STRING(as_bytes), first, (size_t)size) == 0;
  Py_XDECREF(as_bytes);
  return Py_BuildValue("(y#iii)", first, size, first == second, agree, first[size] == '\0');
}

/* decode(data, errors): PyUnicode_DecodeUTF8, its kind; for UnicodeDecodeError its fields. */
static PyObject* decode(PyObject* self, PyObject* args) {
  const char* data;
  Py_ssize_t size;
  const char* errors = NULL;
  if (!PyArg_ParseTuple(args, "y#|z", &data, &size, &errors)) return NULL;
  PyObject* s = PyUnicode_DecodeUTF8(data, size, errors);
  if (s != NULL) return Py_BuildValue("(Ni)", s, (int)PyUnicode_KIND(s));
  if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return NULL;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  Py_ssize_t start = -1, end = -1;
  PyUnicodeDecodeError_GetStart(value, &start);
  PyUnicodeDecodeError_GetEnd(value, &end);
  PyObject* result = Py_BuildValue("(sNnnN)", "UnicodeDecodeError",
                                   PyUnicodeDecodeError_GetReason(value), start, end,
                                   PyObject_Str(value));
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return result;
}

/* Appends PyUnicode_FromFormat's result (or its error) to list. */
static void add(PyObject* list, PyObject* result) {
  PyObject* item = or_error(result);
  PyList_Append(list, item);
  Py_DECREF(item);
}

/* format_all(s, obj): PyUnicode_FromFormat with every CPython 3.11 conversion, with widths and
 * precisions, on the str s and the object obj. */
static PyObject* format_all(PyObject* self, PyObject* args) {
  PyObject *s, *obj;
  if (!PyArg_ParseTuple(args, "UO", &s, &obj)) return NULL;
  PyObject* out = PyList_New(0);
  add(out, PyUnicode_FromFormat("plain %% text"));
  add(out, PyUnicode_FromFormat("[%c|%c|%c|%c|%c]", 'A', 0xE9, 0x20AC, 0x1F600, 0xDC80));
  add(out, PyUnicode_FromFormat("[%d|%i|%u|%ld|%li|%lu]", -5, 7, 4000000000u, -6L, 8L, 9UL));
  add(out, PyUnicode_FromFormat("[%lld|%lli|%llu|%zd|%zi|%zu]", -7LL, 11LL, 12ULL,
                                (Py_ssize_t)-13, (Py_ssize_t)14, (size_t)15));
  add(out, PyUnicode_FromFormat("[%x|%5d|%05d|%.3d|%7.3i|%3u]", 255u, 42, 42, 7, 9, 5u));
  add(out, PyUnicode_FromFormat("[%p]", (void*)0x1234));
  add(out, PyUnicode_FromFormat("[%s|%.3s|%6s|%6.2s]", "caf\xc3\xa9", "abcdef", "ab", "xyz"));
  add(out, PyUnicode_FromFormat("[%s]", "bad \xff byte"));
  add(out, PyUnicode_FromFormat("[%U|%5U|%.2U|%8.3U]", s, s, s, s));
  add(out, PyUnicode_FromFormat("[%V|%V|%.1V]", s, "unused", (PyObject*)NULL, "fall\xc3\xa9",
                                (PyObject*)NULL, "xyz"));
  add(out, PyUnicode_FromFormat("[%S|%R|%A]", obj, obj, obj));
  add(out, PyUnicode_FromFormat("[%10S|%.4R|%12.5A]", obj, obj, obj));
  add(out, PyUnicode_FromFormat("[%A]", s));
  add(out, PyUnicode_FromFormat("%c", 0x110000));
  add(out, PyUnicode_FromFormat("%c", -1));
  return out;
}

/* format_wide(s): %ls and %lV (CPython 3.12; 3.11 copies the format from them on as is). */
static PyObject* format_wide(PyObject* self, PyObject* s) {
  PyObject* out = PyList_New(0);
  add(out, PyUnicode_FromFormat("[%ls|%.2ls|%5ls]", L"w\xe9\x20ac", L"abc", L"xy"));
  add(out, PyUnicode_FromFormat("[%lV|%lV]", s, L"unused", (PyObject*)NULL, L"fallback"));
  return out;
}

/* writer(s): a str built with _PyUnicodeWriter from pieces of every kind: WriteASCIIString,
 * WriteLatin1String, WriteChar, WriteStr, WriteSubstring, Prepare + PyUnicode_WRITE into the
 * writer's buffer; with overallocate set; its kind; and the results of an empty writer and
 * one dropped with Dealloc. (CPython does not check the writer's arguments: no bad ones.) */
static PyObject* writer(PyObject* self, PyObject* s) {
  _PyUnicodeWriter w;
  _PyUnicodeWriter_Init(&w);
  w.overallocate = 1;
  const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  if (_PyUnicodeWriter_WriteASCIIString(&w, "<ascii|", -1) < 0 ||
      _PyUnicodeWriter_WriteLatin1String(&w, "l\xe9|", 3) < 0 ||
      _PyUnicodeWriter_WriteChar(&w, 0x20AC) < 0 || _PyUnicodeWriter_WriteStr(&w, s) < 0 ||
      _PyUnicodeWriter_WriteChar(&w, '|') < 0 ||
      (n >= 2 && _PyUnicodeWriter_WriteSubstring(&w, s, 1, n) < 0) ||
      _PyUnicodeWriter_Prepare(&w, 3, 0x1F600) < 0) {
    _PyUnicodeWriter_Dealloc(&w);
    return NULL;
  }
  PyUnicode_WRITE(w.kind, w.data, w.pos, '|');
  PyUnicode_WRITE(w.kind, w.data, w.pos + 1, 0x1F600);
  PyUnicode_WRITE(w.kind, w.data, w.pos + 2, '>');
  w.pos += 3;
  PyObject* built = _PyUnicodeWriter_Finish(&w);
  if (built == NULL) return NULL;

  _PyUnicodeWriter_Init(&w);
  PyObject* empty = _PyUnicodeWriter_Finish(&w);
  _PyUnicodeWriter_Init(&w);
  _PyUnicodeWriter_WriteStr(&w, s);
  _PyUnicodeWriter_Dealloc(&w);

  return Py_BuildValue("(NiN)", built, (int)PyUnicode_KIND(built), empty);
}

/* writer_wide(): a writer prepared for UCS-4 (PrepareKind, min_length) that writes only ASCII:
 * the text and the result's kind. */
static PyObject* writer_wide(PyObject* self, PyObject* unused) {
  _PyUnicodeWriter w;
  _PyUnicodeWriter_Init(&w);
  w.min_length = 100;
  if (_PyUnicodeWriter_PrepareKind(&w, PyUnicode_4BYTE_KIND) < 0 ||
      _PyUnicodeWriter_WriteASCIIString(&w, "only ascii", 10) < 0) {
    _PyUnicodeWriter_Dealloc(&w);
    return NULL;
  }
  PyObject* text = _PyUnicodeWriter_Finish(&w);
  if (text == NULL) return NULL;
  return Py_BuildValue("(Ni)", text, (int)PyUnicode_KIND(text));
}

/* copy_fill(s): a str of len(s) + 4 filled with PyUnicode_Fill('*') then
 * PyUnicode_CopyCharacters(s) at 2, WriteChar at the end; and the errors: a character too
 * wide for the target, bad indexes, Fill past the end, WriteChar out of range or on a non-str,
 * a negative count, and changing a str once it has been hashed. */
static PyObject* copy_fill(PyObject* self, PyObject* s) {
  const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  PyObject* target = PyUnicode_New(n + 4, PyUnicode_MAX_CHAR_VALUE(s));
  if (target == NULL) return NULL;
  const Py_ssize_t filled = PyUnicode_Fill(target, 0, n + 4, '*');
  const Py_ssize_t copied = PyUnicode_CopyCharacters(target, 2, s, 0, n);
  const int wrote = PyUnicode_WriteChar(target, n + 3, '!');
  PyObject* narrow = PyUnicode_New(n + 1, 0x7F);
  const Py_ssize_t too_wide = PyUnicode_CopyCharacters(narrow, 0, s, 0, n);
  PyObject* too_wide_error = too_wide < 0 ? (plain_bad_call(), error_text()) : PyLong_FromSsize_t(too_wide);
  const Py_ssize_t bad_index = PyUnicode_CopyCharacters(target, n + 5, s, 0, 1);
  PyObject* bad_index_error = bad_index < 0 ? (plain_bad_call(), error_text()) : PyLong_FromSsize_t(bad_index);
  const Py_ssize_t clipped = PyUnicode_Fill(narrow, 1, 1000, 'x');
  const Py_ssize_t fill_wide = PyUnicode_Fill(narrow, 0, 1, 0xE9);
  PyObject* fill_wide_error = fill_wide < 0 ? error_text() : PyLong_FromSsize_t(fill_wide);
  const int write_out = PyUnicode_WriteChar(target, n + 4, 'x');
  PyObject* write_out_error = write_out < 0 ? error_text() : PyLong_FromLong(write_out);
  const int write_wide = PyUnicode_WriteChar(narrow, 0, 0x10000);
  PyObject* write_wide_error = write_wide < 0 ? error_text() : PyLong_FromLong(write_wide);
  const Py_ssize_t fill_past = PyUnicode_Fill(narrow, n + 5, 3, 'y');
  const Py_ssize_t negative = PyUnicode_CopyCharacters(narrow, 0, s, 0, -1);
  PyObject* negative_error = negative < 0 ? error_text() : PyLong_FromSsize_t(negative);
  const int not_str = PyUnicode_WriteChar(Py_None, 0, 'x');
  PyObject* not_str_error = not_str < 0 ? error_text() : PyLong_FromLong(not_str);
  PyObject_Hash(narrow);  /* a hashed str may be shared: no longer modifiable */
  const Py_ssize_t hashed = PyUnicode_Fill(narrow, 0, 1, 'z');
  PyObject* hashed_error = hashed < 0 ? error_text() : PyLong_FromSsize_t(hashed);
  Py_DECREF(narrow);
  return Py_BuildValue("(NnniNNnNNNnNNN)", target, filled, copied, wrote, too_wide_error,
                       bad_index_error, clipped, fill_wide_error, write_out_error,
                       write_wide_error, fill_past, negative_error, not_str_error, hashed_error);
}

/* compare(a, b): PyUnicode_Compare, rich comparison (< == >), _PyUnicode_EQ, equal hashes,
 * PyUnicode_Concat and its kind, `b in a`, and CompareWithASCIIString(a, "caf"). */
static PyObject* compare(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "UU", &a, &b)) return NULL;
  PyObject* both = PyUnicode_Concat(a, b);
  if (both == NULL) return NULL;
  return Py_BuildValue("(iiiiiiNiii)", PyUnicode_Compare(a, b),
                       PyObject_RichCompareBool(a, b, Py_LT), PyObject_RichCompareBool(a, b, Py_EQ),
                       PyObject_RichCompareBool(a, b, Py_GT), _PyUnicode_EQ(a, b),
                       PyObject_Hash(a) == PyObject_Hash(b), both, (int)PyUnicode_KIND(both),
                       PySequence_Contains(a, b), PyUnicode_CompareWithASCIIString(a, "caf"));
}

/* ascii_hash(s): whether an ASCII str hashes as the bytes of its text (as in CPython). */
static PyObject* ascii_hash(PyObject* self, PyObject* s) {
  PyObject* bytes = PyUnicode_AsUTF8String(s);
  if (bytes == NULL) return NULL;
  const int same = PyObject_Hash(bytes) == PyObject_Hash(s);
  Py_DECREF(bytes);
  return PyBool_FromLong(same);
}

/* sequence(s): s[1], s[-1], s[1:], s[::2], s[::-1] through PyObject_GetItem, repeat(2),
 * iteration, and the kinds of the slices. */
static PyObject* sequence(PyObject* self, PyObject* s) {
  PyObject* items = PyList_New(0);
  const char* keys[] = {"1", "-1", "1:", "::2", "::-1"};
  for (int k = 0; k < 5; ++k) {
    PyObject* key;
    if (k < 2) {
      key = PyLong_FromLong(k == 0 ? 1 : -1);
    } else if (k == 2) {
      key = PySlice_New(PyLong_FromLong(1), NULL, NULL);
    } else {
      PyObject* step = PyLong_FromLong(k == 3 ? 2 : -1);
      key = PySlice_New(NULL, NULL, step);
      Py_DECREF(step);
    }
    PyObject* item = PyObject_GetItem(s, key);
    Py_DECREF(key);
    PyObject* entry = item != NULL ? Py_BuildValue("(sNi)", keys[k], item, (int)PyUnicode_KIND(item))
                                   : Py_BuildValue("(sN)", keys[k], error_text());
    PyList_Append(items, entry);
    Py_DECREF(entry);
  }
  PyObject* twice = PySequence_Repeat(s, 2);
  PyObject* iterated = PySequence_List(s);
  return Py_BuildValue("(NNN)", items, or_error(twice), or_error(iterated));
}

/* intern(text): InternFromString twice (the same object), CHECK_INTERNED of it, and a new
 * equal str interned in place becoming that object. */
static PyObject* intern(PyObject* self, PyObject* args) {
  const char* text;
  if (!PyArg_ParseTuple(args, "s", &text)) return NULL;
  PyObject* a = PyUnicode_InternFromString(text);
  PyObject* b = PyUnicode_InternFromString(text);
  PyObject* c = PyUnicode_FromString(text);
  const int fresh = (int)PyUnicode_CHECK_INTERNED(c);
  PyUnicode_InternInPlace(&c);
  PyObject* result = Py_BuildValue("(iiiiO)", a == b, (int)PyUnicode_CHECK_INTERNED(a), fresh,
                                   c == a, a);
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(c);
  return result;
}

/* surrogates(): CPython's surrogate macros. */
static PyObject* surrogates(PyObject* self, PyObject* unused) {
  const Py_UCS4 c = 0x1F600;
  const Py_UCS4 high = Py_UNICODE_HIGH_SURROGATE(c), low = Py_UNICODE_LOW_SURROGATE(c);
  return Py_BuildValue("(kkkiiiii)", (unsigned long)high, (unsigned long)low,
                       (unsigned long)Py_UNICODE_JOIN_SURROGATES(high, low),
                       Py_UNICODE_IS_SURROGATE(high), Py_UNICODE_IS_SURROGATE(c),
                       Py_UNICODE_IS_HIGH_SURROGATE(high), Py_UNICODE_IS_LOW_SURROGATE(low),
                       Py_UNICODE_IS_HIGH_SURROGATE(low));
}

/* ---- escape(s): markupsafe's _speedups.c, in its style -------------------------------- */

#define GET_DELTA(inp, inp_end, delta)         \
  while (inp < inp_end) {                      \
    switch (*inp++) {                          \
      case '"':                                \
      case '\'':                               \
      case '&': delta += 4; break;             \
      case '<':                                \
      case '>': delta += 3; break;             \
    }                                          \
  }

#define DO_ESCAPE(inp, inp_end, outp)                          \
  {                                                            \
    Py_ssize_t ncopy = 0;                                      \
    while (inp < inp_end) {                                    \
      switch (*inp) {                                          \
        case '"':                                              \
          memcpy(outp, inp - ncopy, sizeof(*outp) * ncopy);    \
          outp += ncopy; ncopy = 0;                            \
          *outp++ = '&'; *outp++ = '#'; *outp++ = '3';         \
          *outp++ = '4'; *outp++ = ';';                        \
          break;                                               \
        case '\'':                                             \
          memcpy(outp, inp - ncopy, sizeof(*outp) * ncopy);    \
          outp += ncopy; ncopy = 0;                            \
          *outp++ = '&'; *outp++ = '#'; *outp++ = '3';         \
          *outp++ = '9'; *outp++ = ';';                        \
          break;                                               \
        case '&':                                              \
          memcpy(outp, inp - ncopy, sizeof(*outp) * ncopy);    \
          outp += ncopy; ncopy = 0;                            \
          *outp++ = '&'; *outp++ = 'a'; *outp++ = 'm';         \
          *outp++ = 'p'; *outp++ = ';';                        \
          break;                                               \
        case '<':                                              \
          memcpy(outp, inp - ncopy, sizeof(*outp) * ncopy);    \
          outp += ncopy; ncopy = 0;                            \
          *outp++ = '&'; *outp++ = 'l'; *outp++ = 't';         \
          *outp++ = ';';                                       \
          break;                                               \
        case '>':                                              \
          memcpy(outp, inp - ncopy, sizeof(*outp) * ncopy);    \
          outp += ncopy; ncopy = 0;                            \
          *outp++ = '&'; *outp++ = 'g'; *outp++ = 't';         \
          *outp++ = ';';                                       \
          break;                                               \
        default: ncopy++;                                      \
      }                                                        \
      inp++;                                                   \
    }                                                          \
    memcpy(outp, inp - ncopy, sizeof(*outp) * ncopy);          \
  }

static PyObject* escape_kind1(PyUnicodeObject* in) {
  Py_UCS1* inp = PyUnicode_1BYTE_DATA(in);
  Py_UCS1* inp_end = inp + PyUnicode_GET_LENGTH(in);
  Py_ssize_t delta = 0;
  GET_DELTA(inp, inp_end, delta);
  if (!delta) return Py_NewRef((PyObject*)in);
  PyObject* out =
      PyUnicode_New(PyUnicode_GET_LENGTH(in) + delta, PyUnicode_IS_ASCII(in) ? 127 : 255);
  if (!out) return NULL;
  inp = PyUnicode_1BYTE_DATA(in);
  Py_UCS1* outp = PyUnicode_1BYTE_DATA(out);
  DO_ESCAPE(inp, inp_end, outp);
  return out;
}

static PyObject* escape_kind2(PyUnicodeObject* in) {
  Py_UCS2* inp = PyUnicode_2BYTE_DATA(in);
  Py_UCS2* inp_end = inp + PyUnicode_GET_LENGTH(in);
  Py_ssize_t delta = 0;
  GET_DELTA(inp, inp_end, delta);
  if (!delta) return Py_NewRef((PyObject*)in);
  PyObject* out = PyUnicode_New(PyUnicode_GET_LENGTH(in) + delta, 65535);
  if (!out) return NULL;
  inp = PyUnicode_2BYTE_DATA(in);
  Py_UCS2* outp = PyUnicode_2BYTE_DATA(out);
  DO_ESCAPE(inp, inp_end, outp);
  return out;
}

static PyObject* escape_kind4(PyUnicodeObject* in) {
  Py_UCS4* inp = PyUnicode_4BYTE_DATA(in);
  Py_UCS4* inp_end = inp + PyUnicode_GET_LENGTH(in);
  Py_ssize_t delta = 0;
  GET_DELTA(inp, inp_end, delta);
  if (!delta) return Py_NewRef((PyObject*)in);
  PyObject* out = PyUnicode_New(PyUnicode_GET_LENGTH(in) + delta, 1114111);
  if (!out) return NULL;
  inp = PyUnicode_4BYTE_DATA(in);
  Py_UCS4* outp = PyUnicode_4BYTE_DATA(out);
  DO_ESCAPE(inp, inp_end, outp);
  return out;
}

/* escape(s): s with & < > ' " escaped, and whether the result is s itself. */
static PyObject* escape(PyObject* self, PyObject* s) {
  if (!PyUnicode_CheckExact(s)) {
    PyErr_SetString(PyExc_TypeError, "escape() needs a str");
    return NULL;
  }
  if (PyUnicode_READY(s)) return NULL;
  PyObject* out;
  switch (PyUnicode_KIND(s)) {
    case PyUnicode_1BYTE_KIND: out = escape_kind1((PyUnicodeObject*)s); break;
    case PyUnicode_2BYTE_KIND: out = escape_kind2((PyUnicodeObject*)s); break;
    case PyUnicode_4BYTE_KIND: out = escape_kind4((PyUnicodeObject*)s); break;
    default: PyErr_SetString(PyExc_SystemError, "bad kind"); return NULL;
  }
  if (out == NULL) return NULL;
  return Py_BuildValue("(Ni)", out, out == s);
}

/* shared_utf8(): the UTF-8 of the module's non-ASCII str `shared` (created at import, never
 * converted before): several threads of the threaded run make its UTF-8 copy at once. */
static PyObject* shared_utf8(PyObject* module, PyObject* unused) {
  PyObject* shared = PyObject_GetAttrString(module, "shared");
  if (shared == NULL) return NULL;
  Py_ssize_t size;
  const char* text = PyUnicode_AsUTF8AndSize(shared, &size);
  PyObject* result = text != NULL ? PyBytes_FromStringAndSize(text, size) : NULL;
  const int stable = text != NULL && PyUnicode_AsUTF8(shared) == text;
  Py_DECREF(shared);
  return result != NULL ? Py_BuildValue("(Ni)", result, stable) : NULL;
}

static PyMethodDef methods[] = {
    {"describe", describe, METH_O, NULL},
    {"with_new", with_new, METH_O, NULL},
    {"from_kind", from_kind, METH_VARARGS, NULL},
    {"wide", wide, METH_O, NULL},
    {"wide_bad", wide_bad, METH_NOARGS, NULL},
    {"ordinals", ordinals, METH_O, NULL},
    {"ucs4", ucs4, METH_O, NULL},
    {"utf8", utf8, METH_O, NULL},
    {"decode", decode, METH_VARARGS, NULL},
    {"format_all", format_all, METH_VARARGS, NULL},
    {"format_wide", format_wide, METH_O, NULL},
    {"writer", writer, METH_O, NULL},
    {"writer_wide", writer_wide, METH_NOARGS, NULL},
    {"copy_fill", copy_fill, METH_O, NULL},
    {"compare", compare, METH_VARARGS, NULL},
    {"ascii_hash", ascii_hash, METH_O, NULL},
    {"sequence", sequence, METH_O, NULL},
    {"intern", intern, METH_VARARGS, NULL},
    {"surrogates", surrogates, METH_NOARGS, NULL},
    {"escape", escape, METH_O, NULL},
    {"shared_utf8", shared_utf8, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "strings",
                                        "str's representation from C.", -1, methods};

PyMODINIT_FUNC PyInit_strings(void) {
  PyObject* module = PyModule_Create(&module_def);
  if (module == NULL) return NULL;
  /* U+00E9 U+20AC U+1F600 and a long tail: a UCS-4 str whose UTF-8 nobody has asked for. */
  static const Py_UCS4 text[] = {'s', 0xE9, 0x20AC, 0x1F600, 'h', 'a', 'r', 'e', 'd'};
  PyObject* shared = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, text, 9);
  if (shared == NULL || PyModule_AddObject(module, "shared", shared) < 0) {
    Py_XDECREF(shared);
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
