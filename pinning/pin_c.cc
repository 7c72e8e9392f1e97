// The out-of-line half of the C pin API (pinning/pin_c.h): its slow paths are the C++ ones,
// and its log struct is checked here against the C++ class it mirrors.
#include "pinning/pin_c.h"

#include <cstddef>

#include "gc/internal/pin_log.h"
#include "pinning/pin.h"

static_assert(pinion::internal::PinLog::kCapacity == PINION_PIN_LOG_CAPACITY);
static_assert(pinion::internal::PinLog::HasCLayout(offsetof(pinion_pin_log, top),
                                                   offsetof(pinion_pin_log, end),
                                                   sizeof(pinion_pin_log)),
              "struct pinion_pin_log no longer mirrors pinion::internal::PinLog");

extern "C" {

void pinion_pin_slow(const void* object) { pinion::internal::PinSlow(object); }
void pinion_unpin_slow(const void* object) { pinion::internal::UnpinSlow(object); }
int pinion_check_pin_target(const void* object, const char* operation) {
  return pinion::internal::CheckPinTarget(object, operation) ? 1 : 0;
}

}  // extern "C"
