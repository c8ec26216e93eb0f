import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkContract, checkProviderRange, PROVIDER_RANGE } from '../contract.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FILES = [
  'README.md',
  'root.hcl',
  'live/_units/api.hcl',
  'live/_units/worker.hcl',
  'live/_units/service.hcl',
  'live/_units/alb.hcl',
  'modules/service/main.tf',
  'functions/Dockerfile',
  'functions/api/src/main/resources/application.yaml',
  'functions/worker/src/main/resources/application.yaml',
  'functions/api/src/main/java/dev/pipeline/api/http/IngestEdge.java',
  'functions/worker/src/main/java/dev/pipeline/worker/web/HealthController.java',
  'functions/core/src/main/java/dev/pipeline/core/ObjectKeys.java',
];

async function breaking(file, from, to) {
  const root = await mkdtemp(path.join(tmpdir(), 'contract-'));
  for (const name of FILES) {
    let text = await readFile(path.join(REPO, name), 'utf8');
    if (name === file) {
      assert.ok(text.includes(from), `fixture: "${from}" not found in ${file}`);
      text = text.replace(from, to);
    }
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return [...new Set((await checkContract(root)).map((f) => f.rule))].sort();
}

test('the repository keeps the contract', async () => {
  assert.deepEqual(await checkContract(REPO), []);
  assert.deepEqual(await breaking('README.md', '', ''), []);
});

const cases = [
  ['contract-port', 'live/_units/alb.hcl', 'target_port         = 8080', 'target_port         = 8081'],
  ['contract-health-path', 'live/_units/service.hcl', 'health_check_path = "/health"', 'health_check_path = "/healthz"'],
  ['contract-health-path', 'functions/worker/src/main/java/dev/pipeline/worker/web/HealthController.java', '@GetMapping(path = "/health"', '@GetMapping(path = "/ready"'],
  ['contract-liveness', 'live/_units/service.hcl', 'liveness_path     = "/actuator/health/liveness"', 'liveness_path     = "/health"'],
  ['contract-liveness', 'functions/worker/src/main/resources/application.yaml', 'the container health check.\n        enabled: true', 'the container health check.\n        enabled: false'],
  ['contract-writable-mount', 'functions/Dockerfile', 'VOLUME ["/tmp"]', '# no volume'],
  ['contract-image-assembly', 'functions/Dockerfile', 'assemble.sh train /app', 'true'],
  ['contract-image-assembly', 'functions/Dockerfile', 'ENTRYPOINT ["/app/start"]', 'ENTRYPOINT ["java", "-jar", "/app/app.jar"]'],
  ['contract-image-digest', 'functions/Dockerfile', '@sha256:fcd7fd7b387f94bb2ac461478a7436ad8e349924c374ea8313919624dceae636', ''],
];

for (const [rule, file, from, to] of cases) {
  test(`${rule} fires when ${path.basename(file)} is broken`, async () => {
    assert.ok((await breaking(file, from, to)).includes(rule));
  });
}

test('tf-provider-range: every module and tool root requires the stated AWS provider range and no other provider', async () => {
  assert.deepEqual(await checkProviderRange(REPO), []);
  const root = await mkdtemp(path.join(tmpdir(), 'range-'));
  const versions = (aws, extra = '') => `terraform {\n  required_version = ">= 1.11"\n\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "${aws}"\n    }\n${extra}  }\n}\n`;
  const random = '    random = {\n      source = "hashicorp/random"\n    }\n';
  for (const [dir, file, text] of [
    ['modules/good', 'versions.tf', versions(PROVIDER_RANGE)],
    ['modules/old', 'versions.tf', versions('~> 6.25')],
    ['modules/random', 'versions.tf', versions(PROVIDER_RANGE, random)],
    ['tools/good', 'main.tf', versions(PROVIDER_RANGE)],
    ['tools/old', 'main.tf', versions('~> 5.0')],
  ]) {
    await mkdir(path.join(root, dir), { recursive: true });
    await writeFile(path.join(root, dir, file), text);
    await writeFile(path.join(root, dir, '.terraform.lock.hcl'), lock('5.100.0'));
  }
  await mkdir(path.join(root, 'modules', 'missing'), { recursive: true });
  const findings = await checkProviderRange(root);
  assert.deepEqual(findings.map((f) => f.file).sort(), ['modules/missing/versions.tf', 'modules/old/versions.tf', 'modules/random/versions.tf', 'tools/old/main.tf']);
  assert.ok(findings.every((f) => f.rule === 'tf-provider-range'));
});

function lock(version, hashes = ['"h1:0000000000000000000000000000000000000000000="']) {
  return `provider "registry.terraform.io/hashicorp/aws" {\n  version     = "${version}"\n  constraints = "${PROVIDER_RANGE}"\n  hashes = [${hashes.map((hash) => `\n    ${hash},`).join('')}\n  ]\n}\n`;
}

test('tf-lock-file: every module and tool root commits a lock of the AWS provider within the range', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'lock-'));
  const versions = `terraform {\n  required_version = ">= 1.11"\n\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "${PROVIDER_RANGE}"\n    }\n  }\n}\n`;
  for (const [dir, file, locked] of [
    ['modules/locked', 'versions.tf', lock('5.100.0')],
    ['modules/newest', 'versions.tf', lock('6.31.0')],
    ['modules/unlocked', 'versions.tf', null],
    ['modules/too-new', 'versions.tf', lock('7.0.0')],
    ['modules/too-old', 'versions.tf', lock('5.99.1')],
    ['modules/no-hashes', 'versions.tf', lock('5.100.0', [])],
    ['tools/unlocked', 'main.tf', null],
  ]) {
    await mkdir(path.join(root, dir), { recursive: true });
    await writeFile(path.join(root, dir, file), versions);
    if (locked) await writeFile(path.join(root, dir, '.terraform.lock.hcl'), locked);
  }
  const findings = await checkProviderRange(root);
  assert.ok(findings.every((f) => f.rule === 'tf-lock-file'), JSON.stringify(findings));
  assert.deepEqual(findings.map((f) => f.file).sort(), [
    'modules/no-hashes/.terraform.lock.hcl', 'modules/too-new/.terraform.lock.hcl', 'modules/too-old/.terraform.lock.hcl',
    'modules/unlocked/.terraform.lock.hcl', 'tools/unlocked/.terraform.lock.hcl',
  ]);
});
