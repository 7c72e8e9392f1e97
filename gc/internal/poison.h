// AddressSanitizer poisoning of free cells, so that a use of an object the collector freed
// (the one bug a collector must never have) is reported at the faulting access.
// No-ops in builds without ASan.
#ifndef PINION_GC_INTERNAL_POISON_H_
#define PINION_GC_INTERNAL_POISON_H_

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define PINION_POISON(address, bytes) ASAN_POISON_MEMORY_REGION((address), (bytes))
#define PINION_UNPOISON(address, bytes) ASAN_UNPOISON_MEMORY_REGION((address), (bytes))
#else
#define PINION_POISON(address, bytes) ((void)(address), (void)(bytes))
#define PINION_UNPOISON(address, bytes) ((void)(address), (void)(bytes))
#endif

#endif  // PINION_GC_INTERNAL_POISON_H_
