// Stress: mutator threads rewriting a random object graph while collections run, with a
// verification barrier after every phase.
//
// The modes: each scenario runs as its own test case in each of
//  - stop-the-world: every cycle marks with the world stopped;
//  - concurrent (HeapConfig::mode = kConcurrent): marker threads trace while mutators write,
//    so the Node's pointer fields are Member<T> and every store runs the SATB write barrier;
//    objects allocated while a cycle marks are born black;
//  - concurrent + torture (torture_interval 64): each thread asks for a cycle every 64
//    allocations, so the heap is marking nearly all the time and barriers, black allocation
//    and start/remark pauses land at every point of every operation;
//  - stop-the-world + torture (torture_interval 200): a whole cycle every 200 allocations of
//    each thread;
//  - stop-the-world + faults, concurrent + faults, concurrent + torture + faults: the same
//    with random stalls at the handshake's points (gc/fault_injection.h: before and after a
//    park, after leaving a native region, before claiming a root scan or flushing a barrier
//    buffer, holding a pin log, between marking rounds, at attach and detach): one point in 2
//    stalls, a yield or a sleep of up to 1 ms, seeded from the scenario's seed. Each run
//    checks that stalls happened and reports how many. Fault points exist only where NDEBUG
//    is unset (fastbuild, asan, tsan): in -c opt builds these test cases say so and pass;
//  - generational, generational + torture (200), generational + torture + faults: a
//    generational stop-the-world heap (HeapConfig::generational), whose automatic and
//    torture cycles are mostly minor collections; each phase's explicit one is full.
// The test chooses the mode: HeapConfig::from_environment is false, so PINION_MODE,
// PINION_TORTURE and the other PINION_* variables change nothing, and each run sets fault
// injection itself (a PINION_FAULTS in the environment is overridden, then turned off).
//
// Cost: the torture and fault modes run half the phases, so the whole binary takes about
// 45 s in fastbuild, 30 s with ASan and 2 minutes with TSan, on two cores.
//
// Running it longer or differently (a Bazel test runs it with a clean environment, so pass
// variables with --test_env; the binary also runs by itself, .bazel/bin/tests/stress/...):
//  - PINION_STRESS_SCALE=N multiplies the number of phases (default 1, what CI runs);
//  - PINION_STRESS_SEED=N adds N to every seed (default 0): other graphs, other interleavings
//    and, in the fault modes, other stalls;
//  - doctest filters pick modes or scenarios by test-case name: -tc='*[concurrent+faults]*',
//    -tc='*faults*', -tc='*6 mutators*' (comma-separated to combine); through Bazel
//    --test_arg=-tc='*faults*'; --test_arg=--duration=true times each test case.
//  For example (one command):
//    bazel test --config=tsan //tests/stress:graph_stress_test --test_output=all
//        --test_env=PINION_STRESS_SCALE=4 --test_env=PINION_STRESS_SEED=17
//        --test_arg=-tc='*faults*'
//  A failure names the scenario, the mode and the seed (the fault seed derives from it):
//  rerun with the same PINION_STRESS_SEED and filter to reproduce. A seed fixes the graph,
//  each thread's random choices and each thread's n-th stall decision, not the interleaving,
//  which stays the scheduler's: rerun a few times (--runs_per_test=N).
//
// The world
//  - Objects: Node (4 child slots + a Buffer slot, all Member<T>; a weak field, a
//    WeakMember<Node> its trace reports with VisitWeak; an immutable id/owner/payload
//    covered by a checksum; some finalizable) and Buffer (pointer-free). Payload sizes are
//    drawn so that every small size class and the large-object space (> 16 KiB) are used.
//  - Ownership: a mutator writes only the nodes it allocated. Frozen nodes, allocated by the
//    coordinator during a barrier and published through a shared global-root array, are
//    read-only for everyone and point only to frozen nodes; every mutator may link to, read
//    and pin them (so several threads pin the same object concurrently). Hence a mutator's
//    graph reaches only its own nodes and frozen ones, and nothing races but the collector.
//    The same holds for weak fields: a node's weak field, written only by its owner, points
//    to its own nodes or frozen ones (a frozen node's, set at its creation, to frozen ones).
//  - Roots of a mutator: a global-root range registered for its whole life (survives
//    detaching), handles of the current attachment (lost on detach: garbage), and its pins
//    (a multiset; every Pin is matched by an Unpin before the thread ends). Orphan pins:
//    objects that only a pin keeps alive, also across detach/re-attach.
//  - Weak roots of a mutator: 6 WeakRoot<Node> (outside the heap, kept across detach),
//    pointed at nodes it reaches or at nodes it drops in the same operation. Three have a
//    callback counting into the mutator's WeakCallLedger (stress_support.h); a callback
//    stays with its root, so those are replaced by a new root (a new entry) instead of set.
//  - Operations: allocate and link, rewire (garbage, cycles), drop/copy roots, pin/unpin,
//    PinGuard across allocations, CallNative with pinned arguments whose roots were
//    dropped, non-allocating work that polls Safepoint, detach + re-attach, Collect(); and
//    weak ones: point an own node's weak field at a node the mutator reaches, at one it
//    drops, at a new node nothing else references, or at nothing; point a weak root the
//    same way; read a weak field or root (and one hop in 16 of the random walks that find
//    nodes follows a weak field). A weak read while a cycle marks shades what it returns,
//    so the mutator may, and half the time does, link a node it read weakly strongly into
//    its graph: that node may have been unreachable, not yet collected.
//  - Collections: automatic (tiny min_heap_bytes; in concurrent mode started by the pacer on
//    the collector's background thread), torture, and a dedicated unattached thread calling
//    Collect() in a loop.
//
// The checks
//  - Continuously: every object a mutator reads is checked (FindObject of its start and of
//    an interior address, TypeOf, ObjectSize, checksum, not finalized); new objects must
//    come back zeroed; after each collection the mutator observes, it walks and checks its
//    whole graph (and after every re-attach). So no reachable object was freed. A weak
//    read that returns a node checks it the same way (a cleared reference must never have
//    dangled); a weak root reads only the node it was pointed at or null, null never while
//    the mutator still roots or pins that node (same address and id), and its callback
//    never ran while it reads the node, nor more than once.
//  - After every phase: all mutators meet at a barrier (blocked inside a NativeRegion, so a
//    collection started meanwhile never waits for them); one thread runs Collect() and walks
//    the whole graph from every root, checking each object, that each object's PinCount is
//    exactly the number of outstanding pins on it, and that HeapStats::live_bytes accounts
//    for exactly the reachable objects (at least them when several markers may race). In
//    concurrent mode too: live_bytes also counts the pages handed out while the cycle marked,
//    but nothing allocates during the barrier's collection.
//  - Reclamation, at the same barrier: the coordinator cuts a few random edges and walks
//    again; every object that is no longer reachable (orphaned by the cuts, or reachable at
//    the previous barrier and dropped by the mutators since) must be gone after two more
//    Collect() calls: FindObject finds no object of its type and id at its address. Then
//    live_bytes must again match the reachable bytes.
//  - Weak references, at the same barrier: before the cuts the coordinator records the weak
//    field of every reachable node and every mutator's weak root, with what it reads
//    (checked like any object). The cuts include every edge into a few recorded referents
//    that no root or pin holds, so those become unreachable right there; the walk after the
//    cuts says which referents are reachable (fields of nodes it no longer reaches are
//    dropped from the record). After the two collections: (a) a non-null reference is a
//    valid object (the object check); (b) one whose referent is reachable is unchanged, and
//    a null one stays null; (c) one whose referent is unreachable reads null. Then, after
//    RunFinalizers, a callback root's callback ran once if the root reads null, never if it
//    reads its node.
//  - At the end: with every root dropped and every pin released, a collection finds nothing
//    live, the heap returns near its starting size, and every finalizable object ever
//    allocated was finalized exactly once. Each weak root was read just before it was
//    destroyed (no safepoint between: no pause cleared it in between); after a last
//    RunFinalizers, the callback of each callback root read null then ran exactly once, of
//    each read non-null never. Every run must have stored, read non-null and strongly
//    linked weak references, and cleared weak roots and fields, or it fails.
// Failures name the scenario, the mode, the seed, the thread, the phase and the object.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gc/fault_injection.h"
#include "gc/finalization.h"
#include "gc/heap.h"
#include "gc/weak_root.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "roots/root_set.h"
#include "tests/stress/stress_support.h"

namespace pinion::stress {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kGlobalSlots = 24;  // per mutator, registered for the thread's whole life
constexpr int kHandleSlots = 12;  // per mutator attachment
constexpr int kSlots = kGlobalSlots + kHandleSlots;
constexpr int kSharedSlots = 48;  // frozen nodes, a global range shared by all mutators
constexpr size_t kMaxPins = 24;   // outstanding pins per mutator
// WeakRoots per mutator (outside the heap, kept across detach). The first kCallbackRoots
// have a callback counted in the mutator's WeakCallLedger; a callback stays with its root,
// so those are replaced by a new root rather than re-pointed.
constexpr int kWeakRoots = 6;
constexpr int kCallbackRoots = 3;
constexpr size_t kWeakCallCapacity = size_t{1} << 15;  // callback roots per mutator and run
constexpr size_t kNoCall = ~size_t{0};
constexpr int kWatchdogSeconds = 90;

std::atomic<uint64_t> g_sink{0};  // where busy work leaves its result

// ---- Scenario, shared state ----------------------------------------------------------------

// How the collector runs a scenario.
struct Mode {
  const char* name;
  CollectorMode collector;
  uint64_t torture_interval;  // HeapConfig::torture_interval; 0: off
  int phase_divisor;          // torture collects far more often: fewer phases keep CI cheap
  // Random fault injection for the whole run (gc/fault_injection.h): a stall at one in
  // `fault_one_in` fault points, a yield or a sleep of up to `fault_max_delay_us`; 0: off.
  uint32_t fault_one_in = 0;
  uint32_t fault_max_delay_us = 0;
  bool generational = false;  // HeapConfig::generational
};

constexpr Mode kStopTheWorld{"stop-the-world", CollectorMode::kStopTheWorld, 0, 1};
constexpr Mode kConcurrent{"concurrent", CollectorMode::kConcurrent, 0, 1};
// A cycle requested every 64 allocations of each thread: with one cycle at a time, the heap
// is marking nearly all the time, so nearly every store runs the barrier's slow path and
// nearly every object is born black.
constexpr Mode kConcurrentTorture{"concurrent+torture", CollectorMode::kConcurrent, 64, 2};
// A whole stop-the-world cycle every 200 allocations of each thread.
constexpr Mode kStopTheWorldTorture{"stop-the-world+torture", CollectorMode::kStopTheWorld, 200,
                                    2};
// The same with random stalls at the handshake's points: threads descheduled before and
// after parking, after leaving a native region, before claiming a root scan or flushing a
// barrier buffer, while holding a pin log, between marking rounds, at attach and detach.
// One point in 2 stalls (half of those yield, half sleep up to 1 ms): a few thousand stalls
// per run. Half the phases: a stalled run does the same work more slowly.
constexpr Mode kStopTheWorldFaults{"stop-the-world+faults", CollectorMode::kStopTheWorld, 0, 2,
                                   2, 1000};
constexpr Mode kConcurrentFaults{"concurrent+faults", CollectorMode::kConcurrent, 0, 2, 2, 1000};
constexpr Mode kConcurrentTortureFaults{"concurrent+torture+faults", CollectorMode::kConcurrent,
                                        64, 2, 2, 1000};
// Generational (stop-the-world): automatic collections are mostly minor ones, which trace
// only young objects and the remembered slots; explicit ones (each phase's check) are full.
// With torture, three torture cycles in four are minor, every 200 allocations of a thread.
constexpr Mode kGenerational{"generational", CollectorMode::kStopTheWorld, 0, 1, 0, 0, true};
constexpr Mode kGenerationalTorture{"generational+torture", CollectorMode::kStopTheWorld, 200, 2,
                                    0, 0, true};
constexpr Mode kGenerationalTortureFaults{"generational+torture+faults",
                                          CollectorMode::kStopTheWorld, 200, 2, 2, 1000, true};

struct Scenario {
  const char* name;
  uint64_t seed;              // mutator i uses seed + i; the coordinator's extra work too
  int mutators;
  int phases;                 // divided by the mode's divisor, multiplied by PINION_STRESS_SCALE
  int ops_per_phase;
  int soft_live_nodes;        // per mutator: above this, it drops roots more eagerly
  size_t min_heap_bytes;
  double growth_factor;
  int marker_threads;
  bool exact_live_bytes;      // only with one marker: racing markers may count twice
  Mode mode = kStopTheWorld;  // set by RunScenario
  std::string label{};        // "name (mode)", for every message; set by RunScenario
};

enum class Activity : int {
  kStarting, kMutating, kVerifying, kNative, kDetached, kAtBarrier, kCoordinating,
  kTearingDown, kDone,
};

const char* ActivityName(int a) {
  static const char* const kNames[] = {"starting",    "mutating", "verifying",
                                       "native call", "detached", "at barrier",
                                       "coordinating", "tearing down", "done"};
  return a >= 0 && a <= static_cast<int>(Activity::kDone) ? kNames[a] : "?";
}

struct Report {
  int64_t ops = 0, nodes = 0, buffers = 0, large = 0, finalizable = 0;
  int64_t pins = 0, orphan_pins = 0, guarded = 0, native_calls = 0, reattaches = 0;
  int64_t walks = 0, objects_checked = 0, collects = 0, max_own_nodes = 0;
  // Weak references: field stores, reads (fields and roots) and the non-null ones, nodes
  // read weakly then linked strongly, WeakRoots pointed, roots seen cleared, callback roots
  // created and their callbacks run.
  int64_t weak_sets = 0, weak_reads = 0, weak_hits = 0, weak_links = 0, weak_root_sets = 0;
  int64_t weak_roots_cleared = 0, weak_call_roots = 0, weak_calls = 0;
  // Coordinator only.
  int64_t barrier_checks = 0, max_reachable = 0, live_overcount_max = 0;
  int64_t edges_cut = 0, dead_from_cuts = 0, dead_checked = 0;
  // The weak model check: references recorded, and of those: null already, to a reachable
  // referent (must be unchanged), to an unreachable one (must read null).
  int64_t weak_recorded = 0, weak_was_null = 0, weak_kept = 0, weak_cleared = 0;
  uint64_t max_live_bytes = 0;
  std::vector<std::string> failures;
};

// A mutator's WeakRoot as published for the coordinator; `calls`: its callback's ledger
// entry, or nullptr if it has none.
struct PublishedWeakRoot {
  int slot;
  const WeakRoot<Node>* root;
  const std::atomic<uint8_t>* calls;
};

struct World {
  World(Heap& heap, const Scenario& scenario, FinalizerLedger& ledger)
      : heap(heap),
        scenario(scenario),
        ledger(ledger),
        barrier(scenario.mutators),
        published_roots(scenario.mutators),
        published_pins(scenario.mutators),
        published_weak(scenario.mutators),
        progress(new std::atomic<int64_t>[scenario.mutators]()),
        activity(new std::atomic<int>[scenario.mutators]()),
        phase(new std::atomic<int>[scenario.mutators]()) {}

  Heap& heap;
  const Scenario& scenario;
  FinalizerLedger& ledger;
  PhaseBarrier barrier;
  // Frozen nodes, written only by the coordinator between the two barriers of a phase.
  Node* shared[kSharedSlots] = {};
  // Each mutator's roots and pins as of the first barrier of a phase (written by the owner
  // before it, read by the coordinator after it).
  std::vector<std::vector<Node*>> published_roots;
  std::vector<std::vector<Node*>> published_pins;
  std::vector<std::vector<PublishedWeakRoot>> published_weak;  // the WeakRoots in use
  // For the watchdog (relaxed: diagnostics only).
  std::unique_ptr<std::atomic<int64_t>[]> progress;
  std::unique_ptr<std::atomic<int>[]> activity;
  std::unique_ptr<std::atomic<int>[]> phase;

  std::string Describe() const {
    std::ostringstream s;
    s << scenario.label << ", seed " << scenario.seed << ":\n";
    for (int i = 0; i < scenario.mutators; ++i) {
      s << "  mutator " << i << ": phase " << phase[i].load(std::memory_order_relaxed) << ", "
        << progress[i].load(std::memory_order_relaxed) << " ops, "
        << ActivityName(activity[i].load(std::memory_order_relaxed)) << "\n";
    }
    return s.str();
  }
};

// ---- A mutator -----------------------------------------------------------------------------

class Mutator {
 public:
  Mutator(World& world, int index)
      : world_(world),
        heap_(world.heap),
        index_(index),
        seed_(world.scenario.seed + index),
        rng_(seed_),
        check_(world.ledger, [this] { return Context(); }),
        weak_calls_(kWeakCallCapacity) {}

  void Run();
  // After Run(), once the finalization queue ran dry (RunFinalizers on an attached thread
  // after the last collection): every callback root's callback ran once if its root was
  // cleared, never otherwise.
  void CheckWeakCalls();
  // After Run().
  Report& report() {
    report_.objects_checked = check_.checked();
    report_.failures = check_.failures();
    return report_;
  }

 private:
  // ---- attachment ----
  void Attach();
  void Detach();
  void Reattach();

  // ---- roots ----
  Node* Slot(int i) const {
    return i < kGlobalSlots ? globals_[i] : handles_[i - kGlobalSlots].get();
  }
  void SetSlot(int i, Node* n) {
    if (i < kGlobalSlots) {
      globals_[i] = n;
    } else {
      handles_[i - kGlobalSlots].set(n);
    }
  }
  void ClearSlotsHolding(const Node* n) {
    for (int i = 0; i < kSlots; ++i) {
      if (Slot(i) == n) SetSlot(i, nullptr);
    }
  }
  int PinsOf(const Node* n) const {
    return static_cast<int>(std::count(pins_.begin(), pins_.end(), n));
  }

  // ---- objects ----
  uint32_t RandomPayloadBytes(size_t header);
  Node* NewNode(uint16_t owner);
  Buffer* NewBuffer();
  // A node reachable from this thread's roots (own or frozen; own only with `own_only`),
  // found by a short random walk; every node on the way is checked. May be nullptr.
  Node* RandomReachable(bool own_only);

  // ---- checks ----
  // A reachable node, which must be this thread's own or frozen (outside the coordinator's
  // walk of everything).
  bool CheckNode(const Node* n, const char* where) {
    if (!check_.CheckNode(n, where)) return false;
    if (n->owner == index_ || n->owner == kSharedOwner || coordinating_) return true;
    return check_.Fail(where, n, "reached a node of mutator " + std::to_string(n->owner));
  }
  bool CheckBuffer(const Buffer* b, const char* where) { return check_.CheckBuffer(b, where); }
  bool Fail(const char* where, const void* object, const std::string& what) {
    return check_.Fail(where, object, what);
  }
  std::string Context() const;
  // Walks and checks everything reachable from this thread's roots.
  void VerifyOwnGraph(const char* where);

  // ---- operations ----
  void Step();
  void OpNewNode();
  void OpNewBuffer();
  void OpRewire();
  void OpSetRoot();
  void OpPin();
  void OpUnpin();
  void OpOrphanPin();
  void OpPinGuardAcrossAllocation();
  void OpNativeCall();
  void OpRead();
  void OpSafepointWork();
  void OpSetWeak();
  void OpReadWeak();
  void OpSetWeakRoot();

  // ---- weak references ----
  // One of this thread's WeakRoots and what it was last pointed at (never null once the
  // root exists): the target's address and id (ids are unique, so a node at that address
  // with that id is the same object).
  struct WeakRef {
    std::optional<WeakRoot<Node>> root;
    const Node* target = nullptr;  // compared, never read through
    uint64_t target_id = 0;
    size_t call = kNoCall;  // its WeakCallLedger entry, or kNoCall
  };
  // What the owner learnt of a callback root: its callback must run once or never.
  enum class CallExpectation : uint8_t { kOpen, kNever, kOnce };
  // Reads weak root `k`; checks a non-null result, and that a null one is not a node this
  // thread still roots; returns the node or nullptr.
  Node* ReadWeakRoot(int k, const char* where);
  // Destroys weak root `k` (a callback root: records whether it was cleared first).
  void RetireWeakRoot(int k);
  // Links `n` (just read weakly, checked, no safepoint since) strongly: a root slot or a
  // child of one of this thread's nodes.
  void LinkStrongly(Node* n);

  // ---- phases ----
  // An object's identity, to tell it from a later object in the same cell.
  struct Identity {
    uint64_t id;
    TypeId type;
  };
  // A weak reference as the coordinator recorded it before its collections: a reachable
  // node's field (holder) or a mutator's published WeakRoot (root), what it read, and
  // whether the model's walk found that referent reachable.
  struct WeakRecord {
    const Node* holder;  // or nullptr for a root
    const PublishedWeakRoot* root;
    int mutator;         // the root's owner
    Node* value;
    bool reachable;
  };
  // What the coordinator's walk found reachable from every published root and pin and the
  // frozen array.
  struct Reachable {
    std::unordered_map<const void*, Identity> seen;  // every object (nodes and buffers)
    std::vector<Node*> nodes;                        // the nodes that passed their check
    uint64_t bytes = 0;                              // LiveBytesOf the objects that passed
    int64_t objects() const { return static_cast<int64_t>(seen.size()); }
  };

  void Publish();
  void Coordinate(int phase);
  // Walks and checks everything reachable; `pins` counts the outstanding pins per node.
  Reachable Walk(const char* where, const std::unordered_map<const Node*, int>& pins);
  void CheckLiveBytes(const char* where, const HeapStats& stats, const Reachable& reach);
  // Also cuts every edge into a few referents of `weak` that no root or pin holds.
  void CutEdges(const Reachable& reach, const std::vector<WeakRecord>& weak);
  // Every weak field of a node of `reach` and every published WeakRoot, with what it reads;
  // a non-null referent must pass the object check.
  std::vector<WeakRecord> RecordWeak(const char* where, const Reachable& reach);
  // The model's verdict: drops the fields of nodes `reach` no longer holds (they may be
  // freed), and notes which referents `reach` holds.
  static void JudgeWeak(std::vector<WeakRecord>& recorded, const Reachable& reach);
  // After two collections: (a) nothing dangles, (b) a reference to a reachable referent is
  // unchanged, (c) one to an unreachable referent reads null; a callback root's callback has
  // run (after RunFinalizers) iff its root reads null.
  void CheckWeak(const char* where, const std::vector<WeakRecord>& recorded);
  std::string WeakName(const WeakRecord& w) const;
  int64_t CheckReclaimed(const char* where, const Reachable& earlier, const Reachable& now);
  void RotateShared(int phase);
  void Teardown();

  void SetActivity(Activity a) {
    world_.activity[index_].store(static_cast<int>(a), std::memory_order_relaxed);
  }

  World& world_;
  Heap& heap_;
  const int index_;
  const uint64_t seed_;
  std::mt19937_64 rng_;
  ObjectChecker check_;
  Report report_;
  int phase_ = -1;

  std::optional<ThreadScope> attach_;
  std::optional<HandleScope> scope_;
  std::vector<Handle<Node>> handles_;  // kHandleSlots, in scope_
  Node* globals_[kGlobalSlots] = {};   // a global-root range for the thread's life
  std::vector<Node*> pins_;            // one entry per outstanding Pin()
  WeakRef weak_roots_[kWeakRoots];
  WeakCallLedger weak_calls_;                     // its entries: callback roots' `data`
  std::vector<CallExpectation> call_expectations_;  // per ledger entry; owner only

  uint64_t next_serial_ = 1;
  int64_t ops_until_reattach_ = 0;
  uint64_t last_collections_ = 0;
  int64_t ops_since_walk_ = 0;
  int64_t own_nodes_ = 0;  // as of the last walk
  bool coordinating_ = false;  // walking every mutator's graph (between the barriers)
  Reachable previous_;         // the coordinator's: reachable at the end of the last barrier
};

std::string Mutator::Context() const {
  std::ostringstream s;
  s << "[" << world_.scenario.label << " seed " << seed_ << ", mutator " << index_ << ", phase "
    << phase_ << ", op " << report_.ops << "]";
  return s.str();
}

// ---- attachment ----

void Mutator::Attach() {
  attach_.emplace(heap_);
  scope_.emplace();
  handles_.clear();
  for (int i = 0; i < kHandleSlots; ++i) handles_.emplace_back(nullptr);
  ops_until_reattach_ = 150 + static_cast<int64_t>(rng_() % 900);
}

void Mutator::Detach() {
  handles_.clear();
  scope_.reset();
  attach_.reset();
}

void Mutator::Reattach() {
  // Keep some handle roots by moving them to global slots; the rest become garbage.
  if (rng_() % 2) {
    for (int i = 0; i < kHandleSlots; ++i) {
      if (rng_() % 3 == 0) globals_[rng_() % kGlobalSlots] = handles_[i].get();
    }
  }
  Detach();
  SetActivity(Activity::kDetached);
  // Detached: only the global range and the pins keep this thread's objects alive, while
  // the others allocate and collect.
  if (rng_() % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng_() % 300));
  Attach();
  SetActivity(Activity::kMutating);
  ++report_.reattaches;
  VerifyOwnGraph("after re-attaching");
}

// ---- objects ----

uint32_t Mutator::RandomPayloadBytes(size_t header) {
  const uint64_t r = rng_() % 1000;
  if (r < 600) return static_cast<uint32_t>(rng_() % 48);
  if (r < 850) return static_cast<uint32_t>(48 + rng_() % 464);
  if (r < 960) return static_cast<uint32_t>(512 + rng_() % 3584);
  if (r < 993) return static_cast<uint32_t>(4096 + rng_() % (kMaxSmallObject - 4096 - header));
  return static_cast<uint32_t>(kMaxSmallObject + rng_() % (96 * 1024));  // large object
}

Node* Mutator::NewNode(uint16_t owner) {
  const uint32_t bytes = RandomPayloadBytes(sizeof(Node));
  uint32_t final_index = kNotFinalizable;
  if (rng_() % 12 == 0) {
    const uint32_t i = world_.ledger.next.fetch_add(1, std::memory_order_relaxed);
    if (i < world_.ledger.capacity) final_index = i;
  }
  const TypeId type = final_index != kNotFinalizable ? kFinalNodeType : kNodeType;
  Node* n = static_cast<Node*>(Allocate(type, sizeof(Node) + bytes));
  check_.CheckZeroed(n, sizeof(Node) + bytes, "node");
  n->id = uint64_t{owner} << 48 | next_serial_++;
  n->payload_bytes = bytes;
  n->final_index = final_index;
  n->owner = owner;
  FillBytes(n->payload, bytes, n->id * 31 + seed_);
  n->checksum = NodeChecksum(*n);
  ++report_.nodes;
  report_.large += sizeof(Node) + bytes > kMaxSmallObject;
  report_.finalizable += final_index != kNotFinalizable;
  return n;
}

Buffer* Mutator::NewBuffer() {
  const uint32_t bytes = RandomPayloadBytes(sizeof(Buffer));
  Buffer* b = static_cast<Buffer*>(Allocate(kBufferType, sizeof(Buffer) + bytes));
  check_.CheckZeroed(b, sizeof(Buffer) + bytes, "buffer");
  b->id = static_cast<uint64_t>(index_) << 48 | next_serial_++;
  b->bytes = bytes;
  FillBytes(b->data, bytes, b->id * 17 + seed_);
  b->checksum = BufferChecksum(*b);
  ++report_.buffers;
  report_.large += sizeof(Buffer) + bytes > kMaxSmallObject;
  return b;
}

Node* Mutator::RandomReachable(bool own_only) {
  Node* n = nullptr;
  for (int tries = 0; tries < 4 && n == nullptr; ++tries) {
    const size_t sources = kSlots + pins_.size() + (own_only ? 0 : kSharedSlots);
    const size_t pick = rng_() % sources;
    if (pick < kSlots) {
      n = Slot(static_cast<int>(pick));
    } else if (pick < kSlots + pins_.size()) {
      n = pins_[pick - kSlots];
    } else {
      n = world_.shared[pick - kSlots - pins_.size()];
    }
    if (n != nullptr && own_only && n->owner != index_) n = nullptr;
  }
  if (n == nullptr || !CheckNode(n, "reading a root")) return nullptr;
  for (int hops = static_cast<int>(rng_() % 5); hops > 0; --hops) {
    // One hop in 16 follows the weak field: a node it returns may be unreachable but not
    // yet collected, and the callers link what this returns strongly (the read shaded it).
    const bool weak = rng_() % 16 == 0;
    Node* next = weak ? n->weak.get() : n->children[rng_() % kChildren].get();
    if (weak) {
      ++report_.weak_reads;
      report_.weak_hits += next != nullptr;
    }
    if (next == nullptr || (own_only && next->owner != index_)) break;
    if (!CheckNode(next, weak ? "reading a weak field" : "reading a child")) return nullptr;
    n = next;
  }
  return n;
}

void Mutator::VerifyOwnGraph(const char* where) {
  SetActivity(Activity::kVerifying);
  std::unordered_set<const void*> seen;
  std::vector<const Node*> work;
  for (int i = 0; i < kSlots; ++i) work.push_back(Slot(i));
  for (const Node* p : pins_) work.push_back(p);
  int64_t own = 0, visited = 0;
  while (!work.empty()) {
    const Node* n = work.back();
    work.pop_back();
    if (n == nullptr || !seen.insert(n).second) continue;
    // Non-allocating work: poll, so a collection never waits for the walk. The nodes on the
    // work list stay valid across the safepoint: they are reachable and nothing moves.
    if (++visited % 128 == 0) Safepoint();
    if (!CheckNode(n, where)) continue;
    own += n->owner == index_;
    if (n->buffer != nullptr && seen.insert(n->buffer).second) CheckBuffer(n->buffer, where);
    for (const Node* child : n->children) work.push_back(child);
  }
  own_nodes_ = own;
  report_.max_own_nodes = std::max(report_.max_own_nodes, own);
  ++report_.walks;
  ops_since_walk_ = 0;
  SetActivity(Activity::kMutating);
}

// ---- operations ----

void Mutator::OpNewNode() {
  HandleScope scope;
  Handle<Buffer> buffer(rng_() % 5 == 0 ? NewBuffer() : nullptr);
  Handle<Node> fresh(NewNode(static_cast<uint16_t>(index_)));
  // No allocation from here on: raw pointers stay valid.
  fresh->buffer = buffer.get();
  for (Member<Node>& child : fresh->children) {
    child = rng_() % 2 ? RandomReachable(false) : nullptr;
  }
  Node* parent = RandomReachable(true);
  if (parent != nullptr && rng_() % 3 != 0) {
    parent->children[rng_() % kChildren] = fresh.get();
  } else {
    SetSlot(static_cast<int>(rng_() % kSlots), fresh.get());
  }
}

void Mutator::OpNewBuffer() {
  Buffer* b = NewBuffer();
  Node* n = RandomReachable(true);  // no safepoint since the allocation: `b` is still valid
  if (n != nullptr) n->buffer = b;
}

void Mutator::OpRewire() {
  Node* from = RandomReachable(true);
  if (from == nullptr) return;
  switch (rng_() % 6) {
    case 0:
      from->buffer = nullptr;
      break;
    case 1: {
      const Node* other = RandomReachable(false);
      if (other != nullptr) from->buffer = other->buffer;  // buffers are shared, never written
      break;
    }
    default:
      from->children[rng_() % kChildren] = rng_() % 4 ? RandomReachable(false) : nullptr;
      break;
  }
}

void Mutator::OpSetRoot() {
  const int slot = static_cast<int>(rng_() % kSlots);
  SetSlot(slot, rng_() % 3 ? RandomReachable(false) : nullptr);
}

void Mutator::OpPin() {
  if (pins_.size() >= kMaxPins) return OpUnpin();
  Node* n = RandomReachable(false);
  if (n == nullptr) return;
  Pin(n);
  pins_.push_back(n);
  ++report_.pins;
  // Often make the pin the only root this thread has for it (other nodes may still point to
  // it; for frozen nodes, the shared array does).
  if (n->owner == index_ && rng_() % 2) ClearSlotsHolding(n);
}

void Mutator::OpUnpin() {
  if (pins_.empty()) return OpPin();
  const size_t i = rng_() % pins_.size();
  Node* n = pins_[i];
  pins_[i] = pins_.back();
  pins_.pop_back();
  if (!CheckNode(n, "unpinning")) return;
  // Only this thread pins its own nodes (CallNative included, and it is not in one now), so
  // their count is exact; frozen nodes may be pinned by others too.
  const int32_t count = PinCount(n);
  const int mine = PinsOf(n) + 1;
  if (n->owner == index_ ? count != mine : count < mine) {
    Fail("unpinning", n, "PinCount " + std::to_string(count) + " but this thread holds " +
                             std::to_string(mine) + " pins");
  }
  if (rng_() % 2) SetSlot(static_cast<int>(rng_() % kSlots), n);  // else it may die now
  Unpin(n);
}

void Mutator::OpOrphanPin() {
  if (pins_.size() >= kMaxPins) return OpUnpin();
  Node* n = NewNode(static_cast<uint16_t>(index_));
  for (Member<Node>& child : n->children) {
    child = rng_() % 3 == 0 ? RandomReachable(false) : nullptr;
  }
  Pin(n);  // nothing references it (yet): only the pin keeps it alive
  pins_.push_back(n);
  ++report_.orphan_pins;
}

void Mutator::OpPinGuardAcrossAllocation() {
  Node* n = NewNode(static_cast<uint16_t>(index_));
  {
    PinGuard guard(n);  // its only root while we allocate below
    n->children[0] = RandomReachable(false);
    for (int k = static_cast<int>(rng_() % 6); k > 0; --k) {
      if (rng_() % 2) {
        NewNode(static_cast<uint16_t>(index_));  // garbage at once
      } else {
        n->buffer = NewBuffer();  // reachable only through the pinned node
      }
    }
    if (CheckNode(n, "pin-guarded object after allocations") && n->buffer != nullptr) {
      CheckBuffer(n->buffer, "buffer of a pin-guarded object");
    }
    ++report_.guarded;
  }
  // Unpinned; the raw pointer is valid until the next safepoint: root it or drop it.
  if (rng_() % 2) SetSlot(static_cast<int>(rng_() % kSlots), n);
}

void Mutator::OpNativeCall() {
  Node* n = RandomReachable(false);
  if (n == nullptr) return;
  Buffer* b = n->buffer;
  // Often the pins CallNative takes are the only thing keeping the argument alive.
  const bool dropped = n->owner == index_ && rng_() % 2;
  if (dropped) ClearSlotsHolding(n);
  const uint64_t node_sum = n->checksum;
  const uint64_t buffer_sum = b != nullptr ? b->checksum : 0;
  const int mode = static_cast<int>(rng_() % 4);
  const int micros = static_cast<int>(rng_() % 40);
  SetActivity(Activity::kNative);
  // Native code: reads its pinned arguments (never writes the heap), and blocks or spins.
  const auto sums = CallNative(
      [mode, micros](const Node* node, const Buffer* buffer) {
        if (mode == 0) {
          std::this_thread::sleep_for(std::chrono::microseconds(micros));
        } else if (mode == 1) {
          std::this_thread::yield();
        } else {
          const auto until = Clock::now() + std::chrono::microseconds(micros / 4);
          while (Clock::now() < until) {
          }
        }
        return std::make_pair(NodeChecksum(*node), buffer ? BufferChecksum(*buffer) : 0);
      },
      n, b);
  SetActivity(Activity::kMutating);
  ++report_.native_calls;
  if (sums.first != node_sum || sums.second != buffer_sum) {
    Fail("native call", n, "an argument changed while its native call ran");
  }
  // Unpinned now, but no safepoint since: still valid.
  CheckNode(n, "after a native call");
  if (b != nullptr) CheckBuffer(b, "buffer after a native call");
  if (dropped && rng_() % 2) SetSlot(static_cast<int>(rng_() % kSlots), n);
}

void Mutator::OpRead() {
  const Node* n = RandomReachable(false);
  if (n != nullptr && n->buffer != nullptr) CheckBuffer(n->buffer, "reading a buffer");
}

void Mutator::OpSafepointWork() {
  // Non-allocating work must poll.
  uint64_t x = rng_();
  for (int i = static_cast<int>(rng_() % 2000); i > 0; --i) {
    x = Mix(x, i);
    if (i % 64 == 0) Safepoint();
  }
  g_sink.store(x, std::memory_order_relaxed);  // keeps the loop
}

// Points one of this thread's nodes' weak field at a node it can reach, at one it is
// dropping (its last root, maybe), at a new node nothing else references, or at nothing.
void Mutator::OpSetWeak() {
  switch (rng_() % 8) {
    case 0: {
      if (Node* from = RandomReachable(true)) from->weak = nullptr;
      break;
    }
    case 1:
    case 2: {
      const int slot = static_cast<int>(rng_() % kSlots);
      Node* dropped = Slot(slot);
      Node* from = RandomReachable(true);
      if (from == nullptr || dropped == nullptr || !CheckNode(dropped, "a root to drop")) break;
      from->weak = dropped;
      SetSlot(slot, nullptr);
      break;
    }
    case 3: {
      Node* fresh = NewNode(static_cast<uint16_t>(index_));
      // No safepoint from here on: `fresh` is valid, and then only weakly referenced.
      Node* from = RandomReachable(true);
      if (from != nullptr) from->weak = fresh;
      break;
    }
    default: {
      Node* from = RandomReachable(true);
      if (from != nullptr) from->weak = RandomReachable(false);
      break;
    }
  }
  ++report_.weak_sets;
}

void Mutator::LinkStrongly(Node* n) {
  ++report_.weak_links;
  Node* parent = RandomReachable(true);  // no safepoint: `n` stays valid
  if (parent != nullptr && rng_() % 2) {
    parent->children[rng_() % kChildren] = n;
  } else {
    SetSlot(static_cast<int>(rng_() % kSlots), n);
  }
}

// A weak read (of a reachable node's field or of a WeakRoot); what it returns is checked
// and, half the time, linked strongly into this thread's graph.
void Mutator::OpReadWeak() {
  Node* n = nullptr;
  if (rng_() % 2) {
    const Node* holder = RandomReachable(false);
    if (holder == nullptr) return;
    ++report_.weak_reads;
    n = holder->weak.get();
    if (n == nullptr || !CheckNode(n, "reading a weak field")) return;
    ++report_.weak_hits;
  } else {
    n = ReadWeakRoot(static_cast<int>(rng_() % kWeakRoots), "reading a weak root");
    if (n == nullptr) return;
  }
  if (rng_() % 2) LinkStrongly(n);
}

Node* Mutator::ReadWeakRoot(int k, const char* where) {
  WeakRef& w = weak_roots_[k];
  if (!w.root) return nullptr;
  ++report_.weak_reads;
  Node* n = w.root->get();
  const uint8_t calls = w.call != kNoCall
                            ? weak_calls_.counts[w.call].load(std::memory_order_relaxed)
                            : 0;
  if (n != nullptr) {
    ++report_.weak_hits;
    if (n != w.target) {
      Fail(where, n, "a weak root reads another object than the one it was pointed at");
      return nullptr;
    }
    if (calls != 0) Fail(where, n, "a weak root's callback ran while the root still reads it");
    return CheckNode(n, where) ? n : nullptr;
  }
  // Cleared: its referent was found unreachable, so nothing may root it now (a node at the
  // same address with the same id would be the same object).
  if (calls > 1) Fail(where, w.target, "a weak root's callback ran more than once");
  for (int i = 0; i < kSlots; ++i) {
    const Node* held = Slot(i);
    if (held == w.target && held->id == w.target_id) {
      Fail(where, held, "a weak root was cleared while this thread still roots its referent");
    }
  }
  for (const Node* p : pins_) {
    if (p == w.target && p->id == w.target_id) {
      Fail(where, p, "a weak root was cleared while this thread still pins its referent");
    }
  }
  return nullptr;
}

void Mutator::RetireWeakRoot(int k) {
  WeakRef& w = weak_roots_[k];
  if (!w.root) return;
  if (w.call != kNoCall) {
    // No safepoint between this read and the destruction, so no pause clears it between:
    // a root read null was cleared (its callback is queued or ran), else it never will be.
    const bool cleared = ReadWeakRoot(k, "retiring a weak root") == nullptr;
    call_expectations_[w.call] = cleared ? CallExpectation::kOnce : CallExpectation::kNever;
    report_.weak_roots_cleared += cleared;
  }
  w.root.reset();
  w.call = kNoCall;
}

// Points a WeakRoot at a node this thread reaches, or at one it is dropping. Callback roots
// are replaced (a callback stays with its root), the others re-pointed with set().
void Mutator::OpSetWeakRoot() {
  const int k = static_cast<int>(rng_() % kWeakRoots);
  Node* target = nullptr;
  int dropped_slot = -1;
  if (rng_() % 3 == 0) {
    dropped_slot = static_cast<int>(rng_() % kSlots);
    target = Slot(dropped_slot);
    if (target != nullptr && !CheckNode(target, "a root to drop")) return;
  } else {
    target = RandomReachable(false);
  }
  if (target == nullptr) return;
  WeakRef& w = weak_roots_[k];
  if (k < kCallbackRoots) {
    RetireWeakRoot(k);
    if (weak_calls_.next < weak_calls_.capacity) {
      w.call = weak_calls_.next++;
      call_expectations_.push_back(CallExpectation::kOpen);
      ++report_.weak_call_roots;
    }
    w.root.emplace(heap_, target, w.call != kNoCall ? &CountWeakCall : nullptr,
                   w.call != kNoCall ? &weak_calls_.counts[w.call] : nullptr);
  } else if (w.root) {
    if (ReadWeakRoot(k, "re-pointing a weak root") == nullptr) ++report_.weak_roots_cleared;
    w.root->set(target);
  } else {
    w.root.emplace(heap_, target);
  }
  w.target = target;
  w.target_id = target->id;
  ++report_.weak_root_sets;
  if (dropped_slot >= 0) SetSlot(dropped_slot, nullptr);
}

void Mutator::Step() {
  world_.progress[index_].fetch_add(1, std::memory_order_relaxed);
  ++report_.ops;
  if (--ops_until_reattach_ <= 0) return Reattach();
  if (++ops_since_walk_ >= 32 && report_.ops % 32 == 0) {
    const uint64_t collections = heap_.stats().collections;
    if (collections != last_collections_ && ops_since_walk_ >= 128) {
      last_collections_ = collections;
      VerifyOwnGraph("after a collection");
    }
  }
  // Above the soft size, replace allocation by dropping roots half the time.
  const bool shrink = own_nodes_ > world_.scenario.soft_live_nodes && rng_() % 2;
  const uint64_t r = rng_() % 1000;
  if (r < 220) return shrink ? SetSlot(static_cast<int>(rng_() % kSlots), nullptr) : OpNewNode();
  if (r < 280) return OpNewBuffer();
  if (r < 420) return OpRewire();
  if (r < 500) return OpSetRoot();
  if (r < 540) return SetSlot(static_cast<int>(rng_() % kSlots), nullptr);
  if (r < 590) return OpPin();
  if (r < 635) return OpUnpin();
  if (r < 650) return OpOrphanPin();
  if (r < 680) return OpPinGuardAcrossAllocation();
  if (r < 740) return OpNativeCall();
  if (r < 820) return OpRead();
  if (r < 860) return OpSetWeak();
  if (r < 890) return OpReadWeak();
  if (r < 910) return OpSetWeakRoot();
  if (r < 999) return OpSafepointWork();
  ++report_.collects;
  heap_.Collect();  // from an attached, running thread
}

// ---- phases ----

void Mutator::Publish() {
  std::vector<Node*>& roots = world_.published_roots[index_];
  roots.clear();
  for (int i = 0; i < kSlots; ++i) roots.push_back(Slot(i));
  world_.published_pins[index_].assign(pins_.begin(), pins_.end());
  std::vector<PublishedWeakRoot>& weak = world_.published_weak[index_];
  weak.clear();
  for (int k = 0; k < kWeakRoots; ++k) {
    const WeakRef& w = weak_roots_[k];
    if (!w.root) continue;
    weak.push_back({k, &*w.root, w.call != kNoCall ? &weak_calls_.counts[w.call] : nullptr});
  }
}

// Between the barriers: everyone else waits (natively); nothing mutates but the coordinator.
// It checks the graph as the collector sees it, then that garbage is reclaimed, then rotates
// the frozen nodes.
void Mutator::Coordinate(int phase) {
  SetActivity(Activity::kCoordinating);
  coordinating_ = true;
  std::unordered_map<const Node*, int> pins;
  for (const auto& list : world_.published_pins) {
    for (const Node* p : list) ++pins[p];
  }

  // The barrier check: a collection, then everything reachable, its pins and its bytes.
  heap_.Collect();
  const HeapStats stats = heap_.stats();
  const Reachable before = Walk("barrier check", pins);
  CheckLiveBytes("barrier check", stats, before);
  report_.max_reachable = std::max(report_.max_reachable, before.objects());
  report_.max_live_bytes = std::max(report_.max_live_bytes, before.bytes);

  // Reclamation: cut a few edges, find what became unreachable, collect twice; every
  // object unreachable now must be gone, both those the cuts orphaned and those the mutators
  // dropped during the phase (reachable at the previous barrier, not now).
  // Weak references are recorded before the cuts (a collection may run during the walk
  // after them, and clear those the cuts made unreachable), judged by that walk, and
  // checked after the two collections, once the weak callbacks ran.
  const char* where = "reclamation check";
  std::vector<WeakRecord> weak = RecordWeak("weak record", before);
  CutEdges(before, weak);
  Reachable after = Walk(where, pins);
  JudgeWeak(weak, after);
  heap_.Collect();
  heap_.Collect();
  CheckLiveBytes(where, heap_.stats(), after);
  report_.dead_from_cuts += CheckReclaimed(where, before, after);
  report_.dead_checked += CheckReclaimed(where, previous_, after);
  RunFinalizers();  // the callbacks of the roots these collections cleared
  CheckWeak("weak check", weak);
  previous_ = std::move(after);

  ++report_.barrier_checks;
  RotateShared(phase);
  coordinating_ = false;
}

Mutator::Reachable Mutator::Walk(const char* where,
                                 const std::unordered_map<const Node*, int>& pins) {
  Reachable reach;
  std::vector<Node*> work;
  for (int i = 0; i < world_.scenario.mutators; ++i) {
    const auto& roots = world_.published_roots[i];
    const auto& pinned = world_.published_pins[i];
    work.insert(work.end(), roots.begin(), roots.end());
    work.insert(work.end(), pinned.begin(), pinned.end());
  }
  work.insert(work.end(), std::begin(world_.shared), std::end(world_.shared));
  while (!work.empty()) {
    Node* n = work.back();
    work.pop_back();
    if (n == nullptr || reach.seen.count(n) != 0) continue;
    reach.seen.emplace(n, Identity{n->id, TypeOf(n)});
    if (reach.seen.size() % 128 == 0) Safepoint();
    if (!CheckNode(n, where)) continue;
    reach.nodes.push_back(n);
    reach.bytes += LiveBytesOf(n);
    const auto it = pins.find(n);
    const int want = it == pins.end() ? 0 : it->second;
    const int32_t count = PinCount(n);
    if (count != want) {
      Fail(where, n, "PinCount " + std::to_string(count) + ", outstanding pins " +
                         std::to_string(want));
    }
    if (const Buffer* b = n->buffer; b != nullptr && reach.seen.count(b) == 0) {
      reach.seen.emplace(b, Identity{b->id, TypeOf(b)});
      if (CheckBuffer(b, where)) {
        reach.bytes += LiveBytesOf(b);
        if (PinCount(b) != 0) Fail(where, b, "an unpinned buffer has a pin count");
      }
    }
    for (Node* child : n->children) work.push_back(child);
  }
  return reach;
}

// `stats` are those of a collection that ran while nothing mutated since `reach` was walked
// (a collection between the two, e.g. from the background thread, saw the same graph).
// Also in concurrent mode the count is exact: nothing allocated during that cycle's
// marking, so it added no pages handed out meanwhile.
void Mutator::CheckLiveBytes(const char* where, const HeapStats& stats, const Reachable& reach) {
  if (stats.live_bytes < reach.bytes ||
      (world_.scenario.exact_live_bytes && stats.live_bytes != reach.bytes)) {
    Fail(where, nullptr, "live_bytes " + std::to_string(stats.live_bytes) + " but the " +
                             std::to_string(reach.objects()) + " reachable objects take " +
                             std::to_string(reach.bytes));
  }
  const int64_t overcount =
      static_cast<int64_t>(stats.live_bytes) - static_cast<int64_t>(reach.bytes);
  report_.live_overcount_max = std::max(report_.live_overcount_max, overcount);
}

// Clears a few random pointer fields of reachable nodes (any owner's: they are all parked;
// the barrier's mutex orders these stores before their next reads), and the edges into a
// few weakly referenced nodes. A background cycle may be marking meanwhile: these stores
// run the write barrier like any mutator's.
void Mutator::CutEdges(const Reachable& reach, const std::vector<WeakRecord>& weak) {
  if (reach.nodes.empty()) return;
  for (int k = 4 + static_cast<int>(rng_() % 16); k > 0; --k) {
    Node* n = reach.nodes[rng_() % reach.nodes.size()];
    const size_t field = rng_() % (kChildren + 1);
    if (field == kChildren) {
      report_.edges_cut += n->buffer != nullptr;
      n->buffer = nullptr;
    } else {
      report_.edges_cut += n->children[field] != nullptr;
      n->children[field] = nullptr;
    }
  }
  // Then every edge from a node into a few weakly referenced nodes that no root or pin
  // holds: they become unreachable right before the weak references are recorded, the
  // cases where those must read null after the collections.
  std::unordered_set<const Node*> rooted(std::begin(world_.shared), std::end(world_.shared));
  for (int i = 0; i < world_.scenario.mutators; ++i) {
    rooted.insert(world_.published_roots[i].begin(), world_.published_roots[i].end());
    rooted.insert(world_.published_pins[i].begin(), world_.published_pins[i].end());
  }
  std::vector<const Node*> targets;
  for (const WeakRecord& w : weak) {
    if (w.value != nullptr && rooted.count(w.value) == 0) targets.push_back(w.value);
  }
  if (targets.empty()) return;
  std::unordered_set<const Node*> doomed;
  for (int k = 2 + static_cast<int>(rng_() % 8); k > 0; --k) {
    doomed.insert(targets[rng_() % targets.size()]);
  }
  for (Node* n : reach.nodes) {
    for (Member<Node>& child : n->children) {
      if (child != nullptr && doomed.count(child.get()) != 0) {
        child = nullptr;
        ++report_.edges_cut;
      }
    }
  }
}

// Every object of `earlier` that is not in `now` is unreachable and, after two collections,
// must be reclaimed: FindObject no longer finds it. Its cell may hold a new object by now
// (nothing allocates at the barrier, but the phase did), so an object found at the same
// address fails only if it has the same type and id. Returns how many were checked.
int64_t Mutator::CheckReclaimed(const char* where, const Reachable& earlier,
                                const Reachable& now) {
  int64_t checked = 0;
  for (const auto& [address, identity] : earlier.seen) {
    if (now.seen.count(address) != 0) continue;
    ++checked;
    const void* found = FindObject(address);
    if (found != address || TypeOf(found) != identity.type) continue;
    const uint64_t id = identity.type == kBufferType ? static_cast<const Buffer*>(found)->id
                                                     : static_cast<const Node*>(found)->id;
    if (id == identity.id) {
      char text[64];
      std::snprintf(text, sizeof(text), "0x%llx, type %u", static_cast<unsigned long long>(id),
                    static_cast<unsigned>(identity.type.raw()));
      Fail(where, address,
           std::string("an unreachable object (id ") + text +
               ") is still allocated after two collections");
    }
  }
  return checked;
}

std::string Mutator::WeakName(const WeakRecord& w) const {
  std::ostringstream s;
  if (w.holder != nullptr) {
    s << "the weak field of node id 0x" << std::hex << w.holder->id << std::dec << " (owner "
      << w.holder->owner << ")";
  } else {
    s << "weak root " << w.root->slot << " of mutator " << w.mutator
      << (w.root->calls != nullptr ? " (with a callback)" : "");
  }
  return s.str();
}

std::vector<Mutator::WeakRecord> Mutator::RecordWeak(const char* where,
                                                     const Reachable& reach) {
  std::vector<WeakRecord> recorded;
  auto record = [&](WeakRecord w) {
    if (w.value != nullptr && !CheckNode(w.value, where)) {
      Fail(where, w.value, "(a) " + WeakName(w) + " dangles");
    }
    recorded.push_back(w);
  };
  for (const Node* n : reach.nodes) record({n, nullptr, -1, n->weak.get(), false});
  for (int i = 0; i < world_.scenario.mutators; ++i) {
    for (const PublishedWeakRoot& r : world_.published_weak[i]) {
      record({nullptr, &r, i, r.root->get(), false});
    }
  }
  return recorded;
}

void Mutator::JudgeWeak(std::vector<WeakRecord>& recorded, const Reachable& reach) {
  std::erase_if(recorded, [&](const WeakRecord& w) {
    return w.holder != nullptr && reach.seen.count(w.holder) == 0;
  });
  for (WeakRecord& w : recorded) {
    w.reachable = w.value != nullptr && reach.seen.count(w.value) != 0;
  }
}

void Mutator::CheckWeak(const char* where, const std::vector<WeakRecord>& recorded) {
  for (const WeakRecord& w : recorded) {
    ++report_.weak_recorded;
    Node* now = w.holder != nullptr ? w.holder->weak.get() : w.root->root->get();
    if (now != nullptr && !CheckNode(now, where)) {
      Fail(where, now, "(a) " + WeakName(w) + " dangles after two collections");
    } else if (w.value == nullptr) {
      ++report_.weak_was_null;
      if (now != nullptr) Fail(where, now, WeakName(w) + " was null, now reads an object");
    } else if (w.reachable) {
      ++report_.weak_kept;
      if (now != w.value) {
        Fail(where, w.value,
             "(b) " + WeakName(w) + " to a reachable object " +
                 (now == nullptr ? std::string("was cleared") : "changed"));
      }
    } else {
      ++report_.weak_cleared;
      if (now != nullptr) {
        Fail(where, now,
             "(c) " + WeakName(w) +
                 " to an unreachable object still reads it after two collections");
      }
    }
    if (w.root != nullptr && w.root->calls != nullptr) {
      // RunFinalizers ran since the collections (nobody else runs a batch at the barrier).
      const uint8_t calls = w.root->calls->load(std::memory_order_relaxed);
      if (calls != (now == nullptr ? 1 : 0)) {
        Fail(where, w.value,
             WeakName(w) + (now == nullptr ? " was cleared" : " is set") + " but its callback ran " +
                 std::to_string(calls) + " times");
      }
    }
  }
}

// Replaces some frozen nodes; the old ones live on while mutators' graphs reach them.
void Mutator::RotateShared(int phase) {
  HandleScope scope;
  const int replace = phase % 4 == 3 ? kSharedSlots / 2 : 4 + static_cast<int>(rng_() % 12);
  for (int k = 0; k < replace; ++k) {
    const int slot = static_cast<int>(rng_() % kSharedSlots);
    if (rng_() % 8 == 0) {
      world_.shared[slot] = nullptr;
      continue;
    }
    Handle<Buffer> buffer(rng_() % 3 == 0 ? NewBuffer() : nullptr);
    Node* f = NewNode(kSharedOwner);
    f->buffer = buffer.get();
    for (Member<Node>& child : f->children) {
      child = rng_() % 2 ? world_.shared[rng_() % kSharedSlots] : nullptr;  // frozen only
    }
    f->weak = rng_() % 2 ? world_.shared[rng_() % kSharedSlots] : nullptr;  // frozen only
    world_.shared[slot] = f;  // rooted before the next allocation
  }
}

void Mutator::Teardown() {
  SetActivity(Activity::kTearingDown);
  VerifyOwnGraph("at the end");
  for (Node* p : pins_) Unpin(p);
  pins_.clear();
  for (int k = 0; k < kWeakRoots; ++k) RetireWeakRoot(k);
  for (Node*& g : globals_) g = nullptr;
  Detach();
  heap_.roots().RemoveGlobal(reinterpret_cast<void* const*>(globals_));
  SetActivity(Activity::kDone);
}

void Mutator::CheckWeakCalls() {
  for (size_t i = 0; i < weak_calls_.next; ++i) {
    const uint8_t calls = weak_calls_.counts[i].load(std::memory_order_relaxed);
    report_.weak_calls += calls;
    const CallExpectation want = call_expectations_[i];
    if (want == CallExpectation::kOpen ||
        calls != (want == CallExpectation::kOnce ? 1 : 0)) {
      Fail("at the end", nullptr,
           "the callback of weak-root entry " + std::to_string(i) + " ran " +
               std::to_string(calls) + " times; its root was " +
               (want == CallExpectation::kOnce    ? "cleared"
                : want == CallExpectation::kNever ? "never cleared"
                                                  : "never retired"));
    }
  }
}

void Mutator::Run() {
  heap_.roots().AddGlobalRange(reinterpret_cast<void* const*>(globals_), kGlobalSlots);
  Attach();
  const int phases = world_.scenario.phases;
  for (int phase = 0; phase < phases; ++phase) {
    phase_ = phase;
    world_.phase[index_].store(phase, std::memory_order_relaxed);
    SetActivity(Activity::kMutating);
    for (int i = 0; i < world_.scenario.ops_per_phase; ++i) Step();
    // Quiesce: publish roots, meet, let one thread collect and check everything.
    Publish();
    SetActivity(Activity::kAtBarrier);
    world_.barrier.ArriveAndWait();
    if (index_ == 0) Coordinate(phase);
    SetActivity(Activity::kAtBarrier);
    world_.barrier.ArriveAndWait();
    SetActivity(Activity::kMutating);
    VerifyOwnGraph("after the barrier");
  }
  Teardown();
}

// Sets the process-wide fault injection for one run: random stalls if the mode asks for them,
// else none (whatever PINION_FAULTS said); off again when the run ends, however it ends.
class ScopedFaults {
 public:
  ScopedFaults(const Mode& mode, uint64_t seed) {
    if (mode.fault_one_in != 0) {
      fault::Random(seed, mode.fault_one_in, mode.fault_max_delay_us);
    } else {
      fault::Disable();
    }
  }
  ~ScopedFaults() { fault::Disable(); }
  ScopedFaults(const ScopedFaults&) = delete;
  ScopedFaults& operator=(const ScopedFaults&) = delete;
};

void RunScenario(Scenario scenario, const Mode& mode) {
  scenario.mode = mode;
  scenario.label = std::string(scenario.name) + " (" + mode.name + ")";
  scenario.phases = std::max(2, scenario.phases / mode.phase_divisor) * Scale();
  scenario.seed += SeedOffset();
  const std::string name = scenario.label;
  const bool faults = mode.fault_one_in != 0;
  if (faults && !fault::Available()) {
    MESSAGE(name << ": skipped: fault points are compiled out of this build (NDEBUG)");
    return;
  }
  const uint64_t fault_seed = Mix(scenario.seed, 0x6661756c74);  // "fault"
  INFO("scenario " << name << ", seed " << scenario.seed);
  MESSAGE(name << ": " << scenario.mutators << " mutators (seeds " << scenario.seed << ".."
               << scenario.seed + scenario.mutators - 1 << "), " << scenario.phases
               << " phases x " << scenario.ops_per_phase << " ops, min_heap "
               << scenario.min_heap_bytes << ", " << scenario.marker_threads
               << " marker thread(s), torture interval " << mode.torture_interval
               << (faults ? ", faults: seed " + std::to_string(fault_seed) + ", a stall at 1 in " +
                                std::to_string(mode.fault_one_in) + " points, up to " +
                                std::to_string(mode.fault_max_delay_us) + " us"
                          : std::string()));

  FinalizerLedger ledger(size_t{1} << 20);  // outlives the heap: its destructor finalizes
  g_ledger.store(&ledger, std::memory_order_release);
  std::vector<Report> reports;
  uint64_t baseline = 0;
  HeapStats end_stats;
  uint64_t stalls = 0;
  {
    // Before the heap: no collection runs while the mode changes (gc/fault_injection.h).
    const uint64_t stalls_before = fault::Stalls();
    ScopedFaults fault_scope(mode, fault_seed);
    HeapConfig config;
    config.min_heap_bytes = scenario.min_heap_bytes;
    config.growth_factor = scenario.growth_factor;
    config.marker_threads = scenario.marker_threads;
    config.mode = mode.collector;
    config.torture_interval = mode.torture_interval;
    config.generational = mode.generational;
    config.from_environment = false;  // the test case chooses the mode, not PINION_MODE
    Heap heap(config);
    baseline = heap.stats().heap_bytes;
    World world(heap, scenario, ledger);
    heap.roots().AddGlobalRange(reinterpret_cast<void* const*>(world.shared), kSharedSlots);

    std::vector<std::unique_ptr<Mutator>> mutators;
    for (int i = 0; i < scenario.mutators; ++i) {
      mutators.push_back(std::make_unique<Mutator>(world, i));
    }
    std::atomic<bool> stop{false};
    int64_t background_collections = 0;
    {
      Watchdog watchdog(
          kWatchdogSeconds,
          [&] {
            int64_t sum = 0;
            for (int i = 0; i < scenario.mutators; ++i) sum += world.progress[i].load();
            return sum;
          },
          [&] { return world.Describe(); });
      std::thread collector([&] {  // not attached: Collect() from outside the mutator set
        std::mt19937 rng(static_cast<uint32_t>(scenario.seed));
        while (!stop.load(std::memory_order_relaxed)) {
          heap.Collect();
          ++background_collections;
          std::this_thread::sleep_for(std::chrono::microseconds(500 + rng() % 3000));
        }
      });
      std::vector<std::thread> threads;
      for (auto& m : mutators) threads.emplace_back([&m] { m->Run(); });
      for (std::thread& t : threads) t.join();
      stop.store(true, std::memory_order_relaxed);
      collector.join();
    }

    // Every mutator has dropped its roots and pins and detached; drop the frozen nodes too.
    // Unregister first: this thread is not attached, so a pause does not stop it, and in
    // concurrent mode the heap's background thread may be in a cycle reading the globals.
    heap.roots().RemoveGlobal(reinterpret_cast<void* const*>(world.shared));
    std::fill(std::begin(world.shared), std::end(world.shared), nullptr);
    const uint64_t peak_before = heap.stats().peak_heap_bytes;
    heap.Collect();
    heap.Collect();
    {
      // Every weak root is gone; the callbacks of those cleared before may still be queued.
      ThreadScope attach(heap);
      RunFinalizers();
    }
    for (auto& m : mutators) {
      m->CheckWeakCalls();
      reports.push_back(m->report());
    }
    end_stats = heap.stats();
    stalls = fault::Stalls() - stalls_before;
    MESSAGE(name << ": " << end_stats.collections << " collections (" << background_collections
                 << " from the background thread), " << end_stats.bytes_allocated / kMiB
                 << " MiB allocated, peak heap " << peak_before / kMiB << " MiB, max pause "
                 << end_stats.max_pause_ms << " ms, " << end_stats.minor_collections
                 << " minor collections; after dropping all roots: live "
                 << end_stats.live_bytes << " bytes, heap " << end_stats.heap_bytes
                 << " bytes (baseline " << baseline << ")"
                 << (faults ? "; " + std::to_string(stalls) + " fault stalls" : std::string()));
  }  // the heap is destroyed: finalizes whatever is left (nothing should be); faults off
  g_ledger.store(nullptr, std::memory_order_release);
  if (faults) {
    CHECK(stalls > 0);  // the faults reached the code under test
  } else {
    CHECK(stalls == 0);
  }

  Report total;
  for (size_t i = 0; i < reports.size(); ++i) {
    const Report& r = reports[i];
    MESSAGE("mutator " << i << " (seed " << scenario.seed + i << "): " << r.ops << " ops, "
                       << r.nodes << " nodes + " << r.buffers << " buffers (" << r.large
                       << " large, " << r.finalizable << " finalizable), " << r.pins
                       << " pins + " << r.orphan_pins << " orphan pins, " << r.guarded
                       << " guarded, " << r.native_calls << " native calls, " << r.reattaches
                       << " re-attaches, " << r.collects << " Collect() calls, " << r.walks
                       << " graph walks, " << r.objects_checked << " object checks, max "
                       << r.max_own_nodes << " own nodes; weak: " << r.weak_sets
                       << " field stores, " << r.weak_root_sets << " root stores ("
                       << r.weak_call_roots << " callback roots), " << r.weak_reads
                       << " reads (" << r.weak_hits << " non-null, " << r.weak_links
                       << " linked strongly), " << r.weak_roots_cleared
                       << " roots seen cleared, " << r.weak_calls << " callbacks");
    for (const std::string& f : r.failures) FAIL_CHECK(f);
    CHECK(r.failures.empty());
    CHECK(r.ops == int64_t{scenario.phases} * scenario.ops_per_phase);
    CHECK(r.reattaches > 1);
    CHECK(r.native_calls > 0);
    CHECK(r.orphan_pins > 0);
    CHECK(r.walks > scenario.phases);
    CHECK(r.weak_sets > 0);
    CHECK(r.weak_hits > 0);
    CHECK(r.weak_links > 0);
    total.large += r.large;
    total.weak_roots_cleared += r.weak_roots_cleared;
    total.weak_calls += r.weak_calls;
  }
  const Report& coordinator = reports[0];
  MESSAGE("barrier checks: " << coordinator.barrier_checks << ", up to "
                             << coordinator.max_reachable << " reachable objects ("
                             << coordinator.max_live_bytes << " bytes); live_bytes exceeded "
                             << "the reachable bytes by at most "
                             << coordinator.live_overcount_max << "; reclamation: "
                             << coordinator.edges_cut << " edges cut, orphaning "
                             << coordinator.dead_from_cuts << " objects; "
                             << coordinator.dead_checked
                             << " objects unreachable since the previous barrier; each gone "
                             << "after two collections; weak references: "
                             << coordinator.weak_recorded << " recorded, "
                             << coordinator.weak_was_null << " null, " << coordinator.weak_kept
                             << " to reachable objects kept, " << coordinator.weak_cleared
                             << " to unreachable ones cleared");
  CHECK(coordinator.barrier_checks == scenario.phases);
  CHECK(coordinator.dead_checked > 0);
  CHECK(coordinator.dead_from_cuts > 0);
  CHECK(coordinator.weak_kept > 0);
  CHECK(coordinator.weak_cleared > 0);
  CHECK(total.weak_roots_cleared > 0);
  CHECK(total.weak_calls > 0);
  CHECK(total.large > 0);
  CHECK(end_stats.collections > static_cast<uint64_t>(2 * scenario.phases));

  // Nothing rooted, nothing pinned: nothing live, and the memory went back (the collector
  // keeps up to min_heap_bytes of free pages, plus one metadata page per segment holding one).
  CHECK(end_stats.live_bytes == 0);
  CHECK(end_stats.heap_bytes <= baseline + 2 * scenario.min_heap_bytes);

  // Every finalizable object died, so each was finalized exactly once.
  const uint32_t handed_out =
      std::min<uint32_t>(ledger.next.load(), static_cast<uint32_t>(ledger.capacity));
  int64_t never = 0, twice = 0;
  for (uint32_t i = 0; i < handed_out; ++i) {
    const uint8_t c = ledger.counts[i].load();
    never += c == 0;
    twice += c > 1;
  }
  INFO(handed_out << " finalizable objects: " << never << " never finalized, " << twice
                  << " finalized more than once");
  CHECK(handed_out > 0);
  CHECK(never == 0);
  CHECK(twice == 0);
  CHECK(ledger.bad_index.load() == 0);
}

// ---- The scenarios, each in every mode ------------------------------------------------------

Scenario FourMutators() {
  return {.name = "four-mutators",
          .seed = 20240601,
          .mutators = 4,
          .phases = 16,
          .ops_per_phase = 2000,
          .soft_live_nodes = 1500,
          .min_heap_bytes = 1 * kMiB,
          .growth_factor = 2.0,
          .marker_threads = 2,
          .exact_live_bytes = false};
}

Scenario SixMutatorsExact() {
  return {.name = "six-mutators-exact",
          .seed = 777000,
          .mutators = 6,
          .phases = 10,
          .ops_per_phase = 1500,
          .soft_live_nodes = 1000,
          .min_heap_bytes = 2 * kMiB,
          .growth_factor = 1.5,
          .marker_threads = 1,
          .exact_live_bytes = true};
}

}  // namespace

TEST_CASE("graph stress [stop-the-world]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kStopTheWorld);
}
TEST_CASE("graph stress [stop-the-world]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kStopTheWorld);
}

TEST_CASE("graph stress [concurrent]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kConcurrent);
}
TEST_CASE("graph stress [concurrent]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kConcurrent);
}

TEST_CASE("graph stress [concurrent+torture]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kConcurrentTorture);
}
TEST_CASE("graph stress [concurrent+torture]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kConcurrentTorture);
}

TEST_CASE("graph stress [stop-the-world+torture]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kStopTheWorldTorture);
}
TEST_CASE("graph stress [stop-the-world+torture]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kStopTheWorldTorture);
}

// Fault-injected modes: skipped (with a message) in -c opt builds, which compile the fault
// points out.
TEST_CASE("graph stress [stop-the-world+faults]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kStopTheWorldFaults);
}
TEST_CASE("graph stress [stop-the-world+faults]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kStopTheWorldFaults);
}

TEST_CASE("graph stress [concurrent+faults]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kConcurrentFaults);
}
TEST_CASE("graph stress [concurrent+faults]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kConcurrentFaults);
}

TEST_CASE("graph stress [concurrent+torture+faults]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kConcurrentTortureFaults);
}
TEST_CASE("graph stress [concurrent+torture+faults]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kConcurrentTortureFaults);
}

TEST_CASE("graph stress [generational]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kGenerational);
}
TEST_CASE("graph stress [generational]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kGenerational);
}
TEST_CASE("graph stress [generational+torture]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kGenerationalTorture);
}
TEST_CASE("graph stress [generational+torture]: 6 mutators, 1 marker, live bytes exact") {
  RunScenario(SixMutatorsExact(), kGenerationalTorture);
}
TEST_CASE("graph stress [generational+torture+faults]: 4 mutators, 2 markers, tiny heap") {
  RunScenario(FourMutators(), kGenerationalTortureFaults);
}

}  // namespace pinion::stress
