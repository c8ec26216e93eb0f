#!/usr/bin/env bash
# After `terragrunt apply` of a service unit: passes only if the ECS service runs the task
# definition that apply just registered, in one completed deployment. A deployment that the
# circuit breaker rolled back fails here, although Terraform's wait_for_steady_state reports
# the rolled-back service as steady (hashicorp/terraform-provider-aws#20858).
#
# usage: tools/deploy-verify.sh CLUSTER SERVICE TASK_DEFINITION_ARN
#
#   TASK_DEFINITION_ARN    the revision apply registered (the unit's task_definition_arn output)
#   DEPLOY_TIMEOUT         seconds to wait for a deployment still in progress (default 900)
#   DEPLOY_INTERVAL        seconds between looks (default 15)
#   DEPLOY_ECS_ENDPOINT    ECS endpoint URL, for a stub or LocalStack (optional)
#
# Needs the AWS CLI and jq, with credentials and region from the usual AWS variables.
set -euo pipefail

cluster="${1:?usage: deploy-verify.sh CLUSTER SERVICE TASK_DEFINITION_ARN}"
service="${2:?usage: deploy-verify.sh CLUSTER SERVICE TASK_DEFINITION_ARN}"
expected="${3:?usage: deploy-verify.sh CLUSTER SERVICE TASK_DEFINITION_ARN}"
timeout="${DEPLOY_TIMEOUT:-900}"
interval="${DEPLOY_INTERVAL:-15}"
endpoint=()
[ -n "${DEPLOY_ECS_ENDPOINT:-}" ] && endpoint=(--endpoint-url "$DEPLOY_ECS_ENDPOINT")

fail() { echo "deploy-verify: FAIL: $service: $*" >&2; exit 1; }
for tool in aws jq; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

deadline=$(($(date +%s) + timeout))
while :; do
	described="$(aws "${endpoint[@]}" ecs describe-services --cluster "$cluster" --services "$service" --output json)" \
		|| fail "could not describe the service in $cluster"
	jq -e '.services | length == 1' >/dev/null <<<"$described" || fail "no such service in $cluster: $(jq -c '.failures' <<<"$described")"

	# A deployment of the new revision that the circuit breaker stopped, at any point.
	failed="$(jq -r --arg td "$expected" '[.services[0].deployments[] | select(.taskDefinition == $td and .rolloutState == "FAILED")] | first | .rolloutStateReason // empty' <<<"$described")"
	[ -z "$failed" ] || fail "the deployment of $expected failed and was rolled back: $failed"

	running="$(jq -r '.services[0].taskDefinition' <<<"$described")"
	primary="$(jq -c '[.services[0].deployments[] | select(.status == "PRIMARY")] | first // {}' <<<"$described")"
	primary_definition="$(jq -r '.taskDefinition // empty' <<<"$primary")"
	state="$(jq -r '.rolloutState // empty' <<<"$primary")"
	others="$(jq -r '[.services[0].deployments[] | select(.status != "PRIMARY")] | length' <<<"$described")"

	if [ "$running" != "$expected" ] || [ "$primary_definition" != "$expected" ]; then
		# After a rollback the service runs the previous revision again.
		fail "the service runs $running (primary deployment: ${primary_definition:-none}), not $expected: rolled back or replaced"
	fi
	case "$state" in
		COMPLETED)
			[ "$others" -eq 0 ] || fail "completed, yet $others older deployment(s) still active"
			desired="$(jq -r '.desiredCount' <<<"$primary")"
			count="$(jq -r '.runningCount' <<<"$primary")"
			[ "$count" -ge "$desired" ] || fail "completed with $count of $desired tasks running"
			echo "deploy-verify: OK: $service runs $expected ($count/$desired tasks, deployment completed)"
			exit 0
			;;
		FAILED)
			fail "the deployment of $expected failed: $(jq -r '.rolloutStateReason // "no reason given"' <<<"$primary")"
			;;
		IN_PROGRESS | "")
			[ "$(date +%s)" -lt "$deadline" ] || fail "the deployment of $expected is still ${state:-in an unknown state} after ${timeout}s"
			echo "deploy-verify: $service: deployment of $expected ${state:-pending}; waiting ${interval}s"
			sleep "$interval"
			;;
		*)
			fail "unknown rollout state $state"
			;;
	esac
done
