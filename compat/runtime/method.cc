// Builtin functions (methodobject.h): PyCFunction_Type, its subtype PyCMethod_Type, and
// calls through a PyMethodDef in each calling convention.
//
// Owns: PyCFunction_Type and PyCMethod_Type and their slots. A PyCFunctionObject's m_self
// and m_module (and a PyCMethodObject's mm_class) are pins it owns: set (INCREF'd) before the
// object is tracked, visited by tp_traverse while it is tracked, released by tp_dealloc
// after it is untracked. m_ml is borrowed (a static table).
//
// Calls, as CPython 3.11's Objects/methodobject.c: PyCMethod_New picks the function's
// vectorcall function from its flags (none for METH_VARARGS, which is called through
// tp_call), so the call protocol (call.cc) passes arrays straight through; each convention
// checks its arguments with CPython's messages. Results are checked by the caller (call.cc's
// CheckCallResult, CPython's _Py_CheckFunctionResult), and by tp_call for METH_VARARGS.
//
// Threads: any attached thread; tp_traverse on collector threads in a pause (it only reads
// fields that never change while the object is tracked).
#include <cstddef>
#include <cstring>

#include "compat/runtime/calls.h"
#include "compat/runtime/runtime.h"

namespace {

using pinion::compat::CheckCallResult;

PyCFunctionObject* AsFunction(PyObject* op) { return reinterpret_cast<PyCFunctionObject*>(op); }
PyCMethodObject* AsMethod(PyObject* op) { return reinterpret_cast<PyCMethodObject*>(op); }

int FunctionTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(AsFunction(op)->m_self);
  Py_VISIT(AsFunction(op)->m_module);
  return 0;
}

void FunctionDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  Py_CLEAR(AsFunction(op)->m_self);
  Py_CLEAR(AsFunction(op)->m_module);
  Py_TYPE(op)->tp_free(op);
}

int MethodTraverse(PyObject* op, visitproc visit, void* arg) {
  Py_VISIT(reinterpret_cast<PyObject*>(AsMethod(op)->mm_class));
  return FunctionTraverse(op, visit, arg);
}

void MethodDealloc(PyObject* op) {
  PyObject_GC_UnTrack(op);
  PyTypeObject* cls = AsMethod(op)->mm_class;
  AsMethod(op)->mm_class = nullptr;
  Py_XDECREF(reinterpret_cast<PyObject*>(cls));
  FunctionDealloc(op);
}

// CPython's: "<built-in function f>" for module functions and unbound ones, else
// "<built-in method f of T object at 0x...>".
PyObject* FunctionRepr(PyObject* op) {
  PyCFunctionObject* f = AsFunction(op);
  if (f->m_self == nullptr || PyModule_Check(f->m_self)) {
    return PyUnicode_FromFormat("<built-in function %s>", f->m_ml->ml_name);
  }
  return PyUnicode_FromFormat("<built-in method %s of %s object at %p>", f->m_ml->ml_name,
                              Py_TYPE(f->m_self)->tp_name, static_cast<void*>(f->m_self));
}

// __qualname__: the name, or "T.name" for a function bound to an instance of T or to T (a
// static type's __qualname__ is its tp_name after the last dot). A new str.
PyObject* Qualname(PyObject* op) {
  PyCFunctionObject* f = AsFunction(op);
  const char* name = f->m_ml->ml_name;
  if (f->m_self == nullptr || PyModule_Check(f->m_self)) return PyUnicode_FromString(name);
  PyTypeObject* type = PyType_Check(f->m_self) ? reinterpret_cast<PyTypeObject*>(f->m_self)
                                               : Py_TYPE(f->m_self);
  const char* type_name = std::strrchr(type->tp_name, '.');
  type_name = type_name != nullptr ? type_name + 1 : type->tp_name;
  return PyUnicode_FromFormat("%s.%s", type_name, name);
}

// How CPython's messages name a builtin function (_PyObject_FunctionStr on its __qualname__
// and __module__): "mod.f()", "T.f()" for a method bound to an instance of T or to T itself,
// "f()" when __module__ is None or "builtins". A new str, or NULL with an exception.
PyObject* FunctionStr(PyObject* op) {
  PyObject* qualname = Qualname(op);
  if (qualname == nullptr) return nullptr;
  PyObject* module = AsFunction(op)->m_module;
  bool builtins = false;
  if (module != nullptr && PyUnicode_Check(module)) {
    const char* utf8 = PyUnicode_AsUTF8(module);
    if (utf8 == nullptr) {
      Py_DECREF(qualname);
      return nullptr;
    }
    builtins = std::strcmp(utf8, "builtins") == 0;
  }
  PyObject* result;
  if (module != nullptr && module != Py_None && !builtins) {
    result = PyUnicode_FromFormat("%S.%S()", module, qualname);
  } else {
    result = PyUnicode_FromFormat("%S()", qualname);
  }
  Py_DECREF(qualname);
  return result;
}

// A docstring may begin with its signature, as Argument Clinic writes them:
// "name(args)\n--\n\n" then the text. Where the signature's "(" is in `doc`, or nullptr.
const char* FindSignature(const char* name, const char* doc) {
  if (doc == nullptr) return nullptr;
  if (const char* dot = std::strrchr(name, '.')) name = dot + 1;
  const size_t length = std::strlen(name);
  if (std::strncmp(doc, name, length) != 0 || doc[length] != '(') return nullptr;
  return doc + length;
}

constexpr char kSignatureEnd[] = ")\n--\n\n";

// Where the text after the signature starting at `signature` begins, or nullptr when there
// is no end marker before a blank line.
const char* SkipSignature(const char* signature) {
  for (const char* p = signature; *p != '\0'; ++p) {
    if (std::strncmp(p, kSignatureEnd, sizeof(kSignatureEnd) - 1) == 0) {
      return p + sizeof(kSignatureEnd) - 1;
    }
    if (p[0] == '\n' && p[1] == '\n') return nullptr;
  }
  return nullptr;
}

// __doc__: ml_doc without its signature; None when there is none or it is empty.
PyObject* Doc(PyObject* op) {
  const PyMethodDef* ml = AsFunction(op)->m_ml;
  const char* doc = ml->ml_doc;
  if (const char* signature = FindSignature(ml->ml_name, doc)) {
    if (const char* text = SkipSignature(signature)) doc = text;
  }
  if (doc == nullptr || *doc == '\0') Py_RETURN_NONE;
  return PyUnicode_FromString(doc);
}

// __text_signature__: "(args)" from the docstring's signature, or None.
PyObject* TextSignature(PyObject* op) {
  const PyMethodDef* ml = AsFunction(op)->m_ml;
  const char* start = FindSignature(ml->ml_name, ml->ml_doc);
  const char* end = start != nullptr ? SkipSignature(start) : nullptr;
  if (end == nullptr) Py_RETURN_NONE;
  end -= sizeof(kSignatureEnd) - 2;  // just past the ')'
  return PyUnicode_FromStringAndSize(start, end - start);
}

// The attributes CPython's builtin functions have (its getsets and members): read-only.
const char* const kAttributes[] = {"__name__", "__qualname__", "__module__", "__self__",
                                   "__doc__", "__text_signature__"};

// Which of kAttributes `name` is, or -1 (also for a name that is not a str); -2 with an
// exception set.
int AttributeIndex(PyObject* name) {
  if (!PyUnicode_Check(name)) return -1;
  const char* utf8 = PyUnicode_AsUTF8(name);
  if (utf8 == nullptr) return -2;
  for (int i = 0; i < static_cast<int>(sizeof(kAttributes) / sizeof(kAttributes[0])); ++i) {
    if (std::strcmp(utf8, kAttributes[i]) == 0) return i;
  }
  return -1;
}

PyObject* FunctionGetAttr(PyObject* op, PyObject* name) {
  PyCFunctionObject* f = AsFunction(op);
  switch (AttributeIndex(name)) {
    case -2:
      return nullptr;
    case 0:
      return PyUnicode_FromString(f->m_ml->ml_name);
    case 1:
      return Qualname(op);
    case 2:
      return Py_NewRef(f->m_module != nullptr ? f->m_module : Py_None);
    case 3: {
      PyObject* self = PyCFunction_GET_SELF(op);
      return Py_NewRef(self != nullptr ? self : Py_None);
    }
    case 4:
      // CPython's builtin_method type has a __doc__ of None in its dict, which shadows the
      // getset its base has: a METH_METHOD function's __doc__ is None.
      if (PyCMethod_Check(op)) Py_RETURN_NONE;
      return Doc(op);
    case 5:
      return TextSignature(op);
    default:
      return PyObject_GenericGetAttr(op, name);
  }
}

PyObject* NotWritable(PyObject* op, PyObject* name) {
  PyErr_Format(PyExc_AttributeError, "attribute '%U' of '%s' objects is not writable", name,
               Py_TYPE(op)->tp_name);
  return nullptr;
}

int FunctionSetAttr(PyObject* op, PyObject* name, PyObject* value) {
  const int index = AttributeIndex(name);
  if (index == -2) return -1;
  if (index >= 0) {
    // CPython lets __module__ be set; Pinion's functions are immutable (threads read their
    // fields without a lock), so it is read-only too.
    NotWritable(op, name);
    return -1;
  }
  return PyObject_GenericSetAttr(op, name, value);
}

// TypeError "<FunctionStr> <what>", as CPython's vectorcall functions raise it.
PyObject* CallError(PyObject* op, const char* what, Py_ssize_t given) {
  PyObject* funcstr = FunctionStr(op);
  if (funcstr == nullptr) return nullptr;
  if (given < 0) {
    PyErr_Format(PyExc_TypeError, "%U %s", funcstr, what);
  } else {
    PyErr_Format(PyExc_TypeError, "%U %s (%zd given)", funcstr, what, given);
  }
  Py_DECREF(funcstr);
  return nullptr;
}

// True when the call passes keywords (a non-empty kwnames tuple); raises CPython's error.
bool RefuseKeywords(PyObject* op, PyObject* kwnames) {
  if (kwnames == nullptr || PyTuple_GET_SIZE(kwnames) == 0) return false;
  CallError(op, "takes no keyword arguments", -1);
  return true;
}

template <typename F>
F Function(PyObject* op) {
  // Through void (*)(void), CPython's idiom for casts between function types.
  return reinterpret_cast<F>(reinterpret_cast<void (*)(void)>(AsFunction(op)->m_ml->ml_meth));
}

// The vectorcall functions, one per calling convention (CPython's cfunction_vectorcall_*).
PyObject* VectorcallFast(PyObject* op, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  if (RefuseKeywords(op, kwnames)) return nullptr;
  return Function<_PyCFunctionFast>(op)(PyCFunction_GET_SELF(op), args,
                                        PyVectorcall_NARGS(nargsf));
}

PyObject* VectorcallFastKeywords(PyObject* op, PyObject* const* args, size_t nargsf,
                                 PyObject* kwnames) {
  return Function<_PyCFunctionFastWithKeywords>(op)(PyCFunction_GET_SELF(op), args,
                                                    PyVectorcall_NARGS(nargsf), kwnames);
}

PyObject* VectorcallMethod(PyObject* op, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  return Function<PyCMethod>(op)(PyCFunction_GET_SELF(op), AsMethod(op)->mm_class, args,
                                 static_cast<size_t>(PyVectorcall_NARGS(nargsf)), kwnames);
}

PyObject* VectorcallNoArgs(PyObject* op, PyObject* const*, size_t nargsf, PyObject* kwnames) {
  if (RefuseKeywords(op, kwnames)) return nullptr;
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (nargs != 0) return CallError(op, "takes no arguments", nargs);
  return AsFunction(op)->m_ml->ml_meth(PyCFunction_GET_SELF(op), nullptr);
}

PyObject* VectorcallO(PyObject* op, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  if (RefuseKeywords(op, kwnames)) return nullptr;
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (nargs != 1) return CallError(op, "takes exactly one argument", nargs);
  return AsFunction(op)->m_ml->ml_meth(PyCFunction_GET_SELF(op), args[0]);
}

// tp_call: METH_VARARGS functions directly (CPython's cfunction_call), the others through
// their vectorcall function.
PyObject* FunctionCall(PyObject* op, PyObject* args, PyObject* kwargs) {
  const int flags = PyCFunction_GET_FLAGS(op);
  if (!(flags & METH_VARARGS)) return PyVectorcall_Call(op, args, kwargs);
  PyObject* self = PyCFunction_GET_SELF(op);
  PyObject* result;
  if (flags & METH_KEYWORDS) {
    result = Function<PyCFunctionWithKeywords>(op)(self, args, kwargs);
  } else if (kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) {
    return PyErr_Format(PyExc_TypeError, "%.200s() takes no keyword arguments",
                        AsFunction(op)->m_ml->ml_name);
  } else {
    result = AsFunction(op)->m_ml->ml_meth(self, args);
  }
  return CheckCallResult(op, result);
}

// SystemError unless `op` is a builtin function.
bool CheckFunction(PyObject* op) {
  if (op != nullptr && PyCFunction_Check(op)) return true;
  PyErr_BadInternalCall();
  return false;
}

}  // namespace

PyTypeObject PyCFunction_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "builtin_function_or_method",
    .tp_basicsize = sizeof(PyCFunctionObject),
    .tp_dealloc = &FunctionDealloc,
    .tp_vectorcall_offset = offsetof(PyCFunctionObject, vectorcall),
    .tp_repr = &FunctionRepr,
    .tp_call = &FunctionCall,
    .tp_getattro = &FunctionGetAttr,
    .tp_setattro = &FunctionSetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "A builtin function: a C function from a PyMethodDef, bound to its self.",
    .tp_traverse = &FunctionTraverse,
    .tp_weaklistoffset = offsetof(PyCFunctionObject, m_weakreflist),
};

PyTypeObject PyCMethod_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "builtin_method",
    .tp_basicsize = sizeof(PyCMethodObject),
    .tp_dealloc = &MethodDealloc,
    .tp_vectorcall_offset = offsetof(PyCFunctionObject, vectorcall),
    .tp_repr = &FunctionRepr,
    .tp_call = &FunctionCall,
    .tp_getattro = &FunctionGetAttr,
    .tp_setattro = &FunctionSetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "A builtin method that receives the class defining it (METH_METHOD).",
    .tp_traverse = &MethodTraverse,
    .tp_base = &PyCFunction_Type,
};

extern "C" PyObject* PyCMethod_New(PyMethodDef* ml, PyObject* self, PyObject* module,
                                   PyTypeObject* cls) {
  if (ml == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  vectorcallfunc vectorcall;
  switch (ml->ml_flags & (METH_VARARGS | METH_FASTCALL | METH_NOARGS | METH_O | METH_KEYWORDS |
                          METH_METHOD)) {
    case METH_VARARGS:
    case METH_VARARGS | METH_KEYWORDS:
      vectorcall = nullptr;  // called through tp_call, with the tuple it is given
      break;
    case METH_FASTCALL:
      vectorcall = &VectorcallFast;
      break;
    case METH_FASTCALL | METH_KEYWORDS:
      vectorcall = &VectorcallFastKeywords;
      break;
    case METH_NOARGS:
      vectorcall = &VectorcallNoArgs;
      break;
    case METH_O:
      vectorcall = &VectorcallO;
      break;
    case METH_METHOD | METH_FASTCALL | METH_KEYWORDS:
      vectorcall = &VectorcallMethod;
      break;
    default:
      return PyErr_Format(PyExc_SystemError, "%s() method: bad call flags", ml->ml_name);
  }
  const bool method = (ml->ml_flags & METH_METHOD) != 0;
  if (method && cls == nullptr) {
    PyErr_SetString(PyExc_SystemError,
                    "attempting to create PyCMethod with a METH_METHOD flag but no class");
    return nullptr;
  }
  if (!method && cls != nullptr) {
    PyErr_SetString(PyExc_SystemError,
                    "attempting to create PyCFunction with class but no METH_METHOD flag");
    return nullptr;
  }
  PyTypeObject* type = method ? &PyCMethod_Type : &PyCFunction_Type;
  PyObject* op = pinion::compat::AllocObject(type, type->tp_basicsize, /*gc=*/true);
  if (op == nullptr) return nullptr;
  PyCFunctionObject* f = AsFunction(op);
  f->m_ml = ml;
  f->m_self = Py_XNewRef(self);
  f->m_module = Py_XNewRef(module);
  f->m_weakreflist = nullptr;
  f->vectorcall = vectorcall;
  if (method) {
    AsMethod(op)->mm_class = reinterpret_cast<PyTypeObject*>(
        Py_NewRef(reinterpret_cast<PyObject*>(cls)));
  }
  PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyCFunction_NewEx(PyMethodDef* ml, PyObject* self, PyObject* module) {
  return PyCMethod_New(ml, self, module, nullptr);
}

extern "C" PyObject* PyCFunction_New(PyMethodDef* ml, PyObject* self) {
  return PyCMethod_New(ml, self, nullptr, nullptr);
}

extern "C" PyObject* PyCFunction_Call(PyObject* func, PyObject* args, PyObject* kwargs) {
  return PyObject_Call(func, args, kwargs);
}

extern "C" PyCFunction PyCFunction_GetFunction(PyObject* op) {
  return CheckFunction(op) ? PyCFunction_GET_FUNCTION(op) : nullptr;
}

extern "C" PyObject* PyCFunction_GetSelf(PyObject* op) {
  return CheckFunction(op) ? PyCFunction_GET_SELF(op) : nullptr;
}

extern "C" int PyCFunction_GetFlags(PyObject* op) {
  return CheckFunction(op) ? PyCFunction_GET_FLAGS(op) : -1;
}
