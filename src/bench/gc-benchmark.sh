#!/usr/bin/env bash
# The JVM's collector in real runs (results/benchmarks/gc.md): each experiment run by ./repro with its default options
# (src/main/jvm/java-defaults.args, the JVM's default collector G1) against the same options with the serial collector
# and a 32 MB young generation, in turns (ABBA over the rounds), each from an empty results folder: wall time from
# launch to exit, the process's peak resident memory (/usr/bin/time), and the test accuracy, which must not move.
#   src/bench/gc-benchmark.sh [--rounds 2] ["EXPERIMENT OPTIONS" ...]
# Default experiments: B1, C1 and C2 on their quick budgets (the data, the network and one short training each).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds=2
if [ "${1:-}" = --rounds ]; then
  rounds=${2:-}; shift 2 || true
  [[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "error: --rounds needs a positive whole number" >&2; exit 2; }
fi
if [ $# -gt 0 ]; then runs=("$@"); else
  runs=("deep-mlp-grid-000 --quick" "mnist-cnn-003 --quick" "cifar-cnn-004 --quick"); fi
serial_opts="@$root/src/main/jvm/java-defaults.args -XX:+UseSerialGC -Xmn32m"
./repro list >/dev/null  # the build, outside the timings
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
side() {  # SIDE ROUND CASE-INDEX
  local measured setting=(-u REPRO_JAVA_OPTS)
  [ "$1" = serial ] && setting=(REPRO_JAVA_OPTS="$serial_opts")
  # shellcheck disable=SC2086
  measured=$(env "${setting[@]}" src/bench/timed-run "$work/$1-$2-$3" ${runs[$3]}) \
    || { echo "error: ./repro run ${runs[$3]} failed under $1" >&2; exit 1; }
  printf '%s\t%s\t%s\t%s\n' "${runs[$3]}" "$2" "$1" "$measured" >>"$rows"
  echo "round $2, ${runs[$3]}, $1: $measured" >&2
}
for r in $(seq "$rounds"); do
  for c in "${!runs[@]}"; do
    if [ $((r % 2)) = 1 ]; then side g1 "$r" "$c"; side serial "$r" "$c"; else side serial "$r" "$c"; side g1 "$r" "$c"; fi
  done
done
# The measured rows are kept beside the page, which gc-table.py writes from them.
cp "$rows" results/benchmarks/gc.tsv
python3 src/bench/gc-table.py results/benchmarks/gc.tsv "$(git rev-parse --short HEAD)" "$rounds" \
    "$(if [ $# -gt 0 ]; then printf '"%s" ' "$@"; fi)" >"$work/gc.md"
mv "$work/gc.md" results/benchmarks/gc.md
echo "wrote results/benchmarks/gc.md" >&2
