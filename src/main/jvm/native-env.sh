# The native libraries' environment for ./repro and the benchmarks (src/bench/run), sourced by both; each variable
# only where the caller has not set it. The libraries read these as they load, so Java cannot set them itself.
# One OpenMP thread by default: the MLPs' matrix products are too small to gain from a second; --threads overrides.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# OpenBLAS's idle worker threads (the pthread build ND4J bundles) sleep almost at once, where by default they spin on
# sched_yield for about 2^28 cycles after each call, taking a core from oneDNN's OpenMP threads in the two-thread CNNs:
# results/benchmarks/openblas-thread-timeout.md (src/bench/setting-ab.sh) measures both.
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
# The variables above that decide how idle threads wait, named for the benchmarks' pages (PeerBenchmark records them).
export REPRO_IDLE_THREAD_VARIABLES="OMP_WAIT_POLICY OPENBLAS_THREAD_TIMEOUT"
