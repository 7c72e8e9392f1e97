// The public entry points of gc/heap.h: types, Heap, ThreadScope, the allocation slow path,
// and object queries.
#include "gc/heap.h"

#include <cstdlib>
#include <cstring>
#include <optional>

#include "gc/internal/heap_impl.h"
#include "gc/internal/type_registry.h"
#include "roots/native_region.h"

namespace pinion {

using internal::HeapImpl;
using internal::ThreadState;

// ---- Types ----

TypeId RegisterType(const TypeInfo& info) {
  if (info.name == nullptr) {
    ReportMisuse(Misuse::kBadArgument, "RegisterType: TypeInfo::name is required");
    return TypeId();
  }
  const uint16_t raw = internal::RegisterTypeInfo(info);
  if (raw == 0) ReportMisuse(Misuse::kBadArgument, "RegisterType: the type registry is full");
  return TypeId(raw);
}

const TypeInfo& TypeInfoOf(TypeId type) { return internal::TypeInfoAt(type.raw()); }

// ---- Heap ----

namespace {

// Overrides from the environment (documented at HeapConfig). A malformed value is a
// kBadArgument report and is ignored.
HeapConfig FromEnvironment(HeapConfig config) {
  auto get = [](const char* name) -> const char* {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0' ? value : nullptr;
  };
  auto number = [](const char* name, const char* text, double& out) {
    char* end = nullptr;
    out = std::strtod(text, &end);
    double scale = 1;
    switch (*end) {
      case 'k': case 'K': scale = 1024.0; ++end; break;
      case 'm': case 'M': scale = 1024.0 * 1024; ++end; break;
      case 'g': case 'G': scale = 1024.0 * 1024 * 1024; ++end; break;
      default: break;
    }
    out *= scale;
    if (end == text || *end != '\0' || !(out >= 0)) {
      ReportMisuse(Misuse::kBadArgument, "%s=%s: not a number; ignored", name, text);
      return false;
    }
    return true;
  };
  double value = 0;
  if (const char* mode = get("PINION_MODE")) {
    if (std::strcmp(mode, "concurrent") == 0) {
      config.mode = CollectorMode::kConcurrent;
    } else if (std::strcmp(mode, "stw") == 0) {
      config.mode = CollectorMode::kStopTheWorld;
    } else {
      ReportMisuse(Misuse::kBadArgument, "PINION_MODE=%s: expected stw or concurrent; ignored",
                   mode);
    }
  }
  if (const char* v = get("PINION_MARKERS"); v && number("PINION_MARKERS", v, value)) {
    config.marker_threads = static_cast<int>(value);
  }
  if (const char* v = get("PINION_BACKGROUND_MARKERS");
      v && number("PINION_BACKGROUND_MARKERS", v, value)) {
    config.background_marker_threads = static_cast<int>(value);
  }
  if (const char* v = get("PINION_GROWTH"); v && number("PINION_GROWTH", v, value)) {
    config.growth_factor = value;
  }
  if (const char* v = get("PINION_HEAP_LIMIT"); v && number("PINION_HEAP_LIMIT", v, value)) {
    config.heap_limit_bytes = static_cast<size_t>(value);
  }
  if (const char* v = get("PINION_TORTURE"); v && number("PINION_TORTURE", v, value)) {
    config.torture_interval = static_cast<uint64_t>(value);
  }
  if (const char* v = get("PINION_TRACE")) config.trace = std::strcmp(v, "0") != 0;
  if (const char* v = get("PINION_GENERATIONAL")) {
    if (std::strcmp(v, "0") == 0 || std::strcmp(v, "1") == 0) {
      config.generational = v[0] == '1';
    } else {
      ReportMisuse(Misuse::kBadArgument, "PINION_GENERATIONAL=%s: expected 0 or 1; ignored", v);
    }
  }
  return config;
}

HeapConfig Validated(HeapConfig config) {
  if (config.from_environment) config = FromEnvironment(std::move(config));
  if (!(config.growth_factor >= 1.0)) {
    ReportMisuse(Misuse::kBadArgument, "HeapConfig::growth_factor must be >= 1 (got %g)",
                 config.growth_factor);
    config.growth_factor = 2.0;
  }
  if (config.generational && config.mode == CollectorMode::kConcurrent) {
    ReportMisuse(Misuse::kBadArgument,
                 "HeapConfig::generational is stop-the-world only so far: the concurrent heap "
                 "is not generational");
    config.generational = false;
  }
  if (config.marker_threads < 0) {
    ReportMisuse(Misuse::kBadArgument, "HeapConfig::marker_threads must be >= 0");
    config.marker_threads = 0;
  }
  if (config.background_marker_threads < 0) {
    ReportMisuse(Misuse::kBadArgument, "HeapConfig::background_marker_threads must be >= 0");
    config.background_marker_threads = 0;
  }
  return config;
}

// Detaches `thread`: its pages go back to the space with their free cells.
void DetachThread(ThreadState* thread) {
  if (!thread->attached) return;
  thread->heap.collector.FlushShaded(*thread);
  thread->heap.remembered.Flush(*thread);
  thread->heap.pinned.Flush(thread->pins);  // its uncounted pins stay pins
  thread->heap.finalization.TakeBuffer(*thread);
  internal::Space& space = thread->heap.space;
  thread->allocator.ReturnAll([&](internal::Page* page) {
    if (page->free_count != 0) {
      space.PushAvailable(page);
    } else {
      page->state.store(internal::PageState::kFull, std::memory_order_relaxed);
    }
  });
  thread->heap.roots.threads().Detach(thread);
  thread->attached = false;
}

// Detects threads that exit without detaching: its destructor runs at thread exit.
struct ExitCheck {
  ~ExitCheck() {
    ThreadState* thread = ThreadState::Current();
    if (thread == nullptr) return;
    DetachThread(thread);
    delete thread;  // its ThreadScope, never destroyed, only compares against it
    ReportMisuse(Misuse::kThreadExitAttached,
                 "a thread exited while attached to a heap (it has been detached; destroy "
                 "its ThreadScope before the thread ends)");
  }
};

}  // namespace

Heap::Heap(const HeapConfig& config) : impl_(new HeapImpl(Validated(config))) {}

Heap::~Heap() {
  if (size_t n = impl_->roots.threads().thread_count()) {
    ReportMisuse(Misuse::kHeapInUse, "Heap destroyed with %zu thread(s) still attached", n);
    (void)impl_.release();  // leak rather than free memory that attached threads may still use
  }
}

void Heap::Collect(Kind kind) {
  using Reason = internal::Collector::Reason;
  const Reason reason = kind == Kind::kStopTheWorld ? Reason::kExplicitFull
                        : kind == Kind::kMinor      ? Reason::kExplicitMinor
                                                    : Reason::kExplicit;
  ThreadState* self = ThreadState::Current();
  if (self != nullptr && &self->heap != impl_.get()) {
    // Attached to another heap: stopped there while this one collects, or two threads
    // collecting each other's heap would each wait in a stop for the other.
    std::optional<NativeRegion> region;
    if (self->running()) region.emplace();
    impl_->collector.Collect(nullptr, reason);
    return;
  }
  impl_->collector.Collect(self, reason);
}

HeapStats Heap::stats() const { return impl_->collector.stats(); }
RootSet& Heap::roots() { return impl_->roots; }
const HeapConfig& Heap::config() const { return impl_->config; }

// ---- Threads ----

ThreadScope::ThreadScope(Heap& heap) : state_(nullptr) {
  if (ThreadRecord::Current() != nullptr) {
    ReportMisuse(Misuse::kBadNesting, "ThreadScope: this thread is already attached to a heap");
    return;
  }
  static thread_local ExitCheck exit_check;
  (void)&exit_check;
  state_ = new ThreadState(heap.impl(), heap.roots());
  heap.roots().threads().Attach(state_);
  state_->attached = true;
  // Attached and running, so no pause can start or end before this reads the current phase.
  state_->allocator.set_allocate_black(heap.impl().collector.marking());
}

ThreadScope::~ThreadScope() {
  if (state_ == nullptr) return;
  if (ThreadRecord::Current() != state_) {
    ReportMisuse(Misuse::kBadNesting, "ThreadScope destroyed on a thread other than its own");
    return;
  }
  if (state_->mode.load(std::memory_order_relaxed) != ThreadMode::kRunning) {
    ReportMisuse(Misuse::kBadNesting, "ThreadScope destroyed inside a native region");
    return;
  }
  DetachThread(state_);
  delete state_;
}

// ---- Allocation ----

namespace internal {

void* AllocateSlow(TypeId type, size_t payload_bytes, bool throw_on_failure) {
  auto fail = [&]() -> void* {
    if (throw_on_failure) throw std::bad_alloc();
    return nullptr;
  };
  if (const char* what = CollectorCallbackScope::what()) [[unlikely]] {
    ReportMisuse(Misuse::kBadNesting, "allocation inside %s", what);
    return fail();
  }
  ThreadState* thread = ThreadState::Current();
  if (thread == nullptr) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "allocation from a thread that is not attached to a heap (use ThreadScope)");
    return fail();
  }
  if (thread->mode.load(std::memory_order_relaxed) != ThreadMode::kRunning) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached, "allocation inside a native region");
    return fail();
  }
  if (!IsRegisteredType(type.raw())) [[unlikely]] {
    ReportMisuse(Misuse::kBadArgument, "allocation with an unregistered TypeId (%u)",
                 static_cast<unsigned>(type.raw()));
    return fail();
  }
  // Queued finalizers run here, before the allocation (none is in flight): gc/finalization.h.
  if (thread->heap.finalization.maybe_ready()) [[unlikely]] thread->heap.finalization.Run();
  Safepoint();
  // Anything this large cannot be mapped; also keeps payload + header from overflowing.
  constexpr size_t kMaxPayload = size_t{1} << 46;
  if (payload_bytes > kMaxPayload) return fail();

  Collector& collector = thread->heap.collector;
  if (collector.torture()) collector.TortureTick(*thread);
  if (payload_bytes <= kMaxSmallCell) {
    const int size_class = SizeClassOf(payload_bytes);
    for (;;) {
      void* object = thread->allocator.TakeOne(type.raw(), size_class);
      if (object != nullptr) {
        if (type.finalizable()) thread->allocator.page(size_class)->has_finalizers = true;
        return object;
      }
      if (!collector.Refill(*thread, size_class)) return fail();
    }
  }
  LargeObject* large = collector.AllocateLarge(*thread, payload_bytes);
  if (large == nullptr) return fail();
  large->type = type.raw();
  thread->allocator.set_fresh(large->payload(), payload_bytes);
  return large->payload();
}

}  // namespace internal

// ---- Object queries ----

void* FindObject(const void* address) {
  using namespace internal;
  SegmentBase* base = SegmentMap::Find(address);
  if (base == nullptr) return nullptr;
  const char* a = static_cast<const char*>(address);
  if (base->kind == SegmentKind::kLarge) {
    LargeObject* large = static_cast<LargeObject*>(base);
    char* payload = static_cast<char*>(large->payload());
    if (a < payload || a >= payload + large->payload_bytes) return nullptr;
    return large->type != 0 ? payload : nullptr;
  }
  Segment* segment = static_cast<Segment*>(base);
  const uint32_t index = segment->PageIndexOf(address);
  if (index == 0) return nullptr;
  Page& page = segment->pages[index];
  if (page.state.load(std::memory_order_relaxed) == PageState::kFree) return nullptr;
  if (a < page.cells) return nullptr;  // the type array
  const uint32_t cell_index = page.CellIndex(address);
  if (cell_index >= page.cell_count) return nullptr;
  // Atomic: markers or the sweeper may be writing mark bits in the array right now.
  return page.TypeEntry(cell_index).load(std::memory_order_relaxed) != 0 ? page.Cell(cell_index)
                                                                           : nullptr;
}

size_t ObjectSize(const void* object) {
  using namespace internal;
  SegmentBase* base = SegmentOf(object);
  if (base->kind == SegmentKind::kLarge) return static_cast<LargeObject*>(base)->payload_bytes;
  return static_cast<Segment*>(base)->PageOf(object).cell_size;
}

TypeId TypeOf(const void* object) {
  using namespace internal;
  SegmentBase* base = SegmentOf(object);
  if (base->kind == SegmentKind::kLarge) return TypeId(static_cast<LargeObject*>(base)->type);
  Page& page = static_cast<Segment*>(base)->PageOf(object);
  // Atomic: the sweeper may be clearing this entry's mark bit right now.
  const uint16_t entry = page.TypeEntry(page.CellIndex(object)).load(std::memory_order_relaxed);
  return TypeId(entry & ~kMarkBit);
}

}  // namespace pinion
