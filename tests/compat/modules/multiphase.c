/* A multi-phase extension module (PEP 489) written as modern CPython extension authors write
 * one: PyInit_multiphase returns PyModuleDef_Init(&def); the Py_mod_exec slots fill a
 * per-module state (m_size) holding heap types made with PyType_FromModuleAndSpec, exception
 * classes from PyErr_NewException, and a counter; m_traverse/m_clear/m_free manage it; types
 * reach the state with PyType_GetModuleByDef. A second definition, with Py_mod_create, is
 * instantiated by `make_created`, and a set of faulty definitions by `bad_def`.
 *
 * No mutable C globals but the definitions (PyModuleDef_Init readies them, as CPython does):
 * the threaded differential test drives one shared module from several threads, so the
 * counter in the state is updated with atomic builtins.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

typedef struct {
  PyObject* counter_type; /* multiphase.Counter (GC, with a module) */
  PyObject* sub_type;     /* multiphase.SubCounter (bases: Counter; no module) */
  PyObject* plain_type;   /* multiphase.Plain (no slots but a doc: object's new) */
  PyObject* token_type;   /* multiphase.Token (DISALLOW_INSTANTIATION, not a base type) */
  PyObject* error;        /* multiphase.Error(Exception) */
  PyObject* sub_error;    /* multiphase.SubError(Error), with a doc */
  long created;           /* Counters created; atomic */
  int exec_order;         /* 1 after the first exec slot, 2 after the second */
} multiphase_state;

static struct PyModuleDef multiphase_def;

static multiphase_state* state_of(PyObject* module) {
  return (multiphase_state*)PyModule_GetState(module);
}

/* ---- Counter ---------------------------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  long value;
  PyObject* tag; /* any object, or NULL */
} CounterObject;

static PyObject* Counter_new(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  static char* keywords[] = {"value", "tag", NULL};
  long value = 0;
  PyObject* tag = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|lO:Counter", keywords, &value, &tag)) {
    return NULL;
  }
  /* The type may be a subclass made elsewhere: find this module through the MRO. */
  PyObject* module = PyType_GetModuleByDef(type, &multiphase_def);
  if (module == NULL) return NULL;
  CounterObject* self = (CounterObject*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->value = value;
  Py_XINCREF(tag);
  self->tag = tag;
  __atomic_fetch_add(&state_of(module)->created, 1, __ATOMIC_RELAXED);
  return (PyObject*)self;
}

static int Counter_traverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(Py_TYPE(op)); /* instances of heap types own their type (3.9+) */
  Py_VISIT(((CounterObject*)op)->tag);
  return 0;
}

static int Counter_clear(PyObject* op) {
  Py_CLEAR(((CounterObject*)op)->tag);
  return 0;
}

static void Counter_dealloc(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  PyObject_GC_UnTrack(op);
  Counter_clear(op);
  type->tp_free(op);
  Py_DECREF(type);
}

static PyObject* Counter_repr(PyObject* op) {
  PyObject* name = PyType_GetQualName(Py_TYPE(op));
  if (name == NULL) return NULL;
  PyObject* repr = PyUnicode_FromFormat("%U(%ld)", name, ((CounterObject*)op)->value);
  Py_DECREF(name);
  return repr;
}

static PyObject* Counter_add(PyObject* a, PyObject* b) {
  (void)a;
  (void)b;
  Py_RETURN_NOTIMPLEMENTED;
}

static PyObject* Counter_increment(PyObject* op, PyObject* args) {
  long by = 1;
  if (!PyArg_ParseTuple(args, "|l:increment", &by)) return NULL;
  CounterObject* self = (CounterObject*)op;
  if (by < 0) {
    PyObject* module = PyType_GetModuleByDef(Py_TYPE(op), &multiphase_def);
    if (module == NULL) return NULL;
    PyErr_Format(state_of(module)->error, "cannot count down by %ld", -by);
    return NULL;
  }
  self->value += by;
  return PyLong_FromLong(self->value);
}

static PyObject* Counter_tag(PyObject* op, PyObject* Py_UNUSED(ignored)) {
  PyObject* tag = ((CounterObject*)op)->tag;
  return Py_NewRef(tag != NULL ? tag : Py_None);
}

static PyMethodDef Counter_methods[] = {
    {"increment", Counter_increment, METH_VARARGS, "increment(by=1): add, and return the value"},
    {"tag", Counter_tag, METH_NOARGS, "the tag given at creation"},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Counter_doc, "Counter(value=0, tag=None)\n--\n\nA counter.");

static PyType_Slot Counter_slots[] = {
    {Py_tp_new, Counter_new},
    {Py_tp_dealloc, Counter_dealloc},
    {Py_tp_traverse, Counter_traverse},
    {Py_tp_clear, Counter_clear},
    {Py_tp_repr, Counter_repr},
    {Py_tp_methods, Counter_methods},
    {Py_tp_doc, (void*)Counter_doc},
    {Py_nb_add, Counter_add},
    {0, NULL},
};

static PyType_Spec Counter_spec = {
    .name = "multiphase.Counter",
    .basicsize = sizeof(CounterObject),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,
    .slots = Counter_slots,
};

static PyType_Slot SubCounter_slots[] = {
    {Py_tp_doc, "A counter made by another spec."},
    {0, NULL},
};

static PyType_Spec SubCounter_spec = {
    .name = "multiphase.SubCounter",
    .basicsize = 0,
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = SubCounter_slots,
};

static PyType_Slot Plain_slots[] = {
    {Py_tp_doc, "Nothing but a doc."},
    {0, NULL},
};

static PyType_Spec Plain_spec = {
    .name = "multiphase.Plain",
    .basicsize = sizeof(PyObject),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = Plain_slots,
};

static PyType_Slot Token_slots[] = {{0, NULL}};

static PyType_Spec Token_spec = {
    .name = "multiphase.Token",
    .basicsize = sizeof(PyObject),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = Token_slots,
};

/* ---- Module functions --------------------------------------------------------------------- */

static multiphase_state* module_state(PyObject* module) { return state_of(module); }

/* The heap type the argument names. */
static PyObject* pick_type(PyObject* module, PyObject* which) {
  multiphase_state* st = module_state(module);
  const char* name = PyUnicode_AsUTF8(which);
  if (name == NULL) return NULL;
  if (strcmp(name, "Counter") == 0) return st->counter_type;
  if (strcmp(name, "SubCounter") == 0) return st->sub_type;
  if (strcmp(name, "Plain") == 0) return st->plain_type;
  if (strcmp(name, "Token") == 0) return st->token_type;
  if (strcmp(name, "Error") == 0) return st->error;
  if (strcmp(name, "SubError") == 0) return st->sub_error;
  if (strcmp(name, "int") == 0) return (PyObject*)&PyLong_Type;
  PyErr_Format(PyExc_KeyError, "no type %s", name);
  return NULL;
}

/* (tp_name, __name__, __qualname__, __module__ or None, __doc__ or None) */
static PyObject* names(PyObject* module, PyObject* which) {
  PyObject* type = pick_type(module, which);
  if (type == NULL) return NULL;
  PyTypeObject* t = (PyTypeObject*)type;
  PyObject* dict = t->tp_dict;
  PyObject* module_name = NULL;
  PyObject* doc = NULL;
  if ((t->tp_flags & Py_TPFLAGS_HEAPTYPE) && dict != NULL) {
    module_name = PyDict_GetItemString(dict, "__module__");
    doc = PyDict_GetItemString(dict, "__doc__");
  }
  PyObject* name = PyType_GetName(t);
  PyObject* qualname = PyType_GetQualName(t);
  PyObject* result = NULL;
  if (name != NULL && qualname != NULL) {
    result = Py_BuildValue("(sOOOO)", t->tp_name, name, qualname,
                           module_name != NULL ? module_name : Py_None,
                           doc != NULL ? doc : Py_None);
  }
  Py_XDECREF(name);
  Py_XDECREF(qualname);
  return result;
}

/* The flags the type has, by name. */
static PyObject* flags(PyObject* module, PyObject* which) {
  PyObject* type = pick_type(module, which);
  if (type == NULL) return NULL;
  unsigned long f = PyType_GetFlags((PyTypeObject*)type);
  return Py_BuildValue("{s:O,s:O,s:O,s:O,s:O,s:O}", "heap",
                       (f & Py_TPFLAGS_HEAPTYPE) ? Py_True : Py_False, "gc",
                       (f & Py_TPFLAGS_HAVE_GC) ? Py_True : Py_False, "base",
                       (f & Py_TPFLAGS_BASETYPE) ? Py_True : Py_False, "ready",
                       (f & Py_TPFLAGS_READY) ? Py_True : Py_False, "immutable",
                       (f & Py_TPFLAGS_IMMUTABLETYPE) ? Py_True : Py_False, "no_new",
                       (f & Py_TPFLAGS_DISALLOW_INSTANTIATION) ? Py_True : Py_False);
}

/* PyType_GetSlot, compared with the functions the specs gave. */
static PyObject* slots(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  multiphase_state* st = module_state(module);
  PyTypeObject* counter = (PyTypeObject*)st->counter_type;
  PyTypeObject* sub = (PyTypeObject*)st->sub_type;
  const char* doc = PyType_GetSlot(counter, Py_tp_doc);
  PyObject* bases = PyType_GetSlot(counter, Py_tp_bases);
  return Py_BuildValue(
      "{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}",
      "tp_new", PyType_GetSlot(counter, Py_tp_new) == (void*)Counter_new ? Py_True : Py_False,
      "tp_dealloc",
      PyType_GetSlot(counter, Py_tp_dealloc) == (void*)Counter_dealloc ? Py_True : Py_False,
      "tp_traverse",
      PyType_GetSlot(counter, Py_tp_traverse) == (void*)Counter_traverse ? Py_True : Py_False,
      "tp_repr", PyType_GetSlot(counter, Py_tp_repr) == (void*)Counter_repr ? Py_True : Py_False,
      "tp_methods",
      PyType_GetSlot(counter, Py_tp_methods) == (void*)Counter_methods ? Py_True : Py_False,
      "tp_doc copied", doc != NULL && doc != Counter_doc ? Py_True : Py_False,
      "tp_doc text", doc != NULL && strcmp(doc, Counter_doc) == 0 ? Py_True : Py_False,
      "nb_add", PyType_GetSlot(counter, Py_nb_add) == (void*)Counter_add ? Py_True : Py_False,
      "nb_subtract", PyType_GetSlot(counter, Py_nb_subtract) == NULL ? Py_None : Py_False,
      "sq_item", PyType_GetSlot(counter, Py_sq_item) == NULL ? Py_None : Py_False,
      "mp_length", PyType_GetSlot(counter, Py_mp_length) == NULL ? Py_None : Py_False,
      "am_await", PyType_GetSlot(counter, Py_am_await) == NULL ? Py_None : Py_False,
      "tp_free", PyType_GetSlot(counter, Py_tp_free) == (void*)PyObject_GC_Del ? Py_True : Py_False,
      "tp_alloc",
      PyType_GetSlot(counter, Py_tp_alloc) == (void*)PyType_GenericAlloc ? Py_True : Py_False,
      "tp_bases", bases != NULL && PyTuple_Check(bases) && PyTuple_GET_SIZE(bases) == 1 &&
                          PyTuple_GET_ITEM(bases, 0) == (PyObject*)&PyBaseObject_Type
                      ? Py_True
                      : Py_False,
      "sub tp_base", PyType_GetSlot(sub, Py_tp_base) == (void*)counter ? Py_True : Py_False,
      "int tp_repr", PyType_GetSlot(&PyLong_Type, Py_tp_repr) != NULL ? Py_True : Py_False);
}

/* PyType_GetSlot(Counter, id) for an id that is not one: (None, the exception's type). */
static PyObject* bad_slot(PyObject* module, PyObject* arg) {
  int id = (int)PyLong_AsLong(arg);
  if (id == -1 && PyErr_Occurred()) return NULL;
  void* slot = PyType_GetSlot((PyTypeObject*)module_state(module)->counter_type, id);
  PyObject* raised = PyErr_Occurred();
  PyObject* kind = PyUnicode_FromString(raised == NULL                             ? "none"
                                        : raised == PyExc_SystemError ? "SystemError"
                                                                      : "other");
  PyErr_Clear();
  return Py_BuildValue("(ON)", slot == NULL ? Py_None : Py_True, kind);
}

/* Whether the type's module is this module, through each accessor (raises as they do). */
static PyObject* type_module(PyObject* module, PyObject* which) {
  PyObject* type = pick_type(module, which);
  if (type == NULL) return NULL;
  PyObject* found = PyType_GetModule((PyTypeObject*)type);
  if (found == NULL) return NULL;
  void* state = PyType_GetModuleState((PyTypeObject*)type);
  return Py_BuildValue("(OO)", found == module ? Py_True : Py_False,
                       state == module_state(module) ? Py_True : Py_False);
}

static PyObject* module_by_def(PyObject* module, PyObject* which) {
  PyObject* type = pick_type(module, which);
  if (type == NULL) return NULL;
  PyObject* found = PyType_GetModuleByDef((PyTypeObject*)type, &multiphase_def);
  if (found == NULL) return NULL;
  return PyBool_FromLong(found == module);
}

static PyModuleDef unrelated_def = {PyModuleDef_HEAD_INIT, "unrelated", NULL, 0, NULL,
                                    NULL,                  NULL,        NULL, NULL};

static PyObject* module_by_other_def(PyObject* module, PyObject* which) {
  PyObject* type = pick_type(module, which);
  if (type == NULL) return NULL;
  PyObject* found = PyType_GetModuleByDef((PyTypeObject*)type, &unrelated_def);
  return Py_XNewRef(found);
}

/* Makes an instance of the named type with the arguments. */
static PyObject* make(PyObject* module, PyObject* args) {
  PyObject* which;
  PyObject* rest = NULL;
  if (!PyArg_ParseTuple(args, "U|O!:make", &which, &PyTuple_Type, &rest)) return NULL;
  PyObject* type = pick_type(module, which);
  if (type == NULL) return NULL;
  return PyObject_CallObject(type, rest);
}

/* (type(Plain()) is Plain, Plain() is not another Plain()) */
static PyObject* plain_instances(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  PyObject* type = module_state(module)->plain_type;
  PyObject* a = PyObject_CallNoArgs(type);
  if (a == NULL) return NULL;
  PyObject* b = PyObject_CallNoArgs(type);
  if (b == NULL) {
    Py_DECREF(a);
    return NULL;
  }
  PyObject* result = Py_BuildValue("(OO)", Py_TYPE(a) == (PyTypeObject*)type ? Py_True : Py_False,
                                   a != b ? Py_True : Py_False);
  Py_DECREF(a);
  Py_DECREF(b);
  return result;
}

/* Raises the module's exception `which` with the message. */
static PyObject* raise_error(PyObject* module, PyObject* args) {
  PyObject* which;
  const char* message;
  if (!PyArg_ParseTuple(args, "Us:raise_error", &which, &message)) return NULL;
  PyObject* type = pick_type(module, which);
  if (type == NULL) return NULL;
  PyErr_SetString(type, message);
  return NULL;
}

/* Raises SubError and reports which classes match it. */
static PyObject* matches(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  multiphase_state* st = module_state(module);
  PyErr_SetString(st->sub_error, "caught");
  PyObject* result = Py_BuildValue(
      "(OOOOO)", PyErr_ExceptionMatches(st->sub_error) ? Py_True : Py_False,
      PyErr_ExceptionMatches(st->error) ? Py_True : Py_False,
      PyErr_ExceptionMatches(PyExc_Exception) ? Py_True : Py_False,
      PyErr_ExceptionMatches(PyExc_ValueError) ? Py_True : Py_False,
      PyErr_GivenExceptionMatches(st->error, st->sub_error) ? Py_True : Py_False);
  PyErr_Clear();
  return result;
}

/* Makes exception classes the other ways: a tuple base, a dict, a bad name. */
static PyObject* new_exceptions(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  (void)module;
  PyObject* bases = PyTuple_Pack(1, PyExc_ValueError);
  PyObject* dict = Py_BuildValue("{s:i}", "extra", 7);
  if (bases == NULL || dict == NULL) {
    Py_XDECREF(bases);
    Py_XDECREF(dict);
    return NULL;
  }
  PyObject* from_tuple = PyErr_NewException("pkg.mod.TupleError", bases, dict);
  PyObject* result = NULL;
  if (from_tuple != NULL) {
    PyObject* type_dict = ((PyTypeObject*)from_tuple)->tp_dict;
    PyErr_SetString(from_tuple, "x");
    const int is_value_error = PyErr_ExceptionMatches(PyExc_ValueError);
    PyErr_Clear();
    PyObject* name = PyType_GetName((PyTypeObject*)from_tuple);
    result = Py_BuildValue("(sNOOOO)", ((PyTypeObject*)from_tuple)->tp_name, name,
                           PyDict_GetItemString(type_dict, "__module__"),
                           PyDict_GetItemString(type_dict, "extra"),
                           PyDict_GetItemString(dict, "__module__"),  /* set in the caller's */
                           is_value_error ? Py_True : Py_False);
    Py_DECREF(from_tuple);
  }
  Py_DECREF(bases);
  Py_DECREF(dict);
  return result;
}

static PyObject* bad_exception(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  (void)module;
  return PyErr_NewException("NoDot", NULL, NULL);
}

/* Makes a heap type from a faulty spec: an unknown slot, a final base, a base that is no type,
 * bases whose layouts conflict. */
static PyType_Slot BadSlot_slots[] = {{200, NULL}, {0, NULL}};
static PyType_Spec BadSlot_spec = {"multiphase.BadSlot", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT,
                                   BadSlot_slots};
static PyType_Spec Derived_spec = {"multiphase.Derived", 0, 0, Py_TPFLAGS_DEFAULT, Plain_slots};

static PyObject* bad_spec(PyObject* module, PyObject* arg) {
  long which = PyLong_AsLong(arg);
  if (which == -1 && PyErr_Occurred()) return NULL;
  multiphase_state* st = module_state(module);
  switch (which) {
    case 0:
      return PyType_FromSpec(&BadSlot_spec);
    case 1:
      return PyType_FromSpecWithBases(&Derived_spec, st->token_type);
    case 2: {
      PyObject* bases = Py_BuildValue("(i)", 5);
      if (bases == NULL) return NULL;
      PyObject* type = PyType_FromModuleAndSpec(module, &Derived_spec, bases);
      Py_DECREF(bases);
      return type;
    }
    case 4: {
      PyObject* bases = PyTuple_Pack(2, st->counter_type, (PyObject*)&PyLong_Type);
      if (bases == NULL) return NULL;
      PyObject* type = PyType_FromSpecWithBases(&Derived_spec, bases);
      Py_DECREF(bases);
      return type;
    }
    default: {
      /* A good one, for contrast: derived from Counter, with this module. */
      PyObject* type = PyType_FromModuleAndSpec(module, &Derived_spec, st->counter_type);
      if (type == NULL) return NULL;
      PyObject* name = PyType_GetName((PyTypeObject*)type);
      Py_DECREF(type);
      return name;
    }
  }
}

/* ---- The second definition: Py_mod_create ------------------------------------------------- */

typedef struct {
  int executed;
} created_state;

static PyObject* created_create(PyObject* spec, PyModuleDef* def) {
  PyObject* name = PyObject_GetAttrString(spec, "name");
  if (name == NULL) return NULL;
  PyObject* module = PyModule_NewObject(name);
  Py_DECREF(name);
  if (module == NULL) return NULL;
  if (PyModule_AddStringConstant(module, "made_by", def->m_name) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}

static int created_exec(PyObject* module) {
  created_state* st = PyModule_GetState(module);
  if (st == NULL) return -1;
  PyObject* zeroed = PyBool_FromLong(st->executed == 0);
  st->executed = 1;
  const int result = PyModule_AddObjectRef(module, "state_was_zeroed", zeroed);
  Py_DECREF(zeroed);
  return result;
}

static PyObject* created_hello(PyObject* self, PyObject* Py_UNUSED(ignored)) {
  return PyUnicode_FromFormat("hello from %s", PyModule_GetName(self));
}

static PyMethodDef created_methods[] = {
    {"hello", created_hello, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot created_slots[] = {
    {Py_mod_create, created_create},
    {Py_mod_exec, created_exec},
    {0, NULL},
};

static PyModuleDef created_def = {
    PyModuleDef_HEAD_INIT, "created", "A module made by its create slot.", sizeof(created_state),
    created_methods,       created_slots, NULL, NULL, NULL};

/* A module object with a `name`: a spec as far as PyModule_FromDefAndSpec reads one. */
static PyObject* spec_named(const char* name) {
  PyObject* spec = PyModule_New("spec");
  if (spec == NULL) return NULL;
  if (PyModule_AddStringConstant(spec, "name", name) < 0) {
    Py_DECREF(spec);
    return NULL;
  }
  return spec;
}

/* Creates and executes a module from created_def; reports what it holds. */
static PyObject* make_created(PyObject* module, PyObject* arg) {
  (void)module;
  const char* name = PyUnicode_AsUTF8(arg);
  if (name == NULL) return NULL;
  PyObject* spec = spec_named(name);
  if (spec == NULL) return NULL;
  PyObject* made = PyModule_FromDefAndSpec(&created_def, spec);
  Py_DECREF(spec);
  if (made == NULL) return NULL;
  PyObject* result = NULL;
  if (PyModule_ExecDef(made, &created_def) == 0) {
    PyObject* hello = PyObject_CallMethod(made, "hello", NULL);
    PyObject* doc = PyObject_GetAttrString(made, "__doc__");
    if (hello != NULL && doc != NULL) {
      result = Py_BuildValue("(sOOOOO)", PyModule_GetName(made),
                             PyDict_GetItemString(PyModule_GetDict(made), "made_by"),
                             PyDict_GetItemString(PyModule_GetDict(made), "state_was_zeroed"),
                             hello, doc,
                             PyModule_GetDef(made) == &created_def ? Py_True : Py_False);
    }
    Py_XDECREF(hello);
    Py_XDECREF(doc);
  }
  Py_DECREF(made);
  return result;
}

/* ---- Faulty definitions --------------------------------------------------------------------- */

static PyObject* create_null_silently(PyObject* spec, PyModuleDef* def) {
  (void)spec;
  (void)def;
  return NULL;
}
static PyObject* create_int(PyObject* spec, PyModuleDef* def) {
  (void)spec;
  (void)def;
  return PyLong_FromLong(7);
}
static int exec_fail_silently(PyObject* module) {
  (void)module;
  return -1;
}
static int exec_fail(PyObject* module) {
  (void)module;
  PyErr_SetString(PyExc_ValueError, "exec refused");
  return -1;
}
static int exec_ok(PyObject* module) { return PyModule_AddIntConstant(module, "ok", 1); }

static PyModuleDef_Slot unknown_slots[] = {{Py_mod_exec, exec_ok}, {99, NULL}, {0, NULL}};
static PyModuleDef_Slot two_create_slots[] = {
    {Py_mod_create, create_int}, {Py_mod_create, create_int}, {0, NULL}};
static PyModuleDef_Slot exec_only_slots[] = {{Py_mod_exec, exec_ok}, {0, NULL}};
static PyModuleDef_Slot null_create_slots[] = {{Py_mod_create, create_null_silently}, {0, NULL}};
static PyModuleDef_Slot int_create_slots[] = {{Py_mod_create, create_int}, {0, NULL}};
static PyModuleDef_Slot int_create_exec_slots[] = {
    {Py_mod_create, create_int}, {Py_mod_exec, exec_ok}, {0, NULL}};
static PyModuleDef_Slot silent_exec_slots[] = {{Py_mod_exec, exec_fail_silently}, {0, NULL}};
static PyModuleDef_Slot failing_exec_slots[] = {{Py_mod_exec, exec_fail}, {0, NULL}};

#define FAULTY_DEF(name, size, slots) \
  {PyModuleDef_HEAD_INIT, name, NULL, size, NULL, slots, NULL, NULL, NULL}
static PyModuleDef faulty_defs[] = {
    FAULTY_DEF("unknown", 0, unknown_slots),
    FAULTY_DEF("twice", 0, two_create_slots),
    FAULTY_DEF("negative", -1, exec_only_slots),
    FAULTY_DEF("nullcreate", 0, null_create_slots),
    FAULTY_DEF("intstate", 8, int_create_slots),
    FAULTY_DEF("intexec", 0, int_create_exec_slots),
    FAULTY_DEF("silentexec", 0, silent_exec_slots),
    FAULTY_DEF("failingexec", 0, failing_exec_slots),
    FAULTY_DEF("int", 0, int_create_slots),
};

/* Creates (and, for modules, executes) faulty_defs[i]: what it gave, or its exception. */
static PyObject* bad_def(PyObject* module, PyObject* arg) {
  (void)module;
  long i = PyLong_AsLong(arg);
  if (i == -1 && PyErr_Occurred()) return NULL;
  if (i < 0 || i >= (long)(sizeof(faulty_defs) / sizeof(faulty_defs[0]))) {
    PyErr_SetString(PyExc_IndexError, "no such def");
    return NULL;
  }
  PyModuleDef* def = &faulty_defs[i];
  PyObject* spec = spec_named(def->m_name);
  if (spec == NULL) return NULL;
  PyObject* made = PyModule_FromDefAndSpec(def, spec);
  Py_DECREF(spec);
  if (made == NULL || !PyModule_Check(made)) return made;
  if (PyModule_ExecDef(made, def) < 0) {
    Py_DECREF(made);
    return NULL;
  }
  Py_DECREF(made);
  return PyUnicode_FromString("executed");
}

/* PyModule_ExecDef with a slot id it does not know, on a plain module. */
static PyObject* exec_unknown(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  (void)module;
  PyObject* plain = PyModule_New("plain");
  if (plain == NULL) return NULL;
  const int result = PyModule_ExecDef(plain, &faulty_defs[0]);
  Py_DECREF(plain);
  return result == 0 ? PyUnicode_FromString("no error") : NULL;
}

/* PyModule_Create with a multi-phase def. */
static PyObject* create_multiphase(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  (void)module;
  return PyModule_Create(&created_def);
}

/* ---- Module-level accessors --------------------------------------------------------------- */

/* PyState_* on a multi-phase def: (FindModule is NULL without error, AddModule's error) */
static PyObject* state_api(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  PyObject* found = PyState_FindModule(&multiphase_def);
  const int clean = found == NULL && !PyErr_Occurred();
  if (PyState_AddModule(module, &multiphase_def) == 0) return PyUnicode_FromString("added?");
  return clean ? NULL : PyUnicode_FromString("found?");
}

static PyObject* state_remove(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  (void)module;
  if (PyState_RemoveModule(&multiphase_def) == 0) return PyUnicode_FromString("removed?");
  return NULL;
}

static PyObject* filename(PyObject* module, PyObject* arg) {
  return PyModule_GetFilenameObject(arg == Py_None ? module : arg);
}

static PyObject* get_def(PyObject* module, PyObject* arg) {
  PyModuleDef* def = PyModule_GetDef(arg == Py_None ? module : arg);
  if (def == NULL) return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
  return PyUnicode_FromString(def->m_name);
}

static PyObject* exec_info(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  multiphase_state* st = module_state(module);
  PyObject* spec = PyObject_GetAttrString(module, "__spec__");
  if (spec == NULL) return NULL;
  PyObject* spec_name = PyObject_GetAttrString(spec, "name");
  PyObject* origin = PyObject_GetAttrString(spec, "origin");
  Py_DECREF(spec);
  if (spec_name == NULL || origin == NULL) {
    Py_XDECREF(spec_name);
    Py_XDECREF(origin);
    return NULL;
  }
  return Py_BuildValue("(iNN)", st->exec_order, spec_name, origin);
}

static PyObject* created_count(PyObject* module, PyObject* Py_UNUSED(ignored)) {
  return PyLong_FromLong(__atomic_load_n(&module_state(module)->created, __ATOMIC_RELAXED));
}

static PyMethodDef multiphase_methods[] = {
    {"names", names, METH_O, NULL},
    {"flags", flags, METH_O, NULL},
    {"slots", slots, METH_NOARGS, NULL},
    {"bad_slot", bad_slot, METH_O, NULL},
    {"type_module", type_module, METH_O, NULL},
    {"module_by_def", module_by_def, METH_O, NULL},
    {"module_by_other_def", module_by_other_def, METH_O, NULL},
    {"make", make, METH_VARARGS, NULL},
    {"plain_instances", plain_instances, METH_NOARGS, NULL},
    {"raise_error", raise_error, METH_VARARGS, NULL},
    {"matches", matches, METH_NOARGS, NULL},
    {"new_exceptions", new_exceptions, METH_NOARGS, NULL},
    {"bad_exception", bad_exception, METH_NOARGS, NULL},
    {"bad_spec", bad_spec, METH_O, NULL},
    {"make_created", make_created, METH_O, NULL},
    {"bad_def", bad_def, METH_O, NULL},
    {"exec_unknown", exec_unknown, METH_NOARGS, NULL},
    {"create_multiphase", create_multiphase, METH_NOARGS, NULL},
    {"state_api", state_api, METH_NOARGS, NULL},
    {"state_remove", state_remove, METH_NOARGS, NULL},
    {"filename", filename, METH_O, NULL},
    {"get_def", get_def, METH_O, NULL},
    {"exec_info", exec_info, METH_NOARGS, NULL},
    {"created_count", created_count, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* ---- The module ------------------------------------------------------------------------------ */

static int multiphase_exec_types(PyObject* module) {
  multiphase_state* st = state_of(module);
  if (st == NULL) return -1;
  st->exec_order = 1;
  st->counter_type = PyType_FromModuleAndSpec(module, &Counter_spec, NULL);
  if (st->counter_type == NULL) return -1;
  if (PyModule_AddType(module, (PyTypeObject*)st->counter_type) < 0) return -1;
  st->sub_type = PyType_FromSpecWithBases(&SubCounter_spec, st->counter_type);
  if (st->sub_type == NULL) return -1;
  if (PyModule_AddObjectRef(module, "SubCounter", st->sub_type) < 0) return -1;
  st->plain_type = PyType_FromModuleAndSpec(module, &Plain_spec, NULL);
  if (st->plain_type == NULL) return -1;
  if (PyModule_AddType(module, (PyTypeObject*)st->plain_type) < 0) return -1;
  st->token_type = PyType_FromSpec(&Token_spec);
  if (st->token_type == NULL) return -1;
  return PyModule_AddType(module, (PyTypeObject*)st->token_type);
}

static int multiphase_exec_errors(PyObject* module) {
  multiphase_state* st = state_of(module);
  st->exec_order = st->exec_order == 1 ? 2 : -1;
  st->error = PyErr_NewException("multiphase.Error", NULL, NULL);
  if (st->error == NULL) return -1;
  if (PyModule_AddObjectRef(module, "Error", st->error) < 0) return -1;
  st->sub_error = PyErr_NewExceptionWithDoc("multiphase.SubError", "A more specific error.",
                                            st->error, NULL);
  if (st->sub_error == NULL) return -1;
  /* The legacy form: steals on success only. */
  Py_INCREF(st->sub_error);
  if (PyModule_AddObject(module, "SubError", st->sub_error) < 0) {
    Py_DECREF(st->sub_error);
    return -1;
  }
  return 0;
}

static int multiphase_traverse(PyObject* module, visitproc visit, void* arg) {
  multiphase_state* st = state_of(module);
  Py_VISIT(st->counter_type);
  Py_VISIT(st->sub_type);
  Py_VISIT(st->plain_type);
  Py_VISIT(st->token_type);
  Py_VISIT(st->error);
  Py_VISIT(st->sub_error);
  return 0;
}

static int multiphase_clear(PyObject* module) {
  multiphase_state* st = state_of(module);
  Py_CLEAR(st->counter_type);
  Py_CLEAR(st->sub_type);
  Py_CLEAR(st->plain_type);
  Py_CLEAR(st->token_type);
  Py_CLEAR(st->error);
  Py_CLEAR(st->sub_error);
  return 0;
}

static void multiphase_free(void* module) { multiphase_clear((PyObject*)module); }

static PyModuleDef_Slot multiphase_slots[] = {
    {Py_mod_exec, multiphase_exec_types},
    {Py_mod_exec, multiphase_exec_errors},
    {0, NULL},
};

PyDoc_STRVAR(multiphase_doc, "A multi-phase module with per-module state.");

static struct PyModuleDef multiphase_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "multiphase",
    .m_doc = multiphase_doc,
    .m_size = sizeof(multiphase_state),
    .m_methods = multiphase_methods,
    .m_slots = multiphase_slots,
    .m_traverse = multiphase_traverse,
    .m_clear = multiphase_clear,
    .m_free = multiphase_free,
};

PyMODINIT_FUNC PyInit_multiphase(void) { return PyModuleDef_Init(&multiphase_def); }
