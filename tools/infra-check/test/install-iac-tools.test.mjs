// tools/install-iac-tools.sh against a release laid out on disk (file:// URLs), signed by a
// key made for the test: a genuine release installs; a tampered file, a SHA256SUMS signed
// by another key, or a key that is not the pinned one, installs nothing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../install-iac-tools.sh');
const TF = '9.9.9';
const TG = '8.8.8';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** A GnuPG home with one signing key; returns its fingerprint and armored public key. */
function signingKey(home, name) {
  execFileSync('gpg', ['--batch', '--homedir', home, '--passphrase', '', '--quick-gen-key', `${name} <${name}@example.com>`, 'ed25519', 'sign', 'never'], { stdio: 'ignore' });
  const colons = execFileSync('gpg', ['--batch', '--homedir', home, '--with-colons', '--fingerprint'], { encoding: 'utf8' });
  const fingerprint = /^fpr:::::::::([0-9A-F]{40}):/m.exec(colons)[1];
  const armored = execFileSync('gpg', ['--batch', '--homedir', home, '--armor', '--export', fingerprint], { encoding: 'utf8' });
  return { home, fingerprint, armored };
}

let fixtures;

before(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'iac-'));
  const homes = { good: path.join(root, 'gpg-good'), other: path.join(root, 'gpg-other') };
  await mkdir(homes.good, { mode: 0o700 });
  await mkdir(homes.other, { mode: 0o700 });
  fixtures = { root, good: signingKey(homes.good, 'release'), other: signingKey(homes.other, 'impostor') };
});

/** Lays out a Terraform and a Terragrunt release; `tamper` changes one file after its sum. */
async function release({ tamper = null, signer = fixtures.good } = {}) {
  const base = await mkdtemp(path.join(fixtures.root, 'release-'));
  const tfDir = path.join(base, 'terraform', TF);
  const tgDir = path.join(base, 'terragrunt', `v${TG}`);
  await mkdir(tfDir, { recursive: true });
  await mkdir(tgDir, { recursive: true });
  const staging = await mkdtemp(path.join(fixtures.root, 'zip-'));
  await writeFile(path.join(staging, 'terraform'), '#!/bin/sh\necho terraform fixture\n', { mode: 0o755 });
  const zip = `terraform_${TF}_linux_amd64.zip`;
  execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1],"w"); z.write(sys.argv[2],"terraform"); z.close()', path.join(tfDir, zip), path.join(staging, 'terraform')]);
  const sums = path.join(tfDir, `terraform_${TF}_SHA256SUMS`);
  await writeFile(sums, `${sha256(await readFile(path.join(tfDir, zip)))}  ${zip}\n${'0'.repeat(64)}  terraform_${TF}_darwin_arm64.zip\n`);
  execFileSync('gpg', ['--batch', '--homedir', signer.home, '--detach-sign', '--output', `${sums}.sig`, sums]);
  const tgBinary = path.join(tgDir, 'terragrunt_linux_amd64');
  await writeFile(tgBinary, '#!/bin/sh\necho terragrunt fixture\n');
  await writeFile(path.join(tgDir, 'SHA256SUMS'), `${sha256(await readFile(tgBinary))}  terragrunt_linux_amd64\n`);
  if (tamper === 'terraform') await writeFile(path.join(tfDir, zip), 'not the zip that was signed');
  if (tamper === 'terragrunt') await writeFile(tgBinary, '#!/bin/sh\necho something else\n');
  await writeFile(path.join(base, 'key.asc'), fixtures.good.armored);
  return base;
}

function install(base, env = {}) {
  const dir = path.join(base, 'bin');
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT, dir], {
      env: {
        ...process.env,
        TERRAFORM_VERSION: TF,
        TERRAGRUNT_VERSION: TG,
        TERRAFORM_BASE_URL: `file://${base}/terraform`,
        TERRAGRUNT_BASE_URL: `file://${base}/terragrunt`,
        HASHICORP_KEY_URL: `file://${base}/key.asc`,
        HASHICORP_KEY_FINGERPRINT: fixtures.good.fingerprint,
        ...env,
      },
    }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, output: `${stdout}${stderr}`, dir }));
  });
}

const installed = (file) => access(file).then(() => true, () => false);

test('a genuine release installs both tools', async () => {
  const result = await install(await release());
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /terraform 9\.9\.9 and terragrunt 8\.8\.8 in .*, checksums verified/);
  assert.equal(execFileSync(path.join(result.dir, 'terraform'), { encoding: 'utf8' }), 'terraform fixture\n');
  assert.equal(execFileSync(path.join(result.dir, 'terragrunt'), { encoding: 'utf8' }), 'terragrunt fixture\n');
});

test('a Terraform zip that does not match its signed SHA256SUMS installs nothing', async () => {
  const result = await install(await release({ tamper: 'terraform' }));
  assert.equal(result.code, 1);
  assert.match(result.output, /terraform_9\.9\.9_linux_amd64\.zip does not match its release's SHA256SUMS/);
  assert.equal(await installed(path.join(result.dir, 'terraform')), false);
});

test('a Terragrunt binary that does not match its SHA256SUMS installs nothing', async () => {
  const result = await install(await release({ tamper: 'terragrunt' }));
  assert.equal(result.code, 1);
  assert.match(result.output, /terragrunt_linux_amd64 does not match its release's SHA256SUMS/);
  assert.equal(await installed(path.join(result.dir, 'terragrunt')), false);
});

test('SHA256SUMS signed by another key is refused', async () => {
  const result = await install(await release({ signer: fixtures.other }));
  assert.equal(result.code, 1);
  assert.match(result.output, /terraform_9\.9\.9_SHA256SUMS is not signed by/);
});

test('a signing key that is not the pinned one is refused', async () => {
  const result = await install(await release(), { HASHICORP_KEY_FINGERPRINT: fixtures.other.fingerprint });
  assert.equal(result.code, 1);
  assert.match(result.output, /the key from .* is not [0-9A-F]{40}/);
});
