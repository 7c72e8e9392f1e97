// Exception objects (pyerrors.h): the standard exception types, CPython 3.11's hierarchy, and
// their instances.
//
// Owns: the static exception type objects (PyExc_* point at them), how their instances are
// made (tp_new/tp_init: args, and the subtype fields StopIteration.value, SystemExit.code,
// OSError's errno fields and errno subclass, ImportError/NameError/AttributeError keywords,
// BaseExceptionGroup's message and exceptions), shown (tp_str/tp_repr), reached (tp_getattro/
// tp_setattro: the data attributes of CPython's getsets and members, before the instance
// dict), traced (tp_traverse/tp_clear/tp_dealloc), and the PyException_* accessors.
//
// Invariants:
//   - Every instance starts with PyBaseExceptionObject; its object fields and those listed
//     for its type and bases (Fields()) are NULL or a reference the instance owns (a pin
//     subtracted by tp_traverse), released by tp_clear/tp_dealloc.
//   - args is always a tuple once tp_new has run.
//   - The types are immortal statics, constant-initialised; PyType_Ready readies each on its
//     first instance (AllocObject).
//
// Threads: any attached thread. An instance is not synchronised: like a CPython object under
// the GIL's absence, concurrent writers to one exception must synchronise themselves.
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include "compat/runtime/exceptions.h"
#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

PyBaseExceptionObject* Exc(PyObject* o) { return reinterpret_cast<PyBaseExceptionObject*>(o); }

// ---- Fields: the data attributes, by type ------------------------------------------------

enum class Kind { kObject, kSsize, kReadonlyObject };
struct Field {
  const char* name;
  Py_ssize_t offset;
  Kind kind;
};

#define PINION_FIELD(type, member, name) {name, offsetof(type, member), Kind::kObject}
#define PINION_RO_FIELD(type, member, name) {name, offsetof(type, member), Kind::kReadonlyObject}
#define PINION_SSIZE_FIELD(type, member, name) {name, offsetof(type, member), Kind::kSsize}

constexpr Field kStopIterationFields[] = {PINION_FIELD(PyStopIterationObject, value, "value")};
constexpr Field kSystemExitFields[] = {PINION_FIELD(PySystemExitObject, code, "code")};
constexpr Field kImportErrorFields[] = {PINION_FIELD(PyImportErrorObject, msg, "msg"),
                                        PINION_FIELD(PyImportErrorObject, name, "name"),
                                        PINION_FIELD(PyImportErrorObject, path, "path")};
constexpr Field kOSErrorFields[] = {PINION_FIELD(PyOSErrorObject, myerrno, "errno"),
                                    PINION_FIELD(PyOSErrorObject, strerror, "strerror"),
                                    PINION_FIELD(PyOSErrorObject, filename, "filename"),
                                    PINION_FIELD(PyOSErrorObject, filename2, "filename2")};
constexpr Field kNameErrorFields[] = {PINION_FIELD(PyNameErrorObject, name, "name")};
constexpr Field kAttributeErrorFields[] = {PINION_FIELD(PyAttributeErrorObject, name, "name"),
                                           PINION_FIELD(PyAttributeErrorObject, obj, "obj")};
constexpr Field kSyntaxErrorFields[] = {
    PINION_FIELD(PySyntaxErrorObject, msg, "msg"),
    PINION_FIELD(PySyntaxErrorObject, filename, "filename"),
    PINION_FIELD(PySyntaxErrorObject, lineno, "lineno"),
    PINION_FIELD(PySyntaxErrorObject, offset, "offset"),
    PINION_FIELD(PySyntaxErrorObject, text, "text"),
    PINION_FIELD(PySyntaxErrorObject, end_lineno, "end_lineno"),
    PINION_FIELD(PySyntaxErrorObject, end_offset, "end_offset"),
    PINION_FIELD(PySyntaxErrorObject, print_file_and_line, "print_file_and_line")};
constexpr Field kUnicodeErrorFields[] = {
    PINION_FIELD(PyUnicodeErrorObject, encoding, "encoding"),
    PINION_FIELD(PyUnicodeErrorObject, object, "object"),
    PINION_SSIZE_FIELD(PyUnicodeErrorObject, start, "start"),
    PINION_SSIZE_FIELD(PyUnicodeErrorObject, end, "end"),
    PINION_FIELD(PyUnicodeErrorObject, reason, "reason")};
constexpr Field kGroupFields[] = {
    PINION_RO_FIELD(PyBaseExceptionGroupObject, msg, "message"),
    PINION_RO_FIELD(PyBaseExceptionGroupObject, excs, "exceptions")};

#undef PINION_FIELD
#undef PINION_RO_FIELD
#undef PINION_SSIZE_FIELD

struct FieldList {
  const Field* fields;
  size_t count;
};

template <size_t N>
constexpr FieldList List(const Field (&fields)[N]) {
  return {fields, N};
}

FieldList Fields(PyTypeObject* type);  // below the type objects

PyObject** Slot(PyObject* o, const Field& field) {
  return reinterpret_cast<PyObject**>(reinterpret_cast<char*>(o) + field.offset);
}

// Calls fn(PyObject*& slot) for every object field of `o`: the base ones, then those of
// its type and bases.
template <typename Fn>
void ForEachObjectField(PyObject* o, Fn&& fn) {
  PyBaseExceptionObject* e = Exc(o);
  fn(e->dict);
  fn(e->args);
  fn(e->notes);
  fn(e->traceback);
  fn(e->context);
  fn(e->cause);
  for (PyTypeObject* t = Py_TYPE(o); t != nullptr; t = t->tp_base) {
    const FieldList list = Fields(t);
    for (size_t i = 0; i < list.count; ++i) {
      if (list.fields[i].kind != Kind::kSsize) fn(*Slot(o, list.fields[i]));
    }
  }
}

int ExcTraverse(PyObject* o, visitproc visit, void* arg) {
  int result = 0;
  ForEachObjectField(o, [&](PyObject*& slot) {
    if (result == 0 && slot != nullptr) result = visit(slot, arg);
  });
  return result;
}

int ExcClear(PyObject* o) {
  ForEachObjectField(o, [](PyObject*& slot) { Py_CLEAR(slot); });
  return 0;
}

void ExcDealloc(PyObject* o) {
  PyObject_GC_UnTrack(o);
  ExcClear(o);
  Py_TYPE(o)->tp_free(o);
}

// The type's name without its module, as CPython's _PyType_Name.
const char* ShortName(PyTypeObject* type) {
  const char* dot = std::strrchr(type->tp_name, '.');
  return dot != nullptr ? dot + 1 : type->tp_name;
}

// kwds must be empty: "T() takes no keyword arguments".
bool NoKeywords(PyTypeObject* type, PyObject* kwds) {
  if (kwds == nullptr || !PyDict_Check(kwds) || PyDict_GET_SIZE(kwds) == 0) return true;
  PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", type->tp_name);
  return false;
}

// ---- BaseException ---------------------------------------------------------------------

PyObject* BaseNew(PyTypeObject* type, PyObject* args, PyObject*) {
  // OSError and BaseExceptionGroup switch to a subclass that may not be readied yet.
  if (PyType_Ready(type) < 0) return nullptr;
  PyObject* self = type->tp_alloc(type, 0);
  if (self == nullptr) return nullptr;
  Exc(self)->args = args != nullptr && PyTuple_Check(args) ? Py_NewRef(args) : PyTuple_New(0);
  if (Exc(self)->args == nullptr) {
    Py_DECREF(self);
    return nullptr;
  }
  return self;
}

int BaseInit(PyObject* self, PyObject* args, PyObject* kwds) {
  if (!NoKeywords(Py_TYPE(self), kwds)) return -1;
  Py_XSETREF(Exc(self)->args, Py_NewRef(args));
  return 0;
}

// The args tuple; an instance whose tp_new did not go through BaseException's (a subclass
// allocating with tp_alloc alone) has none yet, and is given an empty one.
PyObject* Args(PyObject* self) {
  if (Exc(self)->args == nullptr) Exc(self)->args = PyTuple_New(0);
  return Exc(self)->args;
}

PyObject* BaseStr(PyObject* self) {
  PyObject* args = Args(self);
  if (args == nullptr) return nullptr;
  switch (PyTuple_GET_SIZE(args)) {
    case 0: return PyUnicode_FromString("");
    case 1: return PyObject_Str(PyTuple_GET_ITEM(args, 0));
    default: return PyObject_Str(args);
  }
}

PyObject* BaseRepr(PyObject* self) {
  PyObject* args = Args(self);
  if (args == nullptr) return nullptr;
  const char* name = ShortName(Py_TYPE(self));
  if (PyTuple_GET_SIZE(args) == 1) {
    return PyUnicode_FromFormat("%s(%R)", name, PyTuple_GET_ITEM(args, 0));
  }
  return PyUnicode_FromFormat("%s%R", name, args);
}

// The __dict__, made on first use.
PyObject* InstanceDict(PyObject* self) {
  if (Exc(self)->dict == nullptr) Exc(self)->dict = PyDict_New();
  return Py_XNewRef(Exc(self)->dict);
}

PyObject* NoneIfNull(PyObject* o) { return Py_NewRef(o != nullptr ? o : Py_None); }

// The data attributes every exception has. `found` is false when `name` is none of them.
PyObject* GetBaseAttribute(PyObject* self, const char* name, bool* found) {
  *found = true;
  PyBaseExceptionObject* e = Exc(self);
  if (std::strcmp(name, "args") == 0) return Py_XNewRef(Args(self));
  if (std::strcmp(name, "__traceback__") == 0) return NoneIfNull(e->traceback);
  if (std::strcmp(name, "__context__") == 0) return NoneIfNull(e->context);
  if (std::strcmp(name, "__cause__") == 0) return NoneIfNull(e->cause);
  if (std::strcmp(name, "__suppress_context__") == 0) return PyBool_FromLong(e->suppress_context);
  if (std::strcmp(name, "__dict__") == 0) return InstanceDict(self);
  *found = false;
  return nullptr;
}

// A tuple of the items of a tuple or list.
PyObject* AsTuple(PyObject* value) {
  if (PyTuple_Check(value)) return Py_NewRef(value);
  if (PyList_Check(value)) return PyList_AsTuple(value);
  PyErr_Format(PyExc_TypeError, "'%s' object is not iterable", Py_TYPE(value)->tp_name);
  return nullptr;
}

// Sets a base data attribute; 1 when `name` is none of them.
int SetBaseAttribute(PyObject* self, const char* name, PyObject* value) {
  PyBaseExceptionObject* e = Exc(self);
  if (std::strcmp(name, "args") == 0) {
    if (value == nullptr) {
      PyErr_SetString(PyExc_TypeError, "args may not be deleted");
      return -1;
    }
    PyObject* args = AsTuple(value);
    if (args == nullptr) return -1;
    Py_XSETREF(e->args, args);
    return 0;
  }
  if (std::strcmp(name, "__traceback__") == 0) {
    if (value == nullptr) {
      PyErr_SetString(PyExc_TypeError, "__traceback__ may not be deleted");
      return -1;
    }
    return PyException_SetTraceback(self, value);
  }
  const bool context = std::strcmp(name, "__context__") == 0;
  if (context || std::strcmp(name, "__cause__") == 0) {
    if (value == nullptr) {
      PyErr_Format(PyExc_TypeError, "%s may not be deleted", name);
      return -1;
    }
    if (value == Py_None) {
      value = nullptr;
    } else if (!PyExceptionInstance_Check(value)) {
      PyErr_Format(PyExc_TypeError, "exception %s must be None or derive from BaseException",
                   context ? "context" : "cause");
      return -1;
    }
    if (context) {
      PyException_SetContext(self, Py_XNewRef(value));
    } else {
      PyException_SetCause(self, Py_XNewRef(value));
    }
    return 0;
  }
  if (std::strcmp(name, "__suppress_context__") == 0) {
    if (value == nullptr) {
      PyErr_SetString(PyExc_TypeError, "can't delete numeric/char attribute");
      return -1;
    }
    if (!PyBool_Check(value)) {
      PyErr_SetString(PyExc_TypeError, "attribute value type must be bool");
      return -1;
    }
    e->suppress_context = value == Py_True;
    return 0;
  }
  if (std::strcmp(name, "__dict__") == 0) {
    if (value == nullptr || !PyDict_Check(value)) {
      PyErr_SetString(PyExc_TypeError, value == nullptr ? "__dict__ may not be deleted"
                                                        : "__dict__ must be a dictionary");
      return -1;
    }
    Py_XSETREF(e->dict, Py_NewRef(value));
    return 0;
  }
  return 1;
}

const Field* FindField(PyTypeObject* type, const char* name) {
  for (PyTypeObject* t = type; t != nullptr; t = t->tp_base) {
    const FieldList list = Fields(t);
    for (size_t i = 0; i < list.count; ++i) {
      if (std::strcmp(list.fields[i].name, name) == 0) return &list.fields[i];
    }
  }
  return nullptr;
}

bool IsOSError(PyObject* o);  // below the type objects

PyObject* ExcGetAttr(PyObject* self, PyObject* name) {
  const char* utf8 = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : nullptr;
  if (utf8 != nullptr) {
    bool found;
    PyObject* value = GetBaseAttribute(self, utf8, &found);
    if (found) return value;
    if (const Field* field = FindField(Py_TYPE(self), utf8)) {
      if (field->kind == Kind::kSsize) {
        return PyLong_FromSsize_t(*reinterpret_cast<Py_ssize_t*>(Slot(self, *field)));
      }
      return NoneIfNull(*Slot(self, *field));
    }
    if (IsOSError(self) && std::strcmp(utf8, "characters_written") == 0) {
      const Py_ssize_t written = reinterpret_cast<PyOSErrorObject*>(self)->written;
      if (written == -1) {
        PyErr_SetString(PyExc_AttributeError, "characters_written");
        return nullptr;
      }
      return PyLong_FromSsize_t(written);
    }
  }
  return PyObject_GenericGetAttr(self, name);
}

int ExcSetAttr(PyObject* self, PyObject* name, PyObject* value) {
  const char* utf8 = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : nullptr;
  if (utf8 != nullptr) {
    const int base = SetBaseAttribute(self, utf8, value);
    if (base <= 0) return base;
    if (const Field* field = FindField(Py_TYPE(self), utf8)) {
      if (field->kind == Kind::kReadonlyObject) {
        PyErr_SetString(PyExc_AttributeError, "readonly attribute");
        return -1;
      }
      if (field->kind == Kind::kSsize) {
        if (value == nullptr) {
          PyErr_SetString(PyExc_TypeError, "can't delete numeric/char attribute");
          return -1;
        }
        const Py_ssize_t n = PyLong_AsSsize_t(value);
        if (n == -1 && PyErr_Occurred()) return -1;
        *reinterpret_cast<Py_ssize_t*>(Slot(self, *field)) = n;
        return 0;
      }
      Py_XSETREF(*Slot(self, *field), Py_XNewRef(value));
      return 0;
    }
    if (IsOSError(self) && std::strcmp(utf8, "characters_written") == 0) {
      Py_ssize_t& written = reinterpret_cast<PyOSErrorObject*>(self)->written;
      if (value == nullptr) {
        if (written == -1) {
          PyErr_SetString(PyExc_AttributeError, "characters_written");
          return -1;
        }
        written = -1;
        return 0;
      }
      if (!PyLong_Check(value)) {
        PyErr_Format(PyExc_TypeError, "'%.200s' object cannot be interpreted as an integer",
                     Py_TYPE(value)->tp_name);
        return -1;
      }
      const Py_ssize_t n = PyLong_AsSsize_t(value);
      if (n == -1 && PyErr_Occurred()) return -1;
      written = n;
      return 0;
    }
  }
  return PyObject_GenericSetAttr(self, name, value);
}

// BaseException.with_traceback(tb): sets __traceback__, returns self.
PyObject* WithTraceback(PyObject* self, PyObject* tb) {
  if (PyException_SetTraceback(self, tb) < 0) return nullptr;
  return Py_NewRef(self);
}

// BaseException.add_note(note): appends to the __notes__ list (made on first use).
PyObject* AddNote(PyObject* self, PyObject* note) {
  if (!PyUnicode_Check(note)) {
    return PyErr_Format(PyExc_TypeError, "note must be a str, not '%s'", Py_TYPE(note)->tp_name);
  }
  PyObject* dict = InstanceDict(self);
  if (dict == nullptr) return nullptr;
  PyObject* notes = PyDict_GetItemString(dict, "__notes__");
  if (notes == nullptr) {
    notes = PyList_New(0);
    if (notes == nullptr || PyDict_SetItemString(dict, "__notes__", notes) < 0) {
      Py_XDECREF(notes);
      Py_DECREF(dict);
      return nullptr;
    }
    Py_DECREF(notes);  // the dict's reference keeps it
  }
  Py_INCREF(notes);
  Py_DECREF(dict);
  int result = -1;
  if (PyList_Check(notes)) {
    result = PyList_Append(notes, note);
  } else {
    PyErr_SetString(PyExc_TypeError, "Cannot add note: __notes__ is not a list");
  }
  Py_DECREF(notes);
  if (result < 0) return nullptr;
  Py_RETURN_NONE;
}

// BaseException.__reduce__(): (type, args), or (type, args, __dict__) when there is one.
PyObject* Reduce(PyObject* self, PyObject*) {
  PyObject* args = Args(self);
  if (args == nullptr) return nullptr;
  PyObject* type = reinterpret_cast<PyObject*>(Py_TYPE(self));
  if (Exc(self)->dict != nullptr) return PyTuple_Pack(3, type, args, Exc(self)->dict);
  return PyTuple_Pack(2, type, args);
}

// BaseException.__setstate__(state): each item of a dict state becomes an attribute.
PyObject* SetState(PyObject* self, PyObject* state) {
  if (state != Py_None) {
    if (!PyDict_Check(state)) {
      PyErr_SetString(PyExc_TypeError, "state is not a dictionary");
      return nullptr;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(state, &pos, &key, &value)) {
      Py_INCREF(key);
      Py_INCREF(value);
      const int result = PyObject_SetAttr(self, key, value);
      Py_DECREF(key);
      Py_DECREF(value);
      if (result < 0) return nullptr;
    }
  }
  Py_RETURN_NONE;
}

PyMethodDef g_base_methods[] = {
    {"__reduce__", &Reduce, METH_NOARGS, nullptr},
    {"__setstate__", &SetState, METH_O, nullptr},
    {"with_traceback", &WithTraceback, METH_O,
     "Exception.with_traceback(tb) --\n    set self.__traceback__ to tb and return self."},
    {"add_note", &AddNote, METH_O,
     "Exception.add_note(note) --\n    add a note to the exception"},
    {nullptr, nullptr, 0, nullptr},
};

// ---- Subtypes --------------------------------------------------------------------------

PyObject* Arg(PyObject* args, Py_ssize_t i) { return PyTuple_GET_ITEM(args, i); }

int StopIterationInit(PyObject* self, PyObject* args, PyObject* kwds) {
  if (BaseInit(self, args, kwds) < 0) return -1;
  auto* e = reinterpret_cast<PyStopIterationObject*>(self);
  Py_XSETREF(e->value, Py_NewRef(PyTuple_GET_SIZE(args) > 0 ? Arg(args, 0) : Py_None));
  return 0;
}

int SystemExitInit(PyObject* self, PyObject* args, PyObject* kwds) {
  if (BaseInit(self, args, kwds) < 0) return -1;
  auto* e = reinterpret_cast<PySystemExitObject*>(self);
  const Py_ssize_t n = PyTuple_GET_SIZE(args);
  Py_XSETREF(e->code, Py_NewRef(n == 0 ? Py_None : n == 1 ? Arg(args, 0) : args));
  return 0;
}

PyObject* KeyErrorStr(PyObject* self) {
  PyObject* args = Args(self);
  if (args != nullptr && PyTuple_GET_SIZE(args) == 1) return PyObject_Repr(Arg(args, 0));
  return BaseStr(self);
}

// Parses keyword-only arguments `names` (NULL-terminated) out of kwds into `out`, with
// CPython's message for others.
bool KeywordsOnly(PyObject* kwds, const char* type_name, const char* const* names,
                  PyObject** out) {
  if (kwds == nullptr) return true;
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  while (PyDict_Next(kwds, &pos, &key, &value)) {
    bool known = false;
    for (size_t i = 0; names[i] != nullptr; ++i) {
      if (PyUnicode_Check(key) && PyUnicode_CompareWithASCIIString(key, names[i]) == 0) {
        out[i] = value;
        known = true;
      }
    }
    if (!known) {
      PyErr_Format(PyExc_TypeError, "'%U' is an invalid keyword argument for %s()", key,
                   type_name);
      return false;
    }
  }
  return true;
}

int ImportErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  static const char* const kNames[] = {"name", "path", nullptr};
  PyObject* values[2] = {nullptr, nullptr};
  if (!KeywordsOnly(kwds, Py_TYPE(self)->tp_name, kNames, values)) return -1;
  if (BaseInit(self, args, nullptr) < 0) return -1;
  auto* e = reinterpret_cast<PyImportErrorObject*>(self);
  Py_XSETREF(e->name, Py_XNewRef(values[0]));
  Py_XSETREF(e->path, Py_XNewRef(values[1]));
  Py_XSETREF(e->msg, PyTuple_GET_SIZE(args) == 1 ? Py_NewRef(Arg(args, 0)) : nullptr);
  return 0;
}

PyObject* ImportErrorStr(PyObject* self) {
  auto* e = reinterpret_cast<PyImportErrorObject*>(self);
  if (e->msg != nullptr && PyUnicode_CheckExact(e->msg)) return Py_NewRef(e->msg);
  return BaseStr(self);
}

int NameErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  static const char* const kNames[] = {"name", nullptr};
  PyObject* values[1] = {nullptr};
  if (!KeywordsOnly(kwds, Py_TYPE(self)->tp_name, kNames, values)) return -1;
  if (BaseInit(self, args, nullptr) < 0) return -1;
  Py_XSETREF(reinterpret_cast<PyNameErrorObject*>(self)->name, Py_XNewRef(values[0]));
  return 0;
}

int AttributeErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  static const char* const kNames[] = {"name", "obj", nullptr};
  PyObject* values[2] = {nullptr, nullptr};
  if (!KeywordsOnly(kwds, Py_TYPE(self)->tp_name, kNames, values)) return -1;
  if (BaseInit(self, args, nullptr) < 0) return -1;
  auto* e = reinterpret_cast<PyAttributeErrorObject*>(self);
  Py_XSETREF(e->name, Py_XNewRef(values[0]));
  Py_XSETREF(e->obj, Py_XNewRef(values[1]));
  return 0;
}

int SyntaxErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  if (BaseInit(self, args, kwds) < 0) return -1;
  auto* e = reinterpret_cast<PySyntaxErrorObject*>(self);
  const Py_ssize_t n = PyTuple_GET_SIZE(args);
  if (n >= 1) Py_XSETREF(e->msg, Py_NewRef(Arg(args, 0)));
  if (n == 2) {
    // SyntaxError(msg, (filename, lineno, offset, text[, end_lineno, end_offset]))
    PyObject* info = AsTuple(Arg(args, 1));
    if (info == nullptr) return -1;
    PyObject *filename, *lineno, *offset, *text, *end_lineno = nullptr, *end_offset = nullptr;
    const int parsed = PyArg_ParseTuple(info, "OOOO|OO", &filename, &lineno, &offset, &text,
                                        &end_lineno, &end_offset);
    if (parsed) {
      Py_XSETREF(e->filename, Py_NewRef(filename));
      Py_XSETREF(e->lineno, Py_NewRef(lineno));
      Py_XSETREF(e->offset, Py_NewRef(offset));
      Py_XSETREF(e->text, Py_NewRef(text));
      Py_XSETREF(e->end_lineno, Py_XNewRef(end_lineno));
      Py_XSETREF(e->end_offset, Py_XNewRef(end_offset));
    }
    Py_DECREF(info);
    if (!parsed) return -1;
    if (e->end_lineno != nullptr && e->end_offset == nullptr) {
      PyErr_SetString(PyExc_TypeError, "end_offset must be provided when end_lineno is provided");
      return -1;
    }
  }
  return 0;
}

// "msg (file, line n)", with the file's base name, as CPython.
PyObject* SyntaxErrorStr(PyObject* self) {
  auto* e = reinterpret_cast<PySyntaxErrorObject*>(self);
  PyObject* msg = e->msg != nullptr ? e->msg : Py_None;
  PyObject* filename = nullptr;
  if (e->filename != nullptr && PyUnicode_Check(e->filename)) {
    const char* path = PyUnicode_AsUTF8(e->filename);
    if (path == nullptr) return nullptr;
    const char* slash = std::strrchr(path, '/');
    filename = PyUnicode_FromString(slash != nullptr ? slash + 1 : path);
    if (filename == nullptr) return nullptr;
  }
  const bool have_lineno = e->lineno != nullptr && PyLong_CheckExact(e->lineno);
  long lineno = 0;
  if (have_lineno) {
    int overflow = 0;
    lineno = PyLong_AsLongAndOverflow(e->lineno, &overflow);
  }
  PyObject* result;
  if (filename != nullptr && have_lineno) {
    result = PyUnicode_FromFormat("%S (%U, line %ld)", msg, filename, lineno);
  } else if (filename != nullptr) {
    result = PyUnicode_FromFormat("%S (%U)", msg, filename);
  } else if (have_lineno) {
    result = PyUnicode_FromFormat("%S (line %ld)", msg, lineno);
  } else {
    result = PyObject_Str(msg);
  }
  Py_XDECREF(filename);
  return result;
}

// ---- UnicodeError's subclasses ----------------------------------------------------------

PyUnicodeErrorObject* UnicodeErr(PyObject* o) { return reinterpret_cast<PyUnicodeErrorObject*>(o); }

// The code point at `index` of a str (index in range).
unsigned CodePointAt(PyObject* str, Py_ssize_t index) {
  return PyUnicode_READ_CHAR(str, index);
}

// Parses args into the fields: "UUnnU" (encode), "UOnnU" with bytes (decode), "UnnU"
// (translate), as CPython's PyArg_ParseTuple formats.
int UnicodeErrorInit(PyObject* self, PyObject* args, PyObject* kwds, char kind) {
  if (BaseInit(self, args, kwds) < 0) return -1;
  PyUnicodeErrorObject* e = UnicodeErr(self);
  PyObject *encoding = nullptr, *object = nullptr, *reason = nullptr;
  Py_ssize_t start = 0, end = 0;
  int ok;
  if (kind == 'e') {
    ok = PyArg_ParseTuple(args, "UUnnU", &encoding, &object, &start, &end, &reason);
  } else if (kind == 'd') {
    ok = PyArg_ParseTuple(args, "UOnnU", &encoding, &object, &start, &end, &reason);
    if (ok && !PyBytes_Check(object)) {
      PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.100s'",
                   Py_TYPE(object)->tp_name);
      ok = 0;
    }
  } else {
    ok = PyArg_ParseTuple(args, "UnnU", &object, &start, &end, &reason);
  }
  if (!ok) return -1;
  Py_XSETREF(e->encoding, Py_XNewRef(encoding));
  Py_XSETREF(e->object, Py_NewRef(object));
  Py_XSETREF(e->reason, Py_NewRef(reason));
  e->start = start;
  e->end = end;
  return 0;
}

int UnicodeEncodeErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  return UnicodeErrorInit(self, args, kwds, 'e');
}
int UnicodeDecodeErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  return UnicodeErrorInit(self, args, kwds, 'd');
}
int UnicodeTranslateErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  return UnicodeErrorInit(self, args, kwds, 't');
}

// CPython's messages: one bad character (or byte) is shown, a range by its positions.
PyObject* UnicodeErrorStr(PyObject* self, char kind) {
  PyUnicodeErrorObject* e = UnicodeErr(self);
  if (e->object == nullptr) return PyUnicode_FromString("");  // not initialised
  PyObject* reason = PyObject_Str(e->reason != nullptr ? e->reason : Py_None);
  PyObject* encoding =
      kind == 't' ? nullptr : PyObject_Str(e->encoding != nullptr ? e->encoding : Py_None);
  if (reason == nullptr || (kind != 't' && encoding == nullptr)) {
    Py_XDECREF(reason);
    Py_XDECREF(encoding);
    return nullptr;
  }
  const Py_ssize_t start = e->start, end = e->end;
  PyObject* result;
  if (kind == 'd') {
    const Py_ssize_t size = PyBytes_Check(e->object) ? PyBytes_GET_SIZE(e->object) : 0;
    if (start < size && end == start + 1) {
      const int byte = PyBytes_AS_STRING(e->object)[start] & 0xff;
      result = PyUnicode_FromFormat("'%U' codec can't decode byte 0x%02x in position %zd: %U",
                                    encoding, byte, start, reason);
    } else {
      result = PyUnicode_FromFormat("'%U' codec can't decode bytes in position %zd-%zd: %U",
                                    encoding, start, end - 1, reason);
    }
  } else {
    const Py_ssize_t size = PyUnicode_Check(e->object) ? PyUnicode_GetLength(e->object) : 0;
    if (start >= 0 && start < size && end == start + 1) {
      const unsigned bad = CodePointAt(e->object, start);
      const char* escape = bad <= 0xff ? "\\x%02x" : bad <= 0xffff ? "\\u%04x" : "\\U%08x";
      char text[16];
      std::snprintf(text, sizeof(text), escape, bad);
      if (kind == 'e') {
        result = PyUnicode_FromFormat("'%U' codec can't encode character '%s' in position %zd: %U",
                                      encoding, text, start, reason);
      } else {
        result = PyUnicode_FromFormat("can't translate character '%s' in position %zd: %U", text,
                                      start, reason);
      }
    } else if (kind == 'e') {
      result = PyUnicode_FromFormat("'%U' codec can't encode characters in position %zd-%zd: %U",
                                    encoding, start, end - 1, reason);
    } else {
      result = PyUnicode_FromFormat("can't translate characters in position %zd-%zd: %U", start,
                                    end - 1, reason);
    }
  }
  Py_XDECREF(reason);
  Py_XDECREF(encoding);
  return result;
}

PyObject* UnicodeEncodeErrorStr(PyObject* self) { return UnicodeErrorStr(self, 'e'); }
PyObject* UnicodeDecodeErrorStr(PyObject* self) { return UnicodeErrorStr(self, 'd'); }
PyObject* UnicodeTranslateErrorStr(PyObject* self) { return UnicodeErrorStr(self, 't'); }

// OSError: the errno's subclass, for OSError itself (CPython's errnomap).
PyTypeObject* ErrnoSubclass(int code);

PyObject* OSErrorNew(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  if (!NoKeywords(type, kwds)) return nullptr;
  const Py_ssize_t n = PyTuple_GET_SIZE(args);
  const bool parsed = n >= 2 && n <= 5;
  if (parsed && type == reinterpret_cast<PyTypeObject*>(PyExc_OSError) &&
      PyLong_Check(Arg(args, 0))) {
    int overflow = 0;
    const long code = PyLong_AsLongAndOverflow(Arg(args, 0), &overflow);
    if (code == -1 && PyErr_Occurred()) return nullptr;
    if (overflow == 0 && code >= INT_MIN && code <= INT_MAX) {
      if (PyTypeObject* subclass = ErrnoSubclass(static_cast<int>(code))) type = subclass;
    }
  }
  PyObject* self = BaseNew(type, args, nullptr);
  if (self == nullptr) return nullptr;
  auto* e = reinterpret_cast<PyOSErrorObject*>(self);
  e->written = -1;
  if (parsed) {
    e->myerrno = Py_NewRef(Arg(args, 0));
    e->strerror = Py_NewRef(Arg(args, 1));
    PyObject* filename = n >= 3 ? Arg(args, 2) : nullptr;
    if (filename != nullptr && filename != Py_None) {
      e->filename = Py_NewRef(filename);
      if (n >= 5 && Arg(args, 4) != Py_None) e->filename2 = Py_NewRef(Arg(args, 4));
      // The filenames (and winerror) leave args, as in CPython.
      PyObject* two = PyTuple_GetSlice(args, 0, 2);
      if (two == nullptr) {
        Py_DECREF(self);
        return nullptr;
      }
      Py_SETREF(e->args, two);
    }
  }
  return self;
}

int OSErrorInit(PyObject* self, PyObject*, PyObject* kwds) {
  return NoKeywords(Py_TYPE(self), kwds) ? 0 : -1;  // OSErrorNew did the work
}

PyObject* OSErrorStr(PyObject* self) {
  auto* e = reinterpret_cast<PyOSErrorObject*>(self);
  if (e->filename != nullptr) {
    if (e->filename2 != nullptr) {
      return PyUnicode_FromFormat("[Errno %S] %S: %R -> %R", e->myerrno, e->strerror,
                                  e->filename, e->filename2);
    }
    return PyUnicode_FromFormat("[Errno %S] %S: %R", e->myerrno, e->strerror, e->filename);
  }
  if (e->myerrno != nullptr && e->strerror != nullptr) {
    return PyUnicode_FromFormat("[Errno %S] %S", e->myerrno, e->strerror);
  }
  return BaseStr(self);
}

// BaseExceptionGroup(message, exceptions): ExceptionGroup when every exception is an
// Exception and the class is BaseExceptionGroup itself.
PyObject* GroupNew(PyTypeObject* type, PyObject* args, PyObject* kwds);

PyObject* GroupStr(PyObject* self) {
  auto* e = reinterpret_cast<PyBaseExceptionGroupObject*>(self);
  const Py_ssize_t n = e->excs != nullptr ? PyTuple_GET_SIZE(e->excs) : 0;
  return PyUnicode_FromFormat("%S (%zd sub-exception%s)", e->msg != nullptr ? e->msg : Py_None,
                              n, n == 1 ? "" : "s");
}

int GroupInit(PyObject* self, PyObject*, PyObject* kwds) {
  return NoKeywords(Py_TYPE(self), kwds) ? 0 : -1;  // GroupNew did the work
}

// ---- The type objects ------------------------------------------------------------------

struct Slots {
  // Given for every type (not left to PyType_Ready to inherit), so tp_basicsize is right
  // before the type is readied.
  size_t size = sizeof(PyBaseExceptionObject);
  newfunc new_ = nullptr;
  initproc init = nullptr;
  reprfunc str = nullptr;
};

constexpr PyTypeObject ExceptionType(const char* name, PyTypeObject* base, const char* doc,
                                     Slots slots = {}) {
  PyTypeObject type{};
  type.ob_base = PyVarObject{{_PyPinion_IMMORTAL_REFCNT, &PyType_Type}, 0};
  type.tp_name = name;
  type.tp_basicsize = static_cast<Py_ssize_t>(slots.size);
  type.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_BASE_EXC_SUBCLASS |
                  Py_TPFLAGS_HAVE_GC;
  type.tp_doc = doc;
  type.tp_base = base;
  type.tp_dictoffset = offsetof(PyBaseExceptionObject, dict);
  type.tp_traverse = &ExcTraverse;
  type.tp_clear = &ExcClear;
  type.tp_new = slots.new_;
  type.tp_init = slots.init;
  type.tp_str = slots.str;
  return type;
}

constexpr PyTypeObject BaseExceptionType() {
  PyTypeObject type = ExceptionType(
      "BaseException", &PyBaseObject_Type, "Common base class for all exceptions",
      {.size = sizeof(PyBaseExceptionObject), .new_ = &BaseNew, .init = &BaseInit, .str = &BaseStr});
  type.tp_dealloc = &ExcDealloc;
  type.tp_repr = &BaseRepr;
  type.tp_getattro = &ExcGetAttr;
  type.tp_setattro = &ExcSetAttr;
  type.tp_methods = g_base_methods;
  type.tp_free = &PyObject_GC_Del;
  return type;
}

#define T(var, name, base, doc, ...) \
  constinit PyTypeObject var = ExceptionType(name, &base, doc __VA_OPT__(, ) __VA_ARGS__)

constinit PyTypeObject g_base_exception = BaseExceptionType();
T(g_exception, "Exception", g_base_exception, "Common base class for all non-exit exceptions.");
T(g_base_exception_group, "BaseExceptionGroup", g_base_exception,
  "A combination of multiple unrelated exceptions.",
  {.size = sizeof(PyBaseExceptionGroupObject), .new_ = &GroupNew, .init = &GroupInit,
   .str = &GroupStr});
T(g_exception_group, "ExceptionGroup", g_base_exception_group, nullptr,
  {.size = sizeof(PyBaseExceptionGroupObject)});
T(g_generator_exit, "GeneratorExit", g_base_exception, "Request that a generator exit.");
T(g_keyboard_interrupt, "KeyboardInterrupt", g_base_exception, "Program interrupted by user.");
T(g_system_exit, "SystemExit", g_base_exception, "Request to exit from the interpreter.",
  {.size = sizeof(PySystemExitObject), .init = &SystemExitInit});
T(g_arithmetic_error, "ArithmeticError", g_exception, "Base class for arithmetic errors.");
T(g_floating_point_error, "FloatingPointError", g_arithmetic_error,
  "Floating point operation failed.");
T(g_overflow_error, "OverflowError", g_arithmetic_error, "Result too large to be represented.");
T(g_zero_division_error, "ZeroDivisionError", g_arithmetic_error,
  "Second argument to a division or modulo operation was zero.");
T(g_assertion_error, "AssertionError", g_exception, "Assertion failed.");
T(g_attribute_error, "AttributeError", g_exception, "Attribute not found.",
  {.size = sizeof(PyAttributeErrorObject), .init = &AttributeErrorInit});
T(g_buffer_error, "BufferError", g_exception, "Buffer error.");
T(g_eof_error, "EOFError", g_exception, "Read beyond end of file.");
T(g_import_error, "ImportError", g_exception,
  "Import can't find module, or can't find name in module.",
  {.size = sizeof(PyImportErrorObject), .init = &ImportErrorInit, .str = &ImportErrorStr});
T(g_module_not_found_error, "ModuleNotFoundError", g_import_error, "Module not found.",
  {.size = sizeof(PyImportErrorObject)});
T(g_lookup_error, "LookupError", g_exception, "Base class for lookup errors.");
T(g_index_error, "IndexError", g_lookup_error, "Sequence index out of range.");
T(g_key_error, "KeyError", g_lookup_error, "Mapping key not found.", {.str = &KeyErrorStr});
T(g_memory_error, "MemoryError", g_exception, "Out of memory.");
T(g_name_error, "NameError", g_exception, "Name not found globally.",
  {.size = sizeof(PyNameErrorObject), .init = &NameErrorInit});
T(g_unbound_local_error, "UnboundLocalError", g_name_error,
  "Local name referenced but not bound to a value.",
  {.size = sizeof(PyNameErrorObject)});
T(g_os_error, "OSError", g_exception, "Base class for I/O related errors.",
  {.size = sizeof(PyOSErrorObject), .new_ = &OSErrorNew, .init = &OSErrorInit,
   .str = &OSErrorStr});
T(g_blocking_io_error, "BlockingIOError", g_os_error, "I/O operation would block.",
  {.size = sizeof(PyOSErrorObject)});
T(g_child_process_error, "ChildProcessError", g_os_error, "Child process error.",
  {.size = sizeof(PyOSErrorObject)});
T(g_connection_error, "ConnectionError", g_os_error, "Connection error.",
  {.size = sizeof(PyOSErrorObject)});
T(g_broken_pipe_error, "BrokenPipeError", g_connection_error, "Broken pipe.",
  {.size = sizeof(PyOSErrorObject)});
T(g_connection_aborted_error, "ConnectionAbortedError", g_connection_error,
  "Connection aborted.",
  {.size = sizeof(PyOSErrorObject)});
T(g_connection_refused_error, "ConnectionRefusedError", g_connection_error,
  "Connection refused.",
  {.size = sizeof(PyOSErrorObject)});
T(g_connection_reset_error, "ConnectionResetError", g_connection_error, "Connection reset.",
  {.size = sizeof(PyOSErrorObject)});
T(g_file_exists_error, "FileExistsError", g_os_error, "File already exists.",
  {.size = sizeof(PyOSErrorObject)});
T(g_file_not_found_error, "FileNotFoundError", g_os_error, "File not found.",
  {.size = sizeof(PyOSErrorObject)});
T(g_interrupted_error, "InterruptedError", g_os_error, "Interrupted by signal.",
  {.size = sizeof(PyOSErrorObject)});
T(g_is_a_directory_error, "IsADirectoryError", g_os_error,
  "Operation doesn't work on directories.",
  {.size = sizeof(PyOSErrorObject)});
T(g_not_a_directory_error, "NotADirectoryError", g_os_error,
  "Operation only works on directories.",
  {.size = sizeof(PyOSErrorObject)});
T(g_permission_error, "PermissionError", g_os_error, "Not enough permissions.",
  {.size = sizeof(PyOSErrorObject)});
T(g_process_lookup_error, "ProcessLookupError", g_os_error, "Process not found.",
  {.size = sizeof(PyOSErrorObject)});
T(g_timeout_error, "TimeoutError", g_os_error, "Timeout expired.",
  {.size = sizeof(PyOSErrorObject)});
T(g_reference_error, "ReferenceError", g_exception,
  "Weak ref proxy used after referent went away.");
T(g_runtime_error, "RuntimeError", g_exception, "Unspecified run-time error.");
T(g_not_implemented_error, "NotImplementedError", g_runtime_error,
  "Method or function hasn't been implemented yet.");
T(g_recursion_error, "RecursionError", g_runtime_error, "Recursion limit exceeded.");
T(g_stop_async_iteration, "StopAsyncIteration", g_exception,
  "Signal the end from iterator.__anext__().");
T(g_stop_iteration, "StopIteration", g_exception, "Signal the end from iterator.__next__().",
  {.size = sizeof(PyStopIterationObject), .init = &StopIterationInit});
T(g_syntax_error, "SyntaxError", g_exception, "Invalid syntax.",
  {.size = sizeof(PySyntaxErrorObject), .init = &SyntaxErrorInit, .str = &SyntaxErrorStr});
T(g_indentation_error, "IndentationError", g_syntax_error, "Improper indentation.",
  {.size = sizeof(PySyntaxErrorObject)});
T(g_tab_error, "TabError", g_indentation_error, "Improper mixture of spaces and tabs.",
  {.size = sizeof(PySyntaxErrorObject)});
T(g_system_error, "SystemError", g_exception,
  "Internal error in the Python interpreter.\n\n"
  "Please report this to the Python maintainer, along with the traceback,\n"
  "the Python version, and the hardware/OS platform and version.");
T(g_type_error, "TypeError", g_exception, "Inappropriate argument type.");
T(g_value_error, "ValueError", g_exception, "Inappropriate argument value (of correct type).");
T(g_unicode_error, "UnicodeError", g_value_error, "Unicode related error.");
T(g_unicode_encode_error, "UnicodeEncodeError", g_unicode_error, "Unicode encoding error.",
  {.size = sizeof(PyUnicodeErrorObject), .init = &UnicodeEncodeErrorInit,
   .str = &UnicodeEncodeErrorStr});
T(g_unicode_decode_error, "UnicodeDecodeError", g_unicode_error, "Unicode decoding error.",
  {.size = sizeof(PyUnicodeErrorObject), .init = &UnicodeDecodeErrorInit,
   .str = &UnicodeDecodeErrorStr});
T(g_unicode_translate_error, "UnicodeTranslateError", g_unicode_error,
  "Unicode translation error.",
  {.size = sizeof(PyUnicodeErrorObject), .init = &UnicodeTranslateErrorInit,
   .str = &UnicodeTranslateErrorStr});
T(g_warning, "Warning", g_exception, "Base class for warning categories.");
T(g_user_warning, "UserWarning", g_warning, "Base class for warnings generated by user code.");
T(g_deprecation_warning, "DeprecationWarning", g_warning,
  "Base class for warnings about deprecated features.");
T(g_pending_deprecation_warning, "PendingDeprecationWarning", g_warning,
  "Base class for warnings about features which will be deprecated\nin the future.");
T(g_syntax_warning, "SyntaxWarning", g_warning, "Base class for warnings about dubious syntax.");
T(g_runtime_warning, "RuntimeWarning", g_warning,
  "Base class for warnings about dubious runtime behavior.");
T(g_future_warning, "FutureWarning", g_warning,
  "Base class for warnings about constructs that will change semantically\nin the future.");
T(g_import_warning, "ImportWarning", g_warning,
  "Base class for warnings about probable mistakes in module imports");
T(g_unicode_warning, "UnicodeWarning", g_warning,
  "Base class for warnings about Unicode related problems, mostly\n"
  "related to conversion problems.");
T(g_bytes_warning, "BytesWarning", g_warning,
  "Base class for warnings about bytes and buffer related problems, mostly\n"
  "related to conversion from str or comparing to str.");
T(g_encoding_warning, "EncodingWarning", g_warning,
  "Base class for warnings about encodings.");
T(g_resource_warning, "ResourceWarning", g_warning,
  "Base class for warnings about resource usage.");

#undef T

FieldList Fields(PyTypeObject* type) {
  if (type == &g_stop_iteration) return List(kStopIterationFields);
  if (type == &g_system_exit) return List(kSystemExitFields);
  if (type == &g_import_error) return List(kImportErrorFields);
  if (type == &g_os_error) return List(kOSErrorFields);
  if (type == &g_name_error) return List(kNameErrorFields);
  if (type == &g_attribute_error) return List(kAttributeErrorFields);
  if (type == &g_syntax_error) return List(kSyntaxErrorFields);
  if (type == &g_unicode_encode_error || type == &g_unicode_decode_error ||
      type == &g_unicode_translate_error) {
    return List(kUnicodeErrorFields);
  }
  if (type == &g_base_exception_group) return List(kGroupFields);
  return {nullptr, 0};
}

bool IsOSError(PyObject* o) { return PyObject_TypeCheck(o, &g_os_error); }

PyTypeObject* ErrnoSubclass(int code) {
  switch (code) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EALREADY:
    case EINPROGRESS: return &g_blocking_io_error;
    case ECHILD: return &g_child_process_error;
    case EPIPE:
    case ESHUTDOWN: return &g_broken_pipe_error;
    case ECONNABORTED: return &g_connection_aborted_error;
    case ECONNREFUSED: return &g_connection_refused_error;
    case ECONNRESET: return &g_connection_reset_error;
    case EEXIST: return &g_file_exists_error;
    case ENOENT: return &g_file_not_found_error;
    case EISDIR: return &g_is_a_directory_error;
    case ENOTDIR: return &g_not_a_directory_error;
    case EINTR: return &g_interrupted_error;
    case EACCES:
    case EPERM: return &g_permission_error;
    case ESRCH: return &g_process_lookup_error;
    case ETIMEDOUT: return &g_timeout_error;
    default: return nullptr;
  }
}

PyObject* GroupNew(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  if (!NoKeywords(type, kwds)) return nullptr;
  const Py_ssize_t n = PyTuple_GET_SIZE(args);
  if (n != 2) {
    return PyErr_Format(PyExc_TypeError,
                        "BaseExceptionGroup.__new__() takes exactly 2 arguments (%zd given)", n);
  }
  PyObject* message = Arg(args, 0);
  PyObject* exceptions = Arg(args, 1);
  if (!PyUnicode_Check(message)) {
    return PyErr_Format(PyExc_TypeError,
                        "BaseExceptionGroup.__new__() argument 1 must be str, not %s",
                        Py_TYPE(message)->tp_name);
  }
  if (!PyTuple_Check(exceptions) && !PyList_Check(exceptions)) {
    PyErr_SetString(PyExc_TypeError, "second argument (exceptions) must be a sequence");
    return nullptr;
  }
  PyObject* excs = AsTuple(exceptions);
  if (excs == nullptr) return nullptr;
  const Py_ssize_t count = PyTuple_GET_SIZE(excs);
  if (count == 0) {
    Py_DECREF(excs);
    PyErr_SetString(PyExc_ValueError, "second argument (exceptions) must be a non-empty sequence");
    return nullptr;
  }
  bool all_exceptions = true;
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* item = PyTuple_GET_ITEM(excs, i);
    if (!PyExceptionInstance_Check(item)) {
      Py_DECREF(excs);
      return PyErr_Format(PyExc_ValueError,
                          "Item %zd of second argument (exceptions) is not an exception", i);
    }
    all_exceptions = all_exceptions && PyType_IsSubtype(Py_TYPE(item), &g_exception);
  }
  if (type == &g_base_exception_group) {
    if (all_exceptions) type = &g_exception_group;
  } else if (type == &g_exception_group || PyType_IsSubtype(type, &g_exception)) {
    if (!all_exceptions) {
      Py_DECREF(excs);
      PyErr_SetString(PyExc_TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
      return nullptr;
    }
  }
  PyObject* self = BaseNew(type, args, nullptr);
  if (self == nullptr) {
    Py_DECREF(excs);
    return nullptr;
  }
  auto* e = reinterpret_cast<PyBaseExceptionGroupObject*>(self);
  e->msg = Py_NewRef(message);
  e->excs = excs;
  return self;
}

}  // namespace

void AddExceptionAttributeNames(PyTypeObject* type, std::set<std::string>& names) {
  if (!PyType_IsSubtype(type, &g_base_exception)) return;
  for (const char* name : {"args", "__traceback__", "__context__", "__cause__",
                           "__suppress_context__", "__dict__"}) {
    names.insert(name);
  }
  for (PyTypeObject* t = type; t != nullptr; t = t->tp_base) {
    const FieldList list = Fields(t);
    for (size_t i = 0; i < list.count; ++i) names.insert(list.fields[i].name);
  }
  if (PyType_IsSubtype(type, &g_os_error)) names.insert("characters_written");
}

namespace {

PyBaseExceptionObject* CheckInstance(PyObject* exc, const char* function) {
  if (exc != nullptr && PyExceptionInstance_Check(exc)) return Exc(exc);
  PyErr_Format(PyExc_SystemError, "%s: not an exception instance", function);
  return nullptr;
}

}  // namespace
}  // namespace pinion::compat

using namespace pinion::compat;

// &type.ob_base.ob_base is the type as a PyObject* without a cast, so these are constant
// initialised: valid before any static constructor runs.
#define PINION_EXCEPTION(name, type) constinit PyObject* PyExc_##name = &type.ob_base.ob_base
PINION_EXCEPTION(BaseException, g_base_exception);
PINION_EXCEPTION(Exception, g_exception);
PINION_EXCEPTION(BaseExceptionGroup, g_base_exception_group);
PINION_EXCEPTION(StopAsyncIteration, g_stop_async_iteration);
PINION_EXCEPTION(StopIteration, g_stop_iteration);
PINION_EXCEPTION(GeneratorExit, g_generator_exit);
PINION_EXCEPTION(ArithmeticError, g_arithmetic_error);
PINION_EXCEPTION(LookupError, g_lookup_error);
PINION_EXCEPTION(AssertionError, g_assertion_error);
PINION_EXCEPTION(AttributeError, g_attribute_error);
PINION_EXCEPTION(BufferError, g_buffer_error);
PINION_EXCEPTION(EOFError, g_eof_error);
PINION_EXCEPTION(FloatingPointError, g_floating_point_error);
PINION_EXCEPTION(OSError, g_os_error);
PINION_EXCEPTION(ImportError, g_import_error);
PINION_EXCEPTION(ModuleNotFoundError, g_module_not_found_error);
PINION_EXCEPTION(IndexError, g_index_error);
PINION_EXCEPTION(KeyError, g_key_error);
PINION_EXCEPTION(KeyboardInterrupt, g_keyboard_interrupt);
PINION_EXCEPTION(MemoryError, g_memory_error);
PINION_EXCEPTION(NameError, g_name_error);
PINION_EXCEPTION(OverflowError, g_overflow_error);
PINION_EXCEPTION(RuntimeError, g_runtime_error);
PINION_EXCEPTION(RecursionError, g_recursion_error);
PINION_EXCEPTION(NotImplementedError, g_not_implemented_error);
PINION_EXCEPTION(SyntaxError, g_syntax_error);
PINION_EXCEPTION(IndentationError, g_indentation_error);
PINION_EXCEPTION(TabError, g_tab_error);
PINION_EXCEPTION(ReferenceError, g_reference_error);
PINION_EXCEPTION(SystemError, g_system_error);
PINION_EXCEPTION(SystemExit, g_system_exit);
PINION_EXCEPTION(TypeError, g_type_error);
PINION_EXCEPTION(UnboundLocalError, g_unbound_local_error);
PINION_EXCEPTION(UnicodeError, g_unicode_error);
PINION_EXCEPTION(UnicodeEncodeError, g_unicode_encode_error);
PINION_EXCEPTION(UnicodeDecodeError, g_unicode_decode_error);
PINION_EXCEPTION(UnicodeTranslateError, g_unicode_translate_error);
PINION_EXCEPTION(ValueError, g_value_error);
PINION_EXCEPTION(ZeroDivisionError, g_zero_division_error);
PINION_EXCEPTION(BlockingIOError, g_blocking_io_error);
PINION_EXCEPTION(BrokenPipeError, g_broken_pipe_error);
PINION_EXCEPTION(ChildProcessError, g_child_process_error);
PINION_EXCEPTION(ConnectionError, g_connection_error);
PINION_EXCEPTION(ConnectionAbortedError, g_connection_aborted_error);
PINION_EXCEPTION(ConnectionRefusedError, g_connection_refused_error);
PINION_EXCEPTION(ConnectionResetError, g_connection_reset_error);
PINION_EXCEPTION(FileExistsError, g_file_exists_error);
PINION_EXCEPTION(FileNotFoundError, g_file_not_found_error);
PINION_EXCEPTION(InterruptedError, g_interrupted_error);
PINION_EXCEPTION(IsADirectoryError, g_is_a_directory_error);
PINION_EXCEPTION(NotADirectoryError, g_not_a_directory_error);
PINION_EXCEPTION(PermissionError, g_permission_error);
PINION_EXCEPTION(ProcessLookupError, g_process_lookup_error);
PINION_EXCEPTION(TimeoutError, g_timeout_error);
PINION_EXCEPTION(EnvironmentError, g_os_error);
PINION_EXCEPTION(IOError, g_os_error);
PINION_EXCEPTION(Warning, g_warning);
PINION_EXCEPTION(UserWarning, g_user_warning);
PINION_EXCEPTION(DeprecationWarning, g_deprecation_warning);
PINION_EXCEPTION(PendingDeprecationWarning, g_pending_deprecation_warning);
PINION_EXCEPTION(SyntaxWarning, g_syntax_warning);
PINION_EXCEPTION(RuntimeWarning, g_runtime_warning);
PINION_EXCEPTION(FutureWarning, g_future_warning);
PINION_EXCEPTION(ImportWarning, g_import_warning);
PINION_EXCEPTION(UnicodeWarning, g_unicode_warning);
PINION_EXCEPTION(BytesWarning, g_bytes_warning);
PINION_EXCEPTION(EncodingWarning, g_encoding_warning);
PINION_EXCEPTION(ResourceWarning, g_resource_warning);
#undef PINION_EXCEPTION

extern "C" const char* PyExceptionClass_Name(PyObject* exc) {
  return reinterpret_cast<PyTypeObject*>(exc)->tp_name;
}

// ---- The fields of an instance ---------------------------------------------------------

extern "C" PyObject* PyException_GetTraceback(PyObject* exc) {
  PyBaseExceptionObject* e = CheckInstance(exc, "PyException_GetTraceback");
  return e != nullptr ? Py_XNewRef(e->traceback) : nullptr;
}

extern "C" int PyException_SetTraceback(PyObject* exc, PyObject* tb) {
  PyBaseExceptionObject* e = CheckInstance(exc, "PyException_SetTraceback");
  if (e == nullptr) return -1;
  if (tb != Py_None) {  // no traceback objects exist in Pinion
    PyErr_SetString(PyExc_TypeError, "__traceback__ must be a traceback or None");
    return -1;
  }
  Py_XSETREF(e->traceback, Py_NewRef(tb));  // None is kept, as CPython does
  return 0;
}

extern "C" PyObject* PyException_GetCause(PyObject* exc) {
  PyBaseExceptionObject* e = CheckInstance(exc, "PyException_GetCause");
  return e != nullptr ? Py_XNewRef(e->cause) : nullptr;
}

extern "C" void PyException_SetCause(PyObject* exc, PyObject* cause) {
  PyBaseExceptionObject* e = CheckInstance(exc, "PyException_SetCause");
  if (e == nullptr) {
    Py_XDECREF(cause);
    return;
  }
  e->suppress_context = 1;
  Py_XSETREF(e->cause, cause);
}

extern "C" PyObject* PyException_GetContext(PyObject* exc) {
  PyBaseExceptionObject* e = CheckInstance(exc, "PyException_GetContext");
  return e != nullptr ? Py_XNewRef(e->context) : nullptr;
}

extern "C" void PyException_SetContext(PyObject* exc, PyObject* context) {
  PyBaseExceptionObject* e = CheckInstance(exc, "PyException_SetContext");
  if (e == nullptr) {
    Py_XDECREF(context);
    return;
  }
  Py_XSETREF(e->context, context);
}
