// Writing to sys.stdout and sys.stderr from C (sysmodule.h): PySys_WriteStdout/Stderr
// (printf formats, at most 1000 bytes, then "... truncated") and PySys_FormatStdout/Stderr
// (PyUnicode_FromFormat's formats, any length).
//
// As CPython: the text goes to sys.<stream>.write(str) when the embedder (or a module) set
// sys.stdout/sys.stderr to an object with a write method; when the attribute is missing, is
// None, or its write fails, it goes to the C stream (stdout or stderr) instead, and the error
// is dropped. The exception set before the call, if any, is set again after it.
//
// State: none of its own (the sys dict holds the streams).
//
// Threads: any attached thread; two threads' writes go to the stream object in either order.
#include <cstdarg>
#include <cstdio>

#include "compat/runtime/runtime.h"

namespace {

// CPython's sys_pyfile_write_unicode: sys.<stream>.write(text); -1 on any failure.
int WriteToStream(PyObject* file, PyObject* text) {
  if (file == nullptr) return -1;
  PyObject* result = PyObject_CallMethod(file, "write", "O", text);
  if (result == nullptr) return -1;
  Py_DECREF(result);
  return 0;
}

int WriteToStream(PyObject* file, const char* text) {
  if (file == nullptr) return -1;
  PyObject* unicode = PyUnicode_FromString(text);
  if (unicode == nullptr) return -1;
  const int rc = WriteToStream(file, unicode);
  Py_DECREF(unicode);
  return rc;
}

// sys.<name>, a new reference, or nullptr.
PyObject* Stream(const char* name) { return Py_XNewRef(PySys_GetObject(name)); }

void Write(const char* name, FILE* fallback, const char* format, va_list va) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject* file = Stream(name);
  char buffer[1001];
  const int written = PyOS_vsnprintf(buffer, sizeof buffer, format, va);
  if (WriteToStream(file, buffer) != 0) {
    PyErr_Clear();
    std::fputs(buffer, fallback);
  }
  if (written < 0 || static_cast<size_t>(written) >= sizeof buffer) {
    const char* truncated = "... truncated";
    if (WriteToStream(file, truncated) != 0) {
      PyErr_Clear();
      std::fputs(truncated, fallback);
    }
  }
  Py_XDECREF(file);
  PyErr_Restore(type, value, traceback);
}

void Format(const char* name, FILE* fallback, const char* format, va_list va) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject* file = Stream(name);
  PyObject* message = PyUnicode_FromFormatV(format, va);
  if (message != nullptr) {
    if (WriteToStream(file, message) != 0) {
      PyErr_Clear();
      if (const char* utf8 = PyUnicode_AsUTF8(message)) std::fputs(utf8, fallback);
    }
    Py_DECREF(message);
  }
  Py_XDECREF(file);
  PyErr_Restore(type, value, traceback);
}

}  // namespace

extern "C" void PySys_WriteStdout(const char* format, ...) {
  va_list va;
  va_start(va, format);
  Write("stdout", stdout, format, va);
  va_end(va);
}

extern "C" void PySys_WriteStderr(const char* format, ...) {
  va_list va;
  va_start(va, format);
  Write("stderr", stderr, format, va);
  va_end(va);
}

extern "C" void PySys_FormatStdout(const char* format, ...) {
  va_list va;
  va_start(va, format);
  Format("stdout", stdout, format, va);
  va_end(va);
}

extern "C" void PySys_FormatStderr(const char* format, ...) {
  va_list va;
  va_start(va, format);
  Format("stderr", stderr, format, va);
  va_end(va);
}
