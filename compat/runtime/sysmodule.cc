// The sys module's dictionary (sysmodule.h): PySys_GetObject and PySys_SetObject, and what
// C code sets in it: argv, path, warnoptions, _xoptions.
//
// Owns: g_sys_dict, a pinned dict made on first use (published with a compare-exchange: a
// thread that loses the race releases its own), released at Py_Finalize (ReleaseSysDict).
//
// Invariant: every access to the dict, and to the lists and dicts in it that the functions
// here mutate (warnoptions, _xoptions), holds g_sys_mu, acquired inside a native region (a
// thread waiting for it never holds up a collection); under it, only dict and list
// operations on str keys and made values run: no extension code, no heap allocation (keys and
// values are made before; a list's or dict's table is malloc'd).
//
// Threads: any attached thread.
#include <climits>
#include <cstdlib>
#include <cwchar>
#include <string>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

std::atomic<PyObject*> g_sys_dict{nullptr};
std::mutex g_sys_mu;

bool AddInitial(PyObject* dict, const char* name, PyObject* value) {
  if (value == nullptr) return false;
  const int rc = PyDict_SetItemString(dict, name, value);
  Py_DECREF(value);
  return rc == 0;
}

// The dict, made and filled on first use; nullptr with an exception.
PyObject* SysDict() {
  // Acquire: pairs with the release of the compare-exchange that published a filled dict.
  PyObject* dict = g_sys_dict.load(std::memory_order_acquire);
  if (dict != nullptr) return dict;
  dict = PyDict_New();
  if (dict == nullptr) return nullptr;
  const uint16_t probe = 1;
  const bool little = *reinterpret_cast<const unsigned char*>(&probe) == 1;
  if (!AddInitial(dict, "maxsize", PyLong_FromSsize_t(PY_SSIZE_T_MAX)) ||
      !AddInitial(dict, "maxunicode", PyLong_FromLong(0x10FFFF)) ||
      !AddInitial(dict, "byteorder", PyUnicode_FromString(little ? "little" : "big")) ||
      !AddInitial(dict, "hexversion", PyLong_FromLong(PY_VERSION_HEX)) ||
      !AddInitial(dict, "api_version", PyLong_FromLong(1013)) ||
      !AddInitial(dict, "argv", Py_BuildValue("[s]", "")) ||
      !AddInitial(dict, "warnoptions", PyList_New(0)) ||
      !AddInitial(dict, "_xoptions", PyDict_New()) ||
      !AddInitial(dict, "modules", Py_XNewRef(ModulesDict()))) {
    Py_DECREF(dict);
    return nullptr;
  }
  PyObject* expected = nullptr;
  // Release: the dict's contents are visible to whoever loads the pointer (acquire above);
  // acquire on failure: we then use the winner's dict.
  if (!g_sys_dict.compare_exchange_strong(expected, dict, std::memory_order_acq_rel,
                                          std::memory_order_acquire)) {
    Py_DECREF(dict);
    return expected;
  }
  return dict;
}

std::unique_lock<std::mutex> LockSys() { return LockAttached(g_sys_mu); }

// sys.<name>, a new reference (so that it stays valid across a wait for g_sys_mu, while
// another thread may replace it), or nullptr with no exception when missing.
PyObject* SysGet(const char* name) {
  PyObject* dict = SysDict();
  PyObject* key = dict != nullptr ? PyUnicode_FromString(name) : nullptr;
  if (key == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  PyObject* value;
  {
    auto lock = LockSys();
    value = PyDict_GetItemWithError(dict, key);
    Py_XINCREF(value);
  }
  Py_DECREF(key);
  if (value == nullptr) PyErr_Clear();
  return value;
}

// sys.<name> if `check` accepts it, else a new `make()` entered as sys.<name> (as CPython's
// get_warnoptions and get_xoptions); a new reference, or nullptr with an exception.
PyObject* SysContainer(const char* name, int (*check)(PyObject*), PyObject* (*make)()) {
  PyObject* dict = SysDict();
  if (dict == nullptr) return nullptr;
  PyObject* key = PyUnicode_FromString(name);
  if (key == nullptr) return nullptr;
  PyObject* value;
  {
    auto lock = LockSys();
    value = PyDict_GetItemWithError(dict, key);
    Py_XINCREF(value);
  }
  if (value == nullptr || !check(value)) {
    PyErr_Clear();
    Py_XDECREF(value);
    value = make();
    int rc = -1;
    if (value != nullptr) {
      auto lock = LockSys();
      rc = PyDict_SetItem(dict, key, value);
    }
    if (rc < 0) Py_CLEAR(value);
  }
  Py_DECREF(key);
  return value;
}

int IsList(PyObject* o) { return PyList_Check(o); }
int IsDict(PyObject* o) { return PyDict_Check(o); }
PyObject* NewList() { return PyList_New(0); }
PyObject* NewDict() { return PyDict_New(); }

// A list of str of `count` wide strings.
PyObject* WideList(int count, wchar_t** items) {
  PyObject* list = PyList_New(count);
  if (list == nullptr) return nullptr;
  for (int i = 0; i < count; ++i) {
    PyObject* item = PyUnicode_FromWideChar(items[i], -1);
    if (item == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, i, item);
  }
  return list;
}

// What CPython's _PyPathConfig_ComputeSysPath0 puts first in sys.path for argv[0]: "" for
// "-c" (or none), the working directory for "-m", else the directory of the script (after
// resolving links), "" when it names none. nullptr with an exception.
PyObject* SysPath0(const wchar_t* argv0) {
  if (std::wcscmp(argv0, L"-m") == 0) {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == nullptr) return PyErr_SetFromErrno(PyExc_OSError);
    return PyUnicode_FromString(cwd);  // (the file system's encoding taken as UTF-8)
  }
  if (std::wcscmp(argv0, L"-c") == 0) return PyUnicode_FromString("");
  PyObject* wide = PyUnicode_FromWideChar(argv0, -1);
  if (wide == nullptr) return nullptr;
  const char* utf8 = PyUnicode_AsUTF8(wide);
  if (utf8 == nullptr) {
    Py_DECREF(wide);
    return nullptr;
  }
  std::string script(utf8);
  Py_DECREF(wide);
  char resolved[PATH_MAX];
  if (realpath(script.c_str(), resolved) != nullptr) script = resolved;
  const size_t slash = script.rfind('/');
  if (slash == std::string::npos) return PyUnicode_FromString("");
  return PyUnicode_FromString(script.substr(0, slash == 0 ? 1 : slash).c_str());
}

}  // namespace

std::mutex& SysLock() { return g_sys_mu; }

void ReleaseSysDict() {
  // Relaxed: at Py_Finalize, the only thread still attached.
  PyObject* dict = g_sys_dict.exchange(nullptr, std::memory_order_relaxed);
  Py_XDECREF(dict);
}

}  // namespace pinion::compat

using namespace pinion::compat;

extern "C" PyObject* PySys_GetObject(const char* name) {
  PyObject* dict = SysDict();
  if (dict == nullptr) return nullptr;
  PyObject* key = PyUnicode_FromString(name);
  if (key == nullptr) return nullptr;
  PyObject* value;
  {
    auto lock = LockSys();
    value = PyDict_GetItemWithError(dict, key);
  }
  Py_DECREF(key);
  if (value == nullptr) PyErr_Clear();  // as CPython: missing (or a failed lookup) is NULL
  return value;
}

extern "C" int PySys_SetObject(const char* name, PyObject* v) {
  PyObject* dict = SysDict();
  if (dict == nullptr) return -1;
  PyObject* key = PyUnicode_FromString(name);
  if (key == nullptr) return -1;
  int rc;
  {
    auto lock = LockSys();
    if (v != nullptr) {
      rc = PyDict_SetItem(dict, key, v);
    } else {
      rc = PyDict_DelItem(dict, key);
      if (rc < 0 && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        rc = 0;
      }
    }
  }
  Py_DECREF(key);
  return rc;
}

// ---- What C code sets in sys -----------------------------------------------------------

namespace {

void SetArgv(int argc, wchar_t** argv, int updatepath) {
  wchar_t empty[] = L"";
  wchar_t* empty_argv[] = {empty};
  if (argc < 1 || argv == nullptr) {
    argc = 1;
    argv = empty_argv;
  }
  PyObject* list = WideList(argc, argv);
  if (list == nullptr || PySys_SetObject("argv", list) < 0) {
    Py_XDECREF(list);
    Py_FatalError("can't assign sys.argv");
  }
  Py_DECREF(list);
  if (!updatepath) return;
  PyObject* path0 = SysPath0(argv[0]);
  if (path0 == nullptr) Py_FatalError("can't compute path0 from argv");
  PyObject* path = SysGet("path");
  if (path != nullptr && PyList_Check(path)) {
    int rc;
    {
      auto lock = LockSys();
      rc = PyList_Insert(path, 0, path0);
    }
    if (rc < 0) Py_FatalError("can't prepend path0 to sys.path");
  }
  Py_XDECREF(path);
  Py_DECREF(path0);
}

void AddWarnOption(PyObject* option) {
  PyObject* options = SysContainer("warnoptions", IsList, NewList);
  int rc = -1;
  if (options != nullptr && option != nullptr) {
    auto lock = LockSys();
    rc = PyList_Append(options, option);
  }
  Py_XDECREF(options);
  if (rc < 0) PyErr_Clear();  // as CPython: no way to report it
}

}  // namespace

extern "C" void PySys_SetArgvEx(int argc, wchar_t** argv, int updatepath) {
  SetArgv(argc, argv, updatepath);
}

extern "C" void PySys_SetArgv(int argc, wchar_t** argv) { SetArgv(argc, argv, 1); }

extern "C" void PySys_SetPath(const wchar_t* path) {
  PyObject* list = PyList_New(0);
  bool ok = list != nullptr;
  for (const wchar_t* start = path; ok;) {
    const wchar_t* end = std::wcschr(start, L':');
    const Py_ssize_t length = end != nullptr ? end - start : std::wcslen(start);
    PyObject* item = PyUnicode_FromWideChar(start, length);
    ok = item != nullptr && PyList_Append(list, item) == 0;
    Py_XDECREF(item);
    if (end == nullptr) break;
    start = end + 1;
  }
  if (!ok || PySys_SetObject("path", list) < 0) {
    Py_XDECREF(list);
    Py_FatalError("can't assign sys.path");
  }
  Py_DECREF(list);
}

extern "C" void PySys_ResetWarnOptions(void) {
  PyObject* options = SysGet("warnoptions");
  if (options != nullptr && PyList_Check(options)) {
    auto lock = LockSys();
    PyList_SetSlice(options, 0, PyList_GET_SIZE(options), nullptr);
  }
  Py_XDECREF(options);
}

extern "C" void PySys_AddWarnOptionUnicode(PyObject* option) { AddWarnOption(option); }

extern "C" void PySys_AddWarnOption(const wchar_t* s) {
  PyObject* option = PyUnicode_FromWideChar(s, -1);
  if (option == nullptr) {
    PyErr_Clear();
    return;
  }
  AddWarnOption(option);
  Py_DECREF(option);
}

extern "C" int PySys_HasWarnOptions(void) {
  PyObject* options = SysGet("warnoptions");
  int has = 0;
  if (options != nullptr && PyList_Check(options)) {
    auto lock = LockSys();
    has = PyList_GET_SIZE(options) > 0;
  }
  Py_XDECREF(options);
  return has;
}

extern "C" PyObject* PySys_GetXOptions(void) {
  PyObject* options = SysContainer("_xoptions", IsDict, NewDict);
  Py_XDECREF(options);  // borrowed, as CPython's: the sys dict holds it
  return options;
}

extern "C" void PySys_AddXOption(const wchar_t* s) {
  // "name=value" sets name to "value"; "name" alone sets it to True.
  const wchar_t* equals = std::wcschr(s, L'=');
  PyObject* name = PyUnicode_FromWideChar(s, equals != nullptr ? equals - s : -1);
  PyObject* value = equals != nullptr ? PyUnicode_FromWideChar(equals + 1, -1) : Py_NewRef(Py_True);
  PyObject* options =
      name != nullptr && value != nullptr ? SysContainer("_xoptions", IsDict, NewDict) : nullptr;
  int rc = -1;
  if (options != nullptr) {
    auto lock = LockSys();
    rc = PyDict_SetItem(options, name, value);
  }
  Py_XDECREF(options);
  Py_XDECREF(name);
  Py_XDECREF(value);
  if (rc < 0) PyErr_Clear();  // as CPython: no way to report it
}
