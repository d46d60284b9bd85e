#!/usr/bin/env bash
# The README's pictures of DL4J's training UI (run --ui): the quick-start experiment trains with --ui into a scratch
# folder, and headless Chromium photographs its overview page once the first epoch has been charted.
# Usage: src/ui/screenshots.sh [OUT_DIR]   (default docs/; needs MNIST, which ./repro fetches, and chromium)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(cd "${1:-$root/docs}" && pwd)"
port=9123
work=$(mktemp -d)
cd "$root"
./repro run quickstart --ui=$port --results-dir "$work/results" >"$work/run.log" 2>&1 &
run=$!
trap 'kill $run 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
# Until the first epoch's evaluation line: by then the score chart has a few hundred steps.
for _ in $(seq 600); do grep -q "(epoch 1.00)" "$work/run.log" && break; kill -0 $run 2>/dev/null || { cat "$work/run.log"; exit 1; }; sleep 1; done
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,820 --virtual-time-budget=8000 \
    --screenshot="$out/training-ui.png" "http://localhost:$port/train/quickstart/overview" 2>/dev/null
echo "wrote $out/training-ui.png"
