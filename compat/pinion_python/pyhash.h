/* Hashing helpers of CPython's pyhash.h: pointer and byte-string hashes, and the numeric hash
 * parameters (sys.hash_info).
 *
 * _Py_HashPointer is CPython's function (the address rotated right by 4 bits, -1 mapped to
 * -2), so it gives CPython's values. _Py_HashBytes is the hash str and bytes use in Pinion
 * (runtime/values.h: std::hash of the bytes, -1 mapped to -2), not CPython's SipHash: equal
 * to hash(bytes) of the same data, as CPython's is, but a different number.
 *
 * Threads: any thread (nothing touches the heap).
 */
#ifndef PINION_PYTHON_PYHASH_H_
#define PINION_PYTHON_PYHASH_H_

#include "pinion_python/port.h"

_PyPinion_EXTERN_C_BEGIN

/* The numeric hash: values modulo the Mersenne prime 2**61 - 1 (longobject.h, floatobject.h). */
#define _PyHASH_BITS 61
#define _PyHASH_MODULUS (((size_t)1 << _PyHASH_BITS) - 1)
#define _PyHASH_INF 314159
#define _PyHASH_IMAG 1000003UL
#define _PyHASH_MULTIPLIER 1000003UL

#ifndef Py_LIMITED_API

PyAPI_FUNC(Py_hash_t) _Py_HashPointer(const void* p);
/* As _Py_HashPointer, without replacing -1 by -2. */
PyAPI_FUNC(Py_hash_t) _Py_HashPointerRaw(const void* p);
PyAPI_FUNC(Py_hash_t) _Py_HashBytes(const void* src, Py_ssize_t len);
#endif /* !Py_LIMITED_API */

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_PYHASH_H_ */
