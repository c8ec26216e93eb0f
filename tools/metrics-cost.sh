#!/usr/bin/env bash
# Measures what the CloudWatch metrics cost (not part of the tests): rounds of the API alone
# and the warm worker alone, as tools/benchmark.sh measures them, alternately with
# INGEST_/PERSIST_METRICS_ENABLED off and on, each on a fresh local pipeline. Writes
# docs/metrics-cost.md. Uses JDK 25 when installed. Takes ~12 minutes (-Dbench.rounds=2).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests -Dinfra.skip -Dspring-javaformat.skip=true install
java_bin=java
for candidate in "${BENCH_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
	if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then java_bin="$candidate/bin/java"; break; fi
done
exec "$java_bin" "$@" -jar functions/bench/target/pipeline-bench-exec.jar metrics-cost "$PWD"
