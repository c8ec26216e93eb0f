#!/usr/bin/env bash
# Runs the whole pipeline on this machine: emulated SQS, S3 and SSM, the API on :8080
# and the worker on :8081. Needs only a JDK (17 or newer). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
# -Dinfra.skip: the infrastructure checks (Node.js, Terraform) are tests, not part of a run.
./mvnw -q -B -ntp -DskipTests -Dinfra.skip -Dspring-javaformat.skip=true install
exec java -jar functions/local/target/pipeline-local-exec.jar "$@"
