/* shapes: extension types written the classic CPython way — static PyTypeObjects with
 * PyMemberDef, PyGetSetDef and PyMethodDef tables, subclassing object, a type of the module,
 * list and dict, and a type with two bases.
 *
 *   Point      object subclass: members of many T_* kinds (read-only and writable), getsets
 *              (one validating its value and refusing deletion, one read-only), a __dict__
 *              (tp_dictoffset and PyObject_GenericGetDict/SetDict), methods (varargs,
 *              METH_O, METH_NOARGS, keywords), a METH_CLASS constructor, a METH_STATIC
 *              helper, a METH_COEXIST method, a docstring with a signature; GC.
 *   Point3D    Point subclass: inherits Point's slots (tp_new, tp_repr, GC, tp_dealloc), adds z.
 *   Bare       object subclass with no tp_new: cannot be instantiated.
 *   Plain      tp_new = PyType_GenericNew and nothing else.
 *   Strict     tp_new and tp_init that defer to object's (which refuse arguments).
 *   Mixin      a second base for Mixed (tp_bases = (Point, Mixin)).
 *   Stack      list subclass with a counter member and methods; tp_init chains to list's.
 *   Registry   dict subclass with a T_OBJECT member and a method.
 * mro_error: what PyType_Ready said to a type whose bases cannot be linearised.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "structmember.h"

#include <stddef.h>

/* ---- Point ----------------------------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  double x;
  double y;
  int id;
  char visible;
  PyObject* label;
  PyObject* tag;
  char* kind;
  char code;
  short small;
  unsigned int count;
  long long big;
  Py_ssize_t size;
  unsigned char byte;
  float ratio;
  char inplace[8];
  PyObject* name;
  PyObject* dict;
} PointObject;

static PyTypeObject PointType;

static PyObject* Point_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  PointObject* self = (PointObject*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->id = 7;
  self->visible = 1;
  self->kind = "point";
  self->code = 'p';
  self->ratio = 0.25f;
  strcpy(self->inplace, "inl");
  self->name = PyUnicode_FromString("unnamed");
  if (self->name == NULL) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject*)self;
}

static int Point_init(PointObject* self, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"x", "y", NULL};
  double x = 0.0, y = 0.0;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|dd:Point", kwlist, &x, &y)) return -1;
  self->x = x;
  self->y = y;
  return 0;
}

static int Point_traverse(PointObject* self, visitproc visit, void* arg) {
  Py_VISIT(self->label);
  Py_VISIT(self->tag);
  Py_VISIT(self->name);
  Py_VISIT(self->dict);
  return 0;
}

static int Point_clear(PointObject* self) {
  Py_CLEAR(self->label);
  Py_CLEAR(self->tag);
  Py_CLEAR(self->name);
  Py_CLEAR(self->dict);
  return 0;
}

static void Point_dealloc(PointObject* self) {
  PyObject_GC_UnTrack(self);
  Point_clear(self);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* Point_repr(PointObject* self) {
  PyObject* x = PyFloat_FromDouble(self->x);
  PyObject* y = PyFloat_FromDouble(self->y);
  PyObject* repr = NULL;
  if (x != NULL && y != NULL) {
    repr = PyUnicode_FromFormat("%s(%R, %R)", Py_TYPE(self)->tp_name, x, y);
  }
  Py_XDECREF(x);
  Py_XDECREF(y);
  return repr;
}

static PyObject* Point_get_norm2(PointObject* self, void* closure) {
  return PyFloat_FromDouble(self->x * self->x + self->y * self->y);
}

static PyObject* Point_get_name(PointObject* self, void* closure) {
  return Py_NewRef(self->name);
}

static int Point_set_name(PointObject* self, PyObject* value, void* closure) {
  if (value == NULL) {
    PyErr_SetString(PyExc_TypeError, "cannot delete the name attribute");
    return -1;
  }
  if (!PyUnicode_Check(value)) {
    PyErr_Format(PyExc_TypeError, "name must be a str, not %.100s", Py_TYPE(value)->tp_name);
    return -1;
  }
  Py_SETREF(self->name, Py_NewRef(value));
  return 0;
}

static PyObject* Point_move(PointObject* self, PyObject* args) {
  double dx, dy;
  if (!PyArg_ParseTuple(args, "dd:move", &dx, &dy)) return NULL;
  self->x += dx;
  self->y += dy;
  return Py_NewRef(self);
}

static PyObject* Point_scale(PointObject* self, PyObject* factor) {
  double f = PyFloat_AsDouble(factor);
  if (f == -1.0 && PyErr_Occurred()) return NULL;
  self->x *= f;
  self->y *= f;
  Py_RETURN_NONE;
}

static PyObject* Point_reset(PointObject* self, PyObject* Py_UNUSED(ignored)) {
  self->x = 0.0;
  self->y = 0.0;
  Py_RETURN_NONE;
}

static PyObject* Point_describe(PointObject* self, PyObject* args, PyObject* kwds) {
  static char* kwlist[] = {"prefix", NULL};
  const char* prefix = "point";
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|s:describe", kwlist, &prefix)) return NULL;
  return PyUnicode_FromFormat("%s %U of %s", prefix, self->name, Py_TYPE(self)->tp_name);
}

/* METH_CLASS: cls is the class it was looked up on (Point3D.origin() makes a Point3D). */
static PyObject* Point_origin(PyObject* cls, PyObject* Py_UNUSED(ignored)) {
  return PyObject_CallNoArgs(cls);
}

/* METH_STATIC: no self. */
static PyObject* Point_distance(PyObject* self, PyObject* args) {
  PyObject *a, *b;
  if (self != NULL) {
    PyErr_SetString(PyExc_SystemError, "a static method received a self");
    return NULL;
  }
  if (!PyArg_ParseTuple(args, "O!O!:distance", &PointType, &a, &PointType, &b)) return NULL;
  double dx = ((PointObject*)a)->x - ((PointObject*)b)->x;
  double dy = ((PointObject*)a)->y - ((PointObject*)b)->y;
  return PyFloat_FromDouble(dx * dx + dy * dy);
}

/* METH_COEXIST: replaces what the name would otherwise be bound to (here the member x). */
static PyObject* Point_kind_method(PointObject* self, PyObject* Py_UNUSED(ignored)) {
  return PyUnicode_FromString("coexisting method");
}

static PyMemberDef Point_members[] = {
    {"x", T_DOUBLE, offsetof(PointObject, x), 0, "x coordinate"},
    {"y", T_DOUBLE, offsetof(PointObject, y), 0, "y coordinate"},
    {"id", T_INT, offsetof(PointObject, id), READONLY, "identifier"},
    {"visible", T_BOOL, offsetof(PointObject, visible), 0, NULL},
    {"label", T_OBJECT, offsetof(PointObject, label), 0, NULL},
    {"tag", T_OBJECT_EX, offsetof(PointObject, tag), 0, NULL},
    {"kind", T_STRING, offsetof(PointObject, kind), 0, NULL},
    {"code", T_CHAR, offsetof(PointObject, code), 0, NULL},
    {"small", T_SHORT, offsetof(PointObject, small), 0, NULL},
    {"count", T_UINT, offsetof(PointObject, count), 0, NULL},
    {"big", T_LONGLONG, offsetof(PointObject, big), 0, NULL},
    {"size", T_PYSSIZET, offsetof(PointObject, size), 0, NULL},
    {"byte", T_UBYTE, offsetof(PointObject, byte), 0, NULL},
    {"ratio", T_FLOAT, offsetof(PointObject, ratio), 0, NULL},
    {"inplace", T_STRING_INPLACE, offsetof(PointObject, inplace), 0, NULL},
    {"nothing", T_NONE, 0, 0, NULL},
    {"kindly", T_STRING, offsetof(PointObject, kind), READONLY, NULL},
    {NULL},
};

static PyGetSetDef Point_getset[] = {
    {"norm2", (getter)Point_get_norm2, NULL, "x*x + y*y", NULL},
    {"name", (getter)Point_get_name, (setter)Point_set_name, "the point's name", NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

PyDoc_STRVAR(Point_move_doc, "move(dx, dy)\n--\n\nMoves the point.");

static PyMethodDef Point_methods[] = {
    {"move", (PyCFunction)Point_move, METH_VARARGS, Point_move_doc},
    {"scale", (PyCFunction)Point_scale, METH_O, "Scales the point."},
    {"reset", (PyCFunction)Point_reset, METH_NOARGS, NULL},
    {"describe", (PyCFunction)(void (*)(void))Point_describe, METH_VARARGS | METH_KEYWORDS, NULL},
    {"origin", (PyCFunction)Point_origin, METH_CLASS | METH_NOARGS, "A point at the origin."},
    {"distance", (PyCFunction)Point_distance, METH_STATIC | METH_VARARGS, NULL},
    {"kind", (PyCFunction)Point_kind_method, METH_NOARGS, NULL},
    {"x", (PyCFunction)Point_kind_method, METH_NOARGS | METH_COEXIST, NULL},
    {NULL},
};

PyDoc_STRVAR(Point_doc, "Point(x=0.0, y=0.0)\n--\n\nA point in the plane.");

static PyTypeObject PointType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Point",
    .tp_basicsize = sizeof(PointObject),
    .tp_dealloc = (destructor)Point_dealloc,
    .tp_repr = (reprfunc)Point_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = Point_doc,
    .tp_traverse = (traverseproc)Point_traverse,
    .tp_clear = (inquiry)Point_clear,
    .tp_methods = Point_methods,
    .tp_members = Point_members,
    .tp_getset = Point_getset,
    .tp_dictoffset = offsetof(PointObject, dict),
    .tp_init = (initproc)Point_init,
    .tp_new = Point_new,
};

/* ---- Point3D: a second-level subclass ------------------------------------------------- */

typedef struct {
  PointObject point;
  double z;
} Point3DObject;

static int Point3D_init(Point3DObject* self, PyObject* args, PyObject* kwds) {
  double x = 0.0, y = 0.0, z = 0.0;
  if (!PyArg_ParseTuple(args, "|ddd:Point3D", &x, &y, &z)) return -1;
  PyObject* base_args = Py_BuildValue("(dd)", x, y);
  if (base_args == NULL) return -1;
  int result = PointType.tp_init((PyObject*)self, base_args, NULL);
  Py_DECREF(base_args);
  self->z = z;
  return result;
}

static PyObject* Point3D_get_norm2(Point3DObject* self, void* closure) {
  return PyFloat_FromDouble(self->point.x * self->point.x + self->point.y * self->point.y +
                            self->z * self->z);
}

static PyObject* Point3D_lift(Point3DObject* self, PyObject* dz) {
  double d = PyFloat_AsDouble(dz);
  if (d == -1.0 && PyErr_Occurred()) return NULL;
  self->z += d;
  return PyFloat_FromDouble(self->z);
}

static PyMemberDef Point3D_members[] = {
    {"z", T_DOUBLE, offsetof(Point3DObject, z), 0, "z coordinate"},
    {NULL},
};

static PyGetSetDef Point3D_getset[] = {
    {"norm2", (getter)Point3D_get_norm2, NULL, "x*x + y*y + z*z", NULL},
    {NULL},
};

static PyMethodDef Point3D_methods[] = {
    {"lift", (PyCFunction)Point3D_lift, METH_O, NULL},
    {NULL},
};

static PyTypeObject Point3DType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Point3D",
    .tp_basicsize = sizeof(Point3DObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A point in space.",
    .tp_methods = Point3D_methods,
    .tp_members = Point3D_members,
    .tp_getset = Point3D_getset,
    .tp_base = &PointType,
    .tp_init = (initproc)Point3D_init,
};

/* ---- Bare, Plain, Strict ----------------------------------------------------------------- */

static PyTypeObject BareType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Bare",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

static PyTypeObject PlainType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Plain",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
};

static PyObject* Strict_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  return PyBaseObject_Type.tp_new(type, args, kwds);
}

static int Strict_init(PyObject* self, PyObject* args, PyObject* kwds) {
  return PyBaseObject_Type.tp_init(self, args, kwds);
}

static PyTypeObject StrictType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Strict",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_init = Strict_init,
    .tp_new = Strict_new,
};

/* ---- Mixin and Mixed: two bases ------------------------------------------------------------ */

static PyObject* Mixin_hello(PyObject* self, PyObject* Py_UNUSED(ignored)) {
  return PyUnicode_FromFormat("hello from %s", Py_TYPE(self)->tp_name);
}

static PyMethodDef Mixin_methods[] = {
    {"hello", Mixin_hello, METH_NOARGS, NULL},
    {NULL},
};

static PyTypeObject MixinType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Mixin",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_methods = Mixin_methods,
    .tp_new = PyType_GenericNew,
};

static PyTypeObject MixedType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Mixed",
    .tp_basicsize = sizeof(PointObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_base = &PointType,
};

/* A type whose bases (Point3D, Point) put Point first and last: no consistent MRO. */
static PyTypeObject TangledType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Tangled",
    .tp_basicsize = sizeof(Point3DObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_base = &PointType,
};

/* ---- Stack: a list subclass ---------------------------------------------------------------- */

typedef struct {
  PyListObject list;
  int pushes;
} StackObject;

static int Stack_init(StackObject* self, PyObject* args, PyObject* kwds) {
  if (PyList_Type.tp_init((PyObject*)self, args, kwds) < 0) return -1;
  self->pushes = 0;
  return 0;
}

static PyObject* Stack_push(StackObject* self, PyObject* item) {
  if (PyList_Append((PyObject*)self, item) < 0) return NULL;
  self->pushes++;
  Py_RETURN_NONE;
}

static PyObject* Stack_peek(StackObject* self, PyObject* Py_UNUSED(ignored)) {
  Py_ssize_t n = PyList_GET_SIZE(self);
  if (n == 0) {
    PyErr_SetString(PyExc_IndexError, "peek at an empty stack");
    return NULL;
  }
  return Py_NewRef(PyList_GET_ITEM(self, n - 1));
}

static PyMemberDef Stack_members[] = {
    {"pushes", T_INT, offsetof(StackObject, pushes), READONLY, "pushes so far"},
    {NULL},
};

static PyMethodDef Stack_methods[] = {
    {"push", (PyCFunction)Stack_push, METH_O, NULL},
    {"peek", (PyCFunction)Stack_peek, METH_NOARGS, NULL},
    {NULL},
};

static PyTypeObject StackType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Stack",
    .tp_basicsize = sizeof(StackObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A list that counts its pushes.",
    .tp_methods = Stack_methods,
    .tp_members = Stack_members,
    .tp_init = (initproc)Stack_init,
};

/* ---- Registry: a dict subclass ------------------------------------------------------------- */

typedef struct {
  PyDictObject dict;
  PyObject* fallback;
} RegistryObject;

static int Registry_traverse(RegistryObject* self, visitproc visit, void* arg) {
  Py_VISIT(self->fallback);
  return PyDict_Type.tp_traverse((PyObject*)self, visit, arg);
}

static int Registry_clear(RegistryObject* self) {
  Py_CLEAR(self->fallback);
  return PyDict_Type.tp_clear != NULL ? PyDict_Type.tp_clear((PyObject*)self) : 0;
}

static void Registry_dealloc(RegistryObject* self) {
  Py_CLEAR(self->fallback);
  PyDict_Type.tp_dealloc((PyObject*)self);
}

static PyObject* Registry_lookup(RegistryObject* self, PyObject* key) {
  PyObject* value = PyDict_GetItemWithError((PyObject*)self, key);
  if (value != NULL) return Py_NewRef(value);
  if (PyErr_Occurred()) return NULL;
  return Py_NewRef(self->fallback != NULL ? self->fallback : Py_None);
}

static PyMemberDef Registry_members[] = {
    {"fallback", T_OBJECT, offsetof(RegistryObject, fallback), 0, NULL},
    {NULL},
};

static PyMethodDef Registry_methods[] = {
    {"lookup", (PyCFunction)Registry_lookup, METH_O, NULL},
    {NULL},
};

static PyTypeObject RegistryType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "shapes.Registry",
    .tp_basicsize = sizeof(RegistryObject),
    .tp_dealloc = (destructor)Registry_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)Registry_traverse,
    .tp_clear = (inquiry)Registry_clear,
    .tp_methods = Registry_methods,
    .tp_members = Registry_members,
};

/* ---- The module ------------------------------------------------------------------------------- */

static PyObject* shapes_helper(PyObject* module, PyObject* arg) {
  return Py_NewRef(arg);
}

static PyMethodDef shapes_functions[] = {
    {"helper", shapes_helper, METH_O, "Returns its argument."},
    {NULL},
};

static struct PyModuleDef shapes_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "shapes",
    .m_doc = "Extension types with members, getsets, methods and builtin bases.",
    .m_size = -1,
    .m_methods = shapes_functions,
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

PyMODINIT_FUNC PyInit_shapes(void) {
  StackType.tp_base = &PyList_Type;
  RegistryType.tp_base = &PyDict_Type;
  MixedType.tp_bases = PyTuple_Pack(2, (PyObject*)&PointType, (PyObject*)&MixinType);
  if (MixedType.tp_bases == NULL) return NULL;
  PyObject* module = PyModule_Create(&shapes_module);
  if (module == NULL) return NULL;
  if (add_type(module, "Point", &PointType) < 0 || add_type(module, "Point3D", &Point3DType) < 0 ||
      add_type(module, "Bare", &BareType) < 0 || add_type(module, "Plain", &PlainType) < 0 ||
      add_type(module, "Strict", &StrictType) < 0 || add_type(module, "Mixin", &MixinType) < 0 ||
      add_type(module, "Mixed", &MixedType) < 0 || add_type(module, "Stack", &StackType) < 0 ||
      add_type(module, "Registry", &RegistryType) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  /* A class attribute added after PyType_Ready, as extension modules add constants. */
  PyObject* dimensions = PyLong_FromLong(2);
  if (dimensions == NULL || PyDict_SetItemString(PointType.tp_dict, "DIMENSIONS", dimensions) < 0) {
    Py_XDECREF(dimensions);
    Py_DECREF(module);
    return NULL;
  }
  Py_DECREF(dimensions);
  PyType_Modified(&PointType);
  /* Tangled's bases cannot be linearised: PyType_Ready says why, and the module keeps it. */
  if (PyType_Ready(&Point3DType) < 0) return NULL;
  TangledType.tp_bases = PyTuple_Pack(2, (PyObject*)&PointType, (PyObject*)&Point3DType);
  if (TangledType.tp_bases == NULL || PyType_Ready(&TangledType) == 0) {
    Py_DECREF(module);
    return NULL;
  }
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject* message = PyUnicode_FromFormat("%s: %S", ((PyTypeObject*)type)->tp_name, value);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  if (message == NULL || PyModule_AddObject(module, "mro_error", message) < 0) {
    Py_XDECREF(message);
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
