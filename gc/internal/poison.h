// AddressSanitizer poisoning of free cells, so that a use of an object the collector freed
// (the one bug a collector must never have) is reported at the faulting access.
// No-ops in builds without ASan.
#ifndef PINION_GC_INTERNAL_POISON_H_
#define PINION_GC_INTERNAL_POISON_H_

#include <cstddef>

// GCC defines __SANITIZE_ADDRESS__ under -fsanitize=address; clang (before 16) only answers
// __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define PINION_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PINION_ASAN 1
#endif
#endif

#if defined(PINION_ASAN)
#include <sanitizer/asan_interface.h>
inline constexpr bool kPoisoning = true;
#define PINION_POISON(address, bytes) ASAN_POISON_MEMORY_REGION((address), (bytes))
#define PINION_UNPOISON(address, bytes) ASAN_UNPOISON_MEMORY_REGION((address), (bytes))
#else
inline constexpr bool kPoisoning = false;
#define PINION_POISON(address, bytes) ((void)(address), (void)(bytes))
#define PINION_UNPOISON(address, bytes) ((void)(address), (void)(bytes))
#endif

#endif  // PINION_GC_INTERNAL_POISON_H_
