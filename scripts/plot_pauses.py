#!/usr/bin/python3
"""Pause distributions from a //benchmarks:pauses CSV: per heap size, the median, p99 and max
pause of each collector and mode (log scale), and the mutator throughput beside them.

    bazel run -c opt //benchmarks:pauses -- --csv pauses.csv
    scripts/plot_pauses.py pauses.csv pauses.png

The dashed lines are the targets for Pinion's concurrent mode: max pause < 1 ms, p99 < 0.5 ms.
A configuration without pauses in the churn phase (or left out of the CSV because all its
runs failed) has no bars. Needs matplotlib (Debian: python3-matplotlib); the benchmark does
not.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

CONFIGS = [("pinion", "concurrent"), ("pinion", "stw"), ("boehm", "stw"), ("boehm", "incremental")]
COLORS = {("pinion", "concurrent"): "#2b7bba", ("pinion", "stw"): "#8cb9de",
          ("boehm", "stw"): "#707070", ("boehm", "incremental"): "#b0b0b0"}
# (CSV field, label, hatch)
STATS = [("median_pause_ms", "median", ""), ("p99_pause_ms", "p99", "//"),
         ("max_pause_ms", "max", "xx")]
MAX_TARGET_MS, P99_TARGET_MS = 1.0, 0.5


def label(config):
    return f"{config[0]} {config[1]}"


def draw_pauses(ax, rows, configs, heap_mib):
    width = 0.8 / len(STATS)
    for i, (field, name, hatch) in enumerate(STATS):
        xs, values, colors = [], [], []
        for x, config in enumerate(configs):
            row = rows.get(config)
            if row is None or row[field] <= 0:
                continue
            xs.append(x + (i - (len(STATS) - 1) / 2) * width)
            values.append(row[field])
            colors.append(COLORS.get(config, "#999999"))
        bars = ax.bar(xs, values, width, color=colors, hatch=hatch, edgecolor="black",
                      linewidth=0.4, label=name)
        ax.bar_label(bars, [f"{v:.0f}" if v >= 100 else f"{v:.3g}" for v in values],
                     fontsize=6, padding=1, rotation=90)
    ax.axhline(MAX_TARGET_MS, color="#c03030", linestyle="--", linewidth=0.8)
    ax.axhline(P99_TARGET_MS, color="#e08030", linestyle=":", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(configs)))
    ax.set_xticklabels([label(c).replace(" ", "\n") for c in configs], fontsize=8)
    ax.set_title(f"{heap_mib} MiB live: pause (ms)", fontsize=10)
    ax.margins(y=0.25)
    ax.grid(axis="y", alpha=0.3, which="both")


def draw_throughput(ax, table, sizes, configs):
    width = 0.8 / len(configs)
    for i, config in enumerate(configs):
        xs, values = [], []
        for x, size in enumerate(sizes):
            row = table[size].get(config)
            if row is None:
                continue
            xs.append(x + (i - (len(configs) - 1) / 2) * width)
            values.append(row["mutator_mops"])
        bars = ax.bar(xs, values, width, label=label(config), color=COLORS.get(config))
        ax.bar_label(bars, [f"{v:.2f}" for v in values], fontsize=6, padding=1)
    ax.set_xticks(range(len(sizes)))
    ax.set_xticklabels([f"{s} MiB" for s in sizes])
    ax.set_title("mutator throughput (Mops; higher is better)", fontsize=10)
    top = max((row["mutator_mops"] for rows in table.values() for row in rows.values()),
              default=1)
    ax.set_ylim(0, top * 1.45)  # room for the legend above the bars
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", ncol=2)


def main(csv_path, png_path):
    table = {}  # heap_mib -> (collector, mode) -> {field: value}
    fields = [f for f, _, _ in STATS] + ["mutator_mops"]
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            values = {field: float(row[field]) for field in fields}
            table.setdefault(int(row["heap_mib"]), {})[(row["collector"], row["mode"])] = values
    if not table:
        sys.exit(f"plot_pauses: no rows in {csv_path}")
    sizes = sorted(table)
    seen = {c for rows in table.values() for c in rows}
    configs = [c for c in CONFIGS if c in seen] + sorted(seen - set(CONFIGS))
    fig, axes = plt.subplots(1, len(sizes) + 1, figsize=(3.6 * (len(sizes) + 1), 4.2))
    for ax, size in zip(axes, sizes):
        draw_pauses(ax, table[size], configs, size)
    handles = [Patch(facecolor="white", edgecolor="black", hatch=hatch, label=name)
               for _, name, hatch in STATS]
    axes[0].legend(handles=handles, fontsize=7, loc="upper left")
    draw_throughput(axes[-1], table, sizes, configs)
    fig.suptitle("Pauses during the churn phase (log scale)\ndashed: 1 ms max, dotted: "
                 "0.5 ms p99, the targets for Pinion concurrent", fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    print(f"wrote {png_path}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
