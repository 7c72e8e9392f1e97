// Stress: mutator threads rewriting random object graphs, pinning and unpinning, calling
// into native regions, detaching and re-attaching, while collections run — automatically
// (a tiny min_heap_bytes) and from a dedicated thread calling Collect() in a loop.
//
// Checks, with fixed seeds:
//  - after every collection a thread observes, it walks everything reachable from its roots
//    and pins and verifies each object: its checksum (over id and payload), FindObject and
//    TypeOf. A freed-and-reused or finalized live object fails the checksum; under ASan a
//    freed one faults at once (free cells are poisoned).
//  - a pinned object that nothing else references survives, also across detach/re-attach.
//  - every finalizable object that became unreachable is finalized exactly once by the end,
//    and no reachable one ever is (finalizers scribble over the object).
//  - when all roots are dropped, a collection finds nothing live and the heap returns to
//    near its starting size.
// Each thread's graph is its own (threads share the heap, not objects), so the walks race
// with nothing but the collector. PINION_STRESS_SCALE multiplies the work (default 1).
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <unordered_set>
#include <vector>

#include "gc/heap.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"

namespace {

constexpr int kChildren = 3;
constexpr int kRootSlots = 48;

struct Node {
  Node* children[kChildren];
  uint64_t id;
  uint64_t checksum;
  uint32_t payload_bytes;
  uint32_t finalizable;
  unsigned char payload[];  // payload_bytes of pseudo-random data
};

uint64_t Checksum(const Node* n) {
  uint64_t h = n->id * 0x9E3779B97F4A7C15ull ^ n->payload_bytes;
  for (uint32_t i = 0; i < n->payload_bytes; ++i) h = (h ^ n->payload[i]) * 0x100000001B3ull;
  return h;
}

void TraceNode(void* object, pinion::Visitor& v) {
  for (Node* child : static_cast<Node*>(object)->children) v.Visit(child);
}

std::atomic<int64_t> g_finalized{0};
void FinalizeNode(void* object) {
  Node* n = static_cast<Node*>(object);
  n->id = ~n->id;  // a live object finalized by mistake now fails its checksum
  g_finalized.fetch_add(1, std::memory_order_relaxed);
}

const pinion::TypeId kNode = pinion::RegisterType({"StressNode", sizeof(Node), &TraceNode});
const pinion::TypeId kFinalizableNode =
    pinion::RegisterType({"FinalizableStressNode", sizeof(Node), &TraceNode, &FinalizeNode});

int Scale() {
  const char* s = std::getenv("PINION_STRESS_SCALE");
  return s ? std::max(1, std::atoi(s)) : 1;
}

struct ThreadReport {
  int64_t ops = 0, verifications = 0, objects_verified = 0, finalizable_allocated = 0;
  int64_t pins = 0, native_calls = 0, reattaches = 0;
  bool ok = true;
  std::string failure;
};

class Mutator {
 public:
  Mutator(pinion::Heap& heap, int index, int ops) : heap_(heap), rng_(1000 + index), ops_(ops) {}

  void Run(ThreadReport& report) {
    report_ = &report;
    int64_t done = 0;
    while (done < ops_ && report.ok) {
      pinion::ThreadScope attach(heap_);
      pinion::HandleScope scope;
      std::vector<pinion::Handle<Node>> roots;
      for (int i = 0; i < kRootSlots; ++i) roots.emplace_back(nullptr);
      roots_ = &roots;
      // Re-adopt the objects pinned in an earlier attachment: only the pins kept them.
      for (size_t i = 0; i < pinned_.size() && i < roots.size(); ++i) roots[i].set(pinned_[i]);
      VerifyAll();
      const int64_t session = std::min<int64_t>(ops_ - done, 500 + rng_() % 1500);
      for (int64_t i = 0; i < session && report.ok; ++i) Step();
      done += session;
      report.ops += session;
      roots_ = nullptr;
      ++report.reattaches;
    }
    // Leave nothing pinned, so the heap can empty.
    {
      pinion::ThreadScope attach(heap_);
      for (Node* n : pinned_) pinion::Unpin(n);
      pinned_.clear();
    }
  }

 private:
  Node* RandomReachable() {
    Node* n = (*roots_)[rng_() % kRootSlots].get();
    for (int hops = rng_() % 4; n != nullptr && hops > 0; --hops) {
      Node* next = n->children[rng_() % kChildren];
      if (next == nullptr) break;
      n = next;
    }
    return n;
  }

  Node* Allocate() {
    uint32_t bytes = rng_() % 100;
    if (rng_() % 200 == 0) bytes = 20000 + rng_() % 30000;  // a large object now and then
    const bool finalizable = rng_() % 10 == 0;
    Node* n = static_cast<Node*>(
        pinion::Allocate(finalizable ? kFinalizableNode : kNode, sizeof(Node) + bytes));
    n->id = next_id_++;
    n->payload_bytes = bytes;
    n->finalizable = finalizable;
    for (uint32_t i = 0; i < bytes; ++i) n->payload[i] = static_cast<unsigned char>(rng_());
    n->checksum = Checksum(n);
    report_->finalizable_allocated += finalizable;
    return n;
  }

  void Step() {
    const uint64_t observed = heap_.stats().collections;
    if (observed != last_collection_) {  // a cycle ran: check everything we can reach
      last_collection_ = observed;
      VerifyAll();
    }
    switch (rng_() % 10) {
      case 0: case 1: case 2: {  // a new object, linked from a root or from the graph
        pinion::Handle<Node> fresh(Allocate());
        for (Node*& child : fresh->children) child = rng_() % 2 ? RandomReachable() : nullptr;
        Node* parent = RandomReachable();
        if (parent != nullptr && rng_() % 2) {
          parent->children[rng_() % kChildren] = fresh.get();
        } else {
          (*roots_)[rng_() % kRootSlots].set(fresh.get());
        }
        break;
      }
      case 3: case 4: {  // rewire: garbage and cycles
        Node* from = RandomReachable();
        if (from != nullptr) from->children[rng_() % kChildren] = rng_() % 3 ? RandomReachable() : nullptr;
        break;
      }
      case 5:  // drop a root
        (*roots_)[rng_() % kRootSlots].set(nullptr);
        break;
      case 6: {  // pin something, sometimes dropping its root so only the pin keeps it
        const int slot = rng_() % kRootSlots;
        Node* n = (*roots_)[slot].get();
        if (n != nullptr && pinned_.size() < 16) {
          pinion::Pin(n);
          pinned_.push_back(n);
          ++report_->pins;
          if (rng_() % 2) (*roots_)[slot].set(nullptr);
        } else if (!pinned_.empty()) {  // unpin one: demoted, still reachable via a root
          Node* p = pinned_.back();
          pinned_.pop_back();
          (*roots_)[rng_() % kRootSlots].set(p);
          pinion::Unpin(p);
        }
        break;
      }
      case 7: {  // native call: the argument must survive whatever runs meanwhile
        Node* n = RandomReachable();
        if (n == nullptr) break;
        const uint64_t before = n->checksum;
        const uint64_t seen = pinion::CallNative(
            [&](Node* arg) {
              std::this_thread::sleep_for(std::chrono::microseconds(rng_() % 50));
              return arg->checksum;
            },
            n);
        Expect(seen == before && Checksum(n) == before, "object changed across a native call");
        ++report_->native_calls;
        break;
      }
      case 8:
        VerifyOne(RandomReachable());
        break;
      default:
        pinion::Safepoint();
        break;
    }
  }

  void Expect(bool condition, const char* what) {
    if (!condition && report_->ok) {
      report_->ok = false;
      report_->failure = what;
    }
  }

  void VerifyOne(const Node* n) {
    if (n == nullptr) return;
    Expect(pinion::FindObject(n) == n, "reachable object is not a heap object");
    const pinion::TypeId type = pinion::TypeOf(n);
    Expect(type == (n->finalizable ? kFinalizableNode : kNode), "reachable object changed type");
    Expect(Checksum(n) == n->checksum, "reachable object's checksum is wrong");
    ++report_->objects_verified;
  }

  void VerifyAll() {
    std::unordered_set<const Node*> seen;
    std::vector<const Node*> work;
    for (const auto& root : *roots_) work.push_back(root.get());
    for (const Node* p : pinned_) work.push_back(p);
    while (!work.empty()) {
      const Node* n = work.back();
      work.pop_back();
      if (n == nullptr || !seen.insert(n).second) continue;
      VerifyOne(n);
      for (const Node* child : n->children) work.push_back(child);
    }
    ++report_->verifications;
  }

  pinion::Heap& heap_;
  std::mt19937_64 rng_;
  const int64_t ops_;
  ThreadReport* report_ = nullptr;
  std::vector<pinion::Handle<Node>>* roots_ = nullptr;
  std::vector<Node*> pinned_;  // pinned by this thread, survive detach
  uint64_t next_id_ = 1;
  uint64_t last_collection_ = 0;
};

}  // namespace

TEST_CASE("mutators, pins, native calls and attach/detach under concurrent collections") {
  constexpr int kMutators = 4;
  const int ops = 30000 * Scale();
  pinion::HeapConfig config;
  config.min_heap_bytes = size_t{1} << 20;  // many automatic cycles
  config.growth_factor = 2.0;
  config.marker_threads = 2;
  pinion::Heap heap(config);
  const uint64_t baseline = heap.stats().heap_bytes;
  g_finalized = 0;

  std::atomic<bool> stop{false};
  std::thread collector([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      heap.Collect();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::vector<ThreadReport> reports(kMutators);
  std::vector<std::thread> mutators;
  for (int i = 0; i < kMutators; ++i) {
    mutators.emplace_back([&, i] { Mutator(heap, i, ops).Run(reports[i]); });
  }
  for (std::thread& t : mutators) t.join();
  stop = true;
  collector.join();

  int64_t finalizable = 0;
  for (int i = 0; i < kMutators; ++i) {
    const ThreadReport& r = reports[i];
    INFO("mutator " << i << " (seed " << 1000 + i << "): " << r.failure);
    CHECK(r.ok);
    CHECK(r.verifications > 1);
    CHECK(r.pins > 0);
    CHECK(r.native_calls > 0);
    CHECK(r.reattaches > 1);
    finalizable += r.finalizable_allocated;
    MESSAGE("mutator " << i << ": " << r.ops << " ops, " << r.verifications
                       << " full verifications, " << r.objects_verified << " objects checked, "
                       << r.pins << " pins, " << r.reattaches << " attachments");
  }

  // Nothing is rooted or pinned any more: everything is garbage.
  heap.Collect();
  heap.Collect();
  const pinion::HeapStats s = heap.stats();
  MESSAGE(s.collections << " collections, max pause " << s.max_pause_ms << " ms, heap "
                        << s.heap_bytes << " bytes (baseline " << baseline << "), peak "
                        << s.peak_heap_bytes);
  CHECK(s.collections > 20);
  CHECK(s.live_bytes == 0);
  CHECK(g_finalized.load() == finalizable);  // every finalizable object died: finalized once
  // Back near the baseline: at most the retained allocation budget (min_heap_bytes) plus
  // segment metadata.
  CHECK(s.heap_bytes <= baseline + config.min_heap_bytes + (size_t{1} << 20));
}
