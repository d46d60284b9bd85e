#!/usr/bin/env python3
"""The table of src/cluster/benchmark.sh from its measured rows, so that the page can be rewritten from the committed rows
without running the hour-long benchmark again.

    python3 src/cluster/spark-table.py ROWS.tsv SEARCH COMMIT CPU SPARK_VERSION ROUNDS NAME > results/benchmarks/NAME.md

ROWS.tsv: one line per side and round (round, side, wall s, trials, sum of the trials' own wall s, launch to the first
trial's start s, the last trial's end to exit s), as benchmark.sh writes them to results/benchmarks/NAME.tsv.
"""
import os, statistics, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import measured_rows  # noqa: E402 (src/bench/measured_rows.py)

if len(sys.argv) != 8:
    sys.exit("usage: spark-table.py ROWS.tsv SEARCH COMMIT CPU SPARK_VERSION ROUNDS NAME")
rows_file, search, commit, cpu, spark, rounds, name = sys.argv[1:]
search = search.strip()
rows = measured_rows.read(rows_file, 7, "spark-table", "benchmark.sh")
rate = {}
print("# Trials as Spark tasks: a 2-worker standalone cluster against --parallel 2 on one machine\n")
print(f"Search: `{search}`. Both sides run on the same {cpu} (2 cores): the local side as 2 worker processes of 1 thread, "
      f"the cluster side as 2 Spark {spark} workers of 1 core on this machine (a master, 2 workers and their executors as "
      f"separate processes, the driver under spark-submit, the data shipped through Spark). Each side starts from an empty "
      f"results folder and is timed from launch to exit; the sides take turns (ABBA over {rounds} rounds) on a shared, "
      f"noisy machine. Code: {commit}.\n")
print("| round | side | wall s | trials | trials/hour | sum of the trials' own wall s | outside the trials "
      "| launch to the first trial's start, s | the last trial's end to exit, s |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for r, side, wall, n, own, before, after in rows:
    wall, n, own, before, after = float(wall), int(n), float(own), float(before), float(after)
    rate.setdefault(r, {})[side] = n / wall * 3600
    print(f"| {r} | {side} | {wall:.0f} | {n} | {n / wall * 3600:.0f} | {own:.0f} | {1 - own / 2 / wall:.1%} "
          f"| {before:.0f} | {after:.0f} |")
ratios = [v["cluster"] / v["local"] for v in rate.values() if "cluster" in v and "local" in v]
print()
print("Cluster trials per hour over local, per round: " + ", ".join(f"{x:.3f}" for x in ratios)
      + f"; mean {statistics.mean(ratios):.3f}, so Spark's overhead per trial is {1 - statistics.mean(ratios):.1%} "
      + f"(target: at most 10 %).\n")
print("'Outside the trials' is the share of the two cores' wall time not spent inside a trial's own timing (start-up, "
      "data loading and shipping, scheduling, the table): 1 − (sum of trial wall times / 2) / wall.\n")
env = f"REPRO_BENCH_ROUNDS={rounds}" + ("" if name == "spark" else f" REPRO_BENCH_NAME={name}")
print(f"Regenerate: `{env} src/cluster/benchmark.sh {search}`; the measured rows are in [{name}.tsv]({name}.tsv), and "
      f"`python3 src/cluster/spark-table.py results/benchmarks/{name}.tsv '{search}' {commit} '{cpu}' {spark} {rounds} {name}` "
      f"rewrites this page from them.")
