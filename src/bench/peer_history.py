#!/usr/bin/env python3
"""Every committed run of the peer benchmark on the catalogue's models, one row per run, from git's history of
results/benchmarks/latest.json: DL4J/PyTorch training ratio (median over the pairs) and peak RSS ratio per model.

A target of issue 25 counts as met only in two runs hours apart; this page is where the runs stand side by side.
Rows whose code was wrong for some models are marked from experiments/bench/peer-history-void.json (data, with why).

Run: python3 src/bench/peer_history.py   (writes results/benchmarks/peer-history.md)
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = "results/benchmarks/latest.json"


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def main():
    catalogue = [m["name"] for m in json.loads((ROOT / "experiments/bench/catalogue-models.json").read_text())["models"]]
    void = json.loads((ROOT / "experiments/bench/peer-history-void.json").read_text())
    rows = []
    for line in git("log", "--format=%H %cI", "--", PAGE).splitlines():
        recorded, when = line.split()
        try:
            page = json.loads(git("show", f"{recorded}:{PAGE}"))
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            continue  # the commit removed or broke the page
        models = {m["model"]: m for m in page.get("models", []) if m.get("model") in catalogue}
        if not models:
            continue  # an earlier workload (the reports' shapes), not the catalogue's models
        code = page.get("software", {}).get("git_commit", "?")[:7]
        cpu = re.search(r"family (\d+), model (\d+)", page.get("backend", ""))
        rows.append((when, recorded[:7], code, f"{cpu.group(1)}/{cpu.group(2)}" if cpu else "?", models))
    if not rows:
        sys.exit("error: no committed run of the catalogue's models in the history of " + PAGE)
    rows.sort()
    out = ["# The peer benchmark's runs on the catalogue's models, oldest first", "",
           "Each row is one committed run of `src/bench/peer-benchmark.sh` (results/benchmarks/latest.md at the commit "
           "that recorded it; `git show COMMIT:results/benchmarks/latest.md` gives its page): per model, DL4J's training "
           "samples/s over PyTorch's (median over the run's alternating pairs) and, in brackets, DL4J's peak RSS over "
           "PyTorch's. Targets (issue 25): ratio ≥ 1.0 in two runs hours apart, RSS ratio ≤ 1.5. CPU: /proc/cpuinfo's "
           "family/model; compare runs on one processor only. Time: when the recording commit was made (UTC), shortly "
           "after its run. A dash: the model was not in that run; void: its figures do not count (why below). BLAS: OpenBLAS "
           "on both sides unless a cell says which side ran Intel MKL (DL4J's \"MKL\", PyTorch's \"torch MKL\").", ""]
    out.append("| recorded | time (UTC) | code | CPU | " + " | ".join(catalogue) + " |")
    out.append("|---|---|---|---|" + "---:|" * len(catalogue))
    notes = {}
    for when, recorded, code, cpu, models in rows:
        cells = []
        for name in catalogue:
            m = models.get(name)
            if m is None:
                cells.append("–")
            elif name in void.get(code, {}).get("models", []):
                cells.append("void")
                notes[code] = void[code]["why"]
            else:
                mkl = [side for side, key in (("MKL", "dl4j_blas"), ("torch MKL", "pytorch_blas"))
                       if str(m.get(key, "")).startswith("Intel MKL")]
                cells.append(f"{m['ratio_median']:.2f} ({m['rss_ratio']:.2f})" + "".join(", " + s for s in mkl))
        out.append(f"| {recorded} | {when[:16].replace('T', ' ')} | {code} | {cpu} | " + " | ".join(cells) + " |")
    if notes:
        out.append("")
        out += [f"Void at {code}: {why}" for code, why in notes.items()]
    out += ["", "Regenerate: `python3 src/bench/peer_history.py` (void rows: experiments/bench/peer-history-void.json)", ""]
    (ROOT / "results/benchmarks/peer-history.md").write_text("\n".join(out))
    print("wrote results/benchmarks/peer-history.md")


if __name__ == "__main__":
    main()
