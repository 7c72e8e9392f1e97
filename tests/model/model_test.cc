// Model-based random API testing: three threads run random sequences of Pinion API
// operations, and after every collection the test observes, the heap is checked against the
// test's own model of it.
//
// The run. Each thread draws operations from its own seeded generator: allocate (nodes with
// four Member<T> fields, pointer-free blobs; every small size class and large objects past
// 16 KiB), link and unlink fields, pin and unpin, hand a pinned object to another thread which
// unpins it (pins are per-thread logs counted at pauses, so the cross-thread unpin must
// balance), set handles and open nested HandleScopes, set global roots (a range registered for
// the thread's life, and GlobalRoot<T>s added and removed), freeze an object and publish it
// in a shared global-root table, take one from there, enter a NativeRegion, CallNative with a
// pinned argument, detach and re-attach (destroying the ThreadScope: handles are lost),
// Collect(), Safepoint(), and pin churn (a burst of pins, then their unpins in another order,
// which fills the pin log so that the thread counts it itself). An unattached background
// thread also calls Collect() every few milliseconds. Collections also start by themselves
// (a 1 MiB trigger; in concurrent mode the pacer's background cycles) and, in the torture
// cases, every few allocations.
//
// Ownership, so that the test itself has no data race: a thread writes only the objects it
// allocated, and its own model of them. Frozen objects never change again; they point only
// to frozen objects and are shared read-only (their records too), published through the
// table under a mutex. A thread's fields point only to its own or frozen objects. A handed-off
// object travels, pinned, through the receiver's mutex-protected inbox; the receiver only
// reads its immutable bytes and unpins it.
//
// The model. Every object has a Rec (tests/model/model.h): id, address, kind, size, owner,
// frozen, fields; and a self-check (the id and a checksum of every immutable byte in the
// object's header). Roots are the model's too: each thread's handles, globals, GlobalRoots,
// pins and received pins, the shared table and the inboxes.
//
// The checks.
//  - Continuously: every object an operation picks (by a random walk from the thread's roots)
//    is intact: FindObject of its start and of an interior address, TypeOf, ObjectSize, the
//    header, the checksum, and every field as the model says. New objects come back zeroed.
//  - After every collection a thread observes (its own Collect(), a re-attach, or the
//    collection count moving): everything reachable from its roots is intact.
//  - Every round (300 operations per thread), all threads meet at a barrier, waiting inside a
//    NativeRegion, and thread 0 checks the whole heap (the background collector held off):
//    it computes what the model says is reachable and what is not; collects; checks every
//    reachable object, that its PinCount is exactly the model's pins on it (own pins, received
//    pins and pins in inboxes) and that HeapStats::live_bytes covers exactly the reachable
//    bytes (at least them with two markers); collects again; and checks that every object the
//    model found unreachable is reclaimed: nothing with its type and id starts at its address
//    any more (after these two collections, with nothing allocating meanwhile). The dead
//    records are then forgotten.
//  - At the end: every pin released, every root dropped, a collection finds nothing live.
//
// The cases: one per combination of collector mode (stop-the-world, concurrent), GC torture
// (a cycle every 40 allocations of a thread in stop-the-world mode; in concurrent mode one
// requested every 16, so that the heap is marking nearly all the time) and fault injection
// (gc/fault_injection.h: random stalls at the handshake's points; compiled in when NDEBUG is
// unset, so the "+faults" cases report themselves skipped under -c opt). Two markers, or one
// in the torture cases (live_bytes exact). Three more run a generational heap
// (HeapConfig::generational, stop-the-world: automatic and torture collections mostly minor),
// plain, with torture and with torture and faults. Each sets HeapConfig::from_environment = false:
// PINION_MODE and friends do not change it. Select with
// --test_arg=-tc='model [concurrent+torture*]'.
//
// Length and seed: a fixed-seed quick run by default, what CI runs: 30 rounds (18 with
// torture), about 9 s for all eleven cases in fastbuild, 5 s under ASan, 30 s under TSan, on
// two shared cores. PINION_MODEL_SCALE=N multiplies the rounds; PINION_MODEL_SEED=N replaces
// the base seed (default 1). Each failure prints the seed, the case (mode), the thread, the
// round and the operation index with the thread's last operations, and the command that
// replays the same seeds (each thread draws the same numbers; what they pick still depends
// on the interleaving, which is the scheduler's, so a replay may need a few runs or a larger
// scale):
//   PINION_MODEL_SEED=N bazel test //tests/model:model_test --test_arg=-tc='<case>'
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "gc/errors.h"
#include "gc/fault_injection.h"
#include "gc/heap.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "roots/root_set.h"
#include "tests/model/model.h"

namespace pinion::model {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kThreads = 3;
constexpr int kHandleSlots = 8;        // per attachment, in the thread's base HandleScope
constexpr int kGlobalSlots = 8;        // a global-root range registered for the thread's life
constexpr size_t kMaxGlobalRoots = 4;  // GlobalRoot<Object>s per thread
constexpr size_t kMaxPins = 16;        // own outstanding pins per thread
constexpr size_t kMaxReceived = 8;     // received pins a thread holds before unpinning
constexpr int kSharedSlots = 16;       // the frozen-object table, a global-root range
constexpr int64_t kSoftLiveObjects = 1200;  // per thread: above it, drop more than allocate
constexpr int kOpsPerRound = 300;      // per thread, between barriers
constexpr int kWatchdogSeconds = 240;  // no progress for this long: a deadlock
constexpr int kRecentOps = 12;         // printed with each failure

// ---- Cases ---------------------------------------------------------------------------------

struct Case {
  const char* name;  // the TEST_CASE's name
  int index;         // salts the seed
  CollectorMode mode;
  uint64_t torture_interval;
  bool faults;
  // Two markers race (live_bytes may count an object twice: checked as a lower bound); one
  // makes live_bytes exact.
  int marker_threads;
  int rounds;  // times PINION_MODEL_SCALE
  bool generational = false;  // HeapConfig::generational (stop-the-world)
};

// ---- Operations ----------------------------------------------------------------------------

enum class Op : int {
  kAllocate, kLink, kUnlink, kPin, kUnpin, kHandOff, kReceive, kUnpinReceived, kSetHandle,
  kHandleScope, kSetGlobal, kAddGlobalRoot, kRemoveGlobalRoot, kFreeze, kTakeShared,
  kNative, kCallNative, kReattach, kCollect, kSafepoint, kPinChurn, kCount
};

const char* OpName(Op op) {
  static const char* const kNames[] = {
      "allocate",   "link",          "unlink",     "pin",          "unpin",
      "hand off",   "receive",       "unpin received", "set handle", "handle scope",
      "set global", "add GlobalRoot", "remove GlobalRoot", "freeze", "take shared",
      "native region", "CallNative", "detach+re-attach", "Collect", "Safepoint",
      "pin churn"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<int>(Op::kCount));
  return kNames[static_cast<int>(op)];
}

// Weights per 1000 draws, in Op order.
constexpr std::array<int, static_cast<int>(Op::kCount)> kWeights = {
    290,  // allocate
    130,  // link
    45,   // unlink
    50,   // pin
    45,   // unpin
    30,   // hand off
    30,   // receive
    20,   // unpin received
    60,   // set handle
    35,   // handle scope
    40,   // set global
    15,   // add GlobalRoot
    12,   // remove GlobalRoot
    25,   // freeze
    40,   // take shared
    30,   // native region
    25,   // CallNative
    6,    // detach+re-attach
    7,    // Collect
    55,   // Safepoint
    10,   // pin churn
};
static_assert([] {
  int sum = 0;
  for (int w : kWeights) sum += w;
  return sum == 1000;
}());

// ---- Shared state --------------------------------------------------------------------------

// Failures from any thread: printed at once, kept (the first 20) for the test's report.
class Failures {
 public:
  void Add(const std::string& message) {
    std::fprintf(stderr, "FAILURE %s\n", message.c_str());
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    if (messages_.size() < 20) messages_.push_back(message);
  }
  bool any() {
    std::lock_guard<std::mutex> lock(mu_);
    return count_ != 0;
  }
  std::vector<std::string> messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

 private:
  std::mutex mu_;
  int64_t count_ = 0;                  // guarded by mu_
  std::vector<std::string> messages_;  // guarded by mu_
};


class Worker;

struct World {
  World(Heap& heap, const Case& c, uint64_t base_seed, int rounds)
      : heap(heap), test_case(c), base_seed(base_seed), rounds(rounds) {}

  Heap& heap;
  const Case& test_case;
  const uint64_t base_seed;
  const int rounds;
  stress::PhaseBarrier barrier{kThreads};
  Failures failures;
  std::array<Worker*, kThreads> workers{};

  std::mutex mu;  // guards shared_recs and the inboxes, and orders writes to `shared`
  // Frozen objects: a global-root range. Written under mu by running attached threads (no
  // safepoint inside: the collector reads it only in pauses, which the handshake orders).
  Object* shared[kSharedSlots] = {};
  Rec* shared_recs[kSharedSlots] = {};                // guarded by mu
  std::array<std::deque<Rec*>, kThreads> inboxes;     // guarded by mu: pinned, for thread i

  // Held by the background collector around each Collect() and by the checker around a
  // barrier check, so that no cycle sweeps while the checker reads dead cells.
  std::mutex collect_gate;
  // Set by the checker between the two barriers of a round, read by all after the second.
  bool stop = false;
  std::array<std::atomic<int64_t>, kThreads> progress{};  // for the watchdog (relaxed)

  std::string Replay() const {
    return "replay: PINION_MODEL_SEED=" + std::to_string(base_seed) +
           " bazel test //tests/model:model_test --test_arg=-tc='" + test_case.name + "'";
  }
};

// What each thread did, for the report.
struct Report {
  std::array<int64_t, static_cast<int>(Op::kCount)> ops{};
  int64_t allocated = 0, large = 0, blobs = 0, local_checks = 0, objects_checked = 0;
  int64_t observed_collections = 0, max_local_live = 0;
  // The checker's.
  int64_t barrier_checks = 0, max_reachable = 0, dead_checked = 0, pin_checks = 0;
  int64_t max_live_overcount = 0;
};

// ---- A worker thread -----------------------------------------------------------------------

class Worker {
 public:
  Worker(World& world, int index)
      : world_(world),
        heap_(world.heap),
        index_(index),
        seed_(Mix(Mix(world.base_seed, 0x6d6f64656c + world.test_case.index), index + 1)),
        rng_(seed_) {}

  void Run();

  // At a barrier (this thread waits in it): its roots, and a count of the pins it holds.
  void AddRoots(std::vector<Rec*>& roots, std::unordered_map<const Rec*, int>& pins) const;
  std::unordered_map<uint64_t, std::unique_ptr<Rec>>& records() { return records_; }
  const Report& report() const { return report_; }
  uint64_t seed() const { return seed_; }
  // For the misuse handler and failures.
  std::string Context() const;

  static thread_local Worker* current;

 private:
  enum class Want { kAny, kOwnNode, kOwnMutable };

  // ---- attachment ----
  void Attach();
  void Detach();

  // ---- model ----
  Rec* NewObject(Kind kind, uint32_t payload_bytes);
  Rec* NewObject() {
    const Kind kind = rng_() % 10 < 3 ? Kind::kBlob : Kind::kNode;
    return NewObject(kind, DrawPayloadBytes(rng_));
  }
  void Link(Rec* from, int field, Rec* to) {
    from->node()->fields[field] = static_cast<Object*>(to != nullptr ? to->address : nullptr);
    from->fields[field] = to;
  }
  // A field of `node` to store into: an empty one if there is one, more often than not (so
  // that the graph grows rather than only churns); with `empty_only`, always.
  int FieldToWrite(const Rec* node, bool empty_only = false) {
    const int first = static_cast<int>(rng_() % kFields);
    if (!empty_only && rng_() % 4 == 0) return first;
    for (int k = 0; k < kFields; ++k) {
      if (node->fields[(first + k) % kFields] == nullptr) return (first + k) % kFields;
    }
    return first;
  }
  Rec* RandomRoot();
  // An object reachable from this thread's roots, by a random walk; checked. nullptr if none.
  Rec* Pick(Want want);
  // Roots `r` somewhere (handle, global, a field of an own node, a pin), or drops it.
  void Place(Rec* r);
  void SetHandle(int slot, Rec* r) {
    handles_[slot].set(static_cast<Object*>(r != nullptr ? r->address : nullptr));
    handle_recs_[slot] = r;
  }
  void SetGlobal(int slot, Rec* r) {
    globals_[slot] = static_cast<Object*>(r != nullptr ? r->address : nullptr);
    global_recs_[slot] = r;
  }
  // Clears the handles and globals that hold `r` (so a pin may be its only root).
  void DropRootsOf(const Rec* r);

  // ---- checks ----
  bool Check(const Rec* r, bool fields, const char* where) {
    ++report_.objects_checked;
    const std::string error = CheckIntact(*r, fields);
    if (error.empty()) return true;
    Fail(where, error);
    return false;
  }
  void Fail(const std::string& where, const std::string& what);
  // Everything reachable from this thread's roots is intact.
  void LocalCheck(const char* where);
  // Thread 0, between the barriers: the whole heap against the model.
  void GlobalCheck();

  // ---- operations ----
  void Step();
  void OpAllocate();
  void Grow(Rec* root);
  void OpLink();
  void OpUnlink();
  void OpPin();
  void OpUnpin();
  void OpHandOff();
  void OpReceive();
  void OpUnpinReceived();
  void OpSetHandle();
  void OpHandleScope();
  void OpSetGlobal();
  void OpAddGlobalRoot();
  void OpRemoveGlobalRoot();
  void OpFreeze();
  void OpTakeShared();
  void OpNative();
  void OpCallNative();
  void OpReattach();
  void OpCollect();
  void OpSafepoint();
  void OpPinChurn();
  void Teardown();

  World& world_;
  Heap& heap_;
  const int index_;
  const uint64_t seed_;
  std::mt19937_64 rng_;
  Report report_;
  int round_ = 0;
  int64_t op_index_ = -1;
  Op op_ = Op::kCount;
  std::array<std::pair<int64_t, Op>, kRecentOps> recent_{};
  uint64_t serial_ = 0;
  uint64_t last_collections_ = 0;
  int64_t ops_since_check_ = 0;
  int64_t local_live_ = 0;  // own objects reachable at the last local check

  // Every object this thread allocated that the checker has not yet found dead. Written by
  // this thread, and by the checker at a barrier.
  std::unordered_map<uint64_t, std::unique_ptr<Rec>> records_;

  // Roots. Handles belong to the current attachment.
  std::optional<ThreadScope> attach_;
  std::optional<HandleScope> scope_;
  std::vector<Handle<Object>> handles_;
  std::array<Rec*, kHandleSlots> handle_recs_{};
  Object* globals_[kGlobalSlots] = {};  // read by the collector in pauses
  std::array<Rec*, kGlobalSlots> global_recs_{};
  std::vector<std::pair<std::unique_ptr<GlobalRoot<Object>>, Rec*>> global_roots_;
  std::vector<Rec*> pins_;      // one entry per outstanding Pin() this thread will undo
  std::vector<Rec*> received_;  // pins other threads took and handed here, to undo
  std::vector<Rec*> scoped_;    // handles of a nested HandleScope, during an operation
};

thread_local Worker* Worker::current = nullptr;

std::string Worker::Context() const {
  std::ostringstream s;
  s << "[" << world_.test_case.name << ", seed " << world_.base_seed << ", thread " << index_
    << " (its seed " << seed_ << "), round " << round_ << ", op " << op_index_ << " ("
    << (op_ == Op::kCount ? "-" : OpName(op_)) << ")]";
  return s.str();
}

void Worker::Fail(const std::string& where, const std::string& what) {
  std::ostringstream s;
  s << Context() << " " << where << ": " << what << "\n  last operations of thread "
    << index_ << ":";
  for (int i = 0; i < kRecentOps; ++i) {
    const auto& [index, op] = recent_[(op_index_ + 1 + i) % kRecentOps];
    if (op != Op::kCount && index >= 0) s << " " << index << ":" << OpName(op);
  }
  s << "\n  " << world_.Replay();
  world_.failures.Add(s.str());
}

// A misuse is a test bug or a collector bug: say where it happened, then abort.
void ReportingMisuseHandler(Misuse kind, const char* message) {
  std::fprintf(stderr, "pinion misuse %s: %s\n  at %s\n", MisuseName(kind), message,
               Worker::current != nullptr ? Worker::current->Context().c_str()
                                          : "(not a worker thread)");
  std::abort();
}

// ---- attachment ----

void Worker::Attach() {
  attach_.emplace(heap_);
  scope_.emplace();
  handles_.clear();
  for (int i = 0; i < kHandleSlots; ++i) handles_.emplace_back(nullptr);
  handle_recs_.fill(nullptr);
}

void Worker::Detach() {
  handles_.clear();
  handle_recs_.fill(nullptr);
  scope_.reset();
  attach_.reset();
}

// ---- model ----

Rec* Worker::NewObject(Kind kind, uint32_t payload_bytes) {
  auto rec = std::make_unique<Rec>();
  rec->id = uint64_t{static_cast<uint32_t>(index_) + 1} << 48 | ++serial_;
  rec->kind = kind;
  rec->payload_bytes = payload_bytes;
  rec->owner = index_;
  const std::string error = AllocateObject(*rec);  // a safepoint
  if (!error.empty()) Fail("allocation", error);
  ++report_.allocated;
  report_.large += rec->bytes() > kMaxSmallObject;
  report_.blobs += kind == Kind::kBlob;
  Rec* r = rec.get();
  records_.emplace(r->id, std::move(rec));
  return r;
}

Rec* Worker::RandomRoot() {
  const size_t n = kHandleSlots + kGlobalSlots + global_roots_.size() + pins_.size() +
                   scoped_.size();
  for (int tries = 0; tries < 6; ++tries) {
    size_t pick = rng_() % n;
    Rec* r = nullptr;
    if (pick < kHandleSlots) {
      r = handle_recs_[pick];
    } else if ((pick -= kHandleSlots) < kGlobalSlots) {
      r = global_recs_[pick];
    } else if ((pick -= kGlobalSlots) < global_roots_.size()) {
      r = global_roots_[pick].second;
    } else if ((pick -= global_roots_.size()) < pins_.size()) {
      r = pins_[pick];
    } else {
      r = scoped_[pick - pins_.size()];
    }
    if (r != nullptr) return r;
  }
  return nullptr;
}

Rec* Worker::Pick(Want want) {
  for (int tries = 0; tries < 4; ++tries) {
    Rec* r = RandomRoot();
    if (r == nullptr) continue;
    for (int hops = static_cast<int>(rng_() % 5); hops > 0; --hops) {
      if (!r->is_node()) break;
      Rec* next = r->fields[rng_() % kFields];
      if (next == nullptr) break;
      r = next;
    }
    const bool own_mutable = r->owner == index_ && !r->frozen;
    if (want == Want::kOwnMutable && !own_mutable) continue;
    if (want == Want::kOwnNode && !(own_mutable && r->is_node())) continue;
    return Check(r, /*fields=*/true, "picking an object") ? r : nullptr;
  }
  return nullptr;
}

void Worker::Place(Rec* r) {
  switch (rng_() % 8) {
    case 0:
    case 1:
      return SetHandle(static_cast<int>(rng_() % kHandleSlots), r);
    case 2:
      return SetGlobal(static_cast<int>(rng_() % kGlobalSlots), r);
    case 3:
    case 4:
    case 5:
      if (Rec* parent = Pick(Want::kOwnNode)) return Link(parent, FieldToWrite(parent), r);
      return SetHandle(static_cast<int>(rng_() % kHandleSlots), r);
    case 6:
      if (pins_.size() < kMaxPins) {
        Pin(r->address);
        pins_.push_back(r);
      }
      return;
    default:
      return;  // garbage at once
  }
}

void Worker::DropRootsOf(const Rec* r) {
  for (int i = 0; i < kHandleSlots; ++i) {
    if (handle_recs_[i] == r) SetHandle(i, nullptr);
  }
  for (int i = 0; i < kGlobalSlots; ++i) {
    if (global_recs_[i] == r) SetGlobal(i, nullptr);
  }
}

void Worker::AddRoots(std::vector<Rec*>& roots, std::unordered_map<const Rec*, int>& pins) const {
  for (Rec* r : handle_recs_) roots.push_back(r);
  for (Rec* r : global_recs_) roots.push_back(r);
  for (const auto& [root, r] : global_roots_) roots.push_back(r);
  for (Rec* r : pins_) {
    roots.push_back(r);
    ++pins[r];
  }
  for (Rec* r : received_) {
    roots.push_back(r);
    ++pins[r];
  }
}

// ---- checks ----

void Worker::LocalCheck(const char* where) {
  ++report_.local_checks;
  ops_since_check_ = 0;
  std::unordered_set<const Rec*> seen;
  std::vector<const Rec*> work;
  for (const Rec* r : handle_recs_) work.push_back(r);
  for (const Rec* r : global_recs_) work.push_back(r);
  for (const auto& [root, r] : global_roots_) work.push_back(r);
  work.insert(work.end(), pins_.begin(), pins_.end());
  work.insert(work.end(), scoped_.begin(), scoped_.end());
  int64_t own = 0;
  while (!work.empty()) {
    const Rec* r = work.back();
    work.pop_back();
    if (r == nullptr || !seen.insert(r).second) continue;
    // Non-allocating work polls; every object on the list stays reachable meanwhile.
    if (seen.size() % 64 == 0) Safepoint();
    if (!Check(r, /*fields=*/true, where)) continue;
    own += r->owner == index_;
    if (r->is_node()) work.insert(work.end(), r->fields.begin(), r->fields.end());
  }
  // Received objects belong to other threads: only their immutable part is ours to read.
  for (const Rec* r : received_) Check(r, /*fields=*/false, where);
  local_live_ = own;
  report_.max_local_live = std::max(report_.max_local_live, own);
}

void Worker::GlobalCheck() {
  ++report_.barrier_checks;
  std::unique_lock<std::mutex> gate(world_.collect_gate, std::defer_lock);
  {
    NativeRegion region;  // the background collector may be collecting: don't hold it up
    gate.lock();
  }
  // What the model says: roots, pins, reachable, unreachable.
  std::vector<Rec*> roots;
  std::unordered_map<const Rec*, int> pins;
  for (const Worker* w : world_.workers) w->AddRoots(roots, pins);
  {
    std::lock_guard<std::mutex> lock(world_.mu);
    for (Rec* r : world_.shared_recs) roots.push_back(r);
    for (const auto& inbox : world_.inboxes) {
      for (Rec* r : inbox) {
        roots.push_back(r);
        ++pins[r];
      }
    }
  }
  std::unordered_set<const Rec*> reachable;
  std::vector<const Rec*> order;
  while (!roots.empty()) {
    const Rec* r = roots.back();
    roots.pop_back();
    if (r == nullptr || !reachable.insert(r).second) continue;
    order.push_back(r);
    if (r->is_node()) roots.insert(roots.end(), r->fields.begin(), r->fields.end());
  }
  std::vector<Dead> dead;
  for (Worker* w : world_.workers) {
    auto& records = w->records();
    for (auto it = records.begin(); it != records.end();) {
      if (reachable.count(it->second.get()) == 0) {
        dead.push_back(DeadOf(*it->second));
        it = records.erase(it);  // nothing reachable refers to it
      } else {
        ++it;
      }
    }
  }
  report_.max_reachable = std::max<int64_t>(report_.max_reachable, order.size());

  // A collection: everything reachable is intact, with its exact pin count and bytes. No
  // safepoint from here to the end: a cycle that started meanwhile cannot sweep.
  heap_.Collect();
  const bool exact = world_.test_case.marker_threads == 1;
  auto check_live_bytes = [&](const char* where) {
    uint64_t bytes = 0;
    for (const Rec* r : order) bytes += LiveBytesOf(r->address);
    const uint64_t live = heap_.stats().live_bytes;
    if (live < bytes || (exact && live != bytes)) {
      Fail(where, "live_bytes " + std::to_string(live) + ", but the " +
                      std::to_string(order.size()) + " reachable objects take " +
                      std::to_string(bytes));
    }
    report_.max_live_overcount =
        std::max(report_.max_live_overcount, static_cast<int64_t>(live) -
                                                 static_cast<int64_t>(bytes));
  };
  const char* where = "barrier check, after one collection";
  bool intact = true;
  for (const Rec* r : order) {
    if (!Check(r, /*fields=*/true, where)) {
      intact = false;
      continue;
    }
    const auto it = pins.find(r);
    const int want = it == pins.end() ? 0 : it->second;
    const int32_t have = PinCount(r->address);
    ++report_.pin_checks;
    if (have != want) {
      Fail(where, r->Describe() + ": PinCount " + std::to_string(have) + ", the model holds " +
                      std::to_string(want) + " pins");
    }
  }
  if (intact) check_live_bytes(where);

  // A second collection: every object the model found unreachable is gone.
  heap_.Collect();
  where = "barrier check, after two collections";
  for (const Dead& d : dead) {
    const std::string error = CheckReclaimed(d);
    if (!error.empty()) Fail(where, error);
  }
  report_.dead_checked += static_cast<int64_t>(dead.size());
  if (intact) check_live_bytes(where);
  world_.stop = world_.failures.any();
}

// ---- operations ----

void Worker::OpAllocate() {
  if (local_live_ > kSoftLiveObjects && rng_() % 2) {  // shrink instead
    return rng_() % 2 ? SetHandle(static_cast<int>(rng_() % kHandleSlots), nullptr) : OpUnlink();
  }
  Rec* r = NewObject();
  // No safepoint from here until it is placed: the raw address stays valid.
  if (r->is_node()) {
    for (int i = 0; i < kFields; ++i) {
      if (rng_() % 3 == 0) Link(r, i, Pick(Want::kAny));
    }
  }
  Place(r);
  if (r->is_node() && rng_() % 6 == 0) Grow(r);
}

// Hangs a random tree of fresh objects from `root` (an own node, rooted or garbage), so that
// the graph has depth and breadth for the markers to trace.
void Worker::Grow(Rec* root) {
  // `root` may have been dropped by Place: a handle keeps it (and so the whole tree) alive
  // across the allocations below; afterwards it is as rooted as it was.
  HandleScope scope;
  const Handle<Object> keep(static_cast<Object*>(root->address));
  scoped_.push_back(root);
  std::vector<Rec*> parents = {root};
  for (int k = 2 + static_cast<int>(rng_() % 30); k > 0; --k) {
    Rec* child = NewObject(rng_() % 5 ? Kind::kNode : Kind::kBlob,
                           rng_() % 50 ? static_cast<uint32_t>(rng_() % 300)
                                       : DrawPayloadBytes(rng_));
    // Only into empty fields: overwriting one would drop a subtree whose nodes are still on
    // `parents`, and the next allocation may free them.
    int field = -1;
    while (field < 0 && !parents.empty()) {
      const size_t i = rng_() % parents.size();
      field = FieldToWrite(parents[i], /*empty_only=*/true);
      if (parents[i]->fields[field] != nullptr) {
        field = -1;
        parents[i] = parents.back();
        parents.pop_back();
      } else {
        Link(parents[i], field, child);
      }
    }
    if (field < 0) break;  // `child` is garbage
    if (child->is_node()) parents.push_back(child);
  }
  scoped_.pop_back();
}

void Worker::OpLink() {
  Rec* from = Pick(Want::kOwnNode);
  if (from == nullptr) return;
  Rec* to = rng_() % 16 ? Pick(Want::kAny) : nullptr;
  Link(from, FieldToWrite(from), to);
}

void Worker::OpUnlink() {
  if (Rec* from = Pick(Want::kOwnNode)) Link(from, static_cast<int>(rng_() % kFields), nullptr);
}

void Worker::OpPin() {
  if (pins_.size() >= kMaxPins) return OpUnpin();
  Rec* r = Pick(Want::kAny);
  if (r == nullptr) return;
  Pin(r->address);
  pins_.push_back(r);
  if (rng_() % 2) DropRootsOf(r);  // often the pin is its only root now
}

void Worker::OpUnpin() {
  if (pins_.empty()) return;
  const size_t i = rng_() % pins_.size();
  Rec* r = pins_[i];
  pins_[i] = pins_.back();
  pins_.pop_back();
  if (!Check(r, /*fields=*/true, "unpinning")) return;
  // Other threads hold pins of this thread's unfrozen objects only as handed-off ones, which
  // they only unpin: this thread's view of the count covers at least its own pins.
  if (r->owner == index_ && !r->frozen) {
    const int32_t mine = static_cast<int32_t>(std::count(pins_.begin(), pins_.end(), r)) + 1;
    if (PinCount(r->address) < mine) {
      Fail("unpinning", r->Describe() + ": PinCount " + std::to_string(PinCount(r->address)) +
                            " but this thread holds " + std::to_string(mine) + " pins");
    }
  }
  if (rng_() % 2) SetHandle(static_cast<int>(rng_() % kHandleSlots), r);  // else it may die
  Unpin(r->address);
}

void Worker::OpHandOff() {
  Rec* r = Pick(Want::kAny);
  if (r == nullptr) return;
  const int to = (index_ + 1 + static_cast<int>(rng_() % (kThreads - 1))) % kThreads;
  Pin(r->address);  // the receiver unpins it
  std::lock_guard<std::mutex> lock(world_.mu);  // no safepoint inside
  world_.inboxes[to].push_back(r);
}

void Worker::OpReceive() {
  Rec* r = nullptr;
  {
    std::lock_guard<std::mutex> lock(world_.mu);
    auto& inbox = world_.inboxes[index_];
    if (inbox.empty()) return;
    r = inbox.front();
    inbox.pop_front();
  }
  // Another thread's object (or a frozen one): only its immutable part is ours to read.
  Check(r, /*fields=*/false, "receiving a handed-off object");
  if (received_.size() < kMaxReceived && rng_() % 2) {
    received_.push_back(r);  // unpinned later, after safepoints
  } else {
    Unpin(r->address);  // a pin another thread took
  }
}

void Worker::OpUnpinReceived() {
  if (received_.empty()) return;
  const size_t i = rng_() % received_.size();
  Rec* r = received_[i];
  received_[i] = received_.back();
  received_.pop_back();
  Check(r, /*fields=*/false, "unpinning a received object");
  Unpin(r->address);
}

void Worker::OpSetHandle() {
  SetHandle(static_cast<int>(rng_() % kHandleSlots), rng_() % 4 ? Pick(Want::kAny) : nullptr);
}

void Worker::OpHandleScope() {
  HandleScope scope;
  std::vector<Handle<Object>> handles;
  for (int k = 1 + static_cast<int>(rng_() % 3); k > 0; --k) {
    Rec* r = NewObject(rng_() % 4 ? Kind::kNode : Kind::kBlob,
                       static_cast<uint32_t>(rng_() % 200));
    handles.emplace_back(static_cast<Object*>(r->address));  // rooted until the scope ends
    if (r->is_node() && !scoped_.empty()) Link(r, 0, scoped_.back());
    scoped_.push_back(r);
    if (rng_() % 4 == 0) Safepoint();
  }
  for (const Rec* r : scoped_) Check(r, /*fields=*/true, "handle scope");
  if (rng_() % 2) Place(scoped_[rng_() % scoped_.size()]);
  scoped_.clear();
}

void Worker::OpSetGlobal() {
  SetGlobal(static_cast<int>(rng_() % kGlobalSlots), rng_() % 4 ? Pick(Want::kAny) : nullptr);
}

void Worker::OpAddGlobalRoot() {
  if (global_roots_.size() >= kMaxGlobalRoots) return OpRemoveGlobalRoot();
  Rec* r = Pick(Want::kAny);
  if (r == nullptr) return;
  global_roots_.emplace_back(
      std::make_unique<GlobalRoot<Object>>(heap_.roots(), static_cast<Object*>(r->address)), r);
}

void Worker::OpRemoveGlobalRoot() {
  if (global_roots_.empty()) return;
  const size_t i = rng_() % global_roots_.size();
  if (rng_() % 3 == 0) {  // retarget instead
    Rec* r = Pick(Want::kAny);
    global_roots_[i].first->set(static_cast<Object*>(r != nullptr ? r->address : nullptr));
    global_roots_[i].second = r;
    return;
  }
  global_roots_.erase(global_roots_.begin() + static_cast<ptrdiff_t>(i));  // RemoveGlobal
}

void Worker::OpFreeze() {
  Rec* r = Pick(Want::kOwnMutable);
  if (r == nullptr) return;
  // Frozen objects point only to frozen objects. Rather than cut a subtree of own objects,
  // mostly freeze a fresh copy of the node, keeping its frozen children.
  if (r->is_node()) {
    const bool has_own_children = std::any_of(r->fields.begin(), r->fields.end(),
                                              [](const Rec* f) { return f && !f->frozen; });
    if (has_own_children && rng_() % 4) {
      Rec* copy = NewObject(Kind::kNode, static_cast<uint32_t>(rng_() % 100));
      for (int i = 0; i < kFields; ++i) {  // `r` stays reachable: no safepoint since NewObject
        if (r->fields[i] != nullptr && r->fields[i]->frozen) Link(copy, i, r->fields[i]);
      }
      r = copy;  // rooted by the table below, before the next safepoint
    }
    for (int i = 0; i < kFields; ++i) {
      if (r->fields[i] != nullptr && !r->fields[i]->frozen) Link(r, i, nullptr);
    }
  }
  r->frozen = true;  // never written again; published below
  std::lock_guard<std::mutex> lock(world_.mu);  // no safepoint inside
  const int slot = static_cast<int>(rng_() % kSharedSlots);
  world_.shared[slot] = static_cast<Object*>(r->address);
  world_.shared_recs[slot] = r;
}

void Worker::OpTakeShared() {
  Rec* r = nullptr;
  {
    std::lock_guard<std::mutex> lock(world_.mu);  // no safepoint inside
    const int slot = static_cast<int>(rng_() % kSharedSlots);
    if (rng_() % 10 == 0) {
      world_.shared[slot] = nullptr;
      world_.shared_recs[slot] = nullptr;
      return;
    }
    r = world_.shared_recs[slot];
  }
  // Rooted by the table, which another thread may change; no safepoint until it is placed.
  if (r == nullptr || !Check(r, /*fields=*/true, "taking a shared object")) return;
  Place(r);
}

void Worker::OpNative() {
  const int mode = static_cast<int>(rng_() % 3);
  const int micros = static_cast<int>(rng_() % 50);
  NativeRegion region;  // no heap access in here; a collection may run meanwhile
  if (mode == 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
  } else if (mode == 1) {
    std::this_thread::yield();
  } else {
    const auto until = Clock::now() + std::chrono::microseconds(micros / 4);
    while (Clock::now() < until) {
    }
  }
}

void Worker::OpCallNative() {
  Rec* r = Pick(Want::kAny);
  if (r == nullptr) return;
  const bool dropped = rng_() % 2;
  if (dropped) DropRootsOf(r);  // often CallNative's pin is what keeps it alive
  const int micros = static_cast<int>(rng_() % 40);
  const uint64_t stored = r->header().checksum;
  const uint64_t computed = CallNative(
      [r, micros](Object*) {
        if (micros % 2) std::this_thread::sleep_for(std::chrono::microseconds(micros));
        return Checksum(r->header(), r->payload());  // reads its pinned argument only
      },
      static_cast<Object*>(r->address));
  if (computed != stored) Fail("CallNative", r->Describe() + ": changed during the native call");
  // Unpinned, but no safepoint since: still valid.
  Check(r, /*fields=*/true, "after CallNative");
  if (dropped && rng_() % 2) SetHandle(static_cast<int>(rng_() % kHandleSlots), r);
}

void Worker::OpReattach() {
  // Keep some handle roots by moving them to globals; the rest are lost with the handles.
  for (int i = 0; i < kHandleSlots; ++i) {
    if (handle_recs_[i] != nullptr && rng_() % 3 == 0) {
      SetGlobal(static_cast<int>(rng_() % kGlobalSlots), handle_recs_[i]);
    }
  }
  Detach();
  // Detached: only globals and pins keep this thread's objects alive. RemoveGlobal from an
  // unattached thread is allowed.
  if (!global_roots_.empty() && rng_() % 3 == 0) global_roots_.pop_back();
  if (rng_() % 2) std::this_thread::sleep_for(std::chrono::microseconds(rng_() % 200));
  Attach();
  LocalCheck("after re-attaching");
}

void Worker::OpCollect() {
  heap_.Collect();  // from an attached, running thread
  ++report_.observed_collections;
  last_collections_ = heap_.stats().collections;
  LocalCheck("after Collect()");
}

void Worker::OpSafepoint() {
  uint64_t x = rng_();
  for (int i = static_cast<int>(rng_() % 400); i > 0; --i) {
    x = Mix(x, static_cast<uint64_t>(i));
    if (i % 16 == 0) Safepoint();
  }
  if (x == 42) std::fprintf(stderr, "(improbable)\n");  // keeps the loop
}

void Worker::Step() {
  ++op_index_;
  world_.progress[index_].fetch_add(1, std::memory_order_relaxed);
  // A collection this thread observed (a background, torture or allocation-triggered one):
  // check its graph, at most every 32 operations.
  if (++ops_since_check_ >= 32) {
    const uint64_t collections = heap_.stats().collections;
    if (collections != last_collections_) {
      last_collections_ = collections;
      ++report_.observed_collections;
      op_ = Op::kCount;
      LocalCheck("after a collection");
    }
  }
  int r = static_cast<int>(rng_() % 1000);
  int op = 0;
  while (r >= kWeights[op]) r -= kWeights[op++];
  op_ = static_cast<Op>(op);
  recent_[op_index_ % kRecentOps] = {op_index_, op_};
  ++report_.ops[op];
  switch (op_) {
    case Op::kAllocate: return OpAllocate();
    case Op::kLink: return OpLink();
    case Op::kUnlink: return OpUnlink();
    case Op::kPin: return OpPin();
    case Op::kUnpin: return OpUnpin();
    case Op::kHandOff: return OpHandOff();
    case Op::kReceive: return OpReceive();
    case Op::kUnpinReceived: return OpUnpinReceived();
    case Op::kSetHandle: return OpSetHandle();
    case Op::kHandleScope: return OpHandleScope();
    case Op::kSetGlobal: return OpSetGlobal();
    case Op::kAddGlobalRoot: return OpAddGlobalRoot();
    case Op::kRemoveGlobalRoot: return OpRemoveGlobalRoot();
    case Op::kFreeze: return OpFreeze();
    case Op::kTakeShared: return OpTakeShared();
    case Op::kNative: return OpNative();
    case Op::kCallNative: return OpCallNative();
    case Op::kReattach: return OpReattach();
    case Op::kCollect: return OpCollect();
    case Op::kSafepoint: return OpSafepoint();
    case Op::kPinChurn: return OpPinChurn();
    case Op::kCount: break;
  }
}

// Many pins, then their unpins in another order: the thread's pin log (256 entries) fills and
// is counted by the thread itself (PinSlow/UnpinSlow), not only in pauses, and unpins that
// are not the newest entry are logged as unpins. Counted with the receivers' unpins of
// handed-off pins, whose pins may still sit in the giver's log.
void Worker::OpPinChurn() {
  std::vector<Rec*> pinned;
  for (int k = 32 + static_cast<int>(rng_() % 200); k > 0; --k) {
    Rec* r = Pick(Want::kAny);
    if (r == nullptr) break;
    Pin(r->address);
    pinned.push_back(r);
  }
  std::shuffle(pinned.begin(), pinned.end(), rng_);
  for (Rec* r : pinned) Unpin(r->address);
}

// After the last barrier: nobody hands off any more. Every pin is released, every root
// dropped.
void Worker::Teardown() {
  op_ = Op::kCount;
  LocalCheck("at the end");
  std::deque<Rec*> inbox;
  {
    std::lock_guard<std::mutex> lock(world_.mu);
    inbox.swap(world_.inboxes[index_]);
  }
  for (Rec* r : inbox) Unpin(r->address);
  for (Rec* r : received_) Unpin(r->address);
  for (Rec* r : pins_) Unpin(r->address);
  received_.clear();
  pins_.clear();
  global_roots_.clear();
  for (int i = 0; i < kGlobalSlots; ++i) SetGlobal(i, nullptr);
  Detach();
  heap_.roots().RemoveGlobal(reinterpret_cast<void* const*>(globals_));
}

void Worker::Run() {
  current = this;
  heap_.roots().AddGlobalRange(reinterpret_cast<void* const*>(globals_), kGlobalSlots);
  Attach();
  for (round_ = 0; round_ < world_.rounds; ++round_) {
    for (int i = 0; i < kOpsPerRound; ++i) Step();
    op_ = Op::kCount;
    world_.barrier.ArriveAndWait();
    if (index_ == 0) GlobalCheck();
    world_.barrier.ArriveAndWait();
    if (world_.stop) break;  // a failure: report it rather than pile up more
  }
  Teardown();
  current = nullptr;
}

// ---- The test ------------------------------------------------------------------------------

void RunCase(const Case& c) {
  const uint64_t base_seed = SeedFromEnvironment(1);
  const int rounds = c.rounds * ScaleFromEnvironment();
  const std::string name = c.name;
  INFO(name << ", PINION_MODEL_SEED=" << base_seed);
  if (c.faults && !fault::Available()) {
    MESSAGE(name << ": skipped: fault injection is compiled out of this build (NDEBUG)");
    return;
  }
  // For the case's duration (also when a REQUIRE throws): misuse reports name the worker, and
  // with faults, random stalls at 1 in 8 of the handshake's points (a yield, or a sleep of
  // up to 300 us).
  struct CaseScope {
    explicit CaseScope(const Case& c, uint64_t seed)
        : faults(c.faults), previous(SetMisuseHandler(&ReportingMisuseHandler)) {
      if (faults) fault::Random(Mix(seed, 0xfa017 + c.index), 8, 300);
    }
    ~CaseScope() {
      if (faults) fault::Disable();
      SetMisuseHandler(previous);
    }
    const bool faults;
    const MisuseHandler previous;
  };
  const uint64_t stalls_before = fault::Stalls();
  std::optional<CaseScope> case_scope(std::in_place, c, base_seed);

  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::string> failures;
  HeapStats end;
  int64_t background_collections = 0;
  {
    HeapConfig config;
    config.from_environment = false;  // the case's mode, not the environment's
    config.mode = c.mode;
    config.torture_interval = c.torture_interval;
    config.generational = c.generational;
    config.marker_threads = c.marker_threads;
    config.min_heap_bytes = size_t{1} << 20;
    config.growth_factor = 2.0;
    Heap heap(config);
    REQUIRE(heap.config().mode == c.mode);  // from_environment = false: PINION_MODE ignored
    REQUIRE(heap.config().torture_interval == c.torture_interval);
    World world(heap, c, base_seed, rounds);
    heap.roots().AddGlobalRange(reinterpret_cast<void* const*>(world.shared), kSharedSlots);
    for (int i = 0; i < kThreads; ++i) {
      workers.push_back(std::make_unique<Worker>(world, i));
      world.workers[i] = workers.back().get();
    }
    {
      // No progress for kWatchdogSeconds: a deadlock, reported with each thread's count.
      stress::Watchdog watchdog(
          kWatchdogSeconds,
          [&] {
            int64_t sum = 0;
            for (const auto& p : world.progress) sum += p.load(std::memory_order_relaxed);
            return sum;
          },
          [&] {
            std::string out = std::string("in ") + world.test_case.name + "\n";
            for (int i = 0; i < kThreads; ++i) {
              out += "  thread " + std::to_string(i) + ": " +
                     std::to_string(world.progress[i].load()) + " ops\n";
            }
            return out + "  " + world.Replay() + "\n";
          });
      std::atomic<bool> stop{false};
      std::thread collector([&] {  // unattached: Collect() from outside the mutators
        std::mt19937 rng(static_cast<uint32_t>(base_seed + c.index));
        while (!stop.load(std::memory_order_relaxed)) {
          {
            std::lock_guard<std::mutex> gate(world.collect_gate);
            heap.Collect();
          }
          ++background_collections;
          std::this_thread::sleep_for(std::chrono::microseconds(1000 + rng() % 4000));
        }
      });
      std::vector<std::thread> threads;
      for (auto& w : workers) threads.emplace_back([&w] { w->Run(); });
      for (std::thread& t : threads) t.join();
      stop.store(true, std::memory_order_relaxed);
      collector.join();
    }
    // Nothing is rooted or pinned any more but the shared table: drop it too.
    heap.roots().RemoveGlobal(reinterpret_cast<void* const*>(world.shared));
    heap.Collect();
    heap.Collect();
    end = heap.stats();
    failures = world.failures.messages();
  }
  const uint64_t stalls = fault::Stalls() - stalls_before;
  case_scope.reset();

  Report total;
  for (int i = 0; i < kThreads; ++i) {
    const Report& r = workers[i]->report();
    std::ostringstream ops;
    for (int op = 0; op < static_cast<int>(Op::kCount); ++op) {
      ops << (op ? ", " : "") << OpName(static_cast<Op>(op)) << " " << r.ops[op];
      total.ops[op] += r.ops[op];
    }
    MESSAGE(name << " thread " << i << " (seed " << workers[i]->seed() << "): " << r.allocated
                   << " objects (" << r.large << " large, " << r.blobs << " blobs), "
                   << r.local_checks << " local checks after " << r.observed_collections
                   << " observed collections, " << r.objects_checked
                   << " object checks, up to " << r.max_local_live << " own live; " << ops.str());
    total.large += r.large;
  }
  const Report& checker = workers[0]->report();
  MESSAGE(name << ": " << rounds << " rounds x " << kOpsPerRound << " ops x " << kThreads
                 << " threads; " << checker.barrier_checks << " barrier checks (up to "
                 << checker.max_reachable << " reachable objects, " << checker.pin_checks
                 << " pin counts, " << checker.dead_checked
                 << " unreachable objects found reclaimed; live_bytes over by at most "
                 << checker.max_live_overcount << "); " << end.collections << " collections ("
                 << background_collections << " from the background thread, "
                 << end.minor_collections << " minor), "
                 << end.bytes_allocated / (1 << 20) << " MiB allocated"
                 << (c.faults ? ", " + std::to_string(stalls) + " injected stalls"
                              : std::string()));
  for (const std::string& f : failures) FAIL_CHECK(f);
  REQUIRE(failures.empty());
  CHECK(checker.barrier_checks == rounds);
  CHECK(checker.dead_checked > 0);
  for (int op = 0; op < static_cast<int>(Op::kCount); ++op) {
    INFO("operation " << OpName(static_cast<Op>(op)));
    CHECK(total.ops[op] > 0);
  }
  CHECK(total.large > 0);
  if (c.faults) CHECK(stalls > 0);
  // Every root dropped and every pin released: nothing is live.
  CHECK(end.live_bytes == 0);
}

constexpr int kRounds = 30;
constexpr int kTortureRounds = 18;

}  // namespace

TEST_CASE("model [stop-the-world]") {
  RunCase({"model [stop-the-world]", 0, CollectorMode::kStopTheWorld, 0, false, 2, kRounds});
}
TEST_CASE("model [stop-the-world+faults]") {
  RunCase({"model [stop-the-world+faults]", 1, CollectorMode::kStopTheWorld, 0, true, 2,
           kRounds});
}
TEST_CASE("model [stop-the-world+torture]") {
  RunCase({"model [stop-the-world+torture]", 2, CollectorMode::kStopTheWorld, 40, false, 1,
           kTortureRounds});
}
TEST_CASE("model [stop-the-world+torture+faults]") {
  RunCase({"model [stop-the-world+torture+faults]", 3, CollectorMode::kStopTheWorld, 40, true,
           1, kTortureRounds});
}
TEST_CASE("model [concurrent]") {
  RunCase({"model [concurrent]", 4, CollectorMode::kConcurrent, 0, false, 2, kRounds});
}
TEST_CASE("model [concurrent+faults]") {
  RunCase({"model [concurrent+faults]", 5, CollectorMode::kConcurrent, 0, true, 2, kRounds});
}
TEST_CASE("model [concurrent+torture]") {
  RunCase({"model [concurrent+torture]", 6, CollectorMode::kConcurrent, 16, false, 1,
           kTortureRounds});
}
TEST_CASE("model [concurrent+torture+faults]") {
  RunCase({"model [concurrent+torture+faults]", 7, CollectorMode::kConcurrent, 16, true, 1,
           kTortureRounds});
}
// Generational (stop-the-world): automatic and torture collections are mostly minor ones.
TEST_CASE("model [generational]") {
  RunCase({"model [generational]", 8, CollectorMode::kStopTheWorld, 0, false, 2, kRounds, true});
}
TEST_CASE("model [generational+torture]") {
  RunCase({"model [generational+torture]", 9, CollectorMode::kStopTheWorld, 40, false, 1,
           kTortureRounds, true});
}
TEST_CASE("model [generational+torture+faults]") {
  RunCase({"model [generational+torture+faults]", 10, CollectorMode::kStopTheWorld, 40, true, 1,
           kTortureRounds, true});
}

}  // namespace pinion::model
