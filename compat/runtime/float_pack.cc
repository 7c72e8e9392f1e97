// PyFloat_Pack2/4/8 and PyFloat_Unpack2/4/8: doubles to and from the IEEE 754 binary16,
// binary32 and binary64 byte layouts (struct's 'e', 'f' and 'd' formats), in either byte
// order, as CPython 3.11 writes them.
//
// Owns nothing. Half precision rounds to nearest, ties to even, with CPython's results for
// signed zeros, infinities and NaNs (a quiet NaN keeping only the sign); a finite value too
// large for the format raises OverflowError ("float too large to pack with e format").
//
// Threads: any thread (no objects are touched, except to raise).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

// Writes `size` bytes of `bytes` (the value's native, little-endian, order) to p, in
// little-endian order when `le`, else big-endian.
void Store(const unsigned char* bytes, size_t size, char* p, int le) {
  for (size_t i = 0; i < size; ++i) p[i] = static_cast<char>(bytes[le ? i : size - 1 - i]);
}

void Load(const char* p, size_t size, int le, unsigned char* bytes) {
  for (size_t i = 0; i < size; ++i) bytes[le ? i : size - 1 - i] = static_cast<unsigned char>(p[i]);
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "Pinion assumes a little-endian host");

int Overflow(char format) {
  PyErr_Format(PyExc_OverflowError, "float too large to pack with %c format", format);
  return -1;
}

}  // namespace
}  // namespace pinion::compat

extern "C" int PyFloat_Pack8(double x, char* p, int le) {
  unsigned char bytes[8];
  std::memcpy(bytes, &x, 8);
  pinion::compat::Store(bytes, 8, p, le);
  return 0;
}

extern "C" int PyFloat_Pack4(double x, char* p, int le) {
  const float y = static_cast<float>(x);
  if (std::isinf(y) && !std::isinf(x)) return pinion::compat::Overflow('f');
  unsigned char bytes[4];
  std::memcpy(bytes, &y, 4);
  pinion::compat::Store(bytes, 4, p, le);
  return 0;
}

extern "C" int PyFloat_Pack2(double x, char* p, int le) {
  unsigned sign, exponent, fraction;
  if (x == 0.0) {
    sign = std::signbit(x) ? 1 : 0;
    exponent = fraction = 0;
  } else if (std::isinf(x)) {
    sign = x < 0.0;
    exponent = 0x1f;
    fraction = 0;
  } else if (std::isnan(x)) {
    sign = std::signbit(x) ? 1 : 0;
    exponent = 0x1f;
    fraction = 512;  // the quiet NaN
  } else {
    sign = x < 0.0;
    int e;
    double f = std::frexp(std::fabs(x), &e);  // in [0.5, 1)
    f *= 2.0;  // in [1, 2)
    e -= 1;
    if (e >= 16) return pinion::compat::Overflow('e');
    if (e < -25) {  // below half the smallest subnormal: zero
      f = 0.0;
      e = 0;
    } else if (e < -14) {  // subnormal
      f = std::ldexp(f, 14 + e);
      e = 0;
    } else {
      e += 15;
      f -= 1.0;  // the implicit leading bit
    }
    f *= 1024.0;
    fraction = static_cast<unsigned>(f);  // truncated, then rounded to even
    if (f - fraction > 0.5 || (f - fraction == 0.5 && fraction % 2 == 1)) {
      if (++fraction == 1024) {  // the carry ran out of the fraction
        fraction = 0;
        if (++e == 31) return pinion::compat::Overflow('e');
      }
    }
    exponent = static_cast<unsigned>(e);
  }
  const uint16_t bits = static_cast<uint16_t>(fraction | (exponent << 10) | (sign << 15));
  unsigned char bytes[2];
  std::memcpy(bytes, &bits, 2);
  pinion::compat::Store(bytes, 2, p, le);
  return 0;
}

extern "C" double PyFloat_Unpack8(const char* p, int le) {
  unsigned char bytes[8];
  pinion::compat::Load(p, 8, le, bytes);
  double x;
  std::memcpy(&x, bytes, 8);
  return x;
}

extern "C" double PyFloat_Unpack4(const char* p, int le) {
  unsigned char bytes[4];
  pinion::compat::Load(p, 4, le, bytes);
  float x;
  std::memcpy(&x, bytes, 4);
  return x;
}

extern "C" double PyFloat_Unpack2(const char* p, int le) {
  unsigned char bytes[2];
  pinion::compat::Load(p, 2, le, bytes);
  uint16_t bits;
  std::memcpy(&bits, bytes, 2);
  const bool negative = (bits >> 15) != 0;
  const int exponent = (bits >> 10) & 0x1f;
  const unsigned fraction = bits & 0x3ff;
  double x;
  if (exponent == 0x1f) {
    x = fraction == 0 ? HUGE_VAL : NAN;
  } else if (exponent == 0) {
    x = std::ldexp(static_cast<double>(fraction), -24);  // subnormal: fraction * 2^-24
  } else {
    x = std::ldexp(static_cast<double>(fraction + 1024), exponent - 25);
  }
  return negative ? -x : x;
}
