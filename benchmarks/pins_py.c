/* The pins benchmark's pinion row, as extension code pays it: Py_INCREF/Py_DECREF compiled
 * as C against Pinion's Python.h (the immortality test, then the pin fast path of
 * pinning/pin_c.h), on objects of a classic static extension type.
 */
#include <Python.h>

#include "benchmarks/pins_py.h"

typedef struct {
  PyObject_HEAD
  intptr_t value;
} BenchObject;

static PyTypeObject BenchType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pins.BenchObject",
    .tp_basicsize = sizeof(BenchObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

PyObject* pins_py_new(intptr_t value) {
  BenchObject* o = PyObject_New(BenchObject, &BenchType);
  if (o != NULL) o->value = value;
  return (PyObject*)o;
}

intptr_t pins_py_value(PyObject* o) { return ((BenchObject*)o)->value; }

intptr_t pins_py_loop(PyObject* const* objects, size_t n, uint64_t pairs) {
  intptr_t sum = 0;
  size_t i = 0;
  for (uint64_t p = 0; p < pairs; ++p) {
    PyObject* o = objects[i];
    Py_INCREF(o);
    __asm__ volatile("" ::: "memory"); /* as the C++ loop's CompilerBarrier */
    sum += ((BenchObject*)o)->value;
    Py_DECREF(o);
    if (++i == n) i = 0;
  }
  return sum;
}
