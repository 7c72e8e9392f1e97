// Building values (modsupport.h): Py_BuildValue and Py_VaBuildValue.
//
// Owns: the builder. The whole format is scanned first (Scan), so a bad format raises
// SystemError before any va_arg is read (and before any 'N' reference is taken over: those
// stay the caller's). Building then reads each item's va_args in format order. As CPython
// does, an item that fails does not stop the reading: the items after it are still built and
// released, so every 'N' reference is consumed and the va_list stays in step; the first
// error is the one reported.
//
// Every value built is a new reference; a container's items are its own (stolen from the
// builder), so a failed build releases exactly what it made.
//
// Threads: any attached thread; no shared state.
#include <cstring>
#include <vector>

#include "compat/runtime/runtime.h"

namespace {

constexpr char kCodes[] = "szyUbBhHiIlkLKncCfdNSO";
constexpr char kSeparators[] = " \t,:";

using ConverterFunction = PyObject* (*)(void*);

bool IsSeparator(char c) { return c != '\0' && std::strchr(kSeparators, c) != nullptr; }

char Closing(char open) { return open == '(' ? ')' : open == '[' ? ']' : '}'; }

// Scans one level of the format at *f up to `end` ('\0', or the bracket closing it) and
// returns how many items it has, with *f past `end`; -1 with *f at the offending character
// ('\0' for an unclosed bracket).
Py_ssize_t Scan(const char** f, char end) {
  Py_ssize_t n = 0;
  while (**f != end) {
    const char c = *(*f)++;
    if (IsSeparator(c)) continue;
    if (c == '(' || c == '[' || c == '{') {
      const char* open = *f - 1;
      const Py_ssize_t inner = Scan(f, Closing(c));
      if (inner < 0) return -1;
      if (c == '{' && inner % 2 != 0) {
        *f = open;
        return -1;
      }
    } else if (c == '\0' || std::strchr(kCodes, c) == nullptr) {
      --*f;
      return -1;
    } else if ((c == 's' || c == 'z' || c == 'y' || c == 'U') && **f == '#') {
      ++*f;
    } else if (c == 'O' && **f == '&') {
      ++*f;
    }
    ++n;
  }
  if (end != '\0') ++*f;
  return n;
}

void Release(const std::vector<PyObject*>& items) {
  for (PyObject* item : items) Py_DECREF(item);
}

// Containers from built items, whose references they take over (released on failure).
PyObject* MakeTuple(const std::vector<PyObject*>& items) {
  PyObject* tuple = PyTuple_New(static_cast<Py_ssize_t>(items.size()));
  if (tuple == nullptr) {
    Release(items);
    return nullptr;
  }
  for (size_t i = 0; i < items.size(); ++i) PyTuple_SET_ITEM(tuple, i, items[i]);
  return tuple;
}

PyObject* MakeList(const std::vector<PyObject*>& items) {
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(items.size()));
  if (list == nullptr) {
    Release(items);
    return nullptr;
  }
  for (size_t i = 0; i < items.size(); ++i) PyList_SET_ITEM(list, i, items[i]);
  return list;
}

PyObject* MakeDict(const std::vector<PyObject*>& items) {  // key, value, key, value...
  PyObject* dict = PyDict_New();
  for (size_t i = 0; dict != nullptr && i < items.size(); i += 2) {
    if (PyDict_SetItem(dict, items[i], items[i + 1]) < 0) Py_CLEAR(dict);
  }
  Release(items);  // the dict holds its own references
  return dict;
}

// Builds from a scanned format, reading the va_list.
class Builder {
 public:
  Builder(const char* format, va_list* va) : f_(format), va_(va) {}

  // The next item: a new reference, or NULL with an exception set. Its va_args are read
  // in every case.
  PyObject* Item() {
    while (IsSeparator(*f_)) ++f_;
    PyObject* value = Value(*f_++);
    if (value == nullptr && !PyErr_Occurred()) {
      PyErr_SetString(PyExc_SystemError, "NULL object passed to Py_BuildValue");
    }
    return value;
  }

  // The next `n` items, appended to *items; on failure every one is still read, those
  // built are released, *items is emptied and the first exception is set.
  bool Items(Py_ssize_t n, std::vector<PyObject*>* items) {
    PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (PyObject* item = Item()) {
        items->push_back(item);
      } else if (type == nullptr) {
        PyErr_Fetch(&type, &value, &traceback);
      } else {
        PyErr_Clear();  // a later failure: the first one is reported
      }
    }
    if (type == nullptr) return true;
    Release(*items);
    items->clear();
    PyErr_Restore(type, value, traceback);
    return false;
  }

 private:
  PyObject* Value(char code) {
    switch (code) {
      case '(': case '[': case '{': return Container(code);
      case 'b': case 'B': case 'h': case 'H': case 'i':  // all promoted to int
        return PyLong_FromLong(va_arg(*va_, int));
      case 'I': return PyLong_FromUnsignedLong(va_arg(*va_, unsigned int));
      case 'l': return PyLong_FromLong(va_arg(*va_, long));
      case 'k': return PyLong_FromUnsignedLong(va_arg(*va_, unsigned long));
      case 'L': return PyLong_FromLongLong(va_arg(*va_, long long));
      case 'K': return PyLong_FromUnsignedLongLong(va_arg(*va_, unsigned long long));
      case 'n': return PyLong_FromSsize_t(va_arg(*va_, Py_ssize_t));
      case 'f': case 'd': return PyFloat_FromDouble(va_arg(*va_, double));  // float promoted
      case 'c': {
        const char byte = static_cast<char>(va_arg(*va_, int));
        return PyBytes_FromStringAndSize(&byte, 1);
      }
      case 'C': return PyUnicode_FromFormat("%c", va_arg(*va_, int));
      case 's': case 'z': case 'U': case 'y': return Text(code);
      case 'O':
        if (*f_ == '&') {
          ++f_;
          ConverterFunction convert = va_arg(*va_, ConverterFunction);
          return convert(va_arg(*va_, void*));
        }
        return Py_XNewRef(va_arg(*va_, PyObject*));
      case 'S': return Py_XNewRef(va_arg(*va_, PyObject*));
      default: return va_arg(*va_, PyObject*);  // 'N' (the scan admits nothing else): stolen
    }
  }

  // ( [ {: the items up to the closing bracket.
  PyObject* Container(char open) {
    const char* end = f_;
    const Py_ssize_t n = Scan(&end, Closing(open));  // scanned before: n >= 0
    std::vector<PyObject*> items;
    const bool built = Items(n, &items);
    f_ = end;
    if (!built) return nullptr;
    return open == '(' ? MakeTuple(items) : open == '[' ? MakeList(items) : MakeDict(items);
  }

  // s s# z z# U U# y y#: a str (bytes for y) of the C string, or None for NULL.
  PyObject* Text(char code) {
    const char* text = va_arg(*va_, const char*);
    Py_ssize_t size = -1;
    if (*f_ == '#') {
      ++f_;
      size = va_arg(*va_, Py_ssize_t);
    }
    if (text == nullptr) return Py_NewRef(Py_None);
    if (size < 0) size = static_cast<Py_ssize_t>(std::strlen(text));
    return code == 'y' ? PyBytes_FromStringAndSize(text, size)
                       : PyUnicode_FromStringAndSize(text, size);
  }

  const char* f_;
  va_list* va_;
};

PyObject* Build(const char* format, va_list* va) {
  const char* f = format;
  const Py_ssize_t n = Scan(&f, '\0');
  if (n < 0) {
    if (*f == '\0') {
      PyErr_Format(PyExc_SystemError, "unmatched paren in Py_BuildValue format \"%s\"", format);
    } else if (*f == '{') {
      PyErr_Format(PyExc_SystemError, "Bad dict format (odd number of items) in \"%s\"", format);
    } else {
      PyErr_Format(PyExc_SystemError, "bad format char '%c' passed to Py_BuildValue (\"%s\")", *f,
                   format);
    }
    return nullptr;
  }
  Builder builder(format, va);
  if (n == 0) return Py_NewRef(Py_None);
  if (n == 1) return builder.Item();
  std::vector<PyObject*> items;
  return builder.Items(n, &items) ? MakeTuple(items) : nullptr;
}

}  // namespace

extern "C" PyObject* Py_BuildValue(const char* format, ...) {
  va_list va;
  va_start(va, format);
  PyObject* result = Build(format, &va);
  va_end(va);
  return result;
}

extern "C" PyObject* Py_VaBuildValue(const char* format, va_list vargs) {
  va_list va;
  va_copy(va, vargs);
  PyObject* result = Build(format, &va);
  va_end(va);
  return result;
}
