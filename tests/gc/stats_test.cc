// Tests of collection statistics (gc/internal/stats.h) and of the per-collection trace line
// (HeapConfig::trace, PINION_TRACE).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "gc/heap.h"
#include "gc/internal/stats.h"
#include "roots/handles.h"

namespace {

using pinion::Heap;
using pinion::HeapConfig;
using pinion::HeapStats;
using pinion::ThreadScope;
using pinion::internal::StatsRecorder;

const pinion::TypeId kBytes = pinion::RegisterType({"Bytes", 0, nullptr, nullptr});

uint64_t HistogramSum(const HeapStats& s) {
  return std::accumulate(s.pause_histogram.begin(), s.pause_histogram.end(), uint64_t{0});
}

// Redirects file descriptor 2 to a temporary file until Finish().
class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()) {
    REQUIRE(file_ != nullptr);
    std::fflush(stderr);
    saved_ = dup(2);
    REQUIRE(saved_ >= 0);
    REQUIRE(dup2(fileno(file_), 2) >= 0);
  }
  ~StderrCapture() {
    if (file_ != nullptr) Finish();
  }
  std::string Finish() {
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    std::rewind(file_);
    std::string text;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) text.append(buffer, n);
    std::fclose(file_);
    file_ = nullptr;
    return text;
  }

 private:
  std::FILE* file_;
  int saved_ = -1;
};

std::vector<std::string> LinesStartingWith(const std::string& text, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

// Sets an environment variable for the scope (before any heap of the test is created).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

}  // namespace

// ---- StatsRecorder --------------------------------------------------------------------------

TEST_CASE("StatsRecorder: counters, totals, max, last and the log2 pause histogram") {
  StatsRecorder recorder;
  HeapStats s = recorder.Snapshot(0, 0);
  CHECK(s.collections == 0);
  CHECK(s.p99_pause_ms == 0);
  CHECK(HistogramSum(s) == 0);

  // pause (ms) -> bucket: [0] < 1 us, [i] in [2^(i-1), 2^i) us, the last one open-ended.
  recorder.RecordPause(0.0005);  // 0.5 us -> 0
  recorder.RecordCycle(0.0001, 1.0, 0.5, 100);
  recorder.RecordPause(0.001);  // 1 us   -> 1
  recorder.RecordCycle(0.0005, 2.0, 0, 200);
  recorder.RecordPause(0.003);  // 3 us   -> 2
  recorder.RecordCycle(0.002, 3.0, 0, 300);
  recorder.RecordPause(1.0);  // 1000 us -> 10
  recorder.RecordCycle(0.5, 4.0, 0.25, 400);
  recorder.RecordPause(1.0e6);  // 1000 s -> clamped to the last bucket
  recorder.RecordCycle(10.0, 5.0, 0, 500);
  s = recorder.Snapshot(12345, 67890);
  CHECK(s.collections == 5);
  CHECK(s.live_bytes == 500);  // the last collection's
  CHECK(s.heap_bytes == 12345);
  CHECK(s.bytes_allocated == 67890);
  CHECK(s.last_pause_ms == doctest::Approx(1.0e6));
  CHECK(s.max_pause_ms == doctest::Approx(1.0e6));
  CHECK(s.total_pause_ms == doctest::Approx(0.0005 + 0.001 + 0.003 + 1.0 + 1.0e6));
  CHECK(s.mark_ms == doctest::Approx(0.0001 + 0.0005 + 0.002 + 0.5 + 10.0));
  CHECK(s.sweep_ms == doctest::Approx(15.0));
  CHECK(s.weak_clear_ms == doctest::Approx(0.75));
  CHECK(s.pause_histogram[0] == 1);
  CHECK(s.pause_histogram[1] == 1);
  CHECK(s.pause_histogram[2] == 1);
  CHECK(s.pause_histogram[10] == 1);
  CHECK(s.pause_histogram[s.pause_histogram.size() - 1] == 1);
  CHECK(HistogramSum(s) == s.pauses);
  CHECK(s.pauses == 5);
}

TEST_CASE("StatsRecorder: p99 is the 99th percentile of every pause; peak heap is a running max") {
  StatsRecorder recorder;
  for (int i = 100; i >= 1; --i) recorder.RecordPause(i);  // 1..100 ms, any order
  HeapStats s = recorder.Snapshot(0, 0);
  CHECK(s.p99_pause_ms == doctest::Approx(99.0));
  CHECK(s.median_pause_ms == doctest::Approx(51.0));  // the 51st smallest of 100
  CHECK(s.max_pause_ms == doctest::Approx(100.0));
  recorder.RecordPause(1000);
  recorder.RecordCycle(0, 0, 0, 0);
  recorder.RecordPause(1000);
  recorder.RecordCycle(0, 0, 0, 0);
  s = recorder.Snapshot(0, 0);  // 102 pauses: the 99th percentile is the 101st smallest
  CHECK(s.p99_pause_ms == doctest::Approx(1000.0));

  StatsRecorder one;
  one.RecordPause(7.0);
  CHECK(one.Snapshot(0, 0).p99_pause_ms == doctest::Approx(7.0));

  StatsRecorder peaks;
  peaks.NoteHeapBytes(100);
  peaks.NoteHeapBytes(50);
  CHECK(peaks.Snapshot(10, 0).peak_heap_bytes == 100);
  CHECK(peaks.Snapshot(10, 0).heap_bytes == 10);
  CHECK(peaks.Snapshot(500, 0).peak_heap_bytes == 500);  // the current size counts too
}

// ---- Heap statistics ------------------------------------------------------------------------

TEST_CASE("heap stats: a fresh heap reports zeros") {
  Heap heap;
  const HeapStats s = heap.stats();
  CHECK(s.collections == 0);
  CHECK(s.bytes_allocated == 0);
  CHECK(s.live_bytes == 0);
  CHECK(s.heap_bytes == 0);
  CHECK(s.max_pause_ms == 0);
  CHECK(HistogramSum(s) == 0);
}

TEST_CASE("heap stats: collections, bytes_allocated, live_bytes and consistent pause fields") {
  HeapConfig config;
  config.min_heap_bytes = 1 << 20;
  config.marker_threads = 1;
  Heap heap(config);
  ThreadScope thread(heap);
  pinion::HandleScope scope;
  uint64_t last_allocated = 0;
  uint64_t requested = 0;
  for (int round = 1; round <= 6; ++round) {
    for (int i = 0; i < 8000; ++i, requested += 256) pinion::Allocate(kBytes, 256);  // 2 MiB
    pinion::Handle<char> keep(static_cast<char*>(pinion::Allocate(kBytes, 1024)));
    requested += 1024;
    heap.Collect();
    const HeapStats s = heap.stats();
    INFO("round " << round);
    CHECK(s.collections >= static_cast<uint64_t>(round));
    CHECK(s.bytes_allocated > last_allocated);  // grows with allocation
    CHECK(s.bytes_allocated >= requested);      // handed out covers what was asked for
    last_allocated = s.bytes_allocated;
    CHECK(s.live_bytes == static_cast<uint64_t>(round) * 1024);  // the kept 1 KiB objects
    CHECK(s.heap_bytes > 0);
    CHECK(s.peak_heap_bytes >= s.heap_bytes);
    CHECK(s.max_pause_ms >= s.p99_pause_ms);
    CHECK(s.p99_pause_ms >= 0);
    CHECK(s.max_pause_ms >= s.last_pause_ms);
    CHECK(s.total_pause_ms >= s.max_pause_ms);
    CHECK(s.mark_ms <= s.total_pause_ms + 1e-9);  // marking happens inside the pauses
    CHECK(s.sweep_ms >= 0);
    CHECK(HistogramSum(s) == s.pauses);
    CHECK(s.pauses == s.collections);  // stop-the-world: one pause per cycle
  }
  CHECK(heap.stats().collections > 6);  // automatic ones as well as the explicit six
}

// ---- Trace ----------------------------------------------------------------------------------

TEST_CASE("HeapConfig::trace prints one line per collection to stderr, naming its reason") {
  StderrCapture capture;
  {
    HeapConfig config;
    config.trace = true;
    config.min_heap_bytes = 1 << 20;
    Heap heap(config);
    ThreadScope thread(heap);
    heap.Collect();
    heap.Collect();
    for (int i = 0; i < 3000; ++i) pinion::Allocate(kBytes, 1024);  // ~3 MiB: automatic ones
    heap.Collect();
    const uint64_t collections = heap.stats().collections;
    const std::string text = capture.Finish();
    const std::vector<std::string> lines = LinesStartingWith(text, "pinion: gc ");
    CHECK(lines.size() == collections);
    REQUIRE(lines.size() >= 4);
    CHECK(lines[0].rfind("pinion: gc 1 (explicit): pause ", 0) == 0);
    CHECK(lines[1].rfind("pinion: gc 2 (explicit)", 0) == 0);
    CHECK(lines[2].find("(allocation)") != std::string::npos);
    CHECK(lines.back().find("(explicit)") != std::string::npos);
    for (const std::string& line : lines) {
      CHECK(line.find("live ") != std::string::npos);
      CHECK(line.find("heap ") != std::string::npos);
    }
  }
}

TEST_CASE("PINION_TRACE=1 turns tracing on; PINION_TRACE=0 and the default leave it off") {
  SUBCASE("PINION_TRACE=1") {
    ScopedEnv env("PINION_TRACE", "1");
    StderrCapture capture;
    {
      Heap heap;
      heap.Collect();
      heap.Collect();
      heap.Collect();
    }
    CHECK(LinesStartingWith(capture.Finish(), "pinion: gc ").size() == 3);
  }
  SUBCASE("PINION_TRACE=0") {
    ScopedEnv env("PINION_TRACE", "0");
    StderrCapture capture;
    {
      Heap heap;
      heap.Collect();
    }
    CHECK(LinesStartingWith(capture.Finish(), "pinion: gc ").empty());
  }
  SUBCASE("unset") {
    ScopedEnv env("PINION_TRACE", "");
    unsetenv("PINION_TRACE");
    StderrCapture capture;
    {
      Heap heap;
      heap.Collect();
    }
    CHECK(LinesStartingWith(capture.Finish(), "pinion: gc ").empty());
  }
}
