"""Whether a stored trial trained again gives the same figures, bit for bit: the rows of rerun-identity.md.

    python3 src/bench/rerun_identity.py 'LABEL|A|B' ...   (the table on stdout)

A and B are run records: a run.json, TRIALS.jsonl#TRIAL_ID, or REV:TRIALS.jsonl#TRIAL_ID for a record as a git commit
holds it (a trial's record before a later rerun overwrote it). Two records are the same when every evaluation of
their learning curves has the same losses and accuracies to the last bit.
"""
import json
import math
import subprocess
import sys

FIGURES = ("trainLoss", "trainAcc", "valLoss", "valAcc", "testLoss", "testAcc")


def load(ref):
    if "#" in ref:
        path, trial = ref.rsplit("#", 1)
        if ":" in path:
            rev, file = path.split(":", 1)
            text = subprocess.run(["git", "show", f"{rev}:{file}"], capture_output=True, text=True, check=True).stdout
        else:
            with open(path) as f:
                text = f.read()
        found = [r for r in map(json.loads, filter(str.strip, text.splitlines())) if r.get("trialId") == trial]
        if len(found) != 1:
            sys.exit(f"error: {ref}: {len(found)} records with trial id {trial}; give an id its trials.jsonl holds once")
        return found[0]
    with open(ref) as f:
        return json.load(f)


def same(x, y):
    return x == y or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))


def row(label, a_ref, b_ref):
    a, b = load(a_ref), load(b_ref)
    ca, cb = a["curve"], b["curve"]
    if len(ca) != len(cb):
        sys.exit(f"error: {label}: {len(ca)} evaluations against {len(cb)}; compare records of the same trial")
    first = next((i for i, (p, q) in enumerate(zip(ca, cb)) if not all(same(p.get(k), q.get(k)) for k in FIGURES)), None)
    largest = max((abs(p["valLoss"] - q["valLoss"]) for p, q in zip(ca, cb)
                   if p.get("valLoss") is not None and q.get("valLoss") is not None), default=0.0)
    side = lambda r: f"{r['backend']['device']}, {r['backend']['layerHelpers']}"
    final = lambda r, k: "—" if r["curve"][-1].get(k) is None else f"{r['curve'][-1][k]:.4f}"
    epoch = "—" if first is None else f"{ca[first]['epoch']:g}"
    return (f"| {label} | {side(a)} | {side(b)} | {len(ca)} | {'yes' if first is None else 'no'} | {epoch} | {largest:.3g} | "
            f"{final(a, 'valAcc')} / {final(b, 'valAcc')} | {final(a, 'testAcc')} / {final(b, 'testAcc')} |")


def main(pairs):
    if not pairs:
        sys.exit("error: give at least one 'LABEL|A|B' pair (see the module's doc)")
    print("| comparison | A: processor, layer library | B: processor, layer library | evaluations | bit for bit |"
          " first epoch that differs | largest val-loss difference | final val acc A / B | final test acc A / B |")
    print("|---|---|---|---:|---|---:|---:|---|---|")
    for pair in pairs:
        parts = pair.split("|")
        if len(parts) != 3:
            sys.exit(f"error: {pair!r} is not LABEL|A|B")
        print(row(*parts))


if __name__ == "__main__":
    main(sys.argv[1:])
