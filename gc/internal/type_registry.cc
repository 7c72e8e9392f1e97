#include "gc/internal/type_registry.h"

#include <atomic>
#include <mutex>

#include "gc/type.h"

namespace pinion::internal {
TypeInfo g_types[kMaxTypes + 1];

namespace {

// Release on register / acquire on lookup-by-count: IsRegisteredType sees complete entries.
std::atomic<uint32_t> g_count{1};
std::mutex g_mu;

}  // namespace

bool IsRegisteredType(uint16_t raw_type) {
  const uint32_t index = raw_type & kTypeIndexMask;
  return index != 0 && index < g_count.load(std::memory_order_acquire);
}

uint16_t RegisterTypeInfo(const TypeInfo& info) {
  std::lock_guard<std::mutex> lock(g_mu);
  const uint32_t index = g_count.load(std::memory_order_relaxed);
  if (index > kMaxTypes) return 0;
  g_types[index] = info;
  g_count.store(index + 1, std::memory_order_release);
  return static_cast<uint16_t>(index | (info.trace == nullptr ? kPointerFreeBit : 0) |
                               (info.finalize != nullptr ? kFinalizableBit : 0) |
                               (info.unprotected ? kUnprotectedBit : 0));
}

}  // namespace pinion::internal
