// Argument parsing (modsupport.h): PyArg_ParseTuple, PyArg_ParseTupleAndKeywords,
// PyArg_UnpackTuple and the va_list forms, with CPython's format language and messages.
//
// Owns: the format scanner and the converters. A call first scans the whole format
// (ScanFormat): every code is checked and the top level is split into items, so a bad
// format raises SystemError before any argument is converted or any va_arg is read. Then
// each item given an argument is converted (Converter::Item), which reads exactly that
// item's va_args in format order; an item given no argument is skipped (Converter::Skip:
// its va_args are read, nothing is written) when a later one may still come by keyword.
// The first failure stops the parse: outputs already written stay written, as in CPython.
//
// Outputs are borrowed: objects from `args`/`kwargs` and pointers into str and bytes
// objects, valid while the caller holds the arguments. The exception: s* z* y* w* fill a
// Py_buffer, which pins its exporter until the caller's PyBuffer_Release (a failed parse
// releases the ones it filled, as CPython's cleanup list does). s# z# y# and y accept
// read-only buffers that need no release (CPython's convertbuffer).
//
// Threads: any attached thread; no shared state.
#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "compat/runtime/runtime.h"

namespace {

// Integer codes read ints of any size through the PyLong_As* functions (Integer below).
static_assert(sizeof(long) == 8 && sizeof(long long) == 8 && sizeof(Py_ssize_t) == 8);

constexpr int kMaxDepth = 32;                  // nesting of "(...)" items, as CPython
constexpr Py_ssize_t kNone = PY_SSIZE_T_MAX;  // no '|' or '$' in the format
constexpr char kCodes[] = "bBhHiIlkLKncCfdszySUOpw";

using ConverterFunction = int (*)(PyObject*, void*);

// A scanned format: where each top-level item starts, and its markers.
struct Format {
  std::vector<const char*> items;
  Py_ssize_t optional = kNone;      // index of the first item after '|'
  Py_ssize_t keyword_only = kNone;  // index of the first item after '$'
  const char* name = nullptr;       // the text after ':', for messages
  const char* message = nullptr;    // the text after ';', replacing type-mismatch messages

  Py_ssize_t size() const { return static_cast<Py_ssize_t>(items.size()); }
  // CPython's "%.200s%s" pair: "f" "()" for a named function, else `unnamed` "".
  const char* Callee(const char* unnamed = "function") const {
    return name != nullptr ? name : unnamed;
  }
  const char* Parens() const { return name != nullptr ? "()" : ""; }
};

// Returns where the item at `f` ("(...)", or a code with its modifier) ends, or nullptr with
// *bad at the offending character ('\0' for an unclosed parenthesis).
const char* ScanItem(const char* f, int depth, const char** bad) {
  if (*f == '(') {
    if (depth == kMaxDepth) {
      *bad = f;
      return nullptr;
    }
    for (++f; *f != ')';) {
      f = ScanItem(f, depth + 1, bad);
      if (f == nullptr) return nullptr;
    }
    return f + 1;
  }
  if (*f == '\0' || std::strchr(kCodes, *f) == nullptr) {
    *bad = f;
    return nullptr;
  }
  const char code = *f++;
  if ((code == 's' || code == 'z' || code == 'y') && (*f == '#' || *f == '*')) return f + 1;
  if (code == 'w') {  // only "w*"
    if (*f != '*') {
      *bad = f - 1;
      return nullptr;
    }
    return f + 1;
  }
  if (code == 'O' && (*f == '!' || *f == '&')) return f + 1;
  return f;
}

// ScanItem on a format already scanned.
const char* NextItem(const char* f) {
  const char* bad;
  return ScanItem(f, 0, &bad);
}

// Splits `format` into *out; false with SystemError if it is bad. '$' only `with_keywords`.
bool ScanFormat(const char* format, const char* function, bool with_keywords, Format* out) {
  const char* f = format;
  const char* bad = nullptr;
  while (bad == nullptr && *f != '\0') {
    switch (*f) {
      case ':':
        out->name = f + 1;
        return true;
      case ';':
        out->message = f + 1;
        return true;
      case '|':
        if (out->optional != kNone || out->keyword_only != kNone) bad = f;
        out->optional = out->size();
        ++f;
        break;
      case '$':
        if (!with_keywords || out->keyword_only != kNone) bad = f;
        out->keyword_only = out->size();
        ++f;
        break;
      default:
        out->items.push_back(f);
        f = ScanItem(f, 0, &bad);
    }
  }
  if (bad == nullptr) return true;
  if (*bad == '\0') {
    PyErr_Format(PyExc_SystemError, "%s: unmatched '(' in format \"%s\"", function, format);
  } else {
    PyErr_Format(PyExc_SystemError, "%s: bad format char '%c' at %zd in \"%s\"", function, *bad,
                 static_cast<Py_ssize_t>(bad - format), format);
  }
  return false;
}

// OverflowError with CPython's message unless min <= v <= max.
bool InRange(long long v, long long min, long long max, const char* what) {
  if (v < min) {
    PyErr_Format(PyExc_OverflowError, "%s is less than minimum", what);
    return false;
  }
  if (v > max) {
    PyErr_Format(PyExc_OverflowError, "%s is greater than maximum", what);
    return false;
  }
  return true;
}

// Converts arguments into the outputs the format's items name, reading them from a va_list.
// Item and Simple return nullptr on success, else a complaint for ArgumentError ("must be
// int, not str"), or kRaised when the exception is already set (it then stands).
class Converter {
 public:
  explicit Converter(va_list* va) : va_(va) {}
  // A failed parse releases the Py_buffers it filled (CPython's cleanup list); a successful
  // one leaves them to the caller (Keep).
  ~Converter() {
    for (Py_buffer* view : views_) PyBuffer_Release(view);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;
  int Keep() {
    views_.clear();
    return 1;
  }

  // Converts `arg` by the item at *f and advances *f past it. On failure levels[] holds the
  // path into nested tuples (1-based item numbers, 0-terminated).
  const char* Item(PyObject* arg, const char** f, int* levels) {
    if (**f == '(') return Tuple(arg, f, levels);
    levels[0] = 0;
    return Simple(arg, f);
  }

  // Reads the va_args of the item at *f, writing nothing, and advances *f past it.
  void Skip(const char** f) {
    if (**f == '(') {
      for (++*f; **f != ')';) Skip(f);
      ++*f;
      return;
    }
    const char code = *(*f)++;
    if (code == 'O' && **f == '!') {
      ++*f;
      (void)va_arg(*va_, PyTypeObject*);
    } else if (code == 'O' && **f == '&') {
      ++*f;
      (void)va_arg(*va_, ConverterFunction);
    }
    (void)va_arg(*va_, void*);  // the output
    if (**f == '#') {           // only after s, z, y (scanned)
      ++*f;
      (void)va_arg(*va_, Py_ssize_t*);
    } else if (**f == '*') {  // s* z* y* w*: the output was the Py_buffer*
      ++*f;
    }
  }

  static constexpr char kRaised[] = "(exception set)";

 private:
  std::vector<Py_buffer*> views_;  // filled by s* z* y* w*, released if the parse fails
  // The next output pointer.
  template <typename T>
  T* Out() {
    return va_arg(*va_, T*);
  }
  template <typename T>
  const char* Store(T value) {
    *Out<T>() = value;
    return nullptr;
  }

  const char* Mismatch(const char* expected, PyObject* arg) {
    std::snprintf(complaint_, sizeof(complaint_), "must be %.50s, not %.50s", expected,
                  arg == Py_None ? "None" : Py_TYPE(arg)->tp_name);
    return complaint_;
  }

  // "(...)": a tuple or list of exactly the items inside.
  const char* Tuple(PyObject* arg, const char** f, int* levels) {
    const char* inner = *f + 1;
    Py_ssize_t n = 0;
    for (const char* p = inner; *p != ')'; p = NextItem(p)) ++n;
    const bool is_tuple = PyTuple_Check(arg);
    if (!is_tuple && !PyList_Check(arg)) {
      levels[0] = 0;
      std::snprintf(complaint_, sizeof(complaint_), "must be %zd-item sequence, not %.50s", n,
                    arg == Py_None ? "None" : Py_TYPE(arg)->tp_name);
      return complaint_;
    }
    const Py_ssize_t size = is_tuple ? PyTuple_GET_SIZE(arg) : PyList_GET_SIZE(arg);
    if (size != n) {
      levels[0] = 0;
      std::snprintf(complaint_, sizeof(complaint_), "must be sequence of length %zd, not %zd", n,
                    size);
      return complaint_;
    }
    for (Py_ssize_t i = 0; i < n; ++i) {
      PyObject* item = is_tuple ? PyTuple_GET_ITEM(arg, i) : PyList_GET_ITEM(arg, i);
      if (const char* complaint = Item(item, &inner, levels + 1)) {
        levels[0] = static_cast<int>(i + 1);
        return complaint;
      }
    }
    *f = inner + 1;  // past ')'
    return nullptr;
  }

  const char* Simple(PyObject* arg, const char** f) {
    const char code = *(*f)++;
    switch (code) {
      case 'b': case 'B': case 'h': case 'H': case 'i': case 'I':
      case 'l': case 'k': case 'L': case 'K': case 'n':
        return Integer(code, arg);
      case 'c':
        if (!PyBytes_Check(arg) || PyBytes_GET_SIZE(arg) != 1) {
          return Mismatch("a byte string of length 1", arg);
        }
        return Store<char>(PyBytes_AS_STRING(arg)[0]);
      case 'C':
        if (!PyUnicode_Check(arg) || PyUnicode_GET_LENGTH(arg) != 1) {
          return Mismatch("a unicode character", arg);
        }
        return Store<int>(static_cast<int>(PyUnicode_READ_CHAR(arg, 0)));
      case 'f': case 'd': {
        if (!PyFloat_Check(arg) && !PyLong_Check(arg)) return Mismatch("float", arg);
        const double value = PyFloat_AsDouble(arg);
        if (value == -1.0 && PyErr_Occurred()) return kRaised;
        return code == 'f' ? Store<float>(static_cast<float>(value)) : Store<double>(value);
      }
      case 's': case 'z': case 'y':
        if (**f == '*') return Buffer(code, arg, f);
        return Text(code, arg, f);
      case 'w':
        return Buffer(code, arg, f);
      case 'S':
        return PyBytes_Check(arg) ? Store<PyObject*>(arg) : Mismatch("bytes", arg);
      case 'U':
        return PyUnicode_Check(arg) ? Store<PyObject*>(arg) : Mismatch("str", arg);
      case 'O':
        return Object(arg, f);
      default: {  // 'p' (the scan admits nothing else)
        const int truth = PyObject_IsTrue(arg);
        return truth < 0 ? kRaised : Store<int>(truth);
      }
    }
  }

  // b B h H i I l k L K n, as CPython's: the masking codes (B H I k K) keep the low bits of
  // an int of any size; the others convert through PyLong_AsLong (AsLongLong for L,
  // AsSsize_t for n), with its OverflowError beyond the C type, then check the range.
  const char* Integer(char code, PyObject* arg) {
    if (!PyLong_Check(arg)) return Mismatch("int", arg);
    switch (code) {
      case 'B': case 'H': case 'I': case 'k': case 'K': {
        const unsigned long long bits = PyLong_AsUnsignedLongLongMask(arg);
        if (bits == static_cast<unsigned long long>(-1) && PyErr_Occurred()) return kRaised;
        switch (code) {
          case 'B': return Store<unsigned char>(static_cast<unsigned char>(bits));
          case 'H': return Store<unsigned short>(static_cast<unsigned short>(bits));
          case 'I': return Store<unsigned int>(static_cast<unsigned int>(bits));
          case 'k': return Store<unsigned long>(static_cast<unsigned long>(bits));
          default: return Store<unsigned long long>(bits);
        }
      }
      case 'L': {
        const long long v = PyLong_AsLongLong(arg);
        return v == -1 && PyErr_Occurred() ? kRaised : Store<long long>(v);
      }
      case 'n': {
        const Py_ssize_t v = PyLong_AsSsize_t(arg);
        return v == -1 && PyErr_Occurred() ? kRaised : Store<Py_ssize_t>(v);
      }
      default: break;
    }
    const long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return kRaised;
    switch (code) {
      case 'b':
        if (!InRange(v, 0, UCHAR_MAX, "unsigned byte integer")) return kRaised;
        return Store<unsigned char>(static_cast<unsigned char>(v));
      case 'h':
        if (!InRange(v, SHRT_MIN, SHRT_MAX, "signed short integer")) return kRaised;
        return Store<short>(static_cast<short>(v));
      case 'i':
        if (!InRange(v, INT_MIN, INT_MAX, "signed integer")) return kRaised;
        return Store<int>(static_cast<int>(v));
      default: return Store<long>(v);  // 'l'
    }
  }

  // CPython's getbuffer: a simple C-contiguous view of `arg`, else the expected kind.
  static const char* GetBuffer(PyObject* arg, Py_buffer* view) {
    if (PyObject_GetBuffer(arg, view, PyBUF_SIMPLE) != 0) return "bytes-like object";
    if (!PyBuffer_IsContiguous(view, 'C')) {
      PyBuffer_Release(view);
      return "contiguous buffer";
    }
    return nullptr;
  }

  // s* z* y* w*: a Py_buffer the caller releases (the view pins the exporter).
  const char* Buffer(char code, PyObject* arg, const char** f) {
    ++*f;  // '*'
    Py_buffer* view = Out<Py_buffer>();
    const char* expected = nullptr;
    if (code == 'w') {
      if (PyObject_GetBuffer(arg, view, PyBUF_WRITABLE) < 0) {
        PyErr_Clear();
        expected = "read-write bytes-like object";
      } else if (!PyBuffer_IsContiguous(view, 'C')) {
        PyBuffer_Release(view);
        expected = "contiguous buffer";
      }
    } else if (code == 'z' && arg == Py_None) {
      PyBuffer_FillInfo(view, nullptr, nullptr, 0, 1, 0);
    } else if (code != 'y' && PyUnicode_Check(arg)) {
      Py_ssize_t size;
      const char* data = PyUnicode_AsUTF8AndSize(arg, &size);
      if (data == nullptr) return kRaised;
      PyBuffer_FillInfo(view, arg, const_cast<char*>(data), size, 1, 0);
    } else {
      expected = GetBuffer(arg, view);
    }
    if (expected != nullptr) return Mismatch(expected, arg);
    views_.push_back(view);
    return nullptr;
  }

  // CPython's convertbuffer: the bytes of a read-only buffer that needs no release.
  const char* ReadOnlyBuffer(PyObject* arg, const char** data, Py_ssize_t* size) {
    PyBufferProcs* pb = Py_TYPE(arg)->tp_as_buffer;
    if (pb != nullptr && pb->bf_releasebuffer != nullptr) {
      return Mismatch("read-only bytes-like object", arg);
    }
    Py_buffer view;
    if (const char* expected = GetBuffer(arg, &view)) return Mismatch(expected, arg);
    *data = static_cast<const char*>(view.buf);
    *size = view.len;
    PyBuffer_Release(&view);
    return nullptr;
  }

  // s s# z z# y y#: a pointer to the UTF-8 of a str or to the bytes of a read-only buffer.
  const char* Text(char code, PyObject* arg, const char** f) {
    const bool sized = **f == '#';
    if (sized) ++*f;
    const char* data;
    Py_ssize_t size;
    if (code == 'z' && arg == Py_None) {
      data = nullptr;
      size = 0;
    } else if (code != 'y' && PyUnicode_Check(arg)) {
      data = PyUnicode_AsUTF8AndSize(arg, &size);
      if (data == nullptr) return kRaised;
    } else if (code == 'y' || sized) {
      if (const char* complaint = ReadOnlyBuffer(arg, &data, &size)) return complaint;
    } else {
      return Mismatch(code == 's' ? "str" : "str or None", arg);
    }
    // memchr, not CPython's strlen: a buffer need not be NUL-terminated.
    if (!sized && data != nullptr &&
        std::memchr(data, '\0', static_cast<size_t>(size)) != nullptr) {
      PyErr_SetString(PyExc_ValueError,
                      code == 'y' ? "embedded null byte" : "embedded null character");
      return kRaised;
    }
    *Out<const char*>() = data;
    if (sized) *Out<Py_ssize_t>() = size;
    return nullptr;
  }

  // O O! O&.
  const char* Object(PyObject* arg, const char** f) {
    if (**f == '!') {
      ++*f;
      PyTypeObject* type = va_arg(*va_, PyTypeObject*);
      PyObject** out = Out<PyObject*>();
      if (!PyObject_TypeCheck(arg, type)) return Mismatch(type->tp_name, arg);
      *out = arg;
      return nullptr;
    }
    if (**f == '&') {
      ++*f;
      ConverterFunction convert = va_arg(*va_, ConverterFunction);
      void* address = va_arg(*va_, void*);
      if (convert(arg, address) != 0) return nullptr;
      if (!PyErr_Occurred()) {
        PyErr_SetString(PyExc_SystemError, "an O& converter failed without setting an exception");
      }
      return kRaised;
    }
    return Store<PyObject*>(arg);
  }

  va_list* va_;
  char complaint_[256];
};

// Raises the TypeError for argument `index` (0-based), as CPython's seterror: the format's
// ;message, or "f() argument 2, item 0 must be int, not str". An exception already set by
// a converter stands.
void ArgumentError(const Format& format, Py_ssize_t index, const char* complaint,
                   const int* levels) {
  if (PyErr_Occurred()) return;
  if (format.message != nullptr) {
    PyErr_SetString(PyExc_TypeError, format.message);
    return;
  }
  std::string text;
  if (format.name != nullptr) text.append(format.name).append("() ");
  text += "argument " + std::to_string(index + 1);
  for (int i = 0; i <= kMaxDepth && levels[i] > 0; ++i) {
    text += ", item " + std::to_string(levels[i] - 1);
  }
  text.append(" ").append(complaint);
  PyErr_SetString(PyExc_TypeError, text.c_str());
}

int ParseTuple(PyObject* args, const char* format_text, va_list* va) {
  Format format;
  if (!ScanFormat(format_text, "PyArg_ParseTuple", /*with_keywords=*/false, &format)) return 0;
  if (args == nullptr || !PyTuple_Check(args)) {
    PyErr_SetString(PyExc_SystemError, "new style getargs format but argument is not a tuple");
    return 0;
  }
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  const Py_ssize_t max = format.size();
  const Py_ssize_t min = std::min(format.optional, max);
  if (nargs < min || nargs > max) {
    if (format.message != nullptr) {
      PyErr_SetString(PyExc_TypeError, format.message);
    } else if (max == 0) {
      PyErr_Format(PyExc_TypeError, "%s%s takes no arguments", format.Callee(), format.Parens());
    } else {
      const Py_ssize_t bound = nargs < min ? min : max;
      PyErr_Format(PyExc_TypeError, "%s%s takes %s %zd argument%s (%zd given)", format.Callee(),
                   format.Parens(),
                   min == max ? "exactly" : nargs < min ? "at least" : "at most", bound,
                   bound == 1 ? "" : "s", nargs);
    }
    return 0;
  }
  Converter converter(va);
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    const char* f = format.items[i];
    int levels[kMaxDepth + 1];
    if (const char* complaint = converter.Item(PyTuple_GET_ITEM(args, i), &f, levels)) {
      ArgumentError(format, i, complaint, levels);
      return 0;
    }
  }
  return converter.Keep();
}

// CPython's vgetargskeywords: positional arguments fill the items in order, then keywords
// (by the names in `keywords`) the rest; "" names are positional-only.
int ParseTupleAndKeywords(PyObject* args, PyObject* kwargs, const char* format_text,
                          const char* const* keywords, va_list* va) {
  static const char kFunction[] = "PyArg_ParseTupleAndKeywords";
  Format format;
  if (!ScanFormat(format_text, kFunction, /*with_keywords=*/true, &format)) return 0;
  if (args == nullptr || !PyTuple_Check(args) || (kwargs != nullptr && !PyDict_Check(kwargs)) ||
      keywords == nullptr) {
    PyErr_BadInternalCall();
    return 0;
  }
  const Py_ssize_t len = format.size();
  Py_ssize_t positional_only = 0;  // the leading "" names
  Py_ssize_t nkeywords = 0;
  for (; keywords[nkeywords] != nullptr; ++nkeywords) {
    if (keywords[nkeywords][0] != '\0') continue;
    if (positional_only != nkeywords) {
      PyErr_Format(PyExc_SystemError, "%s: empty keyword parameter name after named ones",
                   kFunction);
      return 0;
    }
    ++positional_only;
  }
  if (nkeywords != len) {
    PyErr_Format(PyExc_SystemError, "%s: %zd keyword list entries for %zd format items in \"%s\"",
                 kFunction, nkeywords, len, format_text);
    return 0;
  }
  const Py_ssize_t max_positional = std::min(format.keyword_only, len);
  if (max_positional < positional_only) {
    PyErr_Format(PyExc_SystemError, "%s: positional-only parameter after '$' in \"%s\"",
                 kFunction, format_text);
    return 0;
  }
  const Py_ssize_t min = std::min(format.optional, len);
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  Py_ssize_t nkwargs = kwargs != nullptr ? PyDict_GET_SIZE(kwargs) : 0;
  if (nargs + nkwargs > len) {
    PyErr_Format(PyExc_TypeError, "%s%s takes at most %zd %sargument%s (%zd given)",
                 format.Callee(), format.Parens(), len, nargs == 0 ? "keyword " : "",
                 len == 1 ? "" : "s", nargs + nkwargs);
    return 0;
  }
  if (nargs > max_positional) {
    PyErr_Format(PyExc_TypeError, "%s%s takes %s %zd positional argument%s (%zd given)",
                 format.Callee(), format.Parens(),
                 format.optional != kNone ? "at most" : "exactly", max_positional,
                 max_positional == 1 ? "" : "s", nargs);
    return 0;
  }
  Converter converter(va);
  for (Py_ssize_t i = 0; i < len; ++i) {
    const char* f = format.items[i];
    PyObject* arg = nullptr;
    if (i < nargs) {
      arg = PyTuple_GET_ITEM(args, i);
    } else if (nkwargs > 0 && i >= positional_only) {
      arg = PyDict_GetItemString(kwargs, keywords[i]);
      if (arg != nullptr) --nkwargs;
    }
    if (arg != nullptr) {
      int levels[kMaxDepth + 1];
      if (const char* complaint = converter.Item(arg, &f, levels)) {
        ArgumentError(format, i, complaint, levels);
        return 0;
      }
      continue;
    }
    if (i < min) {
      if (i < positional_only) {
        const Py_ssize_t required = std::min(positional_only, min);
        const Py_ssize_t positional = std::min({format.optional, format.keyword_only, len});
        PyErr_Format(PyExc_TypeError, "%s%s takes %s %zd positional argument%s (%zd given)",
                     format.Callee(), format.Parens(),
                     required < positional ? "at least" : "exactly", required,
                     required == 1 ? "" : "s", nargs);
      } else {
        PyErr_Format(PyExc_TypeError, "%s%s missing required argument '%s' (pos %zd)",
                     format.Callee(), format.Parens(), keywords[i], i + 1);
      }
      return 0;
    }
    if (nkwargs == 0) return converter.Keep();  // nothing left to fill
    converter.Skip(&f);
  }
  if (nkwargs == 0) return converter.Keep();
  // Keywords left over: one names an argument also given by position, or no parameter.
  for (Py_ssize_t i = positional_only; i < nargs; ++i) {
    if (PyDict_GetItemString(kwargs, keywords[i]) != nullptr) {
      PyErr_Format(PyExc_TypeError, "argument for %s%s given by name ('%s') and position (%zd)",
                   format.Callee(), format.Parens(), keywords[i], i + 1);
      return 0;
    }
  }
  Py_ssize_t position = 0;
  PyObject* key;
  while (PyDict_Next(kwargs, &position, &key, nullptr)) {
    if (!PyUnicode_Check(key)) {
      PyErr_SetString(PyExc_TypeError, "keywords must be strings");
      return 0;
    }
    bool known = false;
    for (Py_ssize_t i = positional_only; i < len && !known; ++i) {
      known = PyUnicode_CompareWithASCIIString(key, keywords[i]) == 0;
    }
    if (!known) {
      PyErr_Format(PyExc_TypeError, "'%U' is an invalid keyword argument for %s%s", key,
                   format.Callee("this function"), format.Parens());
      return 0;
    }
  }
  // A str subclass key that matched no lookup; CPython's catch-all.
  PyErr_Format(PyExc_TypeError, "invalid keyword argument for %s%s",
               format.Callee("this function"), format.Parens());
  return 0;
}

}  // namespace

extern "C" int PyArg_ParseTuple(PyObject* args, const char* format, ...) {
  va_list va;
  va_start(va, format);
  const int ok = ParseTuple(args, format, &va);
  va_end(va);
  return ok;
}

extern "C" int PyArg_VaParse(PyObject* args, const char* format, va_list vargs) {
  va_list va;
  va_copy(va, vargs);
  const int ok = ParseTuple(args, format, &va);
  va_end(va);
  return ok;
}

extern "C" int PyArg_ParseTupleAndKeywords(PyObject* args, PyObject* kwargs, const char* format,
                                           const char* const* keywords, ...) {
  va_list va;
  va_start(va, keywords);
  const int ok = ParseTupleAndKeywords(args, kwargs, format, keywords, &va);
  va_end(va);
  return ok;
}

extern "C" int PyArg_VaParseTupleAndKeywords(PyObject* args, PyObject* kwargs,
                                             const char* format, const char* const* keywords,
                                             va_list vargs) {
  va_list va;
  va_copy(va, vargs);
  const int ok = ParseTupleAndKeywords(args, kwargs, format, keywords, &va);
  va_end(va);
  return ok;
}

extern "C" int PyArg_UnpackTuple(PyObject* args, const char* name, Py_ssize_t min,
                                 Py_ssize_t max, ...) {
  if (args == nullptr || !PyTuple_Check(args)) {
    PyErr_SetString(PyExc_SystemError, "PyArg_UnpackTuple() argument list is not a tuple");
    return 0;
  }
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  if (nargs < min || nargs > max) {
    const Py_ssize_t bound = nargs < min ? min : max;
    const char* which = min == max ? "" : nargs < min ? "at least " : "at most ";
    if (name != nullptr) {
      PyErr_Format(PyExc_TypeError, "%s expected %s%zd argument%s, got %zd", name, which, bound,
                   bound == 1 ? "" : "s", nargs);
    } else {
      PyErr_Format(PyExc_TypeError, "unpacked tuple should have %s%zd element%s, but has %zd",
                   which, bound, bound == 1 ? "" : "s", nargs);
    }
    return 0;
  }
  va_list va;
  va_start(va, max);
  for (Py_ssize_t i = 0; i < nargs; ++i) *va_arg(va, PyObject**) = PyTuple_GET_ITEM(args, i);
  va_end(va);
  return 1;
}
