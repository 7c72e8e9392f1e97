// Native regions: stretches of code that do not touch the heap (blocking I/O, long native
// computations, what Py_BEGIN_ALLOW_THREADS maps to). A thread inside one counts as stopped:
// the collector never waits for it, and it blocks on the way out while a pause is in
// progress. Raw pointers held across a region must be rooted (handles or pins, see
// pinning/pin.h's CallNative), because a whole collection may run meanwhile.
//
// Threads: the attached thread entering the region; regions do not nest. Inside a collector
// callback (a sweep-time finalizer, a trace callback: CollectorCallbackScope) a region does
// nothing: that thread may own a half-swept page and must not count as stopped.
#ifndef PINION_ROOTS_NATIVE_REGION_H_
#define PINION_ROOTS_NATIVE_REGION_H_

#include "roots/root_set.h"

namespace pinion {

// Enters on construction, leaves on destruction. kThreadNotAttached if the thread is not
// attached; kBadNesting if it is already in a native region.
class NativeRegion {
 public:
  NativeRegion();
  ~NativeRegion();
  NativeRegion(const NativeRegion&) = delete;
  NativeRegion& operator=(const NativeRegion&) = delete;

 private:
  ThreadRecord* thread_;
};

}  // namespace pinion

#endif  // PINION_ROOTS_NATIVE_REGION_H_
