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
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
python3 - "$rows" "$experiment ${run_options[*]}" "$commit" "$cpu" "$spark_version" "$rounds" "$name" >"$root/results/benchmarks/$name.md" <<'EOF'
import sys, statistics
rows_file, search, commit, cpu, spark, rounds, name = sys.argv[1:]
rows = [l.rstrip('\n').split('\t') for l in open(rows_file) if l.strip()]
rate = {}
print("# Trials as Spark tasks: a 2-worker standalone cluster against --parallel 2 on one machine\n")
print(f"Search: `{search}`. Both sides run on the same {cpu} (2 cores): the local side as 2 worker processes of 1 thread, "
      f"the cluster side as 2 Spark {spark} workers of 1 core on this machine (a master, 2 workers and their executors as "
      f"separate processes, the driver under spark-submit, the data shipped through Spark). Each side starts from an empty "
      f"results folder and is timed from launch to exit; the sides take turns (ABBA over {rounds} rounds) on a shared, "
      f"noisy machine. Code: {commit}.\n")
print("| round | side | wall s | trials | trials/hour | sum of the trials' own wall s | outside the trials "
      "| launch to the first trial's start, s | the last trial's end to exit, s |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for r, side, wall, n, own, before, after in rows:
    wall, n, own, before, after = float(wall), int(n), float(own), float(before), float(after)
    rate.setdefault(r, {})[side] = n / wall * 3600
    print(f"| {r} | {side} | {wall:.0f} | {n} | {n / wall * 3600:.0f} | {own:.0f} | {1 - own / 2 / wall:.1%} "
          f"| {before:.0f} | {after:.0f} |")
ratios = [v["cluster"] / v["local"] for v in rate.values() if "cluster" in v and "local" in v]
print()
print("Cluster trials per hour over local, per round: " + ", ".join(f"{x:.3f}" for x in ratios)
      + f"; mean {statistics.mean(ratios):.3f}, so Spark's overhead per trial is {1 - statistics.mean(ratios):.1%} "
      + f"(target: at most 10 %).\n")
print("'Outside the trials' is the share of the two cores' wall time not spent inside a trial's own timing (start-up, "
      "data loading and shipping, scheduling, the table): 1 − (sum of trial wall times / 2) / wall.\n")
env = f"REPRO_BENCH_ROUNDS={rounds}" + ("" if name == "spark" else f" REPRO_BENCH_NAME={name}")
print(f"Regenerate: `{env} src/cluster/benchmark.sh {search}`.")
EOF
echo "wrote results/benchmarks/$name.md" >&2
