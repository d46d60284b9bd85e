#!/usr/bin/env bash
# Which BLAS multiplies a dense model's training step fastest here (results/benchmarks/blas-survey.md): the OpenBLAS
# build this project loads under ND4J (javacpp 0.3.21-1.5.8), the newest javacpp OpenBLAS Maven Central serves, the
# Debian OpenBLAS the PyTorch peer uses, and Intel MKL (javacpp's redistributable build), each through its own
# cblas_sgemm at the model's shapes. Fetches the javacpp jars through Maven (about 230 MB, MKL's most of it).
#   src/bench/blas-survey.sh [--layers 3072,300,10] [--batch 512] [--rounds 3] [--name blas-survey-xeon]
# --name: the file under results/benchmarks (default blas-survey, or blas-survey-LAYERS-bBATCH for other shapes), so that
# surveys of different processors stand side by side.
# Defaults: a4_largest of experiments/bench/catalogue-models.json. See src/bench/blas_survey.py.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
layers=3072,300,10 batch=512 rounds=3 name=""
while [ $# -gt 0 ]; do
  case "$1" in
    --layers) layers=${2:?--layers needs widths such as 3072,300,10}; shift 2 ;;
    --batch) batch=${2:?--batch needs a size}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a count}; shift 2 ;;
    --name) name=${2:?--name needs a file name}; shift 2 ;;
    *) echo "error: unknown option $1: use --layers W,W,..., --batch N, --rounds N, --name NAME" >&2; exit 2 ;;
  esac
done
[[ $layers =~ ^[1-9][0-9]*(,[1-9][0-9]*)+$ ]] || { echo "error: --layers $layers: give two or more positive widths, e.g. 3072,300,10" >&2; exit 2; }
[[ $batch =~ ^[1-9][0-9]*$ ]] || { echo "error: --batch $batch: give a positive whole number" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "error: --rounds $rounds: give a positive whole number" >&2; exit 2; }
[[ -z $name || $name =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "error: --name $name: use lower-case letters, digits and dashes, e.g. blas-survey-xeon" >&2; exit 2; }
/usr/bin/python3 -c 'import numpy' 2>/dev/null || { echo "error: numpy is missing: apt-get install python3-numpy" >&2; exit 1; }
debian=/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0
[ -f "$debian" ] || { echo "error: $debian is missing: apt-get install libopenblas0-pthread" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unpack() {  # GROUP:ARTIFACT:VERSION:CLASSIFIER FOLDER: the jar's files under $work/FOLDER
  IFS=: read -r g a v c <<<"$1"
  mvn -B -q dependency:get -Dartifact="$g:$a:$v:jar:$c" -Dtransitive=false >"$work/mvn.log" 2>&1 \
    || { cat "$work/mvn.log" >&2; echo "error: Maven could not fetch $1 (log above)" >&2; exit 1; }
  mkdir -p "$work/$2"
  (cd "$work/$2" && unzip -q -o "$HOME/.m2/repository/${g//.//}/$a/$v/$a-$v-$c.jar")
}
echo "fetching the javacpp builds ..." >&2
unpack org.bytedeco:openblas:0.3.21-1.5.8:linux-x86_64 ob21
unpack org.bytedeco:openblas:0.3.31-1.5.13:linux-x86_64 ob31
unpack org.bytedeco:mkl:2022.2-1.5.8:linux-x86_64-redist mkl

names=("OpenBLAS 0.3.21 javacpp" "OpenBLAS 0.3.31 javacpp" "OpenBLAS 0.3.21 Debian" "MKL 2022.2 javacpp")
files=("$work/ob21/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0"
       "$work/ob31/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0"
       "$debian"
       "$work/mkl/org/bytedeco/mkl/linux-x86_64/libmkl_rt.so.2")
sources=("org.bytedeco:openblas:0.3.21-1.5.8, the build this project loads under ND4J"
         "org.bytedeco:openblas:0.3.31-1.5.13, the newest javacpp build served"
         "Debian's libopenblas0-pthread, the PyTorch peer's"
         "org.bytedeco:mkl:2022.2-1.5.8 linux-x86_64-redist, javacpp's MKL for the same javacpp line as the first")
coretypes=("" "" "" "")
# The kernels of the processor's instruction set, as the project's runs force them on 0.3.21: detection in 0.3.21 does
# not know every processor that has them. The first line of BlasLibrary's table whose flags the processor all has.
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2 || true) "
isa=""
while read -r kernel needs; do
  case $kernel in ''|'#'*) continue ;; esac
  missing=0
  for flag in $needs; do [[ $flags == *" $flag "* ]] || { missing=1; break; }; done
  [ $missing = 1 ] || { isa=$kernel; break; }
done <"$root/src/main/resources/dl4jrepro/backend/openblas-kernels.txt"
if [ -n "$isa" ]; then
  names+=("OpenBLAS 0.3.21 javacpp, $isa forced")
  files+=("${files[0]}")
  sources+=("the first, with OPENBLAS_CORETYPE=$isa, the kernels of this processor's instruction set, as this project's runs load it")
  coretypes+=("$isa")
fi
rows="$work/rows.jsonl"
n=${#names[@]}
for r in $(seq "$rounds"); do
  for i in $(seq 0 $((n - 1))); do
    j=$(( (i + r - 1) % n ))  # the order rotates from round to round
    echo "round $r of $rounds: ${names[$j]}" >&2
    forced=(); [ -z "${coretypes[$j]}" ] || forced=("OPENBLAS_CORETYPE=${coretypes[$j]}")
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${forced[@]}" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
      /usr/bin/python3 "$root/src/bench/blas_survey.py" --measure "${names[$j]}" "${files[$j]}" "$layers" "$batch" "$r" >>"$rows"
  done
done
model=$([ "$layers,$batch" = "3072,300,10,512" ] && echo "a4_largest of experiments/bench/catalogue-models.json" || echo "given by --layers and --batch")
cpu=$("$root/src/bench/cpu-name")
/usr/bin/python3 - "$work/config.json" "$layers" "$batch" "$rounds" "$model" "$cpu" "$(git -C "$root" rev-parse --short HEAD)" \
    "$name" "${names[@]}" -- "${sources[@]}" <<'EOF'
import json, sys
out, layers, batch, rounds, model, cpu, commit, name, *rest = sys.argv[1:]
cut = rest.index("--")
json.dump({"layers": [int(x) for x in layers.split(",")], "batch": int(batch), "rounds": int(rounds), "model": model,
           "cpu": cpu, "commit": commit, "name": name, "sources": dict(zip(rest[:cut], rest[cut + 1:]))}, open(out, "w"))
EOF
if [ -z "$name" ]; then
  name=blas-survey
  [ "$layers,$batch" = "3072,300,10,512" ] || name="blas-survey-${layers//,/-}-b$batch"
fi
/usr/bin/python3 "$root/src/bench/blas_survey.py" --table "$rows" "$work/config.json" "$root/results/benchmarks/$name"
echo "wrote results/benchmarks/$name.md" >&2
