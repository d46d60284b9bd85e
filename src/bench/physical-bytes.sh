#!/usr/bin/env bash
# JavaCPP's physical-memory limit, on and off (results/benchmarks/physical-bytes.md), through setting-ab.sh. With
# -Dorg.bytedeco.javacpp.maxphysicalbytes above 0, JavaCPP reads /proc/self/statm each time it registers a native
# buffer, and ND4J registers several per op: perf put those reads at several per cent of a B1 training thread. Off, only
# maxbytes (the native bytes JavaCPP itself counts) bounds ND4J's memory.
#   [REPRO_DATA_DIR=DIR] src/bench/physical-bytes.sh [--rounds 2] [--models a,b] [--run "ID OPTIONS"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
defaults="@$root/src/main/jvm/java-defaults.args"
exec "$root/src/bench/setting-ab.sh" --name physical-bytes --title "JavaCPP's physical-memory limit on and off" \
  --about "With \`-Dorg.bytedeco.javacpp.maxphysicalbytes\` above 0 (on: 8g, as \`src/main/jvm/java-defaults.args\` has it), JavaCPP reads \`/proc/self/statm\` each time it registers a native buffer; with 0 (off) it does not, and only \`maxbytes\` (the native bytes JavaCPP counts itself, 4g) bounds ND4J's memory. Every other option as \`java-defaults.args\`." \
  --a on "REPRO_JAVA_OPTS=$defaults -Dorg.bytedeco.javacpp.maxphysicalbytes=8g" \
  --b off "REPRO_JAVA_OPTS=$defaults -Dorg.bytedeco.javacpp.maxphysicalbytes=0" "$@"
