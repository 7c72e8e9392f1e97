/* The number protocol: CPython 3.11's PyNumber_* functions and PyIndex_Check (the number
 * section of CPython's abstract.h; runtime in runtime/number.cc).
 *
 * Dispatch is CPython's, on the tp_as_number tables (PyNumberMethods, object.h):
 *   - Binary operators (PyNumber_Add ... PyNumber_Or): the left operand's slot, then the
 *     right operand's when its type differs and its slot is another function; the right
 *     one goes first when its type is a subtype of the left's (so a subclass can override
 *     its base's operator). Both slots are called as slot(left, right): a slot tells which
 *     argument is its own by type. A slot that returns Py_NotImplemented lets the other try;
 *     when neither gives a result: TypeError "unsupported operand type(s) for +: 'int' and
 *     'str'".
 *   - PyNumber_Add and PyNumber_Multiply then fall back to the left operand's sq_concat, and
 *     to either operand's sq_repeat (the other operand an index: "can't multiply sequence by
 *     non-int of type 'float'").
 *   - In-place forms (PyNumber_InPlaceAdd ...): the left operand's nb_inplace_* slot, then
 *     the binary operator's dispatch; InPlaceAdd/InPlaceMultiply then the sequence slots
 *     (sq_inplace_concat, sq_inplace_repeat, else sq_concat, sq_repeat). Errors name the
 *     augmented operator ("+=").
 *   - PyNumber_Power and PyNumber_InPlacePower are ternary (pass Py_None as the third
 *     argument for `**`): the two operands' nb_power as above, then the third argument's.
 *   - Unary operators: the slot, else TypeError "bad operand type for unary -: 'str'"
 *     ("abs()" for PyNumber_Absolute).
 *
 * Conversions: PyNumber_Index (an int, or nb_index's result, which must be an int:
 * "__index__ returned non-int (type float)"; "'str' object cannot be interpreted as an
 * integer"), PyNumber_AsSsize_t, PyNumber_Long (nb_int, nb_index, then str/bytes parsed as
 * base-10 literals), PyNumber_Float (nb_float, nb_index, then str/bytes parsed as float
 * literals), PyNumber_ToBase ("0b101", "0o17", "10", "-0xff").
 *
 * Where Pinion differs from CPython: there is no complex
 * type (a negative float to a fractional power raises ValueError instead of returning a
 * complex); __trunc__ and the buffer protocol are not consulted by PyNumber_Long; an
 * __index__/__int__/__float__ that returns a strict subclass of int/float is accepted
 * without CPython's DeprecationWarning.
 *
 * Threads: any attached thread; slots run on the calling thread.
 */
#ifndef PINION_PYTHON_ABSTRACT_NUMBER_H_
#define PINION_PYTHON_ABSTRACT_NUMBER_H_

#include "pinion_python/object.h"

_PyPinion_EXTERN_C_BEGIN

/* 1 if `o` has nb_index, nb_int or nb_float (ints, floats, bools and numeric extension
 * types), else 0. Never fails. */
PyAPI_FUNC(int) PyNumber_Check(PyObject* o);

/* Binary operators: a new reference, or NULL with an exception set. */
PyAPI_FUNC(PyObject*) PyNumber_Add(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Subtract(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Multiply(PyObject* o1, PyObject* o2);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(PyObject*) PyNumber_MatrixMultiply(PyObject* o1, PyObject* o2);
#endif
PyAPI_FUNC(PyObject*) PyNumber_FloorDivide(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_TrueDivide(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Remainder(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Divmod(PyObject* o1, PyObject* o2);
/* pow(o1, o2, o3); o3 is Py_None for o1 ** o2. */
PyAPI_FUNC(PyObject*) PyNumber_Power(PyObject* o1, PyObject* o2, PyObject* o3);
PyAPI_FUNC(PyObject*) PyNumber_Lshift(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Rshift(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_And(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Xor(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_Or(PyObject* o1, PyObject* o2);

/* Unary operators. */
PyAPI_FUNC(PyObject*) PyNumber_Negative(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Positive(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Absolute(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Invert(PyObject* o);

/* 1 if `o` has an nb_index slot (can be used as an index), else 0. */
PyAPI_FUNC(int) PyIndex_Check(PyObject* o);
/* o as an int: o itself if it is one (bools and int subclasses included), else nb_index's
 * result. */
PyAPI_FUNC(PyObject*) PyNumber_Index(PyObject* o);
/* o as a Py_ssize_t through PyNumber_Index; -1 with an exception set on failure. Out of
 * range: `exc` ("cannot fit 'int' into an index-sized integer"), or, when exc is NULL, the
 * value clamped to PY_SSIZE_T_MIN or PY_SSIZE_T_MAX. */
PyAPI_FUNC(Py_ssize_t) PyNumber_AsSsize_t(PyObject* o, PyObject* exc);
/* int(o) and float(o). */
PyAPI_FUNC(PyObject*) PyNumber_Long(PyObject* o);
PyAPI_FUNC(PyObject*) PyNumber_Float(PyObject* o);

/* Augmented assignment (o1 op= o2): a new reference to the result, which is o1 itself when
 * o1's type updates in place. */
PyAPI_FUNC(PyObject*) PyNumber_InPlaceAdd(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceSubtract(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceMultiply(PyObject* o1, PyObject* o2);
#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 >= 0x03050000
PyAPI_FUNC(PyObject*) PyNumber_InPlaceMatrixMultiply(PyObject* o1, PyObject* o2);
#endif
PyAPI_FUNC(PyObject*) PyNumber_InPlaceFloorDivide(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceTrueDivide(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceRemainder(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlacePower(PyObject* o1, PyObject* o2, PyObject* o3);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceLshift(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceRshift(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceAnd(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceXor(PyObject* o1, PyObject* o2);
PyAPI_FUNC(PyObject*) PyNumber_InPlaceOr(PyObject* o1, PyObject* o2);

/* bin()/oct()/str()/hex() of PyNumber_Index(n) for base 2, 8, 10, 16 ("-0b101"); SystemError
 * for another base. */
PyAPI_FUNC(PyObject*) PyNumber_ToBase(PyObject* n, int base);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_ABSTRACT_NUMBER_H_ */
