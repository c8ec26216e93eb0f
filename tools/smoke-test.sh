#!/usr/bin/env bash
# Smoke test of a running pipeline, local or deployed: health, one ingest with a unique
# marker, then waits until the object at the returned key exists with the same data.
#
# usage: tools/smoke-test.sh BASE_URL
#
#   BASE_URL               e.g. http://localhost:8080, http://<alb-dns-name> or https://<domain_name>
#   SMOKE_TOKEN            the token, or
#   SMOKE_TOKEN_PARAMETER  the SSM parameter to read it from (aws ssm get-parameter --with-decryption)
#   SMOKE_BUCKET           the archive bucket (required)
#   SMOKE_S3_ENDPOINT      S3 endpoint URL for emulators or LocalStack (optional)
#   SMOKE_SSM_ENDPOINT     SSM endpoint URL for emulators or LocalStack (optional)
#   SMOKE_TIMEOUT          seconds to wait for health and for the object (default 60)
#   SMOKE_CONNECT_TO       HOST:PORT:TARGET:TARGET_PORT, curl's --connect-to for every request
#                          (optional): e.g. api.example.org:443:<alb-dns-name>:443 sends them to
#                          the load balancer while TLS checks the certificate for the domain, so
#                          no DNS record of the domain is needed
#
# Needs curl, jq and the AWS CLI, with credentials and region from the usual AWS variables.
# Prints nothing secret; exits non-zero with the reason on any failure.
set -euo pipefail

base_url="${1:?usage: smoke-test.sh BASE_URL}"
base_url="${base_url%/}"
bucket="${SMOKE_BUCKET:?set SMOKE_BUCKET to the archive bucket}"
timeout="${SMOKE_TIMEOUT:-60}"
s3_endpoint=()
[ -n "${SMOKE_S3_ENDPOINT:-}" ] && s3_endpoint=(--endpoint-url "$SMOKE_S3_ENDPOINT")
ssm_endpoint=()
[ -n "${SMOKE_SSM_ENDPOINT:-}" ] && ssm_endpoint=(--endpoint-url "$SMOKE_SSM_ENDPOINT")
connect_to=()
[ -n "${SMOKE_CONNECT_TO:-}" ] && connect_to=(--connect-to "$SMOKE_CONNECT_TO")

fail() { echo "smoke-test: FAIL: $*" >&2; exit 1; }
for tool in curl jq aws; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

if [ -n "${SMOKE_TOKEN:-}" ]; then
	token="$SMOKE_TOKEN"
elif [ -n "${SMOKE_TOKEN_PARAMETER:-}" ]; then
	token="$(aws "${ssm_endpoint[@]}" ssm get-parameter --with-decryption --name "$SMOKE_TOKEN_PARAMETER" \
		--query Parameter.Value --output text)" || fail "could not read $SMOKE_TOKEN_PARAMETER"
else
	fail "set SMOKE_TOKEN or SMOKE_TOKEN_PARAMETER"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
deadline=$((SECONDS + timeout))

echo "smoke-test: waiting for $base_url/health"
until [ "$(curl -s "${connect_to[@]}" -o /dev/null -w '%{http_code}' "$base_url/health")" = "200" ]; do
	[ "$SECONDS" -lt "$deadline" ] || fail "$base_url/health did not answer 200 within ${timeout}s"
	sleep 1
done

marker="smoke-$(date -u +%Y%m%dT%H%M%SZ)-$RANDOM$RANDOM"
data="$(jq -cn --arg marker "$marker" --argjson ts "$(date +%s)" \
	'{email_timestream: $ts, email_subject: "smoke test", smoke_marker: $marker}')"
# The request body goes through a file so the token never appears in a process listing.
jq -cn --arg token "$token" --argjson data "$data" '{token: $token, data: $data}' > "$work/request.json"
status="$(curl -s "${connect_to[@]}" -o "$work/response.json" -w '%{http_code}' -X POST "$base_url/ingest" \
	-H 'Content-Type: application/json' --data-binary @"$work/request.json")"
rm -f "$work/request.json"
[ "$status" = "202" ] || fail "POST /ingest answered $status: $(cat "$work/response.json")"
key="$(jq -r .key "$work/response.json")"
message_id="$(jq -r .messageId "$work/response.json")"
echo "smoke-test: accepted $message_id, waiting for s3://$bucket/$key"

deadline=$((SECONDS + timeout))
until aws "${s3_endpoint[@]}" s3api get-object --bucket "$bucket" --key "$key" "$work/object.json" >/dev/null 2>&1; do
	[ "$SECONDS" -lt "$deadline" ] || fail "s3://$bucket/$key did not appear within ${timeout}s"
	sleep 1
done

[ "$(jq -cS . "$work/object.json")" = "$(jq -cS . <<<"$data")" ] \
	|| fail "the object's data differs from what was sent"
echo "smoke-test: OK: s3://$bucket/$key holds the data sent (marker $marker)"
