// LocalAllocator's scan of a page's type array (local_allocator.h). Owning thread only.
#include "gc/internal/local_allocator.h"

#include <algorithm>

namespace pinion::internal {

bool LocalAllocator::Scan(int size_class) {
  Page* page = pages_[size_class];
  if (page == nullptr) return false;
  uint32_t i = next_[size_class];
  while (i < page->cell_count) {
    const uint32_t n = std::min<uint32_t>(64, page->cell_count - i);
    uint64_t free = all_free_[size_class] ? ~uint64_t{0} >> (64 - n) : page->FreeMask(i, n);
    if (free != 0) {
      if (one_at_a_time_) {
        free &= ~free + 1;  // the lowest bit alone
        next_[size_class] = i + std::countr_zero(free) + 1;
      } else {
        next_[size_class] = i + n;
      }
      cursor_[size_class] = Cursor{free, page->Cell(i), page->types + i, page->cell_size};
      return true;
    }
    i += n;
  }
  next_[size_class] = i;
  return false;
}

void* LocalAllocator::ScanAndTake(uint16_t raw_type, int size_class) {
  if (one_at_a_time_ || !Scan(size_class)) return nullptr;
  return Take(raw_type, size_class);
}

}  // namespace pinion::internal
