#!/usr/bin/env python3
"""The table of src/bench/gc-benchmark.sh from its measured rows (run, round, collector, wall s, peak RSS kB, mean test
accuracy), so that the page can be rewritten from the committed rows.

    python3 src/bench/gc-table.py ROWS.tsv COMMIT ROUNDS ARGUMENTS > results/benchmarks/gc.md
"""
import os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measured_rows  # noqa: E402 (beside this file)

if len(sys.argv) != 5:
    sys.exit("usage: gc-table.py ROWS.tsv COMMIT ROUNDS ARGUMENTS")
rows_file, commit, rounds, args = sys.argv[1:]
rows = measured_rows.read(rows_file, 6, "gc-table", "gc-benchmark.sh")
print("# The JVM's collector in real runs: serial with a 32 MB young generation against G1\n")
print(f"Each experiment run by `./repro` from an empty results folder, with its default options "
      f"(src/main/jvm/java-defaults.args: the JVM's default collector, G1) and with "
      f"`REPRO_JAVA_OPTS=\"@src/main/jvm/java-defaults.args -XX:+UseSerialGC -Xmn32m\"` "
      f"(the serial collector, a 32 MB young generation), in turns (ABBA over {rounds} rounds). Wall time from "
      f"launch to exit (the JVM's start and the data's loading included); peak RSS of the process (/usr/bin/time); "
      f"test accuracy, the mean over the run's trials, which a collector must not move. Code: {commit}. This machine is "
      f"shared and noisy: compare within a round.\n")
print("| experiment | round | collector | wall s | peak RSS MB | mean test accuracy |")
print("|---|---:|---|---:|---:|---:|")
for run, r, side, wall, rss, acc in rows:
    shown = acc if acc == '"none"' else f"{float(acc):.4f}"
    print(f"| `{run}` | {r} | {side} | {float(wall):.0f} | {int(rss) / 1024:.0f} | {shown} |")
print("\n| experiment | wall, serial / G1 per round | peak RSS, serial / G1 per round | test accuracy equal |")
print("|---|---|---|---|")
for run in dict.fromkeys(r[0] for r in rows):
    mine = [r for r in rows if r[0] == run]
    by = {}
    for _, r, side, wall, rss, acc in mine:
        by.setdefault(r, {})[side] = (float(wall), int(rss), acc)
    pairs = [v for v in by.values() if "serial" in v and "g1" in v]
    walls = ", ".join(f"{v['serial'][0] / v['g1'][0]:.2f}" for v in pairs)
    rsss = ", ".join(f"{v['serial'][1] / v['g1'][1]:.2f}" for v in pairs)
    # Means of the same accuracies summed in another order differ in the last bits only.
    equal = "yes" if len({round(float(v[s][2]), 12) for v in pairs for s in ("serial", "g1")}) == 1 else "NO"
    print(f"| `{run}` | {walls} | {rsss} | {equal} |")
arguments = f" {args}" if args else ""
print(f"\nRegenerate: `src/bench/gc-benchmark.sh --rounds {rounds}{arguments}` (the data found as `./repro` finds it); "
      f"the measured rows are in [gc.tsv](gc.tsv), and `python3 src/bench/gc-table.py results/benchmarks/gc.tsv {commit} "
      f"{rounds} '{args.strip()}'` rewrites this page from them.")
