/* structmember.h, as CPython 3.11's: PyMemberDef tables (a type's tp_members) map fields of
 * an object's C struct to attributes. Like CPython's, Python.h does not include it: extension
 * source says #include "structmember.h". Runtime in runtime/member.cc.
 *
 * PyMember_GetOne(obj, def) reads the field at obj + def->offset as the T_* type says;
 * PyMember_SetOne writes it, with CPython 3.11's conversions and errors:
 *   READONLY                       AttributeError "readonly attribute"
 *   delete (v NULL)                TypeError "can't delete numeric/char attribute", except
 *                                  T_OBJECT (stores NULL) and T_OBJECT_EX (AttributeError
 *                                  with the name when already NULL)
 *   T_BOOL                         TypeError "attribute value type must be bool"
 *   T_CHAR                         a str of length 1, else TypeError (PyErr_BadArgument)
 *   T_STRING, T_STRING_INPLACE     always read-only (TypeError "readonly attribute")
 *   integers                       PyLong_As* conversions and their errors
 * Where Pinion differs: CPython warns (RuntimeWarning) when a value is truncated to a small
 * integer field or a negative value is written to an unsigned one; Pinion has no warnings
 * yet and stores the truncated value silently.
 * T_OBJECT/T_OBJECT_EX fields hold references the object owns: its tp_traverse must visit
 * them and its tp_dealloc release them, as in CPython.
 *
 * Threads: any attached thread; the object's own races are its caller's.
 */
#ifndef Py_STRUCTMEMBER_H
#define Py_STRUCTMEMBER_H

#include <stddef.h>

#include "Python.h"

_PyPinion_EXTERN_C_BEGIN

struct PyMemberDef {
  const char* name; /* NULL ends a table */
  int type;         /* T_* */
  Py_ssize_t offset;
  int flags; /* READONLY... */
  const char* doc;
};

#define T_SHORT 0
#define T_INT 1
#define T_LONG 2
#define T_FLOAT 3
#define T_DOUBLE 4
#define T_STRING 5
#define T_OBJECT 6
#define T_CHAR 7
#define T_BYTE 8
#define T_UBYTE 9
#define T_USHORT 10
#define T_UINT 11
#define T_ULONG 12
#define T_STRING_INPLACE 13
#define T_BOOL 14
#define T_OBJECT_EX 16
#define T_LONGLONG 17
#define T_ULONGLONG 18
#define T_PYSSIZET 19
#define T_NONE 20

#define READONLY 1
#define READ_RESTRICTED 2
#define PY_WRITE_RESTRICTED 4
#define RESTRICTED (READ_RESTRICTED | PY_WRITE_RESTRICTED)
#define PY_AUDIT_READ READ_RESTRICTED

PyAPI_FUNC(PyObject*) PyMember_GetOne(const char* obj_addr, PyMemberDef* member);
PyAPI_FUNC(int) PyMember_SetOne(char* obj_addr, PyMemberDef* member, PyObject* value);

_PyPinion_EXTERN_C_END

#endif /* Py_STRUCTMEMBER_H */
