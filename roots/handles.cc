#include "roots/handles.h"

#include "gc/errors.h"
#include "roots/thread_registry.h"

namespace pinion {

HandleStack::HandleStack() {
  blocks_.emplace_back(new void*[kBlockSlots]);
  top_ = blocks_[0].get();
  limit_ = top_ + kBlockSlots;
}

void HandleStack::NextBlock() {
  ++block_;
  if (block_ == blocks_.size()) blocks_.emplace_back(new void*[kBlockSlots]);
  top_ = blocks_[block_].get();
  limit_ = top_ + kBlockSlots;
}

HandleStack& CurrentHandleStack() {
  ThreadRecord* thread = ThreadRecord::Current();
  if (thread == nullptr) [[unlikely]] {
    ReportMisuse(Misuse::kThreadNotAttached, "handles need an attached thread (ThreadScope)");
    throw MisuseError(Misuse::kThreadNotAttached, "handles need an attached thread");
  }
  return thread->handles;
}

}  // namespace pinion
