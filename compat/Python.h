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
 *   - With Py_LIMITED_API defined, only CPython's limited API of that version is declared
 *     (PyTypeObject is opaque), and Py_INCREF/Py_DECREF call Py_IncRef/Py_DecRef, so the
 *     extension depends on no Pinion internals (tests/compat/limited_api_test.sh).
 */
#ifndef Py_PYTHON_H
#define Py_PYTHON_H

/* The API version Python.h provides: CPython 3.11's, and no later names, so that code which
 * tests PY_VERSION_HEX (and python/pythoncapi-compat's pythoncapi_compat.h, which defines the
 * newer functions itself for older versions) selects 3.11's code paths and nothing clashes.
 * Pinion's own additions are named _PyPinion_*. Behaviour is checked against 3.11
 * (tests/compat/differential). */
#define PY_MAJOR_VERSION 3
#define PY_MINOR_VERSION 11
#define PY_MICRO_VERSION 0
#define PY_RELEASE_LEVEL_ALPHA 0xA
#define PY_RELEASE_LEVEL_BETA 0xB
#define PY_RELEASE_LEVEL_GAMMA 0xC
#define PY_RELEASE_LEVEL_FINAL 0xF
#define PY_RELEASE_LEVEL PY_RELEASE_LEVEL_FINAL
#define PY_RELEASE_SERIAL 0
#define PY_VERSION "3.11.0+pinion"
#define PY_VERSION_HEX                                                                   \
  ((PY_MAJOR_VERSION << 24) | (PY_MINOR_VERSION << 16) | (PY_MICRO_VERSION << 8) |      \
   (PY_RELEASE_LEVEL << 4) | (PY_RELEASE_SERIAL << 0))


/* The C library headers CPython 3.11's Python.h and pyport.h include: extension source relies
 * on getting them through Python.h (math functions, clock(), wchar_t, ssize_t...). As
 * CPython's, stdlib.h, stdio.h, errno.h and string.h are not part of the 3.11 limited API
 * (other Pinion headers may still include some of them). */
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 < 0x030B0000
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#endif
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

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
#include "pinion_python/pylifecycle.h"
#include "pinion_python/warnings.h"
#include "pinion_python/ceval.h"
#include "pinion_python/boolobject.h"
#include "pinion_python/longobject.h"
#include "pinion_python/floatobject.h"
#include "pinion_python/pystrtod.h"
#include "pinion_python/pystrcmp.h"
#include "pinion_python/complexobject.h"
#include "pinion_python/unicodeobject.h"
#include "pinion_python/unicode_methods.h"
#include "pinion_python/unicode_codecs.h"
#include "pinion_python/bytesobject.h"
#include "pinion_python/bytearrayobject.h"
#include "pinion_python/memoryobject.h"
#include "pinion_python/tupleobject.h"
#include "pinion_python/structseq.h"
#include "pinion_python/listobject.h"
#include "pinion_python/dictobject.h"
#include "pinion_python/setobject.h"
#include "pinion_python/sliceobject.h"
#include "pinion_python/iterobject.h"
#include "pinion_python/enumobject.h"
#include "pinion_python/rangeobject.h"
#include "pinion_python/abstract.h"
#include "pinion_python/abstract_number.h"
#include "pinion_python/object_extras.h"
#include "pinion_python/methodobject.h"
#include "pinion_python/descrobject.h"
#include "pinion_python/funcobject.h"
#include "pinion_python/classobject.h"
#include "pinion_python/moduleobject.h"
#include "pinion_python/modsupport.h"
#include "pinion_python/import.h"
#include "pinion_python/sysmodule.h"
#include "pinion_python/intrcheck.h"
/* Appended for python/pythoncapi-compat's pythoncapi_compat.h (issue 10): hashing and clock
 * helpers; frames, declared unsupported; weak references (issue 12). */
#include "pinion_python/pyhash.h"
#include "pinion_python/pytime.h"
#include "pinion_python/pyframe.h"
#include "pinion_python/weakrefobject.h"
/* Issue 11: capsules, threads and locks. */
#include "pinion_python/pycapsule.h"
#include "pinion_python/pythread.h"
/* Issue 11, part 2: struct sequences (after tuples, above), files, os.fspath. */
#include "pinion_python/fileobject.h"
#include "pinion_python/osmodule.h"
/* Issue 11: codecs. */
#include "pinion_python/codecs.h"

#endif /* Py_PYTHON_H */
