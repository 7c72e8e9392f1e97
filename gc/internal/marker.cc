#include "gc/internal/marker.h"

#include "gc/errors.h"
#include "gc/heap.h"
#include "gc/internal/segment.h"
#include "gc/internal/type_registry.h"

namespace pinion::internal {

namespace {
// Hand over only if at least this many entries are queued. Trees keep DFS stacks shallow
// (about their depth), so this must be small for the helpers to get work at all.
constexpr size_t kShareThreshold = 2;
constexpr int kPrefetchDepth = 8;
}  // namespace

class Marker::Worker final : public Visitor, public RootVisitor {
 public:
  explicit Worker(Marker& marker) : marker_(marker) { stack_.reserve(4096); }

  void VisitRoot(void* object) override { MarkObject(object); }
  void VisitObject(const void* object) override { MarkObject(object); }

  // Scans until the private stack and the prefetch FIFO are empty.
  void Drain() {
    const void* fifo[kPrefetchDepth];
    int head = 0, count = 0;
    for (;;) {
      while (count < kPrefetchDepth && !stack_.empty()) {
        const void* object = stack_.back();
        stack_.pop_back();
        __builtin_prefetch(HeaderOf(object));
        fifo[(head + count) % kPrefetchDepth] = object;
        ++count;
      }
      if (count == 0) return;
      const void* object = fifo[head];
      head = (head + 1) % kPrefetchDepth;
      --count;
      Scan(object);
      if (marker_.idle_hint_.load(std::memory_order_relaxed) && stack_.size() > kShareThreshold)
          [[unlikely]] {
        const size_t half = stack_.size() / 2;
        std::vector<const void*> chunk(stack_.begin(), stack_.begin() + half);
        stack_.erase(stack_.begin(), stack_.begin() + half);
        marker_.Share(std::move(chunk));
      }
    }
  }

  std::vector<const void*>& stack() { return stack_; }
  uint64_t live_bytes = 0;

 private:
  [[gnu::always_inline]] void MarkObject(const void* object) {
#ifndef NDEBUG
    if (FindObject(object) != object) {
      ReportMisuse(Misuse::kNotAHeapObject,
                   "a trace callback visited %p, which is not the start of a heap object",
                   object);
      return;
    }
#endif
    SegmentBase* base = SegmentOf(object);
    if (base->kind == SegmentKind::kSmall) [[likely]] {
      Page& page = static_cast<Segment*>(base)->PageOf(object);
      if (!page.TryMark(page.CellIndex(HeaderOf(object)))) return;
      live_bytes += page.cell_size;
    } else {
      LargeObject* large = static_cast<LargeObject*>(base);
      if (large->mark.exchange(1, std::memory_order_relaxed)) return;
      live_bytes += large->mapped_bytes;
    }
    stack_.push_back(object);
  }

  void Scan(const void* object) {
    const TypeInfo& type = TypeInfoAt(HeaderOf(object)->type);
    if (type.trace != nullptr) type.trace(const_cast<void*>(object), *this);
  }

  Marker& marker_;
  std::vector<const void*> stack_;
};

Marker::Marker(int workers) {
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
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(job_mu_);
      job_cv_.wait(lock, [&] { return shutdown_ || job_epoch_ != seen; });
      if (shutdown_) return;
      seen = job_epoch_;
    }
    Run(*workers_[index]);
    {
      std::lock_guard<std::mutex> lock(job_mu_);
      --helpers_running_;
    }
    job_cv_.notify_all();
  }
}

void Marker::Share(std::vector<const void*>&& chunk) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    pool_.push_back(std::move(chunk));
  }
  pool_cv_.notify_one();
}

void Marker::Run(Worker& worker) {
  for (;;) {
    worker.Drain();
    std::unique_lock<std::mutex> lock(pool_mu_);
    if (pool_.empty()) {
      ++idle_;
      idle_hint_.store(true, std::memory_order_relaxed);
      if (idle_ == workers()) {
        done_ = true;
        pool_cv_.notify_all();
        return;
      }
      pool_cv_.wait(lock, [&] { return done_ || !pool_.empty(); });
      if (done_) return;
      if (--idle_ == 0) idle_hint_.store(false, std::memory_order_relaxed);
    }
    worker.stack() = std::move(pool_.back());
    pool_.pop_back();
  }
}

uint64_t Marker::Mark(RootSet& roots) {
  Worker& main = *workers_[0];
  for (auto& w : workers_) w->live_bytes = 0;
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_ = 0;
    done_ = false;
    idle_hint_.store(false, std::memory_order_relaxed);
  }
  roots.VisitRoots(main);
  if (!helpers_.empty()) {
    std::lock_guard<std::mutex> lock(job_mu_);
    ++job_epoch_;
    helpers_running_ = static_cast<int>(helpers_.size());
  }
  job_cv_.notify_all();
  Run(main);
  {
    std::unique_lock<std::mutex> lock(job_mu_);
    job_cv_.wait(lock, [&] { return helpers_running_ == 0; });
  }
  uint64_t live = 0;
  for (auto& w : workers_) live += w->live_bytes;
  return live;
}

}  // namespace pinion::internal
