/* CPython's bytesobject.h as extension source includes it by name (#include <bytesobject.h>,
 * brotli does): Python.h declares the bytes API (pinion_python/bytesobject.h), so this header
 * only makes sure it is included. */
#ifndef PINION_BYTESOBJECT_H_
#define PINION_BYTESOBJECT_H_
#include "Python.h"
#endif /* PINION_BYTESOBJECT_H_ */
