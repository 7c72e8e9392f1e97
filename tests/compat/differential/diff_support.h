/* What the drivers of differential tests share (differential.bzl): calling a module's
 * function by name and printing the result, or the exception it raised, in a form that is
 * the same under Pinion and CPython when their behaviour is. Header-only C, for the driver.
 */
#ifndef PINION_TESTS_COMPAT_DIFFERENTIAL_DIFF_SUPPORT_H_
#define PINION_TESTS_COMPAT_DIFFERENTIAL_DIFF_SUPPORT_H_

#include <Python.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where show() and out() print: stdout, or the calling thread's buffer in the threaded run. */
static __thread FILE* diff_stream_;
static inline FILE* diff_stream(void) { return diff_stream_ != NULL ? diff_stream_ : stdout; }
#define out(...) fprintf(diff_stream(), __VA_ARGS__)

/* Prints "label: <repr of result>" or, when result is NULL, "label: raised <type>: <str>",
 * clearing the exception. Releases result. */
static inline void show(const char* label, PyObject* result) {
  if (result == NULL) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyObject* text = value != NULL ? PyObject_Str(value) : NULL;
    out("%s: raised %s: %s\n", label,
           type != NULL ? ((PyTypeObject*)type)->tp_name : "(no exception set)",
           text != NULL ? PyUnicode_AsUTF8(text) : "");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return;
  }
  PyObject* repr = PyObject_Repr(result);
  out("%s: %s\n", label, repr != NULL ? PyUnicode_AsUTF8(repr) : "(repr failed)");
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

/* main() for a driver: DIFFERENTIAL_MAIN("name", PyInit_name, drive) registers the module in
 * the inittab, initialises, imports it (single- or multi-phase) and calls drive(module),
 * which prints with show() and out() only.
 *
 * Built with PINION_DIFF_THREADS (the `<name>_threads` test of differential.bzl, Pinion
 * only), main() runs drive() once for a reference output, then DIFF_THREADS threads run it
 * DIFF_ROUNDS times each while one more thread collects in a loop (PyGC_Collect and
 * _PyPinion_GC_CollectInMode in turn); every run must print what the reference run printed
 * (lines marked "[differs] " aside). The module is shared, as an imported module is:
 * drivers and modules keep no unsynchronised mutable globals. */
#define DIFF_THREADS 3
#define DIFF_ROUNDS 8

static inline PyObject* diff_import(const char* name) {
  PyObject* module = PyImport_ImportModule(name);
  if (module == NULL) show("import", NULL);
  return module;
}

/* DIFFERENTIAL_MAIN2("name", PyInit_name, "other", PyInit_other, drive): the same, with a
 * second module in the inittab, which the first (or drive) imports. */
#define DIFFERENTIAL_MAIN(name, init, drive) DIFFERENTIAL_MAIN_(name, init, drive, 0)
#define DIFFERENTIAL_MAIN2(name, init, name2, init2, drive) \
  DIFFERENTIAL_MAIN_(name, init, drive, PyImport_AppendInittab((name2), (init2)))

#ifndef PINION_DIFF_THREADS
#define DIFFERENTIAL_MAIN_(name, init, drive, register2) \
  int main(void) {                                     \
    if (PyImport_AppendInittab((name), (init)) < 0 || (register2) < 0) return 2; \
    Py_Initialize();                                   \
    PyObject* module = diff_import(name);              \
    if (module == NULL) return 1;                      \
    drive(module);                                     \
    Py_DECREF(module);                                 \
    Py_Finalize();                                     \
    return 0;                                          \
  }
#else
#include <pthread.h>

/* Compares two outputs, [differs] lines aside; 1 if they match. */
static inline int diff_same(const char* a, const char* b) {
  for (;;) {
    while (strncmp(a, "[differs] ", 10) == 0) a = strchr(a, '\n') ? strchr(a, '\n') + 1 : "";
    while (strncmp(b, "[differs] ", 10) == 0) b = strchr(b, '\n') ? strchr(b, '\n') + 1 : "";
    if (*a == '\0' || *b == '\0') return *a == *b;
    const char* ea = strchr(a, '\n');
    const char* eb = strchr(b, '\n');
    size_t la = ea ? (size_t)(ea - a) + 1 : strlen(a);
    size_t lb = eb ? (size_t)(eb - b) + 1 : strlen(b);
    if (la != lb || memcmp(a, b, la) != 0) return 0;
    a += la;
    b += lb;
  }
}

struct diff_run {
  const char* name;
  void (*drive)(PyObject*);
  const char* reference;
  int failures;
  int done;
};

/* One run of drive() into a buffer: the text (malloc'd), or NULL if the import failed. */
static inline char* diff_capture(struct diff_run* run) {
  char* text = NULL;
  size_t size = 0;
  diff_stream_ = open_memstream(&text, &size);
  PyObject* module = diff_import(run->name);
  if (module != NULL) {
    run->drive(module);
    Py_DECREF(module);
  }
  fclose(diff_stream_);
  diff_stream_ = NULL;
  return text;
}

static inline void* diff_worker(void* arg) {
  struct diff_run* run = (struct diff_run*)arg;
  PyGILState_STATE state = PyGILState_Ensure();
  for (int round = 0; round < DIFF_ROUNDS; ++round) {
    char* text = diff_capture(run);
    if (!diff_same(run->reference, text)) {
      fprintf(stderr, "FAIL: a threaded run printed\n%s\n-- instead of --\n%s\n", text,
              run->reference);
      __atomic_fetch_add(&run->failures, 1, __ATOMIC_RELAXED);
    }
    free(text);
  }
  PyGILState_Release(state);
  return NULL;
}

static inline void* diff_collector(void* arg) {
  struct diff_run* run = (struct diff_run*)arg;
  PyGILState_STATE state = PyGILState_Ensure();
  int collections = 0;
  /* Relaxed: the flag only ends the loop; joining orders everything else. */
  while (!__atomic_load_n(&run->done, __ATOMIC_RELAXED)) {
    /* Both kinds: on a concurrent heap (the `_concurrent` test) one marks beside the
     * threads, the other stops them; on a stop-the-world heap both stop them. */
    if (collections % 2 == 0) {
      PyGC_Collect();
    } else {
      _PyPinion_GC_CollectInMode();
    }
    ++collections;
  }
  PyGILState_Release(state);
  fprintf(stderr, "%d collections ran beside the threads\n", collections);
  return NULL;
}

#define DIFFERENTIAL_MAIN_(name, init, drive, register2)                                   \
  int main(void) {                                                                         \
    if (PyImport_AppendInittab((name), (init)) < 0 || (register2) < 0) return 2;           \
    Py_Initialize();                                                                       \
    struct diff_run run = {(name), (drive), NULL, 0, 0};                                   \
    char* reference = diff_capture(&run);                                                  \
    run.reference = reference;                                                             \
    pthread_t workers[DIFF_THREADS], collector;                                            \
    Py_BEGIN_ALLOW_THREADS                                                                 \
    pthread_create(&collector, NULL, diff_collector, &run);                                \
    for (int i = 0; i < DIFF_THREADS; ++i) pthread_create(&workers[i], NULL, diff_worker, &run); \
    for (int i = 0; i < DIFF_THREADS; ++i) pthread_join(workers[i], NULL);                 \
    __atomic_store_n(&run.done, 1, __ATOMIC_RELAXED);                                      \
    pthread_join(collector, NULL);                                                         \
    Py_END_ALLOW_THREADS                                                                   \
    Py_Finalize();                                                                         \
    fprintf(stderr, "%d threads x %d runs: %d differed from the reference\n", DIFF_THREADS, \
            DIFF_ROUNDS, run.failures);                                                    \
    const int empty = reference == NULL || strlen(reference) == 0;                         \
    free(reference);                                                                       \
    return run.failures != 0 || empty;                                                     \
  }
#endif

#endif /* PINION_TESTS_COMPAT_DIFFERENTIAL_DIFF_SUPPORT_H_ */
