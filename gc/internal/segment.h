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
//   large object (own mapping, 4 MiB-aligned): LargeObject | ObjectHeader | payload ...
//
// Both kinds start with SegmentBase, so for any object pointer `p`, the segment (or large
// object) it lives in is `p & ~(kSegmentSize - 1)`: the marker needs no lookup. For arbitrary
// (interior, foreign) pointers, SegmentMap answers in O(1); see FindObject in heap.cc.
//
// Mark bits live in the page descriptor, one per cell index, so marking never writes to the
// object and sweeping never reads a live object. Cell index = (offset * magic) >> 32, exact
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
//   kFull      | no list                         | the collector in a pause (-> kUnswept)
//
// Invariant at the start of every pause: no page is kUnswept (sweeping finished), so every
// mark bit is clear.
#ifndef PINION_GC_INTERNAL_SEGMENT_H_
#define PINION_GC_INTERNAL_SEGMENT_H_

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "gc/internal/object_header.h"

namespace pinion::internal {

class Space;

constexpr size_t kSegmentSize = size_t{4} << 20;
constexpr size_t kPageSize = size_t{64} << 10;
constexpr size_t kPagesPerSegment = kSegmentSize / kPageSize;  // page 0 holds the metadata
constexpr size_t kMaxCellsPerPage = kPageSize / 16;
constexpr size_t kMarkWords = kMaxCellsPerPage / 64;

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

struct Page {
  char* start = nullptr;
  uint32_t cell_size = 0;
  uint32_t cell_count = 0;
  uint32_t magic = 0;
  uint8_t size_class = 0;
  // Relaxed atomic: FindObject reads it without the owner's lock; a stale read only matters
  // for pointers that are not live objects, which are misuse anyway.
  std::atomic<PageState> state{PageState::kFree};
  bool has_finalizers = false;  // may hold a dead object whose finalizer has not run
  bool dirty = false;           // kFree page whose bytes are not all zero
  bool committed = false;       // backed by physical memory (or may be)
  FreeCell* free_list = nullptr;  // kAvailable: the cells the last sweep found free
  uint32_t free_count = 0;
  // One bit per cell. Relaxed fetch_or by markers (a mark bit guards no other data: the
  // object was published to the marker by the handshake); cleared by the sweeper, which
  // owns the page exclusively.
  std::atomic<uint64_t> marks[kMarkWords];

  uint32_t CellIndex(const void* address) const {
    const uint64_t offset = static_cast<const char*>(address) - start;
    return static_cast<uint32_t>((offset * magic) >> 32);
  }
  char* Cell(uint32_t index) const { return start + size_t{index} * cell_size; }
  bool IsMarked(uint32_t index) const {
    return marks[index / 64].load(std::memory_order_relaxed) >> (index % 64) & 1;
  }
  // Returns true if this call set the bit.
  bool TryMark(uint32_t index) {
    const uint64_t bit = uint64_t{1} << (index % 64);
    std::atomic<uint64_t>& word = marks[index / 64];
    if (word.load(std::memory_order_relaxed) & bit) return false;
    return !(word.fetch_or(bit, std::memory_order_relaxed) & bit);
  }
  uint32_t CountMarked() const {
    uint32_t n = 0;
    for (const auto& w : marks) n += std::popcount(w.load(std::memory_order_relaxed));
    return n;
  }
  void ClearMarks() {
    for (auto& w : marks) w.store(0, std::memory_order_relaxed);
  }
  void Format(int size_class, uint32_t cell_size);  // sets the cell geometry
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
  // exchange by markers (relaxed: like page mark bits, it guards no data).
  std::atomic<uint8_t> mark{0};
  LargeObject* prev = nullptr;  // Space's large list; guarded by Space::mu_
  LargeObject* next = nullptr;

  static constexpr size_t kPayloadOffset = 64;  // header at 56, payload 8-aligned
  void* payload() { return reinterpret_cast<char*>(this) + kPayloadOffset; }
};
static_assert(sizeof(LargeObject) + kHeaderSize <= LargeObject::kPayloadOffset);

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
