// Imports of extension modules compiled as shared objects: the module search path, finding a
// module's file, dlopen, and running its PyInit_* function (import.cc calls in when a name is
// neither imported already nor in the inittab).
//
// The search path is the directories _PyPinion_SetModuleSearchPath set, or, until it is
// called, those of the environment variable PINION_PYTHONPATH (colon-separated, read at each
// import, empty entries skipped). Module "a.b.c" is the file a/b/c<suffix> in the first
// directory that has one, for the suffixes in kSuffixes in order (".pinion-311.so", which
// `pinion-python-config --extension-suffix` answers, then ".so"). A name with no file that is
// a directory on the path is a namespace package (PEP 420): an empty module whose __path__
// lists those directories, so packages of extension modules need no __init__.
//
// State: g_path (the set path; g_path_set says whether it was set), under g_path_mu, which
// is held only to copy the path, never across dlopen, an allocation or extension code.
// Shared objects are never dlclose'd (as CPython): their code and static data live as long
// as the process.
//
// Threads: any attached thread; dlopen runs in a native region (it may block on the dynamic
// loader's lock and on I/O), so it never holds up a collection.
#include <dlfcn.h>
#include <sys/stat.h>

#include <mutex>
#include <string>
#include <vector>

#include "compat/runtime/runtime.h"

namespace pinion::compat {
namespace {

constexpr const char* kSuffixes[] = {".pinion-311.so", ".so"};

std::mutex g_path_mu;
bool g_path_set = false;  // under g_path_mu
std::string& SetPath() {  // under g_path_mu
  static std::string* path = new std::string;
  return *path;
}

std::vector<std::string> SearchPath() {
  const std::string joined = ModuleSearchPath();
  std::vector<std::string> dirs;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find(':', start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) dirs.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return dirs;
}

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Sets ModuleNotFoundError("No module named 'name'", name=name), as CPython.
PyObject* NotFound(const char* name) {
  PyObject* message = PyUnicode_FromFormat("No module named '%s'", name);
  PyObject* name_object = PyUnicode_FromString(name);
  if (message != nullptr && name_object != nullptr) {
    PyErr_SetImportErrorSubclass(PyExc_ModuleNotFoundError, message, name_object, nullptr);
  }
  Py_XDECREF(message);
  Py_XDECREF(name_object);
  return nullptr;
}

// ImportError(message, name=name, path=path); nullptr.
PyObject* LoadError(const std::string& message, const char* name, const std::string& path) {
  PyObject* message_object = PyUnicode_FromString(message.c_str());
  PyObject* name_object = PyUnicode_FromString(name);
  PyObject* path_object = PyUnicode_FromString(path.c_str());
  if (message_object != nullptr && name_object != nullptr && path_object != nullptr) {
    PyErr_SetImportError(message_object, name_object, path_object);
  }
  Py_XDECREF(message_object);
  Py_XDECREF(name_object);
  Py_XDECREF(path_object);
  return nullptr;
}

// The namespace package `name` over `dirs`: an empty module with __path__.
PyObject* NamespacePackage(const char* name, const std::vector<std::string>& dirs) {
  PyObject* module = PyModule_New(name);
  if (module == nullptr) return nullptr;
  PyObject* path = PyList_New(0);
  bool ok = path != nullptr;
  for (const std::string& dir : dirs) {
    if (!ok) break;
    PyObject* entry = PyUnicode_FromString(dir.c_str());
    ok = entry != nullptr && PyList_Append(path, entry) == 0;
    Py_XDECREF(entry);
  }
  ok = ok && PyModule_AddObjectRef(module, "__path__", path) == 0;
  Py_XDECREF(path);
  if (!ok) Py_CLEAR(module);
  return module;
}

// dlopen's the shared object at `path` and runs PyInit_<last component of name>.
PyObject* LoadSharedModule(const char* name, const std::string& path) {
  const char* dot = strrchr(name, '.');
  const std::string symbol = std::string("PyInit_") + (dot != nullptr ? dot + 1 : name);
  void* handle;
  std::string error;
  Py_BEGIN_ALLOW_THREADS
  // dlerror's text is thread-local: read it before attaching again.
  handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* text = dlerror();
    error = text != nullptr ? text : "dlopen failed";
  }
  Py_END_ALLOW_THREADS
  if (handle == nullptr) return LoadError(error, name, path);
  using InitFunction = PyObject* (*)(void);
  auto init = reinterpret_cast<InitFunction>(dlsym(handle, symbol.c_str()));
  if (init == nullptr) {
    return LoadError("dynamic module does not define module export function (" + symbol + ")",
                     name, path);
  }
  PyObject* result = init();
  if (result == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_Format(PyExc_SystemError, "initialization of %s failed without raising an exception",
                   dot != nullptr ? dot + 1 : name);
    }
    return nullptr;
  }
  if (PyErr_Occurred()) {
    Py_DECREF(result);
    return PyErr_Format(PyExc_SystemError, "initialization of %s raised unreported exception",
                        dot != nullptr ? dot + 1 : name);
  }
  PyObject* module = ModuleFromInitResult(result, name, path.c_str());
  // As CPython's extension loader: the module's __file__ is the shared object's path.
  if (module != nullptr && PyModule_Check(module)) {
    PyObject* file = PyUnicode_FromString(path.c_str());
    if (file == nullptr || PyObject_SetAttrString(module, "__file__", file) < 0) {
      Py_CLEAR(module);
    }
    Py_XDECREF(file);
  }
  return module;
}

}  // namespace

std::string ModuleSearchPath() {
  std::lock_guard<std::mutex> lock(g_path_mu);
  if (g_path_set) return SetPath();
  const char* env = getenv("PINION_PYTHONPATH");
  return env != nullptr ? env : "";
}

PyObject* ImportSharedModule(const char* name) {
  std::string relative(name);
  for (char& c : relative) {
    if (c == '.') c = '/';
  }
  const std::vector<std::string> dirs = SearchPath();
  for (const std::string& dir : dirs) {
    for (const char* suffix : kSuffixes) {
      const std::string path = dir + "/" + relative + suffix;
      if (IsFile(path)) return LoadSharedModule(name, path);
    }
  }
  std::vector<std::string> package_dirs;
  for (const std::string& dir : dirs) {
    if (IsDirectory(dir + "/" + relative)) package_dirs.push_back(dir + "/" + relative);
  }
  if (!package_dirs.empty()) return NamespacePackage(name, package_dirs);
  return NotFound(name);
}

}  // namespace pinion::compat

extern "C" int _PyPinion_SetModuleSearchPath(const char* path) {
  std::lock_guard<std::mutex> lock(pinion::compat::g_path_mu);
  if (path == nullptr) {
    pinion::compat::g_path_set = false;
    pinion::compat::SetPath().clear();
  } else {
    pinion::compat::g_path_set = true;
    pinion::compat::SetPath() = path;
  }
  return 0;
}
