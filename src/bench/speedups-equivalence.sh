#!/usr/bin/env bash
# The speed-up pass against the code before it and against DL4J's own code (results/benchmarks/speedups-equivalence.md):
# runs the same experiments, same seeds, with --speedups on and off, and (with --before COMMIT) at an older commit in a
# git worktree, into OUT/{before,on,off}/, then tabulates them. Takes about an hour on 2 cores.
#   src/bench/speedups-equivalence.sh [--before COMMIT] [--out DIR] [--data-dir DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
before="" out="/tmp/speedups-equivalence" data=()
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --data-dir) data=(--data-dir "$2"); shift 2 ;;
    *) echo "error: unexpected argument '$1': use --before COMMIT, --out DIR, --data-dir DIR" >&2; exit 2 ;;
  esac
done
# Single runs at full budget, the checks, and the long experiments at their smoke budget.
runs=("quickstart" "two-layer-torch-000" "mlp-defaults-004" "gradient-check-002" "backprop-derivation"
      "custom-batchnorm-004" "custom-batchnorm-004-training --quick --parallel 1" "mnist-cnn-003 --quick"
      "deep-mlp-grid-000 --quick --parallel 1")
side() {  # REPO NAME [run options]
  local repo=$1 name=$2; shift 2
  mkdir -p "$out/$name"
  for r in "${runs[@]}"; do
    # shellcheck disable=SC2086
    (cd "$repo" && ./repro --results-dir "$out/$name" run $r "${data[@]}" "$@") >>"$out/$name/log.txt" 2>&1 \
      || echo "$name: $r exited $?" >>"$out/$name/log.txt"
  done
}
if [ -n "$before" ]; then
  worktree="$out/before-src"
  [ -d "$worktree" ] || git -C "$root" worktree add -q "$worktree" "$before"
  side "$worktree" before &
fi
side "$root" on --speedups on
wait
side "$root" off --speedups off
ids=()
for r in "${runs[@]}"; do ids+=("${r%% *}"); done
"$root/src/bench/run" SpeedupsEquivalence "$out" "${ids[@]}"
