#!/usr/bin/env bash
# Measures the worker's Lambda cold start on this machine: JVM start to the first SQS event
# answered by the shaded jar's FunctionInvoker (persistBatch, an empty batch, so that no AWS
# call is timed), with the default JDK, and with JDK 25 with and without an AOT cache
# trained by a first run. Not part of the tests; build first: ./mvnw -DskipTests package.
#
# usage: tools/lambda/cold-start.sh [RUNS]   (JAVA25_HOME: default /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-3}"
jar="$(ls functions/worker/target/pipeline-worker-*-aws.jar)"
# The Lambda runtime provides aws-lambda-java-core; here it comes from the Maven repository.
core="$(find "${HOME}/.m2/repository/com/amazonaws/aws-lambda-java-core" -name 'aws-lambda-java-core-*.jar' | head -1)"
[ -n "$core" ] || { echo "cold-start: aws-lambda-java-core not found in ~/.m2 (build the worker first)" >&2; exit 1; }
jar="$jar:$core"
java25="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
javac -cp "$jar" -d "$work/classes" tools/lambda/ColdStart.java
# A jar, not a folder: an AOT cache accepts only jars on the class path.
jar cf "$work/cold-start.jar" -C "$work/classes" .
echo '{"Records":[]}' > "$work/event.json"
settings=(-Dspring.cloud.function.definition=persistBatch -Dspring.main.web-application-type=none
	-Dpersist.bucket.name=cold-start -DAWS_REGION=us-east-1)
run() { "$@" "${settings[@]}" -cp "$jar:$work/cold-start.jar" ColdStart "$work/event.json" 2>/dev/null | grep '^cold-start:'; }
echo "machine: $(nproc) cores; jar: ${jar%%:*}"
echo "== $(java -version 2>&1 | head -1)"
for _ in $(seq "$runs"); do run java; done
if [ -x "$java25" ]; then
	echo "== $("$java25" -version 2>&1 | head -1)"
	for _ in $(seq "$runs"); do run "$java25"; done
	run "$java25" -XX:AOTCacheOutput="$work/app.aot" >/dev/null
	[ -s "$work/app.aot" ] || { echo "cold-start: the training run wrote no AOT cache" >&2; exit 1; }
	echo "== $("$java25" -version 2>&1 | head -1), AOT cache"
	for _ in $(seq "$runs"); do run "$java25" -XX:AOTCache="$work/app.aot"; done
fi
