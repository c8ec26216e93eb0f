import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkContract, documentedSettings } from '../contract.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FILES = [
  'README.md',
  'live/_units/api.hcl',
  'live/_units/worker.hcl',
  'live/_units/alb.hcl',
  'functions/api/src/main/java/dev/pipeline/api/web/HealthController.java',
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

test('README documents the settings the units set', async () => {
  const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
  assert.ok(documentedSettings(readme, 'API').has('INGEST_TOKEN_PARAMETER'));
  assert.ok(documentedSettings(readme, 'Worker').has('PERSIST_BUCKET_NAME'));
  assert.ok(!documentedSettings(readme, 'Worker').has('INGEST_TOKEN_PARAMETER'));
});

const cases = [
  ['contract-env-name', 'live/_units/api.hcl', 'INGEST_QUEUE_NAME      =', 'INGEST_QUEUE           ='],
  ['contract-env-name', 'README.md', '| `PERSIST_BUCKET_NAME` |', '| `PERSIST_BUCKET` |'],
  ['contract-port', 'live/_units/worker.hcl', 'SERVER_PORT               = "8081"', 'SERVER_PORT               = "8082"'],
  ['contract-port', 'live/_units/alb.hcl', 'target_port         = 8080', 'target_port         = 8081'],
  ['contract-health-path', 'live/_units/api.hcl', 'health_check_path  = "/health"', 'health_check_path  = "/healthz"'],
  ['contract-health-path', 'functions/worker/src/main/java/dev/pipeline/worker/web/HealthController.java', '@GetMapping(path = "/health"', '@GetMapping(path = "/ready"'],
  ['contract-s3-prefix', 'live/_units/worker.hcl', 'key_prefix = "emails/"', 'key_prefix = "mail/"'],
  ['contract-s3-prefix', 'live/_units/worker.hcl', '/${local.key_prefix}*"]', '/*"]'],
  ['contract-s3-prefix', 'live/_units/api.hcl', 'INGEST_KEY_PREFIX      = "emails/"', 'INGEST_KEY_PREFIX      = "mail/"'],
];

for (const [rule, file, from, to] of cases) {
  test(`${rule} fires when ${path.basename(file)} is broken`, async () => {
    assert.ok((await breaking(file, from, to)).includes(rule));
  });
}
