#!/usr/bin/env bash
# After `terragrunt apply` of a service unit on Lambda: passes only if the function's live
# alias (what the load balancer and the queue invoke) points at the version that apply
# just published, and that version is active with its last update successful. A failed
# code update or an alias left on the old version fails the pipeline.
#
# usage: tools/lambda-verify.sh FUNCTION VERSION
#
#   VERSION                the version apply published (the unit's function_version output)
#   DEPLOY_TIMEOUT         seconds to wait for a version still pending (default 300)
#   DEPLOY_INTERVAL        seconds between looks (default 5)
#   DEPLOY_LAMBDA_ENDPOINT Lambda endpoint URL, for a stub or LocalStack (optional)
#
# Needs the AWS CLI and jq, with credentials and region from the usual AWS variables.
set -euo pipefail

function="${1:?usage: lambda-verify.sh FUNCTION VERSION}"
expected="${2:?usage: lambda-verify.sh FUNCTION VERSION}"
timeout="${DEPLOY_TIMEOUT:-300}"
interval="${DEPLOY_INTERVAL:-5}"
endpoint=()
[ -n "${DEPLOY_LAMBDA_ENDPOINT:-}" ] && endpoint=(--endpoint-url "$DEPLOY_LAMBDA_ENDPOINT")

fail() { echo "lambda-verify: FAIL: $function: $*" >&2; exit 1; }
for tool in aws jq; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

alias_version="$(aws "${endpoint[@]}" lambda get-alias --function-name "$function" --name live --output json | jq -r '.FunctionVersion')" \
	|| fail "could not read the live alias"
[ "$alias_version" = "$expected" ] || fail "the live alias points at version $alias_version, not $expected"

deadline=$(($(date +%s) + timeout))
while :; do
	configuration="$(aws "${endpoint[@]}" lambda get-function-configuration --function-name "$function" --qualifier "$expected" --output json)" \
		|| fail "could not read version $expected"
	state="$(jq -r '.State // empty' <<<"$configuration")"
	update="$(jq -r '.LastUpdateStatus // empty' <<<"$configuration")"
	case "$state/$update" in
		Active/Successful)
			echo "lambda-verify: OK: $function:live runs version $expected (active)"
			exit 0
			;;
		Failed/* | */Failed)
			fail "version $expected failed: $(jq -r '.StateReason // .LastUpdateStatusReason // "no reason given"' <<<"$configuration")"
			;;
	esac
	[ "$(date +%s)" -lt "$deadline" ] || fail "version $expected is still $state/$update after ${timeout}s"
	sleep "$interval"
done
