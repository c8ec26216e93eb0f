#!/usr/bin/env bash
# Runs the benchmark (not part of the tests): starts the local pipeline and measures, in one
# run, the emulators' raw ceilings, each service alone (the API with the worker stopped, the
# worker draining with the API idle: rate, latency, CPU and AWS requests per message, RSS),
# the whole pipeline (open loop at half the API's best rate: POST and end-to-end latency,
# AWS requests and CPU per message) and start times. Writes docs/benchmarks.md, each figure
# next to the ceiling of the same run. Uses JDK 25 when installed (for the AOT cache, and to
# build with Spring AOT), else the default java. Takes ~12 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin=java
java_home=""
for candidate in "${BENCH_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
	if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then java_bin="$candidate/bin/java"; java_home="$candidate"; break; fi
done
# Built as the images' jars are (Spring AOT, -Paot) by the JDK that runs them, so the
# start-up phase also measures the AOT-processed context. Other phases run the fat jars
# without it.
if [ -n "$java_home" ]; then
	JAVA_HOME="$java_home" ./mvnw -q -B -ntp -DskipTests -Dinfra.skip -Dspring-javaformat.skip=true -Paot install
else
	./mvnw -q -B -ntp -DskipTests -Dinfra.skip -Dspring-javaformat.skip=true install
fi
exec "$java_bin" "$@" -jar functions/bench/target/pipeline-bench-exec.jar benchmark "$PWD"
