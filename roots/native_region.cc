#include "roots/native_region.h"

#include "gc/errors.h"

namespace pinion {

NativeRegion::NativeRegion() : thread_(ThreadRecord::Current()) {
  if (CollectorCallbackScope::what() != nullptr) {
    // A finalizer run by the sweep: its thread owns a half-swept page, so it must not count
    // as stopped. The region does nothing; a stop waits for the callback to return.
    thread_ = nullptr;
    return;
  }
  if (thread_ == nullptr) {
    ReportMisuse(Misuse::kThreadNotAttached, "NativeRegion entered by an unattached thread");
    return;
  }
  if (thread_->mode.load(std::memory_order_relaxed) == ThreadMode::kNative) {
    ReportMisuse(Misuse::kBadNesting, "native regions do not nest");
    thread_ = nullptr;
    return;
  }
  thread_->roots.threads().EnterNative(thread_);
}

NativeRegion::~NativeRegion() {
  if (thread_ != nullptr) thread_->roots.threads().LeaveNative(thread_);
}

}  // namespace pinion
