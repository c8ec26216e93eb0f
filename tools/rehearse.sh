#!/usr/bin/env bash
# The deploy rehearsal: a first deploy and a delivery of global, dev and prod, as a user runs
# them, against moto's AWS API on loopback with the real Terraform and AWS provider; the
# pipeline run on what was applied; every call of the delivery roles and the services checked
# against their policies; teardown. README, "Verified where"; tools/infra-check/rehearse.mjs.
#
# usage: tools/rehearse.sh [global|dev|prod|all] [--requests=N]   (default: all, 300 requests)
#
# Needs: terraform >= 1.11 with the AWS provider (a mirror in TF_PLUGIN_DIR or /opt/tf-plugins),
# python3 with moto[server] 5.2.1 (pip install "moto[server]==5.2.1"), Node.js 18+, a JDK 17+,
# bash, jq and the AWS CLI (tools/deploy-verify.sh, tools/lambda-verify.sh). Builds the jars if
# they are missing. Everything it writes is under target/rehearsal.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "rehearsal: $*" >&2; exit 1; }
command -v terraform >/dev/null || fail "terraform not found (README, Tests)"
command -v node >/dev/null || fail "node not found"
command -v java >/dev/null || fail "java not found"
for tool in jq aws; do command -v "$tool" >/dev/null || fail "$tool not found (the deploy scripts use it)"; done
python3 -c 'import moto, boto3' 2>/dev/null || fail "python3 has no moto: pip install \"moto[server]==5.2.1\""
version="$(python3 -c 'import moto; print(moto.__version__)')"
[ "$version" = "5.2.1" ] || fail "moto $version: the patches and the listed artefacts are for moto 5.2.1"

if ! ls functions/api/target/pipeline-api-*-aws.jar functions/worker/target/pipeline-worker-*-exec.jar >/dev/null 2>&1; then
	./mvnw -B -ntp -q -DskipTests -Dinfra.skip=true package
fi
[ -d tools/infra-check/node_modules ] || npm ci --prefix tools/infra-check --no-audit --no-fund --loglevel=error
exec node tools/infra-check/rehearse.mjs "$@"
