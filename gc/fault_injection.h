// Fault injection: test-only hooks that stall a thread at the points of the handshake and
// park/resume protocol where a descheduled thread has exposed bugs before (issue 9: a thread
// descheduled between leaving its park and claiming its root scan lost its handles).
//
// Compiled in only when NDEBUG is unset (the default fastbuild, -c dbg, and the asan/tsan
// configs, which are what the tests run under); in optimised builds PINION_FAULT_POINT
// expands to nothing and the control functions below do nothing (Available() is false).
//
// Two ways to drive it, both process-wide:
//  - Random(seed, one_in, max_delay_us): at every point, on every thread, a stall with
//    probability 1/one_in: a yield half the time, else a sleep of up to max_delay_us. Each
//    thread draws from its own generator, seeded by `seed` and the order in which threads
//    first reach a point, so a seed fixes what each thread decides at its n-th point
//    (the interleaving is still the scheduler's).
//  - SetHook(hook): hook(point) runs at every point, on the thread that reached it, with no
//    lock held: a test holds a chosen thread at a chosen point (say, until the collector has
//    moved on) and lets it go.
// The environment variable PINION_FAULTS=seed[,one_in[,max_delay_us]] turns random mode on
// in any test binary (read once, during static initialisation; a later Random() or
// Disable() overrides it).
//
// Threads: any thread may reach a point. Control functions from any thread, though tests
// change the mode only while no collection runs.
#ifndef PINION_GC_FAULT_INJECTION_H_
#define PINION_GC_FAULT_INJECTION_H_

#include <cstdint>

namespace pinion::fault {

// The points, in protocol order. Each names where the thread stands when it stalls.
enum class Point : uint8_t {
  kBeforePark,        // Poll: a stop is requested; the thread has not parked yet
  kAfterPark,         // Poll: back from its park, its handshake (if any) not yet claimed
  kAfterLeaveNative,  // LeaveNative: running again, its handshake not yet claimed
  kBeforeClaim,       // a thread or the collector about to claim a pending handshake
  kBeforeFlush,       // a thread about to hand its barrier buffer to the collector
  kHoldingPinLog,     // a mutator counting its full pin log, its pins applied, unpins not
  kMarkRound,         // the collector between concurrent marking rounds
  kBeforeSweep,       // the collector after a cycle's last pause, before it sweeps (so
                      // allocating threads sweep the pages they need themselves)
  kWeakClearing,      // the collector after a cycle's last pause, its weak references to
                      // dead objects not yet cleared (weak reads take the slow path)
  kAttach,            // a thread registered, before it runs heap code
  kDetach,            // a thread about to unregister
  kHelperWake,        // a marker helper woken for a job, before it takes the job
  kCount
};
const char* PointName(Point point);

using Hook = void (*)(Point point);

// True if fault points are compiled into this build.
bool Available();
// Random stalls everywhere (see above); one_in 0 turns random mode off.
void Random(uint64_t seed, uint32_t one_in, uint32_t max_delay_us);
// Installs `hook` (nullptr removes it). The hook runs in addition to random stalls.
void SetHook(Hook hook);
// Random mode off, hook removed.
void Disable();
// How many stalls random mode has made (tests check that it did something).
uint64_t Stalls();

namespace internal {
[[gnu::cold]] void Reached(Point point);
bool Active();
}  // namespace internal

}  // namespace pinion::fault

#ifdef NDEBUG
#define PINION_FAULT_POINT(point) ((void)0)
#else
#define PINION_FAULT_POINT(point)                                                 \
  do {                                                                            \
    if (::pinion::fault::internal::Active()) [[unlikely]] {                       \
      ::pinion::fault::internal::Reached(::pinion::fault::Point::point);          \
    }                                                                             \
  } while (0)
#endif

#endif  // PINION_GC_FAULT_INJECTION_H_
