#!/usr/bin/env bash
# The same experiments run by different code or libraries, side by side (results/benchmarks/<name>.md): the sides and
# runs are a comparison spec, experiments/bench/equivalence-*.json. Runs every side's experiments with the same seeds
# into OUT/<side>/ (a side "atCommit" runs the --before COMMIT in a git worktree), then tabulates them.
#   src/bench/equivalence.sh experiments/bench/equivalence-speedups.json --before COMMIT   (about an hour on 2 cores)
#   src/bench/equivalence.sh experiments/bench/equivalence-blas.json
# Options: --before COMMIT, --out DIR (default /tmp/<the spec's name>), --data-dir DIR. Called again with the same
# --out, it runs only what did not finish before (OUT/<side>/done.txt lists what did).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ $# -ge 1 ] && [ -f "$1" ] || { echo "error: name a comparison spec: one of $(ls "$root"/experiments/bench/equivalence-*.json | sed "s|$root/||" | tr '\n' ' ')" >&2; exit 2; }
spec=$1; shift
before="" out="" data=()
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --data-dir) data=(--data-dir "$2"); shift 2 ;;
    *) echo "error: unexpected argument '$1': use --before COMMIT, --out DIR, --data-dir DIR" >&2; exit 2 ;;
  esac
done
plan=$("$root/src/bench/run" Equivalence plan "$spec")
runs=() comparison=""
while IFS=$'\t' read -r kind rest; do
  case "$kind" in run) runs+=("$rest") ;; name) comparison=$rest ;; esac
done <<<"$plan"
[ -n "$out" ] || out="/tmp/$comparison"
while IFS=$'\t' read -r kind name old env options; do
  [ "$kind" = side ] || continue
  [ "$env" != - ] || env=""
  [ "$options" != - ] || options=""
  repo=$root
  if [ "$old" = 1 ]; then
    [ -n "$before" ] || { echo "error: side '$name' runs an older commit: pass --before COMMIT" >&2; exit 2; }
    repo="$out/$name-src"
    [ -d "$repo" ] || git -C "$root" worktree add -q "$repo" "$before"
  fi
  mkdir -p "$out/$name"
  for r in "${runs[@]}"; do
    # A run that finished in an earlier call is not run again: a stopped comparison continues where it stopped.
    if grep -qxF "$r" "$out/$name/done.txt" 2>/dev/null; then echo "$name: $r (done before)" >&2; continue; fi
    echo "$name: $r" >&2
    # shellcheck disable=SC2086
    if (cd "$repo" && env $env ./repro --results-dir "$out/$name" run $r "${data[@]}" $options) </dev/null >>"$out/$name/log.txt" 2>&1; then
      echo "$r" >>"$out/$name/done.txt"
    else
      echo "$name: $r exited $?" >>"$out/$name/log.txt"
    fi
  done
done <<<"$plan"
"$root/src/bench/run" Equivalence table "$spec" "$out"
