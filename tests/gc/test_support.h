// Helpers shared by Pinion's unit tests: misuse handlers installed for a scope, a check that
// a call reports a given misuse, a recording handler for paths that must not throw
// (noexcept functions, thread-exit destructors, marker threads), and a heap configuration
// that collects only when asked.
#ifndef PINION_TESTS_GC_TEST_SUPPORT_H_
#define PINION_TESTS_GC_TEST_SUPPORT_H_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <optional>
#include <vector>

#include <doctest/doctest.h>

#include "gc/errors.h"
#include "gc/heap.h"

namespace pinion::test_support {

// A heap that collects only on Heap::Collect (its first automatic trigger is 1 TiB away).
inline HeapConfig NoAutoCollect() {
  HeapConfig config;
  config.min_heap_bytes = size_t{1} << 40;
  return config;
}

// Installs `handler` (by default ThrowingMisuseHandler) for the scope; restores the previous
// handler on exit.
class ScopedMisuseHandler {
 public:
  explicit ScopedMisuseHandler(MisuseHandler handler = &ThrowingMisuseHandler)
      : previous_(SetMisuseHandler(handler)) {}
  ~ScopedMisuseHandler() { SetMisuseHandler(previous_); }
  ScopedMisuseHandler(const ScopedMisuseHandler&) = delete;
  ScopedMisuseHandler& operator=(const ScopedMisuseHandler&) = delete;

 private:
  MisuseHandler previous_;
};

// The kind `f` reported through a throwing handler, or nullopt if it reported nothing.
// Requires ThrowingMisuseHandler to be installed.
template <class F>
std::optional<Misuse> MisuseOf(F&& f) {
  try {
    f();
  } catch (const MisuseError& e) {
    return e.kind();
  }
  return std::nullopt;
}

// Keeps `object` reachable for LeakSanitizer until the process exits: for what a misuse test
// leaks by design (e.g. the state of a thread that exited attached). The list itself is never
// destroyed, so it is still scanned when the leak check runs after static destructors.
inline void KeepReachable(void* object) {
  static std::mutex mu;
  static auto* objects = new std::vector<void*>;
  std::lock_guard<std::mutex> lock(mu);
  objects->push_back(object);
}

// Aborts the process with a message naming `what` unless destroyed within `seconds`: turns a
// deadlock into a failure that says what hung, instead of a test timeout.
class Deadline {
 public:
  Deadline(const char* what, int seconds) : thread_([this, what, seconds] {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(seconds), [&] { return done_; })) {
      std::fprintf(stderr, "deadline passed (%d s): %s\n", seconds, what);
      std::abort();
    }
  }) {}
  ~Deadline() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

// A handler that records every report and returns. Process-wide, thread-safe.
class MisuseLog {
 public:
  static void Handler(Misuse kind, const char* /*message*/) {
    std::lock_guard<std::mutex> lock(mu());
    kinds().push_back(kind);
  }
  static void Clear() {
    std::lock_guard<std::mutex> lock(mu());
    kinds().clear();
  }
  static std::vector<Misuse> Kinds() {
    std::lock_guard<std::mutex> lock(mu());
    return kinds();
  }
  static size_t Count(Misuse kind) {
    std::lock_guard<std::mutex> lock(mu());
    return static_cast<size_t>(std::count(kinds().begin(), kinds().end(), kind));
  }
  static size_t Size() {
    std::lock_guard<std::mutex> lock(mu());
    return kinds().size();
  }

 private:
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  static std::vector<Misuse>& kinds() {
    static std::vector<Misuse> k;
    return k;
  }
};

// Installs MisuseLog::Handler for the scope, starting from an empty log.
class ScopedMisuseLog {
 public:
  ScopedMisuseLog() : handler_(&MisuseLog::Handler) { MisuseLog::Clear(); }
  ~ScopedMisuseLog() { MisuseLog::Clear(); }

 private:
  ScopedMisuseHandler handler_;
};

}  // namespace pinion::test_support

// Readable failure messages for misuse kinds.
namespace doctest {
template <>
struct StringMaker<pinion::Misuse> {
  static String convert(pinion::Misuse kind) { return pinion::MisuseName(kind); }
};
template <>
struct StringMaker<std::optional<pinion::Misuse>> {
  static String convert(const std::optional<pinion::Misuse>& kind) {
    return kind ? String(pinion::MisuseName(*kind)) : String("no misuse");
  }
};
}  // namespace doctest

#endif  // PINION_TESTS_GC_TEST_SUPPORT_H_
