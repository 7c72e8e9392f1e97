#!/usr/bin/python3
"""Minimum mutator utilisation against window size from a //benchmarks:latency MMU CSV
(--mmu-csv): one line per configuration and heap size, log x, Go-style.

    bazel build -c opt //benchmarks:latency
    .bazel/bin/benchmarks/latency --csv latency.csv --mmu-csv mmu.csv
    scripts/plot_latency.py mmu.csv latency.png

Higher is better: at window w, the curve is the least fraction of any w-long stretch of the
churn phase that the mutator spent doing its own work (benchmarks/latency.cc says how that is
measured). A colour per configuration, a line style per heap size; the dashed line is the
issue-13 target for Pinion concurrent at 100 ms (0.5). "control" (the same Pinion heap, never
collecting) and "malloc" are the no-collector baselines. Needs matplotlib (Debian:
python3-matplotlib); the benchmark does not.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402

CONFIGS = ["pinion-concurrent", "pinion-stw", "control", "malloc"]
# Configurations not named here (a renamed variant in an A/B, say) take one of these.
OTHER_COLORS = ["#d95f02", "#7570b3", "#e7298a", "#66a61e"]
COLORS = {"pinion-concurrent": "#2b7bba", "pinion-stw": "#8cb9de", "control": "#707070",
          "malloc": "#b0b0b0"}
STYLES = ["-", "--", ":", "-."]
TARGET_WINDOW_MS, TARGET_MMU = 100.0, 0.5


def main(csv_path, png_path):
    curves = {}  # (config, heap_mib) -> [(window_ms, mmu)]
    mutators = set()
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            key = (row["config"], int(row["heap_mib"]))
            curves.setdefault(key, []).append((float(row["window_ms"]), float(row["mmu"])))
            mutators.add(row["mutators"])
    if not curves:
        sys.exit(f"plot_latency: no rows in {csv_path}")
    sizes = sorted({size for _, size in curves})
    seen = {config for config, _ in curves}
    configs = [c for c in CONFIGS if c in seen] + sorted(seen - set(CONFIGS))
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    for config in configs:
        for size_index, size in enumerate(sizes):
            points = sorted(curves.get((config, size), []))
            if not points:
                continue
            ax.plot([w for w, _ in points], [m for _, m in points],
                    STYLES[size_index % len(STYLES)], color=COLORS.get(config, OTHER_COLORS[sum(map(ord, config)) % len(OTHER_COLORS)]),
                    marker="o", markersize=2.5, linewidth=1.2, label=f"{config}, {size} MiB")
    ax.plot([TARGET_WINDOW_MS], [TARGET_MMU], marker="x", color="#c03030", markersize=8,
            linestyle="none", label="target (100 ms, 0.5)")
    ax.axhline(TARGET_MMU, color="#c03030", linestyle="--", linewidth=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("window (ms)")
    ax.set_ylabel("minimum mutator utilisation")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left")
    threads = ", ".join(sorted(mutators))
    ax.set_title(f"Minimum mutator utilisation under churn ({threads} mutator thread(s); "
                 "higher is better)", fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    print(f"wrote {png_path}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
