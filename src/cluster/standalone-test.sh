#!/usr/bin/env bash
# Integration test of run --spark on a real Spark standalone cluster, started here on one machine: a master and two
# workers as separate processes, the search submitted with spark-submit, one worker (and its executor) killed with
# SIGKILL mid-run. Passes when the cluster's table equals a local run's (--parallel 2) and every trial is recorded
# exactly once. Not part of CI (it takes minutes of full CPU); its transcript is committed under
# results/benchmarks/spark/standalone-test/.
#
#   src/cluster/standalone-test.sh [EXPERIMENT [RUN OPTIONS...]]     default: deep-mlp-grid-001 --quick
#
# REPRO_CLUSTER_WORK: scratch folder (default /tmp/dl4j-repro-cluster); REPRO_CLUSTER_OUT: where the transcript goes;
# REPRO_KILL_AFTER: trials recorded before the kill (default 4).
#
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# The cluster jar carries OpenBLAS, not Intel MKL (440 MB), which local runs load by default on Intel processors: the
# local reference runs on the cluster's library, so that the two tables can be equal.
export REPRO_BLAS=newer
if [ $# -gt 0 ]; then experiment=$1; shift; run_options=("$@"); else experiment=deep-mlp-grid-001; run_options=(--quick); fi
work=${REPRO_CLUSTER_WORK:-/tmp/dl4j-repro-cluster}
out=${REPRO_CLUSTER_OUT:-$root/results/benchmarks/spark/standalone-test}
kill_after=${REPRO_KILL_AFTER:-4}
rm -rf "$work" "$out"
mkdir -p "$work" "$out"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$out/run.log"; }
source "$root/src/cluster/cluster.sh"
trap stop_cluster EXIT

log "code $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo ' with uncommitted changes'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
log "building the cluster jar and a Spark $spark_version distribution from Maven Central"
build_cluster
start_cluster 2
worker_2=${worker_pid[2]}
log "standalone cluster up: master $master_url (pid ${daemons[0]}), worker 1 (pid ${worker_pid[1]}) and worker 2 (pid $worker_2), 1 core each"

log "local reference: ./repro run $experiment ${run_options[*]} --parallel 2"
start=$(date +%s)
if ! ./repro --results-dir "$work/local" run "$experiment" "${run_options[@]}" --parallel 2 >"$work/local.log" 2>&1; then
    log "FAIL: the local run stopped: $(tail -1 "$work/local.log")"
    exit 1
fi
log "local run done in $(( $(date +%s) - start )) s"

log "cluster run: spark-submit --master $master_url dl4j-repro-cluster.jar run $experiment ${run_options[*]} --spark"
start=$(date +%s)
submit "$work/cluster" "$experiment" "${run_options[@]}" >"$work/driver.log" 2>&1 &
driver=$!
folder="$work/cluster/$experiment"
case " ${run_options[*]} " in *" --quick "*) folder="$folder/quick" ;; esac
until [ "$(cat "$folder/trials.jsonl" 2>/dev/null | wc -l)" -ge "$kill_after" ] || ! kill -0 $driver 2>/dev/null; do sleep 0.2; done
executors=$(pgrep -P "$worker_2" -d ' ' || true)
recorded=$(wc -l <"$folder/trials.jsonl")
kill -9 "$worker_2" $executors
log "killed worker 2 (pid $worker_2) and its executor (pid ${executors:-none}) with SIGKILL, $recorded trials recorded"
set +e
wait $driver
code=$?
set -e
log "cluster run ended with exit code $code in $(( $(date +%s) - start )) s"

# The checks: every trial once, and the table a local run gives (its lines naming the code's and machine's provenance
# aside: the backend line lists the driver's threads).
status=0
planned=$(jq length "$folder/plan.json")
ids=$(jq -r .trialId "$folder/trials.jsonl" | sort | uniq | wc -l)
lines=$(wc -l <"$folder/trials.jsonl")
log "trials: $planned planned, $lines records, $ids distinct trial ids"
[ "$code" = 0 ] && [ "$planned" = "$lines" ] && [ "$lines" = "$ids" ] || { log "FAIL: not every trial exactly once"; status=1; }
local_table="$work/local/${folder#"$work/cluster/"}/table.md"
if diff <(grep -v '^- backend\|^- code' "$local_table") <(grep -v '^- backend\|^- code' "$folder/table.md") >"$out/table.diff"; then
  log "tables equal: the cluster's table.md is the local one's"
else
  log "FAIL: the tables differ (table.diff)"
  status=1
fi
# Spark's account of the kill: the executor lost, the trial it was running failed with it, and that trial's second
# attempt (task N.1) on the other executor.
grep -E "Lost executor|exited for a reason unrelated to the task|Starting task [0-9]+\.[1-9]" "$work/driver.log" \
    | sed 's/^/  driver: /' | head -20 | tee -a "$out/run.log"
jq -r '[.backend.host, .backend.blas, .data.checksum] | @tsv' "$folder/trials.jsonl" | sort | uniq -c | sed 's/^/  records: /' | tee -a "$out/run.log"

# The transcript: the driver's output without the trials' per-step lines, the daemons' logs, both tables.
grep -v '^\[[^]]* #[0-9]*/[0-9]*\]' "$work/driver.log" >"$out/driver.log" || true
cp "$work/master.log" "$work/worker-1.log" "$work/worker-2.log" "$out/"
cp "$local_table" "$out/local-table.md"
cp "$folder/table.md" "$out/cluster-table.md"
log "$([ $status = 0 ] && echo PASS || echo FAIL); transcript in ${out#"$root/"}"
exit $status
