#!/usr/bin/env bash
# Installs Terraform and Terragrunt at pinned versions into DIR, refusing any file whose
# checksum does not match its release's published SHA256SUMS; Terraform's SHA256SUMS must
# also carry HashiCorp's signature, by the key whose fingerprint is pinned below.
#
# usage: tools/install-iac-tools.sh DIR
#
#   TERRAFORM_VERSION (1.11.4), TERRAGRUNT_VERSION (1.1.0)   what to install
#   TERRAFORM_BASE_URL, TERRAGRUNT_BASE_URL, HASHICORP_KEY_URL   where from (overridable for mirrors and tests)
#   HASHICORP_KEY_FINGERPRINT   the signing key's fingerprint (HashiCorp's security key)
#
# Needs curl, sha256sum, unzip and gpg.
set -euo pipefail

dir="${1:?usage: install-iac-tools.sh DIR}"
terraform_version="${TERRAFORM_VERSION:-1.11.4}"
terragrunt_version="${TERRAGRUNT_VERSION:-1.1.0}"
terraform_base="${TERRAFORM_BASE_URL:-https://releases.hashicorp.com/terraform}"
terragrunt_base="${TERRAGRUNT_BASE_URL:-https://github.com/gruntwork-io/terragrunt/releases/download}"
key_url="${HASHICORP_KEY_URL:-https://www.hashicorp.com/.well-known/pgp-key.txt}"
key_fingerprint="${HASHICORP_KEY_FINGERPRINT:-C874011F0AB405110D02105534365D9472D7468F}"
platform="linux_amd64"

fail() { echo "install-iac-tools: FAIL: $*" >&2; exit 1; }
for tool in curl sha256sum unzip gpg; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetch() { curl -fsSL --retry 3 -o "$2" "$1" || fail "could not download $1"; }

# The line of SUMS for FILE, checked against the file downloaded under that name in $work.
verify() {
	local sums="$1" file="$2"
	grep -E "^[0-9a-f]{64}  (\*)?${file}\$" "$sums" > "$work/expected" || fail "$file is not listed in its release's SHA256SUMS"
	(cd "$work" && sha256sum --check --quiet expected) || fail "$file does not match its release's SHA256SUMS"
}

# Terraform: the signature of SHA256SUMS, then the zip against it.
tf_zip="terraform_${terraform_version}_${platform}.zip"
tf_sums="terraform_${terraform_version}_SHA256SUMS"
fetch "$terraform_base/$terraform_version/$tf_zip" "$work/$tf_zip"
fetch "$terraform_base/$terraform_version/$tf_sums" "$work/$tf_sums"
fetch "$terraform_base/$terraform_version/$tf_sums.sig" "$work/$tf_sums.sig"
fetch "$key_url" "$work/hashicorp.asc"
export GNUPGHOME="$work/gnupg"
mkdir -m 0700 "$GNUPGHOME"
gpg --batch --quiet --import "$work/hashicorp.asc" 2>/dev/null || fail "could not import the signing key from $key_url"
gpg --batch --with-colons --fingerprint | grep -q "^fpr:::::::::${key_fingerprint}:" \
	|| fail "the key from $key_url is not $key_fingerprint"
gpg --batch --status-fd 1 --verify "$work/$tf_sums.sig" "$work/$tf_sums" 2>/dev/null | grep -q "^\[GNUPG:\] VALIDSIG ${key_fingerprint} \|^\[GNUPG:\] VALIDSIG .* ${key_fingerprint}\$" \
	|| fail "$tf_sums is not signed by $key_fingerprint"
verify "$work/$tf_sums" "$tf_zip"

# Terragrunt: the binary against its release's SHA256SUMS.
tg_binary="terragrunt_${platform}"
fetch "$terragrunt_base/v$terragrunt_version/$tg_binary" "$work/$tg_binary"
fetch "$terragrunt_base/v$terragrunt_version/SHA256SUMS" "$work/terragrunt_SHA256SUMS"
verify "$work/terragrunt_SHA256SUMS" "$tg_binary"

mkdir -p "$dir"
unzip -o -q "$work/$tf_zip" terraform -d "$dir"
install -m 0755 "$work/$tg_binary" "$dir/terragrunt"
echo "install-iac-tools: terraform $terraform_version and terragrunt $terragrunt_version in $dir, checksums verified"
