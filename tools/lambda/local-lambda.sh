#!/usr/bin/env bash
# Runs one function of the deploy rehearsal in-process as AWS Lambda runs it, with the
# configuration read back from the Lambda API (moto cannot invoke functions): one JVM with
# the function's environment as process variables, the shaded jar's FunctionInvoker
# instantiated once, and the trigger played by tools/lambda/LocalLambda.java: without an
# event source mapping, the load balancer's Lambda target on 127.0.0.1:$LOCAL_LAMBDA_PORT;
# with one, Lambda's SQS poller. SIGTERM (or Ctrl-C) finishes the invocation under way and
# exits 0. Prints ids, counts and timings, never a body or the token.
#
# usage: tools/lambda/local-lambda.sh JAR CONFIG.json
#   CONFIG.json: what `aws lambda get-function-configuration` returns, plus for a queue-fed
#   function an "EventSourceMapping" member holding what `aws lambda get-event-source-mapping`
#   returns.
#
# Against moto: an enabled SQS event source mapping is run by moto itself on every SendMessage
# (it receives the messages, cannot invoke the function without Docker and makes them visible
# again, so they reach the dead-letter queue after maxReceiveCount sends). Write CONFIG.json
# first, then disable the mapping in moto (`aws lambda update-event-source-mapping --uuid UUID
# --no-enabled`) while this poller stands in for it; a CONFIG.json whose State is Disabled is
# refused, as Lambda would not poll.
#
# Reads: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ENDPOINT_URL and
#   AWS_ENDPOINT_URL_<SERVICE> (passed through to the function; credentials are required, as
#   Lambda always sets them); AWS_REGION or AWS_DEFAULT_REGION when FunctionArn names none;
#   LOCAL_LAMBDA_PORT (the API's port; 0 picks a free one), LOCAL_LAMBDA_TARGET_GROUP_ARN (the
#   events' requestContext.elb.targetGroupArn), LOCAL_LAMBDA_CONCURRENCY (execution
#   environments, default 1; at most the mapping's MaximumConcurrency), LOCAL_LAMBDA_JAVA
#   (default: java on the PATH), LOCAL_LAMBDA_JAVA_OPTS (more JVM options).
set -euo pipefail

fail() { echo "local-lambda: $*" >&2; exit 2; }

[ $# -eq 2 ] || fail "usage: tools/lambda/local-lambda.sh JAR CONFIG.json"
[ -f "$1" ] || fail "no jar at $1"
[ -f "$2" ] || fail "no configuration at $2"
jar="$(realpath "$1")"
config="$(realpath "$2")"
cd "$(dirname "$0")/../.."
command -v jq >/dev/null || fail "jq is needed to read $2"
jq -e 'type == "object" and (.FunctionName | type == "string")' "$config" >/dev/null \
	|| fail "$2 is not a function's configuration (no FunctionName)"

setting() { jq -r "$1" "$config"; }
name="$(setting .FunctionName)"
arn="$(setting '.FunctionArn // ""')"
memory="$(setting '.MemorySize // 128')"
region="$(cut -s -d: -f4 <<<"$arn")"
region="${region:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}"
[ -n "$region" ] || fail "no region: FunctionArn names none, and AWS_REGION is not set"
[ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ] \
	|| fail "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: Lambda gives a function its role's credentials in them"
concurrency="${LOCAL_LAMBDA_CONCURRENCY:-1}"
[[ "$concurrency" =~ ^[1-9][0-9]*$ ]] || fail "LOCAL_LAMBDA_CONCURRENCY must be a whole number from 1, not $concurrency"

# The function's variables; Lambda refuses the names it sets itself.
reserved=" _HANDLER _X_AMZN_TRACE_ID AWS_DEFAULT_REGION AWS_REGION AWS_EXECUTION_ENV AWS_LAMBDA_FUNCTION_NAME
	AWS_LAMBDA_FUNCTION_MEMORY_SIZE AWS_LAMBDA_FUNCTION_VERSION AWS_LAMBDA_INITIALIZATION_TYPE AWS_LAMBDA_LOG_GROUP_NAME
	AWS_LAMBDA_LOG_STREAM_NAME AWS_ACCESS_KEY AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
	AWS_LAMBDA_RUNTIME_API LAMBDA_TASK_ROOT LAMBDA_RUNTIME_DIR "
function_env=()
while IFS= read -r -d '' entry; do
	key="${entry%%=*}"
	[[ "$key" =~ ^[a-zA-Z][a-zA-Z0-9_]+$ ]] || fail "the function's variable name '$key' is not one Lambda accepts"
	[[ "$reserved" != *[[:space:]]"$key"[[:space:]]* ]] || fail "the function sets $key, which Lambda reserves"
	function_env+=("$entry")
done < <(jq -j '(.Environment.Variables // {}) | to_entries[] | "\(.key)=\(.value)\u0000"' "$config")

# What Lambda sets for every function (TZ and LANG as its Java runtimes have them).
log_group="$(setting '.LoggingConfig.LogGroup // ("/aws/lambda/" + .FunctionName)')"
version="$(setting '.Version // "$LATEST"')"
runtime="$(setting '.Runtime // "java21"')"
lambda_env=(
	"PATH=$PATH" LANG=en_US.UTF-8 TZ=:UTC
	"AWS_REGION=$region" "AWS_DEFAULT_REGION=$region"
	"AWS_LAMBDA_FUNCTION_NAME=$name" "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=$memory" "AWS_LAMBDA_FUNCTION_VERSION=$version"
	"_HANDLER=$(setting '.Handler // ""')" "AWS_EXECUTION_ENV=AWS_Lambda_$runtime"
	AWS_LAMBDA_INITIALIZATION_TYPE=on-demand
	"AWS_LAMBDA_LOG_GROUP_NAME=$log_group"
	"AWS_LAMBDA_LOG_STREAM_NAME=$(date -u +%Y/%m/%d)/[$version]$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
	# No profile files, as on Lambda: the caller's ~/.aws must not configure the function.
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
)
# The caller's endpoints and credentials (they win over a function's own endpoint), and this tool's settings.
passed=()
caller='^(AWS_ENDPOINT_URL(_[A-Z0-9_]+)?|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN'
caller+='|LOCAL_LAMBDA_(PORT|TARGET_GROUP_ARN|CONCURRENCY))$'
for variable in $(compgen -e | grep -E "$caller"); do
	passed+=("$variable=${!variable}")
done

# The Lambda runtime provides aws-lambda-java-core; here it comes from the Maven repository,
# with aws-lambda-java-events only if the jar lacks it.
m2="${HOME}/.m2/repository/com/amazonaws"
core="$(find "$m2/aws-lambda-java-core" -name 'aws-lambda-java-core-*.jar' 2>/dev/null | sort -V | tail -1)"
[ -n "$core" ] || fail "aws-lambda-java-core not found in ~/.m2 (build the services first)"
classpath="$jar:$core"
if ! unzip -l "$jar" com/amazonaws/services/lambda/runtime/events/SQSEvent.class >/dev/null 2>&1; then
	events="$(find "$m2/aws-lambda-java-events" -name 'aws-lambda-java-events-*.jar' 2>/dev/null | sort -V | tail -1)"
	[ -n "$events" ] || fail "the jar lacks aws-lambda-java-events and ~/.m2 has none"
	classpath="$classpath:$events"
fi

# Compiled once per source and class path, in the user's cache.
java="${LOCAL_LAMBDA_JAVA:-java}"
javac="$(dirname "$(realpath "$(command -v "$java")")")/javac"
[ -x "$javac" ] || javac=javac
key="$( (cat tools/lambda/LocalLambda.java; "$java" -version 2>&1; tr ':' '\n' <<<"$classpath" | xargs -d '\n' cat) \
	| sha256sum | cut -c1-16)"
classes="${XDG_CACHE_HOME:-$HOME/.cache}/local-lambda/$key"
if [ ! -f "$classes/LocalLambda.class" ]; then
	mkdir -p "$(dirname "$classes")"
	work="$(mktemp -d "$classes.XXXXXX")"
	# Quiet unless it fails: sun.misc.Signal (SIGTERM handled without the JVM's shutdown)
	# draws warnings that no option silences.
	if ! output="$("$javac" -cp "$classpath" -d "$work" tools/lambda/LocalLambda.java 2>&1)"; then
		rm -rf "$work"
		echo "$output" >&2
		fail "LocalLambda.java did not compile"
	fi
	mv -T "$work" "$classes" 2>/dev/null || rm -rf "$work"
fi

# The JVM about as Lambda's Java runtimes start it: tiered compilation stopping at C1 (their
# documented default), the serial collector and a heap of 85% of the function's memory (as
# their command lines have shown; per execution environment here). JAVA_TOOL_OPTIONS among
# the function's variables applies, as on Lambda.
heap_mb=$((memory * 85 / 100 * concurrency))
exec env -i "${function_env[@]}" "${lambda_env[@]}" "${passed[@]}" \
	"$java" -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "-XX:MaxHeapSize=${heap_mb}m" \
	-Djava.net.preferIPv4Stack=true -Dsun.net.httpserver.nodelay=true ${LOCAL_LAMBDA_JAVA_OPTS:-} \
	-cp "$classpath:$classes" LocalLambda "$config"
