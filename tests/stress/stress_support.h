// What the stress scenarios share: self-checking object layouts (a checksum over every
// immutable byte), ledgers of finalizer runs and of weak-root callbacks, a phase barrier
// that waits inside a native region, and a watchdog that turns a hang into a report naming
// who is stuck where.
#ifndef PINION_TESTS_STRESS_STRESS_SUPPORT_H_
#define PINION_TESTS_STRESS_STRESS_SUPPORT_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gc/heap.h"
#include "gc/member.h"
#include "gc/visitor.h"
#include "gc/weak_member.h"
#include "roots/native_region.h"

namespace pinion::stress {

constexpr size_t kMiB = size_t{1} << 20;
constexpr size_t kMaxSmallObject = 16 * 1024;  // bigger objects get their own mapping

// PINION_STRESS_SCALE multiplies the work of every scenario (default 1, what CI runs).
inline int Scale() {
  const char* s = std::getenv("PINION_STRESS_SCALE");
  return s != nullptr ? std::max(1, std::atoi(s)) : 1;
}

// PINION_STRESS_SEED is added to every scenario's seeds (default 0, what CI runs), to try
// other graphs and interleavings.
inline uint64_t SeedOffset() {
  const char* s = std::getenv("PINION_STRESS_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : 0;
}

// ---- Hashing -------------------------------------------------------------------------------

inline uint64_t Mix(uint64_t h, uint64_t v) {
  h = (h ^ v) * 0xff51afd7ed558ccdull;
  return h ^ (h >> 32);
}

inline uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Pseudo-random bytes determined by `seed`.
inline void FillBytes(unsigned char* p, size_t n, uint64_t seed) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t w = SplitMix(seed);
    std::memcpy(p + i, &w, 8);
  }
  if (i < n) {
    const uint64_t w = SplitMix(seed);
    std::memcpy(p + i, &w, n - i);
  }
}

inline uint64_t HashBytes(const unsigned char* p, size_t n, uint64_t h) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = Mix(h, w);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p + i, n - i);
  return Mix(h, tail ^ n);
}

// ---- Objects -------------------------------------------------------------------------------

constexpr int kChildren = 4;
constexpr uint16_t kSharedOwner = 0xffff;
constexpr uint32_t kNotFinalizable = 0xffffffff;

struct Buffer;

// A graph node with a variable-length payload. Pointer fields may change; everything else is
// immutable once initialised and covered by `checksum`, so any object the collector freed,
// reused, zeroed or finalized by mistake fails NodeChecksum.
//
// The pointer fields are Member<T> (gc/member.h): in concurrent mode the marker threads read
// them while their owner rewrites them, so every store must run the write barrier and every
// load must be an acquire. (Raw T* fields would do in stop-the-world mode only.) `weak` is a
// WeakMember (gc/weak_member.h): it keeps nothing alive, the collector sets it to null once
// its referent is found unreachable, and a read while a concurrent cycle marks shades what
// it returns. The object is never constructed: Allocate() returns zeroed memory, and a
// zeroed Member or WeakMember is null.
struct Node {
  Member<Node> children[kChildren];  // written only by the owner (and by the coordinator
  Member<Buffer> buffer;             // at a barrier, when everyone else is parked)
  WeakMember<Node> weak;             // written only by the owner; cleared by the collector
  uint64_t id;
  uint32_t payload_bytes;
  uint32_t final_index;  // this object's FinalizerLedger entry, or kNotFinalizable
  uint16_t owner;        // mutator index, or kSharedOwner (frozen: read-only for everyone)
  uint16_t reserved[3];
  uint64_t checksum;
  unsigned char payload[];
};

// Pointer-free (no trace callback): the marker marks it but never reads it. Immutable.
struct Buffer {
  uint64_t id;
  uint32_t bytes;
  uint32_t reserved;
  uint64_t checksum;
  unsigned char data[];
};

inline uint64_t NodeChecksum(const Node& n) {
  uint64_t h = Mix(0x6e6f6465, n.id);
  h = Mix(h, n.payload_bytes | uint64_t{n.final_index} << 32);
  h = Mix(h, n.owner);
  return HashBytes(n.payload, n.payload_bytes, h);
}

inline uint64_t BufferChecksum(const Buffer& b) {
  return HashBytes(b.data, b.bytes, Mix(0x62756666, b.id ^ uint64_t{b.bytes} << 40));
}

// Which finalizable objects were finalized, and how often: each must be exactly once by the
// end, and never while reachable. Indexed by Node::final_index.
struct FinalizerLedger {
  explicit FinalizerLedger(size_t capacity)
      : capacity(capacity), counts(new std::atomic<uint8_t>[capacity]()) {}
  const size_t capacity;
  std::unique_ptr<std::atomic<uint8_t>[]> counts;
  std::atomic<uint32_t> next{0};       // entries handed out
  std::atomic<uint32_t> bad_index{0};  // finalizer runs on an index never handed out
};

// The ledger of the scenario running now (one at a time).
inline std::atomic<FinalizerLedger*> g_ledger{nullptr};

// How often each weak-root callback ran: one entry per WeakRoot created with a callback
// (its `data` is the entry), handed out by the root's owner. A callback runs on whichever
// mutator runs the finalization queue (RunFinalizers, or an allocation's slow path), after
// the collection that cleared its root: each must run exactly once if its root was cleared,
// never otherwise, and never while its root still reads its referent.
struct WeakCallLedger {
  explicit WeakCallLedger(size_t capacity)
      : capacity(capacity), counts(new std::atomic<uint8_t>[capacity]()) {}
  const size_t capacity;
  std::unique_ptr<std::atomic<uint8_t>[]> counts;
  size_t next = 0;  // entries handed out; owner only
};

// A WeakRoot's on_cleared: `data` is its WeakCallLedger entry. Relaxed: the counts are read
// by the owner or the coordinator after a barrier or a join, which order them.
inline void CountWeakCall(void* data) {
  static_cast<std::atomic<uint8_t>*>(data)->fetch_add(1, std::memory_order_relaxed);
}

// May run on a marker thread while the owner rewrites the fields (concurrent mode).
inline void TraceNode(void* object, Visitor& v) {
  Node* n = static_cast<Node*>(object);
  for (const Member<Node>& child : n->children) v.Visit(child);
  v.Visit(n->buffer);
  v.VisitWeak(n->weak);  // recorded, not followed; no callback (WeakRoots have them)
}

// Runs on whichever thread sweeps the dead object; touches only the object itself.
inline void FinalizeNode(void* object) {
  Node* n = static_cast<Node*>(object);
  FinalizerLedger* ledger = g_ledger.load(std::memory_order_acquire);
  if (ledger != nullptr && n->final_index < ledger->next.load(std::memory_order_relaxed)) {
    ledger->counts[n->final_index].fetch_add(1, std::memory_order_relaxed);
  } else if (ledger != nullptr) {
    ledger->bad_index.fetch_add(1, std::memory_order_relaxed);
  }
  n->checksum = ~n->checksum;  // a live object finalized by mistake now fails its checksum
}

inline const TypeId kNodeType = RegisterType({"GraphStressNode", sizeof(Node), &TraceNode});
inline const TypeId kFinalNodeType =
    RegisterType({"GraphStressFinalNode", sizeof(Node), &TraceNode, &FinalizeNode});
inline const TypeId kBufferType = RegisterType({"GraphStressBuffer", sizeof(Buffer)});

// The bytes a collection counts as live for a reachable object (HeapStats::live_bytes): the
// cell of a small object, the whole mapping of a large one (its 64-byte header included).
inline uint64_t LiveBytesOf(const void* object) {
  const size_t size = ObjectSize(object);
  return size > kMaxSmallObject ? size + 64 : size;
}

// ---- Checks --------------------------------------------------------------------------------

// Checks the objects a thread reads against the collector's view of them. Records failures
// (the first dozen, each prefixed by `context()`) rather than asserting: worker threads must
// not call doctest, and a run should report everything it saw before it ends.
class ObjectChecker {
 public:
  ObjectChecker(const FinalizerLedger& ledger, std::function<std::string()> context)
      : ledger_(ledger), context_(std::move(context)) {}

  // A reachable node: an object start by FindObject, also from an interior address; its
  // TypeOf; an ObjectSize that holds what was allocated; its checksum; never finalized.
  bool CheckNode(const Node* n, const char* where) {
    ++checked_;
    if (FindObject(n) != n) return Fail(where, n, "FindObject(node) is not the node");
    const bool finalizable = n->final_index != kNotFinalizable;
    const TypeId type = TypeOf(n);
    if (type != (finalizable ? kFinalNodeType : kNodeType)) {
      return Fail(where, n, "node has TypeOf raw " + std::to_string(type.raw()));
    }
    const size_t size = ObjectSize(n);
    if (size < sizeof(Node) + n->payload_bytes) {
      return Fail(where, n, "ObjectSize " + std::to_string(size) + " < the " +
                                std::to_string(sizeof(Node) + n->payload_bytes) + " allocated");
    }
    if (FindObject(Interior(n, n->id, size)) != n) {
      return Fail(where, n, "FindObject(interior address) is not the node");
    }
    const uint64_t sum = NodeChecksum(*n);
    if (sum != n->checksum) {
      return Fail(where, n,
                  "checksum mismatch: id " + Hex(n->id) + ", owner " + std::to_string(n->owner) +
                      ", payload " + std::to_string(n->payload_bytes) + ", stored " +
                      Hex(n->checksum) + ", computed " + Hex(sum) +
                      (~n->checksum == sum ? " (its finalizer ran)" : ""));
    }
    if (finalizable && ledger_.counts[n->final_index].load(std::memory_order_relaxed) != 0) {
      return Fail(where, n, "a reachable object was finalized");
    }
    return true;
  }

  bool CheckBuffer(const Buffer* b, const char* where) {
    ++checked_;
    if (FindObject(b) != b) return Fail(where, b, "FindObject(buffer) is not the buffer");
    if (TypeOf(b) != kBufferType) return Fail(where, b, "buffer has the wrong TypeOf");
    const size_t size = ObjectSize(b);
    if (size < sizeof(Buffer) + b->bytes) return Fail(where, b, "buffer ObjectSize too small");
    if (FindObject(Interior(b, b->id, size)) != b) {
      return Fail(where, b, "FindObject(interior address) is not the buffer");
    }
    if (BufferChecksum(*b) != b->checksum) {
      return Fail(where, b, "buffer checksum mismatch, id " + Hex(b->id));
    }
    return true;
  }

  // New objects come back zeroed (the first 4 KiB are checked).
  bool CheckZeroed(const void* object, size_t bytes, const char* what) {
    const unsigned char* p = static_cast<const unsigned char*>(object);
    for (size_t i = 0; i < std::min<size_t>(bytes, 4096); ++i) {
      if (p[i] != 0) {
        return Fail("allocation", object,
                    std::string("a new ") + what + " is not zeroed at byte " + std::to_string(i));
      }
    }
    return true;
  }

  bool Fail(const char* where, const void* object, const std::string& what) {
    if (failures_.size() < 12) {
      std::string line = context_() + " " + where + ": " + what;
      if (object != nullptr) line += " (object " + Hex(reinterpret_cast<uintptr_t>(object)) + ")";
      std::fprintf(stderr, "FAILURE %s\n", line.c_str());
      failures_.push_back(std::move(line));
    }
    return false;
  }

  const std::vector<std::string>& failures() const { return failures_; }
  int64_t checked() const { return checked_; }

 private:
  static const void* Interior(const void* object, uint64_t salt, size_t size) {
    return static_cast<const char*>(object) + (salt * 0x9e3779b97f4a7c15ull) % size;
  }
  static std::string Hex(uint64_t v) {
    char text[24];
    std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(v));
    return text;
  }

  const FinalizerLedger& ledger_;
  const std::function<std::string()> context_;
  std::vector<std::string> failures_;
  int64_t checked_ = 0;
};

// ---- Synchronisation -----------------------------------------------------------------------

// A reusable barrier for attached threads. It waits inside a NativeRegion: while a thread
// waits, a collection started by another must not wait for it (HACKING.md: every blocking
// wait is native), or the stop-the-world handshake would never finish.
class PhaseBarrier {
 public:
  explicit PhaseBarrier(int parties) : parties_(parties) {}

  void ArriveAndWait() {
    NativeRegion region;
    std::unique_lock<std::mutex> lock(mu_);
    const uint64_t generation = generation_;
    if (++arrived_ == parties_) {
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [&] { return generation_ != generation; });
  }

 private:
  const int parties_;
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;          // guarded by mu_
  uint64_t generation_ = 0;  // guarded by mu_
};

// Samples `progress` twice a second; when it has not changed for `seconds`, prints
// `describe()` and aborts: a deadlock reports who waits where instead of timing out mute.
class Watchdog {
 public:
  Watchdog(int seconds, std::function<int64_t()> progress, std::function<std::string()> describe)
      : seconds_(seconds),
        progress_(std::move(progress)),
        describe_(std::move(describe)),
        thread_([this] { Loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  void Loop() {
    using Clock = std::chrono::steady_clock;
    int64_t last = progress_();
    Clock::time_point last_change = Clock::now();
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stop_; })) {
      const int64_t now = progress_();
      if (now != last) {
        last = now;
        last_change = Clock::now();
      } else if (Clock::now() - last_change > std::chrono::seconds(seconds_)) {
        std::fprintf(stderr, "watchdog: no progress for %d s; presumed deadlock.\n%s", seconds_,
                     describe_().c_str());
        std::abort();
      }
    }
  }

  const int seconds_;
  const std::function<int64_t()> progress_;
  const std::function<std::string()> describe_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace pinion::stress

#endif  // PINION_TESTS_STRESS_STRESS_SUPPORT_H_
