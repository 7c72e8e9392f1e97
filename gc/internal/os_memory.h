// Virtual memory from the OS: aligned reservations, decommit, release. One implementation per
// OS (os_memory_linux.cc); the algorithms never see #ifdefs.
// Threads: any; no locks.
#ifndef PINION_GC_INTERNAL_OS_MEMORY_H_
#define PINION_GC_INTERNAL_OS_MEMORY_H_

#include <cstddef>

namespace pinion::internal {

// Maps `bytes` of zeroed read-write memory aligned to `alignment` (a power of two multiple of
// the OS page size), or returns nullptr.
void* MapAligned(size_t bytes, size_t alignment);
void Unmap(void* address, size_t bytes);
// Gives the physical memory behind [address, address+bytes) back to the OS; the range stays
// mapped and reads back as zero.
void Decommit(void* address, size_t bytes);

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_OS_MEMORY_H_
