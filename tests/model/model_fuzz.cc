// The model test's single-thread core as a libFuzzer entry point: the fuzzer's bytes are an
// operation sequence on one attached thread (allocate, link, unlink, pin, unpin, pin churn that
// fills the pin log, handles and HandleScopes, global roots, native regions, detach/re-attach,
// Safepoint, Collect), checked against the model (tests/model/model.h) after every Collect():
//  - everything the model says is reachable (from handles, globals, GlobalRoots and pins,
//    through fields) is intact, with every field as the model says;
//  - PinCount is exactly the model's pins (one thread: its own view is exact);
//  - HeapStats::live_bytes is exactly the reachable objects' bytes (one marker, nothing
//    allocating during the collection);
//  - everything the model found unreachable before the previous Collect() is reclaimed (so
//    within two cycles). Without reading the dead cell: the model knows every allocation, so
//    if no newer object was allocated at its address, FindObject there must not find an
//    object start (a concurrent-mode background cycle may be sweeping meanwhile).
// At the end of the input every pin and root is dropped, and two collections must leave
// nothing live and nothing of the model allocated.
//
// The first byte picks the configuration: bit 0 concurrent mode, bit 1 GC torture (a cycle
// every 16 allocations), bit 2 a 256 KiB trigger (else 8 MiB: collections mostly explicit).
// Each further operation is an opcode byte and its operand bytes; missing bytes read as 0.
// A failure prints what was wrong and the operation index, and aborts (libFuzzer then saves
// the input; replay it with `model_fuzz_driver FILE` or the fuzzer binary).
//
// Built two ways: as //tests/model:model_fuzz_driver_test, with a main that runs a fixed
// corpus of random inputs (model_fuzz_driver.cc), and with clang's libFuzzer by
// scripts/fuzz_model.sh.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "gc/heap.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "roots/root_set.h"
#include "tests/model/model.h"

namespace pinion::model {
namespace {

constexpr int kHandleSlots = 6;
constexpr int kGlobalSlots = 6;
constexpr size_t kMaxGlobalRoots = 4;
constexpr size_t kMaxPins = 32;
constexpr size_t kMaxOps = 2000;  // per input: bounds the time one input takes

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Next() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool done() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

class FuzzModel {
 public:
  FuzzModel(Heap& heap, Bytes& in) : heap_(heap), in_(in) {}
  void Run();

 private:
  enum Opcode : uint8_t {
    kAllocateNode, kAllocateBlob, kLink, kUnlink, kPin, kUnpin, kPinOnly, kSetHandle,
    kHandleScope, kSetGlobal, kAddGlobalRoot, kRemoveGlobalRoot, kGrow, kNative, kReattach,
    kSafepoint, kCollect, kPinChurn, kOpcodeCount
  };
  static_assert(kOpcodeCount == kFuzzOpcodes);

  [[noreturn]] void Fail(const std::string& what) {
    std::fprintf(stderr, "model_fuzz FAILURE at operation %zu (opcode %d): %s\n", op_index_,
                 static_cast<int>(opcode_), what.c_str());
    if (g_fuzz_failure_hook != nullptr) g_fuzz_failure_hook();
    std::abort();
  }
  void Check(const Rec* r) {
    const std::string error = CheckIntact(*r, /*fields=*/true);
    if (!error.empty()) Fail(error);
  }

  // ---- model ----
  uint32_t PayloadBytes() {
    const uint8_t b = in_.Next();
    if (b < 160) return b;
    if (b < 240) return 160 + (b - 160) * 48;       // to ~4 KiB
    if (b < 252) return 4096 + (b - 240) * 1000;    // to ~16 KiB
    return static_cast<uint32_t>(kMaxSmallObject + (b - 252) * 9000 + 8);  // large
  }
  Rec* NewObject(Kind kind, uint32_t payload_bytes) {
    auto rec = std::make_unique<Rec>();
    rec->id = ++serial_;
    rec->kind = kind;
    rec->payload_bytes = payload_bytes;
    const std::string error = AllocateObject(*rec);  // a safepoint
    if (!error.empty()) Fail(error);
    Rec* r = rec.get();
    newest_at_[r->address] = r->id;
    records_.emplace(r->id, std::move(rec));
    dirty_ = true;
    return r;
  }
  void Link(Rec* from, int field, Rec* to) {
    from->node()->fields[field] = static_cast<Object*>(to != nullptr ? to->address : nullptr);
    from->fields[field] = to;
    dirty_ = true;
  }
  void SetHandle(int slot, Rec* r) {
    handles_[slot].set(static_cast<Object*>(r != nullptr ? r->address : nullptr));
    handle_recs_[slot] = r;
    dirty_ = true;
  }
  void SetGlobal(int slot, Rec* r) {
    globals_[slot] = static_cast<Object*>(r != nullptr ? r->address : nullptr);
    global_recs_[slot] = r;
    dirty_ = true;
  }
  std::vector<Rec*> Roots() const {
    std::vector<Rec*> roots(handle_recs_.begin(), handle_recs_.end());
    roots.insert(roots.end(), global_recs_.begin(), global_recs_.end());
    for (const auto& [root, r] : global_roots_) roots.push_back(r);
    roots.insert(roots.end(), pins_.begin(), pins_.end());
    roots.insert(roots.end(), scoped_.begin(), scoped_.end());
    return roots;
  }
  // Everything reachable, in a deterministic order (roots first, then breadth-first).
  const std::vector<Rec*>& Reachable() {
    if (!dirty_) return reachable_;
    dirty_ = false;
    reachable_.clear();
    std::unordered_set<const Rec*> seen;
    for (Rec* r : Roots()) {
      if (r != nullptr && seen.insert(r).second) reachable_.push_back(r);
    }
    for (size_t i = 0; i < reachable_.size(); ++i) {
      if (!reachable_[i]->is_node()) continue;
      for (Rec* f : reachable_[i]->fields) {
        if (f != nullptr && seen.insert(f).second) reachable_.push_back(f);
      }
    }
    return reachable_;
  }
  // A reachable object chosen by the next byte (nullptr if none, or for byte 255 when
  // `allow_null`).
  Rec* PickAny(bool allow_null = false) {
    const uint8_t b = in_.Next();
    const std::vector<Rec*>& all = Reachable();
    if (all.empty() || (allow_null && b == 255)) return nullptr;
    return all[b % all.size()];
  }
  Rec* PickNode() {
    const uint8_t b = in_.Next();
    std::vector<Rec*> nodes;
    for (Rec* r : Reachable()) {
      if (r->is_node()) nodes.push_back(r);
    }
    return nodes.empty() ? nullptr : nodes[b % nodes.size()];
  }
  // Roots `r` as the next byte says, or drops it.
  void Place(Rec* r) {
    const uint8_t b = in_.Next();
    switch (b % 6) {
      case 0: return SetHandle(b / 6 % kHandleSlots, r);
      case 1: return SetGlobal(b / 6 % kGlobalSlots, r);
      case 2:
      case 3:
        if (Rec* parent = PickNode()) return Link(parent, b / 6 % kFields, r);
        return SetHandle(0, r);
      case 4:
        if (pins_.size() < kMaxPins) {
          Pin(r->address);
          pins_.push_back(r);
          dirty_ = true;
        }
        return;
      default:
        return;  // garbage
    }
  }

  // ---- attachment ----
  void Attach() {
    attach_.emplace(heap_);
    scope_.emplace();
    handles_.clear();
    for (int i = 0; i < kHandleSlots; ++i) handles_.emplace_back(nullptr);
    handle_recs_.fill(nullptr);
    dirty_ = true;
  }
  void Detach() {
    handles_.clear();
    handle_recs_.fill(nullptr);
    scope_.reset();
    attach_.reset();
    dirty_ = true;
  }

  // ---- operations ----
  void OpAllocate(Kind kind) {
    Rec* r = NewObject(kind, PayloadBytes());
    if (r->is_node()) {
      const uint8_t mask = in_.Next();
      for (int i = 0; i < kFields; ++i) {
        if (mask & (1 << i)) Link(r, i, PickAny());
      }
    }
    Place(r);
  }
  void OpGrow() {
    Rec* root = PickNode();
    if (root == nullptr) return;
    // Fresh children go only into empty fields of nodes reachable from `root`, which stays
    // reachable throughout (no root changes here), so every parent survives the allocations.
    std::vector<Rec*> parents = {root};
    for (int k = in_.Next() % 16; k > 0 && !parents.empty(); --k) {
      Rec* child = NewObject(in_.Next() % 4 ? Kind::kNode : Kind::kBlob, in_.Next());
      const size_t i = in_.Next() % parents.size();
      int field = 0;
      while (field < kFields && parents[i]->fields[field] != nullptr) ++field;
      if (field == kFields) {
        parents[i] = parents.back();
        parents.pop_back();
        continue;  // `child` is garbage
      }
      Link(parents[i], field, child);
      if (child->is_node()) parents.push_back(child);
    }
  }
  void OpHandleScope() {
    HandleScope scope;
    std::vector<Handle<Object>> handles;
    for (int k = 1 + in_.Next() % 4; k > 0; --k) {
      Rec* r = NewObject(in_.Next() % 2 ? Kind::kNode : Kind::kBlob, in_.Next());
      handles.emplace_back(static_cast<Object*>(r->address));
      if (r->is_node() && !scoped_.empty()) Link(r, 0, scoped_.back());
      scoped_.push_back(r);
      dirty_ = true;
    }
    const uint8_t keep = in_.Next();
    if (keep < 128) Place(scoped_[keep % scoped_.size()]);
    scoped_.clear();
    dirty_ = true;
  }
  void Step() {
    opcode_ = in_.Next() % kOpcodeCount;
    switch (opcode_) {
      case kAllocateNode: return OpAllocate(Kind::kNode);
      case kAllocateBlob: return OpAllocate(Kind::kBlob);
      case kLink: {
        Rec* from = PickNode();
        const int field = in_.Next() % kFields;
        Rec* to = PickAny(/*allow_null=*/true);
        if (from != nullptr) Link(from, field, to);
        return;
      }
      case kUnlink: {
        Rec* from = PickNode();
        const int field = in_.Next() % kFields;
        if (from != nullptr) Link(from, field, nullptr);
        return;
      }
      case kPin:
        if (Rec* r = PickAny(); r != nullptr && pins_.size() < kMaxPins) {
          Pin(r->address);
          pins_.push_back(r);
          dirty_ = true;
        }
        return;
      case kUnpin: {
        const uint8_t b = in_.Next();
        if (pins_.empty()) return;
        const size_t i = b % pins_.size();
        Rec* r = pins_[i];
        pins_.erase(pins_.begin() + static_cast<ptrdiff_t>(i));
        Check(r);
        Unpin(r->address);
        dirty_ = true;
        return;
      }
      case kPinOnly: {  // drop the handles and globals of a pinned object
        const uint8_t b = in_.Next();
        if (pins_.empty()) return;
        const Rec* r = pins_[b % pins_.size()];
        for (int i = 0; i < kHandleSlots; ++i) {
          if (handle_recs_[i] == r) SetHandle(i, nullptr);
        }
        for (int i = 0; i < kGlobalSlots; ++i) {
          if (global_recs_[i] == r) SetGlobal(i, nullptr);
        }
        return;
      }
      case kSetHandle: {
        const int slot = in_.Next() % kHandleSlots;
        return SetHandle(slot, PickAny(/*allow_null=*/true));
      }
      case kHandleScope: return OpHandleScope();
      case kSetGlobal: {
        const int slot = in_.Next() % kGlobalSlots;
        return SetGlobal(slot, PickAny(/*allow_null=*/true));
      }
      case kAddGlobalRoot:
        if (Rec* r = PickAny(); r != nullptr && global_roots_.size() < kMaxGlobalRoots) {
          global_roots_.emplace_back(std::make_unique<GlobalRoot<Object>>(
                                         heap_.roots(), static_cast<Object*>(r->address)),
                                     r);
          dirty_ = true;
        }
        return;
      case kRemoveGlobalRoot: {
        const uint8_t b = in_.Next();
        if (global_roots_.empty()) return;
        global_roots_.erase(global_roots_.begin() +
                            static_cast<ptrdiff_t>(b % global_roots_.size()));
        dirty_ = true;
        return;
      }
      case kGrow: return OpGrow();
      case kNative: {
        NativeRegion region;
        return;
      }
      case kReattach:
        Detach();
        Attach();
        return;
      case kSafepoint:
        Safepoint();
        return;
      case kCollect: return Collect();
      case kPinChurn: {  // enough pins and unpins to fill the pin log (256 entries)
        const int n = in_.Next();
        const bool lifo = in_.Next() % 2;
        std::vector<const Rec*> pinned;
        for (int k = 0; k < n; ++k) {
          const Rec* r = PickAny();
          if (r == nullptr) break;
          Pin(r->address);
          pinned.push_back(r);
        }
        if (lifo) std::reverse(pinned.begin(), pinned.end());
        for (const Rec* r : pinned) Unpin(r->address);  // FIFO: logged unpins, not cancels
        return;
      }
    }
  }

  // ---- checks ----
  void Collect() {
    // What the model says is unreachable now must be gone after this and the next Collect.
    const std::vector<Rec*>& reachable = Reachable();
    std::unordered_set<const Rec*> live(reachable.begin(), reachable.end());
    std::vector<Dead> dying;
    for (auto it = records_.begin(); it != records_.end();) {
      if (live.count(it->second.get()) == 0) {
        dying.push_back(DeadOf(*it->second));
        it = records_.erase(it);
      } else {
        ++it;
      }
    }
    heap_.Collect();
    ++collections_;
    std::unordered_map<const Rec*, int> pins;
    for (const Rec* r : pins_) ++pins[r];
    uint64_t bytes = 0;
    for (const Rec* r : reachable) {
      Check(r);
      const auto it = pins.find(r);
      const int32_t want = it == pins.end() ? 0 : it->second;
      if (PinCount(r->address) != want) {
        Fail(r->Describe() + ": PinCount " + std::to_string(PinCount(r->address)) +
             ", the model holds " + std::to_string(want));
      }
      bytes += LiveBytesOf(r->address);
    }
    const uint64_t live_bytes = heap_.stats().live_bytes;
    if (live_bytes != bytes) {
      Fail("live_bytes " + std::to_string(live_bytes) + ", the " +
           std::to_string(reachable.size()) + " reachable objects take " + std::to_string(bytes));
    }
    for (const Dead& d : dead_) {
      const auto it = newest_at_.find(d.address);
      const bool reused = it == newest_at_.end() || it->second != d.id;
      if (!reused && FindObject(d.address) == d.address) {
        Fail("unreachable " + d.description + " is still allocated after two collections");
      }
      if (!reused) newest_at_.erase(it);
    }
    dead_ = std::move(dying);
  }

  Heap& heap_;
  Bytes& in_;
  size_t op_index_ = 0;
  int opcode_ = -1;
  uint64_t serial_ = 0;
  int collections_ = 0;

  std::unordered_map<uint64_t, std::unique_ptr<Rec>> records_;  // not yet found unreachable
  std::unordered_map<const void*, uint64_t> newest_at_;         // address -> latest id there
  std::vector<Dead> dead_;  // found unreachable before the last Collect()
  bool dirty_ = true;       // reachable_ is stale
  std::vector<Rec*> reachable_;

  std::optional<ThreadScope> attach_;
  std::optional<HandleScope> scope_;
  std::vector<Handle<Object>> handles_;
  std::array<Rec*, kHandleSlots> handle_recs_{};
  Object* globals_[kGlobalSlots] = {};
  std::array<Rec*, kGlobalSlots> global_recs_{};
  std::vector<std::pair<std::unique_ptr<GlobalRoot<Object>>, Rec*>> global_roots_;
  std::vector<Rec*> pins_;
  std::vector<Rec*> scoped_;
};

void FuzzModel::Run() {
  heap_.roots().AddGlobalRange(reinterpret_cast<void* const*>(globals_), kGlobalSlots);
  Attach();
  for (op_index_ = 0; op_index_ < kMaxOps && !in_.done(); ++op_index_) Step();
  // The end: drop everything; two collections leave nothing of the model allocated.
  opcode_ = -1;
  for (const Rec* r : pins_) Unpin(r->address);
  pins_.clear();
  global_roots_.clear();
  for (int i = 0; i < kHandleSlots; ++i) SetHandle(i, nullptr);
  for (int i = 0; i < kGlobalSlots; ++i) SetGlobal(i, nullptr);
  Collect();
  Collect();
  if (!records_.empty() || heap_.stats().live_bytes != 0) {
    Fail("with no roots left, " + std::to_string(records_.size()) + " objects and " +
         std::to_string(heap_.stats().live_bytes) + " live bytes remain");
  }
  Detach();
  heap_.roots().RemoveGlobal(reinterpret_cast<void* const*>(globals_));
}

}  // namespace
}  // namespace pinion::model

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinion;
  model::Bytes in(data, size);
  const uint8_t flags = in.Next();
  HeapConfig config;
  config.from_environment = false;
  config.mode = flags & 1 ? CollectorMode::kConcurrent : CollectorMode::kStopTheWorld;
  config.torture_interval = flags & 2 ? 16 : 0;
  config.min_heap_bytes = flags & 4 ? size_t{256} << 10 : size_t{8} << 20;
  config.marker_threads = 1;  // live_bytes exact
  Heap heap(config);
  model::FuzzModel(heap, in).Run();
  return 0;
}
