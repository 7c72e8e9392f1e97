// The command line of the pause benchmarks that measure a heap of each size a few times
// (compat_pauses, weak_pauses): --csv FILE, --runs N, --sizes N,N, --quick, plus options of
// their own, and the median they report; and SplitList, for lists of names (latency, pauses).
#ifndef PINION_BENCHMARKS_SIZE_RUNS_OPTIONS_H_
#define PINION_BENCHMARKS_SIZE_RUNS_OPTIONS_H_

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace pinion::bench {

struct SizeRunsOptions {
  std::string csv;
  int runs = 5;
  std::vector<long> sizes = {100'000, 1'000'000};
};

[[noreturn]] inline void FailWith(const char* program, const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", program, message.c_str());
  std::exit(2);
}

// The comma-separated items of `list` (at least one).
inline std::vector<std::string> SplitList(const char* program, const std::string& list) {
  std::vector<std::string> parts;
  std::stringstream in(list);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  if (parts.empty()) FailWith(program, "empty list");
  return parts;
}

// Parses argv. `extra(arg, value)` handles the program's own options (value() takes the
// next argument) and returns false for an unknown one; `usage` lists them all.
inline SizeRunsOptions ParseSizeRuns(
    int argc, char** argv, const char* program, const std::string& usage,
    const std::function<bool(const std::string& arg, const std::function<std::string()>& value)>&
        extra = nullptr) {
  SizeRunsOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::function<std::string()> value = [&]() -> std::string {
      if (i + 1 >= argc) FailWith(program, arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--csv") {
      options.csv = value();
    } else if (arg == "--runs") {
      options.runs = std::atoi(value().c_str());
      if (options.runs < 1) FailWith(program, "--runs must be at least 1");
    } else if (arg == "--sizes") {
      options.sizes.clear();
      std::stringstream list(value());
      for (std::string item; std::getline(list, item, ',');) {
        options.sizes.push_back(std::atol(item.c_str()));
        if (options.sizes.back() < 1) FailWith(program, "--sizes must be positive");
      }
    } else if (arg == "--quick") {
      options.runs = 1;
      options.sizes = {10'000};
    } else if (!extra || !extra(arg, value)) {
      FailWith(program, "unknown argument " + arg + " (usage: " + usage + ")");
    }
  }
  return options;
}

inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_SIZE_RUNS_OPTIONS_H_
