#!/usr/bin/env bash
# CPython API that Pinion does not provide must fail at compile time with a message that
# says so, not at run time: each snippet below is compiled as C (the way extension modules
# are) against compat/Python.h with the system compiler, and must fail with the text given.
# A snippet of supported API must compile, so that a broken harness cannot pass.
set -uo pipefail
cc=${CC:-gcc}
root=$PWD  # the runfiles tree: compat/ and pinning/ are below it
status=0

compile() {  # stdin: C source after #include <Python.h>
  { echo '#include <Python.h>'; cat; } |
    "$cc" -std=c11 -x c -c - -o /dev/null -I "$root/compat" -I "$root" 2>&1
}

expect_error() {  # name, text the error must contain, C source
  local out
  if out=$(compile <<<"$3"); then
    echo "FAIL $1: compiled"
    status=1
  elif ! grep -qF -- "$2" <<<"$out"; then
    echo "FAIL $1: the error does not say '$2':"
    head -5 <<<"$out"
    status=1
  else
    echo "ok   $1"
  fi
}

if ! out=$(compile <<<'PyObject* f(PyObject* o) { Py_INCREF(o); Py_DECREF(o); return Py_None; }'); then
  echo "FAIL supported API does not compile:"
  echo "$out"
  exit 1
fi
echo "ok   supported API compiles"

expect_error "Py_SET_REFCNT" "not supported by Pinion: Py_SET_REFCNT" \
  'void f(PyObject* o) { Py_SET_REFCNT(o, 1); }'
expect_error "Py_NewInterpreter" "not supported by Pinion: Py_NewInterpreter" \
  'PyThreadState* f(void) { return Py_NewInterpreter(); }'
expect_error "frames" "not supported by Pinion: PyFrame_GetBack" \
  'PyFrameObject* f(PyFrameObject* frame) { return PyFrame_GetBack(frame); }'
expect_error "undeclared API" "implicit declaration of function 'PyPinion_NoSuchFunction'" \
  'PyObject* f(PyObject* a) { return PyPinion_NoSuchFunction(a); }'
exit $status
