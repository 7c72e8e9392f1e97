// The pin benchmark: what one pin+unpin pair costs, against the reference counts it replaces.
//
//   bazel run -c opt //benchmarks:pins -- [--csv FILE] [--runs 5] [--threads 1,2]
//       [--objects 1000000] [--pairs 20000000] [--quick]
//
// Cases (per thread, timed from a common start until the slowest thread is done):
//   sequential  each thread walks its own --objects objects in allocation order, pinning and
//               unpinning each in turn;
//   random      the same objects walked in a random order (one fixed shuffle of the pointer
//               array, the same for every impl): each pair's object is a cache miss;
//   hot         every thread pins and unpins the same one object.
// Impls, each doing the same loop body — acquire(o); read o's value; release(o):
//   pinion      Py_INCREF / Py_DECREF from C (pins_py.c: compat/Python.h's immortality
//               test, then pinning/pin_c.h's fast path) on objects of a static extension
//               type — what extension code pays: pins_py.c is built as an extension module
//               (a position-independent shared object, benchmarks/BUILD) and dlopen'ed, so
//               its thread-local accesses are those of a real module;
//   nonatomic   ++o->refcnt / --o->refcnt (what CPython with a GIL pays), as a relaxed load
//               and store: the same instructions, without the undefined behaviour of a data
//               race when threads share the object (they then lose updates, which is why
//               such counts need a lock; the shared rows with threads > 1 are a floor);
//   atomic      o->refcnt.fetch_add(1) / fetch_sub(1) (the free-threaded option);
//   shared_ptr  a std::shared_ptr copy, then its destruction.
// A compiler barrier sits between acquire and the read, so no impl's count update can be
// folded away. The read is in every loop because a caller pins an object to use it.
//
// ns_per_pair is the slowest thread's time divided by the pairs each thread did, so it stays
// flat as threads are added exactly when throughput scales linearly. Each row is the median
// of --runs runs; runs interleave the impls so machine noise spreads evenly. The table adds
// each row's ratio to nonatomic and atomic of the same case and threads; the CSV has the
// header `case,impl,threads,ns_per_pair`. Every loop checks its own result (the sum read and
// the counts restored, PinCount back to zero) and the driver exits non-zero on a mismatch.
//
// No collection runs during a timed loop (the heap's first collection is set far off): this
// measures the pin operations. Their interaction with collections — logs counted at pauses —
// is covered by the tests, and its pause cost by //benchmarks:pauses.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <dlfcn.h>
#include <unistd.h>

#include "benchmarks/pins_py.h"
#include "gc/heap.h"
#include "pinning/pin.h"

namespace pinion::bench {
namespace {

constexpr int kHotObjects = 1;
const std::vector<std::string> kImpls = {"pinion", "nonatomic", "atomic", "shared_ptr"};
const std::vector<std::string> kCases = {"sequential", "random", "hot"};

// The order a thread walks its objects in: as allocated, or one fixed shuffle.
template <class T>
std::vector<T> InOrder(std::vector<T> objects, bool random) {
  if (random) std::shuffle(objects.begin(), objects.end(), std::mt19937_64(20261205));
  return objects;
}

struct Options {
  std::string csv;
  int runs = 5;
  std::vector<int> threads;
  size_t objects = 1'000'000;
  uint64_t pairs = 20'000'000;  // per thread, per run
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "pins: %s\n", message.c_str());
  std::exit(2);
}

inline void CompilerBarrier() { asm volatile("" ::: "memory"); }

// The objects: a 16-byte CPython-like header (count, then a value) for the counted impls; the
// same value in a Pinion object, whose pin count lives outside it.
struct PlainObject {
  std::atomic<intptr_t> refcnt;  // only ever loaded and stored, relaxed: a plain count
  intptr_t value;
};
struct AtomicObject {
  std::atomic<intptr_t> refcnt;
  intptr_t value;
};

// One thread's timed loop over `objects` (its own, or the shared hot ones): `pairs` times
// acquire, read, release. Returns the sum of the values read, for the self-check.
template <class Acquire, class Release, class Ptr>
intptr_t Loop(const std::vector<Ptr>& objects, uint64_t pairs, Acquire acquire,
              Release release) {
  intptr_t sum = 0;
  const size_t n = objects.size();
  size_t i = 0;
  for (uint64_t p = 0; p < pairs; ++p) {
    const Ptr& o = objects[i];
    acquire(o);
    CompilerBarrier();
    sum += o->value;
    release(o);
    if (++i == n) i = 0;
  }
  return sum;
}

// The sum Loop must return when object k holds value k + 1 (k < n) and it does `pairs` pairs
// in InOrder's order (a shuffle permutes the same way whatever the element type).
intptr_t ExpectedSum(size_t n, uint64_t pairs, bool random) {
  std::vector<intptr_t> values(n);
  for (size_t k = 0; k < n; ++k) values[k] = static_cast<intptr_t>(k + 1);
  values = InOrder(std::move(values), random);
  const uint64_t full = pairs / n, rest = pairs % n;
  intptr_t sum = static_cast<intptr_t>(full) * static_cast<intptr_t>(n * (n + 1) / 2);
  for (uint64_t k = 0; k < rest; ++k) sum += values[k];
  return sum;
}

// Runs `threads` workers: each calls setup(t) untimed, waits for the common start, runs
// work(t, state) timed, then check(t, state) untimed. Returns the slowest worker's seconds.
template <class Setup, class Work, class Verify>
double TimeThreads(int threads, Setup setup, Work work, Verify check) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<double> seconds(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto state = setup(t);
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const auto start = std::chrono::steady_clock::now();
      work(t, state);
      seconds[t] =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ready.fetch_sub(1);  // keep `state` (and a Pinion thread's attachment) until all end
      while (ready.load() != 0) std::this_thread::yield();
      check(t, state);
    });
  }
  while (ready.load() != threads) std::this_thread::yield();
  go.store(true, std::memory_order_release);
  for (std::thread& w : workers) w.join();
  return *std::max_element(seconds.begin(), seconds.end());
}

void Check(bool ok, const std::string& what) {
  if (!ok) Fail("self-check failed: " + what);
}

// ---- the impls -----------------------------------------------------------------------------

template <class Object>
std::vector<Object*> NewCounted(size_t n) {
  std::vector<Object*> objects(n);
  for (size_t k = 0; k < n; ++k) objects[k] = new Object{1, static_cast<intptr_t>(k + 1)};
  return objects;
}
// `exact`: false where threads raced on plain counts (lost updates are expected).
template <class Object>
void CheckAndDelete(const std::vector<Object*>& objects, const std::string& impl, bool exact) {
  for (Object* o : objects) {
    Check(!exact || o->refcnt.load() == 1, impl + ": a count was not restored");
    delete o;
  }
}

double RunCounted(const std::string& impl, bool shared, bool random, int threads,
                  const Options& options) {
  const size_t n = shared ? kHotObjects : options.objects;
  const uint64_t pairs = options.pairs;
  std::vector<intptr_t> sums(threads);
  auto run = [&](auto tag) {
    using Object = std::remove_pointer_t<decltype(tag)>;
    std::vector<Object*> hot = shared ? NewCounted<Object>(n) : std::vector<Object*>();
    const double seconds = TimeThreads(
        threads,
        [&](int) {
          std::vector<Object*> objects = shared ? hot : NewCounted<Object>(n);
          return std::make_pair(objects, InOrder(objects, random));
        },
        [&](int t, std::pair<std::vector<Object*>, std::vector<Object*>>& state) {
          const std::vector<Object*>& walk = state.second;
          if constexpr (std::is_same_v<Object, PlainObject>) {
            constexpr auto kRelaxed = std::memory_order_relaxed;
            sums[t] = Loop(
                walk, pairs,
                [](PlainObject* o) { o->refcnt.store(o->refcnt.load(kRelaxed) + 1, kRelaxed); },
                [](PlainObject* o) { o->refcnt.store(o->refcnt.load(kRelaxed) - 1, kRelaxed); });
          } else {
            // Relaxed increments (as std::shared_ptr does); the decrement that may free must
            // be acq_rel in a real refcount.
            sums[t] = Loop(
                walk, pairs,
                [](AtomicObject* o) { o->refcnt.fetch_add(1, std::memory_order_relaxed); },
                [](AtomicObject* o) { o->refcnt.fetch_sub(1, std::memory_order_acq_rel); });
          }
        },
        [&](int, std::pair<std::vector<Object*>, std::vector<Object*>>& state) {
          if (!shared) CheckAndDelete(state.first, impl, /*exact=*/true);
        });
    if (shared) {
      CheckAndDelete(hot, impl, /*exact=*/threads == 1 || !std::is_same_v<Object, PlainObject>);
    }
    return seconds;
  };
  const double seconds =
      impl == "nonatomic" ? run(static_cast<PlainObject*>(nullptr)) : run(static_cast<AtomicObject*>(nullptr));
  for (intptr_t sum : sums) Check(sum == ExpectedSum(n, pairs, random), impl + ": wrong sum");
  return seconds;
}

double RunSharedPtr(bool shared, bool random, int threads, const Options& options) {
  const size_t n = shared ? kHotObjects : options.objects;
  const uint64_t pairs = options.pairs;
  using Ptr = std::shared_ptr<PlainObject>;
  auto make = [n] {
    std::vector<Ptr> objects(n);
    for (size_t k = 0; k < n; ++k) {
      objects[k] = std::make_shared<PlainObject>(0, static_cast<intptr_t>(k + 1));
    }
    return objects;
  };
  const std::vector<Ptr> hot = shared ? make() : std::vector<Ptr>();
  std::vector<intptr_t> sums(threads);
  const double seconds = TimeThreads(
      threads, [&](int) { return InOrder(shared ? hot : make(), random); },
      [&](int t, std::vector<Ptr>& objects) {
        intptr_t sum = 0;
        const size_t count = objects.size();
        size_t i = 0;
        for (uint64_t p = 0; p < pairs; ++p) {
          const Ptr copy = objects[i];  // the acquire; its destructor is the release
          CompilerBarrier();
          sum += copy->value;
          if (++i == count) i = 0;
        }
        sums[t] = sum;
      },
      [](int, std::vector<Ptr>&) {});
  for (intptr_t sum : sums) {
    Check(sum == ExpectedSum(n, pairs, random), "shared_ptr: wrong sum");
  }
  for (const Ptr& p : hot) Check(p.use_count() == 1, "shared_ptr: a count was not restored");
  return seconds;
}

// pins_py.c's functions, from the extension module next to this binary.
struct PinsPy {
  decltype(&pins_py_new) make;
  decltype(&pins_py_value) value;
  decltype(&pins_py_loop) loop;
};
const PinsPy& LoadPinsPy() {
  static const PinsPy functions = [] {
    char self[4096];
    const ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (length <= 0) Fail("cannot find this program's path");
    std::string path(self, length);
    path = path.substr(0, path.rfind('/') + 1) + "pins_py.pinion-311.so";
    void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) Fail(std::string("cannot load the extension module: ") + dlerror());
    PinsPy f;
    f.make = reinterpret_cast<decltype(f.make)>(dlsym(module, "pins_py_new"));
    f.value = reinterpret_cast<decltype(f.value)>(dlsym(module, "pins_py_value"));
    f.loop = reinterpret_cast<decltype(f.loop)>(dlsym(module, "pins_py_loop"));
    if (f.make == nullptr || f.value == nullptr || f.loop == nullptr) {
      Fail("the extension module lacks a pins_py_ function");
    }
    return f;
  }();
  return functions;
}

// Objects come from the compat layer as new references (pinned once), and stay pinned so:
// the loop's pairs come on top, and the counts are back at one when it ends.
double RunPinion(bool shared, bool random, int threads, const Options& options) {
  const size_t n = shared ? kHotObjects : options.objects;
  const uint64_t pairs = options.pairs;
  HeapConfig config;
  config.min_heap_bytes = size_t{1} << 40;  // no collection during the timed loops
  Heap heap(config);
  const PinsPy& py = LoadPinsPy();
  const auto make = [&py](size_t count) {
    std::vector<PyObject*> objects;
    for (size_t k = 0; k < count; ++k) {
      objects.push_back(py.make(static_cast<intptr_t>(k + 1)));
      if (objects.back() == nullptr) Fail("pinion: allocation failed");
    }
    return objects;
  };
  std::vector<PyObject*> hot;
  if (shared) {
    ThreadScope scope(heap);
    hot = make(n);  // their pins are counted when this thread detaches
  }
  struct Worker {
    std::unique_ptr<ThreadScope> scope;
    std::vector<PyObject*> objects;  // in allocation order
    std::vector<PyObject*> walk;
  };
  std::vector<intptr_t> sums(threads);
  const double seconds = TimeThreads(
      threads,
      [&](int) {
        Worker w;
        w.scope = std::make_unique<ThreadScope>(heap);
        w.objects = shared ? hot : make(n);
        w.walk = InOrder(w.objects, random);
        return w;
      },
      [&](int t, Worker& w) { sums[t] = py.loop(w.walk.data(), n, pairs); },
      [&](int, Worker& w) {
        const size_t step = std::max<size_t>(1, w.objects.size() / 64);
        for (size_t k = 0; k < w.objects.size(); k += step) {
          Check(PinCount(w.objects[k]) == 1, "pinion: a pin count is off");
          Check(py.value(w.objects[k]) == static_cast<intptr_t>(k + 1),
                "pinion: an object changed");
        }
        if (!shared) {
          for (PyObject* o : w.objects) Py_DECREF(o);
        }
        w.scope.reset();
      });
  for (intptr_t sum : sums) Check(sum == ExpectedSum(n, pairs, random), "pinion: wrong sum");
  if (shared) {
    ThreadScope scope(heap);
    for (PyObject* o : hot) Py_DECREF(o);
  }
  return seconds;
}

double RunOnce(const std::string& impl, const std::string& case_name, int threads,
               const Options& options) {
  const bool shared = case_name == "hot";
  const bool random = case_name == "random";
  const double seconds = impl == "pinion"       ? RunPinion(shared, random, threads, options)
                         : impl == "shared_ptr" ? RunSharedPtr(shared, random, threads, options)
                         : RunCounted(impl, shared, random, threads, options);
  return seconds * 1e9 / static_cast<double>(options.pairs);
}

// ---- the driver ----------------------------------------------------------------------------

std::vector<int> ParseInts(const std::string& list) {
  std::vector<int> values;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 1 || v > 1024) Fail("bad thread count: " + item);
    values.push_back(static_cast<int>(v));
  }
  return values;
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  const unsigned cores = std::thread::hardware_concurrency();
  options.threads = {1, 2};
  if (cores > 2) options.threads.push_back(static_cast<int>(cores));
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--csv") {
      options.csv = value();
    } else if (arg == "--runs") {
      options.runs = std::atoi(value().c_str());
      if (options.runs < 1) Fail("--runs must be at least 1");
    } else if (arg == "--threads") {
      options.threads = ParseInts(value());
    } else if (arg == "--objects") {
      options.objects = std::strtoull(value().c_str(), nullptr, 10);
      if (options.objects < kHotObjects) Fail("--objects must be at least 4");
    } else if (arg == "--pairs") {
      options.pairs = std::strtoull(value().c_str(), nullptr, 10);
      if (options.pairs < 1) Fail("--pairs must be at least 1");
    } else if (arg == "--quick") {
      options.runs = 1;
      options.objects = 100'000;
      options.pairs = 1'000'000;
    } else {
      Fail("unknown argument " + arg +
           " (usage: pins [--csv FILE] [--runs N] [--threads 1,2] [--objects N] [--pairs N] "
           "[--quick])");
    }
  }
  return options;
}

int Main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  using Key = std::tuple<std::string, int, std::string>;  // case, threads, impl
  std::map<Key, std::vector<double>> samples;
  const size_t total = options.runs * kCases.size() * options.threads.size() * kImpls.size();
  size_t done = 0;
  for (int run = 0; run < options.runs; ++run) {
    for (const std::string& case_name : kCases) {
      for (int threads : options.threads) {
        for (const std::string& impl : kImpls) {
          const double ns = RunOnce(impl, case_name, threads, options);
          samples[{case_name, threads, impl}].push_back(ns);
          std::fprintf(stderr, "\rpins: run %d/%d, %zu/%zu measurements", run + 1, options.runs,
                       ++done, total);
        }
      }
    }
  }
  std::fprintf(stderr, "\n");

  std::map<Key, double> median;
  for (auto& [key, values] : samples) {
    std::sort(values.begin(), values.end());
    median[key] = values[values.size() / 2];
  }
  std::FILE* csv = nullptr;
  if (!options.csv.empty()) {
    csv = std::fopen(options.csv.c_str(), "w");
    if (csv == nullptr) Fail("cannot write " + options.csv);
    std::fprintf(csv, "case,impl,threads,ns_per_pair\n");
  }
  std::printf("%-10s %-11s %7s %11s %12s %9s\n", "case", "impl", "threads", "ns_per_pair",
              "vs_nonatomic", "vs_atomic");
  for (const std::string& case_name : kCases) {
    for (int threads : options.threads) {
      const double nonatomic = median[{case_name, threads, "nonatomic"}];
      const double atomic = median[{case_name, threads, "atomic"}];
      for (const std::string& impl : kImpls) {
        const double ns = median[{case_name, threads, impl}];
        std::printf("%-10s %-11s %7d %11.2f %11.2fx %8.2fx\n", case_name.c_str(), impl.c_str(),
                    threads, ns, ns / nonatomic, ns / atomic);
        if (csv != nullptr) {
          std::fprintf(csv, "%s,%s,%d,%.3f\n", case_name.c_str(), impl.c_str(), threads, ns);
        }
      }
    }
  }
  std::printf("(median of %d runs; %zu objects per thread, %d shared; %llu pairs per "
              "thread per run)\n",
              options.runs, options.objects, kHotObjects,
              static_cast<unsigned long long>(options.pairs));
  if (csv != nullptr) std::fclose(csv);
  return 0;
}

}  // namespace
}  // namespace pinion::bench

int main(int argc, char** argv) { return pinion::bench::Main(argc, argv); }
