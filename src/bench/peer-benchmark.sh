#!/usr/bin/env bash
# The DL4J-against-PyTorch benchmark (results/benchmarks/latest.md). Installs the peer's Debian packages when missing
# (not done in CI), then runs dl4jrepro.bench.PeerBenchmark; arguments pass through: --pairs N --epochs N --models a,b
# --peer PATH (default src/bench/peer/torch_peer.py) --workload FILE (default experiments/bench/catalogue-models.json)
# --check true (only build every model on both sides and compare parameter counts and layer shapes). With --models the
# figures go to results/benchmarks/peer-<models>.md. `peer-benchmark.sh StepProfile [--models a,b] [--epochs N]` runs the
# step profile of both sides instead (dl4jrepro.bench.StepProfile, results/benchmarks/step-profile[-<models>].md), and
# `peer-benchmark.sh ConvBackward [--rounds N] [--threads N]` each convolution layer's passes, both sides (results/benchmarks/conv-backward[-threads-N].md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "installing python3-torch and libopenblas0-pthread (Debian) for the PyTorch peer ..." >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -q python3-torch libopenblas0-pthread time >&2
fi
command -v /usr/bin/time >/dev/null || { echo "error: /usr/bin/time is missing: apt-get install time" >&2; exit 1; }
cd "$root"
main=PeerBenchmark
case "${1:-}" in StepProfile|ConvBackward) main=$1; shift ;; esac
exec src/bench/run "$main" "$@"
