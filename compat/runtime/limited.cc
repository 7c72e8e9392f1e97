// The exported functions that limited-API builds (Py_LIMITED_API) call where the full API
// inlines: Py_IncRef/Py_DecRef (what Py_INCREF/Py_DECREF expand to there). (PyType_HasFeature
// calls PyType_GetFlags there, in heap_type.cc.)
//
// Owns: nothing but these entry points; they keep an extension built for the limited API
// independent of the pin log's layout and of PyTypeObject's, as CPython's stable ABI is of
// ob_refcnt and the type struct.
//
// Threads: any attached thread (as Py_INCREF/Py_DECREF).
#include "Python.h"

extern "C" {

void Py_IncRef(PyObject* op) { Py_XINCREF(op); }

void Py_DecRef(PyObject* op) { Py_XDECREF(op); }

}  // extern "C"
