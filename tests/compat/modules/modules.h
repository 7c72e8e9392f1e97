/* The test extension modules' init functions (what an import would call). */
#ifndef PINION_TESTS_COMPAT_MODULES_MODULES_H_
#define PINION_TESTS_COMPAT_MODULES_MODULES_H_

#include <Python.h>

PyMODINIT_FUNC PyInit_cyclic(void);
PyMODINIT_FUNC PyInit_boxes(void);
PyMODINIT_FUNC PyInit_crunch(void);

#endif
