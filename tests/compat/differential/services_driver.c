/* Drives tests/compat/modules/services.c and the runtime's services around it, as CPython 3.11
 * gives them: sys (writing to sys.stdout/sys.stderr, argv, path, warning and -X options,
 * audit hooks), sys.modules and the import functions that use it, the builtins, the frame
 * getters with no frame, the recursion limit, versions, signals, pending calls, PyErr_Display,
 * Py_AtExit and Py_Exit.
 *
 * What is process-wide (sys attributes, sys.modules entries, signal handlers, the recursion
 * limit) is changed inside section(), one thread at a time, and put back before leaving it,
 * so that the threaded twin's runs print what the reference run printed. Pending calls and
 * SIGINT are the main thread's (in both runtimes), and Py_Exit ends the process: those run in
 * the single-threaded build only (#ifndef PINION_DIFF_THREADS). */
#include <pthread.h>
#include <signal.h>

#include "diff_support.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

PyMODINIT_FUNC PyInit_services(void);
PyMODINIT_FUNC PyInit_services_mp(void);

static pthread_mutex_t section_mu = PTHREAD_MUTEX_INITIALIZER;

/* Waits for the section with the thread detached (Pinion: a native region, so a collection
 * never waits for it; CPython: the GIL released). */
static void enter_section(void) {
  Py_BEGIN_ALLOW_THREADS
  pthread_mutex_lock(&section_mu);
  Py_END_ALLOW_THREADS
}

static void leave_section(void) { pthread_mutex_unlock(&section_mu); }

static void yes_no(const char* label, int condition) {
  out("%s: %s\n", label, condition ? "yes" : "no");
}

/* What the module collected (services.take()), shown under `label`. */
static void show_taken(const char* label, PyObject* module) {
  show(label, call(module, "take", NULL));
}

/* The exception set now (cleared), or "none". */
static void show_error(const char* label) {
  if (PyErr_Occurred()) {
    show(label, NULL);
  } else {
    out("%s: no exception\n", label);
  }
}

static void drive_streams(PyObject* module) {
  PyObject* old_stdout = Py_XNewRef(PySys_GetObject("stdout"));
  PyObject* old_stderr = Py_XNewRef(PySys_GetObject("stderr"));
  PySys_SetObject("stdout", module);
  PySys_SetObject("stderr", module);

  PySys_WriteStdout("%d-%s-%5.2f|", 42, "text", 2.5);
  PySys_WriteStderr("err %c%c", 'o', 'k');
  show_taken("WriteStdout + WriteStderr", module);
  char long_text[1201];
  memset(long_text, 'x', 1200);
  long_text[1200] = '\0';
  PySys_WriteStdout("%s", long_text);
  PyObject* taken = call(module, "take", NULL);
  if (taken != NULL) {
    Py_ssize_t length = PyUnicode_GetLength(taken);
    out("WriteStdout(1200 x): %zd characters, ending %s\n", length,
        PyUnicode_AsUTF8(taken) + (length > 16 ? length - 16 : 0));
    Py_DECREF(taken);
  } else {
    show("take", NULL);
  }
  PyObject* word = PyUnicode_FromString("word");
  PySys_FormatStdout("%S|%R|%d|%s", word, word, 7, "c");
  PySys_FormatStderr("%U!", word);
  Py_DECREF(word);
  show_taken("FormatStdout + FormatStderr", module);

  /* The exception set before a write is set again after it. */
  PyErr_SetString(PyExc_ValueError, "kept");
  PySys_WriteStdout("while an exception is set");
  PySys_FormatStdout("%s", "and again");
  show_error("exception after the writes");
  show_taken("written meanwhile", module);

  /* PyErr_Display and PyErr_Print write to sys.stderr. */
  PyObject* value = PyObject_CallFunction(PyExc_ValueError, "s", "boom");
  PyErr_Display(PyExc_ValueError, value, NULL);
  Py_XDECREF(value);
  PyObject* key = PyUnicode_FromString("k");
  PyErr_SetObject(PyExc_KeyError, key);
  Py_DECREF(key);
  PyErr_Print();
  PyErr_SetNone(PyExc_StopIteration);
  PyErr_Print();
  PyErr_SetString(PyExc_OSError, "plain");
  PyErr_PrintEx(0);
  show_error("after PyErr_Print");
  show_taken("PyErr_Display + PyErr_Print", module);

  /* None: writes go to the C streams, PyErr_Display prints nothing. */
  PySys_SetObject("stdout", Py_None);
  PySys_SetObject("stderr", Py_None);
  fflush(diff_stream());
  PySys_WriteStdout("sys.stdout is None: to the C stream\n");
  fflush(stdout);
  PyErr_SetString(PyExc_ValueError, "silenced");
  PyErr_Print();
  show_error("after PyErr_Print with sys.stderr None");
  /* An object with no write method: the C stream as well. */
  PyObject* number = PyLong_FromLong(5);
  PySys_SetObject("stdout", number);
  Py_DECREF(number);
  PySys_FormatStdout("sys.stdout has no write: to the C stream%s\n", "");
  fflush(stdout);
  show_taken("collected meanwhile", module);

  PySys_SetObject("stdout", old_stdout);
  PySys_SetObject("stderr", old_stderr);
  Py_XDECREF(old_stdout);
  Py_XDECREF(old_stderr);
}

static void drive_sys_options(void) {
  show("sys.argv at first", Py_XNewRef(PySys_GetObject("argv")));
  PyObject* old_argv = Py_XNewRef(PySys_GetObject("argv"));
  PyObject* old_path = Py_XNewRef(PySys_GetObject("path"));
  wchar_t* argv[] = {L"prog", L"--flag", L"caf\u00e9"};
  PySys_SetArgvEx(3, argv, 0);
  show("SetArgvEx(3, ...)", Py_XNewRef(PySys_GetObject("argv")));
  PySys_SetArgvEx(0, NULL, 0);
  show("SetArgvEx(0, NULL)", Py_XNewRef(PySys_GetObject("argv")));
  PySys_SetPath(L"/pinion/a:/pinion/b::/pinion/c");
  show("SetPath", Py_XNewRef(PySys_GetObject("path")));
  wchar_t* script[] = {L"-c", L"x"};
  PySys_SetArgv(2, script);
  show("SetArgv(-c) puts '' first in sys.path", Py_XNewRef(PySys_GetObject("path")));
  PySys_SetObject("argv", old_argv);
  PySys_SetObject("path", old_path);
  Py_XDECREF(old_argv);
  Py_XDECREF(old_path);

  PySys_ResetWarnOptions();
  out("HasWarnOptions after Reset: %d\n", PySys_HasWarnOptions());
  PySys_AddWarnOption(L"ignore::DeprecationWarning");
  PyObject* option = PyUnicode_FromString("error");
  PySys_AddWarnOptionUnicode(option);
  Py_DECREF(option);
  show("sys.warnoptions", Py_XNewRef(PySys_GetObject("warnoptions")));
  out("HasWarnOptions: %d\n", PySys_HasWarnOptions());
  PySys_ResetWarnOptions();
  show("sys.warnoptions after Reset", Py_XNewRef(PySys_GetObject("warnoptions")));
  /* Not a list: Add makes one. */
  PyObject* old_options = Py_XNewRef(PySys_GetObject("warnoptions"));
  PySys_SetObject("warnoptions", Py_None);
  out("HasWarnOptions with None: %d\n", PySys_HasWarnOptions());
  PySys_AddWarnOption(L"default");
  show("sys.warnoptions made again", Py_XNewRef(PySys_GetObject("warnoptions")));
  PySys_SetObject("warnoptions", old_options);
  Py_XDECREF(old_options);

  PyObject* old_xoptions = Py_XNewRef(PySys_GetXOptions());
  PyObject* fresh = PyDict_New();
  PySys_SetObject("_xoptions", fresh);
  Py_DECREF(fresh);
  PySys_AddXOption(L"pinion_dev");
  PySys_AddXOption(L"pinion_level=3");
  PySys_AddXOption(L"pinion_eq=a=b");
  show("GetXOptions", Py_XNewRef(PySys_GetXOptions()));
  yes_no("GetXOptions is sys._xoptions", PySys_GetXOptions() == PySys_GetObject("_xoptions"));
  PySys_SetObject("_xoptions", Py_None);
  show("GetXOptions when sys._xoptions is None", Py_XNewRef(PySys_GetXOptions()));
  PySys_SetObject("_xoptions", old_xoptions);
  Py_XDECREF(old_xoptions);
}

/* The audit hook: records the events named "pinion..." this thread raised; refuses
 * "pinion.refuse". */
static __thread char audit_seen[512];

static int audit_hook(const char* event, PyObject* args, void* data) {
  if (strncmp(event, "pinion", 6) != 0) return 0;
  if (strcmp(event, "pinion.refuse") == 0) {
    PyErr_Format(PyExc_RuntimeError, "refused by the hook (%s)", (const char*)data);
    return -1;
  }
  PyObject* repr = PyObject_Repr(args);
  size_t used = strlen(audit_seen);
  snprintf(audit_seen + used, sizeof audit_seen - used, "%s%s", event,
           repr != NULL ? PyUnicode_AsUTF8(repr) : "?");
  Py_XDECREF(repr);
  return 0;
}

static pthread_once_t audit_once = PTHREAD_ONCE_INIT;
static int audit_added = -2;
static void add_audit_hook(void) { audit_added = PySys_AddAuditHook(audit_hook, "data"); }

static void drive_audit(void) {
  pthread_once(&audit_once, add_audit_hook);
  out("AddAuditHook: %d\n", audit_added);
  audit_seen[0] = '\0';
  out("Audit(pinion.event, (is)): %d\n", PySys_Audit("pinion.event", "(is)", 5, "x"));
  out("Audit(pinion.one, i): %d\n", PySys_Audit("pinion.one", "i", 9));
  out("Audit(pinion.none, NULL): %d\n", PySys_Audit("pinion.none", NULL));
  out("the hook saw: %s\n", audit_seen);
  out("Audit(pinion.refuse): %d\n", PySys_Audit("pinion.refuse", NULL));
  show_error("its exception");
  PyErr_SetString(PyExc_KeyError, "before");
  out("Audit with an exception set: %d\n", PySys_Audit("pinion.event", "()"));
  show_error("the exception after");
}

static void drive_eval(void) {
  PyObject* builtins = PyEval_GetBuiltins();
  yes_no("GetBuiltins is a dict", builtins != NULL && PyDict_Check(builtins));
  yes_no("builtins['int'] is int",
         PyDict_GetItemString(builtins, "int") == (PyObject*)&PyLong_Type);
  yes_no("builtins['str'] is str",
         PyDict_GetItemString(builtins, "str") == (PyObject*)&PyUnicode_Type);
  yes_no("builtins['None'] is None", PyDict_GetItemString(builtins, "None") == Py_None);
  yes_no("builtins['True'] is True", PyDict_GetItemString(builtins, "True") == Py_True);
  yes_no("builtins['Ellipsis'] is Ellipsis",
         PyDict_GetItemString(builtins, "Ellipsis") == Py_Ellipsis);
  yes_no("builtins['ValueError'] is ValueError",
         PyDict_GetItemString(builtins, "ValueError") == PyExc_ValueError);
  yes_no("builtins['IOError'] is OSError",
         PyDict_GetItemString(builtins, "IOError") == PyExc_OSError);
  show("builtins['__name__']", Py_XNewRef(PyDict_GetItemString(builtins, "__name__")));
  PyObject* module = PyImport_ImportModule("builtins");
  yes_no("import builtins: its dict is GetBuiltins()",
         module != NULL && PyModule_GetDict(module) == builtins);
  Py_XDECREF(module);

  yes_no("GetGlobals() is NULL", PyEval_GetGlobals() == NULL);
  show_error("after GetGlobals");
  yes_no("GetFrame() is NULL", PyEval_GetFrame() == NULL);
  show_error("after GetFrame");
  yes_no("GetLocals() is NULL", PyEval_GetLocals() == NULL);
  show_error("after GetLocals");

  PyEval_InitThreads();
  out("ThreadsInitialized: %d\n", PyEval_ThreadsInitialized());
  PyThreadState* state = PyThreadState_Get();
  PyEval_ReleaseThread(state);
  PyEval_AcquireThread(state);
  yes_no("ReleaseThread + AcquireThread: attached again", PyThreadState_Get() == state);

  enter_section();
  int limit = Py_GetRecursionLimit();
  Py_SetRecursionLimit(321);
  out("SetRecursionLimit(321): %d\n", Py_GetRecursionLimit());
  Py_SetRecursionLimit(limit);
  leave_section();

  out("Py_GetVersion starts: %.5s\n", Py_GetVersion());
  out("Py_GetPlatform: %s\n", Py_GetPlatform());
  out("Py_GetCompiler starts: %.5s\n", Py_GetCompiler());
  yes_no("Py_GetCopyright starts with Copyright",
         strncmp(Py_GetCopyright(), "Copyright", 9) == 0);
  yes_no("Py_GetBuildInfo is not empty", Py_GetBuildInfo()[0] != '\0');
  yes_no("Py_GetProgramName is not empty", Py_GetProgramName()[0] != L'\0');
  out("Py_GetPythonHome: %s\n", Py_GetPythonHome() == NULL ? "NULL" : "set");
}

static void on_signal(int sig) { (void)sig; }

static void drive_signals(void) {
  enter_section();
  yes_no("getsig(SIGUSR1) is SIG_DFL", PyOS_getsig(SIGUSR1) == SIG_DFL);
  yes_no("setsig(SIGUSR1, handler) gives SIG_DFL", PyOS_setsig(SIGUSR1, on_signal) == SIG_DFL);
  yes_no("getsig(SIGUSR1) is the handler", PyOS_getsig(SIGUSR1) == on_signal);
  yes_no("setsig(SIGUSR1, SIG_DFL) gives the handler", PyOS_setsig(SIGUSR1, SIG_DFL) == on_signal);
  yes_no("the runtime handles SIGINT", PyOS_getsig(SIGINT) != SIG_DFL);
  leave_section();
}

static void show_import(const char* label, PyObject* module) {
  if (module == NULL) {
    show(label, NULL);
    return;
  }
  if (PyModule_Check(module)) {
    out("%s: module %s\n", label, PyModule_GetName(module));
    Py_DECREF(module);
  } else {
    show(label, module);
  }
}

static PyObject* level(const char* name, PyObject* globals, PyObject* fromlist, int lvl) {
  return PyImport_ImportModuleLevel(name, globals, NULL, fromlist, lvl);
}

static void set_item(PyObject* dict, const char* key, PyObject* value) {
  PyDict_SetItemString(dict, key, value);
  Py_DECREF(value);
}

/* All of it in the section: other threads' runs replace sys.modules['services']. */
static void drive_imports(void) {
  enter_section();
  PyObject* module = PyImport_ImportModule("services");
  PyObject* modules = PyImport_GetModuleDict();
  yes_no("GetModuleDict is a dict", PyDict_Check(modules));
  yes_no("sys.modules is GetModuleDict()", PySys_GetObject("modules") == modules);
  PyObject* name = PyUnicode_FromString("services");
  PyObject* cached = PyImport_GetModule(name);
  yes_no("GetModule('services') is the module", cached == module);
  Py_XDECREF(cached);
  Py_DECREF(name);
  name = PyUnicode_FromString("pinion_nothing");
  cached = PyImport_GetModule(name);
  yes_no("GetModule('pinion_nothing') is NULL", cached == NULL);
  show_error("after it");
  Py_DECREF(name);
  PyObject* again = PyImport_ImportModuleNoBlock("services");
  yes_no("ImportModuleNoBlock('services') is the module", again == module);
  Py_XDECREF(again);
  out("GetMagicNumber: %ld\n", PyImport_GetMagicNumber());
  out("GetMagicTag: %s\n", PyImport_GetMagicTag());
  out("ImportFrozenModule('pinion_nothing'): %d\n", PyImport_ImportFrozenModule("pinion_nothing"));
  name = PyUnicode_FromString("pinion_nothing");
  out("ImportFrozenModuleObject('pinion_nothing'): %d\n", PyImport_ImportFrozenModuleObject(name));
  Py_DECREF(name);

  show_import("ImportModuleLevel('services')", level("services", NULL, NULL, 0));
  PyObject* fromlist = Py_BuildValue("(s)", "take");
  show_import("ImportModuleLevel('services', fromlist)", level("services", NULL, fromlist, 0));
  Py_DECREF(fromlist);
  show_import("ImportModuleLevel('')", level("", NULL, NULL, 0));
  show_import("ImportModuleLevel(level -1)", level("services", NULL, NULL, -1));
  show_import("ImportModuleLevel(level 1, no globals)", level("services", NULL, NULL, 1));
  PyObject* globals = PyDict_New();
  show_import("ImportModuleLevel(level 1, {})", level("x", globals, NULL, 1));
  set_item(globals, "__name__", PyUnicode_FromString("top"));
  show_import("ImportModuleLevel(level 1, __name__ 'top')", level("x", globals, NULL, 1));
  set_item(globals, "__package__", PyUnicode_FromString("pinion_pkg"));
  show_import("ImportModuleLevel(level 2, __package__ 'pinion_pkg')",
              level("x", globals, NULL, 2));
  show_import("ImportModuleLevel('x', level 1, __package__ 'pinion_pkg')",
              level("x", globals, NULL, 1));
  set_item(globals, "__package__", PyLong_FromLong(5));
  show_import("ImportModuleLevel(level 1, __package__ 5)", level("x", globals, NULL, 1));
  Py_DECREF(globals);
  PyObject* number = PyLong_FromLong(5);
  show_import("ImportModuleLevelObject(5)",
              PyImport_ImportModuleLevelObject(number, NULL, NULL, NULL, 0));
  show_import("ReloadModule(5)", PyImport_ReloadModule(number));
  Py_DECREF(number);
  PyObject* detached = PyModule_New("pinion_detached");
  show_import("ReloadModule(a module not in sys.modules)", PyImport_ReloadModule(detached));
  Py_DECREF(detached);

  PyObject* added = PyImport_AddModule("pinion_added");
  show("AddModule('pinion_added').__name__", PyObject_GetAttrString(added, "__name__"));
  PyObject* imported = PyImport_ImportModule("pinion_added");
  yes_no("ImportModule gives the added module", imported == added);
  Py_XDECREF(imported);
  yes_no("AddModule again gives it", PyImport_AddModule("pinion_added") == added);

  PyObject* current = PyImport_ImportModule("services");
  PyObject* reloaded = PyImport_ReloadModule(current);
  yes_no("ReloadModule(services) gives the module", reloaded != NULL && reloaded == current);
  if (reloaded == NULL) show("ReloadModule", NULL);
  Py_XDECREF(reloaded);
  /* A multi-phase module with m_size 0: executed once (its state, of 0 bytes, marks it), so
   * reloading does not run its exec slot again. */
  PyObject* mp = PyImport_ImportModule("services_mp");
  PyObject* before = mp != NULL ? PyObject_GetAttrString(mp, "executions") : NULL;
  PyObject* mp_reloaded = mp != NULL ? PyImport_ReloadModule(mp) : NULL;
  PyObject* after = mp_reloaded != NULL ? PyObject_GetAttrString(mp, "executions") : NULL;
  yes_no("ReloadModule(services_mp) gives the module", mp_reloaded == mp && mp != NULL);
  yes_no("  and left its exec slot alone", before != NULL && after != NULL &&
                                              PyLong_AsLong(after) == PyLong_AsLong(before));
  if (after == NULL) show("  its executions", NULL);
  Py_XDECREF(before);
  Py_XDECREF(after);
  Py_XDECREF(mp_reloaded);
  Py_XDECREF(mp);

#ifndef PINION_DIFF_THREADS
  /* Code that mutates sys.modules itself races with imports on other threads (there is no
   * GIL: the runtime serialises only its own accesses, docs/user_guide.md "Imports of
   * shared-object modules"), and each threaded run begins with an import: so the threaded
   * twin leaves these out. */
  PyDict_DelItemString(modules, "pinion_added");

  PyObject* fake = PyLong_FromLong(42);
  PyDict_SetItemString(modules, "pinion_fake", fake);
  Py_DECREF(fake);
  show_import("ImportModule('pinion_fake') after sys.modules['pinion_fake'] = 42",
              PyImport_ImportModule("pinion_fake"));
  added = PyImport_AddModule("pinion_fake");
  yes_no("AddModule('pinion_fake') replaced it by a module",
         PyModule_Check(added) && PyDict_GetItemString(modules, "pinion_fake") == added);
  PyDict_DelItemString(modules, "pinion_fake");
  PyDict_SetItemString(modules, "pinion_none", Py_None);
  show_import("ImportModule('pinion_none') after sys.modules['pinion_none'] = None",
              PyImport_ImportModule("pinion_none"));
  show_import("ImportModule('pinion_none.sub')", PyImport_ImportModule("pinion_none.sub"));
  PyDict_DelItemString(modules, "pinion_none");

  PyDict_DelItemString(modules, "services");
  PyObject* fresh = PyImport_ImportModule("services");
  yes_no("after del sys.modules['services'], a new module", fresh != NULL && fresh != current);
  show_import("  which is", Py_XNewRef(fresh));
  yes_no("  and sys.modules holds it", PyDict_GetItemString(modules, "services") == fresh);
  Py_XDECREF(fresh);
#endif
  Py_XDECREF(current);
  Py_XDECREF(module);
  leave_section();
}

#ifndef PINION_DIFF_THREADS
static int pending_count;

static int pending_add(void* arg) {
  pending_count += (int)(intptr_t)arg;
  return 0;
}

static int pending_fail(void* arg) {
  PyErr_SetString(PyExc_ValueError, "a pending call failed");
  return -1;
}

static void at_exit_first(void) { printf("Py_AtExit: the first registered runs last\n"); }
static void at_exit_second(void) { printf("Py_AtExit: the second registered runs first\n"); }

static void drive_main_thread_only(PyObject* module) {
  out("AddPendingCall: %d\n", Py_AddPendingCall(pending_add, (void*)(intptr_t)1));
  out("AddPendingCall: %d\n", Py_AddPendingCall(pending_add, (void*)(intptr_t)10));
  out("count before MakePendingCalls: %d\n", pending_count);
  out("MakePendingCalls: %d\n", Py_MakePendingCalls());
  out("count after: %d\n", pending_count);
  Py_AddPendingCall(pending_fail, NULL);
  Py_AddPendingCall(pending_add, (void*)(intptr_t)100);
  out("MakePendingCalls with a failing call: %d\n", Py_MakePendingCalls());
  show_error("its exception");
  out("count (the next still queued): %d\n", pending_count);
  out("MakePendingCalls again: %d\n", Py_MakePendingCalls());
  out("count: %d\n", pending_count);
  int full = 0;
  for (int i = 0; i < 40 && Py_AddPendingCall(pending_add, (void*)(intptr_t)0) == 0; ++i) ++full;
  out("AddPendingCall accepted %d before the queue was full\n", full);
  out("MakePendingCalls: %d\n", Py_MakePendingCalls());
  show_error("after it");

  raise(SIGINT);
  out("InterruptOccurred after SIGINT: %d\n", PyOS_InterruptOccurred());
  out("InterruptOccurred again: %d\n", PyOS_InterruptOccurred());
  raise(SIGINT);
  out("PyErr_CheckSignals after SIGINT: %d\n", PyErr_CheckSignals());
  show_error("its exception");
  raise(SIGINT);
  out("MakePendingCalls after SIGINT: %d\n", Py_MakePendingCalls());
  show_error("its exception");

  out("Py_AtExit: %d\n", Py_AtExit(at_exit_first));
  out("Py_AtExit: %d\n", Py_AtExit(at_exit_second));
  fflush(stdout);
  /* main()'s reference: Py_Exit ends the process before main would release it. */
  Py_DECREF(module);
  Py_Exit(3);
}
#endif

static void drive(PyObject* module) {
  enter_section();
  drive_streams(module);
  drive_sys_options();
  leave_section();
  drive_audit();
  drive_eval();
  drive_signals();
  drive_imports();
#ifndef PINION_DIFF_THREADS
  drive_main_thread_only(module);
#endif
}

DIFFERENTIAL_MAIN2("services", PyInit_services, "services_mp", PyInit_services_mp, drive)
