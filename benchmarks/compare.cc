// The comparison: GCBench and binary-trees on Pinion, Boehm GC (as shipped and tuned) and
// malloc/free. Prints a table (median wall time of N runs, peak RSS, collections, max pause)
// and writes a CSV:
//
//   bazel run -c opt //benchmarks:compare -- --csv FILE [--runs 5] [--depth 18]
//       [--quick] [--only gcbench|binary-trees] [--collectors pinion,boehm,...]
//
// Every run is a child process (this binary re-executed with --child), so peak RSS is the
// run's own (wait4's ru_maxrss) and each collector is set up once in a fresh process. Runs
// are interleaved — run 1 of every pair, then run 2 — so machine noise spreads evenly.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/adapters.h"
#include "benchmarks/binary_trees.h"
#include "benchmarks/gcbench.h"

namespace pinion::bench {
namespace {

struct Options {
  std::string csv;
  int runs = 5;
  int depth = 18;
  bool quick = false;
  std::vector<std::string> benchmarks = {"gcbench", "binary-trees"};
  std::vector<std::string> collectors = {"pinion", "boehm", "boehm-tuned", "malloc"};
};

struct Sample {
  double seconds = 0;
  double rss_mib = 0;
  uint64_t collections = 0;
  double max_pause_ms = 0;
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "compare: %s\n", message.c_str());
  std::exit(2);
}

std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> parts;
  std::stringstream in(list);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  return parts;
}

// ---- child: one run of one benchmark on one collector ----

template <class GC>
int RunChild(const std::string& benchmark, const Options& options) {
  typename GC::Runtime runtime;
  const auto start = std::chrono::steady_clock::now();
  bool ok;
  if (benchmark == "gcbench") {
    GCBenchParams params;
    if (options.quick) params = {12, 10, 5000, 4, 10};
    ok = GCBench<GC>::Run(params);
  } else {
    ok = BinaryTrees<GC>::Run(options.quick ? 10 : options.depth);
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const CollectorStats stats = GC::Stats();
  std::printf("RESULT ok=%d seconds=%.6f collections=%llu max_pause_ms=%.4f\n", ok ? 1 : 0,
              elapsed.count(), static_cast<unsigned long long>(stats.collections),
              stats.max_pause_ms);
  return ok ? 0 : 1;
}

int RunChild(const std::string& benchmark, const std::string& collector,
             const Options& options) {
  if (collector == "pinion") return RunChild<PinionAdapter>(benchmark, options);
  if (collector == "boehm") return RunChild<BoehmAdapter<false>>(benchmark, options);
  if (collector == "boehm-tuned") return RunChild<BoehmAdapter<true>>(benchmark, options);
  if (collector == "malloc") return RunChild<MallocAdapter>(benchmark, options);
  Fail("unknown collector " + collector);
}

// ---- parent ----

Sample RunOnce(const std::string& benchmark, const std::string& collector,
               const Options& options) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) Fail("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) Fail("fork failed");
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    const std::string depth = std::to_string(options.depth);
    std::vector<const char*> args = {"compare", "--child", benchmark.c_str(), collector.c_str(),
                                     "--depth", depth.c_str()};
    if (options.quick) args.push_back("--quick");
    args.push_back(nullptr);
    execv("/proc/self/exe", const_cast<char* const*>(args.data()));
    _exit(127);
  }
  close(pipe_fds[1]);
  std::string output;
  char buffer[512];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) output.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  Sample sample;
  int ok = 0;
  unsigned long long collections = 0;
  const char* line = std::strstr(output.c_str(), "RESULT ");
  if (line == nullptr ||
      std::sscanf(line, "RESULT ok=%d seconds=%lf collections=%llu max_pause_ms=%lf", &ok,
                  &sample.seconds, &collections, &sample.max_pause_ms) != 4 ||
      !ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Fail(benchmark + " on " + collector + " failed (status " + std::to_string(status) +
         "): " + output);
  }
  sample.collections = collections;
  sample.rss_mib = usage.ru_maxrss / 1024.0;  // KiB
  return sample;
}

template <class F>
double Median(std::vector<Sample> samples, F field) {
  std::vector<double> values;
  for (const Sample& s : samples) values.push_back(field(s));
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Row {
  std::string benchmark, collector;
  double median_s, rss_mib, collections, max_pause_ms;
};

std::string ResolvePath(const std::string& path) {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");  // set by `bazel run`
  if (path.empty() || path[0] == '/' || dir == nullptr) return path;
  return std::string(dir) + "/" + path;
}

int RunParent(const Options& options) {
  std::map<std::pair<std::string, std::string>, std::vector<Sample>> samples;
  const int total = options.runs * static_cast<int>(options.benchmarks.size() *
                                                    options.collectors.size());
  int done = 0;
  for (int run = 1; run <= options.runs; ++run) {
    for (const std::string& benchmark : options.benchmarks) {
      for (const std::string& collector : options.collectors) {
        std::fprintf(stderr, "[%d/%d] %s %s run %d/%d ... ", ++done, total, benchmark.c_str(),
                     collector.c_str(), run, options.runs);
        const Sample s = RunOnce(benchmark, collector, options);
        std::fprintf(stderr, "%.3f s, %.1f MiB\n", s.seconds, s.rss_mib);
        samples[{benchmark, collector}].push_back(s);
      }
    }
  }

  std::vector<Row> rows;
  for (const std::string& benchmark : options.benchmarks) {
    for (const std::string& collector : options.collectors) {
      const std::vector<Sample>& s = samples[{benchmark, collector}];
      double max_pause = 0;
      for (const Sample& x : s) max_pause = std::max(max_pause, x.max_pause_ms);
      rows.push_back({benchmark, collector, Median(s, [](const Sample& x) { return x.seconds; }),
                      Median(s, [](const Sample& x) { return x.rss_mib; }),
                      Median(s, [](const Sample& x) { return double(x.collections); }),
                      max_pause});
    }
  }

  // Ratios against the same run's baselines: the faster and the leaner Boehm configuration.
  std::printf("%-13s %-12s %7s %10s %12s %11s %12s %14s %13s\n", "benchmark", "collector",
              "threads", "median_s", "peak_rss_mib", "collections", "max_pause_ms",
              "time/best_gc", "rss/lean_gc");
  for (const Row& row : rows) {
    double best_time = 0, lean_rss = 0;
    for (const Row& other : rows) {
      if (other.benchmark != row.benchmark || other.collector.rfind("boehm", 0) != 0) continue;
      best_time = best_time == 0 ? other.median_s : std::min(best_time, other.median_s);
      lean_rss = lean_rss == 0 ? other.rss_mib : std::min(lean_rss, other.rss_mib);
    }
    std::printf("%-13s %-12s %7d %10.3f %12.1f %11.0f %12.2f", row.benchmark.c_str(),
                row.collector.c_str(), 1, row.median_s, row.rss_mib, row.collections,
                row.max_pause_ms);
    if (best_time > 0) {
      std::printf(" %14.2f %13.2f\n", row.median_s / best_time, row.rss_mib / lean_rss);
    } else {
      std::printf(" %14s %13s\n", "-", "-");
    }
  }

  if (!options.csv.empty()) {
    const std::string path = ResolvePath(options.csv);
    std::ofstream csv(path);
    if (!csv) Fail("cannot write " + path);
    csv << "benchmark,collector,threads,median_s,peak_rss_mib,collections,max_pause_ms\n";
    char line[256];
    for (const Row& row : rows) {
      std::snprintf(line, sizeof line, "%s,%s,1,%.4f,%.1f,%.0f,%.3f\n", row.benchmark.c_str(),
                    row.collector.c_str(), row.median_s, row.rss_mib, row.collections,
                    row.max_pause_ms);
      csv << line;
    }
    std::fprintf(stderr, "wrote %s\n", path.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace pinion::bench

int main(int argc, char** argv) {
  using namespace pinion::bench;
  Options options;
  std::string child_benchmark, child_collector;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--csv") options.csv = value();
    else if (arg == "--runs") options.runs = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--depth") options.depth = std::atoi(value().c_str());
    else if (arg == "--quick") options.quick = true;
    else if (arg == "--only") options.benchmarks = Split(value());
    else if (arg == "--collectors") options.collectors = Split(value());
    else if (arg == "--child") {
      child_benchmark = value();
      child_collector = value();
    } else {
      Fail("unknown argument " + arg +
           " (usage: --csv FILE --runs N --depth N --quick --only B --collectors A,B)");
    }
  }
  if (options.quick && options.runs == 5) options.runs = 1;
  for (const std::string& b : options.benchmarks) {
    if (b != "gcbench" && b != "binary-trees") Fail("unknown benchmark " + b);
  }
  if (!child_benchmark.empty()) return RunChild(child_benchmark, child_collector, options);
  return RunParent(options);
}
