// Thread-local allocation: each attached thread owns at most one page per size class and
// allocates from it with no lock and no atomic read-modify-write.
//
// A page's free cells are the ones whose type entry is 0 (cell.h); nothing links them and
// nothing in a free cell is read. The allocator takes a page's free cells 64 entries at a
// time: Scan reads a window of the type array into a bit mask (the cursor), and the fast
// path hands out the mask's lowest bit.
//
// Fast path (TryAllocateFast, inline): take the cursor's lowest bit, zero the cell, record
// its type. The cell is zeroed here, on the line the caller is about to write anyway, and
// not by the sweeper (which never touches a free cell, sweeper.h). When the cursor is empty
// the fast path calls ScanAndTake (out of line), which scans the next windows of the page.
// Everything else — taking a new page, collecting, finalizable types, large objects — is the
// slow path (heap.cc: AllocateSlow, which calls TakeOne; collector.cc: Refill).
//
// GC torture (Install with one_at_a_time): Scan yields one cell per window and the fast path
// never scans, so every allocation takes the slow path.
//
// Threads: the owning thread; the collector during a pause (RetireForPause). Markers may set
// the mark bits of live objects in an owned page meanwhile, so Scan reads entries with
// relaxed atomic loads; an entry that reads 0 is a free cell, which no other thread writes.
#ifndef PINION_GC_INTERNAL_LOCAL_ALLOCATOR_H_
#define PINION_GC_INTERNAL_LOCAL_ALLOCATOR_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "gc/internal/cell.h"
#include "gc/internal/poison.h"
#include "gc/internal/segment.h"
#include "gc/internal/size_classes.h"
#include "gc/member.h"

namespace pinion::internal {

class LocalAllocator {
 public:
  // `bytes` <= kMaxSmallCell. nullptr when the current page of the class is exhausted.
  [[gnu::always_inline]] void* TryAllocateFast(uint16_t raw_type, size_t bytes) {
    const int size_class = SizeClassOf(bytes);
    if (cursor_[size_class].free == 0) [[unlikely]] return ScanAndTake(raw_type, size_class);
    return Take(raw_type, size_class);
  }

  // Slow-path allocation from the current page of `size_class` (also in torture mode);
  // nullptr when it is exhausted.
  void* TakeOne(uint16_t raw_type, int size_class) {
    if (cursor_[size_class].free == 0 && !Scan(size_class)) return nullptr;
    return Take(raw_type, size_class);
  }

  // Allocate-black: while a concurrent cycle marks, new objects are born marked (kMarkBit),
  // so the marker never needs to see them. Set and cleared by the collector in its pauses.
  void set_allocate_black(bool black) { alloc_bits_ = black ? kMarkBit : 0; }

  Page* page(int size_class) const { return pages_[size_class]; }
  // The latest object this thread allocated since the last pause, and the latest page it
  // installed empty (the generational barrier's filter, gc/member.h); set_fresh for an
  // object allocated elsewhere (a large one).
  const FreshObject& fresh() const { return fresh_; }
  void set_fresh(const void* object, size_t bytes) {
    fresh_.begin = reinterpret_cast<uintptr_t>(object);
    fresh_.size = bytes;
  }
  // Makes `page` (kOwned; its free cells have type entry 0 and free_count counts them) the
  // current page of its class.
  // With `one_at_a_time` (GC torture) every allocation from it takes the slow path.
  void Install(Page* page, bool one_at_a_time = false) {
    const int c = page->size_class;
    pages_[c] = page;
    next_[c] = 0;
    all_free_[c] = page->free_count == page->cell_count;
    if (all_free_[c]) {  // young memory until the next pause (the generational barrier)
      fresh_.page = reinterpret_cast<uintptr_t>(page->start);
      fresh_.page_size = kPageSize;
    }
    cursor_[c] = Cursor{};
    one_at_a_time_ = one_at_a_time;
  }
  // Forgets the current page of `size_class` (it has no free cell left); returns it.
  Page* TakeExhausted(int size_class) {
    Page* page = pages_[size_class];
    pages_[size_class] = nullptr;
    cursor_[size_class] = Cursor{};
    return page;
  }
  // Pause: drops every page. Cells never handed out still have type entry 0: the sweep after
  // marking finds them free.
  // Also forgets the latest allocation: it may survive this pause, and be old after it.
  void RetireForPause() {
    fresh_ = FreshObject{};
    for (int c = 0; c < kNumSizeClasses; ++c) {
      pages_[c] = nullptr;
      cursor_[c] = Cursor{};
    }
  }
  // Detach: hands each page back with free_count set. Calls give_back(Page*) for each page.
  template <class F>
  void ReturnAll(F&& give_back) {
    for (int c = 0; c < kNumSizeClasses; ++c) {
      Page* page = pages_[c];
      if (page == nullptr) continue;
      page->free_count = page->CountFree();
      pages_[c] = nullptr;
      cursor_[c] = Cursor{};
      give_back(page);
    }
  }

 private:
  // A window of up to 64 cells of the current page: bit i is cell `cells + i * size`, type
  // entry `types[i]`, free and not yet handed out.
  struct alignas(32) Cursor {
    uint64_t free = 0;
    char* cells = nullptr;
    uint16_t* types = nullptr;
    uint32_t cell_size = 0;
  };

  [[gnu::always_inline]] void* Take(uint16_t raw_type, int size_class) {
    Cursor& cursor = cursor_[size_class];
    const uint64_t free = cursor.free;
    const int i = std::countr_zero(free);
    cursor.free = free & (free - 1);
    const uint32_t size = cursor.cell_size;
    char* cell = cursor.cells + size_t(i) * size;
    PINION_UNPOISON(cell, size);
    Zero(cell, size);
    cursor.types[i] = raw_type | alloc_bits_;
    fresh_.begin = reinterpret_cast<uintptr_t>(cell);
    fresh_.size = size;
    return cell;
  }

  // Zeroes a cell of `size` (a multiple of 8, >= 16) bytes. Small cells, the common case,
  // get two overlapping fixed-size stores each, inline; the rest call memset.
  [[gnu::always_inline]] static void Zero(char* cell, uint32_t size) {
    if (size <= 32) {
      std::memset(cell, 0, 16);
      std::memset(cell + size - 16, 0, 16);
    } else if (size <= 64) {
      std::memset(cell, 0, 32);
      std::memset(cell + size - 32, 0, 32);
    } else {
      std::memset(cell, 0, size);
    }
  }

  // Fills the cursor of `size_class` from the next window of its page that has a free cell;
  // false when the page has none left (or has no page).
  bool Scan(int size_class);
  // The fast path's refill, out of line: Scan, then Take; nullptr in torture mode.
  [[gnu::noinline]] void* ScanAndTake(uint16_t raw_type, int size_class);

  Cursor cursor_[kNumSizeClasses];
  Page* pages_[kNumSizeClasses] = {};
  uint32_t next_[kNumSizeClasses] = {};  // the first cell of pages_[c] that Scan has not read
  // pages_[c] had no object when installed: every cell from next_[c] on is free.
  bool all_free_[kNumSizeClasses] = {};
  uint16_t alloc_bits_ = 0;
  bool one_at_a_time_ = false;
  FreshObject fresh_;
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_LOCAL_ALLOCATOR_H_
