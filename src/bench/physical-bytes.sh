#!/usr/bin/env bash
# JavaCPP's physical-memory limit, on and off (results/benchmarks/physical-bytes.md). With
# -Dorg.bytedeco.javacpp.maxphysicalbytes above 0, JavaCPP reads /proc/self/statm each time it registers a native
# buffer, and ND4J registers several per op: perf put those reads at several per cent of a B1 training thread. Off, only
# maxbytes (the native bytes JavaCPP itself counts) bounds ND4J's memory. This measures both settings, alternating
# (ABBA over the rounds): the DL4J side of the peer benchmark per model (training samples/s of its turn, the process's
# peak RSS), then one real run per setting (wall time, peak RSS, test accuracy, which the limit must not move).
#   [REPRO_DATA_DIR=DIR] src/bench/physical-bytes.sh [--rounds 2] [--models b1_chosen,c1_mnist_cnn,c2_cifar_vgg]
#     [--run "cifar-cnn-004 --quick"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds=2 models=b1_chosen,c1_mnist_cnn,c2_cifar_vgg run="cifar-cnn-004 --quick"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:-}; shift 2 ;;
    --models) models=${2:?--models needs a comma list}; shift 2 ;;
    --run) run=${2:?--run needs an experiment and its options}; shift 2 ;;
    *) echo "error: unknown argument $1: the options are --rounds N, --models a,b and --run \"ID OPTIONS\"" >&2; exit 2 ;;
  esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "error: --rounds needs a positive whole number" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "error: /usr/bin/time is missing: apt-get install time" >&2; exit 1; }
defaults="@$root/src/main/jvm/java-defaults.args"
declare -A opts=([on]="$defaults -Dorg.bytedeco.javacpp.maxphysicalbytes=8g" [off]="$defaults -Dorg.bytedeco.javacpp.maxphysicalbytes=0")
./repro list >/dev/null  # the builds, outside the timings
src/bench/run --build  # once: the measured turns skip Maven
export REPRO_BENCH_BUILT=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
turn() {  # SETTING ROUND MODEL
  local out="$work/turn-$1-$2-$3"
  REPRO_JAVA_OPTS="${opts[$1]}" /usr/bin/time -f %M -o "$out.rss" src/bench/run PeerBenchmark --turn "$3" --epochs 3 >"$out.log" 2>&1 \
    || { tail -n 3 "$out.log" >&2; echo "error: the DL4J turn of $3 failed with maxphysicalbytes $1" >&2; exit 1; }
  printf 'turn\t%s\t%s\t%s\t%s\t%s\t\n' "$3" "$2" "$1" "$(grep -o '"train_samples_per_s":[0-9.]*' "$out.log" | cut -d: -f2)" \
    "$(tail -n 1 "$out.rss")" >>"$rows"
  echo "round $2, $3, limit $1: $(tail -n 1 "$rows" | cut -f5-6)" >&2
}
real_run() {  # SETTING
  local dir="$work/run-$1" start end acc
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  REPRO_JAVA_OPTS="${opts[$1]}" /usr/bin/time -f %M -o "$dir.rss" ./repro --results-dir "$dir" run $run >"$dir.log" 2>&1 \
    || { tail -n 3 "$dir.log" >&2; echo "error: ./repro run $run failed with maxphysicalbytes $1" >&2; exit 1; }
  end=$(date +%s.%N)
  acc=$(find "$dir" \( -name trials.jsonl -o -name run.json \) -exec cat {} + | jq -s '[.[] | .finalMetrics.test_acc // empty] | add / length')
  printf 'run\t%s\t1\t%s\t%s\t%s\t%s\n' "$run" "$1" "$(echo "$end - $start" | bc)" "$(tail -n 1 "$dir.rss")" "$acc" >>"$rows"
  echo "$run, limit $1: $(tail -n 1 "$rows" | cut -f5-7)" >&2
}
# The real runs first: they need the data (./repro's data folder or REPRO_DATA_DIR), and fail before the turns if absent.
real_run on
real_run off
IFS=, read -r -a list <<<"$models"
for r in $(seq "$rounds"); do
  for m in "${list[@]}"; do
    if [ $((r % 2)) = 1 ]; then turn on "$r" "$m"; turn off "$r" "$m"; else turn off "$r" "$m"; turn on "$r" "$m"; fi
  done
done
cp "$rows" results/benchmarks/physical-bytes.tsv
python3 src/bench/physical-bytes-table.py results/benchmarks/physical-bytes.tsv "$(git rev-parse --short HEAD)" "$rounds" \
  "$(src/bench/cpu-name)" >"$work/page.md"
mv "$work/page.md" results/benchmarks/physical-bytes.md
echo "wrote results/benchmarks/physical-bytes.md" >&2
