// The pause-time benchmark: the workload of pauses.h (a pointer-rich live heap of 256 MiB,
// 1 GiB and 4 GiB, and a mutator churning short-lived trees and rewriting pointers in the
// live heap) on Pinion concurrent and stop-the-world, and on Boehm GC as shipped
// (stop-the-world) and incremental. Prints a table and writes a CSV:
//
//   bazel run -c opt //benchmarks:pauses -- [--csv FILE] [--runs 3] [--quick]
//       [--sizes 256,1024,4096] [--configs pinion-concurrent,pinion-stw,boehm-stw,...]
//       [--churn 2] [--seed 1] [--timeout 900]
//
// CSV: heap_mib,collector,mode,max_pause_ms,p99_pause_ms,median_pause_ms,mutator_mops
// (collector pinion|boehm, mode concurrent|stw|incremental). Per row: the median over the
// runs of each run's p99 and median pause and of its mutator throughput; the max pause is
// the worst of any run. Percentiles are nearest-rank over one run's pauses, the median the
// upper one (as HeapStats computes them). Only pauses during the churn phase count.
//
// --churn F: the churn allocates F times the live heap (so each size gets about the same
// number of collections: with the default growth factor Pinion stop-the-world collects about
// once per 1.5 x live, so F = 2 gives every run one or two stop-the-world cycles); --quick:
// 256 MiB only, F = 0.5, one run (a smoke test: each configuration still collects).
//
// Boehm incremental is GC_enable_incremental() and nothing else. Debian's libgc 8.2 leaves
// GC_time_limit at GC_TIME_UNLIMITED, which (gc.h) makes that generational collection with
// virtual dirty bits, not time-sliced marking: set GC_PAUSE_TIME_TARGET=ms in the environment
// (the children inherit it) to give it a pause target. Its dirty bits come from mprotect,
// and every run of protected or unprotected pages is a kernel mapping: past vm.max_map_count
// (65530 by default) libgc aborts, "un-mprotect vdb failed ... errno= 12" (bdwgc issue #426).
// With that default this workload hits it from 1 GiB, so those rows fail unless the limit is
// raised (sysctl vm.max_map_count=1048576) or the configuration is left out (--configs).
//
// Pauses: Pinion's are HeapStats' stop-the-world pauses, diffed from snapshots the mutator
// takes every millisecond of churn (adapters.h, PinionAdapter::PauseLog; exact unless more
// than two pauses fall between two snapshots, which the table counts); Boehm's come from its
// collection events (adapters.h, BoehmPauses). max_op_ms, the longest churn operation, is
// the mutator's own view, whatever stopped it.
//
// Every run is a child process (this binary re-executed with --child), so each collector is
// set up once in a fresh process and peak RSS is the run's own (wait4's ru_maxrss). The child
// reports one line on stdout:
//
//   RESULT ok=1 ops=N build_s=S churn_s=S pauses=N approx=N max_ms=X p99_ms=X median_ms=X
//       max_op_ms=X collections=N waits=N
//
// (its stderr goes into the same pipe: the tail of it explains a failed run).
//
// Runs are interleaved (run 1 of every size and configuration, then run 2, ...). Progress
// goes to stderr. A run that fails (a self-check, a crash, or no result within --timeout
// seconds: a hang) is reported and left out; the table marks a configuration none of whose
// runs succeeded, the CSV leaves it out, and the exit status is 1.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "benchmarks/adapters.h"
#include "benchmarks/child_process.h"
#include "benchmarks/size_runs_options.h"
#include "benchmarks/pauses.h"

namespace pinion::bench {
namespace {

struct Config {
  std::string name, collector, mode;
};
const std::vector<Config> kConfigs = {
    {"pinion-concurrent", "pinion", "concurrent"},
    {"pinion-stw", "pinion", "stw"},
    {"boehm-stw", "boehm", "stw"},
    {"boehm-incremental", "boehm", "incremental"},
};
const std::vector<int> kSizesMiB = {256, 1024, 4096};
constexpr double kChurn = 2.0;
constexpr double kQuickChurn = 0.5;

struct Options {
  std::string csv;
  int runs = 3;
  bool quick = false;
  double churn = kChurn;
  uint64_t seed = 1;
  int timeout_s = 900;  // per run
  std::vector<int> sizes = kSizesMiB;
  std::vector<Config> configs = kConfigs;
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "pauses: %s\n", message.c_str());
  std::exit(2);
}

// Nearest-rank percentile of `sorted` (ascending, non-empty), as gc/internal/stats.cc.
double Percentile(const std::vector<double>& sorted, double q) {
  const size_t k = static_cast<size_t>(std::ceil(q * sorted.size()));
  return sorted[std::max<size_t>(k, 1) - 1];
}

uint64_t Ops(int size_mib, double churn) {
  const uint64_t live = uint64_t(size_mib) << 20;
  return static_cast<uint64_t>(churn * live / PauseWorkload<MallocAdapter>::kOpBytes);
}

// ---- child: one run of one configuration at one size ---------------------------------------

template <class GC>
int RunChild(int size_mib, const Options& options) {
  typename GC::Runtime runtime;
  PauseParams params;
  params.live_bytes = uint64_t(size_mib) << 20;
  params.ops = Ops(size_mib, options.churn);
  params.seed = options.seed;
  const PauseRunResult r = PauseWorkload<GC>::Run(params);
  std::vector<double> pauses = r.pauses.pauses_ms;
  std::sort(pauses.begin(), pauses.end());
  const double max = pauses.empty() ? 0 : pauses.back();
  const double p99 = pauses.empty() ? 0 : Percentile(pauses, 0.99);
  const double median = pauses.empty() ? 0 : pauses[pauses.size() / 2];
  std::printf(
      "RESULT ok=%d ops=%llu build_s=%.4f churn_s=%.4f pauses=%zu approx=%llu max_ms=%.4f "
      "p99_ms=%.4f median_ms=%.4f max_op_ms=%.4f collections=%llu waits=%llu\n",
      r.ok ? 1 : 0, static_cast<unsigned long long>(r.ops), r.build_s, r.churn_s,
      pauses.size(), static_cast<unsigned long long>(r.pauses.approximated), max, p99, median,
      r.max_op_ms, static_cast<unsigned long long>(r.collections),
      static_cast<unsigned long long>(r.pauses.mutator_waits));
  std::fflush(stdout);
  return r.ok ? 0 : 1;
}

int RunChild(int size_mib, const std::string& config, const Options& options) {
  if (size_mib <= 0) Fail("bad size");
  if (config == "pinion-concurrent") return RunChild<PinionConcurrentAdapter>(size_mib, options);
  if (config == "pinion-stw") return RunChild<PinionAdapter>(size_mib, options);
  if (config == "boehm-stw") return RunChild<BoehmAdapter<false>>(size_mib, options);
  if (config == "boehm-incremental") {
    return RunChild<BoehmAdapter<false, true>>(size_mib, options);
  }
  Fail("unknown configuration " + config);
}

// ---- parent: runs the children, aggregates, reports ----------------------------------------

struct Sample {
  std::string failure;  // empty if the run succeeded
  unsigned long long ops = 0, pauses = 0, approx = 0, collections = 0, waits = 0;
  double build_s = 0, churn_s = 0, max_ms = 0, p99_ms = 0, median_ms = 0, max_op_ms = 0;
  double rss_mib = 0;
  double mops() const { return churn_s > 0 ? ops / churn_s / 1e6 : 0; }
};

Sample RunOnce(int size_mib, const Config& config, const Options& options) {
  char churn[32];
  std::snprintf(churn, sizeof churn, "%.17g", options.churn);
  ChildRun run = RunChildProcess(
      {"pauses", "--child", std::to_string(size_mib), config.name, "--churn", churn, "--seed",
       std::to_string(options.seed)},
      options.timeout_s, /*merge_stderr=*/true);
  std::string& output = run.output;

  Sample s;
  if (run.timed_out) {
    s.failure = "no result after " + std::to_string(options.timeout_s) + " s (killed: a hang?)";
    return s;
  }
  int ok = 0;
  const char* line = std::strstr(output.c_str(), "RESULT ");
  if (line == nullptr ||
      std::sscanf(line,
                  "RESULT ok=%d ops=%llu build_s=%lf churn_s=%lf pauses=%llu approx=%llu "
                  "max_ms=%lf p99_ms=%lf median_ms=%lf max_op_ms=%lf collections=%llu "
                  "waits=%llu",
                  &ok, &s.ops, &s.build_s, &s.churn_s, &s.pauses, &s.approx, &s.max_ms,
                  &s.p99_ms, &s.median_ms, &s.max_op_ms, &s.collections, &s.waits) != 12 ||
      !ok || !run.succeeded()) {
    const std::string how = run.how_it_ended();
    // The child's last lines say why.
    while (!output.empty() && output.back() == '\n') output.pop_back();
    size_t from = output.size();
    for (int lines = 0; lines < 3 && from != std::string::npos && from > 0; ++lines) {
      from = output.rfind('\n', from - 1);
    }
    const std::string tail = output.substr(from == std::string::npos ? 0 : from + 1);
    s.failure = how + (tail.empty() ? "" : ": " + tail);
    for (char& c : s.failure) {
      if (c == '\n') c = '|';
    }
    return s;
  }
  s.rss_mib = run.rss_mib;
  return s;
}

template <class Field>
double Median(const std::vector<Sample>& samples, Field field) {
  std::vector<double> values;
  for (const Sample& s : samples) values.push_back(field(s));
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Row {
  int heap_mib = 0;
  Config config;
  size_t runs_ok = 0, runs_failed = 0;
  double max_ms = 0, p99_ms = 0, median_ms = 0, mops = 0;
  double pauses = 0, collections = 0, waits = 0, max_op_ms = 0, rss_mib = 0, build_s = 0;
  double churn_s = 0;
  unsigned long long approx = 0;
};

// Over the runs that succeeded.
Row Summarise(int size_mib, const Config& config, const std::vector<Sample>& all) {
  Row row;
  row.heap_mib = size_mib;
  row.config = config;
  std::vector<Sample> samples;
  for (const Sample& s : all) {
    if (s.failure.empty()) samples.push_back(s);
  }
  row.runs_ok = samples.size();
  row.runs_failed = all.size() - samples.size();
  if (samples.empty()) return row;
  for (const Sample& s : samples) {
    row.max_ms = std::max(row.max_ms, s.max_ms);
    row.max_op_ms = std::max(row.max_op_ms, s.max_op_ms);
    row.approx += s.approx;
  }
  row.p99_ms = Median(samples, [](const Sample& s) { return s.p99_ms; });
  row.median_ms = Median(samples, [](const Sample& s) { return s.median_ms; });
  row.mops = Median(samples, [](const Sample& s) { return s.mops(); });
  row.pauses = Median(samples, [](const Sample& s) { return double(s.pauses); });
  row.collections = Median(samples, [](const Sample& s) { return double(s.collections); });
  row.waits = Median(samples, [](const Sample& s) { return double(s.waits); });
  row.rss_mib = Median(samples, [](const Sample& s) { return s.rss_mib; });
  row.build_s = Median(samples, [](const Sample& s) { return s.build_s; });
  row.churn_s = Median(samples, [](const Sample& s) { return s.churn_s; });
  return row;
}

void PrintTable(const std::vector<Row>& rows, const Options& options) {
  unsigned long long approx = 0;
  for (const Row& row : rows) approx += row.approx;
  std::printf(
      "# pauses during the churn phase only; median of %d run%s (max pause, max_op: worst "
      "run); churn = %.3g x the live heap in %llu-byte operations; %u hardware threads\n",
      options.runs, options.runs == 1 ? "" : "s", options.churn,
      static_cast<unsigned long long>(PauseWorkload<MallocAdapter>::kOpBytes),
      std::thread::hardware_concurrency());
  std::printf(
      "# pinion: every stop-the-world pause in HeapStats (concurrent: start and remark), from "
      "snapshots polled each ms of churn; %llu of all pauses estimated from the histogram\n",
      approx);
  const char* target = std::getenv("GC_PAUSE_TIME_TARGET");
  std::printf(
      "# boehm: GC_EVENT_START..END per collection; incremental: each world-stopped mark "
      "(PRE_STOP_WORLD..POST_START_WORLD, to RECLAIM_END when it finished the collection); "
      "its marking steps inside allocation are not events (max_op_ms shows them); "
      "GC_PAUSE_TIME_TARGET=%s\n",
      target != nullptr && target[0] != '\0' ? target : "unset (libgc default: no time limit)");
  std::printf(
      "# max_op_ms: the longest churn operation as the mutator saw it (pauses, waits for a "
      "cycle, lazy sweeping, page faults); pauses, gcs, waits (for a concurrent cycle): "
      "median counts per run\n");
  bool boehm_incremental = false;
  for (const Row& row : rows) boehm_incremental |= row.config.name == "boehm-incremental";
  if (boehm_incremental) {
    long map_count = 0;
    if (FILE* f = std::fopen("/proc/sys/vm/max_map_count", "r")) {
      if (std::fscanf(f, "%ld", &map_count) != 1) map_count = 0;
      std::fclose(f);
    }
    std::printf(
        "# boehm incremental protects heap pages with mprotect: past vm.max_map_count "
        "mappings (here %ld) libgc aborts with \"un-mprotect vdb failed\" (bdwgc issue "
        "#426); with the default 65530 this workload hits it at 1 GiB\n",
        map_count);
  }
  std::printf("%8s %-9s %-11s %12s %12s %15s %12s %7s %5s %5s %9s %12s %7s %7s\n",
              "heap_mib", "collector", "mode", "max_pause_ms", "p99_pause_ms",
              "median_pause_ms", "mutator_mops", "pauses", "gcs", "waits", "max_op_ms",
              "peak_rss_mib", "build_s", "churn_s");
  for (const Row& row : rows) {
    std::printf("%8d %-9s %-11s ", row.heap_mib, row.config.collector.c_str(),
                row.config.mode.c_str());
    if (row.runs_ok == 0) {
      std::printf("FAILED: all %zu runs (see above)\n", row.runs_failed);
      continue;
    }
    std::printf("%12.3f %12.3f %15.3f %12.3f %7.0f %5.0f %5.0f %9.3f %12.1f %7.2f %7.2f",
                row.max_ms, row.p99_ms, row.median_ms, row.mops, row.pauses, row.collections,
                row.waits, row.max_op_ms, row.rss_mib, row.build_s, row.churn_s);
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

void WriteCsv(const std::vector<Row>& rows, const std::string& file) {
  const std::string path = ResolvePath(file);
  FILE* csv = std::fopen(path.c_str(), "w");
  if (csv == nullptr) Fail("cannot write " + path + ": " + std::strerror(errno));
  std::fprintf(csv,
               "heap_mib,collector,mode,max_pause_ms,p99_pause_ms,median_pause_ms,mutator_mops\n");
  for (const Row& row : rows) {
    if (row.runs_ok == 0) continue;
    std::fprintf(csv, "%d,%s,%s,%.4f,%.4f,%.4f,%.4f\n", row.heap_mib,
                 row.config.collector.c_str(), row.config.mode.c_str(), row.max_ms, row.p99_ms,
                 row.median_ms, row.mops);
  }
  if (std::fclose(csv) != 0) Fail("cannot write " + path);
  std::fprintf(stderr, "wrote %s\n", path.c_str());
}

int RunParent(const Options& options) {
  std::map<std::pair<int, std::string>, std::vector<Sample>> samples;
  const size_t total = options.runs * options.sizes.size() * options.configs.size();
  size_t done = 0;
  std::vector<std::string> failures;
  for (int run = 1; run <= options.runs; ++run) {
    for (int size : options.sizes) {
      for (const Config& config : options.configs) {
        std::fprintf(stderr, "[%zu/%zu] %d MiB %s run %d/%d ... ", ++done, total, size,
                     config.name.c_str(), run, options.runs);
        const Sample s = RunOnce(size, config, options);
        samples[{size, config.name}].push_back(s);
        if (!s.failure.empty()) {
          std::fprintf(stderr, "FAILED: %s\n", s.failure.c_str());
          failures.push_back(std::to_string(size) + " MiB " + config.name + " run " +
                             std::to_string(run) + ": " + s.failure);
          continue;
        }
        std::fprintf(stderr,
                     "build %.2f s, churn %.2f s (%.2f Mops), %llu pauses (max %.3f ms, "
                     "p99 %.3f, median %.3f), %llu waits, longest op %.3f ms, %.0f MiB\n",
                     s.build_s, s.churn_s, s.mops(), s.pauses, s.max_ms, s.p99_ms,
                     s.median_ms, s.waits, s.max_op_ms, s.rss_mib);
      }
    }
  }
  std::vector<Row> rows;
  for (int size : options.sizes) {
    for (const Config& config : options.configs) {
      rows.push_back(Summarise(size, config, samples[{size, config.name}]));
    }
  }
  PrintTable(rows, options);
  if (!options.csv.empty()) WriteCsv(rows, options.csv);
  for (const std::string& failure : failures) {
    std::fprintf(stderr, "pauses: FAILED %s\n", failure.c_str());
  }
  return failures.empty() ? 0 : 1;
}

// ---- command line --------------------------------------------------------------------------

constexpr const char* kUsage =
    "usage: pauses [--csv FILE] [--runs N (3)] [--quick] [--sizes MiB,... (256,1024,4096)]\n"
    "              [--configs pinion-concurrent,pinion-stw,boehm-stw,boehm-incremental]\n"
    "              [--churn F (2; allocation in the churn phase / live heap)] [--seed N]\n"
    "              [--timeout S (900; per run)]";

}  // namespace
}  // namespace pinion::bench

int main(int argc, char** argv) {
  using namespace pinion::bench;
  Options options;
  bool runs_given = false, churn_given = false, sizes_given = false;
  int child_size = 0;
  std::string child_config;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--csv") {
      options.csv = value();
    } else if (arg == "--runs") {
      options.runs = std::max(1, std::atoi(value().c_str()));
      runs_given = true;
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--churn") {
      options.churn = std::atof(value().c_str());
      if (!(options.churn > 0)) Fail("--churn must be positive");
      churn_given = true;
    } else if (arg == "--timeout") {
      options.timeout_s = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--seed") {
      options.seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--sizes") {
      options.sizes.clear();
      for (const std::string& part : SplitList("pauses", value())) {
        const int mib = std::atoi(part.c_str());
        if (mib <= 0) Fail("bad size " + part);
        options.sizes.push_back(mib);
      }
      sizes_given = true;
    } else if (arg == "--configs") {
      options.configs.clear();
      for (const std::string& part : SplitList("pauses", value())) {
        auto it = std::find_if(kConfigs.begin(), kConfigs.end(),
                               [&](const Config& c) { return c.name == part; });
        if (it == kConfigs.end()) Fail("unknown configuration " + part);
        options.configs.push_back(*it);
      }
    } else if (arg == "--child") {
      child_size = std::atoi(value().c_str());
      child_config = value();
    } else if (arg == "--help" || arg == "-h") {
      std::puts(kUsage);
      return 0;
    } else {
      Fail("unknown argument " + arg + "\n" + kUsage);
    }
  }
  if (!child_config.empty()) return RunChild(child_size, child_config, options);
  if (options.quick) {
    if (!runs_given) options.runs = 1;
    if (!churn_given) options.churn = kQuickChurn;
    if (!sizes_given) options.sizes = {256};
  }
  return RunParent(options);
}
