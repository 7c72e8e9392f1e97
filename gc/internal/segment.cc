#include "gc/internal/segment.h"

#include <mutex>

namespace pinion::internal {

namespace {
size_t TypeArrayBytes(size_t cells) { return (cells * sizeof(uint16_t) + 15) & ~size_t{15}; }
}  // namespace

void Page::Format(int size_class, uint32_t size) {
  this->size_class = static_cast<uint8_t>(size_class);
  cell_size = size;
  size_t n = kPageSize / (size + sizeof(uint16_t));
  while (TypeArrayBytes(n) + n * size > kPageSize) --n;
  cell_count = static_cast<uint32_t>(n);
  types = reinterpret_cast<uint16_t*>(start);
  cells = start + TypeArrayBytes(n);
  // ceil(2^32 / size): exact floor(offset / size) for offset, size < 2^16.
  magic = static_cast<uint32_t>(((uint64_t{1} << 32) + size - 1) / size);
}

namespace {

constexpr int kChunkBits = 22;  // == log2(kSegmentSize)
constexpr int kLeafBits = 10;
constexpr int kRootBits = 48 - kChunkBits - kLeafBits;
static_assert((size_t{1} << kChunkBits) == kSegmentSize);

struct Leaf {
  std::atomic<SegmentBase*> slots[size_t{1} << kLeafBits] = {};
};

// Acquire/release: a reader that finds a leaf or a segment sees it fully initialised.
std::atomic<Leaf*> g_root[size_t{1} << kRootBits] = {};
std::mutex g_map_mu;

void Set(uintptr_t chunk, SegmentBase* value) {
  const uintptr_t r = chunk >> kLeafBits, l = chunk & ((1u << kLeafBits) - 1);
  Leaf* leaf = g_root[r].load(std::memory_order_acquire);
  if (leaf == nullptr) {
    leaf = new Leaf;  // leaves are never freed: at most 512 KiB of them for 48-bit space
    g_root[r].store(leaf, std::memory_order_release);
  }
  leaf->slots[l].store(value, std::memory_order_release);
}

}  // namespace

SegmentBase* SegmentMap::Find(const void* address) {
  const uintptr_t chunk = reinterpret_cast<uintptr_t>(address) >> kChunkBits;
  const uintptr_t r = chunk >> kLeafBits;
  if (r >= (uintptr_t{1} << kRootBits)) return nullptr;
  Leaf* leaf = g_root[r].load(std::memory_order_acquire);
  if (leaf == nullptr) return nullptr;
  return leaf->slots[chunk & ((1u << kLeafBits) - 1)].load(std::memory_order_acquire);
}

void SegmentMap::Register(SegmentBase* base, size_t bytes) {
  std::lock_guard<std::mutex> lock(g_map_mu);
  const uintptr_t first = reinterpret_cast<uintptr_t>(base) >> kChunkBits;
  const uintptr_t last = (reinterpret_cast<uintptr_t>(base) + bytes - 1) >> kChunkBits;
  for (uintptr_t c = first; c <= last; ++c) Set(c, base);
}

void SegmentMap::Unregister(SegmentBase* base, size_t bytes) {
  std::lock_guard<std::mutex> lock(g_map_mu);
  const uintptr_t first = reinterpret_cast<uintptr_t>(base) >> kChunkBits;
  const uintptr_t last = (reinterpret_cast<uintptr_t>(base) + bytes - 1) >> kChunkBits;
  for (uintptr_t c = first; c <= last; ++c) Set(c, nullptr);
}

}  // namespace pinion::internal

#include "gc/internal/pin_slot.h"

namespace pinion::internal {

PinTable* InstallPinTable(Page& page) {
  PinTable* fresh = new PinTable(page.cell_count);
  PinTable* expected = nullptr;
  if (page.pins.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
    return fresh;
  }
  delete fresh;  // another pinner installed one first
  return expected;
}

}  // namespace pinion::internal
