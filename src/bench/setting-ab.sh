#!/usr/bin/env bash
# Two settings of the process's environment measured against each other (results/benchmarks/NAME.md, with its rows in
# NAME.tsv and what was compared in NAME.json): for each model, the DL4J side of the peer benchmark
# (PeerBenchmark --turn: its spec's net on random data, a warm-up epoch and 3 timed ones, the median epoch's training
# samples/s) and the process's peak RSS (/usr/bin/time), the two settings in turns, ABBA over the rounds; before them,
# one real run per setting (src/bench/timed-run: wall time, peak RSS, and the test accuracy, which a setting that only
# changes speed or memory must not move). A setting is a label and environment assignments, VAR=VALUE or -VAR (taken
# out): REPRO_JAVA_OPTS for the JVM's options, OPENBLAS_*, MALLOC_* and the like. The peer's side is not run: a setting
# that wins here is then given to both sides of the peer benchmark where it applies to both.
#   [REPRO_DATA_DIR=DIR] src/bench/setting-ab.sh --name NAME --title TITLE --about TEXT
#     --a LABEL [VAR=VALUE | -VAR]... --b LABEL [VAR=VALUE | -VAR]...
#     [--rounds 2] [--models b1_chosen,c1_mnist_cnn,c2_cifar_vgg] [--run "cifar-cnn-004 --quick" | --run none]
# Ratios on the page are B over A. `python3 src/bench/setting-ab-table.py results/benchmarks/NAME` rewrites the page.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
name="" title="" about="" rounds=2 models=b1_chosen,c1_mnist_cnn,c2_cifar_vgg run="cifar-cnn-004 --quick"
declare -A label=() assign=()
command_line=$(printf '%q ' "$0" "$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=${2:?--name needs a page name}; shift 2 ;;
    --title) title=${2:?--title needs a text}; shift 2 ;;
    --about) about=${2:?--about needs a text}; shift 2 ;;
    --rounds) rounds=${2:-}; shift 2 ;;
    --models) models=${2-}; shift 2 ;;
    --run) run=${2:?--run needs an experiment and its options, or none}; shift 2 ;;
    --a|--b)
      side=${1#--}; label[$side]=${2:?$1 needs a label, then the setting\'s VAR=VALUE or -VAR words}; shift 2
      words=()
      while [ $# -gt 0 ] && [[ $1 != --* ]]; do
        [[ $1 =~ ^-?[A-Za-z_][A-Za-z0-9_]*(=.*)?$ ]] && { [[ $1 == -* ]] || [[ $1 == *=* ]]; } \
          || { echo "error: '$1' in --$side is not VAR=VALUE or -VAR" >&2; exit 2; }
        words+=("$1"); shift
      done
      assign[$side]=""
      [ ${#words[@]} -eq 0 ] || assign[$side]=$(printf '%s\0' "${words[@]}" | base64 -w0) ;;
    *) echo "error: unknown argument $1: the options are --name, --title, --about, --a, --b, --rounds, --models and --run" >&2; exit 2 ;;
  esac
done
[[ $name =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "error: --name needs a page name of lower-case letters, digits and dashes" >&2; exit 2; }
[ -n "$title" ] && [ -n "$about" ] || { echo "error: --title and --about are needed: they say on the page what is compared and why" >&2; exit 2; }
[ -n "${label[a]:-}" ] && [ -n "${label[b]:-}" ] || { echo "error: both settings are needed: --a LABEL VAR=VALUE... --b LABEL VAR=VALUE..." >&2; exit 2; }
[ "${label[a]}" != "${label[b]}" ] || { echo "error: the two settings need different labels" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "error: --rounds needs a positive whole number" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "error: /usr/bin/time is missing: apt-get install time" >&2; exit 1; }
# env's arguments for a side: -u VAR for -VAR, VAR=VALUE as given.
env_args() {
  local w
  [ -n "${assign[$1]}" ] || return 0
  while IFS= read -r -d '' w; do
    if [[ $w == -* ]]; then printf '%s\0' -u "${w#-}"; else printf '%s\0' "$w"; fi
  done < <(printf '%s' "${assign[$1]}" | base64 -d)
}
mapfile -d '' env_a < <(env_args a)
mapfile -d '' env_b < <(env_args b)
./repro list >/dev/null  # the builds, outside the timings
src/bench/run --build  # once: the measured turns skip Maven
export REPRO_BENCH_BUILT=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
side_env() { if [ "$1" = a ]; then printf '%s\0' "${env_a[@]}"; else printf '%s\0' "${env_b[@]}"; fi; }
turn() {  # SIDE ROUND MODEL
  local out="$work/turn-$1-$2-$3" e
  mapfile -d '' e < <(side_env "$1")
  env "${e[@]}" /usr/bin/time -f %M -o "$out.rss" src/bench/run PeerBenchmark --turn "$3" --epochs 3 >"$out.log" 2>&1 \
    || { tail -n 3 "$out.log" >&2; echo "error: the DL4J turn of $3 failed under setting ${label[$1]}" >&2; exit 1; }
  printf 'turn\t%s\t%s\t%s\t%s\t%s\t\n' "$3" "$2" "${label[$1]}" \
    "$(grep -o '"train_samples_per_s":[0-9.]*' "$out.log" | cut -d: -f2)" "$(tail -n 1 "$out.rss")" >>"$rows"
  echo "round $2, $3, ${label[$1]}: $(tail -n 1 "$rows" | cut -f5-6)" >&2
}
real_run() {  # SIDE
  local measured e
  mapfile -d '' e < <(side_env "$1")
  # shellcheck disable=SC2086
  measured=$(env "${e[@]}" src/bench/timed-run "$work/run-$1" $run) \
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
# The settings as the page shows them, with paths inside the project relative to it.
words() { printf '%s' "${assign[$1]}" | base64 -d | jq -Rs --arg root "$root/" 'split("\u0000") | map(select(length > 0) | split($root) | join(""))'; }
jq -n --arg name "$name" --arg title "$title" --arg about "$about" --arg commit "$(git rev-parse --short HEAD)" --argjson rounds "$rounds" \
  --arg cpu "$(src/bench/cpu-name)" --arg la "${label[a]}" --arg lb "${label[b]}" --argjson ea "$(words a)" \
  --argjson eb "$(words b)" --arg command "${command_line% }" \
  '{name: $name, title: $title, about: $about, commit: $commit, rounds: $rounds, cpu: $cpu, command: $command,
    a: {label: $la, environment: $ea}, b: {label: $lb, environment: $eb}}' >"$work/meta.json"
python3 src/bench/setting-ab-table.py "$work/meta.json" "$rows" >"$work/page.md"
cp "$rows" "results/benchmarks/$name.tsv"
cp "$work/meta.json" "results/benchmarks/$name.json"
mv "$work/page.md" "results/benchmarks/$name.md"
echo "wrote results/benchmarks/$name.md" >&2
