/* str algorithms: searching, splitting, joining, replacing, comparing, % formatting and
 * translating str objects (CPython 3.11's unicodeobject.h declares them; Pinion implements
 * them in runtime/unicode_methods.cc and runtime/unicode_percent.cc). str's Python-level
 * methods, for PyObject_CallMethod(s, "split", ...), are runtime/str_methods.cc's and
 * runtime/str_format.cc's.
 *
 * Indices count code points. `start`/`end` arguments are adjusted as slice bounds are
 * (negative ones count from the end, then both are clipped to the string). Unless stated
 * otherwise, a str argument that is not one raises TypeError "must be str, not T".
 *
 * Where Pinion differs: character classes and case mappings (IsIdentifier, str.isalpha,
 * str.upper...) know ASCII and Latin-1 exactly but treat every code point above U+00FF as
 * uncased and neither letter nor digit (there is no Unicode database; whitespace and line
 * breaks are exact everywhere).
 *
 * Threads: any attached thread (strings are immutable).
 */
#ifndef PINION_PYTHON_UNICODE_METHODS_H_
#define PINION_PYTHON_UNICODE_METHODS_H_

#include "pinion_python/unicodeobject.h"

_PyPinion_EXTERN_C_BEGIN

#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
/* str[start:end] for 0 <= start, end (end is clipped to the length); IndexError "string
 * index out of range" for a negative index. Pinion checks that str is a str (TypeError;
 * CPython does not check). */
PyAPI_FUNC(PyObject*) PyUnicode_Substring(PyObject* str, Py_ssize_t start, Py_ssize_t end);
#endif

/* The index of the first (direction > 0) or last (direction <= 0) occurrence of substr in
 * str[start:end], -1 if there is none, -2 with an exception set on error. */
PyAPI_FUNC(Py_ssize_t) PyUnicode_Find(PyObject* str, PyObject* substr, Py_ssize_t start,
                                      Py_ssize_t end, int direction);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03030000
/* The same for one code point. Pinion checks that str is a str (-2 with TypeError; CPython
 * does not check). */
PyAPI_FUNC(Py_ssize_t) PyUnicode_FindChar(PyObject* str, Py_UCS4 ch, Py_ssize_t start,
                                          Py_ssize_t end, int direction);
#endif
/* The number of non-overlapping occurrences of substr in str[start:end] (an empty substr
 * occurs between every two code points); -1 with an exception set on error. */
PyAPI_FUNC(Py_ssize_t) PyUnicode_Count(PyObject* str, PyObject* substr, Py_ssize_t start,
                                       Py_ssize_t end);
/* 1 if str[start:end] starts (direction < 0) or ends (direction >= 0) with substr, else 0;
 * -1 with an exception set on error. */
PyAPI_FUNC(Py_ssize_t) PyUnicode_Tailmatch(PyObject* str, PyObject* substr, Py_ssize_t start,
                                           Py_ssize_t end, int direction);
/* `element in container`: 1, 0, or -1 with TypeError ("'in <string>' requires string as left
 * operand, not T" when element is not a str). */
PyAPI_FUNC(int) PyUnicode_Contains(PyObject* container, PyObject* element);

/* A new list of the parts of s between occurrences of sep (NULL: runs of whitespace, leading
 * and trailing whitespace dropped), at most maxsplit splits (negative: no limit), counted from
 * the start (Split) or the end (RSplit). ValueError "empty separator" for an empty sep. */
PyAPI_FUNC(PyObject*) PyUnicode_Split(PyObject* s, PyObject* sep, Py_ssize_t maxsplit);
PyAPI_FUNC(PyObject*) PyUnicode_RSplit(PyObject* s, PyObject* sep, Py_ssize_t maxsplit);
/* A new list of the lines of s (line breaks: \n \r \r\n \v \f \x1c \x1d \x1e \x85 U+2028
 * U+2029), each with its line break if keepends. */
PyAPI_FUNC(PyObject*) PyUnicode_Splitlines(PyObject* s, int keepends);
/* A new 3-tuple (before, sep, after) at the first (Partition) or last (RPartition) sep;
 * (s, '', '') or ('', '', s) if there is none. ValueError "empty separator". */
PyAPI_FUNC(PyObject*) PyUnicode_Partition(PyObject* s, PyObject* sep);
PyAPI_FUNC(PyObject*) PyUnicode_RPartition(PyObject* s, PyObject* sep);
/* The items of the iterable seq, which must be str, joined by separator (NULL: a space).
 * TypeError "can only join an iterable", "separator: expected str instance, T found",
 * "sequence item I: expected str instance, T found". */
PyAPI_FUNC(PyObject*) PyUnicode_Join(PyObject* separator, PyObject* seq);
/* str with the first maxcount (negative: all) occurrences of substr replaced by replstr. */
PyAPI_FUNC(PyObject*) PyUnicode_Replace(PyObject* str, PyObject* substr, PyObject* replstr,
                                        Py_ssize_t maxcount);
/* Py_True or Py_False (a new reference) for left `op` right, by code point order;
 * Py_NotImplemented unless both are str. */
PyAPI_FUNC(PyObject*) PyUnicode_RichCompare(PyObject* left, PyObject* right, int op);
/* *pleft = *pleft + right, releasing the old *pleft; on error (SystemError unless both are
 * str) *pleft is released and set to NULL. AppendAndDel also releases right. */
PyAPI_FUNC(void) PyUnicode_Append(PyObject** pleft, PyObject* right);
PyAPI_FUNC(void) PyUnicode_AppendAndDel(PyObject** pleft, PyObject* right);
/* format % args, as Python's str % operator: args is a tuple, a mapping (for %(key)s), or a
 * single value. Every conversion (%s %r %a %d %i %u %o %x %X %e %E %f %F %g %G %c %%), the
 * flags - + space # 0, width and precision (numbers or *) and the ignored length modifiers
 * h l L, with CPython's errors. SystemError for NULL arguments. */
PyAPI_FUNC(PyObject*) PyUnicode_Format(PyObject* format, PyObject* args);
/* str with each code point c replaced by table[c] (table: a mapping or sequence; an int is a
 * code point, a str is inserted, None means "undefined"; a LookupError leaves c as is).
 * Undefined code points raise UnicodeTranslateError under errors NULL or "strict", are
 * dropped under "ignore" and become U+FFFD under "replace"; Pinion knows no other error
 * handler here (LookupError). */
PyAPI_FUNC(PyObject*) PyUnicode_Translate(PyObject* str, PyObject* table, const char* errors);
/* 1 if s is a valid identifier, else 0 (letters and digits: see the file comment). */
PyAPI_FUNC(int) PyUnicode_IsIdentifier(PyObject* s);
/* obj itself (a new reference) if it is exactly a str, a new str of its text if it is of a
 * str subclass; TypeError "Can't convert 'T' object to str implicitly" otherwise. */
PyAPI_FUNC(PyObject*) PyUnicode_FromObject(PyObject* obj);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_UNICODE_METHODS_H_ */
