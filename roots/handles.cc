#include "roots/handles.h"

#include "gc/errors.h"

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

namespace internal {

void NoHandleStack() {
  if (ThreadRecord::Current() != nullptr) {
    ReportMisuse(Misuse::kThreadNotAttached,
                 "a handle or handle scope created inside a native region (the collector may "
                 "be scanning the handles)");
  } else {
    ReportMisuse(Misuse::kThreadNotAttached, "handles need an attached thread (ThreadScope)");
  }
  // A handler that returns cannot make a handle out of nothing.
  throw MisuseError(Misuse::kThreadNotAttached, "handles need an attached thread");
}

}  // namespace internal

}  // namespace pinion
