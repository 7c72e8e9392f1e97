// Every documented misuse of the heap API is reported with its kind (gc/errors.h), and the
// heap stays usable afterwards.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <new>
#include <csignal>
#include <optional>
#include <string>
#include <thread>

#include "gc/heap.h"
#include "pinning/pin.h"
#include "roots/handles.h"
#include "roots/native_region.h"
#include "tests/test_util.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace pinion {
namespace {

using testing::kNode;
using testing::MisuseOf;
using testing::Node;
using testing::ThrowOnMisuse;

TEST_CASE("the default handler prints \"pinion: <kind>: <message>\" and aborts") {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t pid = fork();
  if (pid == 0) {  // child: unpin below zero with the default handler
    std::signal(SIGABRT, SIG_DFL);  // not doctest's crash handler
    dup2(pipe_fds[1], STDERR_FILENO);
    SetMisuseHandler(nullptr);
    Heap heap;
    ThreadScope thread(heap);
    Unpin(Allocate(kNode, sizeof(Node)));
    heap.Collect();  // the unpin is found unmatched when the counts are made exact
    _exit(0);  // not reached
  }
  close(pipe_fds[1]);
  std::string output;
  char buffer[256];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) output.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(output.rfind("pinion: unpin below zero: Unpin/Py_DECREF(", 0) == 0);
}

TEST_CASE("allocating from a thread that is not attached") {
  ThrowOnMisuse throws;
  Heap heap;
  std::optional<Misuse> kind;
  std::thread([&] { kind = MisuseOf([] { Allocate(kNode, sizeof(Node)); }); }).join();
  CHECK(kind == Misuse::kThreadNotAttached);
}

TEST_CASE("allocating inside a native region") {
  ThrowOnMisuse throws;
  Heap heap;
  ThreadScope thread(heap);
  NativeRegion region;
  CHECK(MisuseOf([] { TryAllocate(kNode, sizeof(Node)); }) == Misuse::kThreadNotAttached);
}

TEST_CASE("handles need an attached thread") {
  ThrowOnMisuse throws;
  std::optional<Misuse> kind;
  std::thread([&] { kind = MisuseOf([] { Handle<Node> h(nullptr); }); }).join();
  CHECK(kind == Misuse::kThreadNotAttached);
}

TEST_CASE("attaching a thread twice, and nesting native regions") {
  ThrowOnMisuse throws;
  Heap heap, other;
  ThreadScope thread(heap);
  CHECK(MisuseOf([&] { ThreadScope again(other); }) == Misuse::kBadNesting);
  NativeRegion region;
  CHECK(MisuseOf([] { NativeRegion nested; }) == Misuse::kBadNesting);
}

TEST_CASE("bad arguments: unregistered type, nameless type, growth factor below 1") {
  ThrowOnMisuse throws;
  CHECK(MisuseOf([] { RegisterType({nullptr, 8}); }) == Misuse::kBadArgument);
  HeapConfig config;
  config.growth_factor = 0.5;
  CHECK(MisuseOf([&] { Heap heap(config); }) == Misuse::kBadArgument);
  Heap heap;
  ThreadScope thread(heap);
  CHECK(MisuseOf([] { Allocate(TypeId(), 8); }) == Misuse::kBadArgument);
}

TEST_CASE("removing a global root that was never added") {
  ThrowOnMisuse throws;
  Heap heap;
  void* slot = nullptr;
  CHECK(MisuseOf([&] { heap.roots().RemoveGlobal(&slot); }) == Misuse::kBadArgument);
}

std::atomic<int> g_reports{0};
std::atomic<Misuse> g_last{Misuse::kBadArgument};
void RecordMisuse(Misuse kind, const char*) {
  g_last = kind;
  g_reports++;
}

TEST_CASE("a thread that exits attached is reported and detached") {
  const MisuseHandler previous = SetMisuseHandler(&RecordMisuse);
  g_reports = 0;
  Heap heap;
  alignas(ThreadScope) static unsigned char storage[sizeof(ThreadScope)];
  std::thread([&] {
    new (storage) ThreadScope(heap);  // never destroyed: the thread exits attached
    Allocate(kNode, sizeof(Node));
  }).join();
  CHECK(g_reports.load() == 1);
  CHECK(g_last.load() == Misuse::kThreadExitAttached);
  heap.Collect();  // would wait forever for a thread that is still registered
  SetMisuseHandler(previous);
}

TEST_CASE("a heap destroyed while a thread is attached is reported") {
  const MisuseHandler previous = SetMisuseHandler(&RecordMisuse);
  g_reports = 0;
#if defined(__SANITIZE_ADDRESS__)
  __lsan_disable();  // the heap is leaked on purpose, below
#endif
  auto* heap = new Heap;
  auto* thread = new ThreadScope(*heap);
#if defined(__SANITIZE_ADDRESS__)
  __lsan_enable();
#endif
  delete heap;  // reported; the heap's memory is leaked rather than freed under the thread
  CHECK(g_reports.load() == 1);
  CHECK(g_last.load() == Misuse::kHeapInUse);
  (void)thread;  // deliberately leaked with the heap
  ThreadRecord::SetCurrent(nullptr);
  SetMisuseHandler(previous);
}

}  // namespace
}  // namespace pinion
