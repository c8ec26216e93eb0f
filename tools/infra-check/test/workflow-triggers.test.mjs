import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWorkflowTriggers } from '../workflow-triggers.mjs';
import { checkWorkflows } from '../workflows.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CHECKOUT = '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n';

async function repositoryWorkflows() {
  const dir = path.join(REPO, '.github/workflows');
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ file: `.github/workflows/${name}`, text: await readFile(path.join(dir, name), 'utf8') })));
}

/** ci.yml as a pull_request_target workflow whose test job builds the pull request's head with a secret. */
async function mutatedCi() {
  const text = await readFile(path.join(REPO, '.github/workflows/ci.yml'), 'utf8');
  const mutated = text
    .replace('on:\n  pull_request:\n', 'on:\n  pull_request_target:\n')
    .replace(CHECKOUT, `${CHECKOUT}        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n`)
    .replace('        run: ./mvnw -B -ntp verify\n', '        run: ./mvnw -B -ntp verify\n        env:\n          SONAR_TOKEN: ${{ secrets.SONAR_TOKEN }}\n');
  assert.notEqual(mutated, text);
  return mutated;
}

const rules = (findings) => findings.map((f) => `${f.file}:${f.line} ${f.rule}`);

test('the repository workflows run no pull request code with the token or secrets', async () => {
  assert.deepEqual(checkWorkflowTriggers(await repositoryWorkflows()), []);
});

test('ci.yml on pull_request_target, checking out the head with a secret, is refused', async () => {
  const text = await mutatedCi();
  const findings = checkWorkflowTriggers([{ file: '.github/workflows/ci.yml', text }]);
  const secretLine = text.split('\n').findIndex((line) => line.includes('secrets.SONAR_TOKEN')) + 1;
  assert.deepEqual(rules(findings), ['.github/workflows/ci.yml:20 workflow-untrusted-code', `.github/workflows/ci.yml:${secretLine} workflow-untrusted-secrets`]);
  assert.match(findings[0].message, /job "test" checks out the pull request's head: pull_request_target runs with a token that can write/);
});

test('checkWorkflows reports the mutated ci.yml beside actionlint', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'workflow-triggers-'));
  await mkdir(path.join(root, '.github/workflows'), { recursive: true });
  await writeFile(path.join(root, '.github/workflows/ci.yml'), await mutatedCi());
  const findings = await checkWorkflows(root);
  assert.deepEqual(findings.map((f) => f.rule).filter((rule) => rule.startsWith('workflow-untrusted')), ['workflow-untrusted-code', 'workflow-untrusted-secrets'], JSON.stringify(findings));
});

const workflow = (on, steps, more = '') => `name: w
on: ${on}
permissions:
  contents: read
jobs:
  j:
    runs-on: ubuntu-latest${more}
    steps:
${steps}`;

test('pull_request_target that checks out the base only may use secrets', () => {
  const text = workflow('pull_request_target', `${CHECKOUT}      - run: ./label.sh\n        env:\n          TOKEN: \${{ secrets.LABEL_TOKEN }}\n`);
  assert.deepEqual(checkWorkflowTriggers([{ file: 'w.yml', text }]), []);
});

test('a pull_request workflow may check out the head: it runs without secrets', () => {
  const text = workflow('pull_request', `${CHECKOUT}        with:\n          ref: \${{ github.head_ref }}\n`);
  assert.deepEqual(checkWorkflowTriggers([{ file: 'w.yml', text }]), []);
});

test('a trigger list, github.head_ref and a secret given to the checkout', () => {
  const text = workflow('[push, pull_request_target]', `${CHECKOUT}        with:\n          ref: \${{ github.head_ref }}\n          token: \${{ secrets.BOT_TOKEN }}\n`);
  assert.deepEqual(rules(checkWorkflowTriggers([{ file: 'w.yml', text }])), ['w.yml:9 workflow-untrusted-code', 'w.yml:12 workflow-untrusted-secrets']);
});

test('workflow_run fetching the triggering run\'s head with gh, and job-level secrets', () => {
  const text = workflow('\n  workflow_run:\n    workflows: [ci]\n    types: [completed]', '      - run: gh pr checkout "$PR"\n', '\n    env:\n      GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}');
  const findings = checkWorkflowTriggers([{ file: 'w.yml', text }]);
  assert.deepEqual(findings.map((f) => f.rule), ['workflow-untrusted-code', 'workflow-untrusted-secrets']);
  assert.match(findings[0].message, /workflow_run runs/);
});

test('a reusable workflow called from pull_request_target is held to the same', () => {
  const caller = 'name: caller\non: pull_request_target\npermissions:\n  contents: read\njobs:\n  build:\n    uses: ./.github/workflows/build.yml\n    secrets: inherit\n';
  const build = workflow('workflow_call', `${CHECKOUT}        with:\n          repository: \${{ github.event.pull_request.head.repo.full_name }}\n`);
  const findings = checkWorkflowTriggers([{ file: '.github/workflows/caller.yml', text: caller }, { file: '.github/workflows/build.yml', text: build }]);
  assert.deepEqual(rules(findings), ['.github/workflows/build.yml:9 workflow-untrusted-code']);
  assert.match(findings[0].message, /called from \.github\/workflows\/caller\.yml/);
});
