#include "gc/internal/marker.h"

#include <algorithm>

#include "gc/errors.h"
#include "gc/fault_injection.h"
#include "gc/heap.h"
#include "gc/internal/segment.h"
#include "gc/internal/type_registry.h"

namespace pinion::internal {

namespace {
// Hand over only if at least this many entries are queued. Trees keep DFS stacks shallow
// (about their depth), so this must be small for the helpers to get work at all.
constexpr size_t kShareThreshold = 2;
constexpr int kPrefetchDepth = 16;

// Stack entries carry the object's raw type in the top 16 bits (user-space addresses are
// below 2^48; SegmentMap makes the same assumption), so scanning needs no type lookup.
constexpr int kTypeShift = 48;
uintptr_t Tag(const void* object, uint16_t type) {
  return reinterpret_cast<uintptr_t>(object) | uintptr_t{type} << kTypeShift;
}
void* Untag(uintptr_t entry) {
  return reinterpret_cast<void*>(entry & ((uintptr_t{1} << kTypeShift) - 1));
}
}  // namespace

// A mark stack whose push is a compare and a store: growth is out of line, so the inlined
// marking path needs no spilled registers.
class MarkStack {
 public:
  MarkStack() { Reserve(4096); }
  bool empty() const { return top_ == begin_; }
  size_t size() const { return top_ - begin_; }
  void Push(uintptr_t entry) {
    if (top_ == end_) [[unlikely]] Reserve(2 * (end_ - begin_));
    *top_++ = entry;
  }
  uintptr_t Pop() { return *--top_; }
  // Removes and returns the oldest `n` entries (nearest the roots: the biggest subgraphs).
  std::vector<uintptr_t> TakeOldest(size_t n) {
    std::vector<uintptr_t> taken(begin_, begin_ + n);
    std::copy(begin_ + n, top_, begin_);
    top_ -= n;
    return taken;
  }
  void Assign(const std::vector<uintptr_t>& entries) {
    top_ = begin_;
    for (uintptr_t e : entries) Push(e);
  }

 private:
  [[gnu::noinline, gnu::cold]] void Reserve(size_t capacity) {
    const size_t used = size();
    std::unique_ptr<uintptr_t[]> grown(new uintptr_t[capacity]);
    std::copy(begin_, top_, grown.get());
    storage_ = std::move(grown);
    begin_ = storage_.get();
    top_ = begin_ + used;
    end_ = begin_ + capacity;
  }

  std::unique_ptr<uintptr_t[]> storage_;
  uintptr_t* begin_ = nullptr;
  uintptr_t* top_ = nullptr;
  uintptr_t* end_ = nullptr;
};

class Marker::Worker final : public Visitor, public RootVisitor {
 public:
  explicit Worker(Marker& marker) : marker_(marker), space_(&marker.space_) {}

  void VisitRoot(void* object) override { MarkObject(object); }
  void VisitObject(const void* object) override { MarkObject(object); }
  void VisitWeakSlot(void** slot, WeakCallback on_cleared, void* holder) override {
    // Visitor::VisitWeakField's slow half: a field with a callback, or a full buffer.
    if (on_cleared != nullptr) {
      weak_fields.with_callback.push_back({slot, on_cleared, holder});
      return;
    }
    SyncWeak();
    weak_fields.plain.push_back(slot);
    ArmWeak();
  }
  // The visitor's cursor and weak_fields.plain: ArmWeak points the cursor at the array's
  // free tail, SyncWeak takes what it appended into the array's size. Every access to
  // weak_fields outside a trace syncs first and arms after (WeakFieldsSynced).
  void ArmWeak() {
    weak_cursor_ = weak_fields.plain.tail();
    weak_limit_ = weak_fields.plain.limit();
  }
  void SyncWeak() {
    if (weak_cursor_ != nullptr) {
      SlotArray& plain = weak_fields.plain;
      plain.set_size(plain.size() + static_cast<size_t>(weak_cursor_ - plain.tail()));
    }
    weak_cursor_ = weak_limit_ = nullptr;
  }
  template <class F>
  void WeakFieldsSynced(F&& f) {
    SyncWeak();
    f(weak_fields);
    ArmWeak();
  }

  // Scans until the private stack and the prefetch FIFO are empty, or (an assist) until
  // `budget` bytes were marked; what is left stays on the stack.
  void Drain(uint64_t budget = UINT64_MAX) {
    uintptr_t fifo[kPrefetchDepth];
    unsigned head = 0, count = 0;
    const uint64_t limit = budget == UINT64_MAX ? UINT64_MAX : live() + budget;
    const bool skip_pin_edges = marker_.skip_pin_edges_;
    for (;;) {
      if (live() >= limit) [[unlikely]] {
        for (unsigned i = 0; i < count; ++i) stack_.Push(fifo[(head + i) % kPrefetchDepth]);
        return;
      }
      while (count < kPrefetchDepth && !stack_.empty()) {
        const uintptr_t entry = stack_.Pop();
        __builtin_prefetch(Untag(entry));
        fifo[(head + count) % kPrefetchDepth] = entry;
        ++count;
      }
      if (count == 0) return;
      const uintptr_t entry = fifo[head];
      head = (head + 1) % kPrefetchDepth;
      --count;
      const TypeInfo& info = TypeInfoAt(static_cast<uint16_t>(entry >> kTypeShift));
      if (!(skip_pin_edges && info.edges_hold_pins)) info.trace(Untag(entry), *this);
      if (marker_.idle_hint_.load(std::memory_order_relaxed) && stack_.size() > kShareThreshold)
          [[unlikely]] {
        marker_.Share(stack_.TakeOldest(stack_.size() / 2));
      }
    }
  }

  MarkStack& stack() { return stack_; }
  // Bytes this worker marked: written by its own thread only (a load and a store, no
  // read-modify-write), relaxed since the pacer reads it while marking runs
  // (Marker::live_bytes) and a stale figure only shifts an assist by a little.
  std::atomic<uint64_t> live_bytes{0};
  uint64_t live() const { return live_bytes.load(std::memory_order_relaxed); }
  void AddLive(uint64_t bytes) { live_bytes.store(live() + bytes, std::memory_order_relaxed); }
  WeakFields weak_fields;  // reported weak fields, for ProcessWeakSlots
  bool log_marks = false;  // Marker::LogMarks
  std::vector<const void*> mark_log;

 private:
  [[gnu::always_inline]] void MarkObject(const void* object) {
#ifndef NDEBUG
    if (FindObject(object) != object) {
      marker_.Refuse(object, /*foreign=*/false);
      return;
    }
#endif
    SegmentBase* base = SegmentOf(object);
    // The same cache line as `kind`, read next: one compare in release builds.
    if (base->space != space_) [[unlikely]] {
      marker_.Refuse(object, /*foreign=*/true);
      return;
    }
    uint16_t type;
    if (base->kind == SegmentKind::kSmall) [[likely]] {
      Page& page = static_cast<Segment*>(base)->PageOf(object);
      // Relaxed load and store, no read-modify-write: see cell.h.
      const std::atomic_ref<uint16_t> entry = page.TypeEntry(page.CellIndex(object));
      type = entry.load(std::memory_order_relaxed);
      if (type & kMarkBit) return;
      entry.store(type | kMarkBit, std::memory_order_relaxed);
      AddLive(page.cell_size);
    } else {
      LargeObject* large = static_cast<LargeObject*>(base);
      if (large->mark.load(std::memory_order_relaxed)) return;
      large->mark.store(1, std::memory_order_relaxed);
      AddLive(large->mapped_bytes);
      type = large->type;
    }
    if (log_marks) [[unlikely]] mark_log.push_back(object);
    // Pointer-free objects are marked but never pushed, scanned or even read.
    if (!(type & kPointerFreeBit)) stack_.Push(Tag(object, type));
  }

  Marker& marker_;
  const Space* const space_;
  MarkStack stack_;
};

Marker::Marker(int workers, const Space& space) : space_(space) {
  if (workers < 1) workers = 1;
  for (int i = 0; i < workers; ++i) workers_.push_back(std::make_unique<Worker>(*this));
  for (int i = 1; i < workers; ++i) helpers_.emplace_back([this, i] { HelperLoop(i); });
}

Marker::~Marker() {
  {
    std::lock_guard<std::mutex> lock(job_mu_);
    shutdown_ = true;
  }
  job_cv_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void Marker::HelperLoop(int index) {
  CollectorCallbackScope scope("a trace callback");  // this thread runs nothing else
  uint64_t seen = 0;
  std::function<void(Worker&)> job;
  for (;;) {
    // A job for fewer threads leaves this one asleep (a concurrent Trace on a quarter of
    // them must not wake the rest every round: each wake-up can cost a mutator its core).
    auto has_job = [&] { return shutdown_ || (job_epoch_ != seen && index <= job_helpers_); };
    {
      std::unique_lock<std::mutex> lock(job_mu_);
      job_cv_.wait(lock, has_job);
      if (shutdown_) return;
    }
    PINION_FAULT_POINT(kHelperWake);
    {
      std::lock_guard<std::mutex> lock(job_mu_);
      if (shutdown_) return;
      if (!has_job()) continue;  // a trace that ended while this thread woke up
      seen = job_epoch_;
      job = job_;
      ++helpers_started_;
    }
    if (job) {
      job(*workers_[index]);
    } else {
      Join(*workers_[index]);
    }
    {
      std::lock_guard<std::mutex> lock(job_mu_);
      --helpers_running_;
    }
    job_cv_.notify_all();
  }
}

void SlotArray::Grow(size_t at_least) {
  const size_t capacity = std::max<size_t>({at_least, 2 * capacity_, 1024});
  std::unique_ptr<void**[]> data(new void**[capacity]);  // not value-initialised
  std::copy(begin(), end(), data.get());
  data_ = std::move(data);
  capacity_ = capacity;
}

void SlotArray::Append(const SlotArray& other) {
  if (size_ + other.size_ > capacity_) Grow(size_ + other.size_);
  std::copy(other.begin(), other.end(), data_.get() + size_);
  size_ += other.size_;
}

void Marker::Refuse(const void* object, bool foreign) {
  constexpr size_t kMaxRefused = 64;  // per cycle: a broken trace callback floods otherwise
  std::lock_guard<std::mutex> lock(refused_mu_);
  if (refused_.size() >= kMaxRefused) return;
  for (const auto& [seen, _] : refused_) {
    if (seen == object) return;
  }
  refused_.emplace_back(object, foreign);
}

void Marker::ReportRefused() {
  std::vector<std::pair<const void*, bool>> refused;
  {
    std::lock_guard<std::mutex> lock(refused_mu_);
    refused.swap(refused_);
  }
  for (const auto& [object, foreign] : refused) {
    if (foreign) {
      ReportMisuse(Misuse::kNotAHeapObject,
                   "a trace callback visited %p, an object of another heap: not followed "
                   "(references between heaps are not supported)",
                   object);
    } else {
      ReportMisuse(Misuse::kNotAHeapObject,
                   "a trace callback visited %p, which is not the start of a heap object: "
                   "not followed",
                   object);
    }
  }
}

void Marker::Share(std::vector<uintptr_t>&& chunk) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    pool_.push_back(std::move(chunk));
  }
  pool_cv_.notify_all();  // an idle marker
}

void Marker::Join(Worker& worker) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (done_) return;  // the trace ended before this helper woke up
    ++active_;
  }
  Run(worker);
}

void Marker::Run(Worker& worker) {
  for (;;) {
    worker.Drain();
    std::unique_lock<std::mutex> lock(pool_mu_);
    if (pool_.empty()) {
      ++idle_;
      idle_hint_.store(true, std::memory_order_relaxed);
      if (idle_ == active_) {
        done_ = true;
        pool_cv_.notify_all();
        return;
      }
      pool_cv_.wait(lock, [&] { return done_ || !pool_.empty(); });
      if (done_) return;
      if (--idle_ == 0) idle_hint_.store(false, std::memory_order_relaxed);
    }
    worker.stack().Assign(pool_.back());
    pool_.pop_back();
  }
}

void Marker::Begin(PinEdges pin_edges) {
  skip_pin_edges_ = pin_edges == PinEdges::kSkip;
  // A cycle's weak fields name its holders: none may outlive it (the cycle processes them
  // all; this only keeps a marker used without a WeakProcessor, as in tests, from growing).
  {
    std::lock_guard<std::mutex> lock(assist_weak_mu_);
    assist_weak_.clear();
  }
  for (auto& w : workers_) {
    w->WeakFieldsSynced([](WeakFields& fields) { fields.clear(); });
    w->mark_log.clear();
  }
  for (auto& w : workers_) w->live_bytes.store(0, std::memory_order_relaxed);
  assist_live_bytes_.store(0, std::memory_order_relaxed);
}

void Marker::AddRoots(RootSet& roots) { roots.VisitRoots(*workers_[0]); }

void Marker::AddGrey(const void* object) { workers_[0]->VisitObject(object); }

void Marker::AddScan(const void* object, uint16_t raw_type) {
  if (!(raw_type & kPointerFreeBit)) workers_[0]->stack().Push(Tag(object, raw_type));
}

RootVisitor& Marker::root_visitor() { return *workers_[0]; }

void Marker::Trace(int threads) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    active_ = 1;  // this thread; the helpers join as they start
    idle_ = 0;
    done_ = false;
    idle_hint_.store(false, std::memory_order_relaxed);
  }
  RunOnAll(nullptr, (threads > 0 ? std::min(threads, workers()) : workers()) - 1);
}

void Marker::RunOnAll(std::function<void(Worker&)> job, int helpers) {
  if (helpers > 0) {
    {
      std::lock_guard<std::mutex> lock(job_mu_);
      job_ = job;
      ++job_epoch_;
      helpers_running_ = job_helpers_ = helpers;
      helpers_started_ = 0;
    }
    job_cv_.notify_all();
  }
  if (job) {
    job(*workers_[0]);
  } else {
    Run(*workers_[0]);
  }
  if (helpers == 0) return;
  std::unique_lock<std::mutex> lock(job_mu_);
  if (!job) {
    // Marking is done (Run returned: done_ is set), so a helper that has not started yet
    // would find nothing to do: it never starts, and this thread does not wait for it.
    helpers_running_ -= job_helpers_ - helpers_started_;
    job_helpers_ = 0;
  }
  job_cv_.wait(lock, [&] { return helpers_running_ == 0; });
  job_ = nullptr;
}

void Marker::OnEachThread(const std::function<void(int index, int count)>& job) {
  RunOnAll(
      [this, &job](Worker& worker) {
        int index = 0;
        while (workers_[index].get() != &worker) ++index;
        job(index, workers());
      },
      static_cast<int>(helpers_.size()));
}

bool Marker::HasWeakFields() {
  {
    std::lock_guard<std::mutex> lock(assist_weak_mu_);
    workers_[0]->WeakFieldsSynced([this](WeakFields& fields) { fields.Append(assist_weak_); });
    assist_weak_.clear();
  }
  bool any = false;
  for (auto& w : workers_) w->WeakFieldsSynced([&](WeakFields& fields) { any |= !fields.empty(); });
  return any;
}

void Marker::ProcessWeakSlots(const std::function<void(WeakFields&)>& job) {
  // A heap without weak fields pays no thread handoff for them.
  if (!HasWeakFields()) return;
  RunOnAll(
      [&job](Worker& worker) {
        worker.WeakFieldsSynced([&job](WeakFields& fields) {
          job(fields);
          fields.clear();
        });
      },
      static_cast<int>(helpers_.size()));
}

uint64_t Marker::live_bytes() const {
  uint64_t live = assist_live_bytes_.load(std::memory_order_relaxed);
  for (const auto& w : workers_) live += w->live();
  return live;
}

void Marker::LogMarks(bool on) {
  for (auto& w : workers_) w->log_marks = on;
}

std::vector<const void*> Marker::TakeMarkLog() {
  std::vector<const void*> log;
  for (auto& w : workers_) {
    log.insert(log.end(), w->mark_log.begin(), w->mark_log.end());
    w->mark_log.clear();
  }
  return log;
}

bool Marker::HasSharedWork() {
  std::lock_guard<std::mutex> lock(pool_mu_);
  return !pool_.empty() || assisting_ > 0;
}

bool Marker::Assist(uint64_t budget_bytes, const std::function<bool()>& should_stop) {
  std::vector<uintptr_t> work;
  {
    std::unique_lock<std::mutex> lock(pool_mu_);
    if (pool_.empty()) {
      // Ask the busy markers to hand work over (they do when they see the hint) for the
      // next assist. No waiting for it: a mutator that sleeps here can lose its core to
      // another thread for a scheduler tick (4 ms), and it is owed marking, not time.
      if (!done_) idle_hint_.store(true, std::memory_order_relaxed);
      return false;
    }
    work = std::move(pool_.back());
    pool_.pop_back();
    if (idle_ == 0) idle_hint_.store(false, std::memory_order_relaxed);
    ++assisting_;
  }
  CollectorCallbackScope scope("a trace callback");
  Worker helper(*this);
  helper.stack().Assign(work);
  // In chunks, so that a pause waits for this mutator one chunk at most (~50 us).
  constexpr uint64_t kChunkBytes = uint64_t{32} << 10;
  while (helper.live() < budget_bytes && !helper.stack().empty() && !should_stop()) {
    helper.Drain(std::min(kChunkBytes, budget_bytes - helper.live()));
  }
  assist_live_bytes_.fetch_add(helper.live(), std::memory_order_relaxed);
  helper.WeakFieldsSynced([this](WeakFields& fields) {
    if (fields.empty()) return;
    std::lock_guard<std::mutex> lock(assist_weak_mu_);
    assist_weak_.Append(fields);
  });
  if (!helper.stack().empty()) Share(helper.stack().TakeOldest(helper.stack().size()));
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    --assisting_;
  }
  return true;
}

}  // namespace pinion::internal
