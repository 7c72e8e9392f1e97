#!/usr/bin/python3
"""Bar charts of a //benchmarks:compare CSV: median time, peak RSS and max pause per collector.

    bazel run -c opt //benchmarks:compare -- --csv compare.csv
    scripts/plot_compare.py compare.csv compare.png

Time and RSS bars are labelled with their ratio to the best Boehm configuration of the same
benchmark and thread count, the baseline of the driver's table; multi-threaded binary-trees
rows are a group of their own. Needs matplotlib (Debian: python3-matplotlib);
the benchmarks themselves do not.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402

COLLECTORS = ["pinion", "pinion-concurrent", "pinion-gen", "boehm", "boehm-tuned", "malloc"]
COLORS = {"pinion": "#2b7bba", "pinion-concurrent": "#8cb9de", "pinion-gen": "#1b4f72", "boehm": "#b0b0b0",
          "boehm-tuned": "#707070", "malloc": "#e0a030"}
# (CSV field, title, label bars with the ratio to the best Boehm row)
METRICS = [("median_s", "median wall time (s)", True), ("peak_rss_mib", "peak RSS (MiB)", True),
           ("max_pause_ms", "max pause (ms)", False)]


def draw(ax, table, benchmarks, collectors, field, title, with_ratios):
    width = 0.8 / len(collectors)
    for i, collector in enumerate(collectors):
        xs, values, labels = [], [], []
        for x, benchmark in enumerate(benchmarks):
            rows = table[benchmark]
            if collector not in rows:
                continue
            value = rows[collector][field]
            boehm = [v[field] for c, v in rows.items() if c.startswith("boehm") and v[field] > 0]
            xs.append(x + (i - (len(collectors) - 1) / 2) * width)
            values.append(value)
            labels.append(f"{value / min(boehm):.2f}x" if with_ratios and boehm else "")
        bars = ax.bar(xs, values, width, label=collector, color=COLORS.get(collector))
        ax.bar_label(bars, labels, fontsize=7, padding=2)
    ax.set_xticks(range(len(benchmarks)))
    ax.set_xticklabels(benchmarks)
    ax.set_title(title)
    ax.margins(y=0.12)
    ax.grid(axis="y", alpha=0.3)


def main(csv_path, png_path):
    table = {}  # benchmark -> collector -> {field: value}
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            values = {field: float(row[field]) for field, _, _ in METRICS}
            threads = row.get("threads", "1")
            name = row["benchmark"] + ("" if threads == "1" else f"\n({threads} threads)")
            table.setdefault(name, {})[row["collector"]] = values
    if not table:
        sys.exit(f"plot_compare: no rows in {csv_path}")
    benchmarks = list(table)
    collectors = [c for c in COLLECTORS if any(c in table[b] for b in benchmarks)]
    fig, axes = plt.subplots(1, len(METRICS), figsize=(5.2 * len(METRICS), 3.8))
    for ax, (field, title, with_ratios) in zip(axes, METRICS):
        draw(ax, table, benchmarks, collectors, field, title, with_ratios)
    axes[0].legend(fontsize=8)
    fig.suptitle("Pinion vs Boehm GC vs malloc/free (lower is better; labels: ratio to the "
                 "best Boehm of the same benchmark and thread count)", fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    print(f"wrote {png_path}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
