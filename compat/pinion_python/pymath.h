/* CPython's floating-point helpers (pymath.h): NaN and infinity tests and constants. */
#ifndef PINION_PYTHON_PYMATH_H_
#define PINION_PYTHON_PYMATH_H_

#include <math.h>

#define Py_IS_NAN(x) isnan(x)
#define Py_IS_INFINITY(x) isinf(x)
#define Py_IS_FINITE(x) isfinite(x)
#define Py_HUGE_VAL HUGE_VAL
#define Py_NAN ((double)NAN)
#define Py_MATH_PI 3.14159265358979323846
#define Py_MATH_E 2.7182818284590452354
#define Py_MATH_PIl 3.1415926535897932384626433832795029L
#define Py_MATH_El 2.7182818284590452353602874713526625L
#define Py_MATH_TAU 6.2831853071795864769252867665590057683943L

#endif /* PINION_PYTHON_PYMATH_H_ */
