// Thread-local allocation: each attached thread owns at most one page per size class and
// allocates from that page's free list with no lock and no atomic.
//
// Fast path (TryAllocateFast, inline): pop a cell, clear its link, record its type in the
// page's type array. A free cell is all zero but for its link (cell.h), so the object comes
// back zeroed.
// Everything else — taking a new page, collecting, finalizable types, large objects — is the
// slow path (heap.cc: AllocateSlow, collector.cc: Refill).
//
// Threads: the owning thread; the collector during a pause (RetireForPause).
#ifndef PINION_GC_INTERNAL_LOCAL_ALLOCATOR_H_
#define PINION_GC_INTERNAL_LOCAL_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>

#include "gc/internal/cell.h"
#include "gc/internal/poison.h"
#include "gc/internal/segment.h"
#include "gc/internal/size_classes.h"

namespace pinion::internal {

class LocalAllocator {
 public:
  // `bytes` <= kMaxSmallCell. nullptr when the current page of the class is exhausted.
  void* TryAllocateFast(uint16_t raw_type, size_t bytes) {
    const int size_class = SizeClassOf(bytes);
    FreeCell* cell = free_[size_class];
    if (cell == nullptr) [[unlikely]] return nullptr;
    PINION_UNPOISON(cell, CellSizeOfClass(size_class));
    free_[size_class] = cell->next;
    cell->next = nullptr;
    Page* page = pages_[size_class];
    page->types[page->CellIndex(cell)] = raw_type | alloc_bits_;
    return cell;
  }

  // Allocate-black: while a concurrent cycle marks, new objects are born marked (kMarkBit),
  // so the marker never needs to see them. Set and cleared by the collector in its pauses.
  void set_allocate_black(bool black) { alloc_bits_ = black ? kMarkBit : 0; }

  Page* page(int size_class) const { return pages_[size_class]; }
  // Makes `page` (kOwned, with its free list) the current page of its class.
  void Install(Page* page) {
    pages_[page->size_class] = page;
    free_[page->size_class] = page->free_list;
    page->free_list = nullptr;
  }
  // GC torture: like Install, but the free list stays with the page, so TryAllocateFast
  // always fails and every allocation takes the slow path (which calls TakeOne).
  void InstallSlowOnly(Page* page) { pages_[page->size_class] = page; }
  // Slow-path allocation from the current page's own free list (torture mode).
  void* TakeOne(uint16_t raw_type, int size_class) {
    Page* page = pages_[size_class];
    if (page == nullptr || page->free_list == nullptr) return nullptr;
    FreeCell* cell = page->free_list;
    PINION_UNPOISON(cell, page->cell_size);
    page->free_list = cell->next;
    cell->next = nullptr;
    page->types[page->CellIndex(cell)] = raw_type | alloc_bits_;
    return cell;
  }
  // Forgets the current page of `size_class` (its free list must be empty); returns it.
  Page* TakeExhausted(int size_class) {
    Page* page = pages_[size_class];
    pages_[size_class] = nullptr;
    return page;
  }
  // Pause: drops every page and free list; the sweep after marking rebuilds the lists.
  void RetireForPause() {
    for (int c = 0; c < kNumSizeClasses; ++c) {
      pages_[c] = nullptr;
      free_[c] = nullptr;
    }
  }
  // Detach: hands each page back with its remaining free cells. Calls
  // give_back(Page*) for each page, whose free_list/free_count are set.
  template <class F>
  void ReturnAll(F&& give_back) {
    for (int c = 0; c < kNumSizeClasses; ++c) {
      Page* page = pages_[c];
      if (page == nullptr) continue;
      if (free_[c] == nullptr) free_[c] = page->free_list;  // torture mode kept it there
      page->free_list = free_[c];
      page->free_count = 0;
      for (FreeCell* f = free_[c]; f != nullptr; f = f->next) ++page->free_count;
      pages_[c] = nullptr;
      free_[c] = nullptr;
      give_back(page);
    }
  }

 private:
  FreeCell* free_[kNumSizeClasses] = {};
  Page* pages_[kNumSizeClasses] = {};
  uint16_t alloc_bits_ = 0;
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_LOCAL_ALLOCATOR_H_
