#include "gc/fault_injection.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace pinion::fault {

const char* PointName(Point point) {
  switch (point) {
    case Point::kBeforePark: return "before park";
    case Point::kAfterPark: return "after park";
    case Point::kAfterLeaveNative: return "after leaving a native region";
    case Point::kBeforeClaim: return "before claiming a handshake";
    case Point::kBeforeFlush: return "before a barrier-buffer flush";
    case Point::kHoldingPinLog: return "holding a pin log";
    case Point::kMarkRound: return "between marking rounds";
    case Point::kBeforeSweep: return "before the sweep";
    case Point::kWeakClearing: return "before weak clearing";
    case Point::kAttach: return "attach";
    case Point::kDetach: return "detach";
    case Point::kHelperWake: return "marker helper waking";
    case Point::kCount: break;
  }
  return "?";
}

#ifdef NDEBUG

bool Available() { return false; }
void Random(uint64_t, uint32_t, uint32_t) {}
void SetHook(Hook) {}
void Disable() {}
uint64_t Stalls() { return 0; }
namespace internal {
void Reached(Point) {}
bool Active() { return false; }
}  // namespace internal

#else

namespace {

// The mode. Every field is relaxed: a thread that reads a stale mode stalls or does not at
// one point, which only shifts where a test's stalls land; `generation` makes each thread
// reseed its generator after Random() is called again.
std::atomic<bool> g_active{false};
std::atomic<Hook> g_hook{nullptr};
std::atomic<uint64_t> g_seed{0};
std::atomic<uint32_t> g_one_in{0};
std::atomic<uint32_t> g_max_delay_us{0};
std::atomic<uint64_t> g_generation{0};
std::atomic<uint64_t> g_threads{0};  // threads seeded so far in this generation
std::atomic<uint64_t> g_stalls{0};

void UpdateActive() {
  g_active.store(g_one_in.load(std::memory_order_relaxed) != 0 ||
                     g_hook.load(std::memory_order_relaxed) != nullptr,
                 std::memory_order_relaxed);
}

// PINION_FAULTS=seed[,one_in[,max_delay_us]], read once.
void ReadEnvironment() {
  const char* text = std::getenv("PINION_FAULTS");
  if (text == nullptr || text[0] == '\0') return;
  unsigned long long seed = 0;
  unsigned one_in = 64, max_delay_us = 2000;
  if (std::sscanf(text, "%llu,%u,%u", &seed, &one_in, &max_delay_us) < 1) {
    std::fprintf(stderr, "pinion: PINION_FAULTS=%s: expected seed[,one_in[,max_us]]\n", text);
    return;
  }
  Random(seed, one_in, max_delay_us);
}

struct EnvironmentReader {
  EnvironmentReader() { ReadEnvironment(); }
};
const EnvironmentReader g_environment_reader;

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

struct ThreadRng {
  uint64_t generation = ~uint64_t{0};
  uint64_t state = 0;
};
thread_local ThreadRng t_rng;

}  // namespace

bool Available() { return true; }

void Random(uint64_t seed, uint32_t one_in, uint32_t max_delay_us) {
  g_seed.store(seed, std::memory_order_relaxed);
  g_max_delay_us.store(max_delay_us, std::memory_order_relaxed);
  g_threads.store(0, std::memory_order_relaxed);
  g_generation.fetch_add(1, std::memory_order_relaxed);
  g_one_in.store(one_in, std::memory_order_relaxed);
  UpdateActive();
}

void SetHook(Hook hook) {
  g_hook.store(hook, std::memory_order_relaxed);
  UpdateActive();
}

void Disable() {
  g_one_in.store(0, std::memory_order_relaxed);
  g_hook.store(nullptr, std::memory_order_relaxed);
  UpdateActive();
}

uint64_t Stalls() { return g_stalls.load(std::memory_order_relaxed); }

namespace internal {

bool Active() { return g_active.load(std::memory_order_relaxed); }

void Reached(Point point) {
  if (Hook hook = g_hook.load(std::memory_order_relaxed)) hook(point);
  const uint32_t one_in = g_one_in.load(std::memory_order_relaxed);
  if (one_in == 0) return;
  const uint64_t generation = g_generation.load(std::memory_order_relaxed);
  if (t_rng.generation != generation) {
    t_rng.generation = generation;
    t_rng.state = g_seed.load(std::memory_order_relaxed) ^
                  (g_threads.fetch_add(1, std::memory_order_relaxed) * 0x2545f4914f6cdd1dull);
  }
  const uint64_t draw = SplitMix(t_rng.state);
  if (draw % one_in != 0) return;
  g_stalls.fetch_add(1, std::memory_order_relaxed);
  const uint32_t max_delay_us = g_max_delay_us.load(std::memory_order_relaxed);
  if ((draw >> 32) % 2 == 0 || max_delay_us == 0) {
    std::this_thread::yield();
  } else {
    std::this_thread::sleep_for(std::chrono::microseconds((draw >> 33) % max_delay_us + 1));
  }
}

}  // namespace internal

#endif  // NDEBUG

}  // namespace pinion::fault
