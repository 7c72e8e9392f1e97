/* What the drivers of differential tests share (differential.bzl): calling a module's
 * function by name and printing the result, or the exception it raised, in a form that is
 * the same under Pinion and CPython when their behaviour is. Header-only C, for the driver.
 */
#ifndef PINION_TESTS_COMPAT_DIFFERENTIAL_DIFF_SUPPORT_H_
#define PINION_TESTS_COMPAT_DIFFERENTIAL_DIFF_SUPPORT_H_

#include <Python.h>
#include <stdio.h>

/* Prints "label: <repr of result>" or, when result is NULL, "label: raised <type>: <str>",
 * clearing the exception. Releases result. */
static inline void show(const char* label, PyObject* result) {
  if (result == NULL) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyObject* text = value != NULL ? PyObject_Str(value) : NULL;
    printf("%s: raised %s: %s\n", label,
           type != NULL ? ((PyTypeObject*)type)->tp_name : "(no exception set)",
           text != NULL ? PyUnicode_AsUTF8(text) : "");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return;
  }
  PyObject* repr = PyObject_Repr(result);
  printf("%s: %s\n", label, repr != NULL ? PyUnicode_AsUTF8(repr) : "(repr failed)");
  if (repr == NULL) PyErr_Clear();
  Py_XDECREF(repr);
  Py_DECREF(result);
}

/* module.name(*args): a new reference, or NULL with an exception set. Steals args (a tuple,
 * or NULL for no arguments). */
static inline PyObject* call(PyObject* module, const char* name, PyObject* args) {
  PyObject* function = PyObject_GetAttrString(module, name);
  if (function == NULL) {
    Py_XDECREF(args);
    return NULL;
  }
  PyObject* result = PyObject_CallObject(function, args);
  Py_DECREF(function);
  Py_XDECREF(args);
  return result;
}

/* Prints module.name(*args) under the label "name(<args as written>)". */
#define SHOW_CALL(module, name, args_text, args) show(name args_text, call(module, name, args))

#endif /* PINION_TESTS_COMPAT_DIFFERENTIAL_DIFF_SUPPORT_H_ */
