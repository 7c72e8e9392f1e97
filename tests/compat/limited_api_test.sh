#!/usr/bin/env bash
# Py_LIMITED_API builds see only CPython 3.11's limited API: each snippet below uses API
# outside it and is compiled as C against compat/Python.h with Py_LIMITED_API set; it must
# fail with the error given (as it does against CPython's headers). Snippets of limited API
# must compile, and a limited build must not see the pin log (Py_INCREF is a call). Last, every
# header gives its declarations C linkage for C++.
set -uo pipefail
cc=${CC:-gcc}
root=$PWD  # the runfiles tree: compat/ and pinning/ are below it
status=0

compile() {  # $1: the Py_LIMITED_API value; stdin: C source after #include <Python.h>
  { echo '#include <Python.h>'; cat; } |
    LC_ALL=C "$cc" -std=gnu11 -Werror -x c -c - -o /dev/null "-DPy_LIMITED_API=$1" \
      -I "$root/compat" -I "$root" 2>&1
}

expect_error() {  # name, Py_LIMITED_API, text the error must contain, C source
  local out
  if out=$(compile "$2" <<<"$4"); then
    echo "FAIL $1: compiled"
    status=1
  elif ! grep -qF -- "$3" <<<"$out"; then
    echo "FAIL $1: the error does not say '$3':"
    head -5 <<<"$out"
    status=1
  else
    echo "ok   $1"
  fi
}

expect_ok() {  # name, Py_LIMITED_API, C source
  local out
  if ! out=$(compile "$2" <<<"$3"); then
    echo "FAIL $1: does not compile:"
    head -10 <<<"$out"
    status=1
  else
    echo "ok   $1"
  fi
}

v311=0x030B0000
expect_ok "limited API compiles" $v311 '
static PyObject* f(PyObject* self, PyObject* args) {
  PyObject* o;
  Py_ssize_t n;
  if (!PyArg_ParseTuple(args, "O", &o)) return NULL;
  Py_INCREF(o); Py_XDECREF(o); Py_CLEAR(self);
  if (PyLong_Check(o) && Py_IS_TYPE(o, &PyLong_Type) && Py_SIZE(o) >= 0) return Py_NewRef(o);
  if (PyType_HasFeature(Py_TYPE(o), Py_TPFLAGS_LIST_SUBCLASS)) return PyList_GetItem(o, 0);
  if (PyUnicode_AsUTF8AndSize(o, &n) == NULL) return NULL;
  return Py_BuildValue("(On)", PyObject_Type(o), n);
}
static PyMethodDef methods[] = {{"f", f, METH_VARARGS, NULL}, {NULL, NULL, 0, NULL}};
static PyModuleDef def = {PyModuleDef_HEAD_INIT, "m", NULL, -1, methods};
PyMODINIT_FUNC PyInit_m(void) { return PyModule_Create(&def); }'
expect_ok "limited API 3.2 compiles" 3 \
  'PyObject* f(PyObject* o) { return PyObject_CallFunctionObjArgs(o, NULL); }'

# The type object is opaque.
expect_error "tp_name" $v311 "incomplete type" \
  'const char* f(PyObject* o) { return Py_TYPE(o)->tp_name; }'
expect_error "static PyTypeObject" $v311 "has initializer but incomplete type" \
  'static PyTypeObject T = {PyVarObject_HEAD_INIT(NULL, 0) "m.T"};'
expect_error "PyNumberMethods" $v311 "unknown type name 'PyNumberMethods'" \
  'static PyNumberMethods numbers;'
# Struct layouts and the unchecked macros are not limited.
expect_error "PyTuple_GET_ITEM" $v311 "implicit declaration of function 'PyTuple_GET_ITEM'" \
  'PyObject* f(PyObject* t) { return PyTuple_GET_ITEM(t, 0); }'
expect_error "PyList_SET_ITEM" $v311 "implicit declaration of function 'PyList_SET_ITEM'" \
  'void f(PyObject* l, PyObject* v) { PyList_SET_ITEM(l, 0, v); }'
expect_error "PyListObject" $v311 "unknown type name 'PyListObject'" \
  'Py_ssize_t f(PyListObject* l) { return l->allocated; }'
expect_error "PyBytes_AS_STRING" $v311 "implicit declaration of function 'PyBytes_AS_STRING'" \
  'char* f(PyObject* b) { return PyBytes_AS_STRING(b); }'
expect_error "PyFloat_AS_DOUBLE" $v311 "implicit declaration of function 'PyFloat_AS_DOUBLE'" \
  'double f(PyObject* x) { return PyFloat_AS_DOUBLE(x); }'
expect_error "PyUnicode_AsUTF8" $v311 "implicit declaration of function 'PyUnicode_AsUTF8'" \
  'const char* f(PyObject* s) { return PyUnicode_AsUTF8(s); }'
expect_error "PyCFunctionObject" $v311 "unknown type name 'PyCFunctionObject'" \
  'PyObject* f(PyCFunctionObject* c) { return c->m_self; }'
expect_error "Py_SETREF" $v311 "implicit declaration of function 'Py_SETREF'" \
  'void f(PyObject* a, PyObject* b) { Py_SETREF(a, b); }'
expect_error "PyObject_CallOneArg" $v311 "implicit declaration of function 'PyObject_CallOneArg'" \
  'PyObject* f(PyObject* c, PyObject* a) { return PyObject_CallOneArg(c, a); }'
expect_error "PyGILState_Check" $v311 "implicit declaration of function 'PyGILState_Check'" \
  'int f(void) { return PyGILState_Check(); }'
expect_error "_PyBytes_Resize" $v311 "implicit declaration of function '_PyBytes_Resize'" \
  'int f(PyObject** b) { return _PyBytes_Resize(b, 1); }'
expect_error "string.h" $v311 "implicit declaration of function 'strlen'" \
  'size_t f(const char* s) { return strlen(s); }'
# Names are limited from the version that added them.
expect_error "PyUnicode_AsUTF8AndSize before 3.10" 0x03090000 \
  "implicit declaration of function 'PyUnicode_AsUTF8AndSize'" \
  'const char* f(PyObject* s) { return PyUnicode_AsUTF8AndSize(s, NULL); }'
expect_error "PyObject_CallNoArgs before 3.9" 0x03080000 \
  "implicit declaration of function 'PyObject_CallNoArgs'" \
  'PyObject* f(PyObject* c) { return PyObject_CallNoArgs(c); }'

# Py_INCREF/Py_DECREF are calls: nothing of the pin log is compiled into a limited build.
if out=$(echo '#include <Python.h>' | "$cc" -std=gnu11 -E -x c - -DPy_LIMITED_API=$v311 \
    -I "$root/compat" -I "$root" 2>&1) && ! grep -q "pin_c.h\|pinion_pin" <<<"$out"; then
  echo "ok   no pin log in limited builds"
else
  echo "FAIL a limited build includes the pin log"
  status=1
fi
# C++ gets C linkage from each header's _PyPinion_EXTERN_C_BEGIN block (PyAPI_FUNC is only the
# return type, as CPython's, so that it also declares functions at block scope): a header that
# declares API without that block would give C++ callers mangled names.
for header in "$root"/compat/pinion_python/*.h; do
  if grep -q "PyAPI_FUNC\|PyAPI_DATA" "$header" && ! grep -q "_PyPinion_EXTERN_C_BEGIN" "$header" &&
      [ "$(basename "$header")" != port.h ]; then
    echo "FAIL $(basename "$header") declares API outside _PyPinion_EXTERN_C_BEGIN/END"
    status=1
  fi
done
echo "ok   every header declares its API with C linkage"
exit $status
