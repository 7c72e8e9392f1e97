#!/usr/bin/env bash
# Coverage-guided fuzzing of the model test's single-thread core (tests/model/model_fuzz.cc:
# the input bytes are an operation sequence, checked against the model after every Collect)
# with clang's libFuzzer, AddressSanitizer and UBSan. Bazel's toolchain here is gcc, so this
# builds directly with clang++: the sources are those of //tests/model:model_fuzz_driver_test
# (//gc, //roots, //pinning and the fuzz target), found with `bazel query`, NDEBUG unset (the
# debug checks on).
#
#   scripts/fuzz_model.sh [SECONDS] [libFuzzer flags...]     # default 60 seconds
#   FUZZ_OUT=/tmp/dir scripts/fuzz_model.sh 600 -jobs=2 -workers=2
#
# Work goes to $FUZZ_OUT (default /tmp/pinion_fuzz_model): the binary, the growing corpus
# (corpus/, reused by later runs) and any crash-*/leak-*/timeout-* input. Replay one with the
# fuzzer binary, or with Bazel's gcc build:
#   $FUZZ_OUT/model_fuzz CRASH_FILE
#   bazel run //tests/model:model_fuzz_driver_test -- CRASH_FILE
# Exits non-zero when libFuzzer found a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[ $# -gt 0 ] && shift
out=${FUZZ_OUT:-/tmp/pinion_fuzz_model}
mkdir -p "$out/corpus"

if ! command -v clang++ >/dev/null; then
  echo "fuzz_model.sh: clang++ is not installed" >&2
  exit 2
fi

# The C++ sources the fuzz target needs, minus the gcc driver's main.
mapfile -t sources < <(
  bazel query 'kind("source file", deps(//tests/model:model_fuzz_driver_test))' 2>/dev/null |
    grep -E '^//[^@]*\.cc$' | grep -v 'model_fuzz_driver\.cc$' |
    sed -E 's|^//||; s|:|/|')
if [ "${#sources[@]}" -eq 0 ]; then
  echo "fuzz_model.sh: bazel query found no sources" >&2
  exit 2
fi


binary="$out/model_fuzz"
echo "fuzz_model.sh: building $binary from ${#sources[@]} sources"
clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer -fno-strict-aliasing -pthread \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I. "${sources[@]}" -o "$binary"

echo "fuzz_model.sh: fuzzing for $seconds s; corpus $out/corpus"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$binary" -max_total_time="$seconds" -max_len=4096 -timeout=60 -rss_limit_mb=4096 \
  -artifact_prefix="$out/" "$@" "$out/corpus"
