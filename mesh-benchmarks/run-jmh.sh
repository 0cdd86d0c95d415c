#!/usr/bin/env bash
# The JMH benchmarks with the gc profiler (ns/op and B/op), one fork each, as recorded in
# mesh-benchmarks/README.md.
#
#   mesh-benchmarks/run-jmh.sh                          # every benchmark (~5 minutes on 2 cores)
#   mesh-benchmarks/run-jmh.sh RouteDecisionBenchmark   # a regex of benchmarks, then any JMH options
#
# Results: printed, and written to mesh-benchmarks/results/jmh-latest.{txt,json}.
# Waits (QUIET_WAIT seconds at most, default 600) for the machine to be idle before measuring.
set -euo pipefail
cd "$(dirname "$0")/.."
source mesh-benchmarks/quiet.sh

./mvnw -q -B -pl mesh-benchmarks -am package -DskipTests
mkdir -p mesh-benchmarks/results
wait_for_quiet
pattern="${1:-.*}"
shift || true
java -jar mesh-benchmarks/target/benchmarks.jar "$pattern" -prof gc \
  -rf json -rff mesh-benchmarks/results/jmh-latest.json "$@" | tee mesh-benchmarks/results/jmh-latest.txt
