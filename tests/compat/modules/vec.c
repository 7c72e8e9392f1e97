/* A numeric extension module in classic CPython style: a mutable 2D vector with every number
 * slot, as an author of an array type writes one (elementwise arithmetic, broadcasting int
 * and float scalars from either side, Py_NotImplemented for anything else).
 *
 *   vec.Vec(x=0.0, y=0.0)   every nb_ slot, the in-place ones updating the vector itself:
 *                           + - * / // % divmod() ** elementwise (a scalar operand, int or
 *                           float, on either side is broadcast); @ the dot product of two
 *                           Vecs; << >> scale by a power of two (an int on the right);
 *                           & | ^ the componentwise min, max and distance; -v, +v, ~v (the
 *                           perpendicular), abs(v) (the length); int(), float() and
 *                           __index__ only for a Vec on the x axis; truth raises for NaN.
 *                           v.copy() a new Vec of the same type.
 *   vec.SubVec(x, y)        a subclass (static type, tp_base = Vec) overriding nb_add only:
 *                           its sums are SubVecs, and its + wins over Vec's from either side.
 *   vec.Tally(n=0)          sequence slots only (sq_concat, sq_repeat, their in-place forms,
 *                           sq_length): the number protocol's fallbacks for + and *.
 *   vec.Bag(n=0)            mp_length only: truth through the mapping length.
 *   vec.Odd()               conversion slots that return the wrong types (nb_index gives a
 *                           float, nb_int a str, nb_float an int).
 */
#include <Python.h>
#include <math.h>
#include <string.h>

typedef struct {
  PyObject_HEAD
  double x, y;
} VecObject;

static PyTypeObject VecType;
static PyTypeObject SubVecType;

#define Vec_Check(op) PyObject_TypeCheck(op, &VecType)

static PyObject* vec_make(PyTypeObject* type, double x, double y) {
  VecObject* v = (VecObject*)type->tp_alloc(type, 0);
  if (v == NULL) return NULL;
  v->x = x;
  v->y = y;
  return (PyObject*)v;
}

static PyObject* Vec_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  double x = 0.0, y = 0.0;
  if (!PyArg_ParseTuple(args, "|dd:Vec", &x, &y)) return NULL;
  return vec_make(type, x, y);
}

static const char* short_name(PyObject* self) {
  const char* dot = strrchr(Py_TYPE(self)->tp_name, '.');
  return dot != NULL ? dot + 1 : Py_TYPE(self)->tp_name;
}

static PyObject* Vec_repr(PyObject* self) {
  VecObject* v = (VecObject*)self;
  PyObject* x = PyFloat_FromDouble(v->x);
  PyObject* y = PyFloat_FromDouble(v->y);
  PyObject* repr = NULL;
  if (x != NULL && y != NULL) repr = PyUnicode_FromFormat("%s(%R, %R)", short_name(self), x, y);
  Py_XDECREF(x);
  Py_XDECREF(y);
  return repr;
}

static PyObject* Vec_copy(PyObject* self, PyObject* unused) {
  VecObject* v = (VecObject*)self;
  return vec_make(Py_TYPE(self), v->x, v->y);
}

/* An operand as a pair of components: a Vec's, or a scalar's broadcast. 0 for other types. */
static int components(PyObject* o, double* x, double* y) {
  if (Vec_Check(o)) {
    *x = ((VecObject*)o)->x;
    *y = ((VecObject*)o)->y;
    return 1;
  }
  if (PyLong_Check(o) || PyFloat_Check(o)) {
    *x = *y = PyFloat_AsDouble(o);
    return 1;
  }
  return 0;
}

/* Both operands' components; 0 (return NotImplemented) unless one is a Vec and the other a
 * Vec or a scalar. Slots get the operands in the expression's order: either may be ours. */
static int operands(PyObject* a, PyObject* b, double c[4]) {
  if (!Vec_Check(a) && !Vec_Check(b)) return 0;
  return components(a, &c[0], &c[1]) && components(b, &c[2], &c[3]);
}

static PyObject* divide_by_zero(void) {
  PyErr_SetString(PyExc_ZeroDivisionError, "Vec division by zero");
  return NULL;
}

static double floor_div(double a, double b) { return floor(a / b); }
static double floor_mod(double a, double b) { return a - b * floor(a / b); }

#define VEC_ELEMENTWISE(name, fx, fy, zero_check)                       \
  static PyObject* Vec_##name(PyObject* a, PyObject* b) {               \
    double c[4];                                                        \
    if (!operands(a, b, c)) Py_RETURN_NOTIMPLEMENTED;                   \
    if ((zero_check) && (c[2] == 0.0 || c[3] == 0.0)) return divide_by_zero(); \
    return vec_make(&VecType, (fx), (fy));                              \
  }

VEC_ELEMENTWISE(add, c[0] + c[2], c[1] + c[3], 0)
VEC_ELEMENTWISE(subtract, c[0] - c[2], c[1] - c[3], 0)
VEC_ELEMENTWISE(multiply, c[0] * c[2], c[1] * c[3], 0)
VEC_ELEMENTWISE(true_divide, c[0] / c[2], c[1] / c[3], 1)
VEC_ELEMENTWISE(floor_divide, floor_div(c[0], c[2]), floor_div(c[1], c[3]), 1)
VEC_ELEMENTWISE(remainder, floor_mod(c[0], c[2]), floor_mod(c[1], c[3]), 1)
VEC_ELEMENTWISE(and, fmin(c[0], c[2]), fmin(c[1], c[3]), 0)
VEC_ELEMENTWISE(or, fmax(c[0], c[2]), fmax(c[1], c[3]), 0)
VEC_ELEMENTWISE(xor, fabs(c[0] - c[2]), fabs(c[1] - c[3]), 0)

static PyObject* Vec_divmod(PyObject* a, PyObject* b) {
  double c[4];
  if (!operands(a, b, c)) Py_RETURN_NOTIMPLEMENTED;
  if (c[2] == 0.0 || c[3] == 0.0) return divide_by_zero();
  PyObject* q = vec_make(&VecType, floor_div(c[0], c[2]), floor_div(c[1], c[3]));
  PyObject* r = vec_make(&VecType, floor_mod(c[0], c[2]), floor_mod(c[1], c[3]));
  PyObject* pair = (q != NULL && r != NULL) ? PyTuple_Pack(2, q, r) : NULL;
  Py_XDECREF(q);
  Py_XDECREF(r);
  return pair;
}

static PyObject* Vec_power(PyObject* a, PyObject* b, PyObject* mod) {
  double c[4];
  if (mod != Py_None || !operands(a, b, c)) Py_RETURN_NOTIMPLEMENTED;
  return vec_make(&VecType, pow(c[0], c[2]), pow(c[1], c[3]));
}

static PyObject* Vec_matrix_multiply(PyObject* a, PyObject* b) {
  if (!Vec_Check(a) || !Vec_Check(b)) Py_RETURN_NOTIMPLEMENTED;
  VecObject* u = (VecObject*)a;
  VecObject* v = (VecObject*)b;
  return PyFloat_FromDouble(u->x * v->x + u->y * v->y);
}

/* v << n and v >> n: v scaled by 2**n or 2**-n. */
static PyObject* shift(PyObject* a, PyObject* b, int direction) {
  if (!Vec_Check(a) || !PyLong_Check(b)) Py_RETURN_NOTIMPLEMENTED;
  long n = PyLong_AsLong(b);
  if (n == -1 && PyErr_Occurred()) return NULL;
  VecObject* v = (VecObject*)a;
  return vec_make(&VecType, ldexp(v->x, (int)(direction * n)), ldexp(v->y, (int)(direction * n)));
}
static PyObject* Vec_lshift(PyObject* a, PyObject* b) { return shift(a, b, 1); }
static PyObject* Vec_rshift(PyObject* a, PyObject* b) { return shift(a, b, -1); }

static PyObject* Vec_negative(PyObject* self) {
  VecObject* v = (VecObject*)self;
  return vec_make(&VecType, -v->x, -v->y);
}
static PyObject* Vec_positive(PyObject* self) {
  VecObject* v = (VecObject*)self;
  return vec_make(&VecType, v->x, v->y);
}
static PyObject* Vec_invert(PyObject* self) {
  VecObject* v = (VecObject*)self;
  return vec_make(&VecType, -v->y, v->x);
}
static PyObject* Vec_absolute(PyObject* self) {
  VecObject* v = (VecObject*)self;
  return PyFloat_FromDouble(hypot(v->x, v->y));
}

static int Vec_bool(PyObject* self) {
  VecObject* v = (VecObject*)self;
  if (isnan(v->x) || isnan(v->y)) {
    PyErr_SetString(PyExc_ValueError, "the truth value of a Vec with a NaN is ambiguous");
    return -1;
  }
  return v->x != 0.0 || v->y != 0.0;
}

/* The scalar a Vec on the x axis stands for. */
static int on_axis(PyObject* self, double* x) {
  VecObject* v = (VecObject*)self;
  if (v->y != 0.0) {
    PyErr_Format(PyExc_TypeError, "only a %s on the x axis converts to a scalar",
                 short_name(self));
    return 0;
  }
  *x = v->x;
  return 1;
}

static PyObject* Vec_int(PyObject* self) {
  double x;
  return on_axis(self, &x) ? PyLong_FromDouble(x) : NULL;
}

static PyObject* Vec_float(PyObject* self) {
  double x;
  return on_axis(self, &x) ? PyFloat_FromDouble(x) : NULL;
}

static PyObject* Vec_index(PyObject* self) {
  double x;
  if (!on_axis(self, &x)) return NULL;
  if (x != floor(x)) {
    PyErr_SetString(PyExc_TypeError, "a Vec with a fraction is not an index");
    return NULL;
  }
  return PyLong_FromDouble(x);
}

/* In-place forms: the binary operation, its Vec result stored into the left operand. */
static PyObject* update(PyObject* self, PyObject* result) {
  if (result == NULL || !Vec_Check(result) || !Vec_Check(self)) return result;
  ((VecObject*)self)->x = ((VecObject*)result)->x;
  ((VecObject*)self)->y = ((VecObject*)result)->y;
  Py_DECREF(result);
  Py_INCREF(self);
  return self;
}

#define VEC_INPLACE(name) \
  static PyObject* Vec_inplace_##name(PyObject* a, PyObject* b) { return update(a, Vec_##name(a, b)); }
VEC_INPLACE(add)
VEC_INPLACE(subtract)
VEC_INPLACE(multiply)
VEC_INPLACE(remainder)
VEC_INPLACE(lshift)
VEC_INPLACE(rshift)
VEC_INPLACE(and)
VEC_INPLACE(xor)
VEC_INPLACE(or)
VEC_INPLACE(floor_divide)
VEC_INPLACE(true_divide)
VEC_INPLACE(matrix_multiply)

static PyObject* Vec_inplace_power(PyObject* a, PyObject* b, PyObject* mod) {
  return update(a, Vec_power(a, b, mod));
}

static PyNumberMethods Vec_as_number = {
    Vec_add,
    Vec_subtract,
    Vec_multiply,
    Vec_remainder,
    Vec_divmod,
    Vec_power,
    Vec_negative,
    Vec_positive,
    Vec_absolute,
    Vec_bool,
    Vec_invert,
    Vec_lshift,
    Vec_rshift,
    Vec_and,
    Vec_xor,
    Vec_or,
    Vec_int,
    NULL, /* nb_reserved */
    Vec_float,
    Vec_inplace_add,
    Vec_inplace_subtract,
    Vec_inplace_multiply,
    Vec_inplace_remainder,
    Vec_inplace_power,
    Vec_inplace_lshift,
    Vec_inplace_rshift,
    Vec_inplace_and,
    Vec_inplace_xor,
    Vec_inplace_or,
    Vec_floor_divide,
    Vec_true_divide,
    Vec_inplace_floor_divide,
    Vec_inplace_true_divide,
    Vec_index,
    Vec_matrix_multiply,
    Vec_inplace_matrix_multiply,
};

static PyMethodDef Vec_methods[] = {
    {"copy", Vec_copy, METH_NOARGS, "A new vector of the same type."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject VecType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vec.Vec",
    .tp_basicsize = sizeof(VecObject),
    .tp_repr = Vec_repr,
    .tp_as_number = &Vec_as_number,
    .tp_getattro = PyObject_GenericGetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A mutable 2D vector.",
    .tp_methods = Vec_methods,
    .tp_new = Vec_new,
};

/* SubVec overrides + only: sums involving a SubVec are SubVecs. */
static PyObject* SubVec_add(PyObject* a, PyObject* b) {
  double c[4];
  if (!operands(a, b, c)) Py_RETURN_NOTIMPLEMENTED;
  return vec_make(&SubVecType, c[0] + c[2], c[1] + c[3]);
}

static PyNumberMethods SubVec_as_number = {
    .nb_add = SubVec_add,
};

static PyTypeObject SubVecType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vec.SubVec",
    .tp_basicsize = sizeof(VecObject),
    .tp_as_number = &SubVec_as_number,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A Vec whose sums are SubVecs.",
    .tp_base = &VecType,
};

/* Tally: a count with sequence slots only. */
typedef struct {
  PyObject_HEAD
  Py_ssize_t n;
} TallyObject;

static PyTypeObject TallyType;

static PyObject* tally_make(Py_ssize_t n) {
  TallyObject* t = PyObject_New(TallyObject, &TallyType);
  if (t != NULL) t->n = n;
  return (PyObject*)t;
}

static PyObject* Tally_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  Py_ssize_t n = 0;
  if (!PyArg_ParseTuple(args, "|n:Tally", &n)) return NULL;
  return tally_make(n);
}

static PyObject* Tally_repr(PyObject* self) {
  return PyUnicode_FromFormat("Tally(%zd)", ((TallyObject*)self)->n);
}

static Py_ssize_t Tally_length(PyObject* self) { return ((TallyObject*)self)->n; }

static PyObject* Tally_concat(PyObject* self, PyObject* other) {
  if (!PyObject_TypeCheck(other, &TallyType)) {
    PyErr_Format(PyExc_TypeError, "can only concatenate Tally (not \"%s\") to Tally",
                 Py_TYPE(other)->tp_name);
    return NULL;
  }
  return tally_make(((TallyObject*)self)->n + ((TallyObject*)other)->n);
}

static PyObject* Tally_repeat(PyObject* self, Py_ssize_t count) {
  return tally_make(((TallyObject*)self)->n * (count < 0 ? 0 : count));
}

static PyObject* Tally_inplace_concat(PyObject* self, PyObject* other) {
  PyObject* sum = Tally_concat(self, other);
  if (sum == NULL) return NULL;
  ((TallyObject*)self)->n = ((TallyObject*)sum)->n;
  Py_DECREF(sum);
  Py_INCREF(self);
  return self;
}

static PyObject* Tally_inplace_repeat(PyObject* self, Py_ssize_t count) {
  ((TallyObject*)self)->n *= count < 0 ? 0 : count;
  Py_INCREF(self);
  return self;
}

static PySequenceMethods Tally_as_sequence = {
    .sq_length = Tally_length,
    .sq_concat = Tally_concat,
    .sq_repeat = Tally_repeat,
    .sq_inplace_concat = Tally_inplace_concat,
    .sq_inplace_repeat = Tally_inplace_repeat,
};

static PyTypeObject TallyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vec.Tally",
    .tp_basicsize = sizeof(TallyObject),
    .tp_repr = Tally_repr,
    .tp_as_sequence = &Tally_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A count with sequence slots.",
    .tp_new = Tally_new,
};

/* Bag: a count with a mapping length only. */
static PyObject* Bag_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  Py_ssize_t n = 0;
  if (!PyArg_ParseTuple(args, "|n:Bag", &n)) return NULL;
  TallyObject* bag = (TallyObject*)type->tp_alloc(type, 0);
  if (bag != NULL) bag->n = n;
  return (PyObject*)bag;
}

static PyObject* Bag_repr(PyObject* self) {
  return PyUnicode_FromFormat("Bag(%zd)", ((TallyObject*)self)->n);
}

static PyMappingMethods Bag_as_mapping = {
    .mp_length = Tally_length,
};

static PyTypeObject BagType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vec.Bag",
    .tp_basicsize = sizeof(TallyObject),
    .tp_repr = Bag_repr,
    .tp_as_mapping = &Bag_as_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A count with a mapping length.",
    .tp_new = Bag_new,
};

/* Odd: conversion slots returning the wrong types. */
static PyObject* Odd_index(PyObject* self) { return PyFloat_FromDouble(1.5); }
static PyObject* Odd_int(PyObject* self) { return PyUnicode_FromString("one"); }
static PyObject* Odd_float(PyObject* self) { return PyLong_FromLong(1); }
static PyObject* Odd_repr(PyObject* self) { return PyUnicode_FromString("Odd()"); }

static PyNumberMethods Odd_as_number = {
    .nb_int = Odd_int,
    .nb_float = Odd_float,
    .nb_index = Odd_index,
};

static PyTypeObject OddType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "vec.Odd",
    .tp_basicsize = sizeof(PyObject),
    .tp_repr = Odd_repr,
    .tp_as_number = &Odd_as_number,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Conversions of the wrong types.",
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef vec_module = {
    PyModuleDef_HEAD_INIT, "vec", "A 2D vector type with every number slot.", -1, NULL,
};

static int add_type(PyObject* module, const char* name, PyTypeObject* type) {
  if (PyType_Ready(type) < 0) return -1;
  Py_INCREF(type);
  if (PyModule_AddObject(module, name, (PyObject*)type) < 0) {
    Py_DECREF(type);
    return -1;
  }
  return 0;
}

PyMODINIT_FUNC PyInit_vec(void) {
  PyObject* module = PyModule_Create(&vec_module);
  if (module == NULL) return NULL;
  if (add_type(module, "Vec", &VecType) < 0 || add_type(module, "SubVec", &SubVecType) < 0 ||
      add_type(module, "Tally", &TallyType) < 0 || add_type(module, "Bag", &BagType) < 0 ||
      add_type(module, "Odd", &OddType) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
