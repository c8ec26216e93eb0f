#!/usr/bin/env bash
# Measures a service's Lambda cold start on this machine: JVM start to the first event
# answered by the shaded jar's FunctionInvoker, with the default JDK, and with JDK 25 with
# and without an AOT cache trained by a first run. No AWS call is timed: the worker gets an
# empty SQS batch (persistBatch); the API gets the load balancer's GET /health (ingestAlb),
# with AWS endpoints that refuse at once, so it answers 503 from its start-up state. Not
# part of the tests; build first: ./mvnw -DskipTests package.
#
# usage: tools/lambda/cold-start.sh [worker|api] [RUNS]   (JAVA25_HOME: default /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
cd "$(dirname "$0")/../.."
service="${1:-worker}"
runs="${2:-3}"
jar="$(ls functions/$service/target/pipeline-$service-*-aws.jar)"
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
case "$service" in
	worker)
		echo '{"Records":[]}' > "$work/event.json"
		settings=(-Dspring.cloud.function.definition=persistBatch -Dpersist.bucket.name=cold-start) ;;
	api)
		sed -e 's/"httpMethod": "POST"/"httpMethod": "GET"/' -e 's#"path": "/ingest"#"path": "/health"#' \
			functions/api/src/test/resources/events/alb-request.json > "$work/event.json"
		settings=(-Dspring.cloud.function.definition=ingestAlb -DAWS_ENDPOINT_URL=http://127.0.0.1:9
			-DAWS_ACCESS_KEY_ID=cold-start -DAWS_SECRET_ACCESS_KEY=cold-start) ;;
	*) echo "cold-start: unknown service $service (worker or api)" >&2; exit 2 ;;
esac
settings+=(-Dspring.main.web-application-type=none -DAWS_REGION=us-east-1)
run() { "$@" "${settings[@]}" -cp "$jar:$work/cold-start.jar" ColdStart "$work/event.json" 2>/dev/null | grep '^cold-start:'; }
echo "machine: $(nproc) cores; service: $service; jar: ${jar%%:*}"
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
