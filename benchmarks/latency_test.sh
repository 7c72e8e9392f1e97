#!/bin/bash
# //benchmarks:latency_test: runs `latency --self-test` (the MMU computation against
# hand-computed values and brute force), then `latency --quick` (32 MiB, 2 s, one run of each
# configuration) and checks its CSVs: every configuration has a row; batch percentiles are
# positive and ordered (p50 <= p99 <= p99.9 <= max), the median run's max pause at most the
# worst run's; every MMU is in [0, 1], with the 1, 10
# and 100 ms windows present; the controls (control, malloc) collected 0 times and the Pinion
# configurations at least once; peak RSS is at least the live size; CPU use is positive;
# over the widest MMU window (1 s) every configuration did some work. (No more than that: on a loaded machine
# any window up to ~0.1 s may be all stall.)
set -euo pipefail
latency="$1"
# Under --config=asan: the malloc configuration's child exits holding its live heap (as every
# child does: the process ends), which LeakSanitizer would report. Later options win.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
dir="${TEST_TMPDIR:-$(mktemp -d)}"
"$latency" --self-test
"$latency" --quick --csv "$dir/latency.csv" --mmu-csv "$dir/mmu.csv" > "$dir/table.txt"
cat "$dir/table.txt"

awk -F, '
  NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; next }
  function v(name) { if (!(name in col)) { print "no column " name; bad = 1; return 0 }
                     return $(col[name]) + 0 }
  function fail(what) { print "latency_test: " $(col["config"]) ": " what; bad = 1 }
  {
    seen[$(col["config"])] = 1
    if (!(v("batch_p50_ms") > 0)) fail("p50 not positive")
    if (!(v("batch_p50_ms") <= v("batch_p99_ms"))) fail("p50 > p99")
    if (!(v("batch_p99_ms") <= v("batch_p999_ms"))) fail("p99 > p99.9")
    if (!(v("batch_p999_ms") <= v("batch_max_ms"))) fail("p99.9 > max")
    if (!(v("median_max_pause_ms") <= v("max_pause_ms"))) fail("median max pause > worst run")
    split("mmu_1ms mmu_10ms mmu_100ms", windows, " ")
    for (k in windows) {
      m = v(windows[k])
      if (!(m >= 0 && m <= 1)) fail(windows[k] " = " m " is not in [0, 1]")
    }
    if (!(v("mmu_1ms") <= v("mmu_100ms") + 0.5)) fail("implausible MMU curve")
    if (!(v("seconds") > 0.5)) fail("churn phase too short")
    if (!(v("peak_rss_mib") >= v("live_mib"))) fail("peak RSS below the live size")
    if (!(v("cpus") > 0 && v("sys_cpus") >= 0 && v("sys_cpus") <= v("cpus"))) fail("bad CPU use")
    if ($(col["config"]) == "control" || $(col["config"]) == "malloc") {
      if (v("collections") != 0) fail("the control collected")
      if (v("pauses") != 0 || v("mutator_waits") != 0 || v("assists") != 0) fail("the control paused")
    } else if (!(v("collections") >= 1)) {
      fail("did not collect")
    }
  }
  END {
    split("pinion-concurrent pinion-stw control malloc", configs, " ")
    for (k in configs) if (!(configs[k] in seen)) { print "latency_test: no row for " configs[k]; bad = 1 }
    exit bad
  }' "$dir/latency.csv"

awk -F, '
  NR == 1 { if ($0 != "heap_mib,config,mutators,window_ms,mmu") { print "bad header " $0; bad = 1 }; next }
  {
    ++rows[$2]
    if (!($5 >= 0 && $5 <= 1)) { print "latency_test: mmu out of range: " $0; bad = 1 }
    if (!($2 in widest) || $4 + 0 > widest[$2]) { widest[$2] = $4 + 0; at_widest[$2] = $5 + 0 }
  }
  END {
    for (c in rows) if (rows[c] < 15) { print "latency_test: only " rows[c] " MMU points for " c; bad = 1 }
    # Over its widest window (1 s) every configuration did some work.
    for (c in at_widest) if (!(at_widest[c] > 0)) { print "latency_test: no mutator time in " c; bad = 1 }
    if (length(rows) != 4) { print "latency_test: MMU curves for " length(rows) " configurations"; bad = 1 }
    exit bad
  }' "$dir/mmu.csv"
echo "latency_test: ok"
