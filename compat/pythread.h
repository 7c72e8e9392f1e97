/* CPython's pythread.h as extension source includes it by name (#include "pythread.h"):
 * Python.h declares the thread and lock API (pinion_python/pythread.h), so this header only
 * makes sure it is included. */
#ifndef PINION_PYTHREAD_H_
#define PINION_PYTHREAD_H_
#include "Python.h"
#endif /* PINION_PYTHREAD_H_ */
