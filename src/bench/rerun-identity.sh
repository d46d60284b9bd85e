#!/usr/bin/env bash
# Whether a stored trial, trained again, gives its figures back bit for bit, and what decides it:
# results/benchmarks/rerun-identity.md, with the reruns' records in results/benchmarks/rerun-identity/.
# Three trials of the suite's reruns (results/benchmarks/suite-rerun), one per kind of net: a plain dense net, a net
# with batch norm (a layer DL4J hands to oneDNN), a net with dropout. Each is trained again with ./repro rerun four
# times: twice as the environment gives it, once with oneDNN capped at AVX2 (DNNL_MAX_CPU_ISA, the variable oneDNN's
# CPU dispatcher reads) and once with the same cap under the name newer oneDNN releases read (ONEDNN_MAX_CPU_ISA).
# Each rerun is compared with the stored record, and the stored record with the same trial's record from an earlier
# rerun on another processor, as git commit REF holds it.
#   [REPRO_DATA_DIR=DIR] src/bench/rerun-identity.sh [--ref REF]     (REF: 5b6a800, the reruns on an AMD EPYC of family 25)
# --anyway: the stored trials may come from an earlier commit than this checkout's; the record of each rerun names both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
ref=5b6a800
if [ "${1:-}" = --ref ]; then ref=${2:?--ref needs a commit}; shift 2; fi
[ $# -eq 0 ] || { echo "error: unknown option $1; usage: src/bench/rerun-identity.sh [--ref REF]" >&2; exit 2; }
git cat-file -e "$ref^{commit}" 2>/dev/null || { echo "error: --ref $ref is not a commit of this repository" >&2; exit 2; }
stored=results/benchmarks/suite-rerun
out=results/benchmarks/rerun-identity
# kind, experiment, the folder of its trials, trial id
trials=(
  "plain|two-layer-repeat-000|two-layer-repeat-000|5cb3cc6da152"
  "batch-norm|deep-mlp-grid-001-init|deep-mlp-grid-001/init|7dc99fb40485"
  "dropout|two-layer-variants-000-dropout|two-layer-variants-000/dropout|bf3093cd8c9f"
)
settings=("as-given|" "again|" "avx2|DNNL_MAX_CPU_ISA=AVX2" "avx2-newer-name|ONEDNN_MAX_CPU_ISA=AVX2")
for t in "${trials[@]}"; do
  IFS='|' read -r kind id folder trial <<<"$t"
  grep -q "\"trialId\":\"$trial\"" "$stored/$folder/trials.jsonl" 2>/dev/null \
    || { echo "error: $stored/$folder/trials.jsonl holds no trial $trial: run ./repro --results-dir $stored run $id first" >&2; exit 1; }
done
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
pairs=()
n=$(( ${#trials[@]} * ${#settings[@]} )); k=0
for t in "${trials[@]}"; do
  IFS='|' read -r kind id folder trial <<<"$t"
  record="$stored/$folder/trials.jsonl#$trial"
  pairs+=("$kind: earlier rerun ($ref) against the stored one|$ref:$record|$record")
  for s in "${settings[@]}"; do
    IFS='|' read -r label assignment <<<"$s"
    k=$((k + 1)); echo "[rerun-identity] $k of $n: $id#$trial, $label" >&2
    log="$staging/$kind-$label.log"
    env $assignment ./repro --results-dir "$stored" rerun --anyway "$id#$trial" >"$log" 2>&1 \
      || { tail -n 3 "$log" >&2; echo "error: ./repro rerun $id#$trial failed (its log's end above)" >&2; exit 1; }
    made=$(sed -n 's/^rerun stored in \(.*\)\/run\.json$/\1/p' "$log")
    [ -f "$made/run.json" ] || { echo "error: ./repro rerun $id#$trial named no record ($log)" >&2; exit 1; }
    mkdir -p "$staging/records/$kind-$label"; mv "$made/run.json" "$staging/records/$kind-$label/"; rmdir "$made"
    pairs+=("$kind: stored against rerun, $label${assignment:+ ($assignment)}|$record|$out/$kind-$label/run.json")
  done
done
rmdir "$stored/reruns" 2>/dev/null || true
rm -rf "$out"; mv "$staging/records" "$out"
{
  echo "# Rerun identity: the same trial trained again, bit for bit"
  echo
  echo "Three stored trials of the suite's reruns, one per kind of net (a plain dense net, batch norm, dropout), each"
  echo "trained again by \`./repro rerun\` twice as the environment gives it, once with oneDNN capped at AVX2"
  echo "(\`DNNL_MAX_CPU_ISA=AVX2\`) and once with that cap under the name newer oneDNN releases read"
  echo "(\`ONEDNN_MAX_CPU_ISA=AVX2\`), and each stored record against the same trial's record from an earlier rerun as commit"
  echo "$ref holds it. *Bit for bit*: every evaluation of the learning curve has the same losses and accuracies to the last"
  echo "bit. The layer library column is the backend line's: a cap on oneDNN's instruction set that the library reads is named there."
  echo
  python3 src/bench/rerun_identity.py "${pairs[@]}"
  echo
  echo "Records: \`rerun-identity/<kind>-<setting>/run.json\` (code, data checksum, backend and settings of each rerun)."
  echo
  echo "Regenerate: \`REPRO_DATA_DIR=DIR src/bench/rerun-identity.sh --ref $ref\` (at $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M') UTC)."
} >"$out.md.tmp"
mv "$out.md.tmp" "$out.md"
echo "wrote $out.md" >&2
