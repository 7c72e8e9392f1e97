/* datetime.h: CPython's datetime C API (PyDateTime_IMPORT, PyDateTime_CAPI) is not provided
 * by Pinion yet: there is no datetime module to import the C API capsule from. Including the
 * header stops the build with a message saying so (rather than "no such file"), as the rest of
 * the unsupported API does (tests/compat/unsupported_api_test.sh). */
#ifndef Py_DATETIME_H
#define Py_DATETIME_H
#error "datetime.h is not supported by Pinion yet"
#endif /* !Py_DATETIME_H */
