#!/usr/bin/env bash
# Moves what reached the dead-letter queue back to the queue the worker reads (an SQS
# message move task), waits for it and reports how many moved; --peek lists what the
# dead-letter queue holds without printing payloads. README, "Runbook: messages in the
# dead-letter queue".
#
# usage: tools/redrive.sh <queue-name> [--peek[=N]] [--rate=N] [--timeout=SECONDS]
#
# Against AWS: the SDK's default credentials (environment, profile; for an SSO session,
# eval "$(aws configure export-credentials --format env)") and AWS_REGION. Against
# LocalStack or the local run's emulator: AWS_ENDPOINT_URL_SQS (tools/run-local.sh prints it).
# Runs the worker's Lambda jar (built if missing); needs a JDK 17+.
set -euo pipefail
cd "$(dirname "$0")/.."

jar() { ls functions/worker/target/pipeline-worker-*-aws.jar 2>/dev/null | head -n 1; }
if [ -z "$(jar)" ]; then
	./mvnw -B -ntp -q -DskipTests -Dinfra.skip=true -pl functions/worker -am package >&2
fi
exec java -cp "$(jar)" dev.pipeline.worker.redrive.Redrive "$@"
