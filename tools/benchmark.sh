#!/usr/bin/env bash
# Runs the benchmark (not part of the tests): starts the local pipeline and measures, in one
# run, the emulators' raw ceilings, each service alone (the API with the worker stopped, the
# worker draining with the API idle: rate, latency, CPU and AWS requests per message, RSS),
# the whole pipeline (open loop at half the API's best rate: POST and end-to-end latency,
# AWS requests and CPU per message) and start times. Writes docs/benchmarks.md, each figure
# next to the ceiling of the same run. Uses JDK 25 when installed (for the AOT cache), else
# the default java. Takes ~6 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests -Dinfra.skip -Dspring-javaformat.skip=true install
java_bin=java
for candidate in "${BENCH_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
	if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then java_bin="$candidate/bin/java"; break; fi
done
exec "$java_bin" "$@" -jar functions/bench/target/pipeline-bench-exec.jar benchmark "$PWD"
