// Internals of the number protocol shared by the runtime's files (not part of the C API):
// the binary-operator dispatch (number.cc), for the sequence protocol's fallbacks to
// nb_add/nb_multiply (CPython's PySequence_Concat/Repeat/InPlace* use binary_op1), and the
// numeric types' text helpers number.cc calls (long_arith.cc, float_arith.cc).
//
// Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_NUMBER_H_
#define PINION_COMPAT_RUNTIME_NUMBER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "Python.h"

namespace pinion::compat {

// The offset of a binary slot in PyNumberMethods, e.g. PINION_NB_SLOT(nb_add).
#define PINION_NB_SLOT(field) offsetof(PyNumberMethods, field)

// CPython's binary_op1: the left operand's slot at `slot`, the right one's (first when its
// type is a proper subtype of the left's). A new reference: the result, or Py_NotImplemented
// when neither operand handles the pair; nullptr with an exception set. (number.cc)
PyObject* NumberBinaryOp1(PyObject* v, PyObject* w, size_t slot);
// CPython's binary_iop1: the left operand's in-place slot at `islot`, then
// NumberBinaryOp1(v, w, slot). (number.cc)
PyObject* NumberInPlaceOp1(PyObject* v, PyObject* w, size_t islot, size_t slot);

// CPython 3.11.4+'s int max str digits (sys.int_info.default_max_str_digits) and the size
// below which it is not checked (str_digits_check_threshold). Pinion's limit is fixed.
inline constexpr int kLongMaxStrDigits = 4300;
inline constexpr int kLongStrDigitsCheckThreshold = 640;

// int(text, base) for the literal in text[0, size), by CPython's rules (whitespace around
// it, a sign, a 0x/0o/0b prefix for base 0 or the matching base, single underscores between
// digits; base 0 or 2..36): a new int of any size, or nullptr with ValueError "invalid
// literal for int() with base 10: <repr of `original`, or of the text when it is null>" (the
// base read from a prefix for C text, the base given for an `original` object), or
// the limit's ValueError for more than kLongMaxStrDigits digits in a base that is not a
// power of two. *stop (if not null) is where parsing stopped. (long_text.cc)
PyObject* LongFromText(const char* text, size_t size, int base, PyObject* original,
                       const char** stop);
// float(text) for a float literal (whitespace around it, a sign, underscores between
// digits, inf/infinity/nan in any case): a new float, or nullptr with ValueError "could not
// convert string to float: <repr of `original`>". (float_arith.cc)
PyObject* FloatFromText(const char* text, size_t size, PyObject* original);
// The int `v` as Python writes it in base 2, 8, 10 or 16, with the 0b/0o/0x prefix if
// `prefix` ("-0b101", "0o17", "-12", "0xff"): a new str; base 10 raises the limit's
// ValueError beyond kLongMaxStrDigits digits. (long_text.cc)
PyObject* LongToText(PyObject* v, int base, bool prefix);
// The digits of |v| in `base` (2..36, lower case) in *digits; false with the limit's
// ValueError for base 10 beyond kLongMaxStrDigits digits. (long_text.cc)
bool LongDigitsText(PyObject* v, int base, std::string* digits);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_NUMBER_H_
