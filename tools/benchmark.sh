#!/usr/bin/env bash
# Runs the benchmark (not part of the tests): starts the local pipeline and measures the
# emulators' ceilings, ingest throughput and latency, end-to-end latency, the worker's
# drain rate, AWS requests per message, start times and memory. Writes docs/benchmarks.md.
# Uses JDK 25 when installed (for the AOT cache), else the default java. Takes ~5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests -Dspring-javaformat.skip=true install
java_bin=java
for candidate in "${BENCH_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
	if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then java_bin="$candidate/bin/java"; break; fi
done
exec "$java_bin" "$@" -jar functions/bench/target/pipeline-bench-exec.jar benchmark "$PWD"
