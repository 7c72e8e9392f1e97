/* Drives tests/compat/modules/shapes.c: attribute reads, writes and deletes on its types and
 * instances through the C API (descriptors, instance dicts, type attributes), calls of
 * methods, class and static methods, subtype checks, and the list and dict behaviour of the
 * list and dict subclasses. Each line is one operation and what it gave. Nothing printed
 * depends on addresses or reference counts. */
#include "diff_support.h"
#include "structmember.h"

PyMODINIT_FUNC PyInit_shapes(void);

/* None, or NULL with the exception set, for an int status: what show() prints. */
static PyObject* status(int rc) { return rc < 0 ? NULL : Py_NewRef(Py_None); }

static void get(const char* label, PyObject* o, const char* name) {
  char text[160];
  snprintf(text, sizeof(text), "%s.%s", label, name);
  show(text, PyObject_GetAttrString(o, name));
}

/* Steals value (NULL deletes). */
static void set(const char* label, PyObject* o, const char* name, PyObject* value) {
  char text[160];
  snprintf(text, sizeof(text), value != NULL ? "%s.%s = ..." : "del %s.%s", label, name);
  show(text, status(PyObject_SetAttrString(o, name, value)));
  Py_XDECREF(value);
}

/* o.name(*args) with args a Py_BuildValue tuple (NULL: none), kwargs a dict or NULL. */
static void call_method(const char* label, PyObject* o, const char* name, PyObject* args,
                        PyObject* kwargs) {
  char text[160];
  snprintf(text, sizeof(text), "%s.%s(...)", label, name);
  PyObject* method = PyObject_GetAttrString(o, name);
  if (method == NULL) {
    show(text, NULL);
  } else {
    if (args == NULL) args = PyTuple_New(0);
    show(text, PyObject_Call(method, args, kwargs));
    Py_DECREF(method);
  }
  Py_XDECREF(args);
  Py_XDECREF(kwargs);
}

/* type(*args, **kwargs): a new reference or NULL. */
static PyObject* make(PyObject* type, PyObject* args, PyObject* kwargs) {
  if (args == NULL) args = PyTuple_New(0);
  PyObject* result = PyObject_Call(type, args, kwargs);
  Py_DECREF(args);
  Py_XDECREF(kwargs);
  return result;
}

/* Only the type of the exception: CPython's PyErr_BadInternalCall names its source file. */
static void show_error_type(const char* label, PyObject* o) {
  if (o != NULL) {
    show(label, o);
    return;
  }
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  out("%s: raised %s\n", label, type != NULL ? ((PyTypeObject*)type)->tp_name : "nothing");
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
}

static void show_type_of(const char* label, PyObject* o) {
  if (o == NULL) {
    show(label, NULL);
    return;
  }
  out("%s: type %s\n", label, Py_TYPE(o)->tp_name);
  Py_DECREF(o);
}

static void show_dict_entry(const char* label, PyObject* type, const char* name) {
  PyObject* dict = ((PyTypeObject*)type)->tp_dict;
  PyObject* entry = PyDict_GetItemString(dict, name);
  if (entry == NULL) {
    out("%s.__dict__[%s]: missing\n", label, name);
    return;
  }
  out("%s.__dict__[%s]: a %s\n", label, name, Py_TYPE(entry)->tp_name);
  if (Py_TYPE(entry) != &PyStaticMethod_Type && !PyUnicode_Check(entry)) {
    char text[160];
    snprintf(text, sizeof(text), "  repr");
    show(text, PyObject_Repr(entry));
    get("  descr", entry, "__name__");
    get("  descr", entry, "__qualname__");
    get("  descr", entry, "__objclass__");
    get("  descr", entry, "__doc__");
    out("  data descriptor: %d\n", PyDescr_IsData(entry));
  }
}

static void drive_type_attributes(PyObject* Point, PyObject* Point3D) {
  show("repr(Point)", PyObject_Repr(Point));
  show("repr(Point3D)", PyObject_Repr(Point3D));
  get("Point", Point, "__name__");
  get("Point", Point, "__qualname__");
  get("Point", Point, "__module__");
  get("Point", Point, "__doc__");
  get("Point3D", Point3D, "__doc__");
  get("Point", Point, "__mro__");
  get("Point3D", Point3D, "__mro__");
  get("Point3D", Point3D, "__bases__");
  get("Point3D", Point3D, "__base__");
  get("Point", Point, "__class__");
  get("Point", Point, "__dictoffset__");
  get("Point", Point, "missing");
  show("repr(type)", PyObject_Repr((PyObject*)&PyType_Type));
  show("repr(object)", PyObject_Repr((PyObject*)&PyBaseObject_Type));
  get("object", (PyObject*)&PyBaseObject_Type, "__module__");
  get("object", (PyObject*)&PyBaseObject_Type, "__base__");
  get("list", (PyObject*)&PyList_Type, "__mro__");
  /* Descriptors as the type's dict holds them, and as reading them off the type gives them. */
  show_dict_entry("Point", Point, "x");
  show_dict_entry("Point", Point, "id");
  show_dict_entry("Point", Point, "move");
  show_dict_entry("Point", Point, "scale");
  show_dict_entry("Point", Point, "origin");
  show_dict_entry("Point", Point, "distance");
  show_dict_entry("Point", Point, "norm2");
  show_dict_entry("Point", Point, "name");
  show_dict_entry("Point", Point, "kind");
  show_dict_entry("Point", Point, "__doc__");
  show_dict_entry("Point", Point, "lift");
  show_dict_entry("Point3D", Point3D, "norm2");
  show_dict_entry("Point3D", Point3D, "x");
  get("Point", Point, "y");
  get("Point", Point, "move");
  get("Point", Point, "norm2");
  show_type_of("Point.origin", PyObject_GetAttrString(Point, "origin"));
  show_type_of("Point.distance", PyObject_GetAttrString(Point, "distance"));
  /* x is the METH_COEXIST method: it replaced the member. */
  show_type_of("Point.x", PyObject_GetAttrString(Point, "x"));
  /* Static types are immutable. */
  set("Point", Point, "y", PyLong_FromLong(1));
  set("Point", Point, "brand_new", PyLong_FromLong(1));
  set("Point", Point, "move", NULL);
  {
    PyObject* name = PyUnicode_FromString("y");
    PyObject* found = _PyType_Lookup((PyTypeObject*)Point3D, name);
    show("_PyType_Lookup(Point3D, 'y')", found != NULL ? PyObject_Repr(found) : NULL);
    Py_DECREF(name);
    name = PyUnicode_FromString("nowhere");
    found = _PyType_Lookup((PyTypeObject*)Point3D, name);
    out("_PyType_Lookup(Point3D, 'nowhere'): %s, error set: %d\n", found == NULL ? "NULL" : "?",
        PyErr_Occurred() != NULL);
    Py_DECREF(name);
  }
  PyType_Modified((PyTypeObject*)Point);
  out("PyType_Modified(Point): done\n");
  PyType_ClearCache();
  out("PyType_CheckExact(Point): %d, of type: %d, of 1: %d\n", PyType_CheckExact(Point),
      PyType_CheckExact((PyObject*)&PyType_Type), PyType_CheckExact(Py_None));
  out("PyType_Check(Point): %d, of None: %d\n", PyType_Check(Point), PyType_Check(Py_None));
  get("Point", Point, "DIMENSIONS");
  get("Point3D", Point3D, "DIMENSIONS");
}

static void drive_members(PyObject* p) {
  /* x and kind are methods (bound: their repr has an address). */
  show_type_of("p.x", PyObject_GetAttrString(p, "x"));
  show_type_of("p.kind", PyObject_GetAttrString(p, "kind"));
  static const char* const names[] = {"y", "id", "visible", "label", "tag",
                                      "kindly", "code", "small", "count", "big", "size",
                                      "byte", "ratio", "inplace", "nothing", NULL};
  for (int i = 0; names[i] != NULL; ++i) get("p", p, names[i]);
  set("p", p, "y", PyFloat_FromDouble(-2.5));
  set("p", p, "y", PyLong_FromLong(3));
  set("p", p, "y", PyUnicode_FromString("three"));
  get("p", p, "y");
  set("p", p, "y", NULL);
  set("p", p, "id", PyLong_FromLong(8));
  set("p", p, "id", NULL);
  set("p", p, "visible", Py_NewRef(Py_False));
  get("p", p, "visible");
  set("p", p, "visible", PyLong_FromLong(1));
  set("p", p, "label", PyUnicode_FromString("a label"));
  get("p", p, "label");
  set("p", p, "label", NULL);
  get("p", p, "label");
  set("p", p, "tag", NULL);
  set("p", p, "tag", PyLong_FromLong(42));
  get("p", p, "tag");
  set("p", p, "tag", NULL);
  get("p", p, "tag");
  set("p", p, "kind", PyUnicode_FromString("other"));
  set("p", p, "kindly", PyUnicode_FromString("other"));
  set("p", p, "inplace", PyUnicode_FromString("other"));
  set("p", p, "code", PyUnicode_FromString("q"));
  get("p", p, "code");
  set("p", p, "code", PyUnicode_FromString("qq"));
  set("p", p, "code", PyLong_FromLong(1));
  set("p", p, "small", PyLong_FromLong(-300));
  get("p", p, "small");
  set("p", p, "small", PyUnicode_FromString("7"));
  set("p", p, "count", PyLong_FromUnsignedLong(4000000000UL));
  get("p", p, "count");
  set("p", p, "big", PyLong_FromLongLong(-1099511627776LL));
  get("p", p, "big");
  set("p", p, "big", PyUnicode_FromString("big"));
  set("p", p, "size", PyLong_FromSsize_t(123456789));
  get("p", p, "size");
  set("p", p, "byte", PyLong_FromLong(200));
  get("p", p, "byte");
  set("p", p, "ratio", PyFloat_FromDouble(1.5));
  get("p", p, "ratio");
  set("p", p, "ratio", PyLong_FromLong(2));
  get("p", p, "ratio");
  set("p", p, "ratio", NULL);
  set("p", p, "nothing", PyLong_FromLong(1));
}

static void drive_getsets_and_dict(PyObject* p) {
  get("p", p, "norm2");
  set("p", p, "norm2", PyFloat_FromDouble(1.0));
  set("p", p, "norm2", NULL);
  get("p", p, "name");
  set("p", p, "name", PyUnicode_FromString("P"));
  get("p", p, "name");
  set("p", p, "name", PyLong_FromLong(5));
  set("p", p, "name", NULL);
  /* The instance dict. */
  get("p", p, "__dict__");
  get("p", p, "color");
  set("p", p, "color", PyUnicode_FromString("red"));
  get("p", p, "color");
  get("p", p, "__dict__");
  set("p", p, "color", NULL);
  set("p", p, "color", NULL);
  set("p", p, "__dict__", PyLong_FromLong(1));
  set("p", p, "__dict__", Py_BuildValue("{s:i}", "shade", 3));
  get("p", p, "shade");
  set("p", p, "__dict__", NULL);
  get("p", p, "__class__");
  get("p", p, "__doc__");
  set("p", p, "__class__", PyLong_FromLong(1));
  {
    PyObject* name = PyLong_FromLong(1);
    show("getattr(p, 1)", PyObject_GetAttr(p, name));
    show("setattr(p, 1, 1)", status(PyObject_SetAttr(p, name, name)));
    show("GenericGetAttr(p, 1)", PyObject_GenericGetAttr(p, name));
    show("GenericSetAttr(p, 1, 1)", status(PyObject_GenericSetAttr(p, name, name)));
    Py_DECREF(name);
    name = PyUnicode_FromString("y");
    show("GenericGetAttr(p, 'y')", PyObject_GenericGetAttr(p, name));
    Py_DECREF(name);
  }
}

static void drive_methods(PyObject* Point, PyObject* Point3D, PyObject* p) {
  call_method("p", p, "move", Py_BuildValue("(dd)", 1.0, 0.5), NULL);
  call_method("p", p, "move", Py_BuildValue("(d)", 1.0), NULL);
  call_method("p", p, "scale", Py_BuildValue("(i)", 2), NULL);
  call_method("p", p, "scale", Py_BuildValue("(s)", "x"), NULL);
  call_method("p", p, "describe", NULL, NULL);
  call_method("p", p, "describe", NULL, Py_BuildValue("{s:s}", "prefix", "the"));
  call_method("p", p, "reset", NULL, NULL);
  call_method("p", p, "kind", NULL, NULL);
  call_method("p", p, "x", NULL, NULL);
  show("repr(p)", PyObject_Repr(p));
  /* Through the method descriptor: Point.move(p, ...). */
  call_method("Point", Point, "move", Py_BuildValue("(Odd)", p, 2.0, 2.0), NULL);
  call_method("Point", Point, "move", NULL, NULL);
  call_method("Point", Point, "move", Py_BuildValue("(idd)", 1, 2.0, 2.0), NULL);
  call_method("Point", Point, "reset", Py_BuildValue("(Oi)", p, 1), NULL);
  call_method("Point", Point, "scale", Py_BuildValue("(O)", p), NULL);
  call_method("Point", Point, "scale", Py_BuildValue("(Oi)", p, 3), NULL);
  call_method("Point", Point, "reset", Py_BuildValue("(O)", p), Py_BuildValue("{s:i}", "k", 1));
  /* Class and static methods, from the type, a subtype and an instance. */
  call_method("Point", Point, "origin", NULL, NULL);
  call_method("Point3D", Point3D, "origin", NULL, NULL);
  call_method("p", p, "origin", NULL, NULL);
  {
    PyObject* q = make(Point, Py_BuildValue("(dd)", 3.0, 4.0), NULL);
    call_method("Point", Point, "distance", Py_BuildValue("(OO)", p, q), NULL);
    call_method("p", p, "distance", Py_BuildValue("(OO)", q, q), NULL);
    call_method("Point", Point, "distance", Py_BuildValue("(Oi)", p, 1), NULL);
    Py_DECREF(q);
  }
  {
    PyObject* descr = PyDict_GetItemString(((PyTypeObject*)Point)->tp_dict, "origin");
    PyObject* args = Py_BuildValue("(O)", Point3D);
    show("origin_descriptor(Point3D)", PyObject_Call(descr, args, NULL));
    Py_DECREF(args);
    args = Py_BuildValue("(i)", 1);
    show("origin_descriptor(1)", PyObject_Call(descr, args, NULL));
    Py_DECREF(args);
    args = PyTuple_New(0);
    show("origin_descriptor()", PyObject_Call(descr, args, NULL));
    Py_DECREF(args);
    args = Py_BuildValue("(O)", (PyObject*)&PyLong_Type);
    show("origin_descriptor(int)", PyObject_Call(descr, args, NULL));
    Py_DECREF(args);
  }
}

static void drive_construction(PyObject* module, PyObject* Point, PyObject* Point3D) {
  show("Point()", make(Point, NULL, NULL));
  show("Point(1, 2)", make(Point, Py_BuildValue("(ii)", 1, 2), NULL));
  show("Point(y=5)", make(Point, NULL, Py_BuildValue("{s:i}", "y", 5)));
  show("Point(1, 2, 3)", make(Point, Py_BuildValue("(iii)", 1, 2, 3), NULL));
  show("Point3D(1, 2, 3)", make(Point3D, Py_BuildValue("(iii)", 1, 2, 3), NULL));
  PyObject* Bare = PyObject_GetAttrString(module, "Bare");
  PyObject* Plain = PyObject_GetAttrString(module, "Plain");
  PyObject* Strict = PyObject_GetAttrString(module, "Strict");
  show("Bare()", make(Bare, NULL, NULL));
  show_type_of("Plain()", make(Plain, NULL, NULL));
  show_type_of("Plain(1, k=2)", make(Plain, Py_BuildValue("(i)", 1), Py_BuildValue("{s:i}", "k", 2)));
  show_type_of("Strict()", make(Strict, NULL, NULL));
  show("Strict(1)", make(Strict, Py_BuildValue("(i)", 1), NULL));
  show("object(1)", make((PyObject*)&PyBaseObject_Type, Py_BuildValue("(i)", 1), NULL));
  show_type_of("object()", make((PyObject*)&PyBaseObject_Type, NULL, NULL));
  show("type(5)", make((PyObject*)&PyType_Type, Py_BuildValue("(i)", 5), NULL));
  /* T.__new__(S): tp_new without tp_init. */
  call_method("Point", Point, "__new__", Py_BuildValue("(O)", Point3D), NULL);
  call_method("Point", Point, "__new__", Py_BuildValue("(Oi)", Point, 1), NULL);
  call_method("Point", Point, "__new__", NULL, NULL);
  call_method("Point", Point, "__new__", Py_BuildValue("(i)", 1), NULL);
  call_method("Point", Point, "__new__", Py_BuildValue("(O)", Plain), NULL);
  call_method("object", (PyObject*)&PyBaseObject_Type, "__new__", Py_BuildValue("(O)", Point),
              NULL);
  show_type_of("object.__new__(Plain)",
               PyObject_CallMethod((PyObject*)&PyBaseObject_Type, "__new__", "(O)", Plain));
  show_type_of("Bare.__new__", PyObject_GetAttrString(Bare, "__new__"));
  {
    PyObject* plain = make(Plain, NULL, NULL);
    get("plain", plain, "__dict__");
    set("plain", plain, "anything", PyLong_FromLong(1));
    set("plain", plain, "__class__", Py_NewRef(Point));
    set("plain", plain, "__class__", NULL);
    show("hash(plain) == hash(plain)", PyBool_FromLong(PyObject_Hash(plain) == PyObject_Hash(plain)));
    Py_DECREF(plain);
  }
  Py_DECREF(Bare);
  Py_DECREF(Plain);
  Py_DECREF(Strict);
}

static void drive_inheritance(PyObject* module, PyObject* Point, PyObject* Point3D) {
  PyTypeObject* point = (PyTypeObject*)Point;
  PyTypeObject* point3d = (PyTypeObject*)Point3D;
  PyObject* r = make(Point3D, Py_BuildValue("(ddd)", 1.0, 2.0, 2.0), NULL);
  show("repr(r)", PyObject_Repr(r));
  get("r", r, "y");
  get("r", r, "z");
  get("r", r, "norm2");
  get("r", r, "name");
  call_method("r", r, "lift", Py_BuildValue("(d)", 0.5), NULL);
  call_method("r", r, "move", Py_BuildValue("(dd)", 1.0, 1.0), NULL);
  call_method("r", r, "describe", NULL, NULL);
  set("r", r, "z", PyUnicode_FromString("up"));
  set("r", r, "extra", PyLong_FromLong(1));
  get("r", r, "extra");
  out("PyObject_TypeCheck(r, Point): %d\n", PyObject_TypeCheck(r, point));
  out("PyObject_TypeCheck(r, object): %d\n", PyObject_TypeCheck(r, &PyBaseObject_Type));
  out("PyType_IsSubtype(Point3D, Point): %d\n", PyType_IsSubtype(point3d, point));
  out("PyType_IsSubtype(Point, Point3D): %d\n", PyType_IsSubtype(point, point3d));
  out("PyType_IsSubtype(Point, list): %d\n", PyType_IsSubtype(point, &PyList_Type));
  /* Slots Point3D inherited (CPython's inherit_special and inherit_slots). */
  out("Point3D inherits tp_repr: %d\n", point3d->tp_repr == point->tp_repr);
  out("Point3D inherits tp_new: %d\n", point3d->tp_new == point->tp_new);
  out("Point3D inherits tp_dealloc: %d\n", point3d->tp_dealloc == point->tp_dealloc);
  out("Point3D inherits GC: %d %d %d\n", (point3d->tp_flags & Py_TPFLAGS_HAVE_GC) != 0,
      point3d->tp_traverse == point->tp_traverse, point3d->tp_clear == point->tp_clear);
  out("Point3D inherits tp_dictoffset: %d\n", point3d->tp_dictoffset == point->tp_dictoffset);
  out("Point3D inherits tp_getattro: %d\n",
      point3d->tp_getattro == PyBaseObject_Type.tp_getattro &&
          point3d->tp_getattro == PyObject_GenericGetAttr);
  out("Point3D inherits tp_setattro: %d\n", point3d->tp_setattro == PyObject_GenericSetAttr);
  out("Point3D inherits tp_free: %d\n", point3d->tp_free == PyObject_GC_Del);
  out("Point3D inherits tp_alloc: %d\n", point3d->tp_alloc == PyType_GenericAlloc);
  out("Point3D inherits tp_hash: %d\n", point3d->tp_hash == PyBaseObject_Type.tp_hash);
  out("Point3D is immutable: %d\n", (point3d->tp_flags & Py_TPFLAGS_IMMUTABLETYPE) != 0);
  out("Point3D tp_init is its own: %d\n", point3d->tp_init != point->tp_init);
  out("Point has tp_bases: %d, tp_mro: %d, tp_dict: %d\n", PyTuple_Check(point->tp_bases),
      PyTuple_Check(point->tp_mro), PyDict_Check(point->tp_dict));
  Py_DECREF(r);
  /* Two bases. */
  PyObject* Mixed = PyObject_GetAttrString(module, "Mixed");
  PyObject* Mixin = PyObject_GetAttrString(module, "Mixin");
  get("Mixed", Mixed, "__mro__");
  get("Mixed", Mixed, "__bases__");
  get("Mixed", Mixed, "__base__");
  PyObject* m = make(Mixed, Py_BuildValue("(dd)", 1.0, 1.0), NULL);
  show("repr(m)", PyObject_Repr(m));
  call_method("m", m, "hello", NULL, NULL);
  call_method("m", m, "move", Py_BuildValue("(dd)", 1.0, 1.0), NULL);
  out("PyObject_TypeCheck(m, Mixin): %d\n", PyObject_TypeCheck(m, (PyTypeObject*)Mixin));
  out("PyObject_TypeCheck(m, Point): %d\n", PyObject_TypeCheck(m, point));
  PyObject* mixin = make(Mixin, NULL, NULL);
  call_method("Mixin", Mixin, "hello", Py_BuildValue("(O)", m), NULL);
  call_method("Mixin", Mixin, "hello", Py_BuildValue("(O)", mixin), NULL);
  call_method("Mixin", Mixin, "hello", Py_BuildValue("(i)", 1), NULL);
  Py_DECREF(mixin);
  Py_DECREF(m);
  Py_DECREF(Mixed);
  Py_DECREF(Mixin);
  get("shapes", module, "mro_error");
}

static void drive_stack(PyObject* module) {
  PyObject* Stack = PyObject_GetAttrString(module, "Stack");
  PyObject* s = make(Stack, Py_BuildValue("([ii])", 1, 2), NULL);
  show("Stack([1, 2])", Py_NewRef(s));
  out("PyList_Check(s): %d, PyList_CheckExact(s): %d\n", PyList_Check(s), PyList_CheckExact(s));
  out("PyObject_TypeCheck(s, list): %d\n", PyObject_TypeCheck(s, &PyList_Type));
  out("Stack is a list subclass: %d\n",
      PyType_FastSubclass((PyTypeObject*)Stack, Py_TPFLAGS_LIST_SUBCLASS));
  out("PyList_Size(s): %zd\n", PyList_Size(s));
  call_method("s", s, "push", Py_BuildValue("(i)", 3), NULL);
  {
    PyObject* four = PyLong_FromLong(4);
    show("PyList_Append(s, 4)", status(PyList_Append(s, four)));
    Py_DECREF(four);
  }
  out("PyObject_Size(s): %zd\n", PyObject_Size(s));
  show("repr(s)", PyObject_Repr(s));
  get("s", s, "pushes");
  set("s", s, "pushes", PyLong_FromLong(9));
  call_method("s", s, "peek", NULL, NULL);
  {
    PyObject* zero = PyLong_FromLong(0);
    show("s[0]", PyObject_GetItem(s, zero));
    Py_DECREF(zero);
  }
  show("PyList_GetItem(s, 1)", Py_XNewRef(PyList_GetItem(s, 1)));
  {
    PyObject* other = Py_BuildValue("[iiii]", 1, 2, 3, 4);
    out("s == [1, 2, 3, 4]: %d\n", PyObject_RichCompareBool(s, other, Py_EQ));
    Py_DECREF(other);
  }
  show("hash(s)", PyObject_Hash(s) == -1 ? NULL : Py_NewRef(Py_None));
  show("PyList_AsTuple(s)", PyList_AsTuple(s));
  Py_DECREF(s);
  s = make(Stack, NULL, NULL);
  show("Stack()", Py_NewRef(s));
  call_method("s", s, "peek", NULL, NULL);
  Py_DECREF(s);
  show("Stack((5, 6))", make(Stack, Py_BuildValue("((ii))", 5, 6), NULL));
  show("Stack({'k': 1})", make(Stack, Py_BuildValue("({s:i})", "k", 1), NULL));
  show("Stack(1)", make(Stack, Py_BuildValue("(i)", 1), NULL));
  show("Stack([], [])", make(Stack, Py_BuildValue("([][])"), NULL));
  show("Stack(a=1)", make(Stack, NULL, Py_BuildValue("{s:i}", "a", 1)));
  Py_DECREF(Stack);
}

static void drive_registry(PyObject* module) {
  PyObject* Registry = PyObject_GetAttrString(module, "Registry");
  PyObject* r = make(Registry, Py_BuildValue("({s:i})", "a", 1), Py_BuildValue("{s:i}", "b", 2));
  show("Registry({'a': 1}, b=2)", Py_NewRef(r));
  out("PyDict_Check(r): %d, PyDict_CheckExact(r): %d\n", PyDict_Check(r), PyDict_CheckExact(r));
  show("PyDict_SetItemString(r, 'c', 3)", status(PyDict_SetItemString(r, "c", PyLong_FromLong(3))));
  out("PyDict_Size(r): %zd\n", PyDict_Size(r));
  show("PyObject_GetItem(r, 'b')", PyObject_GetItem(r, PyUnicode_FromString("b")));
  get("r", r, "fallback");
  call_method("r", r, "lookup", Py_BuildValue("(s)", "zz"), NULL);
  set("r", r, "fallback", PyUnicode_FromString("nothing here"));
  call_method("r", r, "lookup", Py_BuildValue("(s)", "zz"), NULL);
  call_method("r", r, "lookup", Py_BuildValue("(s)", "a"), NULL);
  set("r", r, "fallback", NULL);
  get("r", r, "fallback");
  show("repr(r)", PyObject_Repr(r));
  show("PyDict_Keys(r)", PyDict_Keys(r));
  show("hash(r)", PyObject_Hash(r) == -1 ? NULL : Py_NewRef(Py_None));
  Py_DECREF(r);
  show("Registry([('x', 1), ['y', 2]])",
       make(Registry, Py_BuildValue("([(si)[si]])", "x", 1, "y", 2), NULL));
  show("Registry([1])", make(Registry, Py_BuildValue("([i])", 1), NULL));
  show("Registry([(1, 2, 3)])", make(Registry, Py_BuildValue("([(iii)])", 1, 2, 3), NULL));
  show("Registry(5)", make(Registry, Py_BuildValue("(i)", 5), NULL));
  show("Registry({}, {})", make(Registry, Py_BuildValue("({}{})"), NULL));
  Py_DECREF(Registry);
}

typedef struct {
  PyObject_HEAD
  int number;
  PyObject* object;
} Probe;

static PyObject* probe_get(PyObject* self, void* closure) { return PyLong_FromLong(17); }
static PyObject* probe_method(PyObject* self, PyObject* unused) { Py_RETURN_NONE; }

static void drive_descriptor_api(PyObject* module, PyObject* Point) {
  PyTypeObject* point = (PyTypeObject*)Point;
  static PyMemberDef member = {"made_member", T_INT, sizeof(PyObject), READONLY, NULL};
  static PyGetSetDef getset = {"made_getset", probe_get, NULL, NULL, NULL};
  static PyMethodDef method = {"made_method", probe_method, METH_NOARGS, NULL};
  show("PyDescr_NewMember", PyDescr_NewMember(point, &member));
  show("PyDescr_NewGetSet", PyDescr_NewGetSet(point, &getset));
  show("PyDescr_NewMethod", PyDescr_NewMethod(point, &method));
  show("PyDescr_NewClassMethod", PyDescr_NewClassMethod(point, &method));
  {
    PyObject* descr = PyDescr_NewGetSet(point, &getset);
    PyObject* p = make(Point, NULL, NULL);
    show("made_getset.__get__(p)", Py_TYPE(descr)->tp_descr_get(descr, p, Point));
    show("made_getset.__set__(p, 1)", status(Py_TYPE(descr)->tp_descr_set(descr, p, Py_None)));
    show("made_getset.__get__(None)", Py_TYPE(descr)->tp_descr_get(descr, Py_None, Point));
    show("made_getset.__get__(NULL)", Py_TYPE(descr)->tp_descr_get(descr, NULL, Point));
    Py_DECREF(p);
    Py_DECREF(descr);
  }
  /* PyMember_GetOne/SetOne on a struct of the driver's own. */
  {
    Probe probe;
    memset(&probe, 0, sizeof(probe));
    PyMemberDef number = {"number", T_INT, offsetof(Probe, number), 0, NULL};
    PyMemberDef object = {"object", T_OBJECT_EX, offsetof(Probe, object), 0, NULL};
    PyMemberDef bad = {"bad", 99, offsetof(Probe, number), 0, NULL};
    show("PyMember_SetOne(number, 12)",
         status(PyMember_SetOne((char*)&probe, &number, PyLong_FromLong(12))));
    show("PyMember_GetOne(number)", PyMember_GetOne((const char*)&probe, &number));
    show("PyMember_SetOne(number, None)", status(PyMember_SetOne((char*)&probe, &number, Py_None)));
    /* (Values out of range of the field: CPython warns, Pinion has no warnings yet.) */
    show("PyMember_SetOne(object, 'o')",
         status(PyMember_SetOne((char*)&probe, &object, PyUnicode_FromString("o"))));
    show("PyMember_GetOne(object)", PyMember_GetOne((const char*)&probe, &object));
    show("PyMember_SetOne(object, NULL)", status(PyMember_SetOne((char*)&probe, &object, NULL)));
    show("PyMember_SetOne(object, NULL) again",
         status(PyMember_SetOne((char*)&probe, &object, NULL)));
    show("PyMember_GetOne(bad)", PyMember_GetOne((const char*)&probe, &bad));
    show("PyMember_SetOne(bad, 1)", status(PyMember_SetOne((char*)&probe, &bad, Py_None)));
  }
  /* mappingproxy. */
  {
    PyObject* proxy = PyObject_GetAttrString(Point, "__dict__");
    out("Point.__dict__: a %s\n", proxy != NULL ? Py_TYPE(proxy)->tp_name : "(failed)");
    call_method("Point.__dict__", proxy, "get", Py_BuildValue("(s)", "norm2"), NULL);
    call_method("Point.__dict__", proxy, "get", Py_BuildValue("(si)", "nowhere", 0), NULL);
    call_method("Point.__dict__", proxy, "get", NULL, NULL);
    set("Point.__dict__", proxy, "y", PyLong_FromLong(1));
    Py_XDECREF(proxy);
    PyObject* dict = Py_BuildValue("{s:i,s:i}", "a", 1, "b", 2);
    proxy = PyDictProxy_New(dict);
    show("PyDictProxy_New({'a': 1, 'b': 2})", Py_NewRef(proxy));
    show("str(proxy)", PyObject_Str(proxy));
    /* Pinion has no dict views: keys(), values() and items() give lists. */
    call_method("[differs] proxy", proxy, "keys", NULL, NULL);
    call_method("[differs] proxy", proxy, "values", NULL, NULL);
    call_method("[differs] proxy", proxy, "items", NULL, NULL);
    call_method("proxy", proxy, "copy", NULL, NULL);
    call_method("proxy", proxy, "get", Py_BuildValue("(s)", "b"), NULL);
    out("proxy == dict: %d\n", PyObject_RichCompareBool(proxy, dict, Py_EQ));
    PyTypeObject* proxy_type = Py_TYPE(proxy);
    PyObject* key = PyUnicode_FromString("a");
    show("proxy['a']", proxy_type->tp_as_mapping->mp_subscript(proxy, key));
    out("len(proxy): %zd, 'a' in proxy: %d\n", proxy_type->tp_as_mapping->mp_length(proxy),
        proxy_type->tp_as_sequence->sq_contains(proxy, key));
    Py_DECREF(key);
    Py_DECREF(proxy);
    Py_DECREF(dict);
    PyObject* list = PyList_New(0);
    show("PyDictProxy_New([])", PyDictProxy_New(list));
    Py_DECREF(list);
  }
  /* classmethod and staticmethod wrappers. */
  {
    PyObject* helper = PyObject_GetAttrString(module, "helper");
    PyObject* sm = PyStaticMethod_New(helper);
    PyObject* cm = PyClassMethod_New(helper);
    show("PyStaticMethod_New(helper)", PyObject_Repr(sm));
    show("PyClassMethod_New(helper)", PyObject_Repr(cm));
    show("staticmethod.__func__", PyObject_GetAttrString(sm, "__func__"));
    show("classmethod.__func__", PyObject_GetAttrString(cm, "__func__"));
    show("staticmethod.__get__(None, Point)", Py_TYPE(sm)->tp_descr_get(sm, NULL, Point));
    PyObject* bound = Py_TYPE(cm)->tp_descr_get(cm, NULL, Point);
    show("classmethod.__get__(None, Point)", Py_XNewRef(bound));
    out("PyMethod_Check: %d, of helper: %d\n", PyMethod_Check(bound), PyMethod_Check(helper));
    show("bound()", PyObject_CallNoArgs(bound));
    show("PyMethod_Function(bound)", Py_XNewRef(PyMethod_Function(bound)));
    show("PyMethod_Self(bound)", Py_XNewRef(PyMethod_Self(bound)));
    show("PyMethod_GET_SELF(bound)", Py_NewRef(PyMethod_GET_SELF(bound)));
    show("PyMethod_GET_FUNCTION(bound)", Py_NewRef(PyMethod_GET_FUNCTION(bound)));
    get("bound", bound, "__self__");
    show_error_type("PyMethod_Function(helper)", Py_XNewRef(PyMethod_Function(helper)));
    show_error_type("PyMethod_Self(helper)", Py_XNewRef(PyMethod_Self(helper)));
    PyObject* again = PyMethod_New(helper, Point);
    out("bound == PyMethod_New(helper, Point): %d\n", PyObject_RichCompareBool(bound, again, Py_EQ));
    out("hash(bound) == hash(again): %d\n", PyObject_Hash(bound) == PyObject_Hash(again));
    Py_DECREF(again);
    Py_XDECREF(bound);
    show_error_type("PyMethod_New(helper, NULL)", PyMethod_New(helper, NULL));
    PyObject* im = PyInstanceMethod_New(helper);
    out("PyInstanceMethod_Check: %d\n", PyInstanceMethod_Check(im));
    show("PyInstanceMethod_Function(im)", Py_XNewRef(PyInstanceMethod_Function(im)));
    show("PyInstanceMethod_GET_FUNCTION(im)", Py_NewRef(PyInstanceMethod_GET_FUNCTION(im)));
    show_error_type("PyInstanceMethod_Function(helper)", Py_XNewRef(PyInstanceMethod_Function(helper)));
    show("im.__get__(None, Point)", Py_TYPE(im)->tp_descr_get(im, NULL, Point));
    PyObject* im_bound = Py_TYPE(im)->tp_descr_get(im, Point, (PyObject*)Py_TYPE(Point));
    show("im.__get__(Point)", Py_XNewRef(im_bound));
    show("im.__get__(Point)()", PyObject_CallNoArgs(im_bound));
    Py_XDECREF(im_bound);
    show("im(5)", PyObject_CallOneArg(im, PyLong_FromLong(5)));
    Py_DECREF(im);
    out("PyDescr_IsData(staticmethod): %d\n", PyDescr_IsData(sm));
    Py_DECREF(sm);
    Py_DECREF(cm);
    Py_DECREF(helper);
  }
}

static void drive(PyObject* module) {
  PyObject* Point = PyObject_GetAttrString(module, "Point");
  PyObject* Point3D = PyObject_GetAttrString(module, "Point3D");
  drive_type_attributes(Point, Point3D);
  PyObject* p = make(Point, Py_BuildValue("(dd)", 1.5, 2.0), NULL);
  show("repr(p)", PyObject_Repr(p));
  get("p", p, "DIMENSIONS");
  set("p", p, "DIMENSIONS", PyLong_FromLong(3));
  get("p", p, "DIMENSIONS");
  get("Point", Point, "DIMENSIONS");
  set("p", p, "DIMENSIONS", NULL);
  drive_members(p);
  drive_getsets_and_dict(p);
  drive_methods(Point, Point3D, p);
  Py_DECREF(p);
  drive_construction(module, Point, Point3D);
  drive_inheritance(module, Point, Point3D);
  drive_stack(module);
  drive_registry(module);
  drive_descriptor_api(module, Point);
  Py_DECREF(Point);
  Py_DECREF(Point3D);
}

DIFFERENTIAL_MAIN("shapes", PyInit_shapes, drive)
