#!/usr/bin/python3
"""Pin+unpin cost from a //benchmarks:pins CSV: per case, ns per pair of each impl against
the number of threads (log scale: atomic counts and Pinion are an order of magnitude apart).

    bazel run -c opt //benchmarks:pins -- --csv pins.csv
    scripts/plot_pins.py pins.csv pins.png

Needs matplotlib (Debian: python3-matplotlib); the benchmark does not.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402

IMPLS = ["pinion", "nonatomic", "atomic", "shared_ptr"]
COLORS = {"pinion": "#2b7bba", "nonatomic": "#9fc98f", "atomic": "#707070",
          "shared_ptr": "#b0b0b0"}
CASES = [("sequential", "1M objects per thread, in order"),
         ("random", "1M objects per thread, random order"), ("hot", "1 object shared by all")]


def main(csv_path, png_path):
    table = {}  # case -> impl -> threads -> ns
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            table.setdefault(row["case"], {}).setdefault(row["impl"], {})[
                int(row["threads"])] = float(row["ns_per_pair"])
    if not table:
        sys.exit(f"plot_pins: no rows in {csv_path}")
    fig, axes = plt.subplots(1, len(CASES), figsize=(5.2 * len(CASES), 4.0))
    for ax, (case, title) in zip(axes, CASES):
        rows = table.get(case, {})
        threads = sorted({t for impl in rows.values() for t in impl})
        width = 0.8 / len(IMPLS)
        for i, impl in enumerate(IMPLS):
            xs = [x + (i - (len(IMPLS) - 1) / 2) * width for x, t in enumerate(threads)
                  if t in rows.get(impl, {})]
            values = [rows[impl][t] for t in threads if t in rows.get(impl, {})]
            bars = ax.bar(xs, values, width, color=COLORS[impl], label=impl,
                          edgecolor="black", linewidth=0.4)
            ax.bar_label(bars, [f"{v:.3g}" for v in values], fontsize=6, padding=1)
        ax.set_yscale("log")
        ax.set_xticks(range(len(threads)))
        ax.set_xticklabels([f"{t} thread{'s' if t > 1 else ''}" for t in threads])
        ax.set_title(f"{case}: {title}", fontsize=10)
        ax.set_ylabel("ns per pin+unpin pair (lower is better)")
        ax.margins(y=0.2)
        ax.grid(axis="y", alpha=0.3, which="both")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle("Pin+unpin against reference counting (median of runs)\n"
                 "flat across threads = linear scaling", fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    print(f"wrote {png_path}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
