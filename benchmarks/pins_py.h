/* The C side of the pins benchmark's pinion row (pins_py.c). */
#ifndef PINION_BENCHMARKS_PINS_PY_H_
#define PINION_BENCHMARKS_PINS_PY_H_

#include <Python.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A new object (a new reference) holding `value`, from the calling thread's heap. */
PyObject* pins_py_new(intptr_t value);
intptr_t pins_py_value(PyObject* o);
/* `pairs` times, round robin over objects[0..n): Py_INCREF, read the value, Py_DECREF.
 * Returns the sum of the values read. */
intptr_t pins_py_loop(PyObject* const* objects, size_t n, uint64_t pairs);

#ifdef __cplusplus
}
#endif

#endif /* PINION_BENCHMARKS_PINS_PY_H_ */
