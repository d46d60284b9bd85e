#!/usr/bin/env python3
"""The page of src/bench/setting-ab.sh from what it compared (NAME.json: the two settings, code, CPU, rounds, its
command) and its measured rows (NAME.tsv: kind turn or run, model or run, round, setting label, training samples/s or
wall s, peak RSS kB, test accuracy), so that the page can be rewritten from the committed files.

    python3 src/bench/setting-ab-table.py results/benchmarks/NAME.json results/benchmarks/NAME.tsv > results/benchmarks/NAME.md
"""
import json, os, shlex, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measured_rows  # noqa: E402 (beside this file)

if len(sys.argv) != 3:
    sys.exit("usage: setting-ab-table.py NAME.json NAME.tsv")
meta_file, rows_file = sys.argv[1:]
try:
    meta = json.load(open(meta_file))
    a, b = meta["a"]["label"], meta["b"]["label"]
except (OSError, ValueError, KeyError) as e:
    sys.exit(f"setting-ab-table: {meta_file} is not the NAME.json setting-ab.sh wrote ({e}); give that file")
rows = measured_rows.read(rows_file, 7, "setting-ab-table", "setting-ab.sh")
turns = [r for r in rows if r[0] == "turn"]
runs = [r for r in rows if r[0] == "run"]


def setting(side):
    env = meta[side]["environment"]
    shown = "`" + " ".join(shlex.quote(w) for w in env) + "`" if env else "the environment as it was"
    return shown + (f", code {meta[side]['commit']}" if meta[side].get("commit") else "")


print(f"# {meta['title']}\n")
print(f"{meta['about']}\n")
print(f"Settings: **{a}**: {setting('a')}; **{b}**: {setting('b')} (`-VAR` takes VAR out of the environment). "
      f"Per model, the DL4J side of the peer benchmark (`PeerBenchmark --turn`: its spec's net on random data, a warm-up "
      f"epoch and 3 timed ones, the median epoch's training samples/s) and the process's peak RSS (/usr/bin/time), the "
      f"two settings in turns (ABBA over {meta['rounds']} rounds); before them, one real run per setting where one is "
      f"listed (wall time from launch to exit, peak RSS, test accuracy, which a setting that only changes speed or "
      f"memory must not move). Code: {meta['commit']}, where a setting names none. CPU: {meta['cpu']}. This machine is shared and noisy: compare "
      f"within a round.\n")
if turns:
    print("| model | round | setting | training samples/s | peak RSS MB |")
    print("|---|---:|---|---:|---:|")
    for _, model, r, lab, speed, rss, _ in turns:
        print(f"| {model} | {r} | {lab} | {float(speed):,.0f} | {int(rss) / 1024:.0f} |")
    print(f"\n| model | samples/s, {b} / {a} per round | peak RSS, {b} / {a} per round |")
    print("|---|---|---|")
    for model in dict.fromkeys(r[1] for r in turns):
        by = {(r[2], r[3]): r for r in turns if r[1] == model}
        rs = sorted({r[2] for r in turns if r[1] == model}, key=int)
        speed = ", ".join(f"{float(by[(x, b)][4]) / float(by[(x, a)][4]):.2f}" for x in rs)
        rss = ", ".join(f"{int(by[(x, b)][5]) / int(by[(x, a)][5]):.2f}" for x in rs)
        print(f"| {model} | {speed} | {rss} |")
if runs:
    print("\n| real run | setting | wall s | peak RSS MB | test accuracy |")
    print("|---|---|---:|---:|---:|")
    for _, run, _, lab, wall, rss, acc in runs:
        shown = acc if acc == "none" else f"{float(acc):.4f}"
        print(f"| `{run}` | {lab} | {float(wall):.0f} | {int(rss) / 1024:.0f} | {shown} |")
name = meta["name"]
print(f"\nRegenerate: `{meta['command']}`; the measured rows are in [{name}.tsv]({name}.tsv) and the settings in "
      f"[{name}.json]({name}.json), and `python3 src/bench/setting-ab-table.py results/benchmarks/{name}.json "
      f"results/benchmarks/{name}.tsv` rewrites this page from them.")
if meta.get("ran_as"):
    print(f"\nMade as: {meta['ran_as']}.")
