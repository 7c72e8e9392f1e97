// What the model-based tests share (model_test.cc, the 3-thread random API test, and
// model_fuzz.cc, its single-thread libFuzzer core): the object layouts, the model's record of
// one object, and the checks that compare a heap object with its record.
//
// Objects. Two types: Node (kFields traced Member<Object> fields, then a header and a
// payload; traced) and Blob (a header and a payload; pointer-free, never read by the
// marker). Payloads are variable-length, from empty to large objects (> 16 KiB, their own
// mapping). Everything but a Node's fields is immutable once initialised and covered by the
// header's checksum, salted with the object's id: an object the collector freed, reused,
// zeroed or overwrote fails CheckIntact.
//
// Records. The model's Rec is what the test believes about one object: its id, address, kind,
// payload, owner, whether it is frozen (immutable for good) and, for nodes, what each field
// holds. Who may read or write a Rec is the using test's rule (model_test.cc: the owner thread
// writes, everyone reads a frozen one, the checker reads all at a barrier).
//
// Threads: the functions here run on attached threads that keep the object alive (rooted, or
// not past a safepoint since it was reached).
#ifndef PINION_TESTS_MODEL_MODEL_H_
#define PINION_TESTS_MODEL_MODEL_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "gc/heap.h"
#include "gc/member.h"
#include "gc/type.h"
#include "gc/visitor.h"
#include "tests/stress/stress_support.h"

namespace pinion::model {

constexpr int kFields = 4;
constexpr size_t kMaxSmallObject = 16 * 1024;  // bigger payloads get their own mapping

// ---- Environment ---------------------------------------------------------------------------

// PINION_MODEL_SCALE multiplies the length of every sequence (default 1, what CI runs).
inline int ScaleFromEnvironment() {
  const char* s = std::getenv("PINION_MODEL_SCALE");
  return s != nullptr ? std::max(1, std::atoi(s)) : 1;
}

// PINION_MODEL_SEED replaces the base seed (default `fallback`, what CI runs).
inline uint64_t SeedFromEnvironment(uint64_t fallback) {
  const char* s = std::getenv("PINION_MODEL_SEED");
  return s != nullptr && s[0] != '\0' ? std::strtoull(s, nullptr, 10) : fallback;
}

// ---- Hashing -------------------------------------------------------------------------------

// The stress tests' hashing: seeded bytes and a checksum over them.
using stress::FillBytes;
using stress::HashBytes;
using stress::Mix;
using stress::SplitMix;

inline std::string Hex(uint64_t v) {
  char text[24];
  std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(v));
  return text;
}

// ---- Objects -------------------------------------------------------------------------------

// What fields, handles and roots point to: a Node or a Blob (never dereferenced as such).
struct Object;

enum class Kind : uint16_t { kNode = 0x4e, kBlob = 0x42 };

// Immutable once initialised.
struct Header {
  uint64_t id;
  uint32_t payload_bytes;
  uint16_t owner;
  Kind kind;
  uint64_t checksum;  // of everything above and the payload
};

// Allocate() returns zeroed memory and a zeroed Member is null, so objects are never
// constructed. Fields are written only by the owner (model_test.cc); markers read them.
struct Node {
  Member<Object> fields[kFields];
  Header header;
  unsigned char payload[];
};

struct Blob {
  Header header;
  unsigned char payload[];
};

inline void TraceNode(void* object, Visitor& v) {
  for (const Member<Object>& field : static_cast<Node*>(object)->fields) v.Visit(field);
}

inline const TypeId kNodeType = RegisterType({"ModelNode", sizeof(Node), &TraceNode});
inline const TypeId kBlobType = RegisterType({"ModelBlob", sizeof(Blob)});

inline uint64_t Checksum(const Header& h, const unsigned char* payload) {
  uint64_t s = Mix(0x6d6f64656cull, h.id);
  s = Mix(s, h.payload_bytes | uint64_t{h.owner} << 32 | uint64_t{static_cast<uint16_t>(h.kind)}
                                                          << 48);
  return HashBytes(payload, h.payload_bytes, s);
}

// The bytes a collection counts as live for a reachable object (HeapStats::live_bytes): the
// cell of a small object, the whole mapping of a large one (its 64-byte header included).
inline uint64_t LiveBytesOf(const void* object) {
  const size_t size = ObjectSize(object);
  return size > kMaxSmallObject ? size + 64 : size;
}

// A payload size: mostly small, every size class, now and then a large object.
template <class Rng>
uint32_t DrawPayloadBytes(Rng& rng) {
  const uint64_t r = rng() % 1000;
  if (r < 550) return static_cast<uint32_t>(rng() % 64);
  if (r < 800) return static_cast<uint32_t>(64 + rng() % 448);
  if (r < 920) return static_cast<uint32_t>(512 + rng() % 3584);
  if (r < 980) return static_cast<uint32_t>(4096 + rng() % (kMaxSmallObject - 4096 - 64));
  return static_cast<uint32_t>(kMaxSmallObject + rng() % (64 * 1024));  // large
}

// ---- Records -------------------------------------------------------------------------------

struct Rec {
  uint64_t id = 0;
  void* address = nullptr;
  Kind kind = Kind::kNode;
  uint32_t payload_bytes = 0;
  int owner = 0;
  // Frozen: its fields never change again (model_test.cc publishes frozen objects).
  bool frozen = false;
  // Nodes: what each field holds (nullptr: null).
  std::array<Rec*, kFields> fields{};

  bool is_node() const { return kind == Kind::kNode; }
  TypeId type() const { return is_node() ? kNodeType : kBlobType; }
  size_t header_offset() const { return is_node() ? offsetof(Node, header) : 0; }
  size_t bytes() const { return header_offset() + sizeof(Header) + payload_bytes; }
  Header& header() const {
    return *reinterpret_cast<Header*>(static_cast<char*>(address) + header_offset());
  }
  unsigned char* payload() const {
    return reinterpret_cast<unsigned char*>(&header()) + sizeof(Header);
  }
  Node* node() const { return static_cast<Node*>(address); }
  std::string Describe() const {
    return std::string(is_node() ? "node" : "blob") + " id " + Hex(id) + " at " +
           Hex(reinterpret_cast<uintptr_t>(address)) + " (" + std::to_string(bytes()) +
           " bytes, owner " + std::to_string(owner) + ")";  // immutable fields only
  }
};

// Allocates `rec`'s object (a safepoint), checks that it comes back zeroed (the first 4 KiB),
// and initialises its header and payload. `rec` has its id, kind, payload_bytes and owner set;
// this sets its address. Returns what was wrong, or "".
inline std::string AllocateObject(Rec& rec) {
  rec.address = Allocate(rec.type(), rec.bytes());
  const unsigned char* bytes = static_cast<const unsigned char*>(rec.address);
  for (size_t i = 0; i < std::min<size_t>(rec.bytes(), 4096); ++i) {
    if (bytes[i] != 0) {
      return "a new " + rec.Describe() + " is not zeroed at byte " + std::to_string(i);
    }
  }
  Header& h = rec.header();
  h.id = rec.id;
  h.payload_bytes = rec.payload_bytes;
  h.owner = static_cast<uint16_t>(rec.owner);
  h.kind = rec.kind;
  FillBytes(rec.payload(), rec.payload_bytes, Mix(rec.id, 0x7061796c));
  h.checksum = Checksum(h, rec.payload());
  return "";
}

// Checks a live object against its record: FindObject of its start and of an interior address
// is its start, TypeOf and ObjectSize agree, the header and checksum match, and (with
// `fields`: only for records whose fields the caller may read) every field holds what the
// model says. Returns what was wrong, or "".
inline std::string CheckIntact(const Rec& rec, bool fields) {
  const void* p = rec.address;
  if (FindObject(p) != p) {
    return rec.Describe() + ": FindObject(start) is " +
           Hex(reinterpret_cast<uintptr_t>(FindObject(p)));
  }
  if (TypeOf(p) != rec.type()) {
    return rec.Describe() + ": TypeOf is raw " + std::to_string(TypeOf(p).raw());
  }
  const size_t size = ObjectSize(p);
  if (size < rec.bytes()) {
    return rec.Describe() + ": ObjectSize " + std::to_string(size) + " is too small";
  }
  const char* interior = static_cast<const char*>(p) + (rec.id * 0x9e3779b97f4a7c15ull) % size;
  if (FindObject(interior) != p) return rec.Describe() + ": FindObject(interior) is not it";
  const Header& h = rec.header();
  if (h.id != rec.id || h.payload_bytes != rec.payload_bytes || h.kind != rec.kind ||
      h.owner != static_cast<uint16_t>(rec.owner)) {
    return rec.Describe() + ": header holds id " + Hex(h.id) + ", payload " +
           std::to_string(h.payload_bytes) + ", owner " + std::to_string(h.owner);
  }
  const uint64_t sum = Checksum(h, rec.payload());
  if (sum != h.checksum) {
    return rec.Describe() + ": checksum " + Hex(sum) + ", stored " + Hex(h.checksum);
  }
  if (fields && rec.is_node()) {
    for (int i = 0; i < kFields; ++i) {
      const Object* have = rec.node()->fields[i].get();
      const void* want = rec.fields[i] != nullptr ? rec.fields[i]->address : nullptr;
      if (have != want) {
        return rec.Describe() + ": field " + std::to_string(i) + " holds " +
               Hex(reinterpret_cast<uintptr_t>(have)) + ", the model says " +
               (rec.fields[i] != nullptr ? rec.fields[i]->Describe() : std::string("null"));
      }
    }
  }
  return "";
}

// What the model remembers of an object it found unreachable, to check that it is reclaimed.
struct Dead {
  uint64_t id;
  void* address;
  Kind kind;
  std::string description;
};

inline Dead DeadOf(const Rec& rec) { return {rec.id, rec.address, rec.kind, rec.Describe()}; }

// After the collections that must have reclaimed `dead`: nothing with its type and id may
// still start at its address (the cell may hold a newer object by now). Reads the header of
// whatever starts there, so no cycle may sweep concurrently (model_test.cc's checker holds off
// every cycle; the single-thread fuzzer uses NotReclaimedByModel instead). Returns what was
// wrong, or "".
inline std::string CheckReclaimed(const Dead& dead) {
  const void* found = FindObject(dead.address);
  if (found != dead.address) return "";
  const TypeId type = dead.kind == Kind::kNode ? kNodeType : kBlobType;
  if (TypeOf(found) != type) return "";
  const size_t offset = dead.kind == Kind::kNode ? offsetof(Node, header) : 0;
  if (ObjectSize(found) < offset + sizeof(Header)) return "";
  const Header& h = *reinterpret_cast<const Header*>(static_cast<const char*>(found) + offset);
  if (h.id != dead.id) return "";
  return "unreachable " + dead.description + " is still allocated after two collections";
}

// ---- The fuzzer ----------------------------------------------------------------------------

// model_fuzz.cc calls this, when set, before it aborts on a failure (its driver names and
// saves the failing input).
inline void (*g_fuzz_failure_hook)() = nullptr;
// How many opcodes model_fuzz.cc interprets (an opcode byte is taken modulo this); its driver
// weights them when it makes inputs.
constexpr int kFuzzOpcodes = 18;

}  // namespace pinion::model

#endif  // PINION_TESTS_MODEL_MODEL_H_
