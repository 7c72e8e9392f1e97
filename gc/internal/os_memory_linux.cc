#include <sys/mman.h>

#include <cstdint>

#include "gc/internal/os_memory.h"
#include "gc/internal/poison.h"

namespace pinion::internal {

void* MapAligned(size_t bytes, size_t alignment) {
  // Over-map by `alignment`, then trim both ends so the result is aligned.
  void* raw = mmap(nullptr, bytes + alignment, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + alignment - 1) & ~(alignment - 1);
  if (aligned > start) munmap(raw, aligned - start);
  const uintptr_t tail = start + bytes + alignment - (aligned + bytes);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + bytes), tail);
  return reinterpret_cast<void*>(aligned);
}

// ASan keeps the shadow of unmapped memory: cells poisoned while they were free would stay
// poisoned for whoever maps the range next (Boehm GC, in the benchmarks' tests), so unpoison
// first.
void Unmap(void* address, size_t bytes) {
  PINION_UNPOISON(address, bytes);
  munmap(address, bytes);
}

void Decommit(void* address, size_t bytes) { madvise(address, bytes, MADV_DONTNEED); }

}  // namespace pinion::internal
