/* CPython's <setobject.h>, for extension source that includes it by name. Pinion's Python.h
 * declares all of the C API Pinion provides, and this header only includes it: a name
 * Pinion lacks still fails to compile where it is used (docs/compat_coverage.md). */
#ifndef PINION_FWD_SETOBJECT_H_
#define PINION_FWD_SETOBJECT_H_
#include "Python.h"
#endif /* PINION_FWD_SETOBJECT_H_ */
