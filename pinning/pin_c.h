/* Pins from C: the same fast path as pinning/pin.h's Pin/Unpin, for code compiled as C (the
 * CPython layer's Py_INCREF/Py_DECREF are to be built on it).
 *
 *   pinion_pin(obj);     // obj is a root until the matching pinion_unpin
 *   pinion_unpin(obj);
 *
 * Contract, cost and errors are exactly those of pinion::Pin/pinion::Unpin (pinning/pin.h):
 * the calling thread must be attached and running (not in a native region); the object must
 * be the start of a live object of its heap; an unpin with no matching pin is reported at
 * the next collection. Both are inline and write only the calling thread's pin log, through
 * the thread-local pointer pinion_current_pin_log (gc/internal/pin_log.h: it points at an
 * always-full frozen log whenever the thread is not running, so a misplaced call fails on
 * the fast path and the out-of-line slow path reports it). Debug builds (NDEBUG unset) check
 * the object first, as in C++.
 *
 * The struct mirrors pinion::internal::PinLog; pinning/pin_c.cc checks the layout at
 * compile time. Not for C++ code, which includes pinning/pin.h (the thread-local has a C++
 * declaration of its own there).
 */
#ifndef PINION_PINNING_PIN_C_H_
#define PINION_PINNING_PIN_C_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PINION_PIN_LOG_CAPACITY 256

struct pinion_pin_log {
  uintptr_t slots[PINION_PIN_LOG_CAPACITY + 1]; /* slots[0]: a sentinel no object equals */
  uintptr_t* top;                               /* the next free slot for a pin */
  uintptr_t* end;                               /* the oldest unpin; top == end: full */
  uintptr_t* limit;                             /* the end of the unpins (not used in C) */
};

/* Out of line: a full log (count it, then log), or a thread that is not running (report). */
void pinion_pin_slow(const void* object);
void pinion_unpin_slow(const void* object);
/* Debug builds: reports and returns 0 if `object` may not be pinned by this thread. */
int pinion_check_pin_target(const void* object, const char* operation);

#ifndef __cplusplus
/* initial-exec: an extension module is a shared object (-fPIC), and the default model there
 * (global-dynamic) calls __tls_get_addr on every access, which made a Py_INCREF/Py_DECREF
 * pair several times dearer (docs/benchmarks.md). The variable lives in the program or a
 * library it was started with, so it is in static TLS, an offset from the thread pointer. */
extern __thread struct pinion_pin_log* pinion_current_pin_log
    __attribute__((tls_model("initial-exec")));

static inline void pinion_pin(const void* object) {
#ifndef NDEBUG
  if (!pinion_check_pin_target(object, "pinion_pin")) return;
#endif
  struct pinion_pin_log* log = pinion_current_pin_log;
  if (__builtin_expect(log->top != log->end, 1)) {
    *log->top++ = (uintptr_t)object;
    return;
  }
  pinion_pin_slow(object);
}

/* The unpin fast path alone: pops the newest log entry if it is a pin of `object` and
 * returns 1; else 0, having done nothing (the caller then calls pinion_unpin). No check. */
static inline int pinion_try_cancel(const void* object) {
  struct pinion_pin_log* log = pinion_current_pin_log;
  if (__builtin_expect(log->top[-1] == (uintptr_t)object, 1)) {
    --log->top;
    return 1;
  }
  return 0;
}

static inline void pinion_unpin(const void* object) {
#ifndef NDEBUG
  if (!pinion_check_pin_target(object, "pinion_unpin")) return;
#endif
  struct pinion_pin_log* log = pinion_current_pin_log;
  if (__builtin_expect(log->top[-1] == (uintptr_t)object, 1)) {
    --log->top;
    return;
  }
  pinion_unpin_slow(object);
}
#endif /* !__cplusplus */

#ifdef __cplusplus
}
#endif

#endif /* PINION_PINNING_PIN_C_H_ */
