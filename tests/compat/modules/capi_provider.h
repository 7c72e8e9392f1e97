/* The C API capi_provider exports (capi_provider.c), as an extension author's public header
 * declares it for other modules: the table, the capsule's name, and an import function. */
#ifndef CAPI_PROVIDER_H
#define CAPI_PROVIDER_H

#include <Python.h>

#define CAPI_PROVIDER_CAPSULE "capi_provider._C_API"
#define CAPI_PROVIDER_API_VERSION 3

typedef struct {
  int version;
  long (*add)(long a, long b);
  PyObject* (*make_pair)(PyObject* a, PyObject* b); /* a new reference */
} capi_provider_API;

/* The table, or NULL with an exception set. */
static inline const capi_provider_API* capi_provider_import(void) {
  return (const capi_provider_API*)PyCapsule_Import(CAPI_PROVIDER_CAPSULE, 0);
}

#endif /* CAPI_PROVIDER_H */
