#include "roots/root_set.h"

#include <algorithm>

#include "gc/errors.h"

namespace pinion {

void RootSet::AddGlobalRange(void* const* slots, size_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  ranges_.push_back({slots, count});
}

void RootSet::RemoveGlobal(void* const* slots) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find_if(ranges_.begin(), ranges_.end(),
                         [&](const Range& r) { return r.slots == slots; });
  if (it == ranges_.end()) {
    ReportMisuse(Misuse::kBadArgument, "RemoveGlobal(%p): no such global root", (void*)slots);
    return;
  }
  ranges_.erase(it);
}

void RootSet::AddSource(RootSource* source) {
  std::lock_guard<std::mutex> lock(mu_);
  sources_.push_back(source);
}

void RootSet::RemoveSource(RootSource* source) {
  std::lock_guard<std::mutex> lock(mu_);
  sources_.erase(std::remove(sources_.begin(), sources_.end(), source), sources_.end());
}

void RootSet::VisitRoots(RootVisitor& visitor) {
  VisitGlobals(visitor);
  threads_.ForEachThread([&](ThreadRecord* thread) {
    thread->handles.ForEach([&](void* object) { visitor.VisitRoot(object); });
  });
  VisitSources(visitor);
}

void RootSet::VisitGlobals(RootVisitor& visitor) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Range& range : ranges_) {
    for (size_t i = 0; i < range.count; ++i) {
      if (void* object = range.slots[i]) visitor.VisitRoot(object);
    }
  }
}

void RootSet::VisitSources(RootVisitor& visitor) {
  std::lock_guard<std::mutex> lock(mu_);
  for (RootSource* source : sources_) source->VisitRoots(visitor);
}

}  // namespace pinion
