// The latency benchmark: what a mutator feels, not what the collector reports. The workload
// of pauses.h (a pointer-rich live heap of binary trees; each churn step builds, checks and
// drops a 31-node tree and replaces a 7-node subtree of a live tree) runs for a fixed time
// after the live heap is built, in small timed BATCHES of `batch_ops` churn steps (about
// 10 us each in the control), and every batch's start and end (steady_clock) is recorded.
// From those intervals it reports batch-time percentiles and the minimum mutator utilisation
// (MMU), and beside them Pinion's own HeapStats, peak RSS and the live size. The record
// itself (16 bytes a batch, ~32 MiB per thread for 20 s) is in every configuration's RSS:
//
//   bazel build -c opt --jobs=2 //benchmarks:latency
//   .bazel/bin/benchmarks/latency [--sizes 256,1024] [--runs 3] [--seconds 20]
//       [--mutators 1] [--configs pinion-concurrent,pinion-stw,control,malloc]
//       [--csv FILE] [--mmu-csv FILE] [--batch-ops N] [--control-mib 2048]
//       [--seed 1] [--timeout 900] [--quick]
//   scripts/plot_latency.py mmu.csv latency.png
//   .bazel/bin/benchmarks/latency --self-test   (checks the MMU computation; the smoke test
//                                                runs it)
//
// (`bazel run -c opt //benchmarks:latency -- ...` works too; relative CSV paths then mean
// the caller's cwd.) Measured on this project's 2-core machine as:
//   .bazel/bin/benchmarks/latency --sizes 256 --runs 1 --seconds 10 --csv l.csv --mmu-csv m.csv
// --quick: 32 MiB only, --seconds 2, one run (a smoke test, //benchmarks:latency_test).
//
// Configurations:
//   pinion-concurrent  HeapConfig defaults, mode concurrent (pauses mark on one thread per
//                      hardware thread, concurrent marking on a quarter of them, at least
//                      one, unless PINION_MARKERS / PINION_BACKGROUND_MARKERS say otherwise),
//                      Member fields
//   pinion-stw         HeapConfig defaults, stop-the-world, raw pointer fields
//                      (both Pinion configurations honour the PINION_* environment, as
//                      //benchmarks:pauses does: PINION_BACKGROUND_MARKERS=2 for two
//                      concurrent marker threads)
//   control            NO COLLECTION: the same Pinion heap, allocator and program as
//                      pinion-concurrent (Member fields, concurrent mode), but min_heap_bytes
//                      = 2^60 (and the PINION_* environment ignored), so no cycle ever starts
//                      and the mutator does no GC work. It shows what the machine, the
//                      allocator and the workload cost alone (the noise floor: the VM, the
//                      scheduler, page faults of fresh memory). Since nothing is freed, its
//                      churn phase ends early once it has allocated --control-mib MiB of
//                      churn (steps x 912 bytes; default 2048), or after --seconds.
//                      Every step of it takes fresh memory, so its batches pay the kernel's
//                      page faults (zeroing ~13 KiB a batch): its slow batches are those.
//   malloc             a second control, the machine's noise floor: the same program on
//                      glibc malloc/free (adapters.h, MallocAdapter: each dropped tree is
//                      freed, so memory is recycled as a collector's would be), no collector
//                      at all. (Its threads attach to a Pinion heap they never allocate from.)
// --mutators M: M threads, each attached to the heap, churn their own slice of the live
// trees (ChurnStep's first/count: no two threads write the same node) and time their own
// batches; the main thread waits in a native region. --batch-ops N: churn steps per batch;
// by default a calibration child first times the control at 32 MiB for 0.5 s and picks N so
// that a batch takes ~10 us (from its 10th-percentile batch); every run uses the same N.
//
// Columns (table and --csv; one line per size and configuration, the median over the runs
// of each figure, except the maxima, the worst of any run):
//   heap_mib       the --sizes value: the live heap requested
//   config         as above
//   runs           runs that succeeded
//   batch_ops      churn steps per batch
//   seconds        length of the timed churn phase (the control's may be shorter)
//   batch_p50_ms, batch_p99_ms, batch_p999_ms, batch_max_ms
//                  nearest-rank percentiles and the maximum of the batch durations, over all
//                  threads' batches of a run: everything that delayed the mutator inside a
//                  batch (pauses, waits for a cycle, assists, lazy sweeping, page faults,
//                  being descheduled) is in them
//   mmu_1ms, mmu_10ms, mmu_100ms
//                  minimum mutator utilisation, Go-style: over every window of that length
//                  within the churn phase, the fraction of it that was mutator time, the
//                  minimum over all window positions; per thread, then the minimum over the
//                  threads. Mutator time is measured from the outside: a batch counts as
//                  mutator time up to the run's median batch duration (its nominal work), and
//                  what a slower batch takes beyond that is a stall, as are the gaps between
//                  batches (the loop's own overhead: ~1-2% in the control). Counting whole
//                  batches as mutator time would hide every stall that happens inside one,
//                  which is where allocation, and so every pause, wait and assist, happens.
//                  (The stall is placed at the batch's end; windows much longer than a batch
//                  do not notice where.) So the control's MMU is not 1 either: page faults,
//                  the scheduler and the VM slow some of its batches too
//   gcs            HeapStats collections during the churn phase
//   pauses         HeapStats stop-the-world pauses during the churn phase
//   max_pause_ms   the longest of those pauses: exact when it set the heap's lifetime
//                  maximum, otherwise the upper edge of its pause_histogram bucket (at most
//                  2x the truth), capped by the lifetime maximum. In the table and CSV:
//                  the worst run's
//   median_max_pause_ms
//                  the median over the runs of each run's max_pause_ms (the table's
//                  "medpause"): what issue targets state, where max_pause_ms shows the tail
//   waits          HeapStats mutator_waits during the churn: times a mutator stalled until a
//                  concurrent cycle's marking ended. NOT pauses: a stall of one thread
//   assists        HeapStats assists during the churn: times a mutator marked for the
//                  collector before taking a page, because marking ran behind the pacer's
//                  schedule. NOT pauses either
//   assist_ms      HeapStats assist_ms during the churn: the time those assists took
//   live_mib       the live tree nodes (trees x 511 x 24 bytes; the same in every config)
//   peak_rss_mib   the run's peak RSS (wait4's ru_maxrss of its child process)
//   rss_per_live   peak_rss_mib / live_mib
//   peak_heap_mib  HeapStats peak_heap_bytes at the end of the run: the most the heap
//                  committed (pages in use or kept for reuse, their segments' metadata,
//                  large objects), sampled at each cycle's start and remark. malloc: the
//                  Pinion heap its threads attach to and never allocate from
//   heap_per_live  peak_heap_mib / live_mib
//   cpus           the process's CPU time (user + system, every thread: mutators, marker
//                  threads, the background collector) during the churn / its length: how many
//                  cores the run kept busy (the machine has hardware_concurrency of them)
//   sys_cpus       the system part of it: the kernel's page faults (fresh memory) and
//                  scheduling
// --mmu-csv FILE: heap_mib,config,window_ms,mmu for 21 log-spaced windows from 0.1 ms to
// 1 s (five per decade; median over the runs), the input of scripts/plot_latency.py. A
// window longer than the churn phase has no value and no line.
//
// Every run is a child process (this binary re-executed with --child), so each heap is set
// up once in a fresh process and peak RSS is the run's own. The child prints one line,
//   RESULT ok=1 key=value ... mmu=WINDOW_MS:MMU,...
// and its stderr goes into the same pipe (its tail explains a failed run). Runs are
// interleaved (run 1 of every size and configuration, then run 2, ...). Progress goes to
// stderr. A failed run (self-check, crash, no result within --timeout s) is reported and
// left out; the exit status is then 1.
//
// Threads: the parent is single-threaded; a child runs its main thread (builds the live
// heap, then waits) and the M mutator threads.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "benchmarks/adapters.h"
#include "benchmarks/child_process.h"
#include "benchmarks/size_runs_options.h"
#include "benchmarks/pauses.h"
#include "gc/heap.h"
#include "roots/handles.h"
#include "roots/native_region.h"

namespace pinion::bench {
namespace {

using Clock = std::chrono::steady_clock;

const std::vector<std::string> kConfigs = {"pinion-concurrent", "pinion-stw", "control", "malloc"};
constexpr double kBatchTargetUs = 10;
constexpr int kQuickSizeMib = 32;
constexpr int kCalibrationSizeMib = 32;
constexpr double kCalibrationSeconds = 0.5;

struct Options {
  std::vector<int> sizes = {256, 1024};
  std::vector<std::string> configs = kConfigs;
  int runs = 3;
  double seconds = 20;
  int mutators = 1;
  uint64_t batch_ops = 0;  // 0: calibrate
  double control_mib = 2048;
  uint64_t seed = 1;
  int timeout_s = 900;
  std::string csv, mmu_csv;
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "latency: %s\n", message.c_str());
  std::exit(2);
}

// 0.1 ms to 1 s, five per decade: 10^(k/5) ms for k = -5..15 (1, 10 and 100 ms among them).
std::vector<double> MmuWindowsMs() {
  std::vector<double> windows;
  for (int k = -5; k <= 15; ++k) windows.push_back(std::pow(10.0, k / 5.0));
  return windows;
}

// ---- the analysis of batch intervals -------------------------------------------------------

// One thread's batches: [start, end) in ns since a common origin, in order, disjoint.
struct Batches {
  std::vector<int64_t> start, end;
};

// Go-style MMU of one thread's batches for a window of `w` ns: the least fraction of any
// window [t, t + w) within [first start, last end] spent inside batches; -1 if the phase is
// shorter than w. The busy time B(t, t + w) is piecewise linear in t, with slope
// busy(t + w) - busy(t): it falls while t is inside a batch and rises only once t is in a
// gap, so a minimum is reached where the window starts at a batch's end (clamped into the
// phase). Those candidates, in increasing order, are evaluated with two monotone cursors
// over the prefix sums of batch time: O(batches) per window.
double Mmu(const Batches& b, int64_t w) {
  const size_t n = b.start.size();
  if (n == 0) return -1;
  const int64_t t0 = b.start.front(), t1 = b.end.back();
  if (t1 - t0 < w) return -1;
  std::vector<int64_t> prefix(n + 1, 0);  // prefix[i]: batch time of batches 0..i-1
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + (b.end[i] - b.start[i]);
  // Busy time in [t0, x), with `cursor` the count of batches starting at or before x, never
  // moving back (x must not decrease between calls sharing a cursor).
  auto busy_to = [&](int64_t x, size_t& cursor) {
    while (cursor < n && b.start[cursor] <= x) ++cursor;
    if (cursor == 0) return int64_t{0};
    const size_t i = cursor - 1;
    return prefix[i] + (std::min(x, b.end[i]) - b.start[i]);
  };
  double least = 1.0;
  size_t lo = 0, hi = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t t = std::min(b.end[i], t1 - w);  // nondecreasing in i
    const int64_t busy = busy_to(t + w, hi) - busy_to(t, lo);
    least = std::min(least, static_cast<double>(busy) / static_cast<double>(w));
  }
  return std::max(0.0, least);
}

// --self-test: Mmu against hand-computed values and against a brute-force scan of every
// window position over random batches. Returns the number of failures.
int SelfTest() {
  int failures = 0;
  auto expect = [&](double got, double want, const char* what) {
    if (std::fabs(got - want) > 1e-9) {
      std::fprintf(stderr, "latency self-test: %s: got %.9g, want %.9g\n", what, got, want);
      ++failures;
    }
  };
  // 1 ms batches back to back over [0, 10) ms, a 10 ms gap, then [20, 30) ms.
  Batches b;
  for (int i = 0; i < 30; ++i) {
    if (i >= 10 && i < 20) continue;
    b.start.push_back(i * int64_t{1000000});
    b.end.push_back((i + 1) * int64_t{1000000});
  }
  expect(Mmu(b, 1000000), 0, "1 ms window over the gap");
  expect(Mmu(b, 10000000), 0, "10 ms window over the gap");
  expect(Mmu(b, 20000000), 0.5, "20 ms window");
  expect(Mmu(b, 30000000), 20.0 / 30.0, "the whole phase");
  expect(Mmu(b, 30000001), -1, "a window longer than the phase");
  // Random batches and gaps of 1..60 ns: every window start, by brute force.
  uint64_t state = 12345;
  auto next = [&] {
    return (state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 33;
  };
  for (int trial = 0; trial < 20; ++trial) {
    Batches r;
    int64_t t = static_cast<int64_t>(next() % 50);
    for (int i = 0; i < 100; ++i) {
      r.start.push_back(t);
      t += 1 + static_cast<int64_t>(next() % 60);
      r.end.push_back(t);
      t += static_cast<int64_t>(next() % 60);  // 0: batches may touch
    }
    const int64_t t0 = r.start.front(), t1 = r.end.back();
    for (int64_t w : {int64_t{1}, int64_t{7}, int64_t{50}, int64_t{333}, t1 - t0}) {
      double least = 1;
      for (int64_t x = t0; x + w <= t1; ++x) {
        int64_t busy = 0;
        for (size_t i = 0; i < r.start.size(); ++i) {
          busy += std::max<int64_t>(0, std::min(x + w, r.end[i]) - std::max(x, r.start[i]));
        }
        least = std::min(least, static_cast<double>(busy) / w);
      }
      expect(Mmu(r, w), least, "random batches against brute force");
    }
  }
  std::fprintf(stderr, "latency self-test: %s\n", failures == 0 ? "ok" : "FAILED");
  return failures;
}

// Nearest rank, over sorted values.
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t k = static_cast<size_t>(std::ceil(q * sorted.size()));
  return sorted[std::max<size_t>(k, 1) - 1];
}

// ---- child: one run ------------------------------------------------------------------------

struct ChildOptions {
  int size_mib = 0;
  std::string config;
  double seconds = 0;
  int mutators = 1;
  uint64_t batch_ops = 1;
  double control_mib = 0;
  uint64_t seed = 1;
};

// CPU time of the whole process (all its threads: mutators, markers, sweeper): user or system.
double CpuSeconds(bool system) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const timeval& t = system ? usage.ru_stime : usage.ru_utime;
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

// The longest pause of the churn phase, from two HeapStats snapshots (see max_pause_ms).
double ChurnMaxPauseMs(const HeapStats& before, const HeapStats& after) {
  if (after.pauses == before.pauses) return 0;
  if (after.max_pause_ms > before.max_pause_ms) return after.max_pause_ms;
  for (size_t i = after.pause_histogram.size(); i-- > 0;) {
    if (after.pause_histogram[i] != before.pause_histogram[i]) {
      return std::min(after.max_pause_ms, std::exp2(static_cast<double>(i)) / 1000.0);
    }
  }
  return after.max_pause_ms;
}

template <class GC>
int RunChild(const ChildOptions& o, const HeapConfig& config) {
  using W = PauseWorkload<GC>;
  using Node = typename W::Node;
  using Slot = typename W::Slot;
  Heap heap(config);
  ThreadScope attach(heap);
  typename GC::Scope scope;
  const uint64_t trees = W::Trees(uint64_t(o.size_mib) << 20);
  if (trees < static_cast<uint64_t>(o.mutators)) Fail("fewer live trees than mutators");

  const Clock::time_point build_start = Clock::now();
  typename GC::template Local<typename W::Array> live(GC::template NewArray<Slot>(trees));
  for (uint64_t i = 0; i < trees; ++i) {
    typename GC::Scope s;
    typename GC::template Local<Node> tree(W::NewTree(W::kTreeDepth));
    (*live.get())[i] = tree.get();
  }
  const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();

  // Each mutator's cap on churn steps (the control's memory bound), and its batch capacity.
  const bool control = o.config == "control";
  const uint64_t max_steps =
      control ? static_cast<uint64_t>(o.control_mib * (1 << 20) / W::kOpBytes / o.mutators)
              : UINT64_MAX;
  const size_t capacity = static_cast<size_t>(std::min<double>(
      o.seconds * 1e6 / kBatchTargetUs * 4 + 1024, double(max_steps) / o.batch_ops + 2));

  std::vector<Batches> batches(o.mutators);
  std::vector<char> ok(o.mutators, 1);
  std::atomic<int> ready{0};
  typename W::Array* array = live.get();  // rooted by `live` for the whole phase
  const HeapStats before = heap.stats();
  const double cpu_before[2] = {CpuSeconds(false), CpuSeconds(true)};
  const Clock::time_point origin = Clock::now();
  const Clock::time_point deadline = origin + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(o.seconds));
  {
    NativeRegion waiting;  // the mutators' collections must not wait for this thread
    std::vector<std::thread> threads;
    for (int t = 0; t < o.mutators; ++t) {
      threads.emplace_back([&, t] {
        ThreadScope attach_mutator(heap);
        typename GC::Scope mutator_scope;
        const uint64_t first = trees * t / o.mutators;
        const uint64_t count = trees * (t + 1) / o.mutators - first;
        uint64_t rng = (o.seed + 7919 * t) * 0x9e3779b97f4a7c15ULL + 1;
        Batches& mine = batches[t];
        mine.start.reserve(capacity);
        mine.end.reserve(capacity);
        {  // all start together; a pause meanwhile must not wait for a thread spinning here
          NativeRegion starting;
          ready.fetch_add(1);
          while (ready.load() < o.mutators) std::this_thread::yield();
        }
        uint64_t steps = 0;
        for (;;) {
          const Clock::time_point start = Clock::now();
          if (start >= deadline || steps + o.batch_ops > max_steps) break;
          for (uint64_t i = 0; i < o.batch_ops; ++i) {
            if (!W::ChurnStep(array, first, count, rng)) ok[t] = 0;
          }
          const Clock::time_point end = Clock::now();
          steps += o.batch_ops;
          mine.start.push_back((start - origin).count());
          mine.end.push_back((end - origin).count());
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  const HeapStats after = heap.stats();
  const double user_s = CpuSeconds(false) - cpu_before[0];
  const double sys_s = CpuSeconds(true) - cpu_before[1];
  static_assert(std::is_same_v<Clock::duration, std::chrono::nanoseconds>);

  bool all_ok = true;
  for (char k : ok) all_ok &= k != 0;
  uint64_t damaged = 0;
  for (uint64_t i = 0; i < trees; ++i) {
    if (W::Check((*live.get())[i], W::kTreeDepth) != W::TreeSize(W::kTreeDepth)) ++damaged;
  }
  if (damaged > 0) {
    std::fprintf(stderr, "latency: %llu of %llu live trees were damaged\n",
                 static_cast<unsigned long long>(damaged), static_cast<unsigned long long>(trees));
    all_ok = false;
  }

  std::vector<double> durations_ms;
  int64_t first_start = INT64_MAX, last_end = 0;
  for (const Batches& b : batches) {
    for (size_t i = 0; i < b.start.size(); ++i) {
      durations_ms.push_back((b.end[i] - b.start[i]) / 1e6);
    }
    if (!b.start.empty()) {
      first_start = std::min(first_start, b.start.front());
      last_end = std::max(last_end, b.end.back());
    }
  }
  if (durations_ms.empty()) Fail("no batch ran");
  std::sort(durations_ms.begin(), durations_ms.end());
  // Mutator time: each batch's first min(duration, median duration); the excess of a slow
  // batch is a stall (see mmu_W in the file comment).
  const auto nominal = static_cast<int64_t>(Percentile(durations_ms, 0.5) * 1e6);
  for (Batches& b : batches) {
    for (size_t i = 0; i < b.start.size(); ++i) {
      b.end[i] = std::min(b.end[i], b.start[i] + nominal);
    }
  }
  std::string mmu;
  for (double window_ms : MmuWindowsMs()) {
    double least = 2;
    for (const Batches& b : batches) {
      const double m = Mmu(b, static_cast<int64_t>(window_ms * 1e6));
      if (m >= 0) least = std::min(least, m);
    }
    if (least > 1) continue;  // longer than the phase
    char item[64];
    std::snprintf(item, sizeof item, "%s%.4g:%.4f", mmu.empty() ? "" : ",", window_ms, least);
    mmu += item;
  }
  const double live_mib = trees * W::TreeSize(W::kTreeDepth) * sizeof(Node) / double(1 << 20);
  std::printf(
      "RESULT ok=%d mutators=%d batch_ops=%llu batches=%zu seconds=%.4f build_s=%.3f "
      "p10_ms=%.5f p50_ms=%.5f p99_ms=%.5f p999_ms=%.5f max_ms=%.5f gcs=%llu pauses=%llu "
      "max_pause_ms=%.4f waits=%llu assists=%llu assist_ms=%.2f live_mib=%.2f "
      "peak_heap_mib=%.2f user_s=%.3f sys_s=%.3f mmu=%s\n",
      all_ok ? 1 : 0, o.mutators, static_cast<unsigned long long>(o.batch_ops), durations_ms.size(),
      (last_end - first_start) / 1e9, build_s, Percentile(durations_ms, 0.1),
      Percentile(durations_ms, 0.5), Percentile(durations_ms, 0.99),
      Percentile(durations_ms, 0.999), durations_ms.back(),
      static_cast<unsigned long long>(after.collections - before.collections),
      static_cast<unsigned long long>(after.pauses - before.pauses), ChurnMaxPauseMs(before, after),
      static_cast<unsigned long long>(after.mutator_waits - before.mutator_waits),
      static_cast<unsigned long long>(after.assists - before.assists),
      after.assist_ms - before.assist_ms, live_mib, after.peak_heap_bytes / double(1 << 20),
      user_s, sys_s,
      mmu.empty() ? "-" : mmu.c_str());
  std::fflush(stdout);
  return all_ok ? 0 : 1;
}

int RunChild(const ChildOptions& o) {
  if (o.size_mib <= 0 || o.mutators < 1 || o.batch_ops < 1 || !(o.seconds > 0)) {
    Fail("bad child arguments");
  }
  HeapConfig config;
  if (o.config == "pinion-concurrent") {
    config.mode = CollectorMode::kConcurrent;
    return RunChild<PinionConcurrentAdapter>(o, config);
  }
  if (o.config == "pinion-stw") return RunChild<PinionAdapter>(o, config);
  // The control, and malloc (whose threads attach to a heap that is never used).
  config.mode = CollectorMode::kConcurrent;
  config.min_heap_bytes = size_t{1} << 60;
  config.from_environment = false;
  if (o.config == "control") return RunChild<PinionConcurrentAdapter>(o, config);
  if (o.config == "malloc") return RunChild<MallocAdapter>(o, config);
  Fail("unknown configuration " + o.config);
}

// ---- parent: runs the children, aggregates, reports ----------------------------------------

using Result = std::map<std::string, std::string>;  // a RESULT line's key=value pairs

struct Sample {
  std::string failure;  // empty if the run succeeded
  Result result;
  std::map<double, double> mmu;  // window_ms -> mmu
  double rss_mib = 0;
  double get(const std::string& key) const {
    auto it = result.find(key);
    return it == result.end() ? 0 : std::atof(it->second.c_str());
  }
};

Sample RunOnce(const ChildOptions& o, int timeout_s) {
  char seconds[32], control[32];
  std::snprintf(seconds, sizeof seconds, "%.17g", o.seconds);
  std::snprintf(control, sizeof control, "%.17g", o.control_mib);
  ChildRun run = RunChildProcess(
      {"latency", "--child", std::to_string(o.size_mib), o.config, "--seconds", seconds,
       "--mutators", std::to_string(o.mutators), "--batch-ops", std::to_string(o.batch_ops),
       "--control-mib", control, "--seed", std::to_string(o.seed)},
      timeout_s, /*merge_stderr=*/true);
  Sample s;
  if (run.timed_out) {
    s.failure = "no result after " + std::to_string(timeout_s) + " s (killed: a hang?)";
    return s;
  }
  const size_t at = run.output.find("RESULT ");
  if (at != std::string::npos) {
    std::stringstream line(run.output.substr(at + 7, run.output.find('\n', at) - at - 7));
    for (std::string item; line >> item;) {
      const size_t eq = item.find('=');
      if (eq != std::string::npos) s.result[item.substr(0, eq)] = item.substr(eq + 1);
    }
  }
  if (at == std::string::npos || s.result["ok"] != "1" || !run.succeeded()) {
    std::string output = run.output;
    while (!output.empty() && output.back() == '\n') output.pop_back();
    size_t from = output.size();
    for (int lines = 0; lines < 3 && from != std::string::npos && from > 0; ++lines) {
      from = output.rfind('\n', from - 1);
    }
    const std::string tail = output.substr(from == std::string::npos ? 0 : from + 1);
    s.failure = run.how_it_ended() + (tail.empty() ? "" : ": " + tail);
    for (char& c : s.failure) {
      if (c == '\n') c = '|';
    }
    return s;
  }
  std::stringstream curve(s.result["mmu"]);
  for (std::string point; std::getline(curve, point, ',');) {
    const size_t colon = point.find(':');
    if (colon == std::string::npos) continue;
    s.mmu[std::atof(point.substr(0, colon).c_str())] = std::atof(point.substr(colon + 1).c_str());
  }
  s.rss_mib = run.rss_mib;
  return s;
}

double MedianOf(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The MMU at one of the windows, or -1 where the phase was shorter (from MmuWindowsMs, so
// the keys compare equal after the %.4g round trip only approximately).
double MmuAt(const Sample& s, double window_ms) {
  for (const auto& [w, m] : s.mmu) {
    if (std::fabs(w - window_ms) <= 1e-3 * window_ms) return m;
  }
  return -1;
}

struct Row {
  int heap_mib = 0;
  std::string config;
  size_t runs_ok = 0, runs_failed = 0;
  std::map<std::string, double> v;             // medians (maxima for the max_ keys)
  std::vector<std::pair<double, double>> mmu;  // window_ms, median mmu
};

Row Summarise(int size, const std::string& config, const std::vector<Sample>& all) {
  Row row;
  row.heap_mib = size;
  row.config = config;
  std::vector<const Sample*> ok;
  for (const Sample& s : all) {
    if (s.failure.empty()) ok.push_back(&s);
  }
  row.runs_ok = ok.size();
  row.runs_failed = all.size() - ok.size();
  if (ok.empty()) return row;
  auto median = [&](auto field) {
    std::vector<double> values;
    for (const Sample* s : ok) values.push_back(field(*s));
    return MedianOf(values);
  };
  auto worst = [&](auto field) {
    double m = 0;
    for (const Sample* s : ok) m = std::max(m, field(*s));
    return m;
  };
  for (const char* key : {"batch_ops", "seconds", "p50_ms", "p99_ms", "p999_ms", "gcs", "pauses",
                          "waits", "assists", "assist_ms", "live_mib", "peak_heap_mib"}) {
    row.v[key] = median([&](const Sample& s) { return s.get(key); });
  }
  row.v["max_ms"] = worst([](const Sample& s) { return s.get("max_ms"); });
  row.v["max_pause_ms"] = worst([](const Sample& s) { return s.get("max_pause_ms"); });
  row.v["median_max_pause_ms"] = median([](const Sample& s) { return s.get("max_pause_ms"); });
  row.v["rss_mib"] = median([](const Sample& s) { return s.rss_mib; });
  row.v["rss_per_live"] = row.v["rss_mib"] / std::max(row.v["live_mib"], 1e-9);
  row.v["heap_per_live"] = row.v["peak_heap_mib"] / std::max(row.v["live_mib"], 1e-9);
  row.v["cpus"] = median([](const Sample& s) {
    return (s.get("user_s") + s.get("sys_s")) / std::max(s.get("seconds"), 1e-9);
  });
  row.v["sys_cpus"] =
      median([](const Sample& s) { return s.get("sys_s") / std::max(s.get("seconds"), 1e-9); });
  for (double w : MmuWindowsMs()) {
    std::vector<double> values;
    for (const Sample* s : ok) {
      if (const double m = MmuAt(*s, w); m >= 0) values.push_back(m);
    }
    if (!values.empty()) row.mmu.emplace_back(w, MedianOf(values));
  }
  auto mmu_at = [&](double w) {
    for (const auto& [window, m] : row.mmu) {
      if (std::fabs(window - w) <= 1e-6 * w) return m;
    }
    return -1.0;
  };
  row.v["mmu_1ms"] = mmu_at(1);
  row.v["mmu_10ms"] = mmu_at(10);
  row.v["mmu_100ms"] = mmu_at(100);
  return row;
}

// A column of the table and the CSV: the Row key, its CSV name, its table format and head.
struct Column {
  const char* key;
  const char* csv;
  const char* format;
  const char* head;
};
const Column kColumns[] = {
    {"batch_ops", "batch_ops", "%9.0f", "batch_ops"},
    {"seconds", "seconds", "%7.2f", "seconds"},
    {"p50_ms", "batch_p50_ms", "%8.4f", "p50_ms"},
    {"p99_ms", "batch_p99_ms", "%8.4f", "p99_ms"},
    {"p999_ms", "batch_p999_ms", "%8.3f", "p999_ms"},
    {"max_ms", "batch_max_ms", "%8.3f", "max_ms"},
    {"mmu_1ms", "mmu_1ms", "%7.3f", "mmu_1"},
    {"mmu_10ms", "mmu_10ms", "%7.3f", "mmu_10"},
    {"mmu_100ms", "mmu_100ms", "%7.3f", "mmu_100"},
    {"gcs", "collections", "%5.0f", "gcs"},
    {"pauses", "pauses", "%6.0f", "pauses"},
    {"max_pause_ms", "max_pause_ms", "%9.3f", "maxpause"},
    {"median_max_pause_ms", "median_max_pause_ms", "%9.3f", "medpause"},
    {"waits", "mutator_waits", "%6.0f", "waits"},
    {"assists", "assists", "%7.0f", "assists"},
    {"assist_ms", "assist_ms", "%7.0f", "asst_ms"},
    {"live_mib", "live_mib", "%8.1f", "live_mib"},
    {"rss_mib", "peak_rss_mib", "%8.0f", "rss_mib"},
    {"rss_per_live", "rss_per_live", "%6.2f", "rss/lv"},
    {"peak_heap_mib", "peak_heap_mib", "%8.0f", "heap_mib"},
    {"heap_per_live", "heap_per_live", "%7.2f", "heap/lv"},
    {"cpus", "cpus", "%5.2f", "cpus"},
    {"sys_cpus", "sys_cpus", "%5.2f", "sys"},
};

void PrintTable(const std::vector<Row>& rows, const Options& options) {
  std::printf(
      "# batches of churn steps during the churn phase; median of %d run%s (max_ms, "
      "maxpause: worst run; medpause: median run); %d mutator thread%s; %u hardware threads\n",
      options.runs, options.runs == 1 ? "" : "s", options.mutators,
      options.mutators == 1 ? "" : "s", std::thread::hardware_concurrency());
  std::printf(
      "# p50..max_ms: batch durations; mmu_W: minimum mutator utilisation over W ms windows "
      "(min over threads; a batch is mutator time up to the median batch, the rest and the "
      "gaps are stalls); gcs, pauses, maxpause (ms): HeapStats, churn phase (medpause: the "
      "median over the runs of each run's longest pause); waits, "
      "assists (asst_ms: their total time): mutator stalls, not pauses; rss/lv: peak RSS / "
      "live; heap_mib, heap/lv: HeapStats peak_heap_bytes (committed), / live; cpus, sys: "
      "cores busy "
      "(all threads), system part; control: no collection, "
      "ends at %.0f MiB of churn\n",
      options.control_mib);
  std::printf("%8s %-17s %4s", "heap_mib", "config", "runs");
  for (const Column& column : kColumns) {
    const int width = std::atoi(column.format + 1);
    std::printf(" %*s", width, column.head);
  }
  std::printf("\n");
  for (const Row& row : rows) {
    std::printf("%8d %-17s %4zu", row.heap_mib, row.config.c_str(), row.runs_ok);
    if (row.runs_ok == 0) {
      std::printf(" FAILED: all %zu runs (see above)\n", row.runs_failed);
      continue;
    }
    for (const Column& column : kColumns) {
      std::printf(" ");
      std::printf(column.format, row.v.at(column.key));
    }
    if (row.runs_failed > 0) std::printf("  (%zu of the runs FAILED)", row.runs_failed);
    std::printf("\n");
  }
}

// `bazel run` starts the binary in its runfiles tree; relative paths mean the user's cwd.
std::string ResolvePath(const std::string& path) {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || dir == nullptr) return path;
  return std::string(dir) + "/" + path;
}

FILE* OpenCsv(const std::string& file, std::string& path) {
  path = ResolvePath(file);
  FILE* csv = std::fopen(path.c_str(), "w");
  if (csv == nullptr) Fail("cannot write " + path + ": " + std::strerror(errno));
  return csv;
}

void CloseCsv(FILE* csv, const std::string& path) {
  if (std::fclose(csv) != 0) Fail("cannot write " + path);
  std::fprintf(stderr, "wrote %s\n", path.c_str());
}

void WriteCsv(const std::vector<Row>& rows, const Options& options) {
  std::string path;
  FILE* csv = OpenCsv(options.csv, path);
  std::fprintf(csv, "heap_mib,config,mutators,runs");
  for (const Column& column : kColumns) std::fprintf(csv, ",%s", column.csv);
  std::fprintf(csv, "\n");
  for (const Row& row : rows) {
    if (row.runs_ok == 0) continue;
    std::fprintf(csv, "%d,%s,%d,%zu", row.heap_mib, row.config.c_str(), options.mutators,
                 row.runs_ok);
    for (const Column& column : kColumns) std::fprintf(csv, ",%.6g", row.v.at(column.key));
    std::fprintf(csv, "\n");
  }
  CloseCsv(csv, path);
}

void WriteMmuCsv(const std::vector<Row>& rows, const Options& options) {
  std::string path;
  FILE* csv = OpenCsv(options.mmu_csv, path);
  std::fprintf(csv, "heap_mib,config,mutators,window_ms,mmu\n");
  for (const Row& row : rows) {
    for (const auto& [window, mmu] : row.mmu) {
      std::fprintf(csv, "%d,%s,%d,%.6g,%.6g\n", row.heap_mib, row.config.c_str(), options.mutators,
                   window, mmu);
    }
  }
  CloseCsv(csv, path);
}

// Steps per batch so that a batch of the control takes ~kBatchTargetUs: one control child at
// kCalibrationSizeMib for kCalibrationSeconds, in batches of 64 steps, whose 10th percentile
// it takes (a loaded machine slows the median too, less so the fast batches).
uint64_t Calibrate(const Options& options) {
  ChildOptions o;
  o.size_mib = kCalibrationSizeMib;
  o.config = "control";
  o.seconds = kCalibrationSeconds;
  o.batch_ops = 64;
  o.control_mib = options.control_mib;
  o.seed = options.seed;
  std::fprintf(stderr, "calibrating: control, %d MiB, %.1f s ... ", o.size_mib, o.seconds);
  const Sample s = RunOnce(o, options.timeout_s);
  if (!s.failure.empty()) Fail("calibration failed: " + s.failure);
  const double step_us = s.get("p10_ms") * 1000 / o.batch_ops;
  const uint64_t ops = std::max<uint64_t>(1, std::llround(kBatchTargetUs / step_us));
  std::fprintf(stderr, "%.3f us per step (p10 batch): %llu steps per batch\n", step_us,
               static_cast<unsigned long long>(ops));
  return ops;
}

int RunParent(Options options) {
  if (options.batch_ops == 0) options.batch_ops = Calibrate(options);
  std::map<std::pair<int, std::string>, std::vector<Sample>> samples;
  const size_t total = options.runs * options.sizes.size() * options.configs.size();
  size_t done = 0;
  std::vector<std::string> failures;
  for (int run = 1; run <= options.runs; ++run) {
    for (int size : options.sizes) {
      for (const std::string& config : options.configs) {
        std::fprintf(stderr, "[%zu/%zu] %d MiB %s run %d/%d ... ", ++done, total, size,
                     config.c_str(), run, options.runs);
        ChildOptions o;
        o.size_mib = size;
        o.config = config;
        o.seconds = options.seconds;
        o.mutators = options.mutators;
        o.batch_ops = options.batch_ops;
        o.control_mib = options.control_mib;
        o.seed = options.seed;
        const Sample s = RunOnce(o, options.timeout_s);
        samples[{size, config}].push_back(s);
        if (!s.failure.empty()) {
          std::fprintf(stderr, "FAILED: %s\n", s.failure.c_str());
          failures.push_back(std::to_string(size) + " MiB " + config + " run " +
                             std::to_string(run) + ": " + s.failure);
          continue;
        }
        std::fprintf(stderr,
                     "build %.2f s, %.2f s of churn, %.0f batches: p99.9 %.3f ms, max %.3f "
                     "ms, MMU(10 ms) %.3f; %.0f gcs, max pause %.3f ms, %.0f waits, %.0f "
                     "assists; %.0f MiB\n",
                     s.get("build_s"), s.get("seconds"), s.get("batches"), s.get("p999_ms"),
                     s.get("max_ms"), MmuAt(s, 10), s.get("gcs"), s.get("max_pause_ms"),
                     s.get("waits"), s.get("assists"), s.rss_mib);
      }
    }
  }
  std::vector<Row> rows;
  for (int size : options.sizes) {
    for (const std::string& config : options.configs) {
      rows.push_back(Summarise(size, config, samples[{size, config}]));
    }
  }
  PrintTable(rows, options);
  if (!options.csv.empty()) WriteCsv(rows, options);
  if (!options.mmu_csv.empty()) WriteMmuCsv(rows, options);
  for (const std::string& failure : failures) {
    std::fprintf(stderr, "latency: FAILED %s\n", failure.c_str());
  }
  return failures.empty() ? 0 : 1;
}

// ---- command line --------------------------------------------------------------------------

constexpr const char* kUsage =
    "usage: latency [--sizes MiB,... (256,1024)] [--runs N (3)] [--seconds S (20)]\n"
    "               [--mutators M (1)]\n"
    "               [--configs pinion-concurrent,pinion-stw,control,malloc]\n"
    "               [--csv FILE] [--mmu-csv FILE] [--batch-ops N (calibrated)]\n"
    "               [--control-mib MiB (2048)] [--seed N] [--timeout S (900; per run)]\n"
    "               [--quick (32 MiB, 2 s, 1 run)]";

}  // namespace
}  // namespace pinion::bench

int main(int argc, char** argv) {
  using namespace pinion::bench;
  Options options;
  bool quick = false, runs_given = false, sizes_given = false, seconds_given = false;
  ChildOptions child;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    auto positive = [&](const std::string& text) {
      const double v = std::atof(text.c_str());
      if (!(v > 0)) Fail(arg + " must be positive");
      return v;
    };
    if (arg == "--csv") {
      options.csv = value();
    } else if (arg == "--mmu-csv") {
      options.mmu_csv = value();
    } else if (arg == "--runs") {
      options.runs = static_cast<int>(positive(value()));
      runs_given = true;
    } else if (arg == "--seconds") {
      options.seconds = positive(value());
      seconds_given = true;
    } else if (arg == "--mutators") {
      options.mutators = static_cast<int>(positive(value()));
    } else if (arg == "--batch-ops") {
      options.batch_ops = static_cast<uint64_t>(positive(value()));
    } else if (arg == "--control-mib") {
      options.control_mib = positive(value());
    } else if (arg == "--seed") {
      options.seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--timeout") {
      options.timeout_s = static_cast<int>(positive(value()));
    } else if (arg == "--quick") {
      quick = true;
    } else if (arg == "--sizes") {
      options.sizes.clear();
      for (const std::string& part : SplitList("latency", value())) {
        options.sizes.push_back(static_cast<int>(positive(part)));
      }
      sizes_given = true;
    } else if (arg == "--configs") {
      options.configs.clear();
      for (const std::string& part : SplitList("latency", value())) {
        if (std::find(kConfigs.begin(), kConfigs.end(), part) == kConfigs.end()) {
          Fail("unknown configuration " + part);
        }
        options.configs.push_back(part);
      }
    } else if (arg == "--child") {
      child.size_mib = std::atoi(value().c_str());
      child.config = value();
    } else if (arg == "--self-test") {
      return SelfTest() == 0 ? 0 : 1;
    } else if (arg == "--help" || arg == "-h") {
      std::puts(kUsage);
      return 0;
    } else {
      Fail("unknown argument " + arg + "\n" + kUsage);
    }
  }
  if (!child.config.empty()) {
    child.seconds = options.seconds;
    child.mutators = options.mutators;
    child.batch_ops = options.batch_ops;
    child.control_mib = options.control_mib;
    child.seed = options.seed;
    return RunChild(child);
  }
  if (quick) {
    if (!runs_given) options.runs = 1;
    if (!sizes_given) options.sizes = {kQuickSizeMib};
    if (!seconds_given) options.seconds = 2;
  }
  return RunParent(options);
}
