// What exceptions.cc tells the rest of the runtime about exception objects (not C API).
//
// Threads: any attached thread.
#ifndef PINION_COMPAT_RUNTIME_EXCEPTIONS_H_
#define PINION_COMPAT_RUNTIME_EXCEPTIONS_H_

#include <set>
#include <string>

#include "Python.h"

namespace pinion::compat {

// Adds the names of the data attributes instances of `type` (an exception type, or a
// subclass) have through its tp_getattro — CPython's getsets and members of BaseException
// and its subtypes — to `names`. Nothing for other types. For dir() (object_extras.cc).
void AddExceptionAttributeNames(PyTypeObject* type, std::set<std::string>& names);

}  // namespace pinion::compat

#endif  // PINION_COMPAT_RUNTIME_EXCEPTIONS_H_
