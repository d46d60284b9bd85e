#!/usr/bin/env python3
"""The page of src/bench/physical-bytes.sh from its measured rows (kind, model or run, round, limit on/off, samples/s
or wall s, peak RSS kB, test accuracy), so that the page can be rewritten from the committed rows.

    python3 src/bench/physical-bytes-table.py ROWS.tsv COMMIT ROUNDS CPU > results/benchmarks/physical-bytes.md
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measured_rows  # noqa: E402 (beside this file)

if len(sys.argv) != 5:
    sys.exit("usage: physical-bytes-table.py ROWS.tsv COMMIT ROUNDS CPU")
rows_file, commit, rounds, cpu = sys.argv[1:]
rows = measured_rows.read(rows_file, 7, "physical-bytes-table", "physical-bytes.sh")
turns = [r for r in rows if r[0] == "turn"]
runs = [r for r in rows if r[0] == "run"]
print("# JavaCPP's physical-memory limit on and off\n")
print("With `-Dorg.bytedeco.javacpp.maxphysicalbytes` above 0 (on: 8g, as `src/main/jvm/java-defaults.args` had it), "
      "JavaCPP reads `/proc/self/statm` each time it registers a native buffer; with 0 (off) it does not, and only "
      "`maxbytes` (the native bytes JavaCPP counts itself, 4g) bounds ND4J's memory. Every other option as "
      "`java-defaults.args`. The DL4J side of the peer benchmark per model (`PeerBenchmark --turn`: its spec's net on "
      f"random data, a warm-up epoch and 3 timed ones, the median epoch's training samples/s) and the process's peak "
      f"RSS (/usr/bin/time), the two settings in turns (ABBA over {rounds} rounds); before them, one real run per setting "
      f"(wall time from launch to exit, peak RSS, test accuracy, which the limit must not move). Code: {commit}. "
      f"CPU: {cpu}. This machine is shared and noisy: compare within a round.\n")
print("| model | round | limit | training samples/s | peak RSS MB |")
print("|---|---:|---|---:|---:|")
for _, model, r, limit, speed, rss, _ in turns:
    print(f"| {model} | {r} | {limit} | {float(speed):,.0f} | {int(rss) / 1024:.0f} |")
print("\n| model | samples/s, off / on per round | peak RSS, off / on per round |")
print("|---|---|---|")
for model in dict.fromkeys(r[1] for r in turns):
    by = {(r[2], r[3]): r for r in turns if r[1] == model}
    rs = sorted({r[2] for r in turns if r[1] == model}, key=int)
    speed = ", ".join(f"{float(by[(x, 'off')][4]) / float(by[(x, 'on')][4]):.2f}" for x in rs)
    rss = ", ".join(f"{int(by[(x, 'off')][5]) / int(by[(x, 'on')][5]):.2f}" for x in rs)
    print(f"| {model} | {speed} | {rss} |")
if runs:
    print("\n| real run | limit | wall s | peak RSS MB | test accuracy |")
    print("|---|---|---:|---:|---:|")
    for _, run, _, limit, wall, rss, acc in runs:
        print(f"| `{run}` | {limit} | {float(wall):.0f} | {int(rss) / 1024:.0f} | {float(acc):.4f} |")
print("\nRegenerate: `src/bench/physical-bytes.sh`; the measured rows are in [physical-bytes.tsv](physical-bytes.tsv), and "
      f"`python3 src/bench/physical-bytes-table.py results/benchmarks/physical-bytes.tsv {commit} {rounds} \"{cpu}\"` "
      "rewrites this page from them.")
