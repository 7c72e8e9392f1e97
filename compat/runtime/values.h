// Internals shared by the value types (int, bool, float, str, bytes): the slots several of
// them use, and the hash helpers.
//
// Hashing follows CPython where values of different types must agree: numbers hash modulo
// the Mersenne prime 2^61 - 1 (an int and the float equal to it hash alike; long.cc and
// float.cc), and str and bytes hash their bytes with one function. No hash is ever -1 (the
// C API's error value).
//
// Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_VALUES_H_
#define PINION_COMPAT_RUNTIME_VALUES_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "Python.h"

namespace pinion::compat {

// CPython's numeric hash parameters (sys.hash_info).
inline constexpr int kHashBits = 61;
inline constexpr Py_uhash_t kHashModulus = (Py_uhash_t{1} << kHashBits) - 1;
inline constexpr Py_hash_t kHashInf = 314159;

// Python's repr of a double ("1.0", "1e+16", "nan", "-inf"). (float.cc)
std::string ReprDouble(double v);

// CPython's _Py_HashDouble: the hash of `v` (a NaN hashes by the identity of `inst`, the
// object holding it). (float.cc)
Py_hash_t HashDouble(PyObject* inst, double v);

// tp_hash of int and bool (long.cc).
Py_hash_t IntHash(PyObject* self);

// The number slot tables of int, bool (int's, with & | ^ of two bools giving a bool) and
// float (long_arith.cc, float_arith.cc).
extern PyNumberMethods g_int_as_number;
extern PyNumberMethods g_bool_as_number;
extern PyNumberMethods g_float_as_number;

// tp_richcompare of int, bool and float (float.cc): numeric comparison of any two of them,
// exact across int and float; NotImplemented (a new reference) for other operands.
PyObject* NumberRichCompare(PyObject* self, PyObject* other, int op);

// The hash of a str's or bytes' contents (never -1).
inline Py_hash_t HashBytes(const char* data, size_t size) {
  const auto hash = static_cast<Py_hash_t>(std::hash<std::string_view>{}({data, size}));
  return hash == -1 ? -2 : hash;
}

// HashBytes, cached in `*cache` (-1: not computed yet). Relaxed atomics: threads that race
// to fill the cache compute and store the same value, and the data hashed was published
// with the object itself.
inline Py_hash_t CachedHashBytes(Py_hash_t* cache, const char* data, size_t size) {
  Py_hash_t hash = __atomic_load_n(cache, __ATOMIC_RELAXED);
  if (hash == -1) {
    hash = HashBytes(data, size);
    __atomic_store_n(cache, hash, __ATOMIC_RELAXED);
  }
  return hash;
}

// True if the comparison `op` (Py_LT...) holds for an ordering `c` (<0, 0, >0).
inline bool OrderingSatisfies(int c, int op) {
  switch (op) {
    case Py_LT: return c < 0;
    case Py_LE: return c <= 0;
    case Py_EQ: return c == 0;
    case Py_NE: return c != 0;
    case Py_GT: return c > 0;
    default: return c >= 0;  // Py_GE
  }
}

// The repr quote Python picks for text holding `has_single`/`has_double` quotes: ' unless
// the text holds a ' and no ".
inline char ReprQuote(bool has_single, bool has_double) {
  return has_single && !has_double ? '"' : '\'';
}

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_VALUES_H_
