#!/usr/bin/env bash
# What a first run costs on a fresh machine (the README's quick start): a fresh clone with an empty Maven repository,
# javacpp cache, data cache and npm cache runs `./repro run quickstart`, then `mvn -B test` twice (the first also fetches
# the test-only libraries; the second is what CI and a developer see afterwards). Writes
# results/benchmarks/fresh-machine.md. Needs Maven Central and the npm registry; about 20 minutes; run it on a quiet
# machine, since its times are one sitting's.
# Usage: src/bench/fresh-machine.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/results/benchmarks/fresh-machine.md"
work=$(mktemp -d /tmp/fresh-machine.XXXXXX)
trap 'rm -rf "$work"' EXIT
home="$work/home"
mkdir -p "$home"
git clone -q "$root" "$work/clone"
cd "$work/clone"
commit=$(git rev-parse --short HEAD)

# Every cache a first run fills, moved into $home: Maven's repository (also for the build ./repro starts), the native
# libraries javacpp unpacks, MNIST (REPRO_CACHE_DIR) and npm's cache (npm follows HOME).
export MAVEN_OPTS="-Dmaven.repo.local=$home/m2"
export REPRO_CACHE_DIR="$home/dl4j-repro"
export REPRO_JAVA_OPTS="@$root/src/main/jvm/java-defaults.args -Dorg.bytedeco.javacpp.cachedir=$home/javacpp"
unset REPRO_DATA_DIR

seconds() { date +%s.%N; }
mb() { if [ -d "$1" ]; then du -sm "$1" | cut -f1; else echo 0; fi; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "quick start in a fresh clone of $commit ..." >&2
load_before=$(load)
t0=$(seconds)
HOME="$home" ./repro run quickstart >"$work/quickstart.log" 2>&1 || { tail -20 "$work/quickstart.log" >&2; exit 1; }
t1=$(seconds)
quick_wall=$(echo "$t1 - $t0" | bc)
m2_quick=$(mb "$home/m2")
natives=$(mb "$home/javacpp")
mnist=$(mb "$home/dl4j-repro")
npm=$(mb "$home/.npm")
acc=$(jq -r '.finalMetrics.test_acc' results/quickstart/run.json)
train=$(jq -r '.trainSeconds' results/quickstart/run.json)

echo "mvn -B test, first ..." >&2
t2=$(seconds)
HOME="$home" mvn -B test >"$work/test-1.log" 2>&1 || { grep -E "FAIL|ERROR" "$work/test-1.log" | head -20 >&2; exit 1; }
t3=$(seconds)
echo "mvn -B test, again ..." >&2
HOME="$home" mvn -B test >"$work/test-2.log" 2>&1 || { grep -E "FAIL|ERROR" "$work/test-2.log" | head -20 >&2; exit 1; }
t4=$(seconds)
tests() { grep -E "^\[INFO\] Tests run: [0-9]+, Failures" "$1" | tail -1 | sed 's/\[INFO\] //'; }
m2_all=$(mb "$home/m2")

cat >"$out" <<EOF
# A first run on a fresh machine

A fresh clone of $commit with an empty Maven repository, javacpp cache, MNIST cache and npm cache, on $(nproc) cores of
$("$root/src/bench/cpu-name"), shared and noisy. The load average before it
started was $load_before (1, 5 and 15 minutes).

| step | wall s | what it left |
|---|---:|---|
| \`./repro run quickstart\` (build, MNIST fetch, 5 epochs) | $(printf '%.0f' "$quick_wall") | Maven repository ${m2_quick} MB, native libraries ${natives} MB, MNIST ${mnist} MB, npm cache ${npm} MB |
| its training alone | $(printf '%.1f' "$train") | test accuracy $acc |
| \`mvn -B test\`, first (fetches the test-only libraries) | $(printf '%.0f' "$(echo "$t3 - $t2" | bc)") | Maven repository ${m2_all} MB in all; $(tests "$work/test-1.log") |
| \`mvn -B test\`, again | $(printf '%.0f' "$(echo "$t4 - $t3" | bc)") | $(tests "$work/test-2.log") |

The test runs' forked JVMs take javacpp's native libraries from the machine's usual cache (their JVM options are the
pom's), so only the quick start measures the unpacking of the natives.

Regenerate: \`src/bench/fresh-machine.sh\`.
EOF
cat "$out"
