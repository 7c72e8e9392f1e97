#!/usr/bin/env bash
# Runs the Pinion build and the CPython build of one differential test and compares what they
# print (tests/compat/differential/differential.bzl). Lines a driver marks with "[differs] "
# state a documented difference (reference counts, when deallocation happens) and are shown,
# not compared.
set -uo pipefail
pinion_bin=$1
cpython_bin=$2
pinion_out=$(mktemp)
cpython_out=$(mktemp)
trap 'rm -f "$pinion_out" "$cpython_out"' EXIT

"$pinion_bin" >"$pinion_out" 2>&1
pinion_status=$?
# CPython never frees what it gives static extension types (tp_dict, tp_mro, tp_subclasses),
# so under ASan its build reports leaks that are not the module's: they are not looked for.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$cpython_bin" >"$cpython_out" 2>&1
cpython_status=$?

echo "== Pinion (exit $pinion_status) =="
cat "$pinion_out"
echo "== CPython 3.11 (exit $cpython_status) =="
cat "$cpython_out"

status=0
if [ "$pinion_status" -ne "$cpython_status" ]; then
  echo "FAIL: exit status $pinion_status (Pinion) vs $cpython_status (CPython)"
  status=1
fi
if [ "$(grep -c . "$cpython_out")" -lt 2 ]; then
  echo "FAIL: the CPython build printed almost nothing: nothing was compared"
  status=1
fi
if ! diff -u <(grep -v '^\[differs\] ' "$cpython_out") <(grep -v '^\[differs\] ' "$pinion_out") \
    --label CPython --label Pinion; then
  echo "FAIL: the outputs differ (- CPython, + Pinion)"
  status=1
fi
[ "$status" -eq 0 ] && echo "PASS: $(grep -vc '^\[differs\] ' "$cpython_out") lines identical"
exit $status
