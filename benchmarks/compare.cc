// The comparison driver: GCBench and binary-trees on Pinion (stop-the-world, and concurrent
// as "pinion-concurrent"), Boehm GC (as shipped and tuned) and malloc/free. Prints a table
// (median wall time of N runs, peak RSS, collections, the worst run's max pause and the
// median of the runs' max pauses, and ratios against the best Boehm configuration of the same
// run) and writes a CSV:
//
//   bazel run -c opt //benchmarks:compare -- [--csv FILE] [--runs 5] [--depth 18]
//       [--quick] [--only gcbench|binary-trees] [--collectors pinion,boehm,...]
//       [--threads 1,2] [--timeout 300]
//
// binary-trees runs once per thread count (--threads, default 1 and 2): with N threads, each
// runs the whole benchmark on its own trees, N times the work, all attached to the one heap
// (Boehm: registered threads, its thread support), so a row's time against the 1-thread row
// gives the speed-up, printed below the table: N x t(1) / t(N).
//
// pinion-concurrent is the Pinion adapter with HeapConfig::mode = kConcurrent and nothing
// else changed: its time against pinion's is the throughput cost of concurrent marking on
// these workloads (its max pause is the longer of each cycle's two pauses). pinion-gen is
// the adapter with HeapConfig::generational (stop-the-world, minor and full collections).
//
// Every run is a child process (this binary re-executed with --child), so each collector is
// set up once in a fresh process and peak RSS is the run's own (wait4's ru_maxrss). The child
// times only the workload and reports one line on stdout:
//
//   RESULT ok=1 seconds=0.412 collections=31 max_pause_ms=2.5
//
// Runs are interleaved (run 1 of every benchmark and collector, then run 2, ...) so machine
// noise spreads evenly over the rows. Progress goes to stderr. A child that reports nothing
// within --timeout seconds (300) is killed and the run fails, as for any failed child.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "benchmarks/adapters.h"
#include "benchmarks/binary_trees.h"
#include "benchmarks/child_process.h"
#include "benchmarks/gcbench.h"

namespace pinion::bench {
namespace {

const std::vector<std::string> kBenchmarks = {"gcbench", "binary-trees"};
const std::vector<std::string> kCollectors = {"pinion", "pinion-concurrent", "pinion-gen", "boehm",
                                              "boehm-tuned", "malloc"};

// --quick: every collector still collects, in well under a second for all rows.
constexpr GCBenchParams kQuickGCBench = {14, 12, 50000, 4, 12};
constexpr int kQuickDepth = 14;

struct Options {
  std::string csv;
  int runs = 5;
  int depth = 18;  // binary-trees' max depth
  // binary-trees' rows: one per thread count, each thread running the whole benchmark on
  // its own trees (GCBench runs on one thread). The child's --threads.
  std::vector<int> threads = {1, 2};
  bool quick = false;
  int timeout_s = 300;  // per run
  std::vector<std::string> benchmarks = kBenchmarks;
  std::vector<std::string> collectors = kCollectors;
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "compare: %s\n", message.c_str());
  std::exit(2);
}

// ---- child: one run of one benchmark on one collector --------------------------------------

template <class GC>
int RunChild(const std::string& benchmark, const Options& options) {
  typename GC::Runtime runtime;
  const int threads = options.threads.front();
  const int depth = options.quick ? kQuickDepth : options.depth;
  const auto start = std::chrono::steady_clock::now();
  bool ok = true;
  if (benchmark == "gcbench") {
    ok = GCBench<GC>::Run(options.quick ? kQuickGCBench : GCBenchParams());
  } else if (threads == 1) {
    ok = BinaryTrees<GC>::Run(depth);
  } else {
    // Each thread builds its own trees, the whole benchmark: `threads` times the work.
    std::vector<char> thread_ok(threads, 0);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&thread_ok, t, depth] {
        typename GC::ThreadAttach attach;
        thread_ok[t] = BinaryTrees<GC>::Run(depth);
      });
    }
    {
      typename GC::Idle idle;
      for (std::thread& worker : workers) worker.join();
    }
    for (char t_ok : thread_ok) ok &= t_ok != 0;
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const Stats stats = GC::stats();
  std::printf("RESULT ok=%d seconds=%.6f collections=%llu max_pause_ms=%.4f\n", ok ? 1 : 0,
              elapsed.count(), static_cast<unsigned long long>(stats.collections),
              stats.max_pause_ms);
  return ok ? 0 : 1;
}

int RunChild(const std::string& benchmark, const std::string& collector,
             const Options& options) {
  if (std::find(kBenchmarks.begin(), kBenchmarks.end(), benchmark) == kBenchmarks.end()) {
    Fail("unknown benchmark " + benchmark);
  }
  if (collector == "pinion") return RunChild<PinionAdapter>(benchmark, options);
  if (collector == "pinion-concurrent") {
    return RunChild<PinionConcurrentAdapter>(benchmark, options);
  }
  if (collector == "pinion-gen") return RunChild<PinionGenerationalAdapter>(benchmark, options);
  if (collector == "boehm") return RunChild<BoehmAdapter<false>>(benchmark, options);
  if (collector == "boehm-tuned") return RunChild<BoehmAdapter<true>>(benchmark, options);
  if (collector == "malloc") return RunChild<MallocAdapter>(benchmark, options);
  Fail("unknown collector " + collector);
}

// ---- parent: runs the children, aggregates, reports ----------------------------------------

struct Sample {
  double seconds = 0;
  double rss_mib = 0;
  uint64_t collections = 0;
  double max_pause_ms = 0;
};

Sample RunOnce(const std::string& benchmark, const std::string& collector, int threads,
               const Options& options) {
  std::vector<std::string> args = {"compare", "--child", benchmark, collector,
                                   "--depth", std::to_string(options.depth),
                                   "--threads", std::to_string(threads)};
  if (options.quick) args.push_back("--quick");
  const ChildRun run = RunChildProcess(args, options.timeout_s, /*merge_stderr=*/false);
  const std::string what = benchmark + " on " + collector + " (" + std::to_string(threads) +
                           " thread" + (threads == 1 ? "" : "s") + ")";
  if (run.timed_out) {
    Fail(what + " failed: no result after " +
         std::to_string(options.timeout_s) + " s (killed: a hang?)");
  }
  Sample sample;
  int ok = 0;
  unsigned long long collections = 0;
  const char* line = std::strstr(run.output.c_str(), "RESULT ");
  if (line == nullptr ||
      std::sscanf(line, "RESULT ok=%d seconds=%lf collections=%llu max_pause_ms=%lf", &ok,
                  &sample.seconds, &collections, &sample.max_pause_ms) != 4 ||
      !ok || !run.succeeded()) {
    Fail(what + " failed (" + run.how_it_ended() + ")" +
         (run.output.empty() ? "" : ": " + run.output));
  }
  sample.collections = collections;
  sample.rss_mib = run.rss_mib;
  return sample;
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
  std::string benchmark, collector;
  int threads;
  double median_s, rss_mib, collections, max_pause_ms, median_max_pause_ms;
};

// Per (benchmark, collector): medians over the runs; max_pause_ms is the worst run's,
// median_max_pause_ms the median of the runs' longest pauses (a single run's outlier does not
// move it).
Row Summarise(const std::string& benchmark, const std::string& collector, int threads,
              const std::vector<Sample>& samples) {
  double max_pause = 0;
  for (const Sample& s : samples) max_pause = std::max(max_pause, s.max_pause_ms);
  return {benchmark,
          collector,
          threads,
          Median(samples, [](const Sample& s) { return s.seconds; }),
          Median(samples, [](const Sample& s) { return s.rss_mib; }),
          Median(samples, [](const Sample& s) { return double(s.collections); }),
          max_pause,
          Median(samples, [](const Sample& s) { return s.max_pause_ms; })};
}

// The table: each row's time against the faster Boehm configuration of the same benchmark
// and its RSS against the leaner one ("-" when no Boehm row was run).
void PrintTable(const std::vector<Row>& rows, const Options& options) {
  std::printf("# median of %d run%s (max_pause_ms: worst run; med_pause_ms: the median of the "
              "runs' longest pauses); %u hardware threads\n",
              options.runs, options.runs == 1 ? "" : "s", std::thread::hardware_concurrency());
  std::printf("%-13s %-17s %7s %9s %12s %11s %12s %12s %14s %13s\n", "benchmark", "collector",
              "threads", "median_s", "peak_rss_mib", "collections", "max_pause_ms",
              "med_pause_ms", "time_vs_boehm", "rss_vs_boehm");
  for (const Row& row : rows) {
    double best_s = 0, lean_rss = 0;
    for (const Row& other : rows) {
      if (other.benchmark != row.benchmark || other.threads != row.threads ||
          other.collector.rfind("boehm", 0) != 0) {
        continue;
      }
      best_s = best_s == 0 ? other.median_s : std::min(best_s, other.median_s);
      lean_rss = lean_rss == 0 ? other.rss_mib : std::min(lean_rss, other.rss_mib);
    }
    std::printf("%-13s %-17s %7d %9.3f %12.1f %11.0f %12.2f %12.2f", row.benchmark.c_str(),
                row.collector.c_str(), row.threads, row.median_s, row.rss_mib, row.collections,
                row.max_pause_ms, row.median_max_pause_ms);
    if (best_s > 0) {
      std::printf(" %13.2fx %12.2fx\n", row.median_s / best_s, row.rss_mib / lean_rss);
    } else {
      std::printf(" %14s %13s\n", "-", "-");
    }
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
               "benchmark,collector,threads,median_s,peak_rss_mib,collections,max_pause_ms,"
               "median_max_pause_ms\n");
  for (const Row& row : rows) {
    std::fprintf(csv, "%s,%s,%d,%.4f,%.1f,%.0f,%.3f,%.3f\n", row.benchmark.c_str(),
                 row.collector.c_str(), row.threads, row.median_s, row.rss_mib, row.collections,
                 row.max_pause_ms, row.median_max_pause_ms);
  }
  if (std::fclose(csv) != 0) Fail("cannot write " + path);
  std::fprintf(stderr, "wrote %s\n", path.c_str());
}

// The thread counts a benchmark runs with: binary-trees every one asked for, GCBench one.
std::vector<int> ThreadCounts(const std::string& benchmark, const Options& options) {
  return benchmark == "binary-trees" ? options.threads : std::vector<int>{1};
}

// binary-trees with several threads does that many times the work: the speed-up from one
// thread is threads x t(1) / t(threads), per collector.
void PrintSpeedups(const std::vector<Row>& rows) {
  bool header = false;
  for (const Row& row : rows) {
    if (row.threads == 1) continue;
    for (const Row& one : rows) {
      if (one.benchmark != row.benchmark || one.collector != row.collector || one.threads != 1) {
        continue;
      }
      if (!header) {
        std::printf("# speed-up from 1 thread: threads x time(1 thread) / time(threads)\n");
        header = true;
      }
      std::printf("%-13s %-17s %7d %8.2fx\n", row.benchmark.c_str(), row.collector.c_str(),
                  row.threads, row.threads * one.median_s / row.median_s);
    }
  }
}

int RunParent(const Options& options) {
  using Key = std::tuple<std::string, std::string, int>;
  std::map<Key, std::vector<Sample>> samples;
  size_t total = 0;
  for (const std::string& benchmark : options.benchmarks) {
    total += options.runs * options.collectors.size() * ThreadCounts(benchmark, options).size();
  }
  size_t done = 0;
  for (int run = 1; run <= options.runs; ++run) {
    for (const std::string& benchmark : options.benchmarks) {
      for (const int threads : ThreadCounts(benchmark, options)) {
        for (const std::string& collector : options.collectors) {
          std::fprintf(stderr, "[%zu/%zu] %s %s, %d thread%s, run %d/%d ... ", ++done, total,
                       benchmark.c_str(), collector.c_str(), threads, threads == 1 ? "" : "s",
                       run, options.runs);
          const Sample s = RunOnce(benchmark, collector, threads, options);
          std::fprintf(stderr, "%.3f s, %.1f MiB\n", s.seconds, s.rss_mib);
          samples[{benchmark, collector, threads}].push_back(s);
        }
      }
    }
  }
  std::vector<Row> rows;
  for (const std::string& benchmark : options.benchmarks) {
    for (const int threads : ThreadCounts(benchmark, options)) {
      for (const std::string& collector : options.collectors) {
        rows.push_back(
            Summarise(benchmark, collector, threads, samples[{benchmark, collector, threads}]));
      }
    }
  }
  PrintTable(rows, options);
  PrintSpeedups(rows);
  if (!options.csv.empty()) WriteCsv(rows, options.csv);
  return 0;
}

// ---- command line --------------------------------------------------------------------------

constexpr const char* kUsage =
    "usage: compare [--csv FILE] [--runs N (5)] [--depth N (18; binary-trees)] [--quick]\n"
    "               [--timeout S (300; per run)]\n"
    "               [--only gcbench|binary-trees] [--threads 1,2 (binary-trees)]\n"
    "               [--collectors pinion,pinion-concurrent,pinion-gen,boehm,boehm-tuned,malloc]";

std::vector<std::string> SplitChecked(const std::string& list,
                                      const std::vector<std::string>& known) {
  std::vector<std::string> parts;
  std::stringstream in(list);
  for (std::string part; std::getline(in, part, ',');) {
    if (std::find(known.begin(), known.end(), part) == known.end()) Fail("unknown name " + part);
    parts.push_back(part);
  }
  if (parts.empty()) Fail("empty list");
  return parts;
}

}  // namespace
}  // namespace pinion::bench

int main(int argc, char** argv) {
  using namespace pinion::bench;
  Options options;
  bool runs_given = false;
  std::string child_benchmark, child_collector;
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
    } else if (arg == "--depth") {
      options.depth = std::atoi(value().c_str());
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--timeout") {
      options.timeout_s = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--only") {
      options.benchmarks = SplitChecked(value(), kBenchmarks);
    } else if (arg == "--threads") {
      options.threads.clear();
      std::stringstream in(value());
      for (std::string part; std::getline(in, part, ',');) {
        const int n = std::atoi(part.c_str());
        if (n < 1 || n > 64) Fail("--threads: expected counts from 1 to 64, got " + part);
        options.threads.push_back(n);
      }
      if (options.threads.empty()) Fail("--threads: empty list");
    } else if (arg == "--collectors") {
      options.collectors = SplitChecked(value(), kCollectors);
    } else if (arg == "--child") {
      child_benchmark = value();
      child_collector = value();
    } else if (arg == "--help" || arg == "-h") {
      std::puts(kUsage);
      return 0;
    } else {
      Fail("unknown argument " + arg + "\n" + kUsage);
    }
  }
  if (options.quick && !runs_given) options.runs = 1;
  if (!child_benchmark.empty()) return RunChild(child_benchmark, child_collector, options);
  return RunParent(options);
}
