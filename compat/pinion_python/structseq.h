/* Struct sequences (CPython 3.11's structseq.h): tuple subclasses whose items also have
 * names, such as os.stat_result and time.struct_time (runtime in runtime/structseq.cc).
 *
 * A desc lists the fields (NULL name ends the table); the first n_in_sequence are the tuple's
 * items (len(), indexing, iteration, comparison and hashing are tuple's); the others are
 * hidden, reachable by name only. A field named PyStructSequence_UnnamedField (compare the
 * pointer) has an index but no attribute; only visible fields may be unnamed. Every named
 * field is a read-only attribute ("readonly attribute"). As in CPython:
 *   - repr "name(f1=repr, f2=repr, ...)" over the visible fields, name being desc->name;
 *   - T(sequence, dict=None): n_in_sequence to n_fields items, hidden fields not given taken
 *     from dict by name, else None; CPython's TypeErrors ("constructor requires a sequence",
 *     "T() takes an at least 2-sequence (1-sequence given)"...);
 *   - the type's dict has n_sequence_fields, n_fields, n_unnamed_fields and __match_args__;
 *     __reduce__ gives (T, (visible items, {hidden name: value})); not subclassable.
 * desc, its fields and their strings are borrowed: they must outlive the type (static data).
 *
 * An instance is a GC object holding every field (hidden ones too) as an owned pin; items
 * start NULL and are filled once, with PyStructSequence_SetItem/SET_ITEM (which steal).
 *
 * Threads: any attached thread; filling one instance from two threads is the caller's race.
 */
#ifndef PINION_PYTHON_STRUCTSEQ_H_
#define PINION_PYTHON_STRUCTSEQ_H_

#include "pinion_python/object.h"
#include "pinion_python/tupleobject.h"

_PyPinion_EXTERN_C_BEGIN

typedef struct PyStructSequence_Field {
  const char* name;
  const char* doc;
} PyStructSequence_Field;

typedef struct PyStructSequence_Desc {
  const char* name; /* "module.Name": tp_name */
  const char* doc;
  PyStructSequence_Field* fields;
  int n_in_sequence;
} PyStructSequence_Desc;

/* The name that marks a field unnamed (compared by address). */
PyAPI_DATA(const char* const) PyStructSequence_UnnamedField;

#ifndef Py_LIMITED_API
/* Makes the zero-filled static `type` a struct sequence type and readies it: 0, or -1 with an
 * exception (SystemError if `type` was initialised already: its reference count is not 0,
 * as CPython checks). The members table it allocates lives as long as the process. InitType
 * is the same without a result (the exception stays set). */
PyAPI_FUNC(void) PyStructSequence_InitType(PyTypeObject* type, PyStructSequence_Desc* desc);
PyAPI_FUNC(int) PyStructSequence_InitType2(PyTypeObject* type, PyStructSequence_Desc* desc);
#endif
/* A new heap type for `desc` (a new reference), or NULL with an exception set. */
PyAPI_FUNC(PyTypeObject*) PyStructSequence_NewType(PyStructSequence_Desc* desc);

/* A new instance of struct sequence `type`, every field NULL (fill them all before use). */
PyAPI_FUNC(PyObject*) PyStructSequence_New(PyTypeObject* type);

#ifndef Py_LIMITED_API
typedef PyTupleObject PyStructSequence;
/* Unchecked, as CPython 3.11's: SET_ITEM steals `v` and does not release the old item. */
#define PyStructSequence_SET_ITEM(op, i, v) PyTuple_SET_ITEM(op, i, v)
#define PyStructSequence_GET_ITEM(op, i) PyTuple_GET_ITEM(op, i)
#endif

/* Field i (hidden fields too), unchecked as in CPython: SetItem steals `v` and does not
 * release the old item; GetItem is borrowed. */
PyAPI_FUNC(void) PyStructSequence_SetItem(PyObject* op, Py_ssize_t i, PyObject* v);
PyAPI_FUNC(PyObject*) PyStructSequence_GetItem(PyObject* op, Py_ssize_t i);

_PyPinion_EXTERN_C_END

#endif /* PINION_PYTHON_STRUCTSEQ_H_ */
