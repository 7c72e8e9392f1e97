// Runs one benchmark configuration in a child process: this binary re-executed with the
// given arguments, so each run sets its collector up once in a fresh process and its peak
// RSS is its own (wait4's ru_maxrss). The drivers (compare.cc, pauses.cc) parse the child's
// "RESULT ..." line from `output`.
// Threads: the driver's main thread only.
#ifndef PINION_BENCHMARKS_CHILD_PROCESS_H_
#define PINION_BENCHMARKS_CHILD_PROCESS_H_

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace pinion::bench {

struct ChildRun {
  std::string output;      // the child's stdout (and stderr, if merged)
  int status = 0;          // from wait4
  bool timed_out = false;  // killed at the deadline
  double rss_mib = 0;      // peak RSS

  bool succeeded() const { return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
  // "killed by signal N" or "exit status N".
  std::string how_it_ended() const {
    return WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                               : "exit status " + std::to_string(WEXITSTATUS(status));
  }
};

// Runs /proc/self/exe with `args` (args[0] is the program name), collecting its stdout
// (and its stderr when `merge_stderr`) until it exits; kills it after `timeout_s` seconds.
inline ChildRun RunChildProcess(const std::vector<std::string>& args, int timeout_s,
                                bool merge_stderr) {
  auto fail = [](const char* what) {
    std::fprintf(stderr, "child process: %s failed\n", what);
    std::exit(2);
  };
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) fail("pipe");
  const pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    if (merge_stderr) dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<const char*> argv;
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    argv.push_back(nullptr);
    execv("/proc/self/exe", const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  close(pipe_fds[1]);
  ChildRun run;
  // Read the child's output until it closes the pipe, or kill it at the deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      run.timed_out = true;
      break;
    }
    pollfd fd = {pipe_fds[0], POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) fail("poll");
    if (ready <= 0) continue;
    char buffer[512];
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    run.output.append(buffer, n);
  }
  close(pipe_fds[0]);
  rusage usage{};
  if (wait4(pid, &run.status, 0, &usage) != pid) fail("wait4");
  run.rss_mib = usage.ru_maxrss / 1024.0;  // Linux reports KiB
  return run;
}

}  // namespace pinion::bench

#endif  // PINION_BENCHMARKS_CHILD_PROCESS_H_
