#!/usr/bin/env bash
# The JMH benchmarks with the gc profiler (B/op) and CpuTimeProfiler (CPU ns/op besides the
# wall-clock score), one fork each, as recorded in mesh-benchmarks/README.md.
#
#   mesh-benchmarks/run-jmh.sh                          # every benchmark (~10 minutes on 2 cores)
#   mesh-benchmarks/run-jmh.sh RouteDecisionBenchmark   # a regex of benchmarks, then any JMH options
#
# Results: printed, and written to mesh-benchmarks/results/jmh-latest.{txt,json}.
# Waits (QUIET_WAIT seconds at most, default 600) for the machine to be idle before measuring.
set -euo pipefail
cd "$(dirname "$0")/.."
source mesh-benchmarks/quiet.sh

./mvnw -q -B -pl mesh-benchmarks -am package -DskipTests
mkdir -p mesh-benchmarks/results
pattern="${1:-.*}"
shift || true
# JMH refuses to start while another JMH run (from any checkout) holds its machine-wide lock; wait.
deadline=$((SECONDS + ${QUIET_WAIT:-600}))
while :; do
  wait_for_quiet
  java -jar mesh-benchmarks/target/benchmarks.jar "$pattern" -prof gc -prof dev.mesh4j.benchmarks.CpuTimeProfiler \
    -rf json -rff mesh-benchmarks/results/jmh-latest.json "$@" | tee mesh-benchmarks/results/jmh-latest.txt
  if ! grep -q "Unable to acquire the JMH lock" mesh-benchmarks/results/jmh-latest.txt || ((SECONDS >= deadline)); then
    break
  fi
  echo "another JMH run holds the lock; retrying in 30s" >&2
  sleep 30
done
