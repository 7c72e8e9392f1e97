// Tests of misuse reporting (gc/errors.h): names, handler installation, message formatting,
// and the default handler, which prints and aborts.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <set>
#include <string>

#include "gc/errors.h"

namespace {

using pinion::Misuse;
using pinion::MisuseError;

std::string g_last_message;
Misuse g_last_kind;
void Record(Misuse kind, const char* message) {
  g_last_kind = kind;
  g_last_message = message;
}

}  // namespace

TEST_CASE("MisuseName gives each kind a distinct name") {
  const Misuse all[] = {Misuse::kUnpinBelowZero,    Misuse::kNotAHeapObject,
                        Misuse::kThreadNotAttached, Misuse::kThreadExitAttached,
                        Misuse::kBadNesting,        Misuse::kBadArgument,
                        Misuse::kHeapInUse,         Misuse::kUnownedReference,
                        Misuse::kDoubleFree};
  std::set<std::string> names;
  for (Misuse kind : all) names.insert(pinion::MisuseName(kind));
  CHECK(names.size() == 9);
  CHECK(std::string(pinion::MisuseName(Misuse::kUnpinBelowZero)) == "unpin below zero");
  CHECK(std::string(pinion::MisuseName(Misuse::kHeapInUse)) == "heap in use");
}

TEST_CASE("SetMisuseHandler returns the previous handler; ReportMisuse formats the message") {
  const pinion::MisuseHandler original = pinion::SetMisuseHandler(&Record);
  pinion::ReportMisuse(Misuse::kBadArgument, "value %d, name %s", 42, "x");
  CHECK(g_last_kind == Misuse::kBadArgument);
  CHECK(g_last_message == "value 42, name x");
  // Long messages are truncated, not overflowed.
  const std::string long_text(2000, 'a');
  pinion::ReportMisuse(Misuse::kBadNesting, "%s", long_text.c_str());
  CHECK(g_last_kind == Misuse::kBadNesting);
  CHECK(g_last_message.size() < 2000);
  CHECK(g_last_message.size() >= 256);
  CHECK((pinion::SetMisuseHandler(&pinion::ThrowingMisuseHandler) == &Record));
  try {
    pinion::ReportMisuse(Misuse::kHeapInUse, "%zu threads", size_t{3});
    FAIL("ThrowingMisuseHandler did not throw");
  } catch (const MisuseError& e) {
    CHECK(e.kind() == Misuse::kHeapInUse);
    CHECK(std::string(e.what()) == "3 threads");
  }
  // nullptr restores the default handler, which is what `original` was.
  CHECK((pinion::SetMisuseHandler(nullptr) == &pinion::ThrowingMisuseHandler));
  CHECK((pinion::SetMisuseHandler(original) == original));
}

TEST_CASE("the default handler prints 'pinion: <kind>: <message>' to stderr and aborts") {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    dup2(pipe_fds[1], 2);
    close(pipe_fds[0]);
    signal(SIGABRT, SIG_DFL);  // not doctest's crash reporter: die of the signal
    pinion::SetMisuseHandler(nullptr);
    pinion::ReportMisuse(Misuse::kUnpinBelowZero, "Unpin(%p)", static_cast<void*>(nullptr));
    _exit(0);  // not reached: the default handler aborts
  }
  close(pipe_fds[1]);
  std::string output;
  char buffer[512];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(output.find("pinion: unpin below zero: Unpin(") != std::string::npos);
}
