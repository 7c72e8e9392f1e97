// The sys module's dictionary (sysmodule.h): PySys_GetObject and PySys_SetObject.
//
// Owns: g_sys_dict, a pinned dict made on first use (published with a compare-exchange: a
// thread that loses the race releases its own), released at Py_Finalize (ReleaseSysDict).
//
// Invariant: every access to the dict holds g_sys_mu, acquired inside a native region (a
// thread waiting for it never holds up a collection); under it, only dict operations on
// str keys run: no extension code, no heap allocation (the keys are made before).
//
// Threads: any attached thread.
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
      !AddInitial(dict, "api_version", PyLong_FromLong(1013))) {
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

// g_sys_mu, waited for in a native region.
std::unique_lock<std::mutex> LockSys() {
  std::unique_lock<std::mutex> lock(g_sys_mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    PyThreadState* state = PyEval_SaveThread();
    lock.lock();
    PyEval_RestoreThread(state);
  }
  return lock;
}

}  // namespace

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
