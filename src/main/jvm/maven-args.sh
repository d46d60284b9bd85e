# The Maven arguments of a build, for ./repro and src/bench/run (sourced by both): REPRO_MAVEN_ARGS, plus the mkl
# profile, which unpacks Intel MKL beside the classes, where a run will load it: on an Intel processor unless REPRO_BLAS
# asks for an OpenBLAS (or the build is CUDA's), and wherever REPRO_BLAS=mkl (dl4jrepro.backend.BlasLibrary says why).
# Naming a profile switches off the default one, cpu (the CPU backend's oneDNN build, without which the CNNs train at
# half speed or less), so cpu is named beside mkl. Sets maven_args.
maven_args=${REPRO_MAVEN_ARGS:-}
want_mkl=false
case "${REPRO_BLAS:-auto}" in
  mkl) want_mkl=true ;;
  auto)
    if [[ " $maven_args " != *cuda* ]] && grep -q -m1 '^vendor_id[[:space:]]*:[[:space:]]*GenuineIntel' /proc/cpuinfo 2>/dev/null; then
      want_mkl=true
    fi ;;
esac
[[ " $maven_args " != *mkl* ]] || want_mkl=true
if $want_mkl; then
  [[ " $maven_args " == *mkl* ]] || maven_args="$maven_args -Pmkl"
  [[ " $maven_args " == *cpu* ]] || maven_args="$maven_args -Pcpu"
fi
maven_args=${maven_args# }
