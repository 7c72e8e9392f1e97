/* Pinion's Python.h: the CPython C API on the Pinion collector, for extension modules that
 * need only a recompile (source compatibility, not binary).
 *
 * What differs from CPython, in short (docs/user_guide.md has the full account):
 *   - Py_INCREF/Py_DECREF are pins (pinion_python/object.h): a Py_DECREF to zero frees
 *     nothing, the collector frees what is unreachable; tp_traverse is the trace function,
 *     and cycles are collected.
 *   - tp_finalize and tp_dealloc run with PEP 442 semantics when the collector finds an object
 *     unreachable, on an attached thread at a safepoint (pinion_python/objimpl.h).
 *   - There is no GIL: threads run in parallel; the GIL API attaches threads and marks native
 *     regions (pinion_python/pystate.h).
 *   - Unsupported API fails at compile time with a message saying so (tests/compat/
 *     unsupported_api_test.sh); API not declared at all is an implicit-declaration error.
 */
#ifndef Py_PYTHON_H
#define Py_PYTHON_H

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__cplusplus) && defined(__GNUC__)
/* CPython API that Pinion does not declare must not compile as an implicit declaration (and
 * then fail to link, or worse): calling an undeclared function is an error from here on. */
#pragma GCC diagnostic error "-Wimplicit-function-declaration"
#endif

#include "pinion_python/port.h"
#include "pinion_python/pymacro.h"
#include "pinion_python/pymath.h"
#include "pinion_python/object.h"
#include "pinion_python/objimpl.h"
#include "pinion_python/pystate.h"
#include "pinion_python/pyerrors.h"
#include "pinion_python/boolobject.h"
#include "pinion_python/longobject.h"
#include "pinion_python/floatobject.h"
#include "pinion_python/unicodeobject.h"
#include "pinion_python/bytesobject.h"
#include "pinion_python/tupleobject.h"
#include "pinion_python/listobject.h"
#include "pinion_python/dictobject.h"
#include "pinion_python/abstract.h"
#include "pinion_python/methodobject.h"
#include "pinion_python/moduleobject.h"
#include "pinion_python/modsupport.h"

#define PY_MAJOR_VERSION 3
#define PY_MINOR_VERSION 12
#define PY_VERSION_HEX 0x030C0000

#endif /* Py_PYTHON_H */
