// PyOS_FSPath (osmodule.h): os.fspath() for extension code.
//
// Threads: any attached thread.
#include "compat/runtime/runtime.h"

extern "C" PyObject* PyOS_FSPath(PyObject* path) {
  if (PyUnicode_Check(path) || PyBytes_Check(path)) return Py_NewRef(path);
  PyObject* method = pinion::compat::LookupSpecialMethod(path, "__fspath__");
  if (method == nullptr) {
    if (PyErr_Occurred()) return nullptr;
    PyErr_Format(PyExc_TypeError, "expected str, bytes or os.PathLike object, not %.200s",
                 Py_TYPE(path)->tp_name);
    return nullptr;
  }
  PyObject* result = PyObject_CallNoArgs(method);
  Py_DECREF(method);
  if (result != nullptr && !PyUnicode_Check(result) && !PyBytes_Check(result)) {
    PyErr_Format(PyExc_TypeError, "expected %.200s.__fspath__() to return str or bytes, not %.200s",
                 pinion::compat::TypeShortName(Py_TYPE(path)), Py_TYPE(result)->tp_name);
    Py_CLEAR(result);
  }
  return result;
}
