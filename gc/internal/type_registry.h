// The process-wide registry of object types (TypeInfo), indexed by TypeId::raw() & 0x0fff.
//
// Entries are append-only and immutable once registered, so readers (markers, sweepers) take
// no lock: an object carrying a type index was allocated after its registration returned,
// and that allocation happens-before any collection that sees the object.
// Threads: Register from any thread (takes a leaf lock); Get from any thread.
#ifndef PINION_GC_INTERNAL_TYPE_REGISTRY_H_
#define PINION_GC_INTERNAL_TYPE_REGISTRY_H_

#include <cstdint>

#include "gc/internal/cell.h"
#include "gc/type.h"

namespace pinion::internal {

constexpr uint32_t kMaxTypes = kTypeIndexMask;  // index 0 is reserved for free cells

extern TypeInfo g_types[kMaxTypes + 1];  // written only by RegisterTypeInfo

// Inline: the marker looks up a type for every object it scans.
inline const TypeInfo& TypeInfoAt(uint16_t raw_type) { return g_types[raw_type & kTypeIndexMask]; }
// Returns the raw TypeId (index | pointer-free bit | finalizable bit; cell.h), or 0 when the
// registry is full.
uint16_t RegisterTypeInfo(const TypeInfo& info);
bool IsRegisteredType(uint16_t raw_type);

}  // namespace pinion::internal

#endif  // PINION_GC_INTERNAL_TYPE_REGISTRY_H_
