#!/usr/bin/env bash
# Trials per hour of one search run as Spark tasks on a 2-worker standalone cluster (one core each, started here)
# against the same search with --parallel 2 on this machine; writes results/benchmarks/spark.md. The two sides take
# turns (ABBA over the rounds), each from an empty results folder, timed from launch to exit: JVM, Spark and worker
# start-up and data shipping included, the cluster's own start not (a cluster is up before anyone submits to it).
#
#   src/cluster/benchmark.sh [EXPERIMENT [RUN OPTIONS...]]     default: deep-mlp-grid-001 --quick
#
# REPRO_BENCH_ROUNDS (default 2) rounds; REPRO_BENCH_NAME the file's name (default spark: results/benchmarks/spark.md);
# REPRO_CLUSTER_WORK scratch folder (default /tmp/dl4j-repro-cluster-bench).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ $# -gt 0 ]; then experiment=$1; shift; run_options=("$@"); else experiment=deep-mlp-grid-001; run_options=(--quick); fi
rounds=${REPRO_BENCH_ROUNDS:-2}
name=${REPRO_BENCH_NAME:-spark}
work=${REPRO_CLUSTER_WORK:-/tmp/dl4j-repro-cluster-bench}
rm -rf "$work"
mkdir -p "$work"
source "$root/src/cluster/cluster.sh"
trap stop_cluster EXIT
echo "building the cluster jar and Spark $spark_version" >&2
build_cluster
./repro list >/dev/null  # ./repro's own build, outside the timings
start_cluster 2

rows="$work/rows.tsv"
: >"$rows"
folder_of() {  # RESULTS_DIR: the search's folder in it
  local f="$1/$experiment"
  case " ${run_options[*]} " in *" --quick "*) f="$f/quick" ;; esac
  echo "$f"
}
side() {  # SIDE ROUND
  local dir="$work/$1-$2" start end
  start=$(date +%s.%N)
  if [ "$1" = local ]; then
    ./repro --results-dir "$dir" run "$experiment" "${run_options[@]}" --parallel 2 >"$dir.log" 2>&1
  else
    submit "$dir" "$experiment" "${run_options[@]}" >"$dir.log" 2>&1
  fi
  end=$(date +%s.%N)
  local trials trial_seconds first_start last_end
  local records
  records="$(folder_of "$dir")/trials.jsonl"
  trials=$(wc -l <"$records")
  trial_seconds=$(jq -s '[.[].wallSeconds] | add' "$records")
  # Where the time outside the trials goes: before the first trial starts, and after the last one ends (whole seconds:
  # a record's start time is an ISO instant).
  first_start=$(jq -s '[.[].started | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601] | min' "$records")
  last_end=$(jq -s '[.[] | (.started | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) + .wallSeconds] | max' "$records")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$(echo "$end - $start" | bc)" "$trials" "$trial_seconds" \
      "$(echo "$first_start - $start" | bc)" "$(echo "$end - $last_end" | bc)" >>"$rows"
  echo "round $2 $1: $(tail -n 1 "$rows")" >&2
}
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then side local "$r"; side cluster "$r"; else side cluster "$r"; side local "$r"; fi
done

commit=$(git rev-parse --short HEAD)
cpu=$("$root/src/bench/cpu-name")
search="$experiment${run_options[*]:+ ${run_options[*]}}"
# The measured rows are kept beside the page, which spark-table.py writes from them.
cp "$rows" "$root/results/benchmarks/$name.tsv"
python3 "$root/src/cluster/spark-table.py" "$root/results/benchmarks/$name.tsv" "$search" "$commit" "$cpu" "$spark_version" \
    "$rounds" "$name" >"$work/$name.md"
mv "$work/$name.md" "$root/results/benchmarks/$name.md"
echo "wrote results/benchmarks/$name.md" >&2
