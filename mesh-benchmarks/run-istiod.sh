#!/usr/bin/env bash
# Figures of the istiod source (mesh-istiod) against the in-process istiod of its test fixtures:
# config push to the first request on the new route (p50/p99), ADS bytes per update, and the
# live heap per 1,000 clusters (each way of building the mesh in a JVM of its own).
#
#   mesh-benchmarks/run-istiod.sh          # 300 pushes of each kind (~2 minutes on 2 cores)
#   mesh-benchmarks/run-istiod.sh 50       # fewer pushes
#
# Waits (QUIET_WAIT seconds at most, default 600) for the machine to be idle, holds JMH's
# machine-wide lock while it measures. Results: printed, and mesh-benchmarks/results/istiod-latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source mesh-benchmarks/quiet.sh
RESULTS=mesh-benchmarks/results
JAR=mesh-benchmarks/target/benchmarks.jar

./mvnw -q -B -pl mesh-benchmarks -am package -DskipTests
mkdir -p "$RESULTS"
wait_for_quiet
java -XX:+UseSerialGC -cp "$JAR" dev.mesh4j.benchmarks.istiod.IstiodXdsHarness "${1:-300}" 2>/dev/null \
  | tee "$RESULTS/istiod-latest.md"
