#!/usr/bin/env bash
# Profiles both services with JFR (not part of the tests), each once warm: the API under 16
# clients for 2 min unrecorded then 30 s recorded, then the worker draining a filled queue
# (default 20,000 messages) unrecorded, then a second one recorded. Prints where the CPU
# samples fall for each; the recordings stay in functions/bench/target/profile/ for
# `jfr view hot-methods <file>` or JDK Mission Control. Uses JDK 25 when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests -Dinfra.skip -Dspring-javaformat.skip=true install
java_bin=java
for candidate in "${PROFILE_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
	if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then java_bin="$candidate/bin/java"; break; fi
done
exec "$java_bin" -jar functions/bench/target/pipeline-bench-exec.jar profile "$PWD" "$@"
