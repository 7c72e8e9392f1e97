// Builtin functions (methodobject.h): PyCFunction_Type and calls through a PyMethodDef.
//
// Owns: PyCFunction_Type and its slots. A PyCFunctionObject's m_self and m_module are pins
// it owns: set (INCREF'd) before the object is tracked, visited by tp_traverse while it is
// tracked, released by tp_dealloc after it is untracked. m_ml is borrowed (a static table).
//
// Calls (tp_call) dispatch on ml_flags with CPython's argument checks and messages, then
// check the result as CPython's _Py_CheckFunctionResult does: NULL with an exception set,
// or a value with none.
//
// Threads: any attached thread; tp_traverse on collector threads in a pause (it only reads
// the two fields, which never change while the object is tracked).
#include "compat/runtime/runtime.h"

namespace {

PyCFunctionObject* AsFunction(PyObject* op) { return reinterpret_cast<PyCFunctionObject*>(op); }

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

// Calls the C function as its flags say; the argument checks are CPython's.
PyObject* Dispatch(PyCFunctionObject* f, PyObject* args, PyObject* kwargs) {
  const char* name = f->m_ml->ml_name;
  const int flags = f->m_ml->ml_flags & ~(METH_CLASS | METH_STATIC | METH_COEXIST);
  // CPython passes PyCFunction_GET_SELF: NULL for METH_STATIC functions, whose m_self is
  // the type that defines them.
  PyObject* self = (f->m_ml->ml_flags & METH_STATIC) ? nullptr : f->m_self;
  const bool has_kwargs = kwargs != nullptr && PyDict_Size(kwargs) != 0;
  const Py_ssize_t nargs = PyTuple_GET_SIZE(args);
  if ((flags & (METH_FASTCALL | METH_METHOD)) != 0) {
    return PyErr_Format(PyExc_SystemError,
                        "%s(): METH_FASTCALL and METH_METHOD functions are not supported by "
                        "Pinion; use METH_VARARGS or METH_VARARGS | METH_KEYWORDS",
                        name);
  }
  if (flags == (METH_VARARGS | METH_KEYWORDS)) {
    // Through void (*)(void), CPython's idiom for casts between function types.
    auto meth = reinterpret_cast<PyCFunctionWithKeywords>(
        reinterpret_cast<void (*)(void)>(f->m_ml->ml_meth));
    return meth(self, args, kwargs);
  }
  if (flags != METH_VARARGS && flags != METH_NOARGS && flags != METH_O) {
    return PyErr_Format(PyExc_SystemError, "%s() method: bad call flags", name);
  }
  if (has_kwargs) return PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", name);
  switch (flags) {
    case METH_NOARGS:
      if (nargs != 0) {
        return PyErr_Format(PyExc_TypeError, "%s() takes no arguments (%zd given)", name, nargs);
      }
      return f->m_ml->ml_meth(self, nullptr);
    case METH_O:
      if (nargs != 1) {
        return PyErr_Format(PyExc_TypeError, "%s() takes exactly one argument (%zd given)", name,
                            nargs);
      }
      return f->m_ml->ml_meth(self, PyTuple_GET_ITEM(args, 0));
    default:  // METH_VARARGS
      return f->m_ml->ml_meth(self, args);
  }
}

PyObject* FunctionCall(PyObject* op, PyObject* args, PyObject* kwargs) {
  PyObject* result = Dispatch(AsFunction(op), args, kwargs);
  if (result == nullptr && PyErr_Occurred() == nullptr) {
    return PyErr_Format(PyExc_SystemError, "%R returned NULL without setting an exception", op);
  }
  if (result != nullptr && PyErr_Occurred() != nullptr) {
    Py_DECREF(result);
    return PyErr_Format(PyExc_SystemError, "%R returned a result with an exception set", op);
  }
  return result;
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
    .tp_repr = &FunctionRepr,
    .tp_call = &FunctionCall,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "A builtin function: a C function from a PyMethodDef, bound to its self.",
    .tp_traverse = &FunctionTraverse,
};

extern "C" PyObject* PyCFunction_NewEx(PyMethodDef* ml, PyObject* self, PyObject* module) {
  PyObject* op = pinion::compat::AllocObject(&PyCFunction_Type, sizeof(PyCFunctionObject),
                                             /*gc=*/true);
  if (op == nullptr) return nullptr;
  PyCFunctionObject* f = AsFunction(op);
  f->m_ml = ml;
  f->m_self = Py_XNewRef(self);
  f->m_module = Py_XNewRef(module);
  PyObject_GC_Track(op);
  return op;
}

extern "C" PyObject* PyCFunction_New(PyMethodDef* ml, PyObject* self) {
  return PyCFunction_NewEx(ml, self, nullptr);
}

// METH_METHOD is not supported yet (calling such a function raises SystemError), so the
// defining class is not kept.
extern "C" PyObject* PyCMethod_New(PyMethodDef* ml, PyObject* self, PyObject* module,
                                   PyTypeObject*) {
  return PyCFunction_NewEx(ml, self, module);
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
