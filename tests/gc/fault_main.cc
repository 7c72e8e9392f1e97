// The doctest main() of the fault-injected twins of the concurrency tests (the *_faults_test
// targets, which set PINION_FAULTS=seed,one_in,max_delay_us; gc/fault_injection.h reads it
// at startup). It runs the tests as the shared main does, then reports how many stalls the
// faults made, and fails a run of the whole suite that made none: the variable was missing
// or malformed, so the twin tested nothing its plain target does not. Builds without fault
// points (NDEBUG: -c opt) only report; runs of some of the tests (-tc=...) only report too,
// since a few tests reach no fault point at all.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include "gc/fault_injection.h"

namespace {

// Whether every test case of the binary ran (no filter left one out).
bool g_whole_suite = false;

struct SuiteListener : doctest::IReporter {
  explicit SuiteListener(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override {
    g_whole_suite =
        stats.numTestCases > 0 && stats.numTestCasesPassingFilters == stats.numTestCases;
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
DOCTEST_REGISTER_LISTENER("whole_suite", 1, SuiteListener);

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit()) return result;  // --help, --list-test-cases, ...
  const char* faults = std::getenv("PINION_FAULTS");
  const unsigned long long stalls = pinion::fault::Stalls();
  std::fprintf(stderr, "[fault injection] PINION_FAULTS=%s: %llu stalls%s\n",
               faults != nullptr ? faults : "(unset)", stalls,
               pinion::fault::Available() ? "" : " (fault points compiled out: NDEBUG)");
  if (result == 0 && faults != nullptr && pinion::fault::Available() && g_whole_suite &&
      stalls == 0) {
    std::fprintf(stderr, "[fault injection] FAILED: the whole suite ran and no fault point "
                         "stalled: is PINION_FAULTS well formed, with one_in > 0?\n");
    return 1;
  }
  return result;
}
