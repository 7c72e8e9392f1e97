// Capsules (pycapsule.h): PyCapsule_Type, its accessors, and PyCapsule_Import.
//
// A capsule is a plain (non-GC) object holding a pointer, a name, a context and a destructor;
// it holds no references. Its tp_dealloc runs the destructor, when the collector finds the
// capsule unreachable (or at Py_Finalize), on an attached thread.
//
// Invariant: a capsule made by PyCapsule_New has a non-NULL pointer (SetPointer refuses
// NULL), so "a capsule with a pointer" (CPython's legal capsule) is every capsule but one
// whose memory was zeroed by other means.
//
// Threads: any attached thread; a capsule's fields are unsynchronised plain fields (no shared
// state here).
#include <cstring>
#include <string>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

struct Capsule {
  PyObject_HEAD
  void* pointer;
  const char* name;
  void* context;
  PyCapsule_Destructor destructor;
};

Capsule* AsCapsule(PyObject* op) { return reinterpret_cast<Capsule*>(op); }

// CPython's _is_legal_capsule: a capsule with a pointer, else ValueError `message`.
Capsule* Legal(PyObject* op, const char* message) {
  if (op == nullptr || !PyCapsule_CheckExact(op) || AsCapsule(op)->pointer == nullptr) {
    PyErr_SetString(PyExc_ValueError, message);
    return nullptr;
  }
  return AsCapsule(op);
}

bool NamesMatch(const char* a, const char* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return std::strcmp(a, b) == 0;
}

void CapsuleDealloc(PyObject* op) {
  Capsule* capsule = AsCapsule(op);
  if (capsule->destructor != nullptr) capsule->destructor(op);
  Py_TYPE(op)->tp_free(op);
}

PyObject* CapsuleRepr(PyObject* op) {
  const char* name = AsCapsule(op)->name;
  if (name == nullptr) return PyUnicode_FromFormat("<capsule object NULL at %p>", op);
  return PyUnicode_FromFormat("<capsule object \"%s\" at %p>", name, op);
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

PyTypeObject PyCapsule_Type = {
    _PyPinion_TYPE_HEAD,
    .tp_name = "PyCapsule",
    .tp_basicsize = sizeof(Capsule),
    .tp_dealloc = &CapsuleDealloc,
    .tp_repr = &CapsuleRepr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Capsule objects let you wrap a C \"void *\" pointer in a Python\n"
              "object.  They're a way of passing data through the Python interpreter\n"
              "without creating your own custom type.\n"
              "\n"
              "Capsules are used for communication between extension modules.\n"
              "They provide a way for an extension module to export a C interface\n"
              "to other extension modules, so that extension modules can use the\n"
              "Python import mechanism to link to one another.\n",
};

extern "C" PyObject* PyCapsule_New(void* pointer, const char* name,
                                   PyCapsule_Destructor destructor) {
  if (pointer == nullptr) {
    PyErr_SetString(PyExc_ValueError, "PyCapsule_New called with null pointer");
    return nullptr;
  }
  PyObject* op = AllocObject(&PyCapsule_Type, sizeof(Capsule), /*gc=*/false);
  if (op == nullptr) return nullptr;
  Capsule* capsule = AsCapsule(op);
  capsule->pointer = pointer;
  capsule->name = name;
  capsule->context = nullptr;
  capsule->destructor = destructor;
  return op;
}

extern "C" int PyCapsule_IsValid(PyObject* op, const char* name) {
  return op != nullptr && PyCapsule_CheckExact(op) && AsCapsule(op)->pointer != nullptr &&
         NamesMatch(AsCapsule(op)->name, name);
}

extern "C" void* PyCapsule_GetPointer(PyObject* op, const char* name) {
  Capsule* capsule = Legal(op, "PyCapsule_GetPointer called with invalid PyCapsule object");
  if (capsule == nullptr) return nullptr;
  if (!NamesMatch(capsule->name, name)) {
    PyErr_SetString(PyExc_ValueError, "PyCapsule_GetPointer called with incorrect name");
    return nullptr;
  }
  return capsule->pointer;
}

extern "C" const char* PyCapsule_GetName(PyObject* op) {
  Capsule* capsule = Legal(op, "PyCapsule_GetName called with invalid PyCapsule object");
  return capsule != nullptr ? capsule->name : nullptr;
}

extern "C" PyCapsule_Destructor PyCapsule_GetDestructor(PyObject* op) {
  Capsule* capsule = Legal(op, "PyCapsule_GetDestructor called with invalid PyCapsule object");
  return capsule != nullptr ? capsule->destructor : nullptr;
}

extern "C" void* PyCapsule_GetContext(PyObject* op) {
  Capsule* capsule = Legal(op, "PyCapsule_GetContext called with invalid PyCapsule object");
  return capsule != nullptr ? capsule->context : nullptr;
}

extern "C" int PyCapsule_SetPointer(PyObject* op, void* pointer) {
  if (pointer == nullptr) {
    PyErr_SetString(PyExc_ValueError, "PyCapsule_SetPointer called with null pointer");
    return -1;
  }
  Capsule* capsule = Legal(op, "PyCapsule_SetPointer called with invalid PyCapsule object");
  if (capsule == nullptr) return -1;
  capsule->pointer = pointer;
  return 0;
}

extern "C" int PyCapsule_SetName(PyObject* op, const char* name) {
  Capsule* capsule = Legal(op, "PyCapsule_SetName called with invalid PyCapsule object");
  if (capsule == nullptr) return -1;
  capsule->name = name;
  return 0;
}

extern "C" int PyCapsule_SetDestructor(PyObject* op, PyCapsule_Destructor destructor) {
  Capsule* capsule = Legal(op, "PyCapsule_SetDestructor called with invalid PyCapsule object");
  if (capsule == nullptr) return -1;
  capsule->destructor = destructor;
  return 0;
}

extern "C" int PyCapsule_SetContext(PyObject* op, void* context) {
  Capsule* capsule = Legal(op, "PyCapsule_SetContext called with invalid PyCapsule object");
  if (capsule == nullptr) return -1;
  capsule->context = context;
  return 0;
}

extern "C" void* PyCapsule_Import(const char* name, int /*no_block*/) {
  if (name == nullptr) {
    PyErr_BadInternalCall();
    return nullptr;
  }
  // As CPython 3.11: the first dotted component is imported, the others are attributes.
  const std::string path(name);
  PyObject* object = nullptr;
  size_t start = 0;
  for (;;) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
    PyObject* next = object == nullptr ? PyImport_ImportModule(part.c_str())
                                       : PyObject_GetAttrString(object, part.c_str());
    if (next == nullptr && object == nullptr) {  // as CPython 3.11: the import's error replaced
      PyErr_Format(PyExc_ImportError, "PyCapsule_Import could not import module \"%s\"",
                   part.c_str());
    }
    Py_XDECREF(object);
    object = next;
    if (object == nullptr) return nullptr;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  void* pointer = nullptr;
  if (PyCapsule_IsValid(object, name)) {
    pointer = AsCapsule(object)->pointer;
  } else {
    PyErr_Format(PyExc_AttributeError, "PyCapsule_Import \"%s\" is not valid", name);
  }
  Py_DECREF(object);
  return pointer;
}
