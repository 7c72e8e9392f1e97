// Warnings (warnings.h): CPython 3.11's default filters for warnings raised from C code, with
// no interpreter (pinion_python/warnings.h says what that means).
//
// Owns: g_shown, the (category, message, line) triples PyErr_WarnEx has printed (the
// registry CPython keeps in the `sys` module's __warningregistry__).
//
// Invariant: a triple is in g_shown once it has been printed; it is never removed (CPython's
// registry is reset only when filters change, which cannot happen here).
//
// Threads: any attached thread. g_mu guards g_shown only, never held across a call that
// allocates from the heap or runs extension code.
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "compat/runtime/runtime.h"

namespace {

std::mutex g_mu;
std::set<std::tuple<const void*, std::string, int>>* g_shown = nullptr;  // under g_mu

// True the first time (category, text, lineno) is seen.
bool FirstTime(PyObject* category, const std::string& text, int lineno) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_shown == nullptr) g_shown = new std::set<std::tuple<const void*, std::string, int>>();
  return g_shown->emplace(category, text, lineno).second;
}

// The default filters (non-debug 3.11, no -W options): these categories are ignored (the
// "default::DeprecationWarning:__main__" filter never applies: C code runs in no module).
bool Ignored(PyObject* category) {
  if (!PyType_Check(category)) return false;
  PyTypeObject* type = reinterpret_cast<PyTypeObject*>(category);
  for (PyObject* ignored : {PyExc_DeprecationWarning, PyExc_PendingDeprecationWarning,
                            PyExc_ImportWarning, PyExc_ResourceWarning}) {
    if (PyType_IsSubtype(type, reinterpret_cast<PyTypeObject*>(ignored))) return true;
  }
  return false;
}

const char* CategoryName(PyObject* category) {
  if (!PyType_Check(category)) return Py_TYPE(category)->tp_name;
  const char* name = reinterpret_cast<PyTypeObject*>(category)->tp_name;
  const char* dot = std::strrchr(name, '.');
  return dot != nullptr ? dot + 1 : name;
}

// Handles one warning. `once`: the process-wide registry applies (PyErr_WarnEx's); else
// `registry` (a dict, or NULL/None: none) does.
int Warn(PyObject* category, PyObject* message, const char* filename, int lineno,
         PyObject* registry, bool once) {
  if (category == nullptr) category = PyExc_RuntimeWarning;
  if (registry != nullptr && registry != Py_None && !PyDict_Check(registry)) {
    PyErr_SetString(PyExc_TypeError, "'registry' must be a dict or None");
    return -1;
  }
  // A Warning instance as the message is its own category (and text).
  if (PyExceptionInstance_Check(message) &&
      PyObject_TypeCheck(message, reinterpret_cast<PyTypeObject*>(PyExc_Warning))) {
    category = reinterpret_cast<PyObject*>(Py_TYPE(message));
  }
  if (Ignored(category)) return 0;
  PyObject* text_object = PyObject_Str(message);
  if (text_object == nullptr) return -1;
  const char* text = PyUnicode_AsUTF8(text_object);
  if (text == nullptr) {
    Py_DECREF(text_object);
    return -1;
  }
  bool show = true;
  if (once) {
    show = FirstTime(category, text, lineno);
  } else if (registry != nullptr && registry != Py_None) {
    PyObject* key = Py_BuildValue("(OOi)", text_object, category, lineno);
    if (key == nullptr) {
      Py_DECREF(text_object);
      return -1;
    }
    PyObject* seen = PyDict_GetItemWithError(registry, key);
    if (seen == nullptr && PyErr_Occurred()) {
      Py_DECREF(key);
      Py_DECREF(text_object);
      return -1;
    }
    show = seen == nullptr || !PyObject_IsTrue(seen);
    if (show && PyDict_SetItem(registry, key, Py_True) < 0) {
      Py_DECREF(key);
      Py_DECREF(text_object);
      return -1;
    }
    Py_DECREF(key);
  }
  if (show) {
    std::fprintf(stderr, "%s:%d: %s: %s\n", filename, lineno, CategoryName(category), text);
  }
  Py_DECREF(text_object);
  return 0;
}

int WarnFormatV(PyObject* category, const char* format, va_list vargs) {
  PyObject* message = PyUnicode_FromFormatV(format, vargs);
  if (message == nullptr) return -1;
  const int result = Warn(category, message, "sys", 1, nullptr, /*once=*/true);
  Py_DECREF(message);
  return result;
}

}  // namespace

extern "C" int PyErr_WarnEx(PyObject* category, const char* message, Py_ssize_t) {
  PyObject* text = PyUnicode_FromString(message);
  if (text == nullptr) return -1;
  const int result = Warn(category, text, "sys", 1, nullptr, /*once=*/true);
  Py_DECREF(text);
  return result;
}

extern "C" int PyErr_WarnFormat(PyObject* category, Py_ssize_t, const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  const int result = WarnFormatV(category, format, vargs);
  va_end(vargs);
  return result;
}

extern "C" int PyErr_ResourceWarning(PyObject*, Py_ssize_t, const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  const int result = WarnFormatV(PyExc_ResourceWarning, format, vargs);
  va_end(vargs);
  return result;
}

extern "C" int PyErr_WarnExplicitObject(PyObject* category, PyObject* message,
                                        PyObject* filename, int lineno, PyObject*,
                                        PyObject* registry) {
  if (message == nullptr || filename == nullptr) {
    PyErr_BadInternalCall();
    return -1;
  }
  PyObject* name = PyObject_Str(filename);
  if (name == nullptr) return -1;
  const char* utf8 = PyUnicode_AsUTF8(name);
  const int result =
      utf8 != nullptr ? Warn(category, message, utf8, lineno, registry, /*once=*/false) : -1;
  Py_DECREF(name);
  return result;
}

extern "C" int PyErr_WarnExplicit(PyObject* category, const char* message, const char* filename,
                                  int lineno, const char* module, PyObject* registry) {
  PyObject* text = PyUnicode_FromString(message);
  PyObject* file = PyUnicode_FromString(filename != nullptr ? filename : "<unknown>");
  int result = -1;
  if (text != nullptr && file != nullptr) {
    result = PyErr_WarnExplicitObject(category, text, file, lineno, nullptr, registry);
  }
  (void)module;
  Py_XDECREF(text);
  Py_XDECREF(file);
  return result;
}

extern "C" int PyErr_WarnExplicitFormat(PyObject* category, const char* filename, int lineno,
                                        const char* module, PyObject* registry,
                                        const char* format, ...) {
  va_list vargs;
  va_start(vargs, format);
  PyObject* message = PyUnicode_FromFormatV(format, vargs);
  va_end(vargs);
  if (message == nullptr) return -1;
  PyObject* file = PyUnicode_FromString(filename != nullptr ? filename : "<unknown>");
  int result = -1;
  if (file != nullptr) {
    result = PyErr_WarnExplicitObject(category, message, file, lineno, nullptr, registry);
  }
  (void)module;
  Py_DECREF(message);
  Py_XDECREF(file);
  return result;
}
