# Sourced by standalone-test.sh and benchmark.sh: a Spark standalone cluster on this machine, from Maven Central.
#
# The cluster's Spark is the project's spark.version (spark-dist.pom.xml), laid out as a distribution ($SPARK_HOME/jars
# and RELEASE) because workers build their executors' class path from one. With a downloaded Spark, its
# sbin/start-master.sh, sbin/start-worker.sh and bin/spark-submit do what these functions do.
# Needs: root (the project), work (a scratch folder).
spark_version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/pom.xml" | head -1)
opens=$(tr '\n' ' ' < "$root/src/main/jvm/module-opens.args")
master_url=spark://127.0.0.1:7077
export SPARK_HOME="$work/spark" SPARK_SCALA_VERSION=2.13
daemons=()

# target/dl4j-repro-cluster.jar and $SPARK_HOME.
build_cluster() {
  (cd "$root" && mvn -B -q -Pcpu,cluster -DskipTests package) >"$work/build.log" 2>&1 || { cat "$work/build.log"; return 1; }
  mvn -B -q -f "$root/src/cluster/spark-dist.pom.xml" -Dspark.version="$spark_version" dependency:copy-dependencies \
      -DoutputDirectory="$SPARK_HOME/jars" >>"$work/build.log" 2>&1 || { cat "$work/build.log"; return 1; }
  echo "Spark $spark_version (jars from Maven Central)" >"$SPARK_HOME/RELEASE"
  # bin/spark-submit as a distribution's wraps it, so that the README's command runs here as written.
  mkdir -p "$SPARK_HOME/bin"
  printf '#!/usr/bin/env bash\nexec java %s -Xmx2g -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit "$@"\n' \
      "$opens" >"$SPARK_HOME/bin/spark-submit"
  chmod +x "$SPARK_HOME/bin/spark-submit"
}

wait_for() {  # FILE PATTERN: until a daemon's log says it is up
  for _ in $(seq 120); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 1; done
  echo "error: no '$2' in $1 after 120 s" >&2
  return 1
}

# start_cluster N: a master and N workers of one core each; worker k's pid is in worker_pid[k].
declare -A worker_pid
start_cluster() {
  java $opens -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7077 \
      --webui-port 8090 >"$work/master.log" 2>&1 &
  daemons+=($!)
  wait_for "$work/master.log" "New state: ALIVE"
  for w in $(seq "$1"); do
    # Workers (and so executors) see no data folder of this machine's: the data reach them only through Spark.
    env -u REPRO_DATA_DIR REPRO_CACHE_DIR="$work/worker-$w/no-data" \
    java $opens -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 \
        --memory 8g --work-dir "$work/worker-$w" --webui-port $((8090 + w)) "$master_url" >"$work/worker-$w.log" 2>&1 &
    daemons+=($!)
    worker_pid[$w]=$!
    wait_for "$work/worker-$w.log" "Successfully registered with master"
  done
}

stop_cluster() {
  for p in "${daemons[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  daemons=()
}

# submit RESULTS_DIR RUN-ARGS...: the README's spark-submit of the cluster jar, in client mode from the project folder
# (the driver is this process's child), one core per executor and per trial.
submit() {
  local results=$1
  shift
  (cd "$root" && "$SPARK_HOME/bin/spark-submit" --master "$master_url" --class dl4jrepro.cli.Repro \
      --conf spark.executor.cores=1 --conf spark.task.cpus=1 --executor-memory 3g \
      --conf spark.executor.extraJavaOptions="-Dorg.bytedeco.javacpp.maxbytes=4g -Dorg.bytedeco.javacpp.maxphysicalbytes=8g" \
      target/dl4j-repro-cluster.jar --results-dir "$results" run "$@" --spark)
}
