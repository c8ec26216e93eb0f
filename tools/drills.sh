#!/usr/bin/env bash
# Runs the reliability drills (not part of the tests), each against a fresh local pipeline:
#   kill        worker, then API SIGKILLed under load: every 202 stored, byte for byte
#   sigterm     API, then worker SIGTERMed under load: no 500, no dropped connection, nothing lost
#   flood       1,000 concurrent ~250 KiB bodies with a wrong token: 401/413/503 only, heap and RSS
#               inside the task's 512 MiB, valid requests accepted again within 5 s
#   s3-outage   the S3 emulator down for 10 s under load: nothing lost, nothing dead-lettered
#   sqs-outage  the SQS emulator down for 10 s under load: 503 with Retry-After, nothing lost
#   soak        100,000 messages (only when named: tools/drills.sh soak)
# With no names it runs all but the soak (~6 minutes). Prints one line per drill, writes
# docs/drills.md, exits 1 if a rule broke. Uses JDK 25 when installed, as the images do.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests -Dinfra.skip -Dspring-javaformat.skip=true install
java_bin=java
for candidate in "${DRILLS_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
	if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then java_bin="$candidate/bin/java"; break; fi
done
exec "$java_bin" -jar functions/bench/target/pipeline-bench-exec.jar drills "$PWD" "$@"
