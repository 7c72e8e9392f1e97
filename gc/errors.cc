#include "gc/errors.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace pinion {
namespace {

void DefaultHandler(Misuse kind, const char* message) {
  std::fprintf(stderr, "pinion: %s: %s\n", MisuseName(kind), message);
  std::abort();
}

// Relaxed is enough: the handler is a plain function pointer with no data behind it.
std::atomic<MisuseHandler> g_handler{&DefaultHandler};

}  // namespace

const char* MisuseName(Misuse kind) {
  switch (kind) {
    case Misuse::kUnpinBelowZero: return "unpin below zero";
    case Misuse::kNotAHeapObject: return "not a heap object";
    case Misuse::kThreadNotAttached: return "thread not attached";
    case Misuse::kThreadExitAttached: return "thread exited while attached";
    case Misuse::kBadNesting: return "bad nesting";
    case Misuse::kBadArgument: return "bad argument";
    case Misuse::kHeapInUse: return "heap in use";
    case Misuse::kUnownedReference: return "unowned reference";
    case Misuse::kDoubleFree: return "double free";
  }
  return "misuse";
}

MisuseHandler SetMisuseHandler(MisuseHandler handler) {
  return g_handler.exchange(handler ? handler : &DefaultHandler, std::memory_order_relaxed);
}

void ThrowingMisuseHandler(Misuse kind, const char* message) { throw MisuseError(kind, message); }

void ReportMisuse(Misuse kind, const char* format, ...) {
  char message[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, sizeof message, format, args);
  va_end(args);
  g_handler.load(std::memory_order_relaxed)(kind, message);
}

}  // namespace pinion
