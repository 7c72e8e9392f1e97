#!/bin/sh
# Fails when README.md's C++ usage example and tests/readme_example.cc differ.
set -eu
readme="$1"; example="$2"
sed -n '/^```cpp$/,/^```$/p' "$readme" | sed '1d;$d' > "${TEST_TMPDIR:-/tmp}/readme_block.cc"
tail -n +2 "$example" | diff -u "${TEST_TMPDIR:-/tmp}/readme_block.cc" - \
  || { echo "README.md example and tests/readme_example.cc differ" >&2; exit 1; }
