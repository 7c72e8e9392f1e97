#!/usr/bin/python3
"""Bar charts of a //benchmarks:compare CSV: median time and peak RSS per collector.

    scripts/plot_compare.py compare.csv docs/compare.png

Needs matplotlib (Debian: python3-matplotlib); the benchmarks themselves do not.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLLECTORS = ["pinion", "boehm", "boehm-tuned", "malloc"]
COLORS = {"pinion": "#2b7bba", "boehm": "#b0b0b0", "boehm-tuned": "#707070", "malloc": "#e0a030"}


def main(csv_path, png_path):
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    benchmarks = list(dict.fromkeys(r["benchmark"] for r in rows))
    metrics = [("median_s", "median wall time (s)"), ("peak_rss_mib", "peak RSS (MiB)"),
               ("max_pause_ms", "max pause (ms)")]
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.6))
    width = 0.8 / len(COLLECTORS)
    for ax, (field, label) in zip(axes, metrics):
        for i, collector in enumerate(COLLECTORS):
            values = [next((float(r[field]) for r in rows
                            if r["benchmark"] == b and r["collector"] == collector), 0.0)
                      for b in benchmarks]
            xs = [x + (i - (len(COLLECTORS) - 1) / 2) * width for x in range(len(benchmarks))]
            ax.bar(xs, values, width, label=collector, color=COLORS[collector])
        ax.set_xticks(range(len(benchmarks)))
        ax.set_xticklabels(benchmarks)
        ax.set_title(label)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("Pinion vs Boehm GC vs malloc/free (single thread; lower is better)")
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
