// Case-insensitive C string comparison (pystrcmp.h): PyOS_mystricmp and PyOS_mystrnicmp, in
// the ASCII case of the C locale, as CPython's.
//
// Threads: any thread.
#include <cctype>

#include "Python.h"

namespace {

int Lower(const unsigned char* p) { return std::tolower(*p); }

}  // namespace

extern "C" int PyOS_mystrnicmp(const char* a, const char* b, Py_ssize_t n) {
  if (n == 0) return 0;
  auto* p = reinterpret_cast<const unsigned char*>(a);
  auto* q = reinterpret_cast<const unsigned char*>(b);
  for (; --n > 0 && *p != '\0' && *q != '\0' && Lower(p) == Lower(q); ++p, ++q) {
  }
  return Lower(p) - Lower(q);
}

extern "C" int PyOS_mystricmp(const char* a, const char* b) {
  auto* p = reinterpret_cast<const unsigned char*>(a);
  auto* q = reinterpret_cast<const unsigned char*>(b);
  for (; *p != '\0' && *q != '\0' && Lower(p) == Lower(q); ++p, ++q) {
  }
  return Lower(p) - Lower(q);
}
