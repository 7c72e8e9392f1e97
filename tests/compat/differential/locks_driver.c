#include "diff_support.h"

PyMODINIT_FUNC PyInit_locks(void);

static void drive(PyObject* module) {
  SHOW_CALL(module, "lock_basics", "()", NULL);
  SHOW_CALL(module, "tss", "()", NULL);
  SHOW_CALL(module, "tls_keys", "()", NULL);
  SHOW_CALL(module, "stack_size", "()", NULL);
  SHOW_CALL(module, "idents", "()", NULL);
  SHOW_CALL(module, "start_thread", "(True)", Py_BuildValue("(O)", Py_True));
  SHOW_CALL(module, "start_thread", "(False)", Py_BuildValue("(O)", Py_False));
}

DIFFERENTIAL_MAIN("locks", PyInit_locks, drive)
