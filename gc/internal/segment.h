// Heap layout: aligned segments split into pages of same-size cells, and large objects.
//
//   segment (4 MiB, 4 MiB-aligned)
//   +-------------+--------+--------+-----+---------+
//   | Segment     | page 1 | page 2 | ... | page 63 |     page = 64 KiB of cells of one size
//   | (metadata:  |        |        |     |         |
//   |  64 Page    |        |        |     |         |
//   |  descriptors|        |        |     |         |
//   |  + mark     |        |        |     |         |
//   |  bitmaps)   |        |        |     |         |
//   +-------------+--------+--------+-----+---------+
//
//   page = [ uint16_t type per cell | pad to 16 | cell 0 | cell 1 | ... ]
//
//   large object (own mapping, 4 MiB-aligned): LargeObject (type, mark, pins) | payload ...
//
// Both kinds start with SegmentBase, so for any object pointer `p`, the segment (or large
// object) it lives in is `p & ~(kSegmentSize - 1)`: the marker needs no lookup. For arbitrary
// (interior, foreign) pointers, SegmentMap answers in O(1); see FindObject in heap.cc.
//
// Objects have no header (cell.h). A cell's type entry — type and mark bit — lives in the
// type array at the start of its page, so marking never writes to an object and sweeping
// never reads a live one; its pin count, if it was ever pinned, in a per-page PinTable
// allocated on the page's first pin. Cell index = (offset * magic) >> 32, exact
// for offsets < 64 KiB and cell sizes < 64 KiB (no division on the marking path).
//
// Page states and who may touch a page in each (the lock in parentheses):
//
//   state      | lives in                        | touched by
//   -----------+---------------------------------+--------------------------------------------
//   kFree      | Space free pools (Space::mu_)   | Space, under mu_
//   kOwned     | one thread's LocalAllocator     | that thread; the collector in a pause
//   kUnswept   | its class's unswept list        | whoever pops it (class lock), then sweeps it
//   kAvailable | its class's available list      | whoever pops it (class lock)
//   kFull      | no list                         | the collector, after a pause (-> kUnswept)
//
// Invariant at the start of every pause: no page is kUnswept (sweeping finished), so no type
// entry has its mark bit set. Between a cycle's last pause and Space::QueueSweep, pages that
// were in use at the pause are off every list and untouched but by QueueSweep, kAvailable
// ones included (the pause emptied the lists).
#ifndef PINION_GC_INTERNAL_SEGMENT_H_
#define PINION_GC_INTERNAL_SEGMENT_H_

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

#include <memory>

#include "gc/internal/cell.h"

namespace pinion::internal {

class Space;

constexpr size_t kSegmentSize = size_t{4} << 20;
constexpr size_t kPageSize = size_t{64} << 10;
constexpr size_t kPagesPerSegment = kSegmentSize / kPageSize;  // page 0 holds the metadata

enum class SegmentKind : uint8_t { kSmall, kLarge };

struct SegmentBase {
  SegmentKind kind;
  Space* space;
};

inline SegmentBase* SegmentOf(const void* object) {
  return reinterpret_cast<SegmentBase*>(reinterpret_cast<uintptr_t>(object) &
                                        ~(kSegmentSize - 1));
}

enum class PageState : uint8_t { kFree, kOwned, kUnswept, kAvailable, kFull };

// Type entries four at a time, as the 16-bit lanes of a 64-bit word (SWAR), for the loops
// over a whole type array (Page::FreeMask, the sweeper).
constexpr uint64_t kLanes = 0x0001000100010001ull;
constexpr uint64_t kLaneHigh = 0x8000 * kLanes;
// Bit 15 of each lane of `x` that is non-zero, no other bit. (Adding 0x7fff to the low 15
// bits carries into bit 15 iff they are non-zero, and never out of the lane.)
constexpr uint64_t NonZeroLanes(uint64_t x) {
  return (((x & (0x7fff * kLanes)) + 0x7fff * kLanes) | x) & kLaneHigh;
}
// Bits 15, 31, 47 and 63 of `high` (nothing else set) as bits 0-3: one multiply moves each to
// bits 60-63 with no carries (the cross products land on distinct bits below 60).
constexpr uint64_t GatherLanes(uint64_t high) {
  return ((high >> 15) * 0x1000200040008000ull) >> 60;
}
static_assert(NonZeroLanes(0x0000'8000'0001'0000ull) == 0x0000'8000'8000'0000ull);
static_assert(GatherLanes(0x8000'0000'0000'8000ull) == 0b1001);
static_assert(GatherLanes(kLaneHigh) == 0b1111 && GatherLanes(0x0000'8000'0000'0000ull) == 0b0100);

// Pin counts of one page's cells, allocated on its first pin and freed with the page (when no
// cell is live, so none is pinned). Counts and flags (pin_slot.h) are updated with relaxed
// atomics by pinners and read by the collector with the world stopped (pinned_list.h).
struct PinTable {
  explicit PinTable(uint32_t cells)
      : counts(new std::atomic<int32_t>[cells]()), flags(new std::atomic<uint8_t>[cells]()) {}
  std::unique_ptr<std::atomic<int32_t>[]> counts;
  std::unique_ptr<std::atomic<uint8_t>[]> flags;
};

struct Page {
  char* start = nullptr;     // the page's first byte; also its type array
  char* cells = nullptr;     // the first cell, after the type array
  // Type entry of each cell (cell.h); 0 = free. Written by the allocating thread, in a page
  // it owns, before the object is published; by markers in a pause; by the sweeper while
  // mutators may be reading the entries of live objects (FindObject, TypeOf). Markers,
  // sweeper and readers other than the owner use relaxed atomic_ref accesses: nothing needs
  // ordering, because a live object's type bits never change, only its mark bit, which
  // readers ignore.
  uint16_t* types = nullptr;
  uint32_t cell_size = 0;
  uint32_t cell_count = 0;
  uint32_t magic = 0;
  uint8_t size_class = 0;
  // Relaxed atomic: FindObject reads it without the owner's lock; a stale read only matters
  // for pointers that are not live objects, which are misuse anyway.
  std::atomic<PageState> state{PageState::kFree};
  bool has_finalizers = false;  // may hold a dead object whose finalizer has not run
  // Sticky marks (generational heaps): the last sweep kept an old object of an unprotected
  // type here (Space::ForEachOldUnprotected). Written by the page's sweeper.
  bool old_unprotected = false;
  // Sticky marks: the last sweep found every cell marked (old), so the page is kFull and, until
  // a full collection clears the marks, nothing in it can die: QueueSweep skips it.
  bool all_old = false;
  bool dirty = false;           // kFree page whose type array may not be all zero
  bool committed = false;       // backed by physical memory (or may be)
  uint64_t freed_cycle = 0;     // kFree: Space's cycle count when the page was freed
  // Space's sweep epoch when the page left the free pools; written under Space::mu_ while
  // the page is free or being filed for a sweep, so stable while any object lives in it.
  uint64_t epoch = 0;
  uint32_t free_count = 0;  // kAvailable: the cells the last sweep found free (type entry 0)
  // Release on install / acquire on load: a pinner that finds the table sees it initialised.
  std::atomic<PinTable*> pins{nullptr};
  // For an address in [cells, start + kPageSize).
  uint32_t CellIndex(const void* address) const {
    const uint64_t offset = static_cast<const char*>(address) - cells;
    return static_cast<uint32_t>((offset * magic) >> 32);
  }
  char* Cell(uint32_t index) const { return cells + size_t{index} * cell_size; }
  std::atomic_ref<uint16_t> TypeEntry(uint32_t index) const {
    return std::atomic_ref<uint16_t>(types[index]);
  }
  // The sweeper's view, four entries per 64-bit word (it alone writes the entries, so plain
  // reads race with nothing). The type array is 16-byte padded with zeros.
  struct MarkSummary {
    bool any;          // some cell is marked
    bool all;          // every cell is marked
    bool unprotected;  // some cell holds an object of an unprotected type
  };
  MarkSummary SummarizeMarks() const {
    constexpr uint64_t kMarks = kLanes * kMarkBit;
    const uint64_t* words = reinterpret_cast<const uint64_t*>(types);
    const uint32_t full = cell_count / 4, rest = cell_count % 4;
    uint64_t any = 0, all = kMarks, types_or = 0;
    for (uint32_t w = 0; w < full; ++w) {
      any |= words[w] & kMarks;
      all &= words[w];
      types_or |= words[w];
    }
    bool all_marked = (all & kMarks) == kMarks;
    if (rest != 0) {
      const uint64_t tail_marks = kMarks >> (16 * (4 - rest));
      any |= words[full] & tail_marks;
      all_marked &= (words[full] & tail_marks) == tail_marks;
      types_or |= words[full];  // the padding is zero
    }
    return {any != 0, all_marked, (types_or & kLanes * kUnprotectedBit) != 0};
  }
  // Bit j set where cell i + j is free (type entry 0), for j < n <= 64. Relaxed loads:
  // markers may be setting the mark bits of live cells (see `types`). Four entries per 64-bit
  // load where `i` allows (the 64-bit loads overlap the markers' 16-bit stores; both are
  // single-copy atomic on the hardware, and a live entry is non-zero in either view).
  uint64_t FreeMask(uint32_t i, uint32_t n) const {
    uint64_t free = 0;
    if (i % 4 == 0) {
      // Up to 3 entries past cell_count: the padding, which is zero; masked off below.
      for (uint32_t w = 0; w < (n + 3) / 4; ++w) {
        uint64_t* word = reinterpret_cast<uint64_t*>(types + i + 4 * w);
        const uint64_t x = std::atomic_ref<uint64_t>(*word).load(std::memory_order_relaxed);
        free |= GatherLanes(~NonZeroLanes(x) & kLaneHigh) << (4 * w);
      }
      return n == 64 ? free : free & ((uint64_t{1} << n) - 1);
    }
    for (uint32_t j = 0; j < n; ++j) {
      free |= uint64_t{TypeEntry(i + j).load(std::memory_order_relaxed) == 0} << j;
    }
    return free;
  }
  uint32_t CountFree() const {
    uint32_t free = 0;
    for (uint32_t i = 0; i < cell_count; ++i) {
      free += TypeEntry(i).load(std::memory_order_relaxed) == 0;
    }
    return free;
  }
  // Four entries per 64-bit word, with relaxed atomic loads and stores (mutators may be
  // reading live entries, see `types`; as the sweeper's stores), storing only words with a
  // mark. Only the page's sweeper, or the collector with the world stopped, calls it: nobody
  // writes the entries meanwhile. The padding after the last entry is zero.
  void ClearMarks() {
    constexpr uint64_t kMarks = kLanes * kMarkBit;
    uint64_t* words = reinterpret_cast<uint64_t*>(types);
    for (uint32_t w = 0; w < (cell_count + 3) / 4; ++w) {
      const std::atomic_ref<uint64_t> word(words[w]);
      const uint64_t x = word.load(std::memory_order_relaxed);
      if (x & kMarks) word.store(x & ~kMarks, std::memory_order_relaxed);
    }
  }
  // Sets the cell geometry: the type array, then as many cells as fit.
  void Format(int size_class, uint32_t cell_size);
};

struct Segment : SegmentBase {
  Page pages[kPagesPerSegment];  // pages[0] is the metadata page itself and never used
  uint32_t free_pages = 0;       // pages in Space's free pools; guarded by Space::mu_
  Segment* next = nullptr;       // Space's segment list; guarded by Space::mu_

  uint32_t PageIndexOf(const void* address) const {
    return static_cast<uint32_t>((reinterpret_cast<uintptr_t>(address) -
                                  reinterpret_cast<uintptr_t>(this)) / kPageSize);
  }
  Page& PageOf(const void* address) { return pages[PageIndexOf(address)]; }
};
static_assert(sizeof(Segment) <= kPageSize, "metadata must fit in page 0");

struct LargeObject : SegmentBase {
  size_t mapped_bytes;
  size_t payload_bytes;
  uint16_t type = 0;  // raw type; written once by the allocating thread
  // Relaxed load/store by markers, like a cell's mark bit (cell.h): it guards no data.
  std::atomic<uint8_t> mark{0};
  std::atomic<uint8_t> pin_flags{0};  // as PinTable, for the one object
  std::atomic<int32_t> pin_count{0};
  LargeObject* prev = nullptr;  // Space's large list; guarded by Space::mu_
  LargeObject* next = nullptr;
  uint64_t epoch = 0;  // Space's sweep epoch when it was allocated; written once, under Space::mu_

  static constexpr size_t kPayloadOffset = 64;
  void* payload() { return reinterpret_cast<char*>(this) + kPayloadOffset; }
};
static_assert(sizeof(LargeObject) <= LargeObject::kPayloadOffset);

// Whether the current cycle's marking reached heap object `object` (its mark bit).
inline bool IsMarked(const void* object) {
  SegmentBase* base = SegmentOf(object);
  if (base->kind == SegmentKind::kLarge) {
    return static_cast<LargeObject*>(base)->mark.load(std::memory_order_relaxed) != 0;
  }
  Page& page = static_cast<Segment*>(base)->PageOf(object);
  return page.TypeEntry(page.CellIndex(object)).load(std::memory_order_relaxed) & kMarkBit;
}

// Prefetches the word that holds `object`'s mark bit (for loops that test many).
// Whether heap object `object` was allocated after the pause that started sweep epoch
// `epoch` (Space::BeginSweepLocked): its page (or mapping) left the free pools since. Such an
// object was not there to be marked, and lives. The stamp is stable while the object lives;
// the caller's view of `object` (a field read with acquire) orders it for a new one.
inline bool BornSince(const void* object, uint64_t epoch) {
  SegmentBase* base = SegmentOf(object);
  if (base->kind == SegmentKind::kLarge) return static_cast<LargeObject*>(base)->epoch == epoch;
  return static_cast<Segment*>(base)->PageOf(object).epoch == epoch;
}

inline void PrefetchMark(const void* object) {
  SegmentBase* base = SegmentOf(object);
  if (base->kind == SegmentKind::kLarge) {
    __builtin_prefetch(&static_cast<LargeObject*>(base)->mark);
    return;
  }
  const Page& page = static_cast<Segment*>(base)->PageOf(object);
  __builtin_prefetch(page.types + page.CellIndex(object));
}

// Which mapping, if any, contains an address. O(1): two loads in a radix tree over 4 MiB
// chunks of the 48-bit address space.
// Threads: Find from any thread, lock-free; Register/Unregister take a global leaf lock.
class SegmentMap {
 public:
  static SegmentBase* Find(const void* address);
  static void Register(SegmentBase* base, size_t bytes);
  static void Unregister(SegmentBase* base, size_t bytes);
};

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_SEGMENT_H_
