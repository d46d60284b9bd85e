#!/usr/bin/env bash
# Measures what the catalogue costs with today's code: reruns every experiment whose full budget costs more than the
# given hours (its committed or rerun figure in results/benchmarks/suite-cost.json), cheapest first and one at a time,
# into results/benchmarks/suite-rerun, until each has finished; then suite-cost.md reads measured hours for them.
# Resumable: after a stop, run it again and each experiment continues where it stopped (a search keeps its stored
# trials, a trial or run its last checkpoint); finished ones are skipped. Its wall times are the figures, so nothing
# else should run on the machine meanwhile, and the code should not change under it: run it from a worktree of one
# commit (git worktree add DIR COMMIT) and copy its suite-rerun folder back. Each experiment's rerun is of one commit;
# different experiments may be of different commits.
# Usage: src/bench/suite-rerun.sh --data-dir DIR [--hours 0.5]     (progress on stderr)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data_dir=""
hours=0.5
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) data_dir=${2:?--data-dir needs a folder}; shift 2 ;;
    --hours) hours=${2:?--hours needs a number}; shift 2 ;;
    *) echo "error: unknown argument $1: the options are --data-dir DIR and --hours H" >&2; exit 2 ;;
  esac
done
[[ "$hours" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "error: --hours $hours is not a number of hours, e.g. 0.5" >&2; exit 2; }
cd "$root"
reruns=results/benchmarks/suite-rerun
mkdir -p "$reruns"
# An experiment's rerun is one commit's cost: refuse to continue one that other code began. Experiments may differ:
# each row of suite-cost.md names its commit.
head=$(git rev-parse HEAD)
# Where ./repro puts an experiment's records (ExperimentSpec.resultsPath): a stage's live in its parent's folder,
# deep-mlp-grid-001-init's in deep-mlp-grid-001/init.
rerun_dir() {
  local parent
  parent=$(jq -r '.stageOf // empty' "experiments/$1.json")
  if [ -n "$parent" ]; then echo "$reruns/$parent/${1#"$parent"-}"; else echo "$reruns/$1"; fi
}
begun_by_others() {
  local dir
  dir=$(rerun_dir "$1")
  [ -d "$dir" ] || return 0  # not begun: find would fail on the missing folder and, under set -e, end the script
  # Its own records only: a variant's (lr-range-test-001-batch) live in a folder of their own inside (batch/).
  { find "$dir" -maxdepth 1 \( -name trials.jsonl -o -name run.json \)
    find "$dir/checkpoint" "$dir/checkpoints" -name state.json 2>/dev/null || true; } \
    | xargs -r jq -r '.software | select(.git_commit != "'"$head"'" or .git_dirty) | .git_commit[0:7]' 2>/dev/null \
    | sort -u | tr '\n' ' '
}
data_args=()
[ -n "$data_dir" ] && data_args=(--data-dir "$data_dir")

# The experiments still to measure, cheapest first: over the limit by either figure, and no finished rerun yet.
remaining() {
  jq -r --argjson limit "$hours" '
    def h: if type == "number" then . else 0 end;
    [.experiments[]
     | select(([.committed.hours, .rerun.hours] | map(h) | max) > $limit)
     | select(.rerun.basis | startswith("measured") | not)]
    | sort_by(.committed.hours | h) | .[].id' results/benchmarks/suite-cost.json
}

while true; do
  src/bench/run SuiteCost --rerun "$reruns" >/dev/null
  mapfile -t todo < <(remaining)
  if [ ${#todo[@]} -eq 0 ]; then
    echo "every experiment over $hours h has a finished rerun: results/benchmarks/suite-cost.md" >&2
    exit 0
  fi
  others=$(begun_by_others "${todo[0]}")
  if [ -n "$others" ]; then
    dir=$(rerun_dir "${todo[0]}")
    echo "error: $dir holds a rerun by other code (commits ${others% }), not by HEAD ${head:0:7} with a clean tree: finish it at that commit, or remove it (git rm -r $dir) to measure this one" >&2
    exit 1
  fi
  echo "$(date -u +%FT%TZ) rerun ${todo[0]} (${#todo[@]} experiments left: ${todo[*]})" >&2
  # Exit 3: the run diverged or a check failed, its record stored (two-layer-grid-001-collapse diverges by design):
  # measured like any other. Anything else non-zero stops the script.
  status=0
  ./repro --results-dir "$reruns" run "${todo[0]}" "${data_args[@]}" || status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 3 ] || exit "$status"
done
