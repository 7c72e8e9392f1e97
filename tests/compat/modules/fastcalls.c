/* An extension module using the fast calling conventions, as modern extensions do:
 *
 *   fastcalls.fast_sum(*ints)          METH_FASTCALL: the sum of its int arguments
 *   fastcalls.fast_kw(a, b=2, *, scale=1)
 *                                      METH_FASTCALL | METH_KEYWORDS, keywords parsed by
 *                                      hand from kwnames: (a + b) * scale
 *   fastcalls.echo(*args, **kw)        METH_FASTCALL | METH_KEYWORDS: what it received,
 *                                      (args, kwnames or None, keyword values)
 *   fastcalls.noargs()                 METH_NOARGS: 'nothing'
 *   fastcalls.one(x)                   METH_O: (x,)
 *   fastcalls.varargs(*args)           METH_VARARGS: args
 *   fastcalls.varkw(*args, **kw)       METH_VARARGS | METH_KEYWORDS: (args, kw or None)
 *   fastcalls.null_result()            METH_FASTCALL: NULL without an exception (a bug)
 *   fastcalls.forward(f, *args, **kw)  METH_FASTCALL | METH_KEYWORDS: f(*args, **kw) through
 *                                      PyObject_Vectorcall, with a slot in front of the
 *                                      arguments (PY_VECTORCALL_ARGUMENTS_OFFSET)
 *   fastcalls.bind(f, self)            METH_FASTCALL: a bound method (PyMethod_New)
 *   fastcalls.method_parts(m)          METH_O: (PyMethod_Function(m), PyMethod_Self(m))
 *   fastcalls.instancemethod(f)        METH_O: PyInstanceMethod_New(f)
 *   fastcalls.ANSWER                   42 (not callable)
 *
 *   fastcalls.Adder(base, fast=True)   a callable object: Adder(*ints, times=1) gives
 *                                      ((base + sum) * times, whether the caller allowed
 *                                      args[-1] to be used); through vectorcall
 *                                      (tp_vectorcall_offset, Py_TPFLAGS_HAVE_VECTORCALL,
 *                                      tp_call = PyVectorcall_Call). fast=False leaves the
 *                                      instance's vectorcall pointer NULL.
 *   fastcalls.SubAdder(base)           a static subtype of Adder that adds nothing: it
 *                                      inherits the vectorcall offset, flag and tp_call
 *   fastcalls.Widget(name)             a type whose methods use the fast conventions:
 *     .defining(*args, **kw)           METH_METHOD | METH_FASTCALL | METH_KEYWORDS: the
 *                                      defining class's name, the widget's, and the call
 *     .scaled(k)                       METH_FASTCALL: name * k
 *     .label()                         METH_NOARGS: the name
 *     .tag(x)                          METH_O: (name, x)
 *     Widget.make(*names)              METH_CLASS | METH_FASTCALL: a list of new widgets
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>
#include <string.h>

/* ---- Module functions ------------------------------------------------------------------- */

static PyObject* fast_sum(PyObject* Py_UNUSED(module), PyObject* const* args, Py_ssize_t nargs) {
  long total = 0;
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    long value = PyLong_AsLong(args[i]);
    if (value == -1 && PyErr_Occurred()) return NULL;
    total += value;
  }
  return PyLong_FromLong(total);
}

/* fast_kw(a, b=2, *, scale=1): the keywords are found in kwnames by hand, as extension
 * authors write it without Argument Clinic. */
static PyObject* fast_kw(PyObject* Py_UNUSED(module), PyObject* const* args, Py_ssize_t nargs,
                         PyObject* kwnames) {
  PyObject* a = NULL;
  PyObject* b = NULL;
  PyObject* scale = NULL;
  if (nargs > 2) {
    PyErr_Format(PyExc_TypeError, "fast_kw() takes at most 2 positional arguments (%zd given)",
                 nargs);
    return NULL;
  }
  if (nargs > 0) a = args[0];
  if (nargs > 1) b = args[1];
  Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, i);
    PyObject* value = args[nargs + i];
    const char* name = PyUnicode_AsUTF8(key);
    if (name == NULL) return NULL;
    PyObject** slot = NULL;
    if (strcmp(name, "a") == 0) {
      slot = &a;
    } else if (strcmp(name, "b") == 0) {
      slot = &b;
    } else if (strcmp(name, "scale") == 0) {
      slot = &scale;
    } else {
      PyErr_Format(PyExc_TypeError, "fast_kw() got an unexpected keyword argument '%s'", name);
      return NULL;
    }
    if (*slot != NULL) {
      PyErr_Format(PyExc_TypeError, "fast_kw() got multiple values for argument '%s'", name);
      return NULL;
    }
    *slot = value;
  }
  if (a == NULL) {
    PyErr_SetString(PyExc_TypeError, "fast_kw() missing required argument 'a'");
    return NULL;
  }
  long av = PyLong_AsLong(a);
  if (av == -1 && PyErr_Occurred()) return NULL;
  long bv = b == NULL ? 2 : PyLong_AsLong(b);
  if (bv == -1 && PyErr_Occurred()) return NULL;
  long sv = scale == NULL ? 1 : PyLong_AsLong(scale);
  if (sv == -1 && PyErr_Occurred()) return NULL;
  return PyLong_FromLong((av + bv) * sv);
}

/* What a METH_FASTCALL | METH_KEYWORDS function receives: the positional arguments, the
 * kwnames tuple (None when NULL) and the keyword values after the positionals. */
static PyObject* echo_call(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
  PyObject* positional = PyTuple_New(nargs);
  if (positional == NULL) return NULL;
  for (Py_ssize_t i = 0; i < nargs; ++i) PyTuple_SET_ITEM(positional, i, Py_NewRef(args[i]));
  PyObject* values = PyTuple_New(nkw);
  if (values == NULL) {
    Py_DECREF(positional);
    return NULL;
  }
  for (Py_ssize_t i = 0; i < nkw; ++i) PyTuple_SET_ITEM(values, i, Py_NewRef(args[nargs + i]));
  return Py_BuildValue("(NON)", positional, kwnames == NULL ? Py_None : kwnames, values);
}

static PyObject* echo(PyObject* Py_UNUSED(module), PyObject* const* args, Py_ssize_t nargs,
                      PyObject* kwnames) {
  return echo_call(args, nargs, kwnames);
}

static PyObject* noargs(PyObject* Py_UNUSED(module), PyObject* Py_UNUSED(ignored)) {
  return PyUnicode_FromString("nothing");
}

static PyObject* one(PyObject* Py_UNUSED(module), PyObject* arg) {
  return PyTuple_Pack(1, arg);
}

static PyObject* varargs(PyObject* Py_UNUSED(module), PyObject* args) {
  return Py_NewRef(args);
}

static PyObject* varkw(PyObject* Py_UNUSED(module), PyObject* args, PyObject* kwargs) {
  return Py_BuildValue("(OO)", args, kwargs == NULL ? Py_None : kwargs);
}

static PyObject* null_result(PyObject* Py_UNUSED(module), PyObject* const* Py_UNUSED(args),
                             Py_ssize_t Py_UNUSED(nargs)) {
  return NULL; /* the bug: no exception set */
}

/* forward(f, *args, **kw): calls f with the rest, reusing the caller's keyword names, from
 * an array with one free slot in front so that f may use args[-1]. */
static PyObject* forward(PyObject* Py_UNUSED(module), PyObject* const* args, Py_ssize_t nargs,
                         PyObject* kwnames) {
  if (nargs < 1) {
    PyErr_SetString(PyExc_TypeError, "forward() needs a callable");
    return NULL;
  }
  Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
  Py_ssize_t total = nargs - 1 + nkw;
  PyObject** stack = PyMem_Malloc((size_t)(total + 1) * sizeof(PyObject*));
  if (stack == NULL) return PyErr_NoMemory();
  stack[0] = NULL;
  for (Py_ssize_t i = 0; i < total; ++i) stack[i + 1] = args[i + 1];
  PyObject* result = PyObject_Vectorcall(
      args[0], stack + 1, (size_t)(nargs - 1) | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames);
  PyMem_Free(stack);
  return result;
}

static PyObject* bind(PyObject* Py_UNUSED(module), PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_Format(PyExc_TypeError, "bind expected 2 arguments, got %zd", nargs);
    return NULL;
  }
  return PyMethod_New(args[0], args[1]);
}

static PyObject* method_parts(PyObject* Py_UNUSED(module), PyObject* method) {
  PyObject* func = PyMethod_Function(method);
  if (func == NULL) return NULL;
  PyObject* self = PyMethod_Self(method);
  if (self == NULL) return NULL;
  if (func != PyMethod_GET_FUNCTION(method) || self != PyMethod_GET_SELF(method)) {
    PyErr_SetString(PyExc_AssertionError, "the macros disagree");
    return NULL;
  }
  return PyTuple_Pack(2, func, self);
}

static PyObject* instancemethod(PyObject* Py_UNUSED(module), PyObject* func) {
  return PyInstanceMethod_New(func);
}

static PyMethodDef fastcalls_functions[] = {
    {"fast_sum", (PyCFunction)(void (*)(void))fast_sum, METH_FASTCALL, "Sums ints."},
    {"fast_kw", _PyCFunction_CAST(fast_kw), METH_FASTCALL | METH_KEYWORDS,
     "fast_kw($module, a, b=2, *, scale=1)\n--\n\n(a + b) * scale"},
    {"echo", (PyCFunction)(void (*)(void))echo, METH_FASTCALL | METH_KEYWORDS, NULL},
    {"noargs", noargs, METH_NOARGS, "noargs(\n\nNot a signature: no end marker."},
    {"one", one, METH_O, NULL},
    {"varargs", varargs, METH_VARARGS, NULL},
    {"varkw", (PyCFunction)(void (*)(void))varkw, METH_VARARGS | METH_KEYWORDS, NULL},
    {"null_result", (PyCFunction)(void (*)(void))null_result, METH_FASTCALL, NULL},
    {"forward", (PyCFunction)(void (*)(void))forward, METH_FASTCALL | METH_KEYWORDS, NULL},
    {"bind", (PyCFunction)(void (*)(void))bind, METH_FASTCALL, NULL},
    {"method_parts", method_parts, METH_O, NULL},
    {"instancemethod", instancemethod, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

/* ---- Adder: a callable object with a vectorcall slot -------------------------------------- */

typedef struct {
  PyObject_HEAD
  long base;
  vectorcallfunc vectorcall;
} AdderObject;

static PyObject* adder_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                                  PyObject* kwnames) {
  AdderObject* self = (AdderObject*)callable;
  Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  int offset = (nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET) != 0;
  if (offset) {
    /* The caller lent args[-1]: use it (as bound methods do to prepend self), then put back
     * what was there. */
    PyObject** writable = (PyObject**)args;
    PyObject* saved = writable[-1];
    writable[-1] = callable;
    int same = writable[-1] == callable;
    writable[-1] = saved;
    if (!same) return NULL;
  }
  long total = self->base;
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    long value = PyLong_AsLong(args[i]);
    if (value == -1 && PyErr_Occurred()) return NULL;
    total += value;
  }
  Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    const char* name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, i));
    if (name == NULL) return NULL;
    if (strcmp(name, "times") != 0) {
      PyErr_Format(PyExc_TypeError, "Adder() got an unexpected keyword argument '%s'", name);
      return NULL;
    }
    long times = PyLong_AsLong(args[nargs + i]);
    if (times == -1 && PyErr_Occurred()) return NULL;
    total *= times;
  }
  return Py_BuildValue("(lO)", total, offset ? Py_True : Py_False);
}

static PyObject* adder_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static char* keywords[] = {"base", "fast", NULL};
  long base;
  int fast = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "l|p:Adder", keywords, &base, &fast)) {
    return NULL;
  }
  AdderObject* self = (AdderObject*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->base = base;
  self->vectorcall = fast ? adder_vectorcall : NULL;
  return (PyObject*)self;
}

static PyTypeObject AdderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fastcalls.Adder",
    .tp_basicsize = sizeof(AdderObject),
    .tp_vectorcall_offset = offsetof(AdderObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "Adder(base, fast=True): calling it adds its arguments to base.",
    .tp_new = adder_new,
};

static PyTypeObject SubAdderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fastcalls.SubAdder",
    .tp_basicsize = sizeof(AdderObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An Adder by inheritance.",
    .tp_base = &AdderType,
};

/* ---- Widget: methods with the fast conventions -------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject* name;
} WidgetObject;

static int widget_traverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(((WidgetObject*)op)->name);
  return 0;
}

static int widget_clear(PyObject* op) {
  Py_CLEAR(((WidgetObject*)op)->name);
  return 0;
}

static void widget_dealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  widget_clear(op);
  Py_TYPE(op)->tp_free(op);
}

static PyObject* widget_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static char* keywords[] = {"name", NULL};
  PyObject* name;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U:Widget", keywords, &name)) return NULL;
  WidgetObject* self = (WidgetObject*)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->name = Py_NewRef(name);
  return (PyObject*)self;
}

static PyObject* widget_defining(PyObject* self, PyTypeObject* defining_class,
                                 PyObject* const* args, size_t nargs, PyObject* kwnames) {
  PyObject* call = echo_call(args, (Py_ssize_t)nargs, kwnames);
  if (call == NULL) return NULL;
  return Py_BuildValue("(sON)", defining_class->tp_name, ((WidgetObject*)self)->name, call);
}

static PyObject* widget_scaled(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 1) {
    PyErr_Format(PyExc_TypeError, "scaled expected 1 argument, got %zd", nargs);
    return NULL;
  }
  Py_ssize_t k = PyLong_AsSsize_t(args[0]);
  if (k == -1 && PyErr_Occurred()) return NULL;
  PyObject* list = PyList_New(0);
  if (list == NULL) return NULL;
  for (Py_ssize_t i = 0; i < k; ++i) {
    if (PyList_Append(list, ((WidgetObject*)self)->name) < 0) {
      Py_DECREF(list);
      return NULL;
    }
  }
  return list;
}

static PyObject* widget_label(PyObject* self, PyObject* Py_UNUSED(ignored)) {
  return Py_NewRef(((WidgetObject*)self)->name);
}

static PyObject* widget_tag(PyObject* self, PyObject* arg) {
  return PyTuple_Pack(2, ((WidgetObject*)self)->name, arg);
}

static PyObject* widget_make(PyObject* cls, PyObject* const* args, Py_ssize_t nargs) {
  PyObject* list = PyList_New(nargs);
  if (list == NULL) return NULL;
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    PyObject* widget = PyObject_CallOneArg(cls, args[i]);
    if (widget == NULL) {
      Py_DECREF(list);
      return NULL;
    }
    PyList_SET_ITEM(list, i, widget);
  }
  return list;
}

static PyObject* widget_repr(PyObject* self) {
  return PyUnicode_FromFormat("<Widget %R>", ((WidgetObject*)self)->name);
}

static PyMethodDef widget_methods[] = {
    {"defining", (PyCFunction)(void (*)(void))widget_defining,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, "The defining class and the call."},
    {"scaled", (PyCFunction)(void (*)(void))widget_scaled, METH_FASTCALL, NULL},
    {"label", widget_label, METH_NOARGS, "label($self, /)\n--\n\nThe name."},
    {"tag", widget_tag, METH_O, NULL},
    {"make", (PyCFunction)(void (*)(void))widget_make, METH_CLASS | METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WidgetType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fastcalls.Widget",
    .tp_basicsize = sizeof(WidgetObject),
    .tp_dealloc = widget_dealloc,
    .tp_repr = widget_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Widget(name): methods with the fast calling conventions.",
    .tp_traverse = widget_traverse,
    .tp_clear = widget_clear,
    .tp_methods = widget_methods,
    .tp_new = widget_new,
};

/* ---- The module ----------------------------------------------------------------------- */

static struct PyModuleDef fastcalls_module = {
    PyModuleDef_HEAD_INIT, "fastcalls", "Fast calling conventions.", -1, fastcalls_functions,
};

PyMODINIT_FUNC PyInit_fastcalls(void) {
  if (PyType_Ready(&AdderType) < 0 || PyType_Ready(&SubAdderType) < 0 ||
      PyType_Ready(&WidgetType) < 0) {
    return NULL;
  }
  PyObject* module = PyModule_Create(&fastcalls_module);
  if (module == NULL) return NULL;
  if (PyModule_AddType(module, &AdderType) < 0 || PyModule_AddType(module, &SubAdderType) < 0 ||
      PyModule_AddType(module, &WidgetType) < 0 ||
      PyModule_AddIntConstant(module, "ANSWER", 42) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
