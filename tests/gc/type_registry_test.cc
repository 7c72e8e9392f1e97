// Tests of the type registry (gc/type.h, gc/internal/type_registry.h): raw TypeId bits,
// lookups, and what happens when the registry is full. This binary fills the process-wide
// registry, so it registers nothing else.
#include <doctest/doctest.h>

#include <string>

#include "gc/heap.h"
#include "gc/internal/type_registry.h"
#include "tests/gc/test_support.h"

namespace {

using pinion::RegisterType;
using pinion::TypeId;
using pinion::TypeInfo;
using pinion::internal::kFinalizableBit;
using pinion::internal::kMarkBit;
using pinion::internal::kPointerFreeBit;
using pinion::internal::kTypeIndexMask;

void Trace(void*, pinion::Visitor&) {}
void Finalize(void*) {}

}  // namespace

TEST_CASE("RegisterType: consecutive indices, pointer-free and finalizable bits, never the mark") {
  const TypeId plain = RegisterType({"plain", 8, nullptr, nullptr});
  const TypeId traced = RegisterType({"traced", 16, &Trace, nullptr});
  const TypeId final = RegisterType({"final", 24, &Trace, &Finalize});
  const TypeId both = RegisterType({"both", 32, nullptr, &Finalize});
  CHECK(plain.valid());
  CHECK((traced.raw() & kTypeIndexMask) == (plain.raw() & kTypeIndexMask) + 1);
  CHECK((final.raw() & kTypeIndexMask) == (plain.raw() & kTypeIndexMask) + 2);
  CHECK(plain.pointer_free());
  CHECK_FALSE(plain.finalizable());
  CHECK_FALSE(traced.pointer_free());
  CHECK_FALSE(traced.finalizable());
  CHECK(final.finalizable());
  CHECK_FALSE(final.pointer_free());
  CHECK(both.finalizable());
  CHECK(both.pointer_free());
  CHECK((plain.raw() & kPointerFreeBit) != 0);
  CHECK((final.raw() & kFinalizableBit) != 0);
  TypeInfo raw_fields{"raw fields", 16, &Trace, nullptr};
  raw_fields.unprotected = true;
  const TypeId unprotected = RegisterType(raw_fields);
  CHECK(unprotected.unprotected());
  CHECK((unprotected.raw() & pinion::internal::kUnprotectedBit) != 0);
  CHECK(&pinion::internal::TypeInfoAt(unprotected.raw()) == &pinion::TypeInfoOf(unprotected));
  for (TypeId t : {plain, traced, final, both}) {
    CHECK_FALSE(t.unprotected());
    CHECK((t.raw() & kMarkBit) == 0);
    CHECK(pinion::internal::IsRegisteredType(t.raw()));
  }
  CHECK(std::string(pinion::TypeInfoOf(final).name) == "final");
  CHECK(pinion::TypeInfoOf(final).size == 24);
  CHECK(&pinion::internal::TypeInfoAt(final.raw() | kMarkBit) == &pinion::TypeInfoOf(final));
  CHECK_FALSE(pinion::internal::IsRegisteredType(0));
  CHECK_FALSE(pinion::internal::IsRegisteredType((unprotected.raw() & kTypeIndexMask) + 1));
}

TEST_CASE("a full registry (4095 types) is kBadArgument and yields an invalid TypeId") {
  uint32_t registered = 0;
  TypeId last;
  for (;;) {
    const TypeId t = RegisterType({"filler", 8, nullptr, nullptr});
    if (!t.valid()) break;  // unreachable with the default handler: it aborts first
    last = t;
    ++registered;
    REQUIRE(registered <= pinion::internal::kMaxTypes);
    if ((t.raw() & kTypeIndexMask) == pinion::internal::kMaxTypes) break;
  }
  CHECK((last.raw() & kTypeIndexMask) == pinion::internal::kMaxTypes);
  {
    pinion::test_support::ScopedMisuseHandler handler;
    CHECK(pinion::test_support::MisuseOf([] { RegisterType({"one too many", 8, nullptr, nullptr}); }) ==
          pinion::Misuse::kBadArgument);
  }
  pinion::test_support::ScopedMisuseLog log;
  CHECK_FALSE(RegisterType({"one too many", 8, nullptr, nullptr}).valid());
  CHECK(pinion::test_support::MisuseLog::Count(pinion::Misuse::kBadArgument) == 1);
  CHECK(pinion::internal::IsRegisteredType(last.raw()));
}
