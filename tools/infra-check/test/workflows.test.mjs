import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWorkflows } from '../workflows.mjs';

async function check(text) {
  const root = await mkdtemp(path.join(tmpdir(), 'workflows-'));
  await mkdir(path.join(root, '.github/workflows'), { recursive: true });
  await writeFile(path.join(root, '.github/workflows/w.yml'), text);
  return checkWorkflows(root);
}

const GOOD = `name: w
on: push
permissions:
  contents: read
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
      - env:
          TITLE: \${{ github.event.head_commit.message }}
        run: echo "$TITLE"
`;

test('the repository workflows pass actionlint', async () => {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  assert.deepEqual(await checkWorkflows(repo), []);
  assert.deepEqual(await check(GOOD), []);
});

test('an untrusted value inside run: is reported', async () => {
  const bad = GOOD.replace('run: echo "$TITLE"', 'run: echo "${{ github.event.head_commit.message }}"');
  const findings = await check(bad);
  assert.ok(findings.some((f) => f.rule.startsWith('actionlint-')), JSON.stringify(findings));
});

test('a broken workflow is reported', async () => {
  const findings = await check(GOOD.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    needs: nowhere'));
  assert.ok(findings.length > 0);
});

test('workflow-action-pin: an action referenced by tag or branch is reported', async () => {
  const findings = await check(GOOD.replace('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1', 'actions/checkout@v4'));
  assert.deepEqual(findings.map((f) => f.rule), ['workflow-action-pin']);
  assert.equal(findings[0].line, 9);
});
