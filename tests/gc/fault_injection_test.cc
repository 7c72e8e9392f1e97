// Tests of fault injection itself (gc/fault_injection.h): compiled in unless NDEBUG is set;
// Random(seed, 1, max) stalls at every point reached and Stalls() counts each stall;
// Disable() and one_in 0 stop it; a hook sees each point on the thread that reached it
// (kAttach/kDetach as a ThreadScope comes and goes, kBeforePark/kAfterPark when a thread
// polls during another thread's collection) and may hold that thread there. In -c opt builds
// the same calls do nothing: Available() is false, no stall is counted and no hook runs.
//
// Every test starts from fault::Disable(), so a PINION_FAULTS in the environment changes
// nothing here, and ends with it (FaultsOff), so a failed check leaves no mode behind.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gc/fault_injection.h"
#include "gc/heap.h"
#include "roots/handles.h"
#include "tests/gc/test_support.h"

namespace {

namespace fault = pinion::fault;
using fault::Point;

#ifdef NDEBUG
constexpr bool kCompiledIn = false;
#else
constexpr bool kCompiledIn = true;
#endif

// What the hook saw, in order: each point and the thread that reached it.
struct Sighting {
  Point point;
  std::thread::id thread;
};
std::mutex g_seen_mu;
std::vector<Sighting> g_seen;  // guarded by g_seen_mu

void RecordingHook(Point point) {
  std::lock_guard<std::mutex> lock(g_seen_mu);
  g_seen.push_back({point, std::this_thread::get_id()});
}

std::vector<Sighting> TakeSeen() {
  std::lock_guard<std::mutex> lock(g_seen_mu);
  return std::exchange(g_seen, {});
}

size_t CountOf(const std::vector<Sighting>& seen, Point point, std::thread::id thread) {
  size_t n = 0;
  for (const Sighting& s : seen) n += s.point == point && s.thread == thread;
  return n;
}

// Starts from nothing, and leaves nothing behind, whatever the test did.
struct FaultsOff {
  FaultsOff() {
    fault::Disable();
    TakeSeen();
  }
  ~FaultsOff() {
    fault::Disable();
    TakeSeen();
  }
};

pinion::HeapConfig Config() {
  pinion::HeapConfig config = pinion::test_support::NoAutoCollect();
  config.from_environment = false;
  return config;
}

// Attaches and detaches the calling thread `n` times.
void AttachDetach(pinion::Heap& heap, int n) {
  for (int i = 0; i < n; ++i) pinion::ThreadScope scope(heap);
}

}  // namespace

// Failures name the point.
namespace doctest {
template <>
struct StringMaker<pinion::fault::Point> {
  static String convert(pinion::fault::Point point) { return pinion::fault::PointName(point); }
};
}  // namespace doctest

TEST_CASE("fault points are compiled in exactly when NDEBUG is unset") {
  CHECK(fault::Available() == kCompiledIn);
  CHECK(std::string(fault::PointName(Point::kAfterPark)) == "after park");
}

TEST_CASE("Random(seed, 1, max) stalls at every point reached; Disable() stops it") {
  FaultsOff off;
  pinion::Heap heap(Config());
  const std::thread::id self = std::this_thread::get_id();
  fault::SetHook(&RecordingHook);  // counts the points reached, to compare with Stalls()
  fault::Random(/*seed=*/42, /*one_in=*/1, /*max_delay_us=*/100);
  const uint64_t before = fault::Stalls();
  AttachDetach(heap, 10);
  const uint64_t stalls = fault::Stalls() - before;
  const std::vector<Sighting> seen = TakeSeen();
  if (kCompiledIn) {
    CHECK(CountOf(seen, Point::kAttach, self) == 10);
    CHECK(CountOf(seen, Point::kDetach, self) == 10);
    CHECK(stalls == seen.size());  // one stall per point reached, whatever the points were
  } else {
    CHECK(stalls == 0);
    CHECK(seen.empty());
  }

  fault::Disable();
  const uint64_t after_disable = fault::Stalls();
  AttachDetach(heap, 10);
  CHECK(fault::Stalls() == after_disable);
  CHECK(TakeSeen().empty());  // the hook went too
}

TEST_CASE("one_in 0 turns random mode off; a hook alone still sees every point") {
  FaultsOff off;
  pinion::Heap heap(Config());
  fault::Random(/*seed=*/7, /*one_in=*/1, /*max_delay_us=*/0);
  fault::Random(/*seed=*/7, /*one_in=*/0, /*max_delay_us=*/0);
  fault::SetHook(&RecordingHook);
  const uint64_t before = fault::Stalls();
  AttachDetach(heap, 3);
  CHECK(fault::Stalls() == before);
  const std::vector<Sighting> seen = TakeSeen();
  CHECK(CountOf(seen, Point::kAttach, std::this_thread::get_id()) == (kCompiledIn ? 3 : 0));

  fault::SetHook(nullptr);
  AttachDetach(heap, 3);
  CHECK(TakeSeen().empty());
}

TEST_CASE("a hook sees kAttach and kDetach on the thread whose ThreadScope comes and goes") {
  FaultsOff off;
  pinion::Heap heap(Config());
  fault::SetHook(&RecordingHook);
  std::thread::id other;
  std::thread thread([&] {
    other = std::this_thread::get_id();
    pinion::ThreadScope scope(heap);
  });
  thread.join();
  const std::vector<Sighting> seen = TakeSeen();
  const size_t expected = kCompiledIn ? 1 : 0;
  CHECK(CountOf(seen, Point::kAttach, other) == expected);
  CHECK(CountOf(seen, Point::kDetach, other) == expected);
  CHECK(CountOf(seen, Point::kAttach, std::this_thread::get_id()) == 0);
  if (kCompiledIn) {
    REQUIRE(seen.size() >= 2);
    CHECK(seen.front().point == Point::kAttach);  // attach first, detach after
    CHECK(seen.back().point == Point::kDetach);
  }
}

namespace {

// A mutator that polls Safepoint() until told to stop, attached for its whole life.
class Poller {
 public:
  explicit Poller(pinion::Heap& heap)
      : thread_([this, &heap] {
          pinion::ThreadScope scope(heap);
          id_ = std::this_thread::get_id();
          ready_.store(true);
          while (!stop_.load(std::memory_order_relaxed)) pinion::Safepoint();
        }) {
    while (!ready_.load()) std::this_thread::yield();
  }
  ~Poller() {
    stop_.store(true);
    thread_.join();
  }
  std::thread::id id() const { return id_; }  // after construction

 private:
  std::atomic<bool> ready_{false}, stop_{false};
  std::thread::id id_;
  std::thread thread_;
};

// Holds the thread that reaches kAfterPark until `g_release` is set.
std::atomic<bool> g_held{false}, g_release{false};
void HoldAfterPark(Point point) {
  if (point != Point::kAfterPark) return;
  g_held.store(true);
  while (!g_release.load()) std::this_thread::yield();
}

}  // namespace

TEST_CASE("a hook sees kBeforePark then kAfterPark when a thread polls during a collection") {
  FaultsOff off;
  pinion::Heap heap(Config());  // stop-the-world: the collection parks every running thread
  std::thread::id poller_id;
  {
    Poller poller(heap);
    poller_id = poller.id();
    fault::SetHook(&RecordingHook);
    heap.Collect();  // from this unattached thread
  }  // the poller has left its park (Collect may return before it does), stopped, detached
  fault::SetHook(nullptr);
  const std::vector<Sighting> seen = TakeSeen();
  CHECK(heap.stats().collections == 1);
  const size_t expected = kCompiledIn ? 1 : 0;
  CHECK(CountOf(seen, Point::kBeforePark, poller_id) == expected);
  CHECK(CountOf(seen, Point::kAfterPark, poller_id) == expected);
  CHECK(CountOf(seen, Point::kDetach, poller_id) == expected);
  CHECK(CountOf(seen, Point::kBeforePark, std::this_thread::get_id()) == 0);
  if (kCompiledIn) {
    std::vector<Point> park_points;  // the poller's, in order
    for (const Sighting& s : seen) {
      const bool park = s.point == Point::kBeforePark || s.point == Point::kAfterPark;
      if (s.thread == poller_id && park) park_points.push_back(s.point);
    }
    CHECK(park_points == std::vector<Point>{Point::kBeforePark, Point::kAfterPark});
    CHECK(seen.back().point == Point::kDetach);
  }
}

TEST_CASE("a hook can hold a thread at kAfterPark while the collection that parked it ends") {
  if (!kCompiledIn) {
    CHECK_FALSE(fault::Available());
    return;  // nothing to hold: the point is compiled out
  }
  FaultsOff off;
  pinion::Heap heap(Config());
  g_held.store(false);
  g_release.store(false);
  {
    Poller poller(heap);
    fault::SetHook(&HoldAfterPark);
    heap.Collect();  // returns with the poller resumed but held in the hook (no lock held)
    CHECK(heap.stats().collections == 1);
    while (!g_held.load()) std::this_thread::yield();  // it did reach the point
    fault::SetHook(nullptr);
    g_release.store(true);
  }  // the poller runs on and stops
  heap.Collect();
  CHECK(heap.stats().collections == 2);
}
