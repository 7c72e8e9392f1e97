// Weak references (weakrefobject.h). Pinion makes none yet; this file owns what deallocators
// call regardless: PyObject_ClearWeakRefs.
//
// Threads: any attached thread.
#include "Python.h"

extern "C" void PyObject_ClearWeakRefs(PyObject* object) {
  if (object == nullptr || Py_TYPE(object)->tp_weaklistoffset <= 0) {
    PyErr_BadInternalCall();
    return;
  }
  // No weak reference to `object` can exist: nothing to clear.
}
