// Misuse reporting: the one place every package sends "you used Pinion wrongly".
//
// Pinion never corrupts the heap silently when a cheap check exists; instead it reports the
// misuse here. The default handler prints "pinion: <kind>: <message>" to stderr and aborts.
// An embedder (or a test) may install its own handler, e.g. one that throws MisuseError; a
// handler that returns makes the failing call a no-op where that is safe (documented per
// call), so handlers that neither throw nor abort are only for diagnostics.
//
// Threads: any. The handler is a process-wide atomic pointer.
#ifndef PINION_GC_ERRORS_H_
#define PINION_GC_ERRORS_H_

#include <stdexcept>
#include <string>

namespace pinion {

enum class Misuse {
  kUnpinBelowZero,      // Unpin() on an object whose pin count is already zero.
  kNotAHeapObject,      // A pointer that is not the start of a live object of a Pinion heap.
  kThreadNotAttached,   // Heap access from a thread that is not attached (or is in a native region).
  kThreadExitAttached,  // A thread exited while still attached to a heap.
  kBadNesting,          // Attach/detach, native regions or handle scopes used out of order.
  kBadArgument,         // An invalid argument: unknown type, bad configuration.
  kHeapInUse,           // A heap destroyed while threads are still attached.
  kUnownedReference,    // A trace of an edges_hold_pins type visits an object it holds no
                        // pin on (a tp_traverse visiting a borrowed reference).
  kDoubleFree,          // An object freed twice (compat: tp_free/PyObject_Free again).
};

const char* MisuseName(Misuse kind);

// Thrown by ThrowingMisuseHandler (the handler tests install).
class MisuseError : public std::logic_error {
 public:
  MisuseError(Misuse kind, const std::string& message)
      : std::logic_error(message), kind_(kind) {}
  Misuse kind() const { return kind_; }

 private:
  Misuse kind_;
};

using MisuseHandler = void (*)(Misuse kind, const char* message);

// Installs `handler` (nullptr restores the default) and returns the previous one.
MisuseHandler SetMisuseHandler(MisuseHandler handler);
void ThrowingMisuseHandler(Misuse kind, const char* message);

// Reports a misuse through the installed handler. Cold and out of line.
[[gnu::cold]] void ReportMisuse(Misuse kind, const char* format, ...)
    __attribute__((format(printf, 2, 3)));

}  // namespace pinion

#endif  // PINION_GC_ERRORS_H_
