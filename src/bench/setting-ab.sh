#!/usr/bin/env bash
# Two settings of the process's environment measured against each other, as experiments/bench/settings/NAME.json
# describes them (a title, why, the two settings, the models, a real run), into results/benchmarks/NAME.md with its
# rows in NAME.tsv and what was run in NAME.json (--name OUT: OUT.md and so on instead, for the same comparison on
# another processor or with other models, beside the first page). For each model, the DL4J side of the peer benchmark
# (PeerBenchmark --turn: its spec's net on random data, a warm-up epoch and 3 timed ones, the median epoch's training
# samples/s) and the process's peak RSS (/usr/bin/time), the two settings in turns, ABBA over the rounds; before them,
# one real run per setting (src/bench/timed-run: wall time, peak RSS, and the test accuracy, which a setting that only
# changes speed or memory must not move). A setting is a label and environment assignments, VAR=VALUE or -VAR (taken
# out): REPRO_JAVA_OPTS for the JVM's options, OPENBLAS_*, MALLOC_* and the like, on top of the environment
# src/bench/run and ./repro give (src/main/jvm/native-env.sh). A setting may also name a commit ("commit": its code,
# built in a worktree of its own, against this tree's): code that no switch turns off is compared the same way. The
# peer's side is not run: a setting that wins here is then given to both sides of the peer benchmark where it applies
# to both.
#   [REPRO_DATA_DIR=DIR] src/bench/setting-ab.sh NAME [--rounds 2] [--models a,b] [--run "ID OPTIONS" | --run none]
#       [--name OUT]
# Ratios on the page are B over A. `python3 src/bench/setting-ab-table.py results/benchmarks/OUT.json
# results/benchmarks/OUT.tsv` rewrites the page.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
settings=experiments/bench/settings
name=${1:-}
[ -n "$name" ] && [[ $name != -* ]] || {
  echo "error: name the comparison first, one of: $(cd "$settings" && ls -- *.json | sed 's/\.json$//' | tr '\n' ' ')" >&2; exit 2; }
shift
given=("$@")  # for the page's command; the loop below shifts them away
spec="$settings/$name.json"
[ -f "$spec" ] || { echo "error: no comparison $name ($spec); the comparisons: $(cd "$settings" && ls -- *.json | sed 's/\.json$//' | tr '\n' ' ')" >&2; exit 2; }
jq -e '(.title | type == "string") and (.about | type == "string") and ([.a, .b][] | (.label | type == "string")
       and (.environment | type == "array" and all(type == "string" and test("^(-[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*=.*)$")))
       and (.commit == null or (.commit | type == "string")))
       and .a.label != .b.label and (.models | type == "array") and (.run == null or (.run | type == "string"))' "$spec" >/dev/null 2>&1 \
  || { echo "error: $spec is not a comparison: it needs title, about, a and b (each a label, an environment of VAR=VALUE or -VAR strings and optionally a commit, the labels different), models (a list) and run (an experiment and its options, or null)" >&2; exit 2; }
# A variable taken out (-VAR) that native-env.sh gives a default would be measured at that default, not unset.
for var in $(jq -r '[.a, .b][].environment[] | select(startswith("-")) | .[1:]' "$spec"); do
  if grep -q "$var=\"\${$var:-" src/main/jvm/native-env.sh; then
    echo "error: $spec takes $var out, but src/main/jvm/native-env.sh sets it when unset, so the run would see that default: give $var=VALUE instead" >&2
    exit 2
  fi
done
rounds=2 models=$(jq -r '.models | join(",")' "$spec") run=$(jq -r '.run // "none"' "$spec") out=$name
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:-}; shift 2 ;;
    --models) models=${2-}; shift 2 ;;
    --run) run=${2:?--run needs an experiment and its options, or none}; shift 2 ;;
    --name) out=${2:?--name needs a file name}; shift 2 ;;
    *) echo "error: unknown argument $1: the options are --rounds N, --models a,b, --run \"ID OPTIONS\" and --name OUT" >&2; exit 2 ;;
  esac
done
[[ $out =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "error: --name $out: use lower-case letters, digits and dashes, e.g. $name-xeon" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "error: --rounds needs a positive whole number" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "error: /usr/bin/time is missing: apt-get install time" >&2; exit 1; }
declare -A label=([a]=$(jq -r .a.label "$spec") [b]=$(jq -r .b.label "$spec"))
declare -A commit=([a]=$(jq -r '.a.commit // ""' "$spec") [b]=$(jq -r '.b.commit // ""' "$spec"))
for side in a b; do
  if [ -n "${commit[$side]}" ] && ! git rev-parse -q --verify "${commit[$side]}^{commit}" >/dev/null; then
    echo "error: $spec: setting ${label[$side]}'s commit ${commit[$side]} is not in this repository: fetch it or give another" >&2
    exit 2
  fi
done
work=$(mktemp -d)
declare -A dir=([a]=$root [b]=$root)
cleanup() {
  for side in a b; do [ "${dir[$side]}" = "$root" ] || git worktree remove --force "${dir[$side]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# env's arguments for a side: -u VAR for -VAR, VAR=VALUE as given, a path inside the project made absolute (its tree's).
side_env() {
  jq -j --arg root "${dir[$1]}/" '.'"$1"'.environment[] | if startswith("-") then "-u\u0000" + .[1:] + "\u0000"
    else sub("=@src/"; "=@" + $root + "src/") + "\u0000" end' "$spec"
}
# The builds, outside the timings: this tree, and a worktree per setting that names a commit.
for side in a b; do
  if [ -n "${commit[$side]}" ]; then
    dir[$side]="$work/tree-$side"
    git worktree add -q --detach "${dir[$side]}" "${commit[$side]}"
    commit[$side]=$(git -C "${dir[$side]}" rev-parse --short HEAD)
  fi
done
for d in $(printf '%s\n' "${dir[@]}" | sort -u); do
  (cd "$d" && ./repro list >/dev/null && src/bench/run --build)  # once: the measured turns skip Maven
done
export REPRO_BENCH_BUILT=1
rows="$work/rows.tsv"
turn() {  # SIDE ROUND MODEL
  local out="$work/turn-$1-$2-$3" e
  mapfile -d '' e < <(side_env "$1")
  (cd "${dir[$1]}" && env "${e[@]}" /usr/bin/time -f %M -o "$out.rss" src/bench/run PeerBenchmark --turn "$3" --epochs 3) >"$out.log" 2>&1 \
    || { tail -n 3 "$out.log" >&2; echo "error: the DL4J turn of $3 failed under setting ${label[$1]}" >&2; exit 1; }
  printf 'turn\t%s\t%s\t%s\t%s\t%s\t\n' "$3" "$2" "${label[$1]}" \
    "$(grep -o '"train_samples_per_s":[0-9.]*' "$out.log" | cut -d: -f2)" "$(tail -n 1 "$out.rss")" >>"$rows"
  echo "round $2, $3, ${label[$1]}: $(tail -n 1 "$rows" | cut -f5-6)" >&2
}
real_run() {  # SIDE
  local measured e
  mapfile -d '' e < <(side_env "$1")
  # shellcheck disable=SC2086
  measured=$(cd "${dir[$1]}" && env "${e[@]}" src/bench/timed-run "$work/run-$1" $run) \
    || { echo "error: ./repro run $run failed under setting ${label[$1]}" >&2; exit 1; }
  printf 'run\t%s\t1\t%s\t%s\n' "$run" "${label[$1]}" "$measured" >>"$rows"
  echo "$run, ${label[$1]}: $measured" >&2
}
# The real runs first: they need the data (./repro's data folder or REPRO_DATA_DIR), and fail before the turns if absent.
if [ "$run" != none ]; then real_run a; real_run b; fi
IFS=, read -r -a list <<<"$models"
for r in $(seq "$rounds"); do
  for m in "${list[@]}"; do
    if [ $((r % 2)) = 1 ]; then turn a "$r" "$m"; turn b "$r" "$m"; else turn b "$r" "$m"; turn a "$r" "$m"; fi
  done
done
[ -s "$rows" ] || { echo "error: nothing was measured: give --models or --run" >&2; exit 2; }
args=""
[ ${#given[@]} -eq 0 ] || args=$(printf ' %q' "${given[@]}")
jq --arg name "$out" --arg comparison "$name" --arg commit "$(git rev-parse --short HEAD)" --argjson rounds "$rounds" --arg cpu "$(src/bench/cpu-name)" \
  --arg models "$models" --arg run "$run" --arg command "src/bench/setting-ab.sh $name${args% }" \
  --arg ca "${commit[a]}" --arg cb "${commit[b]}" \
  '. + {name: $name, comparison: $comparison, commit: $commit, rounds: $rounds, cpu: $cpu, command: $command,
        models: ($models | split(",") | map(select(length > 0))), run: (if $run == "none" then null else $run end)}
   | if $ca != "" then .a.commit = $ca else . end | if $cb != "" then .b.commit = $cb else . end' \
  "$spec" >"$work/meta.json"
python3 src/bench/setting-ab-table.py "$work/meta.json" "$rows" >"$work/page.md"
cp "$rows" "results/benchmarks/$out.tsv"
cp "$work/meta.json" "results/benchmarks/$out.json"
mv "$work/page.md" "results/benchmarks/$out.md"
echo "wrote results/benchmarks/$out.md" >&2
