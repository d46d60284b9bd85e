# The Maven arguments of a build, for ./repro and src/bench/run (sourced by both): REPRO_MAVEN_ARGS, plus the mkl
# profile, which unpacks Intel MKL beside the classes, where a run will load it: on an Intel processor unless REPRO_BLAS
# asks for an OpenBLAS, and wherever REPRO_BLAS=mkl (dl4jrepro.backend.BlasLibrary says why). Sets maven_args.
maven_args=${REPRO_MAVEN_ARGS:-}
case "${REPRO_BLAS:-auto}" in
  mkl) [[ " $maven_args " == *" -Pmkl "* ]] || maven_args="$maven_args -Pmkl" ;;
  auto)
    if [[ " $maven_args " != *" -Pmkl "* && " $maven_args " != *" -Pcuda "* ]] \
        && grep -q -m1 '^vendor_id[[:space:]]*:[[:space:]]*GenuineIntel' /proc/cpuinfo 2>/dev/null; then
      maven_args="$maven_args -Pmkl"
    fi ;;
esac
maven_args=${maven_args# }
